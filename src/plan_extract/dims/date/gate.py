"""Run the Matcher only around words that can anchor a time expression.

Most tokens of a press release (verbs, names, articles) cannot be part of a date; checking every
rule at every token is what makes a Matcher slow. Windows around anchor tokens (month, weekday,
unit, relative word, digits, numbers) hold every possible match, and give the same result.
"""

from __future__ import annotations

import re

from spacy.matcher import Matcher
from spacy.tokens import Doc

from plan_extract.dims.date.lexicon import LEXICON, lower

# Patterns reach at most this many tokens away from their anchor ("il y a à peu près trois ans").
WINDOW = 6


def _anchor_words() -> set[str]:
    words: set[str] = set()
    for table in (LEXICON.month, LEXICON.month_abbreviation, LEXICON.weekday, LEXICON.weekday_abbreviation,
                  LEXICON.season, LEXICON.named_month, LEXICON.unit, LEXICON.part, LEXICON.relative_day,
                  LEXICON.period, LEXICON.recurrence.adverbs, LEXICON.ordinal):
        words |= set(table)
    for phrase in [*LEXICON.holiday, *LEXICON.easter, *LEXICON.recurrence.phrases]:
        # Split as the tokenizer does: "week-end" -> "week", "-", "end"; "jour de l'an" -> "l'", "an".
        words |= set(re.split(r"[\s-]+|(?<=')", phrase)) | {phrase}
    words |= set(LEXICON.anchored_day.words) | set(LEXICON.decade.words) | set(LEXICON.day_part.words)
    words |= set(LEXICON.first_day.words) | set(LEXICON.shift)
    return words


ANCHORS = _anchor_words()


class GatedMatcher:
    """A Matcher called on windows around anchor tokens; offsets are given in the Doc.

    >>> # GatedMatcher(matcher)(doc) == matcher(doc) for the date rules, only faster
    """

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def __len__(self) -> int:
        return len(self.matcher)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        windows: list[list[int]] = []
        for token in doc:
            text = token.text
            if any(c.isdigit() for c in text) or lower(text) in ANCHORS or text.lower().startswith("mi-") \
                    or token._.get("numeral_form") is not None:
                start, end = max(0, token.i - WINDOW), min(len(doc), token.i + WINDOW + 1)
                if windows and start <= windows[-1][1]:
                    windows[-1][1] = max(windows[-1][1], end)
                else:
                    windows.append([start, end])
        matches = []
        for start, end in windows:
            matches.extend((match_id, start + s, start + e) for match_id, s, e in self.matcher(doc[start:end]))
        return matches

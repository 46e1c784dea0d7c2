"""Where a time expression can be: token windows around the words that anchor one.

Most tokens of a press release (verbs, names, articles) cannot be part of a date; checking every
rule at every token is what makes a Matcher slow. Windows around anchor tokens (month, weekday,
unit, relative word, digits, numbers) hold every possible match, and give the same result; the
rule set runs its Matcher only inside them (`RuleSet.__call__(doc, blocked, windows)`).
"""

from __future__ import annotations

import re

from spacy.attrs import LOWER, ORTH
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


# Words that are anchors only as parts of a phrase ("jour de l'an", "lundi de Pâques"), where
# a stronger word always stands within reach. They are among the most frequent words of French:
# windows around them cover most of a text. One pattern reaches further than `WINDOW` from its
# strong words, "il y a à peu près un an": a stretch holding "il y a" keeps its weak anchors.
WEAK = set(LEXICON.weak_anchors.words)
AGO = LEXICON.ago.words[0]  # ["il", "y", "a"]

NONE, WEAK_ANCHOR, ANCHOR = 0, 1, 2


def anchor_kind(text: str) -> int:
    """`ANCHOR` for a word that can anchor a time expression (digits: "2023", "T1", "48h"; a time
    word; "mi-…"), `WEAK_ANCHOR` for a word of `WEAK`, else `NONE`."""
    word = lower(text)
    if any(c.isdigit() for c in text) or text.lower().startswith("mi-"):
        return ANCHOR
    if word in ANCHORS:
        return WEAK_ANCHOR if word in WEAK else ANCHOR
    return NONE


# The kind of each word form seen so far, by its hash: a word is tested once per process, not
# once per token.
_KIND_BY_ORTH: dict[int, int] = {}


def windows_around(kinds: list[int], start: int, end: int, weakest: int) -> list[tuple[int, int]]:
    """Merged ranges of `WINDOW` tokens either side of each anchor of kind >= `weakest` in
    tokens `start`..`end` of a Doc, clipped to that stretch."""
    windows: list[tuple[int, int]] = []
    low = high = -1
    for i in range(start, end):
        if kinds[i] < weakest:
            continue
        if low >= 0 and i - WINDOW <= high:
            high = i + WINDOW + 1
        else:
            if low >= 0:
                windows.append((low, high))
            low, high = max(start, i - WINDOW), i + WINDOW + 1
    if low >= 0:
        windows.append((low, min(high, end)))
    return windows


def _ago_starts(doc: Doc, lowers: list[int]) -> list[int]:
    """Where "il y a" starts, read from the lower-case forms' hashes (its words have no apostrophe)."""
    ago = [doc.vocab.strings[word] for word in AGO]
    if ago[0] not in lowers:
        return []
    n = len(ago)
    return [i for i, h in enumerate(lowers) if h == ago[0] and lowers[i:i + n] == ago]


def anchor_windows(doc: Doc, numeral_key: str = "numeral") -> list[tuple[int, int]]:
    """Token ranges of `WINDOW` tokens either side of each anchor token, merged when they touch.

    Every token of a number found by `plan_numeral` (`doc.spans[numeral_key]`) is an anchor too:
    "trois" in "il y a trois ans". The ranges are those around all anchors, weak ones included;
    where no "il y a" stands, only the ranges around strong anchors of each of them are kept:
    every match lies inside those, so the Matcher finds the same matches in less text.

    >>> # "Le plan court jusqu'en 2027." -> [(0, 7)] (all 7 tokens: "2027" is within 6 of each)
    """
    known = _KIND_BY_ORTH
    strings = doc.vocab.strings
    kinds = []
    lowers = []
    for orth, low in doc.to_array([ORTH, LOWER]).tolist():
        kind = known.get(orth)
        if kind is None:
            kind = known[orth] = anchor_kind(strings[orth])
        kinds.append(kind)
        lowers.append(low)
    for span in doc.spans[numeral_key] if numeral_key in doc.spans else ():
        kinds[span.start:span.end] = [ANCHOR] * (span.end - span.start)
    ago = _ago_starts(doc, lowers)
    windows = []
    for start, end in windows_around(kinds, 0, len(doc), WEAK_ANCHOR):
        if any(start <= i <= end - len(AGO) for i in ago):
            windows.append((start, end))
        else:
            windows.extend(windows_around(kinds, start, end, ANCHOR))
    return windows

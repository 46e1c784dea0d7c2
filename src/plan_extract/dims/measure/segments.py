"""Sentence parts: the stretches of a Doc a measure's clause may not cross.

The parser often reads a title line and the paragraph after it as one sentence, and misses a
full stop before a capital ("... remboursés. En parallèle, ..."): both end a part here.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Token

from plan_extract.spans import sentence_bounds, token_attrs

SENTENCE_ENDS = {".", "!", "?"}
# Where the component keeps the breaks of the Doc while it runs (removed at its end).
BREAKS_KEY = "plan_measure.breaks"


def breaks(doc: Doc) -> list[int]:
    """Indices of the tokens that end a sentence part: a line break, or a full stop before a
    capital the parser did not take for a sentence start ("... remboursés. En parallèle, ...").
    Computed once per Doc (kept in `doc.user_data` while the component runs)."""
    return _cached_breaks(doc)[0]


def _cached_breaks(doc: Doc) -> tuple[list[int], list[int]]:
    cached = doc.user_data.get(BREAKS_KEY)
    if cached is not None and cached[0] == len(doc):
        return cached[1], cached[2]
    texts = token_attrs(doc).text
    lines = [i for i, text in enumerate(texts) if "\n" in text]
    found = [i for i, text in enumerate(texts) if "\n" in text or text in SENTENCE_ENDS and i + 1 < len(texts)
             and texts[i + 1][:1].isupper()]
    doc.user_data[BREAKS_KEY] = (len(doc), found, lines)
    return found, lines


def line_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token bounds of the line(s) holding tokens `start` to `end`: from after the last line
    break before `start` to the first line break at or after `end`."""
    lines = _cached_breaks(doc)[1]
    i = bisect_left(lines, start)
    first = lines[i - 1] + 1 if i > 0 else 0
    j = bisect_left(lines, end)
    return first, lines[j] if j < len(lines) else len(doc)


def segment(token: Token) -> tuple[int, int]:
    """Token bounds of the sentence part holding `token`, cut at line breaks (a title line and
    the paragraph after it are often parsed as one sentence) and at missed sentence ends."""
    sent_start, sent_end = sentence_bounds(token.doc, token.i)
    found = breaks(token.doc)
    i = bisect_left(found, token.i)
    start = max(sent_start, found[i - 1] + 1) if i > 0 else sent_start
    # A break on the token itself ends the part before it.
    after = found[i] if i < len(found) and found[i] > token.i else found[i + 1] if i + 1 < len(found) else None
    end = min(sent_end, after) if after is not None else sent_end
    return start, end


# Marks that open the item of a bulleted list.
BULLETS = {"-", "–", "—", "•", "*", "·"}
# How many lines up a bulleted list is searched for the line that announces it.
LIST_MAX_LINES = 12


def _first_word(texts: list[str], start: int, end: int) -> int | None:
    return next((i for i in range(start, end) if not texts[i].isspace()), None)


def in_announced_list(doc: Doc, start: int) -> bool:
    """The line holding token `start` is an item of a bulleted list announced by a line ending
    with a colon ("Voici les actions prévues :" then "- Suivi annuel de la qualité de l'eau"):
    the item states what the list announces. Items under a heading without a colon ("Effets
    attendus") are not announced so."""
    texts = token_attrs(doc).text
    first, end = line_bounds(doc, start, start)
    for _ in range(LIST_MAX_LINES):
        word = _first_word(texts, first, end)
        if word is None or texts[word] not in BULLETS:
            return False
        if first == 0:
            return False
        # The line before this one.
        first, end = line_bounds(doc, first - 1, first - 1)
        last = next((i for i in range(end - 1, first - 1, -1) if not texts[i].isspace()), None)
        if last is not None and texts[last] == ":":
            return True
    return False

"""Sentence parts: the stretches of a Doc a measure's clause may not cross.

The parser often reads a title line and the paragraph after it as one sentence, and misses a
full stop before a capital ("... remboursés. En parallèle, ..."): both end a part here.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Token

from plan_extract.dims.measure.lexicon import LEXICON
from plan_extract.spans import doc_cache, sentence_bounds, token_attrs

SENTENCE_ENDS = {".", "!", "?", "…"}
# The key of the Doc's breaks in its `spans.DocCache` (derived data, dropped with the cache).
BREAKS_KEY = "plan_measure.breaks"


def breaks(doc: Doc) -> list[int]:
    """Indices of the tokens that end a sentence part: a line break, or a full stop before a
    capital the parser did not take for a sentence start ("... remboursés. En parallèle, ...").
    Computed once per Doc (kept in the Doc's `spans.DocCache`)."""
    return _cached_breaks(doc)[0]


def _cached_breaks(doc: Doc) -> tuple[list[int], list[int]]:
    values = doc_cache(doc).values
    cached = values.get(BREAKS_KEY)
    if cached is not None:
        return cached
    texts = token_attrs(doc).text
    lines = [i for i, text in enumerate(texts) if "\n" in text]
    found = [i for i, text in enumerate(texts) if "\n" in text or text in SENTENCE_ENDS and i + 1 < len(texts)
             and texts[i + 1][:1].isupper()]
    values[BREAKS_KEY] = found, lines
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
    the paragraph after it are often parsed as one sentence) and at missed sentence ends. Kept
    per token in the Doc's cache: clauses and links ask for the same parts many times."""
    doc = token.doc
    known = doc_cache(doc).values.setdefault("segments", {})
    bounds = known.get(token.i)
    if bounds is None:
        bounds = known[token.i] = _segment(doc, token.i)
    return bounds


def _segment(doc: Doc, position: int) -> tuple[int, int]:
    sent_start, sent_end = sentence_bounds(doc, position)
    found = breaks(doc)
    i = bisect_left(found, position)
    start = max(sent_start, found[i - 1] + 1) if i > 0 else sent_start
    # A break on the token itself ends the part before it.
    after = found[i] if i < len(found) and found[i] > position else found[i + 1] if i + 1 < len(found) else None
    end = min(sent_end, after) if after is not None else sent_end
    return start, end


# Marks that open the item of a bulleted list.
BULLETS = {"-", "–", "—", "•", "*", "·"}
# How many lines up a bulleted list is searched for the line that announces it.
LIST_MAX_LINES = 12
# The longest heading line that announces the list under it ("Calendrier", "Actions prévues").
HEADING_MAX_TOKENS = 8
GOAL_HEADINGS = frozenset(LEXICON.lists.goal_headings)


def _first_word(texts: list[str], start: int, end: int) -> int | None:
    return next((i for i in range(start, end) if not texts[i].isspace()), None)


def _last_word(texts: list[str], start: int, end: int) -> int | None:
    return next((i for i in range(end - 1, start - 1, -1) if not texts[i].isspace()), None)


def in_announced_list(doc: Doc, start: int) -> bool:
    """The line holding token `start` is an item of a bulleted list announced by a line ending
    with a colon ("Voici les actions prévues :" then "- Suivi annuel de la qualité de l'eau") or
    by a heading of its own ("Calendrier" then "- 2023 Mise en œuvre du contrat"): the item
    states what the list announces. Items under a heading of goals or effects ("Effets
    attendus", "Objectifs visés": [lists] goal_headings) are not measures. An item may run
    over several lines."""
    texts = token_attrs(doc).text
    first, end = line_bounds(doc, start, start)
    word = _first_word(texts, first, end)
    if word is None or texts[word] not in BULLETS:
        return False
    below_is_item = True
    for _ in range(LIST_MAX_LINES):
        if first == 0:
            return False
        first, end = line_bounds(doc, first - 1, first - 1)
        word, last = _first_word(texts, first, end), _last_word(texts, first, end)
        if word is None:
            continue
        if texts[last] == ":":
            # "avec trois priorités :" announces aims; "voici les actions prévues :" measures.
            noun = next((i for i in range(last - 1, word - 1, -1) if token_attrs(doc).pos[i] == "NOUN"), None)
            return noun is None or not _is_goal(doc, noun)
        if texts[word] in BULLETS:
            below_is_item = True
            continue
        if last - word < HEADING_MAX_TOKENS and texts[last] not in SENTENCE_ENDS | {",", ";"}:
            return not any(_is_goal(doc, i) for i in range(word, last + 1))
        # A line that is no item: the end of an item above it, else the list has no announcement.
        above = line_bounds(doc, first - 1, first - 1) if first > 0 else None
        above_word = _first_word(texts, *above) if above else None
        if not below_is_item or above_word is None or texts[above_word] not in BULLETS:
            return False
        below_is_item = False
    return False


def _is_goal(doc: Doc, i: int) -> bool:
    """A word of goals ("objectifs", "Orientation(s)", "priorités"): [lists] goal_headings."""
    attrs = token_attrs(doc)
    return attrs.lemma[i] in GOAL_HEADINGS or attrs.lower[i].removesuffix("(s").removesuffix("s") in GOAL_HEADINGS


def item_start(doc: Doc, i: int) -> bool:
    """Token `i` opens the text of an item of an announced list, after its bullet and any
    figures or dates: "- 2022-2024 Mise en œuvre du contrat territorial"."""
    texts = token_attrs(doc).text
    first, end = line_bounds(doc, i, i)
    word = _first_word(texts, first, end)
    if word is None or word >= i or texts[word] not in BULLETS:
        return False
    if not all(texts[j].isspace() or not texts[j].isalpha() for j in range(word + 1, i)):
        return False
    return in_announced_list(doc, i)

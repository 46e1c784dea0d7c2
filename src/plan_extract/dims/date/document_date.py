"""The document's own date, read from the text when the caller gives none.

Evidence, in order of trust: a cue before a full date ("publié le 12 janvier 2023", "présenté ce
jeudi 12 janvier 2023", "communiqué du 3 mars 2024"), a dateline ("Alençon, le 12 janvier
2023" at the start of a line) or a line that holds nothing but a full date.
"""

from __future__ import annotations

import re
from typing import TypedDict

from spacy.tokens import Doc, Span

from plan_extract.dims.date.context import text_slice
from plan_extract.dims.date.lexicon import LEXICON, lower
from plan_extract.dims.date.resolve import Point, Time
from plan_extract.rules import Value

CUES = set(LEXICON.document_date.cues)
BETWEEN = set(LEXICON.document_date.between) | set(LEXICON.weekday)
# A dateline: a capitalised place name (with hyphens, apostrophes, spaces) then a comma and "le".
DATELINE_RE = re.compile(r"(?:^|\n)[ \t]*[A-ZÀ-Ý][\w'’ ()-]{1,60},[ \t]+(?:le[ \t]+)?$")
LINE_START_RE = re.compile(r"(?:^|\n)[ \t]*(?:le[ \t]+)?$", re.IGNORECASE)


class DocumentDate(TypedDict):
    value: str | None
    source: str
    start: int | None
    end: int | None


def _full_day(value: Value) -> Point | None:
    time: Time = value["time"]
    point = time.start
    if time.type == "date" and isinstance(point, Point) and point.grain == "day" and point.year:
        return point
    return None


def _has_cue(span: Span) -> bool:
    """A cue word before the date, with only small words between: "publié le", "présenté ce"."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and span.start - i <= 6:
        word = lower(doc[i].text)
        if word in CUES:
            return True
        if word not in BETWEEN:
            return False
        i -= 1
    return False


def _is_today(span: Span) -> bool:
    """ "ce jeudi 12 janvier 2023": a demonstrative puts the full date at the time of writing."""
    before = span.doc[span.start - 1] if span.start > 0 else None
    return before is not None and lower(before.text) in LEXICON.this.words


def _dateline(span: Span) -> bool:
    window = LEXICON.document_date.dateline_window
    head = text_slice(span.doc, span.start_char - window, span.start_char)
    after = text_slice(span.doc, span.end_char, span.end_char + 2)
    if DATELINE_RE.search(head):
        return True
    return bool(LINE_START_RE.search(head)) and (after.strip(" \t") == "" or after[:1] in "\n.:-–")


def infer(doc: Doc, items: list[tuple[Span, Value]]) -> DocumentDate:
    """The document date found in `items` (the dates matched in `doc`), with its evidence span.

    >>> # "Alençon, le 12 janvier 2023 — ..." -> {"value": "2023-01-12", "source": "text", "start": 12, "end": 27}
    """
    for span, value in items:
        point = _full_day(value)
        if point is not None and (_has_cue(span) or _dateline(span) or _is_today(span)):
            return DocumentDate(value=point.iso(), source="text", start=span.start_char, end=span.end_char)
    return DocumentDate(value=None, source="none", start=None, end=None)

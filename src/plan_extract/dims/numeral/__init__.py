"""Numbers as French press writes them: the spaCy component `plan_numeral`.

Stores every number in `doc.spans["numeral"]` with `span._.numeral`
({"value": "258000", "form": "digits"}) and marks its tokens with `token._.numeral_form`, so that
the quantity, money and date rules can use a NUMBER token pattern.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TypedDict

from spacy.tokens import Doc, Span, Token

from plan_extract.component import BatchComponent
from plan_extract.dims.numeral.parse import LEXICON, find_numerals, normalise
from plan_extract.rules import Mark
from plan_extract.spans import (doc_cache, doc_text, group_spans, set_span_extension, span_extension,
                                token_attrs)

SPANS_KEY = "numeral"
CARDINAL_FORMS = ["digits", "words", "approx"]
# One or more tokens of a cardinal number (a no-break space inside "258 000" is a token too).
NUMBER = {"_": {"numeral_form": {"IN": CARDINAL_FORMS}}, "OP": "+"}
# A no-break space between a number and its unit ("23 %", "7,4 M€") is a token of its own.
SPACE = {"IS_SPACE": True, "OP": "?"}


class NumeralValue(TypedDict):
    value: str
    form: str


if not Span.has_extension("numeral"):
    Span.set_extension("numeral", default=None)
if not Token.has_extension("numeral_form"):
    Token.set_extension("numeral_form", default=None)
# Made at import, before the rules of dates, money and quantities, which test the mark.
NUMERAL_MARK = Mark("numeral_form")


class NumeralFinder(BatchComponent):
    """Find numbers in digits, in letters and approximate ("une centaine"); mark ordinals."""

    def __init__(self, mark: Mark = NUMERAL_MARK, spans_key: str = SPANS_KEY) -> None:
        self.mark = mark
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        self.mark.clear(doc)
        text = doc_text(doc)
        like_url = token_attrs(doc).like_url
        for numeral in find_numerals(text):
            span = doc.char_span(numeral.start, numeral.end, alignment_mode="expand")
            # Numerals come in order without overlaps; widened to whole tokens, two may touch.
            if span is None or (spans and span.start < spans[-1].end):
                continue
            if span.end_char != numeral.end and text[numeral.end].isalpha() \
                    or span.start_char != numeral.start and text[numeral.start - 1] not in "'’":
                continue  # glued to what the tokenizer kept with it ("10h30", "3D", "A9", "1e+14"; not "d’1")
            if like_url[span.start] or like_url[span.end - 1]:
                continue  # "?q=30%": a piece of an address
            span.id_ = numeral.form
            set_span_extension(span, "numeral", NumeralValue(value=normalise(numeral.value), form=numeral.form))
            self.mark.span(span, numeral.form)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


def numeral_in(span: Span, key: str | None = None) -> Span | None:
    """The first cardinal numeral inside `span`, or None."""
    index = _index(span.doc, key)
    starts = index.starts
    end = span.end
    for i in range(bisect_left(starts, span.start), len(starts)):
        if starts[i] >= end:
            break
        if index.forms[i] != "ordinal":
            return index.spans[i]
    return None


def numeral_value(numeral: Span) -> NumeralValue:
    """`numeral._.numeral` (read from `doc.user_data`, see `spans.span_extension`)."""
    return span_extension(numeral, "numeral")


def range_opening(span: Span, blocked_keys: list[str], key: str | None = None) -> tuple[Span, bool] | None:
    """The number that opens a range ending with `span`, and whether the range is only
    approximate: "entre 3 et [5 agents]", "de 10 à [15 %]", "3 000 à [16 000 €]" (exact);
    "deux ou [trois agents]" (approximate). None when `span` closes no range, or when the first
    number lies in a span of `doc.spans[k]` for a k of `blocked_keys` ("du 3 au 5 mars").

    The first number is the one just before the joining word ("et", "à", "-", "ou").
    """
    doc = span.doc
    if span.start < 2:
        return None
    lower = token_attrs(doc).lower
    joiner = lower[span.start - 1]
    first = numeral_ending(doc, span.start - 1, key)
    if first is None or numeral_value(first)["form"] not in ("digits", "words", "approx"):
        return None
    if any(s.start < first.end and first.start < s.end for k in blocked_keys for s in group_spans(doc, k)):
        return None
    opener = lower[first.start - 1] if first.start > 0 else ""
    if any(opener == o and joiner == j for o, j in LEXICON.range.frames) or joiner in LEXICON.range.joiners:
        return first, False
    if joiner in LEXICON.range.alternatives:
        return first, True
    return None


def numeral_starting(doc: Doc, i: int, key: str | None = None) -> Span | None:
    """The numeral whose first token is `i`, or None (a binary search in the Doc's numerals)."""
    index = _index(doc, key)
    starts = index.starts
    k = bisect_left(starts, i)
    return index.spans[k] if k < len(starts) and starts[k] == i else None


def numeral_ending(doc: Doc, end: int, key: str | None = None) -> Span | None:
    """The numeral that ends just before token `end`, or None. Numerals do not overlap, so their
    ends come in the order of their starts."""
    index = _index(doc, key)
    k = bisect_left(index.starts, end) - 1
    return index.spans[k] if k >= 0 and index.ends[k] == end else None


def numerals(doc: Doc, key: str | None = None) -> list[Span]:
    """The numerals found in `doc` (`doc.spans[key]`, none when absent), read once per Doc."""
    return _index(doc, key).spans


class _Index:
    """The numerals of a Doc (`spans.group_spans`), their start and end tokens and their forms."""

    __slots__ = ("spans", "starts", "ends", "forms")

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.starts = [n.start for n in spans]
        self.ends = [n.end for n in spans]
        self.forms = [(numeral_value(n) or {}).get("form") for n in spans]


def _index(doc: Doc, key: str | None) -> _Index:
    """The `_Index` of the numerals of a Doc, made once (kept in the Doc's cache, see
    `spans.group_spans`). Without a `key`, the numerals are where the running component reads
    them (`spans.group_key`)."""
    cache = doc_cache(doc)
    if key is None:
        key = cache.keys.get(SPANS_KEY, SPANS_KEY)
    numerals = group_spans(doc, key)
    index = cache.values.get(("numeral index", key))
    if index is None or index.spans is not numerals:
        index = cache.values["numeral index", key] = _Index(numerals)
    return index

"""Quantities: the spaCy component `plan_quantity`.

Stores quantities in `doc.spans["quantity"]` with `span._.quantity`
({"value": "27", "unit": "kg", "counted": "cannabis", "base_value": "27000", "base_unit": "g"},
plus "approx", "min", "max" and "change" when the text says so) and the rule name in `span.id_`.
Numbers already claimed by dates and money are skipped; ordinals never match.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from plan_extract.component import NumberRuleComponent
from plan_extract.dims.numeral import numeral_in, numerals
from plan_extract.dims.numeral.parse import qualifier_before
from plan_extract.dims.quantity.rules import LEXICON, RULES, _identifier
from plan_extract.rules import Value
from plan_extract.spans import last_in_sentence_before

_INCREASE = set(LEXICON.change.increase)
_DECREASE = set(LEXICON.change.decrease)
_ELLIPTICAL = set(LEXICON.elliptical_before.words)
ELLIPTICAL_RULE = "<contre|dont|soit> <number> (unit of the figure before)"


@Language.factory("plan_quantity", assigns=["doc.spans"],
                  default_config={"spans_key": "quantity", "blocked_keys": ["date", "money"]})
def make_quantity_extractor(nlp: Language, name: str, spans_key: str, blocked_keys: list[str]) -> QuantityExtractor:
    return QuantityExtractor(nlp, spans_key=spans_key, blocked_keys=blocked_keys)


class QuantityExtractor(NumberRuleComponent):
    """Find counts and measures ("3 nouveaux policiers", "27 kilos de cannabis", "12 %")."""

    dim = "quantity"

    def __init__(self, nlp: Language, spans_key: str = "quantity",
                 blocked_keys: list[str] | None = None) -> None:
        super().__init__(nlp, RULES, spans_key, blocked_keys if blocked_keys is not None else ["date", "money"])

    def extra(self, doc: Doc, found: list[Span], text: str) -> list[Span]:
        """ "29 tués, contre 42 en 2022": a bare figure after "contre", "dont" or "soit" takes the
        unit and the counted noun of the closest figure before it in the same sentence."""
        spans_before = [*found, *(s for key in self.blocked_keys for s in doc.spans.get(key, []))]
        taken = {i for s in spans_before for i in range(s.start, s.end)}
        spans = []
        for numeral in numerals(doc):
            if numeral._.numeral["form"] not in ("digits", "words") or numeral.start == 0:
                continue
            if doc[numeral.start - 1].lower_ not in _ELLIPTICAL or any(i in taken for i in range(numeral.start, numeral.end)):
                continue
            nxt = doc[numeral.end] if numeral.end < len(doc) else None
            if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") or _identifier(numeral):
                continue
            before = last_in_sentence_before(found, numeral, gap=1)
            if before is None:
                continue
            model = before._.quantity
            value = {"value": numeral._.numeral["value"], "unit": model["unit"], "counted": model.get("counted")}
            span = Span(doc, numeral.start, numeral.end, span_id=ELLIPTICAL_RULE)
            span._.quantity = value
            spans.append(span)
        return spans

    def refine(self, span: Span, value: Value, text: str) -> tuple[Span, Value]:
        doc = span.doc
        numeral = numeral_in(span)
        if numeral is not None and numeral._.numeral["form"] == "approx":
            value["approx"] = "approx"
        qualifier = qualifier_before(text, span.start_char)
        if qualifier:
            value["approx"] = qualifier[0]
        span = self._range(span, value)
        change = self._change(span)
        if change:
            value["change"] = change
        return span, value

    @staticmethod
    def _range(span: Span, value: Value) -> Span:
        """ "entre 3 et 5 agents": one quantity from 3 to 5, its span widened to the first number."""
        doc = span.doc
        for opener, joiner in LEXICON.range.frames:
            if span.start >= 3 and doc[span.start - 1].lower_ == joiner:
                first = [n for n in numerals(doc) if n.end == span.start - 1]
                if first and first[0].start >= 1 and doc[first[0].start - 1].lower_ == opener:
                    low = first[0]._.numeral["value"]
                    value.update(min=low, max=value["value"], value=low)
                    return Span(doc, first[0].start, span.end, span_id=span.id_)
        return span

    @staticmethod
    def _change(span: Span) -> str | None:
        doc = span.doc
        first = doc[span.start]
        if re.match(r"^[+\-−]\d", first.text):
            return "delta"
        before = [t.lower_ for t in doc[max(0, span.start - 3): span.start]]
        if before and before[-1] in ("de", "d'"):
            if _INCREASE & set(before):
                return "increase"
            if _DECREASE & set(before):
                return "decrease"
        return None

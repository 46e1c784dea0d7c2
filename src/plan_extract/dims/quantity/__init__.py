"""Quantities: the spaCy component `plan_quantity`.

Stores quantities in `doc.spans["quantity"]` with `span._.quantity`
({"value": "27", "unit": "kg", "counted": "cannabis", "base_value": "27000", "base_unit": "g"},
plus "approx", "min", "max", "change", "per" and "per_value" when the text says so) and the rule
name in `span.id_`. Numbers already claimed by dates and money are skipped; ordinals never match.
"""

from __future__ import annotations

import re
from decimal import Decimal

from spacy.language import Language
from spacy.tokens import Doc, Span

from plan_extract.component import NumberRuleComponent
from plan_extract.dims.numeral import numeral_in, numeral_starting, numeral_value, range_opening
from plan_extract.dims.numeral.parse import normalise, qualifier_before
from plan_extract.dims.quantity.bare import bare_figures
from plan_extract.dims.quantity.lexicon import unit_rules
from plan_extract.dims.quantity.rules import LEXICON, RULES, _lemma
from plan_extract.grammar import DE
from plan_extract.lexicon import LexiconLike, UserLexicon, WithUserLexicon
from plan_extract.rules import RuleSet, Value
from plan_extract.spans import group_spans, token_attrs

_INCREASE = set(LEXICON.change.increase)
_DECREASE = set(LEXICON.change.decrease)
_RATE_WORDS = set(LEXICON.rate.words)



class QuantityExtractor(WithUserLexicon, NumberRuleComponent):
    """Find counts and measures ("3 nouveaux policiers", "27 kilos de cannabis", "12 %")."""

    dim = "quantity"

    def __init__(self, nlp: Language, spans_key: str = "quantity", numeral_key: str = "numeral",
                 blocked_keys: list[str] | None = None, lexicon: LexiconLike = None) -> None:
        """`lexicon`: a user lexicon whose `[quantity.unit]` are added (docs/lexicon.md)."""
        super().__init__(nlp, RULES, spans_key, blocked_keys if blocked_keys is not None else ["date", "money"],
                         numeral_key=numeral_key)
        self.nlp = nlp
        self.config_lexicon(lexicon)

    def use_lexicon(self, lexicon: UserLexicon) -> None:
        # The user's rules first: on a tie (same length), the user's unit wins over a counted noun.
        self.ruleset = RuleSet(self.nlp.vocab, [*unit_rules(lexicon.quantity.unit, self.split_form), *RULES])

    def kept(self, spans: list[Span]) -> list[Span]:
        return _outermost(spans)

    def extra(self, doc: Doc, found: list[Span], text: str) -> list[Span]:
        """Figures that stand alone: "ils ne sont plus que 75", "29 tués, contre 42 en 2022"."""
        blocked = [s for key in self.blocked_keys for s in group_spans(doc, key)]
        return bare_figures(doc, _outermost(found), blocked, text)

    def refine(self, span: Span, value: Value, text: str) -> tuple[Span, Value]:
        numeral = numeral_in(span)
        if numeral is not None and numeral_value(numeral)["form"] == "approx":
            value["approx"] = "approx"
        qualifier = qualifier_before(text, span.start_char)
        if qualifier:
            value["approx"] = qualifier[0]
        span = self._range(span, value)
        span = self._rate(span, value)
        change = self._change(span)
        if change:
            value["change"] = change
        return span, value

    def _range(self, span: Span, value: Value) -> Span:
        """ "entre 3 et 5 agents", "10 à 15 %", "deux ou trois agents": one quantity from the first
        number to the second, its span widened to the first number."""
        doc = span.doc
        opening = range_opening(span, self.blocked_keys)
        if opening is None:
            return span
        first, approximate = opening
        low = numeral_value(first)["value"]
        value.update(min=low, max=value["value"], value=low)
        if approximate:
            value["approx"] = "approx"
        return Span(doc, first.start, span.end, span_id=span.id_)

    @staticmethod
    def _rate(span: Span, value: Value) -> Span:
        """ "3,9 faits (constatés) pour 100 000 habitants": a count per a round base of at least
        `rate.min_base`, one quantity whose unit names the base."""
        doc = span.doc
        if value.get("unit") != "count" or span.end >= len(doc):
            return span
        attrs = token_attrs(doc)
        i = span.end
        while i < len(doc) and i < span.end + 2 and attrs.pos[i] in ("ADJ", "VERB") and attrs.lower[i] not in _RATE_WORDS:
            i += 1  # "faits constatés pour"
        if i >= len(doc) or attrs.lower[i] not in _RATE_WORDS:
            return span
        base = numeral_starting(doc, i + 1)
        if base is None or base.end >= len(doc) or doc[base.end].pos_ != "NOUN":
            return span
        size = Decimal(numeral_value(base)["value"])
        if size < LEXICON.rate.min_base or not re.fullmatch(r"10*", normalise(size)):
            return span
        noun = doc[base.end]
        written = " ".join(base.text.split())
        value.update(unit=f"{span[-1].text} {doc[i].lower_} {written} {noun.text}",
                     per=_lemma(noun), per_value=normalise(size))
        return Span(doc, span.start, noun.i + 1, span_id=span.id_)

    @staticmethod
    def _change(span: Span) -> str | None:
        attrs = token_attrs(span.doc)
        if re.match(r"^[+\-−]\d", attrs.text[span.start]):
            return "delta"
        start = max(0, span.start - 3)
        if start < span.start and attrs.lower[span.start - 1] in DE:
            words = {*attrs.lower[start:span.start], *attrs.lemma[start:span.start]}
            if _INCREASE & words:
                return "increase"
            if _DECREASE & words:
                return "decrease"
        return None


def _outermost(spans: list[Span]) -> list[Span]:
    """The spans not inside a longer one: a rate or a range widened over a figure that a rule
    also found alone ("pour 100 000 habitants") keeps only the widened span."""
    kept, reach_start, reach_end = [], -1, -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        # Spans come by start, the longest first: the one reaching furthest so far starts before.
        if reach_end > span.end or reach_end == span.end and reach_start < span.start:
            continue
        kept.append(span)
        if span.end > reach_end:
            reach_start, reach_end = span.start, span.end
    return kept

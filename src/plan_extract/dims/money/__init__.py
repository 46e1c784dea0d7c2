"""Amounts of money: the spaCy component `plan_money`.

Stores amounts in `doc.spans["money"]` with `span._.money`
({"value": "1200000", "currency": "EUR"}, plus "approx", "per" and "over" when the text
says so) and the rule name in `span.id_`. "over" points at the duration the amount is spread over
("sur 3 ans"), a span of the dates (`spans.span_ref`).
"""

from __future__ import annotations

import re
from decimal import Decimal

from spacy.language import Language
from spacy.tokens import Doc, Span

from plan_extract.component import NumberRuleComponent
from plan_extract.dims.money.lexicon import currency_rules
from plan_extract.dims.money.rules import CURRENCY_OF, LEXICON, NAMED_CURRENCIES, PER_WORDS, RULES
from plan_extract.dims.numeral import numeral_in, numeral_starting, numeral_value, numerals, range_opening
from plan_extract.dims.numeral.parse import LEXICON as NUMERAL_LEXICON
from plan_extract.dims.numeral.parse import normalise, qualifier_before, word_start_alternation
from plan_extract.grammar import DE
from plan_extract.lexicon import LexiconLike, UserLexicon, WithUserLexicon
from plan_extract.rules import RuleSet, Value
from plan_extract.spans import group_spans, sentence_bounds, span_ref, span_text, token_attrs

# Prepositions that spread an amount over a duration: "258 000 euros sur 3 ans".
OVER_WORDS = set(LEXICON.over.words)
ELLIPTICAL_RULE = "<number> <scale> (currency of the sentence)"
ONE_RULE = "un <currency>"
# "un euro", "une livre sterling": "un"/"une" counts one before a currency written as a word.
ONE_RE = re.compile(
    rf"{word_start_alternation(NUMERAL_LEXICON.articles)}[ \u00a0]+"
    rf"(?P<currency>{'|'.join(re.escape(c) for c in sorted(NAMED_CURRENCIES, key=len, reverse=True))})(?![\w-])",
    re.IGNORECASE,
)
SCALE_WORDS = set(NUMERAL_LEXICON.scale)
SUBUNITS = set(LEXICON.subunit.words)



class MoneyExtractor(WithUserLexicon, NumberRuleComponent):
    """Find amounts of money ("258 000 euros", "1,2 M€", "2 millions d'euros")."""

    dim = "money"

    def __init__(self, nlp: Language, spans_key: str = "money", numeral_key: str = "numeral",
                 date_key: str = "date", lexicon: LexiconLike = None) -> None:
        """`lexicon`: a user lexicon whose `[money.currency]` are added (docs/lexicon.md)."""
        # A year or a duration is never an amount: numbers inside dates are skipped.
        super().__init__(nlp, RULES, spans_key, blocked_keys=[date_key], numeral_key=numeral_key)
        self.date_key = date_key
        self.nlp = nlp
        self.config_lexicon(lexicon)

    def use_lexicon(self, lexicon: UserLexicon) -> None:
        # The user's rules first: on a tie (same length), the user's currency wins.
        self.ruleset = RuleSet(self.nlp.vocab, [*currency_rules(lexicon.money.currency, self.split_form), *RULES])

    def extra(self, doc: Doc, found: list[Span], text: str) -> list[Span]:
        """ "4,8 millions d'euros, dont 2,9 millions de l'État": an amount with a scale word but no
        currency takes the currency of an amount before it in the same sentence or the one before
        ("… 380 millions d'euros. L'enveloppe n'est que de 200 millions.")."""
        spans = []
        for span in [*self._elliptical(doc, found, text), *self._one(doc, found, text)]:
            span, span._.money = self.refine(span, span._.money, text)
            spans.append(span)
        return spans

    def _one(self, doc: Doc, found: list[Span], text: str) -> list[Span]:
        """ "un euro symbolique", "d'un dollar": one unit of a currency named in full."""
        spans = []
        for m in ONE_RE.finditer(text):
            span = doc.char_span(m.start(), m.end())
            if span is None or any(s.start < span.end and span.start < s.end for s in found):
                continue
            span = Span(doc, span.start, span.end, span_id=ONE_RULE)
            span._.money = {"value": "1", "currency": CURRENCY_OF[m.group("currency").lower()]}
            spans.append(span)
        return spans

    def _elliptical(self, doc: Doc, found: list[Span], text: str) -> list[Span]:
        spans_before = [*found, *group_spans(doc, self.date_key)]
        taken = {i for s in spans_before for i in range(s.start, s.end)}
        spans = []
        for numeral in numerals(doc, self.numeral_key):
            words = text[numeral.start_char:numeral.end_char].lower().split()  # numeral.text, read once per Doc
            if len(words) < 2 or words[-1] not in SCALE_WORDS or any(i in taken for i in range(numeral.start, numeral.end)):
                continue
            attrs = token_attrs(doc)
            if numeral.end + 2 <= len(doc) and attrs.lower[numeral.end] in DE and attrs.pos[numeral.end + 1] == "NOUN":
                continue  # "2 millions de tonnes": a quantity
            model = _amount_before(found, numeral)
            if model is None:
                continue
            span = Span(doc, numeral.start, numeral.end, span_id=ELLIPTICAL_RULE)
            span._.money = {"value": numeral_value(numeral)["value"], "currency": model._.money["currency"]}
            spans.append(span)
        return spans

    def refine(self, span: Span, value: Value, text: str) -> tuple[Span, Value]:
        doc = span.doc
        span = self._subunit(span, value)
        span = self._range(span, value)
        qualifier = qualifier_before(text, span.start_char)
        if qualifier:
            value["approx"] = qualifier[0]
        attrs = token_attrs(doc)
        after = attrs.lower[span.end: span.end + 3]
        if len(after) >= 2 and after[0] in ("par", "/") and attrs.lemma[span.end + 1] in PER_WORDS:
            value["per"] = attrs.lemma[span.end + 1]
        elif len(after) >= 1 and after[0] in LEXICON.per.adjectives:
            value["per"] = LEXICON.per.adjectives[after[0]]
        over = span.end < len(doc) and attrs.lower[span.end] in OVER_WORDS
        for date in group_spans(doc, self.date_key) if over else ():
            # "sur 3 ans" within two words after the amount
            if span.end < date.start <= span.end + 2 and attrs.lower[span.end] in OVER_WORDS \
                    and (date._.date or {}).get("type") == "duration":
                value["over"] = span_ref(span, date)
        return span, value

    def _range(self, span: Span, value: Value) -> Span:
        """ "3 000 à 16 000 €", "entre 2 et 3 millions d'euros": one amount from the first number
        (`value`, `min`) to the second (`max`); a first number without a scale takes the scale
        of the second ("2" in "entre 2 et 3 millions" is 2 millions)."""
        doc = span.doc
        opening = range_opening(span, [self.date_key])
        numeral = numeral_in(span)
        if opening is None or numeral is None:
            return span
        first, approximate = opening
        high = Decimal(value["value"])
        written = Decimal(numeral_value(numeral)["value"])
        last_word = span_text(numeral).lower().split()[-1]
        if last_word in SCALE_WORDS:
            written /= NUMERAL_LEXICON.scale[last_word]
        low = Decimal(numeral_value(first)["value"])
        if written and span_text(first).lower().split()[-1] not in SCALE_WORDS and low <= written:
            low *= high / written
        value.update(value=normalise(low), min=normalise(low), max=value["value"])
        if approximate:
            value["approx"] = "approx"
        return Span(doc, first.start, span.end, span_id=span.id_)

    @staticmethod
    def _subunit(span: Span, value: Value) -> Span:
        """ "1 USD et 23 centimes", "15 dollars 15 cents", "15 dollars 50.": hundredths of the
        currency after the amount."""
        doc = span.doc
        amount = Decimal(value["value"])
        if amount != amount.to_integral_value():
            return span
        attrs = token_attrs(doc)
        i = span.end + (1 if span.end < len(doc) and attrs.lower[span.end] == "et" else 0)
        cents = numeral_starting(doc, i)
        if cents is None or numeral_value(cents)["form"] not in ("digits", "words"):
            return span
        count = Decimal(numeral_value(cents)["value"])
        if not (0 < count < 100 and count == count.to_integral_value()):
            return span
        end = cents.end
        if end < len(doc) and attrs.lower[end] in SUBUNITS:
            end += 1
        elif len(span_text(cents)) != 2 or not (end == len(doc) or attrs.is_punct[end]):
            return span  # "15 dollars 50." only: a bare number after the amount is something else
        value["value"] = normalise(amount + count / 100)
        return Span(doc, span.start, end, span_id=span.id_)


def _amount_before(found: list[Span], anchor: Span) -> Span | None:
    """The last amount before `anchor` in its sentence or the sentence before."""
    doc = anchor.doc
    start = sentence_bounds(doc, anchor.start)[0]
    if start > 0:
        start = sentence_bounds(doc, start - 1)[0]
    before = [s for s in found if start <= s.start and s.end <= anchor.start]
    return max(before, key=lambda s: s.end) if before else None

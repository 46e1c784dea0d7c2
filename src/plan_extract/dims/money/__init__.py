"""Amounts of money: the spaCy component `plan_money`.

Stores amounts in `doc.spans["money"]` with `span._.money`
({"value": "1200000", "currency": "EUR"}, plus "approx", "per" and "over_start" when the text
says so) and the rule name in `span.id_`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Span

from plan_extract.component import RuleComponent
from plan_extract.dims.money.rules import LEXICON, PER_WORDS, RULES
from plan_extract.dims.numeral.parse import qualifier_before
from plan_extract.rules import Value

# Prepositions that spread an amount over a duration: "258 000 euros sur 3 ans".
OVER_WORDS = {"sur", "pendant", "en"}


@Language.factory("plan_money", assigns=["doc.spans"],
                  default_config={"spans_key": "money", "date_key": "date"})
def make_money_extractor(nlp: Language, name: str, spans_key: str, date_key: str) -> MoneyExtractor:
    return MoneyExtractor(nlp, spans_key=spans_key, date_key=date_key)


class MoneyExtractor(RuleComponent):
    """Find amounts of money ("258 000 euros", "1,2 M€", "2 millions d'euros")."""

    dim = "money"

    def __init__(self, nlp: Language, spans_key: str = "money", date_key: str = "date") -> None:
        super().__init__(nlp, RULES, spans_key)
        self.date_key = date_key

    def refine(self, span: Span, value: Value) -> tuple[Span, Value]:
        doc = span.doc
        qualifier = qualifier_before(doc.text, span.start_char)
        if qualifier:
            value["approx"] = qualifier[0]
        after = doc[span.end: span.end + 3]
        if len(after) >= 2 and after[0].lower_ == "par" and after[1].lemma_.lower() in PER_WORDS:
            value["per"] = after[1].lemma_.lower()
        elif len(after) >= 1 and after[0].lower_ in LEXICON.per.adjectives:
            value["per"] = LEXICON.per.adjectives[after[0].lower_]
        for date in doc.spans[self.date_key] if self.date_key in doc.spans else ():
            gap = doc[span.end: date.start]
            if (date._.date or {}).get("type") == "duration" and 0 < len(gap) <= 2 and gap[0].lower_ in OVER_WORDS:
                value["over_start"] = date.start_char
        return span, value

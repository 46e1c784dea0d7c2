"""The spaCy factory of `plan_money`, found by spaCy through the `spacy_factories` entry point."""

from __future__ import annotations

from spacy.language import Language

from plan_extract.dims.money import MoneyExtractor

# `numeral_key`: the numbers of `plan_numeral`; `date_key`: the dates of `plan_date` (a year or a
# duration is never an amount; "sur 3 ans" spreads an amount over a duration).
# `lexicon`: a user lexicon file (docs/lexicon.md) whose currencies are added to the package's.
DEFAULT_CONFIG = {"spans_key": "money", "numeral_key": "numeral", "date_key": "date", "lexicon": None}


@Language.factory("plan_money", default_config=DEFAULT_CONFIG,
                  requires=["doc.spans", "token._.numeral_form"], assigns=["doc.spans", "span._.money"])
def create_component(nlp: Language, name: str, spans_key: str, numeral_key: str, date_key: str,
                     lexicon: str | None) -> MoneyExtractor:
    return MoneyExtractor(nlp, spans_key=spans_key, numeral_key=numeral_key, date_key=date_key, lexicon=lexicon)

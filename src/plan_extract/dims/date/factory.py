"""The spaCy factory of `plan_date`, found by spaCy through the `spacy_factories` entry point."""

from __future__ import annotations

from spacy.language import Language

from plan_extract.dims.date import DateExtractor

# `numeral_key`: the numbers of `plan_numeral`, which the rules read.
DEFAULT_CONFIG = {"spans_key": "date", "numeral_key": "numeral"}


@Language.factory("plan_date", default_config=DEFAULT_CONFIG,
                  requires=["doc.spans", "token.pos", "token.morph", "token.dep", "token._.numeral_form"],
                  assigns=["doc.spans", "span._.date", "doc._.document_date"])
def create_component(nlp: Language, name: str, spans_key: str, numeral_key: str) -> DateExtractor:
    return DateExtractor(nlp, spans_key=spans_key, numeral_key=numeral_key)

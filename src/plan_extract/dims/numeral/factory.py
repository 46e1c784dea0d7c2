"""The spaCy factory of `plan_numeral`, found by spaCy through the `spacy_factories` entry point
(`spacy.load("fr_core_news_md").add_pipe("plan_numeral")` works without importing the package)."""

from __future__ import annotations

from spacy.language import Language

from plan_extract.dims.numeral import NUMERAL_MARK, NumeralFinder

DEFAULT_CONFIG = {"spans_key": "numeral"}


@Language.factory("plan_numeral", default_config=DEFAULT_CONFIG,
                  assigns=["doc.spans", "span._.numeral", "token._.numeral_form"])
def create_component(nlp: Language, name: str, spans_key: str) -> NumeralFinder:
    return NumeralFinder(NUMERAL_MARK, spans_key=spans_key)

"""The spaCy factory of `plan_quantity`, found by spaCy through the `spacy_factories` entry point."""

from __future__ import annotations

from spacy.language import Language

from plan_extract.dims.quantity import QuantityExtractor

# `blocked_keys`: numbers inside these spans (dates, money) are never quantities.
# `lexicon`: a user lexicon file (docs/lexicon.md) whose units are added to the package's.
DEFAULT_CONFIG = {"spans_key": "quantity", "numeral_key": "numeral", "blocked_keys": ["date", "money"], "lexicon": None}


@Language.factory("plan_quantity", default_config=DEFAULT_CONFIG,
                  requires=["doc.spans", "token.pos", "token.dep", "token._.numeral_form"],
                  assigns=["doc.spans", "span._.quantity"])
def create_component(nlp: Language, name: str, spans_key: str, numeral_key: str,
                     blocked_keys: list[str], lexicon: str | None) -> QuantityExtractor:
    return QuantityExtractor(nlp, spans_key=spans_key, numeral_key=numeral_key, blocked_keys=blocked_keys, lexicon=lexicon)

"""The spaCy factory of `plan_measure`, found by spaCy through the `spacy_factories` entry point."""

from __future__ import annotations

from spacy.language import Language

from plan_extract.dims.measure import MeasureExtractor

DEFAULT_CONFIG = {"spans_key": "measure"}


@Language.factory("plan_measure", default_config=DEFAULT_CONFIG,
                  requires=["token.pos", "token.dep", "token.morph", "doc.spans"],
                  assigns=["doc.spans", "span._.measure", "doc._.plan"])
def create_component(nlp: Language, name: str, spans_key: str) -> MeasureExtractor:
    return MeasureExtractor(spans_key=spans_key)

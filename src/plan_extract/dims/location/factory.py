"""The spaCy factory of `plan_location`, found by spaCy through the `spacy_factories` entry point."""

from __future__ import annotations

from spacy.language import Language

from plan_extract.dims.location import LocationExtractor

# `lexicon`: a user lexicon file (docs/lexicon.md) whose entries are added to the package's.
DEFAULT_CONFIG = {"spans_key": "location", "lexicon": None}


@Language.factory("plan_location", default_config=DEFAULT_CONFIG,
                  requires=["token.pos", "doc.ents"], assigns=["doc.spans", "span._.location"])
def create_component(nlp: Language, name: str, spans_key: str, lexicon: str | None) -> LocationExtractor:
    return LocationExtractor(nlp, spans_key=spans_key, lexicon=lexicon)

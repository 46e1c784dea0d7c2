"""The spaCy factory of `plan_actor`, found by spaCy through the `spacy_factories` entry point."""

from __future__ import annotations

from spacy.language import Language

from plan_extract.dims.actor import ActorExtractor

# `lexicon`: a user lexicon file (docs/lexicon.md) whose entries are added to the package's;
# `location_key`: the places of `plan_location` (a body's place, a name that is a place).
DEFAULT_CONFIG = {"spans_key": "actor", "location_key": "location", "lexicon": None}


@Language.factory("plan_actor", default_config=DEFAULT_CONFIG,
                  requires=["token.pos", "token.dep", "doc.ents", "doc.spans"], assigns=["doc.spans", "span._.actor"])
def create_component(nlp: Language, name: str, spans_key: str, location_key: str,
                     lexicon: str | None) -> ActorExtractor:
    return ActorExtractor(nlp, spans_key=spans_key, location_key=location_key, lexicon=lexicon)

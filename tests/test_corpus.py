"""Score the corpus against its gold files and hold the floors written in corpus/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plan_extract.evaluate import corpus_pairs, evaluate
from plan_extract.gold import load_gold

CORPUS = Path(__file__).parent.parent / "corpus"


def _floors() -> dict[str, float]:
    text = (CORPUS / "README.md").read_text(encoding="utf-8")
    table = text.split("## Floors", 1)[1]
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^\| (\w+) \| ([0-9.]+) \|", table, re.M)}


def test_corpus_size_and_gold_validity() -> None:
    pairs = corpus_pairs(CORPUS)
    assert len(pairs) >= 20
    for txt, gold in pairs:
        load_gold(gold, txt.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report(nlp):
    return evaluate(CORPUS)


def test_floors(report) -> None:
    floors = _floors()
    assert set(floors) == {"quantities", "money", "dates", "actors", "locations", "measures", "links"}
    totals = report.totals()
    below = {c: round(totals[c].f1, 3) for c, floor in floors.items() if totals[c].f1 < floor}
    assert not below, f"F1 below the floor: {below} (floors {floors})\n{report.table()}"

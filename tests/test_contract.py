"""The output contract: offsets, schema validity, determinism, the committed schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from plan_extract import extract, extract_many
from plan_extract.models import json_schema

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "plan-extract.schema.json").read_text(encoding="utf-8"))
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))


def test_committed_schema_is_current() -> None:
    assert SCHEMA == json_schema(), (
        "schemas/ is stale: run `plan-extract schema > schemas/plan-extract.schema.json` and review the diff"
    )


def _items(data: dict) -> list[dict]:
    items = [i for key in ("quantities", "money", "dates", "actors", "locations", "measures") for i in data[key]]
    items += [m for key in ("actors", "locations") for i in data[key] for m in i["mentions"]]
    items += [e for m in data["measures"] for e in m["evidence"]]
    return items


@pytest.mark.parametrize("path", CORPUS[:6], ids=lambda p: p.name)
def test_offsets_schema_and_determinism(nlp, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    first = extract(text).model_dump(mode="json")
    jsonschema.validate(first, SCHEMA)
    for item in _items(first):
        assert text[item["start"]:item["end"]] == item["text"], item
    assert extract(text).model_dump(mode="json") == first
    ids = [i["id"] for key in ("quantities", "money", "dates", "actors", "locations", "measures") for i in first[key]]
    assert len(ids) == len(set(ids))


def test_seed_restatement_facts(nlp) -> None:
    """The figures a reader expects from the seed story, restated in corpus/01_alencon_crack.txt."""
    data = extract((ROOT / "corpus" / "01_alencon_crack.txt").read_text(encoding="utf-8"))
    assert any(q.value == 27 and q.unit == "kg" and q.counted == "cannabis" for q in data.quantities)
    assert any(m.value == 258000 and m.currency == "EUR" for m in data.money)
    assert any(d.value == "2023-01-12" for d in data.dates)
    assert data.document_date.value == "2023-01-12"
    assert any(a.acronym == "ARS" for a in data.actors)
    assert any(a.type == "person" and a.role and "préfet" in a.role.lower() for a in data.actors)


def test_long_text_in_chunks_keeps_offsets(nlp) -> None:
    """A text cut into chunks on paragraph boundaries gives the items of the whole text."""
    from plan_extract.api import chunk_starts, extract_documents
    from plan_extract.reading import Document

    text = "\n\n".join(p.read_text(encoding="utf-8") for p in CORPUS[:3])
    assert len(chunk_starts(text, 800)) > 3
    whole = extract(text).model_dump(mode="json")
    chunked = next(extract_documents([Document(None, text, None)], chunk_chars=800)).model_dump(mode="json")
    for key in ("quantities", "money", "dates"):
        assert [(i["text"], i["start"], i["value"]) for i in chunked[key]] == \
            [(i["text"], i["start"], i["value"]) for i in whole[key]]
    for item in _items(chunked):
        assert text[item["start"]:item["end"]] == item["text"]
    assert chunked["document_date"] == whole["document_date"]


def test_chunk_starts_prefer_paragraphs() -> None:
    from plan_extract.api import chunk_starts

    text = "Un.\n\nDeux phrases. Encore.\nTrois."
    assert chunk_starts(text, 1000) == [0]
    assert chunk_starts(text, 16) == [0, 5, 19]
    assert chunk_starts(text, 12) == [0, 5, 10, 19, 27]
    assert chunk_starts("x" * 25, 10) == [0, 10, 20]


def test_batches_give_what_single_texts_give(nlp) -> None:
    """`extract_many` runs each component over a whole batch before the next one (their `pipe`):
    every text comes out as it does alone, in the input order, whatever the batch size."""
    texts = [p.read_text(encoding="utf-8") for p in CORPUS[:7]]
    alone = [extract(text).model_dump(mode="json") for text in texts]
    for batch_size in (1, 3, 32):
        assert [e.model_dump(mode="json") for e in extract_many(texts, batch_size=batch_size)] == alone
    assert all(hasattr(nlp.get_pipe(name), "pipe") for name in nlp.pipe_names if name.startswith("plan_"))

"""`plan-extract tables`: CSV files and an SQLite database from extraction outputs."""

from __future__ import annotations

import copy
import csv
import doctest
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plan_extract import outputs, review, tables
from plan_extract.cli import main
from plan_extract import models
from plan_extract.models import Extraction

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs" / "tables.md"


def _item(kind: str, item_id: str, text: str, start: int, sentence: int = 0, **fields: Any) -> dict[str, Any]:
    return {"text": text, "start": start, "end": start + len(text), "id": item_id, "sentence": sentence,
            "rule": f"test rule, {kind}", "kind": kind, **fields}


# A hand-made output over a text with commas, quotes and a line break, to test quoting.
TEXT = 'Le maire de Lyon, "Jean Dupont", versera 10 000 euros.\nEn 2024, 3 agents arriveront.'


def _hand_made(path: str = "lettre.txt") -> dict[str, Any]:
    data = {
        "schema_version": "1.0",
        "source": {"path": path, "encoding": "utf-8", "sha256": "a" * 64, "chars": len(TEXT)},
        "document_date": {"value": "2024-02-01", "source": "given", "evidence": None},
        "quantities": [_item("quantity", "q1", "3 agents", 64, 1, value=3, unit="count", counted="agent")],
        "money": [_item("money", "m1", "10 000 euros", 41, value=10000, currency="EUR", per="an")],
        "dates": [_item("date", "d1", "En 2024", 55, 1, type="date", value="2024", grain="year", relative=False)],
        "actors": [_item("actor", "a1", 'maire de Lyon, "Jean Dupont"', 3, name='Jean Dupont', type="person",
                         role="maire de Lyon", location="l1",
                         mentions=[{"text": 'maire de Lyon, "Jean Dupont"', "start": 3, "end": 31, "sentence": 0}])],
        "locations": [_item("location", "l1", "Lyon", 12, name="Lyon", type="commune", code="69123",
                            candidates=["69123", "01234"],
                            mentions=[{"text": "Lyon", "start": 12, "end": 16, "sentence": 0}])],
        "measures": [_item("measure", "ms1", 'Le maire de Lyon, "Jean Dupont", versera 10 000 euros', 0,
                           action="verser", label="versement de 10 000 euros", status="planned",
                           category="funding", actors=["a1"], targets=["les écoles", "les crèches"],
                           quantities=["q1"], money=["m1"], dates=["d1"], locations=["l1"],
                           evidence=[{"text": "3 agents arriveront", "start": 64, "end": 83}])],
        "plan": None,
    }
    Extraction.model_validate(data)  # the hand-made output is a valid one
    return data


def _items(data: dict[str, Any]) -> int:
    return sum(len(data[name]) for name in tables.ITEMS)


def _outputs(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json")) if p.name != "_report.json"]


def _normal(data: dict[str, Any]) -> dict[str, Any]:
    return Extraction.model_validate(data).model_dump(mode="json")


def test_sqlite_round_trip_gives_back_every_corpus_output(corpus_out: Path, tmp_path: Path) -> None:
    database = tmp_path / "plans.db"
    result = CliRunner().invoke(main, ["tables", str(corpus_out), "--sqlite", str(database)])
    assert result.exit_code == 0, result.output
    outputs = _outputs(corpus_out)
    assert len(outputs) == len(list((ROOT / "corpus").glob("*.txt")))
    back = list(tables.read_sqlite(database))
    assert [d["source"]["path"] for d in back] == [d["source"]["path"] for d in outputs]
    for original, rebuilt in zip(outputs, back):
        assert _normal(rebuilt) == _normal(original), original["source"]["path"]


def test_every_item_appears_exactly_once(corpus_out: Path, tmp_path: Path) -> None:
    database = tmp_path / "plans.db"
    summary = tables.write_sqlite(database, tables.read_outputs([corpus_out]))
    outputs = _outputs(corpus_out)
    assert summary.errors == [] and summary.documents == len(outputs)
    connection = sqlite3.connect(database)
    for name in tables.ITEMS:
        expected = sorted((tables.document_id(d), item["id"]) for d in outputs for item in d[name])
        stored = sorted(connection.execute(f"SELECT document_id, id FROM {name}").fetchall())
        assert stored == expected, name
    mentions = sorted((tables.document_id(d), a["id"], m["start"]) for d in outputs for a in d["actors"]
                      for m in a["mentions"])
    assert sorted(connection.execute("SELECT document_id, actor_id, start FROM actor_mentions")) == mentions
    links = sorted((tables.document_id(d), m["id"], a) for d in outputs for m in d["measures"] for a in m["money"])
    assert sorted(connection.execute("SELECT document_id, measure_id, money_id FROM measure_money")) == links
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    flat = connection.execute("SELECT count(*) FROM measures_flat").fetchone()[0]
    assert flat == sum(len(d["measures"]) for d in outputs)


def test_jsonl_gives_the_same_tables_as_the_folder(corpus_out: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["tables", str(corpus_out.parent / "all.jsonl"), "--csv", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    CliRunner().invoke(main, ["tables", str(corpus_out), "--csv", str(tmp_path / "b")])
    for name in tables.CSV_NAMES:
        first = (tmp_path / "a" / f"{name}.csv").read_bytes()
        assert first == (tmp_path / "b" / f"{name}.csv").read_bytes(), name
    rows = list(csv.DictReader((tmp_path / "a" / "quantities.csv").open(encoding="utf-8", newline="")))
    assert len(rows) == sum(len(d["quantities"]) for d in _outputs(corpus_out))


def test_csv_files_are_utf8_rfc4180(tmp_path: Path) -> None:
    source = tmp_path / "lettre.json"
    source.write_text(json.dumps(_hand_made()), encoding="utf-8")
    result = CliRunner().invoke(main, ["tables", str(source), "--csv", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (tmp_path / "csv").glob("*.csv")) == sorted(tables.CSV_NAMES)
    raw = (tmp_path / "csv" / "measures.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    documents = list(csv.DictReader((tmp_path / "csv" / "documents.csv").open(encoding="utf-8", newline="")))
    assert [(d["path"], d["format"], d["url"], d["document_date_source"]) for d in documents] == [
        ("lettre.txt", "text", "", "given")]
    assert raw.split(b"\r\n")[0] == b"document_id,id,text,start,end,sentence,rule,action,label,object,status,category"
    # Quotes are doubled inside a field quoted because it holds a comma and quotes.
    assert b'"Le maire de Lyon, ""Jean Dupont"", versera 10 000 euros"' in raw
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    actors = list(csv.reader((tmp_path / "csv" / "actors.csv").open(encoding="utf-8", newline="")))
    assert actors[1][:4] == ["lettre.txt", "a1", 'maire de Lyon, "Jean Dupont"', "3"]
    locations = list(csv.DictReader((tmp_path / "csv" / "locations.csv").open(encoding="utf-8", newline="")))
    assert locations[0]["candidates"] == "69123 01234" and locations[0]["code"] == "69123"
    dates = list(csv.DictReader((tmp_path / "csv" / "dates.csv").open(encoding="utf-8", newline="")))
    assert dates[0]["relative"] == "0" and dates[0]["anchor"] == ""
    CliRunner().invoke(main, ["tables", str(source), "--csv", str(tmp_path / "excel"), "--bom"])
    assert (tmp_path / "excel" / "money.csv").read_bytes().startswith(b"\xef\xbb\xbfdocument_id,id,")


def test_measures_flat_joins_the_linked_items(tmp_path: Path) -> None:
    source = tmp_path / "lettre.json"
    source.write_text(json.dumps(_hand_made()), encoding="utf-8")
    tables.write(tuple([source]), tmp_path / "csv", tmp_path / "plans.db")
    expected = {
        "document_id": "lettre.txt", "measure_id": "ms1", "document_date": "2024-02-01",
        "label": "versement de 10 000 euros", "action": "verser", "status": "planned", "category": "funding",
        "actors": "Jean Dupont", "amounts": "10000 EUR / an", "dates": "2024", "places": "Lyon",
        "quantities": "3 agent", "targets": "les écoles; les crèches",
    }
    connection = sqlite3.connect(tmp_path / "plans.db")
    connection.row_factory = sqlite3.Row
    row = dict(connection.execute("SELECT * FROM measures_flat").fetchone())
    assert {k: row[k] for k in expected} == expected
    flat = list(csv.DictReader((tmp_path / "csv" / "measures_flat.csv").open(encoding="utf-8", newline="")))
    assert len(flat) == 1 and {k: flat[0][k] for k in expected} == expected


def test_sqlite_columns_keys_and_indexes(tmp_path: Path) -> None:
    source = tmp_path / "lettre.json"
    source.write_text(json.dumps(_hand_made()), encoding="utf-8")
    tables.write([source], database=tmp_path / "plans.db")
    connection = sqlite3.connect(tmp_path / "plans.db")
    types = {row[1]: row[2] for row in connection.execute("PRAGMA table_info(money)")}
    assert types["value"] == "NUMERIC" and types["start"] == "INTEGER" and types["currency"] == "TEXT"
    assert connection.execute("SELECT typeof(value), typeof(start) FROM money").fetchone() == ("integer", "integer")
    key = {row[1]: row[5] for row in connection.execute("PRAGMA table_info(measure_actors)") if row[5]}
    assert key == {"document_id": 1, "measure_id": 2, "position": 3}
    references = {(row[2], row[3], row[4]) for row in connection.execute("PRAGMA foreign_key_list(measure_actors)")}
    assert references == {("measures", "document_id", "document_id"), ("measures", "measure_id", "id"),
                          ("actors", "document_id", "document_id"), ("actors", "actor_id", "id")}
    for table in tables.TABLES:
        leading = [connection.execute(f"PRAGMA index_info('{index[1]}')").fetchone()[2]
                   for index in connection.execute(f"PRAGMA index_list({table.name})")]
        assert "document_id" in leading, f"{table.name}: no index starting with document_id"
    indexed = {tuple(row[2] for row in connection.execute(f"PRAGMA index_info('{index[1]}')"))
               for index in connection.execute("PRAGMA index_list(measure_actors)")}
    assert ("document_id", "actor_id") in indexed
    # Foreign keys hold: a link to an unknown actor is refused.
    connection.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute("INSERT INTO measure_actors VALUES ('lettre.txt', 'ms1', 9, 'a9')")
    # Deleting a document deletes all its rows.
    connection.execute("DELETE FROM documents WHERE document_id = 'lettre.txt'")
    assert {t.name: connection.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0] for t in tables.TABLES} == {
        t.name: 0 for t in tables.TABLES}


def test_writing_a_document_again_replaces_its_rows(tmp_path: Path) -> None:
    database = tmp_path / "plans.db"
    first, other = tmp_path / "first.json", tmp_path / "other.json"
    first.write_text(json.dumps(_hand_made()), encoding="utf-8")
    other.write_text(json.dumps(_hand_made("autre.txt")), encoding="utf-8")
    tables.write([first, other], database=database)
    summary = tables.write([first], database=database)
    assert summary.replaced == 1
    connection = sqlite3.connect(database)
    assert connection.execute("SELECT count(*) FROM money").fetchone()[0] == 2
    # A new extraction of the same text: fewer items, one changed value.
    changed = _hand_made()
    changed["money"][0]["value"] = 12000
    changed["quantities"], changed["measures"][0]["quantities"] = [], []
    first.write_text(json.dumps(changed), encoding="utf-8")
    tables.write([first], database=database)
    rows = connection.execute("SELECT document_id, value FROM money ORDER BY document_id").fetchall()
    assert rows == [("autre.txt", 10000), ("lettre.txt", 12000)]
    assert connection.execute("SELECT document_id FROM quantities").fetchall() == [("autre.txt",)]
    assert connection.execute("SELECT count(*) FROM measure_quantities").fetchone()[0] == 1
    assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 2


def test_the_same_document_twice_in_one_run_is_written_once(tmp_path: Path) -> None:
    jsonl = tmp_path / "twice.jsonl"
    data = _hand_made()
    later = copy.deepcopy(data)
    later["money"][0]["value"] = 9
    jsonl.write_text(json.dumps(data) + "\n" + json.dumps(later) + "\n", encoding="utf-8")
    summary = tables.write([jsonl], database=tmp_path / "plans.db")
    assert summary.documents == 1 and summary.repeated == ["lettre.txt"] and summary.rows["money"] == 1
    back = list(tables.read_sqlite(tmp_path / "plans.db"))
    assert [d["money"][0]["value"] for d in back] == [9]


def test_text_from_standard_input_is_keyed_by_its_hash(tmp_path: Path) -> None:
    data = _hand_made()
    data["source"]["path"] = None
    assert tables.document_id(data) == "sha256:" + "a" * 64


def test_bad_inputs_are_reported_and_the_others_written(corpus_out: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(_hand_made()), encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / "other.json").write_text('{"hello": 1}', encoding="utf-8")
    (folder / "_report.json").write_text('{"files": 3}', encoding="utf-8")
    result = CliRunner().invoke(main, ["tables", str(folder), "--sqlite", str(tmp_path / "x.db"),
                                       "--csv", str(tmp_path / "csv")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "broken.json" in line or "other.json" in line]
    assert len(errors) == 2 and "Traceback" not in result.output, result.stderr
    assert re.search(r"broken\.json: not JSON", result.stderr)
    assert re.search(r"other\.json: not a plan-extract output", result.stderr)
    assert "1 documents, 6 items, 2 inputs failed" in result.stderr
    assert sqlite3.connect(tmp_path / "x.db").execute("SELECT document_id FROM documents").fetchall() == [("lettre.txt",)]


@pytest.mark.parametrize("args, message", [
    ([], "--csv DIR and/or --sqlite FILE"),
    (["--sqlite", "{bad}"], "not an SQLite database"),
    (["--sqlite", "{foreign}"], "another version of plan-extract"),
    (["--csv", "{bad}"], "is a file; --csv needs a folder"),
])
def test_output_mistakes_give_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    source = tmp_path / "lettre.json"
    source.write_text(json.dumps(_hand_made()), encoding="utf-8")
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database at all, just some words " * 40, encoding="utf-8")
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE documents (x)")
        connection.execute("PRAGMA user_version = 7")
    args = [a.format(bad=bad, foreign=foreign) for a in args]
    result = CliRunner().invoke(main, ["tables", str(source), *args])
    assert result.exit_code in (1, 2) and message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error:")]) == 1


def test_docs_describe_every_table_and_column() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for table in [*tables.TABLES]:
        section = re.search(rf"^### `{table.name}`\n(.*?)(?=^### |\Z)", docs, re.S | re.M)
        assert section, f"docs/tables.md has no section for {table.name}"
        for column in table.names:
            assert f"`{column}`" in section.group(1), f"docs/tables.md: {table.name}.{column} not described"
    flat = re.search(r"^### `measures_flat`\n(.*?)(?=^### |\Z)", docs, re.S | re.M)
    assert flat, "docs/tables.md has no section for measures_flat"
    connection = tables.connect(":memory:")
    for column in [c[0] for c in connection.execute("SELECT * FROM measures_flat").description]:
        assert f"`{column}`" in flat.group(1), f"docs/tables.md: measures_flat.{column} not described"


@pytest.mark.parametrize("module", [tables, outputs, review], ids=lambda m: m.__name__)
def test_docstring_examples(module: object) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_every_field_of_the_models_has_a_column() -> None:
    """A field added to the models must get a column (the round trip test only sees fields that
    the corpus output fills)."""
    classes = {"quantities": models.Quantity, "money": models.Money, "dates": models.Date,
               "actors": models.Actor, "locations": models.Location, "measures": models.Measure}
    lists = {"mentions", *(key for _, _, _, key, _ in tables.SUBSPANS), *(key for _, key, _, _ in tables.MEASURE_LINKS)}
    for name, model in classes.items():
        columns = {column for column, _ in tables.ITEMS[name][1]} | {"id", "kind", *(c for c, _ in tables.MENTION)}
        assert set(model.model_fields) - lists == columns, name
    document = {c for c, _ in tables.DOCUMENT_COLUMNS}
    assert {f"{f}" for f in models.Source.model_fields} <= document
    assert {f"document_date_{f}" for f in ("text", "start", "end")} <= document
    plan = {c for c, _ in tables.PLAN_COLUMNS} | {key for _, key, _, _ in tables.PLAN_LINKS}
    assert set(models.Plan.model_fields) <= plan
    assert set(models.Extraction.model_fields) == {"schema_version", "source", "document_date", "plan", *classes}

"""The scorer, on hand-built extractions (no model) and through `plan-extract eval`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from plan_extract.cli import main
from plan_extract.evaluate import Score, fold, score_document
from plan_extract.gold import GoldError, GoldFile, load_gold
from plan_extract.models import Actor, DocumentDate, Extraction, MentionRef, Money, Quantity, Source

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
TEXT = (FIXTURES / "mini.txt").read_text(encoding="utf-8")


def _at(needle: str) -> dict:
    start = TEXT.index(needle)
    return {"text": needle, "start": start, "end": start + len(needle), "sentence": 0, "rule": "test"}


def _extraction(**items) -> Extraction:
    return Extraction(source=Source(path=None, sha256="0" * 64, chars=len(TEXT)),
                      document_date=DocumentDate(value="2024-03-04", source="text"), **items)


def test_fold_ignores_case_accents_and_articles() -> None:
    assert fold("l'Agence Régionale de Santé") == "agence regionale de sante"
    assert fold("La Préfète") == fold("préfète")


def test_score_counts_value_and_span() -> None:
    gold = load_gold(FIXTURES / "mini.gold.json", TEXT)
    pred = _extraction(
        quantities=[Quantity(id="q1", value=Decimal(40), unit="count", **_at("40 policiers")),
                    Quantity(id="q2", value=Decimal(12), unit="kg", **_at("Douze motos"))],
        money=[Money(id="m1", value=Decimal(90000), currency="EUR", **_at("90 000 euros"))],
        actors=[Actor(id="a1", name="État", type="organization", **_at("État"),
                      mentions=[MentionRef(**{k: v for k, v in _at("État").items() if k != "rule"})])],
    )
    report = score_document("mini", TEXT, gold, pred)
    assert (report.scores["quantities"].tp, report.scores["quantities"].fp, report.scores["quantities"].fn) == (1, 1, 1)
    assert report.scores["money"].f1 == 1.0
    assert (report.scores["actors"].tp, report.scores["actors"].fn) == (1, 1)
    assert report.scores["measures"].recall == 0.0
    assert report.document_date_ok


def test_score_properties() -> None:
    score = Score(tp=3, fp=1, fn=2)
    assert score.precision == 0.75
    assert score.recall == 0.6
    assert round(score.f1, 4) == round(2 * 0.75 * 0.6 / 1.35, 4)


def test_invalid_gold_is_refused() -> None:
    with pytest.raises(GoldError):
        load_gold(FIXTURES / "broken.invalid.gold.json")


def test_gold_span_must_be_in_text() -> None:
    gold = GoldFile.model_validate({"document_date": None, "money": [{"text": "12 €", "value": 12, "currency": "EUR"}]})
    assert gold.check_against("rien ici") == ["12 €"]


def test_eval_command_table_and_json(nlp) -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["eval", str(FIXTURES)])
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].split() == ["category", "tp", "fp", "fn", "P", "R", "F1"]
    result = runner.invoke(main, ["eval", str(FIXTURES), "--json"])
    data = json.loads(result.stdout)
    assert data["documents"] == 1
    money = data["categories"]["money"]
    assert (money["tp"], money["fn"]) == (1, 0)
    assert set(data["categories"]) == {"quantities", "money", "dates", "actors", "locations", "measures", "links"}


def test_eval_command_without_gold(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Bonjour", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(tmp_path)])
    assert result.exit_code == 1
    assert "no NAME.txt with a NAME.gold.json" in result.output


def test_eval_given_dates_reads_gold_then_meta(tmp_path, nlp) -> None:
    from plan_extract.evaluate import given_date
    from plan_extract.gold import GoldFile

    text = tmp_path / "a.txt"
    text.write_text("Le conseil votera jeudi.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"published": "2024-03-12"}', encoding="utf-8")
    assert given_date(text, GoldFile.model_validate({"document_date": None})).isoformat() == "2024-03-12"
    assert given_date(text, GoldFile.model_validate({"document_date": "2023-01-05"})).isoformat() == "2023-01-05"
    (tmp_path / "a.meta.json").write_text('{"published": null}', encoding="utf-8")
    assert given_date(text, GoldFile.model_validate({"document_date": None})) is None


def test_eval_command_given_dates_prints_both_tables(nlp) -> None:
    result = CliRunner().invoke(main, ["eval", str(FIXTURES), "--given-dates"])
    assert result.exit_code == 0, result.output
    assert "document date given:" in result.output
    assert "document date found in the text:" in result.output
    assert result.output.count("category") == 2
    data = json.loads(CliRunner().invoke(main, ["eval", str(FIXTURES), "--given-dates", "--json"]).stdout)
    assert set(data) == {"given_dates", "dates_from_text"}
    assert data["given_dates"]["document_date_accuracy"] == 1.0

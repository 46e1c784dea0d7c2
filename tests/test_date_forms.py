"""Point dates in other orders and spellings (`dims/date/forms.py`), leap days and days of an
unnamed month (`resolve.py`), and the holidays added with them."""

from __future__ import annotations

import datetime as dt

import pytest

from plan_extract.api import make_doc
from plan_extract.dims.date.resolve import Point, Time, resolve


def _dates(nlp, text: str, document_date: str | None = None) -> list[tuple[str, str, str | None]]:
    doc = nlp(make_doc(text, document_date))
    return [(s.text, s._.date["type"], s._.date["value"]) for s in doc.spans["date"]]


@pytest.mark.parametrize(("document_date", "direction", "expected"), [
    ("2021-06-10", -1, "2020-02-29"), ("2021-06-10", 1, "2024-02-29"), ("2023-05-01", 0, "2024-02-29"),
    ("2024-02-29", 0, "2024-02-29"), ("2024-03-05", -1, "2024-02-29"),
])
def test_year_less_leap_day_falls_in_a_leap_year(document_date: str, direction: int, expected: str) -> None:
    time = Time("date", start=Point("day", None, 2, 29))
    assert resolve(time, dt.date.fromisoformat(document_date), direction)["value"] == expected


@pytest.mark.parametrize(("document_date", "direction", "expected"), [
    ("2023-05-20", 1, "2023-06-04"), ("2023-05-20", -1, "2023-05-04"), ("2023-05-02", 0, "2023-05-04"),
    ("2023-01-30", 1, "2023-01-31"), ("2023-02-01", 1, "2023-03-31"), ("2023-03-01", -1, "2023-01-31"),
])
def test_day_without_month_takes_the_nearest_month_that_has_it(document_date: str, direction: int,
                                                               expected: str) -> None:
    point = 4 if document_date.startswith("2023-05") else 31
    time = Time("date", start=Point("day", None, None, point))
    assert resolve(time, dt.date.fromisoformat(document_date), direction)["value"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Le lot arrive le 05/11,2024 au dépôt.", ("05/11,2024", "date", "2024-11-05")),
    ("Export du fichier : 2024/Nov/5.", ("2024/Nov/5", "date", "2024-11-05")),
    ("Export du fichier : 5-nov.-2024.", ("5-nov.-2024", "date", "2024-11-05")),
    ("Le registre indique Nov-5-2024 comme date.", ("Nov-5-2024", "date", "2024-11-05")),
    ("Elle a été baptisée novembre 5 de 2024.", ("novembre 5 de 2024", "date", "2024-11-05")),
    ("Il a été élu le cinq novembre deux mille vingt-quatre.", ("cinq novembre deux mille vingt-quatre", "date",
                                                                "2024-11-05")),
])
def test_day_month_and_year_in_any_order(nlp, text: str, expected: tuple[str, str, str]) -> None:
    assert _dates(nlp, text, "2025-02-01") == [expected]


@pytest.mark.parametrize("text", [
    "Le code 2014-2-30 est rejeté.",        # no 30 February: no date, and no year 2014 either
    "Le score final est 27/4.",              # a score, not the 27th of April
    "Le lot sept-4 reste en stock.",         # "sept" is a number here
    "Composez le 17 en cas d'urgence.",
    "Composez le 17.",
    "Son maillot ? Il a choisi le 7.",
])
def test_number_shapes_that_are_not_days(nlp, text: str) -> None:
    assert _dates(nlp, text, "2025-02-01") == []


def test_month_first_day_needs_the_end_of_its_clause(nlp) -> None:
    assert _dates(nlp, "Les travaux reprendront Déc. 8.", "2025-02-01") == [("Déc. 8", "date", "2025-12-08")]
    # A number after a month starts a count when anything follows it.
    assert _dates(nlp, "En décembre 8 familles ont été relogées.", "2025-02-01") == [("décembre", "date", "2024-12")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Le vote aura lieu le troisième jeudi de mars.", ("le troisième jeudi de mars", "date", "2025-03-20")),
    ("Le vote aura lieu le dernier jeudi du mois prochain.", ("le dernier jeudi du mois prochain", "date",
                                                              "2025-03-27")),
    ("Le vote aura lieu jeudi de la semaine prochaine.", ("jeudi de la semaine prochaine", "date", "2025-02-06")),
    ("Le dossier a été déposé lundi de la semaine dernière.", ("lundi de la semaine dernière", "date",
                                                                "2025-01-20")),
    ("La collecte aura lieu le deuxième samedi d'août.", ("le deuxième samedi d'août", "date", "2025-08-09")),
])
def test_weekday_of_a_named_week_or_month(nlp, text: str, expected: tuple[str, str, str]) -> None:
    assert _dates(nlp, text, "2025-02-01") == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("Les fonds seront versés à Thanksgiving.", ("Thanksgiving", "date", "2025-11-27")),
    ("Le défilé de la fête du travail passera place Carnot.", ("fête du travail", "date", "2025-05-01")),
])
def test_more_holidays(nlp, text: str, expected: tuple[str, str, str]) -> None:
    assert _dates(nlp, text, "2025-02-01") == [expected]


def test_a_rank_over_months_is_no_day(nlp) -> None:
    # "deuxième de juin à septembre": a rank over a stretch of months, not the 2nd of June.
    assert _dates(nlp, "L'équipe a été classée deuxième de juin à septembre.", "2025-02-01") == [
        ("de juin à septembre", "interval", "2024-06/2024-09")]


def test_a_day_alone_takes_the_time_that_follows(nlp) -> None:
    assert _dates(nlp, "Le jury se réunira le 20 à 14 heures.", "2025-02-01") == [
        ("le 20 à 14 heures", "date", "2025-02-20T14:00")]

"""Resolution rules and the document date of the time extractor (`plan_date`)."""

from __future__ import annotations

import datetime as dt

import pytest

from plan_extract.api import make_doc
from plan_extract.dims.date.resolve import Point, Time, place_year, resolve


def _dates(nlp, text: str, document_date: str | None = None) -> list[tuple[str, str, str | None]]:
    doc = nlp(make_doc(text, document_date))
    return [(s.text, s._.date["type"], s._.date["value"]) for s in doc.spans["date"]]


@pytest.mark.parametrize(("direction", "expected"), [(-1, 2022), (1, 2023), (0, 2022)])
def test_year_less_month_follows_the_tense(direction: int, expected: int) -> None:
    # November seen from mid-January: last November in the past, next one in the future.
    point = place_year(Point("month", None, 11), dt.date(2023, 1, 12), direction)
    assert point.year == expected


def test_interval_start_takes_the_year_of_its_end() -> None:
    time = Time("interval", start=Point("day", None, 12, 20), end=Point("day", 2024, 1, 5))
    assert resolve(time, None)["value"] == "2023-12-20/2024-01-05"


def test_relative_without_document_date_has_no_value(nlp) -> None:
    assert _dates(nlp, "Les chiffres de l'an dernier sont stables.") == [("l'an dernier", "date", None)]


def test_since_ends_at_the_document_date(nlp) -> None:
    assert _dates(nlp, "Le service fonctionne depuis 2019.", "2024-05-02") == [
        ("depuis 2019", "interval", "2019/2024-05-02")]
    assert _dates(nlp, "Le service fonctionne depuis 2019.") == [("depuis 2019", "interval", "2019/..")]


@pytest.mark.parametrize(("text", "expected"), [
    ("La commission se réunira le 3 février.", "2025-02-03"),
    ("La commission s'est réunie le 3 février.", "2024-02-03"),
    ("La commission va se réunir en février.", "2025-02"),
])
def test_tense_places_a_year_less_date(nlp, text: str, expected: str) -> None:
    values = [v for _, _, v in _dates(nlp, text, "2024-10-15")]
    assert values == [expected]


@pytest.mark.parametrize(("text", "value", "evidence"), [
    ("Quimper, le 4 juin 2024\n\nLe département lance son plan.", "2024-06-04", "4 juin 2024"),
    ("Millau (Aveyron), le vendredi 29 mars 2024.\nLe conseil a voté.", "2024-03-29", "vendredi 29 mars 2024"),
    ("Communiqué de presse du 2 mai 2024. La préfète annonce un plan.", "2024-05-02", "2 mai 2024"),
    ("Le plan présenté ce lundi 8 avril 2024 prévoit dix mesures.", "2024-04-08", "lundi 8 avril 2024"),
])
def test_document_date_from_the_text(nlp, text: str, value: str, evidence: str) -> None:
    doc = nlp(make_doc(text))
    info = doc._.document_date
    assert info["value"] == value and info["source"] == "text"
    assert text[info["start"]:info["end"]] == evidence


def test_document_date_is_not_any_date(nlp) -> None:
    # A past event's date is not the date of writing.
    doc = nlp(make_doc("Un avenant signé le 12/01/2023 avait relevé les plafonds. L'an dernier, 300 dossiers."))
    assert doc._.document_date == {"value": None, "source": "none", "start": None, "end": None}
    assert [s._.date["value"] for s in doc.spans["date"]] == ["2023-01-12", None]


def test_given_document_date_wins(nlp) -> None:
    doc = nlp(make_doc("Rennes, le 5 mars 2024. Hier, le préfet a signé.", "2024-06-01"))
    assert doc._.document_date["source"] == "given"
    assert [s._.date["value"] for s in doc.spans["date"]] == ["2024-03-05", "2024-05-31"]


def test_durations_and_sets_leave_numbers_to_money_and_quantities(nlp) -> None:
    doc = nlp(make_doc("L'État verse 258 000 euros par an sur 3 ans pour 150 opérations et 2 000 logements."))
    assert [(s.text, s._.date["value"]) for s in doc.spans["date"]] == [("par an", "P1Y"), ("3 ans", "P3Y")]





@pytest.mark.parametrize(("text", "expected"), [
    ("La réunion du 12\u00a0mai 2023 a eu lieu.", ("12\u00a0mai 2023", "date", "2023-05-12")),
    ("Le chantier commence en mars\u00a02024.", ("mars\u00a02024", "date", "2024-03")),
    ("Le 1er\u00a0juin 2025, les travaux finiront.", ("1er\u00a0juin 2025", "date", "2025-06-01")),
])
def test_no_break_space_inside_a_date(nlp, text: str, expected: tuple[str, str, str]) -> None:
    """French typography puts a no-break space (U+00A0) after a day number or before a year."""
    assert expected in _dates(nlp, text, "2024-01-10")


def test_no_break_space_does_not_end_a_date(nlp) -> None:
    assert _dates(nlp, "Depuis le 12 mai\u00a0 les contrôles sont renforcés.", "2024-06-10")[0][0] == "Depuis le 12 mai"


# --- dateparser: what it returns, and where the pipeline agrees with it ----------------------

def _dateparser(text: str, base: dt.date) -> dt.date | None:
    import dateparser

    parsed = dateparser.parse(text, languages=["fr"], settings={
        "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day), "DATE_ORDER": "DMY"})
    return parsed.date() if parsed else None


def test_dateparser_orders_a_month_first_digit_date() -> None:
    """The one call of the pipeline: a digit date whose second part cannot be a month."""
    from plan_extract.dims.date.rules import normalise_with_dateparser

    assert normalise_with_dateparser("02/22/2016") == Point("day", 2016, 2, 22)
    assert normalise_with_dateparser("13/45/2016") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("12/01/2023", dt.date(2023, 1, 12)),      # day first, as French writes it
    ("il y a 3 jours", dt.date(2023, 1, 9)),
    ("dans deux mois", dt.date(2023, 3, 12)),
    ("dans 2 semaines", dt.date(2023, 1, 26)),
    ("hier", dt.date(2023, 1, 11)),
])
def test_relative_days_agree_with_dateparser(nlp, text: str, expected: dt.date) -> None:
    """dateparser resolves these against a base date as the rules do: both give the same day."""
    base = dt.date(2023, 1, 12)
    assert _dateparser(text, base) == expected
    assert _dates(nlp, text, base.isoformat()) == [(text, "date", expected.isoformat())]


def test_dateparser_misses_what_the_rules_read() -> None:
    """Where the rules are needed: dateparser has no intervals, seasons or parts of months."""
    base = dt.date(2023, 1, 12)
    assert _dateparser("du 3 au 5 mars", base) is None
    assert _dateparser("la première quinzaine d'avril", base) is None


# --- Times of day, anchors and day ranges in running text ------------------------------------

def test_time_takes_the_last_named_day(nlp) -> None:
    text = "Le samedi 7 janvier, un barrage a été installé. Vers 21h40, deux voitures ont été arrêtées."
    assert ("21h40", "date", "2023-01-07T21:40") in _dates(nlp, text, "2023-01-12")


def test_daily_range_of_times_is_a_set(nlp) -> None:
    doc = nlp(make_doc("La médiathèque est ouverte de 9 h à 18 h.", "2023-01-12"))
    [span] = doc.spans["date"]
    assert span._.date["type"] == "set" and span._.date["value"] == "P1D"
    assert span._.date["anchor"] == "T09:00/T18:00"


def test_next_day_follows_the_named_day(nlp) -> None:
    text = "Le conseil s'est réuni le 9 janvier. Le lendemain, la décision a été publiée."
    assert ("Le lendemain", "date", "2023-01-10") in _dates(nlp, text, "2023-01-12")


def test_day_range_in_the_document_month(nlp) -> None:
    assert _dates(nlp, "Le festival a lieu du 20 au 22, place du marché.", "2023-01-12")[0] == (
        "du 20 au 22", "interval", "2023-01-20/2023-01-22")

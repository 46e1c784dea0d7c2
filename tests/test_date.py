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


@pytest.mark.parametrize(("text", "document_date", "expected"), [
    ("Le gymnase sera fermé du 4 au 20 de ce mois pour travaux.", "2024-05-02",
     ("du 4 au 20 de ce mois", "interval", "2024-05-04/2024-05-20")),
    ("La collecte reprendra du 2 au 9 du mois prochain.", "2024-12-10",
     ("du 2 au 9 du mois prochain", "interval", "2025-01-02/2025-01-09")),
    # The last day is clipped to the month's length once the month is known.
    ("Les inscriptions seront ouvertes du 20 au 31 du mois prochain.", "2024-01-15",
     ("du 20 au 31 du mois prochain", "interval", "2024-02-20/2024-02-29")),
    ("Les relevés ont été faits du 5 au 9 du mois dernier.", "2024-03-20",
     ("du 5 au 9 du mois dernier", "interval", "2024-02-05/2024-02-09")),
])
def test_days_of_a_relative_month(nlp, text: str, document_date: str, expected: tuple) -> None:
    assert _dates(nlp, text, document_date) == [expected]


def test_a_count_before_a_period_is_not_a_range_of_days(nlp) -> None:
    # Without "de" between the numbers and the month, "de 4 à 22" stays a count.
    assert _dates(nlp, "Les adhérents sont passés de 4 à 22 ce mois-ci.", "2024-05-02") == [
        ("ce mois-ci", "date", "2024-05")]
    # "les 4 et 22 mai" are two days.
    assert _dates(nlp, "Les marchés se tiendront les 4 et 22 mai.", "2024-04-02") == [
        ("22 mai", "date", "2024-05-22")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Le salon se tiendra février 8-10 au parc des expositions.", ("février 8-10", "interval", "2025-02-08/2025-02-10")),
    ("Stage de voile : juillet entre 7 et 11.", ("juillet entre 7 et 11", "interval", "2024-07-07/2024-07-11")),
])
def test_month_written_before_its_days(nlp, text: str, expected: tuple) -> None:
    assert expected in _dates(nlp, text, "2024-10-15")


def test_digit_days_joined_by_a_hyphen(nlp) -> None:
    assert _dates(nlp, "Permanences 14/3-18/3/2025 en mairie.") == [
        ("14/3-18/3/2025", "interval", "2025-03-14/2025-03-18")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Les maisons construites avant 1975 seront isolées.", ("avant 1975", "interval", "../1974")),
    ("Le dossier est à déposer avant le 1er mars 2025.", ("avant le 1er mars 2025", "interval", "../2025-02-28")),
    ("Les travaux seront finis avant janvier 2026.", ("avant janvier 2026", "interval", "../2025-12")),
])
def test_before_leaves_out_what_it_names(nlp, text: str, expected: tuple) -> None:
    assert _dates(nlp, text) == [expected]


def test_next_and_last_weeks_leave_out_the_document_day_on_the_future_side(nlp) -> None:
    assert _dates(nlp, "Les contrôles seront renforcés les 2 prochaines semaines.", "2024-05-02") == [
        ("2 prochaines semaines", "interval", "2024-05-03/2024-05-16")]
    assert _dates(nlp, "Le trafic a baissé ces dernières 4 semaines.", "2024-05-02") == [
        ("dernières 4 semaines", "interval", "2024-04-04/2024-05-02")]


@pytest.mark.parametrize(("text", "expected"), [
    ("La mairie restera fermée toute la journee.", ("toute la journee", "duration", "P1D")),
    ("Une demi-journée de formation est prévue.", ("Une demi-journée", "duration", "P0.5D")),
    ("La rencontre a duré une demi-heure.", ("une demi-heure", "duration", "PT30M")),
    ("Un demi-siècle sépare les deux crues.", ("Un demi-siècle", "duration", "P50Y")),
])
def test_whole_and_half_units(nlp, text: str, expected: tuple) -> None:
    assert expected in _dates(nlp, text)


def test_numbered_week_and_quarter_of_a_year(nlp) -> None:
    assert _dates(nlp, "Le chantier démarrera la troisième semaine de 2027.") == [
        ("la troisième semaine de 2027", "date", "2027-W03")]
    assert _dates(nlp, "Les ventes ont reculé le troisième quart de 2016.") == [
        ("le troisième quart de 2016", "date", "2016-Q3")]


def test_this_month_of_the_document_year(nlp) -> None:
    assert _dates(nlp, "Ce mois de mars a été le plus pluvieux.", "2024-04-10") == [
        ("Ce mois de mars", "date", "2024-03")]


def test_throughout_the_year_takes_the_year_under_discussion(nlp) -> None:
    text = "Le contrat 2022 a permis des achats tout au long de l'année, puis un bilan."
    assert ("tout au long de l'année", "interval", "2022-01/2022-12") in _dates(nlp, text, "2023-04-03")
    assert _dates(nlp, "Des visites ont lieu tout au long de l'année.", "2024-05-02") == [
        ("tout au long de l'année", "interval", "2024-01/2024-12")]


def test_parts_of_months_join_into_one_range(nlp) -> None:
    assert _dates(nlp, "Les fouilles se dérouleront entre fin mai et début juillet.", "2024-04-02") == [
        ("entre fin mai et début juillet", "interval", "2024-05-21/2024-07-10")]
    # Without an opening word, two parts side by side stay two dates.
    assert [v for _, _, v in _dates(nlp, "Fin mai, début juin : la récolte.", "2024-04-02")] == [
        "2024-05-21/2024-05-31", "2024-06-01/2024-06-10"]


def test_a_winter_named_by_its_two_years(nlp) -> None:
    assert _dates(nlp, "Le plan grand froid de l'hiver 2024-2025 est prêt.") == [
        ("l'hiver 2024-2025", "date", "2024-WI")]


def test_weekday_range_recurs_unless_the_clause_is_past(nlp) -> None:
    doc = nlp(make_doc("La médiathèque ouvre du mardi au samedi.", "2024-05-02"))
    assert [(s.text, s._.date["type"], s._.date["value"], s._.date["anchor"]) for s in doc.spans["date"]] == [
        ("du mardi au samedi", "set", "P1W", "mardi/samedi")]
    assert _dates(nlp, "La saison 2024/2025 a commencé.") == [("2024/2025", "interval", "2024/2025")]

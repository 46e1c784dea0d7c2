"""Places: homonyms, merged mentions, NER mistakes the table corrects."""

from __future__ import annotations

import weakref

from plan_extract.dims.location.places import TABLES_KEPT, Place, index_key, load_places
from plan_extract.dims.location.rules import extra_places


def _places(nlp, text: str) -> list[tuple[str, dict]]:
    doc = nlp(text)  # spans live as long as their Doc
    return [(s.text, s._.location) for s in doc.spans["location"]]


def test_table_loads_once_and_finds_homonyms() -> None:
    table = load_places(extra_places())
    assert table is load_places(extra_places())
    assert len([p for p in table.by_name["Saint-Denis"] if p.type == "commune"]) > 1
    assert index_key("Le Mans") == "le mans"


def test_place_tables_kept_are_bounded() -> None:
    """One table per set of extra places (a user lexicon's), the last few only: a process that
    meets many lexicons does not keep a table for each."""
    base = load_places(extra_places())
    first = load_places((*extra_places(), Place("other", "Lieu-dit numéro 0")))
    assert first.departement("61").name == "Orne"
    assert [p.code for p in first.communes_in_capitals("ALENCON")] == ["61001"]  # per-table lookups too
    gone = weakref.ref(first)
    del first
    tables = [load_places((*extra_places(), Place("other", f"Lieu-dit numéro {i}"))) for i in range(1, TABLES_KEPT + 1)]
    assert load_places.cache_info().currsize == TABLES_KEPT
    assert gone() is None  # a table put out of the cache is freed
    assert tables[-1] is load_places((*extra_places(), Place("other", f"Lieu-dit numéro {TABLES_KEPT}")))
    assert [p.type for p in tables[-1].by_name[f"Lieu-dit numéro {TABLES_KEPT}"]] == ["other"]
    assert "Lieu-dit numéro 1" not in tables[-1].by_name and "Lieu-dit numéro 1" not in base.by_name
    assert len(tables[0].by_name) == len(base.by_name) + 1


def test_homonym_resolved_by_departement_named(nlp) -> None:
    found = dict(_places(nlp, "Dans l'Aude, la commune de Saint-Denis accueille le forum."))
    assert found["Saint-Denis"]["code"] == "11339" and found["Saint-Denis"]["candidates"] == []


def test_homonym_left_ambiguous_with_candidates(nlp) -> None:
    found = dict(_places(nlp, "Le forum se tiendra à Beaulieu en juin."))
    assert found["Beaulieu"]["code"] is not None
    assert len(found["Beaulieu"]["candidates"]) > 1


def test_mentions_share_a_key(nlp) -> None:
    spans = _places(nlp, "Le quartier de Bellevue à Vierzon est rénové. Bellevue compte 3 000 habitants. "
                         "Vierzon finance la moitié.")
    keys = {text: value["key"] for text, value in spans}
    assert len([t for t, _ in spans if t == "Vierzon"]) == 2
    assert len({v["key"] for t, v in spans if t == "Vierzon"}) == 1
    assert keys["Bellevue"].startswith("neighbourhood:")


def test_ner_places_that_are_bodies_are_not_places(nlp) -> None:
    texts = [text for text, _ in _places(nlp, "Le Parquet et l'ARS se sont réunis avec l'État à Lisieux.")]
    assert texts == ["Lisieux"]


def test_common_words_need_a_place_cue(nlp) -> None:
    assert not _places(nlp, "Plan vélo : la ville investit.")
    assert [t for t, _ in _places(nlp, "Le festival aura lieu à Orange en juillet.")] == ["Orange"]


def test_firm_name_is_no_place(nlp) -> None:
    places = _places(nlp, "Le schéma a été chiffré par notre cabinet conseil Azurine pour la commune.")
    assert not any(text == "Azurine" for text, _ in places)


def test_words_of_a_title_case_name_are_no_place(nlp) -> None:
    places = _places(nlp, "Le projet reçoit le Fonds de Soutien aux Villages Fleuris cette année.")
    assert not any("Villages" in text for text, _ in places)


def test_departement_after_a_water_noun_is_the_river(nlp) -> None:
    places = dict(_places(nlp, "Une crue importante de la Loire a inondé les quais, et les digues du Cher "
                               "seront renforcées."))
    assert places["Loire"]["type"] == "other" and places["Loire"]["subtype"] == "river"
    assert places["Cher"]["subtype"] == "river"
    assert dict(_places(nlp, "Le préfet de la Loire a signé l'arrêté."))["Loire"]["type"] == "département"


def test_communes_written_in_capitals_after_an_introducing_noun(nlp) -> None:
    places = dict(_places(nlp, "Dossiers retenus pour l'arrondissement de NIORT :\nCommune de FORS : "
                               "un atelier municipal.\nCommune de BEAUSSAIS VITRE : la salle des fêtes."))
    assert places["NIORT"]["code"] == "79191"
    assert places["FORS"]["code"] == "79125"
    assert places["BEAUSSAIS VITRE"]["name"] == "Beaussais-Vitré"
    assert not any(text == "DETR" for text in places)

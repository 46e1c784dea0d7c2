"""Places: homonyms, merged mentions, NER mistakes the table corrects."""

from __future__ import annotations

from plan_extract.dims.location.places import index_key, load_places
from plan_extract.dims.location.rules import extra_places


def _places(nlp, text: str) -> list[tuple[str, dict]]:
    doc = nlp(text)  # spans live as long as their Doc
    return [(s.text, s._.location) for s in doc.spans["location"]]


def test_table_loads_once_and_finds_homonyms() -> None:
    table = load_places(extra_places())
    assert table is load_places(extra_places())
    assert len([p for p in table.by_name["Saint-Denis"] if p.type == "commune"]) > 1
    assert index_key("Le Mans") == "le mans"


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

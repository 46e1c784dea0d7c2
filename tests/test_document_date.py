"""The document's own date read from the top of the text, and street names that hold a date."""

from __future__ import annotations

import pytest

from plan_extract.api import extract


@pytest.mark.parametrize(("text", "expected"), [
    # a newsletter's issue line
    ("Édition du mardi 14 mai 2024\n\nFinances locales\nLes communes attendent leurs dotations.", "2024-05-14"),
    # a page's update line
    ("Aides aux communes rurales\n\nMis à jour le 17/03/2023\n\nLa préfecture répartit l'enveloppe.", "2023-03-17"),
    # a date alone on its line under a title that ends with a street word ("feuille de route")
    ("La ministre fixe aux recteurs leur feuille de route\n\n3 septembre 2019\n\nLe 3 septembre 2019, "
     "la ministre a réuni les recteurs.", "2019-09-03"),
])
def test_document_date_at_the_top(text: str, expected: str) -> None:
    assert extract(text).document_date.value == expected


@pytest.mark.parametrize("text", [
    "La fête de quartier aura lieu rue du 8 Mai 1945 cet été.",
    "Le marché se tient place du 19 Mars 1962 chaque samedi.",
    "Le bus dessert l'avenue du 1er Mai depuis lundi.",
])
def test_a_street_named_after_a_date_is_no_date(text: str) -> None:
    values = [d.value for d in extract(text, document_date="2024-05-02").dates]
    assert not any(v and v.startswith(("1945", "1962")) for v in values)
    assert "2024-05-01" not in values

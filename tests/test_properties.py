"""Property-based tests: on any text, extraction never raises, validates and keeps its offsets."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_extract import extract

SCHEMA = json.loads((Path(__file__).parent.parent / "schemas" / "plan-extract.schema.json").read_text(encoding="utf-8"))
FRENCH = ["258 000 euros", "1,2 M€", "le 12 janvier 2023", "depuis 2021", "sur 3 ans", "27 kilos",
          "l'ARS", "Agence régionale de santé (ARS)", "préfet de l'Orne", "Alençon", "« relais »",
          "…", "—", "\u00a0", "\u202f", "\n\n", "😀", "\x07", "2ᵉ", "12 %", "va créer", "a été"]
texts = st.lists(st.one_of(st.sampled_from(FRENCH), st.text(max_size=30)), min_size=1, max_size=25).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_any_text(nlp, text: str) -> None:
    data = extract(text, document_date="2024-01-15").model_dump(mode="json")
    jsonschema.validate(data, SCHEMA)
    for key in ("quantities", "money", "dates", "actors", "locations", "measures"):
        for item in data[key]:
            assert text[item["start"]:item["end"]] == item["text"]


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.large_base_example])
@given(chunk=st.text(alphabet=st.sampled_from("abcdé 0123456789,.€%"), min_size=20, max_size=200))
def test_very_long_lines(nlp, chunk: str) -> None:
    line = (chunk * (20000 // len(chunk) + 1))[:20000]  # one line of 20,000 characters
    data = extract(line).model_dump(mode="json")
    for item in data["quantities"] + data["money"]:
        assert line[item["start"]:item["end"]] == item["text"]

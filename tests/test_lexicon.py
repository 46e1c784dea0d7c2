"""User lexicons: a TOML file adds public bodies and places, through the components' config, the
API and the command line; a malformed file is refused with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from spacy.language import Language

from plan_extract.cli import main
from plan_extract.dims.actor import ActorExtractor
from plan_extract.dims.location import LocationExtractor
from plan_extract.lexicon import LexiconError, read_user_lexicon

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "lexicon-example.toml"
TEXT = ("L'AESN financera la renaturation des berges à Bois-Rond et à Hautepierre-Sud, "
        "a annoncé la Commission locale d'information de Golfech.")


def test_example_file_is_valid_and_shown_in_the_docs() -> None:
    lexicon = read_user_lexicon(str(EXAMPLE))
    assert {b.id for b in lexicon.actor.bodies} == {"aesn", "cli_golfech"}
    assert [(p.name, p.type) for p in lexicon.location.places] == [("Bois-Rond", "other"),
                                                                    ("Hautepierre-Sud", "other")]
    assert "lexicon-example.toml" in (ROOT / "docs" / "lexicon.md").read_text(encoding="utf-8")


def _with_components(nlp: Language, lexicon: str | None) -> dict[str, list[tuple]]:
    """Run the place and actor components built with `lexicon` on a Doc of the session pipeline."""
    doc = nlp(TEXT)
    doc = LocationExtractor(nlp, lexicon=lexicon)(doc)
    doc = ActorExtractor(nlp, lexicon=lexicon)(doc)
    return {"actor": sorted({(s._.actor["name"], s._.actor["acronym"], s._.actor["category"]) for s in doc.spans["actor"]}),
            "location": [(s.text, s._.location["type"]) for s in doc.spans["location"]]}


def test_components_take_the_lexicon_from_their_config(nlp: Language) -> None:
    plain = _with_components(nlp, None)
    assert all(acronym != "AESN" for _, acronym, _ in plain["actor"])
    assert ("Bois-Rond", "other") not in plain["location"]
    extended = _with_components(nlp, str(EXAMPLE))
    assert extended["actor"] == [("Commission locale d'information de Golfech", None, "other"),
                                 ("agence de l'eau Seine-Normandie", "AESN", "environment")]
    assert ("Bois-Rond", "other") in extended["location"]
    assert ("Hautepierre-Sud", "other") in extended["location"]


def test_malformed_lexicon_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[actor.bodies]]\nid = "x"\npattern = "y"\nlabel = "weather"\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"bad.toml .*actor\.bodies\.0\.label"):
        read_user_lexicon(str(bad))
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[quantity]\nunits = ["brouette"]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="quantity"):
        read_user_lexicon(str(unknown))
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, [str(article), "--lexicon", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "actor.bodies.0.label" in result.output


def test_cli_and_api_use_the_lexicon(nlp: Language, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, [str(article), "--lexicon", str(EXAMPLE), "--compact"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert ("agence de l'eau Seine-Normandie", "AESN") in {(a["name"], a["acronym"]) for a in found["actors"]}
    assert "Bois-Rond" in {place["name"] for place in found["locations"]}
    # The measure links the body found through the user's words.
    assert any(m["actors"] for m in found["measures"])

"""User lexicons: a TOML file adds public bodies, roles, places, units, currencies and measure
triggers, through the components' config, the API, the command line, a batch on Dask and the
server; a saved pipeline keeps the words; a malformed file is refused with one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import spacy
from click.testing import CliRunner
from spacy.language import Language

from plan_extract.api import extract
from plan_extract.cli import main
from plan_extract.dims.actor import ActorExtractor
from plan_extract.dims.location import LocationExtractor
from plan_extract.export import doc_to_extraction
from plan_extract.lexicon import LexiconError, read_user_lexicon
from plan_extract.pipeline import WITH_LEXICON, get_nlp

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "lexicon-example.toml"
TEXT = ("L'AESN financera la renaturation des berges à Bois-Rond et à Hautepierre-Sud, "
        "a annoncé la Commission locale d'information de Golfech.")
# Words of the example file in use: a unit, a currency, a role, a trigger verb.
FARM = ("La coopérative a livré 40 boisseaux de seigle, payés 3 millions de florins. "
        "Lucie Ferrand, grand argentier de la ville, a précisé que la commune va désenvaser le bassin de Lanvéoc.")


def test_example_file_is_valid_covers_every_section_and_is_shown_in_the_docs() -> None:
    lexicon = read_user_lexicon(str(EXAMPLE))
    assert {b.id for b in lexicon.actor.bodies} == {"aesn", "cli_golfech"}
    assert lexicon.actor.roles == ["grand argentier", "haute commissaire"]
    assert [(p.name, p.type) for p in lexicon.location.places] == [("Bois-Rond", "other"),
                                                                    ("Hautepierre-Sud", "other")]
    assert lexicon.quantity.unit["boisseau"].factor == 12.7
    assert lexicon.money.currency["XFL"].words == ["florin", "florins"]
    assert lexicon.measure.action["curage"].category == "infrastructure"
    # Every section of the format has words in the example.
    for section, words in lexicon.model_dump().items():
        assert all(words.values()), section
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


def _found(lexicon: Any) -> dict[str, Any]:
    result = extract(FARM, lexicon=lexicon)
    return {"quantities": [(q.text, str(q.value), q.unit, q.base_value and str(q.base_value), q.base_unit)
                           for q in result.quantities],
            "money": [(m.text, str(m.value), m.currency) for m in result.money],
            "persons": [(a.name, a.role) for a in result.actors if a.type == "person"],
            "measures": [(m.label, m.category) for m in result.measures]}


@pytest.fixture(scope="module")
def farm() -> dict[str, dict[str, Any]]:
    return {"plain": _found(None), "extended": _found(EXAMPLE)}


def test_user_unit_makes_a_quantity_with_its_unit_and_base(farm: dict[str, dict[str, Any]]) -> None:
    assert ("40 boisseaux", "40", "count", None, None) in farm["plain"]["quantities"]
    assert ("40 boisseaux", "40", "boisseau", "508", "l") in farm["extended"]["quantities"]


def test_user_currency_makes_money(farm: dict[str, dict[str, Any]]) -> None:
    assert farm["plain"]["money"] == []
    assert farm["extended"]["money"] == [("3 millions de florins", "3000000", "XFL")]
    assert not any(q[0].endswith("florins") for q in farm["extended"]["quantities"])


def test_user_role_gives_a_person_role(farm: dict[str, dict[str, Any]]) -> None:
    assert ("Lucie Ferrand", None) in farm["plain"]["persons"]
    assert ("Lucie Ferrand", "grand argentier de la ville") in farm["extended"]["persons"]


def test_user_trigger_makes_a_measure(farm: dict[str, dict[str, Any]]) -> None:
    assert not any(label.startswith("curage") for label, _ in farm["plain"]["measures"])
    assert ("curage du bassin de Lanvéoc", "infrastructure") in farm["extended"]["measures"]


def test_saved_pipeline_keeps_the_words_not_the_path(tmp_path: Path) -> None:
    """`nlp.to_disk` stores the lexicon's words: `spacy.load` works in a fresh process after the
    file is deleted, and gives the same JSON."""
    copy = tmp_path / "mine.toml"
    shutil.copy(EXAMPLE, copy)
    nlp = get_nlp(str(copy))
    saved = tmp_path / "pipeline"
    nlp.to_disk(saved)
    copy.unlink()
    assert str(copy) not in (saved / "config.cfg").read_text(encoding="utf-8")
    for name in WITH_LEXICON:
        assert (saved / name / "lexicon.json").exists(), name
    script = (f"import json, spacy\nfrom plan_extract.export import doc_to_extraction\n"
              f"nlp = spacy.load({str(saved)!r})\n"
              f"print(json.dumps([doc_to_extraction(d).model_dump(mode='json') for d in nlp.pipe({[FARM, TEXT]!r})]))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    loaded = json.loads(run.stdout.splitlines()[-1])
    assert loaded == [doc_to_extraction(d).model_dump(mode="json") for d in nlp.pipe([FARM, TEXT])]
    assert [m["currency"] for m in loaded[0]["money"]] == ["XFL"]
    assert "AESN" in {a["acronym"] for a in loaded[1]["actors"]}


def test_same_lexicon_gives_the_same_pipeline_without_reading_it_again(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`get_nlp` finds the pipeline of a lexicon by a key worked out once: asking again for the
    same file costs no reading and no serialising; a changed file is read again."""
    import pickle

    from plan_extract import lexicon as lexicon_module
    from plan_extract.lexicon import UserLexicon

    copy = tmp_path / "mine.toml"
    shutil.copy(EXAMPLE, copy)
    first = get_nlp(str(copy))
    calls: list[str] = []
    loads, dump = lexicon_module.tomllib.loads, UserLexicon.model_dump_json

    def counted_loads(text: str) -> dict[str, Any]:
        calls.append("read")
        return loads(text)

    def counted_dump(self: UserLexicon, **kwargs: Any) -> str:
        calls.append("dump")
        return dump(self, **kwargs)

    monkeypatch.setattr(lexicon_module.tomllib, "loads", counted_loads)
    monkeypatch.setattr(UserLexicon, "model_dump_json", counted_dump)
    assert get_nlp(str(copy)) is first
    assert get_nlp(copy) is first
    assert get_nlp(read_user_lexicon(str(copy))) is first
    assert calls == []
    # The same words read elsewhere (as a worker receives them): the key is worked out once.
    words = UserLexicon.model_validate(read_user_lexicon(str(copy)).model_dump())
    assert get_nlp(words) is first and get_nlp(words) is first
    assert calls == ["dump"]
    assert get_nlp(pickle.loads(pickle.dumps(words))) is first
    # A changed file is read again (here only a comment: the words, and so the pipeline, are the same).
    calls.clear()
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert get_nlp(str(copy)) is first
    assert calls == ["read", "dump"]
    assert get_nlp(str(copy)) is first and calls == ["read", "dump"]


def test_kept_pipelines_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """`get_nlp` keeps the pipelines of the last few lexicons, not one per lexicon ever met
    (blank pipelines stand for the full ones here: only the keeping is tested)."""
    from collections import OrderedDict

    from plan_extract import pipeline
    from plan_extract.lexicon import UserLexicon

    built: list[UserLexicon | None] = []

    def blank(model: str = pipeline.MODEL, lexicon: Any = None) -> Language:
        built.append(lexicon)
        return spacy.blank("fr")

    monkeypatch.setattr(pipeline, "_PIPELINES", OrderedDict())
    monkeypatch.setattr(pipeline, "load", blank)
    lexicons = [UserLexicon.model_validate({"actor": {"roles": [f"intendant {i}"]}}) for i in range(6)]
    made = [get_nlp(words) for words in lexicons]
    assert len(pipeline._PIPELINES) == pipeline.PIPELINES_KEPT < len(lexicons)
    assert get_nlp(lexicons[-1]) is made[-1] and len(built) == 6
    assert get_nlp(lexicons[0]) is not made[0] and len(built) == 7  # gone, built again
    assert [words.actor.roles for words in built[:2]] == [["intendant 0"], ["intendant 1"]]


def test_config_naming_a_file_loads_without_it(tmp_path: Path) -> None:
    """A pipeline whose config names a lexicon file (the `lexicon` setting) saves the words:
    `spacy.load` works after the file is deleted. Without saved words, a missing file is refused
    when the component is first used, in one line naming the file."""
    copy = tmp_path / "mine.toml"
    shutil.copy(EXAMPLE, copy)
    nlp = spacy.blank("fr")
    nlp.add_pipe("plan_numeral")
    nlp.add_pipe("plan_money", config={"lexicon": str(copy)})
    nlp.add_pipe("plan_quantity", config={"lexicon": str(copy)})

    def found(pipeline: Language) -> list[tuple[str, str, str]]:
        doc = pipeline(FARM)
        return [(s.text, k, s._.get(k).get("currency") or s._.get(k).get("unit"))
                for k in ("money", "quantity") for s in doc.spans[k]]

    before = found(nlp)
    assert ("3 millions de florins", "money", "XFL") in before and ("40 boisseaux", "quantity", "boisseau") in before
    nlp.to_disk(tmp_path / "saved")
    copy.unlink()
    assert str(copy) in (tmp_path / "saved" / "config.cfg").read_text(encoding="utf-8")
    assert found(spacy.load(tmp_path / "saved")) == before
    again = spacy.blank("fr")
    again.add_pipe("plan_numeral")
    again.add_pipe("plan_money", config={"lexicon": str(copy)})
    with pytest.raises(LexiconError, match=f"cannot read the lexicon {copy} named in the config of MoneyExtractor"):
        again(FARM)
    with pytest.raises(LexiconError):
        list(again.pipe([FARM]))


def test_add_lexicon_after_add_pipe(nlp: Language) -> None:
    """As spaCy's span ruler takes `add_patterns`, a component takes `add_lexicon`."""
    doc = nlp("Ils ont vendu 12 boisseaux.")
    component = nlp.get_pipe("plan_quantity").__class__(nlp)
    assert [s._.quantity["unit"] for s in component(doc).spans["quantity"]] == ["count"]
    component.add_lexicon(EXAMPLE)
    assert [s._.quantity["unit"] for s in component(doc).spans["quantity"]] == ["boisseau"]
    assert component.user_lexicon.quantity.unit["boisseau"].base == "l"
    again = nlp.get_pipe("plan_quantity").__class__(nlp).from_bytes(component.to_bytes())
    assert again.user_lexicon == component.user_lexicon


@pytest.mark.parametrize(("text", "key"), [
    ('[[actor.bodies]]\nid = "x"\npattern = "y"\nlabel = "weather"\n', r"actor\.bodies\.0\.label"),
    ('[quantity]\nunits = ["brouette"]\n', r"quantity\.units"),
    ('[quantity.unit.brouette]\nwords = []\n', r"quantity\.unit\.brouette\.words"),
    ('[quantity.unit.brouette]\nwords = ["brouette"]\nfactor = -2\n', r"quantity\.unit\.brouette\.factor"),
    ('[money.currency.florin]\nwords = ["florin"]\n', r"money\.currency.*'florin'"),
    ('[measure.action.curage]\nverbs = ["curer"]\ncategory = "weather"\n', r"measure\.action\.curage\.category"),
    ('[actor]\nroles = [""]\n', r"actor\.roles"),
    ('[weather]\nwords = ["pluie"]\n', r"weather"),
    ('[actor\nroles = 3', r"not valid UTF-8 TOML"),
])
def test_malformed_lexicon_is_one_line_naming_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=r"bad\.toml.*" + key) as error:
        read_user_lexicon(str(bad))
    assert "\n" not in str(error.value)


def test_cli_refuses_a_malformed_lexicon_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[money.currency.XFL]\nwords = "florin"\n', encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    for args in ([str(article), "--lexicon", str(bad)], ["serve", "--lexicon", str(bad)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output and "money.currency.XFL.words" in result.output
        assert "bad.toml" in result.output


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


def test_batch_gets_the_words_not_the_file(tmp_path: Path) -> None:
    """The batch's settings (given to its worker processes, local or on Dask) hold the lexicon's
    words: they extract with them where the file cannot be read (here: deleted once read)."""
    from plan_extract import batch

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "farm.txt").write_text(FARM, encoding="utf-8")
    copy = tmp_path / "mine.toml"
    shutil.copy(EXAMPLE, copy)
    words = read_user_lexicon(str(copy))
    copy.unlink()
    outcomes = list(batch.run(batch.collect((folder,)).jobs, settings=batch.Settings(lexicon=words)))
    assert [o.error for o in outcomes] == [None]
    assert [m["currency"] for m in json.loads(outcomes[0].json)["money"]] == ["XFL"]


def test_dask_workers_get_the_lexicon(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the Dask batch needs the dask extra")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "farm.txt").write_text(FARM, encoding="utf-8")
    (folder / "aesn.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(folder), "-o", str(out), "--dask", "local", "--jobs", "1", "-q",
                                       "--lexicon", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    farm = json.loads((out / "farm.json").read_text(encoding="utf-8"))
    assert [(q["unit"], q["base_unit"]) for q in farm["quantities"] if q["unit"] == "boisseau"] == [("boisseau", "l")]
    assert [m["currency"] for m in farm["money"]] == ["XFL"]
    aesn = json.loads((out / "aesn.json").read_text(encoding="utf-8"))
    assert "AESN" in {a["acronym"] for a in aesn["actors"]}


def test_spacy_load_of_a_saved_pipeline_from_a_config_path_needs_no_lexicon(tmp_path: Path, nlp: Language) -> None:
    """A pipeline built without a user lexicon saves no lexicon.json and loads as before."""
    blank = spacy.blank("fr")
    blank.add_pipe("plan_numeral")
    blank.add_pipe("plan_quantity")
    blank.to_disk(tmp_path / "p")
    assert not (tmp_path / "p" / "plan_quantity" / "lexicon.json").exists() or \
        json.loads((tmp_path / "p" / "plan_quantity" / "lexicon.json").read_text()) == {}
    assert "plan_quantity" in spacy.load(tmp_path / "p").pipe_names

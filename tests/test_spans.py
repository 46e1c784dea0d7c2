"""Per-Doc caches shared by the components: same values as spaCy's, kept in the Doc, and the Doc
still copies and serialises."""

from __future__ import annotations

import copy
import pickle
import weakref

from spacy.tokens import Doc, DocBin

from plan_extract import api
from plan_extract.api import make_doc
from plan_extract.spans import CACHE_KEY, DocCache, doc_cache, entities, release, subtree, token_attrs

TEXT = "Le préfet de l'Orne a présenté jeudi un plan contre le crack à Alençon. Les bailleurs suivront."


def test_token_attrs_are_the_tokens_strings(nlp) -> None:
    doc = nlp(make_doc(TEXT))
    attrs = token_attrs(doc)
    assert attrs.text == [t.text for t in doc]
    assert attrs.lower == [t.lower_ for t in doc]
    assert attrs.lemma == [t.lemma_.lower() for t in doc]
    assert attrs.pos == [t.pos_ for t in doc]
    assert attrs.dep == [t.dep_ for t in doc]
    assert attrs.head == [t.head.i for t in doc]
    assert attrs.children == [[c.i for c in t.children] for t in doc]
    assert [subtree(doc, t.i) for t in doc] == [sorted(s.i for s in t.subtree) for t in doc]
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())  # the cache is worked out again
    columns = ("text", "lower", "lemma", "pos", "dep", "morph", "head", "children")
    assert all(getattr(token_attrs(again), c) == getattr(attrs, c) for c in columns)


def test_entities_are_doc_ents(nlp) -> None:
    doc = nlp(make_doc(TEXT))
    assert [(e.start, e.end, e.label_) for e in entities(doc)] == [(e.start, e.end, e.label_) for e in doc.ents]
    assert entities(doc) is entities(doc)


def test_numbers_inside_dates_open_no_quantity_window(nlp) -> None:
    doc = nlp(make_doc("En 2023, 40 agents ont été recrutés."))
    quantity = nlp.get_pipe("plan_quantity")
    year, forty = doc.spans["numeral"]
    assert [d.text for d in doc.spans["date"]] == ["2023"]
    assert quantity.windows(doc, list(doc.spans["date"])) == [(forty.start - 1, forty.end + 8)]
    assert len(quantity.windows(doc, [])) == 2


def test_feature_is_morph_get(nlp) -> None:
    from plan_extract.spans import feature

    doc = nlp(make_doc("Les locataires perdront leur bail ; la brigade aurait été créée."))
    for token in doc:
        for name in ("VerbForm", "Mood", "Tense", "Voice", "Number"):
            assert feature(token, name) == token.morph.get(name)


def test_remembered_text_is_doc_text() -> None:
    from plan_extract.spans import doc_text

    text = "Le\u00a0plan  \n\n« 258 000 € » ;\tfin. "
    doc = make_doc(text)
    assert doc_text(doc) == doc.text == text


def test_extraction_keeps_no_document_alive(monkeypatch) -> None:
    """Per-Doc caches that hold spans keep their Doc alive: the API releases every Doc it is done
    with, so that memory stays flat over a long stream of texts."""
    made = []
    real = api.make_doc

    def recording(text, *args, **kwargs):
        doc = real(text, *args, **kwargs)
        made.append(weakref.ref(doc))
        return doc

    monkeypatch.setattr(api, "make_doc", recording)
    extractions = list(api.extract_many([TEXT, "Une brigade de 12 gendarmes sera créée en 2025."] * 3))
    assert len(extractions) == 6 and extractions[0].actors
    assert len(made) == 6 and all(ref() is None for ref in made)


def test_doc_cache_lives_in_the_doc_and_does_not_travel(nlp) -> None:
    """The cache is in `doc.user_data`; a copy, a pickled Doc and a serialised Doc start without
    it (derived data), and `release` drops it so that the Doc goes at once."""
    doc = nlp.make_doc("Le préfet de l'Orne arrive à Alençon.")
    attrs = token_attrs(doc)
    ents = entities(doc)
    assert doc.user_data[CACHE_KEY].attrs is attrs and doc_cache(doc).entities is ents
    for other in (doc.copy(), copy.deepcopy(doc), pickle.loads(pickle.dumps(doc)),
                  Doc(nlp.vocab).from_bytes(doc.to_bytes()),
                  next(DocBin(store_user_data=True, docs=[doc]).get_docs(nlp.vocab))):
        cached = other.user_data.get(CACHE_KEY)
        assert cached is None or (isinstance(cached, DocCache) and cached.attrs is None)
        assert token_attrs(other).lower == attrs.lower
    ref = weakref.ref(doc)
    doc_cache(doc).values["spans"] = [doc[0:2]]  # a value that refers back to its Doc
    release(doc)
    assert CACHE_KEY not in doc.user_data
    del doc, ents
    assert ref() is None


def test_the_pipeline_leaves_no_cache(nlp) -> None:
    doc = nlp(make_doc(TEXT))
    assert CACHE_KEY not in doc.user_data
    assert all(not isinstance(v, DocCache) for v in doc.user_data.values())

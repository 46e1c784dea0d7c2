"""Small helpers on spaCy spans shared by several dimensions."""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections.abc import Collection, Sequence
from functools import cached_property
from typing import Any

from spacy.attrs import DEP, HEAD, LEMMA, LOWER, MORPH, ORTH, POS, SENT_START
from spacy.tokens import Doc, Span, Token


def trim_entity(span: Span, articles: Collection[str]) -> Span:
    """Cut an entity at its first line break; drop leading articles and edge punctuation.

    Scraped pages break lines inside what the NER reads as one name ("Jallet\\nPréfet").
    The result may be empty.
    """
    doc = span.doc
    start, end = span.start, span.end
    for i in range(start, end):
        if doc[i].is_space or "\n" in doc[i].text:
            end = i
            break
    while start < end and (doc[start].lower_ in articles or doc[start].is_punct):
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def last_in_sentence_before(spans: Sequence[Span], anchor: Span, gap: int = 0) -> Span | None:
    """The last of `spans` that ends at least `gap` tokens before `anchor`, in its sentence.

    Elliptical figures take their unit or currency from it: "29 tués, contre 42 en 2022".
    """
    sentence_start = sentence_bounds(anchor.doc, anchor.start)[0]
    before = [s for s in spans if sentence_start <= s.start and s.end <= anchor.start - gap]
    return before[-1] if before else None


# A link from one span to another (a measure to its actor, an amount to its duration) is kept in
# the first span's value as the second's token bounds counted from the first one's start. It
# moves with the span it belongs to: `Doc.from_docs` (the chunks of a long text joined),
# `doc.copy()` and `Doc.to_bytes()` carry it as it is, while bounds counted from the start of
# the Doc would need moving. `linked` gives the span back.
Ref = list[int]


def span_ref(anchor: Span, target: Span) -> Ref:
    """Where `target` is, seen from `anchor` (two spans of the same Doc).

    >>> doc = nlp.make_doc("L'ARS finance 3 postes.")
    >>> span_ref(doc[2:5], doc[0:2])
    [-2, 0]
    """
    return [target.start - anchor.start, target.end - anchor.start]


def linked(anchor: Span, ref: Ref) -> Span:
    """The span that `ref` (made by `span_ref` on `anchor`) points at.

    >>> doc = nlp.make_doc("L'ARS finance 3 postes.")
    >>> linked(doc[2:5], [-2, 0]).text
    "L'ARS"
    """
    return anchor.doc[anchor.start + ref[0]:anchor.start + ref[1]]


_TEXT_KEY = "plan_extract.text"


def remember_text(doc: Doc, text: str) -> Doc:
    """Keep the text a Doc was made from as its `doc_text` (spaCy's tokenisation loses no
    character, so it is `doc.text`)."""
    doc.user_data[_TEXT_KEY] = text
    return doc


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc and kept in `doc.user_data`.

    spaCy rebuilds `Doc.text` from the tokens at every access; our components never change the
    tokens, so every component can share one copy.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT_KEY] = text
    return text


class TokenAttrs:
    """Attributes of every token of a Doc, as lists indexed by token position.

    Reading `token.lemma_` builds a Token and decodes a string at every access; rules that look
    at many tokens read these lists instead. Each list is built the first time it is asked for.
    `lemma` is lower-cased; `morph` holds the hash of the morphological features (see
    `feature`); `head` the position of each token's head (its own for a root), `children` the
    positions of its children in text order.
    """

    def __init__(self, doc: Doc) -> None:
        # No reference to the Doc is kept, so that it can go.
        self.length = len(doc)
        self._strings = doc.vocab.strings
        self._array = doc.to_array([ORTH, LOWER, LEMMA, POS, DEP, MORPH, HEAD])

    def _column(self, index: int, table: dict[int, str]) -> list[str]:
        values = self._array[:, index].tolist()
        column = list(map(table.get, values))
        if None in column:
            if len(table) >= WORD_CACHE_SIZE:
                table.clear()
            for i, value in enumerate(values):
                if column[i] is None:
                    word = self._strings[value]
                    column[i] = table[value] = word.lower() if table is _LEMMAS else word
        return column

    @cached_property
    def text(self) -> list[str]:
        return self._column(0, _STRINGS)

    @cached_property
    def lower(self) -> list[str]:
        return self._column(1, _STRINGS)

    @cached_property
    def lemma(self) -> list[str]:
        return self._column(2, _LEMMAS)

    @cached_property
    def pos(self) -> list[str]:
        return self._column(3, _STRINGS)

    @cached_property
    def dep(self) -> list[str]:
        return self._column(4, _STRINGS)

    @cached_property
    def morph(self) -> list[int]:
        return self._array[:, 5].tolist()

    @cached_property
    def head(self) -> list[int]:
        # HEAD is an offset stored unsigned: back to signed, then to a position.
        return [offset + i for i, offset in enumerate(self._array[:, 6].astype("int64").tolist())]

    @cached_property
    def children(self) -> list[list[int]]:
        children: list[list[int]] = [[] for _ in range(self.length)]
        for i, head in enumerate(self.head):
            if head != i:
                children[head].append(i)
        return children


# Results kept per word (strings by hash, features, which patterns a word can start, ...) are
# pure caches: past this many entries they are emptied, so that memory stays flat over any
# number of texts.
WORD_CACHE_SIZE = 50_000
# Hash -> string for the forms met (lemmas lower-cased apart), shared by all Docs.
_STRINGS: dict[int, str] = {}
_LEMMAS: dict[int, str] = {}


def token_attrs(doc: Doc) -> TokenAttrs:
    """The `TokenAttrs` of `doc`, read once per Doc (kept beside it, not in `doc.user_data`:
    the lists hold no reference to the Doc, which can go).

    Rules ask for them hundreds of times per Doc, and the components work on one Doc at a
    time: the last Doc asked about is checked first, before the weak dictionary.
    """
    last = _LAST[0]
    if last is not None and last[0]() is doc and last[1].length == len(doc):
        return last[1]
    cached = _ATTRS.get(doc)
    if cached is None or cached.length != len(doc):
        cached = _ATTRS[doc] = TokenAttrs(doc)
    _LAST[0] = (weakref.ref(doc), cached)
    return cached


_ATTRS: weakref.WeakKeyDictionary[Doc, TokenAttrs] = weakref.WeakKeyDictionary()
_LAST: list[tuple[weakref.ref[Doc], TokenAttrs] | None] = [None]


class DocCache:
    """Values worked out once per Doc, kept for the last `size` Docs only.

    Values that hold spans cannot go in a `WeakKeyDictionary` keyed by their Doc: a span refers
    to its Doc, so the Doc would never go. They cannot go in `doc.user_data` either, which must
    stay serialisable. Here at most `size` Docs are kept alive (the documents of one `nlp.pipe`
    batch go through a component together); an older value is worked out again if asked for.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.entries: dict[int, tuple[weakref.ref[Doc], Any]] = {}
        _CACHES.append(self)

    def get(self, doc: Doc) -> Any | None:
        entry = self.entries.get(id(doc))
        return entry[1] if entry is not None and entry[0]() is doc else None

    def set(self, doc: Doc, value: Any) -> Any:
        self.entries.pop(id(doc), None)
        self.entries[id(doc)] = (weakref.ref(doc), value)
        while len(self.entries) > self.size:
            del self.entries[next(iter(self.entries))]  # the oldest
        return value

    def forget(self, doc: Doc) -> None:
        entry = self.entries.get(id(doc))
        if entry is not None and entry[0]() is doc:
            del self.entries[id(doc)]


_CACHES: list[DocCache] = []


def release(doc: Doc) -> None:
    """Drop what the `DocCache`s keep for `doc`, once it is done with, so that it can go at once."""
    for cache in _CACHES:
        cache.forget(doc)


_ENTITIES = DocCache()


def entities(doc: Doc) -> tuple[Span, ...]:
    """`doc.ents`, built once per Doc: spaCy rebuilds the tuple of spans at every access. The
    components read the statistical NER's entities and never set them."""
    cached = _ENTITIES.get(doc)
    if cached is None or cached[0] != len(doc):
        cached = _ENTITIES.set(doc, (len(doc), doc.ents))
    return cached[1]


_SENTENCES_KEY = "plan_extract.sentence_starts"


def sentence_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """Token bounds of the sentence holding token `i`, as `doc[i].sent` gives them, from the
    sentence starts read once per Doc (`Token.sent` walks the sentence at every call)."""
    cached = doc.user_data.get(_SENTENCES_KEY)
    if cached is None or cached[0] != len(doc):
        if doc.has_annotation("SENT_START"):
            flags = doc.to_array([SENT_START]).astype("int64").tolist()
            starts = [0] + [j for j, flag in enumerate(flags) if flag == 1 and j > 0]
        else:
            starts = [0]
        cached = doc.user_data[_SENTENCES_KEY] = (len(doc), starts)
    starts = cached[1]
    k = bisect_right(starts, i) - 1
    return starts[k], starts[k + 1] if k + 1 < len(starts) else len(doc)


# Morphological features by the hash of their string ("Mood=Ind|Tense=Fut|VerbForm=Fin").
_FEATURES: dict[int, dict[str, list[str]]] = {}


def features(doc: Doc, i: int) -> dict[str, list[str]]:
    """The morphological features of token `i` with their values ({"PronType": ["Art", "Dem"]}),
    parsed once per feature string instead of at every call."""
    key = token_attrs(doc).morph[i]
    found = _FEATURES.get(key)
    if found is None:
        if len(_FEATURES) >= WORD_CACHE_SIZE:
            _FEATURES.clear()
        text = doc.vocab.strings[key] if key else ""
        found = _FEATURES[key] = {
            field: values.split(",") for field, _, values in (part.partition("=") for part in text.split("|") if part)}
    return found


def feature(token: Token, name: str) -> list[str]:
    """`token.morph.get(name)`, from `features`."""
    return features(token.doc, token.i).get(name, [])


def subtree(doc: Doc, i: int) -> list[int]:
    """Positions of the tokens of `doc[i].subtree`, in text order, read from `TokenAttrs`."""
    children = token_attrs(doc).children
    found, todo = [], [i]
    while todo:
        j = todo.pop()
        found.append(j)
        todo.extend(children[j])
    return sorted(found)


_POSITIONS: weakref.WeakKeyDictionary[Doc, dict[tuple[str, frozenset[str]], list[int]]] = weakref.WeakKeyDictionary()


def positions(doc: Doc, words: frozenset[str], attr: str = "lower") -> list[int]:
    """Indices of the tokens whose `attr` of `TokenAttrs` ("lower", "lemma") is one of `words`,
    found once per Doc: a rule that looks for a rare word among a token's children or around it
    first checks where the word occurs at all."""
    known = _POSITIONS.setdefault(doc, {})
    found = known.get((attr, words))
    if found is None:
        column = getattr(token_attrs(doc), attr)
        found = known[attr, words] = [i for i, word in enumerate(column) if word in words]
    return found

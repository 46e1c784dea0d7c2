"""Small helpers on spaCy spans shared by several dimensions."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Sequence
from functools import cached_property
from typing import Any

import numpy
import srsly
from spacy.attrs import (DEP, HEAD, IS_ALPHA, IS_PUNCT, IS_QUOTE, IS_SPACE, IS_TITLE, LEMMA, LIKE_NUM, LIKE_URL, LOWER, MORPH,
                         ORTH, POS, SENT_START)
from spacy.tokens import Doc, Span, Token
from spacy.tokens.underscore import Underscore


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


CACHE_KEY = ("plan_extract", "cache")


class DocCache:
    """What the components work out once per Doc and share: the Doc's text, its tokens'
    attribute lists, its NER entities, its sentence starts, where words occur, and `values` for
    other modules. Every component reads the same Doc, and spaCy rebuilds these at every access.

    It lives in the Doc (`doc.user_data[CACHE_KEY]`, see `doc_cache`), so nothing outside the
    Doc is keyed by it. It holds derived data only, worked out again when missing: a copy of the
    Doc (`doc.copy()`, pickling) starts with an empty one, and a serialised Doc (`to_bytes`, a
    `DocBin`) stores none (srsly's msgpack writes nil in its place, see `_encode`). Its values
    may hold spans, which refer back to the Doc: `release` drops it once the Doc is done with
    (the last component, `plan_measure`, does), so that the Doc goes as soon as it is no longer
    used.
    """

    __slots__ = ("length", "text", "attrs", "entities", "sentence_starts", "positions", "keys", "values")

    def __init__(self, length: int) -> None:
        self.length = length  # the Doc's number of tokens when the values were worked out
        self.text: str | None = None
        self.attrs: TokenAttrs | None = None
        self.entities: tuple[Span, ...] | None = None
        self.sentence_starts: list[int] | None = None
        self.positions: dict[tuple[str, frozenset[str]], list[int]] = {}
        self.keys: dict[str, str] = {}  # see `reading_keys`
        self.values: dict[Any, Any] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> DocCache:
        return DocCache(self.length)

    def __reduce__(self) -> tuple[type, tuple[int]]:
        return DocCache, (self.length,)


def _encode(obj: Any, chain: Any = None) -> Any:
    """srsly's msgpack encoder for a `DocCache`: nil (the values are not stored)."""
    if isinstance(obj, DocCache):
        return None
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("plan_extract.doc_cache", func=_encode)


def doc_cache(doc: Doc) -> DocCache:
    """The `DocCache` of `doc`, made when missing or when the Doc's tokens have changed.

    >>> doc = nlp.make_doc("Un texte.")
    >>> doc_cache(doc) is doc_cache(doc) is doc.user_data[CACHE_KEY]
    True
    """
    cache = doc.user_data.get(CACHE_KEY)
    if cache.__class__ is not DocCache or cache.length != len(doc):
        cache = doc.user_data[CACHE_KEY] = DocCache(len(doc))
    return cache


def release(doc: Doc) -> None:
    """Drop the `DocCache` of `doc`, once it is done with: its spans refer back to the Doc."""
    doc.user_data.pop(CACHE_KEY, None)


def reading_keys(doc: Doc, keys: dict[str, str]) -> None:
    """Say where the running component reads the spans of other components: `keys` maps a
    dimension ("numeral", "location") to the span key its config names. The helpers it calls
    (`group_key`), down to the rules' callbacks, then read the same groups. Each component that
    reads another's spans calls this first, with all the keys it reads.
    """
    doc_cache(doc).keys = keys


def group_key(doc: Doc, dim: str) -> str:
    """The span key of `dim` that the running component reads (`reading_keys`); `dim` itself
    by default.

    >>> doc = nlp.make_doc("Un texte.")
    >>> reading_keys(doc, {"numeral": "nombres"})
    >>> group_key(doc, "numeral"), group_key(doc, "location")
    ('nombres', 'location')
    """
    return doc_cache(doc).keys.get(dim, dim)


def group_spans(doc: Doc, key: str) -> list[Span]:
    """The spans of `doc.spans[key]` (none when the Doc has no such group), read once per group
    and kept in the Doc's `DocCache`: a SpanGroup builds new Span objects at every iteration.
    The list is shared: read it, do not change it.

    >>> doc = nlp.make_doc("Un texte.")
    >>> doc.spans["test"] = [doc[0:1]]
    >>> group_spans(doc, "test") is group_spans(doc, "test"), group_spans(doc, "none")
    (True, [])
    """
    group = doc.spans.data.get(key)  # the SpanGroups' own dict (a UserDict): no Python-level lookup
    values = doc_cache(doc).values
    cached = values.get(("group", key))
    if cached is None or cached[0] is not group:
        cached = values["group", key] = (group, list(group) if group is not None else [])
    return cached[1]


def remember_text(doc: Doc, text: str) -> Doc:
    """Keep the text a Doc was made from as its `doc_text` (spaCy's tokenisation loses no
    character, so it is `doc.text`)."""
    doc_cache(doc).text = text
    return doc


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc and kept in its `DocCache`.

    spaCy rebuilds `Doc.text` from the tokens at every access; our components never change the
    tokens, so every component can share one copy.
    """
    cache = doc_cache(doc)
    if cache.text is None:
        cache.text = doc.text
    return cache.text


class TokenAttrs:
    """Attributes of every token of a Doc, as lists indexed by token position.

    Reading `token.lemma_` builds a Token and decodes a string at every access; rules that look
    at many tokens read these lists instead. Each list is built the first time it is asked for.
    `lemma` is lower-cased; `morph` holds the hash of the morphological features (see
    `feature`); `head` the position of each token's head (its own for a root), `children` the
    positions of its children in text order.
    """

    def __init__(self, doc: Doc) -> None:
        self.length = len(doc)
        self._strings = doc.vocab.strings
        self._array = doc.to_array(_COLUMNS)

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

    # Properties of the word that a Token reads from its lexeme (`token.is_alpha`, ...), as
    # lists of bools.
    def _flag(self, attr: int) -> list[bool]:
        return [flag == 1 for flag in self._array[:, _COLUMNS.index(attr)].tolist()]

    @cached_property
    def is_alpha(self) -> list[bool]:
        return self._flag(IS_ALPHA)

    @cached_property
    def is_space(self) -> list[bool]:
        return self._flag(IS_SPACE)

    @cached_property
    def is_punct(self) -> list[bool]:
        return self._flag(IS_PUNCT)

    @cached_property
    def is_quote(self) -> list[bool]:
        return self._flag(IS_QUOTE)

    @cached_property
    def is_title(self) -> list[bool]:
        return self._flag(IS_TITLE)

    @cached_property
    def like_num(self) -> list[bool]:
        return self._flag(LIKE_NUM)

    @cached_property
    def like_url(self) -> list[bool]:
        return self._flag(LIKE_URL)

    @cached_property
    def children(self) -> list[list[int]]:
        children: list[list[int]] = [[] for _ in range(self.length)]
        for i, head in enumerate(self.head):
            if head != i:
                children[head].append(i)
        return children


# The columns of `TokenAttrs`: the first seven read by position, the flags by `_flag`.
_COLUMNS = [ORTH, LOWER, LEMMA, POS, DEP, MORPH, HEAD, IS_ALPHA, IS_SPACE, IS_PUNCT, IS_QUOTE, IS_TITLE, LIKE_NUM, LIKE_URL]


# Results kept per word (strings by hash, features, which patterns a word can start, ...) are
# pure caches: past this many entries they are emptied, so that memory stays flat over any
# number of texts.
WORD_CACHE_SIZE = 50_000
# Hash -> string for the forms met (lemmas lower-cased apart), shared by all Docs.
_STRINGS: dict[int, str] = {}
_LEMMAS: dict[int, str] = {}


def token_attrs(doc: Doc) -> TokenAttrs:
    """The `TokenAttrs` of `doc`, read once per Doc and kept in its `DocCache`.

    Rules ask for them hundreds of times per Doc: the cache is looked up directly first.
    """
    cache = doc.user_data.get(CACHE_KEY)
    if cache.__class__ is not DocCache or cache.length != len(doc):
        cache = doc_cache(doc)
    attrs = cache.attrs
    if attrs is None:
        attrs = cache.attrs = TokenAttrs(doc)
    return attrs


def entities(doc: Doc) -> tuple[Span, ...]:
    """`doc.ents`, built once per Doc: spaCy rebuilds the tuple of spans at every access. The
    components read the statistical NER's entities and never set them."""
    cache = doc_cache(doc)
    if cache.entities is None:
        cache.entities = doc.ents
    return cache.entities


def sentence_starts(doc: Doc) -> list[int]:
    """Positions of the first token of each sentence (`[0]` for a Doc without sentences), read
    once per Doc: `doc.sents` and `Token.sent` walk the tokens at every call.

    >>> sentence_starts(nlp("Une phrase. Une autre."))
    [0, 3]
    """
    cache = doc_cache(doc)
    starts = cache.sentence_starts
    if starts is None:
        if doc.has_annotation("SENT_START"):
            flags = doc.to_array([SENT_START]).astype("int64")
            starts = [0, *(numpy.flatnonzero(flags[1:] == 1) + 1).tolist()]
        else:
            starts = [0]
        cache.sentence_starts = starts
    return starts


def sentence_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """Token bounds of the sentence holding token `i`, as `doc[i].sent` gives them, from
    `sentence_starts`."""
    starts = sentence_starts(doc)
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
    found = [i]
    for j in found:  # the list grows while it is walked: each token's children join it once
        found.extend(children[j])
    return sorted(found)


def span_text(span: Span) -> str:
    """`span.text`, sliced from `doc_text`: `Span.text` builds a Token for each of its tokens.

    >>> doc = nlp.make_doc("Un poste est créé.")
    >>> span_text(doc[1:3]), span_text(doc[2:2])
    ('poste est', '')
    """
    if span.start >= span.end:
        return ""
    return doc_text(span.doc)[span.start_char:span.end_char]


def positions(doc: Doc, words: frozenset[str], attr: str = "lower") -> list[int]:
    """Indices of the tokens whose `attr` of `TokenAttrs` ("lower", "lemma") is one of `words`,
    found once per Doc: a rule that looks for a rare word among a token's children or around it
    first checks where the word occurs at all."""
    known = doc_cache(doc).positions
    found = known.get((attr, words))
    if found is None:
        column = getattr(token_attrs(doc), attr)
        if words.isdisjoint(column):  # most words looked for are rare: checked in C first
            found = []
        elif len(words) == 1:
            found = _indices(column, next(iter(words)))
        else:
            found = [i for i, word in enumerate(column) if word in words]
        known[attr, words] = found
    return found


def _indices(column: list[str], word: str) -> list[int]:
    """Where `word` occurs in `column`, found by `list.index` (in C)."""
    found = []
    i = -1
    try:
        while True:
            i = column.index(word, i + 1)
            found.append(i)
    except ValueError:
        return found


# Custom extensions keep their values in `doc.user_data`, under ("._.", name, start, end): a
# span's character offsets, a token's offset and None (spaCy's `Underscore._get_key`). Going
# through `span._` builds an Underscore object at every access; the helpers below read and
# write the same entry directly, and go through `_` for an extension with a getter, a setter or
# a method, or a value not set yet (a mutable default is copied and stored by `_`).


def _stored(extension: tuple[Any, Any, Any, Any] | None, setting: bool) -> bool:
    """Whether an extension's values are the entries of `doc.user_data` (see above): no setter
    to write one; no getter nor method to read one."""
    if extension is None:
        return False  # not registered: `_` raises
    _default, method, getter, setter = extension
    return setter is None if setting else method is None and getter is None


def span_extension(span: Span, name: str) -> Any:
    """`span._.get(name)`, read from `doc.user_data`.

    >>> doc = nlp.make_doc("Un poste est créé.")
    >>> span = doc[1:2]
    >>> set_span_extension(span, "numeral", {"value": "1"})
    >>> span_extension(span, "numeral") is span._.numeral
    True
    """
    if _stored(Underscore.span_extensions.get(name), setting=False):
        found = span.doc.user_data.get(("._.", name, span.start_char, span.end_char), _MISSING)
        if found is not _MISSING:
            return found
    return span._.get(name)


def set_span_extension(span: Span, name: str, value: Any) -> None:
    """`span._.set(name, value)`, written into `doc.user_data`."""
    if _stored(Underscore.span_extensions.get(name), setting=True):
        span.doc.user_data["._.", name, span.start_char, span.end_char] = value
    else:
        span._.set(name, value)


def set_token_extension(doc: Doc, i: int, idx: int, name: str, value: Any) -> None:
    """`doc[i]._.set(name, value)` for the token `i` that starts at character `idx`, written
    into `doc.user_data`."""
    if _stored(Underscore.token_extensions.get(name), setting=True):
        doc.user_data["._.", name, idx, None] = value
    else:
        doc[i]._.set(name, value)


_MISSING = object()

"""Location rules: which capitalised names are places, of what type, and which commune a
homonym means.

Three sources are combined: the COG table (communes, départements, régions) plus the lexicon's
countries and named areas; introducing nouns ("le quartier de Perseigne", "la commune de X");
and the NER (LOC/GPE), which alone only yields places of type "other" after filtering.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from pydantic import BaseModel
from spacy.tokens import Doc, Span

from plan_extract.dims.location.places import Place, PlaceTable, load_places
from plan_extract.grammar import FACILITIES, LINK_ARTICLES, LINKS, NAME_ADJECTIVES
from plan_extract.resources import load_toml
from plan_extract.spans import doc_cache, entities, token_attrs


class _Words(BaseModel):
    words: list[str]


class _Names(BaseModel):
    names: list[str]


class _Phrases(BaseModel):
    phrases: list[str]


class _Natural(BaseModel):
    areas: list[str]
    rivers: list[str]
    water: list[str]
    sectors: list[str]


class _Endings(BaseModel):
    endings: list[str]


class _Blockers(BaseModel):
    institutions: list[str]
    seats: list[str]
    firms: list[str]


class LocationLexicon(BaseModel):
    intro: dict[str, list[str]]
    prepositions: _Words
    locatives: _Words
    contractions: dict[str, list[str]]
    common_words: _Words
    fixed_expressions: _Phrases
    metonyms: _Names
    natural: _Natural
    blockers: _Blockers
    historic_regions: _Names
    other_areas: _Names
    countries: _Names
    foreign_cities: _Names
    indefinite: _Words
    demonyms: _Endings


LEXICON = load_toml(__package__, "lexicon.toml", LocationLexicon)
INTRO_TYPE = {word: kind for kind, words in LEXICON.intro.items() for word in words}
PREPOSITIONS = set(LEXICON.prepositions.words)
LOCATIVES = set(LEXICON.locatives.words)
FIXED_EXPRESSIONS = LEXICON.fixed_expressions.phrases
# Articles in front of a département, a region or a country ("l'Orne", "la Creuse", "du Var"): the
# definite articles of `grammar.toml` and the contractions that replace them ("au", "du", "aux").
ARTICLES = LINK_ARTICLES | {word for words in LEXICON.contractions.values() for word in words}
COMMON_WORDS = set(LEXICON.common_words.words)
METONYMS = {name.replace("’", "'") for name in LEXICON.metonyms.names}
INSTITUTIONS = set(LEXICON.blockers.institutions)
FIRMS = set(LEXICON.blockers.firms)
WATER = set(LEXICON.natural.water)
# Nouns whose "de <Name>" gives where a body sits: "l'antenne GIGN d'Orange", "le tribunal de Tours".
SEATS = FACILITIES | INSTITUTIONS | set(LEXICON.blockers.seats)
# Lower-case named areas ("bassin minier") are looked up from their first word too.
LOWER_STARTS = {name.split()[0] for name in [*LEXICON.other_areas.names, *LEXICON.historic_regions.names]
                if name[:1].islower()}
NER_LABELS = {"LOC", "GPE"}
# When a name is several kinds of place, the first kind in this order wins unless the context
# says otherwise: "Paris" is the commune, "la Guadeloupe" the département.
TYPE_ORDER = ["commune", "département", "region", "country", "other", "epci"]
ARTICLE_TYPE_ORDER = ["département", "region", "country", "other", "epci", "commune"]
# Kinds of the table that the output shows as type "other" with a subtype: an intercommunality
# (EPCI, code = SIREN).
SUBTYPES = {"epci": "intercommunality"}
# Nouns of natural areas, rivers and sectors by the subtype of the place they introduce.
NATURAL_NOUNS = {"natural_area": LEXICON.natural.areas, "river": LEXICON.natural.rivers,
                 "sector": LEXICON.natural.sectors}
# Kinds of place that take an article ("le Var", "la Bretagne", "la France").
AREA_TYPES = {"département", "region", "country"}
# A commune this big is what its name means even when a département shares it ("Paris").
BIG_CITY = 100_000
# Parts of speech of a capitalised sentence-initial word that is a common word, not a name.
COMMON_POS = {"NOUN", "ADJ", "VERB", "AUX", "ADV", "DET", "PRON", "ADP", "CCONJ", "SCONJ"}


def extra_places() -> tuple[Place, ...]:
    """Places named in the lexicon: countries, cities abroad (communes without a code, counted
    as big cities), former regions, other named areas."""
    return (
        *(Place("country", name) for name in LEXICON.countries.names),
        *(Place("commune", name, population=BIG_CITY) for name in LEXICON.foreign_cities.names),
        *(Place("region", name) for name in LEXICON.historic_regions.names),
        *(Place("other", name) for name in LEXICON.other_areas.names),
    )


@cache
def table() -> PlaceTable:
    """The place table, read on first use (a second or so) and kept for the process."""
    return load_places(extra_places())


def intro_before(doc: Doc, start: int) -> tuple[str, int] | None:
    """The type announced by an introducing noun before token `start`, and where that noun is.

    "le quartier de Perseigne", "le quartier Perseigne", "la commune de La Riche",
    "le département de l'Orne", "le quartier prioritaire des Deux-Lions".

    >>> intro_before(nlp("le quartier de Perseigne"), 3)
    ('neighbourhood', 1)
    """
    lower = token_attrs(doc).lower
    i = start - 1
    if i >= 0 and lower[i] in LINK_ARTICLES:
        i -= 1
    if i >= 0 and lower[i] in LINKS:
        i -= 1
    adjectives = 0
    while i >= 0 and lower[i] in NAME_ADJECTIVES and adjectives < 2:
        i -= 1
        adjectives += 1
    # Capitalised too: "Quartier de Perseigne : ..." in a title, "la Région Normandie".
    if i >= 0 and lower[i] in INTRO_TYPE:
        return INTRO_TYPE[lower[i]], i
    return None


def looks_common(span: Span, name: str) -> bool:
    """A place name that is also an ordinary word ("Orange", "Plan"), or a single word tagged as
    a common word by the tagger."""
    if name.lower() in COMMON_WORDS:
        return True
    return len(span) == 1 and span[0].pos_ in COMMON_POS


def ner_label(doc: Doc, span: Span) -> str | None:
    """The label of the entity overlapping `span` (the first, if several)."""
    if span.start == span.end:  # inside an entity or not
        return next((e.label_ for e in entities(doc) if e.start < span.end and span.start < e.end), None)
    # Entities do not overlap and come in order: the first one overlapping the span holds its
    # first token that is in an entity.
    labels = entity_labels(doc)
    return next((labels[i] for i in range(span.start, span.end) if labels[i] is not None), None)


def entity_labels(doc: Doc) -> list[str | None]:
    """The label of the NER entity each token is in (None outside entities), worked out once
    per Doc (kept in its `DocCache`)."""
    values = doc_cache(doc).values
    labels = values.get(_ENTITY_LABELS)
    if labels is None:
        labels = [None] * len(doc)
        for ent in entities(doc):
            label = ent.label_
            for i in range(ent.start, ent.end):
                labels[i] = label
        values[_ENTITY_LABELS] = labels
    return labels


def entity_bounds(doc: Doc) -> frozenset[tuple[int, int]]:
    """The token bounds of the NER entities, worked out once per Doc (kept in its `DocCache`)."""
    values = doc_cache(doc).values
    bounds = values.get(_ENTITY_BOUNDS)
    if bounds is None:
        bounds = values[_ENTITY_BOUNDS] = frozenset((e.start, e.end) for e in entities(doc))
    return bounds


_ENTITY_LABELS = ("location", "entity labels")
_ENTITY_BOUNDS = ("location", "entity bounds")


def choose_type(places: Iterable[Place], after_article: bool) -> str:
    """The kind of place a name means when the context does not say it: a commune unless a
    région or département has the same name ("Bretagne", "Creuse" are also villages), but a
    big city wins ("Paris" is a commune and a département)."""
    places = list(places)
    kinds = {p.type for p in places}
    if "commune" in kinds and len(kinds) > 1 and not after_article:
        if max(p.population for p in places if p.type == "commune") < BIG_CITY:
            kinds.discard("commune")
    order = ARTICLE_TYPE_ORDER if after_article else TYPE_ORDER
    return next(kind for kind in order if kind in kinds)


def neighbourhood_name(doc: Doc, start: int) -> Span | None:
    """The capitalised name right after a neighbourhood noun and its link: "Deux-Lions" in
    "le quartier des Deux-Lions", "Croix Rousse" in "quartier de la Croix Rousse".

    Inner links ("de", "du", "la") are kept only between two capitalised words.
    """
    i = start
    if i < len(doc) and doc[i].lower_ in NAME_ADJECTIVES:
        i += 1
    if i < len(doc) and doc[i].lower_ in LINKS:
        i += 1
    if i < len(doc) and doc[i].lower_ in LINK_ARTICLES:
        i += 1
    first = i
    end = i
    while end < len(doc):
        token = doc[end]
        if token.text[:1].isupper() and not token.is_sent_start | token.is_space:
            end += 1
        elif (token.lower_ in LINKS or token.lower_ in LINK_ARTICLES or token.text == "-") \
                and end + 1 < len(doc) and doc[end + 1].text[:1].isupper() and end > first:
            end += 1
        else:
            break
    if end == first or doc[first].is_upper and len(doc[first]) > 1:
        return None
    return doc[first:end]

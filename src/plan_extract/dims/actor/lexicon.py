"""The actor data files: `patterns.jsonl` (public bodies) and `lexicon.toml` (roles, titles,
targets, organisation heads), each checked by a pydantic model when loaded.

A row of `patterns.jsonl` is a spaCy span-ruler pattern whose label is the category:
`{"label": "health", "pattern": "agence régionale de santé", "id": "ars"}`. Optional keys:
`"acronym": true` (matched only when written with capitals: "ARS", "Anah", never "ars"),
`"member": true` ("gendarmes" for the gendarmerie: a mention, never the name),
`"place": "required"` ("ville" is an actor only as "ville de X"),
`"place": "territorial"` (a word that names a territory too: "le Département", "les communes" are no
body when counted or after "sur", "dans", "en": "sur le Département", "dans 40 communes"),
`"named": true` (takes the capitalised name that follows: "communauté de communes Creuse Grand Sud").
"""

from __future__ import annotations

from functools import cache
from pydantic import BaseModel, TypeAdapter, ValidationError

from plan_extract.lexicon import OrgPattern
from plan_extract.resources import DataFileError, load_jsonl, load_toml


class _Roles(BaseModel):
    words: list[str]
    complements: list[str]


class _Words(BaseModel):
    words: list[str]


class _Bylines(BaseModel):
    words: list[str]
    credits: list[str]


class _Heads(BaseModel):
    words: list[str]
    named: list[str]


class _Facilities(BaseModel):
    words: list[str]
    works: list[str]
    at: list[str]


class _Territory(BaseModel):
    town_cases: list[str]
    locatives: list[str]
    acting_cases: list[str]
    beneficiary_cases: list[str]


class _Services(BaseModel):
    heads: list[str]


class ActorLexicon(BaseModel):
    roles: _Roles
    civilities: _Words
    not_names: _Words
    seats_of_power: _Words
    targets: _Words
    org_heads: _Heads
    not_bodies: _Words
    successive: _Words
    eponym_heads: _Words
    facilities: _Facilities
    determiners: _Words
    role_links: _Words
    bylines: _Bylines
    committees: _Words
    name_joiners: _Words
    territory: _Territory
    feminine_endings: dict[str, str]
    services: _Services


LEXICON = load_toml(__package__, "lexicon.toml", ActorLexicon)


@cache
def org_patterns() -> tuple[OrgPattern, ...]:
    """The rows of `patterns.jsonl`, validated."""
    rows = load_jsonl(__package__, "patterns.jsonl")
    try:
        return tuple(TypeAdapter(list[OrgPattern]).validate_python(rows))
    except ValidationError as exc:
        raise DataFileError(f"{__package__}/patterns.jsonl: {exc}") from exc


@cache
def org_words() -> frozenset[str]:
    """Lower-case forms of every public body of the lexicon ("parquet", "ars", "agence régionale de
    santé"), for other dimensions that must not take them for something else.

    >>> "parquet" in org_words()
    True
    """
    return frozenset(row.pattern.lower() for row in org_patterns())


@cache
def canonical_names() -> dict[str, str]:
    """The first full (non-acronym, non-member) form of each body: its name when the text only
    gives an acronym or a member noun ("gendarmes")."""
    names: dict[str, str] = {}
    for row in org_patterns():
        if not row.acronym and not row.member:
            names.setdefault(row.id, row.pattern)
    return names


@cache
def known_acronyms() -> dict[str, str]:
    """Acronym of each body, as written in the lexicon ("ars" -> "ARS", "anah" -> "Anah")."""
    acronyms: dict[str, str] = {}
    for row in org_patterns():
        if row.acronym:
            acronyms.setdefault(row.id, row.pattern)
    return acronyms

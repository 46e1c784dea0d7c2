"""The offline table of French places (INSEE COG), loaded lazily once, with fast name lookups.

`places.tsv.gz` (built by `scripts/build_places.py`, see PLACES.md) lists régions, départements
and communes with their codes and populations. The table is indexed by the first word of each
name, so that finding places in a text costs one dictionary lookup per capitalised token instead
of a scan of 35 000 names.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib.resources import files
from itertools import islice
from typing import NamedTuple

from plan_extract.grammar import LINK_ARTICLES

# A word of a place name: letters and digits, apostrophes and hyphens split words.
_WORD = re.compile(r"[^\W_]+")
# Articles that start many commune names ("Le Mans", "La Riche", "L'Aigle"): the index key then
# takes the next word too, so that "Le" does not bring back a thousand candidates. They are the
# articles of `grammar.toml` as `_WORD` cuts them ("l'" and "l’" are "l").
_ARTICLES = frozenset(article.rstrip("'’") for article in LINK_ARTICLES)
# Keys with more names than this are looked up by the token ends after a position (`find`).
CROWDED = 16


@dataclass(frozen=True)
class Place:
    """One row of the table (or of the lexicon, for countries and other named areas)."""

    type: str  # commune, département, region, country, other
    name: str
    code: str | None = None
    dep: str | None = None
    reg: str | None = None
    population: int = 0


class Hit(NamedTuple):
    """A place name found in a text: its characters and the places of that name.

    `article` is set when the name was found without its leading article, which must then be
    replaced by a contraction in the text ("au Mans" for "Le Mans").
    """

    start: int
    end: int
    places: tuple[Place, ...]
    article: str | None = None


def index_key(text: str) -> str | None:
    """The lookup key of a name or of a text position: its first word, two when it is an article.

    >>> index_key("Le Mans, 12 mars"), index_key("Alençon")
    ('le mans', 'alençon')
    """
    words = [m.group() for m in islice(_WORD.finditer(text, 0, 80), 2)]
    if not words:
        return None
    if words[0].lower() in _ARTICLES and len(words) > 1:
        return f"{words[0]} {words[1]}".lower()
    return words[0].lower()


_UNACCENTED_CAPITALS = str.maketrans("ÉÈÊÎÔ", "EEEIO")


def written_variants(name: str, region: bool = False) -> set[str]:
    """Other ways texts write a name: capitals without accents, and for a region spaced
    hyphens between its parts.

    >>> sorted(written_variants("Bourgogne-Franche-Comté", region=True))
    ['Bourgogne - Franche - Comté', 'Bourgogne - Franche-Comté', 'Bourgogne-Franche - Comté']
    """
    variants = {name.translate(_UNACCENTED_CAPITALS)}
    if region and "-" in name:
        parts = name.split("-")
        for mask in range(1, 2 ** (len(parts) - 1)):
            joined = parts[0]
            for i, part in enumerate(parts[1:]):
                joined += (" - " if mask >> i & 1 else "-") + part
            variants.add(joined)
    variants.discard(name)
    return variants


class PlaceTable:
    """Places by name, with an index for finding names in running text.

    >>> table = PlaceTable([Place("commune", "Alençon", "61001", "61", "28", 25_000)])
    >>> [h.places[0].code for h in table.find("Réunion à Alençon.", [0, 8, 10, 17])]
    ['61001']
    """

    def __init__(self, places: list[Place]) -> None:
        self.by_name: dict[str, list[Place]] = {}
        for place in places:
            self.by_name.setdefault(place.name, []).append(place)
        # The apostrophe of "Provence-Alpes-Côte d'Azur" is typographic in most press texts.
        for name in [n for n in self.by_name if "'" in n]:
            self.by_name[name.replace("'", "’")] = self.by_name[name]
        # Capitals lose their accents in many texts ("Saint-Etienne", "Ile-de-France"), and
        # regions made of two are written with spaced hyphens ("Bourgogne - Franche-Comté").
        for name in list(self.by_name):
            for variant in written_variants(name, any(p.type == "region" for p in self.by_name[name])):
                self.by_name.setdefault(variant, self.by_name[name])
        # Aliases without the article ("Mans" for "Le Mans"), valid after a contraction only: the
        # articles of the lexicon's [contractions] ("au Mans", "des Mureaux").
        from plan_extract.dims.location.rules import LEXICON  # rules.py imports this module

        contracted = {article.capitalize() for article in LEXICON.contractions}
        self.aliases: dict[str, tuple[str, str]] = {}
        for name in self.by_name:
            article, _, rest = name.partition(" ")
            if article in contracted and rest and rest not in self.by_name:
                self.aliases[rest] = (name, article.lower())
        self.index: dict[str, list[str]] = {}
        for name in [*self.by_name, *self.aliases]:
            key = index_key(name)
            if key:
                self.index.setdefault(key, []).append(name)
        for names in self.index.values():
            names.sort(key=len, reverse=True)  # longest name first: "Saint-Denis-de-Pile" before "Saint-Denis"
        # The keys of many names ("saint" has thousands): `find` tries the token ends instead.
        self.crowded: dict[str, frozenset[str]] = {
            key: frozenset(names) for key, names in self.index.items() if len(names) > CROWDED}

    def find(self, text: str, starts: list[int], ends: set[int] | None = None) -> Iterator[Hit]:
        """Names starting at one of `starts` (token offsets) and, when `ends` is given, ending at
        one of them; the longest name wins at each start. Case-sensitive: places are proper nouns.
        """
        index, match, search = self.index, _WORD.match, _WORD.search
        ordered: list[int] | None = None  # `ends` in order, when a crowded key needs them
        for start in starts:
            # `index_key` of the text at `start`, without slicing it when a word starts there
            # and is no article (the common case): its first word in lower case.
            word = match(text, start, start + 80)
            if word is None:
                key = index_key(text[start:start + 80])
            else:
                key = word.group().lower()
                if key in _ARTICLES:  # "Le Mans": the next word too
                    second = search(text, word.end(), start + 80)
                    if second is not None:
                        key = f"{key} {second.group().lower()}"
            names = index.get(key or "")
            if not names:
                continue
            if ends is not None and key in self.crowded:
                # The text from `start` to each token end, longest first, that is a name of the key.
                if ordered is None:
                    ordered = sorted(ends)
                known = self.crowded[key]
                k = bisect_right(ordered, start + len(names[0])) - 1
                while k >= 0 and ordered[k] > start:
                    end = ordered[k]
                    k -= 1
                    name = text[start:end]
                    if name in known and not (end < len(text) and (text[end].isalnum() or text[end] == "_")):
                        yield self._hit(start, end, name)
                        break
                continue
            for name in names:
                end = start + len(name)
                if not text.startswith(name, start):
                    continue
                if ends is not None and end not in ends:
                    continue
                # Without token ends, a hyphen goes on the name ("Saint" in "Saint-Denis"); with
                # them, the tokenizer has split "Tarbes-Lourdes" into two names.
                if end < len(text) and (text[end].isalnum() or text[end] == "_" or ends is None and text[end] == "-"):
                    continue
                yield self._hit(start, end, name)
                break

    def _hit(self, start: int, end: int, name: str) -> Hit:
        if name in self.aliases:
            canonical, article = self.aliases[name]
            return Hit(start, end, tuple(self.by_name[canonical]), article)
        return Hit(start, end, tuple(self.by_name[name]))

    def communes_in_capitals(self, text: str) -> list[Place]:
        """The communes a name written in capitals may be: "BEAUSSAIS VITRE" is "Beaussais-Vitré"
        (accents, hyphens and apostrophes are not told apart in capitals).

        >>> table = PlaceTable([Place("commune", "Beaussais-Vitré", "79030", "79", "75", 900)])
        >>> [p.code for p in table.communes_in_capitals("BEAUSSAIS VITRE")]
        ['79030']
        """
        return self._capitals.get(shout(text), [])

    @cached_property
    def _capitals(self) -> dict[str, list[Place]]:
        """Communes by their name in capitals, worked out once per table (and freed with it)."""
        found: dict[str, list[Place]] = {}
        for name, places in self.by_name.items():
            communes = [p for p in places if p.type == "commune" and p.code]
            if communes:
                bucket = found.setdefault(shout(name), [])
                bucket.extend(p for p in communes if p not in bucket)
        return found

    def departement(self, code: str) -> Place | None:
        """The département with INSEE code `code` ("61", "2A", "971")."""
        return self._departements.get(code)

    @cached_property
    def _departements(self) -> dict[str, Place]:
        """Départements by code, worked out once per table (and freed with it)."""
        return {p.code: p for places in self.by_name.values() for p in places
                if p.type == "département" and p.code}


_NOT_LETTERS = re.compile(r"[-'’\s]+")


def shout(name: str) -> str:
    """A name as written in capitals without accents, its hyphens and apostrophes as spaces.

    >>> shout("L'Île-d'Yeu")
    'L ILE D YEU'
    """
    plain = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return _NOT_LETTERS.sub(" ", plain.upper()).strip()


@cache
def _rows() -> tuple[Place, ...]:
    """The rows of the COG table, read once per process (a user lexicon's table reuses them)."""
    raw = files(__package__).joinpath("places.tsv.gz").read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    rows = []
    for line in lines[1:]:
        kind, name, code, dep, reg, population = line.split("\t")
        rows.append(Place(kind, name, code or None, dep or None, reg or None, int(population or 0)))
    return tuple(rows)


# How many tables are kept: the package's, and one for each of the last user lexicons with places
# (as many as `pipeline.get_nlp` keeps pipelines). A table is about 36 000 places and their index.
TABLES_KEPT = 4


@lru_cache(maxsize=TABLES_KEPT)
def load_places(extra: tuple[Place, ...] = ()) -> PlaceTable:
    """The COG table plus `extra` places (countries, historic regions, a user lexicon's places);
    the last `TABLES_KEPT` tables asked for are kept, so the same `extra` gives the same table.

    >>> load_places.cache_info().maxsize == TABLES_KEPT
    True
    """
    return PlaceTable([*_rows(), *extra])

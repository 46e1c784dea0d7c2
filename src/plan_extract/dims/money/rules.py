"""Money rules: a number, an optional scale, a currency."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from spacy.tokens import Span

from plan_extract.dims.numeral import NUMBER, SPACE, numeral_in, numeral_value
from plan_extract import grammar
from plan_extract.dims.numeral.parse import normalise
from plan_extract.resources import load_toml
from plan_extract.rules import Rule, Value, phrase_elements
from plan_extract.spans import token_attrs


class _Words(BaseModel):
    words: list[str]


class _Per(BaseModel):
    words: list[str]
    adjectives: dict[str, str]


class _Subunit(BaseModel):
    words: list[str]
    before_currency: list[str]


class MoneyLexicon(BaseModel):
    currency: dict[str, _Words]
    subunit: _Subunit
    scale: dict[str, int]
    ambiguous: _Words
    per: _Per
    over: _Words


LEXICON = load_toml(__package__, "lexicon.toml", MoneyLexicon)
CURRENCY_OF = {word: code for code, entry in LEXICON.currency.items() for word in entry.words}
# A lone "e" is a letter, not a euro sign; it only counts glued to a scale ("1,2 Me").
CURRENCY_WORDS = [w for w in CURRENCY_OF if w not in LEXICON.ambiguous.words and " " not in w]
MULTI_CURRENCIES = [w for w in CURRENCY_OF if " " in w]
# Currencies written as words ("euro", "dollar canadien", "yen"), not as a symbol or a code.
NAMED_CURRENCIES = [w for w in CURRENCY_OF if w.replace(" ", "").isalpha() and len(w) >= 3 and w.upper() != CURRENCY_OF[w]]
# ISO codes and symbols written before the amount: "EUR 20", "GBP 3,01", "usd$ 15", "€ 20".
CODES_BEFORE = [w for w in CURRENCY_OF if " " not in w and (not w.isalpha() or len(w) == 3 and w.upper() == CURRENCY_OF[w])]
SCALE_WORDS = list(LEXICON.scale)
# "M€", "Md€", "k€", "MEUR", "Mde": a scale glued to a symbol, an ISO code or "e" is one token.
GLUABLE = [c for c in CURRENCY_OF if " " not in c and (not c.isalpha() or len(c) == 3 or c in LEXICON.ambiguous.words)]
GLUED = {s + c: (LEXICON.scale[s], CURRENCY_OF[c]) for s in SCALE_WORDS for c in GLUABLE}
PER_WORDS = LEXICON.per.words

CURRENCY = {"LOWER": {"IN": CURRENCY_WORDS}}
DE = {"LOWER": {"IN": sorted(grammar.DE)}}


def _amount(span: Span) -> Decimal | None:
    numeral = numeral_in(span)
    return Decimal(numeral_value(numeral)["value"]) if numeral is not None else None


def _value(amount: Decimal, currency: str) -> Value:
    return {"value": normalise(amount), "currency": currency}


def number_currency(span: Span) -> Value | None:
    amount = _amount(span)
    return _value(amount, CURRENCY_OF[token_attrs(span.doc).lower[span.end - 1]]) if amount is not None else None


def number_multiword_currency(span: Span) -> Value | None:
    amount = _amount(span)
    if amount is None:
        return None
    for form in MULTI_CURRENCIES:
        words = form.split()
        # Token by token: "$CAD" is written without the space of the form "$ cad".
        if [t.lower_ for t in span[-len(words):]] == words:
            return _value(amount, CURRENCY_OF[form])
    return None


def number_scale_currency(span: Span) -> Value | None:
    amount = _amount(span)
    if amount is None:
        return None
    scale = next(t.lower_ for t in reversed(span[:-1]) if t.lower_ in LEXICON.scale)
    return _value(amount * LEXICON.scale[scale], CURRENCY_OF[span[-1].lower_])


def number_glued(span: Span) -> Value | None:
    amount = _amount(span)
    if amount is None:
        return None
    scale, currency = GLUED[token_attrs(span.doc).lower[span.end - 1]]
    return _value(amount * scale, currency)


def number_subunit(span: Span) -> Value | None:
    """ "20 centimes d'euro": a hundredth of the currency after it."""
    amount = _amount(span)
    return _value(amount / 100, CURRENCY_OF[span[-1].lower_]) if amount is not None else None


def currency_number(span: Span) -> Value | None:
    amount = _amount(span)
    return _value(amount, CURRENCY_OF[token_attrs(span.doc).lower[span.start]]) if amount is not None else None


RULES = [
    Rule("<number> <scale> <currency>", [NUMBER, SPACE, {"LOWER": {"IN": SCALE_WORDS}}, SPACE, CURRENCY], number_scale_currency),
    Rule("<number> <scale+currency>", [NUMBER, SPACE, {"LOWER": {"IN": list(GLUED)}}], number_glued),
    # "3 Mds d'euros", "1,2 Md de dollars": an abbreviated scale before "de" (not "k" nor "m",
    # which are also units: "3 m de dénivelé").
    Rule("<number> <scale> de <currency>", [NUMBER, SPACE, {"LOWER": {"IN": [w for w in SCALE_WORDS if len(w) > 1]}},
                                          {"ORTH": ".", "OP": "?"}, SPACE, DE, CURRENCY], number_scale_currency),
    Rule("<number> de <currency>", [NUMBER, DE, CURRENCY], number_currency),
    Rule("<number> <currency>", [NUMBER, SPACE, CURRENCY], number_currency),
    # Currencies of several words ("francs CFP"), one rule per number of words.
    *[
        Rule(f"<number> <currency of {n} words>", [NUMBER, *words], number_multiword_currency)
        for n, words in phrase_elements(MULTI_CURRENCIES).items()
    ],
    *[
        Rule(f"<number> de <currency of {n} words>", [NUMBER, DE, *words], number_multiword_currency)
        for n, words in phrase_elements(MULTI_CURRENCIES).items()
    ],
    Rule("<number> <subunit> de <currency>", [NUMBER, SPACE, {"LOWER": {"IN": LEXICON.subunit.before_currency}}, DE,
                                              {"LOWER": {"IN": NAMED_CURRENCIES}}], number_subunit),
    Rule("<currency code> <number>", [{"LOWER": {"IN": CODES_BEFORE}}, SPACE, NUMBER], currency_number),
]

"""Quantity rules: a number followed by a unit of measure or by the noun it counts."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from spacy.tokens import Doc, Span, Token

from plan_extract import grammar
from plan_extract.dims.date.context import is_age
from plan_extract.dims.numeral import NUMBER, SPACE, numeral_in, numeral_value
from plan_extract.dims.numeral.parse import LEXICON as NUMERAL_LEXICON
from plan_extract.dims.numeral.parse import normalise
from plan_extract.resources import load_toml
from plan_extract.rules import Rule, Value, mark_of, phrase_elements
from plan_extract.spans import features, span_text, token_attrs


class _Unit(BaseModel):
    words: list[str]
    base: str | None = None
    factor: float | None = None


class _Words(BaseModel):
    words: list[str]


class _Change(BaseModel):
    increase: list[str]
    decrease: list[str]


class _Rate(BaseModel):
    words: list[str]
    min_base: int


class _Bare(BaseModel):
    not_after: list[str]
    both_after: list[str]
    both_before: list[str]
    partitive: list[str]
    more: list[str]
    less: list[str]
    list_joiners: list[str]
    joined: list[str]


class _Age(BaseModel):
    units: dict[str, str]
    counted: str


class QuantityLexicon(BaseModel):
    unit: dict[str, _Unit]
    not_counted: _Words
    ambiguous_units: _Words
    identifier_before: _Words
    elliptical_before: _Words
    change: _Change
    rate: _Rate
    bare: _Bare
    slogan_numbers: _Words
    age: _Age
    case_sensitive_units: _Words
    fraction_compound: _Words


LEXICON = load_toml(__package__, "lexicon.toml", QuantityLexicon)
UNIT_OF = {form.lower(): code for code, unit in LEXICON.unit.items() for form in unit.words}
# One-letter units written in another case are something else: "5G" is no gram, "L" is a litre.
CASE_SENSITIVE = set(LEXICON.case_sensitive_units.words)
WRITTEN_UNITS = {form for unit in LEXICON.unit.values() for form in unit.words}
SINGLE_UNITS = [form for form in UNIT_OF if " " not in form]
MULTI_UNITS = [form for form in UNIT_OF if " " in form]
AMBIGUOUS_UNITS = set(LEXICON.ambiguous_units.words)
NOT_COUNTED = set(LEXICON.not_counted.words) | (set(UNIT_OF) - AMBIGUOUS_UNITS)
IDENTIFIER_BEFORE = set(LEXICON.identifier_before.words)
CHANGE_WORDS = set(LEXICON.change.increase) | set(LEXICON.change.decrease)
BOTH_BEFORE = set(LEXICON.bare.both_before)
FRACTION_COMPOUND = set(LEXICON.fraction_compound.words)
RATIO_WORDS = set(NUMERAL_LEXICON.ratio.words)
# "un", "une", "1": one of a share's group ("un élève sur trois").
ONE = {*NUMERAL_LEXICON.articles, "1"}
HALF_WORDS = sorted(NUMERAL_LEXICON.half.words)

DE = {"LOWER": {"IN": sorted(grammar.DE)}}
ADJ = {"POS": "ADJ", "OP": "*"}
# The counted noun; spaCy sometimes tags a plural count noun after a number as a proper noun
# or an adjective at sentence start, so the head is checked again in `counted_noun`.
NOUN = {"POS": {"IN": ["NOUN", "PROPN"]}, "LOWER": {"NOT_IN": sorted(NOT_COUNTED)}}


def _number(span: Span) -> tuple[Span, Decimal] | None:
    numeral = numeral_in(span)
    if numeral is None or _identifier(numeral) or _quoted_name(numeral, span) or _slogan(numeral, span) \
            or _both(numeral) or _share_base(numeral):
        return None
    return numeral, Decimal(numeral_value(numeral)["value"])


# The helpers below read the tokens' attributes from the Doc's lists (`spans.TokenAttrs`): they
# run for every match, and a Token is built at every `doc[i]`.


def _share_base(numeral: Span) -> bool:
    """ "un élève sur trois": the base of a share, not a count of what follows it."""
    attrs = token_attrs(numeral.doc)
    i = numeral.start
    return i >= 3 and attrs.lower[i - 1] in RATIO_WORDS and attrs.pos[i - 2] in ("NOUN", "PROPN", "ADJ") \
        and attrs.lower[i - 3] in ONE


def _both(numeral: Span) -> bool:
    """ "tous deux viendront": both of them, not a count."""
    return numeral.start > 0 and token_attrs(numeral.doc).lower[numeral.start - 1] in BOTH_BEFORE \
        and numeral_value(numeral)["value"] == "2"


def _slogan(numeral: Span, span: Span) -> bool:
    """ "zéro déchet", "Zéro phyto": "zéro" before a singular noun names a goal, it counts nothing."""
    if span_text(numeral).lower() not in LEXICON.slogan_numbers.words or span.end <= numeral.end:
        return False
    return "Plur" not in features(span.doc, span.end - 1).get("Number", [])


def _identifier(numeral: Span) -> bool:
    """ "article L. 224", "ligne 2", "niveau 3": the number names something, it counts nothing."""
    return numeral.start > 0 and token_attrs(numeral.doc).lower[numeral.start - 1] in IDENTIFIER_BEFORE


def _quoted_name(numeral: Span, span: Span) -> bool:
    """ «200 brigades»: a number opening a quoted name is part of that name."""
    is_quote = token_attrs(span.doc).is_quote
    return numeral.start > 0 and is_quote[numeral.start - 1] and span.end < len(is_quote) and is_quote[span.end]


def _rate_change(span: Span, numeral: Span) -> bool:
    """A sign or a change word before the number: "+3 points", "hausse de 2 points"."""
    if span_text(numeral)[:1] in "+-−":
        return True
    before = set(token_attrs(span.doc).lemma[max(0, numeral.start - 4): numeral.start])
    return bool(before & CHANGE_WORDS)


def _complement(doc: Doc, i: int) -> str:
    """A bare noun complement of the noun `i` that names the thing: "opérations de police" ->
    " de police"."""
    attrs = token_attrs(doc)
    if i + 2 < len(doc) and attrs.lower[i + 1] == "de" and attrs.pos[i + 2] == "NOUN" and attrs.head[i + 2] == i:
        return " de " + attrs.lower[i + 2]
    return ""


def _lemma(token: Token) -> str:
    return _lemma_at(token.doc, token.i)


def _lemma_at(doc: Doc, i: int) -> str:
    """The lemma of the noun `i`."""
    attrs = token_attrs(doc)
    lower = attrs.lower[i]
    if attrs.pos[i] in ("VERB", "PRON", "ADJ") and lower.endswith(("s", "x")):
        return lower[:-1]  # a plural noun mistagged: its lemma would be a verb's ("camérer")
    lemma = attrs.lemma[i] or lower
    # The lemmatiser sometimes returns the plural for rare nouns: fall back to a plain "-s" strip.
    if lemma == lower and lemma.endswith(("s", "x")) and features(doc, i).get("Number") == ["Plur"]:
        lemma = lemma[:-1]
    return lemma


def counted_noun(noun: Token) -> str | None:
    return _counted_at(noun.doc, noun.i)


def _counted_at(doc: Doc, i: int) -> str | None:
    attrs = token_attrs(doc)
    if attrs.pos[i] == "PROPN" and attrs.is_title[i] and i > 0 and attrs.pos[i - 1] != "PUNCT":
        return None  # "61000 Alençon": a postal code before a place name
    return _lemma_at(doc, i) + _complement(doc, i)


def _measured(after: Token | None) -> str | None:
    """What a unit measures: "27 kilos de cannabis" -> "cannabis", "12 % des élèves" -> "élève"."""
    return None if after is None else _measured_at(after.doc, after.i)


def _measured_at(doc: Doc, i: int) -> str | None:
    """What a unit measures, read from token `i` on (None past the end of the Doc)."""
    if i >= len(doc):
        return None
    attrs = token_attrs(doc)
    if attrs.lower[i] in grammar.LINKS:
        j = i + 1
        while j < len(doc) and attrs.pos[j] in ("DET", "ADJ"):
            j += 1
        if j < len(doc) and attrs.pos[j] == "NOUN":
            return _lemma_at(doc, j) + _complement(doc, j)
    return None


def _base(value: Decimal, unit: str) -> Value:
    spec = LEXICON.unit[unit]
    if spec.base is None or spec.factor is None or spec.base == unit:
        return {}
    return {"base_value": normalise(value * Decimal(str(spec.factor))), "base_unit": spec.base}


def number_unit(span: Span) -> Value | None:
    found = _number(span)
    if found is None:
        return None
    numeral, value = found
    attrs = token_attrs(span.doc)
    lower = attrs.lower
    tokens = [i for i in range(numeral.end, span.end) if not attrs.is_space[i]]
    if tokens and lower[tokens[0]] in grammar.DE:
        tokens = tokens[1:]  # "1,2 million de m3"
    while len(tokens) > 1 and attrs.pos[tokens[0]] == "ADJ" and lower[tokens[0]] not in UNIT_OF:
        tokens = tokens[1:]  # "13 000 nouveaux kilomètres"
    surface = " ".join(lower[i] for i in tokens)
    unit = UNIT_OF.get(surface)
    if unit is None:
        return None
    if surface in CASE_SENSITIVE and attrs.text[tokens[0]] not in WRITTEN_UNITS:
        return None
    if surface in AMBIGUOUS_UNITS and not _rate_change(span, numeral):
        return None
    return {"value": normalise(value), "unit": unit, "counted": _measured_at(span.doc, span.end), **_base(value, unit)}


def number_noun(span: Span) -> Value | None:
    found = _number(span)
    if found is None or mark_of(span.doc, "numeral_form", span.end - 1) is not None:
        return None  # "un million": the scale word is part of the number, not what it counts
    _, value = found
    if token_attrs(span.doc).lower[span.end - 1] in AMBIGUOUS_UNITS and _rate_change(span, found[0]):
        return None  # "+3 points": a change of rate, found by `number_unit`
    counted = _counted_at(span.doc, span.end - 1)
    if counted is None:
        return None
    return {"value": normalise(value), "unit": "count", "counted": counted}


def number_participle(span: Span) -> Value | None:
    """ "onze arrêtés", "29 nouvelles caméras": a plural noun mistagged as a verb or an adjective,
    that the number modifies."""
    numeral = numeral_in(span)
    head = span[-1]
    if numeral is None or not any(t.head.i == head.i for t in numeral):
        return None
    # A plural noun mistagged as a finite verb or a pronoun still ends in -s or -x; a verb the
    # parser hung the number on does not ("deux viendront").
    if head.pos_ in ("VERB", "PRON") and "Plur" not in head.morph.get("Number") \
            and not head.lower_.endswith(("s", "x")):
        return None
    return number_noun(span)


def number_unit_and_half(span: Span) -> Value | None:
    """ "deux kilos et demi", "3 mètres et demi": half a unit more."""
    value = number_unit(span[:-2])
    if value is None:
        return None
    amount = Decimal(value["value"]) + Decimal("0.5")
    return {"value": normalise(amount), "unit": value["unit"], "counted": _measured_at(span.doc, span.end),
            **_base(amount, value["unit"])}


def half_unit(span: Span) -> Value | None:
    """ "un demi-litre" -> 0.5 l: half of the unit written after the hyphen."""
    unit = UNIT_OF.get(span[-1].lower_.partition("-")[2])
    if unit is None:
        return None
    value = Decimal("0.5")
    return {"value": normalise(value), "unit": unit, "counted": _measured_at(span.doc, span.end), **_base(value, unit)}


def number_age(span: Span) -> Value | None:
    """ "les décès avant 65 ans" -> 65 an, counted "âge": someone's age, as the date rules tell it
    from a duration ("pendant 3 ans")."""
    found = _number(span)
    if found is None:
        return None
    _, value = found
    if not is_age(span, float(value)):
        return None
    return {"value": normalise(value), "unit": LEXICON.age.units[span[-1].lower_], "counted": LEXICON.age.counted}


def fraction_noun(span: Span) -> Value | None:
    """ "deux tiers policiers", "1 sur 3 agents", "½ litres": a fraction that directly counts a plural
    noun. A share of a group ("les deux tiers des habitants", "la moitié des écoles") is no
    quantity, nor a compound noun ("deux tiers lieux", "un quart temps")."""
    numeral = numeral_in(span)
    noun = span[-1]
    if numeral is None or noun._.numeral_form is not None or numeral[0].lower_ in FRACTION_DETERMINERS \
            or noun.lower_ in FRACTION_COMPOUND:
        return None
    number = noun.morph.get("Number")
    if "Sing" in number or "Plur" not in number and not noun.lower_.endswith(("s", "x")) or noun.is_title and noun.i > 0:
        return None  # "un cinquième pays partenaire": a rank
    if noun.pos_ in ("ADJ", "X") and not (noun.is_lower and noun.lower_.endswith(("s", "x"))):
        return None  # a plural noun the tagger took for an adjective ("un cinquième policiers")
    return {"value": normalise(Decimal(numeral_value(numeral)["value"])), "unit": "count", "counted": _lemma(noun)}


def number_les_noun(span: Span) -> Value | None:
    """ "porte à 68 les effectifs": the figure a total is brought to, before its noun."""
    if span.start == 0 or span.doc[span.start - 1].lower_ != "à":
        return None
    return number_noun(span)


DE_OPT = {**DE, "OP": "?"}
# A fraction ("un quart", "3/4", "2 1/4", "un sur trois"; see dims/numeral).
FRACTION = {"_": {"numeral_form": {"IN": ["fraction"]}}, "OP": "+"}
# "la moitié des écoles", "les deux tiers des habitants": a share of a group, not a count.
FRACTION_DETERMINERS = grammar.LINK_ARTICLES

RULES = [
    Rule("<number> (de) <unit>", [NUMBER, SPACE, DE_OPT, {"LOWER": {"IN": SINGLE_UNITS}}], number_unit),
    Rule("<number> <adj>+ <unit>", [NUMBER, {"POS": "ADJ", "OP": "+"}, {"LOWER": {"IN": SINGLE_UNITS}}], number_unit),
    # Units of several words ("mètres carrés", "km / h"), one rule per number of words.
    *[
        Rule(f"<number> (de) <unit of {n} words>", [NUMBER, SPACE, DE_OPT, *words], number_unit)
        for n, words in phrase_elements(MULTI_UNITS).items()
    ],
    Rule("<number> <unit> et demi", [NUMBER, SPACE, {"LOWER": {"IN": SINGLE_UNITS}}, {"LOWER": "et"},
                                      {"LOWER": {"IN": HALF_WORDS}}], number_unit_and_half),
    Rule("<fraction> (de) <unit>", [FRACTION, SPACE, DE_OPT, {"LOWER": {"IN": SINGLE_UNITS}}], number_unit),
    Rule("<fraction> <plural noun>",
         [FRACTION, {"POS": {"IN": ["NOUN", "PROPN", "ADJ", "X"]}, "LOWER": {"NOT_IN": sorted(NOT_COUNTED)}}],
         fraction_noun),
    Rule("<number> <age unit>", [NUMBER, SPACE, {"LOWER": {"IN": sorted(LEXICON.age.units)}}], number_age),
    Rule("un demi-<unit>", [{"_": {"numeral_form": {"IN": ["half"]}}, "OP": "+"}], half_unit),
    Rule("<number> <adj>* <noun>", [NUMBER, ADJ, NOUN], number_noun),
    Rule("<number> de <adj>* <noun>", [NUMBER, DE, ADJ, NOUN], number_noun),
    Rule("à <number> les <noun>", [NUMBER, {"LOWER": "les"}, ADJ, NOUN], number_les_noun),
    Rule("<number> <adj>* <plural participle>",
         [NUMBER, ADJ, {"POS": {"IN": ["VERB", "ADJ"]}, "MORPH": {"IS_SUPERSET": ["Number=Plur"]},
                        "LOWER": {"NOT_IN": sorted(NOT_COUNTED)}}], number_participle),
    # "29 nouvelles caméras" with the noun mistagged as a verb or a pronoun.
    Rule("<number> <adj>* <mistagged noun>",
         [NUMBER, ADJ, {"POS": {"IN": ["VERB", "PRON"]}, "IS_LOWER": True, "LOWER": {"NOT_IN": sorted(NOT_COUNTED)}}],
         number_participle),
]

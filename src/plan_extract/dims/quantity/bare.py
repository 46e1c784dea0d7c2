"""Bare figures: a number that stands for a count on its own, without a noun after it.

"De 105 points, ils ne sont plus que 75", "42 étaient validés", "Cinq des six projets",
"130 de plus", "à deux ou trois", "29 tués, contre 42 en 2022" (after "contre", "dont" or "soit"
the figure takes the unit and the counted noun of the figure before it in the sentence).
A number next to a noun, a unit, a name or a colon is no bare figure: "Rapport 18", "le 3",
"12:30", "1. Agir", "tous deux", "3 ans".
"""

from __future__ import annotations

from decimal import Decimal

from spacy.tokens import Doc, Span, Token

from plan_extract.dims.numeral import numeral_ending, numeral_starting, numeral_value, numerals
from plan_extract.dims.numeral.parse import LEXICON as NUMERAL_LEXICON
from plan_extract.dims.numeral.parse import qualifier_before
from plan_extract.dims.quantity.rules import IDENTIFIER_BEFORE, LEXICON, NOT_COUNTED, UNIT_OF, _lemma
from plan_extract.grammar import COORDINATING, DE
from plan_extract.rules import Value
from plan_extract.spans import last_in_sentence_before, span_text, token_attrs

BARE_RULE = "<number> standing alone"
ELLIPTICAL_RULE = "<contre|dont|soit> <number> (unit of the figure before)"
ELLIPTICAL = set(LEXICON.elliptical_before.words)
NOT_AFTER = set(LEXICON.bare.not_after) | IDENTIFIER_BEFORE
BOTH_AFTER = set(LEXICON.bare.both_after)
PARTITIVE = set(LEXICON.bare.partitive)
MORE, LESS = set(LEXICON.bare.more), set(LEXICON.bare.less)
ALTERNATIVES = set(NUMERAL_LEXICON.range.alternatives)
RATIO_WORDS = set(NUMERAL_LEXICON.ratio.words)
# What joins the figures of a list or a range: "10, 12 ou 15", "deux et trois", "de 15 à 19".
LIST_JOINERS = (set(LEXICON.bare.list_joiners) | COORDINATING | set(NUMERAL_LEXICON.range.joiners)
                | ALTERNATIVES)
ARTICLES = set(NUMERAL_LEXICON.articles)
# Tokens next to a number that make it a time, a ratio, a score, a rank or part of a code.
JOINED_BEFORE = set(LEXICON.bare.joined)
JOINED_AFTER = JOINED_BEFORE | {":"}


def bare_figures(doc: Doc, found: list[Span], blocked: list[Span], text: str) -> list[Span]:
    """Bare figures of `doc` outside the spans `found` by the rules and the `blocked` ones."""
    taken = {i for s in (*found, *blocked) for i in range(s.start, s.end)}
    spans: list[Span] = []
    figures = [n for n in numerals(doc) if _exact_or_singular(n) and not any(i in taken for i in range(n.start, n.end))]
    joined_to_previous = set()
    lower = token_attrs(doc).lower
    for k, numeral in enumerate(figures):
        if numeral.start in joined_to_previous or not stands_alone(numeral):
            continue
        value: Value = {"value": numeral_value(numeral)["value"], "unit": "count", "counted": None}
        rule = BARE_RULE
        if numeral.start > 0 and lower[numeral.start - 1] in ELLIPTICAL:
            model = last_in_sentence_before(found, numeral, gap=1)
            if model is not None:
                rule = ELLIPTICAL_RULE
                value.update({k: v for k, v in model._.quantity.items()
                              if k in ("unit", "counted", "per", "per_value")})
        if value["unit"] == "count" and Decimal(value["value"]) != Decimal(value["value"]).to_integral_value():
            continue  # "une note de 2,5": a decimal counts nothing unless a figure before gives its unit
        end = numeral.end
        after = lower[end: end + 2]
        following = figures[k + 1] if k + 1 < len(figures) else None
        if len(after) == 2 and after[0] in DE and after[1] in MORE | LESS:
            value["change"] = "increase" if after[1] in MORE else "decrease"  # "130 de plus"
            end += 2
        elif len(after) >= 1 and after[0] in ALTERNATIVES and following is not None \
                and following.start == end + 1 and stands_alone(following):
            # "deux ou trois": about two, at most three.
            value.update(min=value["value"], max=numeral_value(following)["value"], approx="approx")
            end = following.end
            joined_to_previous.add(following.start)
        if value["counted"] is None:
            value["counted"] = _partitive(doc, end)
        qualifier = qualifier_before(text, numeral.start_char)
        if qualifier:
            value["approx"] = qualifier[0]
        span = Span(doc, numeral.start, end, span_id=rule)
        span._.quantity = {k: v for k, v in value.items() if v is not None}
        spans.append(span)
    return spans


def stands_alone(numeral: Span) -> bool:
    """Whether a number with no noun after it stands for a count ("ils ne sont plus que 75")."""
    doc = numeral.doc
    if any(c in span_text(numeral) for c in ":/") or _year(numeral) or _names_something(numeral):
        return False
    if Decimal(numeral_value(numeral)["value"]) == 0:
        return False  # "0000", "zéro": nothing is counted
    a = numeral.end  # the token after
    if a >= len(doc):
        return True
    attrs = token_attrs(doc)
    lower = attrs.lower[a]
    if lower in NOT_COUNTED or lower in UNIT_OF or lower in JOINED_AFTER or attrs.is_quote[a]:
        return False
    if (attrs.pos[a] in ("NOUN", "PROPN", "NUM") or attrs.is_title[a]) and attrs.is_alpha[a] or attrs.like_num[a]:
        return False  # a noun the rules did not count ("3 ans"), a name ("38000 Grenoble")
    if attrs.text[a] in (".", ")") and _line_start(numeral):
        return False  # "1. Agir pour la justice sociale": an item of a list
    partner = numeral_starting(doc, numeral.end + 1) if lower in LIST_JOINERS else None
    if partner is not None and partner.end < len(doc):
        following = attrs.lower[partner.end]
        if following in NOT_COUNTED or following in UNIT_OF:
            return False  # "de 15 à 19 heures": the first end of a range of something else
    return True


def _names_something(numeral: Span) -> bool:
    """The word before makes the number a name, a day, a rank or a pronoun: "Rapport 18", "le 3",
    "tous deux", "Crit'Air 0, 1 ou 2" (the whole list after the name)."""
    doc = numeral.doc
    b = numeral.start - 1  # the token before
    attrs = token_attrs(doc)
    if b < 0 or attrs.is_space[b]:
        return False
    lower = attrs.lower[b]
    if lower in NOT_AFTER or lower in JOINED_BEFORE or attrs.is_quote[b]:
        return True
    if lower in BOTH_AFTER and numeral_value(numeral)["value"] == "2":
        return True  # "tous deux", "les deux": both of them
    if attrs.pos[b] in ("NOUN", "PROPN", "ADJ", "NUM") and attrs.is_alpha[b] and lower not in ELLIPTICAL:
        return True  # "Rapport 18", "Avélo 2": a number naming something
    if attrs.text[b] == "(" and numeral.end < len(doc) and attrs.text[numeral.end] == ")":
        return True  # "(2)": a note
    if lower in RATIO_WORDS and numeral.start > 1 and attrs.pos[numeral.start - 2] in ("NOUN", "PROPN", "PRON", "NUM", "ADJ"):
        return True  # "un jeune sur trois": the base of a share
    if lower in LIST_JOINERS and numeral.start > 1:
        previous = numeral_ending(doc, numeral.start - 1)
        return previous is not None and not _year(previous) and _names_something(previous)
    return False


def _exact_or_singular(numeral: Span) -> bool:
    """Exact numbers, and approximations with a singular article ("une trentaine"); "des
    centaines" alone is too vague to count."""
    form = numeral_value(numeral)["form"]
    return form in ("digits", "words") or form == "approx" and token_attrs(numeral.doc).lower[numeral.start] in ARTICLES


def _year(numeral: Span) -> bool:
    """ "2023" written alone: a year the dates did not take ("budget primitif 2023")."""
    text = span_text(numeral)
    return len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2100


def _line_start(numeral: Span) -> bool:
    attrs = token_attrs(numeral.doc)
    return numeral.start == 0 or "\n" in attrs.text[numeral.start - 1] or attrs.is_space[numeral.start - 1]


def _partitive(doc: Doc, end: int) -> str | None:
    """ "cinq des six projets" -> "projet": the noun a part is taken from."""
    if end >= len(doc) or doc[end].lower_ not in PARTITIVE:
        return None
    j = end + 1
    while j < len(doc) and (doc[j].pos_ in ("DET", "ADJ", "NUM") or doc[j]._.numeral_form is not None):
        j += 1
    noun: Token | None = doc[j] if j < len(doc) else None
    if noun is None or noun.pos_ != "NOUN":
        return None
    return _lemma(noun)


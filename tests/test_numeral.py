"""Numbers are looked for only where one can start: the same numbers as a scan of every position;
fractions, ratios, powers of ten and decimals in words are read to their value."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_extract.dims.numeral import parse

PIECES = sorted({*parse.LEXICON.words, *parse.LEXICON.articles, *parse.LEXICON.scale, *parse.LEXICON.approx,
                 *parse.LEXICON.fraction, *list(parse.LEXICON.ordinal)[:20], *parse.LEXICON.approx_determiners.words,
                 "la", "les", "de", "et", "quelques", "XXIe", "IIe", "Le", "2e", "1er", "12e-1", "258", "000",
                 "7,4", "1.100", "2023-123", "05 33 00 00 00", "L.", "n°3", "M€", "%", "(", ")", "’", "'",
                 "cinquième", "centièmes", "vingt-cinquième", "unième", "demi", "sur", "virgule", "3/4", "12/5",
                 "½", "⅔", "4e3", "1,5e+2", "mandat", "des", "-"})
JOINS = [" ", "\u00a0", "\u202f", "-", "‑", ", ", ".", "'", "’", "", "\n", " et "]


def _full_scan(text: str) -> list[parse.Numeral]:
    saved = parse._finditer
    parse._finditer = lambda pattern, text, starts: list(pattern.finditer(text))
    try:
        return parse.find_numerals(text)
    finally:
        parse._finditer = saved


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(JOINS)), max_size=12))
def test_candidate_scan_equals_full_scan(parts: list[tuple[str, str]]) -> None:
    text = "".join(piece + join for piece, join in parts)
    assert parse.find_numerals(text) == _full_scan(text)


@pytest.mark.parametrize("text", ["-12e-1", "%-IIe ", "+3 %", "le XXIe siècle", "deux cent cinquante-huit mille", "au 0 800 123 456, 3 fois"])
def test_candidate_scan_on_edge_cases(text: str) -> None:
    assert parse.find_numerals(text) == _full_scan(text)
    assert parse.find_numerals(text)


@pytest.mark.parametrize(("text", "value"), [
    ("un septième", "0.142857142857143"),
    ("Les cinq huitièmes", "0.625"),
    ("neuf dixièmes", "0.9"),
    ("un trentième", "0.0333333333333333"),
    ("deux et trois quarts", "2.75"),
    ("une et demie", "1.5"),
    ("quarante et un centièmes", "0.41"),
    ("quarante et un centième", "40.01"),
    ("un sur quarante", "0.025"),
    ("une sur deux", "0.5"),
    ("7/8", "0.875"),
    ("-1/4", "-0.25"),
    ("5 3/4", "5.75"),
    ("¾", "0.75"),
    ("1 ¼", "1.25"),
])
def test_fraction_values(text: str, value: str) -> None:
    (numeral,) = parse.find_numerals(text)
    assert (text[numeral.start:numeral.end], parse.normalise(numeral.value), numeral.form) == (text, value, "fraction")


@pytest.mark.parametrize(("text", "value"), [
    ("6e3", "6000"), ("-2,5e-3", "-0.0025"), ("7,1E+4", "71000"),
    ("quinze virgule cinq", "15.5"), ("mille virgule zéro zéro un", "1000.001"),
])
def test_powers_and_decimals_in_words(text: str, value: str) -> None:
    (numeral,) = parse.find_numerals(text)
    assert (numeral.start, numeral.end, parse.normalise(numeral.value)) == (0, len(text), value)


@pytest.mark.parametrize(("text", "found"), [
    # An ordinal between an article and a singular noun; a fraction before "de" or a plural noun.
    ("Elle vise un sixième titre national.", [("sixième", "6", "ordinal")]),
    ("Il reçoit un sixième du budget.", [("un sixième", "0.166666666666667", "fraction")]),
    # Improper digit fractions are not fractions; a dash is no minus between words.
    ("La salle 9/4 est fermée.", []),
    # A ratio needs one as its numerator, or nothing after it.
    ("On compte 30 sur 45 inscrits.", [("30", "30", "digits"), ("45", "45", "digits")]),
    ("On compte 30 sur 45.", [("30 sur 45", "0.666666666666667", "fraction")]),
    ("Ils ont roulé 20 sur 40 km.", [("20", "20", "digits"), ("40", "40", "digits")]),
    ("Il y travaille 300 sur trois ans.", [("300", "300", "digits"), ("trois", "3", "words")]),
])
def test_fraction_or_not(text: str, found: list[tuple[str, str, str]]) -> None:
    assert [(text[n.start:n.end], parse.normalise(n.value), n.form) for n in parse.find_numerals(text)] == found


# The places where numbers may start, as one pattern read by `finditer` defines them; `_candidates`
# finds the same places without reading every letter.
_VULGAR = parse._VULGAR
_ONE_PATTERN = re.compile(
    rf"(?<![\w,])(?P<sign>[+\-−])(?=[ \u00a0]?[\d{_VULGAR}])|(?<![\d_,])(?P<digit>\d)|(?P<vulgar>[{_VULGAR}])"
    r"|(?<!\w)(?P<word>[^\W\d_]+)"
)


def _places(text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {field: [] for field in vars(parse._candidates(""))}
    for m in _ONE_PATTERN.finditer(text):
        kinds = []
        if m.group("sign"):
            kinds = ["number", "digit_fraction"]
        elif m.group("digit"):
            kinds = ["number", "digit_fraction", "ratio", "ordinal", "approx"] + (["phone"] if m.group() == "0" else [])
        elif m.group("vulgar"):
            kinds = ["digit_fraction"]
        else:
            word = m.group("word")
            lowered = word.lower()
            first = parse._FIRST_WORDS
            kinds = [kind for kind, test in [
                ("number", lowered in first["number"]), ("ratio", lowered in first["number"]),
                ("ordinal", word[0] in "IVXLC" or lowered in first["ordinal"]),
                ("fraction", lowered in first["fraction"]), ("approx", lowered in first["approx"]),
                ("denominator", lowered in parse._DENOMINATORS or lowered.endswith(("ième", "ieme", "ièmes", "iemes"))),
            ] if test]
        for kind in kinds:
            found[kind].append(m.start())
    return found


_PIECES = [*"aeiIVXLCdtsèÈ -_,.+−/0123½¼²٣İı\u00a0\u202f'’", "deux", "Trois", "CENT", "Cinquième", "ième", "IÈMES",
           "tiers", "la", "Les", "des", "un", "vingt-et-unième", "2e", "moins ", "- ", "3,5", "ſ", "\n"]


@given(st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=40))
@settings(max_examples=300, deadline=None)
def test_candidate_places_are_those_of_one_pattern(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert vars(parse._candidates(text)) == _places(text)


def test_candidate_places_in_a_sentence() -> None:
    text = "Le 2e plan, ½ des 3 000 agents (−4) et les deux tiers, soit 0 cas sur dix-huitièmes."
    places = vars(parse._candidates(text))
    assert places == _places(text)
    assert places["phone"] == [text.index("000"), text.index("0 cas")]
    assert text.index("½") in places["digit_fraction"] and text.index("−4") in places["number"]
    assert text.index("tiers") in places["denominator"] and text.index("huitièmes") in places["denominator"]
    assert text.index("Le") in places["ordinal"] and text.index("deux") in places["number"]

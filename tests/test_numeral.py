"""Numbers are looked for only where one can start: the same numbers as a scan of every position."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_extract.dims.numeral import parse

PIECES = sorted({*parse.LEXICON.words, *parse.LEXICON.articles, *parse.LEXICON.scale, *parse.LEXICON.approx,
                 *parse.LEXICON.fraction, *list(parse.LEXICON.ordinal)[:20], *parse.LEXICON.approx_determiners.words,
                 "la", "les", "de", "et", "quelques", "XXIe", "IIe", "Le", "2e", "1er", "12e-1", "258", "000",
                 "7,4", "1.100", "2023-123", "05 33 00 00 00", "L.", "n°3", "M€", "%", "(", ")", "’", "'"})
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

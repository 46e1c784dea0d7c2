"""The French words of the time extractor live in its lexicon (`dims/date/lexicon.toml`) or, when
several dimensions share them, in `grammar.toml`; the code reads them from there."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from spacy.lang.fr.stop_words import STOP_WORDS

import plan_extract.dims.date as date_package
from plan_extract.api import make_doc
from plan_extract.dims.date import forms, ranges, relative, rules
from plan_extract.dims.date.lexicon import LEXICON
from plan_extract.grammar import DE, DU, LINKS, SINGULAR_ARTICLES

DATE_DIR = Path(date_package.__file__).parent
# The module (the package exports a function of the same name).
combine = importlib.import_module("plan_extract.dims.date.combine")


def _dates(nlp, text: str, document_date: str | None = None) -> list[tuple[str, str | None]]:
    doc = nlp(make_doc(text, document_date))
    return [(s.text, s._.date["value"]) for s in doc.spans["date"]]


def _literal_strings(node: ast.AST) -> list[str]:
    """The strings of a literal list, set, tuple or dict (keys), else none."""
    if isinstance(node, (ast.List, ast.Set, ast.Tuple)):
        items = node.elts
    elif isinstance(node, ast.Dict):
        items = [key for key in node.keys if key is not None]
    else:
        return []
    return [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]


@pytest.mark.parametrize("module", sorted(p.name for p in DATE_DIR.glob("*.py")))
def test_no_module_word_list_is_written_in_python(module: str) -> None:
    # A constant of the module that lists French grammatical words ("le", "du", "dès", "après") or
    # accented words belongs in the lexicon.
    tree = ast.parse((DATE_DIR / module).read_text(encoding="utf-8"))
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        words = [w for w in _literal_strings(node.value)
                 if w.replace("'", "").isalpha() and (w in STOP_WORDS or not w.isascii())]
        assert len(words) < 2, f"{module}:{node.lineno} lists French words in Python: {words}"


def test_shared_words_come_from_the_grammar() -> None:
    assert relative.EVENT_LINKS == LINKS
    assert LINKS <= relative.ANCHOR_LINKS
    assert set(LEXICON.anchored_day_followers.words) <= relative.ANCHOR_LINKS
    assert DE <= LINKS and DU <= LINKS
    assert {"la", "l'", "l’", "le"} == SINGULAR_ARTICLES


def test_date_word_lists_are_read_from_the_lexicon() -> None:
    # Quarters and halves are the units of those grains; the other lists are the lexicon's own.
    assert rules.QUARTERS == {"trimestre", "trimestres"}
    assert rules.HALVES == {"semestre", "semestres"}
    assert rules.DAY_DETERMINERS == {*LEXICON.day_determiners.words, *LEXICON.day_determiners.numeric}
    assert forms.DAY_ARTICLES == set(LEXICON.day_determiners.words)
    assert forms.WEEKDAY_RANKS["cinquième"] == 5 and forms.WEEKDAY_RANKS["dernière"] == -1
    assert ranges.OPENERS == LEXICON.day_range.openers
    assert relative.ARTICLES == ["un", "une"]
    assert ["jusqu'", "au"] in combine.DATE_LINKS and ["au"] in combine.BARE_LINKS


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_an_elided_article_is_taken_with_either_apostrophe(nlp, apostrophe: str) -> None:
    # The article before a noun-headed time belongs to its span, typed straight or curly.
    text = f"Les ventes ont reculé par rapport à l{apostrophe}an dernier."
    assert _dates(nlp, text, "2024-05-02") == [(f"l{apostrophe}an dernier", "2023")]
    text = f"Le chantier reprendra à l{apostrophe}automne 2025."
    assert _dates(nlp, text, "2024-05-02") == [(f"l{apostrophe}automne 2025", "2025-FA")]


@pytest.mark.parametrize(("text", "expected"), [
    # "de", "d'" and "du" read from the grammar in the patterns that used to spell them out.
    ("Les travaux auront lieu du 3 au 12 de septembre.", [("du 3 au 12 de septembre", "2024-09-03/2024-09-12")]),
    # 1 October 2024 is a Tuesday.
    ("La collecte a lieu le premier mardi d'octobre.", [("le premier mardi d'octobre", "2024-10-01")]),
    # The end of a year is its last month (see examples.toml).
    ("Le bilan sera publié à la fin de l'année.", [("fin de l'année", "2024-12")]),
    # The last week of a month is its last seven days.
    ("Le plan est prévu pour la dernière semaine d’avril 2025.",
     [("la dernière semaine d’avril 2025", "2025-04-24/2025-04-30")]),
])
def test_links_of_the_grammar_in_date_patterns(nlp, text: str, expected: list[tuple[str, str]]) -> None:
    assert _dates(nlp, text, "2024-05-02") == expected

"""French words live in the data files, each defined once: the definite articles in
`grammar.toml`, which every dimension reads (with both apostrophes, "l'" and "l’")."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path
from typing import Any

from plan_extract import grammar

SRC = Path(__file__).resolve().parent.parent / "src" / "plan_extract"
ARTICLES = {"le", "la", "les", "l'", "l’"}


def _literal_lists(path: Path) -> list[tuple[int, set[str]]]:
    """The sets, lists and tuples written in a module whose items are all strings."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)) and node.elts and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            found.append((node.lineno, {e.value for e in node.elts}))
    return found


def _word_lists(data: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], list[str]]]:
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in _word_lists(value, (*path, key))]
    if isinstance(data, list) and data and all(isinstance(x, str) for x in data):
        return [(path, data)]
    return []


def test_no_module_outside_dates_writes_the_articles() -> None:
    """The dates' own word lists move to their lexicon separately (dims/date)."""
    written = [(str(path.relative_to(SRC)), line) for path in sorted(SRC.rglob("*.py"))
               if "date" not in path.relative_to(SRC).parts
               for line, words in _literal_lists(path) if len(words & ARTICLES) >= 2]
    assert written == []


def test_articles_are_defined_once_in_the_data_files() -> None:
    lists = {(str(path.relative_to(SRC)), *key): words for path in sorted(SRC.rglob("*.toml"))
             for key, words in _word_lists(tomllib.loads(path.read_text(encoding="utf-8")))
             if len(set(words) & ARTICLES) >= 2}
    assert lists.pop(("grammar.toml", "links", "singular_articles")) == ["la", "l'", "le"]
    # Not the articles: object pronouns ("le mettre en place"), and the two articles an
    # approximate number takes before "de" ("la trentaine de", "les milliers de").
    assert set(lists) == {("dims/measure/lexicon.toml", "grammar", "clitic_objects"),
                          ("dims/numeral/lexicon.toml", "approx_determiners", "before_de")}


def test_every_reader_of_the_articles_has_both_apostrophes() -> None:
    from plan_extract.dims.actor.persons import DETERMINERS
    from plan_extract.dims.location.places import index_key
    from plan_extract.dims.location.rules import ARTICLES as PLACE_ARTICLES
    from plan_extract.dims.quantity.rules import FRACTION_DETERMINERS

    for words in (grammar.LINK_ARTICLES, DETERMINERS, PLACE_ARTICLES, FRACTION_DETERMINERS):
        assert {"l'", "l’", "la", "le", "les"} <= words
    assert PLACE_ARTICLES - grammar.LINK_ARTICLES == {"au", "aux", "du", "des"}
    assert index_key("L’Aigle, le 3 mai") == index_key("L'Aigle") == "l aigle"
    assert index_key("La Ferté-Macé") == "la ferté"


def test_places_after_either_apostrophe(nlp) -> None:  # noqa: ANN001
    found = []
    for text in ("La foire se tient à L'Aigle et dans l'Orne.", "La foire se tient à L’Aigle et dans l’Orne."):
        doc = nlp(text)
        found.append([(s.text.replace("’", "'"), s._.location["type"], s._.location["code"]) for s in doc.spans["location"]])
    assert found[0] == found[1] == [("L'Aigle", "commune", "61214"), ("Orne", "département", "61")]


def test_plural_article_is_in_grammar_toml_only() -> None:
    plural = [(str(path.relative_to(SRC)), *key) for path in sorted(SRC.rglob("*.toml"))
              for key, words in _word_lists(tomllib.loads(path.read_text(encoding="utf-8")))
              if words == ["les"]]
    assert plural == [("grammar.toml", "links", "plural_articles")]
    assert grammar.LINK_ARTICLES - grammar.SINGULAR_ARTICLES == {"les"}


def test_list_joiners_come_from_the_lexicons() -> None:
    from plan_extract.dims.quantity.bare import LIST_JOINERS

    assert LIST_JOINERS == {",", "et", "ou", "à", "-", "–"}
    assert grammar.COORDINATING == {"et", "ou"}

"""French words live in the data files, each defined once: the definite articles in
`grammar.toml`, which every dimension reads (with both apostrophes, "l'" and "l’")."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacy.glossary import GLOSSARY
from spacy.language import Language

from plan_extract import grammar
from plan_extract.grammar import OrdinaryWords
from plan_extract.models import Extraction

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


# Literals of the dimensions that name no French words though they hold some. Add one here only
# with the reason it must stay in Python, as {(module, words): reason}.
ALLOWED_WORD_LISTS: dict[tuple[str, frozenset[str]], str] = {
    ("dims/date/__init__.py", frozenset({"quarter", "second"})):
        "the ranks of the output's date grains (English tags of the `grain` field), not French words",
}
_WORDLIKE = re.compile(r"[^\W\d_]+(?:['’ -][^\W\d_]*)*")


def _tags() -> frozenset[str]:
    """Names that are tags, not words: spaCy's labels ("obj", "case", "mark") and the values
    of the output's enumerations ("commune", "département", "done")."""
    values: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            values.update(v for v in node.get("enum", []) if isinstance(v, str))
            if isinstance(node.get("const"), str):
                values.add(node["const"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(Extraction.model_json_schema())
    return frozenset(values | {label.lower() for label in GLOSSARY})


def _french(nlp: Language, accented: bool = True) -> Callable[[str], bool]:
    """A lower-case word, or phrase, of French: a stop word or a word of the lemmatizer's lists
    (or its singular), or (`accented`) any word with a French accent ("dès", "année")."""
    words, tags = OrdinaryWords(nlp).words, _tags()

    def french(text: str) -> bool:
        if text != text.lower() or text in tags or not _WORDLIKE.fullmatch(text) or len(text) < 2 and text.isascii():
            return False
        first = re.split(r"[ '’-]", text)[0] or text
        return accented and not text.isascii() or any(w in words or w[-1:] in "sx" and w[:-1] in words
                                                      for w in {text, first, text.replace("’", "'")})
    return french


def _written_lists(path: Path) -> list[tuple[int, list[str]]]:
    """The strings of each set, list, tuple or table written in a module (a dict whose values are
    all constants: its keys; a dict of computed values is a record, its keys are field names)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            items = node.keys if all(isinstance(v, ast.Constant) for v in node.values) else []
        else:
            items = node.elts if isinstance(node, (ast.Set, ast.List, ast.Tuple)) else []
        strings = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
        if len(strings) >= 2:
            found.append((node.lineno, strings))
    return found


def test_no_dimension_writes_a_french_word_list(nlp: Language) -> None:
    """Issue #13: French words live in the `lexicon.toml` files (or `grammar.toml`), each defined
    once, where a user can read and extend them; a module of `dims/` reads them from there. Two
    French words in one set, list, tuple or dict written in Python is a word list."""
    french = _french(nlp)
    written = {}
    for path in sorted((SRC / "dims").rglob("*.py")):
        module = str(path.relative_to(SRC))
        for line, strings in _written_lists(path):
            words = frozenset(s for s in strings if french(s.strip()))
            if len(words) >= 2 and (module, words) not in ALLOWED_WORD_LISTS:
                written[f"{module}:{line}"] = sorted(words)
    assert written == {}


def test_no_dimension_writes_french_words_in_a_regex(nlp: Language) -> None:
    """An alternation of French words in a regular expression ("(?:la|le|les)") is a word list
    too; alternations of endings ("(?:e|er|ème)") and of characters are not."""
    french = _french(nlp, accented=False)
    written = {}
    for path in sorted((SRC / "dims").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "|" in node.value \
                    and id(node) not in docstrings:
                for group in re.findall(r"[^()|?:\[\]\\]+(?:\|[^()|?:\[\]\\]+)+", node.value):
                    words = [w for w in group.split("|") if french(w)]
                    if len(words) >= 2:
                        written[f"{path.relative_to(SRC)}:{node.lineno}"] = words
    assert written == {}


def test_the_guard_finds_a_french_word_list(nlp: Language, tmp_path: Path) -> None:
    # What the two tests above catch, and what they let through (tags, labels, endings).
    french = _french(nlp)
    module = tmp_path / "module.py"
    module.write_text('CASES = {"sur", "dans"}\nDEPS = ("obj", "nsubj", "case")\nTYPES = ["commune", "département"]\n'
                      'ENDS = ("s", "x")\nKEYS = {"value": 1, "currency": 2}\n', encoding="utf-8")
    flagged = [sorted(s for s in strings if french(s)) for _, strings in _written_lists(module)]
    assert [words for words in flagged if len(words) >= 2] == [["dans", "sur"]]

"""Every docstring example of the package runs and gives what it shows.

Examples may use `nlp` (the full pipeline) and `get_nlp`. A module that needs an optional
dependency which is not installed is skipped with its reason.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest
from spacy.language import Language

import plan_extract
from plan_extract.pipeline import get_nlp

# `__main__` runs the command line when imported.
MODULES = sorted(m.name for m in pkgutil.walk_packages(plan_extract.__path__, "plan_extract.")
                 if not m.name.endswith("__main__"))


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:  # an optional extra that is not installed
        if exc.name and not exc.name.startswith("plan_extract"):
            pytest.skip(f"{name} needs {exc.name}, not installed")
        raise


@pytest.mark.parametrize("name", ["plan_extract", *MODULES])
def test_docstring_examples(nlp: Language, name: str) -> None:
    module = _import(name)
    tests = doctest.DocTestFinder().find(module, name, globs={**vars(module), "nlp": nlp, "get_nlp": get_nlp})
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in tests:
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


def test_the_examples_are_found() -> None:
    found = doctest.DocTestFinder().find(importlib.import_module("plan_extract.api"), "plan_extract.api")
    assert sum(len(t.examples) for t in found) >= 3

"""Load the data files that hold word lists, each checked by a small pydantic model.

A typo in a data file fails at load time with the file name and the key, never later with a
`KeyError` deep inside a rule.
"""

from __future__ import annotations

import json
import tomllib
from functools import lru_cache
from importlib.resources import files
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class DataFileError(RuntimeError):
    """A data file of the package is missing or malformed."""


@lru_cache(maxsize=64)
def read_toml(package: str, name: str) -> dict[str, Any]:
    """Parse `name` inside `package` (e.g. `read_toml("plan_extract.dims.money", "lexicon.toml")`)."""
    try:
        return tomllib.loads(files(package).joinpath(name).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"{package}/{name}: {exc}") from exc


def load_toml(package: str, name: str, model: type[M]) -> M:
    """Parse a TOML data file and validate it with `model`."""
    try:
        return model.model_validate(read_toml(package, name))
    except ValidationError as exc:
        raise DataFileError(f"{package}/{name}: {exc}") from exc


def load_jsonl(package: str, name: str) -> list[dict[str, Any]]:
    """Read a spaCy-style `patterns.jsonl` file: one JSON object a line, blank lines skipped."""
    rows = []
    text = files(package).joinpath(name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DataFileError(f"{package}/{name}:{number}: {exc}") from exc
    return rows

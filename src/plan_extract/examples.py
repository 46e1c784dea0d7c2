"""Load the example tables kept next to each dimension (`dims/<dim>/examples.toml`).

Format (described in docs/development.md): `[[example]]` rows give an expected value and texts that must each be
covered by exactly one span with exactly that value; `[[in_context]]` rows bracket the span that
must be found inside real prose; `[negative]` texts must produce nothing of the dimension.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plan_extract.resources import load_toml

DIMS = ["numeral", "quantity", "money", "date", "actor", "location", "measure"]


class _Example(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expect: dict[str, Any]
    texts: list[str] = Field(min_length=1)
    reference_date: dt.date | None = None


class _InContext(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(pattern=r"\[.+\]")
    expect: dict[str, Any] | None = None
    reference_date: dt.date | None = None


class _Negative(BaseModel):
    texts: list[str] = []


class ExamplesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference_date: dt.date | None = None
    example: list[_Example] = []
    in_context: list[_InContext] = []
    negative: _Negative = _Negative()


@dataclass(frozen=True)
class Case:
    dim: str
    kind: str  # "example", "in_context" or "negative"
    text: str
    expect: dict[str, Any] | None
    start: int
    end: int
    reference_date: dt.date | None


def load_examples(dim: str) -> list[Case]:
    """The cases of one dimension; an absent file gives no case."""
    package = f"plan_extract.dims.{dim}"
    if not files(package).joinpath("examples.toml").is_file():
        return []
    data = load_toml(package, "examples.toml", ExamplesFile)
    cases = []
    for row in data.example:
        for text in row.texts:
            cases.append(Case(dim, "example", text, row.expect, 0, len(text),
                              row.reference_date or data.reference_date))
    for row in data.in_context:
        start = row.text.index("[")
        end = row.text.index("]", start) - 1
        text = row.text[:start] + row.text[start + 1: end + 1] + row.text[end + 2:]
        cases.append(Case(dim, "in_context", text, row.expect, start, end,
                          row.reference_date or data.reference_date))
    for text in data.negative.texts:
        cases.append(Case(dim, "negative", text, None, 0, len(text), data.reference_date))
    return cases


def load_all_examples() -> list[Case]:
    return [case for dim in DIMS for case in load_examples(dim)]

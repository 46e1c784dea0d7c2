"""Gold annotations: a light form of the output schema, written by hand next to each corpus text.

No ids, offsets or rule names: each `text` is an exact substring of the document and the scorer
finds its occurrences. See corpus/README.md for the annotation guidelines.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from plan_extract.models import Qualifier


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldQuantity(_Gold):
    text: str = Field(min_length=1)
    value: Decimal
    unit: str
    counted: str | None = None
    approx: Qualifier | None = None
    min: Decimal | None = None
    max: Decimal | None = None


class GoldMoney(_Gold):
    text: str = Field(min_length=1)
    value: Decimal
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    approx: Qualifier | None = None


class GoldDate(_Gold):
    text: str = Field(min_length=1)
    type: Literal["date", "interval", "duration", "set"]
    value: str | None


class GoldActor(_Gold):
    name: str = Field(min_length=1)
    type: Literal["organization", "person"]
    acronym: str | None = None
    role: str | None = None


class GoldLocation(_Gold):
    name: str = Field(min_length=1)
    type: Literal["commune", "neighbourhood", "département", "region", "country", "other"]


class GoldMeasure(_Gold):
    text: str = Field(min_length=1)
    action: str
    actor: str | list[str] | None = None
    budget: str | None = None
    when: str | None = None

    def actors(self) -> list[str]:
        if self.actor is None:
            return []
        return [self.actor] if isinstance(self.actor, str) else list(self.actor)


class GoldFile(_Gold):
    document_date: dt.date | None
    quantities: list[GoldQuantity] = []
    money: list[GoldMoney] = []
    dates: list[GoldDate] = []
    actors: list[GoldActor] = []
    locations: list[GoldLocation] = []
    measures: list[GoldMeasure] = []

    @model_validator(mode="after")
    def _measure_actors_known(self) -> GoldFile:
        names = {a.name for a in self.actors}
        for measure in self.measures:
            for name in measure.actors():
                if name not in names:
                    raise ValueError(f"measure {measure.text[:40]!r} names actor {name!r}, absent from actors")
        return self

    def check_against(self, text: str) -> list[str]:
        """Texts of the gold that are not substrings of the document."""
        spans = [i.text for group in (self.quantities, self.money, self.dates, self.measures) for i in group]
        spans += [m.budget for m in self.measures if m.budget] + [m.when for m in self.measures if m.when]
        return [s for s in spans if s not in text]


class GoldError(ValueError):
    """A gold file that does not parse, does not validate or does not fit its text."""


def load_gold(path: Path, text: str | None = None) -> GoldFile:
    """Read and validate `path`; with `text`, also check that every span is in the text."""
    try:
        gold = GoldFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValidationError) as exc:
        raise GoldError(f"{path}: {exc}") from exc
    if text is not None:
        missing = gold.check_against(text)
        if missing:
            raise GoldError(f"{path}: not in the text: {missing[:3]}")
    return gold

"""Users' own words: a TOML file that extends the lexicons of the components.

A user file adds public bodies (with their acronyms and categories) to `plan_actor` and places to
`plan_location`, without editing files inside the installed package. It is given as
`plan-extract --lexicon FILE`, `extract(text, lexicon=FILE)`, `plan_extract.load(lexicon=FILE)`,
or as the `lexicon` setting of the two components' config. See docs/lexicon.md.

>>> from pathlib import Path
>>> from tempfile import TemporaryDirectory
>>> with TemporaryDirectory() as folder:
...     path = Path(folder) / "mine.toml"
...     _ = path.write_text('[[actor.bodies]]\\nid = "aesn"\\nlabel = "environment"\\n'
...                         'pattern = "agence de l\\'eau Seine-Normandie"\\n', encoding="utf-8")
...     [body.id for body in read_user_lexicon(str(path)).actor.bodies]
['aesn']
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from plan_extract.dims.actor.lexicon import OrgPattern


class LexiconError(ValueError):
    """A user lexicon file that cannot be read or does not follow the format (one line)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActorWords(_Strict):
    # Rows in the format of `dims/actor/patterns.jsonl`: id, pattern, label (category), and
    # optionally acronym, member, place, named.
    bodies: list[OrgPattern] = []


class PlaceEntry(_Strict):
    name: str
    type: Literal["commune", "département", "region", "country", "other"] = "other"
    code: str | None = None


class LocationWords(_Strict):
    places: list[PlaceEntry] = []


class UserLexicon(_Strict):
    actor: ActorWords = ActorWords()
    location: LocationWords = LocationWords()


@lru_cache(maxsize=16)
def read_user_lexicon(path: str) -> UserLexicon:
    """Read and check a user lexicon file; `LexiconError` says what is wrong, in one line."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"cannot read the lexicon {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"the lexicon {path} is not valid UTF-8 TOML: {exc}") from exc
    try:
        return UserLexicon.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors())
        raise LexiconError(f"the lexicon {path} does not follow the format of docs/lexicon.md: {problems}") from exc

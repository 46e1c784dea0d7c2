"""Users' own words: a TOML file that extends the lexicons of the components.

A user lexicon adds public bodies and roles (`plan_actor`), places (`plan_location`), units
(`plan_quantity`), currencies (`plan_money`) and measure triggers (`plan_measure`) to the
package's, without editing files inside the installed package. It is given as
`plan-extract --lexicon FILE`, `extract(text, lexicon=FILE)`, `plan_extract.load(lexicon=FILE)`,
the `lexicon` setting of a component's config, or `nlp.get_pipe(name).add_lexicon(FILE)`. A
saved pipeline (`nlp.to_disk`) keeps the words themselves. See docs/lexicon.md.

The entries have the formats of the package's own data files, defined here once: a body is a row
of `dims/actor/patterns.jsonl` (`OrgPattern`), a unit a `[unit.X]` table of
`dims/quantity/lexicon.toml` (`Unit`), a trigger an `[action.X]` table of
`dims/measure/lexicon.toml` (`Action`). This module imports no dimension.

>>> from pathlib import Path
>>> from tempfile import TemporaryDirectory
>>> with TemporaryDirectory() as folder:
...     path = Path(folder) / "mine.toml"
...     _ = path.write_text('[[actor.bodies]]\\nid = "aesn"\\nlabel = "environment"\\n'
...                         'pattern = "agence de l\\'eau Seine-Normandie"\\n'
...                         '[quantity.unit.boisseau]\\nwords = ["boisseau", "boisseaux"]\\n', encoding="utf-8")
...     lexicon = read_user_lexicon(str(path))
>>> [body.id for body in lexicon.actor.bodies], list(lexicon.quantity.unit)
(['aesn'], ['boisseau'])
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from abc import abstractmethod
from collections.abc import Iterable
from functools import cached_property, lru_cache, wraps
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# The categories of public bodies (`label` of a body) and of measures (`category` of an action).
ORG_CATEGORIES = ("police", "gendarmerie", "justice", "state", "health", "local_government", "housing",
                  "education", "transport", "environment", "other")
MEASURE_CATEGORIES = ("enforcement", "investigation_justice", "surveillance", "prevention", "health", "housing",
                      "staffing", "funding", "infrastructure", "other")

Words = list[str]


class LexiconError(ValueError):
    """A user lexicon file that cannot be read or does not follow the format (one line)."""


class Strict(BaseModel):
    """A table of a lexicon: an unknown key is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def _lower_words(words: Words) -> Words:
    """Words matched without regard to case, kept lower-case; an empty word is an error."""
    if any(not word.strip() for word in words):
        raise ValueError("a word is empty")
    return [" ".join(word.lower().split()) for word in words]


class OrgPattern(Strict):
    """A public body's form: a row of `dims/actor/patterns.jsonl` (a spaCy span-ruler pattern
    whose label is the body's category)."""

    label: Literal[ORG_CATEGORIES]  # type: ignore[valid-type]
    pattern: str = Field(min_length=1)
    id: str = Field(min_length=1)
    acronym: bool = False
    member: bool = False
    place: Literal["optional", "required", "territorial"] = "optional"
    named: bool = False


class Action(Strict):
    """A measure's action, keyed by the noun used in labels: the verbs and nouns that state it (a
    table `[action.X]` of `dims/measure/lexicon.toml`)."""

    verbs: Words = []
    nouns: Words = []
    category: Literal[MEASURE_CATEGORIES] | None = None  # type: ignore[valid-type]
    kind: Literal["event", "thing"] = "event"
    support: bool = False
    transitive: bool = False
    agents: Words = []


class Unit(Strict):
    """A unit of measure: its written forms, and how a value converts to the base unit of its
    kind (a table `[unit.X]` of `dims/quantity/lexicon.toml`)."""

    words: Words = Field(min_length=1)
    base: str | None = None
    factor: float | None = Field(None, gt=0)


class Currency(Strict):
    """A currency's written forms (a table `[currency.XXX]` of `dims/money/lexicon.toml`)."""

    words: Words = Field(min_length=1)

    @field_validator("words")
    @classmethod
    def _lower(cls, words: Words) -> Words:
        return _lower_words(words)


class Place(Strict):
    """A place that is not in the INSEE table."""

    name: str = Field(min_length=1)
    type: Literal["commune", "département", "region", "country", "other"] = "other"
    code: str | None = None


class ActorWords(Strict):
    bodies: list[OrgPattern] = []
    # Role words of persons ("préfet", "grand argentier"), matched with their complement.
    roles: Words = []

    @field_validator("roles")
    @classmethod
    def _lower(cls, words: Words) -> Words:
        return _lower_words(words)


class LocationWords(Strict):
    places: list[Place] = []


class QuantityWords(Strict):
    unit: dict[str, Unit] = {}

    @field_validator("unit")
    @classmethod
    def _lower_units(cls, units: dict[str, Unit]) -> dict[str, Unit]:
        return {code: unit.model_copy(update={"words": _lower_words(unit.words)}) for code, unit in units.items()}


class MoneyWords(Strict):
    # By ISO 4217 code (or a code of the same shape for a currency that has none).
    currency: dict[str, Currency] = {}

    @field_validator("currency")
    @classmethod
    def _codes(cls, currencies: dict[str, Currency]) -> dict[str, Currency]:
        bad = [code for code in currencies if not (len(code) == 3 and code.isascii() and code.isalpha() and code.isupper())]
        if bad:
            raise ValueError(f"a currency code is three capital letters (ISO 4217), not {bad[0]!r}")
        return currencies


class MeasureWords(Strict):
    action: dict[str, Action] = {}

    @model_validator(mode="after")
    def _triggers(self) -> MeasureWords:
        for key, action in self.action.items():
            if not key.strip():
                raise ValueError("an action key is empty")
            self.action[key] = action.model_copy(update={"verbs": _lower_words(action.verbs),
                                                         "nouns": _lower_words(action.nouns)})
        return self


class UserLexicon(Strict):
    """A user lexicon: one section per component."""

    actor: ActorWords = ActorWords()
    location: LocationWords = LocationWords()
    quantity: QuantityWords = QuantityWords()
    money: MoneyWords = MoneyWords()
    measure: MeasureWords = MeasureWords()

    def merged(self, other: UserLexicon) -> UserLexicon:
        """This lexicon's words and `other`'s; a unit, currency or action in both takes `other`'s."""
        return UserLexicon(
            actor=ActorWords(bodies=[*self.actor.bodies, *other.actor.bodies],
                             roles=[*self.actor.roles, *other.actor.roles]),
            location=LocationWords(places=[*self.location.places, *other.location.places]),
            quantity=QuantityWords(unit={**self.quantity.unit, **other.quantity.unit}),
            money=MoneyWords(currency={**self.money.currency, **other.money.currency}),
            measure=MeasureWords(action={**self.measure.action, **other.measure.action}))

    def is_empty(self) -> bool:
        return self == UserLexicon()

    @cached_property
    def key(self) -> str:
        """A digest of the words, worked out once per lexicon read: the key of its pipeline in
        `pipeline.get_nlp`. A lexicon is not changed once read (`merged` makes a new one)."""
        return hashlib.sha256(self.model_dump_json(exclude_defaults=True).encode("utf-8")).hexdigest()


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors())


def parse_user_lexicon(data: dict[str, Any], source: str) -> UserLexicon:
    """Check the parsed contents of a user lexicon; `source` names it in the error."""
    try:
        return UserLexicon.model_validate(data)
    except ValidationError as exc:
        raise LexiconError(f"the lexicon {source} does not follow the format of docs/lexicon.md: "
                           f"{_problems(exc)}") from exc


def read_user_lexicon(path: str) -> UserLexicon:
    """Read and check a user lexicon file; `LexiconError` says what is wrong, in one line.

    The file is read again only when it has changed (its modification time or size): the same
    file gives the same lexicon object, whose `key` is then worked out once.
    """
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise LexiconError(f"cannot read the lexicon {path}: {exc.strerror or exc}") from exc
    return _read_user_lexicon(os.path.abspath(path), stat.st_mtime_ns, stat.st_size, path)


@lru_cache(maxsize=16)
def _read_user_lexicon(resolved: str, mtime_ns: int, size: int, path: str) -> UserLexicon:
    """`read_user_lexicon` of the file at `resolved` as it was at `mtime_ns` with `size` bytes
    (`path`: as the user gave it, for the messages)."""
    try:
        data = tomllib.loads(Path(resolved).read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"cannot read the lexicon {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"the lexicon {path} is not valid UTF-8 TOML: {exc}") from exc
    return parse_user_lexicon(data, path)


LexiconLike = UserLexicon | str | Path | None


def as_user_lexicon(lexicon: LexiconLike) -> UserLexicon:
    """A user lexicon given as a file or already read (None: no words of one's own)."""
    if lexicon is None:
        return UserLexicon()
    if isinstance(lexicon, UserLexicon):
        return lexicon
    return read_user_lexicon(str(lexicon))


class WithUserLexicon:
    """A component whose words a user lexicon extends: at construction (the `lexicon` setting of
    its config, a file) or later (`add_lexicon`, as spaCy's span ruler takes `add_patterns`).

    The words themselves are saved with the pipeline (`to_disk`, `to_bytes`: a `lexicon.json`
    in the component's folder) and read back by `spacy.load`, so that a saved pipeline does not
    need the file it was built from. A component uses its section through `use_lexicon`.

    A saved pipeline's config still names the file of the `lexicon` setting, and `spacy.load`
    makes the component with that setting before it reads the saved words. So a file of the
    config that is missing when the component is made is not an error at once: the saved words
    (`from_disk`, `from_bytes`) take its place; a component that gets no words in its place
    refuses its first Doc with a `LexiconError` naming the file.
    """

    user_lexicon: UserLexicon = UserLexicon()
    nlp: Any = None  # the pipeline (a spaCy `Language`), whose tokenizer cuts the user's forms
    # The file of the config's `lexicon` setting when it was missing, until saved words replace it.
    missing_lexicon: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Each component checks, when called, that the file its config names was read or
        replaced by saved words (`check_lexicon`)."""
        super().__init_subclass__(**kwargs)
        call = cls.__call__

        @wraps(call)
        def checked(self: Any, doc: Any) -> Any:
            if self.missing_lexicon is not None:
                self.check_lexicon()
            return call(self, doc)

        cls.__call__ = checked  # type: ignore[method-assign]

    def config_lexicon(self, lexicon: LexiconLike) -> None:
        """Add the words of the `lexicon` setting of the component's config (a file, or one
        already read); a file that does not exist is kept as `missing_lexicon` (see above)."""
        if isinstance(lexicon, (str, Path)) and not Path(lexicon).exists():
            self.missing_lexicon = str(lexicon)
            return
        self.add_lexicon(lexicon)

    def check_lexicon(self) -> None:
        """Refuse to run with the file of the config missing and no saved words in its place."""
        if self.missing_lexicon is not None:
            raise LexiconError(f"cannot read the lexicon {self.missing_lexicon} named in the config of "
                               f"{type(self).__name__}: no such file (a pipeline saved with nlp.to_disk keeps "
                               f"its words and does not need it)")

    def split_form(self, form: str) -> list[str]:
        """A form of the user lexicon as the pipeline's tokenizer cuts it, lower-case:
        "écus d'or" -> ["écus", "d'", "or"]."""
        return [t.lower_ for t in self.nlp.make_doc(form) if not t.is_space]

    @abstractmethod
    def use_lexicon(self, lexicon: UserLexicon) -> None:
        """Rebuild the component's lookups with the package's words plus `lexicon`'s."""

    def add_lexicon(self, lexicon: LexiconLike) -> None:
        """Add the words of a user lexicon (a file, or one already read) to the component's."""
        added = as_user_lexicon(lexicon)
        if not added.is_empty():
            self.user_lexicon = self.user_lexicon.merged(added)
            self.use_lexicon(self.user_lexicon)

    def _set_lexicon(self, data: bytes, source: str) -> None:
        self.user_lexicon = parse_user_lexicon(json.loads(data), source)
        self.missing_lexicon = None  # the saved words stand for the file of the config
        self.use_lexicon(self.user_lexicon)

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return self.user_lexicon.model_dump_json(exclude_defaults=True).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> WithUserLexicon:
        self._set_lexicon(data, "of the saved pipeline")
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "lexicon.json").write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> WithUserLexicon:
        file = Path(path) / "lexicon.json"
        if file.exists():
            self._set_lexicon(file.read_bytes(), str(file))
        return self

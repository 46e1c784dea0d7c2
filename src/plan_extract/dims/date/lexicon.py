"""The time lexicon (`lexicon.toml`), validated once at import, and the token predicates built from it."""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language

from plan_extract.resources import load_toml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Words(_Strict):
    words: list[str]


class _Unit(_Strict):
    designator: str = Field(pattern=r"^[YMWDHS]$")
    grain: str
    time: bool = False
    factor: int = 1


class _This(_Strict):
    words: list[str]
    suffix: list[str]


class _Recurrence(_Strict):
    phrases: dict[str, str]
    each: list[str]
    every: list[str]
    per: list[str]
    times: list[str]
    adverbs: dict[str, str]
    adjectives: dict[str, str]
    slash_units: dict[str, str]


class _YearContext(_Strict):
    words: list[str]
    blockers: list[str]


Sequence = list[str]


class _Interval(_Strict):
    start: list[Sequence]
    end: list[Sequence]
    since: list[Sequence]
    by: list[Sequence]
    until: list[Sequence]
    from_: list[Sequence] = Field(alias="from")
    after: list[Sequence]
    fillers: list[Sequence]
    bare_links: list[Sequence]
    date_links: list[Sequence]
    unaccented_end: list[Sequence]


class _Sequences(_Strict):
    words: list[Sequence]


class _DocumentDate(_Strict):
    cues: list[str]
    between: list[str]
    dateline_window: int


class _Clock(_Strict):
    hour_words: list[str]
    prepositions: list[str]
    range_openers: list[str]
    range_links: list[str]
    duration_prepositions: list[str]
    named: dict[str, int]
    day_links: list[Sequence]
    day_number_links: list[str]


class _SubPeriod(_Strict):
    sizes: dict[str, int]
    ranks: dict[str, int]


class _WholePeriod(_Strict):
    words: list[str]
    determiners: list[str]


class _VagueInterval(_Strict):
    words: list[str]
    determiners: list[str]
    shifts: list[str]


class _PartOfPeriod(_Strict):
    periods: list[str]


class _NumberedPeriod(_Strict):
    nouns: dict[str, str]
    year: list[str]


class _Age(_Strict):
    introducers: list[str]
    persons: list[str]
    limits: list[str]
    limit_minimum: int
    bounds: list[str]
    groups: list[str]
    after: list[Sequence]


class _WeekdayHoliday(_Strict):
    month: int = Field(ge=1, le=12)
    weekday: int = Field(ge=1, le=7)
    n: int
    unless_pentecost: bool = False


class _DayDeterminers(_Strict):
    words: list[str]
    numeric: list[str]


class _DayAlone(_Strict):
    introducers: list[str]
    number_verbs: list[str]


class _MonthDay(_Strict):
    not_before: list[str]


class _OrdinalDay(_Strict):
    stems: dict[str, str]
    ranking_verbs: list[str]
    irregular: dict[str, int]
    followers: list[str]


class _DayInWords(_Strict):
    year_links: list[str]


class _DayRange(_Strict):
    openers: list[str]
    list_openers: list[str]
    links: list[str]
    opener_links: list[str]
    month_links: list[str]
    not_after_before_month: list[str]
    not_after: list[str]


class _RelativeShift(_Strict):
    later: list[str]
    earlier: list[str]
    before: list[str]


class DateLexicon(_Strict):
    month: dict[str, int]
    month_abbreviation: dict[str, int]
    weekday: dict[str, int]
    weekday_abbreviation: dict[str, int]
    season: dict[str, str]
    season_determiners: _Words
    named_month: dict[str, int]
    named_month_adjectives: _Words
    holiday: dict[str, tuple[int, int]]
    easter: dict[str, int]
    unit: dict[str, _Unit]
    article_units: _Words
    minute_words: _Words
    fraction_units: _Words
    half: _Words
    vague_count: _Words
    ordinal: dict[str, int]
    first_day: _Words
    part: dict[str, str]
    part_of_period: _PartOfPeriod
    numbered_period: _NumberedPeriod
    relative_day: dict[str, int]
    anchored_day: dict[str, int]
    day_part: _Words
    shift: dict[str, int]
    this: _This
    period: dict[str, str]
    decade: _Words
    recurrence: _Recurrence
    year_context: _YearContext
    interval: _Interval
    duration_prepositions: _Words
    ago: _Sequences
    ago_approx: _Words
    after_now: _Sequences
    street: _Words
    document_date: _DocumentDate
    clock: _Clock
    anaphoric_shift: _Words
    vague_time: _Words
    month_part: dict[str, tuple[int, int]]
    sub_period: _SubPeriod
    age: _Age
    whole_period: _WholePeriod
    relative_day_phrases: dict[str, int]
    name_months: _Words
    weekday_holiday: dict[str, _WeekdayHoliday]
    relative_shift: _RelativeShift
    vague_interval: _VagueInterval
    anchored_day_followers: _Words
    day_determiners: _DayDeterminers
    day_alone: _DayAlone
    month_day: _MonthDay
    ordinal_day: _OrdinalDay
    day_in_words: _DayInWords
    weekday_rank: dict[str, int]
    day_range: _DayRange


LEXICON = load_toml(__package__, "lexicon.toml", DateLexicon)

MONTHS = LEXICON.month
ANY_MONTH = {**LEXICON.month, **LEXICON.month_abbreviation}
WEEKDAYS = LEXICON.weekday
UNITS = LEXICON.unit


def lower(token_text: str) -> str:
    """Lower-case a token and read the typographic apostrophe as a straight one: "L’" -> "l'"."""
    return token_text.lower().replace("’", "'")


def fold(word: str) -> str:
    """A lower-case word without its accents: "Août" -> "aout", "troisième" -> "troisieme"."""
    return "".join(c for c in unicodedata.normalize("NFD", lower(word)) if unicodedata.category(c) != "Mn")


def norm(text: str) -> str:
    """`lower` for a whole phrase."""
    return lower(text)


def with_curly(words: list[str]) -> list[str]:
    """Both apostrophes for the Matcher's LOWER: "l'" and "l’"."""
    return sorted({w for word in words for w in (word, word.replace("'", "’"))})


def _lower_is(forms: list[str]) -> dict[str, Any]:
    """`{"LOWER": word}` for a single form, `{"LOWER": {"IN": forms}}` otherwise (the same test,
    easier to read in a pattern)."""
    return {"LOWER": forms[0]} if len(forms) == 1 else {"LOWER": {"IN": forms}}


def IN(words: Any, op: str | None = None) -> dict[str, Any]:
    """A token pattern matching one lower-case word of `words` (either apostrophe)."""
    pattern: dict[str, Any] = _lower_is(with_curly(list(words)))
    if op:
        pattern["OP"] = op
    return pattern


def phrase_pattern(nlp: Language, phrase: str) -> list[dict[str, Any]]:
    """Token patterns for a multi-word phrase of the lexicon, split by the pipeline's tokenizer."""
    return [_lower_is(sorted({t.lower_, t.lower_.replace("'", "’")})) for t in nlp.make_doc(phrase)]


# One token that is a day of month in digits, a year, or a digit-only date.
DAY = {"TEXT": {"REGEX": r"^(0?[1-9]|[12]\d|3[01])$"}}
YEAR = {"TEXT": {"REGEX": r"^(1[89]\d\d|20\d\d)$"}}
FIRST_DAY = IN(LEXICON.first_day.words)
MONTH = IN(LEXICON.month)
ANY_MONTH_TOKEN = IN(ANY_MONTH)
WEEKDAY = IN([w for w, _ in LEXICON.weekday.items() if not w.endswith("s")])
WEEKDAY_ABBR = IN(LEXICON.weekday_abbreviation)
DOT = {"ORTH": ".", "OP": "?"}
COMMA = {"ORTH": ",", "OP": "?"}
THIS = IN(LEXICON.this.words)
SHIFT = IN(LEXICON.shift)
PART = IN([p for p in LEXICON.part if p != "mi"])
SEASON = IN(LEXICON.season)
UNIT = IN(LEXICON.unit)
PERIOD = IN(LEXICON.period)
ORDINAL = IN(LEXICON.ordinal)

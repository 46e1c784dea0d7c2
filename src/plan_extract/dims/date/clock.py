"""Times of day: "à 18 heures", "vers 22h30", "12:13", "9 h 30", "à midi", "de 15 à 19 heures".

A time of day is a `Point` with `hour` and `minute` and no day yet: the extractor places it on the
day the text last named ("le mardi 18 octobre … vers 22h30"), else on the document date. A range
of times with no day in a present-tense clause is a daily recurrence ("l'arrosage est interdit de
7 h à 23 h": type "set", value "P1D", anchor "T07:00/T23:00").
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Span

from plan_extract.dims.date.context import next_token, prev_token
from plan_extract.dims.date.lexicon import IN, LEXICON, lower
from plan_extract.dims.date.resolve import Point, Time
from plan_extract.dims.numeral import SPACE
from plan_extract.rules import Rule, Value

CLOCK = LEXICON.clock
PREPOSITIONS = set(CLOCK.prepositions)
RANGE_OPENERS = set(CLOCK.range_openers)
RANGE_LINKS = set(CLOCK.range_links)
DURATION_PREPOSITIONS = set(CLOCK.duration_prepositions)
HOUR_WORDS = set(CLOCK.hour_words)

# "18h", "22h30", "8H": hours glued to their "h"; "12:13" with a colon.
GLUED_RE = re.compile(r"^([01]?\d|2[0-4])[hH]([0-5]\d)?$")
COLON_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
HOUR = {"TEXT": {"REGEX": r"^([01]?\d|2[0-4])$"}}
MINUTES = {"TEXT": {"REGEX": r"^[0-5]\d$"}, "OP": "?"}


def clock_point(hour: int, minute: int | None) -> Point | None:
    """A time of day without its day; 24 h is midnight ("24h" in "0h-24h" reads as the end of day)."""
    if not 0 <= hour <= 24 or (minute is not None and not 0 <= minute <= 59):
        return None
    if hour == 24:
        hour, minute = 0, minute or 0
    return Point("minute" if minute else "hour", hour=hour, minute=minute or 0)


def is_clock_context(span: Span) -> bool:
    """True for "à 14 heures", "vers 9 h", "de 9 h à 17 h", "entre 9 h et 12 h"; False for
    "dans un délai de 48 heures" or "pendant 2 heures"."""
    before, after = prev_token(span), next_token(span)
    word = lower(before.text) if before is not None else ""
    if word in PREPOSITIONS:
        return True
    if word in RANGE_OPENERS and after is not None and lower(after.text) in RANGE_LINKS:
        return True
    # The end of a range: "de 9 h à 17 h" seen from "17 h".
    if word in RANGE_LINKS and span.start >= 3:
        return any(lower(t.text) in RANGE_OPENERS for t in span.doc[max(0, span.start - 5):span.start - 2])
    return False


def _value(point: Point | None) -> Value | None:
    return {"time": Time("date", start=point), "clock": True} if point is not None else None


def glued_time(span: Span) -> Value | None:
    """ "22h30", "18h", "8H": a time when a clock preposition comes before it, or when minutes are
    written and no duration preposition comes before ("pendant 1h30" is a duration)."""
    m = GLUED_RE.match(span.text)
    if m is None:
        return None
    before = prev_token(span)
    word = lower(before.text) if before is not None else ""
    if not is_clock_context(span) and (m.group(2) is None or word in DURATION_PREPOSITIONS):
        return None
    return _value(clock_point(int(m.group(1)), int(m.group(2)) if m.group(2) else None))


def colon_time(span: Span) -> Value | None:
    """ "12:13", "09:51": always a time of day in prose."""
    m = COLON_RE.match(span.text)
    return _value(clock_point(int(m.group(1)), int(m.group(2)))) if m else None


def spaced_time(span: Span) -> Value | None:
    """ "18 heures", "9 h 30" after a clock preposition ("à 18 heures"); else a duration."""
    if not is_clock_context(span):
        return None
    digits = [t.text for t in span if t.text.isdigit()]
    return _value(clock_point(int(digits[0]), int(digits[1]) if len(digits) > 1 else None))


def named_time(span: Span) -> Value | None:
    """ "à midi", "vers minuit"; "midi" alone is a part of the day ("jeudi midi")."""
    before = prev_token(span)
    if before is None or lower(before.text) not in PREPOSITIONS:
        return None
    return _value(clock_point(CLOCK.named[lower(span[0].text)], None))


def time_range(span: Span) -> Value | None:
    """ "de 15 à 19 heures", "entre 9 et 12 h": the first hour takes the unit of the second."""
    digits = [t.text for t in span if t.text.isdigit()]
    first = clock_point(int(digits[0]), None)
    second = clock_point(int(digits[1]), int(digits[2]) if len(digits) > 2 else None)
    if first is None or second is None:
        return None
    return {"time": Time("interval", start=first, end=second), "clock": True}


def clock_rules(nlp: Language) -> list[Rule]:
    """The time-of-day rules."""
    hour_word = IN(CLOCK.hour_words)
    return [
        Rule("<hh>h<mm>", [{"TEXT": {"REGEX": GLUED_RE.pattern}}], glued_time),
        Rule("<hh>:<mm>", [{"TEXT": {"REGEX": COLON_RE.pattern}}], colon_time),
        Rule("<hh> heures <mm>?", [HOUR, SPACE, hour_word, MINUTES], spaced_time),
        Rule("à midi", [IN(CLOCK.named)], named_time),
        Rule("de <hh> à <hh> heures",
             [IN(CLOCK.range_openers), HOUR, IN(CLOCK.range_links), HOUR, SPACE, hour_word, MINUTES], time_range),
    ]


def clock_anchor(time: Time) -> str | None:
    """ "T07:00/T23:00": the times of a daily range, as written in a set's anchor."""
    points = [p for p in (time.start, time.end) if isinstance(p, Point) and p.hour is not None]
    if len(points) != 2:
        return None
    return "/".join(f"T{p.hour:02d}:{p.minute or 0:02d}" for p in points)

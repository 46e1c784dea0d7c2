"""What a time expression means, and its ISO 8601 value once the document date is known.

Rules produce a `Time` (a date, an interval, a duration or a set) whose points may still depend
on the document date: a missing year ("le 1er mars") or a shift ("l'an dernier"). `resolve`
turns it into the span value, at the text's own grain:

>>> resolve(Time("date", start=Point("day", None, 3, 1)), dt.date(2023, 1, 12))["value"]
'2023-03-01'
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypedDict


class DateValue(TypedDict):
    type: str
    value: str | None
    grain: str | None
    relative: bool
    anchor: str | None


# Months covered by a season (meteorological reading, enough to place it before or after a day).
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


@dataclass(frozen=True)
class Point:
    """A calendar point at a grain. A missing `year` is taken from the document date.

    `code` carries what is not a month or a day: a season ("SU"), a quarter ("Q2"), a half-year
    ("H1"), an ISO week ("W03") or a decade ("199" for the 1990s). A time of day has `hour` and
    `minute` (grain "hour" or "minute"); its day may be missing until the text gives one
    (`on_day`).
    """

    grain: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    code: str | None = None
    hour: int | None = None
    minute: int | None = None
    # A day given as the n-th weekday of its month ("premier vendredi de juillet": (1, 5); n = -1
    # for the last one): the day is known once the year is.
    weekday_rank: tuple[int, int] | None = None

    def ranked(self) -> Point:
        """The point with its day worked out from `weekday_rank` (once the year is known)."""
        if self.weekday_rank is None or self.year is None:
            return self
        d = nth_weekday(self.year, self.month, *self.weekday_rank)
        return replace(self, day=d.day, weekday_rank=None)

    @property
    def clock_only(self) -> bool:
        """A time of day that still needs its day ("à 18 heures")."""
        return self.hour is not None and self.day is None

    def on_day(self, d: dt.date) -> Point:
        """The time of day placed on day `d`."""
        return replace(self, year=d.year, month=d.month, day=d.day)

    def iso(self) -> str:
        """ISO 8601 text: "2023-01-12", "2023-01", "2023", "2023-Q2", "2024-SU", "2023-W03", "199",
        "2023-01-12T18:30"."""
        if self.hour is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}T{self.hour:02d}:{self.minute or 0:02d}"
        if self.grain == "decade":
            return f"{self.year // 10:03d}"
        if self.grain == "week":
            return f"{self.year:04d}-{self.code}"
        if self.code:
            return f"{self.year:04d}-{self.code}"
        if self.grain == "day":
            # A month's last day written as 31 before its year was known ("fin février").
            day = min(self.day, calendar.monthrange(self.year, self.month)[1])
            return f"{self.year:04d}-{self.month:02d}-{day:02d}"
        if self.grain == "month":
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def bounds(self, year: int) -> tuple[dt.date, dt.date]:
        """First and last day of the point placed in `year` (used to choose a missing year)."""
        if self.weekday_rank is not None:
            d = nth_weekday(year, self.month, *self.weekday_rank)
            return d, d
        if self.grain == "day" or self.hour is not None:
            day = min(self.day or 1, calendar.monthrange(year, self.month or 1)[1])
            d = dt.date(year, self.month or 1, day)
            return d, d
        if self.grain == "month":
            return dt.date(year, self.month, 1), dt.date(year, self.month, calendar.monthrange(year, self.month)[1])
        if self.grain == "season" and self.code in SEASON_MONTHS:
            first, last = SEASON_MONTHS[self.code]
            end_year, last = (year + 1, last - 12) if last > 12 else (year, last)
            return dt.date(year, first, 1), dt.date(end_year, last, calendar.monthrange(end_year, last)[1])
        if self.grain in ("quarter", "half") and self.code:
            n = int(self.code[1])
            size = 3 if self.grain == "quarter" else 6
            first = (n - 1) * size + 1
            last = first + size - 1
            return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)


# A relative point: computed from the document date ("hier", "l'an dernier").
Relative = Callable[[dt.date], Point]
PointLike = Point | Relative


@dataclass(frozen=True)
class Time:
    """A parsed time expression before resolution.

    `start` is the point of a date; an interval has `start` and/or `end` (None = open end), or
    ends at the document date (`end_now`, "depuis 2021") or starts there (`start_now`, "d'ici
    2025"). `vague` and `anchored` expressions are typed but never given a value.
    """

    type: str
    start: PointLike | None = None
    end: PointLike | None = None
    end_now: bool = False
    start_now: bool = False
    duration: str | None = None
    anchor: str | None = None
    vague: bool = False
    grain: str | None = None

    def with_(self, **changes: object) -> Time:
        return replace(self, **changes)


def nth_weekday(year: int, month: int, n: int, weekday: int) -> dt.date:
    """The `n`-th ISO `weekday` of a month (n = -1: the last one).

    >>> nth_weekday(2024, 7, 1, 5)  # the first Friday of July 2024
    datetime.date(2024, 7, 5)
    """
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def day_point(d: dt.date) -> Point:
    return Point("day", d.year, d.month, d.day)


def add_months(d: dt.date, months: int) -> dt.date:
    """`d` moved by whole months, the day clipped to the month's length."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def shift_date(d: dt.date, amount: float, grain: str) -> dt.date:
    """`d` moved by `amount` units of `grain` (negative: into the past)."""
    if grain in ("year", "decade", "century", "month", "quarter", "half"):
        months = {"year": 12, "decade": 120, "century": 1200, "month": 1, "quarter": 3, "half": 6}[grain]
        return add_months(d, round(amount * months))
    days = {"week": 7, "day": 1, "hour": 1 / 24, "minute": 1 / 1440, "second": 1 / 86400}.get(grain, 1)
    return d + dt.timedelta(days=round(amount * days))


def period_point(d: dt.date, grain: str) -> Point:
    """The period of `grain` that holds `d`: the year, month, ISO week, quarter or half of it."""
    if grain == "year":
        return Point("year", d.year)
    if grain == "month":
        return Point("month", d.year, d.month)
    if grain in ("week", "weekend"):
        iso = d.isocalendar()
        return Point("week", iso.year, code=f"W{iso.week:02d}")
    if grain == "quarter":
        return Point("quarter", d.year, code=f"Q{(d.month - 1) // 3 + 1}")
    if grain == "half":
        return Point("half", d.year, code=f"H{(d.month - 1) // 6 + 1}")
    return day_point(d)


def place_year(point: Point, doc: dt.date, direction: int) -> Point:
    """Give a year-less point the year that fits the document date and the tense.

    `direction` is -1 (past: the latest occurrence not after the document date), +1 (future: the
    first one not before it) or 0 (the nearest one).
    """
    if point.month == 2 and point.day == 29:
        return replace(point, year=_leap_year(doc, direction))
    if point.month is None and point.day is not None:  # "le 23", "le 23 à 18 heures"
        return _place_month(point, doc, direction)
    candidates = []
    for year in (doc.year - 1, doc.year, doc.year + 1):
        first, last = point.bounds(year)
        candidates.append((year, first, last))
    if direction < 0:
        past = [c for c in candidates if c[1] <= doc]
        year = past[-1][0] if past else doc.year
    elif direction > 0:
        future = [c for c in candidates if c[2] >= doc]
        year = future[0][0] if future else doc.year
    else:
        def distance(c: tuple[int, dt.date, dt.date]) -> int:
            _, first, last = c
            return 0 if first <= doc <= last else min(abs((first - doc).days), abs((last - doc).days))
        year = min(candidates, key=distance)[0]
    return replace(point, year=year)


def _place_month(point: Point, doc: dt.date, direction: int) -> Point:
    """A day of an unnamed month ("le 23"): in the document's month, or the month before or
    after it as the tense says (the 23rd seen from the 25th is next month's in the future)."""
    days = []
    for step in (-2, -1, 0, 1, 2):  # a 31st may skip a month
        first = add_months(doc.replace(day=1), step)
        if point.day <= calendar.monthrange(first.year, first.month)[1]:
            days.append(first.replace(day=point.day))
    past = [d for d in days if d <= doc]
    future = [d for d in days if d >= doc]
    if direction < 0 and past:
        day = past[-1]
    elif direction > 0 and future:
        day = future[0]
    else:
        day = min(days, key=lambda d: ((d.year, d.month) != (doc.year, doc.month), abs((d - doc).days)))
    return replace(point, year=day.year, month=day.month)


def _leap_year(doc: dt.date, direction: int) -> int:
    """The year of a year-less 29 February: the last one up to the document date in the past,
    the next one from it in the future, else the nearer of the two."""
    past = next(y for y in range(doc.year, doc.year - 9, -1)
                if calendar.isleap(y) and dt.date(y, 2, 29) <= doc)
    future = next(y for y in range(doc.year, doc.year + 9) if calendar.isleap(y) and dt.date(y, 2, 29) >= doc)
    if direction < 0:
        return past
    if direction > 0:
        return future
    return past if (doc - dt.date(past, 2, 29)) <= (dt.date(future, 2, 29) - doc) else future


def _point(p: PointLike | None, doc: dt.date | None, direction: int) -> tuple[Point | None, bool]:
    """The resolved point and whether the document date was needed."""
    if p is None:
        return None, False
    if callable(p):
        return (p(doc), True) if doc else (None, True)
    if p.clock_only:
        return (p.on_day(doc), True) if doc else (None, True)
    if p.year is None:
        return (place_year(p, doc, direction).ranked(), True) if doc else (None, True)
    return p.ranked(), False


def resolve(time: Time, doc: dt.date | None, direction: int = 0) -> DateValue:
    """The span value of `time`, resolved against the document date `doc` (or None).

    >>> resolve(Time("interval", start=Point("year", 2021), end_now=True), dt.date(2023, 1, 12))["value"]
    '2021/2023-01-12'
    """
    if time.type == "duration" or time.type == "set":
        return DateValue(type=time.type, value=None if time.vague else time.duration, grain=time.grain,
                         relative=False, anchor=time.anchor)
    if time.vague:
        return DateValue(type=time.type, value=None, grain=time.grain, relative=False, anchor=time.anchor)
    if time.type == "date":
        point, relative = _point(time.start, doc, direction)
        if point is not None and point.grain == "half" and point.code:
            # A half-year is written as its months ("premier semestre 2021" -> 2021-01/2021-06):
            # ISO 8601 has no half-year code that other tools read.
            first = 1 if point.code == "H1" else 7
            return DateValue(type="interval", value=f"{point.year:04d}-{first:02d}/{point.year:04d}-{first + 5:02d}",
                             grain="month", relative=relative, anchor=time.anchor)
        return DateValue(type="date", value=point.iso() if point else None,
                         grain=point.grain if point else time.grain, relative=relative, anchor=time.anchor)
    # Intervals: the end is placed first, the start takes its year when it has none
    # ("du 3 au 5 mars 2023", "de janvier à mars").
    end, end_rel = _point(time.end, doc, direction)
    if isinstance(time.start, Point) and time.start.year is None and not time.start.clock_only and end is not None:
        start = replace(time.start, year=end.year)
        if start.bounds(end.year)[0] > end.bounds(end.year)[1]:
            start = replace(start, year=end.year - 1)
        start_rel = end_rel
    else:
        start, start_rel = _point(time.start, doc, direction)
        if isinstance(time.end, Point) and time.end.year is None and not time.end.clock_only and start is not None:
            end = replace(time.end, year=start.year)
            if end.bounds(start.year)[1] < start.bounds(start.year)[0]:
                end = replace(end, year=start.year + 1)
    relative = start_rel or end_rel or time.end_now or time.start_now
    if time.end_now:
        end = day_point(doc) if doc else None
    if time.start_now:
        start = day_point(doc) if doc else None
    if (time.start is not None and start is None and not time.start_now) or \
            (time.end is not None and end is None and not time.end_now):
        value = None
    elif start is None and end is None:
        value = None
    else:
        value = f"{start.iso() if start else '..'}/{end.iso() if end else '..'}"
    named = end if time.start_now else (start or end)
    grain = named.grain if named else time.grain
    return DateValue(type="interval", value=value, grain=grain, relative=relative, anchor=time.anchor)

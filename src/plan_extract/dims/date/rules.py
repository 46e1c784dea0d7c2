"""Calendar rules: days, months, years, seasons, quarters, parts of periods, holidays, decades.

Each rule's `produce(span)` returns `{"time": Time}` or None ("matched, but not a date"); the
value is resolved against the document date later, once that date is known.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from dateutil.easter import easter
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from plan_extract.dims.date.context import in_street_name, is_year_here, next_token, prev_token
from plan_extract.dims.date.forms import form_rules
from plan_extract.dims.date.lexicon import (
    ANY_MONTH, ANY_MONTH_TOKEN, COMMA, DAY, DOT, FIRST_DAY, IN, LEXICON, MONTH, MONTHS, ORDINAL, PART,
    SEASON, SHIFT, WEEKDAY, WEEKDAY_ABBR, YEAR, lower, phrase_pattern,
)
from plan_extract.dims.date.resolve import Point, Time, day_point, nth_weekday, period_point, place_year
from plan_extract.dims.numeral import NUMBER, SPACE, numeral_in
from plan_extract.grammar import DE, DU, SINGULAR_ARTICLES
from plan_extract.rules import Rule, Value
from plan_extract.spans import token_attrs

# Digit-only dates are formats, not words: 12/01/2023, 12.01.2023, 12-01-23, 2023-01-12, 03/2023.
DMY_RE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$")
YMD_RE = re.compile(r"^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})$")
MY_RE = re.compile(r"^(\d{1,2})/(\d{4})$")
DM_RE = re.compile(r"^(\d{1,2})/(\d{1,2})$")
DMY_COMMA_RE = re.compile(r"^(\d{1,2})/(\d{1,2}),(\d{4}|\d{2})$")
QUARTER_RE = re.compile(r"^([TtQqSs])([1-4])$")
MID_RE = re.compile(r"^mi-(.+)$", re.IGNORECASE)
DECADE_RE = re.compile(r"^([1-9]0|1[89][0-9]0|20[0-9]0)$")

SEASONS = LEXICON.season
PARTS = LEXICON.part
NAME_MONTHS = set(LEXICON.name_months.words)
MONTH_PARTS = {name: (days[0], days[1]) for name, days in LEXICON.month_part.items()}
# Determiners before a day given as a bare "dd/mm": "le 22/04", "du 3/05 au 7/05".
DAY_DETERMINERS = {*LEXICON.day_determiners.words, *LEXICON.day_determiners.numeric}
# The units that a rank makes a half-year or a quarter of a year ("premier semestre", "2e
# trimestre"), by the grain of the unit lexicon.
HALVES = {word for word, unit in LEXICON.unit.items() if unit.grain == "half"}
QUARTERS = {word for word, unit in LEXICON.unit.items() if unit.grain == "quarter"}
QUARTER_LETTERS = {"t": "Q", "q": "Q", "s": "H"}


def _date(point: Point | None, **extra: object) -> Value | None:
    return {"time": Time("date", start=point, **extra)} if point is not None else None


def _valid(year: int | None, month: int, day: int) -> bool:
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: "29 février" stays valid without a year
    except ValueError:
        return False
    return True


def _year_of(text: str) -> int | None:
    """Four-digit years, or two-digit ones read in the 1900s/2000s around today ("12/05/89")."""
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        n = int(text)
        return 2000 + n if n <= 50 else 1900 + n
    return None


def read_calendar(span: Span) -> Point | None:
    """Read weekday, day, month and year tokens of a span into a point.

    >>> # "jeudi 12 janvier 2023" -> Point("day", 2023, 1, 12); "janvier 2022" -> Point("month", 2022, 1)
    """
    year = month = day = None
    for text in token_attrs(span.doc).text[span.start:span.end]:  # no Token built
        word = lower(text)
        if month is None and word in ANY_MONTH and (day is not None or word in MONTHS):
            month = ANY_MONTH[word]
        elif month is None and day is None and (word in LEXICON.first_day.words):
            day = 1
        elif month is None and day is None and text.isdigit() and len(text) <= 2:
            day = int(text)
        elif month is not None and text.isdigit() and len(text) == 4:
            year = int(text)
    if month is None:
        return None
    if day is not None:
        return Point("day", year, month, day) if _valid(year, month, day) else None
    return Point("month", year, month)


def day_month_year(span: Span) -> Value | None:
    """ "jeudi 12 janvier 2023", "1er mars", "3 janv. 2024" (not "rue du 8 Mai 1945")."""
    if in_street_name(span):
        return None
    return _date(read_calendar(span))


def month_year(span: Span) -> Value | None:
    """ "janvier 2022", "Septembre 2016"."""
    if in_street_name(span):
        return None
    return _date(read_calendar(span))


def month_short_year(span: Span) -> Value | None:
    """ "juillet 98", "mai 68", "1er avril 78": a two-digit year after a month, when nothing
    counted follows it ("le 3 mai 12 agents" is a count) and no street word comes before."""
    after = next_token(span)
    if (after is not None and (after.is_alpha and after.text.islower() or after.is_digit)) or in_street_name(span):
        return None
    if not span[0].text.islower() and lower(span[0].text) in NAME_MONTHS:
        return None
    year = _year_of(span[-1].text)
    point = read_calendar(span[:-1])
    if point is None or (point.grain == "month" and int(span[-1].text) <= 31):
        return None  # "novembre 19" may be a day written after its month
    return _date(replace(point, year=year))


def month_alone(span: Span) -> Value | None:
    """A month name: "en novembre", "début mars", "Février"; "Mars" or "Mai" with a capital is a name."""
    token = span[0]
    if (not token.text.islower() and lower(token.text) in NAME_MONTHS) or in_street_name(span):
        return None
    point = Point("month", None, MONTHS[lower(token.text)])
    if len(span) == 2:  # "mars prochain", "juin dernier": the next or last such month
        step = LEXICON.shift[lower(span[1].text)]
        return _date(_shifted_month(point.month, step))
    return _date(point)


def _shifted_month(month: int, step: int):
    def relative(doc: dt.date) -> Point:
        year = doc.year
        if step > 0 and month <= doc.month:
            year += 1
        if step < 0 and month >= doc.month:
            year -= 1
        return Point("month", year, month)
    return relative


def year_alone(span: Span) -> Value | None:
    """ "2023" in "en 2023", "depuis 2020", "budget 2024"; never "2000 logements"."""
    token = span[0]
    if not is_year_here(token) or _in_digit_date(token):
        return None
    return _date(Point("year", int(token.text)))


DATE_SEPARATORS = {"-", "/", "."}


def _glued(doc: Doc, start: int, end: int) -> bool:
    """No space between tokens `start` to `end` (inclusive)."""
    return all(not doc[i].whitespace_ for i in range(start, end))


def _in_digit_date(token: Token) -> bool:
    """Whether a year is one part of a date in digits that no rule could read ("2015-1-32": a
    day 32 makes it no date at all, not the year 2015)."""
    doc, i = token.doc, token.i
    after = i + 4 < len(doc) and doc[i + 1].text in DATE_SEPARATORS and doc[i + 2].is_digit \
        and doc[i + 3].text == doc[i + 1].text and doc[i + 4].is_digit and _glued(doc, i, i + 4)
    before = i >= 4 and doc[i - 1].text in DATE_SEPARATORS and doc[i - 2].is_digit \
        and doc[i - 3].text == doc[i - 1].text and doc[i - 4].is_digit and _glued(doc, i - 4, i)
    return after or before


def _word_before(span: Span):
    """The token before `span`, over runs of spaces ("le    22/4")."""
    k = 1
    while (before := prev_token(span, k)) is not None and before.is_space and "\n" not in before.text:
        k += 1
    return before


def _alone_on_line(span: Span) -> bool:
    """Whether `span` is the whole of its line (a table cell, a form field): "29/2" there is a
    day, where "3/4" in a sentence is a fraction."""
    before, after = prev_token(span), next_token(span)
    return (before is None or "\n" in before.text) and (after is None or "\n" in after.text)


def numeric_date(span: Span) -> Value | None:
    """Digit-only dates, day first as in French: "12/01/2023", "2023-01-12", "03/2023", "le 22/04"."""
    text = span.text
    if m := YMD_RE.match(text):
        year, month, day = int(m.group(1)), int(m.group(3)), int(m.group(4))
    elif m := DMY_RE.match(text):
        day, month, year = int(m.group(1)), int(m.group(3)), _year_of(m.group(4))
        if month > 12 and day <= 12:
            # Month first ("02/22/2016"): let dateparser settle the order of an unusual form.
            return _date(normalise_with_dateparser(text))
    elif m := DMY_COMMA_RE.match(text):
        # "12/08,2015": a comma before the year, as some forms print it; a two-digit year only
        # after a day and a month of two digits each ("3/4,5" is no date).
        if len(m.group(3)) == 2 and not (len(m.group(1)) == 2 and len(m.group(2)) == 2):
            return None
        day, month, year = int(m.group(1)), int(m.group(2)), _year_of(m.group(3))
    elif m := MY_RE.match(text):
        return month_number_year(span)
    elif m := DM_RE.match(text):
        before = _word_before(span)
        padded = len(m.group(1)) == 2 and len(m.group(2)) == 2  # "17/02", "22/04": written as a date
        if not padded and not _alone_on_line(span) and (before is None or lower(before.text) not in DAY_DETERMINERS):
            return None  # "3/4" is a fraction, "24/7" a rhythm
        day, month, year = int(m.group(1)), int(m.group(2)), None
    else:
        return None
    if not 1 <= month <= 12 or not _valid(year, month, day):
        return None
    return _date(Point("day", year, month, day))


@lru_cache(maxsize=512)
def normalise_with_dateparser(text: str) -> Point | None:
    """Read a digit date written month first, as the rules found it (cached; dateparser is slow).

    >>> normalise_with_dateparser("02/22/2016")
    Point(grain='day', year=2016, month=2, day=22, ...)
    """
    import dateparser  # imported on first use: it takes a second to load

    # Day first, as French writes it: dateparser then reads "02/22/2016" month first since 22
    # cannot be a month (without a DATE_ORDER it returns None for this form).
    parsed = dateparser.parse(text, languages=["fr"], settings={
        "DATE_ORDER": "DMY", "RELATIVE_BASE": dt.datetime(2000, 1, 1), "REQUIRE_PARTS": ["day", "month", "year"],
    })
    return day_point(parsed.date()) if parsed else None


def season(span: Span) -> Value | None:
    """ "l'été 2024", "en hiver", "l'automne dernier"; never "a été"."""
    value = _season(span)
    return {**value, "article": True} if value else None


def _season(span: Span) -> Value | None:
    word = lower(span[0].text)
    code = SEASONS[word]
    before = prev_token(span)
    has_year = len(span) > 1 and span[-1].text.isdigit()
    if not has_year and (before is None or lower(before.text) not in LEXICON.season_determiners.words):
        return None
    if has_year:
        return _date(Point("season", int(span[-1].text), code=code))
    if len(span) > 1:  # "l'hiver prochain", "l'été dernier"
        step = LEXICON.shift[lower(span[-1].text)]
        return _date(_shifted_season(code, step))
    return _date(Point("season", None, code=code))


def _shifted_season(code: str, step: int):
    def relative(doc: dt.date) -> Point:
        point = Point("season", None, code=code)
        for year in (range(doc.year + 1, doc.year - 3, -1) if step < 0 else range(doc.year - 1, doc.year + 3)):
            first, last = point.bounds(year)
            if (step < 0 and last < doc) or (step > 0 and first > doc):
                return Point("season", year, code=code)
        return Point("season", doc.year + step, code=code)
    return relative


def named_month(span: Span) -> Value | None:
    """ "la rentrée 2024" (September), "la rentrée prochaine", "à la rentrée"."""
    value = _named_month(span)
    return {**value, "article": True} if value else None


def _named_month(span: Span) -> Value | None:
    month = LEXICON.named_month[lower(span[0].text)]
    last = lower(span[-1].text)
    if span[-1].text.isdigit():
        return _date(Point("month", int(span[-1].text), month))
    if last in LEXICON.shift:
        return _date(_shifted_month(month, LEXICON.shift[last]))
    return _date(Point("month", None, month))


def quarter(span: Span) -> Value | None:
    """ "premier semestre 2023" -> 2023-H1, "2e trimestre" -> Q2 of the document year, "T3 2024"."""
    code = None
    for token in span:
        word = lower(token.text)
        if m := QUARTER_RE.match(token.text):
            code = f"{QUARTER_LETTERS[m.group(1).lower()]}{m.group(2)}"
        elif word in QUARTERS or word in HALVES:
            number = LEXICON.ordinal[lower(span[0].text)]
            letter = "Q" if word in QUARTERS else "H"
            if letter == "H" and number > 2:
                return None
            code = f"{letter}{number}"
    if code is None:
        return None
    grain = "quarter" if code[0] == "Q" else "half"
    year = int(span[-1].text) if span[-1].text.isdigit() and len(span[-1].text) == 4 else None
    return _date(Point(grain, year, code=code))


def _month_days(year: int | None, month: int, first: int, last: int | None) -> tuple[Point, Point]:
    """Days `first` to `last` of a month (None: its last day; February has 28 without a year)."""
    length = calendar.monthrange(year or 2001, month)[1]
    end = length if last is None else min(last, length)
    if year is None and end == length:
        end = 31  # the month's last day, clipped once the year is known ("fin février")
    return Point("day", year, month, max(1, min(first, length))), Point("day", year, month, end)


def _month_part(month: int | None, year: int | None, part: str) -> Value:
    """The start, middle or end of a month as an interval of days ("fin mars" -> 21 to 31 March);
    `month` None is the document's month ("à la fin du mois")."""
    first, last = MONTH_PARTS[part]
    last = None if last >= 31 else last
    if month is None:
        def bound(index: int):
            return lambda doc: _month_days(doc.year, doc.month, first, last)[index]
        start, end = bound(0), bound(1)
    else:
        start, end = _month_days(year, month, first, last)
    return {"time": Time("interval", start=start, end=end), "part": True, "article": month is None}


def part_of_period(span: Span) -> Value | None:
    """ "début 2021" -> "2021-01", "fin 2025" -> "2025-12", "fin mars" -> 21 to 31 March,
    "mi-décembre" -> 11 to 20 December, "la fin de l'été" -> the season.

    The start, middle or end of a year names its first, sixth or last month; of a month, its
    first, second or last ten days; of a season, the season itself.
    """
    words = [lower(t.text) for t in span]
    part = PARTS.get(words[0])
    if part is None and (m := MID_RE.match(span[0].text)):
        part, rest = "mid", lower(m.group(1))
        words = ["mi", rest, *words[1:]]
    year = int(words[-1]) if words[-1].isdigit() and len(words[-1]) == 4 else None
    months = [MONTHS[w] for w in words[1:] if w in MONTHS]
    seasons = [SEASONS[w] for w in words[1:] if w in SEASONS]
    if months:
        if part == "during":  # "courant mars": the month
            return _date(Point("month", year, months[0]))
        return _month_part(months[0], year, part)
    if seasons:
        return _date(Point("season", year, code=seasons[0]))
    if "mois" in words:
        return _date(_this_period("month")) if part == "during" else _month_part(None, None, part)
    month = {"start": 1, "mid": 6, "end": 12, "during": None}[part]
    if month is None:
        return _date(Point("year", year) if year else _this_period("year"))
    if year:
        return _date(Point("month", year, month))
    if "année" in words or "an" in words:
        return _date(lambda doc, m=month: Point("month", doc.year, m))
    return None


def sub_period(span: Span) -> Value | None:
    """ "la première quinzaine d'avril" (1 to 15), "la dernière semaine de septembre" (its last
    seven days), "le dernier jour d'octobre 2015" (a day)."""
    words = [lower(t.text) for t in span]
    rank = LEXICON.sub_period.ranks[words[0]]
    unit = words[1]
    month = next(MONTHS[w] for w in words if w in MONTHS)
    year = int(words[-1]) if words[-1].isdigit() else None
    length = calendar.monthrange(year or 2001, month)[1]
    size = LEXICON.sub_period.sizes[unit]
    if rank < 0:
        first, last = length - size + 1 if unit != "quinzaine" else 16, length
    else:
        first = (rank - 1) * size + 1
        last = length if unit == "quinzaine" and rank == 2 else first + size - 1
    if first > length or (unit == "quinzaine" and rank > 2):
        return None
    start, end = _month_days(year, month, first, last)
    if unit == "jour":
        return {**_date(start), "article": True}
    return {"time": Time("interval", start=start, end=end), "part": True, "article": True}


def _this_period(grain: str):
    return lambda doc: period_point(doc, grain)


def holiday(span: Span) -> Value | None:
    """ "Noël 2023", "la Toussaint", "lundi de Pâques 2024"."""
    year = int(span[-1].text) if span[-1].text.isdigit() else None
    words = span[:-1] if year else span
    if year and lower(words[-1].text) == "de":  # "l'armistice de 1918"
        words = words[:-1]
    name = " ".join(lower(t.text) for t in words).replace("' ", "'")
    if name in LEXICON.holiday:
        month, day = LEXICON.holiday[name]
        return _date(Point("day", year, month, day))
    if name in LEXICON.weekday_holiday:
        rule = LEXICON.weekday_holiday[name]
        if year:
            return _date(day_point(_nth_weekday(rule, year)))
        return _date(lambda doc, r=rule: _placed_weekday_holiday(r, doc))
    if name in LEXICON.easter:
        offset = LEXICON.easter[name]
        if year:
            return _date(day_point(easter(year) + dt.timedelta(days=offset)))
        return _date(lambda doc, o=offset: day_point(easter(doc.year) + dt.timedelta(days=o)))
    return None


def _nth_weekday(rule, year: int) -> dt.date:
    """The day of a weekday holiday in `year` ("fête des pères": the third Sunday of June)."""
    day = nth_weekday(year, rule.month, rule.n, rule.weekday)
    if rule.unless_pentecost and day == easter(year) + dt.timedelta(days=LEXICON.easter["pentecôte"]):
        day += dt.timedelta(days=7)
    return day


def _placed_weekday_holiday(rule, doc: dt.date) -> Point:
    """A year-less weekday holiday: the one of the document's year, or the next one once it is past."""
    day = _nth_weekday(rule, doc.year)
    return day_point(day if day >= doc else _nth_weekday(rule, doc.year + 1))


def decade(span: Span) -> Value | None:
    """ "les années 2000" -> 2000/2009, "années 90" -> 1990/1999, "années soixante-dix" ->
    1970/1979: a decade is the interval of its years (ISO "199" is read by few tools)."""
    text = span[-1].text
    if DECADE_RE.match(text):
        year = int(text) if len(text) == 4 else 1900 + int(text)
    else:
        numeral = numeral_in(span)
        if numeral is None:
            return None
        value = Decimal(numeral._.numeral["value"])
        if value != value.to_integral_value():
            return None
        year = int(value) + (1900 if value < 100 else 0)
    if year % 10 or not 1000 <= year <= 2100:
        return None
    return {"time": Time("interval", start=Point("year", year), end=Point("year", year + 9), grain="decade")}


MONTH_YEAR_RE = re.compile(r"^(\d{1,2})[/-](\d{4})$")
YEAR_MONTH_RE = re.compile(r"^(\d{4})[/-](\d{1,2})$")


def month_number_year(span: Span) -> Value | None:
    """ "11/2016", "11 - 2016", "2016/11", "2016-11", "2015-3": a month and its year in digits.
    Year first, the month is no year's next ("2011-12" is a season, "2015-16" a school year)."""
    text = "".join(t.text for t in span if not t.is_space)
    if m := MONTH_YEAR_RE.match(text):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := YEAR_MONTH_RE.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if month == (year + 1) % 100:
            return None
    else:
        return None
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    before, after = prev_token(span), next_token(span)
    if (before is not None and before.text in ("/", "-")) or (after is not None and after.text in ("/", "-", "%")):
        return None
    if after is not None and after.is_alpha and after.text.islower() and after.pos_ in ("NOUN", "ADJ"):
        return None  # "10/2000 habitants" is a ratio
    return _date(Point("month", year, month))


def spaced_date(span: Span) -> Value | None:
    """Digit dates with spaces, as typed in forms: "24 12 2014", "2 4 2009", "18 08 78" (a
    two-digit year only when every part has two digits; never inside a longer run of numbers,
    such as a phone number)."""
    before, after = prev_token(span), next_token(span)
    if (before is not None and before.text.isdigit()) or (after is not None and after.text.isdigit()):
        return None
    parts = [t.text for t in span if not t.is_space]
    if len(parts[2]) == 2 and not all(len(p) == 2 for p in parts):
        return None
    day, month, year = int(parts[0]), int(parts[1]), _year_of(parts[2])
    if not 1 <= month <= 12 or not _valid(year, month, day):
        return None
    return _date(Point("day", year, month, day))


def day_range(span: Span) -> Value | None:
    """ "du 13 au 18" with no month: days of the document's month (a month or a unit after the
    second number makes it something else: "du 13 au 18 mai", "du 3 au 5 %")."""
    after = next_token(span)
    if after is not None and (after.is_alpha or after.is_digit or after.text in ("%", "€", "$")):
        return None
    days = [1 if lower(t.text) in LEXICON.first_day.words else int(t.text) for t in span
            if t.text.isdigit() or lower(t.text) in LEXICON.first_day.words]
    first, last = days
    if not first < last <= 31:
        return None

    def bound(day: int):
        return lambda doc: Point("day", doc.year, doc.month, min(day, calendar.monthrange(doc.year, doc.month)[1]))
    return {"time": Time("interval", start=bound(first), end=bound(last))}


def listed_days(span: Span) -> Value | None:
    """ "les 16 et 17 mars", "les samedi 5, dimanche 6 et lundi 7 avril 2024": days of one month
    that follow each other, as the interval from the first to the last. Days apart ("les 3 et 10
    avril") are separate dates: the rule leaves them to the others."""
    if in_street_name(span):
        return None
    days = [1 if lower(t.text) in LEXICON.first_day.words else int(t.text) for t in span
            if lower(t.text) in LEXICON.first_day.words or (t.text.isdigit() and len(t.text) <= 2)]
    last = read_calendar(span[-3:])
    if last is None or last.grain != "day" or days != list(range(days[0], days[0] + len(days))):
        return None
    return {"time": Time("interval", start=replace(last, day=days[0]), end=last)}


def _listed_days_rules() -> list[Rule]:
    """Two to four days joined by commas and a final "et", after a plural determiner or a weekday."""
    weekdays = [w for w in LEXICON.weekday if not w.endswith("s")]
    first = {"LOWER": {"REGEX": r"^(0?[1-9]|[12]\d|3[01]|1er)$"}}
    rules = []
    for commas in range(3):
        days = [IN(weekdays, "?"), first, *[t for _ in range(commas) for t in ({"ORTH": ","}, IN(weekdays, "?"), DAY)],
                IN(["et"]), IN(weekdays, "?"), DAY, SPACE, ANY_MONTH_TOKEN, DOT, {**YEAR, "OP": "?"}]
        name = "<day>" + ", <day>" * commas + " et <day> <month> <year>?"
        rules.append(Rule(f"les {name}", [IN(LEXICON.day_range.list_openers), *days], listed_days))
        rules.append(Rule(f"<weekday> {name}", [IN(weekdays), *days[1:]], listed_days))
    return rules


# "fin de l'année", "début du mois": the periods after "<part> de".
PART_OF = LEXICON.part_of_period


def calendar_rules(nlp: Language) -> list[Rule]:
    """The calendar rules; multi-word holiday names are tokenised with the pipeline's tokenizer.

    A no-break space after a day number ("12\u00a0mai") or between a month and its year is a
    token of its own (`SPACE`); it is allowed between two required elements only, so that no
    date ends with it.
    """
    opt_year = {**YEAR, "OP": "?"}
    rules = [
        Rule("<weekday>? <day> <month> <year>?",
             [IN(LEXICON.weekday, "?"), DAY, SPACE, ANY_MONTH_TOKEN, DOT, COMMA, opt_year], day_month_year),
        Rule("<weekday>? 1er <month> <year>?",
             [IN(LEXICON.weekday, "?"), FIRST_DAY, SPACE, ANY_MONTH_TOKEN, DOT, COMMA, opt_year], day_month_year),
        Rule("<weekday abbr>. <day> <month> <year>?",
             [WEEKDAY_ABBR, DOT, COMMA, DAY, SPACE, ANY_MONTH_TOKEN, DOT, COMMA, opt_year], day_month_year),
        Rule("<day> <month> de <year>",
             [DAY, SPACE, MONTH, {"LOWER": "de"}, YEAR], day_month_year),
        Rule("<month> <year>", [MONTH, SPACE, YEAR], month_year),
        Rule("<month> <yy>", [MONTH, {"TEXT": {"REGEX": r"^\d{2}$"}}], month_short_year),
        Rule("<day> <month> <yy>", [DAY, SPACE, ANY_MONTH_TOKEN, {"TEXT": {"REGEX": r"^\d{2}$"}}], month_short_year),
        Rule("1er <month> <yy>", [FIRST_DAY, SPACE, ANY_MONTH_TOKEN, {"TEXT": {"REGEX": r"^\d{2}$"}}], month_short_year),
        Rule("<month> <shift>?", [MONTH, {**SHIFT, "OP": "?"}], month_alone),
        Rule("<year>", [YEAR], year_alone),
        Rule("<dd/mm/yyyy>", [{"TEXT": {"REGEX": r"^\d{1,4}[/.-]\d{1,4}([/.-]\d{2,4})?$"}}], numeric_date),
        Rule("<dd/mm>,<yyyy>", [{"TEXT": {"REGEX": DMY_COMMA_RE.pattern}}], numeric_date),
        Rule("<dd>-<mm>-<yyyy>", [DAY, {"ORTH": {"IN": ["-", "/", "."]}}, {"TEXT": {"REGEX": r"^\d{1,2}$"}},
                                  {"ORTH": {"IN": ["-", "/", "."]}}, YEAR], numeric_date),
        Rule("<dd>-<mm>-<yy>", [DAY, {"ORTH": {"IN": ["-", "/", "."]}}, {"TEXT": {"REGEX": r"^\d{1,2}$"}},
                                {"ORTH": {"IN": ["-", "/", "."]}}, {"TEXT": {"REGEX": r"^\d{2}$"}}], numeric_date),
        Rule("<mm>/<yyyy>", [{"TEXT": {"REGEX": r"^\d{1,4}/?$"}}, SPACE, {"TEXT": {"REGEX": r"^[/-]?\d{1,4}$"}}],
             month_number_year),
        Rule("<mm> / <yyyy>", [{"TEXT": {"REGEX": r"^\d{1,4}$"}}, SPACE, {"ORTH": {"IN": ["/", "-"]}},
                               {"TEXT": {"REGEX": r"^\d{1,4}$"}}], month_number_year),
        Rule("<yyyy>/<mm>", [{"TEXT": {"REGEX": r"^\d{4}/\d{1,2}$"}}], month_number_year),
        Rule("<dd> <mm> <yyyy>", [DAY, {"TEXT": {"REGEX": r"^(0?[1-9]|1[0-2])$"}},
                                  {"TEXT": {"REGEX": r"^(1[89]\d\d|20\d\d|\d\d)$"}}], spaced_date),
        *_listed_days_rules(),
        Rule("du <day> au <day>", [IN(["du"]), {"TEXT": {"REGEX": r"^([1-9]|[12]\d|3[01]|1er)$"}}, IN(["au"]),
                                   {"TEXT": {"REGEX": r"^([2-9]|[12]\d|3[01])$"}}], day_range),
        Rule("<yyyy>-<mm>-<dd>", [YEAR, {"ORTH": "-"}, {"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"ORTH": "-"},
                                  {"TEXT": {"REGEX": r"^\d{1,2}$"}}], numeric_date),
        Rule("<season> <shift>?", [SEASON, {**SHIFT, "OP": "?"}], season),
        Rule("<season> <year>", [SEASON, YEAR], season),
        Rule("rentrée <year>|<shift>?", [IN(LEXICON.named_month), IN(LEXICON.named_month_adjectives.words, "?"),
                                          {"TEXT": {"REGEX": r"^(1[89]\d\d|20\d\d)$"}, "OP": "?"}], named_month),
        Rule("rentrée <shift>", [IN(LEXICON.named_month), IN(LEXICON.named_month_adjectives.words, "?"), SHIFT],
             named_month),
        Rule("<ordinal> trimestre|semestre <year>?",
             [ORDINAL, IN([*QUARTERS, *HALVES]), IN(["de"], "?"), IN(["l'"], "?"), IN(["année"], "?"), opt_year],
             quarter),
        Rule("T1 <year>", [{"TEXT": {"REGEX": QUARTER_RE.pattern}}, YEAR], quarter),
        Rule("<part> <year>", [PART, YEAR], part_of_period),
        Rule("<rank> quinzaine|semaine|jour de <month> <year>?",
             [IN(LEXICON.sub_period.ranks), IN(LEXICON.sub_period.sizes), IN(DE | DU),
              IN(["mois"], "?"), IN(DE, "?"), MONTH, opt_year], sub_period),
        Rule("<part> <month> <year>?", [PART, MONTH, opt_year], part_of_period),
        Rule("<part> de l'année <year>?",
             [PART, IN(DE | DU), IN(SINGULAR_ARTICLES, "?"), IN(PART_OF.periods), opt_year], part_of_period),
        Rule("<part> de l'<season> <year>?",
             [PART, IN(DE | DU), IN(SINGULAR_ARTICLES, "?"), SEASON, opt_year], part_of_period),
        Rule("mi-<year|month> <year>?", [{"LOWER": {"REGEX": r"^mi-(1[89]\d\d|20\d\d|[a-zéû]+)$"}}, opt_year],
             part_of_period),
        Rule("années <decade>", [IN(LEXICON.decade.words), {"TEXT": {"REGEX": DECADE_RE.pattern}}], decade),
        Rule("années <decade in words>", [IN(LEXICON.decade.words), NUMBER], decade),
    ]
    rules += form_rules(nlp)
    for name in [*LEXICON.holiday, *LEXICON.easter, *LEXICON.weekday_holiday]:
        rules.append(Rule(f"<holiday:{name}> <year>?", [*phrase_pattern(nlp, name), opt_year], holiday))
        rules.append(Rule(f"<holiday:{name}> de <year>", [*phrase_pattern(nlp, name), IN(["de"]), YEAR], holiday))
    return rules

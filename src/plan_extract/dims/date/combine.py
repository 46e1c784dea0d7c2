"""Grammar over the matched times: intervals ("du 3 au 5 mars", "de 2024 à 2027"), open
intervals ("depuis 2021", "d'ici 2025", "à partir du 1er mars") and qualifiers of durations
("près de 3 mois").

Works on `(span, value)` pairs in document order, where `value["time"]` is a `Time`; returns new
pairs whose span names the rule that built them ("du <date> au <date>").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from spacy.tokens import Doc, Span

from plan_extract.dims.date.context import direction, text_slice
from plan_extract.dims.date.lexicon import LEXICON, lower
from plan_extract.dims.date.resolve import Point, Time, shift_date, period_point
from plan_extract.dims.numeral.parse import qualifier_before
from plan_extract.grammar import GRAMMAR, LINK_ARTICLES, SINGULAR_ARTICLES
from plan_extract.rules import Value
from plan_extract.spans import token_attrs

Item = tuple[Span, Value]
INTERVAL = LEXICON.interval
# Characters before a duration handed to `qualifier_before`: more than the 30 it looks back
# over, plus the one that shows whether the qualifier starts a word.
QUALIFIER_REACH = 60


class Words:
    """The lower-cased words of a Doc (apostrophes made straight), worked out on first use and
    kept: combining looks at a few words around each match, many times over."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.texts = token_attrs(doc).text
        self.seen: dict[int, str] = {}

    def __getitem__(self, i: int) -> str:
        word = self.seen.get(i)
        if word is None:
            word = self.seen[i] = lower(self.texts[i])
        return word

    def between(self, start: int, end: int) -> list[str]:
        return [self[i] for i in range(max(0, start), min(end, len(self.doc)))]

    def match(self, start: int, seq: list[str]) -> bool:
        """Whether the words from `start` on are `seq` (the last word, the most telling, first)."""
        for k in range(len(seq) - 1, -1, -1):
            if self[start + k] != seq[k]:
                return False
        return True


class Sequences:
    """Word sequences of the lexicon ("à partir du", "d'ici"), looked up by their last word:
    most tokens end none of them."""

    def __init__(self, sequences: list[list[str]]) -> None:
        self.by_last: dict[str, list[list[str]]] = {}
        for seq in sequences:
            self.by_last.setdefault(seq[-1], []).append(seq)


END = Sequences(INTERVAL.end)
START = Sequences(INTERVAL.start)
FILLERS = Sequences(INTERVAL.fillers)
# "le", "la", "l'" between a link and a day ("jusqu'au lundi 5", "jusqu'à la fin mars"), as
# `Words` reads them (straight apostrophes).
ARTICLES_BEFORE_DAY = Sequences([[article] for article in GRAMMAR.links.singular_articles])
# "à" typed without its accent, read only between two full dates ("2 oct. a 22 octobre").
UNACCENTED_END = Sequences(INTERVAL.unaccented_end)
# Links that join two days without an opening word ("1er au 10 juillet", "19-20 novembre"), and
# those that join two full dates.
BARE_LINKS = INTERVAL.bare_links
DATE_LINKS = [*BARE_LINKS, *INTERVAL.date_links]
OPENERS = {key: Sequences(getattr(INTERVAL, key)) for key in ("since", "by", "until", "from_", "after")}
BY = OPENERS["by"]
# The words an introducer or a filler ends with: a time after any other word has no introducer.
INTRODUCER_ENDS = frozenset(FILLERS.by_last).union(*(sequences.by_last for sequences in OPENERS.values()))


def _ends_with(words: Words, end: int, sequences: Sequences) -> int | None:
    """The start of the longest sequence of `sequences` ending at token `end`, or None."""
    if end < 1:
        return None
    best = None
    for seq in sequences.by_last.get(words[end - 1], ()):
        start = end - len(seq)
        if start >= 0 and (best is None or start < best) and words.match(start, seq):
            best = start
    return best


def _introducer(words: Words, start: int, sequences: Sequences) -> int | None:
    """Where an introducer ("depuis", "d'ici", "à partir du") starts before token `start`,
    allowing the fillers of the lexicon between them ("depuis le mois de janvier")."""
    found = _ends_with(words, start, sequences)
    if found is not None:
        return found
    filler = _ends_with(words, start, FILLERS)
    if filler is not None:
        return _ends_with(words, filler, sequences)
    return None


def _is_point(value: Value) -> bool:
    time: Time = value["time"]
    return time.type == "date" and not time.vague and time.start is not None


def _is_part(value: Value) -> bool:
    """A part of a month as an interval of days: "fin mars", "mi-avril", "à la fin du mois"."""
    time: Time = value["time"]
    return bool(value.get("part")) and time.type == "interval" and not time.vague


def _bare_day(words: Words, end: int) -> tuple[int, int] | None:
    """A day number alone just before token `end`, with an optional article: "9", "le 9", "1er"."""
    i = end - 1
    # Digits have no case: the lower-cased word is the token's text.
    if i >= 0 and (words[i].isdigit() and 1 <= int(words[i]) <= 31 or words[i] in LEXICON.first_day.words):
        day = 1 if not words[i].isdigit() else int(words[i])
        if i > 0 and words[i - 1] in LEXICON.weekday:
            i -= 1  # "du vendredi 3 au dimanche 5 mars"
        return i, day
    return None


def _closed(words: Words, first: Item | None, second: Item) -> Item | None:
    """Join "<start word> A <end word> B" into one interval, or "<start word> <day> <end word> B"."""
    doc = words.doc
    span_b, value_b = second
    connector = _ends_with(words, span_b.start, END)
    if connector is None:
        filler = _ends_with(words, span_b.start, ARTICLES_BEFORE_DAY)
        connector = _ends_with(words, filler, END) if filler is not None else None
    end_b: Time = value_b["time"]
    if connector is None and first is not None and _is_day(first[1]["time"].start) and _is_day(end_b.start):
        connector = _ends_with(words, span_b.start, UNACCENTED_END)
    if connector is None:
        return None
    parts = False
    if first is not None:
        span_a, value_a = first
        if span_a.end != connector or clock_only(value_a["time"]) != clock_only(end_b):
            return None  # "du 18/02/2022 à 17:43" is a day and its time, not a range
        start_point = value_a["time"].start
        a_start = span_a.start
        parts = _is_part(value_a) or _is_part(value_b)
        season = _season_years(words, first, second, connector)
        if season is not None:
            return season
    elif end_b.type != "date":
        return None
    else:
        bare = _bare_day(words, connector)
        point_b = end_b.start
        if bare is None or not isinstance(point_b, Point) or point_b.grain != "day":
            return None
        a_start, day = bare
        start_point = Point("day", None, point_b.month, day)
        if words[a_start - 1] in SINGULAR_ARTICLES if a_start > 0 else False:
            a_start -= 1
    opener = _introducer(words, a_start, START)
    connector_words = words.between(connector, span_b.start)
    if opener is None and (parts or connector_words not in (BARE_LINKS if first is None else DATE_LINKS)):
        return None  # parts of months are joined after "entre", "de", "du": "entre fin mars et début avril"
    if opener is None and not (isinstance(start_point, Point) and start_point.grain in ("year", "day")):
        return None  # a bare hyphen joins years or days: "2024-2027", "19-20 novembre"
    if opener is None and connector_words not in (["-"], ["–"]) and start_point.grain != "day":
        return None  # "1er au 10 juillet", "samedi 13 au dimanche 15 juillet": days only
    begin = opener if opener is not None else a_start
    span = Span(doc, begin, span_b.end, span_id=f"{'<from>' if opener is not None else ''} <date> <to> <date>".strip())
    if first is not None and _weekday_alone(first[0]) and _weekday_alone(span_b) and direction(span) >= 0:
        # "ouvert du lundi au vendredi": every week, unless a past tense tells of one week.
        anchor = f"{lower(first[0][0].text)}/{lower(span_b[0].text)}"
        return span, {"time": Time("set", duration="P1W", anchor=anchor)}
    end_point = end_b.end if end_b.type == "interval" else end_b.start
    return span, {"time": Time("interval", start=start_point, end=end_point)}


def _weekday_alone(span: Span) -> bool:
    """A weekday without a day number nor a demonstrative: "lundi" (not "lundi 3", "ce lundi")."""
    return len(span) == 1 and lower(span[0].text) in LEXICON.weekday


def _season_years(words: Words, first: Item, second: Item, connector: int) -> Item | None:
    """ "l'hiver 2023-2024": a season named by the two years it spans is the season, not a range."""
    (span_a, value_a), (span_b, value_b) = first, second
    season, year = value_a["time"].start, value_b["time"].start
    if not (isinstance(season, Point) and season.grain == "season" and isinstance(year, Point)
            and year.grain == "year" and season.year is not None and year.year == season.year + 1
            and words.between(connector, span_b.start) in (["-"], ["–"], ["/"])):
        return None
    return Span(words.doc, span_a.start, span_b.end, span_id=f"{span_a.id_}-<year>"), value_a


def _open(words: Words, item: Item) -> Item | None:
    """ "depuis X" (to the document date), "d'ici X" (from it), "jusqu'au X", "après X"; "à partir
    du X" and "dès X" name the date X, their introducer included."""
    doc = words.doc
    span, value = item
    if span.start == 0 or words[span.start - 1] not in INTRODUCER_ENDS:
        return None
    time: Time = value["time"]
    if _is_point(value):
        # A year-less point after "depuis" lies in the past, after "jusqu'au" or "dès" in the future.
        for key, build, name, leaning in (
            ("since", lambda p: Time("interval", start=p, end_now=True), "depuis <date>", -1),
            ("by", lambda p: Time("interval", end=p), "d'ici <date>", 1),
            ("until", lambda p: Time("interval", end=p), "jusqu'à <date>", 1),
            ("from_", lambda p: Time("date", start=p), "à partir de <date>", 1),
            ("after", lambda p: Time("interval", start=p), "après <date>", 1),
        ):
            begin = _introducer(words, span.start, OPENERS[key])
            if begin is not None:
                point = time.start
                if key == "until" and words[begin] == "avant" and not _end_part(words[span.start]):
                    point, name = _before(point), "avant <date>"
                return Span(doc, begin, span.end, span_id=name), {"time": build(point), "leaning": leaning}
        return None
    if value.get("part") and time.type == "interval":
        # "depuis fin mars", "jusqu'à mi-juin", "à partir de début avril": a part of a month.
        for key, build, name, leaning in (
            ("since", lambda t: Time("interval", start=t.start, end_now=True), "depuis <date>", -1),
            ("by", lambda t: Time("interval", end=t.end), "d'ici <date>", 1),
            ("until", lambda t: Time("interval", end=t.end), "jusqu'à <date>", 1),
            ("from_", lambda t: t, "à partir de <date>", 1),
            ("after", lambda t: Time("interval", start=t.start), "après <date>", 1),
        ):
            begin = _introducer(words, span.start, OPENERS[key])
            if begin is not None:
                return Span(doc, begin, span.end, span_id=name), {"time": build(time), "leaning": leaning}
        return None
    if time.type == "duration" and not time.vague and "amount" in value:
        begin = _introducer(words, span.start, BY)
        if begin is not None:
            amount, grain = float(value["amount"]), time.grain or "year"
            shown = "day" if grain in ("week", "hour", "minute", "second") else grain
            end = lambda d, a=amount, g=grain, s=shown: period_point(shift_date(d, a, g), s)  # noqa: E731
            return Span(doc, begin, span.end, span_id="d'ici <duration>"), {"time": Time("interval", end=end)}
    return None


def _end_part(word: str) -> bool:
    """A date that names the end or middle of a period ("fin 2025", "mi-2025"): "avant fin 2025"
    is by the end of 2025, not before December."""
    return LEXICON.part.get(word) in ("end", "mid", "during") or word.startswith("mi-")


def _before(point: object) -> object:
    """The last unit before `point` at its own grain, what "avant" leaves open: "avant 2000" ends
    in 1999, "avant juin" in May, "avant le 15 mai" on 14 May. Other grains (a season, a week, a
    time) and a year-less 1st of January are kept as they are."""
    if callable(point):
        return lambda doc, f=point: _before(f(doc))
    if not isinstance(point, Point) or point.hour is not None or point.code:
        return point
    if point.grain == "year":
        return replace(point, year=point.year - 1)
    if point.grain == "month":
        if point.month > 1:
            return replace(point, month=point.month - 1)
        return replace(point, year=point.year - 1, month=12) if point.year else point
    if point.grain == "day":
        if point.day > 1:
            return replace(point, day=point.day - 1)
        if point.month > 1:
            return replace(point, month=point.month - 1, day=31)  # clipped to the month's length
        return replace(point, year=point.year - 1, month=12, day=31) if point.year else point
    return point


def _qualified(doc: Doc, item: Item) -> Item:
    """Put a leading approximation inside a duration: "près de 3 mois", "plus de dix ans"."""
    span, value = item
    if value["time"].type != "duration":
        return item
    # Only the text just before the span is read; offsets in `head` are shifted back to the Doc's.
    base = max(0, span.start_char - QUALIFIER_REACH)
    head = text_slice(doc, base, span.start_char)
    found = qualifier_before(head, span.start_char - base)
    if found is not None:
        found = found[0], found[1] + base
    # Only approximations belong to the duration ("près de 3 mois"); bounds ("au moins six
    # mois", "moins de trois mois") stay outside, as for quantities.
    if found is None or found[0] != "approx":
        return item
    qualified = doc.char_span(found[1], span.end_char, alignment_mode="expand")
    if qualified is None or qualified.start >= span.start:
        return item
    return Span(doc, qualified.start, span.end, span_id=f"<qualifier> {span.id_}"), value


DAY_LINKS = LEXICON.clock.day_links
# Any date: a relative point is called on it only to learn its grain.
PROBE = dt.date(2000, 1, 15)


def _is_day(p: object) -> bool:
    """Whether a point (or a relative point) names a whole day, without a time."""
    if callable(p):
        p = p(PROBE)
    return isinstance(p, Point) and p.grain == "day" and p.hour is None


def clock_only(time: Time) -> bool:
    """A time of day, or a range of them, still waiting for its day."""
    points = [p for p in (time.start, time.end) if p is not None]
    return bool(points) and all(isinstance(p, Point) and p.clock_only for p in points)


def _at(day: object, clock: Point | None) -> object:
    """The time of day `clock` on `day` (a point or a relative point)."""
    if clock is None:
        return None
    if callable(day):
        return lambda doc, f=day: _at(f(doc), clock)
    return replace(clock, year=day.year, month=day.month, day=day.day)


def _day_time(words: Words, first: Item, second: Item) -> Item | None:
    """Join a day and the time that follows it: "25/01/2024 à 12:13", "lundi 6 novembre, à 18
    heures", "le 3 mars de 15 h à 19 h"."""
    (span_a, value_a), (span_b, value_b) = first, second
    day, clock = value_a["time"], value_b["time"]
    if day.type != "date" or day.vague or not _is_day(day.start) or not clock_only(clock):
        return None
    if words.between(span_a.end, span_b.start) not in DAY_LINKS:
        return None
    time = clock.with_(start=_at(day.start, clock.start), end=_at(day.start, clock.end))
    span = Span(words.doc, span_a.start, span_b.end, span_id=f"{span_a.id_} à {span_b.id_}")
    return span, {"time": time}


PUNCT_END = {",", ".", ";", ":", "!", "?"}


def _tidy(doc: Doc, item: Item) -> Item:
    """Drop trailing punctuation taken by an optional pattern token ("14 mai." -> "14 mai") and
    take the definite article of a noun-headed time ("l'an dernier", "la rentrée 2024")."""
    span, value = item
    start, end = span.start, span.end
    attrs = token_attrs(doc)
    while end - start > 1 and attrs.text[end - 1] in PUNCT_END:
        end -= 1
    if value.get("article") and start > 0 and attrs.lower[start - 1] in LINK_ARTICLES:
        start -= 1
    if (start, end) == (span.start, span.end):
        return item
    return Span(doc, start, end, span_id=span.id_), value


def combine(doc: Doc, items: list[Item]) -> list[Item]:
    """Build intervals and qualified durations out of the matched times, in document order.

    >>> # "de 2024 à 2027": two years -> one interval "2024/2027"
    """
    items = [_tidy(doc, item) for item in items]
    words = Words(doc)
    result: list[Item] = []
    i = 0
    while i < len(items):
        item = items[i]
        if _is_point(item[1]) or _is_part(item[1]):
            following = items[i + 1] if i + 1 < len(items) and (
                _is_point(items[i + 1][1]) or _is_part(items[i + 1][1])) else None
            joined = _closed(words, item, following) if following is not None else None
            if joined is not None:
                result.append(joined)
                i += 2
                continue
            joined = _closed(words, None, item)
            if joined is not None:
                if result and result[-1][0].end > joined[0].start:
                    result.pop()  # "samedi" of "samedi 13 au dimanche 15 juillet", matched alone
                result.append(joined)
                i += 1
                continue
        opened = _open(words, item)
        result.append(opened if opened is not None else _qualified(doc, item))
        i += 1
    joined_days: list[Item] = []
    for item in result:
        merged = _day_time(words, joined_days[-1], item) if joined_days else None
        if merged is not None:
            joined_days[-1] = merged
        else:
            joined_days.append(item)
    return joined_days

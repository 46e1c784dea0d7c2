"""Relative dates, durations and recurrences: "hier", "ce jeudi", "l'an dernier", "il y a trois
ans", "sur 3 ans", "chaque jeudi", "par an"."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from spacy.language import Language
from spacy.tokens import Span

from plan_extract.dims.date.clock import DURATION_PREPOSITIONS, GLUED_RE as CLOCK_GLUED_RE, HOUR_WORDS, is_clock_context
from plan_extract.dims.date.context import is_age, prev_token
from plan_extract.dims.date.lexicon import (
    IN, LEXICON, MONTHS, PERIOD, SHIFT, THIS, UNIT, UNITS, WEEKDAY, WEEKDAYS, fold, lower, phrase_pattern,
)
from plan_extract.dims.date.resolve import Point, Time, day_point, period_point, shift_date
from plan_extract.dims.numeral import NUMBER, SPACE, numeral_in
from plan_extract.dims.numeral.parse import LEXICON as NUMERAL_LEXICON
from plan_extract.dims.numeral.parse import normalise
from plan_extract.grammar import DE, LINKS, SINGULAR_ARTICLES
from plan_extract.rules import Rule, Value

# "un", "une": the articles that count one ("un an", "une semaine").
ARTICLES = sorted(NUMERAL_LEXICON.articles)
# "ces dernières semaines", "les mois à venir".
VAGUE = LEXICON.vague_interval
# Words that may follow "la veille" / "le lendemain" used as times: "la veille du scrutin", "le lendemain, ...".
ANCHOR_LINKS = LINKS | set(LEXICON.anchored_day_followers.words)
# "la veille du scrutin", "le lendemain de la visite": anchored on an event, not on a date.
EVENT_LINKS = LINKS
DAY_PART = IN(LEXICON.day_part.words, "?")
# Units that a clock preposition makes a time of day ("à 14 heures"); "à trois secondes près" is not.
TIME_UNITS = {w for w, u in UNITS.items() if u.time and u.grain != "second"}


def _date(point: object, **extra: object) -> Value:
    return {"time": Time("date", start=point, **extra)}


def relative_day(span: Span) -> Value:
    """ "aujourd'hui", "hier", "hier soir", "après-demain", "avant hier"."""
    first = lower(span[0].text)
    offset = LEXICON.relative_day.get(first)
    if offset is None:
        offset = LEXICON.relative_day_phrases[f"{first} {lower(span[1].text)}"]
    return _date(lambda doc: day_point(doc + dt.timedelta(days=offset)))


def anchored_day(span: Span) -> Value | None:
    """ "le lendemain", "la veille": the day after or before the day the text last named (placed
    by `DateExtractor`); "la veille du scrutin", anchored on an event, keeps no value.

    Not "la veille saisonnière" (a watch) nor "une veille": only a definite article before and no
    adjective after.
    """
    before, after = prev_token(span), span.doc[span.end] if span.end < len(span.doc) else None
    if before is None or lower(before.text) not in SINGULAR_ARTICLES:
        return None
    if after is not None and after.is_alpha and after.text.islower() and lower(after.text) not in ANCHOR_LINKS:
        return None
    value: Value = {"time": Time("date", vague=True, grain="day"), "article": True}
    if after is None or lower(after.text) not in EVENT_LINKS:
        value["anchored"] = LEXICON.anchored_day[lower(span[0].text)]
    return value


def this_weekday(span: Span) -> Value:
    """ "ce jeudi", "jeudi", "jeudi soir": that day in the document's week (Monday to Sunday)."""
    weekday = next(WEEKDAYS[lower(t.text)] for t in span if lower(t.text) in WEEKDAYS)
    return _date(lambda doc: day_point(doc + dt.timedelta(days=weekday - doc.isoweekday())))


def shifted_weekday(span: Span) -> Value:
    """ "jeudi dernier": the last Thursday before the document date; "jeudi prochain" the next."""
    weekday = WEEKDAYS[lower(span[0].text)]
    step = LEXICON.shift[lower(span[-1].text)]

    def relative(doc: dt.date) -> Point:
        delta = (weekday - doc.isoweekday()) % 7
        if step < 0:
            return day_point(doc - dt.timedelta(days=(7 - delta) if delta else 7))
        return day_point(doc + dt.timedelta(days=delta or 7))
    return _date(relative)


def _week(step: int, weekend: bool = False) -> Value:
    """A week as the interval of its days, Monday to Sunday ("la semaine dernière"), `step` weeks
    from the document's; a weekend as its Saturday and Sunday ("ce week-end")."""
    def monday(doc: dt.date) -> dt.date:
        return doc - dt.timedelta(days=doc.weekday()) + dt.timedelta(weeks=step)

    return {"time": Time("interval", start=lambda doc: day_point(monday(doc) + dt.timedelta(days=5 if weekend else 0)),
                         end=lambda doc: day_point(monday(doc) + dt.timedelta(days=6)))}


def _weekend(step: int) -> Value:
    """ "le week-end prochain": the first Saturday and Sunday after the document date, as
    "samedi prochain" is the first Saturday after it; "le week-end dernier" the last ones before
    it (on a Sunday, the weekend before this one)."""
    def saturday(doc: dt.date) -> dt.date:
        if step > 0:
            return doc + dt.timedelta(days=(6 - doc.isoweekday()) % 7 or 7)
        return doc - dt.timedelta(days=(doc.isoweekday() - 6) % 7 + (7 if doc.isoweekday() >= 6 else 0))

    return {"time": Time("interval", start=lambda doc: day_point(saturday(doc)),
                         end=lambda doc: day_point(saturday(doc) + dt.timedelta(days=1)))}


def _period(grain: str, step: int = 0) -> Value:
    """The period of `grain` holding the document date, moved by `step` periods."""
    if grain == "weekend" and step:
        return _weekend(step)
    if grain in ("week", "weekend"):
        return _week(step, weekend=grain == "weekend")
    return _date(lambda doc: period_point(shift_date(doc, step, grain), grain))


def this_period(span: Span) -> Value | None:
    """ "cette année", "ce mois-ci", "cette semaine", "ce trimestre", "ce soir", "ce jour"."""
    word = lower(span[1].text)
    if word in LEXICON.day_part.words:
        return _date(day_point)
    return _period(LEXICON.period[word])


def this_month(span: Span) -> Value:
    """ "ce mois de septembre", "cette septembre" (sic): that month of the document's year,
    whether it is past or to come."""
    word = lower(span[-1].text)
    if len(span) == 2 and not span[-1].text.islower() and word in LEXICON.name_months.words:
        return None  # "ce Mars": a name
    month = MONTHS[word]
    return _date(lambda doc: Point("month", doc.year, month))


def this_season(span: Span) -> Value:
    """ "cet été", "cet automne": the season of the document's year."""
    code = LEXICON.season[lower(span[1].text)]
    return _date(lambda doc: Point("season", doc.year, code=code))


def shifted_period(span: Span) -> Value:
    """ "an dernier", "semaine prochaine", "mois dernier", "année précédente" (the article stays
    out of the span), "week-end dernier". "précédent" and "suivant" count from the date the
    sentence last named, when there is one (see `DateExtractor`)."""
    grain = LEXICON.period["".join(t.text_with_ws for t in span[:-1]).strip().lower()]
    step = LEXICON.shift[lower(span[-1].text)]
    return {**_period(grain, step), "article": True, "grain": grain}


def current_period(span: Span) -> Value:
    """ "année en cours", "mois en cours"."""
    return _period(LEXICON.period[lower(span[0].text)])


def today_phrase(span: Span) -> Value:
    """ "dans la journée", "à ce jour": the document's day."""
    return _date(day_point)


def vague_time(span: Span) -> Value:
    """ "bientôt", "prochainement": a date the text does not give."""
    return {"time": Time("date", vague=True, grain=None)}


def _amount(span: Span) -> Decimal | None:
    """The number counting the unit: digits, words, "un"/"une", plus "et demi"."""
    numeral = numeral_in(span)
    if numeral is not None:
        amount = Decimal(numeral._.numeral["value"])
    elif any(lower(t.text) in ARTICLES for t in span):
        amount = Decimal(1)
    else:
        return None
    if lower(span[-1].text) in LEXICON.half.words:
        amount += Decimal("0.5")
    return amount


def _unit_token(span: Span) -> str | None:
    return next((lower(t.text) for t in reversed(span) if lower(t.text) in UNITS), None)


def iso_duration(amount: Decimal, unit_word: str) -> str:
    """ISO 8601 duration: (3, "ans") -> "P3Y", (48, "heures") -> "PT48H", (2, "trimestres") -> "P6M".

    >>> iso_duration(Decimal("4.5"), "ans")
    'P4.5Y'
    """
    unit = UNITS[unit_word]
    number = normalise(amount * unit.factor)
    return f"PT{number}{unit.designator}" if unit.time else f"P{number}{unit.designator}"


def duration(span: Span) -> Value | None:
    """ "3 ans", "six mois", "48 heures", "un an et demi", "4,5 ans"; not "à 14 heures"."""
    unit_word = _unit_token(span)
    amount = _amount(span)
    if unit_word is None or amount is None or amount <= 0:
        return None
    if unit_word in TIME_UNITS and is_clock_context(span):
        return None
    if UNITS[unit_word].grain in ("year", "month") and is_age(span, float(amount)):
        return None  # an age is a quantity: "les moins de 25 ans", "une femme de 30 ans"
    if span[0].lower_ in ARTICLES and unit_word not in LEXICON.article_units.words:
        return None
    return {"time": Time("duration", duration=iso_duration(amount, unit_word), grain=UNITS[unit_word].grain),
            "amount": amount, "unit": unit_word}


def glued_hours(span: Span) -> Value | None:
    """ "48h", "72h": hours glued to their number; "à 14h" is a clock time."""
    if is_clock_context(span):
        return None
    hours = Decimal(span.text[:-1])
    return {"time": Time("duration", duration=f"PT{normalise(hours)}H", grain="hour"), "amount": hours, "unit": "h"}


def hours_minutes(span: Span) -> Value | None:
    """ "1 h 30", "2 heures 15 minutes", "pendant 1h30": a duration in hours and minutes; after a
    clock preposition ("à 9 h 30") or glued without a duration preposition ("dès 9h30", "le
    rendez-vous de 9h30"), a time of day (see `clock`)."""
    if is_clock_context(span):
        return None
    if len(span) == 1:
        before = prev_token(span)
        if before is None or lower(before.text) not in DURATION_PREPOSITIONS:
            return None
        m = CLOCK_GLUED_RE.match(span.text)
        if m is None or m.group(2) is None:
            return None
        hours, minutes = int(m.group(1)), int(m.group(2))
    else:
        digits = [int(t.text) for t in span if t.text.isdigit()]
        hours, minutes = digits[0], digits[1]
    if not hours or not 0 < minutes < 60:
        return None
    return {"time": Time("duration", duration=f"PT{hours}H{minutes}M", grain="minute"),
            "amount": Decimal(hours * 60 + minutes), "unit": "minutes"}


# "3jours", "3,5ans": a number glued to a unit word of two letters or more ("48h" has its own rule).
GLUED_UNITS = sorted((w for w in UNITS if len(w) > 1 and w.isalpha()), key=len, reverse=True)
GLUED_RE = re.compile(rf"^(\d+(?:[.,]\d+)?)({'|'.join(GLUED_UNITS)})$")


def glued_duration(span: Span) -> Value | None:
    """ "3jours", "3,5ans", "10heures": a duration written without a space."""
    m = GLUED_RE.match(lower(span.text))
    if m is None or (UNITS[m.group(2)].time and is_clock_context(span)):
        return None
    amount = Decimal(m.group(1).replace(",", "."))
    if amount <= 0:
        return None
    return {"time": Time("duration", duration=iso_duration(amount, m.group(2)), grain=UNITS[m.group(2)].grain),
            "amount": amount, "unit": m.group(2)}


# "toute la journee": the unit words of "toute la journée" also typed without their accent.
WHOLE_UNITS = {fold(w): w for w in LEXICON.whole_period.words} | {w: w for w in LEXICON.whole_period.words}


def whole_period(span: Span) -> Value | None:
    """ "toute la journée", "toute la semaine", "tout le mois", "toute l'année", "tout le jour":
    one unit of time; "tout le mois de mars" names the month instead."""
    after = span.doc[span.end] if span.end < len(span.doc) else None
    if after is not None and lower(after.text) in DE:
        return None
    unit = WHOLE_UNITS[lower(span[-1].text)]
    return {"time": Time("duration", duration=iso_duration(Decimal(1), unit), grain=UNITS[unit].grain),
            "amount": Decimal(1), "unit": unit}


def throughout_year(span: Span) -> Value:
    """ "tout au long de l'année (2024)": the months of that year, January to December. Without
    a year it is the year the sentence last named ("L'exercice 2022 … tout au long de l'année"),
    else the document's (see `DateExtractor`)."""
    last = span[-1].text
    if last.isdigit():
        year = int(last)
        start, end = Point("month", year, 1), Point("month", year, 12)
    else:
        start, end = (lambda doc: Point("month", doc.year, 1)), (lambda doc: Point("month", doc.year, 12))
    return {"time": Time("interval", start=start, end=end), "grain": "year", "anaphoric": not last.isdigit()}


def half_unit(span: Span) -> Value | None:
    """ "une demi-journée", "une demi-heure", "un demi-siècle", "demi an": half a unit."""
    unit_word = lower(span[-1].text).removeprefix("demi-")
    if unit_word not in UNITS:
        return None
    unit = UNITS[unit_word]
    # Half an hour is written in minutes (PT30M); half of a larger unit keeps it (P0.5D).
    duration = "PT30M" if unit.grain == "hour" else iso_duration(Decimal("0.5"), unit_word)
    return {"time": Time("duration", duration=duration, grain=unit.grain),
            "amount": Decimal("0.5"), "unit": unit_word}


def vague_duration(span: Span) -> Value:
    """ "quelques jours", "plusieurs mois": a duration without a value."""
    return {"time": Time("duration", vague=True, grain=UNITS[lower(span[-1].text)].grain)}


def later_or_earlier(span: Span) -> Value | None:
    """ "trois jours plus tard", "deux jours auparavant": counted from the day the text last named
    (placed by `DateExtractor`); "quelques heures auparavant" has no value."""
    unit_word = _unit_token(span)
    if unit_word is None:
        return None
    grain = UNITS[unit_word].grain
    vague = any(lower(t.text) in LEXICON.vague_count.words for t in span)
    if not vague and grain not in ("day", "week"):
        return None  # "six mois plus tard": the duration is what the text gives
    value: Value = {"time": Time("date", vague=True, grain="day" if grain in ("day", "week") else grain)}
    amount = None if vague else _amount(span)
    if amount is not None and grain in ("day", "week") and amount == amount.to_integral_value():
        sign = -1 if lower(span[-1].text) in LEXICON.relative_shift.before else 1
        value["anchored"] = sign * int(amount) * (7 if grain == "week" else 1)
    return value


def vague_interval(span: Span) -> Value:
    """ "ces dernières semaines", "les mois à venir", "les prochaines années": a stretch of time
    next to the document date, with no value."""
    return {"time": Time("interval", vague=True, grain=UNITS[_unit_token(span) or "ans"].grain)}


def ago(span: Span) -> Value | None:
    """ "il y a trois ans" -> the document year minus 3; "il y a quelques jours" -> no value."""
    unit_word = _unit_token(span)
    if unit_word is None:
        return None
    grain = UNITS[unit_word].grain
    if any(lower(t.text) in LEXICON.vague_count.words for t in span):
        return {"time": Time("date", vague=True, grain=grain)}
    amount = _amount(span)
    if amount is None:
        return None
    sign = 1 if lower(span[0].text) in {w[0] for w in LEXICON.after_now.words} else -1
    # A count of years in the past names a year ("il y a dix ans" -> 2013); a count of months,
    # weeks or days names a day ("dans deux mois" -> the day two months after the document date).
    # A deadline ("dans trois ans") is counted to the day.
    shown = "year" if grain in ("year", "decade", "century") and sign < 0 else "day"
    return _date(lambda doc: period_point(shift_date(doc, sign * float(amount), grain), shown))


def last_n(span: Span) -> Value | None:
    """ "trois derniers mois", "les dernières 24 heures" -> from three months before the
    document date to it; "les 3 prochaines semaines" -> the 21 days after the document date."""
    unit_word = _unit_token(span)
    amount = _amount(span)
    if unit_word is None or amount is None:
        return None
    grain = UNITS[unit_word].grain
    if grain in ("hour", "minute", "second"):
        return None  # "les dernières 24 heures": a stretch of hours, not of days
    before = prev_token(span)
    if lower(span[0].text) in LEXICON.shift and before is not None and \
            lower(before.text) in (*LEXICON.period, *UNITS, *WEEKDAYS, *MONTHS, *LEXICON.season):
        return None  # "le mois dernier 3 jours de grève": "dernier" belongs to "le mois"
    step = next(LEXICON.shift[lower(t.text)] for t in span if lower(t.text) in LEXICON.shift)
    if lower(span[0].text) in LEXICON.anaphoric_shift.words or lower(span[-2].text) in LEXICON.anaphoric_shift.words:
        return None  # "les trois mois suivants" count from a date of the text
    if step < 0:
        return {"time": Time("interval", start=lambda doc: day_point(shift_date(doc, -float(amount), grain)),
                             end_now=True)}
    return {"time": Time("interval", start=lambda doc: day_point(doc + dt.timedelta(days=1)),
                         end=lambda doc: day_point(shift_date(doc, float(amount), grain)))}


def _set(period: str, anchor: str | None = None) -> Value:
    return {"time": Time("set", duration=period, anchor=anchor, grain=None)}


def _period_of(word: str, count: Decimal = Decimal(1)) -> tuple[str, str | None] | None:
    """The ISO period and the anchor of what recurs: "an" -> P1Y, "jeudi" -> P1W anchored on jeudi."""
    if word in UNITS:
        return iso_duration(count, word), None
    if word in WEEKDAYS:
        singular = next(w for w, n in WEEKDAYS.items() if n == WEEKDAYS[word] and not w.endswith("s"))
        return f"P{normalise(count)}W", singular
    if word in LEXICON.season or word in LEXICON.named_month:
        return f"P{normalise(count)}Y", word
    if word in LEXICON.day_part.words:
        return f"P{normalise(count)}D", word
    if word in LEXICON.period:
        return _period_of({"week-end": "semaine"}.get(word, word), count) if word != "week-end" else ("P1W", word)
    if word in LEXICON.month:
        return f"P{normalise(count)}Y", word
    return None


def recurrence(span: Span) -> Value | None:
    """ "chaque année", "tous les deux ans", "tous les jeudis", "par an", "chaque jeudi"."""
    numeral = numeral_in(span)
    count = Decimal(numeral._.numeral["value"]) if numeral is not None else Decimal(1)
    found = _period_of(lower(span[-1].text), count)
    if found is None:
        return None
    period, anchor = found
    return _set(period, anchor)


def recurrence_phrase(span: Span) -> Value:
    """ "chaque week-end" -> P1W with its anchor."""
    phrase = "".join(t.text_with_ws for t in span[1:]).strip().lower()
    return _set(LEXICON.recurrence.phrases[phrase], phrase)


def this_phrase(span: Span) -> Value:
    """ "ce week-end": the Saturday and Sunday of the document's week."""
    return _week(0, weekend=True)


def set_adverb(span: Span) -> Value:
    """ "annuellement", "quotidiennement", "annuel", "mensuelle"."""
    word = lower(span[0].text)
    return _set(LEXICON.recurrence.adverbs.get(word) or LEXICON.recurrence.adjectives[word])


def per_slash(span: Span) -> Value:
    """ "/an" in "300 €/an", "/ jour" in "0,21 €/jour/m2": a rate's period."""
    return _set(LEXICON.recurrence.slash_units[lower(span.text).lstrip("/").strip()])


FRACTION = {"_": {"numeral_form": {"IN": ["fraction"]}}, "OP": "+"}


def relative_rules(nlp: Language) -> list[Rule]:
    """Rules for relative dates, durations and recurrences."""
    number_or_article = {"LOWER": {"IN": ARTICLES}}
    half = [IN(["et"]), IN(LEXICON.half.words)]
    ago_words = [IN([w]) for w in LEXICON.ago.words[0]]
    ago_glued = [IN([w]) for w in LEXICON.ago.words[1]]
    after_words = [IN([w]) for w in LEXICON.after_now.words[0]]
    recur_words = sorted({*UNITS, *WEEKDAYS, *LEXICON.season, *LEXICON.day_part.words, *LEXICON.period,
                          *LEXICON.named_month})
    rules = [
        Rule("<relative day> <day part>?", [IN(LEXICON.relative_day), DAY_PART], relative_day),
        *[Rule(f"{phrase} <day part>?", [*phrase_pattern(nlp, phrase), DAY_PART], relative_day)
          for phrase in LEXICON.relative_day_phrases],
        Rule("<anchored day>", [IN(LEXICON.anchored_day)], anchored_day),
        Rule("ce <weekday> <day part>?", [THIS, WEEKDAY, DAY_PART], this_weekday),
        Rule("<weekday> <day part>?", [WEEKDAY, DAY_PART], this_weekday),
        Rule("<weekday> <shift>", [WEEKDAY, SHIFT], shifted_weekday),
        Rule("ce <period>", [THIS, IN([*LEXICON.period, *LEXICON.day_part.words]),
                             IN(LEXICON.this.suffix, "?")], this_period),
        Rule("ce <period>-ci", [THIS, PERIOD, IN(["-"]), IN(["ci"])], this_period),
        Rule("cet <season>", [THIS, IN(LEXICON.season)], this_season),
        Rule("ce <month>", [THIS, IN(["mois"], "?"), IN(DE, "?"), IN(LEXICON.month)], this_month),
        Rule("<period> <shift>", [PERIOD, SHIFT], shifted_period),
        *[Rule(f"{word} <shift>", [*phrase_pattern(nlp, word), SHIFT], shifted_period)
          for word in LEXICON.period if len(nlp.make_doc(word)) > 1],  # "week-end dernier"
        Rule("<period> en cours", [PERIOD, IN(["en"]), IN(["cours"])], current_period),
        Rule("dans la journée", [IN(["dans"]), IN(["la"]), IN(["journée"])], today_phrase),
        Rule("<vague adverb>", [IN(LEXICON.vague_time.words)], vague_time),
        Rule("<number> <unit>", [NUMBER, SPACE, UNIT], duration),
        Rule("<number> <unit> et demi", [NUMBER, SPACE, UNIT, *half], duration),
        Rule("un <unit>", [number_or_article, UNIT], duration),
        Rule("un <unit> et demi", [number_or_article, UNIT, *half], duration),
        Rule("<number>h", [{"LOWER": {"REGEX": r"^\d{1,3}h$"}}], glued_hours),
        Rule("<number> h <mm> (duration)", [{"TEXT": {"REGEX": r"^\d{1,3}$"}}, SPACE, IN(HOUR_WORDS),
                                            {"TEXT": {"REGEX": r"^[0-5]\d$"}}, IN(LEXICON.minute_words.words, "?")],
             hours_minutes),
        Rule("<number>h<mm> (duration)", [{"TEXT": {"REGEX": CLOCK_GLUED_RE.pattern}}], hours_minutes),
        # "un quart d'heure", "trois quarts d'heure", "1 ½ heure", "quatre centièmes de seconde".
        Rule("<fraction> (de) <unit>", [FRACTION, SPACE, IN(DE, "?"), IN(LEXICON.fraction_units.words)], duration),
        Rule("<number><unit>", [{"LOWER": {"REGEX": GLUED_RE.pattern}}], glued_duration),
        Rule("toute la <unit>", [IN(LEXICON.whole_period.determiners), IN(SINGULAR_ARTICLES), IN(WHOLE_UNITS)],
             whole_period),
        Rule("tout au long de l'année <year>?",
             [IN(["tout"]), IN(["au"]), IN(["long"]), IN(["de"]), IN(["l'"]), IN(["année"]),
              {"TEXT": {"REGEX": r"^(1[89]\d\d|20\d\d)$"}, "OP": "?"}], throughout_year),
        Rule("une demi-<unit>", [{"LOWER": {"IN": ARTICLES}, "OP": "?"},
                                 {"LOWER": {"REGEX": rf"^demi-({'|'.join(sorted(UNITS))})$"}}], half_unit),
        Rule("un demi <unit>", [{"LOWER": {"IN": ARTICLES}, "OP": "?"}, IN(["demi"]), IN(["-"], "?"), UNIT], half_unit),
        Rule("quelques <unit>", [IN(LEXICON.vague_count.words), UNIT], vague_duration),
        Rule("<number> <unit> plus tard", [{"LOWER": {"IN": [*ARTICLES, *LEXICON.vague_count.words]}, "OP": "?"},
                                          {**NUMBER, "OP": "*"}, SPACE, UNIT,
                                          *[IN([w]) for w in LEXICON.relative_shift.later]], later_or_earlier),
        Rule("<number> <unit> plus tôt", [{"LOWER": {"IN": [*ARTICLES, *LEXICON.vague_count.words]}, "OP": "?"},
                                         {**NUMBER, "OP": "*"}, SPACE, UNIT,
                                         *[IN([w]) for w in LEXICON.relative_shift.earlier]], later_or_earlier),
        Rule("<number> <unit> auparavant", [{"LOWER": {"IN": [*ARTICLES, *LEXICON.vague_count.words]}, "OP": "?"},
                                           {**NUMBER, "OP": "*"}, SPACE, UNIT, IN(LEXICON.relative_shift.before)],
             later_or_earlier),
        Rule("ces dernières semaines", [IN(VAGUE.determiners), IN(VAGUE.shifts), IN(VAGUE.words)], vague_interval),
        Rule("les mois à venir", [IN(VAGUE.determiners), IN(VAGUE.words), IN(["à"]), IN(["venir"])],
             vague_interval),
        Rule("il y a <duration>", [*ago_words, {"OP": "?", "LOWER": "à"},
                                   {"OP": "*", "IS_ALPHA": True, "LOWER": {"IN": LEXICON.ago_approx.words}},
                                   {"LOWER": {"IN": [*ARTICLES, *LEXICON.vague_count.words]}, "OP": "?"},
                                   {**NUMBER, "OP": "*"}, SPACE, UNIT], ago),
        Rule("il ya <duration>", [*ago_glued, {"LOWER": {"IN": [*ARTICLES, *LEXICON.vague_count.words]}, "OP": "?"},
                                  {**NUMBER, "OP": "*"}, SPACE, UNIT], ago),
        Rule("dans <duration>", [*after_words, {"LOWER": {"IN": ARTICLES}, "OP": "?"}, {**NUMBER, "OP": "*"}, SPACE,
                                           UNIT], ago),
        Rule("<number> derniers <unit>", [NUMBER, SPACE, SHIFT, UNIT], last_n),
        Rule("dernières <number> <unit>", [SHIFT, NUMBER, SPACE, UNIT], last_n),
        Rule("chaque <period>", [IN(LEXICON.recurrence.each), IN(recur_words)], recurrence),
        Rule("par <unit>", [IN(LEXICON.recurrence.per), IN([*UNITS, *LEXICON.period])], recurrence),
        Rule("<adverb>", [IN(LEXICON.recurrence.adverbs)], set_adverb),
        Rule("<adjective>", [IN(LEXICON.recurrence.adjectives)], set_adverb),
        Rule("/an", [IN([f"/{w}" for w in LEXICON.recurrence.slash_units])], per_slash),
        Rule("/ an", [IN(["/"]), IN(LEXICON.recurrence.slash_units)], per_slash),
    ]
    for phrase in LEXICON.recurrence.phrases:
        tokens = phrase_pattern(nlp, phrase)
        rules.append(Rule(f"chaque {phrase}", [IN(LEXICON.recurrence.each), *tokens], recurrence_phrase))
        rules.append(Rule(f"ce {phrase}", [THIS, *tokens], this_phrase))
    for phrase in LEXICON.recurrence.every:  # "tous les", "toutes les"
        words = [IN([w]) for w in phrase.split()]
        rules.append(Rule(f"{phrase} <number>? <period>",
                          [*words, {**NUMBER, "OP": "*"}, SPACE, IN(recur_words)], recurrence))
    return rules

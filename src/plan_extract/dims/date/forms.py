"""Days written in other orders and spellings than "12 janvier 2023": month first ("Oct. 2",
"novembre 23 de 1987"), glued with digits ("23/Sep/2020", "Sep-23-2020", "2020/Sep/23"), in
words ("le quatre octobre", "mai vingt et un", "en dix-neuf cent soixante-douze") and as ordinals
("le deuxième d'août", "août deuxième").

French press puts the day before its month; these orders come from forms, tables, translations
and speech. A day written after its month, without a year, is read only where nothing may follow
it as a count: at the end of a clause ("reportée à octobre 2." is a day, "en novembre 19 communes"
a count).
"""

from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Span, Token

from plan_extract.dims.date.context import in_street_name, next_token, prev_token
from plan_extract.dims.date.lexicon import ANY_MONTH, DOT, IN, LEXICON, MONTH, MONTHS, SHIFT, YEAR, fold, lower
from plan_extract.dims.date.resolve import Point, Time, add_months, day_point, nth_weekday
from plan_extract.dims.numeral.parse import LEXICON as NUMERAL_LEXICON
from plan_extract.dims.numeral.parse import parse_words
from plan_extract.grammar import DE
from plan_extract.rules import Rule, Value

# Month words as they appear glued to digits: names and abbreviations, without their dot.
_MONTH_FORMS = sorted({w.rstrip(".") for w in ANY_MONTH}, key=len, reverse=True)
_MONTH_ALT = "|".join(re.escape(w) for w in _MONTH_FORMS)
_PART = rf"(?:\d{{1,4}}|{_MONTH_ALT})"
# "23/Sep/2020", "Sep-23-2020", "septembre-2020-23", "Oct-2", "2-oct.": parts of one glued form.
GLUED_RE = re.compile(rf"^(?P<a>{_PART})\.?(?P<sep>[-/.])(?P<b>{_PART})\.?(?:(?P=sep)(?P<c>{_PART})\.?)?$")
_PIECE = rf"{_PART}\.?(?:[-/.]{_PART}\.?)*[-/.]?"
# One token ("Oct-2", "23/Sep/2020" when the tokenizer keeps it whole) holds a separator; several
# tokens ("Sep-23" "-" "2020") have a separator of their own as the second token.
GLUED_TOKEN = {"LOWER": {"REGEX": rf"^(?:{_PART}\.?[-/.])+{_PART}\.?$"}}
FIRST_PIECE = {"LOWER": {"REGEX": rf"^(?:{_PIECE})$"}}
SEPARATOR = {"ORTH": {"IN": ["-", "/", "."]}}
NEXT_PIECE = {"LOWER": {"REGEX": rf"^(?:[-/.]|{_PIECE})$"}, "OP": "?"}
MONTH_DOT_YY_RE = re.compile(r"^[^\W\d]+\.-\d\d$")
YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d)$")
DAY_RE = re.compile(r"^(0?[1-9]|[12]\d|3[01])$")

# Words of a number in letters, alone or joined by hyphens ("vingt-neuf", "dix-neuf").
_NUMBER_WORDS = [*NUMERAL_LEXICON.words, *NUMERAL_LEXICON.articles, *NUMERAL_LEXICON.joiners, "mil"]
_NUMBER_ALT = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
NUMBER_WORD = {"LOWER": {"REGEX": rf"^(?:{_NUMBER_ALT})(?:-(?:{_NUMBER_ALT}))*$"}}
# Clause ends after a year-less day written after its month.
CLAUSE_END = {".", "!", "?", ";", ":", ",", ")", "»", "…"}
# Words before a month that make a number after it something else: "en novembre 19 communes".
NOT_BEFORE = set(LEXICON.month_day.not_before)
# Number words that are no day on their own: "et", "un", "une".
NOT_ALONE = frozenset([*NUMERAL_LEXICON.joiners, *NUMERAL_LEXICON.articles])
# Links between a day in letters with its month and the year: "premier mai en 2024".
YEAR_LINKS = LEXICON.day_in_words.year_links
# Words before a day in letters that make it a day: "le quatre octobre", "du vingt mai".
DAY_ARTICLES = set(LEXICON.day_determiners.words)
# Ordinal endings: "deuxième", "deuxieme", "vingt et unième".
ORDINAL_END_RE = re.compile(r"i[eè]me$")
# Stems whose cardinal is not the stem plus "e" ("cinquième", "neuvième").
ORDINAL_STEMS = LEXICON.ordinal_day.stems


_FOLDED_MONTHS = {fold(w.rstrip(".")): n for w, n in ANY_MONTH.items()}


def _month(word: str) -> int | None:
    return _FOLDED_MONTHS.get(fold(word.rstrip(".")))


def _date(point: Point) -> Value:
    return {"time": Time("date", start=point)}


def _valid_day(year: int | None, month: int, day: int) -> bool:
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: "29 février" stays valid
    except ValueError:
        return False
    return True


def _at_clause_end(span: Span) -> bool:
    """Nothing after `span` but a punctuation mark or the end of the line."""
    after = next_token(span)
    return after is None or after.text in CLAUSE_END or "\n" in after.text


def _name_month(token: Token) -> bool:
    """ "Mars" or "Mai" with a capital may be a name ("la sonde Mars 2")."""
    return not token.text.islower() and lower(token.text) in LEXICON.name_months.words


def glued_day(span: Span) -> Value | None:
    """A day glued to a month word and, maybe, a year, in any order: "23/Sep/2020",
    "Sep-23-2020", "2020/Sep/23", "septembre-2020-23", "Oct-2", "23-sept."; never inside a
    street name ("place du 19-Mars-1962")."""
    if any(t.whitespace_ for t in span[:-1]) or in_street_name(span):
        return None
    m = GLUED_RE.match(lower(span.text))
    if m is None:
        return None
    parts = [p for p in (m.group("a"), m.group("b"), m.group("c")) if p is not None]
    months = [_month(p) for p in parts if not p.isdigit()]
    numbers = [p for p in parts if p.isdigit()]
    if len(months) != 1 or months[0] is None:
        return None
    month = months[0]
    years = [int(n) for n in numbers if YEAR_RE.match(n)]
    days = [int(n) for n in numbers if DAY_RE.match(n)]
    if len(numbers) == 2:
        if len(years) != 1 or len(days) != 1 or years[0] == days[0]:
            return None
        year, day = years[0], days[0]
    elif len(days) == 1:
        # "Oct-2", "2-oct.": a day. Not "sept-2" (two numbers), nor "oct.-20", a month and its
        # year as spreadsheets print them.
        if parts[0] == "sept" and not lower(span.text).startswith("sept.") or MONTH_DOT_YY_RE.match(lower(span.text)):
            return None
        year, day = None, days[0]
    else:
        return None
    if not _valid_day(year, month, day):
        return None
    return _date(Point("day", year, month, day))


def month_first_day(span: Span) -> Value | None:
    """ "Oct. 2", "novembre 23 de 1987", "Nov 5, 2020": a day after its month. Without a year,
    only at the end of a clause and after no word that makes the number a count or a year
    ("en novembre 19 communes")."""
    month_token = span[0]
    word = lower(month_token.text)
    has_dot = any(t.text == "." for t in span)
    if has_dot and word in MONTHS:
        return None  # "octobre. 2": a full stop, not an abbreviation's dot
    if word == "sept" or in_street_name(span):
        return None  # "sept 2" is two numbers
    day_token = next(t for t in span if t.text.isdigit())
    day = int(day_token.text)
    if not span[-1].text.isdigit():
        return None  # "novembre 23 de": the year is missing
    year = int(span[-1].text) if span[-1].i != day_token.i and YEAR_RE.match(span[-1].text) else None
    if year is None:
        before = prev_token(span)
        if not _at_clause_end(span) or (before is not None and (lower(before.text) in NOT_BEFORE or before.is_digit)):
            return None
        if _name_month(month_token) and (before is None or before.pos_ not in ("VERB", "AUX")):
            return None
    month = ANY_MONTH[word]
    if not _valid_day(year, month, day):
        return None
    return _date(Point("day", year, month, day))


def _number_value(tokens: list[Token]) -> int | None:
    """The value of number words ("vingt et un", "vingt-neuf"), or None."""
    if not tokens or lower(tokens[0].text) in NOT_ALONE and len(tokens) == 1:
        return None
    value = parse_words(" ".join(lower(t.text) for t in tokens))
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def _year_words(tokens: list[Token]) -> int | None:
    """A year in letters: "deux mille seize", "mil neuf cent soixante-douze", "dix-neuf cent
    soixante-douze", or spoken as two numbers "dix-neuf soixante-douze"."""
    value = _number_value(tokens)
    if value is not None and 1000 <= value <= 2100:
        return value
    for cut in range(1, len(tokens)):
        century, rest = _number_value(tokens[:cut]), _number_value(tokens[cut:])
        if century in (19, 20) and rest is not None and 10 <= rest <= 99:
            return century * 100 + rest
    return None


def words_day_month(span: Span) -> Value | None:
    """ "le quatre octobre", "le vingt et un mai deux mille seize", "le quatre octobre à dix-neuf
    soixante-douze": a day in letters before its month, after an article or a weekday ("les
    quatre mai" is no date)."""
    before = prev_token(span)
    if before is None or (lower(before.text) not in DAY_ARTICLES and lower(before.text) not in LEXICON.weekday):
        return None
    if in_street_name(span):
        return None
    tokens = list(span)
    month_at = next(i for i, t in enumerate(tokens) if lower(t.text) in MONTHS)
    day = _number_value(tokens[:month_at])
    if day is None or not 1 <= day <= 31:
        return None
    rest = tokens[month_at + 1:]
    if rest and lower(rest[0].text) in YEAR_LINKS:
        rest = rest[1:]
        if not rest:
            return None
    year = None
    if rest:
        year = int(rest[0].text) if len(rest) == 1 and YEAR_RE.match(rest[0].text) else _year_words(rest)
        if year is None:
            return None
    month = MONTHS[lower(tokens[month_at].text)]
    if not _valid_day(year, month, day):
        return None
    return _date(Point("day", year, month, day))


def month_words_day(span: Span) -> Value | None:
    """ "mai vingt et un", "octobre vingt-neuf": a day in letters after its month, at the end
    of a clause."""
    tokens = list(span)
    day = _number_value(tokens[1:])
    if day is None or not 1 <= day <= 31 or not _at_clause_end(span) or in_street_name(span):
        return None
    before = prev_token(span)
    if before is not None and lower(before.text) in NOT_BEFORE:
        return None
    if _name_month(tokens[0]) and (before is None or before.pos_ not in ("VERB", "AUX")):
        return None
    month = MONTHS[lower(tokens[0].text)]
    return _date(Point("day", None, month, day)) if _valid_day(None, month, day) else None


def ordinal_day(words: list[str]) -> int | None:
    """The day an ordinal in letters names: "premier" 1, "seconde" 2, "deuxième" 2,
    "vingt et unième" 21, "trentième" 30.

    >>> ordinal_day(["vingt", "et", "unième"])
    21
    """
    text = " ".join(fold(w) for w in words)
    if text in IRREGULAR_ORDINALS:
        return IRREGULAR_ORDINALS[text]
    if not ORDINAL_END_RE.search(text):
        return None
    stem = ORDINAL_END_RE.sub("", text)
    head, _, last = stem.rpartition(" ")
    last = ORDINAL_STEMS.get(last, last)
    for cardinal in (last, last + "e"):
        value = parse_words(f"{head} {cardinal}".strip())
        if value is not None and value == value.to_integral_value() and 1 <= value <= 31:
            return int(value)
    return None


# Verbs after which an ordinal is a rank in a contest: "classé deuxième", "arrivé premier".
RANKING_VERBS = set(LEXICON.ordinal_day.ranking_verbs)
# "premier", "seconde": ordinals without "-ième", folded.
IRREGULAR_ORDINALS = {fold(w): n for w, n in LEXICON.ordinal_day.irregular.items()}
ORDINAL_DAY_FOLLOWERS = frozenset(LEXICON.ordinal_day.followers)
# "à", "dès", "vers": between a day number and a time of day.
CLOCK_LINKS = frozenset(LEXICON.clock.day_number_links)
_IRREGULAR_ALT = "|".join(sorted({*LEXICON.ordinal_day.irregular, *IRREGULAR_ORDINALS}, key=lambda w: (-len(w), w)))
ORDINAL_WORD = {"LOWER": {"REGEX": rf"^({_IRREGULAR_ALT}|[a-zéè-]+i[eè]me)$"}}


def ordinal_of_month(span: Span) -> Value | None:
    """ "le deuxième d'août", "seconde de août": a day given by its rank in the month."""
    tokens = list(span)
    link = next(i for i, t in enumerate(tokens) if lower(t.text) in DE)
    day = ordinal_day([t.text for t in tokens[:link]])
    month = _month(tokens[-1].text) if tokens[-1].text.isalpha() else None
    if day is None or month is None or lower(tokens[-1].text) not in MONTHS or in_street_name(span):
        return None
    after, before = next_token(span), prev_token(span)
    if after is not None and (after.is_digit or (after.is_alpha and lower(after.text) not in ORDINAL_DAY_FOLLOWERS)):
        return None  # "deuxième de juin à septembre": a rank over a stretch of months
    if before is not None and before.lemma_.lower() in RANKING_VERBS:
        return None  # "classé deuxième de juin"
    return _date(Point("day", None, month, day)) if _valid_day(None, month, day) else None


def month_ordinal(span: Span) -> Value | None:
    """ "août deuxième": a month and the rank of its day, at the end of a clause."""
    day = ordinal_day([t.text for t in span[1:]])
    if day is None or not _at_clause_end(span) or in_street_name(span):
        return None
    month = MONTHS[lower(span[0].text)]
    return _date(Point("day", None, month, day)) if _valid_day(None, month, day) else None


# Verbs after which "le 15" is a number to call, a jersey or a bus line, not a day.
NUMBER_VERBS = set(LEXICON.day_alone.number_verbs)
# Words before "le" that make "le 23" a date: a time preposition ("dès le 23", "avant le 23").
DAY_INTRODUCERS = set(LEXICON.day_alone.introducers)


def _clock_follows(span: Span) -> bool:
    """A time of day right after the number: "le 14 à 18 heures", "le 14 à 9h30"."""
    link, clock = next_token(span), next_token(span, 2)
    return link is not None and clock is not None and lower(link.text) in CLOCK_LINKS \
        and clock.text[:1].isdigit()


def day_alone(span: Span) -> Value | None:
    """ "le 23" with no month: that day of the document's month (or of the month before or
    after it, as the tense says), when "le" follows a verb or a time preposition and the clause
    ends after the number ("il reviendra le 23."); never a number to call ("composez le 15"), a
    jersey ("il porte le 10") or a department ("dans le 13")."""
    before = prev_token(span)
    if before is None or lower(before.text) != "le" or not (_at_clause_end(span) or _clock_follows(span)):
        return None
    verb = prev_token(span, 2)
    if verb is None:
        return None
    if lower(verb.text) not in DAY_INTRODUCERS:
        lemma = verb.lemma_.lower()
        if verb.pos_ not in ("VERB", "AUX") or lemma in NUMBER_VERBS or f"{lemma}r" in NUMBER_VERBS:
            return None  # "porte" is the lemma the tagger may give to "porte"
    after = next_token(span)
    if after is not None and after.text in (")", "»"):
        return None  # "(voir le 3)": a reference
    return {"time": Time("date", start=Point("day", None, None, int(span.text))), "article": True}


# Ranks of a weekday in its month: "premier vendredi de juillet", "dernier lundi du mois".
WEEKDAY_RANKS = {**LEXICON.sub_period.ranks, **LEXICON.weekday_rank}
SINGULAR_WEEKDAYS = [w for w in LEXICON.weekday if not w.endswith("s")]


def ranked_weekday(span: Span) -> Value | None:
    """ "premier vendredi de juillet", "le dernier lundi de mars 2024", "le deuxième mardi du
    mois", "premier vendredi de ce mois", "le dernier jeudi du mois prochain": the n-th weekday
    of a month."""
    words = [lower(t.text) for t in span]
    rank, weekday = WEEKDAY_RANKS[words[0]], LEXICON.weekday[words[1]]
    year = int(words[-1]) if YEAR_RE.match(words[-1]) else None
    month = next((MONTHS[w] for w in words[2:] if w in MONTHS), None)
    if month is not None:
        if rank > 4 and year is None:
            return None
        point = Point("day", year, month, weekday_rank=(rank, weekday))
        if year is not None and rank > 4 and nth_weekday(year, month, rank, weekday).month != month:
            return None  # no fifth Monday that month
        return {**_date(point), "article": True}
    step = next((LEXICON.shift[w] for w in words[2:] if w in LEXICON.shift), 0)
    if rank > 4:
        return None

    def relative(doc: dt.date) -> Point:
        first = add_months(doc.replace(day=1), step)
        return day_point(nth_weekday(first.year, first.month, rank, weekday))
    return {**_date(relative), "article": True}


def weekday_of_week(span: Span) -> Value | None:
    """ "vendredi de la semaine prochaine", "dimanche la semaine dernière", "mardi de cette
    semaine": that day of the week named, Monday to Sunday."""
    words = [lower(t.text) for t in span]
    weekday = LEXICON.weekday[words[0]]
    step = LEXICON.shift.get(words[-1], 0)
    if words[-1] in LEXICON.anaphoric_shift.words:
        return None  # "la semaine suivante" counts from a date the text named, not from today

    def relative(doc: dt.date) -> Point:
        monday = doc - dt.timedelta(days=doc.weekday()) + dt.timedelta(weeks=step)
        return day_point(monday + dt.timedelta(days=weekday - 1))
    return _date(relative)


def form_rules(nlp: Language) -> list[Rule]:
    """Rules for days in other orders and spellings."""
    number_words = {**NUMBER_WORD, "OP": "+"}
    abbreviations = [w for w in LEXICON.month_abbreviation if not w.endswith(".")]
    return [
        Rule("<glued day month year>", [GLUED_TOKEN], glued_day),
        Rule("<glued day month year> (tokens)", [FIRST_PIECE, SEPARATOR, NEXT_PIECE, NEXT_PIECE, NEXT_PIECE], glued_day),
        Rule("<month> <day> <year>?", [IN([*MONTHS, *abbreviations]), DOT, {"TEXT": {"REGEX": DAY_RE.pattern}},
                                       IN(["de", ","], "?"), {**YEAR, "OP": "?"}], month_first_day),
        Rule("<day in words> <month> <year>?", [number_words, MONTH, IN(YEAR_LINKS, "?"),
                                                {**NUMBER_WORD, "OP": "*"}, {**YEAR, "OP": "?"}], words_day_month),
        Rule("<month> <day in words>", [MONTH, number_words], month_words_day),
        Rule("<ordinal> de <month>", [{**NUMBER_WORD, "OP": "*"}, ORDINAL_WORD, IN(DE), MONTH],
             ordinal_of_month),
        Rule("<month> <ordinal>", [MONTH, NUMBER_WORD, IN(["et"], "?"), ORDINAL_WORD], month_ordinal),
        Rule("<month> <ordinal word>", [MONTH, ORDINAL_WORD], month_ordinal),
        Rule("le <day>", [{"TEXT": {"REGEX": DAY_RE.pattern}}], day_alone),
        Rule("<rank> <weekday> de <month> <year>?", [IN(WEEKDAY_RANKS), IN(SINGULAR_WEEKDAYS), IN(DE),
                                                     MONTH, {**YEAR, "OP": "?"}], ranked_weekday),
        # "le premier lundi du mois" alone is mostly a habit ("se réunit le premier lundi du mois").
        Rule("<rank> <weekday> du mois <shift>", [IN(WEEKDAY_RANKS), IN(SINGULAR_WEEKDAYS), IN(["du"]), IN(["mois"]),
                                                  SHIFT], ranked_weekday),
        Rule("<rank> <weekday> de ce mois", [IN(WEEKDAY_RANKS), IN(SINGULAR_WEEKDAYS), IN(["de"]), IN(["ce"]),
                                             IN(["mois"]), IN(["-ci"], "?")], ranked_weekday),
        Rule("<weekday> de la semaine <shift>", [IN(SINGULAR_WEEKDAYS), IN(["de"], "?"), IN(["la"]), IN(["semaine"]),
                                                 SHIFT], weekday_of_week),
        Rule("<weekday> de cette semaine", [IN(SINGULAR_WEEKDAYS), IN(["de"]), IN(["cette"]), IN(["semaine"])],
             weekday_of_week),
    ]

"""Ranges of days written in one piece, and numbered periods of a year.

- days of a month named by a relative period: "du 4 au 22 de ce mois", "du 3 au 9 du mois
  prochain", "entre le 5 et le 12 de ce mois-ci", "4-23 mois prochain";
- days of a month written after "de": "du 3 au 12 de septembre";
- a month written before its days: "novembre 19 au 20", "novembre 19-20", "novembre entre 19 et
  20", "oct. 2 au octobre 22";
- digit days and months joined by a hyphen: "28/2-1/3", "10/1-11/2/2017";
- a season or school year written with a slash: "2023/2024";
- a numbered week or quarter of a year: "la troisième semaine de 2027" (ISO week 3), "le
  troisième quart de 2016" (its third quarter).

Ranges that two matched dates frame ("du 3 au 5 mars", "du 1er juin au 15 septembre") are
joined later, in `combine`.
"""

from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Span

from plan_extract.dims.date.context import next_token, prev_token
from plan_extract.dims.date.lexicon import ANY_MONTH, IN, LEXICON, MONTHS, fold, lower
from plan_extract.dims.date.resolve import Point, Time, period_point, shift_date
from plan_extract.grammar import DE, DU, LINK_ARTICLES, SINGULAR_ARTICLES
from plan_extract.grammar import LINKS as DE_LINKS
from plan_extract.rules import Rule, Value

DAY_RE = r"^(0?[1-9]|[12]\d|3[01]|1er)$"
DAY_TOKEN = {"LOWER": {"REGEX": DAY_RE}}
# Words that open a range of days, and the links between its two days.
OPENERS = LEXICON.day_range.openers
LINKS = LEXICON.day_range.links
# The links after "jusqu'" written apart: "au", "à", "a".
_UNTIL = "jusqu'"
UNTIL_LINKS = frozenset(link[len(_UNTIL):] for link in LINKS if link.startswith(_UNTIL) and link != _UNTIL)
# Links that need an opener ("entre", "de", an article), and "a", read as "à" between two written
# months only; the other links make a range on their own ("au", "-", "jusqu'au").
OPENER_LINKS = frozenset(LEXICON.day_range.opener_links)
MONTH_LINKS = frozenset(LEXICON.day_range.month_links)
FREE_LINKS = frozenset(LINKS) - OPENER_LINKS - MONTH_LINKS
# The articles before a day of a range: "entre le 4 et le 22".
DAY_ARTICLES = sorted(SINGULAR_ARTICLES)
NOT_AFTER_BEFORE_MONTH = LINK_ARTICLES | frozenset(LEXICON.day_range.not_after_before_month)
NUMBERED_NOUNS = LEXICON.numbered_period.nouns
HYPHENS = ("-", "–")
THIS = set(LEXICON.this.words)
SHIFT = LEXICON.shift
NAME_MONTHS = set(LEXICON.name_months.words)
# After a range, what makes its numbers something else than days: a unit, an amount, a count.
NOT_AFTER = set(LEXICON.day_range.not_after)
# Shifts counted from a date of the text ("du mois suivant"), not from the document date.
ANAPHORIC = frozenset(LEXICON.anaphoric_shift.words)


ORDINALS = {fold(w): n for w, n in LEXICON.ordinal.items()}


def _day(word: str) -> int:
    return 1 if word == "1er" else int(word)


def _link(words: list[str]) -> tuple[str, list[str], list[str]] | None:
    """Split the words of a range at its link: (link, words before, words after)."""
    for i, word in enumerate(words):
        if i == 0:
            continue
        if word == _UNTIL and i + 1 < len(words) and words[i + 1] in UNTIL_LINKS:
            return _UNTIL + words[i + 1], words[:i], words[i + 2:]
        if word in LINKS and any(re.match(DAY_RE, w) for w in words[:i]):
            return word, words[:i], words[i + 1:]
    return None


def _link_fits(link: str, opener: str | None, articles: bool) -> bool:
    """"du 4 au 22", "4-22", "4 jusqu'au 22", "de 4 à 22", "entre le 4 et le 22": "et" needs
    "entre" ("les 4 et 22" are two days, not a range); "à" needs "de", "du" or "depuis" ("passés
    de 4 à 22" stays a count unless a month follows)."""
    if link in FREE_LINKS:
        return True
    if link == "et":
        return opener == "entre"
    if link == "à":
        return opener in DE or opener in DU or opener == "depuis" or articles
    return False


def _clean_after(span: Span) -> bool:
    """Nothing after the range makes its numbers a count ("19-20 %", "19 au 20 ans")."""
    after = next_token(span)
    if after is None:
        return True
    word = lower(after.text)
    return not (word in NOT_AFTER or after.is_digit or (after.is_alpha and after.pos_ == "NOUN" and word not in MONTHS))


def days_of_period(span: Span) -> Value | None:
    """ "du 4 au 22 de ce mois", "4 au 23 du mois prochain", "du 3 au 12 de septembre"."""
    words = [lower(t.text) for t in span]
    opener = words[0] if words[0] in OPENERS else None
    body = words[1:] if opener else words
    found = _link(body)
    if found is None:
        return None
    link, before, after = found
    days = [w for w in before if re.match(DAY_RE, w)] + [w for w in after[:2] if re.match(DAY_RE, w)]
    if len(days) != 2:
        return None
    first, last = _day(days[0]), _day(days[1])
    if not first < last <= 31 or not _link_fits(link, opener, "le" in before):
        return None
    tail = [w for w in after[after.index(days[1]) + 1:] if w != "."]
    linked = bool(tail) and tail[0] in DE | DU
    if linked:
        tail = tail[1:]
    if link in OPENER_LINKS and not (linked or "le" in before):
        return None  # "passés de 4 à 22 ce mois-ci", "entre 3 et 12 ce mois" may be counts
    if tail and tail[0] in ANY_MONTH and len(tail) == 1:
        # "du 3 au 12 de septembre": a month after "de" (the range says they are days).
        month = ANY_MONTH[tail[0]]
        return {"time": Time("interval", start=Point("day", None, month, first), end=Point("day", None, month, last))}
    if "mois" not in tail:
        return None
    # The words of the month's shift, without the article, "mois" and "-ci" of the pattern.
    rest = [w for w in tail if w in THIS or w in SHIFT]
    if tail[0] in THIS and not [w for w in rest if w not in THIS]:
        step = 0  # "de ce mois", "ce mois-ci"
    elif len(rest) == 1 and rest[0] in SHIFT and tail[0] not in THIS:
        step = SHIFT[rest[0]]  # "du mois prochain", "mois dernier"
        if not step or rest[0] in ANAPHORIC:
            return None  # "du mois suivant" counts from a date of the text: left to the period rule
    else:
        return None

    def bound(day: int):
        def relative(doc: dt.date) -> Point:
            month = period_point(shift_date(doc.replace(day=1), step, "month"), "month")
            return Point("day", month.year, month.month, day)
        return relative
    return {"time": Time("interval", start=bound(first), end=bound(last))}


def month_then_days(span: Span) -> Value | None:
    """ "novembre 19 au 20", "novembre 19-20", "novembre entre 19 et 20", "oct. 2 au octobre 22":
    the month written before its days, as in forms and some headlines."""
    words = [lower(t.text) for t in span]
    first = 1 if words[0] in OPENERS else 0
    if not span[first].text.islower() and words[first] in NAME_MONTHS:
        return None  # "Mai 19 au 20": "Mai" may be a name
    if words[first] not in MONTHS and not any(w in ANY_MONTH for w in words[first + 2:]):
        return None  # an abbreviation ("sept" is also a number) needs a second month
    before = prev_token(span)
    if before is not None and (before.is_digit or lower(before.text) in NOT_AFTER_BEFORE_MONTH):
        return None  # "le 3 novembre 19 au 20" is something else
    if not _clean_after(span):
        return None
    months = [ANY_MONTH[w] for w in words if w in ANY_MONTH]
    days = [_day(w) for w in words if re.match(DAY_RE, w)]
    link = next((w for w in words if w in LINKS), None)
    if len(days) != 2 or link is None or (link == "et") != ("entre" in words):
        return None
    if link in MONTH_LINKS and len(months) < 2:
        return None  # "a" for "à" only between two written months: "oct. 2 a octobre 22"
    first_month, last_month = months[0], months[-1]
    if (first_month, days[0]) >= (last_month, days[1]) or not _valid(first_month, days[0]) \
            or not _valid(last_month, days[1]):
        return None
    return {"time": Time("interval", start=Point("day", None, first_month, days[0]),
                         end=Point("day", None, last_month, days[1]))}


def _valid(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)
    except ValueError:
        return False
    return True


NUMERIC_RANGE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})$")
NUMERIC_END_RE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?$")


def numeric_days(span: Span) -> Value | None:
    """ "28/2-1/3", "10/1-11/2/2017": two digit days joined by a hyphen (the year of the second,
    when written, is the first's too)."""
    first = NUMERIC_RANGE_RE.match(span[0].text)
    last = NUMERIC_END_RE.match(span[-1].text)
    if first is None or last is None:
        return None
    before, after = prev_token(span), next_token(span)
    if (before is not None and (before.is_digit or before.text in ("/", "-"))) or \
            (after is not None and (after.is_digit or lower(after.text) in ("/", "-", "%") or lower(after.text) in DE_LINKS)):
        return None  # "1/2-3/4 de la population" are fractions
    d1, m1, d2, m2 = int(first.group(1)), int(first.group(2)), int(last.group(1)), int(last.group(2))
    year = _year(last.group(3))
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12 and _valid(m1, d1) and _valid(m2, d2)):
        return None
    if (m1, d1) >= (m2, d2) and not (m1 == 12 and m2 <= 2):
        return None  # the end comes after the start (or in the next January or February)
    return {"time": Time("interval", start=Point("day", None, m1, d1), end=Point("day", year, m2, d2))}


def _year(text: str | None) -> int | None:
    """A four-digit year, or a two-digit one in the 1900s or 2000s ("12/05/89")."""
    if text is None:
        return None
    n = int(text)
    return n if len(text) == 4 else 2000 + n if n <= 50 else 1900 + n


def numbered_period(span: Span) -> Value | None:
    """ "la troisième semaine de 2027" -> the ISO week 2027-W03; "le troisième quart de 2016" ->
    2016-Q3 (a quarter of a year, with its year written)."""
    words = [fold(t.text) for t in span]
    rank = ORDINALS.get(words[0])
    year = int(words[-1])
    if rank is None:
        return None
    if NUMBERED_NOUNS[words[1]] == "week":
        last_week = dt.date(year, 12, 28).isocalendar().week
        if rank > last_week:
            return None
        return {"time": Time("date", start=Point("week", year, code=f"W{rank:02d}")), "article": True}
    if rank > 4:
        return None
    return {"time": Time("date", start=Point("quarter", year, code=f"Q{rank}")), "article": True}


SEASON_YEARS_RE = re.compile(r"^(1[89]\d\d|20\d\d)/(1[89]\d\d|20\d\d)$")


def season_years(span: Span) -> Value | None:
    """ "2023/2024": a season or school year written with a slash, two years that follow."""
    m = SEASON_YEARS_RE.match(span.text)
    first, last = int(m.group(1)), int(m.group(2))
    before, after = prev_token(span), next_token(span)
    if last != first + 1 or (before is not None and before.text in ("/", "-")) or \
            (after is not None and after.text in ("/", "-", "%")):
        return None
    return {"time": Time("interval", start=Point("year", first), end=Point("year", last))}


def range_rules(nlp: Language) -> list[Rule]:
    """Rules for ranges of days written in one piece and numbered periods of a year."""
    opener = IN(OPENERS, "?")
    article = IN(DAY_ARTICLES, "?")
    link = [IN(["jusqu'"], "?"), IN(LINKS)]
    ordinal_words = sorted({*LEXICON.ordinal, *ORDINALS})
    return [
        Rule("du <day> au <day> de ce mois|du mois prochain",
             [opener, article, DAY_TOKEN, *link, article, DAY_TOKEN, IN(DE | DU, "?"),
              IN([*THIS, "le"], "?"), IN(["mois"]), IN([*SHIFT, "-"], "?"), IN(["ci"], "?")], days_of_period),
        Rule("du <day> au <day> de <month>",
             [opener, article, DAY_TOKEN, *link, article, DAY_TOKEN, IN(DE), IN(ANY_MONTH),
              {"ORTH": ".", "OP": "?"}], days_of_period),
        Rule("<month> <day> au <month>? <day>",
             [opener, IN(ANY_MONTH), {"ORTH": ".", "OP": "?"}, IN(["entre"], "?"), DAY_TOKEN, *link,
              IN(ANY_MONTH, "?"), {"ORTH": ".", "OP": "?"}, DAY_TOKEN], month_then_days),
        Rule("<dd/mm>-<dd/mm>", [{"TEXT": {"REGEX": NUMERIC_RANGE_RE.pattern}}, IN(HYPHENS),
                                 {"TEXT": {"REGEX": NUMERIC_END_RE.pattern}}], numeric_days),
        Rule("<yyyy>/<yyyy>", [{"TEXT": {"REGEX": SEASON_YEARS_RE.pattern}}], season_years),
        Rule("<rank> semaine|quart de <year>",
             [IN(ordinal_words), IN(NUMBERED_NOUNS), IN(["de"]), IN(["l'"], "?"), IN(LEXICON.numbered_period.year, "?"),
              {"TEXT": {"REGEX": r"^(1[89]\d\d|20\d\d)$"}}], numbered_period),
    ]

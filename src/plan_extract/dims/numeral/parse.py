"""Find numbers in French text and read their value.

Digits follow French typography: groups of three separated by a space, a no-break space
(U+00A0), a narrow no-break space (U+202F) or a dot ("1.100"); a comma marks decimals ("2,5").
Numbers in letters are read by text2num. Ordinals ("2e", "2ᵉ", "IIe", "1er", "deuxième") are
found too, and marked as such so that no quantity is built on them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pydantic import BaseModel
from text_to_num import text2num

from plan_extract.grammar import LINK_ARTICLES, LINKS
from plan_extract.resources import load_toml


class _Words(BaseModel):
    words: list[str]


class _Determiners(BaseModel):
    words: list[str]
    before_de: list[str]


class _EtJoin(BaseModel):
    words: list[str]
    before: list[str]


class _Range(BaseModel):
    frames: list[tuple[str, str]]
    joiners: list[str]
    alternatives: list[str]


class _Ratio(BaseModel):
    words: list[str]
    not_before: list[str]


class NumeralLexicon(BaseModel):
    words: list[str]
    articles: list[str]
    joiners: list[str]
    scale: dict[str, int]
    glued_scale: dict[str, int]
    approx: dict[str, int]
    approx_determiners: _Determiners
    exact_collectives: _Words
    negative_words: _Words
    sign_after: _Words
    half: _Words
    joined_by_et: _EtJoin
    needs_multiplier: _Words
    only: _Words
    fraction: dict[str, int]
    half_fraction: _Words
    ordinal_stem: dict[str, str]
    ratio: _Ratio
    decimal_words: _Words
    ordinal: dict[str, int]
    qualifier: dict[str, str]
    range: _Range


LEXICON = load_toml(__package__, "lexicon.toml", NumeralLexicon)

_SPACE = "[ \u00a0\u202f]"
_GROUPED = rf"[1-9]\d{{0,2}}(?:{_SPACE}\d{{3}})+(?!\d)"        # 258 000, 1 200 000
_DOTTED = r"[1-9]\d{0,2}(?:\.\d{3})+(?![\d.])"                 # 1.100, 6.700,54 (thousands dot)
_PLAIN = r"\d+(?:,\d+)?(?:[eE][+\-]?\d{1,3})?"                # 27, 2,5, 0,8, 1e10, 12,32e+14
_DIGITS = rf"(?:(?:{_GROUPED}|{_DOTTED})(?:,\d+)?|{_PLAIN})"


def _trie(words: list[str]) -> str:
    """An alternation of `words` as a tree of their common beginnings ("deux|dix|douze" ->
    "d(?:eux|ix|ouze)"), so that the regex engine reads a word's letters once."""
    if "" in words and len(words) == 1:
        return ""
    by_first: dict[str, list[str]] = {}
    for word in words:
        if word:
            by_first.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(first) + _trie(rest) for first, rest in sorted(by_first.items())]
    optional = "" in words
    if len(branches) == 1 and not optional:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if optional else "")


def word_start_alternation(words: list[str]) -> str:
    r"""An alternation of `words` found where a word starts (after no letter, digit, "_" nor
    "-"), `(?<![\w-])(?:un|une)`, written so that a search is fast: each first letter is read
    before the test of the character before it (`u(?<![\w-].)n(?:e)?`), so that the regex
    engine only tries the places that hold one of the first letters."""
    firsts = sorted({w[0] for w in words})
    return "(?:" + "|".join(
        re.escape(first) + r"(?<![\w-].)" + _trie(sorted({w[1:] for w in words if w[0] == first}))
        for first in firsts
    ) + ")"


def _alternation(words: list[str]) -> str:
    """An alternation of `words` that the regex engine reads fast: as a tree of their common
    beginnings (see `_trie`). A word that begins another is tried after it, as in a list sorted
    longest first: a pattern matches the same text either way."""
    return _trie(sorted(set(words)))


_WORD = _alternation(LEXICON.words)
_ARTICLE = _alternation(LEXICON.articles)
# The definite articles written in full ("la", "le", "les"), from grammar.toml: "la moitié", "les deux tiers".
_DEFINITE_WORDS = sorted(a for a in LINK_ARTICLES if a.isalpha())
_DEFINITE = _alternation(_DEFINITE_WORDS)
_SCALE = _alternation(list(LEXICON.scale))
_JOIN = _alternation(LEXICON.joiners)
# A run of number words joined by hyphens, spaces or "et": "quatre-vingt-dix", "vingt et un",
# "deux cent cinquante-huit mille"; "un"/"une" only inside a run or before a scale word.
# "et" joins only a ten and "un"/"onze" ("vingt et un", "soixante-et-onze"): in "cinq milliards et
# trois quarts" it adds a fraction (see `_AND_PART`), it does not continue the number.
_ET = (
    "(?:" + "|".join(f"(?<={re.escape(w)})" for w in LEXICON.joined_by_et.words) + ")"
    rf"(?:[ \u00a0]+(?:{_JOIN})[ \u00a0]+|-(?:{_JOIN})-)(?=(?:{_alternation(LEXICON.joined_by_et.before)})(?!\w))"
)
_WORD_RUN = (
    rf"(?:(?:{_ARTICLE})(?=[ -](?:{_SCALE}|{_WORD})\b)|(?:{_WORD}))"
    rf"(?:(?:[ \u00a0]+|-|{_ET})(?:{_WORD}|{_ARTICLE}|{_SCALE})(?!\w))*"
)
_HALF = _alternation(LEXICON.half.words)
_FRACTION = _alternation(list(LEXICON.fraction))
_ONLY = _alternation(LEXICON.only.words)
_NEGATIVE = _alternation(LEXICON.negative_words.words)
# A sign glued to the digits ("-12", "+3"); a minus spaced from them or "moins" are kept as a
# sign only after a word that takes a value (see `_spaced_sign`).
_SIGN = (
    rf"(?:(?<![\w,.])[+\-−](?=\d)"
    rf"|(?<![\w,.])(?P<spaced>[\-−][ \u00a0]|(?<![\w'’-])(?:{_NEGATIVE})[ \u00a0])(?=\d))?"
)
# "un million et demi", "3 millions et demi": half the scale word more.
# "un million et demi", "cinq milliards et trois quarts", "trois et un quart": a fraction added to
# the number (of the scale word, when the number ends with one).
_AND_PART = (
    rf"(?P<part>[ \u00a0]+(?:{_JOIN})[ \u00a0]+(?:(?:{_WORD}|{_ARTICLE})[ \u00a0]+)?"
    rf"(?:{_FRACTION}|{_HALF})(?![\w-]))?"
)
# "10-20 €", "5-10 %": two numbers joined by a hyphen before a currency or percent sign are a
# range (elsewhere "L. 224-1", "2023-123" are identifiers).
_RANGE_END = r"\d{1,3}(?:,\d+)?[ \u00a0]?[%€$£]"
NUMBER_RE = re.compile(
    # "L. 224-1", "2023-123": digits joined by a hyphen are an identifier, not a number; so are
    # "2000/60" and "192.168.1.2". Letters may stand before or after the digits ("EUR29,99",
    # "50m2", "7,62mm"): the component keeps the number only where the tokenizer split them off
    # ("A9", "G7" and "10h30" stay single tokens; see NumeralFinder).
    rf"(?<![\d_.,/])(?:(?<!\d[-‑])|(?={_RANGE_END}))(?P<num>{_SIGN}{_DIGITS}(?:(?P<glued>[kKM])(?![\w€$£¥])|{_SPACE}(?P<scale>{_SCALE})(?!\w){_AND_PART})?)"
    rf"(?![\d_])(?![.,/]\d)(?![-‑](?!{_RANGE_END})\d)"
    # "un demi-milliard": half a scale word.
    rf"|(?<![\w-])(?P<demi>(?:{_ARTICLE}) (?:{_HALF})-(?P<demi_scale>{_SCALE}))(?![\w-])"
    # "un demi-litre": half of what the word after the hyphen names (form "half").
    rf"|(?<![\w-])(?P<half_of>(?:{_ARTICLE}) (?:{_HALF}))(?=-[^\W\d_])"
    # "un seul cas", "une seule fois": exactly one.
    rf"|(?<![\w-])(?P<one>(?:{_ARTICLE})[ \u00a0]+(?:{_ONLY}))(?![\w-])"
    rf"|(?<![\w-])(?P<words>{_WORD_RUN}){_AND_PART.replace('part', 'words_part')}(?![\w-])",
    re.IGNORECASE,
)
# Fractions in words: "la moitié", "un tiers", "les deux tiers", "trois quarts", "un cinquième",
# "trois centièmes", "un vingt-cinquième", "cent mille billionièmes", "un demi"; a whole number
# before "et" adds to it ("trois et un cinquième", "un et un demi"). The words before the
# denominator are split into a count and the start of a compound ordinal by `_read_fraction`.
_ORDINAL_STEM = _alternation(list(LEXICON.ordinal_stem))
_PIECE = rf"(?:{_WORD}|{_ARTICLE}|{_JOIN})"
_ORDINAL_WORD = rf"(?:(?:{_PIECE})-)*(?:{_ORDINAL_STEM})i[eè]mes?"
_HALF_FRACTION = _alternation(LEXICON.half_fraction.words)
FRACTION_RE = re.compile(
    rf"(?<![\w-])(?=(?:{_DEFINITE}|{_WORD}|{_ARTICLE})[\s-])(?:(?P<det>{_DEFINITE})\s+)?(?P<head>(?:{_PIECE}(?:-{_PIECE})*[ \u00a0]+)*)"
    rf"(?P<noun>{_FRACTION}|{_HALF_FRACTION}|{_ORDINAL_WORD})(?![\w-])",
    re.IGNORECASE,
)
# Fractions in digits: "3/4", "-4/5", "2 1/4" (a whole number and a fraction); a proper fraction
# only, so that "2008/50" and "24/7" stay out. Vulgar fractions: "½", "⅙", "12 ½".
_VULGAR = "¼½¾⅐⅑⅒⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞"
DIGIT_FRACTION_RE = re.compile(
    rf"(?<![\w.,/])(?P<sign>[\-−])?(?:(?P<whole>\d{{1,3}})[ \u00a0]+(?=\d{{1,2}}/|[{_VULGAR}]))?"
    rf"(?:(?P<num>\d{{1,2}})/(?P<den>\d{{1,3}})|(?P<vulgar>[{_VULGAR}]))(?![\w/]|[.,]\d)"
)
# "un sur trois", "1 sur 3", "15 sur 20": a ratio, read as a fraction (see `find_numerals`).
_SIMPLE_RUN = rf"(?:{_WORD}|{_ARTICLE})(?:(?:[ \u00a0]+|-|{_ET})(?:{_WORD})(?![\w-]))*"
RATIO_RE = re.compile(
    rf"(?<![\w.,-])(?P<x>\d+|{_SIMPLE_RUN})[ \u00a0]+(?:{_alternation(LEXICON.ratio.words)})[ \u00a0]+"
    rf"(?P<y>\d+(?![.,]?\d)|{_WORD_RUN})(?![\w-])"
    rf"(?![ \u00a0]+(?:{_alternation(LEXICON.ratio.not_before)})(?![\w-]))",
    re.IGNORECASE,
)
# "deux cent virgule trois": a decimal number in words.
DECIMAL_WORDS_RE = re.compile(
    rf"(?<![\w-])(?P<whole>{_WORD_RUN})[ \u00a0]+(?:{_alternation(LEXICON.decimal_words.words)})[ \u00a0]+"
    rf"(?P<decimals>{_WORD_RUN})(?![\w-])",
    re.IGNORECASE,
)
_APPROX = _alternation(list(LEXICON.approx))
_APPROX_DET = _alternation(LEXICON.approx_determiners.words)
_APPROX_DET_DE = _alternation(LEXICON.approx_determiners.before_de)
# "une centaine", "des milliers"; "trois douzaines", "2 centaines": a count of collectives.
APPROX_RE = re.compile(
    rf"(?<![\w-])(?:(?:{_APPROX_DET})|(?P<det_de>{_APPROX_DET_DE})(?=\s+\w+\s+d[e'’])"
    rf"|(?<![\w.,])(?P<count>\d+|(?:{_WORD})(?:[ -](?:{_WORD}))*))\s+"
    rf"(?P<noun>{_APPROX})(?![\w-])",
    re.IGNORECASE,
)
ORDINAL_RE = re.compile(
    r"(?<![\w.,])(?:\d+(?:e|ᵉ|è|ème|eme|er|ère|re|nd|nde|ᵉʳ)"
    # Roman numerals are upper case; a lone L, C or M before "e" is the word "Le", "Ce", "Me".
    r"|(?-i:(?:[IVX]|[IVXLC]{2,})(?:e|ᵉ|er|ère)))(?!\w)"
    rf"|(?<![\w-])(?:{_alternation(list(LEXICON.ordinal))})(?![\w-])",
    re.IGNORECASE,
)


# Phone numbers ("05 33 00 00 00", "0 800 123 456") are identifiers, never quantities.
PHONE_RE = re.compile(r"(?<![\w,])0[1-9](?:[ .\u00a0\u202f]?\d{2}){4}(?!\d)|(?<![\w,])0[ \u00a0\u202f]?8\d\d(?:[ .\u00a0\u202f]?\d{2,3}){2,3}(?!\d)")


def _first_words(phrases: list[str]) -> set[str]:
    return {part for phrase in phrases for part in re.split(r"[\W_]+", phrase.lower())[:1] if part}


# Where a number can start: digits (or a sign before them), a Roman numeral, or a word that
# begins an entry of the lexicon. Each pattern above is tried only where it can start:
# scanning the whole text with them costs more than finding these places.
# (Each lookbehind is the weakest of those of the patterns, so that no start is missed.)
#
# The places are those where this pattern matches as `finditer` reads the text:
#     (?<![\w,])(?P<sign>[+\-−])(?=[ \u00a0]?[\d½…])|(?<![\d_,])(?P<digit>\d)|(?P<vulgar>[½…])
#     |(?<!\w)(?P<word>[^\W\d_]+)
# A word is a run of letters after no letter, digit or "_" (`_word_start`), and a vulgar
# fraction is read as such, not as the start of a word. Read that way, the pattern spends most
# of its time reading every letter; instead, each kind of place is found by a pattern that
# begins with a set of characters (the regex engine skips the other characters without trying
# it) and looks at the character before after reading the first one (`(?<!\w.)`), and the
# words are found in the lower-cased text among the words that start something.
_SIGN = "+\\-−"
_MARK_RE = re.compile(
    rf"[{_SIGN}\d{_VULGAR}](?:(?<=[{_SIGN}])(?<![\w,].)(?=[ \u00a0]?[\d{_VULGAR}])|(?<=\d)(?<![\d_,].)|(?<=[{_VULGAR}]))"
)
_ROMAN_START_RE = re.compile(r"[IVXLC](?<!\w.)")
_NUMBER_WORDS = _first_words([*LEXICON.words, *LEXICON.articles, *LEXICON.scale, *LEXICON.negative_words.words])
_FIRST_WORDS = {
    "number": _NUMBER_WORDS,
    "fraction": _first_words([*LEXICON.words, *_DEFINITE_WORDS, *LEXICON.articles]),
    "approx": _first_words([*LEXICON.approx_determiners.words, *LEXICON.approx_determiners.before_de, *LEXICON.words]),
    "ordinal": _first_words(list(LEXICON.ordinal)),
}


@dataclass(frozen=True)
class _Starts:
    """Where each pattern may match: numbers from a sign or digits, ordinals from digits or a
    Roman numeral, phone numbers from a "0", every pattern from its own first words."""

    number: list[int]
    phone: list[int]
    ordinal: list[int]
    fraction: list[int]
    approx: list[int]
    digit_fraction: list[int]
    ratio: list[int]
    denominator: list[int]  # where a word that can end a fraction begins ("tiers", "cinquième")


# Every fraction in words ends with one of these words: FRACTION_RE is tried only at the starts
# that have one within `_FRACTION_REACH` characters after them.
_DENOMINATORS = {w.lower() for w in [*LEXICON.fraction, *LEXICON.half_fraction.words]}
_FRACTION_REACH = 120
# ... or with a word in "-ième(s)" ("cinquième", "vingt-et-unièmes"), found by its ending.
_DENOMINATOR_END_RE = re.compile(r"i[eè]mes?(?![^\W\d_])")



def _kinds_of_word() -> dict[str, list[str]]:
    """The kinds of places (fields of `_Starts`) each word of the lists starts."""
    kinds: dict[str, list[str]] = {}
    for kind, words in [("number", _NUMBER_WORDS), ("ratio", _NUMBER_WORDS), ("ordinal", _FIRST_WORDS["ordinal"]),
                        ("fraction", _FIRST_WORDS["fraction"]), ("approx", _FIRST_WORDS["approx"]),
                        ("denominator", _DENOMINATORS)]:
        for word in words:
            kinds.setdefault(word, []).append(kind)
    return kinds


_KINDS_OF_WORD = _kinds_of_word()


# The words of the lists, at a word start, in lower-cased text: each first letter is followed by
# the test of the character before it.
_LIST_WORD_RE = re.compile(
    "(?:" + "|".join(
        re.escape(first) + r"(?<!\w.)" + _trie(sorted({w[1:] for w in _KINDS_OF_WORD if w[0] == first}))
        for first in sorted({w[0] for w in _KINDS_OF_WORD})
    ) + r")(?![^\W\d_])"
)


def _is_letter(c: str) -> bool:
    """Whether `c` is read by [^\\W\\d_]."""
    return c.isalnum() and not c.isdecimal()


def _word_start(text: str, i: int) -> bool:
    """Whether a word can start at `i` (the character before is no letter, digit nor "_")."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")


def _run_start(text: str, i: int) -> int:
    """The start of the run of letters holding position `i`."""
    while i > 0 and _is_letter(text[i - 1]):
        i -= 1
    return i


def _candidates(text: str) -> _Starts:
    starts = _Starts([], [], [], [], [], [], [], [])
    digits, signs, vulgars = [], [], []
    for m in _MARK_RE.finditer(text):
        c = m.group()
        if c in "+-−":
            signs.append(m.start())
        elif c in _VULGAR:
            # Inside a word (read from its start), it is no place of its own.
            start = _run_start(text, m.start())
            if start == m.start() or not _word_start(text, start) or text[start] in _VULGAR:
                vulgars.append(m.start())
        else:
            digits.append(m.start())
            if c == "0":
                starts.phone.append(m.start())
    # Lower-cased one character for one ("İ" alone becomes two: "ı" stands for it, a letter
    # that is in no list and leaves no "-ième" ending).
    lowered = text.replace("\u0130", "\u0131").lower() if "\u0130" in text else text.lower()
    by_kind: dict[str, list[int]] = {"number": [], "ratio": [], "ordinal": [], "fraction": [], "approx": [], "denominator": []}
    for m in _LIST_WORD_RE.finditer(lowered):
        for kind in _KINDS_OF_WORD[m.group()]:
            by_kind[kind].append(m.start())
    romans = [m.start() for m in _ROMAN_START_RE.finditer(text)]
    endings = []
    for m in _DENOMINATOR_END_RE.finditer(lowered):
        start = _run_start(text, m.start())
        if _word_start(text, start) and text[start] not in _VULGAR:
            endings.append(start)
    starts.number.extend(sorted(signs + digits + by_kind["number"]))
    starts.ordinal.extend(sorted({*digits, *romans, *by_kind["ordinal"]}))
    starts.fraction.extend(by_kind["fraction"])
    starts.approx.extend(sorted(digits + by_kind["approx"]))
    starts.digit_fraction.extend(sorted(signs + digits + vulgars))
    starts.ratio.extend(sorted(digits + by_kind["ratio"]))
    starts.denominator.extend(sorted({*by_kind["denominator"], *endings}))
    return starts


def _finditer(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose matches begin at one of `starts`."""
    found, end = [], 0
    for start in starts:
        if start >= end:
            m = pattern.match(text, start)
            if m is not None:
                found.append(m)
                end = m.end()
    return found


def _near_denominators(starts: list[int], denominators: list[int]) -> list[int]:
    """The `starts` with a denominator word within `_FRACTION_REACH` characters after them."""
    kept = []
    for start in starts:
        k = bisect_left(denominators, start)
        if k < len(denominators) and denominators[k] - start <= _FRACTION_REACH:
            kept.append(start)
    return kept


@dataclass(frozen=True)
class Numeral:
    start: int
    end: int
    value: Decimal
    form: str  # "digits", "words", "approx", "fraction" (0.5 for "la moitié"), "half" ("un demi-") or "ordinal"


def normalise(value: Decimal) -> str:
    """Decimal string without exponent or trailing zeros: Decimal('258000.0') -> '258000'."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_SPACE_RE = re.compile(_SPACE)
_DOTTED_RE = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
# The same figures come back in text after text ("1", "2023", "10 %"): readings are kept.
_READINGS_KEPT = 4096


@lru_cache(maxsize=_READINGS_KEPT)
def parse_digits(text: str) -> Decimal | None:
    """Read digits in French typography: "258 000" -> 258000, "2,5" -> 2.5, "1.100" -> 1100."""
    compact = _SPACE_RE.sub("", text).replace("−", "-")
    if _DOTTED_RE.fullmatch(compact):
        compact = compact.replace(".", "")
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:
        return None


# "trente-un", "vingt-une": the older hyphenated spelling of "trente et un", which text2num does
# not read; written again with "et" when the first reading fails.
_TEN_AND_ONE = re.compile(
    rf"\b({_alternation(LEXICON.joined_by_et.words)})-({_alternation(LEXICON.articles)})\b"
)


@lru_cache(maxsize=_READINGS_KEPT)
def parse_words(text: str) -> Decimal | None:
    """Read a number in letters: "deux cent cinquante-huit mille" -> 258000, "trente-un" -> 31."""
    try:
        return Decimal(text2num(text.lower(), "fr"))
    except (ValueError, TypeError):
        pass
    spelled = _TEN_AND_ONE.sub(r"\1-et-\2", text.lower())
    if spelled == text.lower():
        return None
    try:
        return Decimal(text2num(spelled, "fr"))
    except (ValueError, TypeError):
        return None


def find_numerals(text: str) -> list[Numeral]:
    """All numbers in `text`, in order, without overlaps; ordinals carry form "ordinal".

    >>> [(n.value, n.form) for n in find_numerals("27 kilos et une dizaine de policiers")]
    [(Decimal('27'), 'digits'), (Decimal('10'), 'approx')]
    """
    starts = _candidates(text)
    phones = [(m.start(), m.end()) for m in _finditer(PHONE_RE, text, starts.phone)]
    found: list[Numeral] = []
    for m in _finditer(ORDINAL_RE, text, starts.ordinal):
        found.append(Numeral(m.start(), m.end(), Decimal(ordinal_rank(m.group())), "ordinal"))
    for m in _finditer(FRACTION_RE, text, _near_denominators(starts.fraction, starts.denominator)):
        share = _read_fraction(m.group("det"), m.group("head"), m.group("noun"))
        if share is not None and not _ordinal_after_article(text, m):
            found.append(Numeral(m.start(), m.end(), _rounded(share), "fraction"))
    for m in _finditer(DIGIT_FRACTION_RE, text, starts.digit_fraction):
        share = _read_digit_fraction(m)
        if share is not None:
            found.append(Numeral(m.start(), m.end(), _rounded(share), "fraction"))
    for m in _finditer(RATIO_RE, text, starts.ratio):
        x, y = (_read_integer(m.group(g)) for g in ("x", "y"))
        # "un sur trois" is a share; "40 sur 60 présents" counts 40 of 60, a ratio only alone
        # ("15 sur 20.").
        if x is not None and y and x <= y and (x == 1 or not _NEXT_WORD.match(text, m.end())):
            found.append(Numeral(m.start(), m.end(), _rounded(x / y), "fraction"))
    for m in _finditer(DECIMAL_WORDS_RE, text, starts.number):
        value = _read_decimal_words(m.group("whole"), m.group("decimals"))
        if value is not None:
            found.append(Numeral(m.start(), m.end(), value, "words"))
    for m in _finditer(APPROX_RE, text, starts.approx):
        noun = m.group("noun").lower()
        value = Decimal(LEXICON.approx[noun])
        form = "approx"
        if m.group("count"):
            count = m.group("count")
            times = parse_digits(count) if count[0].isdigit() else parse_words(count)
            if times is None:
                continue
            value *= times
            if noun in LEXICON.exact_collectives.words:  # "trois douzaines" is 36, exactly
                form = "digits" if count[0].isdigit() else "words"
        found.append(Numeral(m.start(), m.end(), value, form))
    for m in _finditer(NUMBER_RE, text, starts.number):
        start = m.start()
        if m.group("num"):
            scale, glued = m.group("scale"), m.group("glued")
            digits = m.group("num")[: m.start("scale") - m.start()] if scale else m.group("num")
            if glued:
                digits = digits[:-1]
            if m.group("spaced"):
                digits = digits[len(m.group("spaced")):]
                if _takes_sign(text, start):
                    digits = "-" + digits
                else:
                    start = m.end("spaced")  # "Budget - 12 agents": a dash, not a minus
            value = parse_digits(digits.strip(" \u00a0\u202f"))
            if value is not None and scale:
                value = (value + _fraction_part(m.group("part"))) * LEXICON.scale[scale.lower()]
            if value is not None and glued:
                # "100K", "1,2M": thousands and millions glued to the digits; "4K" (a screen),
                # "3M" (a company) are names.
                if glued == "M" and "," not in digits or glued in "kK" and abs(value) < 10:
                    continue
                value *= LEXICON.glued_scale[glued.lower()]
            form = "digits"
        elif m.group("half_of"):
            value, form = Decimal("0.5"), "half"
        elif m.group("one"):
            value, form = Decimal(1), "words"
        elif m.group("demi"):
            value = LEXICON.scale[m.group("demi_scale").lower()] * Decimal("0.5")
            form = "words"
        else:
            value = _parse_word_run(m.group("words"), _fraction_part(m.group("words_part")))
            form = "words"
            if value is None:  # "quarante-cinq cents": read the longest run of words that parses
                start, end, value = _longest_reading(text, m.start("words"), m.group("words"))
                if value is not None:
                    found.append(Numeral(start, end, value, form))
                continue
        if value is not None:
            found.append(Numeral(start, m.end(), value, form))
    found.sort(key=lambda n: (n.start, -(n.end - n.start)))
    result: list[Numeral] = []
    for numeral in found:
        if any(a <= numeral.start < b for a, b in phones):
            continue
        if result and numeral.start < result[-1].end:
            continue
        result.append(numeral)
    return result


def _rounded(value: Decimal) -> Decimal:
    """A fraction to 15 significant digits: 1/3 -> 0.333333333333333."""
    return Decimal(format(value, ".15g"))


def _read_integer(text: str) -> Decimal | None:
    """A whole number in digits or in letters ("3", "trois", "un", "cent vingt-cinq")."""
    if text[0].isdigit():
        return Decimal(text)
    return parse_words(text)


def _count(pieces: list[str]) -> Decimal | None:
    """The count written by number words ("trois", "cent trente", "un"), or None."""
    if not pieces or pieces[-1] in LEXICON.joiners:
        return None
    return parse_words(" ".join(pieces))


_ORDINAL_END = re.compile(rf"(?P<stem>{_ORDINAL_STEM})i[eè]mes?$", re.IGNORECASE)


def ordinal_value(text: str) -> Decimal | None:
    """The number an ordinal in "-ième" is made from: "cinquième" -> 5, "vingt et unième" -> 21,
    "vingt-cinquième" -> 25, "billionième" -> 10**12; None for another word.

    >>> ordinal_value("vingt cinquième"), ordinal_value("centièmes")
    (Decimal('25'), Decimal('100'))
    """
    m = _ORDINAL_END.search(text.lower())
    if m is None:
        return None
    before = text[: m.start()].lower().replace("-", " ").split()
    cardinal = LEXICON.ordinal_stem[m.group("stem").lower()]
    if cardinal in LEXICON.scale:
        head = _count(before) if before else Decimal(1)
        return head * LEXICON.scale[cardinal] if head is not None else None
    return parse_words(" ".join([*before, cardinal]))


def _simple_fraction(pieces: list[str], noun: str) -> Decimal | None:
    """A count and a denominator: "trois cinquièmes", "un vingt cinquième" (1/25), "cent trente
    cinquièmes" (130/5): the longest run of words that reads as a count, the rest with the
    ordinal as the denominator."""
    lowered = noun.lower()
    if lowered in LEXICON.fraction or lowered in LEXICON.half_fraction.words:
        count = _count(pieces) if pieces else Decimal(1)  # "un et demi"
        denominator = LEXICON.fraction.get(lowered, 2)
        return count / denominator if count is not None else None
    for n in range(len(pieces), 0, -1):
        count = _count(pieces[:n])
        if count is None:
            continue
        denominator = ordinal_value(" ".join([*pieces[n:], noun]))
        return count / denominator if denominator else None
    return None


def _read_fraction(det: str | None, head: str, noun: str) -> Decimal | None:
    """The value of a fraction in words (see `FRACTION_RE`): "la moitié" -> 0.5, "les deux tiers"
    -> 2/3, "trois et un cinquième" -> 3.2, "vingt et un cinquième" -> 20.2 (a singular
    denominator counts one), "vingt et un cinquièmes" -> 21/5.

    >>> _read_fraction(None, "un et un ", "demi"), _read_fraction("les", "deux ", "tiers")
    (Decimal('1.5'), Decimal('0.6666666666666666666666666667'))
    """
    pieces = head.lower().split()
    if not pieces:
        # "la moitié", "le quart"; an ordinal after an article is a rank ("le cinquième").
        return 1 / Decimal(LEXICON.fraction[noun.lower()]) if det and noun.lower() in LEXICON.fraction else None
    if det and det.lower() != "les":
        return None  # "la deux tiers": no fraction
    plural = noun.lower().endswith("s") and noun.lower() != "tiers"
    if "et" in pieces:
        k = len(pieces) - 1 - pieces[::-1].index("et")
        whole, part = pieces[:k], pieces[k + 1:]
        # "vingt et un cinquièmes" is 21/5; "vingt et un cinquième", "trois et un cinquième",
        # "vingt et trois cinquièmes" add a fraction to a whole number.
        joined = bool(whole) and whole[-1] in LEXICON.joined_by_et.words and part[:1] and \
            part[0] in LEXICON.joined_by_et.before and not (len(part) == 1 and part[0] in LEXICON.articles and not plural)
        if not joined:
            units = _count(whole)
            share = _simple_fraction(part, noun)
            if units is not None and share is not None:
                return units + share
    return _simple_fraction(pieces, noun)


_NEXT_WORD = re.compile(r"[ \u00a0]+([^\W\d_]+['’]?)")


def _ordinal_after_article(text: str, m: re.Match[str]) -> bool:
    """ "un cinquième mandat": an ordinal between an article and a singular noun, not a fraction
    ("un cinquième des votes", "un cinquième policiers" and "un cinquième." are fractions)."""
    head = m.group("head").lower().split()
    noun = m.group("noun").lower()
    if m.group("det") or len(head) != 1 or head[0] not in LEXICON.articles or ordinal_value(noun) is None \
            or noun.endswith("s"):
        return False
    after = _NEXT_WORD.match(text, m.end())
    if after is None:
        return False
    word = after.group(1).lower()
    return not (word in LINKS or word.endswith(("s", "x")))


def _read_digit_fraction(m: re.Match[str]) -> Decimal | None:
    """ "3/4" -> 0.75, "-4/5" -> -0.8, "2 1/4" -> 2.25, "½" -> 0.5; None for "5/4" (not a
    proper fraction: a date, a ratio of two counts or an identifier)."""
    if m.group("vulgar"):
        # "⅙" decomposes into "1", FRACTION SLASH, "6".
        digits = "".join(chr(int(c, 16)) for c in unicodedata.decomposition(m.group("vulgar")).split()[1:])
        num, _, den = digits.partition("\u2044")
        share = Decimal(num) / Decimal(den)
    else:
        num, den = int(m.group("num")), int(m.group("den"))
        if not 0 < num < den:
            return None
        share = Decimal(num) / den
    value = share + (Decimal(m.group("whole")) if m.group("whole") else 0)
    return -value if m.group("sign") else value


def _read_decimal_words(whole: str, decimals: str) -> Decimal | None:
    """ "deux cent" and "cinquante deux" -> 200.52; "zéro cinq" after "virgule" -> .05."""
    units = _parse_word_run(whole)
    words = decimals.lower().split()
    zeros = 0
    while zeros < len(words) and words[zeros] == "zéro":
        zeros += 1
    rest = parse_words(" ".join(words[zeros:])) if words[zeros:] else Decimal(0)
    if units is None or rest is None:
        return None
    return units + Decimal("0." + "0" * zeros + normalise(rest))


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def ordinal_rank(text: str) -> int:
    """The rank of an ordinal: "2ᵉ" -> 2, "XXIe" -> 21, "deuxième" -> 2.

    >>> ordinal_rank("IIe"), ordinal_rank("1er"), ordinal_rank("troisième")
    (2, 1, 3)
    """
    word = text.lower()
    if word in LEXICON.ordinal:
        return LEXICON.ordinal[word]
    digits = re.match(r"\d+", text)
    if digits:
        return int(digits.group())
    numerals = [_ROMAN[c] for c in re.match(r"[IVXLC]+", text).group()]  # type: ignore[union-attr]
    # Subtractive notation: a smaller numeral before a larger one is taken away ("IX" = 9).
    return sum(-v if i + 1 < len(numerals) and v < numerals[i + 1] else v for i, v in enumerate(numerals))


def _parse_word_run(run: str, part: Decimal = Decimal(0)) -> Decimal | None:
    """Read a run of number words; a scale word multiplies what precedes it, and a fraction
    `part` after the run adds that much of the scale ("un million et demi") or of one ("trois
    et un quart")."""
    words = run.split()
    last = words[-1].lower() if words else ""
    if words and words[0].lower() in LEXICON.needs_multiplier.words:
        return None  # "cents" alone is no number ("34 cents" is a currency)
    if last in LEXICON.scale and len(words) > 1:
        head = parse_words(" ".join(words[:-1]))
        return (head + part) * LEXICON.scale[last] if head is not None else None
    value = parse_words(run)
    return value + part if value is not None else None


def _longest_reading(text: str, start: int, run: str) -> tuple[int, int, Decimal | None]:
    """The longest start of a run of number words that text2num reads, with its end offset."""
    pieces = list(re.finditer(r"[^\s-]+", run))
    for n in range(len(pieces) - 1, 0, -1):
        head = run[: pieces[n - 1].end()]
        value = _parse_word_run(head) if not head.lower().endswith(tuple(LEXICON.joiners)) else None
        if value is not None:
            return start, start + len(head), value
    return start, start, None


def _fraction_part(text: str | None) -> Decimal:
    """ "et demi" -> 0.5, "et trois quarts" -> 0.75, None -> 0."""
    if not text:
        return Decimal(0)
    words = text.split()[1:]  # without "et"
    noun = words[-1].lower()
    share = 1 / Decimal(2 if noun in LEXICON.half.words else LEXICON.fraction[noun])
    count = Decimal(1)
    if len(words) > 1 and words[0].lower() not in LEXICON.articles:
        count = parse_words(words[0]) or Decimal(1)
    return count * share


_SIGN_AFTER = {w.lower() for w in LEXICON.sign_after.words}
_LAST_WORD = re.compile(r"[\w'’]+$|[(=:]$")


def _takes_sign(text: str, start: int) -> bool:
    """A spaced minus or "moins" before digits is a sign after a word that takes a value ("un
    solde de - 12", "soit moins 3"); elsewhere it is a dash. At the start of a line, "moins 3" is
    a value but "- 3" a bullet.

    >>> _takes_sign("un solde de - 12", 12), _takes_sign("Budget - 12 agents", 7)
    (True, False)
    """
    before = text[max(0, start - 12): start].rstrip(" \u00a0")
    if not before or before.endswith("\n"):
        return text[start] not in "-−"
    m = _LAST_WORD.search(before)
    return m is not None and m.group().lower() in _SIGN_AFTER


_QUALIFIER_RE = re.compile(
    rf"(?<![\w-])(?P<q>{_alternation(list(LEXICON.qualifier))})\s*$", re.IGNORECASE
)


def qualifier_before(text: str, start: int) -> tuple[str, int] | None:
    """The qualifier ending just before `start` ("près de", "plus de") and its start offset.

    >>> qualifier_before("soit près de 30 %", 13)
    ('approx', 5)
    """
    m = _QUALIFIER_RE.search(text, max(0, start - 30), start)
    if m is None:
        return None
    return LEXICON.qualifier[m.group("q").lower()], m.start()

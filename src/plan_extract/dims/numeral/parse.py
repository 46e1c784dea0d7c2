"""Find numbers in French text and read their value.

Digits follow French typography: groups of three separated by a space, a no-break space
(U+00A0), a narrow no-break space (U+202F) or a dot ("1.100"); a comma marks decimals ("2,5").
Numbers in letters are read by text2num. Ordinals ("2e", "2ᵉ", "IIe", "1er", "deuxième") are
found too, and marked as such so that no quantity is built on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel
from text_to_num import text2num

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


class NumeralLexicon(BaseModel):
    words: list[str]
    articles: list[str]
    joiners: list[str]
    scale: dict[str, int]
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
    ordinal: dict[str, int]
    qualifier: dict[str, str]
    range: _Range


LEXICON = load_toml(__package__, "lexicon.toml", NumeralLexicon)

_SPACE = "[ \u00a0\u202f]"
_GROUPED = rf"[1-9]\d{{0,2}}(?:{_SPACE}\d{{3}})+(?!\d)"        # 258 000, 1 200 000
_DOTTED = r"[1-9]\d{0,2}(?:\.\d{3})+(?![\d.])"                 # 1.100, 6.700,54 (thousands dot)
_PLAIN = r"\d+(?:,\d+)?"                                       # 27, 2,5, 0,8
_DIGITS = rf"(?:{_GROUPED}|{_DOTTED}|{_PLAIN})(?:,\d+)?"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_WORD = _alternation(LEXICON.words)
_ARTICLE = _alternation(LEXICON.articles)
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
NUMBER_RE = re.compile(
    # "L. 224-1", "2023-123": digits joined by a hyphen are an identifier, not a number; so are
    # "2000/60" and "192.168.1.2". Letters may stand before or after the digits ("EUR29,99",
    # "50m2", "7,62mm"): the component keeps the number only where the tokenizer split them off
    # ("A9", "G7" and "10h30" stay single tokens; see NumeralFinder).
    rf"(?<![\d_.,/])(?<!\d[-‑])(?P<num>{_SIGN}{_DIGITS}(?:{_SPACE}(?P<scale>{_SCALE})(?!\w){_AND_PART})?)"
    rf"(?![\d_])(?![.,/]\d)(?![-‑]\d)"
    # "un demi-milliard": half a scale word.
    rf"|(?<![\w-])(?P<demi>(?:{_ARTICLE}) (?:{_HALF})-(?P<demi_scale>{_SCALE}))(?![\w-])"
    # "un demi-litre": half of what the word after the hyphen names (form "half").
    rf"|(?<![\w-])(?P<half_of>(?:{_ARTICLE}) (?:{_HALF}))(?=-[^\W\d_])"
    # "un seul cas", "une seule fois": exactly one.
    rf"|(?<![\w-])(?P<one>(?:{_ARTICLE})[ \u00a0]+(?:{_ONLY}))(?![\w-])"
    rf"|(?<![\w-])(?P<words>{_WORD_RUN}){_AND_PART.replace('part', 'words_part')}(?![\w-])",
    re.IGNORECASE,
)
# "la moitié", "un tiers", "les deux tiers", "trois quarts": a share, read as a percentage.
FRACTION_RE = re.compile(
    rf"(?<![\w-])(?P<det>la|le|les|un|une|(?:les\s+)?(?P<count>{_WORD}))\s+(?P<noun>{_FRACTION})(?![\w-])",
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
_CANDIDATE_RE = re.compile(r"(?<![\w,])(?P<sign>[+\-−])(?=[ \u00a0]?\d)|(?<![\d_,])(?P<digit>\d)|(?<!\w)(?P<word>[^\W\d_]+)")
_NUMBER_WORDS = _first_words([*LEXICON.words, *LEXICON.articles, *LEXICON.scale, *LEXICON.negative_words.words])
_FIRST_WORDS = {
    "number": _NUMBER_WORDS,
    "fraction": _first_words([*LEXICON.words, "la", "le", "les", "un", "une"]),
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


def _candidates(text: str) -> _Starts:
    starts = _Starts([], [], [], [], [])
    for m in _CANDIDATE_RE.finditer(text):
        start = m.start()
        if m.group("sign") is not None:
            starts.number.append(start)  # only a number takes a sign
            continue
        if m.group("digit") is not None:
            starts.number.append(start)
            starts.ordinal.append(start)
            starts.approx.append(start)
            if m.group("digit") == "0":
                starts.phone.append(start)
            continue
        word = m.group("word")
        lowered = word.lower()
        if lowered in _FIRST_WORDS["number"]:
            starts.number.append(start)
        if word[0] in "IVXLC" or lowered in _FIRST_WORDS["ordinal"]:
            starts.ordinal.append(start)
        if lowered in _FIRST_WORDS["fraction"]:
            starts.fraction.append(start)
        if lowered in _FIRST_WORDS["approx"]:
            starts.approx.append(start)
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


def parse_digits(text: str) -> Decimal | None:
    """Read digits in French typography: "258 000" -> 258000, "2,5" -> 2.5, "1.100" -> 1100."""
    compact = re.sub(_SPACE, "", text).replace("−", "-")
    if re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?", compact):
        compact = compact.replace(".", "")
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:
        return None


def parse_words(text: str) -> Decimal | None:
    """Read a number in letters: "deux cent cinquante-huit mille" -> 258000."""
    try:
        return Decimal(text2num(text.lower(), "fr"))
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
    for m in _finditer(FRACTION_RE, text, starts.fraction):
        count = parse_words(m.group("count")) if m.group("count") else Decimal(1)
        if count is not None:
            share = count / LEXICON.fraction[m.group("noun").lower()]
            found.append(Numeral(m.start(), m.end(), share.quantize(Decimal("0.0001")), "fraction"))
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
            scale = m.group("scale")
            digits = m.group("num")[: m.start("scale") - m.start()] if scale else m.group("num")
            if m.group("spaced"):
                digits = digits[len(m.group("spaced")):]
                if _takes_sign(text, start):
                    digits = "-" + digits
                else:
                    start = m.end("spaced")  # "Budget - 12 agents": a dash, not a minus
            value = parse_digits(digits.strip(" \u00a0\u202f"))
            if value is not None and scale:
                value = (value + _fraction_part(m.group("part"))) * LEXICON.scale[scale.lower()]
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

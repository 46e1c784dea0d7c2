"""Clues read around a match: is this number a year, is this month in a street name, which tense?"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from plan_extract.dims.date.lexicon import LEXICON, UNITS, lower
from plan_extract.grammar import DE, LINK_ARTICLES, LINKS
from plan_extract.spans import WORD_CACHE_SIZE, doc_text, features, sentence_bounds, token_attrs

YEAR_CONTEXT = set(LEXICON.year_context.words) | set(LEXICON.month) | set(LEXICON.season)
YEAR_BLOCKERS = set(LEXICON.year_context.blockers)
STREET = set(LEXICON.street.words)
# Nouns that may follow a year without making it a count ("2023 année record", "en 2023 janvier").
TIME_NOUNS = set(UNITS) | set(LEXICON.month) | set(LEXICON.period)
ORDINAL_RE = re.compile(r"^\d+(e|er|re|de|nd|nde|ème|ᵉ|ᵉʳ)$")
PUNCT_AFTER = {",", ".", ";", ":", ")", "-", "–", "/", "»", "!", "?", "\n"}


def prev_token(span: Span | Token, k: int = 1) -> Token | None:
    """The token `k` places before the span, or None at the start of the Doc."""
    i = (span.start if isinstance(span, Span) else span.i) - k
    return span.doc[i] if i >= 0 else None


def next_token(span: Span | Token, k: int = 1) -> Token | None:
    i = (span.end if isinstance(span, Span) else span.i + 1) + k - 1
    return span.doc[i] if i < len(span.doc) else None


def text_slice(doc: Doc, start: int, end: int) -> str:
    """`doc.text[start:end]`, from the Doc's text read once per Doc (`spans.doc_text`): spaCy
    joins every token of the Doc at each access of `doc.text`.

    >>> # text_slice(doc, span.start_char - 80, span.start_char): the line before a date
    """
    return doc_text(doc)[max(0, start):max(0, end)]


def in_street_name(span: Span) -> bool:
    """True when a street or building word stands right before the date, with only a link and
    an article between ("rue du 8 Mai 1945", "place de la 19 Mars"; a match on "Mai 1945" also
    skips its day number). Never across a line break or punctuation: in "feuille de
    route\n\n8 juillet 2010" the date opens its own line.

    >>> # "place du 19 Mars 1962" is an address, not a date
    """
    words = token_attrs(span.doc).lower
    i = span.start - 1
    if i >= 0 and (words[i].isdigit() or ORDINAL_RE.match(words[i])):
        i -= 1
    if i >= 0 and words[i] in LINK_ARTICLES:
        i -= 1
    if i >= 0 and words[i] in LINKS:
        i -= 1
    return i >= 0 and words[i] in STREET


def is_year_here(token: Token) -> bool:
    """Whether a bare four-digit number is a year rather than a count.

    A year follows a time preposition or word ("en 2023", "d'ici 2025", "budget 2024"); a count
    follows a determiner or a qualifier ("les 2000 agents", "plus de 2000") or precedes its noun
    ("2000 logements").

    >>> # "en 2023" -> True; "2000 logements" -> False
    """
    before = prev_token(token)
    after = next_token(token)
    if before is not None and before.text[:1].isupper() and lower(before.text) in LEXICON.month:
        return False  # "rue du 8 Mai 1945": a capitalised month before a year is a name
    before_word = lower(before.text) if before is not None else ""
    if before_word in YEAR_BLOCKERS:
        return False
    if before is not None and before.i > 0 and before_word in DE:
        # "plus de 2000 personnes": the qualifier sits before "de".
        if lower(token.doc[before.i - 1].text) in YEAR_BLOCKERS:
            return False
    if after is not None and after.text not in PUNCT_AFTER and lower(after.text) not in TIME_NOUNS \
            and not ORDINAL_RE.match(after.text) and not lower(after.text).startswith("jusqu'"):
        # An ordinal after it counts something else ("2022-2026 2de convention"); "jusqu'à"
        # closes a range ("de 2024 jusqu'à 2030").
        if after.pos_ in ("NOUN", "PROPN", "ADJ") and after.text[:1].islower():
            return False
        if not after.is_alpha and after.text not in PUNCT_AFTER and not after.is_space:
            # "2000 €", "2000 %"
            return False
    if before_word in YEAR_CONTEXT:
        return True
    if before is not None and before.pos_ in ("VERB", "AUX") and before_word not in YEAR_CONTEXT:
        # "ils étaient 2000 à manifester"
        return False
    return 1900 <= int(token.text) <= 2100


# The tense read from each morphological feature string (by its hash): -1, +1, 0 or None.
_TENSES: dict[int, int | None] = {}


def _tense(doc: Doc, i: int) -> int | None:
    """-1, +1 or 0 from a finite verb's own tense and mood; None for a non-finite form."""
    key = token_attrs(doc).morph[i]
    try:
        return _TENSES[key]
    except KeyError:
        pass
    morph = features(doc, i)
    if "Fin" not in morph.get("VerbForm", ()):
        found = None
    else:
        tenses = set(morph.get("Tense", ()))
        if "Fut" in tenses or "Cnd" in morph.get("Mood", ()):
            found = 1
        elif tenses & {"Past", "Imp"}:
            found = -1
        else:
            found = 0
    if len(_TENSES) >= WORD_CACHE_SIZE:
        _TENSES.clear()
    _TENSES[key] = found
    return found


def direction(span: Span) -> int:
    """The time a year-less date points to, read from the tense of the clause that holds it.

    -1 for the past ("l'enquête conduite en novembre", "a eu lieu le 3 mars"), +1 for the future
    ("aura lieu le 3 mars", "va démarrer en mai", "pourront être prolongées jusqu'au 30
    septembre"), 0 when the tense says nothing (present, passive present).

    Reads positions and the Doc's `token_attrs` lists: no Token is built.
    """
    doc = span.doc
    attrs = token_attrs(doc)
    pos, dep, heads, children = attrs.pos, attrs.dep, attrs.head, attrs.children
    i = span.root.i
    participle_seen = False
    for _ in range(12):
        if pos[i] in ("VERB", "AUX"):
            morph = features(doc, i)
            forms = morph.get("VerbForm", ())
            auxes = [c for c in children[i] if dep[c].startswith("aux")]
            if "Inf" in forms and any(attrs.lemma[a] == "aller" and doc[a].lemma_ == "aller" for a in auxes):
                return 1  # "va démarrer": near future
            tense_auxes = [a for a in auxes if dep[a] != "aux:pass"]
            passive_auxes = [a for a in auxes if dep[a] == "aux:pass"]
            if "Part" in forms and tense_auxes:
                # Compound tenses: "a été présenté" is past, "aura lieu" future.
                return 1 if any(_tense(doc, a) == 1 for a in tense_auxes) else -1
            for aux in passive_auxes:
                found = _tense(doc, aux)
                if found is not None:
                    return -1 if found == 0 and participle_seen else found
            own = _tense(doc, i)
            if own is not None:
                return -1 if own == 0 and participle_seen else own
            if "Part" in forms and not passive_auxes and "Past" in morph.get("Tense", ()):
                participle_seen = True  # "l'enquête conduite en novembre"
        if heads[i] == i:
            break
        i = heads[i]
    # The parse gave no finite verb above the date: take the tense of the nearest one in the sentence.
    first, last = sentence_bounds(doc, span.start)[0], sentence_bounds(doc, span.end - 1)[1]
    finite = [j for j in range(first, last) if _tense(doc, j) is not None]
    if finite:
        nearest = min(finite, key=lambda j: abs(j - span.start))
        found = _tense(doc, nearest)
        if found:
            return found
    return -1 if participle_seen else 0


AGE = LEXICON.age
AGE_PERSONS = set(AGE.persons)


def is_age(span: Span, amount: float) -> bool:
    """Whether "N ans" (or "N mois") is someone's age, a quantity rather than a duration: "âgé de
    16 ans", "une femme de 30 ans", "les jeunes de 16 à 25 ans", "les moins de 25 ans", "les
    décès avant 65 ans", "les 65 ans et plus".

    >>> # "pendant 3 ans" -> False; "un homme de 45 ans" -> False for the duration rule
    """
    texts = token_attrs(span.doc).text
    words = [lower(text) for text in texts[max(0, span.start - 5):span.start]]
    after = [lower(text) for text in texts[span.end:span.end + 2]]
    if any(after[:len(words_after)] == words_after for words_after in AGE.after):
        return True
    if not words:
        return False
    # "à 25 ans" ending "de 16 à 25 ans": look past the range.
    if len(words) >= 3 and words[-1] in ("à", "-") and words[-2].isdigit() and words[-3] == "de":
        words = words[:-2]
    if words[-1] in DE:
        before = words[:-1]
        if before and (before[-1] in AGE.introducers or before[-1] in AGE_PERSONS):
            return True
        if len(before) >= 2 and before[-1] in AGE.bounds and (before[-2] in AGE.groups or before[-2] in DE):
            return True  # "les moins de 25 ans", "enfants de moins de 3 ans"
    if words[-1] in AGE.groups:
        return True  # "les 18-25 ans", "des 65 ans"
    if words[-1] in AGE.limits and amount >= AGE.limit_minimum and not (after and after[0] in DE):
        return True
    return False

"""Organisations: public bodies of the lexicon, the NER's organisations that look like bodies,
and acronyms defined in the text ("Syndicat des mobilités de Touraine (SMT)").

Each finder returns `Mention`s; the component clusters them into actors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from plan_extract.dims.actor.lexicon import LEXICON, OrgPattern, known_acronyms, org_patterns
from plan_extract.grammar import COORDINATING, LINK_ARTICLES, LINKS
from plan_extract.spans import (
    entities, group_key, positions, sentence_bounds, span_extension, token_attrs, trim_entity,
)

# Words that link a body to its place: "préfecture de l'Orne", "conseil départemental du Finistère".
ORG_HEADS = set(LEXICON.org_heads.words)
NAMED_HEADS = set(LEXICON.org_heads.named)
TARGETS = set(LEXICON.targets.words)
# Short words skipped when matching the letters of an acronym to its long form.
_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z][A-Za-z0-9&\-]{1,9}$")


@dataclass
class Mention:
    """One mention of an actor, before clustering."""

    span: Span
    rule: str
    type: str = "organization"
    org_id: str | None = None
    category: str | None = None
    member: bool = False
    acronym: str | None = None
    role: str | None = None
    place: Span | None = None  # the place in the name or jurisdiction
    name: str | None = None  # when the name is not the span's text (a role-only person)
    extra: dict = field(default_factory=dict)


class OrgMatcher:
    """The public bodies of `patterns.jsonl`, matched case-insensitively on the lower-case form.

    >>> [m.org_id for m in OrgMatcher(nlp)(nlp("La gendarmerie et l'ARS."))]
    ['gendarmerie', 'ars']
    """

    def __init__(self, nlp: Language, extra: Sequence[OrgPattern] = ()) -> None:
        """`extra`: bodies of a user lexicon (plan_extract.lexicon), in the same format."""
        self.rows: dict[str, OrgPattern] = {}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.acronyms = dict(known_acronyms())
        self.names: dict[str, str] = {}  # the full form of the user's bodies, by id
        for row in extra:
            if row.acronym:
                self.acronyms.setdefault(row.id, row.pattern)
            elif not row.member:
                self.names.setdefault(row.id, row.pattern)
        for number, row in enumerate((*org_patterns(), *extra)):
            key = f"org{number}"
            self.rows[key] = row
            self.matcher.add(key, [nlp.make_doc(row.pattern)])
        # Multi-word heads that take a following name ("syndicat mixte Arve Faucigny").
        self.named = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.named.add("named", [nlp.make_doc(head) for head in NAMED_HEADS])

    def __call__(self, doc: Doc) -> list[Mention]:
        places = _places(doc)
        matches: list[Span] = []
        for match_id, start, end in self.matcher(doc):
            span = Span(doc, start, end, label=doc.vocab.strings[match_id])
            row = self.rows[span.label_]
            if row.acronym and span.text == span.text.lower():
                continue  # "bac" is the baccalauréat, "BAC" the anti-crime brigade
            if row.pattern != row.pattern.lower() and not span[0].text[:1].isupper():
                continue  # "l'État" is the state, "l'état des routes" is not
            matches.append(span)
        for _, start, end in self.named(doc):
            matches.append(Span(doc, start, end, label="named"))
        mentions = []
        for span in filter_spans(matches):
            row = self.rows.get(span.label_)
            head_length = len(span)
            matched, written = span, span.text  # "ARS" in "ARS OCCITANIE": the acronym without the place
            place = None
            named = row is None or row.named
            # "Tours Métropole Val de Loire", "Mulhouse Alsace Agglomération": a capitalised head
            # inside a longer entity names the whole entity.
            ent = _entity_around(span)
            if ent is not None and span[0].text[:1].isupper() and not span[0].is_sent_start:
                span = ent
                # "la Ville d'Alençon" read whole by the NER: its place is inside it
                place = next((p for p in places.values() if span.start < p.start and p.end <= span.end), None)
            else:
                bracket = _bracket_end(span)
                span, place = _with_place(span, places)
                if place is None and bracket is not None and row is not None:
                    # "Agence régionale de santé (ARS) d'Occitanie": the place after the acronym
                    longer, place = _with_place(doc[span.start:bracket], places)
                    if place is not None:
                        name = f"{span.text} {doc[bracket:longer.end].text}"
                        acronym = doc[span.end + 1:bracket - 1].text
                        mentions.append(Mention(longer, f"lexicon {row.id} (<ACRONYM>) de <place>", org_id=row.id,
                                                category=row.label, acronym=acronym, place=place, name=name))
                        continue
                if named:
                    with_name = _with_name(span)
                    if len(with_name) > len(span) and (place is None or with_name.end > span.end):
                        span, place = with_name, None
            if row is None:
                if len(span) == head_length:
                    continue  # a head without a name: "l'association"
                mentions.append(Mention(span, "<named head> <Name>", place=place))
                continue
            if row.place == "required" and (place is None or _territory(span, place)):
                continue
            if row.place == "territorial" and _as_territory(doc[matched.start:matched.end]):
                continue

            acronym = written if row.acronym else self.acronyms.get(row.id)
            rule = f"lexicon {row.id}" + (" de <place>" if place is not None else "")
            extra = {"canonical": self.names[row.id]} if row.id in self.names else {}
            mentions.append(Mention(span, rule, org_id=row.id, category=row.label, member=row.member,
                                    acronym=acronym, place=place, extra=extra))
        return mentions


def _territory(span: Span, place: Span) -> bool:
    """"sur la commune de Vauvert", "dans la ville de Nîmes": the territory, not the council; and
    "la deuxième ville de France" is a rank, not a body (a town body's place is a commune)."""
    doc = span.doc
    if (span_extension(place, "location") or {}).get("type") not in ("commune", None):
        return True
    i = span.start
    if i > 0 and doc[i - 1].lower_ in LINK_ARTICLES:
        i -= 1
    return i > 0 and doc[i - 1].lower_ in _TOWN_CASES


_TERRITORY = LEXICON.territory
# Prepositions before the territory of a town: "sur la commune de Vauvert".
_TOWN_CASES = frozenset(_TERRITORY.town_cases)
# Prepositions before a territory: "sur le Département", "dans les communes", "en Région".
_LOCATIVES = _TOWN_CASES | frozenset(_TERRITORY.locatives)
# Prepositions of a plural that acts: "avec les communes", "par les communes".
_ACTING_CASES = frozenset(_TERRITORY.acting_cases)
# Prepositions of the complement of a noun that receives: "l'aide aux communes".
_BENEFICIARY_CASES = LINKS | frozenset(_TERRITORY.beneficiary_cases)


def _as_territory(span: Span) -> bool:
    """A word that names a territory as well as its council is the territory after a locative
    preposition or a number ("sur le Département", "dans les communes rurales", "143 communes");
    a plural ("les communes") is the councils only where they act: the subject of an active verb,
    an agent, a partner ("avec les communes"), or an item of a list."""
    doc = span.doc
    i = span.start
    while i > 0 and (doc[i - 1].lower_ in LINK_ARTICLES or doc[i - 1].pos_ == "ADJ"):
        i -= 1
    if i > 0 and (doc[i - 1].like_num or doc[i - 1].pos_ == "NUM" or doc[i - 1].lower_ in _LOCATIVES):
        return True
    head = span.root
    if not head.text.islower() or "Plur" not in head.morph.get("Number") and not head.lower_.endswith("s"):
        return False
    acting = head.dep_ in ("nsubj", "obl:agent") or any(
        c.dep_ == "case" and c.lower_ in _ACTING_CASES for c in head.children)
    end = span.end
    while end < len(doc) and doc[end].pos_ == "ADJ":
        end += 1
    listed = (i == 0 or doc[i - 1].text in {",", "-", "•"} or doc[i - 1].is_space) and (
        end >= len(doc) or doc[end].text in {",", ";", "."} or doc[end].is_space or doc[end].lower_ in COORDINATING)
    return not (acting or listed)


FACILITIES = set(LEXICON.facilities.words)
WORKS = set(LEXICON.facilities.works)
# Prepositions of a place where something happens: "dans un commissariat".
_AT = frozenset(LEXICON.facilities.at)


def _first_conjunct(token):
    """The first of coordinated words: "Auch" for "CHU" in "du CH d'Auch et du CHU"."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def as_building(span: Span) -> bool:
    """A body that is also a building, where the building is meant: after "dans" or "devant"
    ("dans un commissariat des quartiers nord") or as the complement of a building work
    ("la reconstruction du centre hospitalier", "…et du CHU de Nantes")."""
    doc = span.doc
    i = span.start
    while i > 0 and doc[i - 1].pos_ == "DET":
        i -= 1
    if i > 0 and doc[i - 1].lower_ in _AT:
        return True
    head = _first_conjunct(span.root)
    return head.dep_ == "nmod" and head.head.lower_ in WORKS


def as_beneficiary(span: Span, category: str | None) -> bool:
    """A plural of local bodies ("collectivités locales", "bailleurs sociaux", "communes") that
    receives rather than acts: counted ("400 collectivités"), the complement of a noun ("les
    aménagements des collectivités", "l'aide aux communes") or after "pour" ("pour les
    copropriétés, collectivités ou bailleurs")."""
    if category not in ("local_government", "housing"):
        return False
    head = span.root
    if not head.text.islower() or "Plur" not in head.morph.get("Number"):
        return False
    doc = span.doc
    i = span.start
    while i > 0 and (doc[i - 1].lower_ in LINK_ARTICLES or doc[i - 1].pos_ == "ADJ"):
        i -= 1
    if i > 0 and (doc[i - 1].like_num or doc[i - 1].pos_ == "NUM"):
        return True
    j = i - 1  # a list after "pour": "pour les copropriétés, collectivités locales ou bailleurs"
    while j >= max(0, i - 12) and (doc[j].text == "," or doc[j].text in COORDINATING or doc[j].pos_ in ("DET", "NOUN", "ADJ")):
        j -= 1
    if j >= 0 and doc[j].lower_ == "pour":
        return True
    first = _first_conjunct(head)
    cases = {c.lower_ for c in first.children if c.dep_ == "case"}
    return first.dep_ == "nmod" and first.head.pos_ == "NOUN" and bool(cases & _BENEFICIARY_CASES)


def _places(doc: Doc) -> dict[int, Span]:
    """Location spans by their first token (found by `plan_location`, which runs first)."""
    return {span.start: span for span in doc.spans.get(group_key(doc, "location"), [])}


# Lower-case words that may join the capitalised words of a name ("Tours Métropole Val de Loire").
_NAME_JOINERS = LINKS | LINK_ARTICLES | set(LEXICON.name_joiners.words)


def _entity_around(span: Span) -> Span | None:
    """The NER entity (any label) strictly larger than `span` that contains it, when what it adds
    reads as a name: capitalised words and joiners, no verb and no number ("Agence régionale de
    santé consacre 90" is an entity the statistical NER ran on too far)."""
    for ent in entities(span.doc):
        if ent.start <= span.start and span.end <= ent.end and len(ent) > len(span):
            extra = [t for t in ent if t.i < span.start or t.i >= span.end]
            if all(t.text[:1].isupper() or t.lower_ in _NAME_JOINERS for t in extra) \
                    and not any(t.pos_ in ("VERB", "AUX", "NUM") for t in extra):
                return _trim(ent)
    return None


def _with_place(span: Span, places: dict[int, Span]) -> tuple[Span, Span | None]:
    """Extend a body's span over its place: "préfecture" + "de l'Orne"."""
    doc = span.doc
    i = span.end
    if i < len(doc) and doc[i].lower_ in LINKS:
        i += 1
        if i < len(doc) and doc[i].lower_ in LINK_ARTICLES:
            i += 1
    elif i < len(doc) and doc[i].text[:1].isupper():
        pass  # "la région Normandie", "Région Occitanie"
    else:
        return span, None
    place = places.get(i)
    if place is None:
        return span, None
    return doc[span.start: place.end], place


def _bracket_end(span: Span) -> int | None:
    """The token after ")" when an acronym in brackets follows the span: "santé (ARS)"."""
    doc = span.doc
    if span.end + 2 < len(doc) and doc[span.end].text == "(" and doc[span.end + 2].text == ")":
        return span.end + 3
    return None


def _with_name(span: Span) -> Span:
    """Extend a named head over the capitalised name that follows it: "association e-Enfance",
    "communauté de communes Creuse Grand Sud"."""
    doc = span.doc
    end = span.end
    # "établissement public du Marais poitevin": a link may come first
    if end + 1 < len(doc) and doc[end].lower_ in LINKS and doc[end + 1].text[:1].isupper():
        end += 1
    start_name = end
    while end < len(doc) and not doc[end].is_space and not doc[end].is_punct and \
            any(c.isupper() for c in doc[end].text) and not doc[end].is_sent_start:
        end += 1
        # inner links between two capitalised words: "Agence de l'eau Rhône Méditerranée Corse"
        if end + 1 < len(doc) and doc[end].lower_ in LINKS and doc[end + 1].text[:1].isupper():
            end += 1
    # a lower-case adjective ends a name: "Prévention routière", "Marais poitevin"
    while start_name < end < len(doc) and doc[end].pos_ == "ADJ" and doc[end].text[:1].islower():
        end += 1
    # so does one lower-case noun after a one-word name, where the name ends: "association Zéro
    # déchet qui…", "collectif Vélo cité,"
    if end == start_name + 1 and end + 1 < len(doc) and doc[end].pos_ == "NOUN" and doc[end].text.islower() \
            and (doc[end + 1].is_punct or doc[end + 1].pos_ in ("PRON", "CCONJ", "SCONJ")):
        end += 1
    if end == start_name:
        return span
    return doc[span.start:end]


def _trim(span: Span) -> Span:
    """Cut an entity at a line break and drop leading articles and edge punctuation."""
    return trim_entity(span, LINK_ARTICLES)


def acronym_after(span: Span) -> str | None:
    """The acronym in brackets right after a name: "Agence Régionale de Santé (ARS)"."""
    doc = span.doc
    if span.end + 2 < len(doc) and doc[span.end].text == "(":
        close = next((j for j in range(span.end + 1, min(span.end + 4, len(doc))) if doc[j].text == ")"), None)
        if close is not None:
            inner = doc[span.end + 1: close]
            if _ACRONYM.match(inner[0].text) or inner[0].text in known_acronyms().values():
                return inner.text
    return None


def long_form(doc: Doc, open_bracket: int, acronym: str) -> Span | None:
    """The words before "(" that an acronym stands for (after Schwartz & Hearst, 2003): each
    letter of the acronym is found in order in the words, the first one at a word start.

    >>> long_form(nlp("le Syndicat des mobilités de Touraine (SMT)"), 6, "SMT").text
    'Syndicat des mobilités de Touraine'
    """
    letters = [c.lower() for c in acronym if c.isalpha()]
    if len(letters) < 2:
        return None
    sentence_start = sentence_bounds(doc, open_bracket)[0]
    limit = max(sentence_start, open_bracket - min(len(letters) + 5, 2 * len(letters)))
    first = open_bracket
    # The long form never crosses a comma or another bracket; hyphens and apostrophes are words' parts.
    while first > limit and not (doc[first - 1].is_punct and doc[first - 1].text not in {"'", "’", "-"}):
        first -= 1
    text_tokens = doc[first:open_bracket]
    if not len(text_tokens):
        return None
    # Walk the acronym backwards through the characters, as in the original algorithm.
    chars = text_tokens.text.lower()
    offset = text_tokens.start_char
    j = len(chars) - 1
    start_char = None
    for k in range(len(letters) - 1, -1, -1):
        while j >= 0 and (chars[j] != letters[k] or (k == 0 and j > 0 and chars[j - 1].isalnum())):
            j -= 1
        if j < 0:
            return None
        start_char = j
        j -= 1
    found = doc.char_span(offset + start_char, text_tokens.end_char, alignment_mode="expand")
    if found is None or found[0].lower_ in TARGETS or not found[0].is_alpha:
        return None
    return found


_OPEN_BRACKET = frozenset({"("})


def defined_acronyms(doc: Doc, known: list[Mention]) -> list[Mention]:
    """Acronyms defined in brackets: attached to the body just before, else a new body whose name
    is the acronym's long form. Later bare uses of the acronym are mentions of the same body."""
    ends = {m.span.end: m for m in known}
    found: list[Mention] = []
    for i in positions(doc, _OPEN_BRACKET, "text"):
        if i + 2 >= len(doc):
            continue
        token = doc[i]
        inner = doc[token.i + 1]
        close = next((j for j in range(token.i + 1, min(token.i + 4, len(doc))) if doc[j].text == ")"), None)
        if close is None or not _ACRONYM.match(inner.text):
            continue
        acronym = doc[token.i + 1: close].text
        before = ends.get(token.i)
        if before is not None:
            before.acronym = acronym
            continue
        span = long_form(doc, token.i, inner.text)
        # Only bodies: "plan départemental d'actions de sécurité routière (PDASR)" is not one.
        if span is not None and not ORG_HEADS.isdisjoint(token_attrs(doc).lower[span.start:span.end]):
            found.append(Mention(span, "<Long Form> (<ACRONYM>)", acronym=acronym))
    return found


def acronym_uses(doc: Doc, acronyms: dict[str, Mention], taken: set[int]) -> list[Mention]:
    """Bare uses of acronyms defined in the text ("le SMT conduira le chantier")."""
    found = []
    texts = token_attrs(doc).text
    if not acronyms or acronyms.keys().isdisjoint(texts):
        return found
    for i, text in enumerate(texts):
        mention = acronyms.get(text)
        if mention is None:
            continue
        token = doc[i]
        if token.i not in taken and doc[token.i - 1].text != "(":
            found.append(Mention(doc[token.i:token.i + 1], "<ACRONYM>", org_id=mention.org_id,
                                 category=mention.category, acronym=token.text))
    return found


def ner_orgs(doc: Doc, taken: set[int]) -> list[Mention]:
    """NER organisations headed by an organisation noun ("Fédération syndicale unitaire",
    "Automobile Club de l'Ouest"), or followed by an acronym in brackets."""
    found = []
    for ent in entities(doc):
        if ent.label_ != "ORG" or any(i in taken for i in range(ent.start, ent.end)):
            continue
        span = _trim(ent)
        if not len(span) or span[0].lower_ in TARGETS:
            continue
        headed = not ORG_HEADS.isdisjoint(token_attrs(doc).lower[span.start:span.end])
        if headed or acronym_after(span):
            found.append(Mention(span, "NER ORG", acronym=acronym_after(span)))
    return found


def intercommunalities(doc: Doc, taken: set[int]) -> list[Mention]:
    """Intercommunalities found by `plan_location` ("Dinan Agglomération", "Grand Poitiers"): a
    place and a public body at once, as a commune's name is not."""
    found = []
    for place in doc.spans.get(group_key(doc, "location"), []):
        value = span_extension(place, "location") or {}
        if value.get("subtype") == "intercommunality" and not any(i in taken for i in range(place.start, place.end)):
            found.append(Mention(place, "intercommunality <Name>", category="local_government",
                                 name=value.get("name"), place=place))
    return found


# A body's acronym glued to its département number: "FGDON22", "GDSA22", "SDIS83".
_DEPARTMENT_CODE = re.compile(r"^[A-Z]{3,8}(?:0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")


def coded_acronyms(doc: Doc, taken: set[int]) -> list[Mention]:
    """Acronyms with a département number glued to them are bodies of that département."""
    found = []
    texts = token_attrs(doc).text
    # A code is in capitals and digits: `str.isupper` (in C) leaves few words to match.
    for i in compress(range(len(texts)), map(str.isupper, texts)):
        text = texts[i]
        if i not in taken and _DEPARTMENT_CODE.match(text):
            found.append(Mention(doc[i:i + 1], "<ACRONYM><département>", acronym=text))
    return found


# Nouns of the working bodies a plan sets up ("le comité d'engagement", "la cellule de crise").
COMMITTEES = frozenset(LEXICON.committees.words)
_QUOTES_OPEN, _QUOTES_CLOSE = {"«", '"', "“"}, {"»", '"', "”"}


def committees(doc: Doc, taken: set[int]) -> list[Mention]:
    """A committee noun with its lower-case adjectives and its "de" + noun complement, or a
    name in quotes: "comité départemental de la ressource en eau", "comité d'usagers",
    "comité « ressource en eau »". A committee without a complement names no body."""
    found = []
    for i in positions(doc, COMMITTEES):
        if i in taken or doc[i].pos_ not in ("NOUN", "PROPN"):
            continue
        end = i + 1
        while end < len(doc) and doc[end].pos_ == "ADJ" and doc[end].text[:1].islower():
            end += 1  # "comité départemental", "commission locale"
        if end < len(doc) and doc[end].text in _QUOTES_OPEN:
            close = next((j for j in range(end + 1, min(end + 8, len(doc))) if doc[j].text in _QUOTES_CLOSE), None)
            if close is None:
                continue
            end = close + 1
        else:
            complement = _noun_complement(doc, end)
            if complement is None:
                if end == i + 1:
                    continue
            else:
                end = complement
        if end > i + 1:  # a body inside wins over it: "comité d'administration de l'Anru"
            found.append(Mention(doc[i:end], "<committee> de <noun>"))
    return found


def _noun_complement(doc: Doc, i: int) -> int | None:
    """Where "de" + (article) + a noun and its adjectives end, with one more "de" complement
    ("de la ressource en eau", "d'administration de l'Anru"); None when none starts at `i`."""
    end = None
    for _ in range(2):
        if i >= len(doc) or doc[i].lower_ not in LINKS:
            break
        j = i + 1
        if j < len(doc) and doc[j].lower_ in LINK_ARTICLES:
            j += 1
        if j >= len(doc) or not (doc[j].pos_ in ("NOUN", "PROPN") and doc[j].is_alpha):
            break
        j += 1
        while j < len(doc) and (doc[j].pos_ == "ADJ" and doc[j].text[:1].islower()):
            j += 1
        if j + 1 < len(doc) and doc[j].lower_ == "en" and doc[j + 1].pos_ == "NOUN":
            j += 2  # "ressource en eau"
        end = i = j
    return end


# Heads of an administration's departments named by their field, capitalised: "Service transition écologique".
SERVICE_HEADS = frozenset(head.capitalize() for head in LEXICON.services.heads)


def services(doc: Doc, taken: set[int]) -> list[Mention]:
    """A capitalised "Service" or "Direction" followed by the lower-case noun of its field and
    its adjectives: "Service transition écologique", "Direction voirie"; not "Service civique"
    (an adjective), nor a lower-case "service" (any service)."""
    found = []
    attrs = token_attrs(doc)
    texts, pos = attrs.text, attrs.pos
    for i in positions(doc, SERVICE_HEADS, "text"):
        if i + 1 >= len(doc) or i in taken:
            continue
        nxt = texts[i + 1]
        if not nxt.islower() or pos[i + 1] != "NOUN" or attrs.lower[i + 1] in TARGETS or not nxt.isalpha():
            continue
        end = i + 2
        while end < len(doc) and pos[end] == "ADJ" and texts[end].islower():
            end += 1
        found.append(Mention(doc[i:end], "Service <field>", category="local_government"))
    return found

"""Actors (public bodies and persons): the spaCy component `plan_actor`.

Runs after `plan_location`. Stores one span per mention in `doc.spans["actor"]`, the rule name in
`span.id_` and `span._.actor` = {"key": "org:ars", "name": "Agence Régionale de Santé",
"type": "organization", "acronym": "ARS", "role": None, "category": "health",
"location": None}. All mentions of one actor share the key and carry the same value; "location"
is the key of the place the actor belongs to ("parquet de Lille"), the place item with that key.
"""

from __future__ import annotations

from typing import TypedDict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from plan_extract.component import BatchComponent, register_extension
from plan_extract.dims.actor.lexicon import LEXICON, canonical_names
from plan_extract.dims.actor.orgs import (
    Mention, OrgMatcher, acronym_uses, coded_acronyms, committees, defined_acronyms, intercommunalities,
    FACILITIES, as_beneficiary, as_building, ner_orgs, services,
)
from plan_extract.dims.actor.persons import (
    CIVILITIES, NOT_NAMES, RoleMatcher, clean_person, link, predicate, standalone_role, titled,
)
from plan_extract.grammar import LINK_ARTICLES, LINKS, OrdinaryWords
from plan_extract.lexicon import LexiconLike, UserLexicon, WithUserLexicon
from plan_extract.spans import entities, group_key, reading_keys, span_extension, span_text, token_attrs

SPANS_KEY = "actor"


class ActorValue(TypedDict):
    key: str
    name: str
    type: str
    acronym: str | None
    role: str | None
    category: str | None
    location: str | None  # the key of the place (`span._.location["key"]`) the actor belongs to



class ActorExtractor(WithUserLexicon, BatchComponent):
    """Find the organisations and persons that act in a text, and merge their mentions.

    >>> doc = nlp("Sébastien Jallet, préfet de l'Orne, a réuni la gendarmerie. Les gendarmes patrouillent.")
    >>> sorted({(s._.actor["name"], s._.actor["role"]) for s in doc.spans["actor"]})
    [('Sébastien Jallet', "préfet de l'Orne"), ('gendarmerie', None)]
    """

    def __init__(self, nlp: Language, spans_key: str = SPANS_KEY, lexicon: LexiconLike = None,
                 location_key: str = "location") -> None:
        """`lexicon`: a user lexicon whose `[[actor.bodies]]` and `actor.roles` are added
        (docs/lexicon.md); `location_key`: where `plan_location` put the places."""
        register_extension("actor")
        self.nlp = nlp
        self.spans_key = spans_key
        self.location_key = location_key
        self.orgs = OrgMatcher(nlp)
        self.roles = RoleMatcher(nlp)
        self.ordinary = OrdinaryWords(nlp)
        self.not_bodies = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.not_bodies.add("not_body", [nlp.make_doc(text) for text in _spellings(LEXICON.not_bodies.words)])
        self.config_lexicon(lexicon)

    def use_lexicon(self, lexicon: UserLexicon) -> None:
        self.orgs = OrgMatcher(self.nlp, lexicon.actor.bodies)
        self.roles = RoleMatcher(self.nlp, lexicon.actor.roles)

    def __call__(self, doc: Doc) -> Doc:
        reading_keys(doc, {"location": self.location_key})  # for the helpers that read the places
        mentions = self.orgs(doc)
        mentions += defined_acronyms(doc, mentions)
        taken = {i for m in mentions for i in range(m.span.start, m.span.end)}
        mentions += intercommunalities(doc, taken)
        mentions += coded_acronyms(doc, taken)
        taken = {i for m in mentions for i in range(m.span.start, m.span.end)}
        mentions += committees(doc, taken)
        taken = {i for m in mentions for i in range(m.span.start, m.span.end)}
        mentions += services(doc, taken)
        taken = {i for m in mentions for i in range(m.span.start, m.span.end)}
        mentions += ner_orgs(doc, taken)
        acronyms = {m.acronym: m for m in mentions if m.acronym and m.org_id is None}
        taken = {i for m in mentions for i in range(m.span.start, m.span.end)}
        mentions += acronym_uses(doc, acronyms, taken)
        mentions = self._persons(doc, mentions)
        # "code général des collectivités territoriales": a law code names no body
        lower = token_attrs(doc).lower
        mentions = [m for m in mentions if "code" not in lower[max(0, m.span.start - 3):m.span.start]]
        mentions = self._without_fixed_expressions(doc, mentions)
        # "dans un commissariat", "la reconstruction du CHU": the building; "l'aide aux communes";
        # with them what lies inside ("centre hospitalier (CH) d'Auch": the long form, the acronym)
        gone = {i for m in mentions if m.org_id in FACILITIES and as_building(m.span)
                or m.org_id and as_beneficiary(m.span, m.category) for i in range(m.span.start, m.span.end)}
        mentions = [m for m in mentions if not all(i in gone for i in range(m.span.start, m.span.end))]
        mentions = _governments(doc, mentions)
        mentions = _non_overlapping(mentions)
        clusters = [(value, group) for value, group in _cluster(mentions) if not all(m.member for m in group)]
        mentions = [m for _, group in clusters for m in group]
        for value, group in clusters:
            for mention in group:
                span = mention.span
                span.id_ = mention.rule
                span._.actor = value
        doc.spans[self.spans_key] = sorted((m.span for m in mentions), key=lambda s: s.start)
        return doc

    def _persons(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """Add persons (NER PER, cleaned) with their roles, and roles without a name; drop the
        bodies that only sit inside a role ("président du conseil départemental")."""
        roles = self.roles(doc, mentions)
        # "Dinan Agglomération" taken for a person: a place found by plan_location is no one
        places = {(s.start, s.end) for s in doc.spans.get(self.location_key, [])}
        persons = []
        for ent in entities(doc):
            if ent.label_ == "PER":
                person = clean_person(ent)
                if person is not None and (self._not_a_name(person) or (person.start, person.end) in places):
                    continue  # "Vélo", "Covid", "Minute Papillon": ordinary words the NER took for a person
                if person is not None and _eponym(person):
                    continue  # "le gouvernement Blum", "la loi Borloo": named after a person
                if person is not None and not any(m.span.start <= person.start < m.span.end for m in mentions):
                    persons.append(person)
        paired, used = link(doc, persons, roles)
        in_roles = {i for r in roles for i in range(r.start, r.end)}
        kept = [m for m in mentions if not any(i in in_roles for i in range(m.span.start, m.span.end))]
        for person in persons:
            role = paired.get(person.start)
            kept.append(Mention(person, "PER, <role>" if role is not None else "PER", type="person",
                                role=_role_text(role) if role is not None else None,
                                place=_place_in(role)))
        for role in roles:
            title = titled(role) if role.start not in used else None
            if title is not None:  # "M. le Maire", "Madame la Préfète": a person named by the title
                kept.append(Mention(title, "<civility> <article> <role>", type="person", role=_role_text(role),
                                    name=title.text, place=_place_in(role)))
            elif role.start not in used and standalone_role(role) and not predicate(role):
                text = _role_text(role)
                role = _strip(role)
                kept.append(Mention(role, "<role>", type="person", role=text, name=text,
                                    place=_place_in(role)))
        # "directeur de cabinet de la préfète du Loiret": the préfète acts too
        for role in self.roles.inner(doc, [r for r in roles if r.start in used or standalone_role(r)]):
            text = _role_text(role)
            kept.append(Mention(role, "<role> inside a role", type="person", role=text, name=text,
                                place=_place_in(role)))
        return kept


    def _without_fixed_expressions(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """Drop the bodies of the lexicon that stand inside a fixed expression naming no body
        ("l'État de droit", "le représentant de l'État") or inside a compound word ("les contrats
        de plan État-régions", "l'État-major")."""
        inside = {i for _, start, end in self.not_bodies(doc) for i in range(start, end)}
        kept = []
        for m in mentions:
            span = m.span
            if m.org_id and all(i in inside for i in range(span.start, span.end)):
                continue
            if m.org_id and len(span) == 1 and _hyphenated(span):
                continue
            kept.append(m)
        return kept

    def _not_a_name(self, person: Span) -> bool:
        """A NER person that is no one's name, unless a civility comes before it: one ordinary
        word or holiday ("Vélo", "Toussaint", "Covid"), or words the tagger reads as common words
        ("Minute Papillon")."""
        doc = person.doc
        words = [t.text for t in person if not t.is_punct and not t.is_space]
        if person.start > 0 and (doc[person.start - 1].lower_ in CIVILITIES
                                 or doc[person.start - 1].lower_.rstrip(".") + "." in CIVILITIES):
            return False
        if not words:
            return False
        if person.text.replace("’", "'").lower() in SEATS_OF_POWER:
            return True  # "Matignon", "l'Élysée": the office that sits there, never a person
        if len(words) == 1:
            return self.ordinary(words[0]) or words[0].lower() in NOT_NAMES
        # Several words: the tagger reads the first as a common word, and the first or the last
        # is an ordinary word ("Minute Papillon", "Réinvention du Bois"); "Pierre Martin" is
        # tagged as names, "Yannick Le Berre" ends with one.
        first = next(t for t in person if not t.is_punct)
        return first.pos_ in ("NOUN", "ADJ", "VERB") and (self.ordinary(words[0]) or self.ordinary(words[-1]))


SEATS_OF_POWER = set(LEXICON.seats_of_power.words)
SUCCESSIVE = set(LEXICON.successive.words)
EPONYM_HEADS = set(LEXICON.eponym_heads.words)


def _eponym(person: Span) -> bool:
    """A name right after a lower-case noun of `[eponym_heads]` names a thing after a person:
    "le gouvernement Blum", "la loi Borloo"."""
    doc = person.doc
    return person.start > 0 and doc[person.start - 1].lower_ in EPONYM_HEADS and doc[person.start - 1].text.islower()


def _governments(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """The government as an actor: "le gouvernement sortant" and "le nouveau gouvernement" are two
    governments, named with their adjective, and "le gouvernement Blum" is one named after its
    head; "les actions du gouvernement", "la priorité du gouvernement" speak of its policy, where
    no body acts: those mentions are dropped."""
    kept = []
    for m in mentions:
        span = m.span
        if m.org_id != "gouvernement" or len(span) != 1:
            kept.append(m)
            continue
        token = span[0]
        if span.end < len(doc) and doc[span.end].text[:1].isupper() and doc[span.end].is_alpha \
                and (doc[span.end].ent_type_ == "PER" or doc[span.end].pos_ == "PROPN"):
            end = span.end + 1
            while end < len(doc) and doc[end].ent_iob_ == "I" and doc[end].ent_type_ == "PER":
                end += 1
            kept.append(Mention(doc[span.start:end], "gouvernement <Name>", category=m.category))
            continue
        before = doc[span.start - 1] if span.start > 0 else None
        after = doc[span.end] if span.end < len(doc) else None
        if before is not None and before.lower_ in SUCCESSIVE:
            kept.append(Mention(doc[span.start - 1:span.end], "<adjective> gouvernement", category=m.category))
        elif after is not None and after.lower_ in SUCCESSIVE:
            kept.append(Mention(doc[span.start:span.end + 1], "gouvernement <adjective>", category=m.category))
        elif token.dep_ == "nmod" and token.head.pos_ == "NOUN" and any(
                c.dep_ == "case" and c.lower_ in LINKS for c in token.children) \
                or token.lower_ == "gouvernement" and before is not None and before.lower_ == "du" \
                and token.head.pos_ == "NOUN" and token.head.i < token.i:
            continue  # "les actions du gouvernement"
        else:
            kept.append(m)
    return kept


def _spellings(phrases: list[str]) -> list[str]:
    """Each phrase with both apostrophes, and "état" also without its accent (as in "Etat")."""
    out = set()
    for phrase in phrases:
        for form in (phrase, phrase.replace("'", "’")):
            out.update((form, form.replace("état", "etat")))
    return sorted(out)


def _hyphenated(span: Span) -> bool:
    """A one-word body glued by a hyphen to another word: "État-régions", "Police-Justice"."""
    doc = span.doc
    after = span.end + 1 < len(doc) and doc[span.end].text == "-" and not span[-1].whitespace_ \
        and not doc[span.end].whitespace_
    before = span.start >= 2 and doc[span.start - 1].text == "-" and not doc[span.start - 1].whitespace_ \
        and not doc[span.start - 2].whitespace_
    return after or before


def _role_text(role: Span) -> str:
    """A role as written, its first word in lower case ("Préfet de l'Orne" in a signature)."""
    text = _strip(role).text
    return text[:1].lower() + text[1:] if not role[0].is_upper else text


def _strip(span: Span) -> Span:
    """Without a leading article."""
    start = span.start
    while start < span.end - 1 and span.doc[start].lower_ in LINK_ARTICLES:
        start += 1
    return span.doc[start:span.end]


def _place_in(span: Span | None) -> Span | None:
    """The last place named inside a span (a role's jurisdiction)."""
    if span is None:
        return None
    places = span.doc.spans.get(group_key(span.doc, "location"), [])
    inside = [p for p in places if span.start <= p.start and p.end <= span.end]
    return inside[-1] if inside else None


def _non_overlapping(mentions: list[Mention]) -> list[Mention]:
    """The longest mention wins where two overlap."""
    by_span = {(m.span.start, m.span.end): m for m in mentions}
    kept = filter_spans([m.span for m in mentions])
    return [by_span[(s.start, s.end)] for s in kept]


def _cluster(mentions: list[Mention]) -> list[tuple[ActorValue, list[Mention]]]:
    """Group mentions into actors and give every mention of a group the same value.

    Bodies of the lexicon group by id, split by place ("parquet de Lille" and "parquet de
    Valence" are two actors; a bare "le parquet" joins the only one); other bodies by acronym
    or name; persons by surname; a role alone joins the named person with the same role word.
    """
    groups: dict[str, list[Mention]] = {}
    places_of: dict[str, set[str]] = {}
    for m in mentions:
        if m.org_id and m.place is not None:
            places_of.setdefault(m.org_id, set()).add(_place_key(m.place))
    person_roles: dict[str, list[tuple[str, str]]] = {}
    for m in mentions:
        if m.type == "person" and m.name is None and m.role:
            person_roles.setdefault(_role_word(m.role), []).append((m.role, _person_key(m.span)))
    role_keys: dict[str, str] = {}
    for m in mentions:
        if m.type == "person" and m.name is not None:
            word = _role_word(m.role or "")
            if m.place is not None:
                role_keys.setdefault(word, f"role:{m.role.casefold()}")
    for m in mentions:
        if m.org_id:
            places = places_of.get(m.org_id, set())
            if m.place is not None:
                key = f"org:{m.org_id}:{_place_key(m.place)}"
            elif len(places) == 1:
                key = f"org:{m.org_id}:{next(iter(places))}"
            else:
                key = f"org:{m.org_id}"
        elif m.type == "organization":
            key = f"org:{(m.acronym or span_text(m.span)).casefold()}"
        elif m.name is None:
            key = _person_key(m.span)
        else:
            word = _role_word(m.role or "")
            # "le commandant du groupement" joins "commandant du groupement de gendarmerie de l'Aveyron"
            fuller = max((o.role for o in mentions if o.type == "person" and o.name is not None and o.role
                          and o.role.casefold().startswith(m.role.casefold())), key=len, default=m.role)
            key = _named_holder(m.role or "", person_roles.get(word, [])) or role_keys.get(word) \
                or f"role:{fuller.casefold()}"
        groups.setdefault(key, []).append(m)
    # "la municipalité", "la mairie" without a place: the town's body when the text names one only
    towns = [key for key in groups if key.startswith(("org:ville:", "org:mairie:"))]
    if len(towns) == 1 and "org:mairie" in groups:
        groups[towns[0]] += groups.pop("org:mairie")
    result = []
    for key, group in groups.items():
        result.append((_value(key, group), group))
    return result


def _named_holder(role: str, holders: list[tuple[str, str]]) -> str | None:
    """The key of the named person a role alone refers to: one whose role has the same word and a
    complement that agrees ("le préfet" and "préfet de l'Yonne" join "Pascal Jan, préfet de
    l'Yonne"); "ministre de la Culture" is not "ministre de l'Intérieur Jean Roux"."""
    rest = role.casefold().partition(" ")[2]
    for other, key in holders:
        other_rest = other.casefold().partition(" ")[2]
        if not rest or not other_rest or rest.startswith(other_rest) or other_rest.startswith(rest):
            return key
    return None


def _value(key: str, group: list[Mention]) -> ActorValue:
    """The value shared by all mentions of one actor: the fullest name, the first acronym,
    role, category and place found in any mention."""
    named = [m for m in group if not m.member and m.type == "organization" and not _is_acronym(m)]
    persons = [m for m in group if m.type == "person" and m.name is None]
    if persons:
        name = max((span_text(m.span) for m in persons), key=len)
    elif named:
        name = max((m.name or span_text(m.span) for m in named), key=len)
    elif group[0].type == "person":
        name = max((m.name or span_text(m.span) for m in group), key=len)
    else:
        org_id = next((m.org_id for m in group if m.org_id), None)
        name = canonical_names().get(org_id or "") or next(
            (m.extra["canonical"] for m in group if "canonical" in m.extra), span_text(group[0].span))
    roles = [m.role for m in group if m.role]
    place = next((m.place for m in group if m.place is not None), None)
    return ActorValue(
        key=key, name=name, type=group[0].type,
        acronym=next((m.acronym for m in group if m.acronym), None),
        role=max(roles, key=len) if roles else None,
        category=next((m.category for m in group if m.category), None),
        location=_place_key(place) if place is not None else None,
    )


def _is_acronym(m: Mention) -> bool:
    """The mention is the acronym alone ("ARS"; "Psig d'Argelès" names the body with its place)."""
    return m.acronym is not None and span_text(m.span) == m.acronym


def _place_key(place: Span) -> str:
    value = span_extension(place, "location") or {}
    return value.get("key") or span_text(place).casefold()


def _person_key(span: Span) -> str:
    """Persons group by surname: "Sébastien Jallet" and "M. Jallet"."""
    return f"person:{span[-1].lower_}"


# Feminine endings of role words with their masculine, in the lexicon's order.
FEMININE_ENDINGS = tuple(LEXICON.feminine_endings.items())


def _role_word(role: str) -> str:
    """The role word without its feminine ending, to merge "la préfète" with "préfète de la Drôme"."""
    word = role.split()[0].casefold() if role else ""
    for feminine, masculine in FEMININE_ENDINGS:
        if word.endswith(feminine):
            return word[: -len(feminine)] + masculine
    return word

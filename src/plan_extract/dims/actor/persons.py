"""Persons and roles: "Sébastien Jallet, préfet de l'Orne", "le préfet de l'Orne, Sébastien
Jallet", "le ministre de l'Intérieur Gérald Darmanin", "la maire, Mme Hoffmann", and roles
without a name ("le procureur de la République").
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from plan_extract.dims.actor.lexicon import LEXICON
from plan_extract.dims.actor.orgs import TARGETS, Mention
from plan_extract.grammar import (
    LINK_ARTICLES, LINKS, SINGULAR_ARTICLES, blocked_before, forms, is_sentence_start,
)
from plan_extract.spans import group_key

ROLE_FIRST_WORDS = {role.split()[0] for role in LEXICON.roles.words}
ROLES_LONGEST_FIRST = sorted(LEXICON.roles.words, key=len, reverse=True)
COMPLEMENTS = set(LEXICON.roles.complements)
CIVILITIES = set(LEXICON.civilities.words)
NOT_NAMES = set(LEXICON.not_names.words)
# Prepositions of a role's complement: "de l'Orne", "au maire", "chargé des mobilités".
ROLE_LINKS = LINKS | set(LEXICON.role_links.words)
# Separators allowed between a name and its role: "Jallet, préfet", "Jallet\nPréfet", "Jallet (préfet".
SEPARATORS = {",", "-", "–", "—", "(", ":"}
# Determiners that make a role word a noun phrase ("le préfet", "sa maire").
DETERMINERS = LINK_ARTICLES | forms(LEXICON.determiners.words)
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "obl:agent"}


class RoleMatcher:
    """Role words of the lexicon, each extended over its complement.

    >>> [r.text for r in RoleMatcher(nlp)(nlp("Le préfet de l'Orne a parlé."), [])]
    ["préfet de l'Orne"]
    """

    def __init__(self, nlp: Language, extra: Sequence[str] = ()) -> None:
        """`extra`: role words of a user lexicon (plan_extract.lexicon), lower-case."""
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        # each role with both apostrophes: "secrétaire d'État" and "secrétaire d’État"
        spellings = {form for role in (*LEXICON.roles.words, *extra) for form in (role, role.replace("'", "’"))}
        self.matcher.add("role", [nlp.make_doc(role) for role in sorted(spellings)])

    def __call__(self, doc: Doc, orgs: list[Mention]) -> list[Span]:
        places = {s.start: s for s in doc.spans.get(group_key(doc, "location"), [])}
        bodies = {m.span.start: m.span for m in orgs}
        roles = []
        for _, start, end in self.matcher(doc):
            head = doc[start:end]
            if not _is_role_noun(head) or in_surname(doc, start):
                continue
            roles.append(Span(doc, start, _complement_end(doc, end, places, bodies), label="role"))
        return filter_spans(roles)

    def inner(self, doc: Doc, roles: list[Span]) -> list[Span]:
        """Roles inside the complement of a longer role: "préfète du Loiret" in "directeur de
        cabinet de la préfète du Loiret" (the préfète is an actor too).

        >>> matcher, doc = RoleMatcher(nlp), nlp("Le directeur de cabinet de la préfète du Loiret.")
        >>> [r.text for r in matcher.inner(doc, matcher(doc, []))]
        ['préfète du Loiret']
        """
        places = {s.start: s for s in doc.spans.get(group_key(doc, "location"), [])}
        found = []
        for role in roles:
            for _, start, end in self.matcher(doc[role.start + 1:role.end]):  # offsets in the Doc
                if start > role.start + 1 and doc[start - 1].lower_ in DETERMINERS:
                    found.append(Span(doc, start, _complement_end(doc, end, places, {}), label="role"))
        return filter_spans(found)


def _is_role_noun(head: Span) -> bool:
    """A role word is a role when a determiner, a line break, a comma or a name is right before it
    ("le préfet", "Jallet\\nPréfet", ", maire de") — not "un accueil préfet-maire"."""
    doc = head.doc
    if head.start == 0:
        return True
    prev = doc[head.start - 1]
    return (prev.lower_ in DETERMINERS or prev.is_space or prev.text in SEPARATORS
            or prev.ent_type_ == "PER" or is_sentence_start(head[0]) or head[0].text[:1].isupper())


# Capitalised articles that start a surname: "Bruno Le Maire", "Anne La Présidente".
SURNAME_PARTICLES = frozenset(a.capitalize() for a in LINK_ARTICLES if a.isalpha())


def in_surname(doc: Doc, i: int) -> bool:
    """A capitalised role word after a capitalised article that follows a first name is part of
    a surname: "Bruno Le Maire" is no mayor. Not after a civility ("Monsieur Le Maire") nor at the
    start of a sentence ("Le Maire de Lille")."""
    if i < 2 or not doc[i].text[:1].isupper() or doc[i - 1].text not in SURNAME_PARTICLES:
        return False
    first = doc[i - 2]
    return first.is_alpha and first.text[:1].isupper() and first.lower_ not in CIVILITIES \
        and not is_sentence_start(doc[i - 1]) and "\n" not in first.text_with_ws


def _complement_end(doc: Doc, end: int, places: dict[int, Span], bodies: dict[int, Span]) -> int:
    """Where the complement of a role ends: adjectives of the lexicon, then chains of
    "de/du/à" + a place, a body, a capitalised name or a lower-case noun with its adjectives."""
    i = end
    while i < len(doc) and i - end < 14:
        token = doc[i]
        if token.lower_ in COMPLEMENTS:
            i += 1
            continue
        if token.lower_ == "et" and i + 1 < len(doc) and doc[i + 1].lower_ in ROLE_LINKS:
            token = doc[i + 1]
            j = i + 2
        elif token.lower_ in ROLE_LINKS:
            j = i + 1
        else:
            break
        if j < len(doc) and doc[j].lower_ in LINK_ARTICLES:
            j += 1
        # A name starting here is the person, not the complement ("la maire de Lille Martine Aubry"
        # stops before "Martine"); inside a glued entity ("DurandPréfet du Cantal") it is not.
        if j >= len(doc) or doc[j].ent_iob_ == "B" and doc[j].ent_type_ == "PER" or "\n" in doc[j - 1].text_with_ws:
            break
        if j in places:
            i = places[j].end
        elif j in bodies:
            i = bodies[j].end
        elif doc[j].text[:1].isupper() and doc[j].is_alpha:
            i = j + 1
            while i < len(doc) and doc[i].text[:1].isupper() and doc[i].ent_type_ != "PER":
                i += 1
            i = _adjectives_end(doc, i)  # "ministre de la Transition écologique et solidaire"
        elif doc[j].pos_ == "NOUN" and doc[j].lower_ not in TARGETS:
            i = j + 1
            while i < len(doc) and doc[i].pos_ == "ADJ" and doc[i].text[:1].islower():
                i += 1
        else:
            break
    return i


def _adjectives_end(doc: Doc, i: int) -> int:
    """After the capitalised noun of a portfolio, its lower-case adjectives, joined by "et":
    "Transition écologique et solidaire"."""
    while i < len(doc):
        if doc[i].pos_ == "ADJ" and doc[i].text.islower():
            i += 1
        elif doc[i].lower_ == "et" and i + 1 < len(doc) and doc[i + 1].pos_ == "ADJ" and doc[i + 1].text.islower() \
                and i > 0 and doc[i - 1].pos_ == "ADJ":
            i += 2
        else:
            break
    return i


def clean_person(ent: Span) -> Span | None:
    """A PER entity without what scraped text glues to it: cut at a line break, a quote or a role
    word ("Sébastien JalletPréfet" -> "Sébastien Jallet"), civilities dropped ("Mme Hoffmann")."""
    doc = ent.doc
    start, end = ent.start, ent.end
    for i in range(start, end):
        token = doc[i]
        if i > start and (token.lower_ in ROLE_FIRST_WORDS and not in_surname(doc, i) or "\n" in doc[i - 1].text_with_ws
                          or token.is_space or token.is_quote or token.is_punct and token.text != "-"):
            end = i
            break
    while start < end and (doc[start].lower_.rstrip(".") + "." in CIVILITIES
                           or doc[start].lower_ in CIVILITIES or doc[start].lower_ in LINK_ARTICLES):
        start += 1
    if start >= end:
        return None
    span = doc[start:end]
    first = span[0]
    if first.lower_ in TARGETS or first.lower_ in ROLE_FIRST_WORDS:
        return None
    if len(span) == 1 and is_sentence_start(first) and first.pos_ != "PROPN":
        return None  # "Côté gendarmerie": a capitalised common noun at the start of a line
    if not any(c.isupper() for c in span.text) or blocked_before(doc, span.start):
        return None  # "le collège Paul-Bert"
    if _byline(span) or _credit(span):
        return None  # "Par Jean Dupont", "© Agence / Jean Dupont": who wrote the article or took the photo
    return span


# Words that introduce the author of an article on a line of its own ("Par", "Photo").
BYLINE_WORDS = set(LEXICON.bylines.words)
CREDIT_WORDS = set(LEXICON.bylines.credits)


def _credit(span: Span) -> bool:
    """A name after a credit mark on the same line: "© Agence / Jeanne Roux" took the photo."""
    doc = span.doc
    for i in range(span.start - 1, max(-1, span.start - 9), -1):
        if "\n" in doc[i].text_with_ws or doc[i].is_space:
            return False
        if doc[i].lower_ in CREDIT_WORDS:
            return True
    return False


def _byline(span: Span) -> bool:
    """A name right after "Par" (or "Photo :") at the start of a line, that ends its line or is
    followed by punctuation ("Par Jeanne Roux, publié le 3 mars", "Par Jeanne Roux | Mis à jour")."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].is_punct:
        i -= 1
    if i < 0 or doc[i].lower_ not in BYLINE_WORDS:
        return False
    line_start = i == 0 or "\n" in doc[i - 1].text_with_ws or doc[i - 1].is_space
    line_end = span.end >= len(doc) or "\n" in doc[span.end - 1].text_with_ws or doc[span.end].is_space \
        or doc[span.end].is_punct and doc[span.end].text not in {"-", "'", "’"}
    return line_start and line_end


def link(doc: Doc, persons: list[Span], roles: list[Span]) -> tuple[dict[int, Span], set[int]]:
    """Pair each person with an adjacent role: the role right after the name ("Jallet, préfet de
    l'Orne") or right before it ("le préfet de l'Orne, Sébastien Jallet"); a role that opens the
    sentence before an apposition ("Présidente de l'office, directrice d'école, Jeanne Roux a…");
    a role that is the predicate of the person ("Jeanne Roux est la préfète de l'Yonne"). A role
    in a chain of roles given to the same person is used too ("commandant de l'escadron, le chef
    d'escadron Paul Roux"). Returns the role of each person (by its start token) and the start
    tokens of the roles used."""
    by_start = {r.start: r for r in roles}
    by_end = {r.end: r for r in roles}
    paired: dict[int, Span] = {}
    used: set[int] = set()
    for person in persons:
        # role then name: skip separators, civilities
        i = _skip_back(doc, person.start, civilities=True)
        role = by_end.get(i)
        if role is None:
            # name then role: skip separators, line breaks, an article
            role = by_start.get(_skip_forward(doc, person.end))
        if role is not None and role.start not in used:
            paired[person.start] = role
            used.add(role.start)
            after = by_start.get(_skip_forward(doc, person.end))
            if after is not None and after.start > person.start:
                used.add(after.start)  # "le maire de la ville, X, co-président de la commission"
    for person in persons:  # "Présidente de l'office, …, Jeanne Roux a"; "Jeanne Roux est la préfète"
        if person.start in paired:
            continue
        role = _fronted_role(doc, person, roles) or _predicate_role(person, roles)
        if role is not None and role.start not in used:
            paired[person.start] = role
            used.add(role.start)
    for role in list(paired.values()):  # chains of roles: "commandant de X (ACR), le chef d'escadron Y"
        for step in (1, -1):
            current = role
            while True:
                nxt = by_end.get(_skip_back(doc, current.start)) if step == 1 else by_start.get(_skip_forward(doc, current.end))
                if nxt is None or nxt.start in used:
                    break
                used.add(nxt.start)
                current = nxt
    return paired, used


def _skip_back(doc: Doc, i: int, civilities: bool = False) -> int:
    """Back over separators, line breaks, articles, an acronym in brackets ("(EDSR)") and, with
    `civilities`, civilities ("M.", "Mme")."""
    while i > 0:
        prev = doc[i - 1]
        if prev.text == ")":
            opening = next((j for j in range(i - 2, max(i - 5, -1), -1) if doc[j].text == "("), None)
            if opening is None:
                break
            i = opening
        elif prev.text in SEPARATORS or prev.is_space or prev.lower_ in LINK_ARTICLES \
                or civilities and (prev.lower_.rstrip(".") + "." in CIVILITIES or prev.lower_ in CIVILITIES):
            i -= 1
        else:
            break
    return i


def _skip_forward(doc: Doc, j: int) -> int:
    """Forward over separators, line breaks and an article."""
    while j < len(doc) and (doc[j].text in SEPARATORS or doc[j].is_space or doc[j].lower_ in LINK_ARTICLES):
        j += 1
    return j


def _fronted_role(doc: Doc, person: Span, roles: list[Span]) -> Span | None:
    """A role that opens its sentence without a determiner, followed by a comma, and the first
    name of the sentence after it with no verb in between: "Présidente de l'office public de
    l'habitat, Jeanne Roux a présenté…"."""
    for role in roles:
        if role.end >= person.start or not is_sentence_start(role[0]) or doc[role.end].text != ",":
            continue
        between = doc[role.end:person.start]
        if len(between) > 25 or any(t.text in {".", "!", "?", ";"} or "\n" in t.text_with_ws for t in between):
            continue  # the parser may cut the sentence at the apposition: read the punctuation
        if not any(t.pos_ in ("VERB", "AUX") for t in between) and not any(t.ent_type_ == "PER" for t in between):
            return role
    return None


def _predicate_role(person: Span, roles: list[Span]) -> Span | None:
    """The role that a copula predicates of the person: "Jeanne Roux est la préfète de l'Yonne"."""
    for role in roles:
        head = role[0]
        if any(c.dep_ == "cop" for c in head.children):
            subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if subject is not None and person.start <= subject.i < person.end:
                return role
    return None


def predicate(role: Span) -> bool:
    """A role that is the predicate of a copula describes someone already named ("elle fut la
    capitaine de l'équipe"): not a new actor."""
    return any(c.dep_ == "cop" for c in role[0].children)


def titled(role: Span) -> Span | None:
    """A role after a civility and an article names one person: "M. le Maire", "Madame la
    Préfète", "Monsieur le Président". Returns the span from the civility."""
    doc = role.doc
    i = role.start
    if i >= 2 and doc[i - 1].lower_ in DETERMINERS and (doc[i - 2].lower_ in CIVILITIES
                                                       or doc[i - 2].lower_.rstrip(".") + "." in CIVILITIES):
        return doc[i - 2:role.end]
    if i >= 3 and doc[i - 1].lower_ in DETERMINERS and doc[i - 2].text == "." and doc[i - 3].lower_ + "." in CIVILITIES:
        return doc[i - 3:role.end]  # "M" "." "le" when the tokenizer splits the full stop
    return None


def standalone_role(role: Span) -> bool:
    """A role without a name is an actor when it is specific (it has a complement, or the role
    word is itself complete: "procureur de la République") or when it acts (the subject of a
    verb); "sans l'accord du maire" names no one in particular."""
    text = role.text
    head_words = len(text.split())
    doc = role.doc
    if role.start > 0 and doc[role.start - 1].text == "," and not role[0].text[:1].isupper():
        return False  # ", inspectrice générale de l'Éducation nationale,": in apposition to someone
    lowered = text.lower()
    matched = next((w for w in ROLES_LONGEST_FIRST if lowered.startswith(w)), "")
    has_complement = len(text) > len(matched) + 1
    return has_complement or " " in matched or head_words > 2 or any(t.dep_ in SUBJECT_DEPS for t in role[:1]) \
        or (role.start > 0 and doc[role.start - 1].lower_ in SINGULAR_ARTICLES
            and role[0].dep_ in SUBJECT_DEPS)

"""What a clause says about its measure: who acts, on what, the label, status, category, targets."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from plan_extract.dims.measure.clause import Clause
from plan_extract.dims.measure.lexicon import (
    AMOUNT_NOUNS, BENEFIT_CASES, CATEGORY_OF, CLITIC_OBJECTS, ETRE_VERBS, FUTURE_VERBS, LEXICON, OBJECT_CASES,
    REFLEXIVES, TARGET_NOUNS,
)
from plan_extract.dims.measure.syntax import MISPARSED_DEPS, NOUN_POS, VERB_POS, case_of, is_misparsed_finite, misparsed_at
from plan_extract.dims.measure.triggers import Trigger
from plan_extract.grammar import DE_CONTRACTIONS
from plan_extract.spans import doc_cache, feature, features, span_text, subtree, token_attrs

STATUS = LEXICON.status
ANNOUNCED_VERBS = set(STATUS.announced_verbs)
PLANNED_WORDS = set(STATUS.planned_words)
ONGOING_WORDS = set(STATUS.ongoing_words)
DONE_WORDS = set(STATUS.done_words)
# Children of a noun that are not part of its short phrase.
CLAUSAL_DEPS = {"acl:relcl", "appos", "parataxis", "advcl", "dep"}
MAX_PHRASE = 14
VOWELS = tuple("aàâeéèêëiîïoôuùûyœh")


@dataclass
class Roles:
    """The agent phrases (active subject, "par X") and the object of the action."""

    agents: list[Token]
    patient: Token | None


def chain(clause: Clause) -> list[Token]:
    """Tokens from the naming trigger up to the clause head ("renforcer" -> "permettre" -> "va")."""
    token, tokens = clause.trigger.token, []
    while len(tokens) < 8:
        tokens.append(token)
        if token == clause.head or token.head == token:
            break
        token = token.head
    if clause.head not in tokens:
        tokens.append(clause.head)
    return tokens


def is_passive(verb: Token) -> bool:
    attrs = token_attrs(verb.doc)
    return "Pass" in feature(verb, "Voice") or any(attrs.dep[c] in ("aux:pass", "nsubj:pass") for c in attrs.children[verb.i])


def _antecedent(verb: Token, pronoun: Token) -> Token:
    # "la brigade, qui sera renforcée": the relative pronoun stands for the noun the clause modifies.
    attrs = token_attrs(verb.doc)
    if attrs.pos[pronoun.i] == "PRON" and attrs.dep[verb.i] == "acl:relcl":
        return verb.head
    return pronoun


def roles(clause: Clause) -> Roles:
    """Agent and object of the clause's naming trigger.

    >>> from plan_extract.dims.measure.clause import find_clauses
    >>> from plan_extract.dims.measure.triggers import find_triggers
    >>> doc = nlp("La ville a créé un poste.")
    >>> roles(find_clauses(doc, find_triggers(doc))[0]).patient.text
    'poste'
    """
    doc = clause.head.doc
    attrs = token_attrs(doc)
    verbs = [t for t in chain(clause) if attrs.pos[t.i] in VERB_POS or t == clause.head]
    agents: list[Token] = []
    patient: Token | None = None
    for verb in verbs:
        for child in attrs.children[verb.i]:
            dep = attrs.dep[child]
            if dep == "nsubj" and is_passive(verb) and patient is None:
                # "Ce plan sera animé et suivi": the parser may call a passive subject nsubj.
                patient = _antecedent(verb, doc[child])
            elif dep == "nsubj":
                agents.append(_antecedent(verb, doc[child]))
            elif dep == "obl:agent":
                agents.append(doc[child])
            elif dep == "nsubj:pass" and patient is None:
                patient = _antecedent(verb, doc[child])
    head = clause.head
    misparsed = next((v for v in verbs if is_misparsed_finite(v)), None)
    if misparsed is not None and not agents:
        # "La Ville financera 1,5 M€": the noun the parser hangs the verb on is its subject.
        agents = [misparsed.head]
    if not agents and head.dep_ == "conj":
        # "La police a créé une brigade et renforcé les patrouilles": the subject is shared.
        agents = [c for c in head.head.children if c.dep_ in ("nsubj", "obl:agent")]
    trigger = clause.trigger
    token = trigger.token
    if trigger.object is not None:
        patient = trigger.object  # "dispose d'une unité": the unit is put in service
    elif trigger.verbal and token.pos_ not in NOUN_POS:
        if token.dep_ in ("acl", "amod") and token.head.pos_ in NOUN_POS and not is_misparsed_finite(token):
            patient = token.head
        elif not is_passive(token) or patient is None:
            patient = _object(token) or patient
        if patient is not None and token.i < patient.i < trigger.end and agents:
            # "l'équipage a pris ses quartiers": the phrase holds its object, the verb tells
            # what happens to the subject.
            patient = agents[0]
        if patient is None and agents and (_is_intransitive(token) or token.dep_ == "cop"):
            # "les contrôles vont s'intensifier": an intransitive verb acts on its subject.
            patient, agents = agents[0], agents[1:]
        if patient is None:
            # A misparsed object ("maintenir à un haut niveau [...] son parc"): the first noun
            # after the verb that the parser calls an object.
            found = next((i for i in range(token.i + 1, clause.end) if attrs.dep[i] == "obj" and attrs.pos[i] in NOUN_POS),
                         None)
            patient = doc[found] if found is not None else None
    elif not trigger.verbal and trigger.action == "financement" and token.pos_ not in ("VERB",):
        # A listed amount: "650 000 euros pour la voirie" funds the voirie.
        found = next((i for i in range(token.i + 1, clause.end) if attrs.pos[i] in NOUN_POS
                      and case_of(doc[i]) in BENEFIT_CASES and attrs.lemma[i] not in AMOUNT_NOUNS), None)
        patient = doc[found] if found is not None else None
    elif not trigger.verbal:
        patient = next((c for c in token.children if c.dep_ == "nmod" and case_of(c) in OBJECT_CASES), None)
    return Roles(agents, patient)


def _is_intransitive(verb: Token) -> bool:
    """Pronominal or motion verbs act on their subject: "se poursuivre", "est arrivée"."""
    return verb.pos_ in ("AUX", "ADJ") or verb.lemma_.lower() in ETRE_VERBS or \
        any(c.dep_ in ("expl:comp", "expl:pass") and c.lower_ in REFLEXIVES for c in verb.children)




def _object(verb: Token) -> Token | None:
    doc = verb.doc
    attrs = token_attrs(doc)
    dep, children = attrs.dep, attrs.children[verb.i]
    found = next((c for c in children if dep[c] == "obj"), None)
    obj = doc[found] if found is not None else None
    # The parser calls the pronoun an object or, when it is elided ("l'agrandir"), a determiner.
    clitic = next((c for c in children if c == verb.i - 1 and attrs.lower[c] in CLITIC_OBJECTS
                   and dep[c] in ("obj", "det")), None)
    if clitic is not None and found in (None, clitic):
        # The pronoun stands for the object of the verb coordinated before this one, if any.
        if verb.dep_ != "conj" or verb.head == verb:
            return None
        before = [verb.head, *(c for c in verb.head.children if c.dep_ in ("xcomp", "conj") and c.i < verb.i)]
        objects = [c for v in before for c in v.children if c.dep_ == "obj" and c.pos_ in NOUN_POS]
        return max(objects, key=lambda t: t.i) if objects else None
    if obj is not None and obj.lemma_.lower() in AMOUNT_NOUNS:
        # The money goes to what it funds: "à un programme", "pour la rénovation".
        target = next((c for c in [*children, *(t.i for t in obj.subtree)] if dep[c].startswith(("obl", "nmod"))
                       and case_of(doc[c]) in BENEFIT_CASES), None)
        return doc[target] if target is not None else obj
    return obj


def phrase(token: Token, stop: Token | None = None, limit: int | None = None) -> Span:
    """The short phrase of a noun: its subtree without relative clauses, appositions and what
    follows a comma or a parenthesis, at most MAX_PHRASE tokens. Labels, objects and categories
    ask for the same phrases: their bounds are kept in the Doc's cache.

    >>> phrase(nlp("Un programme de prévention, qui commence en mars, est lancé.")[1]).text
    'Un programme de prévention'
    """
    doc = token.doc
    key = (token.i, stop.i if stop is not None else -1, limit if limit is not None else -1)
    known = doc_cache(doc).values.setdefault("phrases", {})
    bounds = known.get(key)
    if bounds is None:
        bounds = known[key] = _phrase_bounds(token, stop, limit)
    return Span(doc, bounds[0], bounds[1])  # `doc[start:end]` checks the bounds in Python first


def _phrase_bounds(token: Token, stop: Token | None, limit: int | None) -> tuple[int, int]:
    doc = token.doc
    attrs = token_attrs(doc)
    left = token.left_edge.i
    # The phrase ends at the noun's right edge, after MAX_PHRASE tokens, or at `limit`: the
    # clause ends where a coordinated measure starts ("l'ouverture de 12 classes et la
    # fermeture de 30 classes").
    last = min(token.right_edge.i, token.i + MAX_PHRASE, limit - 1 if limit is not None else len(doc))
    excluded = {t for child in attrs.children[token.i] if attrs.dep[child] in CLAUSAL_DEPS or misparsed_at(doc, child)
                for t in subtree(doc, child)}
    if stop is not None and token.i < stop.i <= last:
        # "leur bail résilié": the phrase of the object stops before the action word.
        excluded |= {t for t in subtree(doc, stop.i) if t >= stop.i}
    end = token.i + 1
    for i in range(token.i + 1, last + 1):
        if i in excluded or attrs.text[i] in (",", "(", ";", ":") or "\n" in attrs.text[i]:
            break
        end = i + 1
    while end > token.i + 1 and attrs.pos[end - 1] in ("PUNCT", "ADP", "CCONJ", "DET"):
        end -= 1
    if sum(attrs.text[i].count('"') for i in range(left, end)) % 2 and end < len(doc) and attrs.text[end] == '"':
        end += 1  # keep a quotation closed: 'formateurs "relais anti-drogue"'
    while left < token.i and attrs.pos[left] in ("PUNCT", "ADP", "CCONJ"):
        left += 1
    return left, end


def _lower_first(span: Span) -> str:
    attrs = token_attrs(span.doc)
    first = attrs.text[span.start]
    text = span_text(span)
    # An acronym keeps its capitals ("ARS"); an elided article does not ("L'ensemble").
    acronym = first.isupper() and len(first.rstrip("'’")) > 1
    if attrs.pos[span.start] in ("DET", "NUM", "ADJ", "NOUN", "PRON") and not acronym:
        text = text[:1].lower() + text[1:]
    return text


def with_de(span: Span) -> str:
    """French "de" + a noun phrase with its contractions: "les contrôles" -> "des contrôles".

    >>> with_de(nlp("un équipage")[0:2])
    "d'un équipage"
    """
    text = _lower_first(span)
    for article, contracted in DE_CONTRACTIONS.items():
        if text.startswith(article + " "):
            return contracted + text[len(article):]
    if text.startswith(VOWELS) or text[:1].isdigit() and text.split()[0] in ("1", "8", "11"):
        return "d'" + text
    return "de " + text


def label(clause: Clause, patient: Token | None) -> str:
    """"création d'un second équipage", "intensification des contrôles", or a "thing" noun's
    own phrase ("opérations de police contre les points de deal")."""
    trigger = clause.trigger
    action = trigger.spec
    if not trigger.verbal and action is not None and action.kind == "thing":
        return _lower_first(phrase(trigger.token)).removeprefix("le ").removeprefix("la ").removeprefix("les ") \
            .removeprefix("l'").removeprefix("un ").removeprefix("une ").removeprefix("des ").removeprefix("ces ")
    if patient is None:
        return trigger.action
    return f"{trigger.action} {with_de(phrase(patient, trigger.stop, clause.end))}"


def status(clause: Clause, span: Span) -> str:
    """done | ongoing | planned | announced, from the verbs of the clause and its markers.

    >>> from plan_extract.dims.measure.clause import find_clauses
    >>> from plan_extract.dims.measure.triggers import find_triggers
    >>> doc = nlp("Une brigade sera créée.")
    >>> clause = find_clauses(doc, find_triggers(doc))[0]
    >>> status(clause, clause.span(doc))
    'planned'
    """
    # Tokens are read by position from the Doc's lists: building Tokens is slow.
    doc = span.doc
    attrs = token_attrs(doc)
    dep, pos, lemma, children = attrs.dep, attrs.pos, attrs.lemma, attrs.children
    verbs = [t.i for t in chain(clause) if pos[t.i] in VERB_POS or dep[t.i] == "ROOT"]
    head = clause.head.i
    if clause.forced and pos[head] not in VERB_POS:
        root = clause.head.sent.root
        if root.pos_ in VERB_POS:
            # A listed action takes the tense of the verb that lists it ("prévoient l'ouverture
            # de 12 classes et la fermeture de 30 classes").
            verbs = [root.i]
    if dep[head] == "conj" and pos[attrs.head[head]] in VERB_POS:
        # "va rénover le collège et construire un gymnase": the second verb shares the first's tense.
        first = attrs.head[head]
        verbs += [first] + ([attrs.head[first]] if dep[first] == "xcomp" else [])
    # "Les centres resteront ouverts" parsed as "centres" + "resteront" + "ouverts": the
    # misplaced finite verb still gives the tense.
    verbs += [c for c in children[head] if dep[c] in MISPARSED_DEPS and c not in verbs and misparsed_at(doc, c)]
    auxes = [c for v in verbs for c in children[v] if dep[c].startswith("aux") or dep[c] == "cop"]
    words = {*attrs.lower[span.start:span.end], *attrs.lemma[span.start:span.end]}
    # "s'engage à maintenir", "prévoit la création": a promise; the trigger itself ("engagera
    # 25 M€") is only a verb of the action.
    trigger = clause.trigger.token.i
    if any(lemma[v] in ANNOUNCED_VERBS and v != trigger and not is_passive(doc[v]) for v in verbs) or \
            any("Cnd" in features(doc, t).get("Mood", ()) for t in verbs + auxes):
        return "announced"
    if any(lemma[v] in FUTURE_VERBS and any(dep[c] == "xcomp" for c in children[v]) for v in verbs) or \
            any(_future_at(doc, t) or misparsed_at(doc, t) for t in verbs + auxes) \
            or not words.isdisjoint(PLANNED_WORDS):
        return "planned"
    finite = [t for t in verbs + auxes if pos[t] in VERB_POS]
    if not finite:
        if not words.isdisjoint(ONGOING_WORDS):
            return "ongoing"
        return "done" if not words.isdisjoint(DONE_WORDS) else "announced"
    if not words.isdisjoint(DONE_WORDS):
        return "done"
    for verb in verbs:
        tense_aux = [c for c in children[verb] if dep[c] == "aux:tense"]
        if tense_aux or ("Part" in features(doc, verb).get("VerbForm", ()) and lemma[verb] in ETRE_VERBS and auxes):
            return "done"
        if any(features(doc, t).get("Tense", []) in (["Past"], ["Imp"]) and "Fin" in features(doc, t).get("VerbForm", ())
               for t in [verb, *(c for c in children[verb] if dep[c] == "cop")]):
            return "done"  # passé simple, imparfait: "était ouvert"
    return "ongoing"


def _is_future(token: Token) -> bool:
    """Future by its morphology, or by its ending when the tagger missed it ("perdront" tagged
    present): no French present tense ends in "-ront"."""
    return _future_at(token.doc, token.i)


def _future_at(doc: Doc, i: int) -> bool:
    """`_is_future` of token `i` of `doc`."""
    attrs = token_attrs(doc)
    return "Fut" in features(doc, i).get("Tense", ()) or attrs.pos[i] in VERB_POS and attrs.lower[i].endswith("ront")


def category(clause: Clause, span: Span, patient: Token | None) -> str:
    """The action's own category, else the first category word of the object, then of the clause."""
    def own(trigger: Trigger) -> str | None:
        action = trigger.spec
        return action.category if action is not None else None

    if own(clause.trigger):
        return own(clause.trigger)
    attrs = token_attrs(span.doc)
    pools = [phrase(patient, clause.trigger.stop, clause.end) if patient is not None else None, span]
    for pool in pools:
        for i in range(pool.start, pool.end) if pool is not None else ():
            for word in (attrs.lemma[i], attrs.lower[i]):
                if word in CATEGORY_OF:
                    return CATEGORY_OF[word]
    # Another action word of the clause ("ont permis des saisies") may still say it.
    return next((own(t) for t in clause.triggers if own(t)), "other")


def targets(span: Span) -> list[str]:
    """Beneficiary phrases as written: "jeunes", "publics vulnérables"."""
    found = []
    attrs = token_attrs(span.doc)
    for i in range(span.start, span.end):
        if attrs.pos[i] not in NOUN_POS and attrs.pos[i] != "ADJ" \
                or attrs.lemma[i] not in TARGET_NOUNS and attrs.lower[i] not in TARGET_NOUNS:
            continue
        token = span.doc[i]
        if token.pos_ == "ADJ" and token.dep_ == "amod":
            continue  # "un programme jeune" is no beneficiary
        end = token.i + 1
        while end < span.end and token.doc[end].dep_ == "amod" and token.doc[end].head == token:
            end += 1
        found.append(token.doc[token.i:end].text)
    return list(dict.fromkeys(found))



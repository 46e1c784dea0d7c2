"""The clause each action word heads, and the clauses that are measures.

A trigger (`triggers.py`) finds its clause in the dependency tree: a verb's clause climbs from an
infinitive to the verb that governs it ("va consacrer", "s'est engagée à maintenir"); a noun's
clause is the verb it is subject or object of ("des opérations ont été conduites"), or its own
noun phrase when the sentence has no verb ("Création d'un poste"). Triggers inside the clause of
another one are the same measure; coordinated and relative clauses are measures of their own.
A clause never crosses a sentence part (`segments.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from plan_extract.dims.measure.lexicon import (
    AIM_NOUNS, COMMENT_VERBS, COMPARED_CASES, COMPARISON_NOUNS, DESTINATION_VERBS, ELLIPTIC_MARKS, EXISTENTIAL_PRONOUNS,
    EXISTENTIAL_VERBS, FRAMING_SUBJECTS, FRAMING_VERBS, INDIRECT_CASES, MEETING_NOUNS, OBJECT_CASES, OBLIGATION_VERBS,
    OPENING_ACTIONS, OPINION_VERBS, PLACE_CASES, PLACE_RELATIVES, PROGRESS_VERBS, REFLEXIVE_NON_ACTIONS, REFLEXIVES,
    SPEECH_VERBS,
)
from plan_extract.dims.measure.segments import item_start, segment
from plan_extract.dims.measure.syntax import (
    NOUN_POS, VERB_POS, case_of, climb, has_event_subject, is_aim, is_anaphoric, is_conditional, is_gerund, is_incise,
    is_infinitive, is_misparsed_finite, is_negated, is_presented, is_purpose, undergoing_verb,
)
from plan_extract.dims.measure.triggers import Trigger, is_attribute, is_idiom, match_trigger
from plan_extract.spans import feature, features, token_attrs
from plan_extract.spans import subtree as subtree_positions

# Dependencies that start a clause of its own inside another one.
SEPARATE_DEPS = {"conj", "acl:relcl", "parataxis"}
# Dependencies of a noun that make its governing verb the head of its clause.
ARGUMENT_DEPS = {"nsubj", "nsubj:pass", "obj"}
# Children of a head that may open the sentence before a comma and are not part of the action
# ("Depuis les incidents, une brigade a été créée").
LEADING_DEPS = {"obl", "obl:mod", "obl:arg", "advmod", "advcl", "nmod", "dep", "case", "mark", "cc"}
EDGE_POS = {"PUNCT", "SPACE", "CCONJ"}
LEADING_EDGE_POS = EDGE_POS | {"ADP"}


@dataclass
class Clause:
    """A candidate measure: the head of its clause, its triggers, and its tokens."""

    head: Token
    triggers: list[Trigger]
    start: int = 0
    end: int = 0
    # A listed or coordinated noun is a measure of its own whatever the parser hangs it on.
    forced: bool = False

    @property
    def trigger(self) -> Trigger:
        return self.triggers[0]

    def span(self, doc: Doc) -> Span:
        return doc[self.start:self.end]



def clause_head(trigger: Trigger) -> Token | None:
    """The head of the trigger's clause, or None when the trigger is not an action of its own
    (a noun deep inside a complement, a purpose clause, a negated verb)."""
    token = trigger.token
    attrs = token_attrs(token.doc)
    dep, children = attrs.dep, attrs.children
    if token.pos_ == "AUX" and token.dep_ == "cop":
        # "est en service": the predicate noun heads the clause.
        head = token.head
    elif trigger.verbal and token.pos_ not in NOUN_POS:
        if is_attribute(token):
            token = token.head  # "resteront ouvertes": the verb heads the clause
        if is_misparsed_finite(token):
            token = token.head  # its subject heads the clause, so that the clause holds it
        elif token.dep_ in ("acl", "amod") and token.head.pos_ in NOUN_POS and not is_infinitive(token):
            # A participle on a noun: "verront leur bail résilié" is the clause of "verront";
            # "des conseillers recrutés en juin" is a measure of its own, "en alerte renforcée" not.
            noun = token.head
            own_words = any(dep[c] not in ("punct", "advmod") for c in children[token.i])
            if noun.dep_ in ARGUMENT_DEPS and noun.head.pos_ in VERB_POS:
                token = noun.head
            elif not noun.dep_.startswith("obl") and own_words:
                token = noun
            elif own_words and trigger.spec is not None and trigger.spec.support and _is_thing(noun):
                # "Lors d'une opération de contrôle menée lundi, …": the support verb and its noun
                # report the operation wherever the noun stands.
                token = noun
            else:
                return None
        head = climb(token)
    elif (token.dep_ == "conj" or is_list_item(token)) and case_of(token) == "":
        # Coordinated or listed actions are measures of their own: "prévoient l'ouverture de
        # 63 classes et la fermeture de 118 classes", "420 000 euros : campagne d'affichage,
        # formation de 600 aides à domicile et installation de brumisateurs". A coordinated
        # complement ("des travaux de voirie et d'aménagement") names what the first noun is.
        if is_commented(first_conjunct(token)):
            return None  # "elle souligne la réduction des déchets et la création d'emplois"
        head = token
    elif token.dep_ == "obj" and frames(token.head):
        head = token  # "on notera la mise en place d'un comité": the noun is the action
    elif (token.dep_ in ARGUMENT_DEPS or token.dep_ == "obl:arg" and case_of(token) in INDIRECT_CASES)\
            and token.head.pos_ in VERB_POS:
        # "des opérations ont été conduites", "ont abouti à la saisie de 27 kg"; not the object
        # of a verb that comments on it ("elle souligne la mobilisation de la ville").
        if is_commented(token) or token.dep_ == "nsubj" and token.head.lemma_.lower() in PROGRESS_VERBS:
            return None  # ... nor the subject of a verb of progress ("les travaux avancent")
        head = climb(token.head)
    elif token.dep_ == "ROOT":
        if _compared(token):
            return None  # "Une aide en hausse de 3 % par rapport à 2021": a figure compared
        head = token  # a verbless sentence: "Création d'un second équipage."
    elif not trigger.verbal and item_start(token.doc, min(token.left_edge.i, token.i)):
        head = token  # "- 2023 Mise en œuvre du contrat territorial" under "Calendrier"
    elif is_presented(token):
        head = token  # "il s'agit de la reconstruction de l'hôpital": the noun is the action
    elif not trigger.verbal and (undergoing := undergoing_verb(token)) is not None:
        head = climb(undergoing)  # "le projet a fait l'objet d'une concertation"
    elif not trigger.verbal and token.dep_.startswith("obl") and _lists_actions(token):
        # "avec une hausse de 20 % du soutien aux associations et la création d'une affiche":
        # the first of listed actions is one as the others are.
        head = token
    elif trigger.funded:
        # "par un soutien aux maisons de quartier à hauteur de 6,4 M€": a noun that holds its
        # own amount states a funding measure wherever the parser hangs it.
        head = token
    else:
        return None
    if is_purpose(head) or is_negated(head) or is_negated(trigger.token) or is_idiom(head):
        return None
    if _narrates(trigger, head):
        return None
    if _reflexive_non_action(head) or trigger.verbal and _reflexive_non_action(trigger.token):
        return None  # "nous nous sommes obligés de …", "une réforme s'impose"
    if is_conditional(head, trigger.token) or is_gerund(head) or is_gerund(trigger.token):
        return None  # "si la loi était adoptée", "en arrivant en sixième"
    if trigger.verbal and (is_incise(head) or _proposes_speech(trigger.token)):
        return None  # "…, a poursuivi le ministre", "nous proposons de rappeler …": speech
    if is_aim(head) or is_aim(trigger.token):
        return None  # "ont pour objectif de consolider …": a goal
    if trigger.verbal and trigger.action in OPENING_ACTIONS and any(
            dep[c] == "obj" and attrs.lemma[c] in MEETING_NOUNS for c in children[trigger.token.i]):
        return None  # "la maire ouvre le conseil municipal": procedure
    if trigger.verbal and has_event_subject(trigger.token, head):
        return None
    if trigger.verbal and (_announces_list(trigger) or _without_destination(trigger.token)):
        return None  # "permet de mobiliser :" (the items are the measures); "qui affectent le climat"
    if not trigger.verbal and _opens_quotation(token):
        return None  # "trois volets : « connaissance », « sensibilisation » et « agricole »": names
    if trigger.verbal and _needs_object(trigger) and not _has_object(trigger.token, head):
        return None
    if trigger.verbal and head.dep_ in ("acl", "amod") and head.pos_ in VERB_POS | {"ADJ"} \
            and all(dep[c] == "punct" for c in children[head.i]):
        return None  # "trois conventions signées": a bare participle describes a noun, it reports no action
    if dep[head.i] == "acl:relcl" and any(attrs.lower[c] in PLACE_RELATIVES for c in children[head.i]):
        # "le quartier où la police mène des opérations" describes a place, it reports no measure.
        return None
    if dep[head.i] == "acl:relcl" and trigger.verbal and not _has_noun_argument(head) \
            and not any(dep[c] in ("nsubj:pass", "aux:pass") for c in children[head.i]):
        # "qui l'accompagnent", "que nous souhaitons lancer durant notre mandat": an active
        # relative clause with pronouns for all its arguments says no more than the noun it
        # describes; a passive one acts on that noun ("des postes, qui seront redéployés").
        return None
    return head


SAYING_VERBS = SPEECH_VERBS | COMMENT_VERBS


def _narrates(trigger: Trigger, head: Token) -> bool:
    """The clause frames, comments or instructs rather than reports an action: "on retiendra le
    vote …" (the noun is the action), "tels que développé plus bas", "Accélérer…" alone, "il y a
    différentes interdictions", "la priorité reste l'accélération des travaux", "son ambition :
    un parc rénové", "je crois à son action", "vous pouvez télécharger l'arrêté"."""
    word = trigger.token
    attrs = token_attrs(word.doc)
    i, h = word.i, head.i
    # A verb in the second person plural ends in "-ez" ("pouvez", "téléchargez", "trouverez"), an
    # infinitive in "-r" or "-re": the morphology is read only for those.
    if attrs.lemma[h] in OPINION_VERBS or attrs.pos[h] == "NOUN" and attrs.lemma[h] in AIM_NOUNS \
            or attrs.pos[h] in VERB_POS and attrs.lower[h].endswith("ez") and _addresses_reader(head):
        return True
    if trigger.verbal:
        return attrs.lemma[i] in FRAMING_VERBS and frames(word) \
            or i > 0 and attrs.lower[i - 1] in ELLIPTIC_MARKS and _is_elliptic(word) \
            or attrs.dep[i] != "xcomp" and attrs.pos[i] == "VERB" and attrs.lower[i].endswith(("r", "re")) \
            and _is_bare_infinitive(word)
    return _is_existential(word) or _aim_attribute(word)


def frames(verb: Token) -> bool:
    """A journalist's framing ([grammar] framing_verbs with the subject "on"): "on retiendra le
    vote du budget", "on notera la mise en place d'un comité" present their object."""
    attrs = token_attrs(verb.doc)
    return attrs.lemma[verb.i] in FRAMING_VERBS and any(
        attrs.dep[c] == "nsubj" and attrs.lower[c] in FRAMING_SUBJECTS for c in attrs.children[verb.i])


def _is_elliptic(verb: Token) -> bool:
    """A participle without auxiliary in an elliptic comparison: "tels que développé plus bas",
    "comme prévu" refer to a measure stated elsewhere."""
    attrs = token_attrs(verb.doc)
    i = verb.i
    # The mark is the word before ("que développé", "comme prévu"), whatever the parser calls it.
    if i == 0 or attrs.lower[i - 1] not in ELLIPTIC_MARKS or attrs.head[i - 1] != i:
        return False
    return "Part" in feature(verb, "VerbForm") and "Past" in feature(verb, "Tense") \
        and not any(attrs.dep[c].startswith(("aux", "nsubj")) for c in attrs.children[i])


# Dependencies that give a verb something to act on, where, when or with whom.
ARGUMENT_OR_COMPLEMENT = {"obj", "iobj", "nsubj", "nsubj:pass", "obl", "obl:arg", "obl:mod", "obl:agent", "xcomp",
                          "ccomp", "expl:pv", "expl:comp", "expl:pass", "expl:subj", "compound:prt", "fixed"}


def _is_bare_infinitive(verb: Token) -> bool:
    """An infinitive alone, governed by no verb and with no word of its own: a slogan ("Massifier,
    accélérer, renforcer…") names no action of a body."""
    doc = verb.doc
    attrs = token_attrs(doc)
    if attrs.dep[verb.i] == "xcomp" or "Inf" not in feature(verb, "VerbForm"):
        return False  # an infinitive under a verb ("va renforcer") is that verb's action
    start, end = segment(verb)  # a word the parser hangs on it across a sentence end is not its own
    if any(attrs.dep[c] in ARGUMENT_OR_COMPLEMENT and start <= c < end for c in attrs.children[verb.i]):
        return False
    i = verb.i  # up through the listed infinitives: "accélérer" hangs on "renforcer"
    while attrs.dep[i] in ("conj", "advcl") and attrs.head[i] != i:
        i = attrs.head[i]
        if "Inf" not in features(doc, i).get("VerbForm", ()):
            return False
    return attrs.head[i] == i


# How far before its noun the pronoun of "il y a" is looked for.
EXISTENTIAL_WINDOW = 6


def _is_existential(noun: Token) -> bool:
    """A noun after "il y a" (not "il y aura"): "il y a différentes interdictions" says what exists."""
    doc = noun.doc
    attrs = token_attrs(doc)
    head = attrs.head[noun.i]
    lower = attrs.lower
    if not any(lower[j] in EXISTENTIAL_PRONOUNS for j in range(max(0, noun.i - EXISTENTIAL_WINDOW), noun.i)) \
            and not (head > 0 and lower[head - 1] in EXISTENTIAL_PRONOUNS):
        return False
    for j in range(max(0, noun.left_edge.i, noun.i - EXISTENTIAL_WINDOW), noun.i):
        if attrs.lower[j] in EXISTENTIAL_PRONOUNS and j + 1 < noun.i and attrs.lemma[j + 1] in EXISTENTIAL_VERBS:
            return "Fut" not in feature(noun.doc[j + 1], "Tense")
    return attrs.dep[noun.i] == "obj" and attrs.lemma[head] in EXISTENTIAL_VERBS and head > 0 \
        and attrs.lower[head - 1] in EXISTENTIAL_PRONOUNS and "Fut" not in feature(noun.doc[head], "Tense")


def _aim_attribute(noun: Token) -> bool:
    """An action noun that is the attribute of a noun of aim: "la première priorité reste
    l'accélération de la transition", "notre objectif est la rénovation de 500 logements"."""
    attrs = token_attrs(noun.doc)
    i = noun.i
    if attrs.dep[i] in ("obj", "xcomp") and attrs.pos[attrs.head[i]] in VERB_POS:
        i = attrs.head[i]  # "reste", "demeure", "sera", whatever the lemmatiser makes of them
    elif not any(attrs.dep[c] == "cop" for c in attrs.children[i]):
        return False
    return any(attrs.dep[c] == "nsubj" and attrs.lemma[c] in AIM_NOUNS for c in attrs.children[i])


def _addresses_reader(verb: Token) -> bool:
    """A clause addressed to the reader, in the imperative or with "vous", not in the past: "vous
    pouvez télécharger l'arrêté", "consultez les consignes" instruct, they report no measure."""
    # The verb itself is in the second person (a participle of the past, "vous avez voté", is not).
    return "2" in features(verb.doc, verb.i).get("Person", ())


def _proposes_speech(verb: Token) -> bool:
    """The action verb governs an infinitive of speech or comment that is no action of its own:
    "nous proposons de rappeler l'engagement de la ville" offers to say something."""
    doc = verb.doc
    attrs = token_attrs(doc)
    return any(attrs.dep[c] == "xcomp" and attrs.lemma[c] in SAYING_VERBS and is_infinitive(doc[c])
               and match_trigger(doc[c]) is None for c in attrs.children[verb.i])


def _compared(noun: Token) -> bool:
    """A verbless noun qualified by a comparison ([grammar] comparison_nouns): "Une aide en hausse
    de 3 %", "des subventions en baisse" state how a figure moved, not a measure."""
    attrs = token_attrs(noun.doc)
    return any(attrs.dep[c] == "nmod" and attrs.lemma[c] in COMPARISON_NOUNS and case_of(noun.doc[c]) in COMPARED_CASES
               for c in attrs.children[noun.i])


def _announces_list(trigger: Trigger) -> bool:
    """A verb without an object right before a colon announces the items that follow: "ce volet
    permet de mobiliser :" then the list; the items state the measures."""
    verb = trigger.token
    attrs = token_attrs(verb.doc)
    if trigger.end >= attrs.length or attrs.text[trigger.end] != ":":
        return False
    # A passive needs no object: "les contrôles seront intensifiés : …" states its measure.
    return "Pass" not in feature(verb, "Voice") \
        and not any(attrs.dep[c] in ("obj", "nsubj:pass", "aux:pass") for c in attrs.children[verb.i])


def _without_destination(verb: Token) -> bool:
    """An active verb of [grammar] destination_verbs with no place or beneficiary complement:
    "les crues qui affectent la vallée" (not "affecter dix agents au commissariat")."""
    if token_attrs(verb.doc).lemma[verb.i] not in DESTINATION_VERBS:
        return False
    children = list(verb.children)
    active = any(c.dep_ == "nsubj" for c in children) and not any(c.dep_ in ("aux:pass", "nsubj:pass") for c in children)
    # The destination may hang on the object: "affecté cinq agents à la circonscription".
    return active and not any(t.dep_.startswith(("obl", "nmod")) and case_of(t) in PLACE_CASES
                              for t in verb.subtree if t.i > verb.i)


# Marks that open a quotation.
OPENING_QUOTES = {"«", '"', "“"}


def _opens_quotation(noun: Token) -> bool:
    """An action noun without article right after an opening quotation mark is a name, a theme,
    a title: "les volets « sensibilisation » et « agricole »"; with its article it opens quoted
    words ("a annoncé « l'engagement de 250 M€ »")."""
    attrs = token_attrs(noun.doc)
    return noun.i > 0 and attrs.text[noun.i - 1] in OPENING_QUOTES


def first_conjunct(token: Token) -> Token:
    """The first of coordinated words: "la réduction des déchets et la création d'emplois" ->
    "réduction". The parser often hangs the second noun on the first one's complement
    ("déchets"): the walk goes up through complements too."""
    for _ in range(8):
        if token.dep_ not in ("conj", "nmod") or token.head == token:
            break
        token = token.head
    return token


def is_commented(token: Token) -> bool:
    """The object of a verb that comments on it ([grammar] comment_verbs): "elle souligne la
    mobilisation de la ville", "les gains concernent la qualité de l'eau"."""
    attrs = token_attrs(token.doc)
    return attrs.dep[token.i] == "obj" and attrs.lemma[attrs.head[token.i]] in COMMENT_VERBS


def _reflexive_non_action(verb: Token) -> bool:
    """A verb of [grammar] reflexive_non_actions with a reflexive pronoun acts on nobody else."""
    return token_attrs(verb.doc).lemma[verb.i] in REFLEXIVE_NON_ACTIONS and any(
        c.i < verb.i and c.pos_ == "PRON" and (c.lower_ in REFLEXIVES or c.dep_.startswith("expl")
                                               or "Yes" in feature(c, "Reflex")) for c in verb.children)


def _is_thing(noun: Token) -> bool:
    """The noun is an action noun that names a measure by itself ("opération", "contrôle")."""
    found = match_trigger(noun)
    return found is not None and not found.verbal and found.spec is not None and found.spec.kind == "thing"


def _lists_actions(noun: Token) -> bool:
    """The noun is the first of coordinated action nouns ("une hausse du soutien … et la création
    d'une affiche"), under a verb that is no action of its own."""
    if match_trigger(noun.head) is not None:
        return False
    for conj in (c for c in noun.children if c.dep_ == "conj" and c.i > noun.i):
        found = match_trigger(conj)
        if found is not None and not found.verbal and case_of(conj) == "":
            return True
    return False


# Dependencies of a verb's own arguments (see `_has_noun_argument`).
NOUN_ARGUMENT_DEPS = {"obj", "nsubj", "nsubj:pass", "obl:agent", "obl:arg", "iobj"}


def _has_noun_argument(verb: Token) -> bool:
    """The verb, or the verb its infinitive depends on, has a noun or a number among its
    subject, objects and agent ("qui sera renforcée par quatre gendarmes")."""
    verbs = [verb, *(c for c in verb.children if c.dep_ == "xcomp")]
    return any(c.dep_ in NOUN_ARGUMENT_DEPS and c.pos_ in ("NOUN", "PROPN", "NUM")
               for v in verbs for c in v.children)


LIST_MARKS = {":", ",", ";", "-", "–", "•"}


def is_list_item(token: Token) -> bool:
    """A noun that opens an item of a list announced by a colon: "X : campagne d'affichage,
    formation de 600 aides et installation de brumisateurs"."""
    left = token.left_edge.i
    i = left if left < token.i else token.i
    while i < token.i and token.doc[i].is_punct:
        i += 1  # the comma before the item may hang on it: ", la création d'un hôpital"
    texts = token_attrs(token.doc).text
    if i == 0 or texts[i - 1] not in LIST_MARKS:
        return False
    start, _ = segment(token)
    return ":" in texts[start:i]


def _needs_object(trigger: Trigger) -> bool:
    return trigger.spec is not None and trigger.spec.transitive


def _has_object(verb: Token, head: Token) -> bool:
    """"réduire la vitesse", "la vitesse est abaissée", "doivent baisser de 50 %" report a
    measure; "ont augmenté de 27 %" reports a figure."""
    if any(c.dep_ in ("obj", "nsubj:pass", "aux:pass") for c in verb.children):
        return True
    token = verb
    while token != head and token.head != token:
        token = token.head
        if token.lemma_.lower() in OBLIGATION_VERBS:
            return True
    return False


def _path_separates(child: Token, ancestor: Token) -> bool:
    token = child
    while token != ancestor and token.head != token:
        if token.dep_ in SEPARATE_DEPS or _is_coordinated_clause(token) or is_fronted_participle(token):
            return True
        token = token.head
    return False


def is_fronted_participle(token: Token) -> bool:
    """A past participle that opens the sentence, closed by a comma, with words of its own:
    "Adopté en décembre par le conseil, le budget prévoit …", "Lancé en 2019, le programme
    couvre …". It reports an action of its own on the subject of the main clause."""
    if token.dep_ != "advcl" or token.i >= token.head.i or "Part" not in feature(token, "VerbForm") \
            or "Past" not in feature(token, "Tense") or any(c.dep_.startswith("aux") or c.dep_ == "mark" for c in token.children):
        return False
    doc = token.doc
    right = token.right_edge.i
    return right + 1 < token.head.i and doc[right + 1].text == "," and any(c.dep_ != "punct" for c in token.children)


def _same_coordinated(clause: Clause, first: Clause) -> bool:
    """"sera animé et suivi": two verbs of one action on one object are one measure; so are two
    verbs joined with nothing between them, that share the subject and the object written
    after both ("poursuit et renforce sa politique", "a élaboré et lancé le programme")."""
    head = clause.head
    if head.dep_ != "conj" or head.head != first.head or any(c.dep_ in ("nsubj", "nsubj:pass") for c in head.children):
        return False
    if not any(c.dep_ == "obj" for c in head.children) \
            and any(t.action == c.action for t in first.triggers for c in clause.triggers):
        return True
    between = head.doc[first.head.i + 1:head.i]
    return head.pos_ == "VERB" and first.head.pos_ == "VERB" and len(between) > 0 \
        and all(t.dep_ in ("cc", "aux", "aux:tense", "advmod") for t in between) and any(t.dep_ == "cc" for t in between)


def _is_coordinated_clause(token: Token) -> bool:
    """The parser often labels a second main clause "advcl": "X est programmé, et Y sera
    testé". A finite "advcl" with no subordinating word is a coordinated clause."""
    if token.dep_ != "advcl":
        return False
    finite = "Fin" in feature(token, "VerbForm") or any(
        c.dep_.startswith("aux") and "Fin" in feature(c, "VerbForm") for c in token.children)
    return finite and not any(c.dep_ == "mark" for c in token.children)


def _trim(doc: Doc, head: Token, start: int, end: int) -> tuple[int, int]:
    """Drop edge punctuation and a leading adverbial closed by a comma."""
    attrs = token_attrs(doc)
    pos, dep, text = attrs.pos, attrs.dep, attrs.text
    for c in attrs.children[head.i]:
        if c >= head.i or dep[c] not in LEADING_DEPS:
            continue  # `head.lefts` of these dependencies only
        child = doc[c]
        right = child.right_edge.i
        if start <= child.left_edge.i and right + 1 < head.i and text[right + 1] == "," and right + 2 <= end:
            start = max(start, right + 2)
    while start < end and pos[start] in LEADING_EDGE_POS and dep[start] in ("punct", "cc", "dep", ""):
        start += 1
    while end > start and (pos[end - 1] in EDGE_POS or text[end - 1].isspace()
                           or pos[end - 1] == "PRON" and end - 2 > start and text[end - 2] == ","):
        # ", ce qui a permis ...": the pronoun opens the next clause.
        end -= 1
    return start, end


def find_clauses(doc: Doc, triggers: list[Trigger]) -> list[Clause]:
    """Group triggers by clause and give each clause its token bounds.

    A trigger whose head lies inside another clause joins it, unless a coordination, a relative
    clause or a parenthetical clause stands between them: "a créé une brigade et renforcé les
    patrouilles" gives two clauses.
    """
    attrs = token_attrs(doc)
    by_head: dict[int, Clause] = {}
    for trigger in triggers:
        head = clause_head(trigger)
        if head is None:
            continue
        clause = by_head.setdefault(head.i, Clause(head, []))
        clause.triggers.append(trigger)
        clause.forced = clause.forced or (head == trigger.token and not trigger.verbal and head.dep_ != "ROOT")
    trigger_tokens = {t.token.i for t in triggers}
    for index, clause in list(by_head.items()):
        first = clause.head.head
        own_subject = any(attrs.dep[c] in ("nsubj", "nsubj:pass") for c in attrs.children[clause.head.i])
        if clause.head.dep_ == "conj" and first.pos_ in VERB_POS and first.i not in by_head \
                and first.i not in trigger_tokens and not own_subject:
            # "Ce plan sera animé et suivi": the first conjunct carries the subject and the tense;
            # "… ont été pris, et le préfet a signé …" has a subject of its own: a clause apart.
            del by_head[index]
            clause.head = first
            by_head[first.i] = clause
    # The ancestors of each head, walked once: `Token.is_ancestor` walks them at every call.
    ancestors = {c.head.i: _ancestors(attrs.head, c.head.i) for c in by_head.values()}
    heads = sorted(by_head.values(), key=lambda c: len(ancestors[c.head.i]))
    kept: list[Clause] = []
    for clause in heads:
        owner = next((k for k in kept if not clause.forced and k.head.i in ancestors[clause.head.i]
                      and (not _path_separates(clause.head, k.head) or _same_coordinated(clause, k))
                      and segment(k.head) == segment(clause.head)), None)
        if owner is not None:
            owner.triggers.extend(clause.triggers)
            continue
        kept.append(clause)
    # Orphan triggers (no clause of their own) inside a kept clause join it, so they can name it.
    subtrees: dict[int, set[int]] = {}

    def subtree(token: Token) -> set[int]:
        if token.i not in subtrees:
            subtrees[token.i] = set(subtree_positions(doc, token.i))
        return subtrees[token.i]

    for clause in kept:
        seg_start, seg_end = segment(clause.head)
        tokens = {i for i in subtree(clause.head) if seg_start <= i < seg_end}
        for other in kept:
            if other is not clause and clause.head.i in ancestors[other.head.i]:
                tokens -= subtree(other.head)
                # The coordinating word belongs to the coordinated clause.
                tokens -= {c for c in attrs.children[other.head.i] if attrs.dep[c] in ("cc", "punct")}
        start, end = _run(tokens, clause.head.i)
        clause.start, clause.end = _trim(doc, clause.head, start, end)
        if clause.head.pos_ in NOUN_POS and item_start(doc, clause.head.i):
            # "- 2025 Installation de vingt abris": the item's date is no part of the action's words.
            while clause.start < clause.head.i and (doc[clause.start].like_num or doc[clause.start].is_punct
                                                    or doc[clause.start].is_space):
                clause.start += 1
        if clause.end <= clause.start:
            clause.start, clause.end = clause.head.i, clause.head.i + 1
    for clause in list(kept):
        if clause in kept:
            _take_antecedent(doc, clause, kept)
    named = {id(t) for clause in kept for t in clause.triggers}
    for trigger in triggers:
        if id(trigger) in named:
            continue
        home = next((c for c in kept if c.start <= trigger.token.i < c.end), None)
        if home is not None and not _under_aim(trigger.token, home.head):
            home.triggers.append(trigger)
    # A clause that holds none of its triggers comes from a misparse across a line or a sentence
    # end ("Les voici :" with the noun of the next line as object): its words name no action.
    kept = [c for c in kept if any(c.start <= t.token.i < c.end for t in c.triggers)]
    for clause in kept:
        clause.triggers.sort(key=lambda t: _rank(t, clause.head))
    return sorted(kept, key=lambda c: c.start)



def _ancestors(heads: list[int], i: int) -> set[int]:
    """Positions of the ancestors of token `i` (`Token.ancestors`), from the heads of `TokenAttrs`."""
    found: set[int] = set()
    for _ in range(len(heads)):  # no token has more ancestors than the Doc has tokens
        if heads[i] == i:
            break
        i = heads[i]
        found.add(i)
    return found


def antecedent(head: Token) -> Token | None:
    """The noun a relative or a detached participle describes, written before it: "des gendarmes
    qui mènent une opération", "l'office antistupéfiants (Ofast), créé en 2019"; None for others."""
    doc = head.doc
    attrs = token_attrs(doc)
    dep = attrs.dep
    if dep[head.i] == "acl:relcl":
        noun = head.head
        return noun if noun.i < head.i and noun.pos_ in ("NOUN", "PROPN", "NUM") else None
    if "Part" not in feature(head, "VerbForm") or "Past" not in feature(head, "Tense") \
            or any(dep[c].startswith("aux") or dep[c].startswith("nsubj") for c in attrs.children[head.i]):
        return None
    if head.dep_ not in ("advcl", "acl", "amod") or head.i < 2 or doc[head.i - 1].text != ",":
        return None
    # The last noun before the comma, past a closing parenthesis: "l'Ofast (office antistups), créé".
    i = head.i - 2
    if doc[i].text == ")":
        while i > 0 and doc[i].text != "(":
            i -= 1
        i -= 1
    if i < 0 or doc[i].pos_ not in ("NOUN", "PROPN"):
        return None
    noun = doc[i]
    # "la régie des eaux, créée en 2012": up from a "de" complement to the noun it completes.
    if noun.dep_ == "nmod" and noun.head.i < noun.i and noun.head.pos_ in ("NOUN", "PROPN") \
            and case_of(noun) in OBJECT_CASES:
        noun = noun.head
    return noun


def _take_antecedent(doc: Doc, clause: Clause, kept: list[Clause]) -> None:
    """A relative clause or a detached participle that states a measure starts at the noun it
    describes ("des gendarmes qui mènent une opération ciblée"), when that noun belongs to no
    other measure's clause: the noun says what or who the action is about."""
    noun = antecedent(clause.head)
    if noun is None:
        return
    seg_start, _ = segment(clause.head)
    start = noun.left_edge.i
    while start < noun.i and (doc[start].is_punct or doc[start].dep_ == "case"):
        start += 1  # "le rôle de l'Ademe, créée en 1991": the preposition belongs to "rôle"
    start = max(start, seg_start)
    others = [o for o in kept if o is not clause and o.start < clause.start and o.end > start]
    if start >= clause.start:
        return
    if others and all(o.head == noun and not o.trigger.verbal and o.end <= clause.start for o in others):
        # "L'opération, qui a mobilisé cent gendarmes, …": the noun alone says nothing more.
        for other in others:
            kept.remove(other)
        others = []
    if others:
        return
    clause.start = _trim(doc, clause.head, start, clause.end)[0] if doc[start].pos_ in LEADING_EDGE_POS else start


def _under_aim(token: Token, head: Token) -> bool:
    """The token lies in a goal or a purpose on its way up to `head`: "ces aides ont pour
    objectif de consolider l'accompagnement des clubs" names no action by "accompagnement"."""
    for _ in range(12):
        if token == head or token.head == token:
            return False
        if is_aim(token) or is_purpose(token) or is_commented(token):
            return True  # ... or commented on: "permettent de souligner le soutien de la ville"
        token = token.head
    return False


def _run(tokens: set[int], anchor: int) -> tuple[int, int]:
    """The contiguous run of `tokens` around `anchor`."""
    start = end = anchor
    while start - 1 in tokens:
        start -= 1
    while end + 1 in tokens:
        end += 1
    return start, end + 1


def _rank(trigger: Trigger, head: Token) -> tuple[int, int, int]:
    """Which trigger names the clause: a verb on the head's chain first ("va permettre de
    renforcer" is named by "renforcer"), then a noun the head's argument, then text order."""
    attrs = token_attrs(head.doc)
    i, distance = trigger.token.i, 0
    on_chain = False
    while True:
        if i == head.i:
            on_chain = True
            break
        if attrs.head[i] == i or distance > 6:
            break
        if attrs.dep[i] not in ("xcomp", "obj", "nsubj", "nsubj:pass", "acl", "amod", "cop", "ROOT"):
            break
        i, distance = attrs.head[i], distance + 1
    support = trigger.spec is not None and trigger.spec.support
    # "Ces opérations ont permis des saisies": a demonstrative points back to a measure already
    # named; the new noun names this one.
    anaphoric = is_anaphoric(trigger.token)
    rank = (0 if on_chain and trigger.verbal else 1 if on_chain else 2) + (3 if support or anaphoric else 0)
    return rank, distance, trigger.token.i


def is_support_only(clause: Clause) -> bool:
    """A clause named only by a support verb ("mener", "conduire") is no measure: it needs a
    measure noun ("mener des contrôles"). Nor is one named only by a noun pointing back
    ("ce programme couvre 95 communes")."""
    if all(t.spec is not None and t.spec.support for t in clause.triggers):
        return True
    first = clause.trigger
    return not first.verbal and is_anaphoric(first.token) and all(not t.verbal for t in clause.triggers)



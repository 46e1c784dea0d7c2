"""Action words: the lexicon's verbs, nouns and predicates as they occur in a Doc.

A trigger is a word of the lexicon (a verb such as "créer", "mettre en place", an action noun
such as "création", "programme", or an adjective after "être" such as "obligatoire"), plus the
verbs of the lexicon's [money] list that govern an amount and the verbs of [equipment] with a
unit as complement. Which clause a trigger heads is decided in `clause.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from plan_extract.dims.measure.lexicon import (
    ACTIONS, ATTRIBUTE_VERBS, COST_CASES, IDIOMS, LEXICON, PREPOSITIONAL_PARTICIPLES, REVENUE_NOUNS, MONEY_NOUNS, MONEY_VERBS,
    PARTICIPLE_ENDINGS, PREDICATES, SPLIT_CASES,
    Action, Actions, Phrases,
)
from plan_extract.dims.measure.syntax import NOUN_POS, VERB_POS, case_of, norm
from plan_extract.spans import WORD_CACHE_SIZE, feature, positions, token_attrs

REFERENCES = set(LEXICON.references.nouns)
EQUIPMENT_VERBS = set(LEXICON.equipment.verbs)
EQUIPMENT_NOUNS = frozenset(LEXICON.equipment.nouns)


@dataclass
class Trigger:
    """An action word: its first token, the token after its phrase, and its lexicon key."""

    token: Token
    end: int
    action: str
    verbal: bool
    # The object when it is not the verb's own ("dispose d'une unité": the unit).
    object: Token | None = None
    # A noun whose own phrase holds an amount of money ("un soutien … à hauteur de 6,4 M€").
    funded: bool = False
    # The action's entry in the lexicon (the package's, or a user lexicon's); None for none.
    spec: Action | None = None
    # The part of a verb phrase written after the object: "en" of "mettre ce dispositif en place".
    part: Span | None = None

    def __post_init__(self) -> None:
        if self.spec is None:
            self.spec = LEXICON.action.get(self.action)

    @property
    def stop(self) -> Token:
        """Where the object's phrase ends: at the trigger, or at the part of its phrase written
        after the object ("mettre [ce dispositif] en place")."""
        return self.part[0] if self.part is not None else self.token

    @property
    def lemma(self) -> str:
        """The lemma of the trigger with the words of its phrase: "mettre en place", "créer"."""
        attrs = token_attrs(self.token.doc)
        rest = [attrs.lower[i] for i in range(self.token.i + 1, self.end) if attrs.pos[i] != "ADV"]
        if self.part is not None:
            rest = [attrs.lower[i] for i in range(self.part.start, self.part.end)]  # "mettre ce dispositif en place"
        return " ".join([attrs.lemma[self.token.i], *rest])


def follows(token: Token, rest: tuple[str, ...]) -> int | None:
    """Index after `rest` written right after `token` (one adverb may come between:
    "mis rapidement en place"), or None."""
    attrs = token_attrs(token.doc)
    texts, i = attrs.text, token.i + 1
    if rest and i < attrs.length and attrs.pos[i] == "ADV" and norm(texts[i]) != rest[0]:
        i += 1
    for word in rest:
        if i >= attrs.length or norm(texts[i]) != word:
            return None
        i += 1
    return i


def _lookup(token: Token, keys: list[str], phrases: Phrases, split: bool = False) -> tuple[str, int, Span | None] | None:
    """The action of the phrase `token` opens, the index after it and, with `split` (verbs), the
    words of the phrase's prepositional part when they come after the object ("placer les secteurs
    en alerte", "mettre ce dispositif en place": the trigger is then the verb alone)."""
    for key in keys:
        for rest, action in phrases.get(key, ()):
            end = follows(token, rest)
            if end is not None:
                return action, end, None
    if split:
        candidates = [(rest, action) for key in keys for rest, action in phrases.get(key, ())
                      if len(rest) >= 2 and rest[0] in SPLIT_CASES]
        if candidates:
            for j in _split_positions(token):
                for rest, action in candidates:
                    if _written_at(token.doc, j, rest):
                        return action, token.i + 1, token.doc[j:j + len(rest)]
    return None


# How far after its verb the prepositional part of a split phrase is looked for.
SPLIT_MAX_TOKENS = 25


def _split_positions(verb: Token) -> list[int]:
    """Where the prepositional part of a phrase may stand after the verb's object: the positions
    of "en", "à" up to the next verb or sentence stop ("a décidé de placer, le 30 mai, six
    secteurs en alerte")."""
    attrs = token_attrs(verb.doc)
    lower, pos = attrs.lower, attrs.pos
    found = []
    for j in range(verb.i + 2, min(attrs.length, verb.i + SPLIT_MAX_TOKENS + 1)):
        if lower[j] in SPLIT_CASES:
            found.append(j)
        elif lower[j] in SENTENCE_STOPS or "\n" in lower[j] or pos[j] in VERB_POS:
            break
    return found


def _written_at(doc: Doc, j: int, rest: tuple[str, ...]) -> bool:
    lower = token_attrs(doc).lower
    return j + len(rest) <= len(lower) and all(lower[j + k].replace("’", "'") == word for k, word in enumerate(rest))


SENTENCE_STOPS = {".", ";", "!", "?", ":"}


def _infinitive_of(lower: str) -> str:
    """The -er infinitive a participle comes from: "renforcées" -> "renforcer"."""
    return lower.rstrip("s").rstrip("e").rstrip("é") + "er"


def match_trigger(token: Token, actions: Actions = ACTIONS) -> Trigger | None:
    """The trigger that starts at `token`, or None; `actions` are the lexicon's (and a user
    lexicon's).

    >>> match_trigger(nlp("Une brigade a été créée.")[4]).action
    'création'
    """
    # The token's attributes are read from the Doc's lists: building Tokens is slow.
    attrs = token_attrs(token.doc)
    i = token.i
    lemma, lower, pos = attrs.lemma[i], norm(attrs.text[i]), attrs.pos[i]
    if pos in VERB_POS or pos == "ADJ":
        keys = [lemma]
        if lower.endswith(PARTICIPLE_ENDINGS):
            keys.append(_infinitive_of(lower))
        found = _lookup(token, keys, actions.verb_phrases, split=pos == "VERB")
        if found and (is_idiom(token) or lower in PREPOSITIONAL_PARTICIPLES):
            return None  # "le projet suit son cours", "des règles suivant les usagers"
        if found:
            return Trigger(token, found[1], found[0], verbal=True, spec=actions.table.get(found[0]), part=found[2])
    dep = attrs.dep
    if pos in ("ADJ", "VERB") and (any(dep[c] == "cop" for c in attrs.children[i]) or is_attribute(token)):
        # "le port du casque est obligatoire", "les transports seront gratuits".
        for key in (lemma, lower, lower.rstrip("s"), lower.rstrip("s").removesuffix("e")):
            if key in PREDICATES:
                return Trigger(token, i + 1, PREDICATES[key], verbal=True, spec=actions.table.get(PREDICATES[key]))
    # A participle read as a verb but built like a noun ("onze arrêtés", "d'arrêtés"): a verb
    # takes no determiner, number or case marker. A participle that opens a noun phrase of the
    # lexicon ("mise en place", "prise en charge") is that noun.
    noun_like = pos == "VERB" and (any(rest for rest, _ in actions.noun_phrases.get(lower, ()))
                                   or any(dep[c] in ("det", "nummod", "case") for c in attrs.children[i]))
    if pos in NOUN_POS or noun_like:
        found = _lookup(token, [lemma, lower, lower.rstrip("s")], actions.noun_phrases)
        if found:
            return Trigger(token, found[1], found[0], verbal=False, spec=actions.table.get(found[0]))
    return None


def is_idiom(token: Token) -> bool:
    """The verb opens a fixed expression of [grammar] idioms: "le projet suit son cours"."""
    attrs = token_attrs(token.doc)
    return attrs.pos[token.i] in VERB_POS and _lookup(token, [attrs.lemma[token.i]], IDIOMS) is not None


def is_attribute(token: Token) -> bool:
    """An adjective governed by a verb of the [grammar] attribute list: "resteront ouvertes"."""
    attrs = token_attrs(token.doc)
    return attrs.dep[token.i] == "xcomp" and attrs.lemma[attrs.head[token.i]] in ATTRIBUTE_VERBS


def may_trigger(text: str, keys: frozenset[str] = ACTIONS.keys) -> bool:
    """False when no key `match_trigger` would try for a word written `text`, but its lemma, is
    in `keys` (those of the lexicon's actions); the context (part of speech, children) is left to
    `match_trigger`."""
    lower = norm(text)
    tried = {lower, lower.rstrip("s"), lower.rstrip("s").removesuffix("e")}
    if lower.endswith(PARTICIPLE_ENDINGS):
        tried.add(_infinitive_of(lower))
    return not tried.isdisjoint(keys)


# `may_trigger` of the forms met, by the keys it was worked out for (the lexicon's, a user
# lexicon's): a Doc's forms are then looked up in a dict, which is several times faster than
# calling a cached function for each. A pure cache, emptied past WORD_CACHE_SIZE forms.
_MAY_TRIGGER: dict[frozenset[str], dict[str, bool]] = {}


def trigger_forms(texts: list[str], keys: frozenset[str] = ACTIONS.keys) -> set[str]:
    """The forms among `texts` that `may_trigger`."""
    known = _MAY_TRIGGER.get(keys)
    if known is None or len(known) >= WORD_CACHE_SIZE:
        if len(_MAY_TRIGGER) >= MAX_KEY_SETS:
            _MAY_TRIGGER.clear()
        known = _MAY_TRIGGER[keys] = {}
    forms = set(texts)
    for text in forms.difference(known):
        known[text] = may_trigger(text, keys)
    return {text for text in forms if known[text]}


# How many sets of keys (lexicons) `trigger_forms` keeps forms for.
MAX_KEY_SETS = 16


def find_triggers(doc: Doc, money: list[Span] = (), actions: Actions = ACTIONS) -> list[Trigger]:
    """Every trigger of the Doc, in order, multi-word phrases taken once, plus the verbs of
    the lexicon's [money] list that govern an amount ("l'Ademe apporte 1,5 million d'euros").
    `actions`: the lexicon's, or the lexicon's and a user lexicon's."""
    triggers, after = [], 0
    attrs = token_attrs(doc)
    keys = actions.keys
    # The words that may start a trigger, by their lemma or by their form (each form tried once).
    forms = trigger_forms(attrs.text, keys)
    candidates = [i for i, (lemma, text) in enumerate(zip(attrs.lemma, attrs.text)) if lemma in keys or text in forms]
    for i in candidates:
        if i < after:
            continue
        token = doc[i]
        trigger = match_trigger(token, actions)
        if trigger is not None and not in_reference(token):
            triggers.append(trigger)
            after = trigger.end
    taken = {t.token.i for t in triggers}
    by_token = {t.token.i: t for t in triggers}
    for amount in money:
        verb = governing_verb(amount.root)
        # "a dégagé une épargne de 11,9 M€": what a body earns or owes is no spending. The noun
        # is the amount's head, or just before it when the parser hangs both elsewhere.
        revenue = any(attrs.lemma[i] in REVENUE_NOUNS
                      for i in (amount.root.head.i, *range(max(0, amount.start - REVENUE_WINDOW), amount.start)))
        # "ces projets représentaient 380 M€": an amount in the imperfect describes a past state.
        if verb is not None and verb.i not in taken and verb.lemma_.lower() in MONEY_VERBS and not revenue \
                and not _is_imperfect(verb):
            triggers.append(Trigger(verb, verb.i + 1, "financement", verbal=True))
            taken.add(verb.i)
        noun = funding_noun(amount, by_token)
        if noun is None or gives_cost(noun):
            continue  # "pour un budget de 246 000 €" gives the cost of another measure
        if noun.i in by_token:
            by_token[noun.i].funded = True
        elif noun.i not in taken:
            trigger = Trigger(noun, noun.i + 1, "financement", verbal=False, funded=True)
            triggers.append(trigger)
            by_token[noun.i] = trigger
            taken.add(noun.i)
    for i in positions(doc, EQUIPMENT_NOUNS, "lemma"):
        token = doc[i]
        # "la gendarmerie dispose depuis 2022 d'une unité": a unit that a body has or gets.
        if token.head.lemma_.lower() in EQUIPMENT_VERBS \
                and token.head.i not in taken and token.dep_.startswith("obl"):
            triggers.append(Trigger(token.head, token.head.i + 1, "mise en service", verbal=True, object=token))
            taken.add(token.head.i)
    return sorted(triggers, key=lambda t: t.token.i)


def gives_cost(noun: Token) -> bool:
    """The noun, or a noun it completes, is under a preposition of cost ([grammar] cost_cases):
    "pour un budget de 246 000 €", "pour un montant total de travaux de 14 M€"."""
    for _ in range(FUNDING_MAX_HOPS):
        if case_of(noun) in COST_CASES:
            return True
        if noun.dep_ != "nmod" or noun.head == noun or noun.head.pos_ != "NOUN":
            return False
        noun = noun.head
    return False


def _is_imperfect(verb: Token) -> bool:
    """A finite verb in the imperfect, without auxiliary: "représentaient", "s'élevait"."""
    return "Imp" in feature(verb, "Tense") and "Fin" in feature(verb, "VerbForm")


def in_reference(token: Token) -> bool:
    """An action noun inside the title of a text: "code de la construction", "loi de programmation"."""
    attrs = token_attrs(token.doc)
    if attrs.pos[token.i] != "NOUN":
        return False
    head = token.i
    for _ in range(2):
        if not attrs.dep[head].startswith("nmod") or attrs.head[head] == head:
            return False
        head = attrs.head[head]
        if attrs.lemma[head] in REFERENCES:
            return True
    return False


# How many words before an amount a noun of revenue is looked for ("une épargne brute de 9 M€").
REVENUE_WINDOW = 3
# Dependencies between an amount and the noun whose phrase holds it.
FUNDING_DEPS = {"nmod", "appos", "obl:mod", "amod", "nummod"}
FUNDING_MAX_HOPS = 4


def funding_noun(amount: Span, nouns: dict[int, Trigger]) -> Token | None:
    """The action noun (a trigger in `nouns`) or noun of spending ([money_nouns]) whose phrase
    holds the amount, written before it: "un soutien aux maisons de quartier à hauteur de 6,4 M€"
    -> "soutien", "le budget 2023, d'un montant de 567 M€" -> "budget", "une aide aux plus
    fragiles à travers le CCAS (10,22 M€)" -> "aide". None when the amount hangs on a verb first."""
    token = amount.root
    for _ in range(FUNDING_MAX_HOPS):
        head = token.head
        if token.dep_ not in FUNDING_DEPS or head == token or head.pos_ not in ("NOUN", "ADJ") \
                or head.i > amount.start:
            return None
        if head.pos_ == "NOUN" and (head.lemma_.lower() in MONEY_NOUNS
                                    or head.i in nouns and not nouns[head.i].verbal):
            return head
        token = head
    return None


def governing_verb(token: Token) -> Token | None:
    """The verb an amount depends on, through at most three nouns ("la somme de 258 000 euros")."""
    for _ in range(4):
        if token.head == token:
            return token if token.pos_ in VERB_POS else None
        if token.dep_ in ("conj", "acl:relcl", "advcl", "parataxis"):
            return None
        token = token.head
        if token.pos_ in VERB_POS:
            return token
    return None

"""Action words and the clause each one heads.

A trigger is a word of the lexicon (a verb such as "créer", "mettre en place", or an action noun
such as "création", "programme"). Its clause is found in the dependency tree: a verb's clause
climbs from an infinitive to the verb that governs it ("va consacrer", "s'est engagée à
maintenir"); a noun's clause is the verb it is subject or object of ("des opérations ont été
conduites"), or its own noun phrase when the sentence has no verb ("Création d'un poste").
Triggers inside the clause of another one are the same measure; coordinated and relative
clauses are measures of their own.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from plan_extract.dims.measure.lexicon import (
    EVENT_NOUNS, LEXICON, MONEY_VERBS, NOUN_PHRASES, PREDICATES, VERB_PHRASES, Phrases,
)
from plan_extract.spans import feature, positions, sentence_bounds, token_attrs
from plan_extract.spans import subtree as subtree_positions

REFERENCES = set(LEXICON.references.nouns)
EQUIPMENT_VERBS = set(LEXICON.equipment.verbs)
EQUIPMENT_NOUNS = frozenset(LEXICON.equipment.nouns)
# Dependencies that start a clause of its own inside another one.
SEPARATE_DEPS = {"conj", "acl:relcl", "parataxis"}
# Dependencies of a noun that make its governing verb the head of its clause.
ARGUMENT_DEPS = {"nsubj", "nsubj:pass", "obj"}
# Children of a head that may open the sentence before a comma and are not part of the action
# ("Depuis les incidents, une brigade a été créée").
LEADING_DEPS = {"obl", "obl:mod", "obl:arg", "advmod", "advcl", "nmod", "dep", "case", "mark", "cc"}
# A purpose clause ("pour identifier les lieux") says why, it is not an action of its own.
PURPOSE_MARKS = {"pour", "afin", "visant"}
NEGATIONS = frozenset({"pas", "jamais", "aucun", "aucune"})
# Determiners that point back at what the text just said: "Ces opérations ont permis …".
DEMONSTRATIVES = {"ce", "cet", "cette", "ces"}
EDGE_POS = {"PUNCT", "SPACE", "CCONJ"}
LEADING_EDGE_POS = EDGE_POS | {"ADP"}
VERB_POS = {"VERB", "AUX"}
NOUN_POS = {"NOUN", "PROPN"}
# French past participles tagged ADJ keep their adjective lemma ("renforcée" -> "renforcé").
PARTICIPLE_ENDINGS = ("ées", "és", "ée", "é")
# Future and conditional endings: a word written so is a finite verb even when the parser
# hangs it on the noun before it as a participle ("La Ville financera 1,5 M€").
FINITE_ENDINGS = ("era", "eront", "ira", "iront", "erait", "eraient", "irait", "iraient")


@dataclass
class Trigger:
    """An action word: its first token, the token after its phrase, and its lexicon key."""

    token: Token
    end: int
    action: str
    verbal: bool
    # The object when it is not the verb's own ("dispose d'une unité": the unit).
    object: Token | None = None

    @property
    def lemma(self) -> str:
        """The lemma of the trigger with the words of its phrase: "mettre en place", "créer"."""
        rest = [t.lower_ for t in self.token.doc[self.token.i + 1: self.end] if t.pos_ != "ADV"]
        return " ".join([self.token.lemma_.lower(), *rest])


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


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


def _follows(token: Token, rest: tuple[str, ...]) -> int | None:
    """Index after `rest` written right after `token` (one adverb may come between:
    "mis rapidement en place"), or None."""
    doc, i = token.doc, token.i + 1
    if rest and i < len(doc) and doc[i].pos_ == "ADV" and _norm(doc[i].text) != rest[0]:
        i += 1
    for word in rest:
        if i >= len(doc) or _norm(doc[i].text) != word:
            return None
        i += 1
    return i


def _lookup(token: Token, keys: list[str], phrases: Phrases) -> tuple[str, int] | None:
    for key in keys:
        for rest, action in phrases.get(key, ()):
            end = _follows(token, rest)
            if end is not None:
                return action, end
    return None


def match_trigger(token: Token) -> Trigger | None:
    """The trigger that starts at `token`, or None.

    >>> match_trigger(nlp("Une brigade a été créée.")[4]).action
    'création'
    """
    lemma, lower = token.lemma_.lower(), _norm(token.text)
    if token.pos_ in VERB_POS or token.pos_ == "ADJ":
        keys = [lemma]
        if lower.endswith(PARTICIPLE_ENDINGS):
            keys.append(lower.rstrip("s").rstrip("e").rstrip("é") + "er")
        found = _lookup(token, keys, VERB_PHRASES)
        if found:
            return Trigger(token, found[1], found[0], verbal=True)
    if token.pos_ in ("ADJ", "VERB") and (any(c.dep_ == "cop" for c in token.children) or _is_attribute(token)):
        # "le port du casque est obligatoire", "les transports seront gratuits".
        for key in (lemma, lower, lower.rstrip("s"), lower.rstrip("s").removesuffix("e")):
            if key in PREDICATES:
                return Trigger(token, token.i + 1, PREDICATES[key], verbal=True)
    # A participle read as a verb but built like a noun ("onze arrêtés", "d'arrêtés"): a verb
    # takes no determiner, number or case marker.
    noun_like = token.pos_ == "VERB" and (lower == "mise" or any(c.dep_ in ("det", "nummod", "case") for c in token.children))
    if token.pos_ in NOUN_POS or noun_like:
        found = _lookup(token, [lemma, lower, lower.rstrip("s")], NOUN_PHRASES)
        if found:
            return Trigger(token, found[1], found[0], verbal=False)
    return None


# Verbs that give their subject or object an attribute as "être" does: "les inscriptions
# resteront ouvertes", "le syndicat rend les transports gratuits".
ATTRIBUTE_VERBS = {"rester", "demeurer", "rendre"}


def _is_attribute(token: Token) -> bool:
    return token.dep_ == "xcomp" and token.head.lemma_.lower() in ATTRIBUTE_VERBS


# Every first word a trigger can be looked up by (see `match_trigger`).
_TRIGGER_KEYS = set(VERB_PHRASES) | set(NOUN_PHRASES) | set(PREDICATES)
# Whether a (lemma, form) pair may start a trigger: tested once per process.
_MAY_TRIGGER: dict[tuple[str, str], bool] = {}


def _may_trigger(lemma: str, text: str) -> bool:
    """False when no key `match_trigger` would try for this word is in the lexicon; the
    context (part of speech, children) is left to `match_trigger`."""
    known = _MAY_TRIGGER.get((lemma, text))
    if known is None:
        lower = _norm(text)
        keys = {lemma, lower, lower.rstrip("s"), lower.rstrip("s").removesuffix("e")}
        if lower.endswith(PARTICIPLE_ENDINGS):
            keys.add(lower.rstrip("s").rstrip("e").rstrip("é") + "er")
        known = _MAY_TRIGGER[(lemma, text)] = not keys.isdisjoint(_TRIGGER_KEYS)
    return known


def find_triggers(doc: Doc, money: list[Span] = ()) -> list[Trigger]:
    """Every trigger of the Doc, in order, multi-word phrases taken once, plus the verbs of
    the lexicon's [money] list that govern an amount ("l'Ademe apporte 1,5 million d'euros")."""
    triggers, after = [], 0
    attrs = token_attrs(doc)
    for i, word in enumerate(zip(attrs.lemma, attrs.text)):
        if i < after:
            continue
        may = _MAY_TRIGGER.get(word)  # a word met before, without a call per token
        if not (may if may is not None else _may_trigger(*word)):
            continue
        token = doc[i]
        trigger = match_trigger(token)
        if trigger is not None and not _in_reference(token):
            triggers.append(trigger)
            after = trigger.end
    taken = {t.token.i for t in triggers}
    for amount in money:
        verb = _governing_verb(amount.root)
        if verb is not None and verb.i not in taken and verb.lemma_.lower() in MONEY_VERBS:
            triggers.append(Trigger(verb, verb.i + 1, "financement", verbal=True))
            taken.add(verb.i)
    for i in positions(doc, EQUIPMENT_NOUNS, "lemma"):
        token = doc[i]
        # "la gendarmerie dispose depuis 2022 d'une unité": a unit that a body has or gets.
        if token.head.lemma_.lower() in EQUIPMENT_VERBS \
                and token.head.i not in taken and token.dep_.startswith("obl"):
            triggers.append(Trigger(token.head, token.head.i + 1, "mise en service", verbal=True, object=token))
            taken.add(token.head.i)
    return sorted(triggers, key=lambda t: t.token.i)


def _in_reference(token: Token) -> bool:
    """An action noun inside the title of a text: "code de la construction", "loi de programmation"."""
    if token.pos_ != "NOUN":
        return False
    head = token
    for _ in range(2):
        if not head.dep_.startswith("nmod") or head.head is head:
            return False
        head = head.head
        if head.lemma_.lower() in REFERENCES:
            return True
    return False


def _governing_verb(token: Token) -> Token | None:
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


# How the parser attaches a finite verb it took for a participle (see `is_misparsed_finite`).
MISPARSED_DEPS = ("acl", "amod")


def is_misparsed_finite(token: Token) -> bool:
    """A finite verb the parser hung on its subject as if it were a participle: "L'Ademe
    financera la formation" parsed as "Ademe" + acl "financera"."""
    attrs = token_attrs(token.doc)
    i = token.i
    head = attrs.head[i]
    return attrs.dep[i] in MISPARSED_DEPS and attrs.pos[head] in NOUN_POS and head < i \
        and ("Fin" in feature(token, "VerbForm") or attrs.lower[i].endswith(FINITE_ENDINGS))


def case_of(token: Token) -> str:
    """The preposition of a noun ("de" in "la saisie de 27 kg"), or ""."""
    attrs = token_attrs(token.doc)
    return next((attrs.lower[c] for c in attrs.children[token.i] if attrs.dep[c] == "case"), "")


def _is_infinitive(token: Token) -> bool:
    return "Inf" in feature(token, "VerbForm")


def _is_negated(token: Token) -> bool:
    """A negation word among the token's children ("ne sera pas reconduit")."""
    heads = token_attrs(token.doc).head
    return any(heads[i] == token.i and i != token.i for i in positions(token.doc, NEGATIONS))


def _has_event_subject(*verbs: Token) -> bool:
    """"L'annonce intervient trois mois après les émeutes": a verb whose subject is an event
    tells when something happened, not what a body does."""
    doc = verbs[0].doc
    attrs = token_attrs(doc)
    heads = {attrs.head[i] for i in positions(doc, EVENT_NOUNS, "lemma") if attrs.dep[i] == "nsubj" and attrs.head[i] != i}
    return any(verb.i in heads for verb in verbs)


def _is_purpose(token: Token) -> bool:
    if token.dep_ not in ("advcl", "acl", "xcomp"):
        return False
    if token.dep_ == "acl" and token.lemma_ in PURPOSE_MARKS:
        return True
    return any(child.dep_ == "mark" and child.lower_ in PURPOSE_MARKS for child in token.children)


def climb(token: Token) -> Token:
    """From an infinitive to the verb that governs it: "va consacrer" -> "va",
    "s'engage à maintenir" -> "engage", "permettra de renforcer" -> "permettra"."""
    while token.dep_ == "xcomp" and token.head.pos_ in VERB_POS and token.head != token and _is_infinitive(token):
        token = token.head
    return token


def clause_head(trigger: Trigger) -> Token | None:
    """The head of the trigger's clause, or None when the trigger is not an action of its own
    (a noun deep inside a complement, a purpose clause, a negated verb)."""
    token = trigger.token
    if token.pos_ == "AUX" and token.dep_ == "cop":
        # "est en service": the predicate noun heads the clause.
        head = token.head
    elif trigger.verbal and token.pos_ not in NOUN_POS:
        if _is_attribute(token):
            token = token.head  # "resteront ouvertes": the verb heads the clause
        if is_misparsed_finite(token):
            token = token.head  # its subject heads the clause, so that the clause holds it
        elif token.dep_ in ("acl", "amod") and token.head.pos_ in NOUN_POS and not _is_infinitive(token):
            # A participle on a noun: "verront leur bail résilié" is the clause of "verront";
            # "des conseillers recrutés en juin" is a measure of its own, "en alerte renforcée" not.
            noun = token.head
            if noun.dep_ in ARGUMENT_DEPS and noun.head.pos_ in VERB_POS:
                token = noun.head
            elif not noun.dep_.startswith("obl") and any(c.dep_ not in ("punct", "advmod")
                                                                    for c in token.children):
                token = noun
            else:
                return None
        head = climb(token)
    elif (token.dep_ == "conj" or is_list_item(token)) and case_of(token) in ("", "de", "d'"):
        # Coordinated or listed actions are measures of their own: "prévoient l'ouverture de
        # 63 classes et la fermeture de 118 classes", "420 000 euros : campagne d'affichage,
        # formation de 600 aides à domicile et installation de brumisateurs".
        head = token
    elif (token.dep_ in ARGUMENT_DEPS or token.dep_ == "obl:arg" and case_of(token) in ("à", "au", "aux"))\
            and token.head.pos_ in VERB_POS:
        # "des opérations ont été conduites", "ont abouti à la saisie de 27 kg".
        head = climb(token.head)
    elif token.dep_ == "ROOT":
        head = token  # a verbless sentence: "Création d'un second équipage."
    else:
        return None
    if _is_purpose(head) or _is_negated(head) or _is_negated(trigger.token):
        return None
    if trigger.verbal and _has_event_subject(trigger.token, head):
        return None
    if trigger.verbal and _needs_object(trigger) and not _has_object(trigger.token, head):
        return None
    if head.dep_ == "acl:relcl" and any(c.lower_ == "où" for c in head.children):
        # "le quartier où la police mène des opérations" describes a place, it reports no measure.
        return None
    return head


LIST_MARKS = {":", ",", ";", "-", "–", "•"}


def is_list_item(token: Token) -> bool:
    """A noun that opens an item of a list announced by a colon: "X : campagne d'affichage,
    formation de 600 aides et installation de brumisateurs"."""
    i = token.left_edge.i if token.left_edge.i < token.i else token.i
    if i == 0 or token.doc[i - 1].text not in LIST_MARKS:
        return False
    start, _ = _segment(token)
    return any(t.text == ":" for t in token.doc[start:i])


def _needs_object(trigger: Trigger) -> bool:
    action = LEXICON.action.get(trigger.action)
    return action is not None and action.transitive


def _has_object(verb: Token, head: Token) -> bool:
    """"réduire la vitesse", "la vitesse est abaissée", "doivent baisser de 50 %" report a
    measure; "ont augmenté de 27 %" reports a figure."""
    if any(c.dep_ in ("obj", "nsubj:pass", "aux:pass") for c in verb.children):
        return True
    token = verb
    while token != head and token.head != token:
        token = token.head
        if token.lemma_.lower() == "devoir":
            return True
    return False


SENTENCE_ENDS = {".", "!", "?"}


BREAKS_KEY = "plan_measure.breaks"


def _breaks(doc: Doc) -> list[int]:
    """Indices of the tokens that end a sentence part: a line break, or a full stop before a
    capital the parser did not take for a sentence start ("... remboursés. En parallèle, ...").
    Computed once per Doc (kept in `doc.user_data` while the component runs)."""
    return _cached_breaks(doc)[0]


def _cached_breaks(doc: Doc) -> tuple[list[int], list[int]]:
    cached = doc.user_data.get(BREAKS_KEY)
    if cached is not None and cached[0] == len(doc):
        return cached[1], cached[2]
    texts = token_attrs(doc).text
    lines = [i for i, text in enumerate(texts) if "\n" in text]
    found = [i for i, text in enumerate(texts) if "\n" in text or text in SENTENCE_ENDS and i + 1 < len(texts)
             and texts[i + 1][:1].isupper()]
    doc.user_data[BREAKS_KEY] = (len(doc), found, lines)
    return found, lines


def line_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token bounds of the line(s) holding tokens `start` to `end`: from after the last line
    break before `start` to the first line break at or after `end`."""
    lines = _cached_breaks(doc)[1]
    i = bisect_left(lines, start)
    first = lines[i - 1] + 1 if i > 0 else 0
    j = bisect_left(lines, end)
    return first, lines[j] if j < len(lines) else len(doc)


def segment(token: Token) -> tuple[int, int]:
    """Token bounds of the sentence part holding `token`, cut at line breaks (a title line and
    the paragraph after it are often parsed as one sentence) and at missed sentence ends."""
    sent_start, sent_end = sentence_bounds(token.doc, token.i)
    breaks = _breaks(token.doc)
    i = bisect_left(breaks, token.i)
    start = max(sent_start, breaks[i - 1] + 1) if i > 0 else sent_start
    # A break on the token itself ends the part before it.
    after = breaks[i] if i < len(breaks) and breaks[i] > token.i else breaks[i + 1] if i + 1 < len(breaks) else None
    end = min(sent_end, after) if after is not None else sent_end
    return start, end


_segment = segment


def _path_separates(child: Token, ancestor: Token) -> bool:
    token = child
    while token != ancestor and token.head != token:
        if token.dep_ in SEPARATE_DEPS or _is_coordinated_clause(token):
            return True
        token = token.head
    return False


def _same_coordinated(clause: Clause, first: Clause) -> bool:
    """"sera animé et suivi": two verbs of one action on one object are one measure."""
    bare = not any(c.dep_ in ("nsubj", "nsubj:pass", "obj") for c in clause.head.children)
    return bare and clause.head.dep_ == "conj" and clause.head.head == first.head \
        and any(t.action == c.action for t in first.triggers for c in clause.triggers)


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
    for child in head.lefts:
        right = child.right_edge.i
        if child.dep_ in LEADING_DEPS and start <= child.left_edge.i and right + 1 < head.i \
                and doc[right + 1].text == "," and right + 2 <= end:
            start = max(start, right + 2)
    attrs = token_attrs(doc)
    pos, dep, text = attrs.pos, attrs.dep, attrs.text
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
        own_subject = any(c.dep_ in ("nsubj", "nsubj:pass") for c in clause.head.children)
        if clause.head.dep_ == "conj" and first.pos_ in VERB_POS and first.i not in by_head \
                and first.i not in trigger_tokens and not own_subject:
            # "Ce plan sera animé et suivi": the first conjunct carries the subject and the tense;
            # "… ont été pris, et le préfet a signé …" has a subject of its own: a clause apart.
            del by_head[index]
            clause.head = first
            by_head[first.i] = clause
    # The ancestors of each head, walked once: `Token.is_ancestor` walks them at every call.
    ancestors = {c.head.i: {a.i for a in c.head.ancestors} for c in by_head.values()}
    heads = sorted(by_head.values(), key=lambda c: len(ancestors[c.head.i]))
    kept: list[Clause] = []
    for clause in heads:
        owner = next((k for k in kept if not clause.forced and k.head.i in ancestors[clause.head.i]
                      and (not _path_separates(clause.head, k.head) or _same_coordinated(clause, k))
                      and _segment(k.head) == _segment(clause.head)), None)
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
        seg_start, seg_end = _segment(clause.head)
        tokens = {i for i in subtree(clause.head) if seg_start <= i < seg_end}
        for other in kept:
            if other is not clause and clause.head.i in ancestors[other.head.i]:
                tokens -= subtree(other.head)
                # The coordinating word belongs to the coordinated clause.
                tokens -= {c.i for c in other.head.children if c.dep_ in ("cc", "punct")}
        start, end = _run(tokens, clause.head.i)
        clause.start, clause.end = _trim(doc, clause.head, start, end)
        if clause.end <= clause.start:
            clause.start, clause.end = clause.head.i, clause.head.i + 1
    named = {id(t) for clause in kept for t in clause.triggers}
    for trigger in triggers:
        if id(trigger) in named:
            continue
        home = next((c for c in kept if c.start <= trigger.token.i < c.end), None)
        if home is not None:
            home.triggers.append(trigger)
    for clause in kept:
        clause.triggers.sort(key=lambda t: _rank(t, clause.head))
    return sorted(kept, key=lambda c: c.start)


# Words that attach an amount to what it pays for: "650 000 euros pour la voirie",
# "dont 96 millions d'euros apportés par l'État".
ITEM_OPENERS = {"dont", "soit"}
ITEM_LINKS = {"pour", "consacré", "consacrés", "consacrée", "consacrées", "destiné", "destinés", "destinée",
              "destinées", "apporté", "apportés", "apportée", "apportées", "dédié", "dédiés", "dédiée", "dédiées"}


def money_items(doc: Doc, money: list[Span], clauses: list[Clause]) -> list[Clause]:
    """Amounts listed outside any clause with what they pay for: each is a funding measure.

    >>> [c.span(doc).text for c in money_items(doc, money, [])]   # "..., dont 1,2 M€ pour l'école."
    ["dont 1,2 M€ pour l'école"]
    """
    items = []
    starts = {amount.start for amount in money}
    for amount in money:
        before = doc[amount.start - 1].lower_ if amount.start > 0 else ""
        after = doc[amount.end].lower_ if amount.end < len(doc) else ""
        if after not in ITEM_LINKS:
            continue  # "dont 2 millions" alone says how much, not for what
        home = next((c for c in clauses if c.start <= amount.start < c.end), None)
        if home is not None:
            # An amount listed after the clause's own ("s'élève à 4,8 M€, dont 1,2 M€ pour l'école,
            # 650 000 euros pour la voirie") is an item of its own; the clause stops before it.
            if before not in ITEM_OPENERS | {",", "et"} or amount.root.i < home.head.i:
                continue
            cut = amount.start - 1 if before in ITEM_OPENERS else amount.start
            while cut > home.start and doc[cut - 1].pos_ in ("PUNCT", "CCONJ"):
                cut -= 1
            home.end = min(home.end, cut)
        start = amount.start - 1 if before in ITEM_OPENERS else amount.start
        end = amount.end
        seg_start, seg_end = _segment(amount.root)
        while end < seg_end and doc[end].text not in (",", ";", "(", ".", ":") and not doc[end].is_space \
                and end - amount.end < 16 and end not in starts \
                and not (doc[end].lower_ in ("et", "dont") and end + 1 in starts):
            end += 1  # up to the next listed amount: "800 000 euros pour X et 250 000 euros pour Y"
        trigger = Trigger(amount.root, amount.root.i + 1, "financement", verbal=False)
        items.append(Clause(amount.root, [trigger], max(start, seg_start), end, forced=True))
    return items


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
    token, distance = trigger.token, 0
    on_chain = False
    while True:
        if token == head:
            on_chain = True
            break
        if token.head == token or distance > 6:
            break
        if token.dep_ not in ("xcomp", "obj", "nsubj", "nsubj:pass", "acl", "amod", "cop", "ROOT"):
            break
        token, distance = token.head, distance + 1
    support = trigger.action in LEXICON.action and LEXICON.action[trigger.action].support
    # "Ces opérations ont permis des saisies": a demonstrative points back to a measure already
    # named; the new noun names this one.
    anaphoric = is_anaphoric(trigger.token)
    rank = (0 if on_chain and trigger.verbal else 1 if on_chain else 2) + (3 if support or anaphoric else 0)
    return rank, distance, trigger.token.i


def is_support_only(clause: Clause) -> bool:
    """A clause named only by a support verb ("mener", "conduire") is no measure: it needs a
    measure noun ("mener des contrôles"). Nor is one named only by a noun pointing back
    ("ce programme couvre 95 communes")."""
    if all(t.action in LEXICON.action and LEXICON.action[t.action].support for t in clause.triggers):
        return True
    first = clause.trigger
    return not first.verbal and is_anaphoric(first.token) and all(not t.verbal for t in clause.triggers)


def is_anaphoric(token: Token) -> bool:
    """The token has a demonstrative determiner: "ces opérations" points back."""
    attrs = token_attrs(token.doc)
    return any(attrs.dep[c] == "det" and attrs.lower[c] in DEMONSTRATIVES for c in attrs.children[token.i])

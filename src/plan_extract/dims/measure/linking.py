"""Link each measure to the mentions found by earlier components, and merge restated measures.

Scopes, from the closest: the clause (its subject or "par X" agent for actors), then the sentence
part outside every clause ("Depuis janvier 2022, ..." dates every measure of its sentence), then
a topic phrase opening the sentence ("Côté gendarmerie," names the actor of the sentence).
A link is the linked mention itself (a span of `doc.spans`), from the moment it is chosen; the
component stores it on the measure's span (`spans.span_ref`) and `export.py` gives it its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from plan_extract.dims.measure.clause import Clause
from plan_extract.dims.measure.describe import is_passive
from plan_extract.dims.measure.lexicon import (
    ARTICLES, BARE_CASES, BENEFICIARY_CASES, CARRIER_FIELDS, COMPARED_LINKS, COMPARISON_CASES, COMPARISON_NOUNS,
    FIRST_PERSON, FUNDING_NOUNS, INCISE_OPENERS, MONEY_FIELDS, OBJECT_CASES, PARTNER_CASES, PARTNER_NOUNS, PLACE_CASES,
    REFERENCE_OPENERS, REPORTING_VERBS, SUBJECT_PRONOUNS, TOPIC_OPENERS,
)
from plan_extract.dims.measure.segments import (
    BULLETS, LIST_MAX_LINES, SENTENCE_ENDS, in_announced_list, line_bounds, segment,
)
from plan_extract.dims.measure.syntax import anaphoric_at, case_of, is_anaphoric
from plan_extract.spans import TokenAttrs, doc_cache, feature, features, group_spans, span_text, subtree, token_attrs

# Span key of each linked dimension -> key of the measure's `links`.
LINK_KINDS = {"actor": "actors", "quantity": "quantities", "money": "money", "date": "dates", "location": "locations"}
TOPIC_MAX_TOKENS = 8
# The carrier of a document acts in at least this many measures, and this share of those whose
# clause names an actor (see `document_carrier`).
CARRIER_MIN_MEASURES = 3
CARRIER_SHARE = 0.5
TITLE_MAX_TOKENS = 20
# Kinds a measure links at most one mention of, even when restatements are merged into it.
SINGLE_KINDS = ("actors", "money", "dates")
# Linked mentions that must agree for two restatements to be one measure.
DISTINCT_KINDS = ("quantities", "money")
CONTENT_POS = {"NOUN", "PROPN", "ADJ"}

Mentions = list[Span]


@dataclass
class Draft:
    """A measure being built: its clause, its value, and where it sits."""

    clause: Clause
    span: Span
    value: dict
    agents: list[Token]
    patient: Token | None
    links: dict[str, Mentions] = field(default_factory=lambda: {kind: [] for kind in LINK_KINDS.values()})
    # Further clauses that state the same measure (a restatement, a title), in text order.
    evidence: list[Span] = field(default_factory=list)
    # Values worked out once from the clause (its demonstrative subject).
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def verbal(self) -> bool:
        pos = token_attrs(self.span.doc).pos
        return any(pos[i] in ("VERB", "AUX") for i in range(self.span.start, self.span.end))


def _get(doc: Doc, key: str) -> list[Span]:
    # Colleagues' components may be absent: a missing key is an empty list. The list is the
    # Doc's shared one (`group_spans`): read it, do not change it.
    return group_spans(doc, key)


def _overlaps(mention: Span, start: int, end: int) -> bool:
    return mention.start_char < end and start < mention.end_char


def _chars(token: Token) -> tuple[int, int]:
    right = token.right_edge
    return token.left_edge.idx, right.idx + len(right.text)


# The first words of the topic openers (None if one is empty: it opens every sentence).
TOPIC_FIRST_WORDS = None if any(not opener for opener in TOPIC_OPENERS) else {opener[0] for opener in TOPIC_OPENERS}


def topic_phrase(doc: Doc, sentence_start: int) -> tuple[int, int] | None:
    """Char bounds of a topic phrase opening the sentence part at `sentence_start`
    ("Côté gendarmerie,", "Du côté de la mairie,"), or None.

    >>> topic_phrase(nlp("Côté gendarmerie, une unité est en service."), 0)
    (0, 16)
    """
    attrs = token_attrs(doc)
    i = sentence_start
    while i < attrs.length and attrs.text[i].isspace():  # `Token.is_space`
        i += 1
    if TOPIC_FIRST_WORDS is not None and (i >= attrs.length or attrs.lower[i].replace("’", "'") not in TOPIC_FIRST_WORDS):
        return None  # no opener starts with this word
    words = [word.replace("’", "'") for word in attrs.lower[i: i + TOPIC_MAX_TOKENS]]
    for opener in TOPIC_OPENERS:
        if tuple(words[: len(opener)]) == opener:
            if "," in words[len(opener):]:
                comma = i + words.index(",", len(opener))
                return doc[i].idx, doc[comma].idx
    return None


def _topic_before(doc: Doc, start: int) -> tuple[int, int] | None:
    """A topic phrase the parser cut off as a sentence of its own: "Côté gendarmerie," + ", une unité..."."""
    texts = token_attrs(doc).text
    line = start
    while line > 0 and "\n" not in texts[line - 1] and start - line <= TOPIC_MAX_TOKENS:
        line -= 1
    if line == start:
        return None
    topic = topic_phrase(doc, line)
    if topic is not None and doc[start - 1].idx <= topic[1]:
        return topic
    return None


def link(drafts: list[Draft], doc: Doc, text: str, keys: dict[str, str] | None = None) -> None:
    """Fill `draft.links` for every draft of the Doc; `keys` are the span keys of the mentions
    by dimension ("actor", "money", ...), the dimension's name by default.

    >>> from plan_extract.spans import linked
    >>> doc = nlp("L'ARS consacre 258 000 euros à la prévention.")
    >>> measure = doc.spans["measure"][0]
    >>> [linked(measure, ref).text for ref in measure._.measure["links"]["money"]]
    ['258 000 euros']
    """
    # Token bounds read once: spans of one Doc overlap in characters when they do in tokens.
    keys = keys or {}
    mentions = {kind: [(m.start, m.end, m) for m in _get(doc, keys.get(dim, dim)) if not _in_reference(text, m.start_char)]
                for dim, kind in LINK_KINDS.items()}
    every = {kind: [m for _, _, m in items] for kind, items in mentions.items()}
    by_segment: dict[tuple[int, int], list[Draft]] = {}
    for draft in drafts:
        seg_start, seg_end = segment(draft.clause.head)
        # A subject across a line break or a sentence end is a misparse: a heading's noun
        # taken as the subject of the paragraph's verb.
        draft.agents = [a for a in draft.agents if seg_start <= a.i < seg_end]
        by_segment.setdefault((seg_start, seg_end), []).append(draft)
    for (seg_start, seg_end), group in by_segment.items():
        topic = topic_phrase(doc, seg_start) or _topic_before(doc, seg_start)
        clauses = [(d.span.start, d.span.end) for d in group]
        # The actor of a topic phrase is chosen apart (step 7 of `_actors`); its date or amount
        # ("Pour 2022, le budget …") is the sentence's.
        for kind, all_items in mentions.items():
            spans = every[kind]
            # The mentions that overlap the part: those of a clause inside it are among them.
            items = [item for item in all_items if item[0] <= seg_end and seg_start <= item[1]]
            outside = [m for start, end, m in items if seg_start <= start and end <= seg_end
                       and not any(start < e and s < end for s, e in clauses)
                       and not (kind == "actors" and topic and _overlaps(m, *topic))]
            for draft in group:
                first, last = draft.span.start, draft.span.end
                within = seg_start <= first and last <= seg_end
                own = [m for start, end, m in (items if within else all_items) if start < last and first < end]
                if kind == "actors":
                    chosen = _actors(draft, own, spans, topic, outside)
                elif kind in ("money", "dates"):
                    # One budget and one time per measure: the mention that modifies the clause
                    # itself, not one inside a nested clause ("après des pics relevés depuis
                    # 48 heures") or a comparison ("contre 96 en 2022").
                    chosen = _modifier(draft, own, outside)
                else:
                    chosen = own or outside
                draft.links[kind] = list(chosen)
    carrier = sheet_links(drafts, doc, text, every) or document_carrier(text, drafts, every["actors"])
    _carry_actors(drafts, text)
    _carry_list_intro(drafts, every["actors"])
    if carrier is not None:
        for draft in drafts:
            if not draft.links["actors"]:
                draft.links["actors"] = [carrier]
    _carry_dates(drafts, text)


# How far back the opening bracket of an aside may be.
REFERENCE_MAX_CHARS = 80


def _in_reference(text: str, start: int) -> bool:
    """The char `start` sits in a bracketed reference to another text.

    >>> _in_reference("deux hôpitaux (cf dépêche du 18/02/2022)", 29)
    True
    """
    opening = text.rfind("(", max(0, start - REFERENCE_MAX_CHARS), start)
    if opening < 0 or ")" in text[opening:start]:
        return False
    words = text[opening + 1:start].split()
    return bool(words) and words[0].lower() in REFERENCE_OPENERS


def _extension(mention: Span, name: str) -> Any:
    """`mention._.get(name)`, None when no component registered it, read once per Doc: spaCy keys a
    span's extension values by its characters, and `Span._` builds an object at every access.
    For the values of the earlier components only (they are set before `plan_measure` runs)."""
    known = doc_cache(mention.doc).values.setdefault("extensions", {})
    key = (name, mention.start_char, mention.end_char)
    if key not in known:
        known[key] = mention._.get(name) if Span.has_extension(name) else None
    return known[key]


def _value(mention: Span) -> dict:
    value = _extension(mention, "actor")
    return value if isinstance(value, dict) else {}


def _key(mention: Span) -> str:
    """The clustering key of an actor mention: one body under all its names."""
    return _value(mention).get("key") or mention.text.casefold()


def document_carrier(text: str, drafts: list[Draft], actors: list[Span]) -> Span | None:
    """The body that carries the plan, for the measures whose sentence and neighbours name none:
    a council report or an agency's release names the acting body in some measures and then
    lists what it does without naming it again ("Les dépenses de ce pôle atteignent 17 M€").

    It is the organisation that its own clauses give as the actor of at least
    CARRIER_MIN_MEASURES measures and of at least CARRIER_SHARE of the measures whose clause names
    an actor, and that no other organisation outnumbers in mentions (a mention in the title
    counts twice). A text where several bodies act side by side (co-funders of a project) has
    none: its measures without an actor stay without one.
    """
    title_end = text.find("\n")
    mentions: dict[str, int] = {}
    first: dict[str, Span] = {}
    for mention in actors:
        if _value(mention).get("type") != "person":  # a person is more often a spokesman than the body that acts
            key = _key(mention)
            mentions[key] = mentions.get(key, 0) + 1 + (0 <= mention.start_char < title_end)
            first.setdefault(key, mention)
    acting: dict[str, int] = {}
    for draft in drafts:
        for mention in draft.links["actors"][:1]:
            acting[_key(mention)] = acting.get(_key(mention), 0) + 1
    best = max(mentions, key=lambda k: (acting.get(k, 0), mentions[k]), default=None)
    if best is None:
        return None
    count = acting.get(best, 0)
    if count < CARRIER_MIN_MEASURES or count < CARRIER_SHARE * sum(acting.values()):
        return None
    if any(n > mentions[best] for n in mentions.values()):
        return None
    return first[best]


# A word of a field's line found near more measures than this names none of them.
FIELD_WORD_MAX_MEASURES = 3


def _heading(line: str) -> str:
    return " ".join(line.strip().strip(":").strip().lower().replace("’", "'").split())


# The most words a field heading has ("porteur de l'action").
HEADING_MAX_WORDS = max(len(label.split()) for label in CARRIER_FIELDS | MONEY_FIELDS)


def _may_be_heading(line: str) -> bool:
    """False for a line with more words than any heading: `_heading` of it cannot be one (lower
    case neither makes nor removes white space). Paragraphs are skipped without normalising them."""
    return len(line.strip().strip(":").strip().split(None, HEADING_MAX_WORDS)) <= HEADING_MAX_WORDS


def sheet_fields(text: str) -> dict[str, list[tuple[int, int]]]:
    """The char bounds of the lines of each field of an action sheet: the lines after a heading
    ("Porteur de projet", "Moyens financiers") up to the blank line that ends the
    field, or the rest of a "Heading : value" line.

    >>> sheet_fields("Porteur de projet\\n\\n- Commune de Vire\\n\\nBudget : 8 000 €")
    {'carrier': [(19, 36)], 'money': [(46, 54)]}
    """
    fields: dict[str, list[tuple[int, int]]] = {}
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append((start, start + len(line)))
        start += len(line) + 1
    kinds = (("carrier", CARRIER_FIELDS), ("money", MONEY_FIELDS))
    i = 0
    while i < len(lines):
        begin, end = lines[i]
        line = text[begin:end]
        head, colon, rest = line.partition(":")
        kind = next((k for k, labels in kinds if _heading(head if colon else line) in labels), None) \
            if _may_be_heading(head if colon else line) else None
        i += 1
        if kind is None:
            continue
        if colon and rest.strip():
            fields.setdefault(kind, []).append((begin + len(head) + 1, end))
            continue
        while i < len(lines) and not text[lines[i][0]:lines[i][1]].strip():
            i += 1  # the blank lines after the heading
        while i < len(lines) and text[lines[i][0]:lines[i][1]].strip():
            fields.setdefault(kind, []).append(lines[i])
            i += 1
    return fields


def _words(token: Token) -> set[str]:
    lower = token.lower_
    return {token.lemma_.lower(), lower, lower.rstrip("sx")}


def _nouns_between(doc: Doc, start: int, end: int, skip: list[Span]) -> set[str]:
    """The content words of a field's line, outside its amounts and dates ("frelons" →
    frelon), as lemma, form and form without a plural ending."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return set()
    return {w for t in span if t.is_alpha and not t.is_stop and len(t) > 2
            and not any(m.start <= t.i < m.end for m in skip) for w in _words(t)}


def _in_fields(draft: Draft, bounds: list[tuple[int, int]]) -> bool:
    return any(start <= draft.span.start_char < end for start, end in bounds)


def _sheet_target(drafts: list[Draft], words: set[str], bounds: list[tuple[int, int]]) -> Draft | None:
    """The measure a field's line is about: the one whose clause, else whose line (paragraph),
    shares most words with the line ("50 000 € exposition" → "créer une exposition
    itinérante"), the first on a tie; words found near more than FIELD_WORD_MAX_MEASURES
    measures ("communes") do not count. With no word on the line, the first measure of the sheet."""
    prose = [d for d in sorted(drafts, key=lambda d: d.span.start) if not _in_fields(d, bounds) and not is_title(d)]
    if not words:
        return prose[0] if prose else None
    near: list[tuple[set[str], set[str]]] = []
    for draft in prose:
        start, end = line_bounds(draft.span.doc, draft.span.start, draft.span.end)
        clause = {w for t in draft.span for w in _words(t)} & words
        sentence = {w for t in draft.span.doc[start:end] for w in _words(t)} & words
        near.append((clause, sentence))
    generic = {w for w in words if sum(w in sentence for _, sentence in near) > FIELD_WORD_MAX_MEASURES}
    best, score = None, (0, 0)
    for draft, (clause, sentence) in zip(prose, near):
        found = (len(clause - generic), len(sentence - generic))
        if found > score:
            best, score = draft, found
    return best


def sheet_links(drafts: list[Draft], doc: Doc, text: str, every: dict[str, list[Span]]) -> Span | None:
    """Links given once for a whole action sheet: each amount of its money field goes to the
    measure that the words after it name (or to the sheet's first measure), with the frequency
    written beside it ("100 000 €/an frelons"), only to a measure without an amount of its own.
    Returns the sheet's carrier, the first actor of its carrier field, or None. (The items of its
    calendar are measures of their own, with their dates.)"""
    fields = sheet_fields(text)
    if not fields:
        return None
    bounds = [line for lines in fields.values() for line in lines]
    within = lambda kind, start, end: [m for m in every[kind] if start <= m.start_char and m.end_char <= end]  # noqa: E731
    for start, end in fields.get("money", []):
        dates = within("dates", start, end)
        amounts = within("money", start, end)
        words = _nouns_between(doc, start, end, amounts + dates)
        for amount in amounts:
            target = _sheet_target(drafts, words, bounds)
            if target is None or target.links["money"]:
                continue
            target.links["money"] = [amount]
            if dates and not target.links["dates"]:
                target.links["dates"] = [dates[0]]
    carriers = [m for start, end in fields.get("carrier", []) for m in within("actors", start, end)]
    return carriers[0] if carriers else None


# Dependencies that open a clause of its own inside the measure's clause: what they hold
# modifies that clause, not the measure.
NESTED_DEPS = {"acl", "acl:relcl", "advcl", "ccomp", "csubj", "parataxis"}
# Time expressions that say how often, ranked after those that say when ("chaque mercredi
# jusqu'à fin décembre": the interval dates the measure).
FREQUENCY_TYPES = {"set"}


def _nested(mention: Span, head: Token) -> bool:
    """The mention sits in a nested clause or a comparison below the clause head. The
    mention's own attachment is not looked at: the parser takes "à partir de juin" for a clause."""
    if _compared(mention):
        return True
    # The walk up reads the Doc's attribute lists by position: building Tokens is slow.
    attrs = token_attrs(mention.doc)
    dep, heads = attrs.dep, attrs.head
    i, first = mention.root.i, True
    while i != head.i and heads[i] != i:
        if not first and (dep[i] in NESTED_DEPS or (dep[i] == "conj" and attrs.pos[i] in ("VERB", "AUX")
                                                    and _own_subject_at(attrs, i))):
            return True  # a coordinated verb without a subject of its own shares the clause ("a élaboré et lancé le 29 mars")
        if _compares_at(attrs, i, first):
            return True
        i, first = heads[i], False
    return False


def _compares_at(attrs: TokenAttrs, i: int, first: bool) -> bool:
    """Token `i` introduces the figure a comparison sets against: "contre un seul en 2022",
    "10 millions de plus qu'en 2022" (the parser hangs "qu'" on "de" as fixed), "en hausse de
    3 % par rapport à 2021"."""
    dep, lower, children = attrs.dep, attrs.lower, attrs.children
    for case in children[i]:
        if dep[case] == "case" and (lower[case] in COMPARISON_CASES
                                    or any(dep[f] == "fixed" and lower[f] in COMPARISON_CASES for f in children[case])):
            return True
    return not first and attrs.lemma[i] in COMPARISON_NOUNS


def _compared(mention: Span) -> bool:
    """The words just before the mention mark a comparison, however the parser hangs them:
    "de plus qu'en 2022", "contre 96 en 2021"."""
    lower = token_attrs(mention.doc).lower
    i = mention.start - 1
    if i >= 0 and lower[i] in COMPARED_LINKS:
        i -= 1
    return i >= 0 and lower[i] in COMPARISON_CASES


def _comparison(mention: Span, head: Token) -> bool:
    if _compared(mention):
        return True
    attrs = token_attrs(mention.doc)
    heads = attrs.head
    i, first = mention.root.i, True
    while i != head.i and heads[i] != i:
        if _compares_at(attrs, i, first):
            return True
        i, first = heads[i], False
    return False


def _own_subject_at(attrs: TokenAttrs, i: int) -> bool:
    return any(attrs.dep[c].startswith("nsubj") for c in attrs.children[i])


def _modifier(draft: Draft, own: list[Span], outside: list[Span]) -> list[Span]:
    """At most one mention: in the clause, the first that modifies it directly (not from a nested
    clause or a comparison), frequencies last; else the nearest one of the sentence part outside
    every clause, before the clause if there is one; else a nested one of the clause, never the
    figure a comparison sets against ("en hausse par rapport à 2021")."""
    head = draft.clause.head
    direct = [m for m in own if not _nested(m, head)]
    if direct:
        return [min(direct, key=lambda m: (*_date_rank(m), m.start))]
    # A mention of a nested clause comes after one that opens the sentence ("Pour 2022, le budget
    # s'élève à …").
    before = [m for m in outside if m.end_char <= draft.span.start_char]
    if before or not own:
        return before[-1:] or outside[:1]
    nested = [m for m in own if not _comparison(m, head)]
    return [min(nested, key=lambda m: (*_date_rank(m), m.start))] if nested else []


def _date_rank(mention: Span) -> tuple[bool, bool]:
    """Frequencies ("chaque jeudi") and unresolved dates ("deux mois après les faits") come
    after a date that places the measure in time."""
    value = _extension(mention, "date")
    if not isinstance(value, dict):
        return False, False
    return value.get("type") in FREQUENCY_TYPES, value.get("value") is None


def _carry_actors(drafts: list[Draft], text: str) -> None:
    """A measure without an actor keeps the one of the measure before it, in the same paragraph:
    press releases name the body once ("La métropole a prévu ... Elle versera ..."). A subject
    that points back at something else ("Ce plan sera suivi…" after a measure on trainers) stops
    the carry."""
    last: Mentions = []
    last_end = 0
    previous: Draft | None = None
    for draft in sorted(drafts, key=lambda d: d.span.start):
        if text.find("\n\n", last_end, draft.span.start_char) >= 0:  # a blank line in between
            last = []
        anaphor = _demonstrative_subject(draft)
        if draft.links["actors"]:
            last, last_end = draft.links["actors"], draft.span.end_char
        elif last and not other_subject(draft, last[0].text) \
                and not (anaphor is not None and previous is not None and not _refers_to(anaphor, previous)) \
                and not (_first_person(draft) and _value(last[0]).get("type") == "person"):
            # "nous avons voté …" is the writer's group, not the person named before it.
            draft.links["actors"] = [last[0]]
        previous = draft


def _carry_list_intro(drafts: list[Draft], actors: list[Span]) -> None:
    """A measure of a bulleted item without an actor takes the body that acts in the paragraph
    announcing the list ("La préfète a décidé de renforcer les restrictions." then "- Pour les
    agriculteurs, les prélèvements baissent de 40 %"), unless its clause has an active subject of
    its own (see `_carry_actors`)."""
    for draft in drafts:
        if draft.links["actors"]:
            continue
        intro = _list_intro(draft.span.doc, draft.span.start)
        if intro is None:
            continue
        subjects = [m for m in actors if intro[0] <= m.start and m.end <= intro[1]
                    and m.root.dep_.startswith("nsubj") and not _speaker(m)]
        if subjects and not other_subject(draft, subjects[-1].text):
            draft.links["actors"] = [subjects[-1]]


def _list_intro(doc: Doc, start: int) -> tuple[int, int] | None:
    """Token bounds of the paragraph that announces the bulleted list holding token `start`:
    the first line above the list's items that is neither blank nor an item nor a heading."""
    texts = token_attrs(doc).text
    first, end = line_bounds(doc, start, start)
    word = next((i for i in range(first, end) if not texts[i].isspace()), None)
    if word is None or texts[word] not in BULLETS:
        return None
    for _ in range(LIST_MAX_LINES):
        if first == 0:
            return None
        first, end = line_bounds(doc, first - 1, first - 1)
        words = [i for i in range(first, end) if not texts[i].isspace()]
        if not words or texts[words[0]] in BULLETS:
            continue
        if texts[words[-1]] not in SENTENCE_ENDS:
            return None  # a heading ("Calendrier"), or a line announcing the list ("Les mesures :")
        return first, end
    return None


def _first_person(draft: Draft) -> bool:
    return any(s.lower_ in FIRST_PERSON for s in _subjects(draft))


def _subjects(draft: Draft) -> list[Token]:
    """The subjects in the clause, worked out once per draft (the carries ask several times)."""
    if "subjects" not in draft.memo:
        span = draft.span
        doc = span.doc
        dep = token_attrs(doc).dep
        draft.memo["subjects"] = [doc[i] for i in range(span.start, span.end) if dep[i] in ("nsubj", "nsubj:pass")]
    return draft.memo["subjects"]


def _demonstrative_subject(draft: Draft) -> Token | None:
    """The noun that a demonstrative introduces in the clause's subject: "Ces opérations …",
    "L'ensemble de ces actions …"."""
    if "anaphor" not in draft.memo:
        draft.memo["anaphor"] = _find_demonstrative_subject(draft)
    return draft.memo["anaphor"]


def _find_demonstrative_subject(draft: Draft) -> Token | None:
    doc = draft.span.doc
    for subject in _subjects(draft):
        for i in subtree(doc, subject.i):
            if anaphoric_at(doc, i):
                return doc[i]
    return None


def _pronoun_subject(draft: Draft) -> bool:
    """ "Elles ont abouti à …": the subject is a personal pronoun standing for what came before."""
    return any(s.pos_ == "PRON" and s.lower_ in SUBJECT_PRONOUNS for s in _subjects(draft))


def _refers_to(anaphor: Token, draft: Draft) -> bool:
    """ "Ces opérations" after "150 opérations ont été menées": the noun recurs in the measure."""
    lemmas = token_attrs(anaphor.doc).lemma
    return lemmas[anaphor.i] in lemmas[draft.span.start:draft.span.end]


def _carry_dates(drafts: list[Draft], text: str) -> None:
    """A measure whose subject points back at the measure just before it ("Ces opérations ont
    permis des saisies", "Elles ont abouti à la saisie de …") shares its time when it has none of
    its own."""
    previous: Draft | None = None
    for draft in sorted(drafts, key=lambda d: d.span.start):
        anaphor = _demonstrative_subject(draft)
        points_back = (anaphor is not None and previous is not None and _refers_to(anaphor, previous)) \
            or _pronoun_subject(draft)
        if previous is not None and points_back and not draft.links["dates"] and previous.links["dates"] \
                and "\n" not in text[previous.span.end_char:draft.span.start_char]:
            draft.links["dates"] = [previous.links["dates"][0]]
        previous = draft


def other_subject(draft: Draft, previous: str) -> bool:
    """The clause has an active subject of its own ("les formateurs interviendront", "le comité
    se réunira"): the previous measure's body does not carry it, even when no actor is
    recognised in the subject. A pronoun ("Elle versera"), a passive without "par X", or a noun
    that names the previous body ("la métropole" after "Grenoble-Alpes Métropole") does."""
    subjects = [a for a in draft.agents if a.dep_ != "obl:agent"]
    if draft.patient is not None and draft.patient.dep_ == "nsubj" and not is_passive(draft.patient.head):
        subjects.append(draft.patient)
    words = set(previous.lower().replace("'", " ").replace("’", " ").split())
    return any(s.pos_ != "PRON" and s.lemma_.lower() not in words and s.lower_ not in words for s in subjects)


def _actors(draft: Draft, own: list[Span], every: list[Span], topic: tuple[int, int] | None,
            outside: list[Span]) -> list[Span]:
    """One actor, first that applies: the subject or "par X" agent; the subject of an
    intransitive verb ("le comité se réunira"); the body a "thing" noun is made by ("des
    opérations de police"); the actor of a topic phrase; the body written just before the verb
    (the parser may miss a subject); the first actor of the clause outside its object and its
    places; the first of the sentence outside every clause."""
    # The first body of a coordinated subject carries the measure ("la préfecture et le
    # département lancent ...": the préfecture).
    phrases = [_chars(a) for a in draft.agents]
    agents = [m for m in every for bounds in phrases if _overlaps(m, *bounds)]
    if agents:
        return [_unit_of(min(agents, key=lambda m: m.start), every)]
    pronoun = next((a for a in draft.agents if a.pos_ == "PRON" and a.dep_ == "nsubj"), None)
    patient = draft.patient
    if pronoun is None and patient is not None and patient.pos_ == "PRON" and patient.dep_.startswith("nsubj") \
            and any(c.dep_.startswith("expl") for c in patient.head.children):
        pronoun = patient  # "Elle s'est mobilisée": the subject of a pronominal verb acts
    if pronoun is not None:
        # "Elle versera ...": the body that is the subject just before, else the body of the
        # previous measure (see `_carry_actors`).
        antecedent = _antecedent_subject(pronoun, every)
        return [antecedent] if antecedent is not None else []
    named = _named_elsewhere(draft, every)
    if named is not None:
        return [named]
    implied = _implied_agent(draft, every)
    if implied is not None:
        return [implied]
    patient = draft.patient
    if patient is not None and patient.dep_ == "nsubj" and not is_passive(patient.head):
        subject = [m for m in own if _overlaps(m, patient.idx, patient.idx + len(patient.text))]
        if subject:
            return subject[:1]
    maker = [m for m in own if _makes(m, draft)]
    if maker:
        return maker[:1]
    funder = [m for m in own if _funds(m, draft) and not _partner(m)]
    if funder:
        return funder[:1]
    governing = _governing_subject(draft, every)
    if governing is not None:
        return [governing]
    if topic is not None:
        named = [m for m in every if _overlaps(m, *topic)]
        if named:
            return named[:1]
    before = _actor_before_verb(draft, every)
    if before is not None:
        return [before]
    bounds = _chars(patient) if patient is not None else (0, 0)
    free = [m for m in own if not _overlaps(m, *bounds) and case_of(m.root) not in PLACE_CASES
            and not _partner(m) and not _beneficiary(m)]
    fallback = free[0] if free else next((m for m in outside if not _beneficiary(m)), None)
    fallback = _for_speaker(fallback, every) if fallback is not None else None
    return [fallback] if fallback is not None else []


def _speaker(mention: Span) -> bool:
    """A person who is the subject of a reporting verb, before it or inverted after it in an
    incise (", a rappelé le directeur général de l'agence, Paul Morel", which the parser may
    read as an object)."""
    if _value(mention).get("type") != "person":
        return False
    token = mention.root
    while token.dep_ in ("appos", "flat:name", "conj") and token.head != token:
        token = token.head  # "le directeur général, Paul Morel": the name is in apposition
    verb = token.head
    if verb.lemma_.lower() not in REPORTING_VERBS:
        return False
    if token.dep_.startswith("nsubj"):
        return True
    first = min([verb.i, *(c.i for c in verb.children if c.dep_.startswith("aux"))])
    return token.dep_ == "obj" and token.i > verb.i and first > 0 and verb.doc[first - 1].text in INCISE_OPENERS


def _for_speaker(mention: Span, every: list[Span]) -> Span | None:
    """The mention itself, unless it is a speaker: then the body their role names ("directeur
    général de l'ARS" → the ARS) when the text names it; a speaker with a role and no such body
    speaks for their office ("le ministre de l'Intérieur") and stays; one without a role (an
    elected member presenting a report) gives nothing."""
    if not _speaker(mention):
        return mention
    role = (_value(mention).get("role") or "").lower().replace("’", "'")
    if not role:
        return None
    words = set(role.replace("'", " ").split())
    for other in every:
        value = _value(other)
        if value.get("type") == "person":
            continue
        acronym = (value.get("acronym") or "").lower()
        name = (value.get("name") or other.text).lower().replace("’", "'")
        if acronym and acronym in words or len(name) > 3 and name in role:
            return other
    return mention


def _unit_of(mention: Span, every: list[Span]) -> Span:
    """The unit that members named by a plural common noun belong to: "des gendarmes du PSIG
    de Lunel", "les agents de l'ONF" act as that unit, named in the "de" complement."""
    root = mention.root
    if root.pos_ != "NOUN" or "Plur" not in feature(root, "Number"):
        return mention
    for child in root.children:
        if child.dep_ == "nmod" and case_of(child) in OBJECT_CASES:
            unit = next((m for m in every if m.start <= child.i < m.end and m is not mention
                         and _value(m).get("type") != "person"), None)
            if unit is not None:
                return unit
    return mention


def _partner(mention: Span) -> bool:
    """A body that helps rather than acts: "avec le soutien du fonds …", "en partenariat avec la
    Région", "avec l'appui des communes"."""
    token = mention.root
    for _ in range(3):
        if case_of(token) in PARTNER_CASES:
            return True
        if token.dep_ not in ("nmod", "obl", "obl:mod", "obl:arg") or token.head == token:
            return False
        token = token.head
        if token.lemma_.lower() not in PARTNER_NOUNS:
            return False
    return False


def _antecedent_subject(pronoun: Token, every: list[Span]) -> Span | None:
    """The body a personal pronoun subject stands for: the nearest actor before it, in its
    paragraph and at most ANTECEDENT_MAX_TOKENS before, that is itself a subject and agrees in
    gender and number ("la Région s'est engagée. Elle apporte 50 M€")."""
    if pronoun.lower_ not in SUBJECT_PRONOUNS:
        return None
    doc = pronoun.doc
    for mention in sorted((m for m in every if m.end <= pronoun.i), key=lambda m: m.start, reverse=True):
        if pronoun.i - mention.end > ANTECEDENT_MAX_TOKENS or "\n\n" in span_text(Span(doc, mention.end, pronoun.i)):
            return None
        root = mention.root
        if not root.dep_.startswith("nsubj") or _value(mention).get("type") == "person":
            continue
        if any(feature(root, f) and feature(pronoun, f) and feature(root, f) != feature(pronoun, f)
               for f in ("Gender", "Number")):
            continue
        return mention
    return None


def _funds(mention: Span, draft: Draft) -> bool:
    """The "de" complement of a funding noun gives the money: "les concours financiers de
    l'Anru", "l'engagement d'EKIDOM", "une aide de la Région", when that noun is the measure's
    action, head or object."""
    root = mention.root
    heads = {draft.clause.head.i, draft.clause.trigger.token.i} | ({draft.patient.i} if draft.patient is not None else set())
    return root.dep_ == "nmod" and root.head.i in heads and case_of(root) in OBJECT_CASES \
        and root.head.lemma_.lower() in FUNDING_NOUNS


def _beneficiary(mention: Span) -> bool:
    """A body that receives: the object of a verb ("soutenir 400 collectivités") or a complement
    with "pour", "à" ("pour les collectivités locales", "aux communes")."""
    root = mention.root
    return root.dep_ in ("obj", "iobj") or case_of(root) in BENEFICIARY_CASES


def _governing_subject(draft: Draft, every: list[Span]) -> Span | None:
    """The subject of the verb that governs a clause without one: "Avec des dépenses à hauteur de
    63 M€, la ville entend …" (the verbless measure belongs to the sentence whose subject is the
    town), "des dépenses qui atteignent 27 M€, la région s'engage …". A subject that is a common
    noun names the body the text calls by its full name elsewhere ("la ville" → "la ville de
    Poitiers")."""
    if any(a.dep_ != "obl:agent" for a in draft.agents) or draft.patient is not None and draft.patient.dep_ == "nsubj":
        return None
    span = draft.span
    doc = span.doc
    attrs = token_attrs(doc)
    token = draft.clause.head
    seg_start, seg_end = segment(token)
    for _ in range(GOVERNING_MAX_STEPS):
        if token.head == token:
            return None
        token = token.head
        if not seg_start <= token.i < seg_end:
            continue  # a heading the parser hung the sentence on
        if attrs.pos[token.i] not in ("VERB", "AUX"):
            continue
        subjects = [doc[c] for c in attrs.children[token.i] if attrs.dep[c] == "nsubj" and not span.start <= c < span.end]
        if not subjects:
            continue
        subject = subjects[0]
        if subject.pos_ == "PRON":
            return None
        named = [m for m in every if m.start <= subject.i < m.end]
        if named:
            return _for_speaker(named[0], every)
        if subject.pos_ == "NOUN" and any(c.dep_ == "det" for c in subject.children):
            return _named_before(subject, draft, every)
        return None
    return None


def _named_before(noun: Token, draft: Draft, every: list[Span]) -> Span | None:
    words = {noun.lemma_.lower(), noun.lower_}
    named = [m for m, first in zip(every, _first_words(every)) if first in words and len(m) > 1]
    before = [m for m in named if m.end_char <= draft.span.start_char]
    return before[-1] if before else named[0] if named else None


def _named_elsewhere(draft: Draft, every: list[Span]) -> Span | None:
    """A subject or agent that is a common noun with an article names a body the text calls by
    its full name elsewhere: "la ville soutient …" after "la ville de Poitiers", "l'agence a
    retenu …" after "l'Agence nationale pour la rénovation urbaine". The nearest such mention
    before the clause, else the first after it."""
    attrs = token_attrs(draft.span.doc)
    for agent in draft.agents:
        named = _named_before(agent, draft, every) if attrs.pos[agent.i] == "NOUN" and any(
            attrs.dep[c] == "det" for c in attrs.children[agent.i]) else None
        if named is not None:
            return named
    return None


def _first_words(mentions: list[Span]) -> list[str]:
    """`_first_word` of each mention, worked out once per list (kept in the Doc's cache while the
    list is the same): every clause with a common-noun subject asks them of every actor."""
    if not mentions:
        return []
    known = doc_cache(mentions[0].doc).values
    cached = known.get(("first_words", id(mentions)))
    if cached is None or cached[0] is not mentions:
        cached = known["first_words", id(mentions)] = (mentions, [_first_word(m) for m in mentions])
    return cached[1]


def _first_word(mention: Span) -> str:
    """The first word of an actor's name, without its article: "la Ville de Poitiers" -> "ville"."""
    value = _value(mention)
    name = value.get("name") if value.get("name") else span_text(mention)
    words = name.lower().split()
    if not words:
        return ""
    first = words[1] if words[0] in ARTICLES and len(words) > 1 else words[0]
    elided = next((a for a in ARTICLES if a.endswith(("'", "’")) and first.startswith(a)), "")
    return first[len(elided):]


def _implied_agent(draft: Draft, every: list[Span]) -> Span | None:
    """The body the action implies when its clause names none ("les locataires perdront leur
    bail": the landlords), the nearest before the clause, else the first after it."""
    action = draft.clause.trigger.spec
    if action is None or not action.agents:
        return None
    named = [m for m in every if m.text.lower().replace("'", " ").replace("’", " ").split()[0] in action.agents]
    before = [m for m in named if m.start_char < draft.span.start_char]
    return before[-1] if before else named[0] if named else None


def _makes(mention: Span, draft: Draft) -> bool:
    """A bare "de" complement of an action noun names who acts: "opérations de police",
    "contrôles de gendarmerie" (not "la création de la brigade", which is its object)."""
    root = mention.root
    if root.dep_ != "nmod" or root.head.i not in {t.token.i for t in draft.clause.triggers}:
        return False
    return case_of(root) in BARE_CASES and not any(c.dep_ == "det" for c in root.children)


# How far back the body a pronoun subject stands for may be.
ANTECEDENT_MAX_TOKENS = 60
# How far up the tree the verb governing a clause without subject may be.
GOVERNING_MAX_STEPS = 4

# How long an incise between a subject and its verb may be.
INCISE_MAX_TOKENS = 15
# Adverbs and clitics between a subject and its verb: "l'ARS y consacre", "la Région le financera".
CLITIC_DEPS = {"advmod", "expl:comp", "expl:pass", "obj", "iobj"}


def _actor_before_verb(draft: Draft, every: list[Span]) -> Span | None:
    """An actor written right before the clause's first verb when the clause has no subject:
    the parser sometimes hangs "Action Logement engagera 25 M€" on the wrong word."""
    doc, pos = draft.span.doc, token_attrs(draft.span.doc).pos
    verb = next((doc[i] for i in range(draft.span.start, draft.span.end)
                 if pos[i] in ("VERB", "AUX") and "Fin" in features(doc, i).get("VerbForm", ())), None)
    if verb is not None and verb.dep_ == "aux:pass":
        verb = verb.head  # "… les bailleurs sociaux est mis en place": what precedes a passive is its patient
    attrs = token_attrs(doc)
    if verb is None or is_passive(verb) or any(attrs.dep[c].startswith("nsubj") and pos[c] == "PRON"
                                               for c in attrs.children[verb.i]):
        return None
    i = verb.i - 1
    while i >= 0 and pos[i] in ("ADV", "PRON") and attrs.dep[i] in CLITIC_DEPS:
        i -= 1  # "l'ARS y consacre", "la Région le financera"
    if i > 0 and attrs.text[i] == ",":
        i = _incise_start(doc, i) - 1  # "L'ARS, en lien avec les communes, a lancé …"
    if i < 0:
        return None
    end_char = doc[i].idx + len(doc[i].text)
    # "L'Agence de la transition écologique (Ademe) financera": the acronym ends before ")".
    return next((m for m in every if m.end_char == end_char or m.end_char == end_char - 1 and doc[i].text == ")"), None)


def _incise_start(doc: Doc, comma: int) -> int:
    """The comma that opens the incise closed by the comma at `comma` ("…, en lien avec les
    communes, …"), at most INCISE_MAX_TOKENS back on the same line and with no finite verb in
    between; else `comma` + 1 (no incise)."""
    pos = token_attrs(doc).pos
    texts = token_attrs(doc).text
    for i in range(comma - 1, max(-1, comma - 1 - INCISE_MAX_TOKENS), -1):
        if "\n" in texts[i] or pos[i] in ("VERB", "AUX") and "Fin" in features(doc, i).get("VerbForm", ()):
            break
        if texts[i] == ",":
            return i
    return comma + 1


def _content(token: Token | None) -> set[str]:
    if token is None:
        return set()
    attrs = token_attrs(token.doc)
    return {attrs.lemma[i] for i in subtree(token.doc, token.i) if attrs.pos[i] in CONTENT_POS and i - token.i < 8}


def _same_action(a: Draft, b: Draft, text: str, contents: dict[int, set[str]]) -> bool:
    """A restatement: the same object, by the same action or by two shared content words
    ("une 2e brigade anti-criminalité a été créée" ... "la brigade anti-criminalité est arrivée")."""
    if a.patient is None or b.patient is None:
        return False
    for kind in DISTINCT_KINDS:
        if a.links[kind] and b.links[kind] and not _same_texts(a, b, kind, text):
            return False
    lemmas = token_attrs(a.patient.doc).lemma
    same_head = lemmas[a.patient.i] == lemmas[b.patient.i]
    if a.value["action"] == b.value["action"] and (same_head or is_anaphoric(b.patient)):
        # "… ont été déployés dans 21 quartiers. Ces nouveaux effectifs ont été déployés …":
        # the same action on what a demonstrative points back at.
        return True
    # Two shared content words: "une 2e brigade anti-criminalité" / "une unité de la brigade anti-criminalité".
    for patient in (a.patient, b.patient):
        if patient.i not in contents:
            contents[patient.i] = _content(patient)
    return len(contents[a.patient.i] & contents[b.patient.i]) >= 2


def _same_texts(a: Draft, b: Draft, kind: str, text: str) -> bool:
    return not _link_texts(a, kind).isdisjoint(_link_texts(b, kind))


def _link_texts(draft: Draft, kind: str) -> set[str]:
    """The lower-cased texts of the draft's links of `kind`, kept in its memo while its list of
    links stays the same (a merge gives it a new one): every pair of measures compares them."""
    links = draft.links[kind]
    cached = draft.memo.get(("texts", kind))
    if cached is None or cached[0] is not links:
        cached = draft.memo["texts", kind] = (links, {span_text(m).lower() for m in links})
    return cached[1]


def is_title(draft: Draft) -> bool:
    """A line of its own without a verb nor a final full stop: "Une campagne de prévention".
    Worked out once per draft: merging restatements asks it of each draft after each title."""
    if "title" not in draft.memo:
        draft.memo["title"] = _is_title(draft)
    return draft.memo["title"]


def _is_title(draft: Draft) -> bool:
    doc = draft.span.doc
    if in_announced_list(doc, draft.span.start):
        return False  # "Voici les actions :" then "- Suivi de la qualité de l'eau"
    start, end = line_bounds(doc, draft.span.start, draft.span.end)
    if end - start > 3 * TITLE_MAX_TOKENS:
        return False  # surely a paragraph; spare the token walk
    texts = token_attrs(doc).text
    line = [texts[i] for i in range(start, end) if not texts[i].isspace()]
    return bool(line) and len(line) <= TITLE_MAX_TOKENS and line[-1] not in (".", "!", "?", "…", ":", ";", ",")


def _nouns(span: Span) -> set[str]:
    attrs = token_attrs(span.doc)
    return {attrs.lemma[i] for i in range(span.start, span.end) if attrs.pos[i] in ("NOUN", "PROPN")}


def _title_owner(title: Draft, drafts: list[Draft]) -> Draft | None:
    """The first measure after a title, before the next title, that shares a noun with it: the
    title announces what the paragraph says."""
    nouns = _nouns(title.span)
    for draft in drafts:
        if draft.span.start <= title.span.start:
            continue
        if is_title(draft):
            return None
        if nouns & _nouns(draft.span):
            return draft
    return None


def merge_restated(drafts: list[Draft], text: str) -> list[Draft]:
    """One measure per action: a later restatement becomes evidence of the first mention; a
    clause with a verb is preferred as the main evidence to a verbless title."""
    kept: list[Draft] = []
    contents: dict[int, set[str]] = {}
    for draft in drafts:
        if is_title(draft):
            # A title restates the paragraph's measure, or is a headline: never a measure alone.
            owner = _title_owner(draft, drafts)
            if owner is not None:
                owner.evidence = sorted([*owner.evidence, draft.span], key=_bounds)
            continue
        same = next((k for k in kept if _same_action(k, draft, text, contents)), None)
        if same is None:
            kept.append(draft)
            continue
        main, extra = (draft, same) if draft.verbal and not same.verbal else (same, draft)
        if main is draft:
            kept[kept.index(same)] = draft
        main.evidence = sorted([*main.evidence, extra.span, *extra.evidence], key=_bounds)
        for kind, mentions in extra.links.items():
            if kind in SINGLE_KINDS and main.links[kind]:
                continue  # one actor, one budget, one time: the main statement's
            main.links[kind] = main.links[kind] + [m for m in mentions if not _among(m, main.links[kind])][
                :1 if kind in SINGLE_KINDS else None]
    return kept


def _bounds(span: Span) -> tuple[int, int]:
    return span.start, span.end


def _among(mention: Span, mentions: list[Span]) -> bool:
    return any(m.start == mention.start and m.end == mention.end for m in mentions)

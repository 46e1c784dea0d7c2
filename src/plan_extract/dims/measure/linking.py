"""Link each measure to the mentions found by earlier components, and merge restated measures.

Scopes, from the closest: the clause (its subject or "par X" agent for actors), then the sentence
part outside every clause ("Depuis janvier 2022, ..." dates every measure of its sentence), then
a topic phrase opening the sentence ("Côté gendarmerie," names the actor of the sentence).
Links are character offsets `[start, end]`; `export.py` turns them into ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from plan_extract.dims.measure.clause import Clause
from plan_extract.dims.measure.lexicon import TOPIC_OPENERS

# Span key of each linked dimension -> key of the measure's `links`.
LINK_KINDS = {"actor": "actors", "quantity": "quantities", "money": "money", "date": "dates", "location": "locations"}
TOPIC_MAX_TOKENS = 8
# Linked mentions that must agree for two restatements to be one measure.
DISTINCT_KINDS = ("quantities", "money")
CONTENT_POS = {"NOUN", "PROPN", "ADJ"}

Offsets = list[list[int]]


@dataclass
class Draft:
    """A measure being built: its clause, its value, and where it sits."""

    clause: Clause
    span: Span
    value: dict
    agents: list[Token]
    patient: Token | None
    links: dict[str, Offsets] = field(default_factory=lambda: {kind: [] for kind in LINK_KINDS.values()})

    @property
    def verbal(self) -> bool:
        return any(t.pos_ in ("VERB", "AUX") for t in self.span)


def _get(doc: Doc, key: str) -> list[Span]:
    # Colleagues' components may be absent: a missing key is an empty list.
    return list(doc.spans[key]) if key in doc.spans else []


def _inside(mention: Span, start: int, end: int) -> bool:
    return start <= mention.start_char and mention.end_char <= end


def _overlaps(mention: Span, start: int, end: int) -> bool:
    return mention.start_char < end and start < mention.end_char


def _chars(token: Token) -> tuple[int, int]:
    return token.left_edge.idx, token.right_edge.idx + len(token.right_edge.text)


def topic_phrase(doc: Doc, sentence_start: int) -> tuple[int, int] | None:
    """Char bounds of a topic phrase opening the sentence part at `sentence_start`
    ("Côté gendarmerie,", "Du côté de la mairie,"), or None.

    >>> topic_phrase(nlp("Côté gendarmerie, une unité est en service."), 0)
    (0, 16)
    """
    i = sentence_start
    while i < len(doc) and doc[i].is_space:
        i += 1
    words = [t.lower_.replace("’", "'") for t in doc[i: i + TOPIC_MAX_TOKENS]]
    for opener in TOPIC_OPENERS:
        if tuple(words[: len(opener)]) == opener:
            if "," in words[len(opener):]:
                comma = i + words.index(",", len(opener))
                return doc[i].idx, doc[comma].idx
    return None


def _topic_before(doc: Doc, start: int) -> tuple[int, int] | None:
    """A topic phrase the parser cut off as a sentence of its own: "Côté gendarmerie," + ", une unité..."."""
    line = start
    while line > 0 and "\n" not in doc[line - 1].text and start - line <= TOPIC_MAX_TOKENS:
        line -= 1
    if line == start:
        return None
    topic = topic_phrase(doc, line)
    if topic is not None and doc[start - 1].idx <= topic[1]:
        return topic
    return None


def _segment_start(token: Token) -> int:
    start = token.sent.start
    for t in token.doc[start: token.i]:
        if "\n" in t.text:
            start = t.i + 1
    return start


def link(drafts: list[Draft], doc: Doc, text: str) -> None:
    """Fill `draft.links` for every draft of the Doc.

    >>> link(drafts, doc, doc.text); drafts[0].links["money"]
    [[35, 48]]
    """
    mentions = {kind: _get(doc, key) for key, kind in LINK_KINDS.items()}
    by_segment: dict[int, list[Draft]] = {}
    for draft in drafts:
        by_segment.setdefault(_segment_start(draft.clause.head), []).append(draft)
    for seg_start, group in by_segment.items():
        seg_end_char = max(d.clause.head.sent.end_char for d in group)
        seg_start_char = doc[seg_start].idx
        topic = topic_phrase(doc, seg_start) or _topic_before(doc, seg_start)
        clauses = [(d.span.start_char, d.span.end_char) for d in group]
        for kind, spans in mentions.items():
            outside = [m for m in spans if _inside(m, seg_start_char, seg_end_char)
                       and not any(_overlaps(m, s, e) for s, e in clauses)
                       and not (topic and _overlaps(m, *topic))]
            for draft in group:
                own = [m for m in spans if _overlaps(m, draft.span.start_char, draft.span.end_char)]
                if kind == "actors":
                    chosen = _actors(draft, own, spans, topic, outside)
                elif kind == "money":
                    # The budget is the first amount; later ones in the clause break it down.
                    chosen = (own or outside)[:1]
                else:
                    chosen = own or outside
                draft.links[kind] = [[m.start_char, m.end_char] for m in chosen]
    _carry_actors(drafts, text)


def _carry_actors(drafts: list[Draft], text: str) -> None:
    """A measure without an actor keeps the one of the measure before it, in the same paragraph:
    press releases name the body once ("La métropole a prévu ... Elle versera ...")."""
    last: Offsets = []
    last_end = 0
    for draft in sorted(drafts, key=lambda d: d.span.start):
        between = text[last_end:draft.span.start_char]
        if "\n\n" in between:
            last = []
        if draft.links["actors"]:
            last, last_end = draft.links["actors"], draft.span.end_char
        elif last:
            draft.links["actors"] = [list(last[0])]


def _actors(draft: Draft, own: list[Span], every: list[Span], topic: tuple[int, int] | None,
            outside: list[Span]) -> list[Span]:
    """The subject or agent if it is an actor, else the topic phrase's actor, else the actors of
    the clause that are not its object, else those of the sentence outside any clause."""
    agents = [m for m in every for a in draft.agents if _overlaps(m, *_chars(a))]
    if agents:
        return list(dict.fromkeys(agents))
    if topic is not None:
        named = [m for m in every if _overlaps(m, *topic)]
        if named:
            return named
    patient = _chars(draft.patient) if draft.patient is not None else (0, 0)
    # Without a subject, one actor at most: the first body named in the clause, else in the sentence.
    free = [m for m in own if not _overlaps(m, *patient)]
    return (free or outside)[:1]


def _content(token: Token | None) -> set[str]:
    if token is None:
        return set()
    return {t.lemma_.lower() for t in token.subtree if t.pos_ in CONTENT_POS and t.i - token.i < 8}


def _same_action(a: Draft, b: Draft, text: str) -> bool:
    """A restatement: the same object, by the same action or by two shared content words
    ("une 2e brigade anti-criminalité a été créée" ... "la brigade anti-criminalité est arrivée")."""
    if a.patient is None or b.patient is None:
        return False
    for kind in DISTINCT_KINDS:
        if a.links[kind] and b.links[kind] and not _same_texts(a, b, kind, text):
            return False
    same_head = a.patient.lemma_.lower() == b.patient.lemma_.lower()
    if a.value["action"] == b.value["action"] and same_head:
        return True
    # Two shared content words: "une 2e brigade anti-criminalité" / "une unité de la brigade anti-criminalité".
    return len(_content(a.patient) & _content(b.patient)) >= 2


def _same_texts(a: Draft, b: Draft, kind: str, text: str) -> bool:
    texts = lambda d: {text[s:e].lower() for s, e in d.links[kind]}  # noqa: E731
    return bool(texts(a) & texts(b))


def is_title(draft: Draft) -> bool:
    """A line of its own without a verb nor a final full stop: "Une campagne de prévention"."""
    doc = draft.span.doc
    start, end = draft.span.start, draft.span.end
    while start > 0 and "\n" not in doc[start - 1].text:
        start -= 1
    while end < len(doc) and "\n" not in doc[end].text:
        end += 1
    line = [t for t in doc[start:end] if not t.is_space]
    return bool(line) and len(line) <= 20 and line[-1].text not in (".", "!", "?", "…", ":", ";", ",")


def _nouns(span: Span) -> set[str]:
    return {t.lemma_.lower() for t in span if t.pos_ in ("NOUN", "PROPN")}


def _title_owner(title: Draft, drafts: list[Draft]) -> Draft | None:
    """The first measure after a title, before the next title, that shares a noun with it: the
    title announces what the paragraph says."""
    for draft in drafts:
        if draft.span.start <= title.span.start:
            continue
        if is_title(draft):
            return None
        if _nouns(title.span) & _nouns(draft.span):
            return draft
    return None


def merge_restated(drafts: list[Draft], text: str) -> list[Draft]:
    """One measure per action: a later restatement becomes evidence of the first mention; a
    clause with a verb is preferred as the main evidence to a verbless title."""
    kept: list[Draft] = []
    for draft in drafts:
        if is_title(draft):
            # A title restates the paragraph's measure, or is a headline: never a measure alone.
            owner = _title_owner(draft, drafts)
            if owner is not None:
                owner.value["evidence"] = sorted(owner.value["evidence"] + [[draft.span.start_char, draft.span.end_char]])
            continue
        same = next((k for k in kept if _same_action(k, draft, text)), None)
        if same is None:
            kept.append(draft)
            continue
        main, extra = (draft, same) if draft.verbal and not same.verbal else (same, draft)
        if main is draft:
            kept[kept.index(same)] = draft
        main.value["evidence"] = sorted(main.value["evidence"] + [[extra.span.start_char, extra.span.end_char]]
                                        + extra.value["evidence"])
        for kind, offsets in extra.links.items():
            main.links[kind] = main.links[kind] + [o for o in offsets if o not in main.links[kind]]
    return kept

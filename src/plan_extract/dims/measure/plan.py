"""The plan a text announces: "les autorités ont présenté un plan de lutte contre le crack".

A plan noun of the lexicon ("plan", "stratégie", "feuille de route") counts when a presenting
verb governs it ("a présenté un plan", "le plan présenté jeudi", "un plan sera dévoilé").
Its name is the noun with its complements; its presenters, dates and places come from the
presenting verb's clause, gathered over every mention of the plan. The plan is a span (its
name) in `doc.spans["plan"]`, its value in `span._.plan`, whose links point at the linked spans
(`spans.span_ref`).
"""

from __future__ import annotations

from typing import TypedDict

from spacy.tokens import Doc, Span, Token

from plan_extract.dims.measure.lexicon import PLAN_NOUNS, PLAN_VERBS
from plan_extract.dims.measure.syntax import NOUN_POS, norm
from plan_extract.dims.measure.triggers import follows
from plan_extract.spans import Ref, group_spans, positions, span_ref

PLAN_LEMMAS = {form for word in PLAN_NOUNS for form in (word, word.capitalize())}
# The same lower-cased, to find candidates among the lower-cased lemmas of `TokenAttrs`.
PLAN_LOWER_LEMMAS = frozenset(form.lower() for form in PLAN_LEMMAS)
# Children that end a plan's name: "le plan d'action présenté jeudi" is named "plan d'action".
NAME_DEPS = {"amod", "nmod", "case", "det", "flat:name", "fixed"}


class PlanLinks(TypedDict):
    actor: list[Ref]
    date: list[Ref]
    location: list[Ref]


class PlanValue(TypedDict):
    name: str
    links: PlanLinks
    measures: list[Ref]


def _presenting_verb(noun: Token) -> Token | None:
    """The verb that presents the plan: its head ("a présenté un plan") or a participle on it."""
    token = noun
    for _ in range(3):
        # Climb to the first verb: the parser may hang "un plan" on a date ("présenté jeudi un plan").
        if token.dep_ not in ("obj", "nsubj:pass", "nmod", "obl:mod") or token.head == token:
            break
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            if token.lemma_.lower() in PLAN_VERBS:
                return token
            break
    return next((c for c in noun.children if c.dep_ in ("acl", "amod") and c.lemma_.lower() in PLAN_VERBS), None)


def is_plan_noun(token: Token) -> bool:
    if token.pos_ not in NOUN_POS:
        return False
    return any(follows(token, rest) is not None for rest, _ in PLAN_NOUNS.get(token.lemma_.lower(), ()))


def name_span(noun: Token) -> Span:
    """The plan noun and its right complements, up to a clause, a comma or a parenthesis."""
    doc = noun.doc
    end = noun.i + 1
    allowed = {t.i for c in noun.rights if c.dep_ in NAME_DEPS for t in c.subtree}
    while end < len(doc) and end in allowed and doc[end].text not in (",", "(", "\n") and end - noun.i < 12:
        end += 1
    while end > noun.i + 1 and doc[end - 1].pos_ in ("ADP", "DET", "PUNCT", "CCONJ"):
        end -= 1
    return doc[noun.i:end]


def _within(mention: Span, token: Token, exclude: Span) -> bool:
    start, end = token.left_edge.idx, token.right_edge.idx + len(token.right_edge.text)
    inside = start <= mention.start_char and mention.end_char <= end
    return inside and not (exclude.start_char <= mention.start_char < exclude.end_char)


def find_plan(doc: Doc, measures: list[Span], keys: dict[str, str] | None = None) -> tuple[Span, PlanValue] | None:
    """The plan announced by the text (the span of its name and its value), or None. `keys` are
    the span keys of the actors, dates and places (by default "actor", "date", "location").

    >>> find_plan(nlp("Le préfet a présenté un plan de lutte contre le crack."), [])[1]["name"]
    'plan de lutte contre le crack'
    """
    keys = keys or {}
    # Look at the tokens whose lemma may start a plan noun only: building every Token is slow.
    candidates = [i for i in positions(doc, PLAN_LOWER_LEMMAS, "lemma") if doc[i].lemma_ in PLAN_LEMMAS]
    mentions = [(doc[i], _presenting_verb(doc[i])) for i in candidates if is_plan_noun(doc[i])]
    presented = [(noun, verb) for noun, verb in mentions if verb is not None]
    if not presented:
        return None
    # The most informative name: "plan de lutte contre le crack" rather than "plan d'action".
    best = max((name_span(noun) for noun, _ in presented), key=lambda s: (len(s), -s.start))
    links: dict[str, list[Span]] = {"actor": [], "date": [], "location": []}
    for noun, verb in presented:
        name = name_span(noun)
        for kind in links:
            key = keys.get(kind, kind)
            for mention in group_spans(doc, key):
                if _within(mention, verb, name) and not any(m.start == mention.start and m.end == mention.end
                                                            for m in links[kind]):
                    links[kind].append(mention)
    # Presenters: the actors among the subjects and agents, else any actor of the clause.
    agents = [c for _, verb in presented for c in verb.children if c.dep_ in ("nsubj", "obl:agent")]
    subject_actors = [a for a in links["actor"]
                      if any(c.left_edge.idx <= a.start_char < c.right_edge.idx + len(c.right_edge.text) for c in agents)]
    if subject_actors:
        links["actor"] = subject_actors
    refs = PlanLinks(**{kind: [span_ref(best, m) for m in found] for kind, found in links.items()})  # type: ignore[typeddict-item]
    return best, PlanValue(name=norm(best.text[:1]) + best.text[1:], links=refs,
                           measures=[span_ref(best, m) for m in measures])


def announces_plan(span: Span) -> bool:
    """A clause that presents the plan itself ("a lancé un plan") is not one of its measures."""
    return any(is_plan_noun(t) and _presenting_verb(t) is not None for t in span)

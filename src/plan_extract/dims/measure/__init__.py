"""Measures of a public plan: the spaCy component `plan_measure`, last of the pipeline.

Stores one span per measure in `doc.spans["measure"]`, covering its evidence clause, with the
rule name in `span.id_` and `span._.measure`:

    {"action": "création", "label": "création d'un second équipage anti-criminalité",
     "object": "un second équipage anti-criminalité", "status": "planned", "category": "enforcement",
     "targets": [], "links": {"actors": [[-4, -2]], "quantities": [], "money": [], "dates": [],
     "locations": []}, "evidence": []}

Links point at the mentions found by the earlier components (`doc.spans["actor"]`,
`["quantity"]`, `["money"]`, `["date"]`, `["location"]`, or the keys of the component's config);
any of them may be missing. A link is the linked span's token bounds counted from the measure's
start (`spans.span_ref`; `spans.linked(measure, ref)` gives the span back), as are `evidence`,
the further clauses that state the same measure. When the text announces a plan, its name is a
span of `doc.spans["plan"]` whose `span._.plan` holds its name, presenters, dates, places and
measures.
"""

from __future__ import annotations

from typing import TypedDict

from spacy.tokens import Doc, Span, Token

from plan_extract.component import BatchComponent
from plan_extract.dims.measure.clause import ARGUMENT_DEPS, Clause, find_clauses, is_support_only
from plan_extract.dims.measure.describe import category, label, phrase, roles, status, targets
from plan_extract.dims.measure.items import money_items
from plan_extract.dims.measure.lexicon import ACTIONS, CEREMONY_NOUNS, MEETING_VERBS, REPORT_NOUNS, REPORT_VERBS
from plan_extract.dims.measure.linking import LINK_KINDS, Draft, link, merge_restated
from plan_extract.dims.measure.plan import find_plan
from plan_extract.dims.measure.triggers import find_triggers
from plan_extract.lexicon import LexiconLike, UserLexicon, WithUserLexicon
from plan_extract.spans import Ref, doc_text, feature, group_spans, release, span_ref, span_text, token_attrs

SPANS_KEY = "measure"
PLAN_KEY = "plan"
# The span keys the component reads, by the dimension they hold (its config may change them).
LINKED_KEYS = {"actor": "actor", "quantity": "quantity", "money": "money", "date": "date", "location": "location"}


class MeasureLinks(TypedDict):
    actors: list[Ref]
    quantities: list[Ref]
    money: list[Ref]
    dates: list[Ref]
    locations: list[Ref]


class MeasureValue(TypedDict):
    action: str
    label: str
    object: str | None
    status: str
    category: str
    targets: list[str]
    links: MeasureLinks
    evidence: list[Ref]


for _extension in (SPANS_KEY, PLAN_KEY):
    if not Span.has_extension(_extension):
        Span.set_extension(_extension, default=None)


def rule_name(clause: Clause) -> str:
    """The rule that found a measure, from the trigger's form and the head's construction:
    "verb <créer> / passive", "noun <programme> / subject of <mener>", "noun <création> / verbless"."""
    trigger, head = clause.trigger, clause.head
    kind = "verb" if trigger.verbal else "noun"
    if head.pos_ == "ADJ":
        construction = "predicate"
    elif head == trigger.token or (head.pos_ not in ("VERB", "AUX") and not trigger.verbal):
        construction = "verbless" if head.pos_ not in ("VERB", "AUX") else "clause"
    elif not trigger.verbal:
        construction = f"{trigger.token.dep_} of <{head.lemma_.lower()}>"
    else:
        construction = f"under <{head.lemma_.lower()}>"
    if head.dep_ == "acl:relcl":
        construction += " / relative"
    elif head.dep_ == "conj":
        construction += " / coordinated"
    return f"{kind} <{trigger.action}> / {construction}"


def describe(clause: Clause, doc: Doc) -> Draft:
    """Build the value of one clause (links are filled later)."""
    span = Span(doc, clause.start, clause.end, span_id=rule_name(clause))
    found = roles(clause)
    obj = span_text(phrase(found.patient, clause.trigger.stop, clause.end)) if found.patient is not None else None
    value = {
        "action": clause.trigger.action if not clause.trigger.verbal else clause.trigger.lemma,
        "label": label(clause, found.patient),
        "object": obj,
        "status": status(clause, span),
        "category": category(clause, span, found.patient),
        "targets": targets(span),
        "links": {},
        "evidence": [],
    }
    return Draft(clause, span, value, found.agents, found.patient)


def reports_figures(draft: Draft) -> bool:
    """"La préfète a présenté le bilan de l'année": presenting a report is the occasion of the
    text, no measure; promising one is ("un bilan sera publié en juin")."""
    trigger = draft.clause.trigger
    if draft.value["status"] not in ("done", "ongoing") or not trigger.verbal \
            or trigger.token.lemma_.lower() not in REPORT_VERBS:
        return False
    # The parser may take a weekday for the object ("a présenté mercredi le bilan").
    nouns = [c for c in trigger.token.children if c.pos_ == "NOUN"]
    objects = [draft.patient, *nouns, *(g for c in nouns for g in c.children if g.pos_ == "NOUN")]
    return any(o is not None and o.lemma_.lower() in REPORT_NOUNS for o in objects)


def narrates_occasion(draft: Draft) -> bool:
    """A meeting held or a ceremony: "nous nous sommes réunis", "Réunie le 7 février, la
    commission …", "sont intervenus le maire et son adjoint" ([meetings] verbs without an object,
    done or under way, when no action noun is their subject or object), "le préfet a présenté ses
    vœux" ([meetings] ceremonies) tell what happened at the occasion of the text. Promising a
    meeting is a measure ("le comité se réunira chaque mois"), and so are convening others ("le
    préfet a réuni les acteurs de la lutte contre les incendies") and a step of a process ("la
    première étape a été de réunir les adjoints")."""
    clause = draft.clause
    trigger = clause.trigger
    if not trigger.verbal:
        return False
    verb = trigger.token
    doc = verb.doc
    attrs = token_attrs(doc)
    if any(attrs.dep[c] == "obj" and attrs.lemma[c] in CEREMONY_NOUNS for c in attrs.children[verb.i]):
        return True
    if attrs.lemma[verb.i] not in MEETING_VERBS or draft.value["status"] not in ("done", "ongoing") \
            or "Inf" in feature(verb, "VerbForm") or _convenes(verb):
        return False
    # "Une session d'essai a réuni 24 participants": an action noun as subject or object names the
    # measure; one in a complement ("réunie en session plénière") does not.
    verbs = (verb, clause.head)
    return not any(t is not trigger and t.token.dep_ in ARGUMENT_DEPS | {"xcomp"} and t.token.head in verbs
                   and clause.start <= t.token.i < clause.end for t in clause.triggers)


def _convenes(verb: Token) -> bool:
    """An active verb with a noun object: "le préfet a réuni les acteurs de la lutte contre les
    incendies" convenes them. With "être" ("sont intervenus le maire et son adjoint", "nous nous
    sommes réunis") the noun after the verb is its subject."""
    children = list(verb.children)
    auxiliaries = [c.lemma_ for c in children if c.dep_.startswith("aux")]
    # A participle alone ("l'assemblée, réunie en session, …") describes its noun.
    active = "être" not in auxiliaries and (auxiliaries or "Fin" in feature(verb, "VerbForm"))
    return active and any(c.dep_ == "obj" and c.pos_ in ("NOUN", "PROPN") for c in children)


class MeasureExtractor(WithUserLexicon, BatchComponent):
    """Find the measures of a plan and link them to actors, quantities, money, dates and places.

    >>> doc = nlp("L'ARS va consacrer 258 000 euros à un programme de prévention.")
    >>> doc.spans["measure"][0]._.measure["label"]
    "financement d'un programme de prévention"
    """

    def __init__(self, spans_key: str = SPANS_KEY, plan_key: str = PLAN_KEY,
                 keys: dict[str, str] | None = None, lexicon: LexiconLike = None) -> None:
        """`keys`: the span keys of the mentions linked, by dimension (`LINKED_KEYS` by default);
        `lexicon`: a user lexicon whose `[measure.action]` triggers are added (docs/lexicon.md)."""
        self.spans_key = spans_key
        self.plan_key = plan_key
        self.keys = {**LINKED_KEYS, **(keys or {})}
        self.actions = ACTIONS
        self.config_lexicon(lexicon)

    def use_lexicon(self, lexicon: UserLexicon) -> None:
        self.actions = ACTIONS.extended(lexicon.measure.action)

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("DEP"):
            doc.spans[self.spans_key] = []
            doc.spans[self.plan_key] = []
            return doc
        money = group_spans(doc, self.keys["money"])
        clauses = [c for c in find_clauses(doc, find_triggers(doc, money, self.actions)) if not is_support_only(c)]
        clauses = sorted(clauses + money_items(doc, money, clauses), key=lambda c: c.start)
        drafts = [d for d in (describe(c, doc) for c in clauses) if not reports_figures(d) and not narrates_occasion(d)]
        text = doc_text(doc)
        link(drafts, doc, text, self.keys)
        drafts = merge_restated(drafts, text)
        spans = []
        for draft in sorted(drafts, key=lambda d: d.span.start):
            span = draft.span
            draft.value["links"] = {kind: [span_ref(span, m) for m in draft.links.get(kind, [])]
                                    for kind in LINK_KINDS.values()}
            draft.value["evidence"] = [span_ref(span, e) for e in draft.evidence]
            span._.set(SPANS_KEY, draft.value)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        plan = find_plan(doc, spans, self.keys)
        if plan is not None:
            plan[0]._.set(PLAN_KEY, plan[1])
        doc.spans[self.plan_key] = [plan[0]] if plan is not None else []
        release(doc)  # the last component: what the components worked out once per Doc goes
        return doc

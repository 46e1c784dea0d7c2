"""The measure lexicon (`lexicon.toml`), checked when loaded, and the lookups built from it."""

from __future__ import annotations

from pydantic import Field, model_validator

from plan_extract.grammar import DE, LINK_ARTICLES, LINKS, forms
from plan_extract.lexicon import MEASURE_CATEGORIES as CATEGORIES
from plan_extract.lexicon import Action
from plan_extract.lexicon import Strict as _Strict
from plan_extract.resources import load_toml


class _Plan(_Strict):
    nouns: list[str]
    verbs: list[str]


class _Status(_Strict):
    announced_verbs: list[str]
    planned_words: list[str]
    ongoing_words: list[str]
    done_words: list[str]


class _Words(_Strict):
    nouns: list[str]


class _Meetings(_Strict):
    nouns: list[str]
    actions: list[str]
    verbs: list[str]
    ceremonies: list[str]


class _Linking(_Strict):
    partner_cases: list[str]
    partner_nouns: list[str]
    funding_nouns: list[str]
    beneficiary_cases: list[str]
    first_person: list[str]
    reporting_verbs: list[str]
    compared_links: list[str]
    reference_openers: list[str]


class _Sheets(_Strict):
    carrier_fields: list[str]
    money_fields: list[str]


class _Money(_Strict):
    verbs: list[str]
    revenue_nouns: list[str]


class _Equipment(_Strict):
    verbs: list[str]
    nouns: list[str]


class _Report(_Strict):
    nouns: list[str]
    verbs: list[str]


class _Topic(_Strict):
    openers: list[str]


class _Grammar(_Strict):
    purpose_marks: list[str]
    negations: list[str]
    negation_particles: list[str]
    restrictive_marks: list[str]
    demonstratives: list[str]
    participle_endings: list[str]
    finite_endings: list[str]
    attribute_verbs: list[str]
    etre_verbs: list[str]
    clitic_objects: list[str]
    amount_nouns: list[str]
    place_cases: list[str]
    comparison_cases: list[str]
    comparison_nouns: list[str]
    compared_cases: list[str]
    split_cases: list[str]
    indirect_cases: list[str]
    benefit_cases: list[str]
    reflexives: list[str]
    cost_cases: list[str]
    subject_pronouns: list[str]
    condition_marks: list[str]
    gerund_marks: list[str]
    incise_openers: list[str]
    aim_nouns: list[str]
    speech_verbs: list[str]
    comment_verbs: list[str]
    place_relatives: list[str]
    obligation_verbs: list[str]
    presentative_verbs: list[str]
    undergo_nouns: list[str]
    destination_verbs: list[str]
    idioms: list[str]
    reflexive_non_actions: list[str]
    future_verbs: list[str]
    framing_verbs: list[str]
    framing_subjects: list[str]
    opinion_verbs: list[str]
    prepositional_participles: list[str]
    existential_pronouns: list[str]
    existential_verbs: list[str]
    elliptic_marks: list[str]
    progress_verbs: list[str]


class _Lists(_Strict):
    goal_headings: list[str]


class _Items(_Strict):
    openers: list[str]
    links: list[str]
    participles: list[str]


class _VerbOnly(_Strict):
    actions: list[str]


class MeasureLexicon(_Strict):
    action: dict[str, Action] = Field(min_length=1)
    verb_only: _VerbOnly
    plan: _Plan
    report: _Report
    money: _Money
    money_nouns: _Words
    equipment: _Equipment
    predicates: dict[str, str]

    @model_validator(mode="after")
    def _known_actions(self) -> MeasureLexicon:
        unknown = (set(self.predicates.values()) | set(self.verb_only.actions) | set(self.meetings.actions)) \
            - set(self.action)
        if unknown:
            raise ValueError(f"predicates, verb_only or meetings name unknown actions {sorted(unknown)}")
        return self
    status: _Status
    category: dict[str, list[str]]
    actor_category: dict[str, str]
    targets: _Words
    topic: _Topic
    references: _Words
    events: _Words
    meetings: _Meetings
    linking: _Linking
    sheets: _Sheets
    grammar: _Grammar
    items: _Items
    lists: _Lists

    @model_validator(mode="after")
    def _known_categories(self) -> MeasureLexicon:
        unknown = (set(self.category) | set(self.actor_category.values())) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown categories {sorted(unknown)}; use one of {list(CATEGORIES)}")
        return self


LEXICON = load_toml(__package__, "lexicon.toml", MeasureLexicon)

# Actions whose noun is no trigger: it names the occasion of the text or a state ([verb_only]).
VERB_ONLY = frozenset(LEXICON.verb_only.actions)

# A phrase is its first word's lemma plus the lower-case words written after it:
# "mettre en place" -> ("mettre", ("en", "place")). Longest phrases are tried first.
Phrases = dict[str, list[tuple[tuple[str, ...], str]]]


def _split(phrase: str) -> tuple[str, tuple[str, ...]]:
    # "plan d'action" is tokenised "plan", "d'", "action": keep the elided article as its own word.
    words = phrase.replace("'", "' ").split()
    return words[0], tuple(words[1:])


def _index(pairs: list[tuple[str, str]]) -> Phrases:
    index: Phrases = {}
    for phrase, key in pairs:
        first, rest = _split(phrase)
        index.setdefault(first, []).append((rest, key))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


class Actions:
    """The actions that state a measure, by key, and the indexes of their verb and noun phrases:
    the package's, or the package's plus a user lexicon's (`extended`)."""

    def __init__(self, actions: dict[str, Action]) -> None:
        self.table = actions
        self.verb_phrases = _index([(verb, key) for key, action in actions.items() for verb in action.verbs])
        self.noun_phrases = _index([(noun, key) for key, action in actions.items() for noun in [key, *action.nouns]
                                    if not action.support and key not in VERB_ONLY])
        # Every first word a trigger can be looked up by (with the predicates of the lexicon).
        self.keys = frozenset(self.verb_phrases) | frozenset(self.noun_phrases) | frozenset(LEXICON.predicates)

    def extended(self, added: dict[str, Action]) -> Actions:
        """These actions and `added`: a new key is a new action; a known one gets the added verbs
        and nouns, and the other settings the user wrote."""
        table = dict(self.table)
        for key, action in added.items():
            known = table.get(key)
            if known is not None:
                update = {name: getattr(action, name) for name in action.model_fields_set}
                update["verbs"] = [*known.verbs, *action.verbs]
                update["nouns"] = [*known.nouns, *action.nouns]
                action = known.model_copy(update=update)
            table[key] = action
        return Actions(table)


ACTIONS = Actions(LEXICON.action)
IDIOMS = _index([(idiom, idiom) for idiom in LEXICON.grammar.idioms])
PLAN_NOUNS = _index([(noun, noun) for noun in LEXICON.plan.nouns])
PLAN_VERBS = set(LEXICON.plan.verbs)
REPORT_NOUNS = set(LEXICON.report.nouns)
REPORT_VERBS = set(LEXICON.report.verbs)
MONEY_VERBS = set(LEXICON.money.verbs)
PREDICATES = LEXICON.predicates
# Word -> category; a word listed under two categories keeps the first.
CATEGORY_OF: dict[str, str] = {}
for _category, _words in LEXICON.category.items():
    for _word in _words:
        CATEGORY_OF.setdefault(_word, _category)
TARGET_NOUNS = set(LEXICON.targets.nouns)
EVENT_NOUNS = frozenset(LEXICON.events.nouns)
TOPIC_OPENERS = sorted((tuple(o.replace("'", "' ").split()) for o in LEXICON.topic.openers), key=len, reverse=True)


GRAMMAR = LEXICON.grammar
PURPOSE_MARKS = forms(GRAMMAR.purpose_marks)
NEGATIONS = forms(GRAMMAR.negations)
NEGATION_PARTICLES = forms(GRAMMAR.negation_particles)
RESTRICTIVE_MARKS = forms(GRAMMAR.restrictive_marks)
DEMONSTRATIVES = forms(GRAMMAR.demonstratives)
# Longest first, so that "ées" is stripped before "é".
PARTICIPLE_ENDINGS = tuple(sorted(GRAMMAR.participle_endings, key=len, reverse=True))
FINITE_ENDINGS = tuple(GRAMMAR.finite_endings)
ATTRIBUTE_VERBS = forms(GRAMMAR.attribute_verbs)
ETRE_VERBS = forms(GRAMMAR.etre_verbs)
# Definite articles that may open a name ("la Ville de Poitiers", "l'Agence nationale …").
ARTICLES = LINK_ARTICLES
CLITIC_OBJECTS = forms(GRAMMAR.clitic_objects)
AMOUNT_NOUNS = forms(GRAMMAR.amount_nouns)
PLACE_CASES = forms(GRAMMAR.place_cases)
COMPARISON_CASES = forms(GRAMMAR.comparison_cases)
COMPARISON_NOUNS = forms(GRAMMAR.comparison_nouns)
COMPARED_CASES = forms(GRAMMAR.compared_cases)
SPLIT_CASES = forms(GRAMMAR.split_cases)
INDIRECT_CASES = forms(GRAMMAR.indirect_cases)
# Prepositions of a noun's complement that names its object ("la création de la brigade").
OBJECT_CASES = LINKS
# "de" without an article: its complement names who acts ("opérations de police") or, listed, the object.
BARE_CASES = DE
BENEFIT_CASES = forms(GRAMMAR.benefit_cases)
REFLEXIVES = forms(GRAMMAR.reflexives)
COST_CASES = forms(GRAMMAR.cost_cases)
SUBJECT_PRONOUNS = forms(GRAMMAR.subject_pronouns)
CONDITION_MARKS = forms(GRAMMAR.condition_marks)
GERUND_MARKS = forms(GRAMMAR.gerund_marks)
INCISE_OPENERS = forms(GRAMMAR.incise_openers)
SPEECH_VERBS = forms(GRAMMAR.speech_verbs)
AIM_NOUNS = forms(GRAMMAR.aim_nouns)
REVENUE_NOUNS = forms(LEXICON.money.revenue_nouns)
MEETING_NOUNS = forms(LEXICON.meetings.nouns)
# Actions that open or close something: of a meeting, they are procedure.
OPENING_ACTIONS = frozenset(LEXICON.meetings.actions)
MEETING_VERBS = forms(LEXICON.meetings.verbs)
CEREMONY_NOUNS = forms(LEXICON.meetings.ceremonies)
FRAMING_VERBS = forms(GRAMMAR.framing_verbs)
FRAMING_SUBJECTS = forms(GRAMMAR.framing_subjects)
OPINION_VERBS = forms(GRAMMAR.opinion_verbs)
PREPOSITIONAL_PARTICIPLES = forms(GRAMMAR.prepositional_participles)
EXISTENTIAL_PRONOUNS = forms(GRAMMAR.existential_pronouns)
EXISTENTIAL_VERBS = forms(GRAMMAR.existential_verbs)
ELLIPTIC_MARKS = forms(GRAMMAR.elliptic_marks)
PROGRESS_VERBS = forms(GRAMMAR.progress_verbs)
COMMENT_VERBS = forms(GRAMMAR.comment_verbs)
MONEY_NOUNS = forms(LEXICON.money_nouns.nouns)
PLACE_RELATIVES = forms(GRAMMAR.place_relatives)
OBLIGATION_VERBS = forms(GRAMMAR.obligation_verbs)
FUTURE_VERBS = forms(GRAMMAR.future_verbs)
PRESENTATIVE_VERBS = forms(GRAMMAR.presentative_verbs)
UNDERGO_NOUNS = forms(GRAMMAR.undergo_nouns)
DESTINATION_VERBS = forms(GRAMMAR.destination_verbs)
REFLEXIVE_NON_ACTIONS = forms(GRAMMAR.reflexive_non_actions)
ITEM_OPENERS = forms(LEXICON.items.openers)
# "consacré" -> "consacré", "consacrée", "consacrés", "consacrées".
ITEM_LINKS = forms(LEXICON.items.links) | {p + ending for p in LEXICON.items.participles for ending in ("", "e", "s", "es")}

LINKING = LEXICON.linking
PARTNER_CASES = forms(LINKING.partner_cases)
PARTNER_NOUNS = forms(LINKING.partner_nouns)
FUNDING_NOUNS = forms(LINKING.funding_nouns)
BENEFICIARY_CASES = forms(LINKING.beneficiary_cases)
FIRST_PERSON = forms(LINKING.first_person)
REPORTING_VERBS = forms(LINKING.reporting_verbs)
# Before a compared figure, the links and articles of grammar.toml too: "que l'an dernier".
COMPARED_LINKS = forms(LINKING.compared_links) | LINK_ARTICLES | LINKS
REFERENCE_OPENERS = forms(LINKING.reference_openers)
# Headings are compared lower-cased with a straight apostrophe: no curly forms.
CARRIER_FIELDS = frozenset(LEXICON.sheets.carrier_fields)
MONEY_FIELDS = frozenset(LEXICON.sheets.money_fields)

"""RuleSet: compiled patterns mean what they say, longest matches win, marks are checked."""

from __future__ import annotations

import pytest
import spacy
from spacy.matcher import Matcher
from spacy.tokens import Token

from plan_extract.api import make_doc
from plan_extract.rules import Mark, Rule, RuleSet, phrase_elements

if not Token.has_extension("test_kind"):
    Token.set_extension("test_kind", default=None)
if not Token.has_extension("test_plain"):  # never given a Mark
    Token.set_extension("test_plain", default=None)


def _texts(found):
    return [(span.text, value["rule"]) for span, value in found]


def _rule(name, pattern):
    return Rule(name, pattern, lambda span: {"rule": name})


def test_lexical_sets_and_regexes_match_as_written() -> None:
    nlp = spacy.blank("fr")
    rules = RuleSet(nlp.vocab, [
        _rule("month", [{"LOWER": {"IN": ["janvier", "mars"]}}, {"TEXT": {"REGEX": r"^\d{4}$"}}]),
        _rule("not-month", [{"LOWER": {"NOT_IN": ["janvier", "mars"]}}, {"TEXT": {"REGEX": r"^\d{4}$"}}]),
    ])
    found = rules(nlp("En Mars 2023 puis vers 2024 et janvier 23."))
    assert _texts(found) == [("Mars 2023", "month"), ("vers 2024", "not-month")]


def test_longest_match_wins_and_blocked_spans_are_skipped() -> None:
    nlp = spacy.blank("fr")
    rules = RuleSet(nlp.vocab, [
        _rule("one", [{"LOWER": "plan"}]),
        _rule("two", [{"LOWER": "plan"}, {"LOWER": "vélo"}]),
    ])
    doc = nlp("un plan vélo et un plan")
    assert _texts(rules(doc)) == [("plan vélo", "two"), ("plan", "one")]
    assert _texts(rules(doc, blocked=[doc[1:2]])) == [("plan", "one")]


def test_marked_extension_matches_only_marked_tokens() -> None:
    nlp = spacy.blank("fr")
    mark = Mark("test_kind")
    rules = RuleSet(nlp.vocab, [
        _rule("count", [{"_": {"test_kind": {"IN": ["number"]}}, "OP": "+"}, {"LOWER": "agents"}]),
    ])
    doc = nlp("une centaine d'agents , une agents , une\u00a0centaine agents")
    # "une centaine" is a number at the start, the second "une" is an article.
    for i in (0, 1, 8, 9, 10):  # 9 is the no-break space inside the number
        mark(doc[i], "number")
    assert doc[0]._.test_kind == "number" and doc[5]._.test_kind is None  # the article is not marked
    # "une centaine d'agents" needs "d'" in the pattern: no match; "une agents": article, no match.
    assert _texts(rules(doc)) == [("une\u00a0centaine agents", "count")]


def test_marked_extension_with_a_plain_value_and_windows() -> None:
    nlp = spacy.blank("fr")
    mark = Mark("test_kind")
    rules = RuleSet(nlp.vocab, [_rule("unit", [{"_": {"test_kind": "number"}}, {"LOWER": "kg"}])])
    doc = nlp("3 kg puis 4 kg")
    mark(doc[0], "number")
    mark(doc[3], "ordinal")
    assert _texts(rules(doc)) == [("3 kg", "unit")]
    assert _texts(rules(doc, windows=[(2, 5)])) == []


GATED_TEXTS = [
    "Le projet a démarré il y a à peu près un an, de l'avis de tous.",
    "Il y a à peu près environ trois ans, la fête nationale du 14 juillet 2023 et le jour de l'an.",
    "Du lundi de Pâques au 3 mai, puis chaque week-end et tous les deux ans, début de l'année 2025.",
    "La région consacre 1,2 million d'euros et 300 000 francs CFP à 12 km de pistes, soit 40 mètres carrés.",
    "Depuis le 1er janvier, 27 kg de cannabis et la moitié des 150 saisies ; 90 µg / m3 mesurés à 8h.",
    "Entre T1 2024 et mi-2026, 3 nouveaux policiers, 5 autres agents et une centaine de bénévoles.",
    # Numbers of several tokens (no-break spaces) followed by their unit: windows end after the run.
    "Un budget de 1\u00a0200\u00a0000 euros sur 3\u00a0ans, puis 258 000 euros par an pendant 2 \u00a0mois.",
]


@pytest.mark.parametrize("text", GATED_TEXTS)
@pytest.mark.parametrize("component", ["plan_date", "plan_money", "plan_quantity"])
def test_gated_matching_finds_what_a_plain_matcher_finds(nlp, component: str, text: str) -> None:
    """Running each group of rules only from the words it can start with, in flags, finds the
    matches of a plain Matcher holding every pattern as written, over the whole text."""
    doc = make_doc(text)
    for name, proc in nlp.pipeline:
        if name == component:
            break
        doc = proc(doc)
    ruleset = nlp.get_pipe(component).ruleset
    plain = Matcher(nlp.vocab)
    for name, rule in ruleset.rules.items():
        plain.add(name, [rule.pattern])
    expected = sorted(plain(doc), key=lambda m: (m[1], m[2], m[0]))
    assert ruleset.matches(doc) == expected


def test_phrase_elements_one_pattern_per_length() -> None:
    elements = phrase_elements(["mètre cube", "degrés celsius", "km / h"])
    assert elements == {
        2: [{"LOWER": {"IN": ["degrés", "mètre"]}}, {"LOWER": {"IN": ["celsius", "cube"]}}],
        3: [{"LOWER": {"IN": ["km"]}}, {"LOWER": {"IN": ["/"]}}, {"LOWER": {"IN": ["h"]}}],
    }


ENGINE_PATTERNS = [
    [{"LOWER": "a", "OP": "+"}, {"LOWER": "b"}],
    [{"LOWER": "a", "OP": "?"}, {"LOWER": "a", "OP": "*"}, {"LOWER": "b", "OP": "?"}, {"LOWER": "c"}],
    [{"LOWER": "b"}, {"IS_SPACE": True, "OP": "?"}, {"LOWER": {"IN": ["c", "d"]}, "OP": "+"}],
    [{"TEXT": {"REGEX": "^[A-Z]$"}}, {"LOWER": {"NOT_IN": ["b"]}, "OP": "*"}, {"LOWER": "d"}],
    [{"IS_ALPHA": True, "OP": "+"}],
]


@pytest.mark.parametrize("pattern", ENGINE_PATTERNS)
def test_matches_are_those_of_spacys_matcher(pattern) -> None:
    """Every match, of every length and from every start, as spaCy's Matcher gives them."""
    nlp = spacy.blank("fr")
    doc = nlp("a a b c A a b\u00a0c d d , A c d a")
    rules = RuleSet(nlp.vocab, [_rule("p", pattern)])
    plain = Matcher(nlp.vocab)
    plain.add("p", [pattern])
    assert rules.matches(doc) == sorted(plain(doc), key=lambda m: (m[1], m[2], m[0]))


def test_long_repeats_and_unmarked_extensions_match() -> None:
    nlp = spacy.blank("fr")
    doc = nlp("x " * 20 + "fin")
    for token in doc[:20]:
        token._.test_plain = "x"  # no Mark: read from the token itself
    rules = RuleSet(nlp.vocab, [_rule("run", [{"_": {"test_plain": "x"}, "OP": "+"}, {"LOWER": "fin"}])])
    assert _texts(rules(doc)) == [(doc.text, "run")]


def test_unsupported_pattern_features_are_refused() -> None:
    nlp = spacy.blank("fr")
    with pytest.raises(ValueError, match="operator"):
        RuleSet(nlp.vocab, [_rule("neg", [{"LOWER": "a", "OP": "!"}, {"LOWER": "b"}])])
    with pytest.raises(ValueError, match="LEMMA"):
        RuleSet(nlp.vocab, [_rule("lemma", [{"LEMMA": "aller"}])])


def test_word_caches_stay_bounded(monkeypatch) -> None:
    """Results kept per word are emptied past a size: memory stays flat, matches stay the same."""
    import plan_extract.rules as rules_module

    monkeypatch.setattr(rules_module, "WORD_CACHE_SIZE", 3)
    nlp = spacy.blank("fr")
    rules = RuleSet(nlp.vocab, [_rule("month", [{"LOWER": {"IN": ["mars", "mai"]}}, {"TEXT": {"REGEX": r"^\d{4}$"}}])])
    doc = nlp("en mars 2023 puis en mai 2024 et enfin vers juin 2025 ou mars 2026")
    assert _texts(rules(doc)) == [("mars 2023", "month"), ("mai 2024", "month"), ("mars 2026", "month")]
    assert len(rules.opened_by_word) <= 3
    assert all(len(element.words or {}) <= 3 for element in rules.elements.values())


def test_features_and_unset_extensions_read_as_spacys_matcher_reads_them() -> None:
    """A feature with two values is two features; IN and NOT_IN fail on an unset extension."""
    nlp = spacy.blank("fr")
    doc = nlp("ces deux")
    doc[0].set_morph("Number=Plur|PronType=Art,Dem")
    doc[1]._.test_plain = "deux"
    patterns = [
        [{"MORPH": {"IS_SUPERSET": ["PronType=Dem"]}}],
        [{"MORPH": {"IS_SUPERSET": ["PronType=Art", "Number=Plur"]}}],
        [{"_": {"test_plain": {"NOT_IN": ["trois"]}}}],
        [{"_": {"test_plain": {"IN": ["deux"]}}}],
    ]
    for pattern in patterns:
        rules = RuleSet(nlp.vocab, [_rule("p", pattern)])
        plain = Matcher(nlp.vocab)
        plain.add("p", [pattern])
        assert rules.matches(doc) and rules.matches(doc) == sorted(plain(doc), key=lambda m: (m[1], m[2], m[0]))


# --- property: RuleSet and spaCy's Matcher agree on generated patterns and texts ----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = ["a", "A", "b", "B", "de", "3", "000", "euros", "M€", ",", "\u00a0", "plan", "Plan"]
_VALUES = st.sampled_from(_WORDS)
_ELEMENT = st.one_of(
    st.builds(lambda w: {"LOWER": w.lower()}, _VALUES),
    st.builds(lambda w: {"ORTH": w}, _VALUES),
    st.builds(lambda ws: {"LOWER": {"IN": sorted({w.lower() for w in ws})}}, st.lists(_VALUES, min_size=1, max_size=3)),
    st.builds(lambda ws: {"LOWER": {"NOT_IN": sorted({w.lower() for w in ws})}}, st.lists(_VALUES, min_size=1, max_size=2)),
    st.builds(lambda b: {"IS_DIGIT": b}, st.booleans()),
    st.builds(lambda b: {"IS_TITLE": b}, st.booleans()),
    st.builds(lambda b: {"IS_SPACE": b}, st.booleans()),
    st.builds(lambda n: {"LENGTH": n}, st.integers(1, 3)),
    st.builds(lambda r: {"TEXT": {"REGEX": r}}, st.sampled_from(["^[A-Z]", "^[0-9]+$", "€$", "^p"])),
    st.just({}),
)
_STEP = st.builds(lambda element, op: {**element, **({"OP": op} if op else {})},
                  _ELEMENT, st.sampled_from([None, None, "?", "*", "+"]))
# RuleSet refuses a pattern whose every element is optional (it would match nothing but empty).
_PATTERN = st.lists(_STEP, min_size=1, max_size=4).filter(lambda p: any(s.get("OP") in (None, "+") for s in p))
_BLANK = spacy.blank("fr")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterns=st.lists(_PATTERN, min_size=1, max_size=3), words=st.lists(_VALUES, max_size=14))
def test_ruleset_agrees_with_spacys_matcher_on_generated_patterns(patterns, words) -> None:
    """Differential test: every match (every start, every length) of generated patterns over
    generated texts is the one spaCy's Matcher finds."""
    from spacy.tokens import Doc

    doc = Doc(_BLANK.vocab, words=words, spaces=[False] * len(words)) if words else _BLANK("")
    rules = RuleSet(_BLANK.vocab, [_rule(f"p{i}", p) for i, p in enumerate(patterns)])
    plain = Matcher(_BLANK.vocab)
    for i, pattern in enumerate(patterns):
        plain.add(f"p{i}", [pattern])
    assert rules.matches(doc) == sorted(set(plain(doc)), key=lambda m: (m[1], m[2], m[0]))

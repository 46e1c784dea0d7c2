"""Named rules: a spaCy Matcher pattern and a function that turns the matched span into a value.

`produce(span)` returns the value (a plain dict) or `None` ("matched, but not this dimension").
The rule name is stored on the span as `span.id_`, as spaCy's span ruler does with pattern ids,
so a wrong result can always be traced back to the rule that produced it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from plan_extract.spans import WORD_CACHE_SIZE, features, set_token_extension, token_attrs

Value = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: list[dict[str, Any]]
    produce: Callable[[Span], Value | None]


class Mark:
    """Sets the token extension `attr` and records the token in `doc.user_data`, so that rules
    testing `attr` (`{"_": {attr: ...}}`) read the values of the marked tokens instead of asking
    every token. The record lives on the Doc: it follows `doc.copy()`, `Doc.to_bytes()` and a
    `DocBin`."""

    def __init__(self, attr: str) -> None:
        self.attr = attr
        self.key = _marks_key(attr)
        MARKED_ATTRS.add(attr)

    def clear(self, doc: Doc) -> None:
        """Start `doc` with no token marked (before a component marks it again)."""
        doc.user_data[self.key] = {}

    def __call__(self, token: Token, value: Any) -> None:
        token._.set(self.attr, value)
        if value is not None:
            token.doc.user_data.setdefault(self.key, {})[token.i] = value

    def span(self, span: Span, value: Any) -> None:
        """Mark every token of `span` (as `self(token, value)` does each): the Token objects
        are only built for the tokens after the first one, whose offsets the span does not give."""
        doc = span.doc
        start = span.start
        for i in range(start, span.end):
            set_token_extension(doc, i, span.start_char if i == start else doc[i].idx, self.attr, value)
        if value is not None:
            record = doc.user_data.setdefault(self.key, {})
            for i in range(start, span.end):
                record[i] = value


# The extensions that a `Mark` sets (names only: the marks themselves live on each Doc).
MARKED_ATTRS: set[str] = set()


def _marks_key(attr: str) -> tuple[str, str]:
    return ("plan_extract.marks", attr)


def marked(doc: Doc, attr: str) -> dict[int, Any] | None:
    """The tokens `Mark` marked with `attr` in `doc`, and their values; None when no `Mark` went
    through `doc` (then any token may carry the extension)."""
    return doc.user_data.get(_marks_key(attr))


def mark_of(doc: Doc, attr: str, i: int) -> Any:
    """`doc[i]._.get(attr)` for an extension set by a `Mark`, read from its record when it
    went through `doc` (as the RuleSet reads it)."""
    values = marked(doc, attr)
    return doc[i]._.get(attr) if values is None else values.get(i)


# Token attributes of the pattern language that the RuleSet reads per token (from `TokenAttrs`);
# every other attribute it supports is a property of the word, read from its lexeme.
_TOKEN_ATTRS = {"POS": "pos", "DEP": "dep"}
_LEXEME_ATTRS = {"ORTH": "orth_", "TEXT": "orth_", "LOWER": "lower_", "SHAPE": "shape_", "PREFIX": "prefix_",
                 "SUFFIX": "suffix_", "LENGTH": "length", "IS_ALPHA": "is_alpha", "IS_ASCII": "is_ascii",
                 "IS_DIGIT": "is_digit", "IS_LOWER": "is_lower", "IS_UPPER": "is_upper", "IS_TITLE": "is_title",
                 "IS_PUNCT": "is_punct", "IS_SPACE": "is_space", "IS_STOP": "is_stop", "IS_CURRENCY": "is_currency",
                 "LIKE_NUM": "like_num", "LIKE_URL": "like_url", "LIKE_EMAIL": "like_email"}
_OPS = {None, "?", "*", "+"}


def _lexeme_attr(lexeme: Any, name: str) -> Any:
    # A lexeme has no `length`: LENGTH is the length of its text, as in spaCy's Matcher.
    return len(lexeme.orth_) if name == "length" else getattr(lexeme, name)


def _predicate(value: Any) -> Callable[[Any], bool]:
    """The test of one attribute's value: a plain value, or IN / NOT_IN / REGEX. As in spaCy's
    Matcher, IN and NOT_IN fail on a value that is neither a string nor a number (an extension
    left unset)."""
    if not isinstance(value, dict):
        return lambda found: found == value
    if len(value) != 1:
        raise ValueError(f"one predicate per attribute, got {value!r}")
    op, arg = next(iter(value.items()))
    if op == "IN":
        allowed = frozenset(arg)
        return lambda found: isinstance(found, (str, int)) and found in allowed
    if op == "NOT_IN":
        banned = frozenset(arg)
        return lambda found: isinstance(found, (str, int)) and found not in banned
    if op == "REGEX":
        regex = re.compile(arg)
        return lambda found: isinstance(found, str) and regex.search(found) is not None
    raise ValueError(f"unsupported predicate {op!r} (IN, NOT_IN and REGEX are)")


class _Element:
    """One token test of a pattern, compiled: tests on the word (its lexeme's attributes, the
    result kept per word), on the token's part of speech, dependency and features, and on token
    extensions (read from the tokens marked by `Mark`). Patterns share equal elements, and
    each element's result is kept per token of a Doc (`slot` is its place in `_Tokens.results`)."""

    def __init__(self, vocab: Vocab, spec: dict[str, Any], slot: int) -> None:
        self.slot = slot
        word_tests, self.token_tests, self.morph, self.extensions = [], [], None, []
        # The forms a word must have to pass, when a test says so: ("lower_", {"mars", "mai"}).
        self.forms: tuple[str, frozenset[str]] | None = None
        for key, value in spec.items():
            if key == "OP":
                continue
            if key in _LEXEME_ATTRS:
                word_tests.append((_LEXEME_ATTRS[key], _predicate(value)))
                if key in ("LOWER", "ORTH", "TEXT") and self.forms is None and (
                        isinstance(value, str) or isinstance(value, dict) and list(value) == ["IN"]):
                    self.forms = (_LEXEME_ATTRS[key], frozenset([value] if isinstance(value, str) else value["IN"]))
            elif key in _TOKEN_ATTRS:
                self.token_tests.append((_TOKEN_ATTRS[key], _predicate(value)))
            elif key == "MORPH" and isinstance(value, dict) and list(value) == ["IS_SUPERSET"]:
                self.morph = frozenset(value["IS_SUPERSET"])
            elif key == "_":
                self.extensions += [(attr, _predicate(test)) for attr, test in value.items()]
            else:
                raise ValueError(f"RuleSet does not support {key!r} in a pattern")
        # The first extension a token must carry to pass (a test that fails without a value).
        self.required_mark = next((attr for attr, test in self.extensions if not test(None)), None)
        self.vocab = vocab
        self.word_tests = word_tests
        # Word -> whether it passes the word tests; None when the element has none.
        self.words: dict[str, bool] | None = {} if word_tests else None
        # Only tests on the word: its result is the word's, looked up without a call.
        self.word_only = bool(word_tests) and not (self.token_tests or self.morph is not None or self.extensions)

    def word_passes(self, text: str) -> bool:
        if self.words is None:
            return True
        passed = self.words.get(text)
        if passed is None:
            if len(self.words) >= WORD_CACHE_SIZE:
                self.words.clear()
            lexeme = self.vocab[text]
            passed = self.words[text] = all(test(_lexeme_attr(lexeme, name)) for name, test in self.word_tests)
        return passed

    def test(self, tokens: _Tokens, i: int) -> bool:
        if not self.word_passes(tokens.text[i]):
            return False
        for name, test in self.token_tests:
            if not test(getattr(tokens.attrs, name)[i]):
                return False
        if self.morph is not None and not self.morph <= tokens.features(i):
            return False
        for attr, test in self.extensions:
            if not test(tokens.extension(attr, i)):
                return False
        return True


class _Tokens:
    """What the patterns read of one Doc, and what they found in it so far."""

    def __init__(self, doc: Doc, elements: int) -> None:
        self.doc = doc
        self.attrs = token_attrs(doc)
        self.text = self.attrs.text
        self.marks = {attr: found for attr in MARKED_ATTRS if (found := marked(doc, attr)) is not None}
        # By element, its result at each token tried (patterns share elements); a dict is only
        # made for the elements tried.
        self.results: list[dict[int, bool] | None] = [None] * elements

    def features(self, i: int) -> frozenset[str]:
        """The token's features one value each, as spaCy's Matcher reads them: "PronType=Art,Dem"
        gives "PronType=Art" and "PronType=Dem"."""
        key = self.attrs.morph[i]
        found = _FEATURES.get(key)
        if found is None:
            if len(_FEATURES) >= WORD_CACHE_SIZE:
                _FEATURES.clear()
            by_name = features(self.doc, i)
            found = _FEATURES[key] = frozenset(f"{name}={value}" for name, values in by_name.items() for value in values)
        return found

    def extension(self, attr: str, i: int) -> Any:
        values = self.marks.get(attr)
        if values is None:
            return self.doc[i]._.get(attr)  # an extension not set by `Mark`
        return values.get(i)


# Morphological features as "Number=Plur" strings, by the hash of the token's feature string.
_FEATURES: dict[int, frozenset[str]] = {}


class _Automaton:
    """The patterns of a RuleSet compiled into one automaton: the steps of each pattern (an
    element and its operator; "X+" becomes "X X*"), with the steps that patterns begin with
    alike shared ("<number> <unit> plus tard" and "<number> <unit> plus tôt" share their first
    two steps), so that a token is tried once for all the patterns that may read it there.

    States are steps held in the bits of an int; bit `len(steps) + p` stands for a complete
    match of pattern `p`. `reach[k]` holds step k and the steps that optional steps let a match
    reach from it without a token; `after[k]` the states a match is in once step k has taken
    a token; `first[p]` is the first step of pattern `p`.
    """

    def __init__(self, patterns: list[list[tuple[_Element, str | None]]]) -> None:
        self.steps: list[tuple[_Element, str | None]] = []
        children: list[list[int]] = []
        completes: list[list[int]] = []  # by step, the patterns whose last step it is
        known: dict[tuple[int, int, str | None], int] = {}  # (previous step, element, op) -> step
        self.first: list[int] = []
        # By pattern, its steps and its complete match, as states.
        self.paths: list[int] = []
        for steps in patterns:
            if all(op is not None for _, op in steps):
                raise ValueError("a pattern needs at least one required element")
            previous = -1
            path = 0
            for element, op in steps:
                key = (previous, element.slot, op)
                step = known.get(key)
                if step is None:
                    step = known[key] = len(self.steps)
                    self.steps.append((element, op))
                    children.append([])
                    completes.append([])
                    if previous >= 0:
                        children[previous].append(step)
                if previous < 0:
                    self.first.append(step)
                previous = step
                path |= 1 << step
            completes[previous].append(len(self.first) - 1)
            self.paths.append(path)
        n = len(self.steps)
        self.paths = [path | 1 << (n + p) for p, path in enumerate(self.paths)]
        self.done = {1 << (n + p): p for p in range(len(patterns))}
        self.done_mask = sum(self.done)
        self.reach = [0] * n
        self.after = [0] * n
        for k in range(n - 1, -1, -1):  # a step comes after the step before it
            following = 0
            for child in children[k]:
                following |= self.reach[child]
            for p in completes[k]:
                following |= 1 << (n + p)
            op = self.steps[k][1]
            self.reach[k] = (1 << k) | (following if op is not None else 0)
            self.after[k] = following | (self.reach[k] if op == "*" else 0)
        # The steps whose element only tests the word; by word, the bits of the steps tried on it
        # and of those it passed; by set of steps passed, the states they lead to (see `ends`).
        self.word_steps = _union(1 << k for k, (element, _) in enumerate(self.steps) if element.word_only)
        self.by_word: dict[str, list[int]] = {}
        self.leads: dict[int, int] = {}

    def ends(self, tokens: _Tokens, start: int, states: int, limit: int, live: int = -1) -> list[tuple[int, int]]:
        """The matches `(pattern, end)` that start at `start` from `states`, ending at `limit`
        at the latest (never at `start`: no empty match), in order of their ends. Only the
        steps in `live` are followed (those of the patterns that may match in the Doc).

        Steps whose element only tests the word are read from `by_word` (per word, the steps
        tried on it and those it passed) and the states they lead to from `leads` (by set of
        steps passed), so that a word seen before costs two lookups whatever the steps; the
        other steps are tried token by token, their result kept per token of the Doc."""
        steps, after, results, done_mask = self.steps, self.after, tokens.results, self.done_mask
        word_steps, by_word, leads = self.word_steps, self.by_word, self.leads
        text = tokens.text
        found = []
        states &= ~done_mask
        i = start
        while states and i < limit:
            following = 0
            on_word = states & word_steps
            if on_word:
                word = text[i]
                entry = by_word.get(word)
                if entry is None:
                    if len(by_word) >= WORD_CACHE_SIZE:
                        by_word.clear()
                    entry = by_word[word] = [0, 0]
                unknown = on_word & ~entry[0]
                if unknown:
                    entry[0] |= unknown
                    while unknown:
                        low = unknown & -unknown
                        unknown ^= low
                        if steps[low.bit_length() - 1][0].word_passes(word):
                            entry[1] |= low
                passed = on_word & entry[1]
                if passed:
                    led = leads.get(passed)
                    if led is None:
                        if len(leads) >= WORD_CACHE_SIZE:
                            leads.clear()
                        led = 0
                        bits = passed
                        while bits:
                            low = bits & -bits
                            bits ^= low
                            led |= after[low.bit_length() - 1]
                        leads[passed] = led
                    following = led
                states ^= on_word
            while states:
                low = states & -states
                states ^= low
                k = low.bit_length() - 1
                element = steps[k][0]
                known = results[element.slot]
                if known is None:
                    known = results[element.slot] = {}
                passed = known.get(i)
                if passed is None:
                    passed = known[i] = element.test(tokens, i)
                if passed:
                    following |= after[k]
            i += 1
            complete = following & done_mask
            if complete:
                following ^= complete
                while complete:
                    low = complete & -complete
                    complete ^= low
                    found.append((self.done[low], i))
            states = following & live
        return found


def _first_elements(steps: list[tuple[_Element, str | None]]) -> list[_Element]:
    """The elements a match of a pattern can begin with: its optional first steps and its
    first required one."""
    first = []
    for element, op in steps:
        first.append(element)
        if op is None:
            break
    return first


def _union(states: Iterable[int]) -> int:
    union = 0
    for bits in states:
        union |= bits
    return union


def phrase_elements(forms: Iterable[str]) -> dict[int, list[dict[str, Any]]]:
    """Token patterns for many multi-word forms: one per number of words, each word a set.

    `["mètre cube", "degrés celsius"]` -> `{2: [{"LOWER": {"IN": ["degrés", "mètre"]}},
    {"LOWER": {"IN": ["celsius", "cube"]}}]}`. The patterns also match mixed forms ("mètre
    celsius"): the rule's `produce` must look the words up. One pattern per length instead of
    one per form keeps matching fast.
    """
    by_length: dict[int, list[set[str]]] = {}
    for form in forms:
        words = form.split()
        sets = by_length.setdefault(len(words), [set() for _ in words])
        for position, word in zip(sets, words):
            position.add(word)
    return {n: [{"LOWER": {"IN": sorted(words)}} for words in sets] for n, sets in sorted(by_length.items())}


class EndingForms:
    """Multi-word forms and what each stands for (a unit's or a currency's code), found at the
    end of a span matched by the patterns of `phrase_elements`, which also match mixed forms of
    the same length ("mètre celsius"): the span's words must be one of the forms.

    >>> forms = EndingForms({"mètre cube": "m3", "degrés celsius": "°C"})
    >>> forms.find(["12", "mètre", "cube"]), forms.find(["12", "mètre", "celsius"])
    ('mètre cube', None)
    """

    def __init__(self, key_of: dict[str, str]) -> None:
        self.key_of = key_of
        self.forms = [form.split() for form in sorted(key_of, key=lambda form: -len(form.split()))]

    def find(self, words: list[str]) -> str | None:
        """The longest form that `words` (lower-case, spaces left out) end with."""
        return next((" ".join(f) for f in self.forms if words[-len(f):] == f), None)


def _merged(ranges: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted((max(0, a), min(length, b)) for a, b in ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif start < end:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


class RuleSet:
    """Run named rules over a Doc and keep the longest non-overlapping spans that produce a value.

    Patterns are written in spaCy's Matcher language (and checked by it) and matched here, on
    the lists of `TokenAttrs`: spaCy's Matcher builds a Token object for every token it tries
    and tries every pattern at every token, so its cost grows with the number of rules times
    the length of the text. Here a pattern is only tried from the tokens that can start it:
    those whose word passes one of its first elements (worked out once per word), those marked
    by `Mark` when a first element tests the mark, everywhere otherwise; and the patterns run
    together, as one automaton whose steps patterns that begin alike share (`_Automaton`).
    Supported: the lexical attributes (ORTH, TEXT, LOWER, IS_*, LIKE_*, ...), POS, DEP, MORPH
    with IS_SUPERSET, token extensions; plain values, IN, NOT_IN and REGEX; operators ?, * and +.
    """

    def __init__(self, vocab: Vocab, rules: Sequence[Rule]) -> None:
        self.vocab = vocab
        self.rules = {rule.name: rule for rule in rules}
        if len(self.rules) != len(rules):
            raise ValueError("two rules share a name")
        # Patterns are checked by spaCy's Matcher: they mean what its documentation says.
        Matcher(vocab, validate=True).add("check", [rule.pattern for rule in rules])
        self.ids = [vocab.strings.add(rule.name) for rule in rules]
        self.names = dict(zip(self.ids, self.rules))
        self.order_by_id = {match_id: i for i, match_id in enumerate(self.ids)}
        self.elements: dict[str, _Element] = {}  # by the element as written, without its operator
        steps = [self._steps(vocab, rule.pattern) for rule in rules]
        self.automaton = _Automaton(steps)
        # How each pattern's starts are found: from the words that pass a first element (looked
        # up by their form, or tested), from the tokens marked with an attribute that a first
        # element requires, or everywhere.
        self.by_form: dict[str, dict[str, set[int]]] = {"lower_": {}, "orth_": {}}
        self.by_test: list[tuple[_Element, int]] = []
        by_mark: dict[str, list[int]] = {}
        anywhere: list[int] = []
        for index, pattern in enumerate(steps):
            first = _first_elements(pattern)
            if not all(e.word_tests or e.required_mark for e in first):
                anywhere.append(index)
                continue
            for element in first:
                if element.forms is not None:
                    attr, forms = element.forms
                    for form in forms:
                        self.by_form[attr].setdefault(form, set()).add(index)
                elif element.word_tests:
                    self.by_test.append((element, index))
                elif element.required_mark is not None:
                    by_mark.setdefault(element.required_mark, []).append(index)
        # The same, as the automaton's states: the steps a match is in before its first token.
        self.opening = [self.automaton.reach[step] for step in self.automaton.first]
        self.opening_by_mark = {attr: _union(self.opening[i] for i in indices) for attr, indices in by_mark.items()}
        self.opening_anywhere = _union(self.opening[i] for i in anywhere)
        # By word, the states in which it opens matches (0: none).
        self.opened_by_word: dict[str, int] = {}
        # The forms a Doc must hold for a pattern to match there: those of its required elements
        # that test the form, each one bit of `needs[pattern]`; by form, its bits; by the bits of
        # the forms a Doc holds, the states of the patterns that may match in it.
        needed: dict[tuple[str, frozenset[str]], int] = {}
        self.needs = []
        for pattern in steps:
            need = 0
            for element, op in pattern:
                if op is None and element.forms is not None:
                    need |= needed.setdefault(element.forms, 1 << len(needed))
            self.needs.append(need)
        self.held_by_form: dict[str, dict[str, int]] = {"lower_": {}, "orth_": {}}
        for (attr, forms), bit in needed.items():
            for form in forms:
                self.held_by_form[attr][form] = self.held_by_form[attr].get(form, 0) | bit
        self.live_by_held: dict[int, int] = {}
        # By word (its text), the bits of the forms it holds.
        self.held_by_word: dict[str, int] = {}

    def _steps(self, vocab: Vocab, pattern: list[dict[str, Any]]) -> list[tuple[_Element, str | None]]:
        steps = []
        for spec in pattern:
            op = spec.get("OP")
            if op not in _OPS:
                raise ValueError(f"RuleSet does not support the operator {op!r} (?, * and + only)")
            key = repr(sorted((k, v) for k, v in spec.items() if k != "OP"))
            element = self.elements.get(key)
            if element is None:
                element = self.elements[key] = _Element(vocab, spec, len(self.elements))
            steps += [(element, None), (element, "*")] if op == "+" else [(element, op)]
        return steps

    def _opened(self, text: str) -> int:
        """The states in which a word opens matches: those of the patterns it can start by one
        of their first elements' word tests."""
        opened = self.by_form["lower_"].get(text.lower(), set()) | self.by_form["orth_"].get(text, set())
        opened |= {index for element, index in self.by_test if element.word_passes(text)}
        return _union(self.opening[i] for i in opened)

    def _live(self, tokens: _Tokens, ranges: list[tuple[int, int]]) -> int:
        """The states of the patterns whose required forms all occur in the token `ranges`: a
        pattern that needs "tard" is never tried in a Doc without it (nor in windows without it:
        a match lies inside one)."""
        known = self.held_by_word
        text = tokens.text
        words = set(text) if ranges == [(0, len(text))] else {word for start, end in ranges for word in text[start:end]}
        found = list(map(known.get, words))
        if None in found:  # words met for the first time
            if len(known) >= WORD_CACHE_SIZE:
                known.clear()
            by_orth, by_lower = self.held_by_form["orth_"], self.held_by_form["lower_"]
            for word in words:
                if word not in known:
                    # The bits of its form and of its lower-case form (the lexeme's, as in `TokenAttrs.lower`).
                    known[word] = by_orth.get(word, 0) | by_lower.get(self.vocab[word].lower_, 0)
            found = list(map(known.get, words))
        held = reduce(or_, filter(None, found), 0)
        live = self.live_by_held.get(held)
        if live is None:
            if len(self.live_by_held) >= WORD_CACHE_SIZE:
                self.live_by_held.clear()
            paths = self.automaton.paths
            live = self.live_by_held[held] = _union(paths[p] for p, need in enumerate(self.needs) if not need & ~held)
        return live

    def matches(self, doc: Doc, windows: Iterable[tuple[int, int]] | None = None) -> list[tuple[int, int, int]]:
        """All matches `(match_id, start, end)` over the whole Doc, or only inside `windows`
        (token ranges), as spaCy's Matcher gives them, in text order."""
        return sorted(self._found(doc, windows), key=lambda m: (m[1], m[2], m[0]))

    def _found(self, doc: Doc, windows: Iterable[tuple[int, int]] | None) -> list[tuple[int, int, int]]:
        """The matches of `matches`, in no set order. Only the tokens inside the windows are
        read: those of a component that looks around the numbers are a small part of the Doc."""
        length = len(doc)
        if not length:
            return []
        tokens = _Tokens(doc, len(self.elements))
        # The token ranges where matches start and end (matches stay inside one window).
        ranges = [(0, length)] if windows is None else _merged(windows, length)
        known = self.opened_by_word
        text = tokens.text
        # By attribute a first element requires, the marked tokens in order (None: any token may
        # carry it, without a `Mark` for the attribute).
        by_mark = [(sorted(marks) if (marks := tokens.marks.get(attr)) is not None else None, states)
                   for attr, states in self.opening_by_mark.items()]
        found = []
        ids, ends = self.ids, self.automaton.ends
        live = self._live(tokens, ranges)
        for first, limit in ranges:
            # By token of the range, the states in which it opens matches.
            opening = list(map(known.get, text[first:limit]))
            if None in opening:  # words met for the first time
                for k, state in enumerate(opening):
                    if state is None:
                        word = text[first + k]
                        opened = known.get(word)  # the same word earlier in this Doc
                        if opened is None:
                            if len(known) >= WORD_CACHE_SIZE:
                                known.clear()
                            opened = known[word] = self._opened(word)
                        opening[k] = opened
            for marked_tokens, states in by_mark:
                if marked_tokens is None:
                    opening = [opened | states for opened in opening]
                else:
                    for i in marked_tokens[bisect_left(marked_tokens, first):bisect_left(marked_tokens, limit)]:
                        opening[i - first] |= states
            if self.opening_anywhere:
                opening = [states | self.opening_anywhere for states in opening]
            for k, states in enumerate(opening):
                states &= live
                if states:
                    start = first + k
                    found += [(ids[p], start, end) for p, end in ends(tokens, start, states, limit, live)]
        return found

    def __call__(self, doc: Doc, blocked: Iterable[Span] = (),
                 windows: Iterable[tuple[int, int]] | None = None) -> list[tuple[Span, Value]]:
        """Return `(span, value)` pairs, longest first on overlaps, in document order.

        Spans overlapping a `blocked` span (found by an earlier component) are dropped; with
        `windows`, only matches inside those token ranges are considered.
        """
        # Longest matches win, then the earlier start, then the earlier rule in the list (the
        # order of spacy.util.filter_spans, with rule order breaking its ties). Matches are taken
        # in that order and a match overlapping a blocked or a kept span is passed over before
        # its value is worked out: `produce` (which must not depend on other matches) only runs
        # for the matches that can still be kept.
        order = self.order_by_id
        found = sorted(self._found(doc, windows), key=lambda m: (m[1] - m[2], m[1], order[m[0]]))
        used = {i for span in blocked for i in range(span.start, span.end)}
        result = []
        for match_id, start, end in found:
            if not used.isdisjoint(range(start, end)):
                continue
            name = self.names[match_id]
            span = Span(doc, start, end, span_id=match_id)  # the id of the name, without hashing it again
            value = self.rules[name].produce(span)
            if value is not None:
                used.update(range(start, end))
                result.append((span, value))
        return sorted(result, key=lambda sv: sv[0].start)

"""Named rules: a spaCy Matcher pattern and a function that turns the matched span into a value.

`produce(span)` returns the value (a plain dict) or `None` ("matched, but not this dimension").
The rule name is stored on the span as `span.id_`, as spaCy's span ruler does with pattern ids,
so a wrong result can always be traced back to the rule that produced it.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.attrs import LOWER, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from plan_extract.spans import token_attrs

Value = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: list[dict[str, Any]]
    produce: Callable[[Span], Value | None]


# Lexeme flag bits free for applications (spaCy's own attributes use the lower ones).
_FLAG_BITS = range(19, 64)
_LEXICAL_ATTRS = {"LOWER", "ORTH", "TEXT"}


@dataclass(frozen=True)
class _LexicalTest:
    """A test on a word's form, stored as a lexeme flag so that the Matcher checks it in C.

    A Python predicate such as `{"LOWER": {"IN": [...]}}` is called for every token the Matcher
    tries; a flag is computed once per word of the vocabulary.
    """

    attr: str
    op: str  # "IN" or "REGEX"
    arg: frozenset[str] | str

    def __call__(self, orth: str) -> bool:
        text = orth.lower() if self.attr == "LOWER" else orth
        if self.op == "IN":
            return text in self.arg  # type: ignore[operator]
        return re.search(self.arg, text) is not None  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Marked:
    """A lexeme flag meaning "this word has carried the token extension `attr`".

    A token extension is contextual ("un" is a number in "un million", an article elsewhere),
    so the Matcher can only check it in Python, for every token it tries. The flag is a
    superset checked in C: `mark` sets it on the word of every token it marks, and the matches
    found with it are checked against the tokens' real values afterwards.
    """

    attr: str

    def __call__(self, orth: str) -> bool:
        return False  # no word is marked before a token of it is


def _flag(vocab: Vocab, test: _LexicalTest | _Marked, allocate: bool = True) -> int | None:
    """The flag bit holding `test`, shared by every rule that uses it; None when none is free
    (or, without `allocate`, when none holds it yet)."""
    for bit, getter in vocab.lex_attr_getters.items():
        if getter == test:
            return bit
    if not allocate:
        return None
    free = [bit for bit in _FLAG_BITS if bit not in vocab.lex_attr_getters]
    return vocab.add_flag(test, flag_id=free[0]) if free else None


class Mark:
    """Sets the token extension `attr` and flags the token's word, so that rules testing `attr`
    are matched in C. Create it before the rules: it takes its flag bit while one is free."""

    def __init__(self, vocab: Vocab, attr: str) -> None:
        self.attr = attr
        self.bit = _flag(vocab, _Marked(attr))
        self.marked = _MARKED.setdefault(attr, weakref.WeakKeyDictionary())

    def __call__(self, token: Token, value: Any) -> None:
        token._.set(self.attr, value)
        if self.bit is not None and value is not None:
            token.lex.set_flag(self.bit, True)
            doc = token.doc
            values = self.marked.get(doc)
            if values is None:
                values = self.marked[doc] = {}
            values[token.i] = value


# Attribute -> Doc -> the tokens `Mark` marked in it: where rules that start with a marked
# token may start.
_MARKED: dict[str, weakref.WeakKeyDictionary[Doc, dict[int, Any]]] = {}


def marked(doc: Doc, attr: str) -> dict[int, Any]:
    """The tokens `Mark` marked with `attr` in `doc`, and their values."""
    return _MARKED.get(attr, {}).get(doc, {})


@dataclass(frozen=True)
class _ExtensionCheck:
    """A check run after matching on each token aligned to a pattern element: the test of
    `{"_": {attr: predicate}}` (a value, or one IN/NOT_IN set) on a value. `bit` is the flag
    that stands for the mark in the compiled pattern."""

    attr: str
    bit: int
    allowed: frozenset[Any]
    inside: bool  # IN (or a plain value) rather than NOT_IN

    @classmethod
    def of(cls, attr: str, bit: int, predicate: Any) -> _ExtensionCheck:
        if isinstance(predicate, dict) and len(predicate) == 1 and next(iter(predicate)) in ("IN", "NOT_IN"):
            op, values = next(iter(predicate.items()))
            return cls(attr, bit, frozenset(values), op == "IN")
        return cls(attr, bit, frozenset([predicate]), True)

    def passes(self, value: Any) -> bool:
        return (value in self.allowed) == self.inside

    def __call__(self, token: Token) -> bool:
        return self.passes(token._.get(self.attr))


def compile_pattern(vocab: Vocab, pattern: list[dict[str, Any]]) -> tuple[list[dict[Any, Any]], dict[int, _ExtensionCheck]]:
    """Turn lexical set and regex predicates on LOWER/ORTH/TEXT into lexeme flags, and
    predicates on a marked token extension into its flag plus a check after matching.

    The pattern means the same; it is only checked faster. Returns the compiled pattern and
    the checks by pattern element.
    """
    compiled, checks = [], {}
    for index, spec in enumerate(pattern):
        token: dict[Any, Any] = {}
        for key, value in spec.items():
            if key in _LEXICAL_ATTRS and isinstance(value, dict) and len(value) == 1:
                op, arg = next(iter(value.items()))
                if op in ("IN", "NOT_IN", "REGEX"):
                    attr = "ORTH" if key == "TEXT" else key
                    test = _LexicalTest(attr, "REGEX" if op == "REGEX" else "IN",
                                        arg if op == "REGEX" else frozenset(arg))
                    bit = _flag(vocab, test)
                    if bit is not None:
                        token[bit] = op != "NOT_IN"
                        continue
            if key == "_" and len(value) == 1:
                attr, predicate = next(iter(value.items()))
                bit = _flag(vocab, _Marked(attr), allocate=False)  # set by `Mark`
                if bit is not None:
                    token[bit] = True
                    checks[index] = _ExtensionCheck.of(attr, bit, predicate)
                    continue
            token[key] = value
        compiled.append(token)
    return compiled, checks


def phrase_elements(forms: Iterable[str]) -> dict[int, list[dict[str, Any]]]:
    """Token patterns for many multi-word forms: one per number of words, each word a set.

    `["mètre cube", "degrés celsius"]` -> `{2: [{"LOWER": {"IN": ["degrés", "mètre"]}},
    {"LOWER": {"IN": ["celsius", "cube"]}}]}`. The patterns also match mixed forms ("mètre
    celsius"): the rule's `produce` must look the words up. One pattern per length instead of
    one per form keeps the Matcher fast.
    """
    by_length: dict[int, list[set[str]]] = {}
    for form in forms:
        words = form.split()
        sets = by_length.setdefault(len(words), [set() for _ in words])
        for position, word in zip(sets, words):
            position.add(word)
    return {n: [{"LOWER": {"IN": sorted(words)}} for words in sets] for n, sets in sorted(by_length.items())}


# A repeated element ("+", "*") is taken to cover at most this many tokens when the reach of a
# rule is bounded ("1 200 000" with no-break spaces is five tokens).
MAX_REPEAT = 12
# What the first token of a match must show: a column of `Doc.to_array` and its possible values.
Gate = tuple[int, frozenset[int]]


def _gate(vocab: Vocab, token: dict[Any, Any], spec: dict[str, Any]) -> Gate | None:
    """A word-level test that every token matching the element passes: one of its flags, or
    its lower-case or exact form (one or a set of them). `token` is the compiled element,
    `spec` the element as written. None when the element has none (or is negated)."""
    if token.get("OP") not in (None, "?", "*", "+"):
        return None
    for key, value in token.items():
        if isinstance(key, int) and value is True:
            return key, frozenset([1])
    for key, attr in (("LOWER", LOWER), ("ORTH", ORTH), ("TEXT", ORTH)):
        value = spec.get(key)
        if isinstance(value, str):
            return attr, frozenset([vocab.strings.add(value)])
        if isinstance(value, dict) and list(value) == ["IN"]:
            return attr, frozenset(vocab.strings.add(word) for word in value["IN"])
    return None


def _start_gates(vocab: Vocab, compiled: list[dict[Any, Any]], pattern: list[dict[str, Any]]) -> frozenset[Gate] | None:
    """The gates of the elements a match can start with (leading optional ones and the first
    required one), or None when one of them has no gate or every element is optional."""
    gates = set()
    for token, spec in zip(compiled, pattern):
        gate = _gate(vocab, token, spec)
        if gate is None:
            return None
        gates.add(gate)
        if token.get("OP") not in ("?", "*"):
            return frozenset(gates)
    return None


def _reach(compiled: list[dict[Any, Any]]) -> int:
    return sum(MAX_REPEAT if token.get("OP") in ("+", "*") else 1 for token in compiled)


def _merged(ranges: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted((max(0, a), min(length, b)) for a, b in ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif start < end:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _intersection(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlaps of two sorted lists of disjoint ranges."""
    result, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return result


def _run_ends(doc: Doc, marked_positions: list[int]) -> dict[int, int]:
    """For each marked token, where the run of marked tokens it belongs to ends. Whitespace
    right after a run is taken with it: the Matcher may report it as the run's last token when
    the rule has an optional space there (see `RuleSet._passes`); an upper bound is enough."""
    texts = token_attrs(doc).text
    marked_set = set(marked_positions)
    ends: dict[int, int] = {}
    for p in sorted(marked_set, reverse=True):
        q = p + 1
        while q < len(texts) and q not in marked_set and texts[q].isspace():
            q += 1
        ends[p] = ends.get(q, q)
    return ends


class RuleSet:
    """Run named rules over a Doc and keep the longest non-overlapping spans that produce a value.

    The Matcher tries every pattern at every token it is given, so its cost grows with the
    number of rules times the length of the text. Rules are grouped by the words they can start
    with (their gates); each group's Matcher only runs from the tokens that pass one of its
    gates, over the longest stretch its rules can cover. Rules without gates run everywhere.
    """

    def __init__(self, vocab: Vocab, rules: Sequence[Rule]) -> None:
        self.rules = {rule.name: rule for rule in rules}
        if len(self.rules) != len(rules):
            raise ValueError("two rules share a name")
        self.order = {name: i for i, name in enumerate(self.rules)}
        # Patterns are checked here, before flags replace their lexical predicates.
        Matcher(vocab, validate=True).add("check", [rule.pattern for rule in rules])
        self.checks: dict[int, dict[int, _ExtensionCheck]] = {}
        # The check of a rule's first element when a match must begin with it.
        self.first_checks: dict[int, _ExtensionCheck] = {}
        # By rule, the checked elements followed by an optional whitespace element.
        self.space_after: dict[int, set[int]] = {}
        self.anywhere: Matcher | None = None
        groups: dict[frozenset[Gate], tuple[Matcher, list[Any]]] = {}
        for rule in rules:
            compiled, checks = compile_pattern(vocab, rule.pattern)
            first = checks.get(0) if compiled[0].get("OP") in (None, "+") else None
            if checks:
                self.checks[vocab.strings.add(rule.name)] = checks
                if first is not None:
                    self.first_checks[vocab.strings.add(rule.name)] = first
                self.space_after[vocab.strings.add(rule.name)] = {
                    index for index in checks if index + 1 < len(compiled) and compiled[index + 1].get("IS_SPACE") is True}
            gates = _start_gates(vocab, compiled, rule.pattern)
            if gates is None:
                self.anywhere = self.anywhere or Matcher(vocab, validate=False)
                self.anywhere.add(rule.name, [compiled])
                continue
            matcher, reach = groups.setdefault(gates, (Matcher(vocab, validate=False), [0, 0]))
            matcher.add(rule.name, [compiled])
            reach[0] = max(reach[0], _reach(compiled))
            # A rule that starts with a run of marked tokens ("<number>+ <unit>") reaches no
            # further than the end of that run plus its other elements.
            run = first is not None and first.inside and gates == frozenset([(first.bit, frozenset([1]))])
            reach[1] = max(reach[1], _reach(compiled[1:])) if run and reach[1] is not None else None
        # Each group: its Matcher, its reach from a start, and its reach after a run of marked
        # tokens (None when a rule of the group does not start with one).
        self.groups = [(matcher, reach, after_run) for matcher, (reach, after_run) in groups.values()]
        # The checks of the rules by the flag that stands for their mark.
        self.tests_by_flag: dict[int, list[_ExtensionCheck]] = {}
        for checks in self.checks.values():
            for test in checks.values():
                if test not in self.tests_by_flag.setdefault(test.bit, []):
                    self.tests_by_flag[test.bit].append(test)
        self.vocab = vocab
        # Column of `Doc.to_array` -> value -> the groups whose gates it opens.
        self.gates: dict[int, dict[int, list[int]]] = {}
        for index, gates in enumerate(groups):
            for attr, values in gates:
                for value in values:
                    self.gates.setdefault(attr, {}).setdefault(value, []).append(index)
        # Gates on a token mark are read from the marked tokens of each Doc; the others are
        # properties of words, worked out once per word.
        self.marks = {bit: getter.attr for bit, getter in vocab.lex_attr_getters.items()
                      if isinstance(getter, _Marked) and bit in self.gates}
        self.opened_by_word: dict[int, tuple[int, ...]] = {}

    def matches(self, doc: Doc, windows: Iterable[tuple[int, int]] | None = None) -> list[tuple[int, int, int]]:
        """Matcher results over the whole Doc, or only inside `windows` (token ranges).

        Rules that all start near a number need not scan the text between numbers: matching
        inside small windows around them is much cheaper than over the whole Doc.
        """
        whole = [(0, len(doc))]
        allowed = whole if windows is None else _merged(windows, len(doc))
        found: set[tuple[int, int, int]] = set()
        bad = self._failing(doc) if self.checks else {}
        if self.anywhere is not None:
            self._run(self.anywhere, doc, allowed, found, bad, None)
        if self.groups and len(doc):
            starts: list[list[int]] = [[] for _ in self.groups]
            known = self.opened_by_word
            for i, orth in enumerate(doc.to_array([ORTH]).tolist()):
                opened = known.get(orth)
                if opened is None:
                    opened = known[orth] = self._opened(orth)
                for group in opened:
                    starts[group].append(i)
            for bit, attr in self.marks.items():
                positions = sorted(marked(doc, attr))
                for group in self.gates[bit][1]:
                    starts[group].extend(positions)
            for (matcher, reach, after_run), positions in zip(self.groups, starts):
                if not positions:
                    continue
                if after_run is not None:
                    ends = _run_ends(doc, positions)
                    ranges = _merged(((p, ends[p] + after_run) for p in positions), len(doc))  # sorts them
                else:
                    ranges = _merged(((p, p + reach) for p in positions), len(doc))
                self._run(matcher, doc, ranges if windows is None else _intersection(ranges, allowed), found,
                          bad, set(positions))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))

    def _opened(self, orth: int) -> tuple[int, ...]:
        """The groups a word opens by its flags (token marks apart) and its forms."""
        lexeme = self.vocab[orth]
        groups = []
        for attr, opened in self.gates.items():
            if attr in self.marks:
                continue
            if attr == LOWER:
                groups += opened.get(lexeme.lower, ())
            elif attr == ORTH:
                groups += opened.get(orth, ())
            elif lexeme.check_flag(attr):
                groups += opened[1]
        return tuple(sorted(set(groups)))

    def _run(self, matcher: Matcher, doc: Doc, ranges: list[tuple[int, int]], found: set[tuple[int, int, int]],
             bad: dict[_ExtensionCheck, set[int]], starts: set[int] | None) -> None:
        """Match in each range; with `starts`, only matches beginning there (the tokens that
        open the group: no match of its rules can begin elsewhere) are kept."""
        for start, end in ranges:
            doclike = doc if (start, end) == (0, len(doc)) else doc[start:end]
            for match_id, s, e in self._checked(matcher, doclike, start, bad, starts):
                found.add((match_id, s + start, e + start))

    def _checked(self, matcher: Matcher, doclike: Doc | Span, offset: int,
                 bad: dict[_ExtensionCheck, set[int]], starts: set[int] | None) -> list[tuple[int, int, int]]:
        """Matches whose tokens pass the checks of the elements they are aligned to.

        The alignment is asked for only when a match holds a word that carries a mark flag but
        fails one of its rule's checks (`bad`); a match whose first token fails the check of a
        required first element is dropped at once. A no-break space inside "258 000" is marked
        with the number; the one in "23 %" is not, and may be reported as the last token of the
        number when the rule has an optional space after it: the Matcher gives only one of the
        two readings of the same match, so that space passes (see `_passes`).
        """
        matches = matcher(doclike)
        if starts is not None:
            matches = [m for m in matches if m[1] + offset in starts]
        if not self.checks:
            return matches
        kept, doubtful = [], []
        for match in matches:
            checks = self.checks.get(match[0])
            if not checks:
                kept.append(match)
                continue
            first = self.first_checks.get(match[0])
            if first is not None and match[1] + offset in bad[first]:
                continue  # the first token stands for the first element, and fails its check
            if any(not bad[test].isdisjoint(range(match[1] + offset, match[2] + offset)) for test in checks.values()):
                doubtful.append(match)
            else:
                kept.append(match)  # every marked word in it passes its checks: any reading does
        if doubtful:
            # Only now is it worth asking which element each token stands for.
            aligned = {(m, s, e): a for m, s, e, a in matcher(doclike, with_alignments=True)}
            for match_id, start, end in doubtful:
                if self._passes(match_id, doclike, start, aligned[match_id, start, end]):
                    kept.append((match_id, start, end))
        return kept

    def _passes(self, match_id: int, doclike: Doc | Span, start: int, alignment: list[int]) -> bool:
        """Whether every token passes the check of the element it is aligned to; a space that
        fails it passes when it ends the element's run and the rule's optional space element
        follows (the reading the Matcher did not report: "23 %" with a no-break space)."""
        checks = self.checks[match_id]
        for i, element in enumerate(alignment):
            if element not in checks:
                continue
            token = doclike[start + i]
            if checks[element](token):
                continue
            following = alignment[i + 1] if i + 1 < len(alignment) else None
            if token.is_space and element in self.space_after[match_id] and following not in (element, element + 1):
                continue  # the other reading: the optional space after the element
            return False
        return True

    def _failing(self, doc: Doc) -> dict[_ExtensionCheck, set[int]]:
        """By check, the tokens whose word carries its mark flag but that fail it: only the
        matches of a rule holding one of those of its checks need their alignment checked."""
        found: dict[_ExtensionCheck, set[int]] = {}
        for bit, tests in self.tests_by_flag.items():
            values = marked(doc, tests[0].attr)
            flagged = doc.to_array([bit]).nonzero()[0].tolist()
            for test in tests:
                found[test] = {i for i in flagged if not test.passes(values.get(i))}
        return found

    def __call__(self, doc: Doc, blocked: Iterable[Span] = (),
                 windows: Iterable[tuple[int, int]] | None = None) -> list[tuple[Span, Value]]:
        """Return `(span, value)` pairs, longest first on overlaps, in document order.

        Spans overlapping a `blocked` span (found by an earlier component) are dropped; with
        `windows`, only matches inside those token ranges are considered.
        """
        taken = {i for span in blocked for i in range(span.start, span.end)}
        candidates: list[tuple[Span, Value]] = []
        for match_id, start, end in self.matches(doc, windows):
            if any(i in taken for i in range(start, end)):
                continue
            name = doc.vocab.strings[match_id]
            span = Span(doc, start, end, span_id=name)
            value = self.rules[name].produce(span)
            if value is not None:
                candidates.append((span, value))
        # Longest spans win, then the earlier start, then the earlier rule in the list
        # (the order of spacy.util.filter_spans, with rule order breaking its ties).
        candidates.sort(key=lambda sv: (-(sv[0].end - sv[0].start), sv[0].start, self.order[sv[0].id_]))
        used: set[int] = set()
        result = []
        for span, value in candidates:
            if used.isdisjoint(range(span.start, span.end)):
                used.update(range(span.start, span.end))
                result.append((span, value))
        return sorted(result, key=lambda sv: sv[0].start)

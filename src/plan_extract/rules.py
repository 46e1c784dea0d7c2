"""Named rules: a spaCy Matcher pattern and a function that turns the matched span into a value.

`produce(span)` returns the value (a plain dict) or `None` ("matched, but not this dimension").
The rule name is stored on the span as `span.id_`, as spaCy's span ruler does with pattern ids,
so a wrong result can always be traced back to the rule that produced it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

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


def _flag(vocab: Vocab, test: _LexicalTest | _Marked) -> int | None:
    """The flag bit holding `test`, shared by every rule that uses it; None when none is free."""
    for bit, getter in vocab.lex_attr_getters.items():
        if getter == test:
            return bit
    free = [bit for bit in _FLAG_BITS if bit not in vocab.lex_attr_getters]
    return vocab.add_flag(test, flag_id=free[0]) if free else None


class Mark:
    """Sets the token extension `attr` and flags the token's word, so that rules testing `attr`
    are matched in C. Create it before the rules: it takes its flag bit while one is free."""

    def __init__(self, vocab: Vocab, attr: str) -> None:
        self.attr = attr
        self.bit = _flag(vocab, _Marked(attr))

    def __call__(self, token: Token, value: Any) -> None:
        token._.set(self.attr, value)
        if self.bit is not None and value is not None:
            token.lex.set_flag(self.bit, True)


# A check run after matching on each token aligned to a pattern element.
TokenCheck = Callable[[Token], bool]


def _extension_check(attr: str, predicate: Any) -> TokenCheck:
    """The test of `{"_": {attr: predicate}}` on one token (a value, or one IN/NOT_IN set)."""
    if isinstance(predicate, dict) and len(predicate) == 1 and next(iter(predicate)) in ("IN", "NOT_IN"):
        op, values = next(iter(predicate.items()))
        allowed = set(values)
        return lambda token: (token._.get(attr) in allowed) == (op == "IN")
    return lambda token: token._.get(attr) == predicate


def compile_pattern(vocab: Vocab, pattern: list[dict[str, Any]]) -> tuple[list[dict[Any, Any]], dict[int, TokenCheck]]:
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
                bit = next((b for b, g in vocab.lex_attr_getters.items() if g == _Marked(attr)), None)
                if bit is not None:
                    token[bit] = True
                    checks[index] = _extension_check(attr, predicate)
                    continue
            token[key] = value
        compiled.append(token)
    return compiled, checks


class RuleSet:
    """Run named rules over a Doc and keep the longest non-overlapping spans that produce a value."""

    def __init__(self, vocab: Vocab, rules: Sequence[Rule]) -> None:
        self.rules = {rule.name: rule for rule in rules}
        if len(self.rules) != len(rules):
            raise ValueError("two rules share a name")
        # Patterns are checked here, before flags replace their lexical predicates.
        Matcher(vocab, validate=True).add("check", [rule.pattern for rule in rules])
        self.matcher = Matcher(vocab, validate=False)
        self.checks: dict[int, dict[int, TokenCheck]] = {}
        for rule in rules:
            compiled, checks = compile_pattern(vocab, rule.pattern)
            self.matcher.add(rule.name, [compiled])
            if checks:
                self.checks[vocab.strings[rule.name]] = checks

    def matches(self, doc: Doc, windows: Iterable[tuple[int, int]] | None = None) -> list[tuple[int, int, int]]:
        """Matcher results over the whole Doc, or only inside `windows` (token ranges).

        Rules that all start near a number need not scan the text between numbers: matching
        inside small windows around them is much cheaper than over the whole Doc.
        """
        if windows is None:
            return self._checked(doc)
        found: set[tuple[int, int, int]] = set()
        merged: list[list[int]] = []
        for start, end in sorted((max(0, a), min(len(doc), b)) for a, b in windows):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            for match_id, s, e in self._checked(doc[start:end]):
                found.add((match_id, s + start, e + start))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))

    def _checked(self, doclike: Doc | Span) -> list[tuple[int, int, int]]:
        """Matches whose tokens pass the checks of the elements they are aligned to.

        Whitespace is not checked: a no-break space inside "258 000" belongs to the number, the
        one in "23 %" to the optional space after it, and the Matcher reports only one of the
        two readings of the same match.
        """
        if not self.checks:
            return self.matcher(doclike)
        kept = []
        for match_id, start, end, aligned in self.matcher(doclike, with_alignments=True):
            checks = self.checks.get(match_id)
            if checks is None or all(
                    element not in checks or doclike[start + i].is_space or checks[element](doclike[start + i])
                    for i, element in enumerate(aligned)):
                kept.append((match_id, start, end))
        return kept

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
        order = {name: i for i, name in enumerate(self.rules)}
        candidates.sort(key=lambda sv: (-(sv[0].end - sv[0].start), sv[0].start, order[sv[0].id_]))
        used: set[int] = set()
        result = []
        for span, value in candidates:
            if used.isdisjoint(range(span.start, span.end)):
                used.update(range(span.start, span.end))
                result.append((span, value))
        return sorted(result, key=lambda sv: sv[0].start)

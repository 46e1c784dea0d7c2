"""Named rules: a spaCy Matcher pattern and a function that turns the matched span into a value.

`produce(span)` returns the value (a plain dict) or `None` ("matched, but not this dimension").
The rule name is stored on the span as `span.id_`, as spaCy's span ruler does with pattern ids,
so a wrong result can always be traced back to the rule that produced it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

Value = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: list[dict[str, Any]]
    produce: Callable[[Span], Value | None]


class RuleSet:
    """Run named rules over a Doc and keep the longest non-overlapping spans that produce a value."""

    def __init__(self, vocab: Vocab, rules: Sequence[Rule]) -> None:
        self.rules = {rule.name: rule for rule in rules}
        if len(self.rules) != len(rules):
            raise ValueError("two rules share a name")
        self.matcher = Matcher(vocab)
        for rule in rules:
            self.matcher.add(rule.name, [rule.pattern])

    def __call__(self, doc: Doc, blocked: Iterable[Span] = ()) -> list[tuple[Span, Value]]:
        """Return `(span, value)` pairs, longest first on overlaps, in document order.

        Spans overlapping a `blocked` span (found by an earlier component) are dropped.
        """
        taken = {i for span in blocked for i in range(span.start, span.end)}
        candidates: list[tuple[Span, Value]] = []
        for match_id, start, end in self.matcher(doc):
            if any(i in taken for i in range(start, end)):
                continue
            name = doc.vocab.strings[match_id]
            span = Span(doc, start, end, span_id=name)
            value = self.rules[name].produce(span)
            if value is not None:
                candidates.append((span, value))
        # Longest spans win; on equal length the earlier rule in the list wins.
        order = {name: i for i, name in enumerate(self.rules)}
        candidates.sort(key=lambda sv: (-(sv[0].end - sv[0].start), order[sv[0].id_], sv[0].start))
        kept = {(s.start, s.end, s.id_) for s in filter_spans([s for s, _ in candidates])}
        seen: set[tuple[int, int]] = set()
        result = []
        for span, value in candidates:
            key = (span.start, span.end)
            if (span.start, span.end, span.id_) in kept and key not in seen:
                seen.add(key)
                result.append((span, value))
        return sorted(result, key=lambda sv: sv[0].start)

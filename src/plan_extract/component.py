"""The shape shared by rule-based components: run a RuleSet, refine each value, store the spans."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from plan_extract.rules import Rule, RuleSet, Value
from plan_extract.spans import doc_text, group_spans, reading_keys, set_span_extension


def register_extension(dim: str) -> None:
    """One span extension per dimension (`span._.money`), registered once."""
    if not Span.has_extension(dim):
        Span.set_extension(dim, default=None)


class BatchComponent(ABC):
    """A component that goes through a batch of Docs before handing them on, as spaCy's own do:
    `nlp.pipe` then runs each component over the whole batch in turn, and the component's
    lexicons and caches stay warm between Docs instead of being pushed out by the next
    components and the model."""

    @abstractmethod
    def __call__(self, doc: Doc) -> Doc: ...

    def pipe(self, stream: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for batch in minibatch(stream, size=batch_size):
            yield from [self(doc) for doc in batch]


class RuleComponent(BatchComponent):
    """Find spans of one dimension with named rules.

    Spans go to `doc.spans[spans_key]`, values to `span._.<dim>`, rule names to `span.id_`.
    Spans overlapping those of the `blocked_keys` (found by earlier components) are skipped.
    """

    dim: str = ""

    def __init__(self, nlp: Language, rules: Sequence[Rule], spans_key: str,
                 blocked_keys: Sequence[str] = (), numeral_key: str = "numeral") -> None:
        register_extension(self.dim)
        self.spans_key = spans_key
        self.blocked_keys = list(blocked_keys)
        self.numeral_key = numeral_key
        self.ruleset = RuleSet(nlp.vocab, rules)

    def __call__(self, doc: Doc) -> Doc:
        reading_keys(doc, {"numeral": self.numeral_key})  # for the rules' numeral helpers
        blocked = [span for key in self.blocked_keys for span in group_spans(doc, key)]
        spans = []
        text = doc_text(doc)
        for span, value in self.ruleset(doc, blocked, self.windows(doc, blocked)):
            refined = self.refine(span, value, text)
            if refined is None:
                continue
            span, value = refined
            set_span_extension(span, self.dim, value)
            spans.append(span)
        extra = self.extra(doc, spans, text)
        doc.spans[self.spans_key] = self.kept(sorted(spans + extra, key=lambda s: s.start) if extra else spans)
        return doc

    def kept(self, spans: list[Span]) -> list[Span]:
        """The spans stored, of those found (in order): all of them by default."""
        return spans

    def extra(self, doc: Doc, found: list[Span], text: str) -> list[Span]:
        """Spans found by a second pass that needs the rules' results (elliptical figures)."""
        return []

    def windows(self, doc: Doc, blocked: list[Span]) -> list[tuple[int, int]] | None:
        """Token ranges where matches may start and end; None searches the whole Doc.
        `blocked` are the spans no match may overlap."""
        return None

    def refine(self, span: Span, value: Value, text: str) -> tuple[Span, Value] | None:
        """Add context found around the match (qualifiers, rates); None drops the span.

        `text` is `doc.text`, read once per Doc.
        """
        return span, value


class NumberRuleComponent(RuleComponent):
    """A rule component whose patterns all hold a number (and start at it or just before it):
    the rules only run in small windows around the numbers found by `plan_numeral`, except
    those inside a blocked span (the year of a date is never a quantity)."""

    def windows(self, doc: Doc, blocked: list[Span]) -> list[tuple[int, int]]:
        bounds = sorted((span.start, span.end) for span in blocked)
        windows, j = [], 0
        for span in group_spans(doc, self.numeral_key):
            while j < len(bounds) and bounds[j][1] <= span.start:
                j += 1  # numerals come in order: blocked spans ending before this one are done
            inside = False
            for start, end in bounds[j:]:
                if start > span.start:
                    break
                inside = inside or span.end <= end
            if inside:
                continue
            windows.append((span.start - 1, span.end + 8))
        return windows

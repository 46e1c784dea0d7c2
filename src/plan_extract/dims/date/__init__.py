"""Time expressions: the spaCy component `plan_date`.

Stores dates, intervals, durations and recurrences in `doc.spans["date"]` with `span._.date`
({"type": "date", "value": "2023-01-12", "grain": "day", "relative": False, "anchor": None})
and the rule name in `span.id_`. Relative expressions are resolved against
`doc._.document_date`; when the caller gave none, it is read from the text (dateline, "publié
le …") and stored there with its evidence, or marked {"source": "none"}.

Runs after `plan_numeral` and before `plan_money` and `plan_quantity`: a span claimed here is
never a quantity.
"""

from __future__ import annotations

import datetime as dt

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from plan_extract.component import BatchComponent, register_extension
from plan_extract.dims.date.clock import clock_anchor, clock_rules
from plan_extract.dims.date.combine import clock_only, combine
from plan_extract.dims.date.context import direction
from plan_extract.dims.date.document_date import infer
from plan_extract.dims.date.lexicon import LEXICON, lower
from plan_extract.dims.date.relative import relative_rules
from plan_extract.dims.date.resolve import DateValue, Point, Time, resolve
from plan_extract.dims.date.rules import calendar_rules
from plan_extract.rules import RuleSet

__all__ = ["DateExtractor", "DateValue"]

SPANS_KEY = "date"

if not Doc.has_extension("document_date"):
    # Same declaration as plan_extract.api, so that the component also works in a bare pipeline.
    Doc.set_extension("document_date", default=None)


@Language.factory("plan_date", assigns=["doc.spans", "doc._.document_date"],
                  default_config={"spans_key": SPANS_KEY})
def make_date_extractor(nlp: Language, name: str, spans_key: str) -> DateExtractor:
    return DateExtractor(nlp, spans_key=spans_key)


def _shift_after(span: Span) -> int | None:
    """-1 or +1 when "dernier" or "prochain" follows a year-less date, else None."""
    if span.end < len(span.doc):
        return LEXICON.shift.get(lower(span.doc[span.end].text))
    return None


DAY_GRAINS = {"day", "hour", "minute"}


def _day_in_sentence(span: Span, doc: Doc) -> bool:
    """Whether the sentence of `span` names a day before it ("le 3 mars, de 15 h à 19 h")."""
    start = span.sent.start if doc.has_annotation("SENT_START") else 0
    return any(lower(t.text) in LEXICON.weekday or lower(t.text) in LEXICON.month for t in doc[start:span.start])


def _past_sentence(span: Span) -> bool:
    """Whether a finite verb of the sentence is in a past tense ("ont été relevés"). A verb with
    an auxiliary is a participle whatever its tag says ("est interdit"): its auxiliary counts."""
    doc = span.doc
    start, end = (span.sent.start, span.sent.end) if doc.has_annotation("SENT_START") else (0, len(doc))
    for token in doc[start:end]:
        if token.pos_ not in ("VERB", "AUX"):
            continue
        if token.dep_ == "aux:tense" and "Part" in token.head.morph.get("VerbForm"):
            # A compound tense: "ont été relevés" is past, "auront été relevés" is not.
            if not {"Fut", "Cnd"} & {*token.morph.get("Tense"), *token.morph.get("Mood")}:
                return True
        if "Fin" not in token.morph.get("VerbForm") or any(c.dep_.startswith("aux") for c in token.children):
            continue
        if set(token.morph.get("Tense")) & {"Past", "Imp"}:
            return True
    return False


class DateExtractor(BatchComponent):
    """Find time expressions ("jeudi 12 janvier 2023", "depuis 2021", "sur 3 ans", "chaque jeudi").

    >>> # nlp("L'ARS consacre 258 000 euros sur 3 ans.").spans["date"][0]._.date["value"] -> "P3Y"
    """

    dim = "date"

    def __init__(self, nlp: Language, spans_key: str = SPANS_KEY) -> None:
        register_extension(self.dim)
        self.spans_key = spans_key
        self.ruleset = RuleSet(nlp.vocab, [*calendar_rules(nlp), *relative_rules(nlp), *clock_rules(nlp)])

    def __call__(self, doc: Doc) -> Doc:
        items = combine(doc, self.ruleset(doc))
        # Combined spans may now overlap: keep the longest, as the rule set does.
        kept = {(s.start, s.end) for s in filter_spans([span for span, _ in items])}
        items = [(span, value) for span, value in items if (span.start, span.end) in kept]
        info = doc._.document_date
        if not info or not info.get("value"):
            info = dict(infer(doc, items))
            doc._.document_date = info
        reference = dt.date.fromisoformat(info["value"]) if info.get("value") else None
        spans = []
        last_day: dt.date | None = None  # the day the text last named, for times of day
        for span, value in items:
            if clock_only(value["time"]):
                value = {**value, "time": self._place_clock(span, value["time"], last_day or reference)}
            # The tense decides where a year-less date falls; the preposition when the tense is silent.
            time = value["time"]
            year_less = any(isinstance(p, Point) and p.year is None for p in (time.start, time.end))
            shift = _shift_after(span) if year_less else None
            if shift is not None:
                # "le 15 septembre dernier", "le 3 mars prochain": the word says which side.
                span = Span(doc, span.start, span.end + 1, span_id=span.id_)
            leaning = shift or ((direction(span) or value.get("leaning", 0)) if year_less and reference else 0)
            resolved = resolve(value["time"], reference, leaning)
            span._.set(self.dim, resolved)
            spans.append(span)
            if resolved["type"] == "date" and resolved["value"] and resolved["grain"] in DAY_GRAINS:
                last_day = dt.date.fromisoformat(resolved["value"][:10])
        doc.spans[self.spans_key] = spans
        return doc

    @staticmethod
    def _place_clock(span: Span, time: Time, day: dt.date | None) -> Time:
        """Put a time of day on the day the text last named (else the document date). A range of
        times in a present-tense clause that names no day recurs daily ("ouvert de 7 h à 23 h")."""
        if time.type == "interval" and not _past_sentence(span) and not _day_in_sentence(span, span.doc):
            return Time("set", duration="P1D", anchor=clock_anchor(time))
        if day is None:
            return time
        return time.with_(start=time.start.on_day(day) if time.start else None,
                          end=time.end.on_day(day) if time.end else None)

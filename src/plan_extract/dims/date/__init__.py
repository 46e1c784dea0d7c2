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
import re

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from plan_extract.component import BatchComponent, register_extension
from plan_extract.dims.date.clock import clock_anchor, clock_rules
from plan_extract.dims.date.combine import clock_only, combine
from plan_extract.dims.date.context import direction
from plan_extract.dims.date.document_date import infer
from plan_extract.dims.date.lexicon import LEXICON, lower
from plan_extract.dims.date.ranges import range_rules
from plan_extract.dims.date.relative import relative_rules
from plan_extract.dims.date.resolve import DateValue, Point, Time, day_point, resolve
from plan_extract.dims.date.rules import calendar_rules
from plan_extract.rules import RuleSet
from plan_extract.spans import reading_keys, token_attrs

__all__ = ["DateExtractor", "DateValue"]

SPANS_KEY = "date"

if not Doc.has_extension("document_date"):
    # Same declaration as plan_extract.api, so that the component also works in a bare pipeline.
    Doc.set_extension("document_date", default=None)



def _shift_after(span: Span) -> int | None:
    """-1 or +1 when "dernier" or "prochain" follows a year-less date, else None."""
    if span.end < len(span.doc):
        return LEXICON.shift.get(lower(token_attrs(span.doc).text[span.end]))
    return None


DAY_GRAINS = {"day", "hour", "minute"}
GRAIN_RANK = {"second": 0, "minute": 0, "hour": 1, "day": 2, "week": 3, "weekend": 3, "month": 4, "quarter": 5, "half": 6, "year": 7}
SENTENCE_ENDS = {".", "!", "?"}


def _same_sentence(doc: Doc, start: int, end: int) -> bool:
    """No full stop nor paragraph break between tokens `start` and `end` (the parser's sentences
    break too often around a fronted date: "Pour 2022, …")."""
    return not any(text in SENTENCE_ENDS or "\n" in text for text in token_attrs(doc).text[start:end])
ANAPHORIC = set(LEXICON.anaphoric_shift.words)
ISO_START_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T[\d:]+)?$")


def _first_day(value: DateValue) -> dt.date | None:
    """The first day of a resolved date ("2022" -> 2022-01-01), or None for anything else."""
    if value["type"] != "date" or not value["value"]:
        return None
    m = ISO_START_RE.match(value["value"])
    if m is None:
        return None
    return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))


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

    def __init__(self, nlp: Language, spans_key: str = SPANS_KEY, numeral_key: str = "numeral") -> None:
        register_extension(self.dim)
        self.spans_key = spans_key
        self.numeral_key = numeral_key
        self.ruleset = RuleSet(nlp.vocab, [*calendar_rules(nlp), *range_rules(nlp), *relative_rules(nlp), *clock_rules(nlp)])

    def __call__(self, doc: Doc) -> Doc:
        reading_keys(doc, {"numeral": self.numeral_key})  # for the rules' numeral helpers
        items = combine(doc, self.ruleset(doc))
        # Combined spans may now overlap: keep the longest, as the rule set does.
        kept = {(s.start, s.end) for s in filter_spans([span for span, _ in items])}
        items = [(span, value) for span, value in items if (span.start, span.end) in kept]
        info = doc._.document_date
        if not info or not info.get("value"):
            info = dict(infer(doc, items))
            doc._.document_date = info
        reference = dt.date.fromisoformat(info["value"]) if info.get("value") else None
        texts = token_attrs(doc).text
        spans = []
        last_day: dt.date | None = None  # the day the text last named, for times of day
        last_named: tuple[int, dt.date, str] | None = None  # the end, first day and grain of the last date
        for span, value in items:
            base = reference
            if clock_only(value["time"]):
                value = {**value, "time": self._place_clock(span, value["time"], last_day or reference)}
            elif value.get("anchored") and last_day is not None:
                # "le lendemain": the day after the day the text last named.
                value = {**value, "time": Time("date", start=day_point(last_day + dt.timedelta(days=value["anchored"])))}
            elif (lower(texts[span.end - 1]) in ANAPHORIC or value.get("anaphoric")) and last_named and _same_sentence(doc, last_named[0], span.start) \
                    and GRAIN_RANK.get(last_named[2], 9) <= GRAIN_RANK.get(value.get("grain", ""), 0):
                base = last_named[1]  # "Pour 2022, … par rapport à l'année précédente": 2021
            # The tense decides where a year-less date falls; the preposition when the tense is silent.
            time = value["time"]
            year_less = any(isinstance(p, Point) and p.year is None for p in (time.start, time.end))
            shift = _shift_after(span) if year_less else None
            if shift is not None:
                # "le 15 septembre dernier", "le 3 mars prochain": the word says which side.
                span = Span(doc, span.start, span.end + 1, span_id=span.id_)
            leaning = shift or ((direction(span) or value.get("leaning", 0)) if year_less and reference else 0)
            resolved = resolve(value["time"], base, leaning)
            span._.set(self.dim, resolved)
            spans.append(span)
            start = _first_day(resolved)
            if start is not None:
                last_named = (span.end, start, resolved["grain"] or "")
                if resolved["grain"] in DAY_GRAINS:
                    last_day = start
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

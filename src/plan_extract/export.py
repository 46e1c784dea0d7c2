"""Turn an annotated Doc into the output model: the only place spans become pydantic models
(plain data first, validated in one pass).

Ids are deterministic: a prefix per kind and the rank of the item in document order
(`q1`, `m1`, `d1`, `a1`, `l1`, `ms1`). A span that links to another keeps the linked span
itself (`spans.span_ref`: its token bounds from the linking span); here the linked span's
place in its group gives its id. An actor's place is the key of a place item.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from plan_extract.models import DocumentDate, Extraction, Plan
from plan_extract.models import Span as TextSpan
from plan_extract.spans import Ref, doc_text, linked, sentence_starts, span_extension

PREFIX = {"quantity": "q", "money": "m", "date": "d", "actor": "a", "location": "l", "measure": "ms"}
# The span key of each kind of item (and of the plan), as the components store them by default.
KEYS = {**{kind: kind for kind in PREFIX}, "plan": "plan"}
# The components that fill each key, and the setting of their config that names it.
FACTORIES = {"plan_quantity": "quantity", "plan_money": "money", "plan_date": "date", "plan_actor": "actor",
             "plan_location": "location", "plan_measure": "measure"}
# Keys of span values that the models do not carry (links, clustering keys).
INTERNAL = {"key", "over", "links", "form"}


def span_keys(nlp: Language) -> dict[str, str]:
    """The span key of each kind of item in `nlp`'s pipeline, read from its components' config.

    >>> span_keys(get_nlp())["measure"]
    'measure'
    """
    keys = dict(KEYS)
    for name in nlp.pipe_names:
        kind = FACTORIES.get(nlp.get_pipe_meta(name).factory)
        config = nlp.config["components"].get(name, {})
        if kind is not None:
            keys[kind] = config.get("spans_key", keys[kind])
        if kind == "measure":
            keys["plan"] = config.get("plan_key", keys["plan"])
    return keys


class _Index:
    """Sentence index and the id of every span, by its token bounds in its group."""

    def __init__(self, doc: Doc, keys: Mapping[str, str], text: str | None = None) -> None:
        self.doc = doc
        self.keys = keys
        self.text = doc_text(doc) if text is None else text
        self.sentence_starts = [doc[i].idx for i in sentence_starts(doc)] if len(doc) else [0]
        self.ids: dict[str, dict[tuple[int, int], str]] = {kind: {} for kind in PREFIX}
        # Actors and places: the id of each clustering key.
        self.by_key: dict[str, dict[str, str]] = {kind: {} for kind in PREFIX}

    def spans(self, kind: str) -> list[Span]:
        key = self.keys.get(kind, kind)
        # Token bounds order spans as their characters do.
        return sorted(self.doc.spans[key], key=lambda s: (s.start, s.end)) if key in self.doc.spans else []

    def sentence(self, start_char: int) -> int:
        return max(0, bisect_right(self.sentence_starts, start_char) - 1)

    def mention(self, span: Span) -> dict[str, Any]:
        start, end = span.start_char, span.end_char
        return {"text": self.text[start:end], "start": start, "end": end,
                "sentence": self.sentence(start), "rule": span.id_ or span.label_ or "unknown"}

    def ref(self, span: Span) -> dict[str, Any]:
        start, end = span.start_char, span.end_char
        return {"text": self.text[start:end], "start": start, "end": end, "sentence": self.sentence(start)}

    def name(self, kind: str, span: Span, item_id: str) -> None:
        self.ids[kind][(span.start, span.end)] = item_id

    def linked(self, kind: str, anchor: Span, refs: list[Ref]) -> list[str]:
        """Ids of the `kind` items that `anchor` links to, once each, in order."""
        if not refs:
            return []
        ids, base = self.ids[kind], anchor.start
        found: list[str] = []
        for start, end in refs:
            item = ids.get((base + start, base + end))
            if item and item not in found:
                found.append(item)
        return found


def _public(value: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (value or {}).items() if k not in INTERNAL and v is not None}


def _simple(index: _Index, dim: str) -> list[dict[str, Any]]:
    items = []
    for rank, span in enumerate(index.spans(dim), 1):
        item_id = f"{PREFIX[dim]}{rank}"
        index.name(dim, span, item_id)
        value = span_extension(span, dim) or {}
        links = {}
        if value.get("over") is not None:  # money spread over a duration: its date id
            links["over"] = next(iter(index.linked("date", span, [value["over"]])), None)
        items.append({"id": item_id, **index.mention(span), **_public(value), **links})
    return items


def _clustered(index: _Index, dim: str) -> list[dict[str, Any]]:
    """Group mentions by their clustering key: one item per actor or place, with all mentions."""
    groups: dict[str, list[tuple[Span, dict[str, Any]]]] = {}
    for span in index.spans(dim):
        value = span_extension(span, dim)
        groups.setdefault(value["key"], []).append((span, value))
    items = []
    for rank, (key, group) in enumerate(groups.items(), 1):
        item_id = f"{PREFIX[dim]}{rank}"
        index.by_key[dim][key] = item_id
        # The fullest mention carries the value (name, acronym, role); the first one is the anchor.
        values: dict[str, Any] = {}
        for span, value in group:
            for k, v in _public(value).items():
                if k not in values or (k == "name" and len(str(v)) > len(str(values[k]))):
                    values[k] = v
            index.name(dim, span, item_id)
        items.append((item_id, [span for span, _ in group], values))
    result = []
    for item_id, mentions, values in items:
        if "location" in values and dim == "actor":
            values["location"] = index.by_key["location"].get(values["location"])
        result.append({"id": item_id, **index.mention(mentions[0]), **values,
                       "mentions": [index.ref(s) for s in mentions]})
    return result


# The kinds of items a measure links to, by their name in its `links`.
LINKED = {"actors": "actor", "quantities": "quantity", "money": "money", "dates": "date", "locations": "location"}


def _measures(index: _Index) -> list[dict[str, Any]]:
    items = []
    for rank, span in enumerate(index.spans("measure"), 1):
        value = span_extension(span, "measure")
        item_id = f"ms{rank}"
        index.name("measure", span, item_id)
        links = value.get("links", {})
        linked_ids = {name: index.linked(kind, span, links.get(name, [])) for name, kind in LINKED.items()}
        evidence = [_text_span(index, linked(span, ref)) for ref in value.get("evidence", [])]
        fields = {k: v for k, v in _public(value).items() if k not in ("evidence",)}
        items.append({"id": item_id, **index.mention(span), **fields, **linked_ids, "evidence": evidence})
    return items


def _text_span(index: _Index, span: Span) -> dict[str, Any]:
    return {"text": index.text[span.start_char:span.end_char], "start": span.start_char, "end": span.end_char}


def _plan(index: _Index) -> Plan | None:
    key = index.keys.get("plan", "plan")
    spans = list(index.doc.spans[key]) if key in index.doc.spans else []
    if not spans or not Span.has_extension("plan") or not spans[0]._.plan:
        return None
    span, plan = spans[0], spans[0]._.plan
    links = plan.get("links", {})
    return Plan(
        text=index.text[span.start_char:span.end_char], start=span.start_char, end=span.end_char, name=plan["name"],
        presented_by=index.linked("actor", span, links.get("actor", [])),
        dates=index.linked("date", span, links.get("date", [])),
        locations=index.linked("location", span, links.get("location", [])),
        measures=index.linked("measure", span, plan.get("measures", [])),
    )


def document_date(doc: Doc, text: str | None = None) -> DocumentDate:
    info = doc._.document_date if Doc.has_extension("document_date") else None
    if not info or not info.get("value"):
        return DocumentDate(value=None, source="none")
    evidence = None
    if info.get("start") is not None:
        text = doc_text(doc) if text is None else text
        evidence = TextSpan(text=text[info["start"]:info["end"]], start=info["start"], end=info["end"])
    return DocumentDate(value=info["value"], source=info["source"], evidence=evidence)


def doc_to_extraction(doc: Doc, path: str | None = None, encoding: str | None = None, fmt: str = "text",
                      url: str | None = None, keys: Mapping[str, str] | None = None,
                      text: str | None = None) -> Extraction:
    """Build the validated `Extraction` of an annotated Doc. `keys` are the span keys of each
    kind of item (`span_keys(nlp)`), by default the kinds' names. `text` is the Doc's text when
    the caller has it (`doc.text` rebuilds it from the tokens).

    >>> doc_to_extraction(get_nlp()("27 kilos de cannabis")).quantities[0].unit
    'kg'
    """
    index = _Index(doc, {**KEYS, **(keys or {})}, text)
    quantities = _simple(index, "quantity")
    dates = _simple(index, "date")  # before money, which links to its durations
    money = _simple(index, "money")
    locations = _clustered(index, "location")  # before actors, which name their place
    actors = _clustered(index, "actor")
    measures = _measures(index)
    text = index.text
    source = {"path": path, "format": fmt, "url": url, "encoding": encoding,
              "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "chars": len(text)}
    # Plain data validated in one pass: the models check every field and link.
    return Extraction.model_validate({
        "source": source, "document_date": document_date(doc, text), "quantities": quantities, "money": money,
        "dates": dates, "actors": actors, "locations": locations, "measures": measures, "plan": _plan(index),
    })


def to_json(extraction: Extraction, indent: int | None = 2) -> str:
    return extraction.model_dump_json(indent=indent, exclude_none=False)


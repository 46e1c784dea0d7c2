"""Turn an annotated Doc into the output model: the only place spans become pydantic models
(plain data first, validated in one pass).

Ids are deterministic: a prefix per kind and the rank of the item in document order
(`q1`, `m1`, `d1`, `a1`, `l1`, `ms1`). Links between items are stored on spans as character
offsets and become ids here.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from typing import Any

from spacy.tokens import Doc, Span

from plan_extract.models import DocumentDate, Extraction, Plan
from plan_extract.models import Span as TextSpan
from plan_extract.spans import doc_text

PREFIX = {"quantity": "q", "money": "m", "date": "d", "actor": "a", "location": "l", "measure": "ms"}
# Keys of span values that the models do not carry (internal links and clustering keys).
INTERNAL = {"key", "over_start", "links", "form"}


class _Index:
    """Sentence index and char-offset -> id maps for one Doc."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.sentence_starts = [sent.start_char for sent in doc.sents] if doc.has_annotation("SENT_START") else [0]
        self.ids: dict[str, dict[tuple[int, int], str]] = {kind: {} for kind in PREFIX}

    def sentence(self, start_char: int) -> int:
        return max(0, bisect_right(self.sentence_starts, start_char) - 1)

    def mention(self, span: Span) -> dict[str, Any]:
        start, end = span.start_char, span.end_char
        return {"text": self.text[start:end], "start": start, "end": end,
                "sentence": self.sentence(start), "rule": span.id_ or span.label_ or "unknown"}

    def ref(self, span: Span) -> dict[str, Any]:
        start, end = span.start_char, span.end_char
        return {"text": self.text[start:end], "start": start, "end": end, "sentence": self.sentence(start)}

    def find(self, kind: str, start: int, end: int) -> str | None:
        """The id of the item of `kind` whose mention covers [start, end)."""
        exact = self.ids[kind].get((start, end))
        if exact:
            return exact
        for (s, e), item_id in self.ids[kind].items():
            if s <= start and end <= e or start <= s < end:
                return item_id
        return None


def _spans(doc: Doc, key: str) -> list[Span]:
    # Token bounds order spans as their characters do.
    return sorted(doc.spans[key], key=lambda s: (s.start, s.end)) if key in doc.spans else []


def _public(value: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (value or {}).items() if k not in INTERNAL and v is not None}


def _simple(doc: Doc, index: _Index, dim: str) -> list[dict[str, Any]]:
    items = []
    for rank, span in enumerate(_spans(doc, dim), 1):
        item_id = f"{PREFIX[dim]}{rank}"
        index.ids[dim][(span.start_char, span.end_char)] = item_id
        value = span._.get(dim) or {}
        links = {}
        if value.get("over_start") is not None:  # money spread over a duration: its date id
            links["over"] = next((i for (s, _), i in index.ids["date"].items() if s == value["over_start"]), None)
        items.append({"id": item_id, **index.mention(span), **_public(value), **links})
    return items


def _clustered(doc: Doc, index: _Index, dim: str) -> list[dict[str, Any]]:
    """Group mentions by their clustering key: one item per actor or place, with all mentions."""
    groups: dict[str, list[tuple[Span, dict[str, Any]]]] = {}
    for span in _spans(doc, dim):
        value = span._.get(dim)
        groups.setdefault(value["key"], []).append((span, value))
    items = []
    for rank, group in enumerate(groups.values(), 1):
        item_id = f"{PREFIX[dim]}{rank}"
        # The fullest mention carries the value (name, acronym, role); the first one is the anchor.
        values: dict[str, Any] = {}
        for span, value in group:
            for k, v in _public(value).items():
                if k not in values or (k == "name" and len(str(v)) > len(str(values[k]))):
                    values[k] = v
            index.ids[dim][(span.start_char, span.end_char)] = item_id
        items.append((item_id, [span for span, _ in group], values))
    result = []
    for item_id, mentions, values in items:
        if "location" in values and dim == "actor":
            values["location"] = index.find("location", *values["location"])
        result.append({"id": item_id, **index.mention(mentions[0]), **values,
                       "mentions": [index.ref(s) for s in mentions]})
    return result


def _links(index: _Index, offsets: list[list[int]], kind: str) -> list[str]:
    """Ids of the `kind` items at the given character offsets, once each, in order."""
    if not offsets:
        return []
    found = (index.find(kind, start, end) for start, end in offsets)
    return list(dict.fromkeys(item for item in found if item))


def _measures(doc: Doc, index: _Index) -> list[dict[str, Any]]:
    items = []
    plural = {"actor": "actors", "quantity": "quantities", "money": "money", "date": "dates", "location": "locations"}
    for rank, span in enumerate(_spans(doc, "measure"), 1):
        value = span._.measure
        item_id = f"ms{rank}"
        index.ids["measure"][(span.start_char, span.end_char)] = item_id
        links = value.get("links", {})
        linked = {plural[kind]: _links(index, links.get(plural[kind], []), kind) for kind in plural}
        evidence = [{"text": index.text[s:e], "start": s, "end": e} for s, e in value.get("evidence", [])]
        fields = {k: v for k, v in _public(value).items() if k not in ("evidence",)}
        items.append({"id": item_id, **index.mention(span), **fields, **linked, "evidence": evidence})
    return items


def _plan(doc: Doc, index: _Index) -> Plan | None:
    plan = doc._.plan if Doc.has_extension("plan") else None
    if not plan:
        return None
    start, end = plan["start"], plan["end"]
    return Plan(
        text=doc_text(doc)[start:end], start=start, end=end, name=plan["name"],
        presented_by=_links(index, plan.get("links", {}).get("actor", []), "actor"),
        dates=_links(index, plan.get("links", {}).get("date", []), "date"),
        locations=_links(index, plan.get("links", {}).get("location", []), "location"),
        measures=[index.ids["measure"][tuple(m)] for m in plan.get("measures", []) if tuple(m) in index.ids["measure"]],
    )


def document_date(doc: Doc) -> DocumentDate:
    info = doc._.document_date if Doc.has_extension("document_date") else None
    if not info or not info.get("value"):
        return DocumentDate(value=None, source="none")
    evidence = None
    if info.get("start") is not None:
        evidence = TextSpan(text=doc_text(doc)[info["start"]:info["end"]], start=info["start"], end=info["end"])
    return DocumentDate(value=info["value"], source=info["source"], evidence=evidence)


def doc_to_extraction(doc: Doc, path: str | None = None, encoding: str | None = None, fmt: str = "text",
                      url: str | None = None) -> Extraction:
    """Build the validated `Extraction` of an annotated Doc.

    >>> doc_to_extraction(get_nlp()("27 kilos de cannabis")).quantities[0].unit
    'kg'
    """
    index = _Index(doc)
    quantities = _simple(doc, index, "quantity")
    dates = _simple(doc, index, "date")  # before money, which links to its durations
    money = _simple(doc, index, "money")
    locations = _clustered(doc, index, "location")
    actors = _clustered(doc, index, "actor")
    measures = _measures(doc, index)
    text = index.text
    source = {"path": path, "format": fmt, "url": url, "encoding": encoding,
              "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "chars": len(text)}
    # Plain data validated in one pass: the models check every field and link.
    return Extraction.model_validate({
        "source": source, "document_date": document_date(doc), "quantities": quantities, "money": money,
        "dates": dates, "actors": actors, "locations": locations, "measures": measures, "plan": _plan(doc, index),
    })


def to_json(extraction: Extraction, indent: int | None = 2) -> str:
    return extraction.model_dump_json(indent=indent, exclude_none=False)


"""A review page: the text of a document with every extracted item highlighted, to check an
extraction by eye before publishing a figure.

`render_page(data, text)` gives one self-contained HTML page (no outside scripts, fonts or
styles): the text with each item marked by kind (the kinds can be toggled), each mark showing
the item's kind, id, value fields and rule on hover or keyboard focus, a table of the measures
whose links jump to the marks, and the document date with where it came from. `write` renders an
output file, or a whole batch with an index page. Pages are built with Jinja2 templates
(package data, autoescaping on), never by pasting strings: the text is always HTML-escaped.

>>> data = {"source": {"path": "a.txt"}, "document_date": {"value": None, "source": "none"},
...         "money": [{"id": "m1", "text": "10 €", "start": 3, "end": 7, "rule": "<n> <cur>",
...                    "kind": "money", "value": 10, "currency": "EUR"}]}
>>> html = render_page(data, "Un 10 € <b>")
>>> 'id="item-m1"' in html and "&lt;b&gt;" in html and "<b>" not in html
True
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from plan_extract.reading import InputError, read_document
from plan_extract.outputs import REPORT_NAME, Loaded, read_outputs

# Kinds in the order of the legend, with the JSON list holding them.
KINDS = [("quantity", "quantities"), ("money", "money"), ("date", "dates"), ("actor", "actors"),
         ("location", "locations"), ("measure", "measures")]
# Which of two marks over the same characters goes outside: measures hold the other items.
RANK = {"measure": 0, "evidence": 0, "plan": 1, "actor": 2, "location": 3, "quantity": 4, "money": 4,
        "date": 4, "docdate": 5}
# Fields of an item that the tooltip leaves out (they are shown by the mark itself or elsewhere).
HIDDEN = {"text", "start", "end", "sentence", "id", "kind", "rule", "mentions", "evidence"}


class ReviewError(ValueError):
    """A review that cannot be written; the message is one line that says how to fix it."""


@dataclass
class Mark:
    """A highlighted stretch: an item's mention, or a piece of one where marks cross."""

    start: int
    end: int
    kind: str
    item: str  # the item's id
    tip: str
    anchor: str | None = None  # the HTML id, on the piece a link jumps to
    classes: str = ""

    @property
    def rank(self) -> int:
        return RANK[self.kind]


@dataclass
class Node:
    """A piece of the rendered text: plain text, or a mark and what it holds."""

    text: str = ""
    mark: Mark | None = None
    children: list[Node] = field(default_factory=list)


def _tip(kind: str, item: dict[str, Any]) -> str:
    lines = [f"{kind} {item.get('id', '')}".strip()]
    for key, value in item.items():
        if key in HIDDEN or value is None or value == [] or value is False:
            continue
        lines.append(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    if item.get("rule"):
        lines.append(f"rule: {item['rule']}")
    return "\n".join(lines)


def marks(data: dict[str, Any]) -> list[Mark]:
    """Every mark of an extraction: each item (actors and places at each mention, measures with
    their further evidence), the plan and the words the document date was read from."""
    found: list[Mark] = []
    for kind, key in KINDS:
        for item in data.get(key, []):
            tip = _tip(kind, item)
            found.append(Mark(item["start"], item["end"], kind, item["id"], tip, f"item-{item['id']}"))
            for mention in item.get("mentions", []):
                if (mention["start"], mention["end"]) != (item["start"], item["end"]):
                    found.append(Mark(mention["start"], mention["end"], kind, item["id"], tip))
            for evidence in item.get("evidence", []):
                found.append(Mark(evidence["start"], evidence["end"], "evidence", item["id"],
                                  f"{tip}\n(further mention of this measure)", classes="k-measure"))
    plan = data.get("plan")
    if plan:
        found.append(Mark(plan["start"], plan["end"], "plan", "plan", _tip("plan", plan), "item-plan"))
    evidence = (data.get("document_date") or {}).get("evidence")
    if evidence:
        found.append(Mark(evidence["start"], evidence["end"], "docdate", "document-date",
                          f"document date: {data['document_date']['value']}", "document-date"))
    return [m for m in found if m.end > m.start]


def nest(text: str, found: list[Mark], start: int = 0, end: int | None = None) -> list[Node]:
    """Properly nested nodes for `text[start:end]`: a mark that crosses the end of an earlier one
    is cut in two pieces, the second without the anchor.

    >>> [(n.text or n.mark.kind) for n in nest("abcdef", [Mark(0, 3, "money", "m1", ""),
    ...                                                     Mark(2, 5, "date", "d1", "")])]
    ['money', 'date', 'f']
    """
    end = len(text) if end is None else end
    pending = sorted(found, key=lambda m: (m.start, -m.end, m.rank))
    nodes: list[Node] = []
    position = start
    while pending:
        outer, inside, cut = pending[0], [], []
        index = 1
        while index < len(pending) and pending[index].start < outer.end:
            other = pending[index]
            if other.end <= outer.end:
                inside.append(other)
            else:
                inside.append(replace(other, end=outer.end))
                cut.append(replace(other, start=outer.end, anchor=None))
            index += 1
        if outer.start > position:
            nodes.append(Node(text[position:outer.start]))
        nodes.append(Node(mark=outer, children=nest(text, inside, outer.start, outer.end)))
        position = outer.end
        rest = pending[index:]
        pending = sorted(cut + rest, key=lambda m: (m.start, -m.end, m.rank)) if cut else rest
    if end > position:
        nodes.append(Node(text[position:end]))
    return nodes


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("plan_extract", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """The inline style sheet and script, with the hashes the pages' Content-Security-Policy
    allows: nothing else can load or run, even if something slipped past the escaping."""
    environment = _environment()
    assets = {}
    for name, file in (("style", "review.css"), ("script", "review.js")):
        content = environment.loader.get_source(environment, file)[0]
        digest = base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode("ascii")
        assets[name], assets[f"{name}_hash"] = content, f"sha256-{digest}"
    return assets


def _names(data: dict[str, Any]) -> dict[str, str]:
    """A short label for every item id, for the links of the measures table."""
    names: dict[str, str] = {}
    for item in data.get("actors", []) + data.get("locations", []):
        names[item["id"]] = item["name"]
    for item in data.get("money", []):
        names[item["id"]] = f"{item['value']} {item['currency']}" + (f" / {item['per']}" if item.get("per") else "")
    for item in data.get("dates", []):
        names[item["id"]] = item.get("value") or item["text"]
    for item in data.get("quantities", []):
        unit = "" if item["unit"] == "count" else f" {item['unit']}"
        names[item["id"]] = f"{item['value']}{unit}" + (f" {item['counted']}" if item.get("counted") else "")
    return names


def render_page(data: dict[str, Any], text: str, index: str | None = None) -> str:
    """The HTML page of one extraction (`data`, as in the JSON output) over its `text`;
    `index` is the address of the batch's index page, if any."""
    counts = {kind: len(data.get(key, [])) for kind, key in KINDS}
    date = data.get("document_date") or {}
    return _environment().get_template("page.html").render(
        **_assets(), scripted=True, title=Path((data.get("source") or {}).get("path") or "standard input").name,
        source=data.get("source") or {}, date=date, plan=data.get("plan"), counts=counts,
        nodes=nest(text, marks(data)), measures=data.get("measures", []), names=_names(data), index=index,
        links=[("actors", "actors"), ("money", "amounts"), ("dates", "dates"), ("locations", "places"),
               ("quantities", "quantities")])


# --- files -----------------------------------------------------------------------------------


@dataclass
class Summary:
    pages: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        failed = f", {len(self.errors)} failed" if self.errors else ""
        return f"{self.pages} page{'s' if self.pages != 1 else ''} written{failed}"


def source_text(data: dict[str, Any], texts: Path | None = None, output: Path | None = None) -> str:
    """The text an extraction was made from, checked against the recorded hash: the file given
    as `texts` (or found in that folder by its recorded path, then its name), else the text saved
    beside the `output` file (`--save-text` writes NAME.txt beside NAME.json), else the recorded
    path read as the extractor read it (a web page or a PDF gives its text again)."""
    source = data.get("source") or {}
    recorded = source.get("path")
    local = recorded if recorded and "://" not in recorded else None
    candidates: list[Path] = []
    if texts is not None and texts.is_file():
        candidates.append(texts)
    elif texts is not None and local:
        candidates += [texts / local, texts / Path(local).name]
    if texts is None and output is not None:
        candidates.append(output.with_suffix(".txt"))
    if texts is None and local:
        candidates.append(Path(local))
    found = False
    for path in candidates:
        if not path.is_file():
            continue
        found = True
        try:
            text = read_document(path).text
        except InputError:
            continue
        if hashlib.sha256(text.encode("utf-8")).hexdigest() == source["sha256"]:
            return text
    where = recorded or "standard input"
    if found:
        raise ReviewError(f"the text of {where} has changed since it was extracted (its sha256 differs); "
                          "extract it again, or give the right one with --texts")
    raise ReviewError(f"the text of {where} is not found; extract with --save-text, "
                      "or give it with --texts FILE or --texts FOLDER")


def write(source: Path, out: Path, texts: Path | None = None,
          on_error: Callable[[str], None] | None = None) -> Summary:
    """Write the page of one output file, or (for a folder or a JSONL file) one page per document
    and `index.html` into the folder `out`."""
    summary = Summary()
    if source.is_dir() or source.suffix.lower() == ".jsonl":
        if out.exists() and not out.is_dir():
            raise ReviewError(f"{out}: is a file; a batch needs a folder (-o site/)")
        return _write_site(source, out, texts, summary, on_error)
    if source.suffix.lower() == ".txt":
        raise ReviewError(f"{source}: a text; extract it first (plan-extract {source} -o OUT.json), "
                          "then review OUT.json")
    loaded = next(read_outputs([source]))
    if loaded.data is None:
        raise ReviewError(loaded.error or str(source))
    try:
        page = render_page(loaded.data, source_text(loaded.data, texts, source))
    except ReviewError as exc:
        raise ReviewError(f"{source}: {exc}") from None
    target = out / f"{source.stem}.html" if out.is_dir() else out
    _write_file(target, page)
    summary.pages = 1
    return summary


def _page_names(outputs: list[Loaded], source: Path) -> Iterator[str]:
    """A distinct file name for each document's page: the output's path below the folder, or the
    text's name for JSONL lines."""
    used: set[str] = set()
    for loaded in outputs:
        if loaded.data is None:  # no page: the error is listed instead ("no *.json output")
            yield ""
            continue
        if source.is_dir():
            stem = str(Path(loaded.origin).relative_to(source).with_suffix(""))
        else:
            recorded = ((loaded.data or {}).get("source") or {}).get("path")
            stem = Path(recorded).stem if recorded else "stdin"
        name, n = f"{stem}.html", 1
        while name in used or name == "index.html":
            n += 1
            name = f"{stem}-{n}.html"
        used.add(name)
        yield name


def _write_site(source: Path, out: Path, texts: Path | None, summary: Summary,
                on_error: Callable[[str], None] | None) -> Summary:
    outputs = [o for o in read_outputs([source]) if Path(o.origin).name != REPORT_NAME]
    rows = []
    for loaded, name in zip(outputs, _page_names(outputs, source)):
        error = loaded.error
        if loaded.data is not None:
            try:
                depth = name.count("/")
                output = Path(loaded.origin) if source.is_dir() else None
                page = render_page(loaded.data, source_text(loaded.data, texts, output),
                                   index="../" * depth + "index.html")
                _write_file(out / name, page)
                summary.pages += 1
            except ReviewError as exc:
                error = f"{loaded.origin}: {exc}"
        if error:
            summary.errors.append(error)
            if on_error:
                on_error(error)
        data = loaded.data or {}
        rows.append({"name": name if not error else None, "origin": loaded.origin, "error": error,
                     "path": (data.get("source") or {}).get("path") or loaded.origin,
                     "date": (data.get("document_date") or {}).get("value"),
                     "counts": [len(data.get(key, [])) for _, key in KINDS]})
    index = _environment().get_template("index.html").render(
        **_assets(), scripted=False, source=str(source), rows=rows, kinds=[key for _, key in KINDS],
        totals=[sum(r["counts"][i] for r in rows) for i in range(len(KINDS))])
    _write_file(out / "index.html", index)
    return summary


def _write_file(path: Path, content: str) -> None:
    from plan_extract.batch import write_atomic

    try:
        write_atomic(path, content)
    except OSError as exc:
        raise ReviewError(f"{path}: cannot be written ({exc.strerror or exc})") from None


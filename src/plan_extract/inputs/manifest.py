"""A manifest of inputs: a CSV file (with a header row) or a JSON Lines file whose rows give
`path` or `url`, and optionally `document_date` (YYYY-MM-DD) and `id` (the name of the output).

Relative paths are read from the manifest's folder. A bad row (no path nor url, a missing
file, a malformed date or id, an id used twice) is reported with its line number; the other
rows run. Other columns (a title, a publisher) are allowed and ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from plan_extract.inputs.fetch import check_url, is_url
from plan_extract.reading import InputError

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


@dataclass(frozen=True)
class Row:
    line: int
    source: str  # a path or a URL
    document_date: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class BadRow:
    where: str  # "manifest.csv:3"
    reason: str

    @property
    def message(self) -> str:
        return f"{self.where}: {self.reason}"


def read_manifest(path: Path) -> tuple[list[Row], list[BadRow]]:
    """The good rows and the bad ones of a manifest; InputError when the file itself cannot be
    read (missing, neither CSV with a `path` or `url` column nor JSON Lines)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such manifest file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: the manifest cannot be read ({exc})") from None
    records = _jsonl(text, path) if path.suffix.lower() in (".jsonl", ".ndjson") or text.lstrip().startswith("{") \
        else _csv(text, path)
    rows: list[Row] = []
    bad: list[BadRow] = []
    ids: dict[str, int] = {}
    for line, record in records:
        where = f"{path}:{line}"
        if isinstance(record, str):
            bad.append(BadRow(where, record))
            continue
        try:
            rows.append(_row(line, record, path.parent, ids))
        except ValueError as exc:
            bad.append(BadRow(where, str(exc)))
    return rows, bad


def _csv(text: str, path: Path) -> list[tuple[int, dict[str, str] | str]]:
    reader = csv.DictReader(text.splitlines(keepends=True))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "path" not in fields and "url" not in fields:
        raise InputError(f"{path}: a manifest needs a header row with a path or url column "
                         "(and optionally document_date and id), or one JSON object a line")
    reader.fieldnames = fields
    records: list[tuple[int, dict[str, str] | str]] = []
    for record in reader:
        records.append((reader.line_num, {k: (v or "").strip() for k, v in record.items() if k}))
    return records


def _jsonl(text: str, path: Path) -> list[tuple[int, dict[str, str] | str]]:
    records: list[tuple[int, dict[str, str] | str]] = []
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            records.append((line, f"not a JSON object ({exc.msg})"))
            continue
        if not isinstance(record, dict):
            records.append((line, "not a JSON object"))
            continue
        records.append((line, {str(k).lower(): "" if v is None else str(v).strip() for k, v in record.items()}))
    return records


def _row(line: int, record: dict[str, str], folder: Path, ids: dict[str, int]) -> Row:
    path, url = record.get("path", ""), record.get("url", "")
    if bool(path) == bool(url):
        raise ValueError("give either a path or a url" if not path else "give a path or a url, not both")
    if url:
        if not is_url(url):
            raise ValueError(f"url {url!r} does not start with http:// or https://")
        check_url(url)
        source = url
    else:
        file = Path(path).expanduser()
        file = file if file.is_absolute() else folder / file
        if not file.is_file():
            raise ValueError(f"no such file {file}")
        source = str(file)
    date = record.get("document_date") or None
    if date is not None:
        try:
            date = dt.date.fromisoformat(date).isoformat()
        except ValueError:
            raise ValueError(f"document_date {date!r} is not a date written YYYY-MM-DD") from None
    item_id = record.get("id") or None
    if item_id is not None:
        if not _ID.match(item_id):
            raise ValueError(f"id {item_id!r} must be letters, digits, '.', '_' or '-' (it names the output file)")
        if item_id in ids:
            raise ValueError(f"id {item_id!r} is already used on line {ids[item_id]}")
        ids[item_id] = line
    return Row(line, source, date, item_id)

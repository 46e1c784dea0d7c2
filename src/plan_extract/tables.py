"""Flatten extraction outputs into tables: CSV files for spreadsheets, or an SQLite database.

Every item list of the JSON becomes one table (`quantities`, `money`, `dates`, `actors`,
`locations`, `measures`), lists inside items become their own tables (`actor_mentions`,
`location_mentions`, `measure_evidence`, `measure_targets`) and the links between items become
link tables (`measure_actors`, `measure_money`, ...; `plan_actors`, ...). Every row is keyed by
the document id and the item id. `measures_flat` is a view with one row per measure and the
names, amounts, dates and places it links to, joined as text.

The document id is the path of the text as the extraction recorded it (`source.path`), or
`sha256:<hash of the text>` for a text read from standard input: writing the same document again
into a database replaces its rows.

>>> rows = document_rows({"schema_version": "1.0", "source": {"path": "a.txt", "encoding": "utf-8",
...     "sha256": "0" * 64, "chars": 8}, "document_date": {"value": None, "source": "none",
...     "evidence": None}, "money": [{"text": "10 euros", "start": 0, "end": 8, "id": "m1",
...     "sentence": 0, "rule": "<number> <currency>", "kind": "money", "value": 10,
...     "currency": "EUR"}]})
>>> rows["money"]
[('a.txt', 'm1', '10 euros', 0, 8, 0, '<number> <currency>', 10, 'EUR', None, None, None, None, None, None)]
"""

from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plan_extract.outputs import Loaded, read_outputs

# Version of the table layout, kept in SQLite's `user_version`: a database written by another
# layout is refused rather than mixed.
LAYOUT_VERSION = 2

# Columns every extracted item has, in this order, after `document_id` and `id`.
MENTION = [("text", "TEXT"), ("start", "INTEGER"), ("end", "INTEGER"), ("sentence", "INTEGER"), ("rule", "TEXT")]

# The item lists of the JSON: table name (= JSON key), the id prefix and its own fields with their
# SQL types. NUMERIC keeps integers as integers and decimals as reals.
ITEMS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "quantities": ("quantity", [
        ("value", "NUMERIC"), ("unit", "TEXT"), ("counted", "TEXT"), ("approx", "TEXT"), ("min", "NUMERIC"),
        ("max", "NUMERIC"), ("base_value", "NUMERIC"), ("base_unit", "TEXT"), ("change", "TEXT"),
        ("per", "TEXT"), ("per_value", "NUMERIC")]),
    "money": ("money", [
        ("value", "NUMERIC"), ("currency", "TEXT"), ("approx", "TEXT"), ("min", "NUMERIC"), ("max", "NUMERIC"),
        ("per", "TEXT"), ("over", "TEXT"), ("change", "TEXT")]),
    "dates": ("date", [
        ("type", "TEXT"), ("value", "TEXT"), ("grain", "TEXT"), ("relative", "INTEGER"), ("anchor", "TEXT")]),
    "actors": ("actor", [
        ("name", "TEXT"), ("type", "TEXT"), ("acronym", "TEXT"), ("role", "TEXT"), ("category", "TEXT"),
        ("location", "TEXT")]),
    "locations": ("location", [
        ("name", "TEXT"), ("type", "TEXT"), ("code", "TEXT"), ("candidates", "TEXT"), ("subtype", "TEXT")]),
    "measures": ("measure", [
        ("action", "TEXT"), ("label", "TEXT"), ("object", "TEXT"), ("status", "TEXT"), ("category", "TEXT")]),
}

# Lists of spans inside an item: table, item list, the owner's id column, JSON key, span fields.
SUBSPANS = [
    ("actor_mentions", "actors", "actor_id", "mentions", ["text", "start", "end", "sentence"]),
    ("location_mentions", "locations", "location_id", "mentions", ["text", "start", "end", "sentence"]),
    ("measure_evidence", "measures", "measure_id", "evidence", ["text", "start", "end"]),
]

# Links of a measure: table, JSON key, column, the item list the ids point to (None: free text).
MEASURE_LINKS = [
    ("measure_actors", "actors", "actor_id", "actors"),
    ("measure_quantities", "quantities", "quantity_id", "quantities"),
    ("measure_money", "money", "money_id", "money"),
    ("measure_dates", "dates", "date_id", "dates"),
    ("measure_locations", "locations", "location_id", "locations"),
    ("measure_targets", "targets", "target", None),
]
PLAN_LINKS = [
    ("plan_actors", "presented_by", "actor_id", "actors"),
    ("plan_dates", "dates", "date_id", "dates"),
    ("plan_locations", "locations", "location_id", "locations"),
    ("plan_measures", "measures", "measure_id", "measures"),
]

DOCUMENT_COLUMNS = [
    ("document_id", "TEXT"), ("path", "TEXT"), ("format", "TEXT"), ("url", "TEXT"), ("encoding", "TEXT"),
    ("sha256", "TEXT"), ("chars", "INTEGER"),
    ("schema_version", "TEXT"), ("document_date", "TEXT"), ("document_date_source", "TEXT"),
    ("document_date_text", "TEXT"), ("document_date_start", "INTEGER"), ("document_date_end", "INTEGER"),
]
PLAN_COLUMNS = [("document_id", "TEXT"), ("name", "TEXT"), ("text", "TEXT"), ("start", "INTEGER"), ("end", "INTEGER")]


@dataclass(frozen=True)
class Table:
    """One table: its columns with SQL types, its primary key and foreign keys."""

    name: str
    columns: list[tuple[str, str]]
    key: tuple[str, ...]
    references: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def index_sql(self) -> list[str]:
        """Indexes on the foreign keys that the primary key does not start with: SQLite looks
        children up by them when a parent row is deleted."""
        return [f'CREATE INDEX IF NOT EXISTS {self.name}_{own[-1]} ON {self.name} ({_quoted(own)})'
                for own, _, _ in self.references if tuple(self.key[:len(own)]) != tuple(own)]

    def create_sql(self) -> str:
        columns = [f'"{name}" {kind}' + (" NOT NULL" if name in self.key else "") for name, kind in self.columns]
        columns.append(f"PRIMARY KEY ({_quoted(self.key)})")
        for own, table, theirs in self.references:
            columns.append(f"FOREIGN KEY ({_quoted(own)}) REFERENCES {table} ({_quoted(theirs)}) ON DELETE CASCADE")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  " + ",\n  ".join(columns) + "\n)"


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _tables() -> list[Table]:
    """All tables, parents before children (the order rows are inserted in)."""
    to_document = [(("document_id",), "documents", ("document_id",))]
    tables = [Table("documents", DOCUMENT_COLUMNS, ("document_id",))]
    for name, (_, fields) in ITEMS.items():
        tables.append(Table(name, [("document_id", "TEXT"), ("id", "TEXT"), *MENTION, *fields],
                            ("document_id", "id"), to_document))
    for name, owner, owner_id, _, span_fields in SUBSPANS:
        columns = [("document_id", "TEXT"), (owner_id, "TEXT"), ("position", "INTEGER")]
        columns += [(f, dict(MENTION)[f]) for f in span_fields]
        tables.append(Table(name, columns, ("document_id", owner_id, "position"),
                            [(("document_id", owner_id), owner, ("document_id", "id"))]))
    for name, _, column, target in MEASURE_LINKS:
        references = [(("document_id", "measure_id"), "measures", ("document_id", "id"))]
        if target:
            references.append((("document_id", column), target, ("document_id", "id")))
        tables.append(Table(name, [("document_id", "TEXT"), ("measure_id", "TEXT"), ("position", "INTEGER"),
                                   (column, "TEXT")], ("document_id", "measure_id", "position"), references))
    tables.append(Table("plans", PLAN_COLUMNS, ("document_id",), to_document))
    for name, _, column, target in PLAN_LINKS:
        tables.append(Table(name, [("document_id", "TEXT"), ("position", "INTEGER"), (column, "TEXT")],
                            ("document_id", "position"),
                            [(("document_id",), "plans", ("document_id",)),
                             (("document_id", column), target, ("document_id", "id"))]))
    return tables


TABLES = _tables()


def _linked(table: str, column: str, expression: str, target: str) -> str:
    """A correlated subquery joining the linked items of measure `m`, in link order, with '; '."""
    return (f"(SELECT group_concat(x, '; ') FROM (SELECT {expression} AS x FROM {table} k "
            f"JOIN {target} t ON t.document_id = k.document_id AND t.id = k.{column} "
            f"WHERE k.document_id = m.document_id AND k.measure_id = m.id ORDER BY k.position))")


MEASURES_FLAT_SQL = f"""CREATE VIEW IF NOT EXISTS measures_flat AS
SELECT m.document_id, m.id AS measure_id, d.document_date, m.label, m.action, m.object, m.status,
  m.category, m.text, m.start, m."end", m.sentence,
  {_linked("measure_actors", "actor_id", "t.name", "actors")} AS actors,
  {_linked("measure_money", "money_id",
           "t.value || ' ' || t.currency || coalesce(' / ' || t.per, '')", "money")} AS amounts,
  {_linked("measure_dates", "date_id", "coalesce(t.value, t.text)", "dates")} AS dates,
  {_linked("measure_locations", "location_id", "t.name", "locations")} AS places,
  {_linked("measure_quantities", "quantity_id",
           "t.value || ' ' || CASE t.unit WHEN 'count' THEN coalesce(t.counted, '') "
           "ELSE t.unit || coalesce(' ' || t.counted, '') END", "quantities")} AS quantities,
  (SELECT group_concat(target, '; ') FROM (SELECT target FROM measure_targets k
     WHERE k.document_id = m.document_id AND k.measure_id = m.id ORDER BY k.position)) AS targets
FROM measures m JOIN documents d ON d.document_id = m.document_id
ORDER BY m.rowid"""


class TablesError(ValueError):
    """Input or output that cannot be used; the message is one line that says how to fix it."""


# --- rows ------------------------------------------------------------------------------------


def document_id(data: dict[str, Any]) -> str:
    """The key of a document: its recorded path, else the hash of its text."""
    source = data["source"]
    return source.get("path") or f"sha256:{source['sha256']}"


# JSON keys of the columns of each item table, after `document_id`.
_ITEM_KEYS = {name: ("id", *(c for c, _ in MENTION), *(f for f, _ in fields)) for name, (_, fields) in ITEMS.items()}
_CANDIDATES = 1 + _ITEM_KEYS["locations"].index("candidates")  # its column in a locations row


def document_rows(data: dict[str, Any]) -> dict[str, list[tuple]]:
    """The rows of every table for one extraction (a dict as in the JSON output)."""
    doc_id = document_id(data)
    source, date = data["source"], data["document_date"]
    evidence = date.get("evidence") or {}
    rows: dict[str, list[tuple]] = {table.name: [] for table in TABLES}
    rows["documents"].append((
        doc_id, source.get("path"), source.get("format", "text"), source.get("url"), source.get("encoding"),
        source["sha256"], source["chars"],
        data.get("schema_version"), date.get("value"), date.get("source"),
        evidence.get("text"), evidence.get("start"), evidence.get("end")))
    for name, keys in _ITEM_KEYS.items():
        rows[name] = [(doc_id, *map(item.get, keys)) for item in data.get(name, [])]
    # Location candidates are COG codes, which hold no space (booleans are stored as 0 and 1).
    rows["locations"] = [(*row[:_CANDIDATES], " ".join(row[_CANDIDATES] or ()), *row[_CANDIDATES + 1:])
                         for row in rows["locations"]]
    for name, owner, _, key, span_fields in SUBSPANS:
        rows[name] = [(doc_id, item["id"], position, *(span.get(f) for f in span_fields))
                      for item in data.get(owner, []) for position, span in enumerate(item.get(key, []))]
    for name, key, _, _ in MEASURE_LINKS:
        rows[name] = [(doc_id, measure["id"], position, linked) for measure in data.get("measures", [])
                      for position, linked in enumerate(measure.get(key, []))]
    plan = data.get("plan")
    if plan:
        rows["plans"].append((doc_id, plan["name"], plan["text"], plan["start"], plan["end"]))
        for name, key, _, _ in PLAN_LINKS:
            rows[name] = [(doc_id, position, linked) for position, linked in enumerate(plan.get(key, []))]
    return rows


# --- writing ---------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run wrote: documents, rows per table, and the inputs that could not be used."""

    documents: int = 0
    replaced: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)

    def line(self) -> str:
        items = sum(n for name, n in self.rows.items() if name in ITEMS)
        replaced = f" ({self.replaced} replaced)" if self.replaced else ""
        failed = f", {len(self.errors)} input{'s' if len(self.errors) > 1 else ''} failed" if self.errors else ""
        return f"{self.documents} documents{replaced}, {items} items{failed}"


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (or create) a database with the tables and the `measures_flat` view.

    Raises TablesError when the file is not an SQLite database or holds another table layout.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    path = str(path)
    try:
        connection = sqlite3.connect(path)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        existing = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.OperationalError as exc:
        raise TablesError(f"{path}: cannot be opened ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise TablesError(f"{path}: not an SQLite database ({exc}); give a new file name") from None
    if version != LAYOUT_VERSION and (version or existing & {t.name for t in TABLES}):
        connection.close()
        raise TablesError(f"{path}: written by another version of plan-extract (layout {version}, "
                          f"this one writes {LAYOUT_VERSION}); give a new file name")
    connection.execute("PRAGMA foreign_keys = ON")
    with connection:
        for table in TABLES:
            connection.execute(table.create_sql())
            for index in table.index_sql():
                connection.execute(index)
        connection.execute(MEASURES_FLAT_SQL)
        connection.execute(f"PRAGMA user_version = {LAYOUT_VERSION}")
    return connection


def insert(connection: sqlite3.Connection, extractions: Iterable[Loaded],
           on_error: Callable[[str], None] | None = None) -> Summary:
    """Write extractions into an open database in one transaction; a document already there has
    its rows replaced. Unreadable inputs are reported (to `on_error` as they come) and skipped."""
    summary = Summary()
    pending: dict[str, list[tuple]] = {table.name: [] for table in TABLES}
    replacing: list[tuple[str]] = []  # documents whose rows go before the pending rows come in
    counts: dict[str, dict[str, int]] = {}

    def flush() -> None:
        summary.replaced += _delete(connection, replacing)
        replacing.clear()
        for table in TABLES:
            rows = pending[table.name]
            if rows:
                connection.executemany(f"INSERT INTO {table.name} VALUES ({', '.join('?' * len(table.columns))})", rows)
                rows.clear()

    with connection:
        for loaded in extractions:
            if loaded.data is None:
                summary.errors.append(loaded.error or loaded.origin)
                if on_error:
                    on_error(summary.errors[-1])
                continue
            rows = document_rows(loaded.data)
            doc_id = rows["documents"][0][0]
            if doc_id in counts:
                # The same document twice in one run: the later output wins, as on a re-run.
                summary.repeated.append(doc_id)
                flush()
                _delete(connection, [(doc_id,)])
            else:
                replacing.append((doc_id,))
            counts[doc_id] = {name: len(table_rows) for name, table_rows in rows.items()}
            for name, table_rows in rows.items():
                pending[name].extend(table_rows)
            if len(pending["documents"]) >= 500:
                flush()
        flush()
    summary.documents = len(counts)
    summary.rows = {table.name: sum(c[table.name] for c in counts.values()) for table in TABLES}
    return summary


def _delete(connection: sqlite3.Connection, ids: list[tuple[str]]) -> int:
    """Delete every row of these documents, children first (each table by its key's first
    column); return how many of them were there."""
    if not ids:
        return 0
    for table in reversed(TABLES):
        cursor = connection.executemany(f"DELETE FROM {table.name} WHERE document_id = ?", ids)
    return cursor.rowcount


def write_sqlite(path: Path, extractions: Iterable[Loaded],
                 on_error: Callable[[str], None] | None = None) -> Summary:
    """Write extractions into the database at `path` (created if needed)."""
    connection = connect(path)
    try:
        return insert(connection, extractions, on_error)
    except sqlite3.Error as exc:
        raise TablesError(f"{path}: cannot write ({exc})") from None
    finally:
        connection.close()


CSV_NAMES = [*(table.name for table in TABLES), "measures_flat"]


def write_csv(folder: Path, extractions: Iterable[Loaded], on_error: Callable[[str], None] | None = None,
              bom: bool = False) -> Summary:
    """Write one CSV per table, and `measures_flat.csv`, into `folder`: UTF-8 (with a byte-order
    mark if `bom`), a header row, RFC 4180 quoting and line ends. Files already there are replaced
    whole, each one atomically."""
    if folder.exists() and not folder.is_dir():
        raise TablesError(f"{folder}: is a file; --csv needs a folder")
    connection = connect(":memory:")
    try:
        summary = insert(connection, extractions, on_error)
        folder.mkdir(parents=True, exist_ok=True)
        for name in CSV_NAMES:
            order = "" if name == "measures_flat" else " ORDER BY rowid"  # the view keeps the JSON order
            cursor = connection.execute(f"SELECT * FROM {name}{order}")
            header = [column[0] for column in cursor.description]
            _write_csv_file(folder / f"{name}.csv", header, cursor, bom)
    except OSError as exc:
        raise TablesError(f"{folder}: cannot write the CSV files ({exc.strerror or exc})") from None
    finally:
        connection.close()
    return summary


def _write_csv_file(path: Path, header: list[str], rows: Iterable[Sequence[Any]], bom: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            writer = csv.writer(handle, dialect="excel", lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(sources: Sequence[Path], csv_folder: Path | None = None, database: Path | None = None,
          bom: bool = False, on_error: Callable[[str], None] | None = None) -> Summary:
    """Read the outputs in `sources` and write them as CSV files and/or into a database; each
    unreadable input is reported once, to `on_error`."""
    summary = Summary()
    if csv_folder is not None:
        summary = write_csv(csv_folder, read_outputs(sources), on_error, bom)
        on_error = None
    if database is not None:
        summary = write_sqlite(database, read_outputs(sources), on_error)
    return summary


# --- reading back ----------------------------------------------------------------------------


def read_sqlite(path: Path | str) -> Iterator[dict[str, Any]]:
    """The extractions stored in a database, as JSON-like dicts, in the order they were written:
    what `write_sqlite` stores is enough to give back each JSON output whole."""
    connection = connect(path)
    connection.row_factory = sqlite3.Row
    try:
        def select(table: str, doc_id: str) -> list[sqlite3.Row]:
            return connection.execute(f"SELECT * FROM {table} WHERE document_id = ? ORDER BY rowid",
                                      (doc_id,)).fetchall()

        for document in connection.execute("SELECT * FROM documents ORDER BY rowid").fetchall():
            yield _rebuild(document, lambda table, d=document["document_id"]: select(table, d))
    finally:
        connection.close()


def _rebuild(document: sqlite3.Row, select: Callable[[str], list[sqlite3.Row]]) -> dict[str, Any]:
    evidence = None
    if document["document_date_text"] is not None:
        evidence = {"text": document["document_date_text"], "start": document["document_date_start"],
                    "end": document["document_date_end"]}
    data: dict[str, Any] = {
        "schema_version": document["schema_version"],
        "source": {key: document[key] for key in ("path", "format", "url", "encoding", "sha256", "chars")},
        "document_date": {"value": document["document_date"], "source": document["document_date_source"],
                          "evidence": evidence},
    }
    spans = {name: _grouped(select(name), owner_id, fields) for name, _, owner_id, _, fields in SUBSPANS}
    links = {name: _grouped(select(name), "measure_id", [column]) for name, _, column, _ in MEASURE_LINKS}
    for name, (kind, fields) in ITEMS.items():
        items = []
        for row in select(name):
            item = {"id": row["id"], **{c: row[c] for c, _ in MENTION}, "kind": kind}
            for f, _ in fields:
                item[f] = row[f]
            if name == "dates":
                item["relative"] = bool(item["relative"])
            if name == "locations":
                item["candidates"] = (item["candidates"] or "").split()
            for span_table, owner, _, key, _ in SUBSPANS:
                if owner == name:
                    item[key] = spans[span_table].get(item["id"], [])
            if name == "measures":
                for table, key, column, _ in MEASURE_LINKS:
                    item[key] = [link[column] for link in links[table].get(item["id"], [])]
            items.append(item)
        data[name] = items
    plans = select("plans")
    data["plan"] = None
    if plans:
        plan = plans[0]
        data["plan"] = {"text": plan["text"], "start": plan["start"], "end": plan["end"], "name": plan["name"]}
        for table, key, column, _ in PLAN_LINKS:
            data["plan"][key] = [row[column] for row in select(table)]
    return data


def _grouped(rows: list[sqlite3.Row], owner_id: str, fields: list[str]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row[owner_id], []).append({f: row[f] for f in fields})
    return grouped

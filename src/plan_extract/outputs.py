"""Read extraction outputs back: a batch's output folder, a JSONL stream or JSON files, each
output checked against the models so that a file that is not one gets a one-line reason.

>>> [loaded.error for loaded in read_outputs([Path("no-such-output.json")])]
['no-such-output.json: cannot be read (No such file or directory)']
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from plan_extract.batch import REPORT_NAME
from plan_extract.models import Extraction


@dataclass
class Loaded:
    """One extraction read from SRC (`data` is the parsed JSON), or why it could not be read."""

    origin: str
    data: dict[str, Any] | None = None
    error: str | None = None


def read_outputs(sources: Sequence[Path]) -> Iterator[Loaded]:
    """Extractions from output folders (`*.json`, recursively, the run report skipped), JSONL
    files (one extraction per line, a final report line skipped) and single JSON files."""
    for source in sources:
        if source.is_dir():
            files = sorted(p for p in source.rglob("*.json")
                           if p.name != REPORT_NAME and not any(part.startswith(".") for part in
                                                                p.relative_to(source).parts))
            if not files:
                yield Loaded(str(source), error=f"{source}: no *.json output in this folder")
            for file in files:
                yield _load(str(file), _read_text(file))
        elif source.suffix.lower() == ".jsonl":
            yield from _read_jsonl(source)
        else:
            yield _load(str(source), _read_text(source))


def _read_text(path: Path) -> str | Exception:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return exc


def _read_jsonl(path: Path) -> Iterator[Loaded]:
    text = _read_text(path)
    if isinstance(text, Exception):
        yield _load(str(path), text)
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith('{"report"'):
            yield _load(f"{path}:{number}", line)


def _load(origin: str, text: str | Exception) -> Loaded:
    if isinstance(text, Exception):
        reason = getattr(text, "strerror", None) or ("not UTF-8 text" if isinstance(text, UnicodeDecodeError) else text)
        return Loaded(origin, error=f"{origin}: cannot be read ({reason})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Loaded(origin, error=f"{origin}: not JSON ({exc.msg} at line {exc.lineno})")
    try:
        Extraction.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        return Loaded(origin, error=f"{origin}: not a plan-extract output ({where}: {first['msg']})")
    return Loaded(origin, data=data)

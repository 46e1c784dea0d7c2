"""Process many files: collect inputs, extract in one or more worker processes, write atomically.

Nothing is lost: every input ends with either an output or an error record in the run report.
Each worker loads the pipeline once and streams its share of the files through `nlp.pipe`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from plan_extract.reading import DEFAULT_MAX_CHARS, Document, InputError, read_document

REPORT_NAME = "_report.json"
CHUNK = 8  # files a worker takes at a time: enough for nlp.pipe batching, small for balance


@dataclass(frozen=True)
class Job:
    """One input and, when writing to a folder, the output file it maps to."""

    source: str
    target: str | None = None


@dataclass
class Outcome:
    source: str
    target: str | None = None
    json: str | None = None
    error: str | None = None


@dataclass
class Report:
    files: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def record(self, outcome: Outcome) -> None:
        self.files += 1
        if outcome.error is None:
            self.succeeded += 1
        else:
            self.failed += 1
            self.errors.append({"path": outcome.source, "reason": outcome.error})

    def summary(self) -> str:
        skipped = f", {self.skipped} skipped (up to date)" if self.skipped else ""
        return f"{self.files} files: {self.succeeded} succeeded, {self.failed} failed{skipped}"

    def as_json(self) -> str:
        return json.dumps({"report": asdict(self)}, ensure_ascii=False)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def collect(paths: Sequence[Path], out_dir: Path | None = None, pattern: str = "*.txt") -> list[Job]:
    """Expand folders (recursively, sorted, hidden entries and the output folder skipped) into jobs.

    With `out_dir`, each input maps to `out_dir/<path relative to its folder>.json`; a file given
    by name maps to `out_dir/<name>.json`. Targets never leave `out_dir`.
    """
    jobs: list[Job] = []
    out_resolved = out_dir.resolve() if out_dir else None
    for path in paths:
        if str(path) != "-" and path.is_dir():
            root = path
            found = []
            for folder, dirs, names in os.walk(root, followlinks=False):
                here = Path(folder)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and (out_resolved is None or (here / d).resolve() != out_resolved))
                found += [here / n for n in names if not n.startswith(".") and (here / n).match(pattern)]
            for file in sorted(found):
                if _hidden(file, root):
                    continue
                jobs.append(Job(str(file), _target(out_dir, file.relative_to(root)) if out_dir else None))
        else:
            jobs.append(Job(str(path), _target(out_dir, Path(path.name)) if out_dir else None))
    return jobs


def _target(out_dir: Path, relative: Path) -> str:
    target = (out_dir / relative).with_suffix(".json")
    if not target.resolve().is_relative_to(out_dir.resolve()):
        raise InputError(f"{relative}: output would leave {out_dir}")
    return str(target)


def up_to_date(job: Job) -> bool:
    """The output exists, is complete (atomic writes) and is newer than its input."""
    if job.target is None or not os.path.exists(job.target):
        return False
    try:
        return os.path.getmtime(job.target) >= os.path.getmtime(job.source)
    except OSError:
        return False


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- extraction, in this process or in workers ---------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What every worker needs to know, set once per process."""

    document_date: str | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    indent: int | None = 2


# The settings of this process (a worker gets them from `_init_worker`).
_SETTINGS = [Settings()]


def _init_worker(settings: Settings) -> None:
    _SETTINGS[0] = settings
    from plan_extract.pipeline import get_nlp

    get_nlp()


def _process(jobs: Sequence[Job]) -> list[Outcome]:
    """Read and extract a chunk of jobs; a bad file becomes an error outcome, never an exception."""
    from plan_extract.api import extract_documents
    from plan_extract.export import to_json

    settings = _SETTINGS[0]
    outcomes: list[Outcome] = [Outcome(job.source, job.target) for job in jobs]
    readable: list[tuple[Outcome, Document]] = []
    for outcome in outcomes:
        try:
            readable.append((outcome, read_document(outcome.source, settings.max_chars)))
        except InputError as exc:
            outcome.error = str(exc)
    try:
        extractions = extract_documents((doc for _, doc in readable), settings.document_date)
        for (outcome, _), extraction in zip(readable, extractions):
            outcome.json = to_json(extraction, indent=settings.indent)
    except Exception:  # noqa: BLE001 - one failing document must not take its chunk down
        for outcome, document in readable:
            if outcome.json is None and outcome.error is None:
                outcome.json, outcome.error = _one(document, settings)
    return outcomes


def _one(document: Document, settings: Settings) -> tuple[str | None, str | None]:
    """Extract one document alone, turning any failure into an error record."""
    from plan_extract.api import extract_documents
    from plan_extract.export import to_json

    try:
        extraction = next(extract_documents([document], settings.document_date))
        return to_json(extraction, indent=settings.indent), None
    except Exception as exc:  # noqa: BLE001
        return None, f"{document.path}: internal error: {type(exc).__name__}: {exc}"


def _chunks(jobs: Sequence[Job], size: int) -> Iterator[list[Job]]:
    for i in range(0, len(jobs), size):
        yield list(jobs[i: i + size])


def run(jobs: Sequence[Job], workers: int = 1, document_date: str | None = None,
        max_chars: int = DEFAULT_MAX_CHARS, indent: int | None = 2) -> Iterator[Outcome]:
    """Extract every job, yielding outcomes in input order.

    With `workers` > 1 the files are shared among that many processes, which inherit the pipeline
    loaded once (or load it once each where processes cannot be forked); memory stays flat since
    only a few chunks are in flight at a time.
    """
    settings = Settings(document_date, max_chars, indent)
    if workers <= 1 or len(jobs) <= CHUNK:
        _init_worker(settings)
        for chunk in _chunks(jobs, CHUNK):
            yield from _process(chunk)
        return
    if "fork" in multiprocessing.get_all_start_methods():
        # Load the pipeline once here; forked workers share it copy-on-write and start at once
        # (spaCy's own `nlp.pipe(n_process=...)` works the same way).
        _init_worker(settings)
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        for outcomes in pool.imap(_process, _chunks(jobs, CHUNK)):
            yield from outcomes


def consume(outcomes: Iterable[Outcome], on_output: Callable[[Outcome], None], report: Report) -> Report:
    """Hand each successful outcome to `on_output` and record every outcome in `report`."""
    for outcome in outcomes:
        if outcome.error is None:
            try:
                on_output(outcome)
            except OSError as exc:
                outcome.error = f"{outcome.target or outcome.source}: cannot write output ({exc.strerror or exc})"
        report.record(outcome)
    return report

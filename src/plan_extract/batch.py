"""Process many files: collect inputs, extract in one or more worker processes, write atomically.

Nothing is lost: every input ends with either an output or an error record in the run report,
every input has its own output (a clash is refused before any work), and the counts of the
report equal the files on disk. Each worker loads the pipeline once and streams its share of
the files through `nlp.pipe`; `process(jobs, settings)` is the work of one worker on a few files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from plan_extract.inputs.fetch import check_url, is_url
from plan_extract.lexicon import UserLexicon
from plan_extract.reading import DEFAULT_GLOB, DEFAULT_MAX_CHARS, Document, InputError, read_document

REPORT_NAME = "_report.json"
CHUNK = 8  # files a worker takes at a time: enough for nlp.pipe batching, small for balance
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


class ClashError(InputError):
    """Two inputs would write the same output: refused before any work."""


@dataclass(frozen=True)
class Job:
    """One input (a path, a URL or "-"), the output file it maps to when writing to a folder,
    and its own document date (from a manifest row)."""

    source: str
    target: str | None = None
    document_date: str | None = None


@dataclass
class Outcome:
    source: str
    target: str | None = None
    json: str | None = None
    error: str | None = None
    text: str | None = None  # the text as read, kept for --save-text


@dataclass
class Report:
    """What a run did: `succeeded` outputs were written, `failed` inputs have an error record,
    `skipped` outputs were up to date (`--resume`); `not_done` lists the inputs an interruption
    left for `--resume`; `skipped_paths` the folder links not followed (loops)."""

    files: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    skipped_paths: list[dict[str, str]] = field(default_factory=list)
    interrupted: bool = False
    not_done: list[str] = field(default_factory=list)

    def record(self, outcome: Outcome) -> None:
        self.files += 1
        if outcome.error is None:
            self.succeeded += 1
        else:
            self.failed += 1
            self.errors.append({"path": outcome.source, "reason": outcome.error})

    def summary(self) -> str:
        skipped = f", {self.skipped} skipped (up to date)" if self.skipped else ""
        line = f"{self.files} file{'' if self.files == 1 else 's'}: {self.succeeded} succeeded, {self.failed} failed{skipped}"
        if self.interrupted:
            line = f"interrupted: {line}, {len(self.not_done)} not done (run again with --resume)"
        return line

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def as_json(self) -> str:
        return json.dumps({"report": self.as_dict()}, ensure_ascii=False)


@dataclass
class Inputs:
    """The inputs of a run: jobs to do, and inputs refused before any work (missing paths,
    folders matching nothing) as error outcomes, and folder links not followed."""

    jobs: list[Job] = field(default_factory=list)
    refused: list[Outcome] = field(default_factory=list)
    skipped_paths: list[dict[str, str]] = field(default_factory=list)


def collect(paths: Sequence[Path | str], out_dir: Path | None = None, pattern: str = DEFAULT_GLOB) -> Inputs:
    """Expand folders (recursively, sorted, hidden entries and the output folder skipped, links
    to folders followed once) into jobs, checking that each input exists, without reading it.
    `pattern` holds one or more glob patterns separated by commas ("*.txt,*.pdf").

    With `out_dir`, a folder's files map to `out_dir/<path inside the folder>.json` when it is
    the only argument, and to `out_dir/<folder name>/<path inside the folder>.json` among several
    arguments; a file given by name maps to `out_dir/<name>.json`. Targets never leave
    `out_dir`, and two inputs that would write the same target raise `ClashError`.
    """
    found = Inputs()
    out_resolved = out_dir.resolve() if out_dir else None
    several = len(paths) > 1
    for path in paths:
        source = str(path)
        if is_url(source):
            try:
                check_url(source)
            except InputError as exc:
                found.refused.append(Outcome(source, error=str(exc)))
                continue
            found.jobs.append(Job(source, _target(out_dir, Path(url_name(source))) if out_dir else None))
        elif source == "-":
            found.jobs.append(Job("-", _target(out_dir, Path("stdin.json")) if out_dir else None))
        elif (path := Path(path)).is_dir():
            files = _walk(path, pattern, out_resolved, found.skipped_paths)
            if not files:
                found.refused.append(Outcome(str(path), error=(
                    f"{path}: no file matches {pattern!r} in this folder "
                    f"(choose the files to read with --glob, e.g. --glob '*.md')")))
            prefix = Path(path.resolve().name) if several else Path()
            for file in files:
                target = _target(out_dir, prefix / file.relative_to(path)) if out_dir else None
                found.jobs.append(Job(str(file), target))
        elif not os.path.lexists(path):
            error = f"{path}: no such file"
            if "://" in source:  # "ftp://…", "htps://…": not a file, and not an address we fetch
                error = f"{source}: no such file, and only http:// and https:// addresses are fetched"
            found.refused.append(Outcome(source, error=error))
        else:
            found.jobs.append(Job(str(path), _target(out_dir, Path(path.name)) if out_dir else None))
    if out_dir is not None:
        _check_clashes(found.jobs, out_dir)
    return found


def url_name(url: str) -> str:
    """A file name for the output of a URL: the last part of its path, else its host.

    >>> url_name("https://www.example.fr/actualites/plan-velo.html?x=1")
    'plan-velo.html'
    """
    parts = urllib.parse.urlsplit(url)
    name = parts.path.rstrip("/").rsplit("/", 1)[-1] or parts.hostname or "page"
    return re.sub(r"[^\w.-]+", "_", urllib.parse.unquote(name)).lstrip(".") or "page"


def from_manifest(path: Path, out_dir: Path | None = None) -> Inputs:
    """The jobs of a manifest's good rows (an `id` names the output, else the file or URL does)
    and an error outcome, with its line number, for each bad row."""
    from plan_extract.inputs.manifest import read_manifest

    rows, bad = read_manifest(path)
    found = Inputs(refused=[Outcome(row.where, error=row.message) for row in bad])
    for row in rows:
        name = row.id + ".json" if row.id else url_name(row.source) if is_url(row.source) else Path(row.source).name
        found.jobs.append(Job(row.source, _target(out_dir, Path(name)) if out_dir else None, row.document_date))
    if out_dir is not None:
        _check_clashes(found.jobs, out_dir)
    return found


def _walk(root: Path, pattern: str, out_resolved: Path | None, skipped: list[dict[str, str]]) -> list[Path]:
    """The files of `root` that match `pattern`, sorted; links to folders are followed, except
    a link back to a folder already read (a loop), which is listed in `skipped`."""
    files: list[Path] = []
    patterns = [p.strip() for p in pattern.split(",") if p.strip()]
    seen = {root.resolve()}
    for folder, dirs, names in os.walk(root, followlinks=True):
        here = Path(folder)
        kept = []
        for name in sorted(dirs):
            sub = here / name
            if name.startswith(".") or (out_resolved is not None and sub.resolve() == out_resolved):
                continue
            real = sub.resolve()
            if real in seen:
                skipped.append({"path": str(sub), "reason": f"link to a folder already read ({real})"})
                continue
            seen.add(real)
            kept.append(name)
        dirs[:] = kept
        files += [here / n for n in names if not n.startswith(".") and any((here / n).match(p) for p in patterns)]
    return sorted(files)


def _target(out_dir: Path, relative: Path) -> str:
    target = (out_dir / relative).with_suffix(".json")  # "id.2024.json" stays as it is
    if not target.resolve().is_relative_to(out_dir.resolve()):
        raise InputError(f"{relative}: output would leave {out_dir}")
    return str(target)


def _check_clashes(jobs: Sequence[Job], out_dir: Path) -> None:
    owners: dict[str, str] = {str(out_dir / REPORT_NAME): "the run report"}
    for job in jobs:
        assert job.target is not None
        other = owners.setdefault(job.target, job.source)
        if other != job.source:
            raise ClashError(
                f"{other} and {job.source} would both be written to {job.target}; "
                "give them in separate runs or to separate --out folders, narrow --glob, "
                "or name the outputs with the id column of a --manifest")


def text_path(target: Path) -> Path:
    """Where `--save-text` writes the text as read: beside the output, as NAME.txt."""
    return target.with_suffix(".txt")


def check_inputs_kept(jobs: Sequence[Job], out_file: Path | None = None, save_text: bool = False) -> None:
    """Refuse a run that would write over one of its own inputs: `-o article.txt` for
    `article.txt`, `--save-text` beside `article.txt`, a folder written into itself with an input
    `note.json`. Only outputs that exist can be inputs, so a new run costs one look per output."""
    written: dict[Path, None] = {}
    for job in jobs:
        target = Path(job.target) if job.target else out_file
        if target is not None:
            written[target] = None
            if save_text:
                written[text_path(target)] = None
    existing = [path for path in written if path.exists()]
    if not existing:
        return
    inputs: dict[tuple[int, int], str] = {}
    for job in jobs:
        if is_url(job.source) or job.source == "-":
            continue
        with contextlib.suppress(OSError):
            info = os.stat(job.source)
            inputs.setdefault((info.st_dev, info.st_ino), job.source)
    for path in existing:
        info = path.stat()
        source = inputs.get((info.st_dev, info.st_ino))
        if source is not None:
            raise ClashError(f"writing {path} would replace the input {source}; choose another --out")


def up_to_date(job: Job) -> bool:
    """The output exists, is complete (atomic writes) and is newer than its input (a URL's
    output, once written, is up to date)."""
    if job.target is None or not os.path.exists(job.target):
        return False
    if is_url(job.source):
        return True
    try:
        return os.path.getmtime(job.target) >= os.path.getmtime(job.source)
    except OSError:
        return False


def check_writable(folder: Path) -> None:
    """Create `folder` if needed and check that files can be created in it (before any work)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"{folder}: exists and is not a folder") from None
    except OSError as exc:
        raise InputError(f"{folder}: cannot create the output folder ({exc.strerror or exc})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{folder}: cannot write in the output folder (permission denied)")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) back until the block is done: it is delivered right after.

    The handlers are swapped for one that only notes the signal, rather than the signal being
    blocked: a mask set in the main thread does not stop the kernel from handing the signal to
    another thread (the worker pool's), and Python then runs the handler in the main thread
    anyway, inside the block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def note(signum: int, _frame: object) -> None:
        caught.append(signum)

    previous = {held: signal.signal(held, note) for held in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file,
    and no temporary file left behind, even when Ctrl-C comes in the middle.

    The file gets the mode a plain `open(path, "w")` would give (0666 less the umask).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _uninterrupted():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
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
    save_text: bool = False  # keep the text as read in each outcome
    timeout: float | None = None  # for URLs
    lexicon: UserLexicon | None = None  # the words of a user lexicon (docs/lexicon.md), read once


# The settings of this process (a worker gets them from `_init_worker`).
_SETTINGS = [Settings()]


def _init_worker(settings: Settings, load: bool = True, worker: bool = False) -> None:
    _SETTINGS[0] = settings
    if worker:
        # Ctrl-C in a terminal reaches every process of the group: the parent stops the run and
        # writes the report; workers must not die with a traceback of their own.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if load:
        from plan_extract.pipeline import get_nlp

        get_nlp(settings.lexicon)


def process(jobs: Sequence[Job], settings: Settings | None = None) -> list[Outcome]:
    """Read and extract a few jobs in this process, in order; a bad file becomes an error
    outcome, never an exception. The pipeline is loaded at the first readable document."""
    from plan_extract.api import extract_documents
    from plan_extract.export import to_json

    settings = settings or _SETTINGS[0]
    outcomes: list[Outcome] = [Outcome(job.source, job.target) for job in jobs]
    readable: list[tuple[Outcome, Document]] = []
    for job, outcome in zip(jobs, outcomes):
        try:
            document = read_document(job.source, settings.max_chars, settings.timeout)
        except InputError as exc:
            outcome.error = str(exc)
            continue
        if job.document_date:
            document = dataclasses.replace(document, document_date=job.document_date, date_source="given")
        if settings.save_text:
            outcome.text = document.text
        readable.append((outcome, document))
    if not readable:
        return outcomes
    try:
        extractions = extract_documents((doc for _, doc in readable), settings.document_date,
                                        lexicon=settings.lexicon)
        for (outcome, _), extraction in zip(readable, extractions):
            outcome.json = to_json(extraction, indent=settings.indent)
    except Exception:  # noqa: BLE001 - one failing document must not take its chunk down
        for outcome, document in readable:
            if outcome.json is None and outcome.error is None:
                outcome.json, outcome.error = extract_document(document, settings)
    return outcomes


def _process(jobs: Sequence[Job]) -> list[Outcome]:
    return process(jobs)


def extract_document(document: Document, settings: Settings) -> tuple[str | None, str | None]:
    """Extract one document alone: (its JSON, None), or (None, a one-line error)."""
    from plan_extract.api import extract_documents
    from plan_extract.export import to_json

    try:
        extraction = next(extract_documents([document], settings.document_date, lexicon=settings.lexicon))
        return to_json(extraction, indent=settings.indent), None
    except Exception as exc:  # noqa: BLE001
        return None, f"{document.path}: internal error: {type(exc).__name__}: {exc}"


def _chunks(jobs: Sequence[Job], size: int) -> Iterator[list[Job]]:
    for i in range(0, len(jobs), size):
        yield list(jobs[i: i + size])


def run(jobs: Sequence[Job], workers: int = 1, document_date: str | None = None,
        max_chars: int = DEFAULT_MAX_CHARS, indent: int | None = 2, settings: Settings | None = None) -> Iterator[Outcome]:
    """Extract every job, yielding outcomes in input order.

    With `workers` > 1 the files are shared among that many processes, which inherit the pipeline
    loaded once (or load it once each where processes cannot be forked); memory stays flat since
    only a few chunks are in flight at a time. Closing the iterator (or an exception, such as
    KeyboardInterrupt, while it waits) stops the workers.
    """
    settings = settings or Settings(document_date, max_chars, indent)
    if workers <= 1 or len(jobs) <= CHUNK:
        _init_worker(settings, load=False)
        for chunk in _chunks(jobs, CHUNK):
            yield from process(chunk, settings)
        return
    if "fork" in multiprocessing.get_all_start_methods():
        # Load the pipeline once here; forked workers share it copy-on-write and start at once
        # (spaCy's own `nlp.pipe(n_process=...)` works the same way).
        _init_worker(settings)
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(settings, True, True)) as pool:
        for outcomes in pool.imap(_process, _chunks(jobs, CHUNK)):
            yield from outcomes


def consume(outcomes: Iterable[Outcome], on_output: Callable[[Outcome], None], report: Report) -> Report:
    """Hand each successful outcome to `on_output` and record every outcome in `report`.

    Ctrl-C is held back while an outcome is written and recorded: an output on disk is always
    counted in the report (a resumed run skips exactly the files the report says are done)."""
    for outcome in outcomes:
        with _uninterrupted():
            if outcome.error is None:
                try:
                    on_output(outcome)
                except OSError as exc:
                    outcome.error = f"{outcome.target or outcome.source}: cannot write output ({exc.strerror or exc})"
            report.record(outcome)
    return report


def interrupted(report: Report, pending: Iterable[Job]) -> Report:
    """Mark `report` as interrupted, listing the `pending` jobs (those without a record yet)."""
    report.interrupted = True
    report.not_done = [job.source for job in pending]
    return report


class Progress:
    """A one-line progress display on a terminal: files done, rate and time left.

    The rate (and so the time left) is measured from the first finished file, not from the
    start: the first file also pays for loading the model (about 5 s), which would make the
    estimate of a short run several times too long.
    """

    def __init__(self, total: int, stream: TextIO = sys.stderr, clock: Callable[[], float] = time.monotonic,
                 label: str = "plan-extract") -> None:
        self.total, self.stream, self.clock, self.label = total, stream, clock, label
        self.done = 0
        self._first: tuple[float, int] | None = None
        self._last_draw = float("-inf")

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = self.clock()
        if self._first is None:
            self._first = (now, self.done)
        if now - self._last_draw >= 0.1 or self.done >= self.total:
            self._last_draw = now
            self.stream.write("\r" + self.line().ljust(60))
            self.stream.flush()

    def rate(self) -> float | None:
        """Files per second since the first finished file; None before the second."""
        if self._first is None:
            return None
        since, at = self._first
        elapsed = self.clock() - since
        return (self.done - at) / elapsed if self.done > at and elapsed > 0 else None

    def eta(self) -> float | None:
        rate = self.rate()
        return (self.total - self.done) / rate if rate else None

    def line(self) -> str:
        rate, eta = self.rate(), self.eta()
        parts = [f"{self.label} {self.done}/{self.total}"]
        if rate is not None and eta is not None:
            minutes, seconds = divmod(round(eta), 60)
            parts += [f"{rate:.1f} files/s", f"ETA {minutes}:{seconds:02d}"]
        return "  ".join(parts)

    def close(self) -> None:
        if self.done:
            self.stream.write("\n")
            self.stream.flush()

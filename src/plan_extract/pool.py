"""A pool of extraction processes for the server: each loads the pipeline once, takes one text at
a time, and is killed and replaced when a text overruns its time limit.

The server's event loop never runs spaCy itself: it hands a text to an idle process and waits for
the JSON in a thread, so that health checks and other requests are answered meanwhile. A process
that overruns is killed (a rule cannot be interrupted from inside), which is the only way to give
a hard time limit to CPU-bound Python code.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

import anyio

from plan_extract.lexicon import UserLexicon

# How long a new process may take to load the pipeline (spaCy's model, the lexicons).
READY_TIMEOUT = 600.0


class Busy(Exception):
    """No extraction process became free in time."""


class TimeLimit(Exception):
    """The extraction overran its time limit; its process was replaced."""


class ExtractionFailed(Exception):
    """The extraction raised, or its process died; the message says why."""


@dataclass(frozen=True)
class Task:
    """What a process needs for one text: the output is what `plan-extract` prints for it."""

    text: str
    document_date: str | None = None
    path: str | None = None
    indent: int | None = 2


def _work(conn: Connection, lexicon: UserLexicon | None = None) -> None:
    """The loop of one extraction process: load the pipeline (a no-op when forked from the fork
    server, which has it, unless a user lexicon extends it), then answer tasks until EOF."""
    # Ctrl-C in a terminal reaches the whole process group: the server shuts the pool down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from plan_extract.api import extract_documents
    from plan_extract.export import to_json
    from plan_extract.pipeline import get_nlp
    from plan_extract.reading import Document

    get_nlp(lexicon)
    conn.send("ready")
    while True:
        try:
            task: Task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            document = Document(path=task.path, text=task.text, encoding="utf-8")
            extraction = next(extract_documents([document], task.document_date, lexicon=lexicon))
            conn.send((True, to_json(extraction, indent=task.indent)))
        except Exception as exc:  # noqa: BLE001 - reported to the client as a 500
            conn.send((False, f"{type(exc).__name__}: {exc}"))


def _context() -> BaseContext:
    """A fork server where there is one: it loads the pipeline once (`plan_extract.preload`) and
    forks the extraction processes from a process that runs no event loop. Elsewhere each process
    loads the pipeline itself."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        from plan_extract import preload

        os.environ[preload.FLAG] = "1"  # read by the fork server when it imports the module
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([preload.__name__])
        return context
    return multiprocessing.get_context("spawn")


@dataclass(eq=False)
class _Process:
    process: BaseProcess
    conn: Connection
    busy: bool = False  # a task was sent and its answer not read yet

    def stop(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join(10)


class ExtractorPool:
    """`size` extraction processes shared by the requests of one server.

    `await pool.start()` waits until every process has loaded the pipeline; `await
    pool.extract(task, wait, limit)` returns the JSON text or raises Busy, TimeLimit or
    ExtractionFailed; `await pool.close()` ends the processes.
    """

    def __init__(self, size: int, max_queue: int | None = None, lexicon: UserLexicon | None = None) -> None:
        self.size = size
        self.lexicon = lexicon  # the words of a user lexicon, given to every process
        self.max_queue = max_queue  # requests that may wait for a process (with a `wait` limit)
        self._waiting = 0
        self._context = _context()
        self._idle: asyncio.Queue[_Process] = asyncio.Queue()
        self._all: set[_Process] = set()
        self._limiter = anyio.CapacityLimiter(size + 1)  # threads that wait on a process
        self._replacing: set[asyncio.Task[None]] = set()
        self.replaced = 0

    @property
    def ready(self) -> int:
        """Processes that have loaded the pipeline and are not being replaced."""
        return len(self._all)

    @property
    def idle(self) -> int:
        """Processes free to take a text now."""
        return self._idle.qsize()

    @property
    def waiting(self) -> int:
        """Requests waiting for a free process."""
        return self._waiting

    def _spawn(self) -> _Process:
        """Start one process and wait until its pipeline is loaded (blocking: run it in a thread)."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_work, args=(child, self.lexicon), daemon=True, name="plan-extract-worker")
        process.start()
        child.close()
        started = _Process(process, parent)
        try:
            if not parent.poll(READY_TIMEOUT) or parent.recv() != "ready":
                raise ExtractionFailed("an extraction process did not load the pipeline in time")
        except (EOFError, OSError):
            started.stop()
            raise ExtractionFailed("an extraction process died while loading the pipeline") from None
        except ExtractionFailed:
            started.stop()
            raise
        return started

    async def _add(self) -> None:
        started = await anyio.to_thread.run_sync(self._spawn)
        self._all.add(started)
        self._idle.put_nowait(started)

    async def start(self) -> None:
        async with anyio.create_task_group() as group:
            for _ in range(self.size):
                group.start_soon(self._add)

    def _replace(self, broken: _Process) -> None:
        """Kill a process and start another in the background; requests go to the others meanwhile."""
        self._all.discard(broken)
        self.replaced += 1

        async def replace() -> None:
            await anyio.to_thread.run_sync(broken.stop)
            await self._add()

        task = asyncio.get_running_loop().create_task(replace())
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    @staticmethod
    def _call(worker: _Process, task: Task, limit: float) -> tuple[bool, str] | None:
        """Send a task and wait for its answer; None when the limit passed first."""
        worker.busy = True
        worker.conn.send(task)
        if not worker.conn.poll(limit):
            return None
        answer = worker.conn.recv()
        worker.busy = False
        return answer

    async def extract(self, task: Task, wait: float | None, limit: float) -> str:
        """The JSON of one text. Waits at most `wait` seconds for a free process (None: as long as
        it takes) and `limit` seconds for the extraction. A request with a `wait` limit finding
        `max_queue` others already waiting is refused at once."""
        if wait is not None and self._idle.empty() and self.max_queue is not None \
                and self._waiting >= self.max_queue:
            raise Busy(f"all {self.size} extraction processes are busy and {self._waiting} requests wait")
        self._waiting += wait is not None
        try:
            async with asyncio.timeout(wait):
                worker = await self._idle.get()
        except TimeoutError:
            raise Busy(f"all {self.size} extraction processes stayed busy for {wait:g} s") from None
        finally:
            self._waiting -= wait is not None
        try:
            # The thread is not abandoned on cancellation (a client gone): the answer is read first,
            # so that the process is known to be free again.
            answer = await anyio.to_thread.run_sync(self._call, worker, task, limit, limiter=self._limiter)
        except (EOFError, OSError):
            raise ExtractionFailed("the extraction process died (out of memory?)") from None
        finally:
            if worker.busy:
                self._replace(worker)
            else:
                self._idle.put_nowait(worker)
        if answer is None:
            raise TimeLimit(f"the extraction took longer than the time limit of {limit:g} s")
        ok, text = answer
        if not ok:
            raise ExtractionFailed(text)
        return text

    async def close(self) -> None:
        for task in list(self._replacing):
            task.cancel()
        workers = list(self._all)
        self._all.clear()
        for worker in workers:
            await anyio.to_thread.run_sync(worker.stop)

"""The batch on a Dask cluster: `plan-extract DIR -o OUT --dask local|tcp://HOST:8786`.

The files are shared out in chunks (`batch.CHUNK` files a task); a worker reads and extracts a
chunk with the local batch's own function (`batch.process`) and sends the JSON back; this
process writes every output, atomically, as the local batch does. So the run report, `--resume`
and the exit code are the same, each output is written once, by one process, and a chunk that
Dask runs again after losing a worker cannot write anything twice.

Each worker builds the pipeline once, when it starts (`PipelinePlugin`). On a `LocalCluster` the
workers are forked from a fork server that loaded it (as `plan-extract serve` does), so they start
at once and share its memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import threading
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import dask
from distributed import Client, Future, LocalCluster, WorkerPlugin

from plan_extract.batch import CHUNK, Job, Outcome, Settings, process
from plan_extract.lexicon import UserLexicon

# Tasks of one worker process run one at a time: the pipeline keeps per-process caches that
# threads must not share (workers should run with --nthreads 1 anyway).
_LOCK = threading.Lock()


# Settings of the LocalCluster's workers (docs/dask.md gives them for a real cluster):
WORKER_CONFIG = {
    "distributed.worker.multiprocessing-method": "forkserver",
    # Dask sets MALLOC_TRIM_THRESHOLD_=65536 in its workers, to give memory back to the system
    # often: spaCy allocates and frees many small blocks per text, and extraction is then about
    # 20 % slower (measured on the corpus).
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # The statistical profiler samples the running task every 10 ms, taking the GIL from
    # pure-Python extraction for figures the batch never reads.
    "distributed.worker.profile.enabled": False,
}


class PipelinePlugin(WorkerPlugin):
    """Builds the pipeline once per worker, when the worker starts (or joins the cluster), with
    the words of the user lexicon (sent to the workers: they need not see its file)."""

    idempotent = True

    def __init__(self, lexicon: UserLexicon | None = None) -> None:
        self.lexicon = lexicon
        # One plugin per lexicon: a cluster that served another run builds this one too.
        words = lexicon.model_dump_json(exclude_defaults=True) if lexicon is not None else ""
        self.name = f"plan-extract-pipeline-{hashlib.sha1(words.encode()).hexdigest()[:12]}"

    async def setup(self, worker: Any) -> None:
        from plan_extract.pipeline import get_nlp

        # Not on the worker's event loop: its heartbeats go on.
        await asyncio.to_thread(get_nlp, self.lexicon)


def extract_chunk(jobs: Sequence[Job], settings: Settings, cwd: str) -> list[Outcome]:
    """The task: read and extract a chunk of files, relative paths taken from `cwd` (the folder
    the command ran in, which workers of a real cluster see through a shared file system)."""
    with _LOCK:
        try:
            os.chdir(cwd)
        except OSError as exc:
            reason = f"this Dask worker cannot see the folder {cwd} ({exc.strerror}); run from a shared folder"
            return [Outcome(job.source, job.target, error=f"{job.source}: {reason}") for job in jobs]
        return process(jobs, settings)


@contextmanager
def _local_cluster(workers: int) -> Iterator[LocalCluster]:
    """A LocalCluster whose workers are forked from a fork server that loaded the pipeline
    (`plan_extract.preload`); the settings hold as long as the cluster, whose nanny restarts a
    lost worker the same way."""
    from distributed.utils import get_mp_context

    from plan_extract import preload

    previous = os.environ.get(preload.FLAG)
    os.environ[preload.FLAG] = "1"  # read by the fork server when it starts
    try:
        with dask.config.set(WORKER_CONFIG):
            get_mp_context().set_forkserver_preload(["distributed", preload.__name__])
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None, silence_logs=logging.ERROR) as cluster:
                yield cluster
    finally:
        if previous is None:
            os.environ.pop(preload.FLAG, None)
        else:
            os.environ[preload.FLAG] = previous


class ClusterError(Exception):
    """The cluster cannot be started or reached; the message says how to fix it."""


def run(jobs: Sequence[Job], cluster: str, workers: int = 1, settings: Settings | None = None,
        chunk: int = CHUNK) -> Iterator[Outcome]:
    """Connect to a Dask cluster (or raise ClusterError at once), then extract every job there,
    yielding outcomes in input order (as `batch.run`).

    `cluster` is "local" (a LocalCluster of `workers` processes on this machine) or the address of
    a scheduler ("tcp://HOST:8786"). A few chunks per worker thread are in flight at a time, so
    memory stays flat whatever the number of files. A chunk whose workers keep dying (Dask gives up
    after `distributed.scheduler.allowed-failures` losses) is tried again file by file, and a file
    that still fails is an error outcome.
    """
    settings = settings or Settings()
    stack = ExitStack()
    try:
        if cluster == "local":
            client = stack.enter_context(Client(stack.enter_context(_local_cluster(workers))))
        else:
            timeout = dask.config.get("distributed.comm.timeouts.connect")
            client = stack.enter_context(Client(cluster, timeout=timeout))
        client.register_plugin(PipelinePlugin(settings.lexicon))
    except (OSError, TimeoutError, ValueError) as exc:
        stack.close()
        where = "start a local Dask cluster" if cluster == "local" else f"reach the Dask scheduler at {cluster}"
        raise ClusterError(f"cannot {where}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - raised by the workers, e.g. plan_extract not installed there
        stack.close()
        raise ClusterError(f"the Dask workers cannot build the pipeline ({type(exc).__name__}: {exc}); "
                           "install the same plan-extract[dask] in their environment") from None
    return _closing(stack, _ordered(client, jobs, settings, chunk))


def _closing(stack: ExitStack, outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
    with stack:
        yield from outcomes


def _ordered(client: Client, jobs: Sequence[Job], settings: Settings, chunk: int) -> Iterator[Outcome]:
    cwd = os.getcwd()
    run_id = uuid.uuid4().hex[:8]
    window = 2 * max(1, sum(client.nthreads().values())) + 2
    pending: deque[tuple[str, list[Job], Future]] = deque()

    def submit(label: str, part: list[Job]) -> tuple[str, list[Job], Future]:
        key = f"plan-extract-{run_id}-{label}"
        return label, part, client.submit(extract_chunk, part, settings, cwd, key=key, pure=False)

    for start in range(0, len(jobs), chunk):
        pending.append(submit(str(start), list(jobs[start:start + chunk])))
        if len(pending) >= window:
            yield from _result(*pending.popleft(), submit)
    while pending:
        yield from _result(*pending.popleft(), submit)


def _result(label: str, part: list[Job], future: Future, submit: Any) -> Iterator[Outcome]:
    try:
        outcomes = future.result()
    except Exception as exc:  # noqa: BLE001 - KilledWorker (lost too often), a worker out of memory, ...
        failure = exc
    else:
        yield from outcomes
        return
    finally:
        future.release()
    if len(part) == 1:
        job = part[0]
        yield Outcome(job.source, job.target, error=f"{job.source}: failed on the Dask cluster "
                                                    f"({type(failure).__name__}: {failure})")
        return
    singles = [submit(f"{label}.{i}", [job]) for i, job in enumerate(part)]
    for single in singles:
        yield from _result(*single, submit)

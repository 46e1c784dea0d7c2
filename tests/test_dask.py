"""The batch on Dask (`--dask`): a LocalCluster of two worker processes, started by the tests."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed", reason="the Dask batch needs the dask extra")

import dask  # noqa: E402
from distributed import Client  # noqa: E402

from plan_extract import dask_batch  # noqa: E402
from plan_extract.cli import main  # noqa: E402

CORPUS = Path(__file__).parent.parent / "corpus"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus texts and three files that must fail."""
    root = tmp_path_factory.mktemp("dask") / "in"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("*.json", "*.md"))
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02 binaire")
    (root / "long.txt").write_text("mot " * 30_000, encoding="utf-8")
    return root


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(*args: str):
    return CliRunner().invoke(main, [*args, "--max-chars", "100000"])


@pytest.fixture(scope="module")
def local(nlp, inputs: Path) -> tuple[dict[str, bytes], str]:
    """The outputs and stderr of the local batch."""
    result = _run(str(inputs), "-o", str(inputs.parent / "local"), "--jobs", "1", "-q")
    assert result.exit_code == 1  # the three bad files
    return _tree(inputs.parent / "local"), result.stderr


def test_dask_local_gives_the_local_batch_outputs(inputs: Path, local: tuple[dict[str, bytes], str]) -> None:
    expected, messages = local
    out = inputs.parent / "dask-local"
    result = _run(str(inputs), "-o", str(out), "--dask", "local", "--jobs", "2", "-q")
    assert result.exit_code == 1
    assert len(expected) == 22 + 1  # the outputs and _report.json
    assert _tree(out) == expected  # byte for byte, the run report included
    assert result.stderr == messages


@pytest.fixture()
def cluster() -> Iterator[Client]:
    with dask_batch._local_cluster(2) as cluster, Client(cluster) as client:
        yield client


def test_a_worker_killed_mid_run_loses_nothing(inputs: Path, local: tuple[dict[str, bytes], str],
                                               cluster: Client) -> None:
    out = inputs.parent / "dask-killed"
    killed: list[int] = []

    def kill_a_busy_worker_once_under_way() -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not list(out.rglob("*.json")):
            time.sleep(0.05)
        busy = [address for address, keys in cluster.processing().items() if keys]
        pid = cluster.run(os.getpid, workers=busy[:1])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = threading.Thread(target=kill_a_busy_worker_once_under_way, daemon=True)
    killer.start()
    result = _run(str(inputs), "-o", str(out), "--dask", cluster.scheduler.address, "-v")
    killer.join(10)
    assert killed and killed[0] not in cluster.run(os.getpid).values()
    assert result.exit_code == 1, result.output
    done = Counter(line.removeprefix("ok ") for line in result.stderr.splitlines() if line.startswith("ok "))
    assert len(done) == 22 and set(done.values()) == {1}  # every text once, none twice
    assert _tree(out) == local[0]
    resumed = _run(str(inputs), "-o", str(out), "--dask", cluster.scheduler.address, "--resume", "-q")
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    assert (report["skipped"], report["files"], report["failed"]) == (22, 3, 3), resumed.output


def test_dask_usage_errors(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Trois policiers.", encoding="utf-8")
    single = CliRunner().invoke(main, [str(text), "--dask", "local"])
    assert single.exit_code == 2 and "--dask runs a batch of files" in single.output
    stdin = CliRunner().invoke(main, ["-", str(text), "--dask", "local"], input=b"Deux agents.")
    assert stdin.exit_code == 2 and "not standard input" in stdin.output
    wrong = CliRunner().invoke(main, [str(tmp_path), "--dask", "cluster-1"])
    assert wrong.exit_code == 2 and "is not a cluster" in wrong.output


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Trois policiers.", encoding="utf-8")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(main, [str(tmp_path), "-o", str(tmp_path / "out"),
                                           "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert not list((tmp_path / "out").rglob("*.json"))


def test_without_the_extra_dask_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text("Trois policiers.", encoding="utf-8")
    monkeypatch.delitem(sys.modules, "plan_extract.dask_batch")
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails, as when not installed
    result = CliRunner().invoke(main, [str(tmp_path), "--dask", "local"])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: this needs the optional packages of plan-extract[dask] "
                                     "(distributed is missing): in the plan-extract folder, pip install '.[dask]'")

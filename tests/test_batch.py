"""Batches: every file accounted for, outputs identical to single runs, atomic writes, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from plan_extract.batch import Job, collect, up_to_date
from plan_extract.cli import main

CORPUS = Path(__file__).parent.parent / "corpus"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text("L'État consacre 90 000 euros à la prévention.", encoding="utf-8")
    (root / "sub" / "b.txt").write_text("12 caméras seront installées en 2024.", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\x03")
    (root / "latin.txt").write_bytes("Une aide de 300 € pour l'été.".encode("cp1252"))
    (root / "undecodable.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d")
    (root / "long.txt").write_text("mot " * 400, encoding="utf-8")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / ".hidden" / "c.txt").write_text("caché", encoding="utf-8")
    (root / ".dot.txt").write_text("caché", encoding="utf-8")
    (root / "notes.md").write_text("pas un .txt", encoding="utf-8")
    return root


def test_collect_skips_hidden_and_maps_targets(tree: Path, tmp_path: Path) -> None:
    jobs = collect([tree], tmp_path / "out")
    names = [Path(j.source).relative_to(tree).as_posix() for j in jobs]
    assert names == sorted(names)
    assert "sub/b.txt" in names and ".hidden/c.txt" not in names and ".dot.txt" not in names
    assert all(Path(j.target).resolve().is_relative_to((tmp_path / "out").resolve()) for j in jobs)
    assert Path(jobs[names.index("sub/b.txt")].target) == tmp_path / "out" / "sub" / "b.json"


def test_output_folder_inside_input_is_skipped(tree: Path) -> None:
    out = tree / "results"
    (out / "old.txt").parent.mkdir()
    (out / "old.txt").write_text("ancien résultat", encoding="utf-8")
    assert not any("results" in j.source for j in collect([tree], out))


def test_batch_accounts_for_every_file(nlp, tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(tree), "-o", str(out), "--jobs", "1", "--max-chars", "1000"])
    assert result.exit_code == 1, result.output
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    failed = {Path(e["path"]).name for e in report["errors"]}
    assert failed == {"empty.txt", "binary.txt", "undecodable.txt", "long.txt", "loop.txt"}
    assert report["files"] == 8 and report["succeeded"] == 3 and report["failed"] == 5
    assert "8 files: 3 succeeded, 5 failed" in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == [
        "_report.json", "a.json", "latin.json", "sub/b.json"]
    single = CliRunner().invoke(main, [str(tree / "sub" / "b.txt")])
    assert json.loads((out / "sub" / "b.json").read_text(encoding="utf-8")) == json.loads(single.stdout)


def test_jsonl_with_report(nlp, tree: Path) -> None:
    result = CliRunner().invoke(main, [str(tree / "a.txt"), str(tree / "empty.txt"), "--jsonl", "--report"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    assert lines[0]["money"][0]["value"] == 90000
    assert lines[-1]["report"]["failed"] == 1
    assert result.exit_code == 1


def test_resume_skips_complete_outputs(nlp, tree: Path, tmp_path: Path) -> None:
    job = Job(str(tree / "a.txt"), str(tmp_path / "a.json"))
    assert not up_to_date(job)
    Path(job.target).write_text("{}", encoding="utf-8")
    assert up_to_date(job)
    os.utime(job.source, (time.time() + 10, time.time() + 10))
    assert not up_to_date(job)


def test_interrupted_batch_then_resume_gives_the_same_outputs(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i, path in enumerate(sorted(CORPUS.glob("*.txt"))[:12]):
        (src / f"{i:02d}.txt").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    cmd = [sys.executable, "-m", "plan_extract", str(src), "--jobs", "1", "-q"]
    full = tmp_path / "full"
    subprocess.run([*cmd, "-o", str(full)], check=True, timeout=600)
    part = tmp_path / "part"
    proc = subprocess.Popen([*cmd, "-o", str(part)])
    deadline = time.time() + 300
    while time.time() < deadline and len(list(part.glob("*.json"))) < 3:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not list(part.glob("*.json.tmp")) or all(p.name.startswith(".") for p in part.glob("*.tmp"))
    for output in part.glob("*.json"):
        json.loads(output.read_text(encoding="utf-8"))  # never half-written
    subprocess.run([*cmd, "-o", str(part), "--resume"], check=True, timeout=600)
    names = sorted(p.name for p in full.glob("*.json"))
    assert names == sorted(p.name for p in part.glob("*.json"))
    for name in names:
        if name != "_report.json":
            assert (full / name).read_text(encoding="utf-8") == (part / name).read_text(encoding="utf-8")

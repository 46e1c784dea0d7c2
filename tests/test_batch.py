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
from plan_extract.reading import DEFAULT_GLOB

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
    jobs = collect([tree], tmp_path / "out").jobs
    names = [Path(j.source).relative_to(tree).as_posix() for j in jobs]
    assert names == sorted(names)
    assert "sub/b.txt" in names and ".hidden/c.txt" not in names and ".dot.txt" not in names
    assert all(Path(j.target).resolve().is_relative_to((tmp_path / "out").resolve()) for j in jobs)
    assert Path(jobs[names.index("sub/b.txt")].target) == tmp_path / "out" / "sub" / "b.json"


def test_output_folder_inside_input_is_skipped(tree: Path) -> None:
    out = tree / "results"
    (out / "old.txt").parent.mkdir()
    (out / "old.txt").write_text("ancien résultat", encoding="utf-8")
    assert not any("results" in j.source for j in collect([tree], out).jobs)


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


# --- issue 14: never lose or hide a result ----------------------------------------------------


def _outputs(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json") if p.name != "_report.json")


def _report(out: Path) -> dict:
    return json.loads((out / "_report.json").read_text(encoding="utf-8"))


def test_same_names_in_two_folders_get_two_outputs(nlp, tmp_path: Path) -> None:
    for folder in ("d1", "d2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text(f"Le dossier {folder} compte 12 caméras.", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(tmp_path / "d1"), str(tmp_path / "d2"), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert _outputs(out) == ["d1/a.json", "d2/a.json"]
    report = _report(out)
    assert report["files"] == report["succeeded"] == len(_outputs(out)) == 2
    assert json.loads((out / "d2" / "a.json").read_text(encoding="utf-8"))["source"]["path"].endswith("d2/a.txt")


def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any load of the pipeline fail the test: the checks must answer before it."""
    from plan_extract import api, pipeline

    def refuse() -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(pipeline, "get_nlp", refuse)
    monkeypatch.setattr(api, "get_nlp", refuse)


@pytest.mark.parametrize("case", ["extensions", "folders", "report"])
def test_output_clash_is_an_error_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  case: str) -> None:
    _no_model(monkeypatch)
    src = tmp_path / "in"
    if case == "extensions":
        src.mkdir()
        (src / "note.txt").write_text("12 caméras", encoding="utf-8")
        (src / "note.md").write_text("14 caméras", encoding="utf-8")
        args = [str(src), "--glob", "*"]
    elif case == "folders":
        for parent in ("x", "y"):
            (tmp_path / parent / "data").mkdir(parents=True)
            (tmp_path / parent / "data" / "a.txt").write_text("12 caméras", encoding="utf-8")
        args = [str(tmp_path / "x" / "data"), str(tmp_path / "y" / "data")]
    else:
        src.mkdir()
        (src / "_report.txt").write_text("12 caméras", encoding="utf-8")
        args = [str(src)]
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "would both be written to" in result.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("case", ["out-is-the-input", "save-text", "jsonl-into-an-input", "folder-into-itself",
                                  "through-a-link"])
def test_no_output_is_written_over_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    _no_model(monkeypatch)
    src = tmp_path / "in"
    src.mkdir()
    note, old = src / "note.txt", src / "old.json"
    note.write_text("12 caméras seront installées.", encoding="utf-8")
    old.write_text('{"notes": "une sortie plus ancienne, lue ici comme un texte"}', encoding="utf-8")
    before = {path: path.read_bytes() for path in (note, old)}
    args, replaced = {
        "out-is-the-input": ([str(note), "-o", str(note)], note),
        "save-text": ([str(note), "-o", str(src / "note.json"), "--save-text"], note),
        "jsonl-into-an-input": ([str(src), "--jsonl", "-o", str(note)], note),
        "folder-into-itself": ([str(src), "--glob", "*", "-o", str(src)], old),
        "through-a-link": ([str(src / "link.txt"), "-o", str(note)], src / "link.txt"),
    }[case]
    if case == "through-a-link":
        (src / "link.txt").symlink_to(note)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: writing {old if case == 'folder-into-itself' else note} would replace the input {replaced}; "
        "choose another --out")
    assert {path: path.read_bytes() for path in (note, old)} == before
    assert not (src / "note.json").exists() and not (src / "_report.json").exists()


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_outputs_follow_the_umask(nlp, tree: Path, tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        out = tmp_path / "out"
        CliRunner().invoke(main, [str(tree / "a.txt"), str(tree / "sub"), "-o", str(out), "-j", "1"])
        one = tmp_path / "one.json"
        CliRunner().invoke(main, [str(tree / "a.txt"), "-o", str(one)])
        stream = tmp_path / "all.jsonl"
        CliRunner().invoke(main, [str(tree / "a.txt"), "--jsonl", "-o", str(stream)])
    finally:
        os.umask(old)
    expected = 0o666 & ~mask
    for path in (out / "a.json", out / "sub" / "b.json", out / "_report.json", one, stream):
        assert path.stat().st_mode & 0o777 == expected, path


@pytest.mark.parametrize("existing", [False, True])
def test_out_naming_a_folder_puts_the_output_inside(nlp, tree: Path, tmp_path: Path, existing: bool) -> None:
    folder = tmp_path / "newdir"
    if existing:
        folder.mkdir()
    arg = str(folder) if existing else str(folder) + "/"
    result = CliRunner().invoke(main, [str(tree / "a.txt"), "-o", arg])
    assert result.exit_code == 0, result.output
    assert folder.is_dir()
    assert json.loads((folder / "a.json").read_text(encoding="utf-8"))["money"][0]["value"] == 90000


def test_checks_answer_before_the_model_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_model(monkeypatch)
    runner = CliRunner()
    missing = runner.invoke(main, [str(tmp_path / "missing.txt")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    empty_file = tmp_path / "empty.txt"
    empty_file.write_text("", encoding="utf-8")
    assert "empty" in runner.invoke(main, [str(empty_file)]).stderr
    (tmp_path / "nothing").mkdir()
    empty_folder = runner.invoke(main, [str(tmp_path / "nothing"), "-o", str(tmp_path / "o1")])
    assert empty_folder.exit_code == 1 and f"no file matches {DEFAULT_GLOB!r}" in empty_folder.stderr
    blocker = tmp_path / "blocker"
    blocker.write_text("a file", encoding="utf-8")
    unwritable = runner.invoke(main, [str(tmp_path / "missing.txt"), "-o", str(blocker / "x.json")])
    assert unwritable.exit_code == 1 and "blocker" in unwritable.stderr
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("12 caméras", encoding="utf-8")
    out = tmp_path / "done"
    out.mkdir()
    (out / "a.json").write_text("{}", encoding="utf-8")
    os.utime(out / "a.json", (time.time() + 10, time.time() + 10))
    resumed = runner.invoke(main, [str(src), "-o", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "1 skipped (up to date)" in resumed.stderr
    assert _report(out)["skipped"] == 1


def test_folder_matching_nothing_exits_1_and_names_the_pattern(nlp, tree: Path, tmp_path: Path) -> None:
    (tmp_path / "md_only").mkdir()
    (tmp_path / "md_only" / "x.md").write_text("12 caméras", encoding="utf-8")
    result = CliRunner().invoke(main, [str(tmp_path / "md_only")])
    assert result.exit_code == 1
    assert f"no file matches {DEFAULT_GLOB!r}" in result.stderr and "--glob" in result.stderr
    # Beside other inputs, the empty folder is reported and the others run.
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(tree / "sub"), str(tmp_path / "md_only"), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert _outputs(out) == ["sub/b.json"]
    assert _report(out)["errors"][0]["path"] == str(tmp_path / "md_only")


def test_links_to_folders_are_followed_and_loops_reported(nlp, tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "a.txt").write_text("12 caméras", encoding="utf-8")
    (elsewhere / "c.txt").write_text("40 policiers", encoding="utf-8")
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)
    (root / "again").symlink_to(root, target_is_directory=True)  # a loop
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(root), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert _outputs(out) == ["a.json", "linked/c.json"]
    report = _report(out)
    assert [p["path"] for p in report["skipped_paths"]] == [str(root / "again")]
    assert report["files"] == report["succeeded"] == 2


def test_batch_outputs_are_written_as_single_outputs(nlp, tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(main, [str(tree / "sub"), "-o", str(out), "-j", "1"])
    single = CliRunner().invoke(main, [str(tree / "sub" / "b.txt")])
    assert (out / "b.json").read_text(encoding="utf-8") == single.stdout
    compact = tmp_path / "compact"
    CliRunner().invoke(main, [str(tree / "sub"), "-o", str(compact), "-j", "1", "--compact"])
    text = (compact / "b.json").read_text(encoding="utf-8")
    assert text.count("\n") == 1 and json.loads(text) == json.loads(single.stdout)


def test_progress_rate_starts_at_the_first_finished_file() -> None:
    import io

    from plan_extract.batch import Progress

    now = [0.0]
    progress = Progress(12, io.StringIO(), clock=lambda: now[0])
    now[0] = 100.0  # the model took 100 s to load, then the first file was done
    progress.advance()
    assert progress.eta() is None
    for _ in range(2):
        now[0] += 1.0
        progress.advance()
    assert progress.rate() == pytest.approx(1.0)
    assert progress.eta() == pytest.approx(9.0)
    assert progress.line().endswith("ETA 0:09")


FILES = 120


def test_ctrl_c_exits_130_with_a_report_and_resume_finishes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    texts = sorted(CORPUS.glob("*.txt"))
    # Enough files that the batch cannot be over before the first output is seen, even on a
    # loaded machine where the test process is scheduled late (15 chunks of 8 for 2 workers).
    for i in range(FILES):
        (src / f"{i:02d}.txt").write_text(texts[i % len(texts)].read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "plan_extract", str(src), "-o", str(out), "--jobs", "2"]
    # A process group of its own, signalled as a terminal does on Ctrl-C: workers get it too.
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and not list(out.glob("*.json")):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted:" in stderr
    report = _report(out)
    assert report["interrupted"] is True
    assert report["succeeded"] == len(_outputs(out)) and report["succeeded"] > 0
    assert report["succeeded"] + len(report["not_done"]) == FILES and report["not_done"]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    resumed = subprocess.run([*cmd, "--resume", "-q"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert len(_outputs(out)) == FILES
    assert _report(out)["skipped"] == report["succeeded"]


def test_long_texts_reach_the_pipeline_in_bounded_batches(nlp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model's memory grows with the characters it gets at once: a long text is given to it
    in chunks, a bounded number of characters at a time, and the items are the same as those
    of the pieces processed apart (offsets moved)."""
    from plan_extract import api
    from plan_extract.reading import Document

    paragraph = "Le préfet a annoncé 12 caméras et 90 000 euros pour la ville de Caen."
    text = "\n\n".join([paragraph] * 40)
    sizes: list[int] = []
    pipe = nlp.pipe

    def spy(docs, batch_size: int = 32, **kwargs):  # noqa: ANN001, ANN202
        docs = list(docs)
        sizes.append(sum(len(d.text) for d in docs))
        return pipe(docs, batch_size=batch_size, **kwargs)

    monkeypatch.setattr(nlp, "pipe", spy)
    [whole] = api.extract_documents([Document("long", text, None)], chunk_chars=400, batch_chars=1000)
    assert sizes and max(sizes) <= 1000
    assert len(whole.money) == 40 and len(whole.quantities) == 40
    step = len(paragraph) + 2
    assert [m.start for m in whole.money] == [i * step + paragraph.index("90 000") for i in range(40)]
    assert all(text[m.start:m.end] == "90 000 euros" for m in whole.money)


def test_loaded_pipeline_is_frozen_for_the_collector():
    """The shared pipeline's objects go to the permanent generation once it is loaded, so a
    full collection during a batch does not walk the model and the place table."""
    import gc

    from plan_extract.pipeline import get_nlp

    get_nlp()
    assert gc.get_freeze_count() > 100_000


def test_summary_line_counts_in_words(tmp_path: Path) -> None:
    folder = tmp_path / "vide"
    folder.mkdir()
    result = CliRunner().invoke(main, [str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "1 file: 0 succeeded, 1 failed"


def test_ctrl_c_sent_from_another_thread_waits_for_the_end_of_an_atomic_write(tmp_path: Path) -> None:
    # The kernel may hand a process's Ctrl-C to any thread (a batch's pool has several); the
    # write must still finish whole, with no temporary file left, and the interrupt come after.
    import threading

    from plan_extract import batch

    target = tmp_path / "out.json"
    seen_inside: list[bool] = []
    real_replace = os.replace

    def slow_replace(src: str, dst: Path) -> None:
        sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
        sender.start()
        sender.join()
        time.sleep(0.05)  # the handler would run here if the signal were not held back
        seen_inside.append(True)
        real_replace(src, dst)

    batch.os.replace = slow_replace  # type: ignore[assignment]
    try:
        with pytest.raises(KeyboardInterrupt):
            batch.write_atomic(target, '{"ok": true}')
    finally:
        batch.os.replace = real_replace  # type: ignore[assignment]
    assert seen_inside == [True]
    assert json.loads(target.read_text(encoding="utf-8")) == {"ok": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

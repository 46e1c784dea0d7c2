"""The command line, through CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from plan_extract.cli import main
from plan_extract.models import Extraction

TEXT = "Le préfet a annoncé jeudi 12 janvier 2023 que 27 kilos de cannabis ont été saisis. L'État consacre 258 000 euros sur 3 ans à la prévention.\n"


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _run(*args: str, input: bytes | None = None):  # noqa: A002
    return CliRunner().invoke(main, list(args), input=input)


def test_single_file_prints_valid_json(nlp, article: Path) -> None:
    result = _run(str(article))
    assert result.exit_code == 0, result.output
    data = Extraction.model_validate_json(result.stdout)
    assert data.source.path == str(article)
    assert [(q.text, q.unit) for q in data.quantities] == [("27 kilos", "kg")]
    assert data.money[0].value == 258000 and data.money[0].currency == "EUR"
    assert result.stdout.startswith("{\n  ")


def test_compact_output_and_out_file(nlp, article: Path, tmp_path: Path) -> None:
    result = _run(str(article), "--compact")
    assert result.stdout.count("\n") == 1
    target = tmp_path / "out" / "x.json"
    result = _run(str(article), "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["source"]["chars"] == len(TEXT)


def test_stdin_and_document_date(nlp) -> None:
    result = _run("-", "--document-date", "2024-05-02", input=TEXT.encode("utf-8"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"]["path"] is None
    assert data["document_date"] == {"value": "2024-05-02", "source": "given", "evidence": None}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"\x81\x8d\x8f\x90\x9d", "undecodable"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = _run(str(path))
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "nope.txt"))
    assert result.exit_code == 1
    assert "no such file" in result.stderr


def test_bad_document_date(article: Path) -> None:
    result = _run(str(article), "--document-date", "12/01/2023")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_cp1252_file_is_read(nlp, tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Une aide de 500 € pour l'été.".encode("cp1252"))
    result = _run(str(path))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"]["encoding"] == "cp1252"
    assert data["money"][0]["value"] == 500


def test_bom_is_dropped(nlp, tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "12 caméras".encode("utf-8"))
    data = json.loads(_run(str(path)).stdout)
    assert data["source"]["encoding"] == "utf-8-sig"
    assert data["quantities"][0]["start"] == 0


def test_schema_command() -> None:
    result = _run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Extraction"


def test_version() -> None:
    result = _run("--version")
    assert result.exit_code == 0 and "plan-extract" in result.stdout


def test_real_subprocess(article: Path) -> None:
    """The installed console entry point, as a user runs it."""
    proc = subprocess.run([sys.executable, "-m", "plan_extract", str(article), "--compact"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["money"][0]["currency"] == "EUR"
    bad = subprocess.run([sys.executable, "-m", "plan_extract", str(article.with_name("missing.txt"))],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1
    assert bad.stderr.strip().startswith("Error:") and "Traceback" not in bad.stderr


def test_stdin_from_a_terminal_gets_a_hint(tmp_path: Path) -> None:
    """`plan-extract -` typed in a terminal says that it waits for the text (issue 14, point 11)."""
    import os
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "plan_extract", "-", "--compact"], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(slave)
    os.write(master, "L'État consacre 90 000 euros.\n".encode() + b"\x04")  # the text, then Ctrl-D
    out, err = proc.communicate(timeout=300)
    os.close(master)
    assert proc.returncode == 0, err
    assert err.decode().startswith("plan-extract: reading a text from standard input; end it with Ctrl-D")
    assert json.loads(out)["money"][0]["value"] == 90000
    piped = subprocess.run([sys.executable, "-m", "plan_extract", "-", "--compact"], input=b"12 cam\xc3\xa9ras",
                           capture_output=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == b""


def test_eval_with_a_manifest_of_dates(nlp, tmp_path: Path) -> None:
    """`eval --manifest` gives each text the date of its row (issue 16); bad rows are named."""
    import shutil

    fixtures = Path(__file__).parent / "fixtures" / "eval"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("mini.txt", "mini.gold.json"):
        shutil.copy(fixtures / name, corpus / name)
    scores = {}
    for date in ("2024-03-04", "2019-07-01"):
        manifest = tmp_path / f"dates-{date}.csv"
        manifest.write_text(f"path,document_date\ncorpus/mini.txt,{date}\ncorpus/other.txt,2024-01-01\n",
                            encoding="utf-8")
        result = _run("eval", str(corpus), "--manifest", str(manifest), "--json")
        assert result.exit_code == 0, result.output
        assert f"{manifest}:3: no such file" in result.stderr
        scores[date] = json.loads(result.stdout)["given_dates"]
    assert scores["2024-03-04"]["document_date_accuracy"] == 1.0
    assert scores["2019-07-01"]["document_date_accuracy"] == 0.0

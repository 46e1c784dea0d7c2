"""`plan-extract serve`: the real server in a subprocess on a free 127.0.0.1 port, called with httpx."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

httpx = pytest.importorskip("httpx", reason="the server tests need the test extra (httpx)")
pytest.importorskip("starlette", reason="plan-extract serve needs the serve extra")
pytest.importorskip("uvicorn", reason="plan-extract serve needs the serve extra")
psutil = pytest.importorskip("psutil", reason="the test extra installs psutil")

from plan_extract.cli import main  # noqa: E402
from plan_extract.models import json_schema  # noqa: E402

CORPUS = Path(__file__).parent.parent / "corpus"
TIMEOUT = 5.0  # the server's per-text time limit in these tests
MAX_CHARS = 400_000
MAX_QUEUE = 8


class Server:
    def __init__(self, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.process, self.url, self.log = process, url, log
        self.client = httpx.Client(base_url=url, timeout=120)

    def wait_ready(self, workers: int, within: float = 300) -> dict:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            health = self.client.get("/health").json()
            if health["ready"] == workers:
                return health
            time.sleep(0.5)
        raise AssertionError(f"the server did not get {workers} processes back: {health}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("server") / "stderr.log"
    with open(log, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "plan_extract", "serve", "--port", "0", "--workers", "2",
             "--timeout", str(TIMEOUT), "--max-chars", str(MAX_CHARS), "--max-body-mb", "3", "--max-queue", str(MAX_QUEUE)],
            stdout=subprocess.DEVNULL, stderr=err)
    request.getfixturevalue("nlp")  # the tests' own pipeline loads while the server starts
    deadline = time.monotonic() + 300
    url = None
    while url is None and time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"serving on (http://127\.0\.0\.1:\d+)/", log.read_text(encoding="utf-8"))
        url = found and found.group(1)
        time.sleep(0.2)
    if url is None:
        process.kill()
        pytest.fail(f"the server did not start: {log.read_text(encoding='utf-8')}")
    served = Server(process, url, log)
    try:
        yield served
    finally:
        served.client.close()
        children = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        finally:
            if process.poll() is None:
                process.kill()
        gone, alive = psutil.wait_procs(children, timeout=30)
        for child in alive:
            child.kill()
        assert not alive, f"extraction processes left behind: {alive}"
        # uvicorn raises SIGTERM again once it has shut down cleanly, for the caller to see
        assert process.returncode in (0, -signal.SIGTERM), log.read_text(encoding="utf-8")


def _cli(text: str, *args: str) -> str:
    """What `plan-extract -` prints for `text` read on standard input."""
    result = CliRunner().invoke(main, ["-", *args], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    return result.stdout


def _corpus(n: int) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[:n]]


def test_extract_answers_what_the_cli_prints(nlp, server: Server) -> None:
    for text in _corpus(3):
        cli = _cli(text, "--document-date", "2023-01-12")
        answer = server.client.post("/extract", json={"text": text, "document_date": "2023-01-12"})
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
        assert answer.text == cli
        plain = server.client.post("/extract", params={"document_date": "2023-01-12"}, content=text.encode(),
                                   headers={"Content-Type": "text/plain; charset=utf-8"})
        assert plain.text == cli


def test_id_stands_for_the_path_and_compact_is_one_line(server: Server) -> None:
    text = "La ville consacre 40 000 euros à la rénovation de l'école en 2025."
    answer = server.client.post("/extract", params={"compact": "true"}, json={"text": text, "id": "doc-7"})
    assert answer.status_code == 200
    assert answer.text.count("\n") == 1
    data = answer.json()
    assert data["source"] == {"path": "doc-7", "format": "text", "url": None, "encoding": "utf-8", "chars": len(text),
                              "sha256": hashlib.sha256(text.encode()).hexdigest()}
    assert [m["value"] for m in data["money"]] == [40000]


def test_requests_are_concurrent_and_independent(server: Server) -> None:
    texts = [f"Le département recrute {n} agents et investit {n} millions d'euros." for n in range(2, 10)]

    def post(i: int) -> dict:
        return server.client.post("/extract", json={"text": texts[i], "id": i}).json()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(len(texts))))
    for i, data in enumerate(answers):
        n = i + 2
        assert data["source"]["path"] == str(i)
        assert [q["value"] for q in data["quantities"]] == [n]
        assert [m["value"] for m in data["money"]] == [n * 1_000_000]


def test_batch_streams_lines_in_order_with_errors_in_place(server: Server) -> None:
    good = ["Trois radars seront installés en mars 2024.", "La région verse 1,5 million d'euros."]
    body = "\n".join([
        json.dumps({"text": good[0], "id": "a", "document_date": "2024-01-01"}),
        json.dumps({"text": "   ", "id": "blank"}),
        "{not json",
        json.dumps({"text": good[1], "id": 2}),
        json.dumps({"text": "x", "document_date": "2024-02-30", "id": "bad-date"}),
    ]) + "\n"
    with server.client.stream("POST", "/extract/batch", content=body.encode(),
                              headers={"Content-Type": "application/x-ndjson"}) as answer:
        assert answer.status_code == 200
        lines = [json.loads(line) for line in answer.iter_lines() if line]
    assert len(lines) == 5
    single = server.client.post("/extract", params={"compact": "true"},
                                json={"text": good[0], "id": "a", "document_date": "2024-01-01"}).json()
    assert lines[0] == single
    assert lines[1] == {"error": {"status": 422, "code": "empty_text",
                                  "message": "the text is empty or only white space"}, "line": 2, "id": "blank"}
    assert lines[2]["error"]["code"] == "bad_json" and lines[2]["line"] == 3
    assert lines[3]["source"]["path"] == "2" and lines[3]["money"][0]["value"] == 1_500_000
    assert lines[4]["error"]["code"] == "bad_date" and lines[4]["id"] == "bad-date"


@pytest.mark.parametrize(("content", "headers", "status", "code"), [
    (b'{"text": "bonjour"', {"Content-Type": "application/json"}, 400, "bad_json"),
    (b'["bonjour"]', {"Content-Type": "application/json"}, 422, "bad_request"),
    (b'{"document_date": "2023-01-12"}', {"Content-Type": "application/json"}, 422, "missing_text"),
    (b'{"text": "a", "document_date": "12/01/2023"}', {"Content-Type": "application/json"}, 422, "bad_date"),
    (b'{"text": "a", "path": "/etc/passwd"}', {"Content-Type": "application/json"}, 422, "unknown_field"),
    (b'{"text": 12}', {"Content-Type": "application/json"}, 422, "bad_text"),
    (b'{"text": "\\ud800"}', {"Content-Type": "application/json"}, 400, "not_utf8"),
    ("une fête d'été".encode("latin-1"), {"Content-Type": "text/plain"}, 400, "not_utf8"),
    ("une fête".encode("latin-1"), {"Content-Type": "text/plain; charset=latin-1"}, 415, "unsupported_charset"),
    (b"text=bonjour", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
    (b"a" * (MAX_CHARS + 1), {"Content-Type": "text/plain"}, 413, "too_large"),
    (b"a" * (3 * 1024 * 1024 + 1), {"Content-Type": "text/plain"}, 413, "too_large"),
], ids=["truncated", "array", "no-text", "bad-date", "unknown-field", "number", "surrogate", "latin-1",
        "charset", "form", "too-many-chars", "too-many-bytes"])
def test_bad_requests_get_json_errors(server: Server, content: bytes, headers: dict, status: int, code: str) -> None:
    answer = server.client.post("/extract", content=content, headers=headers)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    error = answer.json()["error"]
    assert error["status"] == status and error["code"] == code and error["message"]


def test_paths_and_urls_in_a_request_are_text(server: Server) -> None:
    for text in ("/etc/hostname", "file:///etc/passwd", f"{server.url}/version"):
        data = server.client.post("/extract", json={"text": text}).json()
        assert data["source"]["chars"] == len(text)
        assert data["source"]["sha256"] == hashlib.sha256(text.encode()).hexdigest()


def test_health_schema_version_and_unknown_routes(server: Server) -> None:
    assert server.client.get("/health").json()["status"] == "ok"
    assert server.client.get("/schema").json() == json_schema()
    version = server.client.get("/version").json()
    assert version["schema_version"] == "1.0" and version["spacy"].startswith("3.")
    missing = server.client.get("/nowhere")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = server.client.get("/extract")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_slow_texts_are_cut_off_and_do_not_starve_the_server(server: Server) -> None:
    # Texts that take far longer than the time limit keep both processes busy until they are
    # killed: health is still answered, short texts queue (beyond MAX_QUEUE they are refused at
    # once) and are served by the processes that replace the killed ones.
    corpus = "\n\n".join(_corpus(22))
    slow = (corpus * (MAX_CHARS // len(corpus) + 1))[:MAX_CHARS - 1000]
    short = {"text": "Deux policiers de plus."}
    with ThreadPoolExecutor(2 + MAX_QUEUE + 1) as pool:
        long_ones = [pool.submit(server.client.post, "/extract", json={"text": slow}) for _ in range(2)]
        while server.client.get("/health").json()["idle"] and any(not f.done() for f in long_ones):
            time.sleep(0.05)  # until both processes are taken (health answers meanwhile)
        # Queued half-way through, the short texts wait for the replacements of the killed
        # processes (a fork of the fork server, well under a second) within their own limit.
        time.sleep(TIMEOUT / 2)
        waiting = [pool.submit(server.client.post, "/extract", json=short) for _ in range(MAX_QUEUE)]
        while server.client.get("/health").json()["waiting"] < MAX_QUEUE and not long_ones[0].done():
            time.sleep(0.05)
        refused = server.client.post("/extract", json=short)
        answers = [f.result() for f in long_ones]
        served = [f.result() for f in waiting]
    for answer in answers:
        assert answer.status_code == 504, answer.text
        assert answer.json()["error"]["code"] == "time_limit"
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "busy"
    assert int(refused.headers["retry-after"]) >= 1
    assert [a.status_code for a in served] == [200] * MAX_QUEUE
    assert all(a.json()["quantities"][0]["value"] == 2 for a in served)
    health = server.wait_ready(workers=2)
    assert health["replaced"] >= 2


def test_serve_without_the_extra_says_what_to_install(tmp_path: Path) -> None:
    # A package that shadows starlette and fails to import stands for a missing extra.
    blocker = tmp_path / "starlette"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'starlette'\", "
                                         "name='starlette')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "plan_extract", "serve", "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: this needs the optional packages of plan-extract[serve] (starlette is missing): "
        "in the plan-extract folder, pip install '.[serve]'"]

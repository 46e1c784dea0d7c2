"""Inputs besides plain text (issue 16): web pages, PDF communiqués, URLs, manifests, encodings."""

from __future__ import annotations

import codecs
import hashlib
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from communique import article_parts, write_communique
from plan_extract.cli import main
from plan_extract.inputs.pdf import _join, _mend_compounds
from plan_extract.reading import InputError, read_document

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
ARTICLE = (FIXTURES / "article.txt").read_text(encoding="utf-8")
PAGE = FIXTURES / "page.html"
PAGE_DATE = "2025-03-05"  # article:published_time of the page


@pytest.fixture(scope="module")
def communique(tmp_path_factory: pytest.TempPathFactory) -> Path:
    title, paragraphs = article_parts(ARTICLE)
    return write_communique(tmp_path_factory.mktemp("pdf") / "communique.pdf", title, paragraphs)


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def _items(data: dict) -> dict:
    """The items of an output without their offsets (keys start, end, sentence), nor the source."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("start", "end", "sentence")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip({k: v for k, v in data.items() if k != "source"})


# --- web pages ------------------------------------------------------------------------------


def test_page_main_text_title_and_date() -> None:
    document = read_document(PAGE)
    assert document.text == ARTICLE.strip()
    assert document.text.splitlines()[0] == "Vierzon engage 1,4 million d'euros pour développer les pistes cyclables"
    for noise in ("cookies", "À lire aussi", "Accueil", "S'abonner", "Mentions légales", "dataLayer",
                  "bloc publicitaire", "Châteauroux"):
        assert noise not in document.text
    assert (document.format, document.encoding) == ("html", "utf-8")
    assert (document.document_date, document.date_source) == (PAGE_DATE, "metadata")


def test_page_is_recognised_by_its_content(tmp_path: Path) -> None:
    saved = tmp_path / "saved_page"
    saved.write_bytes(PAGE.read_bytes())
    assert read_document(saved).format == "html"


def test_page_in_windows_1252_declared_in_meta(tmp_path: Path) -> None:
    page = tmp_path / "latin.html"
    page.write_bytes(PAGE.read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="windows-1252"')
                     .encode("cp1252"))
    document = read_document(page)
    assert document.text == ARTICLE.strip() and document.encoding == "cp1252"


def test_page_without_main_text(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text("<html><head><title>Accueil</title></head><body><nav><a href='/'>Accueil</a></nav>"
                    "<script>var a = 1;</script></body></html>", encoding="utf-8")
    result = _run(str(page))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {page}: no main text found in the page (a menu, a form or a " \
                                    "script-only page?)"


def test_page_and_pdf_give_the_items_of_the_plain_text(nlp, tmp_path: Path, communique: Path) -> None:
    plain = tmp_path / "article.txt"
    plain.write_text(ARTICLE, encoding="utf-8")
    from_text = json.loads(_run(str(plain)).stdout)
    from_text_dated = json.loads(_run(str(plain), "--document-date", PAGE_DATE).stdout)
    from_page = json.loads(_run(str(PAGE)).stdout)
    from_pdf = json.loads(_run(str(communique)).stdout)
    assert from_text["money"] and from_text["measures"] and from_text["actors"]
    # The page: its date comes from its metadata, and the items are those of the text read with that date.
    assert from_page["document_date"] == {"value": PAGE_DATE, "source": "metadata", "evidence": None}
    page_items, text_items = _items(from_page), _items(from_text_dated)
    page_items.pop("document_date"), text_items.pop("document_date")
    assert page_items == text_items
    assert from_page["source"]["format"] == "html"
    # The PDF: the same text, so the same items at the same offsets and the same date found in it.
    assert {k: v for k, v in from_pdf.items() if k != "source"} == {k: v for k, v in from_text.items() if k != "source"}
    assert from_pdf["source"]["format"] == "pdf" and from_pdf["source"]["encoding"] is None


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_reading_order_without_headers_footers_or_cuts(communique: Path) -> None:
    document = read_document(communique)
    assert document.format == "pdf"
    # Two pages, two columns: header, footer and page numbers dropped, "commer-" + "ces" mended,
    # "sous-" + "préfète" kept, "au printemps" + "2026." across the page break in one sentence.
    assert document.text == ARTICLE.strip()


def test_line_end_hyphens() -> None:
    def joined(*lines: str) -> str:
        text = _join(list(lines))
        return _mend_compounds(text, text)

    assert joined("la préven-", "tion routière") == "la prévention routière"
    assert joined("le sous-", "préfet de Vierzon") == "le sous-préfet de Vierzon"
    assert joined("Jean-", "Pierre Martin") == "Jean-Pierre Martin"
    assert joined("la mi-", "temps") == "la mi-temps"
    assert _mend_compounds(_join(["un centre-", "ville animé"]), "le centre-ville et " + _join(["un centre-", "ville"])) \
        == "un centre-ville animé"


def _image_only_pdf(path: Path) -> Path:
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 100), "white"), x=10, y=10, w=100)
    pdf.output(str(path))
    return path


def _encrypted_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Le plan prévoit 12 caméras.")
    pdf.output(str(path))
    return path


@pytest.mark.parametrize(("make", "reason"), [
    (_image_only_pdf, "the PDF has no text layer (a scanned image?); run OCR on it first, e.g. with ocrmypdf"),
    (_encrypted_pdf, "the PDF is encrypted (password protected); give an unlocked copy"),
    (lambda p: (p.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage"), p)[1], "damaged PDF"),
    (lambda p: (p.write_bytes(b"plain words in a file named .pdf"), p)[1], "not a PDF file"),
])
def test_bad_pdfs_get_one_line_each(tmp_path: Path, make: Any, reason: str) -> None:
    path = make(tmp_path / "bad.pdf")
    result = _run(str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: {reason}"), result.stderr
    assert "Traceback" not in result.output


def test_a_batch_of_bad_and_good_inputs_goes_on(nlp, tmp_path: Path, communique: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "communique.pdf").write_bytes(communique.read_bytes())
    _image_only_pdf(src / "scan.pdf")
    (src / "page.html").write_bytes(PAGE.read_bytes())
    (src / "huge.txt").write_bytes(b"")
    with open(src / "huge.txt", "r+b") as handle:
        handle.truncate(200 * 1024 * 1024)  # a sparse 200 MB file
    out = tmp_path / "out"
    result = _run(str(src), "--glob", "*", "-o", str(out), "-j", "1")
    assert result.exit_code == 1
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    assert {Path(e["path"]).name: e["reason"].split(": ", 1)[1] for e in report["errors"]} == {
        "scan.pdf": "the PDF has no text layer (a scanned image?); run OCR on it first, e.g. with ocrmypdf",
        "huge.txt": "209.7 MB, more than the 50 MB limit for one input",
    }
    assert sorted(p.name for p in out.glob("*.json")) == ["_report.json", "communique.json", "page.json"]


# --- source, --save-text, encodings ---------------------------------------------------------------


def test_source_records_format_and_the_text_as_read(nlp, tmp_path: Path, communique: Path) -> None:
    out = tmp_path / "out"
    result = _run(str(PAGE), str(communique), "-o", str(out), "--save-text", "-j", "1")
    assert result.exit_code == 0, result.output
    for name, fmt in (("page", "html"), ("communique", "pdf")):
        data = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        text = (out / f"{name}.txt").read_text(encoding="utf-8")
        assert data["source"]["format"] == fmt
        assert data["source"]["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert data["source"]["chars"] == len(text)
        for item in (*data["money"], *data["quantities"], *data["dates"], *data["measures"]):
            assert text[item["start"]:item["end"]] == item["text"]
    single = tmp_path / "one" / "page.json"
    assert _run(str(PAGE), "-o", str(single), "--save-text").exit_code == 0
    assert (tmp_path / "one" / "page.txt").read_text(encoding="utf-8") == ARTICLE.strip()
    refused = _run(str(PAGE), "--save-text")
    assert refused.exit_code == 2 and "--save-text" in refused.stderr


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-16", "utf-16"), ("utf-16-le", None), ("cp1252", "cp1252"), ("latin-1", "cp1252"), ("utf-8", "utf-8")])
def test_text_encodings(tmp_path: Path, encoding: str, expected: str | None) -> None:
    text = "Coût : 300 000 € pour l'été, « vite »."
    path = tmp_path / "t.txt"
    if encoding == "utf-16-le":
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
        expected = "utf-16"
    elif encoding == "latin-1":
        text = text.replace("€", "EUR")
        path.write_bytes(text.encode("latin-1"))
    else:
        path.write_bytes(text.encode(encoding))
    document = read_document(path)
    assert (document.text, document.encoding) == (text, expected)


def test_utf16_output_names_its_encoding(nlp, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("L'État consacre 90 000 euros.".encode("utf-16"))
    data = json.loads(_run(str(path)).stdout)
    assert data["source"]["encoding"] == "utf-16" and data["money"][0]["value"] == 90000


# --- URLs -------------------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    pdf: bytes = b""

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: bytes, ctype: str, status: int = 200, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/actualites/plan-velo.html":
            self._send(PAGE.read_bytes(), "text/html; charset=utf-8")
        elif self.path == "/communique.pdf":
            self._send(self.pdf, "application/pdf")
        elif self.path == "/image.png":
            self._send(b"\x89PNG\r\n", "image/png")
        elif self.path == "/huge":
            self._send(b"", "text/plain", length=300 * 1024 * 1024)
        elif self.path == "/slow":
            time.sleep(3)
            self._send(b"trop tard", "text/plain")
        elif self.path == "/cut":  # the connection closes before the announced length
            self._send("Le préfet annonce un plan".encode(), "text/plain", length=5000)
        elif self.path == "/cut-chunk":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"40\r\nLe pr")
        elif self.path == "/not-http":
            self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/to-ftp":
            self.send_response(301)
            self.send_header("Location", "ftp://127.0.0.1:9/plan.txt")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(b"not here", "text/plain", status=404)


@pytest.fixture(scope="module")
def server(communique: Path) -> Iterator[str]:
    _Handler.pdf = communique.read_bytes()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_url_of_a_page(nlp, server: str) -> None:
    url = f"{server}/actualites/plan-velo.html"
    result = _run(url)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"]["url"] == url and data["source"]["path"] == url and data["source"]["format"] == "html"
    assert data["document_date"]["source"] == "metadata"
    assert data["source"]["sha256"] == hashlib.sha256(ARTICLE.strip().encode("utf-8")).hexdigest()


@pytest.mark.parametrize(("path", "reason"), [
    ("/missing", "HTTP error 404 Not Found"),
    ("/slow", "no answer within 0.5 s (timed out)"),
    ("/image.png", "content type image/png is not a web page, a PDF or a text"),
    ("/huge", "314.6 MB, more than the 50 MB limit"),
    ("/cut", "the answer was cut off (26 of 5000 bytes); try again"),
    ("/cut-chunk", "the answer was cut off (0 bytes read); try again"),
    ("/not-http", "the server's answer is not HTTP ('SSH-2.0-OpenSSH_9.2')"),
    ("/loop", "too many redirects (HTTP 302; a redirect loop?)"),
    ("/to-ftp", "redirected to ftp://127.0.0.1:9/plan.txt, which is not an http:// or https:// address"),
])
def test_url_failures_get_one_line_each(server: str, path: str, reason: str) -> None:
    result = _run(server + path, "--timeout", "0.5")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {server}{path}: {reason}"


def test_refused_connection(tmp_path: Path) -> None:
    result = _run("http://127.0.0.1:9/page.html", "--timeout", "2")
    assert result.exit_code == 1 and result.stderr.startswith("Error: http://127.0.0.1:9/page.html: cannot connect")


@pytest.mark.parametrize(("url", "reason"), [
    ("https://www.example.fr/plan vélo.html",
     "not a valid URL (it contains a space or a control character; write a space as %20)"),
    ("http://[::1/plan.html", "not a valid URL (Invalid IPv6 URL)"),
    ("http://127.0.0.1:99999/plan.html", "not a valid URL (Port out of range 0-65535)"),
    ("https://", "not a valid URL (no host name)"),
    ("ftp://127.0.0.1/plan.txt", "no such file, and only http:// and https:// addresses are fetched"),
])
def test_malformed_addresses_get_one_line_each(url: str, reason: str) -> None:
    result = _run(url)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {url}: {reason}"
    with pytest.raises(InputError, match="not a valid URL|no such file"):
        read_document(url)


def test_a_malformed_address_in_a_batch_is_one_failure(nlp, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("La ville consacre 20 000 euros à la voirie.", encoding="utf-8")
    manifest = tmp_path / "sources.csv"
    manifest.write_text("url,path\nhttp://[::1/a.html,\n,note.txt\n", encoding="utf-8")
    for args in (["http://exa mple.fr/a.html", str(tmp_path / "note.txt")], ["--manifest", str(manifest)]):
        out = tmp_path / f"out{len(args)}"
        result = _run(*args, "-o", str(out), "-j", "1")
        assert result.exit_code == 1, result.output
        report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
        assert (report["files"], report["succeeded"], report["failed"]) == (2, 1, 1)
        assert "not a valid URL" in report["errors"][0]["reason"]
        assert json.loads((out / "note.json").read_text(encoding="utf-8"))["money"][0]["value"] == 20000


def test_batch_of_urls_names_outputs_and_reports_failures(nlp, server: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _run(f"{server}/actualites/plan-velo.html", f"{server}/communique.pdf", f"{server}/missing",
                  "-o", str(out), "-j", "1", "--timeout", "5")
    assert result.exit_code == 1
    assert sorted(p.name for p in out.glob("*.json")) == ["_report.json", "communique.json", "plan-velo.json"]
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    assert report["files"] == 3 and report["failed"] == 1 and report["errors"][0]["path"] == f"{server}/missing"


# --- manifests --------------------------------------------------------------------------------------


def _sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "alpha.txt").write_text("Jeudi, la mairie a installé 12 caméras.", encoding="utf-8")
    (folder / "beta.txt").write_text("L'an dernier, l'État a versé 90 000 euros.", encoding="utf-8")
    return folder


def test_csv_manifest_with_good_and_bad_rows(nlp, tmp_path: Path) -> None:
    folder = _sources(tmp_path)
    manifest = folder / "manifest.csv"
    manifest.write_text(
        "path,url,document_date,id,title\n"
        "alpha.txt,,2024-05-16,first,Caméras\n"
        "beta.txt,,2023-02-01,,Budget\n"
        "missing.txt,,2024-01-01,gone,Absent\n"
        "alpha.txt,,16/05/2024,again,Mauvaise date\n"
        "beta.txt,,,first,Doublon\n"
        ",,,,Vide\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _run("--manifest", str(manifest), "-o", str(out), "-j", "1")
    assert result.exit_code == 1
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    assert {e["path"]: e["reason"].split(": ", 1)[1] for e in report["errors"]} == {
        f"{manifest}:4": f"no such file {folder / 'missing.txt'}",
        f"{manifest}:5": "document_date '16/05/2024' is not a date written YYYY-MM-DD",
        f"{manifest}:6": "id 'first' is already used on line 2",
        f"{manifest}:7": "give either a path or a url",
    }
    assert report["succeeded"] == 2 and report["files"] == 6
    first = json.loads((out / "first.json").read_text(encoding="utf-8"))
    assert first["document_date"] == {"value": "2024-05-16", "source": "given", "evidence": None}
    assert [d["value"] for d in first["dates"]] == ["2024-05-16"]  # "Jeudi" in the week of the given date
    beta = json.loads((out / "beta.json").read_text(encoding="utf-8"))
    assert [d["value"] for d in beta["dates"]] == ["2022"]  # "l'an dernier" from 2023-02-01
    for line in ("manifest.csv:4", "manifest.csv:5", "manifest.csv:6", "manifest.csv:7"):
        assert line in result.stderr


def test_jsonl_manifest_to_stdout(nlp, tmp_path: Path) -> None:
    folder = _sources(tmp_path)
    manifest = folder / "sources.jsonl"
    manifest.write_text(json.dumps({"path": "beta.txt", "document_date": "2021-06-30"}) + "\n"
                        + "{not json}\n" + json.dumps({"path": "alpha.txt"}) + "\n", encoding="utf-8")
    result = _run("--manifest", str(manifest), "--jsonl", "--report")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["document_date"]["value"] for line in lines[:2]] == ["2021-06-30", None]
    assert lines[2]["report"]["errors"][0]["path"] == f"{manifest}:2"
    assert result.exit_code == 1


def test_manifest_errors_of_the_file_itself(tmp_path: Path) -> None:
    bad = tmp_path / "m.csv"
    bad.write_text("fichier,date\na.txt,2024-01-01\n", encoding="utf-8")
    result = _run("--manifest", str(bad))
    assert result.exit_code == 1 and "needs a header row with a path or url column" in result.stderr
    assert _run("--manifest", str(tmp_path / "none.csv")).exit_code == 1
    both = _run("a.txt", "--manifest", str(bad))
    assert both.exit_code == 2


def test_read_document_errors_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.pdf")


def test_a_folder_is_read_for_every_kind_of_input(tmp_path: Path, communique: Path) -> None:
    from plan_extract.batch import collect

    src = tmp_path / "saved"
    src.mkdir()
    (src / "communique.pdf").write_bytes(communique.read_bytes())
    (src / "page.html").write_bytes(PAGE.read_bytes())
    (src / "note.txt").write_text("12 caméras", encoding="utf-8")
    (src / "notes.md").write_text("14 caméras", encoding="utf-8")
    (src / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert [Path(j.source).name for j in collect([src]).jobs] == ["communique.pdf", "note.txt", "page.html"]
    assert [Path(j.source).name for j in collect([src], pattern="*.md, *.txt").jobs] == ["note.txt", "notes.md"]


def test_ligatures_and_soft_hyphens_of_pdf_text() -> None:
    from plan_extract.inputs.pdf import _clean

    assert _clean("le ﬁnancement du ﬂeuve") == "le financement du fleuve"
    assert _clean("la préven\u00ad") == "la préven-"
    assert _clean("la pré\u00advention routière") == "la prévention routière"

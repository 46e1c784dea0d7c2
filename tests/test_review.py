"""`plan-extract review`: self-contained HTML pages showing an extraction over its text."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plan_extract import review
from plan_extract.cli import main
from plan_extract.models import Extraction

# Our own text, full of markup and quotes that must come out as text.
HOSTILE = ('Le conseil a voté "10 000 euros" <script>window.pwned = 1</script> pour l\'école & la crèche.\n'
           '<img src=x onerror="window.pwned = 2"> Rendez-vous à Lyon le 3 mars 2024 ; fin.')


def _span(text: str, words: str, **fields: Any) -> dict[str, Any]:
    start = text.index(words)
    return {"text": words, "start": start, "end": start + len(words), **fields}


def _hostile(path: Path) -> dict[str, Any]:
    text = HOSTILE
    data = {
        "schema_version": "1.0",
        "source": {"path": str(path), "encoding": "utf-8",
                   "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "chars": len(text)},
        "document_date": {"value": "2024-03-03", "source": "text",
                          "evidence": _span(text, "3 mars 2024")},
        "money": [_span(text, "10 000 euros", id="m1", sentence=0, rule='<number> "<currency>"', kind="money",
                        value=10000, currency="EUR")],
        "dates": [_span(text, "le 3 mars 2024", id="d1", sentence=1, rule="<day> <month> <year>", kind="date",
                        type="date", value="2024-03-03", grain="day")],
        # An actor whose mention crosses the start of the amount: the marks must still nest.
        "actors": [_span(text, 'conseil a voté "10', id="a1", sentence=0, rule="<script>alert(1)</script>",
                         kind="actor", name='conseil "municipal"', type="organization",
                         mentions=[_span(text, 'conseil a voté "10', sentence=0)])],
        "locations": [_span(text, "Lyon", id="l1", sentence=1, rule="lexicon commune", kind="location",
                            name="Lyon", type="commune", code="69123",
                            mentions=[_span(text, "Lyon", sentence=1)])],
        "measures": [_span(text, 'Le conseil a voté "10 000 euros"', id="ms1", sentence=0, rule="verb <vote>",
                           kind="measure", action="voter", label='vote de "10 000 euros" <b>', status="done",
                           category="funding", actors=["a1"], money=["m1"], dates=["d1"], locations=["l1"],
                           targets=["l'école <i>"])],
        "plan": None,
    }
    Extraction.model_validate(data)
    return data


def _case(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    text_file = tmp_path / "texte.txt"
    text_file.write_text(HOSTILE, encoding="utf-8")
    data = _hostile(text_file)
    output = tmp_path / "texte.json"
    output.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return output, data


class Page(HTMLParser):
    """What a browser would build: tags, the characters of the text block, marks and links."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.depth = 0  # > 0 inside the text block
        self.marks: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if self.depth:
            self.depth += 1
        elif tag == "div" and attributes.get("class") == "text":
            self.depth = 1
        if tag == "mark":
            self.marks.append(attributes)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)
        if self._in_script:
            self.scripts.append(data)


def test_hostile_text_renders_as_text(tmp_path: Path) -> None:
    output, data = _case(tmp_path)
    result = CliRunner().invoke(main, ["review", str(output), "-o", str(tmp_path / "page.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "page.html").read_text(encoding="utf-8")
    page = Page(html)
    assert "".join(page.text) == HOSTILE
    assert [tag for tag, _ in page.tags].count("script") == 1  # ours only
    assert not any(tag == "img" or "onerror" in attrs for tag, attrs in page.tags)
    assert "<script>window" not in html and "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html
    actor = next(m for m in page.marks if m.get("id") == "item-a1")
    assert actor["data-tip"] == ('actor a1\nname: conseil "municipal"\ntype: organization\n'
                                 'rule: <script>alert(1)</script>')
    assert 'vote de &#34;10 000 euros&#34; &lt;b&gt;' in html and "l&#39;école &lt;i&gt;" in html


def test_page_is_self_contained(tmp_path: Path) -> None:
    output, _ = _case(tmp_path)
    CliRunner().invoke(main, ["review", str(output), "-o", str(tmp_path / "page.html")])
    html = (tmp_path / "page.html").read_text(encoding="utf-8")
    page = Page(html)
    for tag, attrs in page.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed"), tag
        for name in ("src", "href"):
            assert not re.match(r"^(https?:|//|file:)", attrs.get(name) or ""), (tag, attrs)
    assert "url(" not in html and "@import" not in html
    policy = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert policy.startswith("default-src 'none'")
    script = page.scripts[0]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_marks_anchors_and_links(tmp_path: Path) -> None:
    output, data = _case(tmp_path)
    CliRunner().invoke(main, ["review", str(output), "-o", str(tmp_path / "page.html")])
    page = Page((tmp_path / "page.html").read_text(encoding="utf-8"))
    anchors = [m["id"] for m in page.marks if m.get("id")]
    assert sorted(anchors) == sorted(["item-m1", "item-d1", "item-a1", "item-l1", "item-ms1", "document-date"])
    kinds = {m["data-item"]: m["class"] for m in page.marks}
    assert kinds["m1"] == "hl k-money" and kinds["ms1"] == "hl k-measure" and kinds["document-date"] == "hl k-docdate"
    # The actor crosses the amount: the amount is cut, and only its first piece is the anchor.
    assert sum(m["data-item"] == "m1" for m in page.marks) == 2
    ids = {attrs.get("id") for _, attrs in page.tags}
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a" and attrs.get("href", "").startswith("#")]
    assert {"#item-ms1", "#item-a1", "#item-m1", "#item-d1", "#item-l1", "#document-date"} <= set(links)
    assert all(link[1:] in ids for link in links)
    assert all(m.get("tabindex") == "0" for m in page.marks)


@pytest.mark.parametrize("date, shown", [
    ({"value": "2024-03-03", "source": "given", "evidence": None}, "given when extracting (--document-date"),
    ({"value": None, "source": "none", "evidence": None}, "none given or found"),
    ({"value": "2024-03-03", "source": "metadata", "evidence": None}, "from the web page's metadata"),
    (None, "found in the text: <a href=\"#document-date\">“3 mars 2024”</a>"),
])
def test_document_date_and_its_source(tmp_path: Path, date: dict[str, Any] | None, shown: str) -> None:
    data = _hostile(tmp_path / "texte.txt")
    if date is not None:
        data["document_date"] = date
    html = review.render_page(data, HOSTILE)
    assert shown in html
    assert f"Document date: <strong>{(date or {}).get('value', '2024-03-03') or 'none'}</strong>" in html


def test_nesting_keeps_every_character(corpus_out: Path) -> None:
    for output in sorted(corpus_out.glob("*.json"))[:6]:
        data = json.loads(output.read_text(encoding="utf-8"))
        if "sha256" not in data.get("source", {}):
            continue
        text = review.source_text(data)
        page = Page(review.render_page(data, text))
        assert "".join(page.text) == text, output.name
        anchors = {m["id"] for m in page.marks if m.get("id")}
        for key in ("quantities", "money", "dates", "actors", "locations", "measures"):
            for item in data[key]:
                assert f"item-{item['id']}" in anchors, (output.name, item["id"])


def test_batch_site_has_a_page_per_document_and_an_index(corpus_out: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["review", str(corpus_out), "-o", str(site)])
    assert result.exit_code == 0, result.output
    outputs = sorted(p for p in corpus_out.glob("*.json") if p.name != "_report.json")
    assert sorted(p.name for p in site.glob("*.html")) == sorted(["index.html", *(p.stem + ".html" for p in outputs)])
    index = Page((site / "index.html").read_text(encoding="utf-8"))
    rows = re.findall(r'<tr><td><a href="([^"]+)">[^<]*</a></td><td>([^<]*)</td>((?:<td class="num">\d+</td>)+)</tr>',
                      (site / "index.html").read_text(encoding="utf-8"))
    assert len(rows) == len(outputs)
    first = json.loads(outputs[0].read_text(encoding="utf-8"))
    counts = [int(n) for n in re.findall(r"\d+", rows[0][2])]
    assert rows[0][0] == outputs[0].stem + ".html" and rows[0][1] == first["document_date"]["value"]
    assert counts == [len(first[k]) for k in ("quantities", "money", "dates", "actors", "locations", "measures")]
    assert index.scripts == []
    page = (site / rows[0][0]).read_text(encoding="utf-8")
    assert '<a href="index.html">← all documents</a>' in page


def test_jsonl_batch_and_a_missing_text(corpus_out: Path, tmp_path: Path) -> None:
    lines = (corpus_out.parent / "all.jsonl").read_text(encoding="utf-8").splitlines()
    moved = json.loads(lines[1])
    moved["source"]["path"] = str(tmp_path / "gone" / "texte.txt")
    jsonl = tmp_path / "some.jsonl"
    jsonl.write_text("\n".join([lines[0], json.dumps(moved), lines[2], "{broken"]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(jsonl), "-o", str(tmp_path / "site")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith(str(jsonl))]
    assert len(errors) == 2, result.stderr
    assert "texte.txt is not found; extract with --save-text, or give it with --texts" in errors[0]
    assert "not JSON" in errors[1]
    pages = sorted(p.name for p in (tmp_path / "site").glob("*.html"))
    assert len(pages) == 3 and "index.html" in pages
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert index.count('class="error"') == 2
    assert "2 pages written, 2 failed" in result.stderr


def test_texts_option_and_changed_text(tmp_path: Path) -> None:
    output, data = _case(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(tmp_path / "texte.txt", elsewhere / "texte.txt")
    result = CliRunner().invoke(main, ["review", str(output), "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 1 and "is not found; extract with --save-text" in result.stderr
    result = CliRunner().invoke(main, ["review", str(output), "-o", str(tmp_path / "p.html"), "--texts", str(elsewhere)])
    assert result.exit_code == 0, result.output
    (elsewhere / "texte.txt").write_text(HOSTILE + " Ajout.", encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(output), "-o", str(tmp_path / "p.html"),
                                       "--texts", str(elsewhere / "texte.txt")])
    assert result.exit_code == 1 and "has changed since it was extracted" in result.stderr
    assert "Traceback" not in result.output


def test_text_saved_beside_the_output_is_used(tmp_path: Path) -> None:
    # As `--save-text` leaves it: NAME.txt beside NAME.json, the recorded input (a web page
    # here) out of reach.
    output, data = _case(tmp_path)
    data["source"].update(path="https://example.org/conseil.html", format="html",
                          url="https://example.org/conseil.html")
    output.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(output), "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "Source: https://example.org/conseil.html · html" in html
    (tmp_path / "texte.txt").unlink()
    result = CliRunner().invoke(main, ["review", str(output), "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 1 and "conseil.html is not found; extract with --save-text" in result.stderr


def test_bad_review_input_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"source": 3}', encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(bad), "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 1 and "not a plan-extract output" in result.stderr
    result = CliRunner().invoke(main, ["review", str(tmp_path), "-o", str(bad)])
    assert result.exit_code == 1 and "is a file; a batch needs a folder" in result.stderr
    assert "Traceback" not in result.output



def test_a_folder_without_outputs_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    result = CliRunner().invoke(main, ["review", str(folder), "-o", str(tmp_path / "site")])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"{folder}: no *.json output in this folder", "0 pages written, 1 failed"]

# --- in a real browser -----------------------------------------------------------------------

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


class Browser:
    """Headless Chromium driven over the DevTools protocol."""

    def __init__(self, executable: str, profile: Path) -> None:
        import websocket

        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--window-size=1000,800",
             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                pytest.fail("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            target = next(t for t in json.load(response) if t["type"] == "page")
        self.socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.call("Emulation.setFocusEmulationEnabled", enabled=True)  # a headless page has no window focus

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message["result"]
            self.events.append(message)

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while self.js("document.readyState") != "complete" or self.js("location.href") != url:
            assert time.monotonic() < deadline, "page did not load"
            time.sleep(0.05)

    def close(self) -> None:
        if getattr(self, "socket", None):
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture()
def browser(tmp_path: Path) -> Browser:
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    pytest.importorskip("websocket", reason="websocket-client (test extra) drives the browser")
    chromium = Browser(CHROMIUM, tmp_path / "profile")
    yield chromium
    chromium.close()


def test_page_in_a_real_browser(browser: Browser, corpus_out: Path, tmp_path: Path) -> None:
    output = corpus_out / "01_alencon_crack.json"
    data = json.loads(output.read_text(encoding="utf-8"))
    page = tmp_path / "page.html"
    assert CliRunner().invoke(main, ["review", str(output), "-o", str(page)]).exit_code == 0
    browser.call("Network.enable")
    url = page.as_uri()
    browser.open(url)
    money = data["money"][0]["id"]
    # Highlights are visible: painted boxes with the kind's background colour.
    visible = browser.js(f"""(() => {{ const m = document.getElementById('item-{money}');
        const r = m.getBoundingClientRect();
        return [getComputedStyle(m).backgroundColor, r.width > 0 && r.height > 0, m.textContent]; }})()""")
    assert visible[0] not in ("rgba(0, 0, 0, 0)", "transparent") and visible[1] and visible[2] == data["money"][0]["text"]
    assert browser.js("document.querySelectorAll('mark.hl').length") >= sum(
        len(data[k]) for k in ("quantities", "money", "dates", "actors", "locations", "measures"))
    # Focus shows the tooltip with the value, id and rule.
    tip = browser.js(f"document.getElementById('item-{money}').focus(); "
                     f"getComputedStyle(document.getElementById('item-{money}'), '::after').content")
    assert f"money {money}" in tip and "currency: EUR" in tip and "rule:" in tip
    # Toggling a kind hides its highlights, and brings them back.
    hidden = browser.js(f"document.querySelector('input.toggle[data-kind=money]').click(); "
                        f"getComputedStyle(document.getElementById('item-{money}')).backgroundColor")
    assert hidden == "rgba(0, 0, 0, 0)"
    shown = browser.js(f"document.querySelector('input.toggle[data-kind=money]').click(); "
                       f"getComputedStyle(document.getElementById('item-{money}')).backgroundColor")
    assert shown == visible[0]
    # A link of the measures table jumps to its span: the span becomes the target, in view.
    measure = next(m for m in data["measures"] if m["money"])
    link = measure["money"][0]
    browser.js("window.scrollTo(0, document.body.scrollHeight)")
    out_of_view = f"""(() => {{ const r = document.getElementById('item-{link}').getBoundingClientRect();
        return r.bottom < 0 || r.top > innerHeight; }})()"""
    assert browser.js(out_of_view) is True
    browser.js(f"document.querySelector('#row-{measure['id']} a[href=\"#item-{link}\"]').click()")
    time.sleep(0.2)
    state = browser.js(f"""(() => {{ const m = document.getElementById('item-{link}');
        const r = m.getBoundingClientRect();
        return [location.hash, m.matches(':target'), r.top >= 0 && r.bottom <= innerHeight]; }})()""")
    assert state == [f"#item-{link}", True, True]
    # Nothing was fetched but the page itself.
    requested = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert all(u.startswith("file:") and u.split("#")[0] == url for u in requested), requested


def test_hostile_page_in_a_real_browser(browser: Browser, tmp_path: Path) -> None:
    output, _ = _case(tmp_path)
    assert CliRunner().invoke(main, ["review", str(output), "-o", str(tmp_path / "page.html")]).exit_code == 0
    browser.open((tmp_path / "page.html").as_uri())
    assert browser.js("typeof window.pwned") == "undefined"
    assert browser.js("document.querySelector('div.text').textContent") == HOSTILE
    assert browser.js("document.querySelectorAll('img, div.text script').length") == 0
    # Without JavaScript the page reads the same; only the toggles are hidden.
    browser.call("Emulation.setScriptExecutionDisabled", value=True)
    browser.open("about:blank")
    browser.open((tmp_path / "page.html").as_uri() + "#item-l1")
    assert browser.js("document.querySelector('div.text').textContent") == HOSTILE
    assert browser.js("document.documentElement.classList.contains('js')") is False
    assert browser.js("getComputedStyle(document.querySelector('input.toggle')).display") == "none"
    assert browser.js("document.getElementById('item-l1').matches(':target')") is True

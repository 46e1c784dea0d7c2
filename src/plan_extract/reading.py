"""Read inputs as text, with one clear error per kind of bad input.

Three kinds of input: plain text, web pages (`.html`, `.htm`, or HTML by content) and PDF
files (`.pdf`, or `%PDF-` at the start), from a file, standard input or an http(s) URL
(`plan_extract.inputs`). Offsets in the output index the text as read.

Plain text: UTF-8 is read as is and a UTF-8 byte-order mark is dropped; UTF-16 with a
byte-order mark is decoded; a file that is not valid UTF-8 but decodes as Windows-1252 (the
superset of Latin-1 that French administrative sites use) is read as Windows-1252; the
encoding used is reported. NUL bytes mean binary data; an empty or whitespace-only text is
refused.
"""

from __future__ import annotations

import codecs
import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_CHARS = 2_000_000
# The files of a folder that are read unless --glob says otherwise: every kind of input.
DEFAULT_GLOB = "*.txt,*.html,*.htm,*.pdf"
MAX_BYTES = 50_000_000  # bytes: a larger input is refused before it is read
# Control characters other than tab, newline, carriage return and form feed, in a text file,
# show binary data.
_CONTROL = {i for i in range(32) if i not in (9, 10, 12, 13)}


class InputError(ValueError):
    """Input that cannot be processed; the message is one line that says how to fix it."""


@dataclass(frozen=True)
class Document:
    """A decoded input: its path (None for standard input), its text and how it was decoded.

    `format` is "text", "html" or "pdf"; `url` the address it was fetched from; `document_date`
    a date that came with the input (`date_source` "given" from a manifest or the command line,
    "metadata" from a web page).
    """

    path: str | None
    text: str
    encoding: str | None
    format: str = "text"
    url: str | None = None
    document_date: str | None = None
    date_source: str = "given"


def decode(data: bytes, name: str, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Decode the bytes of one input.

    >>> decode("Caf\\xe9".encode("cp1252"), "x.txt").encoding
    'cp1252'
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty (give a text with at least one word)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"), name, "utf-16", max_chars)
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: broken UTF-16 at offset {exc.start}") from None
    if b"\x00" in data:
        raise InputError(f"{name}: binary data (NUL bytes), not a text file")
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data[len(codecs.BOM_UTF8):]
    else:
        encoding, body = "utf-8", data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: undecodable bytes at offset {exc.start} (convert it to UTF-8, e.g. with iconv)"
            ) from None
    return _checked(text, name, encoding, max_chars)


def _checked(text: str, name: str, encoding: str | None, max_chars: int, fmt: str = "text") -> Document:
    if not text.strip():
        raise InputError(f"{name}: the text is empty or only white space")
    if sum(ord(c) in _CONTROL for c in text[:4096]) > 8:
        raise InputError(f"{name}: binary data (control characters), not a text file")
    if len(text) > max_chars:
        raise InputError(f"{name}: {len(text)} characters, more than --max-chars {max_chars}")
    return Document(path=name, text=text, encoding=encoding, format=fmt)


STDIN_HINT = ("plan-extract: reading a text from standard input; end it with Ctrl-D "
              "(or give a FILE instead of -)")


def read_document(path: Path | str, max_chars: int = DEFAULT_MAX_CHARS, timeout: float | None = None) -> Document:
    """Read a file, a URL (http or https) or standard input ("-") as a Document; raise
    InputError on bad input.

    Standard input read from a terminal first gets a one-line hint on stderr, so that a user
    who typed `plan-extract -` knows that the command waits for the text.
    """
    source = str(path)
    if source == "-":
        if sys.stdin.isatty():
            print(STDIN_HINT, file=sys.stderr, flush=True)
        document = read_bytes(sys.stdin.buffer.read(MAX_BYTES + 1), "<stdin>", max_chars)
        return dataclasses.replace(document, path=None)
    from plan_extract.inputs.fetch import TIMEOUT, fetch, is_url

    if is_url(source):
        fetched = fetch(source, timeout if timeout is not None else TIMEOUT, MAX_BYTES)
        document = read_bytes(fetched.data, source, max_chars, kind=fetched.kind, charset=fetched.charset,
                              url=fetched.url)
        return dataclasses.replace(document, url=source if fetched.url == source else fetched.url)
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give a file, or several files")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path}: {size / 1e6:.1f} MB, more than the {MAX_BYTES / 1e6:.0f} MB limit for one input")
        # A pipe or a device has no size ("<(curl …)", /dev/zero): read one byte past the limit.
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InputError(f"{path}: more than the {MAX_BYTES / 1e6:.0f} MB limit for one input")
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied (check the file's read rights)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    suffix = path.suffix.lower()
    kind = "html" if suffix in (".html", ".htm", ".xhtml") else "pdf" if suffix == ".pdf" else None
    return read_bytes(data, str(path), max_chars, kind=kind)


def read_bytes(data: bytes, name: str, max_chars: int = DEFAULT_MAX_CHARS, kind: str | None = None,
               charset: str | None = None, url: str | None = None) -> Document:
    """Read the bytes of one input as `kind` ("text", "html", "pdf"; sniffed when None)."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: more than the {MAX_BYTES / 1e6:.0f} MB limit for one input")
    from plan_extract.inputs.web import looks_like_html

    if kind is None or kind == "text":
        kind = "pdf" if data.startswith(b"%PDF-") else "html" if kind is None and looks_like_html(data) else "text"
    if kind == "pdf":
        from plan_extract.inputs.pdf import pdf_text

        if not data.startswith(b"%PDF-"):
            raise InputError(f"{name}: not a PDF file (it does not start with %PDF-)")
        return _checked(pdf_text(data, name), name, None, max_chars, "pdf")
    if kind == "html":
        from plan_extract.inputs.web import html_text

        if not data.strip():
            raise InputError(f"{name}: the file is empty (give a page with some text)")
        page = html_text(data, name, charset, url)
        document = _checked(page.text, name, page.encoding, max_chars, "html")
        return dataclasses.replace(document, document_date=page.date, date_source="metadata")
    return decode(data, name, max_chars)

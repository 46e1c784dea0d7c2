"""Fetch a URL for extraction: a timeout, a size cap and a content-type check, each failure a
one-line error naming the URL and the reason."""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message

from plan_extract import __version__
from plan_extract.reading import InputError

TIMEOUT = 30.0  # seconds without an answer
MAX_BYTES = 50_000_000
# What can be read, by content type: web pages, PDF files and plain text.
KINDS = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf", "text/plain": "text"}


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    data: bytes
    kind: str  # html | pdf | text
    charset: str | None


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def check_url(url: str) -> None:
    """Raise InputError for an address that cannot be fetched, before any connection.

    >>> check_url("https://www.example.fr/plan vélo.html")
    Traceback (most recent call last):
    ...
    plan_extract.reading.InputError: https://www.example.fr/plan vélo.html: not a valid URL (it contains a space or a control character; write a space as %20)
    """
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise InputError(f"{url}: not a valid URL (it contains a space or a control character; write a space as %20)")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number below 65536
    except ValueError as exc:
        raise InputError(f"{url}: not a valid URL ({exc})") from None
    if not parts.hostname:
        raise InputError(f"{url}: not a valid URL (no host name)")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) addresses only (urllib would also follow one to ftp://)."""

    def redirect_request(self, req: urllib.request.Request, fp, code: int, msg: str, headers: Message,  # noqa: ANN001
                         newurl: str) -> urllib.request.Request | None:
        if not is_url(newurl):
            raise InputError(f"{req.full_url}: redirected to {newurl}, which is not an http:// or https:// address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Fetched:
    """GET `url`; InputError on a refused connection, an HTTP error, a timeout, a content type
    that is not a page, a PDF or text, or a body larger than `max_bytes`."""
    check_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": f"plan-extract/{__version__}",
                                                   "Accept": "text/html, application/pdf, text/plain;q=0.8"})
    try:
        opener = urllib.request.build_opener(_HttpOnlyRedirects)
        with opener.open(request, timeout=timeout) as response:
            headers: Message = response.headers
            ctype = headers.get_content_type()
            kind = KINDS.get(ctype)
            if kind is None:
                raise InputError(f"{url}: content type {ctype} is not a web page, a PDF or a text")
            length = headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(f"{url}: {int(length) / 1e6:.1f} MB, more than the {max_bytes / 1e6:.0f} MB limit")
            data = response.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise InputError(f"{url}: more than the {max_bytes / 1e6:.0f} MB limit")
            # A connection closed before the announced length leaves a truncated page: never
            # extract part of a text as if it were the whole.
            if length and length.isdigit() and len(data) < int(length) and not headers.get("Content-Encoding"):
                raise InputError(f"{url}: the answer was cut off ({len(data)} of {int(length)} bytes); try again")
            return Fetched(response.geturl(), data, kind, headers.get_content_charset())
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:  # urllib gives up after 10 redirects, or at once on a loop
            raise InputError(f"{url}: too many redirects (HTTP {exc.code}; a redirect loop?)") from None
        raise InputError(f"{url}: HTTP error {exc.code} {_one_line(exc.reason)}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise InputError(f"{url}: no answer within {timeout:g} s (timed out)") from None
        raise InputError(f"{url}: cannot connect ({_one_line(getattr(reason, 'strerror', None) or reason)})") from None
    except (TimeoutError, socket.timeout):
        raise InputError(f"{url}: no answer within {timeout:g} s (timed out)") from None
    except OSError as exc:  # before BadStatusLine: a connection closed without answer is both
        raise InputError(f"{url}: cannot be fetched ({_one_line(exc.strerror or exc)})") from None
    except http.client.IncompleteRead as exc:  # a chunked body cut off
        raise InputError(f"{url}: the answer was cut off ({len(exc.partial)} bytes read); try again") from None
    except http.client.BadStatusLine as exc:
        raise InputError(f"{url}: the server's answer is not HTTP ({_one_line(exc)[:80]!r})") from None
    except (ValueError, http.client.HTTPException) as exc:
        # http.client's other errors: a header line too long, a body cut off inside a chunk.
        raise InputError(f"{url}: cannot be fetched ({_one_line(exc) or type(exc).__name__})") from None

"""Fetch a URL for extraction: a timeout, a size cap and a content-type check, each failure a
one-line error naming the URL and the reason."""

from __future__ import annotations

import socket
import urllib.error
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


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Fetched:
    """GET `url`; InputError on a refused connection, an HTTP error, a timeout, a content type
    that is not a page, a PDF or text, or a body larger than `max_bytes`."""
    request = urllib.request.Request(url, headers={"User-Agent": f"plan-extract/{__version__}",
                                                   "Accept": "text/html, application/pdf, text/plain;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
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
            return Fetched(response.geturl(), data, kind, headers.get_content_charset())
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: HTTP error {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise InputError(f"{url}: no answer within {timeout:g} s (timed out)") from None
        raise InputError(f"{url}: cannot connect ({getattr(reason, 'strerror', None) or reason})") from None
    except (TimeoutError, socket.timeout):
        raise InputError(f"{url}: no answer within {timeout:g} s (timed out)") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{url}: cannot be fetched ({exc})") from None

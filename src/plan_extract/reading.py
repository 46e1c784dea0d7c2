"""Read input files as text, with one clear error per kind of bad input.

Policy: UTF-8 is read as is and a UTF-8 byte-order mark is dropped; a file that is not valid
UTF-8 but decodes as Windows-1252 (the superset of Latin-1 that French administrative sites
use) is read as Windows-1252 and its encoding is reported; NUL bytes mean binary data; an empty
or whitespace-only text is refused. Offsets in the output index the decoded text.
"""

from __future__ import annotations

import codecs
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_CHARS = 2_000_000
# Control characters other than tab, newline, carriage return and form feed, in a text file,
# show binary data.
_CONTROL = {i for i in range(32) if i not in (9, 10, 12, 13)}


class InputError(ValueError):
    """Input that cannot be processed; the message is one line that says how to fix it."""


@dataclass(frozen=True)
class Document:
    """A decoded input: its path (None for standard input), its text and how it was decoded."""

    path: str | None
    text: str
    encoding: str | None


def decode(data: bytes, name: str, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Decode the bytes of one input.

    >>> decode("Caf\\xe9".encode("cp1252"), "x.txt").encoding
    'cp1252'
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty (give a text with at least one word)")
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
    if not text.strip():
        raise InputError(f"{name}: the text is empty or only white space")
    if sum(ord(c) in _CONTROL for c in text[:4096]) > 8:
        raise InputError(f"{name}: binary data (control characters), not a text file")
    if len(text) > max_chars:
        raise InputError(f"{name}: {len(text)} characters, more than --max-chars {max_chars}")
    return Document(path=name, text=text, encoding=encoding)


STDIN_HINT = ("plan-extract: reading a text from standard input; end it with Ctrl-D "
              "(or give a FILE instead of -)")


def read_document(path: Path | str, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Read a file (or standard input for "-") as a Document; raise InputError on bad input.

    Standard input read from a terminal first gets a one-line hint on stderr, so that a user
    who typed `plan-extract -` knows that the command waits for the text.
    """
    if str(path) == "-":
        if sys.stdin.isatty():
            print(STDIN_HINT, file=sys.stderr, flush=True)
        document = decode(sys.stdin.buffer.read(), "<stdin>", max_chars)
        return Document(path=None, text=document.text, encoding=document.encoding)
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give a file, or several files")
        data = path.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied (check the file's read rights)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return decode(data, str(path), max_chars)

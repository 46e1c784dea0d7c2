"""The main text of a web page, read with trafilatura, and its publication date from metadata.

trafilatura keeps the article and drops menus, footers, cookie banners, related-article blocks,
scripts and comments; htmldate (through trafilatura) reads the publication date from the
page's metadata (`article:published_time`, JSON-LD `datePublished`, `<time>` elements...).
The title is the first line; paragraphs are separated by a blank line.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from plan_extract.reading import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.I)
# Dates are read from the page's markup only: a date guessed from the text or the URL could be
# any date the article mentions.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
MIN_WORDS = 4


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    date: str | None  # YYYY-MM-DD
    encoding: str


def looks_like_html(data: bytes) -> bool:
    """Sniff a page: `<!doctype html`, `<html` or `<head` near the start."""
    head = data[:4096].lstrip(codecs.BOM_UTF8).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<html" in head)


def decode_html(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode a page: its byte-order mark, else the HTTP charset, else its `<meta charset>`,
    else UTF-8, else Windows-1252. Returns the text and the codec used."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec), codec
    declared = [charset] if charset else []
    match = _META_CHARSET.search(data[:4096])
    if match:
        declared.append(match.group(1).decode("ascii", "replace"))
    for name in [*declared, "utf-8"]:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        if codec == "iso8859-1":
            codec = "cp1252"  # browsers read pages declared Latin-1 as Windows-1252
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace"), "cp1252"


def html_text(data: bytes, name: str, charset: str | None = None, url: str | None = None) -> Page:
    """The main text of a page; InputError when the page holds no article text."""
    import trafilatura

    html, encoding = decode_html(data, charset)
    result = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                         include_tables=True, date_extraction_params=_DATE_PARAMS)
    body = (getattr(result, "text", None) or "").strip() if result is not None else ""
    title = (getattr(result, "title", None) or "").strip() or None
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    # A page whose "main text" is its title or a link label has nothing to read.
    if sum(len(p.split()) for p in paragraphs if p != title) < MIN_WORDS:
        raise InputError(f"{name}: no main text found in the page (a menu, a form or a script-only page?)")
    if title and paragraphs[0] != title:
        paragraphs.insert(0, title)
    date = getattr(result, "date", None)
    return Page("\n\n".join(paragraphs), title, date if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None,
                encoding)

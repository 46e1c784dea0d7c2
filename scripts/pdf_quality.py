#!/usr/bin/env python3
"""Compare PDF text readers on a two-column communiqué: pypdf, pdfplumber's own text, and
plan-extract's reader (pdfplumber words laid out in columns, running lines dropped, cut words
mended). The communiqué is the one the tests write (tests/communique.py), drawn column by column
and, as some layout programs do, row by row across the columns.

Usage: python scripts/pdf_quality.py

Figures per reader and layout: word accuracy (difflib ratio of the word sequence against the
article), running lines left (header, footer, page numbers), words left cut at a line end.
"""

from __future__ import annotations

import difflib
import io
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from communique import article_parts, write_communique  # noqa: E402

RUNNING = ("Communiqué de presse", "Contact presse", "Page 1/", "Page 2/")


def readers() -> dict[str, object]:
    import pdfplumber
    import pypdf

    from plan_extract.reading import read_document

    def with_pypdf(path: Path) -> str:
        return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)

    def with_pdfplumber(path: Path) -> str:
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)

    return {"pypdf extract_text": with_pypdf, "pdfplumber extract_text": with_pdfplumber,
            "plan-extract (pdfplumber words)": lambda path: read_document(path).text}


def main() -> None:
    article = (ROOT / "tests" / "fixtures" / "inputs" / "article.txt").read_text(encoding="utf-8")
    title, paragraphs = article_parts(article)
    words = article.split()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for layout, row_order in (("column order", False), ("row order", True)):
            path = write_communique(Path(tmp) / f"{row_order}.pdf", title, paragraphs, row_order=row_order)
            for name, read in readers().items():
                text = read(path)
                accuracy = difflib.SequenceMatcher(None, words, text.split(), autojunk=False).ratio()
                running = sum(text.count(marker) for marker in RUNNING)
                cut = len([w for w in re.findall(r"\w+-(?=\s)", text) if w not in article])
                rows.append((layout, name, f"{accuracy:.3f}", str(running), str(cut)))
    header = ("layout", "reader", "word accuracy", "running lines", "cut words")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))


if __name__ == "__main__":
    main()

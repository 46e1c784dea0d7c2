"""The text of a PDF communiqué in reading order, read with pdfplumber (pdfminer.six).

pdfplumber gives each word with its position, which the layout needs: a page is cut into
bands, full-width (titles, headers) or in columns (a gap between words wider than a column
gutter, at the same place on many rows), and read band by band, column by column. Running
headers and footers (a line that comes back at the top or bottom of several pages, digits
aside) and page numbers are dropped; lines are joined into paragraphs (a blank line between
paragraphs, found by the vertical gap), words cut at a line end are mended ("préven-" +
"tion" -> "prévention", but "sous-" + "préfet" -> "sous-préfet"), and a sentence that
crosses a column or page break stays whole. See docs/inputs.md for the comparison with pypdf.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass

from pydantic import BaseModel

from plan_extract.reading import InputError
from plan_extract.resources import load_toml

GUTTER = 12.0  # points: a wider gap between two words on a row separates columns
ROW_TOLERANCE = 2.5  # points: words whose tops differ by less are on the same row
MARGIN_BAND = 0.1  # share of the page height, at the top and bottom, where headers and footers sit
SENTENCE_END = tuple(".!?:;»…")
# Typesetting ligatures that PDF files keep as one character ("ﬁnancement").
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                           "\ufb05": "st", "\ufb06": "st"})
SOFT_HYPHEN = "\u00ad"


class _Lexicon(BaseModel):
    compound_heads: list[str]
    page_number: str


LEXICON = load_toml(__package__, "lexicon.toml", _Lexicon)
COMPOUND_HEADS = frozenset(LEXICON.compound_heads)
PAGE_NUMBER = re.compile(LEXICON.page_number, re.I)


@dataclass
class Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    column: int  # -1 full width, 0 left, 1 right


def pdf_text(data: bytes, name: str) -> str:
    """The text of every page of a PDF, in reading order; InputError for an encrypted, damaged
    or image-only file."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [(_page_lines(page), float(page.height)) for page in pdf.pages]
    except PDFPasswordIncorrect:
        raise InputError(f"{name}: the PDF is encrypted (password protected); give an unlocked copy") from None
    except (PDFSyntaxError, PSException) as exc:
        raise InputError(f"{name}: damaged PDF, cannot be read ({exc or type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds of errors on broken files
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise InputError(f"{name}: the PDF is encrypted (password protected); give an unlocked copy") from None
        raise InputError(f"{name}: damaged PDF, cannot be read ({type(exc).__name__}: {exc})") from None
    if not any(lines for lines, _ in pages):
        raise InputError(f"{name}: the PDF has no text layer (a scanned image?); run OCR on it first, "
                         "e.g. with ocrmypdf")
    pages = _drop_running_lines(pages)
    return _paragraphs([lines for lines, _ in pages])


def _rows(words: list[dict]) -> list[list[dict]]:
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if rows and abs(word["top"] - rows[-1][0]["top"]) <= ROW_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w["x0"]) for row in rows]


def _segments(row: list[dict]) -> list[list[dict]]:
    """A row cut where the gap between two words is wider than a gutter."""
    parts = [[row[0]]]
    for word in row[1:]:
        if word["x0"] - parts[-1][-1]["x1"] > GUTTER:
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def _gutter(rows: list[list[dict]], width: float) -> float | None:
    """The x of the gap between two columns: the place in the middle of the page that the
    fewest rows cross (a row crosses where its words, joined over gaps narrower than a gutter,
    cover), with rows on both sides of it; None for a page in one column."""
    spans = [[(seg[0]["x0"], seg[-1]["x1"]) for seg in _segments(row)] for row in rows]
    best: tuple[int, float] | None = None
    run: list[float] = []
    for step in range(int(0.3 * width), int(0.7 * width)):
        x = float(step)
        crossing = sum(any(a < x < b for a, b in row) for row in spans)
        if best is None or crossing < best[0]:
            best, run = (crossing, x), [x]
        elif crossing == best[0] and run and x - run[-1] == 1.0:
            run.append(x)
    if best is None or best[0] > 0.2 * len(rows):
        return None
    x = (run[0] + run[-1]) / 2
    left = sum(any(b <= x for _, b in row) for row in spans)
    right = sum(any(a >= x for a, _ in row) for row in spans)
    return x if left >= 3 and right >= 3 else None


def _clean(text: str) -> str:
    """Ligatures spelled out; a soft hyphen is a cut at a line end and nothing elsewhere.

    >>> _clean("le ﬁnancement de la préven\u00ad")
    'le financement de la préven-'
    """
    text = text.translate(LIGATURES)
    if SOFT_HYPHEN in text:
        text = text.rstrip()
        text = text[:-1].replace(SOFT_HYPHEN, "") + ("-" if text.endswith(SOFT_HYPHEN) else text[-1])
    return text


def _line(words: list[dict], column: int) -> Line:
    return Line(_clean(" ".join(w["text"] for w in words)), min(w["top"] for w in words), max(w["bottom"] for w in words),
                words[0]["x0"], words[-1]["x1"], statistics.median(w["bottom"] - w["top"] for w in words), column)


def _page_lines(page) -> list[Line]:  # noqa: ANN001 - a pdfplumber Page
    """The lines of a page in reading order: full-width bands and, between them, the left
    column then the right one."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    if not words:
        return []
    rows = _rows(words)
    gutter = _gutter(rows, float(page.width))
    bands: list[tuple[int, list[Line]]] = []  # (-1 full | 0 columns, lines)
    height = float(page.height)
    for row in rows:
        if row[0]["top"] < MARGIN_BAND * height or row[0]["bottom"] > (1 - MARGIN_BAND) * height:
            # Headers and footers: each part on its own ("Contact presse ..." apart from "Page 2/3").
            kind, lines = -1, [_line(part, -1) for part in _segments(row)]
        elif gutter is None or any(w["x0"] < gutter < w["x1"] for w in row):
            kind, lines = -1, [_line(row, -1)]
        else:
            left = [w for w in row if w["x1"] <= gutter]
            right = [w for w in row if w["x0"] >= gutter]
            kind, lines = 0, [_line(part, col) for col, part in ((0, left), (1, right)) if part]
        if bands and bands[-1][0] == kind == 0:
            bands[-1][1].extend(lines)
        else:
            bands.append((kind, lines))
    ordered: list[Line] = []
    for kind, lines in bands:
        ordered += lines if kind == -1 else sorted(lines, key=lambda ln: (ln.column, ln.top))
    return ordered


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _drop_running_lines(pages: list[tuple[list[Line], float]]) -> list[tuple[list[Line], float]]:
    """Drop page numbers, and lines in the top or bottom band that come back on other pages."""
    def marginal(line: Line, height: float) -> bool:
        return line.top < MARGIN_BAND * height or line.bottom > (1 - MARGIN_BAND) * height

    counts: dict[str, int] = {}
    for lines, height in pages:
        for shape in {_shape(ln.text) for ln in lines if marginal(ln, height)}:
            counts[shape] = counts.get(shape, 0) + 1
    kept = []
    for lines, height in pages:
        kept.append(([ln for ln in lines if not (marginal(ln, height) and (
            PAGE_NUMBER.match(ln.text) or (len(pages) > 1 and counts[_shape(ln.text)] > 1)))], height))
    return kept


def _paragraphs(pages: list[list[Line]]) -> str:
    """Join lines into paragraphs: a new one after a vertical gap wider than the usual spacing,
    or a change of type size; a column or page break only ends a paragraph after a sentence end."""
    gaps = [b.top - a.top for lines in pages for a, b in zip(lines, lines[1:])
            if a.column == b.column and 0 < b.top - a.top < 3 * a.size]
    spacing = statistics.median(gaps) if gaps else 0.0
    paragraphs: list[list[str]] = []
    previous: Line | None = None
    for lines in pages:
        for index, line in enumerate(lines):
            new = previous is None
            if previous is not None:
                same_flow = index > 0 and line.column == previous.column and line.top > previous.top
                if same_flow:
                    new = (line.top - previous.top > 1.35 * spacing if spacing else False) or \
                        abs(line.size - previous.size) > 0.15 * previous.size
                else:  # a new column, band or page
                    new = previous.text.rstrip().endswith(SENTENCE_END) or abs(line.size - previous.size) > 0.15 * previous.size
            if new:
                paragraphs.append([line.text])
            else:
                paragraphs[-1].append(line.text)
            previous = line
    texts = [_join(lines) for lines in paragraphs]
    known = "\n".join(texts)
    return "\n\n".join(_mend_compounds(t, known) for t in texts)


_CUT = "\u0000"  # marks a line-end hyphen until the whole text is known


def _join(lines: list[str]) -> str:
    out = lines[0].strip()
    for line in lines[1:]:
        line = line.strip()
        if re.search(r"\w-$", out) and line[:1].isalpha():
            out = out[:-1] + _CUT + line
        else:
            out += " " + line
    return out


def _mend_compounds(text: str, known: str) -> str:
    """Resolve the line-end hyphens: keep it in a compound (its head is a compound head, the
    next part is capitalised, or the hyphenated word occurs elsewhere), drop it otherwise."""
    def mend(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        hyphenated = f"{head}-{tail}"
        last = re.split(r"[-'’]", head.lower())[-1]
        if last in COMPOUND_HEADS or head.lower() in COMPOUND_HEADS or tail[:1].isupper() \
                or hyphenated in known.replace(_CUT, "-\u0001"):
            return hyphenated
        return head + tail

    return re.sub(rf"([\w'’-]+){_CUT}(\w+)", mend, text)

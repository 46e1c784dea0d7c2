"""Write a two-column PDF communiqué for the tests, as a press office would typeset it: a
running header, a footer with a contact line and the page number on every page, a title across
both columns, justified-left columns with words cut at line ends ("sécuri-" / "sées") and
compounds broken at their hyphen ("sous-" / "préfète"). The text is the article of
tests/fixtures/inputs/article.txt, so that the items found in the PDF can be compared with
those of the plain text."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

PAGE = (210, 120)  # mm: a short page, so that the article runs over two pages and four columns
MARGIN, GUTTER, LINE, PARAGRAPH_GAP = 15.0, 10.0, 6.0, 3.0
BODY_TOP, BODY_BOTTOM, TITLE_HEIGHT = 22.0, 100.0, 14.0
VOWELS = set("aeiouyéèêàâîôûAEIOUY")


def _fits(pdf: FPDF, text: str, width: float) -> bool:
    return pdf.get_string_width(text) <= width


def _wrap(pdf: FPDF, paragraph: str, width: float) -> list[str]:
    """Greedy lines; a long word that does not fit is cut after a vowel with a hyphen, a
    compound at its own hyphen."""
    lines, line = [], ""
    for word in paragraph.split():
        candidate = f"{line} {word}".strip()
        if _fits(pdf, candidate, width):
            line = candidate
            continue
        cut = None
        if "-" in word[:-1] and _fits(pdf, f"{line} {word.split('-')[0]}-".strip(), width):
            cut = word.index("-") + 1
            head, tail = word[:cut], word[cut:]
        elif len(word) >= 8:
            for i in range(len(word) - 3, 2, -1):
                # Between two consonants after a vowel ("com-merces"), or before a consonant
                # followed by a vowel ("sécu-risées").
                a, b, c = word[i - 1], word[i], word[i + 1]
                syllable = (a not in VOWELS and b not in VOWELS and word[i - 2] in VOWELS) or \
                    (a in VOWELS and b not in VOWELS and c in VOWELS)
                if syllable and word[:i].isalpha() and word[i:].rstrip(".,;:").isalpha() \
                        and _fits(pdf, f"{line} {word[:i]}-".strip(), width):
                    head, tail = word[:i] + "-", word[i:]
                    cut = i
                    break
        if cut is not None:
            lines.append(f"{line} {head}".strip())
            line = tail
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def write_communique(path: Path, title: str, paragraphs: list[str], pages_label: bool = True,
                     row_order: bool = False) -> Path:
    """Write the PDF; with `row_order`, the lines are drawn row by row across the two columns
    (as some layout programs write them) instead of column by column."""
    pdf = FPDF(unit="mm", format=PAGE)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    column_width = (PAGE[0] - 2 * MARGIN - GUTTER) / 2
    pdf.set_font("helvetica", size=11)
    lines: list[tuple[str, bool]] = []  # (line, ends a paragraph)
    for paragraph in paragraphs:
        wrapped = _wrap(pdf, paragraph, column_width)
        lines += [(text, i == len(wrapped) - 1) for i, text in enumerate(wrapped)]
    placed: list[list[tuple[float, float, str]]] = []  # per page: (x, y, text)
    column, y, page = 0, BODY_TOP + TITLE_HEIGHT, 0
    placed.append([])
    for text, last in lines:
        if y + LINE > BODY_BOTTOM:
            column += 1
            if column == 2:
                column, page = 0, page + 1
                placed.append([])
            y = BODY_TOP + (TITLE_HEIGHT if page == 0 else 0)
        placed[page].append((MARGIN + column * (column_width + GUTTER), y, text))
        y += LINE + (PARAGRAPH_GAP if last else 0)
    for number, items in enumerate(placed, 1):
        pdf.add_page()
        pdf.set_font("helvetica", size=9)
        pdf.set_xy(MARGIN, 8)
        pdf.cell(PAGE[0] - 2 * MARGIN, 5, "Ville de Vierzon - Communiqué de presse", align="C")
        pdf.set_xy(MARGIN, PAGE[1] - 11)
        pdf.cell(120, 5, "Contact presse : service communication, 02 48 52 65 00")
        if pages_label:
            pdf.set_xy(PAGE[0] - MARGIN - 30, PAGE[1] - 11)
            pdf.cell(30, 5, f"Page {number}/{len(placed)}", align="R")
        if number == 1:
            pdf.set_font("helvetica", style="B", size=14)
            pdf.set_xy(MARGIN, BODY_TOP)
            pdf.multi_cell(PAGE[0] - 2 * MARGIN, 6, title)
        pdf.set_font("helvetica", size=11)
        for x, top, text in sorted(items, key=lambda item: (item[1], item[0])) if row_order else items:
            pdf.set_xy(x, top)
            pdf.cell(column_width, LINE, text)
    pdf.output(str(path))
    return path


def article_parts(text: str) -> tuple[str, list[str]]:
    """The title and the paragraphs of a plain-text article (blank lines between them)."""
    parts = [p.strip() for p in text.strip().split("\n\n")]
    return parts[0], parts[1:]

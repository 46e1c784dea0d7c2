"""The Python API: `extract(text)` for one text, `extract_many(texts)` streaming over `nlp.pipe`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from plan_extract.export import doc_to_extraction
from plan_extract.models import Extraction
from plan_extract.pipeline import get_nlp
from plan_extract.reading import Document

DateLike = dt.date | str | None

if not Doc.has_extension("document_date"):
    # {"value": "2023-01-12", "source": "given" | "text" | "none", "start": int | None, "end": int | None}
    Doc.set_extension("document_date", default=None)
if not Doc.has_extension("plan"):
    Doc.set_extension("plan", default=None)


def _iso(date: DateLike) -> str | None:
    if date is None:
        return None
    if isinstance(date, dt.date):
        return date.isoformat()
    try:
        return dt.date.fromisoformat(date).isoformat()
    except ValueError as exc:
        raise ValueError(f"document date {date!r} is not an ISO date (YYYY-MM-DD)") from exc


def make_doc(text: str, document_date: DateLike = None) -> Doc:
    """A tokenised Doc carrying the given document date, ready for the pipeline."""
    doc = get_nlp().make_doc(text)
    iso = _iso(document_date)
    doc._.document_date = {"value": iso, "source": "given", "start": None, "end": None} if iso else None
    return doc


def extract(text: str, document_date: DateLike = None, path: str | None = None,
            encoding: str | None = None) -> Extraction:
    """Extract quantities, money, dates, actors, places and measures from one French text.

    `document_date` (a `datetime.date` or an ISO string) anchors relative dates; without it the
    date is looked for in the text.

    >>> extract("L'ARS consacre 258 000 euros sur 3 ans.").money[0].value
    Decimal('258000')
    """
    return doc_to_extraction(get_nlp()(make_doc(text, document_date)), path=path, encoding=encoding)


def extract_many(texts: Iterable[str], document_date: DateLike = None, batch_size: int = 32) -> Iterator[Extraction]:
    """Stream extractions for many texts through `nlp.pipe`; the order of the input is kept.

    >>> [len(e.money) for e in extract_many(["10 euros", "rien"])]
    [1, 0]
    """
    documents = (Document(path=None, text=text, encoding=None) for text in texts)
    return extract_documents(documents, document_date, batch_size)


def extract_documents(documents: Iterable[Document], document_date: DateLike = None,
                      batch_size: int = 32) -> Iterator[Extraction]:
    """Like `extract_many`, for documents read from files (their path and encoding are reported)."""
    nlp = get_nlp()
    pending: list[Document] = []

    def docs() -> Iterator[Doc]:
        for document in documents:
            pending.append(document)
            yield make_doc(document.text, document_date)

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        document = pending.pop(0)
        yield doc_to_extraction(doc, path=document.path, encoding=document.encoding)

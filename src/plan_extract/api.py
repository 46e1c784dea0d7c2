"""The Python API: `extract(text)` for one text, `extract_many(texts)` streaming over `nlp.pipe`."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.tokens import Doc

from plan_extract.export import doc_to_extraction, span_keys
from plan_extract.lexicon import LexiconLike
from plan_extract.models import Extraction
from plan_extract.pipeline import get_nlp
from plan_extract.reading import Document
from plan_extract.spans import release, remember_text

DateLike = dt.date | str | None
LexiconPath = LexiconLike  # a user lexicon file, or one already read
# Texts longer than this are cut on paragraph boundaries and processed chunk by chunk; the chunks
# are joined back into one Doc whose offsets index the original text. The model's working
# memory grows with the characters it is given at once (about 4 KiB a character), so a chunk
# is short and a batch handed to the pipeline holds at most BATCH_CHARS characters: memory
# then depends on the length of a text only through what is kept of it (see scripts/benchmark.py).
CHUNK_CHARS = 20_000
BATCH_CHARS = 60_000

if not Doc.has_extension("document_date"):
    # {"value": "2023-01-12", "source": "given" | "text" | "none", "start": int | None, "end": int | None}
    Doc.set_extension("document_date", default=None)


def _iso(date: DateLike) -> str | None:
    if date is None:
        return None
    if isinstance(date, dt.date):
        return date.isoformat()
    try:
        return dt.date.fromisoformat(date).isoformat()
    except ValueError as exc:
        raise ValueError(f"document date {date!r} is not an ISO date (YYYY-MM-DD)") from exc


def make_doc(text: str, document_date: DateLike = None, source: str = "given", nlp: Language | None = None) -> Doc:
    """A tokenised Doc carrying the document date (`source`: "given", or "metadata" for a date
    read from a web page), ready for the pipeline."""
    doc = remember_text((nlp or get_nlp()).make_doc(text), text)
    iso = _iso(document_date)
    doc._.document_date = {"value": iso, "source": source, "start": None, "end": None} if iso else None
    return doc


def _date_of(document: Document, document_date: DateLike) -> tuple[DateLike, str]:
    """The date a document is read with: its own given date (a manifest row), else the date
    given for all, else the date of its metadata (a web page), else none (found in the text)."""
    if document.document_date and document.date_source == "given":
        return document.document_date, "given"
    if document_date:
        return document_date, "given"
    return document.document_date, document.date_source


def extract(text: str, document_date: DateLike = None, path: str | None = None,
            encoding: str | None = None, lexicon: LexiconPath = None) -> Extraction:
    """Extract quantities, money, dates, actors, places and measures from one French text.

    `document_date` (a `datetime.date` or an ISO string) anchors relative dates; without it the
    date is looked for in the text. `lexicon` is a user lexicon file (docs/lexicon.md).

    >>> extract("L'ARS consacre 258 000 euros sur 3 ans.").money[0].value
    Decimal('258000')
    """
    nlp = get_nlp(lexicon)
    doc = nlp(make_doc(text, document_date, nlp=nlp))
    extraction = doc_to_extraction(doc, path=path, encoding=encoding, keys=span_keys(nlp), text=text)
    release(doc)
    return extraction


def extract_many(texts: Iterable[str], document_date: DateLike = None, batch_size: int = 32,
                 lexicon: LexiconPath = None) -> Iterator[Extraction]:
    """Stream extractions for many texts through `nlp.pipe`; the order of the input is kept.

    >>> [len(e.money) for e in extract_many(["10 euros", "rien"])]
    [1, 0]
    """
    documents = (Document(path=None, text=text, encoding=None) for text in texts)
    return extract_documents(documents, document_date, batch_size, lexicon=lexicon)


def extract_documents(documents: Iterable[Document], document_date: DateLike = None,
                      batch_size: int = 32, chunk_chars: int = CHUNK_CHARS,
                      batch_chars: int = BATCH_CHARS, lexicon: LexiconPath = None) -> Iterator[Extraction]:
    """Like `extract_many`, for documents read from files (their path and encoding are reported).

    A text longer than `chunk_chars` is processed in chunks cut on paragraph boundaries; the
    pipeline gets at most `batch_size` Docs and `batch_chars` characters at a time (a longer
    Doc goes alone).
    """
    nlp = get_nlp(lexicon)
    keys = span_keys(nlp)
    pending: deque[tuple[Document, list[int], Doc | None]] = deque()

    def docs() -> Iterator[Doc]:
        for document in documents:
            starts = chunk_starts(document.text, chunk_chars)
            ends = [*starts[1:], len(document.text)]
            date, source = _date_of(document, document_date)
            if len(starts) == 1:
                pending.append((document, starts, None))
                yield make_doc(document.text, date, source, nlp)
                continue
            # The first chunk goes first, alone: the date it holds anchors the other chunks.
            first = nlp(make_doc(document.text[:ends[0]], date, source, nlp))
            found = (first._.document_date or {}).get("value")
            pending.append((document, starts, first))
            for start, end in zip(starts[1:], ends[1:]):
                yield make_doc(document.text[start:end], found, nlp=nlp)

    chunks: list[Doc] = []
    for doc in pipe_by_size(nlp, docs(), batch_size, batch_chars):
        document, starts, first = pending[0]
        if first is not None:
            drop_tensor(doc)  # a kept chunk needs its annotations, not the model's vectors
            drop_tensor(first)
        chunks.append(doc)
        if first is None:
            pending.popleft()
            chunks = []
            extraction = doc_to_extraction(doc, path=document.path, encoding=document.encoding,
                                           fmt=document.format, url=document.url, keys=keys, text=document.text)
            release(doc)
            yield extraction
        elif len(chunks) == len(starts) - 1:
            pending.popleft()
            whole = join_chunks([first, *chunks])
            for done in (first, *chunks):
                release(done)
            chunks = []
            extraction = doc_to_extraction(whole, path=document.path, encoding=document.encoding,
                                           fmt=document.format, url=document.url, keys=keys)
            release(whole)
            yield extraction


def _chars(doc: Doc) -> int:
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0


def pipe_by_size(nlp: Language, docs: Iterable[Doc], batch_size: int, batch_chars: int) -> Iterator[Doc]:
    """`nlp.pipe` over batches of at most `batch_size` Docs and `batch_chars` characters, in order.

    >>> [d.text for d in pipe_by_size(get_nlp(), map(get_nlp().make_doc, ["a", "b"]), 32, 1)]
    ['a', 'b']
    """
    batch: list[Doc] = []
    size = 0
    for doc in docs:
        chars = _chars(doc)
        if batch and (len(batch) >= batch_size or size + chars > batch_chars):
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(doc)
        size += chars
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


def drop_tensor(doc: Doc) -> None:
    """Free the model's vectors of a processed Doc (about 400 bytes a token)."""
    if doc.tensor.size:
        doc.tensor = numpy.zeros((0,), dtype="float32")


def chunk_starts(text: str, limit: int) -> list[int]:
    """Start offsets of chunks of at most `limit` characters, cut after a blank line if possible,
    else after a line break, else after a sentence end, else at a space.

    >>> chunk_starts("un.\\n\\ndeux.\\n\\ntrois.", 10)
    [0, 5, 12]
    """
    starts = [0]
    while len(text) - starts[-1] > limit:
        start = starts[-1]
        window = text[start:start + limit]
        for pattern in (r"\n\s*\n", r"\n", r"[.!?»]\s", r"\s"):
            cuts = [m.end() for m in re.finditer(pattern, window)]
            if cuts and cuts[-1] > 0:
                starts.append(start + cuts[-1])
                break
        else:
            starts.append(start + limit)
    return starts


# The span group that carries the evidence of each chunk's document date through `Doc.from_docs`
# (set by `join_chunks` on the chunks, read back on the joined Doc, then removed).
DATE_EVIDENCE_KEY = "plan_extract.document_date"


def join_chunks(chunks: list[Doc]) -> Doc:
    """One Doc from processed chunks, whose offsets index the whole text.

    `Doc.from_docs` carries the span groups and the values of the spans as they are: a link
    between spans is kept relative to the span that holds it (`spans.span_ref`), so nothing
    needs moving. Doc-level values are not carried: the document date is the first chunk's that
    has one, and its evidence goes through the join as a span (in a span group of its chunk), so
    spaCy moves it with the tokens.

    >>> nlp = get_nlp()
    >>> first = nlp("Rien ici.\\n\\n")
    >>> second = nlp("Alençon, le 12 janvier 2023. La ville crée deux postes.")
    >>> whole = join_chunks([first, second])
    >>> info = whole._.document_date
    >>> info["value"], whole.text[info["start"]:info["end"]]
    ('2023-01-12', '12 janvier 2023')
    """
    dated = [c for c in chunks if (c._.document_date or {}).get("value")]
    chosen = dated[0] if dated else chunks[0]
    info = chosen._.document_date
    evidence = info is not None and info.get("start") is not None
    if evidence:
        chosen.spans[DATE_EVIDENCE_KEY] = [chosen.char_span(info["start"], info["end"], alignment_mode="expand")]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Doc-level extensions and caches in user_data are not carried
            whole = Doc.from_docs(chunks, ensure_whitespace=False, exclude=["tensor"])
    finally:
        chosen.spans.pop(DATE_EVIDENCE_KEY, None)
    if evidence:
        [span] = whole.spans.pop(DATE_EVIDENCE_KEY)
        info = {**info, "start": span.start_char, "end": span.end_char}
    whole._.document_date = info
    return whole

"""Small helpers on spaCy spans shared by several dimensions."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from spacy.tokens import Doc, Span


def trim_entity(span: Span, articles: Collection[str]) -> Span:
    """Cut an entity at its first line break; drop leading articles and edge punctuation.

    Scraped pages break lines inside what the NER reads as one name ("Jallet\\nPréfet").
    The result may be empty.
    """
    doc = span.doc
    start, end = span.start, span.end
    for i in range(start, end):
        if doc[i].is_space or "\n" in doc[i].text:
            end = i
            break
    while start < end and (doc[start].lower_ in articles or doc[start].is_punct):
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def last_in_sentence_before(spans: Sequence[Span], anchor: Span, gap: int = 0) -> Span | None:
    """The last of `spans` that ends at least `gap` tokens before `anchor`, in its sentence.

    Elliptical figures take their unit or currency from it: "29 tués, contre 42 en 2022".
    """
    doc = anchor.doc
    sentence_start = anchor.sent.start if doc.has_annotation("SENT_START") else 0
    before = [s for s in spans if sentence_start <= s.start and s.end <= anchor.start - gap]
    return before[-1] if before else None


_TEXT_KEY = "plan_extract.text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc and kept in `doc.user_data`.

    spaCy rebuilds `Doc.text` from the tokens at every access; our components never change the
    tokens, so every component can share one copy.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT_KEY] = text
    return text

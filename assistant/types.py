"""The values every stage hands on: documents, spans, chunks, passages, citations, answers.

Only the standard library is imported here, so that the CLI's help and the types load instantly.
The cleaned text of a Document is canonical: every offset in the product points into it, and a
Span is only ever made by slicing it (``Document.span``), so a quote and its offsets always agree.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

_T = TypeVar("_T")


def per_document(limit: int) -> Callable[[Callable[[Any], _T]], Callable[[Any], _T]]:
    """Cache a function of one document by the document's SHA-256 (a document's bytes fix its
    text): at most ``limit`` documents, then the cache starts over."""

    def wrap(fn: Callable[[Any], _T]) -> Callable[[Any], _T]:
        cache: dict[str, _T] = {}

        @functools.wraps(fn)
        def cached(doc: Any) -> _T:
            got = cache.get(doc.sha256)
            if got is None:
                if len(cache) >= limit:
                    cache.clear()
                got = cache[doc.sha256] = fn(doc)
            return got

        cached.cache_clear = cache.clear  # type: ignore[attr-defined]
        return cached

    return wrap


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[char_start, char_end)`` of a document's cleaned text, with that text."""

    doc: str  # the document's name (file name; for a JSON record ``file.json#n``)
    doc_sha256: str  # of the source bytes (a record: of its canonical JSON): survives renaming
    page: int  # 1-based physical page that holds char_start
    char_start: int
    char_end: int
    text: str  # invariant: document.text[char_start:char_end] == text

    def to_dict(self, text_key: str = "quote") -> dict[str, Any]:
        return {
            "doc": self.doc,
            "doc_sha256": self.doc_sha256,
            "page": self.page,
            "char_start": self.char_start,
            "char_end": self.char_end,
            text_key: self.text,
        }


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded and cleaned document. ``text`` is canonical; ``page_starts[i]`` is where page i+1 begins."""

    doc: str  # file name as given (gold sets name documents by it)
    sha256: str
    text: str
    page_starts: tuple[int, ...] = (0,)
    page_labels: tuple[str, ...] = ()  # printed page labels where the PDF has them ("iii", "12")
    title: str = ""
    date: str | None = None  # ISO date where one can be found
    source: str = ""  # the path it was read from
    fmt: str = "txt"  # pdf, txt, xml, md, html, docx, json-record
    # Ranges of the cleaned text that are not body text (footnotes, running headers and page
    # numbers set apart by the cleaner). The chunker keeps them out of body chunks.
    asides: tuple[tuple[int, int], ...] = ()
    # Where section headings start, with their text: the chunker records each chunk's heading.
    headings: tuple[tuple[int, str], ...] = ()

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_of(self, offset: int) -> int:
        """1-based page holding the character at ``offset``."""
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def page_label(self, page: int) -> str:
        """The printed label of a 1-based page, or its number when the document has none."""
        if 0 < page <= len(self.page_labels) and self.page_labels[page - 1]:
            return self.page_labels[page - 1]
        return str(page)

    def span(self, start: int, end: int) -> Span:
        """The one way to make a Span: slicing makes quote and offsets agree."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"{self.doc}: span {start}:{end} lies outside 0:{len(self.text)}")
        return Span(self.doc, self.sha256, self.page_of(start), start, end, self.text[start:end])

    def meta(self) -> dict[str, Any]:
        """What ``bronwijs docs`` lists for a document (no text): with its kind, authors and subject."""
        from assistant.docmeta import describe

        return {
            "doc": self.doc,
            "doc_sha256": self.sha256,
            "title": self.title,
            "date": self.date,
            "pages": self.pages,
            "fmt": self.fmt,
            "source": self.source,
            "chars": len(self.text),
            **describe(self).to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable piece of one document: whole sentences under one heading."""

    id: str  # f"{sha256[:12]}:{char_start}": the same after every re-ingest
    span: Span
    heading: str = ""
    page_end: int = 0  # last page the chunk touches (0: same as span.page)
    n_tokens: int = 0  # in the embedder's tokens


@dataclass(frozen=True, slots=True)
class Passage:
    """A chunk as retrieval returns it, with its fused score."""

    chunk: Chunk
    score: float

    @property
    def span(self) -> Span:
        return self.chunk.span

    def to_dict(self) -> dict[str, Any]:
        d = self.chunk.span.to_dict(text_key="text")
        d["score"] = round(float(self.score), 6)
        d["heading"] = self.chunk.heading
        d["chunk_id"] = self.chunk.id
        return d


@dataclass(frozen=True, slots=True)
class Citation:
    """An exact source span that backs one sentence of an answer."""

    span: Span  # recomputed from the document, never copied from model output
    claim: str  # the answer sentence it supports
    coverage: float = 1.0  # share of the claim's words found contiguously in span.text

    def to_dict(self) -> dict[str, Any]:
        return self.span.to_dict(text_key="quote")


@dataclass(frozen=True, slots=True)
class Answer:
    """What ``bronwijs ask`` returns; ``to_dict`` is the command-line contract."""

    question: str
    answer: str
    declined: bool
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    mode: str = "extractive"  # or "llm:<model>"; "extractive-fallback" after an LLM failure
    notice: str = ""  # e.g. why the LLM was not used
    standalone_question: str = ""  # the follow-up rewritten, when it was rewritten
    lookup_question: str = ""  # the Dutch question retrieval used for an English one (LLM configured)
    # the calibrated chance that an extractive answer is right (None: an LLM's answer, or a model
    # file without calibration); on a decline, the chance the best sentence would have been right
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "declined": self.declined,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "mode": self.mode,
            "notice": self.notice,
            "standalone_question": self.standalone_question,
            "lookup_question": self.lookup_question,
            "confidence": None if self.confidence is None else round(float(self.confidence), 3),
        }

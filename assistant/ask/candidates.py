"""Candidate answer sentences: every sentence of the retrieved passages, with its context.

A candidate keeps what scoring needs and nothing the scorer must not see: its document, its exact
offsets, the rank and scores of the passage it came from, its stems, its context stems (heading,
the sentence before, the document's title), the kinds of fact it states and its structural roles.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.ask.roles import roles as sentence_roles
from assistant.lang.analyzer import WORD, stems
from assistant.lang.facts import stated_kinds
from assistant.text import sentence_spans
from assistant.types import Document, Passage, per_document

_MARKER_CHARS = " \t–•-·▪●◦*"
_LIST_START = re.compile(r"\s*(?:[–•\-·▪●◦*]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)")


@dataclass(slots=True)
class Candidate:
    """One sentence of a retrieved passage."""

    doc: Document
    start: int
    end: int
    rank: int  # rank of its passage (0 = best)
    passage_score: float  # the fused retrieval score of its passage
    dense: float  # cosine of the question with its passage
    bm25: float  # BM25 score of its passage (0 when BM25 did not find it)
    stems: frozenset[str]
    context: frozenset[str]  # stems of its heading, the sentence before and the document title
    kinds: frozenset[str]
    roles: frozenset[str]
    p: float = 0.0  # the scorer's probability that it answers
    names_missing: bool = False  # its document never mentions a name the question uses (set by scoring)
    part_p: tuple[float, ...] = ()  # its probability of answering each part of a two-part question
    part_names_missing: tuple[bool, ...] = ()  # names_missing for each part's own names
    features: np.ndarray | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return " ".join(self.doc.text[self.start : self.end].split())


def gather(
    passages: Sequence[Passage],
    documents: dict[str, Document],
    *,
    dense: dict[str, float] | None = None,
    bm25: dict[str, float] | None = None,
) -> list[Candidate]:
    """The sentences of ``passages`` (best passage first), each once."""
    dense = dense or {}
    bm25 = bm25 or {}
    out: list[Candidate] = []
    seen: set[tuple[str, int]] = set()
    for rank, p in enumerate(passages):
        doc = documents.get(p.span.doc_sha256)
        if doc is None:
            continue
        headings = _headings(doc)
        for s, e in sentence_spans(doc.text, p.span.char_start, p.span.char_end):
            s = after_marker(doc.text, s, e)
            if (doc.sha256, s) in seen or not WORD.search(doc.text, s, e):
                continue
            seen.add((doc.sha256, s))
            out.append(
                Candidate(
                    doc=doc,
                    start=s,
                    end=e,
                    rank=rank,
                    passage_score=float(p.score),
                    dense=float(dense.get(p.chunk.id, 0.0)),
                    bm25=float(bm25.get(p.chunk.id, 0.0)),
                    stems=stem_set(doc.text[s:e]),
                    context=context_stems(doc, s),
                    kinds=stated_kinds(doc.text[s:e]),
                    roles=sentence_roles(doc, s, e, headings),
                )
            )
    return out


def after_marker(text: str, s: int, e: int) -> int:
    """Where a list item's text starts after its marker ("– ", "1. ", "a) "); ``s`` otherwise."""
    i = s
    while i < e and text[i] in _MARKER_CHARS:
        i += 1
    j = i
    while j < e and (text[j].isdigit() or (j - i < 2 and text[j].isalpha() and j + 1 < e and text[j + 1] in ".)")):
        j += 1
    if j > i and j < e and text[j] in ".)" and j + 1 < e and text[j + 1].isspace():
        i = j + 2
    while i < e and text[i].isspace():
        i += 1
    return i if i < e and WORD.search(text, i, e) else s


def context_stems(doc: Document, start: int) -> frozenset[str]:
    """Stems of the heading over ``start``, the sentence before it and the document's title: a
    decision list's lines do not repeat whose meeting they belong to; its title and headings do."""
    heading = ""
    for off, h in doc.headings:
        if off <= start:
            heading = h
        else:
            break
    prev = list(sentence_spans(doc.text, max(0, start - 1500), start))
    before = doc.text[prev[-1][0] : prev[-1][1]] if prev else ""
    lead = ""
    if _LIST_START.match(doc.text, doc.text.rfind("\n", 0, start) + 1):
        # a list item: the sentence that announced the list says what the items are about
        for s, e in reversed(prev[:-1] if before.rstrip().endswith(":") else prev):
            if doc.text[s:e].rstrip().endswith(":"):
                lead = doc.text[max(s, e - 300) : e]
                break
    return stem_set(f"{heading} {before} {lead}") | stem_set(doc.title)


@functools.lru_cache(maxsize=65536)
def stem_set(text: str) -> frozenset[str]:
    return frozenset(stems(text))


@per_document(5000)
def _headings(doc: Document) -> dict[int, str]:
    return dict(doc.headings)


def following(doc: Document, end: int, limit: int = 12, max_chars: int = 3000) -> list[tuple[int, int]]:
    """The sentences after ``end`` (up to ``limit``), for continuing a lead-in."""
    out = []
    for s, e in sentence_spans(doc.text, end, min(len(doc.text), end + max_chars)):
        out.append((after_marker(doc.text, s, e), e))
        if len(out) >= limit:
            break
    return out

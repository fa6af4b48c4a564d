"""The extractive question pipeline: Query → passages → candidates → probabilities → answer.

One object per index; ``run`` takes a built ``Query`` and returns a ``Decision``. Each stage is a
function of the module that names it, so the fit command (``assistant/ask/fit.py``) goes through the
very same stages as an answer does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.ask.candidates import Candidate, gather
from assistant.ask.compose import Decision, choose
from assistant.ask.features import NAMES, featurize, query_stats
from assistant.ask.query import Query, build_query
from assistant.ask.scorer import AnswerScorer, load_scorer
from assistant.types import Passage

_NAMES_MISSING = NAMES.index("names_missing")
# a question's named date narrows the search only when it singles out a few documents
NARROW_MAX_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Found:
    """What retrieval handed on: passages with their dense and BM25 scores (by chunk id)."""

    passages: list[Passage]
    dense: dict[str, float]
    bm25: dict[str, float]
    narrowed: int = 0  # documents the question's named date singled out (0: none)


def named_documents(q: Query, index: Any) -> list[str]:
    """The documents dated as precisely as the question names a date (a day or a month): "de
    besluitenlijst van 9 juli 2024" singles out that meeting's list among many look-alikes."""
    precise = [d for d in q.dates if d.month]
    if not precise:
        return []
    hits = [s for s, doc in index.documents.items() if any(d.matches(doc.date) >= 2 for d in precise)]
    if len(hits) > max(1, NARROW_MAX_SHARE * len(index.documents)):
        return []
    return hits


def retrieve(
    q: Query, index: Any, retriever: Any, k: int, allowed: np.ndarray | None = None, *, narrow: bool = True
) -> Found:
    """The ``k`` best passages for the lookup form; with a named date, those of its documents first."""
    found = retriever.search(q.lookup, k, allowed)
    rows = list(found.rows)
    dense, bm25 = dict(found.dense), dict(found.bm25)
    scores = {r: p.score for r, p in zip(found.rows, found.passages, strict=True)}
    named = named_documents(q, index) if narrow else []
    if named:
        own = index.rows_for(named)
        if allowed is not None:
            own = np.intersect1d(own, allowed)
        if len(own):
            inside = retriever.search(q.lookup, k, own)
            dense.update(inside.dense)
            bm25.update(inside.bm25)
            top = max(scores.values(), default=1.0)
            for r, p in zip(inside.rows, inside.passages, strict=True):
                scores[r] = max(scores.get(r, 0.0), top + p.score)  # the named documents lead
            rows = sorted(set(rows) | set(inside.rows), key=lambda r: (-scores[r], r))[:k]
    chunks = index.chunks
    passages = [Passage(chunks[r], scores[r]) for r in rows]
    return Found(
        passages,
        {chunks[r].id: float(dense.get(r, 0.0)) for r in rows},
        {chunks[r].id: float(bm25.get(r, 0.0)) for r in rows},
        len(named),
    )


def score(q: Query, cands: Sequence[Candidate], scorer: AnswerScorer, index: Any) -> None:
    """Set each candidate's features and probability."""
    if not cands:
        return
    x = featurize(q, cands, query_stats(q, cands, index))
    for c, row, p in zip(cands, x, scorer.predict(x), strict=True):
        c.features, c.p = row, float(p)
    parts = [scorer.predict(x) for x in part_features(q, cands, index)]
    for i, c in enumerate(cands):
        c.part_p = tuple(float(p[i]) for p in parts)


def rank_passages(passages: Sequence[Passage], cands: Sequence[Candidate]) -> list[Passage]:
    """The passages ordered by the answer model: each by the probability of its best sentence
    (a sentence shared by overlapping passages counts for both; ties keep retrieval order). The
    score a passage carries becomes that probability."""
    best = [0.0] * len(passages)
    for j, p in enumerate(passages):
        span = p.span
        for c in cands:
            if c.doc.sha256 == span.doc_sha256 and c.start >= span.char_start and c.end <= span.char_end + 1:
                best[j] = max(best[j], c.p)
    order = sorted(range(len(passages)), key=lambda j: (-best[j], j))
    return [Passage(passages[j].chunk, best[j]) for j in order]


def part_features(q: Query, cands: Sequence[Candidate], index: Any) -> list[np.ndarray]:
    """The feature matrix of the candidates for each part of a two-part question."""
    out = []
    for text in q.parts:
        pq = build_query(text)
        out.append(featurize(pq, cands, query_stats(pq, cands, index)))
    if out:
        # each part's names are asked of the documents answering that part (read from the part's own
        # features); the question as a whole may be answered from two documents, so a document is out
        # only if it lacks every part's names
        missing = np.column_stack([x[:, _NAMES_MISSING] > 0 for x in out])
        for c, row in zip(cands, missing, strict=True):
            c.part_names_missing = tuple(bool(v) for v in row)
            c.names_missing = bool(row.all())
    return out


class ExtractivePipeline:
    """Verbatim, cited sentences from the retrieved passages, or an honest decline.

    :param scorer: the fitted answer model (default: the packaged one).
    :param passages: how many retrieved passages are searched for sentences.
    :param max_sentences: pieces in an answer (a lead-in with its list counts as one).
    :param narrow: let a date named in the question single out its documents.
    """

    def __init__(
        self, scorer: AnswerScorer | None = None, *, passages: int = 12, max_sentences: int = 3, narrow: bool = True
    ) -> None:
        if passages < 1 or max_sentences < 1:
            raise ValueError("passages and max_sentences must be at least 1")
        self.scorer = scorer or load_scorer()
        self.passages = passages
        self.max_sentences = max_sentences
        self.narrow = narrow

    def find(
        self, q: Query, index: Any, retriever: Any, allowed: np.ndarray | None = None, *, k: int | None = None
    ) -> Found:
        """The passages whose sentences are candidates (``k``, default ``passages``)."""
        return retrieve(q, index, retriever, k or self.passages, allowed, narrow=self.narrow)

    def candidates(self, q: Query, found: Found, index: Any) -> list[Candidate]:
        """The sentences of the found passages, each with its features and probability."""
        cands = gather(found.passages, index.documents, dense=found.dense, bm25=found.bm25)
        score(q, cands, self.scorer, index)
        return cands

    def decide(self, q: Query, found: Found, index: Any) -> Decision:
        cands = self.candidates(q, found, index)
        return choose(
            q,
            cands,
            threshold=self.scorer.decline_threshold,
            extra_ratio=self.scorer.extra_ratio,
            window=self.scorer.window,
            max_sentences=self.max_sentences,
        )

"""What the answer scorer sees of a (question, sentence) pair: a fixed vector of named features.

Every feature is a measurement, not a judgement: how much of the question the sentence covers
(Dutch stems, compound parts, IDF-weighted), whether it states the kind of fact asked, its
structural role, how its passage ranked, and whether its document is the one the question names (a
date, a title word). How much each is worth is learned (``bronwijs fit``), never set by hand.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.ask.candidates import Candidate, stem_set
from assistant.ask.query import Query
from assistant.ask.roles import ROLES
from assistant.lang.analyzer import WORD, match, name_forms, word_hits
from assistant.lang.facts import KINDS, counted, fact_starts
from assistant.types import per_document

_ROLE_FEATURES = tuple(f"role_{r}" for r in ROLES)
_KIND_FEATURES = tuple(f"match_{k}" for k in KINDS)

NAMES: tuple[str, ...] = (
    "lex",  # IDF-weighted share of the question's content stems in the sentence
    "ctx",  # the same over the sentence with its context (heading, sentence before, title)
    "lex_plain",  # unweighted share of the question's stems in the sentence
    "rare",  # the question's two most specific stems (highest IDF): share found in the sentence or its context
    "missing",  # IDF of the most specific stem missing from the sentence and its context, over the highest IDF
    "title",  # IDF-weighted share of the question's stems in the document's title and name
    "head",  # ... in the document's opening lines (who wrote it, about what, when)
    "doc",  # ... anywhere in the document (a question about Amsterdam is not answered by Wassenaar's lists)
    "unknown",  # IDF-weighted share of the question's stems that no indexed chunk contains
    "names_missing",  # share of the question's indexed names that its document never mentions
    "novel",  # share of the sentence's stems that the question does not contain
    "typed",  # states every kind of fact asked (1 when no fact kind is asked)
    "counted",  # a number stands right before the word the question counts ("25 leerlingen")
    "near",  # the asked fact stands close to the question's most specific words: 1 / (1 + words between / 3)
    "wants_fact",  # the question asks for an amount, a date, a share, a duration or a count
    *_KIND_FEATURES,  # asked and stated, one per kind
    *_ROLE_FEATURES,
    "who_attendance",  # a who-question and an attendance line
    "who_signature",  # a who-question and a signature
    "list_lead_in",  # a list question and a sentence that leads in to a list
    "list_item_asked",  # a list question and a list item
    "fact_table_row",  # an asked fact in a table row
    "lex_gap",  # lex minus the best lex among the question's candidates
    "ctx_gap",  # ctx minus the best ctx
    "rare_gap",  # rare minus the best rare
    "rank",  # 1 / (1 + rank of its passage)
    "score_rel",  # its passage's fused score over the best passage's
    "dense",  # cosine of the question with its passage
    "dense_gap",  # that cosine minus the best passage's
    "bm25_rel",  # its passage's BM25 score over the best one's
    "date_day",  # the question names a day and the document is dated that day
    "date_month",  # ... a month, and the document is of that month
    "date_year",  # ... a year, and the document is of that year
    "date_other",  # the question names a date and the document is dated otherwise
    "length",  # log of the number of words
    "short",  # fewer than six words
    "en",  # an English question looked up as asked
    "en_dense_gap",  # dense_gap for English questions (the keyword features see nothing there)
    "en_rank",
    "en_typed",
)


@dataclass(frozen=True, slots=True)
class QueryStats:
    """Per-question values every candidate's features need."""

    idf: dict[str, float]
    total: float
    unknown: float
    rare: tuple[str, ...]  # the two stems with the highest IDF
    names: tuple[str, ...]  # the question's names its answer's document must mention
    max_idf: float
    best_score: float
    best_dense: float
    best_bm25: float


def idf_weights(q: Query, index: Any | None) -> dict[str, float]:
    """IDF of each question stem over the index's chunks (the keyword index's own counts)."""
    if index is None or not getattr(index, "chunks", None) or not hasattr(index, "doc_freq"):
        return {t: 1.0 for t in q.terms}
    n = len(index.chunks)
    df = {t: index.doc_freq(t) for t in q.terms}
    return {t: max(math.log(1.0 + (n - df[t] + 0.5) / (df[t] + 0.5)), 0.05) for t in q.terms}


def query_stats(q: Query, cands: Sequence[Candidate], index: Any | None) -> QueryStats:
    idf = idf_weights(q, index)
    total = sum(idf.values()) or 1.0
    known = getattr(index, "doc_freq", None)
    unknown = sum(w for t, w in idf.items() if known is not None and known(t) == 0) / total
    return QueryStats(
        idf=idf,
        total=total,
        unknown=unknown,
        rare=tuple(sorted(idf, key=lambda t: -idf[t])[:2]),
        # a Dutch question's names must all be found; an English question's only where the index
        # knows the word at all (its capitalised English words are not names: "Language Class")
        names=tuple(
            n
            for n in q.names
            if q.lookup_lang != "en" or (known is not None and any(known(f) > 0 for f in name_forms(n)))
        ),
        max_idf=max(idf.values(), default=1.0) or 1.0,
        best_score=max((c.passage_score for c in cands), default=1.0) or 1.0,
        best_dense=max((c.dense for c in cands), default=0.0),
        best_bm25=max((c.bm25 for c in cands), default=0.0),
    )


def _near(q: Query, rare: tuple[str, ...], text: str) -> float:
    """How close a mention of the asked kind of fact stands to one of the question's most specific
    words in ``text``: 1 / (1 + words between them / 3); 0 when either is absent."""
    if not q.facts or not rare:
        return 0.0
    facts = fact_starts(text, q.facts)
    if not facts:
        return 0.0
    words = list(WORD.finditer(text))
    at = word_hits(rare, [w.group() for w in words])
    if not at:
        return 0.0
    starts = [w.start() for w in words]
    fact_at = [max(0, bisect.bisect_right(starts, f) - 1) for f in facts]
    gap = min(abs(i - j) for i in at for j in fact_at)
    return 1.0 / (1.0 + gap / 3.0)


def _names_missing(names: tuple[str, ...], have: frozenset[str]) -> float:
    """Share of ``names`` that a document never mentions (another ending of the word counts)."""
    if not names:
        return 0.0
    return sum(1 for n in names if max(match(f, have) for f in name_forms(n)) < 0.7) / len(names)


@per_document(20000)
def document_stems(doc: Any) -> frozenset[str]:
    """Every stem of a document (cached by its SHA-256)."""
    return frozenset(stem_set(doc.text))


def coverage(q: Query, have: frozenset[str], idf: dict[str, float], total: float) -> float:
    """IDF-weighted share of the question's stems present in ``have`` (compound parts count)."""
    if not q.terms:
        return 0.0
    return sum(match(t, have) * idf.get(t, 1.0) for t in q.terms) / total


def featurize(q: Query, cands: Sequence[Candidate], stats: QueryStats) -> np.ndarray:
    """The feature matrix (one row per candidate, columns as ``NAMES``)."""
    rows = np.zeros((len(cands), len(NAMES)), dtype=np.float64)
    facts = q.facts
    en = 1.0 if q.lookup_lang == "en" else 0.0
    terms = frozenset(q.terms)
    head_cache: dict[str, tuple[float, float, float, float]] = {}
    for i, c in enumerate(cands):
        if c.doc.sha256 not in head_cache:
            title = stem_set(f"{c.doc.title} {c.doc.doc}")
            head = stem_set(c.doc.text[:600])
            head_cache[c.doc.sha256] = (
                coverage(q, title, stats.idf, stats.total),
                coverage(q, head, stats.idf, stats.total),
                coverage(q, document_stems(c.doc), stats.idf, stats.total),
                _names_missing(stats.names, document_stems(c.doc)),
            )
        title_cov, head_cov, doc_cov, names_missing = head_cache[c.doc.sha256]
        c.names_missing = names_missing > 0
        lex = coverage(q, c.stems, stats.idf, stats.total)
        ctx = coverage(q, c.stems | c.context, stats.idf, stats.total)
        plain = (sum(1 for t in q.terms if match(t, c.stems) >= 0.7) / len(q.terms)) if q.terms else 0.0
        novel = (len(c.stems - terms) / len(c.stems)) if c.stems else 0.0
        around = c.stems | c.context
        rare = (sum(match(t, around) for t in stats.rare) / len(stats.rare)) if stats.rare else 0.0
        missing = max((stats.idf[t] for t in q.terms if match(t, around) < 0.7), default=0.0) / stats.max_idf
        typed = 1.0 if q.answered_by(c.kinds) else 0.0
        n_words = len(c.text.split())
        dense_gap = c.dense - stats.best_dense
        day = month = year = other = 0.0
        for d in q.dates:
            m = d.matches(c.doc.date)
            if m == 3:
                day = 1.0
            elif m == 2:
                month = 1.0
            elif m == 1:
                year = 1.0
            elif m == -1:
                other = 1.0
        if day or month or year:
            other = 0.0
        rank = 1.0 / (1.0 + c.rank)
        values = {
            "lex": lex,
            "ctx": ctx,
            "lex_plain": plain,
            "rare": rare,
            "missing": missing,
            "title": title_cov,
            "head": head_cov,
            "doc": doc_cov,
            "unknown": stats.unknown,
            "names_missing": names_missing,
            "novel": novel,
            "typed": typed,
            "counted": counted(q.counted, c.text) if q.counted else 0.0,
            "near": _near(q, stats.rare, c.text),
            "wants_fact": 1.0 if facts else 0.0,
            **{f"match_{k}": 1.0 if (k in q.kinds and k in c.kinds) else 0.0 for k in KINDS},
            **{f"role_{r}": 1.0 if r in c.roles else 0.0 for r in ROLES},
            "who_attendance": 1.0 if "who" in q.kinds and "attendance" in c.roles else 0.0,
            "who_signature": 1.0 if "who" in q.kinds and "signature" in c.roles else 0.0,
            "list_lead_in": 1.0 if "list" in q.kinds and "lead_in" in c.roles else 0.0,
            "list_item_asked": 1.0 if "list" in q.kinds and "list_item" in c.roles else 0.0,
            "fact_table_row": typed if facts and "table_row" in c.roles else 0.0,
            "rank": rank,
            "score_rel": c.passage_score / stats.best_score if stats.best_score else 0.0,
            "dense": c.dense,
            "dense_gap": dense_gap,
            "bm25_rel": c.bm25 / stats.best_bm25 if stats.best_bm25 > 0 else 0.0,
            "date_day": day,
            "date_month": month,
            "date_year": year,
            "date_other": other,
            "length": math.log1p(n_words),
            "short": 1.0 if n_words < 6 else 0.0,
            "en": en,
            "en_dense_gap": en * dense_gap,
            "en_rank": en * rank,
            "en_typed": en * typed,
        }
        rows[i] = [values.get(n, 0.0) for n in NAMES]
    if len(cands):
        for name in ("lex", "ctx", "rare"):
            col, gap = NAMES.index(name), NAMES.index(f"{name}_gap")
            rows[:, gap] = rows[:, col] - rows[:, col].max()
    return rows

"""Locate a proposed quote in the document: exact first, then a token-level fuzzy alignment.

After langextract's resolver: a position is never guessed. ``ground`` returns a ``Span`` made by
``Document.span`` (so quote and offsets agree) with its status, or None; callers drop and count
what cannot be grounded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.types import Document, Span

_WORD = re.compile(r"\w+")
_HYPHEN_JOIN = re.compile(r"[-\u00ad\u2010\u2011]\s*\n\s*$")


def _norm(token: str) -> str:
    t = unicodedata.normalize("NFKC", token).casefold()
    return t[:-1] if len(t) > 3 and t.endswith("s") else t  # light plural folding, as langextract


@dataclass(frozen=True, slots=True)
class Grounded:
    span: Span
    status: str  # "exact" or "fuzzy"
    score: float  # 1.0 for exact; the share of quote tokens aligned for fuzzy


def _doc_tokens(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Word tokens with offsets; a word hyphenated across a line break counts as one token."""
    out: list[tuple[str, int, int]] = []
    for m in _WORD.finditer(text, start, end):
        if out and _HYPHEN_JOIN.search(text, out[-1][2], m.start()) and m.group()[:1].islower():
            tok, s, _ = out[-1]
            out[-1] = (tok + m.group(), s, m.end())
            continue
        out.append((m.group(), m.start(), m.end()))
    return [(_norm(t), s, e) for t, s, e in out]


def _exact(doc: Document, quote: str, lo: int, hi: int, near: int | None) -> tuple[int, int] | None:
    q = quote.strip()
    if not q:
        return None
    hits = []
    i = doc.text.find(q, lo, hi)
    while i != -1 and len(hits) < 50:
        hits.append(i)
        i = doc.text.find(q, i + 1, hi)
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - near)) if near is not None else hits[0]
    return best, best + len(q)


def ground(
    doc: Document,
    quote: str,
    *,
    start: int = 0,
    end: int | None = None,
    near: int | None = None,
    threshold: float = 0.75,
) -> Grounded | None:
    """Find ``quote`` in ``doc.text[start:end]``.

    Exact: the quote occurs verbatim (the occurrence nearest ``near`` wins). Fuzzy: the longest
    contiguous run of the quote's word tokens (NFKC, casefold, hyphenation and plural folded) is
    found, extended by the unmatched tokens on either side, and kept when the aligned window
    shares at least ``threshold`` of the quote's tokens. Otherwise None.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must lie in [0, 1], not {threshold}")
    end = len(doc.text) if end is None else end
    hit = _exact(doc, quote, start, end, near)
    if hit:
        return Grounded(doc.span(*hit), "exact", 1.0)
    q = [_norm(t) for t in _WORD.findall(quote)]
    if not q:
        return None
    toks = _doc_tokens(doc.text, start, end)
    if not toks:
        return None
    positions: dict[str, list[int]] = {}
    for j, (t, _, _) in enumerate(toks):
        positions.setdefault(t, []).append(j)
    best, best_end_q, best_end_d = 0, 0, 0
    prev: dict[int, int] = {}
    for i, t in enumerate(q):
        cur: dict[int, int] = {}
        for j in positions.get(t, ()):
            run = prev.get(j - 1, 0) + 1
            cur[j] = run
            if run > best or (
                run == best and near is not None and abs(toks[j][1] - near) < abs(toks[best_end_d][1] - near)
            ):
                best, best_end_q, best_end_d = run, i, j
        prev = cur
    if best == 0:
        return None
    # extend the aligned run greedily: each remaining quote token is looked for a few document
    # tokens further on (words the quote left out are skipped), tail forwards and head backwards
    matched = best
    d_first, d_last = best_end_d - best + 1, best_end_d
    j = d_last + 1
    for t in q[best_end_q + 1 :]:
        for k in range(j, min(len(toks), j + 6)):
            if toks[k][0] == t:
                matched, d_last, j = matched + 1, k, k + 1
                break
    j = d_first - 1
    for t in reversed(q[: best_end_q - best + 1]):
        for k in range(j, max(-1, j - 6), -1):
            if toks[k][0] == t:
                matched, d_first, j = matched + 1, k, k - 1
                break
    score = matched / len(q)
    if score < threshold or best / len(q) < 0.5:
        return None
    return Grounded(doc.span(toks[d_first][1], toks[d_last][2]), "fuzzy", round(score, 3))

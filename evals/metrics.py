"""The figures of FORMAT.md's "Scoring" section, as pure functions over plain dict predictions.

A QA prediction is a dict with the ``bronwijs ask --json`` keys (``answer``, ``declined``,
``citations``, ``passages``) plus ``retrieved`` (the passages of ``Assistant.retrieve`` at depth k,
as ``Passage.to_dict()``) and ``wall_ms`` (``{"retrieve": ms, "ask": ms}``). An extraction
prediction is a ``Commitment.to_dict()``: ``doc``, ``doc_sha256``, ``kind``, ``quote``, ``fields``.
Missing parts are simply absent; the runner marks a section "not measured" rather than scoring it.

Every share is a float in [0, 1], or None when it has no denominator in that group (shown as "–");
a share is never 0 because nothing was there to count.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from evals.gold import KEY_FIELDS, GoldExtraction, QAItem
from evals.match import DocResolver, coverage, normalize, span_text, supports

NOT_MEASURED = "not measured"
NO_DOC = "(no document)"


def share(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def not_measured(reason: str) -> dict[str, str]:
    return {"status": NOT_MEASURED, "reason": reason}


# --- latency ------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def latency(values: Iterable[float]) -> dict[str, Any]:
    xs = [float(v) for v in values if v is not None]
    if not xs:
        return {"n": 0, "median_ms": None, "p95_ms": None}
    med, p95 = percentile(xs, 50), percentile(xs, 95)
    return {"n": len(xs), "median_ms": round(med or 0.0, 2), "p95_ms": round(p95 or 0.0, 2)}


# --- answers ------------------------------------------------------------------------------------


def _flat(text: str) -> str:
    return " ".join(normalize(text).split())


def key_found(key: str, answer: str) -> bool:
    """FORMAT.md: ``key`` occurs in ``answer`` (both normalised, whitespace collapsed); a key that
    begins or ends with a digit matches only where no digit stands directly before or after it, so
    ``3 juni`` is not found in ``13 juni`` and ``2021`` not in ``20210``."""
    k, text = _flat(key), _flat(answer)
    if not k:
        return False
    lead, trail = k[0].isdigit(), k[-1].isdigit()
    start = text.find(k)
    while start >= 0:
        end = start + len(k)
        if not (lead and start > 0 and text[start - 1].isdigit()) and not (
            trail and end < len(text) and text[end].isdigit()
        ):
            return True
        start = text.find(k, start + 1)
    return False


def answer_correct(answer: str, answer_keys: Sequence[Sequence[str]]) -> bool:
    """FORMAT.md: for every group, one of its strings occurs in the answer (``key_found``)."""
    if not answer_keys:
        return False
    return not missing_keys(answer, answer_keys)


def missing_keys(answer: str, answer_keys: Sequence[Sequence[str]]) -> list[list[str]]:
    """The groups of which no string is found in the answer."""
    return [list(g) for g in answer_keys if not any(key_found(k, answer) for k in g)]


# --- retrieval ----------------------------------------------------------------------------------


def evidence_ranks(
    item: QAItem, passages: Sequence[Mapping[str, Any]], resolver: DocResolver
) -> list[int | None]:
    """For each evidence piece, the 1-based rank of the first passage that supports it, or None."""
    ranks: list[int | None] = []
    for ev in item.evidence:
        rank = next((i for i, p in enumerate(passages, 1) if supports(p, ev.doc, ev.quote, resolver)), None)
        ranks.append(rank)
    return ranks


def hit_rank(item: QAItem, passages: Sequence[Mapping[str, Any]], resolver: DocResolver) -> int | None:
    """Rank by which the evidence is satisfied: the first supported piece for ``any``, the last for ``all``."""
    ranks = evidence_ranks(item, passages, resolver)
    if not ranks:
        return None
    if item.needs == "all":
        return None if any(r is None for r in ranks) else max(r for r in ranks if r is not None)
    found = [r for r in ranks if r is not None]
    return min(found) if found else None


def ndcg(item: QAItem, passages: Sequence[Mapping[str, Any]], resolver: DocResolver, k: int = 10) -> float:
    """nDCG@k with the evidence pieces as the relevant units.

    ``any``: the pieces are interchangeable wordings of one fact, so the gain is 1 at the first
    passage that supports any of them (ideal: rank 1). ``all``: each piece is its own fact; a passage
    gains one for every piece it is the first to support (ideal: one piece per rank from rank 1).
    A passage that supports two pieces at once can exceed that ideal; the value is capped at 1.
    """
    ranks = [r for r in evidence_ranks(item, passages[:k], resolver)]
    if item.needs == "all":
        dcg = sum(1 / math.log2(r + 1) for r in ranks if r is not None)
        idcg = sum(1 / math.log2(i + 1) for i in range(1, min(len(ranks), k) + 1))
    else:
        found = [r for r in ranks if r is not None]
        dcg = 1 / math.log2(min(found) + 1) if found else 0.0
        idcg = 1.0
    return min(1.0, dcg / idcg) if idcg else 0.0


def retrieval_ks(k: int) -> list[int]:
    return sorted({x for x in (1, 5, 10, k) if x <= k})


def retrieval_figures(
    items: Sequence[QAItem], preds: Mapping[str, Mapping[str, Any]], resolver: DocResolver, k: int = 10
) -> dict[str, Any]:
    """recall@{1,5,10,k}, MRR@k and nDCG@min(10,k) over the answerable questions."""
    scored = [q for q in items if q.answerable and q.id in preds]
    ranks = [hit_rank(q, list(preds[q.id].get("retrieved") or [])[:k], resolver) for q in scored]
    out: dict[str, Any] = {"n": len(scored)}
    for x in retrieval_ks(k):
        out[f"recall@{x}"] = share(sum(r is not None and r <= x for r in ranks), len(scored))
    out[f"mrr@{k}"] = round(sum(1 / r for r in ranks if r) / len(scored), 4) if scored else None
    kn = min(10, k)
    vals = [ndcg(q, list(preds[q.id].get("retrieved") or []), resolver, kn) for q in scored]
    out[f"ndcg@{kn}"] = round(sum(vals) / len(vals), 4) if vals else None
    return out


# --- answers, declines, citations ---------------------------------------------------------------


def answer_figures(items: Sequence[QAItem], preds: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    answerable = [q for q in items if q.answerable and q.id in preds]
    unanswerable = [q for q in items if not q.answerable and q.id in preds]

    def declined(q: QAItem) -> bool:
        return bool(preds[q.id].get("declined"))

    correct = sum(
        not declined(q) and answer_correct(str(preds[q.id].get("answer") or ""), q.answer_keys)
        for q in answerable
    )
    return {
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
        "correct": share(correct, len(answerable)),
        "declined_correctly": share(sum(declined(q) for q in unanswerable), len(unanswerable)),
        "wrongly_declined": share(sum(declined(q) for q in answerable), len(answerable)),
        **confidence_figures(items, preds),
    }


def confidence_figures(items: Sequence[QAItem], preds: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """How well the stated confidence of the given answers matches whether they are right (an answer
    to an unanswerable question is never right): mean confidence, share right, Brier score."""
    pairs = []
    for q in items:
        p = preds.get(q.id) or {}
        c = p.get("confidence")
        if p.get("declined") or c is None:
            continue
        right = q.answerable and answer_correct(str(p.get("answer") or ""), q.answer_keys)
        pairs.append((float(c), 1.0 if right else 0.0))
    if not pairs:
        return {"n_confident": 0, "mean_confidence": None, "answers_right": None, "confidence_brier": None}
    return {
        "n_confident": len(pairs),
        "mean_confidence": round(sum(c for c, _ in pairs) / len(pairs), 4),
        "answers_right": round(sum(r for _, r in pairs) / len(pairs), 4),
        "confidence_brier": round(sum((c - r) ** 2 for c, r in pairs) / len(pairs), 4),
    }


def citation_supports(item: QAItem, citation: Mapping[str, Any], resolver: DocResolver) -> bool:
    return any(supports(citation, ev.doc, ev.quote, resolver) for ev in item.evidence)


def citation_figures(
    items: Sequence[QAItem], preds: Mapping[str, Mapping[str, Any]], resolver: DocResolver
) -> dict[str, Any]:
    """Precision: cited spans on answerable questions that support some evidence of the question.
    Recall: answered (not declined) answerable questions with at least one supporting citation."""
    cited = good = answered = with_support = 0
    for q in items:
        if not q.answerable or q.id not in preds:
            continue
        p = preds[q.id]
        cites = list(p.get("citations") or [])
        ok = [citation_supports(q, c, resolver) for c in cites]
        cited += len(cites)
        good += sum(ok)
        if not p.get("declined"):
            answered += 1
            with_support += any(ok)
    return {
        "n_citations": cited,
        "n_answered": answered,
        "precision": share(good, cited),
        "recall": share(with_support, answered),
    }


def qa_figures(
    items: Sequence[QAItem],
    preds: Mapping[str, Mapping[str, Any]],
    resolver: DocResolver,
    k: int = 10,
    *,
    retrieval: str | None = None,
    answers: str | None = None,
) -> dict[str, Any]:
    """All QA figures for one group. ``retrieval``/``answers``: None when measured, else the reason not."""
    out: dict[str, Any] = {
        "n": len(items),
        "n_answerable": sum(q.answerable for q in items),
        "n_unanswerable": sum(not q.answerable for q in items),
    }
    if retrieval is None:
        out["retrieval"] = retrieval_figures(items, preds, resolver, k)
    else:
        out["retrieval"] = not_measured(retrieval)
    if answers is None:
        out["answers"] = answer_figures(items, preds)
        out["citations"] = citation_figures(items, preds, resolver)
    else:
        out["answers"] = not_measured(answers)
        out["citations"] = not_measured(answers)
    lat: dict[str, Any] = {}
    if retrieval is None:
        lat["retrieve"] = latency(_wall(preds, items, "retrieve"))
    if answers is None:
        lat["answer"] = latency(_wall(preds, items, "ask"))
    out["latency"] = lat or not_measured(retrieval or answers or "")
    return out


def _wall(preds: Mapping[str, Mapping[str, Any]], items: Sequence[QAItem], key: str) -> list[float]:
    return [
        float(preds[q.id]["wall_ms"][key])
        for q in items
        if q.id in preds and (preds[q.id].get("wall_ms") or {}).get(key) is not None
    ]


def group_by(items: Sequence[QAItem], key: Callable[[QAItem], Iterable[str]]) -> dict[str, list[QAItem]]:
    groups: dict[str, list[QAItem]] = {}
    for q in items:
        for g in key(q):
            groups.setdefault(g, []).append(q)
    return dict(sorted(groups.items()))


def qa_breakdown(
    items: Sequence[QAItem],
    preds: Mapping[str, Mapping[str, Any]],
    resolver: DocResolver,
    k: int = 10,
    **status: str | None,
) -> dict[str, Any]:
    """``overall`` and the same figures ``by_kind``, ``by_lang`` and ``by_doc`` (a question counts
    under each document of its evidence; unanswerable ones under "(no document)")."""

    def fig(group: Sequence[QAItem]) -> dict[str, Any]:
        return qa_figures(group, preds, resolver, k, **status)

    return {
        "overall": fig(items),
        "by_kind": {g: fig(v) for g, v in group_by(items, lambda q: [q.kind or "(none)"]).items()},
        "by_lang": {g: fig(v) for g, v in group_by(items, lambda q: [q.lang or "(none)"]).items()},
        "by_doc": {g: fig(v) for g, v in group_by(items, lambda q: q.docs or (NO_DOC,)).items()},
    }


def qa_failures(
    items: Sequence[QAItem],
    preds: Mapping[str, Mapping[str, Any]],
    resolver: DocResolver,
    k: int = 10,
    *,
    retrieval: bool = True,
    answers: bool = True,
) -> list[dict[str, Any]]:
    """One entry per question that went wrong somewhere, with what was expected and what came back."""
    out = []
    for q in items:
        p = preds.get(q.id)
        if p is None:
            continue
        problems = []
        if p.get("error"):
            problems.append(f"error: {p['error']}")
        if q.answerable and retrieval and hit_rank(q, list(p.get("retrieved") or [])[:k], resolver) is None:
            problems.append(f"evidence not in top {k}")
        got = ""
        if answers and "declined" in p:
            declined = bool(p.get("declined"))
            got = "(declined) " if declined else ""
            got += str(p.get("answer") or "")
            if q.answerable:
                if declined:
                    problems.append("wrongly declined")
                else:
                    if miss := missing_keys(str(p.get("answer") or ""), q.answer_keys):
                        problems.append(f"answer misses {miss}")
                    cites = list(p.get("citations") or [])
                    if not any(citation_supports(q, c, resolver) for c in cites):
                        problems.append("no supporting citation")
            elif not declined:
                problems.append("answered an unanswerable question")
        if problems:
            out.append(
                {
                    "id": q.id,
                    "kind": q.kind,
                    "lang": q.lang,
                    "question": q.question,
                    "expected": [list(g) for g in q.answer_keys] if q.answerable else "decline",
                    "got": got,
                    "problems": problems,
                }
            )
    return out


# --- extraction ---------------------------------------------------------------------------------


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _iso(v: Any) -> str | None:
    if v is None:
        return None
    return v.isoformat() if hasattr(v, "isoformat") else str(v).strip()


def _period(v: Any) -> str | None:
    if v is None:
        return None
    return str(v).strip().replace("\u2013", "-").replace("\u2014", "-").replace(" ", "")


def field_equal(name: str, gold: Any, pred: Any) -> bool:
    """Key-field equality: amounts exactly, shares to 0.001, ``within`` value and unit, dates as ISO strings."""
    if gold is None or pred is None:
        return gold is None and pred is None
    if name == "amount_eur":
        g, p = _number(gold), _number(pred)
        return g is not None and p is not None and g == p
    if name == "share":
        g, p = _number(gold), _number(pred)
        return g is not None and p is not None and abs(g - p) <= 0.001 + 1e-9
    if name == "within":
        if not isinstance(gold, Mapping) or not isinstance(pred, Mapping):
            return False
        g, p = _number(gold.get("value")), _number(pred.get("value"))
        return g is not None and g == p and gold.get("unit") == pred.get("unit")
    if name == "due":
        return _iso(gold) == _iso(pred)
    if name == "period":
        return _period(gold) == _period(pred)
    return bool(gold == pred)


def fields_equal(kind: str, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> dict[str, bool]:
    """Per key field of ``kind``: is the prediction's value equal to the gold value?"""
    return {f: field_equal(f, gold.get(f), pred.get(f)) for f in KEY_FIELDS.get(kind, ())}


def _max_matching(edges: dict[int, list[int]]) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn's augmenting paths); ``edges[g]`` lists preds, best first.

    Returns pred index -> gold index. Trying each gold item's best-covering prediction first keeps
    pairs natural, and the augmenting paths make the number of matches the largest possible.
    """
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p in edges.get(g, ()):
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in edges:
        augment(g, set())
    return owner


def match_extractions(
    gold: Sequence[GoldExtraction],
    preds: Sequence[Mapping[str, Any]],
    resolver: DocResolver,
    threshold: float = 0.5,
) -> list[tuple[int, int, float]]:
    """One-to-one matches ``(gold index, pred index, coverage)``: same document and kind, and
    coverage(gold quote, predicted quote) >= threshold; each gold and each predicted item at most once."""
    edges: dict[int, list[int]] = {}
    cov: dict[tuple[int, int], float] = {}
    for gi, g in enumerate(gold):
        cands = []
        for pi, p in enumerate(preds):
            if p.get("kind") != g.kind or not resolver.same_as(g.doc, p):
                continue
            c = coverage(g.quote, span_text(p))
            if c >= threshold:
                cands.append((c, pi))
                cov[(gi, pi)] = c
        if cands:
            edges[gi] = [pi for _, pi in sorted(cands, key=lambda t: (-t[0], t[1]))]
    owner = _max_matching(edges)
    return sorted((g, p, round(cov[(g, p)], 4)) for p, g in owner.items())


def _prf(matched_pred: int, n_pred: int | None, matched_gold: int, n_gold: int) -> dict[str, Any]:
    p = share(matched_pred, n_pred) if n_pred is not None else None
    r = share(matched_gold, n_gold)
    f1 = (
        round(2 * p * r / (p + r), 4)
        if p is not None and r is not None and (p + r) > 0
        else (0.0 if p is not None and r is not None else None)
    )
    return {"precision": p, "recall": r, "f1": f1}


def extraction_figures(
    gold: Sequence[GoldExtraction],
    preds: Sequence[Mapping[str, Any]],
    resolver: DocResolver,
    extraction_docs: Sequence[str] | None,
) -> dict[str, Any]:
    """Precision (on ``extraction_docs`` only; None when the gold set has none), recall, F1 and key-field
    accuracy: ``overall``, ``by_kind`` and ``by_doc``. Predictions on other documents are ignored for
    precision; a duplicated prediction matches once and its copy counts against precision."""
    matches = match_extractions(gold, preds, resolver)
    matched_pred = {p for _, p, _ in matches}
    pairs = {p: g for g, p, _ in matches}
    known_docs = list(dict.fromkeys([*(extraction_docs or ()), *(g.doc for g in gold)]))
    pred_doc = [resolver.gold_name(p, known_docs) for p in preds]
    precision_docs = set(extraction_docs) if extraction_docs is not None else None

    def figures(gsel: Callable[[GoldExtraction], bool], psel: Callable[[int], bool]) -> dict[str, Any]:
        gi = [i for i, g in enumerate(gold) if gsel(g)]
        n_gold = len(gi)
        matched_gold = sum(1 for g, _, _ in matches if g in set(gi))
        if precision_docs is None:
            n_pred: int | None = None
            mp = 0
        else:
            pi = [i for i in range(len(preds)) if psel(i) and pred_doc[i] in precision_docs]
            n_pred = len(pi)
            mp = sum(1 for i in pi if i in matched_pred)
        out: dict[str, Any] = {"n_gold": n_gold, "n_predicted": n_pred, "n_matched": matched_gold}
        out.update(_prf(mp, n_pred, matched_gold, n_gold))
        sel_pairs = [(gold[pairs[i]], preds[i]) for i in pairs if pairs[i] in set(gi)]
        eq = [fields_equal(g.kind, g.fields, dict(p.get("fields") or {})) for g, p in sel_pairs]
        out["field_accuracy"] = share(sum(all(e.values()) for e in eq), len(eq))
        per_field: dict[str, float | None] = {}
        for name in dict.fromkeys(f for e in eq for f in e):
            vals = [e[name] for e in eq if name in e]
            per_field[name] = share(sum(vals), len(vals))
        out["field_accuracy_by_field"] = per_field
        return out

    kinds = sorted({g.kind for g in gold} | {str(p.get("kind")) for p in preds if p.get("kind")})
    docs = sorted({g.doc for g in gold} | set(precision_docs or ()))
    result: dict[str, Any] = {
        "overall": figures(lambda g: True, lambda i: True),
        "by_kind": {
            k: figures(lambda g, k=k: g.kind == k, lambda i, k=k: preds[i].get("kind") == k) for k in kinds
        },
        "by_doc": {d: figures(lambda g, d=d: g.doc == d, lambda i, d=d: pred_doc[i] == d) for d in docs},
        "ignored_predictions": sum(
            1 for i in range(len(preds)) if precision_docs is not None and pred_doc[i] not in precision_docs
        ),
    }
    if precision_docs is None:
        result["precision_note"] = "no extraction_docs.txt: precision not measured"
    return result


def extraction_failures(
    gold: Sequence[GoldExtraction],
    preds: Sequence[Mapping[str, Any]],
    resolver: DocResolver,
    extraction_docs: Sequence[str] | None,
) -> list[dict[str, Any]]:
    """Missed gold items, predictions on annotated documents that match nothing, and field mismatches."""
    matches = match_extractions(gold, preds, resolver)
    by_gold = {g: p for g, p, _ in matches}
    matched_pred = {p for _, p, _ in matches}
    out: list[dict[str, Any]] = []
    for i, g in enumerate(gold):
        if i not in by_gold:
            out.append({"id": g.id, "doc": g.doc, "kind": g.kind, "problem": "missed", "expected": g.quote})
            continue
        p = preds[by_gold[i]]
        eq = fields_equal(g.kind, g.fields, dict(p.get("fields") or {}))
        if not all(eq.values()):
            wrong = {
                f: {"expected": g.fields.get(f), "got": (p.get("fields") or {}).get(f)}
                for f, ok in eq.items()
                if not ok
            }
            out.append(
                {
                    "id": g.id,
                    "doc": g.doc,
                    "kind": g.kind,
                    "problem": "fields",
                    "fields": wrong,
                    "expected": g.quote,
                }
            )
    if extraction_docs is not None:
        docs = list(extraction_docs)
        for i, p in enumerate(preds):
            d = resolver.gold_name(p, docs)
            if d is not None and i not in matched_pred:
                out.append(
                    {"id": "", "doc": d, "kind": p.get("kind"), "problem": "spurious", "got": span_text(p)}
                )
    return out

"""Calibrate the extractive answerer's decline threshold on a gold set, as a whole.

For every question of the gold folder the answerer's confidence is computed once (retrieval +
sentence scoring, no decline); then the threshold is swept and, for each value, the script reports
the share of unanswerable questions declined (correct declines), the share of answerable questions
declined (wrongful declines) and the share answered correctly by ``answer_keys``. The chosen value is
the one that declines the most unanswerable questions while wrongly declining at most
``--max-wrongful`` of the answerable ones, placed halfway to the next answerable confidence so that
it does not sit on one question's score.

    python -m evals.calibrate_decline --gold evals/gold/dev --index <index with the gold corpus>

The index must hold the gold set's documents (build it with ``bronwijs ingest``, or let
``bronwijs eval`` build its cached one and pass that folder).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.config import load_settings


def _correct(answer: str, keys: list[list[str]]) -> bool:
    from evals.metrics import answer_correct

    return answer_correct(answer, keys)


def confidences(gold: Path, settings: Any) -> list[dict[str, Any]]:
    """One row per question: id, lang, answerable, confidence, and whether the answer is correct."""
    from assistant.service import Assistant

    assistant = Assistant(replace(settings, decline_threshold=float("-inf"), llm=""))
    index = assistant.index
    scope = _in_scope_ids(gold, index)
    rows = []
    for line in (gold / "qa.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        if scope is not None and q["id"] not in scope:
            continue  # its documents are not in this index: not scored, as in `bronwijs eval`
        found = assistant.retriever.search(q["question"], settings.top_k, None)
        dense = {index.chunks[r].id: found.dense.get(r, 0.0) for r in found.rows}
        d = assistant.answerer.decide(
            q["question"], found.passages, index.documents, qvec=found.qvec, dense=dense, index=index
        )
        composed = assistant.answerer.compose(d)
        rows.append(
            {
                "id": q["id"],
                "lang": q.get("lang", "nl"),
                "answerable": bool(q.get("answerable", True)),
                "confidence": d.confidence,
                "correct": bool(q.get("answerable", True)) and _correct(composed.text, q.get("answer_keys") or []),
            }
        )
    return rows


def _in_scope_ids(gold: Path, index: Any) -> set[str] | None:
    """The ids of the questions `bronwijs eval` scores on this index (None: cannot tell)."""
    try:
        from evals.gold import read_gold
        from evals.runner import in_scope, resolve_documents
    except ImportError:  # pragma: no cover - the evals package ships with the project
        return None
    g = read_gold(gold)
    found, _missing, _resolver, _texts = resolve_documents(g, index)
    return {q.id for q in g.qa if in_scope(q, found)}


def sweep(rows: list[dict[str, Any]], thresholds: list[float]) -> list[dict[str, float]]:
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    out = []
    for t in thresholds:
        out.append(
            {
                "threshold": round(t, 4),
                "correct_declines": sum(r["confidence"] < t for r in una) / max(1, len(una)),
                "wrongful_declines": sum(r["confidence"] < t for r in ans) / max(1, len(ans)),
                "correct_answers": sum(r["correct"] and r["confidence"] >= t for r in ans) / max(1, len(ans)),
            }
        )
    return out


def choose(rows: list[dict[str, Any]], max_wrongful: float) -> float:
    """The threshold with the most correct declines under the wrongful-decline bound.

    Among the cuts that decline the most unanswerable questions while declining at most
    ``max_wrongful`` of the answerable ones, the one that declines the fewest answerable ones is
    taken, halfway between the confidences on either side of it, so that it does not sit on one
    question's score.
    """
    ans = sorted(r["confidence"] for r in rows if r["answerable"])
    una = sorted(r["confidence"] for r in rows if not r["answerable"])
    if not ans:
        return 0.0
    allowed = int(max_wrongful * len(ans) + 1e-9)  # answerable questions we may decline
    values = sorted({r["confidence"] for r in rows})
    # a cut just above each value (plus one below all): confidence < cut is declined
    cuts = [values[0] - 1e-3] + [
        (a + b) / 2.0 for a, b in zip(values, values[1:], strict=False)
    ] + [values[-1] + 1e-3]
    best: tuple[int, int, float] | None = None
    for cut in cuts:
        wrong = sum(c < cut for c in ans)
        if wrong > allowed:
            break
        right = sum(c < cut for c in una)
        key = (right, -wrong)
        if best is None or key > best[:2]:
            best = (right, -wrong, cut)
    assert best is not None
    return round(best[2], 4)


def leave_one_out(rows: list[dict[str, Any]], max_wrongful: float) -> dict[str, Any]:
    """Each question decided by the threshold chosen on all the others: how the chosen value
    would fare on questions it was not calibrated on."""
    declined_ok = declined_bad = 0
    cuts = []
    for i, r in enumerate(rows):
        cut = choose(rows[:i] + rows[i + 1 :], max_wrongful)
        cuts.append(cut)
        if r["confidence"] < cut:
            if r["answerable"]:
                declined_bad += 1
            else:
                declined_ok += 1
    n_ans = sum(r["answerable"] for r in rows)
    n_una = len(rows) - n_ans
    return {
        "correct_declines": declined_ok / max(1, n_una),
        "wrongful_declines": declined_bad / max(1, n_ans),
        "threshold_min": min(cuts) if cuts else None,
        "threshold_max": max(cuts) if cuts else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=Path(__file__).parent / "gold" / "dev")
    ap.add_argument("--index", type=Path, default=None, help="index folder (default: settings)")
    ap.add_argument("--max-wrongful", type=float, default=0.05)
    ap.add_argument("--json", action="store_true", help="print the rows and the sweep as JSON")
    args = ap.parse_args(argv)
    settings = load_settings(index_dir=args.index)
    rows = confidences(args.gold, settings)
    values = sorted({r["confidence"] for r in rows})
    grid = sorted({0.0, *values, *[(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]})
    table = sweep(rows, grid)
    chosen = choose(rows, args.max_wrongful)
    loo = leave_one_out(rows, args.max_wrongful)
    if args.json:
        json.dump({"rows": rows, "sweep": table, "chosen": chosen, "leave_one_out": loo}, sys.stdout, indent=2)
        return 0
    n_ans = sum(r["answerable"] for r in rows)
    print(f"{len(rows)} questions: {n_ans} answerable, {len(rows) - n_ans} unanswerable")
    print("threshold  correct-declines  wrongful-declines  correct-answers")
    last = None
    for row in table:
        key = (row["correct_declines"], row["wrongful_declines"])
        if key == last:
            continue
        last = key
        print(
            f"{row['threshold']:9.4f}  {row['correct_declines']:16.3f}  {row['wrongful_declines']:17.3f}"
            f"  {row['correct_answers']:15.3f}"
        )
    at = sweep(rows, [chosen])[0]
    print(
        f"chosen decline_threshold = {chosen} (max wrongful {args.max_wrongful}): correct declines "
        f"{at['correct_declines']:.3f}, wrongful declines {at['wrongful_declines']:.3f}, "
        f"correct answers {at['correct_answers']:.3f}"
    )
    print(
        f"leave-one-out (each question decided by the threshold chosen on the others; thresholds "
        f"{loo['threshold_min']}..{loo['threshold_max']}): correct declines {loo['correct_declines']:.3f}, "
        f"wrongful declines {loo['wrongful_declines']:.3f}"
    )
    for r in sorted(rows, key=lambda r: r["confidence"]):
        mark = "U" if not r["answerable"] else ("ok" if r["correct"] else "--")
        print(f"  {r['confidence']:.4f} {mark:2s} {r['id']} {r['lang']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

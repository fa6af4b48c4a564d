"""``bronwijs fit``: fit the answer scorer on gold sets, with document-grouped cross-validation.

For every answerable and unanswerable question of the given gold sets, the product's own stages
run (``build_query`` → ``retrieve`` → ``gather`` → ``featurize``, assistant/ask/); a candidate
sentence is labelled positive when it supports an evidence quote of its question (FORMAT.md:
same document, coverage of the quote at least 0.5) or lies inside one. A logistic regression
(scikit-learn) is fitted on the standardised features. Cross-validation is grouped by document (the
evidence document of a question; for an unanswerable question, its best-retrieved document), so
no document is seen in training and testing at once. On the pooled out-of-fold probabilities the
decline threshold is chosen (the most correct declines with at most ``max_wrongful`` wrongful
ones), then the extra-sentence ratio (the best mean of answer correctness and citation
precision), with the share of bootstrap resamples of the questions in which the chosen ratio beats
each other one (``ratio_support``: near 0.5 the data cannot tell them apart). Recall@1 and @5 are
reported with the passages in retrieval order and ordered by the out-of-fold answer model. The
model is refitted on everything and written as JSON with those figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.ask.candidates import Candidate, gather
from assistant.ask.compose import NEVER_ANSWERS, choose, compose
from assistant.ask.features import NAMES, featurize, query_stats
from assistant.ask.pipeline import part_features, rank_passages, retrieve
from assistant.ask.query import Query, build_query
from assistant.ask.scorer import MODEL_FILE, AnswerScorer
from assistant.config import Settings
from assistant.logistic import Params, fit_standardised
from assistant.text import coverage, tokens
from assistant.types import Passage
from evals.gold import QAItem, read_gold
from evals.metrics import answer_correct

log = logging.getLogger(__name__)

THRESHOLDS = np.round(np.arange(0.0, 0.90, 0.01), 3)
EXTRA_RATIOS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
WINDOWS = ((0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2))  # sentences quoted before and after the chosen one
# pieces in an answer, as the product composes them (the setting max_answer_sentences)
MAX_SENTENCES = Settings().max_answer_sentences


@dataclasses.dataclass
class Example:
    """One question with its candidates, their features and labels."""

    gold: str  # the gold set's name
    item: QAItem
    query: Query
    cands: list[Candidate]
    x: np.ndarray
    y: np.ndarray
    group: str
    evidence: list[tuple[set[str], str]]  # (index shas of the evidence document, quote)
    xparts: list[np.ndarray] = dataclasses.field(default_factory=list)  # features for each part of the question
    part_oof: list[np.ndarray] = dataclasses.field(default_factory=list)  # out-of-fold probabilities per part
    passages: list[Passage] = dataclasses.field(default_factory=list)  # as retrieval ordered them


def _shas_of(name: str, gold_shas: dict[str, str], index: Any) -> set[str]:
    """The indexed documents a gold document name stands for (a JSON list: all its records)."""
    sha = gold_shas.get(name)
    if sha and sha in index.documents:
        return {sha}
    files = (getattr(index, "manifest", {}) or {}).get("files", {})
    out = {s for s, d in index.documents.items() if Path(d.doc).name == name or d.doc.split("#")[0] == name}
    for key, f in files.items():
        if Path(key).name == name or (sha and f.get("sha256") == sha):
            out |= set(f.get("docs", []))
    return out & set(index.documents)


def label(c: Candidate, evidence: Sequence[tuple[set[str], str]]) -> bool:
    """Does the sentence support an evidence quote (coverage ≥ 0.5), or lie inside one?"""
    text = c.doc.text[c.start : c.end]
    for shas, quote in evidence:
        if c.doc.sha256 not in shas:
            continue
        if coverage(quote, text) >= 0.5:
            return True
        if len(tokens(text)) >= 4 and coverage(text, quote) >= 0.8:
            return True
    return False


def build_examples(
    golds: Sequence[tuple[str, Path]], index: Any, retriever: Any, *, passages: int = 12, progress: Any = None
) -> list[Example]:
    """Run the pipeline's stages for every question of every gold set."""
    out: list[Example] = []
    for name, path in golds:
        gold = read_gold(path)
        shas = dict(gold.documents)
        for item in gold.qa:
            evidence = [(_shas_of(e.doc, shas, index), e.quote) for e in item.evidence]
            if item.answerable and not any(s for s, _ in evidence):
                log.info("%s: %s skipped: its documents are not indexed", name, item.id)
                continue
            q = build_query(item.question)
            found = retrieve(q, index, retriever, passages)
            cands = gather(found.passages, index.documents, dense=found.dense, bm25=found.bm25)
            x = featurize(q, cands, query_stats(q, cands, index)) if cands else np.zeros((0, len(NAMES)))
            y = np.array([label(c, evidence) for c in cands], dtype=bool)
            if item.answerable:
                group = f"{name}:{item.evidence[0].doc.split('#')[0]}"
            else:
                group = f"{name}:{cands[0].doc.doc.split('#')[0]}" if cands else f"{name}:{item.id}"
            xparts = part_features(q, cands, index) if cands else []
            out.append(Example(name, item, q, cands, x, y, group, evidence, xparts, passages=list(found.passages)))
            if progress is not None:
                progress.advance("questions", 1, id=item.id)
    return out


# --- fitting and cross-validation -----------------------------------------------------------------


def _fit(x: np.ndarray, y: np.ndarray, c_reg: float) -> Params:
    return fit_standardised(x, y, c_reg, max_iter=2000)


def _scorer(
    params: Params,
    threshold: float,
    ratio: float,
    info: dict[str, Any],
    window: tuple[int, int] = (0, 0),
) -> AnswerScorer:
    mean, scale, coef, intercept = params
    return AnswerScorer(NAMES, mean, scale, coef, intercept, threshold, ratio, info, window)


def cross_validate(examples: Sequence[Example], folds: int, c_reg: float) -> list[np.ndarray]:
    """Out-of-fold probabilities for every example's candidates (grouped by document)."""
    from sklearn.model_selection import GroupKFold

    groups = np.array([e.group for e in examples])
    n_folds = min(folds, len(set(groups)))
    oof: list[np.ndarray | None] = [None] * len(examples)
    for train_idx, test_idx in GroupKFold(n_splits=n_folds).split(np.zeros(len(examples)), groups=groups):
        xs = [examples[i].x for i in train_idx if len(examples[i].x)]
        ys = [examples[i].y for i in train_idx if len(examples[i].y)]
        scorer = _scorer(_fit(np.vstack(xs), np.concatenate(ys), c_reg), 0.0, 1.0, {})
        for i in test_idx:
            e = examples[i]
            oof[i] = scorer.predict(e.x) if len(e.x) else np.zeros(0)
            e.part_oof = [scorer.predict(xp) for xp in e.xparts] if len(e.x) else []
    return [p if p is not None else np.zeros(0) for p in oof]


def per_question(
    examples: Sequence[Example],
    probs: Sequence[np.ndarray],
    threshold: float,
    ratio: float,
    window: tuple[int, int] = (0, 0),
) -> np.ndarray:
    """One row per question: answerable, declined, correct, citations, supported citations, and the
    best sentence's probability (the answer's raw confidence)."""
    rows = []
    for e, p in zip(examples, probs, strict=True):
        for i, (c, v) in enumerate(zip(e.cands, p, strict=True)):
            c.p = float(v)
            c.part_p = tuple(float(pp[i]) for pp in e.part_oof)
        d = choose(e.query, e.cands, threshold=threshold, extra_ratio=ratio, max_sentences=MAX_SENTENCES, window=window)
        out = compose(d)
        ok = e.item.answerable and not out.declined and answer_correct(out.text, e.item.answer_keys)
        supported = sum(
            any(cit.span.doc_sha256 in shas and coverage(quote, cit.span.text) >= 0.5 for shas, quote in e.evidence)
            for cit in out.citations
        )
        n_cited = len(out.citations) if e.item.answerable else 0
        rows.append((e.item.answerable, out.declined, ok, n_cited, supported, d.confidence))
    return np.array(rows, dtype=float).reshape(-1, 6)


def _criterion(rows: np.ndarray) -> float:
    """Answer correctness plus citation precision over the answerable questions of ``rows``."""
    a = rows[rows[:, 0] == 1]
    if not len(a):
        return 0.0
    return float(a[:, 2].mean() + (a[:, 4].sum() / a[:, 3].sum() if a[:, 3].sum() else 0.0))


def ratio_support(
    examples: Sequence[Example],
    probs: Sequence[np.ndarray],
    threshold: float,
    chosen: float,
    window: tuple[int, int],
    draws: int = 1000,
) -> dict[str, float]:
    """How often the chosen extra-sentence ratio beats each other ratio on the criterion when the
    questions are resampled (bootstrap, fixed seed): near 0.5 the data cannot tell them apart."""
    rows = {r: per_question(examples, probs, threshold, r, window) for r in EXTRA_RATIOS}
    rng = np.random.default_rng(0)
    n = len(examples)
    wins = {r: 0 for r in EXTRA_RATIOS if r != chosen}
    for _ in range(draws):
        idx = rng.integers(0, n, n)
        base = _criterion(rows[chosen][idx])
        for r in wins:
            wins[r] += base > _criterion(rows[r][idx])
    return {f"{r:.2f}": round(w / draws, 3) for r, w in wins.items()}


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def _platt(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    if len(set(y.tolist())) < 2:
        return 1.0, 0.0
    m = LogisticRegression(C=1e4, max_iter=1000).fit(_logit(p)[:, None], y)
    return float(m.coef_[0, 0]), float(m.intercept_[0])


def calibrate(
    examples: Sequence[Example],
    probs: Sequence[np.ndarray],
    ratio: float,
    window: tuple[int, int],
    folds: int,
) -> tuple[tuple[float, float], dict[str, Any]]:
    """The chance that an answer is right (by its answer keys; an unanswerable question's answer is
    never right) as a logistic function of its best sentence's out-of-fold probability (Platt
    scaling), with its document-grouped cross-validated Brier score and reliability table. Fitted
    on the answers given: a question declined whatever the threshold (a name no document uses, a
    kind of fact the best passage does not state) shows no confidence."""
    from sklearn.model_selection import GroupKFold

    rows = per_question(examples, probs, 0.0, ratio, window)
    given = rows[:, 1] == 0  # the answers given at all (a confidence is shown for these only)
    p, y = rows[given, 5], rows[given, 2]
    groups = np.array([e.group for e in examples])[given]
    held = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=min(folds, len(set(groups)))).split(p, y, groups):
        a, b = _platt(p[tr], y[tr])
        held[te] = 1 / (1 + np.exp(-(a * _logit(p[te]) + b)))
    table = []
    for lo, hi in ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)):
        m = (held >= lo) & (held < hi)
        if m.any():
            table.append({"from": lo, "to": min(hi, 1.0), "answers": int(m.sum()),
                          "mean_confidence": round(float(held[m].mean()), 3), "right": round(float(y[m].mean()), 3)})
    report = {
        "target": "answer right by its answer keys (unanswerable: never)",
        "answers": int(given.sum()),  # the answers given (not declined) at threshold 0
        "brier_raw": round(float(np.mean((p - y) ** 2)), 4),
        "brier_calibrated": round(float(np.mean((held - y) ** 2)), 4),
        "reliability": table,
    }
    return _platt(p, y), report


def outcomes(
    examples: Sequence[Example],
    probs: Sequence[np.ndarray],
    threshold: float,
    ratio: float,
    window: tuple[int, int] = (0, 0),
) -> dict[str, Any]:
    """Answer figures (as the eval computes them) for given probabilities and settings."""
    rows = per_question(examples, probs, threshold, ratio, window)
    ans = rows[rows[:, 0] == 1]
    una = rows[rows[:, 0] == 0]
    answerable, unanswerable = len(ans), len(una)
    correct, wrongful = int(ans[:, 2].sum()), int(ans[:, 1].sum())
    declined_ok = int(una[:, 1].sum())
    cited, supported = int(ans[:, 3].sum()), int(ans[:, 4].sum())
    return {
        "answerable": answerable,
        "unanswerable": unanswerable,
        "correct": round(correct / answerable, 4) if answerable else None,
        "correct_declines": round(declined_ok / unanswerable, 4) if unanswerable else None,
        "wrongful_declines": round(wrongful / answerable, 4) if answerable else None,
        "citation_precision": round(supported / cited, 4) if cited else None,
    }


def _threshold(
    examples: Sequence[Example],
    probs: Sequence[np.ndarray],
    ratio: float,
    window: tuple[int, int],
    max_wrongful: float,
) -> tuple[float, np.ndarray]:
    """The decline threshold with the most correct declines (then the most correct answers) whose
    wrongful declines stay within ``max_wrongful``, and its per-question rows. Wrongful declines only
    grow with the threshold, so the scan stops at the first threshold beyond the limit."""
    best_t, best_rows, best_key = float(THRESHOLDS[0]), None, (-1.0, -1.0)
    for t in THRESHOLDS:
        rows = per_question(examples, probs, float(t), ratio, window)
        ans, una = rows[rows[:, 0] == 1], rows[rows[:, 0] == 0]
        if best_rows is not None and len(ans) and ans[:, 1].mean() > max_wrongful + 1e-9:
            break
        key = (float(una[:, 1].mean()) if len(una) else 0.0, float(ans[:, 2].mean()) if len(ans) else 0.0)
        if best_rows is None or key > best_key:
            best_t, best_rows, best_key = float(t), rows, key
    assert best_rows is not None
    return best_t, best_rows


def choose_settings(
    examples: Sequence[Example],
    probs: Sequence[np.ndarray],
    max_wrongful: float,
    *,
    ratio: float | None = None,
    window: tuple[int, int] | None = None,
) -> tuple[float, float, tuple[int, int], list[dict[str, Any]]]:
    """The quoted window and the extra-sentence ratio with the best sum of answer correctness and
    citation precision, each judged at its own decline threshold (the most correct declines with
    wrongful declines within ``max_wrongful``), smoothed over neighbouring ratios. A ``ratio`` or
    ``window`` given is held, not chosen."""
    sweep = []
    ratios = EXTRA_RATIOS if ratio is None else (ratio,)
    best = (-1.0, float(THRESHOLDS[0]), ratios[-1], window or (0, 0))
    for w in WINDOWS if window is None else (window,):
        found = [_threshold(examples, probs, r, w, max_wrongful) for r in ratios]
        vals = [_criterion(rows) for _, rows in found]
        for i, (r, (t, _rows)) in enumerate(zip(ratios, found, strict=True)):
            sweep.append({"window": list(w), "ratio": r, "threshold": t, "criterion": round(vals[i], 4)})
            # the criterion is flat within a question or two across ratios: each ratio is judged by
            # its mean with its neighbours on the grid, so that one lucky question does not pick it
            near = vals[max(0, i - 1) : i + 2]
            val = sum(near) / len(near)
            if val > best[0] + 1e-9:
                best = (val, t, r, w)
    _, t, r, w = best
    return t, r, w, sweep


def _top1(examples: Sequence[Example], probs: Sequence[np.ndarray]) -> float | None:
    hits = n = 0
    for e, p in zip(examples, probs, strict=True):
        if not e.item.answerable or not len(p):
            continue
        n += 1
        order = np.argsort(-p)
        ok = [i for i in order if not (e.cands[i].roles & NEVER_ANSWERS)]
        hits += bool(ok) and bool(e.y[ok[0]])
    return round(hits / n, 4) if n else None


def _hit(e: Example, passages: Sequence[Passage], k: int) -> bool:
    """Is the question's evidence among the first ``k`` passages (FORMAT.md: ``any`` or ``all``)?"""
    ranks = [
        next(
            (i for i, p in enumerate(passages[:k], 1) if p.span.doc_sha256 in shas and coverage(quote, p.span.text) >= 0.5),
            None,
        )
        for shas, quote in e.evidence
    ]
    return all(r is not None for r in ranks) if e.item.needs == "all" else any(r is not None for r in ranks)


def recall(examples: Sequence[Example], probs: Sequence[np.ndarray], ks: Sequence[int] = (1, 5)) -> dict[str, Any]:
    """Recall@k of the answerable questions, in retrieval order and ordered by the answer model."""
    out: dict[str, Any] = {}
    answerable = [(e, p) for e, p in zip(examples, probs, strict=True) if e.item.answerable and e.evidence]
    if not answerable:
        return out
    for order in ("retrieval", "answer_model"):
        for k in ks:
            hits = 0
            for e, p in answerable:
                for c, v in zip(e.cands, p, strict=True):
                    c.p = float(v)
                ps = rank_passages(e.passages, e.cands) if order == "answer_model" else e.passages
                hits += _hit(e, ps, k)
            out[f"{order}_recall@{k}"] = round(hits / len(answerable), 4)
    return out


def fit(
    golds: Sequence[tuple[str, Path]],
    index: Any,
    retriever: Any,
    *,
    out: Path | None = MODEL_FILE,
    folds: int = 5,
    c_reg: float = 1.0,
    max_wrongful: float = 0.05,
    command: str = "",
    passages: int = 12,
    progress: Any = None,
    extra_ratio: float | None = None,
    window: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Build examples, cross-validate, choose the settings (holding ``extra_ratio`` and ``window``
    when given), refit on all, write the model file."""
    t0 = time.perf_counter()
    examples = build_examples(golds, index, retriever, passages=passages, progress=progress)
    if not examples:
        raise ValueError("no gold question could be scored: are the gold sets' documents indexed?")
    probs = cross_validate(examples, folds, c_reg)
    threshold, ratio, window, sweep = choose_settings(examples, probs, max_wrongful, ratio=extra_ratio, window=window)
    cv = {"all": outcomes(examples, probs, threshold, ratio, window)}
    for name, _ in golds:
        idx = [i for i, e in enumerate(examples) if e.gold == name]
        cv[name] = outcomes([examples[i] for i in idx], [probs[i] for i in idx], threshold, ratio, window)
    cv["top1"] = _top1(examples, probs)
    cv["ratio_support"] = ratio_support(examples, probs, threshold, ratio, window)
    calibration, cv["calibration"] = calibrate(examples, probs, ratio, window, folds)
    cv["retrieval"] = {"all": recall(examples, probs)}
    for name, _ in golds:
        idx = [i for i, e in enumerate(examples) if e.gold == name]
        cv["retrieval"][name] = recall([examples[i] for i in idx], [probs[i] for i in idx])
    x = np.vstack([e.x for e in examples if len(e.x)])
    y = np.concatenate([e.y for e in examples if len(e.y)])
    params = _fit(x, y, c_reg)
    info = {
        "fitted": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": command,
        "gold": {name: str(path) for name, path in golds},
        "questions": len(examples),
        "candidates": int(len(y)),
        "positives": int(y.sum()),
        "folds": folds,
        "groups": len({e.group for e in examples}),
        "C": c_reg,
        "passages": passages,
        "max_wrongful": max_wrongful,
        "cv": cv,
        "weights": {n: round(float(w), 4) for n, w in sorted(zip(NAMES, params[2], strict=True), key=lambda t: -abs(t[1]))},
        "seconds": round(time.perf_counter() - t0, 1),
    }
    scorer = dataclasses.replace(_scorer(params, threshold, ratio, info, window), calibration=calibration)
    if out is not None:
        scorer.save(out)
    return {
        "model": str(out) if out else None,
        "decline_threshold": threshold,
        "extra_ratio": ratio,
        "window": list(window),
        **info,
        "sweep": sweep,
    }


def report(result: dict[str, Any]) -> str:
    """A short human summary of a fit."""
    cv = result["cv"]
    lines = [
        f"answer model: {result['model']}  ({result['questions']} questions, {result['candidates']} candidate "
        f"sentences, {result['positives']} positive, {result['groups']} document groups, {result['folds']} folds)",
        f"decline threshold {result['decline_threshold']:.2f}, extra-sentence ratio {result['extra_ratio']:.2f}, "
        f"quoted window {tuple(result['window'])} sentences before/after",
        f"cross-validated (grouped by document): top-1 sentence {cv['top1']}",
    ]
    lines.append(
        "  the chosen extra-sentence ratio beats the others in this share of bootstrap resamples of the questions: "
        + "  ".join(f"{k} {v}" for k, v in cv["ratio_support"].items())
    )
    cal = cv["calibration"]
    lines.append(
        f"  confidence (chance the answer is right), cross-validated Brier score {cal['brier_calibrated']} "
        f"(raw probability {cal['brier_raw']}): "
        + "  ".join(f"{b['mean_confidence']:.2f}→{b['right']:.2f} ({b['answers']})" for b in cal["reliability"])
    )
    for name, r in cv["retrieval"].items():
        lines.append(f"  {name:<6} passages " + "  ".join(f"{k} {v}" for k, v in r.items()))
    for name, o in cv.items():
        if name in ("top1", "retrieval", "ratio_support", "calibration"):
            continue
        lines.append(
            f"  {name:<6} correct {o['correct']}  correct declines {o['correct_declines']}  wrongful declines "
            f"{o['wrongful_declines']}  citation precision {o['citation_precision']}  "
            f"({o['answerable']} answerable, {o['unanswerable']} unanswerable)"
        )
    return "\n".join(lines)


def main_json(result: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in result.items() if k != "sweep"}, ensure_ascii=False, indent=2)

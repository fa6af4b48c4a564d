"""Fit the deadline model (``assistant/extract/deadline_model.json``) on gold sets, with
document-grouped cross-validation.

    python -m evals.fit_extract --gold dev=../shared/gold --gold train=../shared/gold-train \\
        --corpus corpus --corpus ../shared/corpus/real --corpus ../shared/corpus/train

Every sentence of every gold document is walked as the extractor walks it; each date candidate
(``deadline.deadline_candidates``) is measured (``deadline_clf.features``). A candidate is
positive when its sentence matches a gold deadline quote of its document under FORMAT.md's rule
(coverage of the quote at least 0.5) and the candidate is that item's date (its wording lies in the
quote, or it resolves to the item's ``due``). The model is trained on the documents whose
deadlines are annotated exhaustively (``extraction_docs``), where a candidate without a gold item
is truly negative. Cross-validation (scikit-learn ``GroupKFold``) is grouped by document: for each
mode (``clf``, ``filter``, ``add``) the threshold is the one whose out-of-fold items score the best
deadline F1 under the product's own scoring (``evals.metrics.extraction_figures``); the rules alone
are scored the same way (in-sample for them: they were written on these documents). The model is
refitted on everything and written as JSON with those figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.extract.context import DocContext
from assistant.extract.deadline import DateCandidate, build_deadlines, deadline_candidates
from assistant.extract.deadline_clf import MODEL_FILE, MODES, NAMES, DeadlineModel, features, keep
from assistant.extract.models import Commitment
from assistant.extract.rules import walk
from assistant.logistic import Params, fit_standardised
from assistant.text import coverage
from assistant.types import Document
from evals import metrics as M
from evals.gold import GoldExtraction, read_gold
from evals.match import DocResolver

THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)


@dataclasses.dataclass
class Site:
    """One sentence with its date candidates, their features and labels."""

    gold: str  # the gold set's name
    name: str  # the gold document's name
    sha256: str  # of the gold document's file
    doc: Document
    s: int
    e: int
    cands: list[DateCandidate]
    x: np.ndarray
    y: np.ndarray
    exhaustive: bool  # the document's deadlines are all annotated

    @property
    def group(self) -> str:
        return f"{self.gold}:{self.name}"


def label(text: str, c: DateCandidate, quotes: Sequence[GoldExtraction]) -> bool:
    """Sentence ``text`` matches a gold deadline quote (coverage ≥ 0.5) and ``c`` is its date."""
    for g in quotes:
        if coverage(g.quote, text) < 0.5:
            continue
        due = g.fields.get("due")
        if coverage(c.anchor.text, g.quote) >= 0.5 or (
            due and c.due is not None and c.due.isoformat() == due
        ):
            return True
    return False


@dataclasses.dataclass
class Corpus:
    sites: list[Site]
    gold: list[GoldExtraction]  # deadline items of the documents found
    resolver: DocResolver
    extraction_docs: list[str]
    missing: list[str]


def build_sites(golds: Sequence[tuple[str, Path]], corpora: Sequence[Path]) -> Corpus:
    """Load every gold document found in ``corpora`` and measure its date candidates."""
    from evals.extraction_quick import load_gold_documents

    sites: list[Site] = []
    gold_items: list[GoldExtraction] = []
    shas: dict[str, str] = {}
    ex_docs: list[str] = []
    missing: list[str] = []
    for gname, path in golds:
        gold = read_gold(path)
        loaded, miss = load_gold_documents(gold, corpora)
        missing += [f"{gname}:{m}" for m in miss]
        names = {ld.name for ld in loaded}
        exhaustive = set(gold.extraction_docs) if gold.extraction_docs is not None else names
        ex_docs += [n for n in names if n in exhaustive]
        gold_items += [x for x in gold.extractions if x.kind == "deadline" and x.doc in names]
        for ld in loaded:
            shas[ld.name] = ld.sha256
            quotes = [x for x in gold.extractions if x.kind == "deadline" and x.doc == ld.name]
            for d in ld.docs:
                ctx = DocContext.of(d)
                for s, e, asked, amounts in walk(d, ctx):
                    cands = deadline_candidates(d, ctx, s, e, amounts, asked)
                    if not cands:
                        continue
                    x = features(d, ctx, s, e, cands, amounts, asked)
                    y = np.array([label(d.text[s:e], c, quotes) for c in cands], dtype=bool)
                    sites.append(Site(gname, ld.name, ld.sha256, d, s, e, cands, x, y, ld.name in exhaustive))
    resolver = DocResolver(shas, {n: [n] for n in shas})
    return Corpus(sites, gold_items, resolver, sorted(set(ex_docs)), missing)


def _fit(x: np.ndarray, y: np.ndarray, c_reg: float) -> Params:
    return fit_standardised(x, y, c_reg, max_iter=5000)


def _model(
    params: Params,
    thresholds: dict[str, float],
    info: dict[str, Any],
    names: tuple[str, ...] = NAMES,
) -> DeadlineModel:
    mean, scale, coef, intercept = params
    return DeadlineModel(names, mean, scale, coef, intercept, thresholds, info)


def _training(sites: Sequence[Site], names: tuple[str, ...] = NAMES) -> tuple[np.ndarray, np.ndarray]:
    chosen = [st for st in sites if st.exhaustive]
    if not chosen:
        return np.zeros((0, len(names))), np.zeros(0, dtype=bool)
    cols = [NAMES.index(n) for n in names]
    return np.vstack([st.x[:, cols] for st in chosen]), np.concatenate([st.y for st in chosen])


def cross_validate(
    sites: Sequence[Site], folds: int, c_reg: float, names: tuple[str, ...] = NAMES
) -> list[np.ndarray]:
    """Out-of-fold probabilities for every site's candidates (grouped by document)."""
    from sklearn.model_selection import GroupKFold

    groups = np.array([st.group for st in sites])
    n_folds = min(folds, len(set(groups)))
    oof: list[np.ndarray] = [np.zeros(0)] * len(sites)
    for train_idx, test_idx in GroupKFold(n_splits=n_folds).split(np.zeros(len(sites)), groups=groups):
        x, y = _training([sites[i] for i in train_idx], names)
        if len(set(y.tolist())) < 2:
            raise ValueError("a cross-validation fold has no positive or no negative candidate: add gold")
        model = _model(_fit(x, y, c_reg), {}, {}, names)
        for i in test_idx:
            oof[i] = model.predict(sites[i].x)
    return oof


def items(sites: Sequence[Site], decisions: Sequence[np.ndarray]) -> list[dict[str, Any]]:
    """The deadline items the decisions keep, as the extractor would emit them."""
    out: list[dict[str, Any]] = []
    for st, k in zip(sites, decisions, strict=True):
        chosen = [c for c, v in zip(st.cands, k, strict=True) if v]
        for c in build_deadlines(st.doc, st.s, st.e, chosen):
            row = Commitment.from_span(st.doc.span(c.start, c.end), c.kind, c.fields, actor=c.actor).to_dict()
            row["doc"], row["doc_sha256"] = st.name, st.sha256
            out.append(row)
    return out


def score(
    corpus: Corpus, sites: Sequence[Site], decisions: Sequence[np.ndarray], gold: str | None = None
) -> dict[str, Any]:
    """Deadline P/R/F1 and field accuracy of the kept items (of one gold set, or all)."""
    pick = [i for i, st in enumerate(sites) if gold is None or st.gold == gold]
    preds = items([sites[i] for i in pick], [decisions[i] for i in pick])
    names = {st.name for st in sites if gold is None or st.gold == gold}
    g = [x for x in corpus.gold if x.doc in names] if gold is not None else corpus.gold
    ex = [d for d in corpus.extraction_docs if d in names]
    fig = M.extraction_figures(g, preds, corpus.resolver, ex)["by_kind"].get("deadline")
    if fig is None:
        return {"precision": None, "recall": None, "f1": None, "field_accuracy": None, "n_gold": 0}
    return {k: fig[k] for k in ("precision", "recall", "f1", "field_accuracy", "n_gold", "n_predicted")}


def choose_thresholds(corpus: Corpus, oof: Sequence[np.ndarray]) -> tuple[dict[str, float], dict[str, list]]:
    """For each mode, the threshold with the best out-of-fold deadline F1 (ties: the middle one)."""
    sites = corpus.sites
    rules = [np.array([c.rule for c in st.cands], dtype=bool) for st in sites]
    chosen: dict[str, float] = {}
    sweeps: dict[str, list] = {}
    for mode in MODES:
        sweep = []
        for t in THRESHOLDS:
            dec = [keep(mode, r, p, float(t)) for r, p in zip(rules, oof, strict=True)]
            f = score(corpus, sites, dec)
            sweep.append((float(t), f["f1"] or 0.0))
        best = max(f1 for _, f1 in sweep)
        tied = [t for t, f1 in sweep if f1 >= best - 1e-9]
        chosen[mode] = tied[len(tied) // 2]
        sweeps[mode] = sweep
    return chosen, sweeps


def fit(
    golds: Sequence[tuple[str, Path]],
    corpora: Sequence[Path],
    *,
    out: Path | None = MODEL_FILE,
    folds: int = 5,
    c_reg: float = 1.0,
    drop: Sequence[str] = (),
    command: str = "",
) -> dict[str, Any]:
    """Measure, cross-validate, choose thresholds, refit on all, write the model file.

    ``drop`` leaves features out (``rule``: a decision that does not lean on the hand rules)."""
    t0 = time.perf_counter()
    if unknown := sorted(set(drop) - set(NAMES)):
        raise ValueError(f"unknown feature(s) {unknown}")
    names = tuple(n for n in NAMES if n not in set(drop))
    corpus = build_sites(golds, corpora)
    sites = corpus.sites
    x, y = _training(sites, names)
    if not len(y) or len(set(y.tolist())) < 2:
        raise ValueError("no positive or no negative deadline candidate: are the gold sets' documents found?")
    oof = cross_validate(sites, folds, c_reg, names)
    thresholds, sweeps = choose_thresholds(corpus, oof)
    rules = [np.array([c.rule for c in st.cands], dtype=bool) for st in sites]
    cv: dict[str, Any] = {}
    for mode in ("rules", *MODES):
        if mode == "rules":
            dec = rules
        else:
            dec = [keep(mode, r, p, thresholds[mode]) for r, p in zip(rules, oof, strict=True)]
        cv[mode] = {"all": score(corpus, sites, dec)}
        for name, _ in golds:
            cv[mode][name] = score(corpus, sites, dec, name)
    params = _fit(x, y, c_reg)
    info = {
        "command": command,
        "gold": {name: str(path) for name, path in golds},
        "documents": len({st.group for st in sites}),
        "candidates": int(len(y)),
        "positives": int(y.sum()),
        "folds": min(folds, len({st.group for st in sites})),
        "C": c_reg,
        "dropped": sorted(drop),
        "cv_deadline": cv,
        "cv_note": "rules are in-sample (written on these documents); clf/filter/add are out-of-fold",
        "weights": {
            n: round(float(w), 4)
            for n, w in sorted(zip(names, params[2], strict=True), key=lambda t: -abs(t[1]))
        },
    }
    model = _model(params, thresholds, info, names)
    if out is not None:
        model.save(out)
    return {
        "model": str(out) if out else None,
        "thresholds": thresholds,
        **info,
        "missing": corpus.missing,
        "sweeps": sweeps,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _f(v: Any) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def report(result: dict[str, Any]) -> str:
    lines = [
        f"deadline model: {result['model']}  ({result['documents']} documents, {result['candidates']} training "
        f"candidates, {result['positives']} positive, {result['folds']} folds, C {result['C']}, "
        f"dropped {result['dropped'] or 'none'})",
        "thresholds " + "  ".join(f"{k} {v:.3f}" for k, v in result["thresholds"].items()),
        "cross-validated deadline figures (grouped by document; rules in-sample):",
    ]
    if result["missing"]:
        lines.append(f"not found: {', '.join(result['missing'])}")
    for mode, by in result["cv_deadline"].items():
        for name, f in by.items():
            lines.append(
                f"  {mode:<7} {name:<6} P {_f(f['precision'])}  R {_f(f['recall'])}  F1 {_f(f['f1'])}  "
                f"fields {_f(f['field_accuracy'])}  gold {f['n_gold']}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.fit_extract", description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", action="append", required=True, help="NAME=DIR of a gold set (repeatable)")
    ap.add_argument(
        "--corpus", type=Path, action="append", required=True, help="corpus folder or file (repeatable)"
    )
    ap.add_argument("--out", type=Path, default=MODEL_FILE, help="where to write the model JSON")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--C", type=float, default=1.0, dest="c_reg", help="inverse regularisation strength")
    ap.add_argument(
        "--drop", action="append", default=[], help="leave this feature out (repeatable), e.g. rule"
    )
    ap.add_argument("--json", type=Path, help="write the full result (with threshold sweeps) here")
    args = ap.parse_args(argv)
    golds = []
    for g in args.gold:
        name, sep, path = g.partition("=")
        if not sep or not name or not path:
            ap.error(f"--gold takes NAME=DIR, got {g!r}")
        golds.append((name, Path(path)))
    command = "python -m evals.fit_extract " + " ".join(f"--gold {n}={p}" for n, p in golds)
    command += "".join(f" --corpus {c}" for c in args.corpus)
    if args.folds != 5:
        command += f" --folds {args.folds}"
    if args.c_reg != 1.0:
        command += f" --C {args.c_reg}"
    command += "".join(f" --drop {n}" for n in args.drop)
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    result = fit(
        golds, args.corpus, out=args.out, folds=args.folds, c_reg=args.c_reg, drop=args.drop, command=command
    )
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

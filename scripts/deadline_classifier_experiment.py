"""Experiment (issue 14): does a fitted decision beat the deadline rules? Run from the checkout:

    python scripts/deadline_classifier_experiment.py ../shared/gold ../shared/gold-train --corpus ../shared/corpus

Every date expression in a sentence the extractor reads (not a question) is a candidate. Its features
are the cues the rules look at (preposition, grain, explicit day/year, tense of its clause, money or a
label nearby, a decision list, before or after the document date) plus the rules' own decision; its
label is whether an annotated deadline of the same document covers its sentence (coverage >= 0.5) and
contains its date wording. Logistic regression is scored with document-grouped cross-validation on the
given gold sets against the rules alone, candidate by candidate. It prints figures and writes nothing:
the rules stay unless the model wins here and then on the validation set.
"""

from __future__ import annotations

import argparse
import logging
import re
from collections import Counter
from pathlib import Path

import numpy as np

from assistant.extract import normalize as nz
from assistant.extract.context import (
    _ACTION,
    _CANCELLED,
    _FUTURE,
    DocContext,
    _is_past,
    _is_question,
    _tense,
    local_clause,
    sentences,
)
from assistant.extract.deadline import _LABEL, _MONEY, _is_deadline
from assistant.extract.rules import _MEMBER_QUESTION
from assistant.text import coverage, tokens
from evals.extraction_quick import load_gold_documents
from evals.gold import read_gold

PREPS = [
    "per",
    "vanaf",
    "met ingang van",
    "uiterlijk",
    "voor",
    "vóór",
    "in",
    "op",
    "tot",
    "tot en met",
    "bij",
    "",
]
GRAINS = ["day", "month", "season", "quarter", "half", "year", "nota"]
TENSES = ["future", "action", "past", "permission", "none"]


def features(text: str, ctx: DocContext, s: int, e: int, d: nz.Due, amounts, rule: bool) -> list[float]:
    ls, le = local_clause(text, s, e, d.start, d.end)
    clause = text[ls:le]
    sentence = text[s:e]
    f = [float(d.prep == p) for p in PREPS] + [float(d.prep not in PREPS)]
    f += [float(d.grain == g) for g in GRAINS]
    f += [float(d.explicit_day), float(d.explicit_year), float(d.due is None)]
    f += [
        float(d.due is not None and d.due < ctx.ref),
        float(d.due is not None and d.due.year > ctx.ref.year),
    ]
    tense = _tense(text, s, e, d.start, d.end)
    f += [float(tense == t) for t in TENSES]
    f += [
        float(bool(_MONEY.search(clause))),
        float(any(ls <= a.start < le for a in amounts)),
        float(bool(_LABEL.search(clause))),
        float(bool(_FUTURE.search(sentence))),
        float(bool(_ACTION.search(sentence))),
        float(_is_past(clause)),
        float(bool(_CANCELLED.search(sentence))),
        float(ctx.decisions),
        float(bool(re.match(r"\s*\d{1,2}[.)]\s", text[s : s + 6]))),
        float(rule),
    ]
    return f


def candidates(gold_dirs: list[Path], corpora: list[Path]):
    X, y, rule, groups = [], [], [], []
    for gdir in gold_dirs:
        gold = read_gold(gdir)
        loaded, _ = load_gold_documents(gold, corpora)
        docs = set(gold.extraction_docs or ())
        for ld in loaded:
            if ld.name not in docs:
                continue  # only exhaustively annotated documents give negatives
            quotes = [x.quote for x in gold.extractions if x.doc == ld.name and x.kind == "deadline"]
            for doc in ld.docs:
                ctx = DocContext.of(doc)
                text = doc.text
                for s, e in sentences(text):
                    if _is_question(text, s, e) or _MEMBER_QUESTION.match(ctx.section(s)[2]):
                        continue
                    amounts = nz.find_amounts(text, s, e)
                    for d in nz.find_dues(text, s, e, ctx.ref):
                        r = _is_deadline(text, ctx, s, e, d, amounts, text[s:e])
                        due_toks = set(tokens(d.text))
                        hit = any(coverage(q, text[s:e]) >= 0.5 and due_toks & set(tokens(q)) for q in quotes)
                        X.append(features(text, ctx, s, e, d, amounts, r))
                        y.append(int(hit))
                        rule.append(int(r))
                        groups.append(f"{gdir.name}/{ld.name}")
    return np.array(X), np.array(y), np.array(rule), np.array(groups)


def prf(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = int(((pred == 1) & (y == 1)).sum())
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int(y.sum()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser()
    ap.add_argument("gold", type=Path, nargs="+")
    ap.add_argument("--corpus", type=Path, action="append", required=True)
    args = ap.parse_args()
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    X, y, rule, groups = candidates(args.gold, args.corpus)
    print(f"candidates {len(y)}, positive {int(y.sum())}, documents {len(set(groups))}")
    print("rules       P {:.3f} R {:.3f} F1 {:.3f}".format(*prf(rule, y)))
    for with_rule in (False, True):
        cols = X if with_rule else X[:, :-1]
        pred = np.zeros_like(y)
        for tr, te in GroupKFold(n_splits=5).split(cols, y, groups):
            m = LogisticRegression(C=1.0, max_iter=2000).fit(cols[tr], y[tr])
            pred[te] = (m.predict_proba(cols[te])[:, 1] >= 0.5).astype(int)
        name = "LR+rule" if with_rule else "LR"
        p, r, f1 = prf(pred, y)
        print(f"{name:<11} P {p:.3f} R {r:.3f} F1 {f1:.3f}   (5-fold, grouped by document)")
    print("per document where rules and LR+rule differ:", Counter(groups[pred != rule]).most_common(5))


if __name__ == "__main__":
    main()

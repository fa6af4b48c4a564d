"""Score the extractor on a gold folder while developing (not a unit test; the product's eval lives
in ``evals/``). ``python -m assistant.extract.devscore [gold_dir] [-v]``

Matching is FORMAT.md's: same document and kind, coverage(gold quote, predicted quote) >= 0.5,
each gold item matched at most once (pairs taken by descending coverage); precision over the
documents in ``extraction_docs.txt``; field accuracy over matched pairs on the key fields.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from assistant.text import coverage
from assistant.types import Document

CORPUS = [
    Path("/work/shared/corpus"),
    Path("/work/shared/corpus/real"),
    Path(__file__).resolve().parents[2] / "corpus",
]
KEY_FIELDS = {"norm": ("share", "within"), "deadline": ("due",), "funding": ("amount_eur", "period")}


def _find(name: str) -> Path:
    for d in CORPUS:
        if (d / name).exists():
            return d / name
    raise FileNotFoundError(name)


def load_document(name: str) -> Document:
    """The real loader and cleaner when they exist; else raw text / joined pypdf pages."""
    path = _find(name)
    try:
        from ingest.load import load_path  # type: ignore[import-not-found]

        doc = load_path(path, max_bytes=200 * 2**20)[0]
        try:
            from ingest.clean import clean  # type: ignore[import-not-found]

            doc = clean(doc)
        except ImportError:
            pass
        return doc
    except ImportError:
        pass
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".pdf":
        import pypdf

        pages = [p.extract_text() or "" for p in pypdf.PdfReader(path).pages]
        starts, text = [], ""
        for p in pages:
            starts.append(len(text))
            text += p + "\n\f"
        return Document(doc=name, sha256=sha, text=text, page_starts=tuple(starts), fmt="pdf")
    return Document(doc=name, sha256=sha, text=data.decode("utf-8"))


def simulate_clean(doc: Document) -> Document:
    """A stand-in for ``ingest.clean`` to test robustness: rejoin hyphenated words, unwrap lines
    (list items and blank lines kept). Page starts are dropped (offsets move)."""
    import re

    t = re.sub(r"(\w)-\s*\n\s*(?=[a-zà-ÿ])", r"\1", doc.text)
    t = re.sub(r"[ \t]*\n[ \t]*(?!\n|[ \t]*(?:[–•·▪●◦*-]|\d{1,2}[.)]\s))", " ", t)
    t = re.sub(r"[ \t]{2,}", " ", t)
    return Document(doc=doc.doc, sha256=doc.sha256, text=t, date=doc.date, fmt=doc.fmt)


def _equal(kind: str, g: dict[str, Any], p: dict[str, Any]) -> bool:
    for k in KEY_FIELDS[kind]:
        gv, pv = g.get(k), p.get(k)
        if k == "share":
            if (gv is None) != (pv is None) or (gv is not None and abs(gv - pv) > 0.001):
                return False
        elif k == "within":
            if (gv is None) != (pv is None):
                return False
            if gv is not None and (gv["unit"] != pv["unit"] or abs(gv["value"] - pv["value"]) > 1e-9):
                return False
        elif k == "amount_eur":
            if gv is None or pv is None or abs(float(gv) - float(pv)) > 1e-6:
                return False
        elif gv != pv:
            return False
    return True


def score(
    gold_dir: Path, verbose: bool = False, method: str = "rules", simclean: bool = False
) -> dict[str, Any]:
    from assistant.extract import extract_document

    gold = [
        json.loads(line) for line in (gold_dir / "extractions.jsonl").read_text().splitlines() if line.strip()
    ]
    docs = [n.strip() for n in (gold_dir / "extraction_docs.txt").read_text().splitlines() if n.strip()]
    preds: list[dict[str, Any]] = []
    pages = 0
    seconds = 0.0
    for name in docs:
        doc = load_document(name)
        if simclean:
            doc = simulate_clean(doc)
        pages += doc.pages
        t = time.perf_counter()
        items = extract_document(doc, method=method)
        seconds += time.perf_counter() - t
        for it in items:
            assert doc.text[it.char_start : it.char_end] == it.quote
        preds.extend(it.to_dict() for it in items)
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(preds):
            if p["doc"] == g["doc"] and p["kind"] == g["kind"]:
                c = coverage(g["quote"], p["quote"])
                if c >= 0.5:
                    ok = _equal(g["kind"], g["fields"], p["fields"])
                    pairs.append((c, ok, gi, pi))
    pairs.sort(key=lambda x: (-x[0], not x[1]))
    used_g, used_p, matches = set(), set(), []
    for _c, ok, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        matches.append((gi, pi, ok))
    report: dict[str, Any] = {}
    for kind in ("norm", "deadline", "funding", "all"):
        gk = [i for i, g in enumerate(gold) if kind in ("all", g["kind"])]
        pk = [i for i, p in enumerate(preds) if kind in ("all", p["kind"]) and p["doc"] in docs]
        mk = [m for m in matches if kind in ("all", gold[m[0]]["kind"])]
        tp = len(mk)
        prec = tp / len(pk) if pk else 0.0
        rec = tp / len(gk) if gk else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        acc = sum(ok for *_, ok in mk) / tp if tp else 0.0
        report[kind] = {
            "gold": len(gk),
            "pred": len(pk),
            "tp": tp,
            "precision": round(prec, 3),
            "recall": round(rec, 3),
            "f1": round(f1, 3),
            "field_acc": round(acc, 3),
        }
    report["pages"] = pages
    report["pages_per_s"] = round(pages / seconds, 1) if seconds else None
    if verbose:
        print("== MISSES")
        for gi, g in enumerate(gold):
            if gi not in used_g:
                print(f"  {g['id']} {g['kind']:8} {g['doc'][:12]} {g['quote'][:110]!r}")
        print("== INVENTIONS (unmatched predictions)")
        for pi, p in enumerate(preds):
            if pi not in used_p:
                print(
                    f"  {p['kind']:8} {p['doc'][:12]} {p['quote'][:140]!r} {json.dumps(p['fields'], ensure_ascii=False)[:120]}"
                )
        print("== FIELD ERRORS")
        for gi, pi, ok in matches:
            if not ok:
                g, p = gold[gi], preds[pi]
                keys = KEY_FIELDS[g["kind"]]
                print(
                    f"  {g['id']} {g['kind']:8} gold={ {k: g['fields'].get(k) for k in keys} } pred={ {k: p['fields'].get(k) for k in keys} } {p['quote'][:80]!r}"
                )
    return report


if __name__ == "__main__":  # pragma: no cover
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    gold_dir = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "evals" / "gold" / "dev"
    method = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--method=")), "rules")
    rep = score(gold_dir, verbose="-v" in sys.argv, method=method, simclean="--simclean" in sys.argv)
    print(json.dumps(rep, indent=1))

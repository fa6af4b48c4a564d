"""Extraction-only evaluation in seconds: load and clean the gold set's documents, extract, score.

``bronwijs eval`` ingests and embeds a corpus before it scores anything; extraction needs only the
loaded and cleaned documents. This module skips the index and reuses the same scoring
(``evals.metrics.extraction_figures``) and document matching (sha256 of ``documents.tsv``, else the
base name). A JSON list is loaded one document per record (``file.json#n``); its records are scored
as the file the gold set names, so predictions are mapped back to ``file.json`` and its sha256.

    python -m evals.extraction_quick ../shared/gold-train --corpus ../shared/corpus/train
    python -m evals.extraction_quick ../shared/gold-val --corpus ../shared/corpus/val --blind

``--blind`` prints aggregates only (overall, per kind, field accuracy, speed): the form for a
validation set whose items must not be looked at. Without it, every failure is listed.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals import metrics as M
from evals.gold import GoldSet, read_gold
from evals.match import DocResolver

MAX_BYTES = 200 * 1024 * 1024


@dataclass
class Loaded:
    """One gold document, loaded and cleaned: its records (one for most files)."""

    name: str  # the gold set's name for it
    sha256: str  # of the file's bytes
    docs: list[Any]  # cleaned assistant.types.Document(s)
    pages: int


def _files(corpora: Iterable[Path]) -> list[Path]:
    from ingest.load import SUPPORTED_SUFFIXES

    out = []
    for c in corpora:
        paths = [c] if c.is_file() else sorted(p for p in c.rglob("*") if p.is_file())
        out.extend(p for p in paths if p.suffix.lower() in SUPPORTED_SUFFIXES)
    return out


def load_gold_documents(gold: GoldSet, corpora: Sequence[Path]) -> tuple[list[Loaded], list[str]]:
    """The gold set's documents found in ``corpora``: by sha256 of ``documents.tsv``, else by base name.

    Returns the loaded documents and the names not found. Unreadable files are reported on stderr
    and skipped.
    """
    from assistant.errors import UnreadableDocument
    from ingest.clean import clean
    from ingest.load import file_sha256, load_path

    wanted = gold.doc_names()
    by_sha = {sha.lower(): name for name, sha in gold.documents.items()}
    by_name = {Path(n).name: n for n in wanted}
    found: dict[str, Loaded] = {}
    for p in _files(corpora):
        sha = file_sha256(p)
        name = by_sha.get(sha) or by_name.get(p.name)
        if name is None or name in found:
            continue
        try:
            raw = load_path(p, max_bytes=MAX_BYTES)
        except UnreadableDocument as e:
            print(f"overgeslagen / skipped {p}: {e}", file=sys.stderr)
            continue
        docs = [clean(d) for d in raw]
        found[name] = Loaded(name, sha, docs, sum(d.pages for d in docs))
    missing = [n for n in wanted if n not in found]
    return [found[n] for n in wanted if n in found], missing


def run(
    gold_dir: Path,
    corpora: Sequence[Path],
    *,
    kinds: Sequence[str] | None = None,
    deadlines: str | None = None,
    deadline_model: str | None = None,
) -> dict[str, Any]:
    """Extract from every gold document found and score; figures plus failures and speed."""
    from assistant.extract import extract_document

    gold = read_gold(gold_dir)
    loaded, missing = load_gold_documents(gold, corpora)
    preds: list[dict[str, Any]] = []
    seconds = 0.0
    for ld in loaded:
        for d in ld.docs:
            t0 = time.perf_counter()
            items = extract_document(d, kinds=kinds, deadlines=deadlines, deadline_model=deadline_model)
            seconds += time.perf_counter() - t0
            for c in items:
                row = c.to_dict()
                row["doc"], row["doc_sha256"] = ld.name, ld.sha256  # a JSON record scores as its file
                preds.append(row)
    names = {ld.name for ld in loaded}
    resolver = DocResolver({ld.name: ld.sha256 for ld in loaded}, {ld.name: [ld.name] for ld in loaded})
    scoped = [x for x in gold.extractions if x.doc in names]
    ex_docs = None if gold.extraction_docs is None else [d for d in gold.extraction_docs if d in names]
    pages = sum(ld.pages for ld in loaded)
    return {
        "gold": str(gold_dir),
        "corpora": [str(c) for c in corpora],
        "documents": len(loaded),
        "missing": missing,
        **M.extraction_figures(scoped, preds, resolver, ex_docs),
        "failures": M.extraction_failures(scoped, preds, resolver, ex_docs),
        "speed": {
            "pages": pages,
            "seconds": round(seconds, 3),
            "pages_per_s": round(pages / seconds, 1) if seconds else None,
        },
    }


def _f(v: Any) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def render(result: dict[str, Any], *, blind: bool, out: Any = None) -> None:
    out = out or sys.stdout

    def line(name: str, g: dict[str, Any]) -> None:
        print(
            f"{name:<10} P {_f(g['precision'])}  R {_f(g['recall'])}  F1 {_f(g['f1'])}  "
            f"fields {_f(g['field_accuracy'])}  gold {g['n_gold']:>3}  pred {g['n_predicted']}",
            file=out,
        )

    print(f"gold {result['gold']}  documents {result['documents']}", file=out)
    if result["missing"]:
        print(f"niet gevonden / not found: {', '.join(result['missing'])}", file=out)
    line("overall", result["overall"])
    for k, g in result["by_kind"].items():
        line(k, g)
    by_field = result["overall"]["field_accuracy_by_field"]
    print("fields    " + "  ".join(f"{k} {_f(v)}" for k, v in by_field.items()), file=out)
    sp = result["speed"]
    print(f"speed     {sp['pages']} pages in {sp['seconds']} s = {sp['pages_per_s']} pages/s", file=out)
    if blind:
        return
    for d, g in result["by_doc"].items():
        line(d[:40], g)
    for f in result["failures"]:
        what = f.get("expected") or f.get("got")
        extra = f" {json.dumps(f['fields'], ensure_ascii=False)}" if f.get("fields") else ""
        print(
            f"- {f['problem']:<8} {f['kind']:<8} {f['id']:<9} {f['doc'][:28]}: {what!s:.160}{extra}", file=out
        )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m evals.extraction_quick", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("gold", type=Path, help="gold folder (FORMAT.md)")
    ap.add_argument(
        "--corpus", type=Path, action="append", required=True, help="corpus folder or file (repeatable)"
    )
    ap.add_argument("--blind", action="store_true", help="aggregates only: for a validation set")
    ap.add_argument(
        "--deadlines",
        choices=("rules", "clf", "filter", "add"),
        help="how deadlines are decided (default: the product's choice)",
    )
    ap.add_argument("--deadline-model", help="the deadline model's JSON file (default: the packaged one)")
    ap.add_argument("--json", type=Path, help="write the figures (no failures when --blind) to this file")
    args = ap.parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # "Ignoring wrong pointing object": noise here
    result = run(args.gold, args.corpus, deadlines=args.deadlines, deadline_model=args.deadline_model)
    if args.blind:
        result = {k: v for k, v in result.items() if k not in {"failures", "by_doc"}}
    render(result, blind=args.blind)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

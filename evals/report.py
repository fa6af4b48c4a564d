"""Render one or more ``bronwijs eval --out`` metrics files as markdown, for docs/evals.md.

    python -m evals.report runs/metrics-a.json runs/metrics-b.json >> docs/evals.md
    python -m evals.report --write docs/evals.md runs/final.json   # replaces its "## Results" section

A file of a run with several gold sets (``bronwijs eval --gold NAME=DIR ...``) gets the sets side by
side with the dev-minus-val gap, then each set's tables; a blind set has no per-item lines in its
file, so none appear here. Figures are copied from the metrics files, never typed in: the docs say
what the eval measured.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from evals.sets import fmt, is_multi, side_by_side

QA_COLUMNS = [
    ("n", ("n",)),
    ("R@1", ("retrieval", "recall@1")),
    ("R@5", ("retrieval", "recall@5")),
    ("R@10", ("retrieval", "recall@10")),
    ("MRR", ("retrieval", "mrr@10")),
    ("nDCG@10", ("retrieval", "ndcg@10")),
    ("correct", ("answers", "correct")),
    ("declined ok", ("answers", "declined_correctly")),
    ("wrongly declined", ("answers", "wrongly_declined")),
    ("cite P", ("citations", "precision")),
    ("cite R", ("citations", "recall")),
    ("retrieve p50 ms", ("latency", "retrieve", "median_ms")),
    ("answer p50 ms", ("latency", "answer", "median_ms")),
    ("answer p95 ms", ("latency", "answer", "p95_ms")),
]
EX_COLUMNS = [
    ("gold", ("n_gold",)),
    ("predicted", ("n_predicted",)),
    ("matched", ("n_matched",)),
    ("P", ("precision",)),
    ("R", ("recall",)),
    ("F1", ("f1",)),
    ("field acc", ("field_accuracy",)),
]


def _get(d: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}" if v <= 1.0 else f"{v:.1f}"
    return str(v)


def _table(rows: list[tuple[str, dict[str, Any]]], columns: list[tuple[str, tuple[str, ...]]]) -> str:
    head = "| group | " + " | ".join(c for c, _ in columns) + " |"
    sep = "|---|" + "---|" * len(columns)
    body = ["| " + name + " | " + " | ".join(_fmt(_get(r, p)) for _, p in columns) + " |" for name, r in rows]
    return "\n".join([head, sep, *body])


def _groups(section: dict[str, Any], with_docs: bool = False) -> list[tuple[str, dict[str, Any]]]:
    rows = [("overall", section.get("overall", {}))]
    for key, label in (("by_kind", "kind"), ("by_lang", "lang"), *((("by_doc", "doc"),) if with_docs else ())):
        rows += [(f"{label}: {k}", v) for k, v in sorted((section.get(key) or {}).items())]
    return rows


def render(path: Path) -> str:
    m = json.loads(Path(path).read_text(encoding="utf-8"))
    if is_multi(m):
        return render_multi(m, Path(path))
    return render_set(m, Path(path))


def render_multi(m: dict[str, Any], path: Path) -> str:
    """A run with several gold sets: the side-by-side table with the gaps, then each set."""
    head, rows = side_by_side(m)
    n_sets = len(head) - 1 - sum(h.startswith("gap") for h in head)
    commit = (m.get("git") or {}).get("commit", "?")[:12]
    out = [f"### `{m.get('label') or path.name}` — {m.get('date', '')}, commit {commit}", ""]
    out.append(
        f"Corpus {', '.join(map(str, m.get('corpus_dirs') or []))}; embedder "
        f"`{(m.get('embedder') or {}).get('name', m.get('embedder'))}`; gold sets "
        + ", ".join(
            f"`{n}` = `{s.get('gold_dir')}`{' (blind: aggregates only)' if s.get('blind') else ''}"
            for n, s in m["sets"].items()
        )
        + "."
    )
    out += ["", "Gold sets side by side (gap = mean of the development sets minus the blind set):", ""]
    out.append("| " + " | ".join(head) + " |")
    out.append("|---|" + "---|" * (len(head) - 1))
    for row in rows:
        cells = [row[0], *(fmt(v) for v in row[1 : 1 + n_sets])]
        cells += ["–" if v is None else f"{v:+.3f}" for v in row[1 + n_sets :]]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    for name, section in m["sets"].items():
        out.append(render_set(section, path, title=f"Set `{name}`", level="####"))
    return "\n".join(out)


def render_set(m: dict[str, Any], path: Path, title: str = "", level: str = "####") -> str:
    commit = (m.get("git") or {}).get("commit", "?")[:12]
    if title:
        out = [f"{level} {title}{' (blind)' if m.get('blind') else ''}", ""]
    else:
        out = [f"{level} `{m.get('label') or path.name}` — {m.get('date', '')}, commit {commit}", ""]
    out.append(f"Gold `{m.get('gold_dir')}`; corpus {', '.join(map(str, m.get('corpus_dirs') or []))}; "
               f"embedder `{(m.get('embedder') or {}).get('name', m.get('embedder'))}`; counts {json.dumps(m.get('counts', {}))}.")
    out.append("")
    qa = m.get("qa") or {}
    if qa.get("status") == "measured":
        out += ["Questions:", "", _table(_groups(qa), QA_COLUMNS), ""]
        base = m.get("baseline") or {}
        if base.get("status") == "measured":
            out += [f"Baseline in the same run ({base.get('pipeline', {}).get('answer', '')}; "
                    f"{base.get('pipeline', {}).get('splitter', '')}, top {base.get('pipeline', {}).get('top')}):", "",
                    _table([("Bronwijs", qa["overall"]), ("LangChain tutorial", base["overall"])], QA_COLUMNS), ""]
    elif qa:
        out += [f"Questions: not measured ({qa.get('reason', qa.get('status'))})", ""]
    ex = m.get("extraction") or {}
    if ex.get("status") == "measured":
        rows = [("overall", ex.get("overall", {}))] + [(f"kind: {k}", v) for k, v in sorted((ex.get("by_kind") or {}).items())]
        out += ["Extraction (precision over extraction_docs only):", "", _table(rows, EX_COLUMNS), ""]
        lat = ex.get("latency") or {}
        if lat.get("per_page"):
            out += [f"Extraction speed: {_fmt(lat.get('pages_per_s'))} pages/s over {lat.get('pages')} pages "
                    f"({lat.get('documents')} documents); per page median {_fmt(lat['per_page'].get('median_ms'))} ms, "
                    f"p95 {_fmt(lat['per_page'].get('p95_ms'))} ms.", ""]
        fails = ex.get("failures") or []
        if fails:
            out += ["Missed and invented items:", ""]
            out += [f"- {f.get('problem')} `{f.get('id', '')}` {f.get('kind')} in {f.get('doc')}: "
                    f"{str(f.get('expected') or f.get('got') or f.get('quote') or '')[:140]}" for f in fails]
            out.append("")
    elif ex:
        out += [f"Extraction: not measured ({ex.get('reason', ex.get('status'))})", ""]
    return "\n".join(out)


RESULTS = "## Results"


def write_results(doc: Path, text: str) -> None:
    """Put ``text`` under the ``## Results`` heading of ``doc``, replacing what stood there up to the
    next ``## `` heading; without that heading, a Results section goes before ``## History`` (or at
    the end). Everything else in the file is kept."""
    lines = doc.read_text(encoding="utf-8").splitlines() if doc.exists() else []
    block = [RESULTS, "", *text.rstrip().splitlines(), ""]
    start = next((i for i, line in enumerate(lines) if line.strip() == RESULTS), None)
    if start is None:
        at = next((i for i, line in enumerate(lines) if line.startswith("## History")), len(lines))
        if at == len(lines) and lines and lines[-1].strip():
            block = ["", *block]
        lines[at:at] = block
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = block
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    write: Path | None = None
    if argv[:1] == ["--write"]:
        if len(argv) < 3:
            print("usage: python -m evals.report [--write docs/evals.md] METRICS.json ...", file=sys.stderr)
            return 2
        write, argv = Path(argv[1]), argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    text = "\n\n".join(render(Path(a)) for a in argv)
    if write is None:
        print(text)
    else:
        write_results(write, text)
        print(f"{write}: {RESULTS} replaced ({len(argv)} metrics file(s))", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

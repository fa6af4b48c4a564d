"""``bronwijs eval compare A.json B.json``: every numeric figure of two runs side by side.

Figures are the numeric leaves of the metrics JSON, named by their dotted path
(``qa.overall.retrieval.recall@5``). A change is coloured green when it is better, red when worse:
shares and throughputs are better higher; latencies, durations, wrongful declines and errors are
better lower; counts (``n``, pages, chunks, ...) and dev-minus-val gaps are neutral.

A run with several gold sets (``evals.sets``) names a set's figures ``sets.<name>.<path>``; its
run-wide figures (ingest, seconds) and the gaps (``gap.<blind set>...``) stand once at the top.
Comparing a single-set file with a multi-set one reads the single-set file as a run with one set,
named after its gold folder (``evals/gold/dev`` -> ``dev``), so the same set lines up.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from assistant.errors import BronwijsError
from evals.sets import is_multi, sets_of

# parts of metrics.json that describe the run rather than measure it
SKIP = {
    "settings",
    "machine",
    "git",
    "failures",
    "skipped",
    "documents",
    "gold_quote_warnings",
    "index",
    "embedder",
    "pipeline",
    "k",
    "extraction_docs_missing",
    "failed",
}
LOWER_IS_BETTER = (
    "latency",
    "_ms",
    "seconds",
    "wall_s",
    "split_s",
    "embed_s",
    "timings",
    "wrongly_declined",
    "errors",
    "ignored_predictions",
)
NEUTRAL = (
    "n",
    "count",
    "pages",
    "chunks",
    "tokens",
    "documents",
    "added",
    "unchanged_or_skipped",
    "questions",
    "answerable",
    "unanswerable",
    "extraction_items",
    "extraction_docs",
)


def flatten(d: Any, prefix: str = "") -> Iterator[tuple[str, float]]:
    """Numeric leaves as (dotted path, value); bools and the descriptive sections are left out."""
    if isinstance(d, Mapping):
        for key, v in d.items():
            if key in SKIP:
                continue
            yield from flatten(v, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(d, int | float) and not isinstance(d, bool):
        yield prefix, float(d)


# a set's copies of the run-wide parts; a multi-set file has them once, at the top
RUN_WIDE = ("ingest", "seconds")


def flatten_run(m: Mapping[str, Any]) -> Iterator[tuple[str, float]]:
    """The figures of a multi-set file: run-wide ones and gaps at the top, then ``sets.<name>.*``."""
    yield from flatten({key: v for key, v in m.items() if key != "sets"})
    for name, section in sets_of(m).items():
        yield from flatten({key: v for key, v in section.items() if key not in RUN_WIDE}, f"sets.{name}")


def as_multi(m: Mapping[str, Any]) -> dict[str, Any]:
    """A single-set file as a run with one set (its run-wide parts at the top)."""
    if is_multi(m):
        return dict(m)
    return {**{key: m[key] for key in RUN_WIDE if key in m}, "sets": sets_of(m)}


def direction(path: str) -> int:
    """+1 when higher is better, -1 when lower is better, 0 for counts and gaps."""
    parts = path.split(".")
    last = parts[-1]
    if parts[0] == "gap":
        return 0
    if last.endswith("per_s"):
        return 1
    if (
        "counts" in parts[:3]
        or last in NEUTRAL
        or last.startswith(("n_", "questions_", "extraction_items_"))
        or last.endswith("_n")  # how many per-item entries a blind set hides
    ):
        return 0
    if any(tag in p for p in parts for tag in LOWER_IS_BETTER):
        return -1
    return 1


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows ``{figure, a, b, delta, verdict}`` (verdict: better, worse, same, neutral, new, gone), in B's order."""
    if is_multi(a) or is_multi(b):
        fa, fb = dict(flatten_run(as_multi(a))), dict(flatten_run(as_multi(b)))
    else:
        fa, fb = dict(flatten(a)), dict(flatten(b))
    rows = []
    for path in list(fb) + [p for p in fa if p not in fb]:
        va, vb = fa.get(path), fb.get(path)
        if va is None or vb is None:
            rows.append(
                {"figure": path, "a": va, "b": vb, "delta": None, "verdict": "new" if va is None else "gone"}
            )
            continue
        delta = vb - va
        sign = direction(path)
        if abs(delta) < 1e-9:
            verdict = "same"
        elif sign == 0:
            verdict = "neutral"
        else:
            verdict = "better" if delta * sign > 0 else "worse"
        rows.append({"figure": path, "a": va, "b": vb, "delta": delta, "verdict": verdict})
    return rows


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise BronwijsError(
            f"{path}: no such file; give two metrics.json files from `bronwijs eval --out`"
        ) from e
    except json.JSONDecodeError as e:
        raise BronwijsError(
            f"{path}:{e.lineno}: not JSON ({e.msg}); give a metrics.json from `bronwijs eval --out`"
        ) from e
    if not isinstance(data, dict):
        raise BronwijsError(f"{path}: not a metrics.json (expected a JSON object)")
    return data


def _fmt(v: float | None) -> str:
    if v is None:
        return "–"
    if v == int(v) and abs(v) >= 10:
        return f"{v:.0f}"
    return f"{v:.4f}".rstrip("0").rstrip(".") if abs(v) < 1000 else f"{v:.0f}"


def compare_files(a: Path, b: Path, console: Any = None) -> list[dict[str, Any]]:
    """Print the comparison of two metrics.json files as a table; return its rows."""
    from rich.console import Console
    from rich.table import Table

    ma, mb = _load(a), _load(b)
    rows = compare(ma, mb)
    console = console or Console()
    title = f"A = {ma.get('label') or a} ({str(ma.get('date', ''))[:16]})   B = {mb.get('label') or b} ({str(mb.get('date', ''))[:16]})"
    t = Table(title=title, title_justify="left")
    for col in ("figure", "A", "B", "delta"):
        t.add_column(col, justify="left" if col == "figure" else "right")
    colour = {"better": "green", "worse": "red", "new": "cyan", "gone": "yellow"}
    for r in rows:
        delta = "" if r["delta"] is None else ("+" if r["delta"] > 0 else "") + _fmt(r["delta"])
        style = colour.get(r["verdict"], "")
        t.add_row(r["figure"], _fmt(r["a"]), _fmt(r["b"]), delta, style=style)
    console.print(t)
    better = sum(r["verdict"] == "better" for r in rows)
    worse = sum(r["verdict"] == "worse" for r in rows)
    console.print(f"{better} better, {worse} worse, {len(rows)} figures")
    return rows

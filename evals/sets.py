"""Several gold sets in one eval run: their names, which are blind, and the gap between them.

``bronwijs eval --gold dev=DIR --gold train=DIR --gold val=DIR --blind val`` scores each set on the
same index. Sets not marked ``--blind`` are development sets; a blind set is a validation set: its
per-item output is never shown or written (only aggregates), and the **gap** of each figure is the
mean over the development sets minus the blind set's value (``dev - val``: positive when the
validation set scores lower; for wrongful declines, where lower is better, negative is worse).

A metrics file of one set keeps the single-set shape of earlier runs; a run with several sets
writes ``{..run-wide keys.., "sets": {name: <single-set shape>}, "blind": [...], "gap": {...}}``.
``sets_of`` reads both. Pure functions over plain dicts: no heavy imports here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError

_NAME = re.compile(r"^[\w.+-]+$")

# the figures whose development-minus-validation gap is reported: (key, label, path in a set section)
GAP_FIGURES: list[tuple[str, str, str]] = [
    ("answer_correct", "answer correct", "qa.overall.answers.correct"),
    ("declined_correctly", "correct declines", "qa.overall.answers.declined_correctly"),
    ("wrongly_declined", "wrongful declines", "qa.overall.answers.wrongly_declined"),
    ("citation_precision", "citation precision", "qa.overall.citations.precision"),
    ("recall@5", "recall@5", "qa.overall.retrieval.recall@5"),
    ("extraction_f1", "extraction F1", "extraction.overall.f1"),
    ("field_accuracy", "field accuracy", "extraction.overall.field_accuracy"),
]
_GAP_BY_PATH = {path: key for key, _, path in GAP_FIGURES}

# the rows of the side-by-side table: (label, path in a set section; {k} is the retrieval depth)
SIDE_ROWS: list[tuple[str, str]] = [
    ("questions scored", "counts.questions_scored"),
    ("questions skipped", "counts.questions_skipped"),
    ("recall@1", "qa.overall.retrieval.recall@1"),
    ("recall@5", "qa.overall.retrieval.recall@5"),
    ("recall@10", "qa.overall.retrieval.recall@10"),
    ("MRR@{k}", "qa.overall.retrieval.mrr@{k}"),
    ("answer correct", "qa.overall.answers.correct"),
    ("correct declines", "qa.overall.answers.declined_correctly"),
    ("wrongful declines", "qa.overall.answers.wrongly_declined"),
    ("citation precision", "qa.overall.citations.precision"),
    ("citation recall", "qa.overall.citations.recall"),
    ("mean confidence of answers", "qa.overall.answers.mean_confidence"),
    ("answers right", "qa.overall.answers.answers_right"),
    ("confidence Brier score", "qa.overall.answers.confidence_brier"),
    ("extraction items scored", "counts.extraction_items_scored"),
    ("extraction precision", "extraction.overall.precision"),
    ("extraction recall", "extraction.overall.recall"),
    ("extraction F1", "extraction.overall.f1"),
    ("field accuracy", "extraction.overall.field_accuracy"),
    ("retrieve p50 ms", "qa.overall.latency.retrieve.median_ms"),
    ("answer p50 ms", "qa.overall.latency.answer.median_ms"),
    ("answer p95 ms", "qa.overall.latency.answer.p95_ms"),
    ("baseline recall@5", "baseline.overall.retrieval.recall@5"),
    ("baseline answer correct", "baseline.overall.answers.correct"),
    ("baseline citation precision", "baseline.overall.citations.precision"),
]


@dataclass(frozen=True, slots=True)
class GoldSpec:
    """One ``--gold``: its name in tables and in the metrics file, its folder, and whether it is blind."""

    name: str
    path: Path
    blind: bool = False

    @property
    def role(self) -> str:
        return "val" if self.blind else "dev"


def _folder_name(path: Path) -> str:
    return path.name or path.resolve().name


def parse_gold(values: Sequence[str | Path | GoldSpec], blind: Sequence[str] = ()) -> list[GoldSpec]:
    """``--gold NAME=DIR`` or ``--gold DIR`` (named after the folder), repeatable; ``--blind NAME``.

    A value is ``NAME=DIR`` when the part before the first ``=`` is a plain name (letters, digits,
    ``_.+-``) and the whole value is not itself an existing folder. Names must be unique; every
    ``--blind`` must name a set. Raises ConfigError with what to change.
    """
    if not values:
        raise ConfigError("geen gold-map / no gold folder: pass --gold DIR or --gold NAME=DIR")
    specs: list[GoldSpec] = []
    for value in values:
        if isinstance(value, GoldSpec):
            specs.append(value)
            continue
        text = str(value)
        name, sep, rest = text.partition("=")
        if isinstance(value, str) and sep and _NAME.match(name) and not Path(text).is_dir():
            if not rest.strip():
                raise ConfigError(f"--gold {text}: map ontbreekt / no folder after '=' (NAME=DIR)")
            specs.append(GoldSpec(name, Path(rest)))
        else:
            specs.append(GoldSpec(_folder_name(Path(text)), Path(text)))
    seen: dict[str, Path] = {}
    for s in specs:
        if s.name in seen:
            raise ConfigError(
                f"twee gold-sets heten / two gold sets are named {s.name!r} ({seen[s.name]} and {s.path}); "
                "name them: --gold NAME=DIR"
            )
        seen[s.name] = s.path
    unknown = [b for b in blind if b not in seen]
    if unknown:
        raise ConfigError(
            f"--blind {', '.join(unknown)}: geen gold-set met die naam / no gold set of that name "
            f"(sets: {', '.join(seen)})"
        )
    return [GoldSpec(s.name, Path(s.path), s.blind or s.name in set(blind)) for s in specs]


def get(m: Any, path: str) -> Any:
    """``get(m, "qa.overall.retrieval.recall@5")``: None when any step is missing."""
    cur = m
    for part in path.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    return cur


def is_multi(m: Mapping[str, Any]) -> bool:
    return isinstance(m.get("sets"), Mapping)


def sets_of(m: Mapping[str, Any], default_name: str = "gold") -> dict[str, Mapping[str, Any]]:
    """Set name -> single-set section, for a multi-set file and for a single-set one (named after
    its gold folder, as ``--gold DIR`` would name it)."""
    if is_multi(m):
        return dict(m["sets"])
    name = m.get("set") or (Path(str(m["gold_dir"])).name if m.get("gold_dir") else default_name)
    return {str(name): m}


def blind_names(m: Mapping[str, Any]) -> list[str]:
    return [n for n, s in sets_of(m).items() if s.get("blind")]


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def gaps(sections: Mapping[str, Mapping[str, Any]], blind: Sequence[str]) -> dict[str, Any]:
    """For every blind set: each GAP_FIGURES figure as {dev: mean over the non-blind sets, val: the
    blind set's value, gap: dev - val}; None where either side has no value. {} without dev sets."""
    dev = [n for n in sections if n not in set(blind)]
    if not dev:
        return {}
    out: dict[str, Any] = {}
    for b in blind:
        figures: dict[str, Any] = {}
        for key, _, path in GAP_FIGURES:
            vals = [v for n in dev if (v := _number(get(sections[n], path))) is not None]
            mean = round(sum(vals) / len(vals), 4) if vals else None
            val = _number(get(sections[b], path))
            gap = round(mean - val, 4) if mean is not None and val is not None else None
            figures[key] = {"dev": mean, "val": val, "gap": gap}
        out[b] = {"dev_sets": dev, "figures": figures}
    return out


def side_by_side(m: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The side-by-side table of a metrics file: header (figure, one column per set, one gap column
    per blind set) and rows of raw values (None where not measured)."""
    sets = sets_of(m)
    blind = [n for n, s in sets.items() if s.get("blind")]
    gap = m.get("gap") if is_multi(m) else None
    if gap is None:
        gap = gaps(sets, blind)
    k = int(m.get("k") or next(iter(sets.values()), {}).get("k") or 10)
    head = ["figure"] + [f"{n} ({'blind' if s.get('blind') else 'dev'})" for n, s in sets.items()]
    head += [f"gap: dev − {b}" for b in blind if b in gap]
    rows = []
    for label, path in SIDE_ROWS:
        path = path.replace("{k}", str(k))
        row: list[Any] = [label.replace("{k}", str(k))]
        row += [get(s, path) for s in sets.values()]
        key = _GAP_BY_PATH.get(path)
        row += [get(gap[b], f"figures.{key}.gap") if key else None for b in blind if b in gap]
        if any(v is not None for v in row[1:]):
            rows.append(row)
    return head, rows


def fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.0f}" if abs(v) >= 1000 else f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
    return str(v)

"""The markdown report copies figures from a metrics file; nothing is typed in."""

from __future__ import annotations

import json
from pathlib import Path

from evals.report import render


def test_the_report_shows_each_measured_figure_and_says_what_was_not_measured(tmp_path: Path):
    metrics = {
        "label": "mini",
        "date": "2026-11-23",
        "git": {"commit": "abc"},
        "embedder": {"name": "fake"},
        "qa": {
            "status": "measured",
            "overall": {"n": 3, "retrieval": {"recall@5": 0.6667}, "answers": {"correct": 0.5}},
            "by_lang": {"en": {"n": 1, "retrieval": {"recall@5": 0.0}}},
        },
        "extraction": {"status": "not measured", "reason": "--only qa"},
    }
    path = tmp_path / "m.json"
    path.write_text(json.dumps(metrics), encoding="utf-8")
    text = render(path)
    assert "| overall | 3 | – | 0.667 |" in text
    assert "| lang: en | 1 | – | 0.000 |" in text
    assert "Extraction: not measured (--only qa)" in text


def _set(correct: float, blind: bool = False) -> dict:
    section = {
        "gold_dir": "g",
        "blind": blind,
        "qa": {
            "status": "measured",
            "overall": {"n": 4, "answers": {"correct": correct}, "retrieval": {"recall@5": 1.0}},
        },
        "extraction": {"status": "measured", "overall": {"n_gold": 1, "f1": 0.5}},
    }
    if not blind:
        section["extraction"]["failures"] = [
            {"problem": "missed", "id": "x9", "kind": "norm", "doc": "d", "expected": "q"}
        ]
    return section


def test_a_multi_set_file_renders_the_sets_side_by_side_with_the_gap(tmp_path: Path):
    from evals.sets import gaps

    sets = {"dev": _set(0.9), "train": _set(0.5), "val": _set(0.6, blind=True)}
    m = {"label": "all", "k": 10, "sets": sets, "blind": ["val"], "gap": gaps(sets, ["val"])}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(m), encoding="utf-8")
    text = render(path)
    assert "| figure | dev (dev) | train (dev) | val (blind) | gap: dev − val |" in text
    assert "| answer correct | 0.900 | 0.500 | 0.600 | +0.100 |" in text
    assert (
        "#### Set `val` (blind)" in text and text.count("missed `x9`") == 2
    )  # the two dev sets' failures only


def test_write_replaces_the_results_section_and_keeps_the_rest(tmp_path: Path):
    from evals.report import main

    metrics = tmp_path / "m.json"
    metrics.write_text(
        json.dumps({"label": "new run", "qa": {"status": "not measured", "reason": "x"}}), "utf-8"
    )
    doc = tmp_path / "evals.md"
    doc.write_text("# Evals\n\nintro\n\n## Results\n\nold tables\n\n## History\n\n| date |\n", "utf-8")
    assert main(["--write", str(doc), str(metrics)]) == 0
    text = doc.read_text("utf-8")
    assert "old tables" not in text and "`new run`" in text
    assert text.index("intro") < text.index("## Results") < text.index("`new run`") < text.index("## History")
    assert text.count("## Results") == 1 and "| date |" in text
    bare = tmp_path / "bare.md"
    bare.write_text("# Evals\n\n## History\n\n| date |\n", "utf-8")
    main(["--write", str(bare), str(metrics)])
    assert bare.read_text("utf-8").index("## Results") < bare.read_text("utf-8").index("## History")

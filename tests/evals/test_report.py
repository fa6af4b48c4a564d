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

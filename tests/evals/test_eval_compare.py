"""evals/compare.py: every numeric figure side by side, judged by which way is better."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from evals.compare import compare, direction, flatten

A = {
    "label": "before",
    "date": "2025-01-01T00:00:00",
    "settings": {"top_k": 5},
    "machine": {"cores": 2},
    "counts": {"questions_scored": 51},
    "qa": {
        "overall": {
            "n": 51,
            "retrieval": {"recall@5": 0.6, "mrr@10": 0.5},
            "answers": {"correct": 0.4, "wrongly_declined": 0.2},
            "latency": {"answer": {"n": 51, "median_ms": 100.0, "p95_ms": 300.0}},
        },
        "failures": [{"id": "q1"}],
    },
    "ingest": {"throughput": {"pages_per_s": 2.0, "seconds": 10.0}},
    "extraction": {"status": "not measured", "reason": "later"},
}
B = json.loads(json.dumps(A))
B["label"] = "after"
B["qa"]["overall"]["retrieval"]["recall@5"] = 0.7
B["qa"]["overall"]["answers"]["wrongly_declined"] = 0.3
B["qa"]["overall"]["latency"]["answer"]["median_ms"] = 80.0
B["ingest"]["throughput"]["pages_per_s"] = 1.0
B["extraction"] = {"status": "measured", "overall": {"f1": 0.5}}


def test_which_way_is_better_for_each_kind_of_figure():
    assert direction("qa.overall.retrieval.recall@5") == 1
    assert direction("qa.overall.answers.wrongly_declined") == -1
    assert direction("qa.overall.latency.answer.p95_ms") == -1
    assert direction("extraction.latency.pages_per_s") == 1
    assert direction("ingest.throughput.seconds") == -1
    assert direction("qa.overall.latency.answer.n") == 0
    assert direction("counts.questions_scored") == 0
    assert direction("extraction.overall.n_gold") == 0


def test_descriptive_sections_are_not_figures():
    paths = dict(flatten(A))
    assert "settings.top_k" not in paths and "machine.cores" not in paths
    assert paths["qa.overall.retrieval.recall@5"] == 0.6


def test_compare_marks_better_worse_same_and_new():
    rows = {r["figure"]: r for r in compare(A, B)}
    assert rows["qa.overall.retrieval.recall@5"]["verdict"] == "better"
    assert abs(rows["qa.overall.retrieval.recall@5"]["delta"] - 0.1) < 1e-9
    assert rows["qa.overall.answers.wrongly_declined"]["verdict"] == "worse"
    assert rows["qa.overall.latency.answer.median_ms"]["verdict"] == "better"
    assert rows["ingest.throughput.pages_per_s"]["verdict"] == "worse"
    assert rows["qa.overall.answers.correct"]["verdict"] == "same"
    assert rows["extraction.overall.f1"]["verdict"] == "new" and rows["extraction.overall.f1"]["a"] is None


def test_eval_compare_prints_a_table_through_the_cli(tmp_path: Path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(A), "utf-8")
    b.write_text(json.dumps(B), "utf-8")
    result = CliRunner().invoke(app, ["eval", "compare", str(a), str(b)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "qa.overall.retrieval.recall@5" in result.output and "+0.1" in result.output
    assert "2 better, 2 worse" in result.output


def test_eval_compare_names_a_file_that_is_not_metrics(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", "utf-8")
    result = CliRunner().invoke(app, ["eval", "compare", str(bad), str(bad)])
    assert result.exit_code != 0
    assert "bad.json:1: not JSON" in str(result.exception)


def _multi(dev: dict, val: dict) -> dict:
    """A run with several gold sets, as `bronwijs eval --gold dev=... --gold val=... --blind val` writes it."""
    sets = {"dev": dict(dev, gold_dir="../shared/gold", set="dev"), "val": dict(val, set="val", blind=True)}
    return {
        "label": "multi",
        "date": "2025-02-01T00:00:00",
        "ingest": dev["ingest"],
        "seconds": 12.0,
        "sets": sets,
        "blind": ["val"],
        "gap": {
            "val": {"dev_sets": ["dev"], "figures": {"answer_correct": {"dev": 0.4, "val": 0.3, "gap": 0.1}}}
        },
    }


def test_a_multi_set_file_compares_set_by_set_and_an_old_single_set_file_lines_up_with_its_set():
    old = dict(A, gold_dir="evals/gold/dev")  # an old single-set file: its set is named after the folder
    new = _multi(B, A)
    rows = {r["figure"]: r for r in compare(old, new)}
    assert rows["sets.dev.qa.overall.retrieval.recall@5"]["verdict"] == "better"
    assert rows["sets.dev.qa.overall.answers.wrongly_declined"]["verdict"] == "worse"
    assert rows["sets.val.qa.overall.retrieval.recall@5"]["verdict"] == "new"
    assert rows["ingest.throughput.pages_per_s"]["verdict"] == "worse"  # run-wide, once, at the top
    assert not any(f.startswith("sets.dev.ingest") for f in rows)
    assert rows["gap.val.figures.answer_correct.gap"]["verdict"] == "new"
    assert direction("gap.val.figures.answer_correct.gap") == 0
    assert direction("sets.dev.counts.documents_found") == 0
    assert direction("sets.val.qa.failures_n") == 0
    both = {r["figure"]: r for r in compare(new, _multi(A, A))}
    assert both["sets.dev.qa.overall.retrieval.recall@5"]["verdict"] == "worse"
    assert both["sets.val.qa.overall.retrieval.recall@5"]["verdict"] == "same"


def test_eval_compare_reads_a_multi_set_file_through_the_cli(tmp_path: Path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(dict(A, gold_dir="evals/gold/dev")), "utf-8")
    b.write_text(json.dumps(_multi(B, A)), "utf-8")
    result = CliRunner().invoke(app, ["eval", "compare", str(a), str(b)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "sets.dev.qa.overall.retrieval.recall@5" in result.output

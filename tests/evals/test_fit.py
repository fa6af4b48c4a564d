"""evals/fit.py (``bronwijs fit``) on a small gold folder cut from gold-train: real Kamervragen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testpaths import SHARED

from assistant.ask.features import NAMES
from assistant.ask.scorer import load_scorer
from assistant.config import Settings
from assistant.service import Assistant
from evals.fit import fit, report
from ingest.pipeline import ingest_paths

KAMERVRAGEN = (
    "00fe7edd-24c8-4857-98da-774ed3b06836.pdf",
    "01b2bcad-7296-43bb-bc44-e727fc69b23f.pdf",
    "1aa9bd01-68a1-4a4a-a808-5b0183bc217a.pdf",
    "1b0f0b98-7c34-418c-98dc-43de7930e685.pdf",
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Assistant]:
    src = SHARED / "gold-train"
    files = [SHARED / "corpus" / "train" / n for n in KAMERVRAGEN]
    if not src.exists() or not all(f.exists() for f in files):
        pytest.skip("shared/ gold-train not beside this checkout")
    root = tmp_path_factory.mktemp("fit")
    gold = root / "gold"
    gold.mkdir()
    rows = [json.loads(line) for line in (src / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    keep = [r for r in rows if r["answerable"] and all(e["doc"] in KAMERVRAGEN for e in r["evidence"])]
    keep += [r for r in rows if not r["answerable"]][:4]
    (gold / "qa.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in keep), encoding="utf-8")
    tsv = [line for line in (src / "documents.tsv").read_text(encoding="utf-8").splitlines() if line.split("\t")[0] in (*KAMERVRAGEN, "doc")]
    (gold / "documents.tsv").write_text("\n".join(tsv) + "\n", encoding="utf-8")
    settings = Settings(index_dir=root / "index", cache_dir=root / "cache", embedder="fake")
    assert ingest_paths(files, settings).added
    return gold, Assistant(settings)


def test_fit_writes_a_plain_model_with_cross_validated_figures_and_is_deterministic(small, tmp_path):
    gold, assistant = small
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    r1 = fit([("kv", gold)], assistant.index, assistant.retriever, out=a, folds=3)
    fit([("kv", gold)], assistant.index, assistant.retriever, out=b, folds=3)
    d1, d2 = json.loads(a.read_text()), json.loads(b.read_text())
    for key in ("coef", "mean", "scale", "intercept", "decline_threshold", "extra_ratio"):
        assert d1[key] == d2[key]
    assert d1["features"] == list(NAMES)
    assert r1["positives"] > 0 and r1["questions"] >= 8
    cv = r1["cv"]["kv"]
    assert cv["answerable"] > 0 and cv["unanswerable"] == 4
    assert 0.0 <= r1["decline_threshold"] < 1.0
    assert "cross-validated" in report(r1)
    # the ratio's bootstrap support and recall in both passage orders, out of fold and reproducible
    assert r1["cv"]["ratio_support"] == json.loads(b.read_text())["info"]["cv"]["ratio_support"]
    assert set(r1["cv"]["ratio_support"]) == {f"{x:.2f}" for x in (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)} - {f"{r1['extra_ratio']:.2f}"}
    assert all(0.0 <= v <= 1.0 for v in r1["cv"]["ratio_support"].values())
    rec = r1["cv"]["retrieval"]["kv"]
    assert set(rec) == {f"{o}_recall@{k}" for o in ("retrieval", "answer_model") for k in (1, 5)}
    assert rec["answer_model_recall@1"] <= rec["answer_model_recall@5"] <= 1.0
    scorer = load_scorer(str(a))  # JSON, no pickle
    assert scorer.names == NAMES
    # the confidence is calibrated on the out-of-fold answers and written with the model
    cal = r1["cv"]["calibration"]
    assert scorer.calibration is not None and d1["calibration"] == d2["calibration"]
    assert 0.0 <= cal["brier_calibrated"] <= 1.0 and sum(b["answers"] for b in cal["reliability"]) == cal["answers"] <= r1["questions"]
    assert "Brier" in report(r1)


def test_a_held_ratio_and_window_are_kept_and_the_threshold_is_still_chosen(small, tmp_path):
    gold, assistant = small
    out = tmp_path / "held.json"
    r = fit([("kv", gold)], assistant.index, assistant.retriever, out=out, folds=3, extra_ratio=0.7, window=(0, 1))
    d = json.loads(out.read_text())
    assert (d["extra_ratio"], d["window"]) == (0.7, [0, 1]) == (r["extra_ratio"], r["window"])
    assert {(tuple(s["window"]), s["ratio"]) for s in r["sweep"]} == {((0, 1), 0.7)}
    assert r["decline_threshold"] == r["sweep"][0]["threshold"]
    # the threshold keeps wrongful declines within the limit whenever a threshold can
    cv = r["cv"]["kv"]
    assert cv["wrongful_declines"] <= 0.05 or r["decline_threshold"] == 0.0


def test_the_packaged_models_confidence_rises_with_the_probability_and_an_older_file_has_none(tmp_path):
    from assistant.errors import ConfigError

    scorer = load_scorer()
    values = [scorer.confidence(p) for p in (0.0, 0.02, 0.2, 0.5, 0.9, 1.0)]
    assert all(v is not None and 0.0 < v < 1.0 for v in values)
    assert values == sorted(values) and values[0] < values[-1]
    d = scorer.to_dict()
    del d["calibration"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(d))
    assert load_scorer(str(older)).confidence(0.5) is None
    d["calibration"] = {"slope": "steep"}
    damaged = tmp_path / "damaged.json"  # another path: loaded models are cached by path
    damaged.write_text(json.dumps(d))
    with pytest.raises(ConfigError, match="calibration"):
        load_scorer(str(damaged))


def test_a_damaged_model_file_is_refused_with_a_clear_message(tmp_path):
    from assistant.errors import ConfigError

    bad = tmp_path / "m.json"
    bad.write_text(json.dumps({"kind": "logistic", "features": ["lex"], "mean": [0], "scale": [1], "coef": [1],
                               "intercept": 0, "decline_threshold": 0.5}))
    with pytest.raises(ConfigError, match="re-fit"):
        load_scorer(str(bad))
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_scorer(str(bad))


def test_the_fit_command_refuses_a_malformed_window_before_any_work(tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app

    r = CliRunner().invoke(app, ["fit", "--gold", f"g={tmp_path}", "--window", "1", "--index", str(tmp_path / "i")])
    assert r.exit_code == 2 and "BEFORE,AFTER" in r.output

"""The learned deadline decision (``assistant.extract.deadline_clf``): a plain-JSON logistic model
over named measurements; the product keeps the hand rules unless a measured variant beats them."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from assistant.errors import ConfigError
from assistant.extract import extract_document
from assistant.extract import rules as R
from assistant.extract.context import DocContext
from assistant.extract.deadline import deadline_candidates
from assistant.extract.deadline_clf import MODES, NAMES, DeadlineModel, decider, features, keep, load_model
from assistant.types import Document


def _doc(text: str, when: str = "2026-03-03") -> Document:
    return Document(doc="t.txt", sha256="1" * 64, text=text, date=when)


def _dues(text: str, mode: str) -> list[str | None]:
    return [
        c.fields.due
        for c in extract_document(_doc(text), kinds=["deadline"], deadlines=mode)
        if c.kind == "deadline"
    ]


def test_the_packaged_model_loads_without_pickle(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("the deadline model must never be unpickled")

    monkeypatch.setattr(pickle, "load", boom)
    monkeypatch.setattr(pickle, "loads", boom)
    load_model.cache_clear()
    m = load_model()
    assert set(m.names) <= set(NAMES) and set(m.thresholds) == set(MODES)
    assert all(0.0 < t < 1.0 for t in m.thresholds.values())
    assert np.all(np.isfinite(m.coef)) and m.info["command"].startswith("python -m evals.fit_extract")


def test_the_product_decides_deadlines_by_the_rules():
    assert R.DEADLINES == "rules" and R.RuleExtractor().deadlines == "rules"
    with pytest.raises(ValueError, match="deadline decision"):
        R.RuleExtractor(deadlines="vote")


@pytest.mark.parametrize("mode", ["clf", "add", "filter"])
def test_the_packaged_model_decides_written_sentences(mode):
    assert _dues("Het college zal uiterlijk 1 juli 2026 de raad informeren over de haven.", mode) == [
        "2026-07-01"
    ]
    assert _dues("In 2019 heeft de gemeente het plan voor de haven vastgesteld.", mode) == []
    # fields come from the same normalisers as the rules' items
    rules = extract_document(
        _doc("De nieuwe regeling treedt per 1 januari 2027 in werking."), kinds=["deadline"]
    )
    learned = extract_document(
        _doc("De nieuwe regeling treedt per 1 januari 2027 in werking."), kinds=["deadline"], deadlines=mode
    )
    assert [c.fields for c in learned] == [c.fields for c in rules]


def test_features_are_named_measurements_of_each_candidate():
    doc = _doc("Op 4 mei 2020 werd de brug geopend, en wij zullen voor 1 oktober 2026 de evaluatie sturen.")
    ctx = DocContext.of(doc)
    cands = deadline_candidates(doc, ctx, 0, len(doc.text), [])
    x = features(doc, ctx, 0, len(doc.text), cands, [], False)
    col = {n: i for i, n in enumerate(NAMES)}
    assert x.shape == (2, len(NAMES))
    past, promise = x
    assert past[col["due_after_doc"]] == 0 and promise[col["due_after_doc"]] == 1
    assert past[col["prep_op"]] == 1 and promise[col["prep_voor"]] == 1
    assert past[col["grain_day"]] == promise[col["grain_day"]] == 1
    assert promise[col["cue_will"]] == 1 and past[col["tense_past"]] == 1
    assert promise[col["rule"]] == 1 and past[col["rule"]] == 0


def test_modes_combine_the_rules_and_the_model():
    rule = np.array([True, True, False, False])
    p = np.array([0.9, 0.1, 0.9, 0.1])
    assert keep("clf", rule, p, 0.5).tolist() == [True, False, True, False]
    assert keep("filter", rule, p, 0.5).tolist() == [True, False, False, False]
    assert keep("add", rule, p, 0.5).tolist() == [True, True, True, False]


def test_a_model_over_a_subset_of_features_reads_its_own_columns():
    m = DeadlineModel(("cue_will",), np.zeros(1), np.ones(1), np.array([10.0]), -5.0, {"clf": 0.5}, {})
    x = np.zeros((2, len(NAMES)))
    x[0, NAMES.index("cue_will")] = 1.0
    assert (m.predict(x) > 0.5).tolist() == [True, False]
    doc = _doc("Wij zullen de raad in 2019 informeren. De raad besprak in 2027 de brug.")
    decide = decider("clf", m)
    ctx = DocContext.of(doc)
    first = deadline_candidates(doc, ctx, 0, 38, [])
    assert decide(doc, ctx, 0, 38, first, [], False) == [True]  # the model decides, not the rules


def test_a_model_file_with_unknown_features_is_refused(tmp_path):
    bad = {
        "kind": "logistic",
        "features": ["what"],
        "mean": [0],
        "scale": [1],
        "coef": [1],
        "intercept": 0,
        "thresholds": {"clf": 0.5},
    }
    p = tmp_path / "m.json"
    p.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ConfigError, match="does not measure"):
        load_model(str(p))
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_model.__wrapped__(str(p))

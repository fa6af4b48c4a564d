"""``python -m evals.fit_extract``: the deadline model is fitted reproducibly on a hand-made gold
folder, with document-grouped cross-validation, and written as plain JSON."""

from __future__ import annotations

import json

import pytest

from assistant.extract.deadline import DateCandidate
from assistant.extract.deadline_clf import MODES, NAMES, load_model
from assistant.lang.dates import find_dues
from evals import fit_extract as fx
from evals.gold import GoldExtraction

# each letter holds one promise (a deadline) and one past date (no deadline)
LETTERS = {
    "a.txt": (
        "Den Haag, 3 maart 2026\n\nGeachte voorzitter,\n\n"
        "In 2019 heeft de gemeente het plan voor de haven vastgesteld. "
        "Het college zal uiterlijk 1 juli 2026 de raad informeren over de haven.",
        "Het college zal uiterlijk 1 juli 2026 de raad informeren over de haven",
        "2026-07-01",
    ),
    "b.txt": (
        "Den Haag, 9 februari 2026\n\nGeachte voorzitter,\n\n"
        "Op 4 mei 2020 werd de brug geopend. "
        "Wij sturen de evaluatie van de brug voor 1 oktober 2026 naar de raad.",
        "Wij sturen de evaluatie van de brug voor 1 oktober 2026 naar de raad",
        "2026-09-30",
    ),
    "c.txt": (
        "Den Haag, 12 januari 2026\n\nGeachte voorzitter,\n\n"
        "In 2018 was het aantal klachten hoog. "
        "De nieuwe regeling treedt per 1 januari 2027 in werking.",
        "De nieuwe regeling treedt per 1 januari 2027 in werking",
        "2027-01-01",
    ),
    "d.txt": (
        "Den Haag, 20 april 2026\n\nGeachte voorzitter,\n\n"
        "In 2021 heeft de raad de motie aangenomen. "
        "De minister zal de Kamer voor de zomer van 2026 informeren over de uitvoering.",
        "De minister zal de Kamer voor de zomer van 2026 informeren over de uitvoering",
        "2026-06-30",
    ),
}


@pytest.fixture()
def gold_and_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    gold = tmp_path / "gold"
    gold.mkdir()
    rows = []
    for i, (name, (text, quote, due)) in enumerate(LETTERS.items()):
        (corpus / name).write_text(text, encoding="utf-8")
        rows.append(
            {
                "id": f"x{i}",
                "doc": name,
                "kind": "deadline",
                "quote": quote,
                "fields": {"action": "", "actor": None, "due": due, "due_text": ""},
            }
        )
    (gold / "extractions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (gold / "extraction_docs.txt").write_text("".join(n + "\n" for n in LETTERS), encoding="utf-8")
    return gold, corpus


def test_the_fit_is_reproducible_and_writes_plain_json(gold_and_corpus, tmp_path):
    gold, corpus = gold_and_corpus
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    ra = fx.fit([("tiny", gold)], [corpus], out=a, folds=2)
    fx.fit([("tiny", gold)], [corpus], out=b, folds=2)
    assert a.read_bytes() == b.read_bytes()  # no clock, no randomness in the file
    # per letter: its own date, one past date and one promise (the positive)
    assert ra["positives"] == 4 and ra["candidates"] == 12
    assert ra["folds"] == 2 and ra["documents"] == 4
    data = json.loads(a.read_text(encoding="utf-8"))
    assert data["kind"] == "logistic" and tuple(data["features"]) == NAMES
    assert set(data["thresholds"]) == set(MODES)
    assert set(data["info"]["cv_deadline"]) == {"rules", *MODES}
    assert data["info"]["cv_deadline"]["rules"]["tiny"]["n_gold"] == 4
    model = load_model(str(a))
    assert model.names == NAMES and model.thresholds == pytest.approx(data["thresholds"])


def test_a_dropped_feature_is_left_out_of_the_model(gold_and_corpus, tmp_path):
    gold, corpus = gold_and_corpus
    out = tmp_path / "m.json"
    fx.fit([("tiny", gold)], [corpus], out=out, folds=2, drop=["rule"])
    model = load_model(str(out))
    assert "rule" not in model.names and len(model.names) == len(NAMES) - 1
    with pytest.raises(ValueError, match="unknown feature"):
        fx.fit([("tiny", gold)], [corpus], out=None, folds=2, drop=["no_such_feature"])


def test_a_candidate_is_positive_only_when_it_is_the_quoted_items_date():
    text = "In 2019 is het plan vastgesteld en het college zal uiterlijk 1 juli 2026 de raad informeren."
    quote = "het college zal uiterlijk 1 juli 2026 de raad informeren"
    g = GoldExtraction("x1", "a.txt", "deadline", quote, {"due": "2026-07-01"})
    cands = [DateCandidate(d, d.due, False) for d in find_dues(text)]
    assert [fx.label(text, c, [g]) for c in cands] == [False, True]
    other = GoldExtraction("x2", "a.txt", "deadline", "de begroting wordt in mei vastgesteld", {"due": None})
    assert [fx.label(text, c, [other]) for c in cands] == [False, False]  # another sentence's item

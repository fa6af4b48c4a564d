"""The extraction-only evaluation: scores a gold folder in seconds, prints aggregates only when
blind, and scores a JSON list's records as the file the gold set names."""

from __future__ import annotations

import hashlib
import json

import pytest
from testpaths import SHARED

from evals import extraction_quick as xq


def _gold(tmp_path, extractions, docs):
    g = tmp_path / "gold"
    g.mkdir()
    (g / "extractions.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in extractions)
    )
    (g / "extraction_docs.txt").write_text("".join(d + "\n" for d in docs))
    return g


def test_a_json_list_is_scored_as_its_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [
        {
            "titel": "Besluit subsidie",
            "tekst": "Het college stelt € 25.000 beschikbaar voor de bibliotheek in 2024.",
        },
        {
            "titel": "Besluit planning",
            "tekst": "Het college zal voor 1 juli 2024 de raad informeren over de stand.",
        },
    ]
    data = json.dumps(records, ensure_ascii=False).encode()
    (corpus / "besluiten.json").write_bytes(data)
    gold = _gold(
        tmp_path,
        [
            {
                "id": "x1",
                "doc": "besluiten.json",
                "kind": "funding",
                "quote": "Het college stelt € 25.000 beschikbaar voor de bibliotheek in 2024",
                "fields": {
                    "amount_eur": 25000,
                    "period": "2024",
                    "purpose": "bibliotheek",
                    "recurrence": "once",
                },
            },
            {
                "id": "x2",
                "doc": "besluiten.json",
                "kind": "deadline",
                "quote": "Het college zal voor 1 juli 2024 de raad informeren over de stand",
                "fields": {
                    "action": "raad informeren",
                    "actor": "college",
                    "due": "2024-07-01",
                    "due_text": "voor 1 juli 2024",
                },
            },
        ],
        ["besluiten.json"],
    )
    (gold / "documents.tsv").write_text(f"doc\tsha256\nbesluiten.json\t{hashlib.sha256(data).hexdigest()}\n")
    result = xq.run(gold, [corpus])
    assert result["overall"]["n_matched"] == 2 and result["overall"]["precision"] == 1.0
    assert result["overall"]["field_accuracy"] == 1.0


def test_blind_output_has_aggregates_and_no_items(tmp_path, capsys):
    dev = SHARED / "gold"
    if not (dev / "extractions.jsonl").exists():
        pytest.skip("shared/gold not beside this checkout")
    assert xq.main([str(dev), "--corpus", str(SHARED / "corpus"), "--blind"]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "pages/s" in out
    assert "\n- " not in out  # no failure lines
    assert xq.main([str(dev), "--corpus", str(SHARED / "corpus")]) == 0
    assert "F1" in capsys.readouterr().out

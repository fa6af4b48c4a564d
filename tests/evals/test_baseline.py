"""evals/baseline.py: the LangChain-tutorial pipeline (splitter 1000/200, FAISS flat IP, top 4)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.types import Document
from evals import metrics as M
from evals.baseline import TOP, run_baseline, split_documents
from evals.gold import read_gold
from evals.match import DocResolver

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "gold_mini"


def _docs() -> list[Document]:
    gold = read_gold(MINI)
    out = []
    for name, sha in gold.documents.items():
        p = ROOT.parent / "shared" / "corpus" / name
        if not p.exists():
            pytest.skip("shared corpus not beside this checkout")
        assert hashlib.sha256(p.read_bytes()).hexdigest() == sha
        out.append(Document(f"renamed_{name}", sha, p.read_text("utf-8")))
    return out


def test_the_splitter_makes_overlapping_pieces_of_at_most_1000_characters_from_the_text():
    docs = _docs()
    pieces = split_documents(docs)
    assert all(len(p["text"]) <= 1000 for p in pieces)
    assert all(p["text"] in next(d.text for d in docs if d.sha256 == p["doc_sha256"]) for p in pieces)
    assert len(pieces) > len(docs)


def test_the_baseline_answers_with_its_top_four_passages_and_never_declines(tmp_path: Path):
    pytest.importorskip("faiss")
    gold = read_gold(MINI)
    settings = load_settings(embedder="fake", cache_dir=tmp_path / "cache", index_dir=tmp_path / "index")
    result = run_baseline(gold.qa, _docs(), settings, k=10)
    preds = result["predictions"]
    assert set(preds) == {q.id for q in gold.qa}
    for p in preds.values():
        assert len(p["retrieved"]) == 10 and len(p["citations"]) == TOP and p["declined"] is False
        assert p["answer"] == "\n\n".join(c["text"] for c in p["retrieved"][:TOP])
    assert (
        result["ingest"]["chunks"] > 0 and "RecursiveCharacterTextSplitter" in result["pipeline"]["splitter"]
    )
    figures = M.qa_breakdown(gold.qa, preds, DocResolver(gold.documents), 10)["overall"]
    assert figures["answers"]["declined_correctly"] == 0.0  # it answers the unanswerable question too
    assert 0.0 <= figures["retrieval"]["recall@10"] <= 1.0

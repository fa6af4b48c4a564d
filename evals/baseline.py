"""The plain LangChain-tutorial RAG pipeline, as a yardstick for ours.

What the tutorials do: split every document with ``RecursiveCharacterTextSplitter(chunk_size=1000,
chunk_overlap=200)``, embed the pieces, put them in a flat inner-product FAISS index (driven
directly here: ``faiss.IndexFlatIP``, no pickling ``save_local``), and take the top 4 for a
question. With no LLM, the tutorial's stand-in for an answer is the retrieved text itself: the
answer is the top 4 passages concatenated (``predictions``), or the top passage alone
(``predictions_top1``); the 4 passages are its cited sources; it never declines.

The text it splits is the index's cleaned document text (the same loader and cleaner as ours), and
the embedder is ours (``settings.embedder``, through the same cache): the difference measured is
chunking, retrieval and answering, not PDF extraction or the embedding model. Retrieval is scored
at the eval's depth k (so recall@10 is comparable with ours); answers and citations use the top 4.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.types import Document
from evals.gold import QAItem

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP = 4


def split_documents(documents: Sequence[Document]) -> list[dict[str, Any]]:
    """The tutorial's splitter over each document; each piece keeps its document's name and sha256."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    pieces = []
    for d in documents:
        for i, text in enumerate(splitter.split_text(d.text)):
            pieces.append(
                {"doc": d.doc, "doc_sha256": d.sha256, "text": text, "chunk_id": f"lc:{d.sha256[:12]}:{i}"}
            )
    return pieces


def run_baseline(
    items: Sequence[QAItem], documents: Sequence[Document], settings: Settings, *, k: int = 10
) -> dict[str, Any]:
    """Predictions of the tutorial pipeline for ``items``: ``retrieved`` at depth max(k, 4), and
    ``answer``/``citations`` from the top 4. Also how long splitting and embedding took."""
    import faiss

    from assistant.embed import get_embedder

    embedder = get_embedder(settings.embedder, settings.cache_dir)
    t0 = time.perf_counter()
    pieces = split_documents(documents)
    t_split = time.perf_counter() - t0
    vecs = embedder.embed_passages([p["text"] for p in pieces]) if pieces else np.zeros((0, embedder.dim))
    t_embed = time.perf_counter() - t0 - t_split
    index = faiss.IndexFlatIP(int(vecs.shape[1]) if len(pieces) else embedder.dim)
    if len(pieces):
        index.add(np.ascontiguousarray(vecs, dtype=np.float32))
    # time the query as the tutorial pays for it: embedded afresh, not from the cache that the
    # Bronwijs run in the same process has just filled with the same questions
    embed_query = getattr(embedder, "inner", embedder).embed_query
    depth = max(k, TOP)
    preds: dict[str, dict[str, Any]] = {}
    top1: dict[str, dict[str, Any]] = {}
    for q in items:
        t1 = time.perf_counter()
        qv = np.ascontiguousarray(embed_query(q.question), dtype=np.float32)[None, :]
        scores, rows = (
            index.search(qv, min(depth, index.ntotal))
            if index.ntotal
            else (np.zeros((1, 0)), np.zeros((1, 0)))
        )
        ms = (time.perf_counter() - t1) * 1000
        retrieved = [
            dict(pieces[int(r)], score=round(float(s), 6))
            for s, r in zip(scores[0], rows[0], strict=True)
            if r >= 0
        ]
        top = retrieved[:TOP]
        preds[q.id] = {
            "id": q.id,
            "retrieved": retrieved,
            "answer": "\n\n".join(p["text"] for p in top),
            "declined": False,
            "citations": [dict(p, quote=p["text"]) for p in top],
            "wall_ms": {"retrieve": round(ms, 2), "ask": round(ms, 2)},
        }
        top1[q.id] = {"answer": top[0]["text"] if top else "", "declined": False}
    return {
        "pipeline": {
            "splitter": f"langchain_text_splitters.RecursiveCharacterTextSplitter(chunk_size={CHUNK_SIZE}, chunk_overlap={CHUNK_OVERLAP})",
            "index": "faiss.IndexFlatIP",
            "embedder": getattr(embedder, "name", settings.embedder),
            "top": TOP,
            "answer": f"top {TOP} passages concatenated (no LLM)",
        },
        "ingest": {
            "documents": len(documents),
            "chunks": len(pieces),
            "split_s": round(t_split, 3),
            "embed_s": round(t_embed, 3),
        },
        "predictions": preds,
        "predictions_top1": top1,
    }

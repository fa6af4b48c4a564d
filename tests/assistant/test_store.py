"""assistant/store.py: the index folder is plain files, replaced a generation at a time, never pickled."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from testpaths import CORPUS, SHARED

from assistant import store
from assistant.embed import FakeEmbedder
from assistant.errors import ConfigError, DocumentNotFound, IndexMismatch, IndexMissing
from assistant.store import CURRENT, FORMAT_VERSION, Index, analyze, read_manifest, write_generation
from assistant.types import Document
from ingest.chunk import Chunker

EMB = FakeEmbedder(dim=64)
DATES = ["2019-02-01", "2019-06-15", "2020-01-10", "2021-03-03", None]


def letters() -> list[Path]:
    found = sorted(CORPUS.glob("*.txt")) or sorted((SHARED / "corpus").glob("*.txt"))
    if not found:
        pytest.skip("no bundled letters (corpus/ or ../shared/corpus)")
    return found[:5]


def build(path: Path, docs: list[Document]):
    chunker = Chunker(160, 400, EMB.count_tokens)
    chunks = [c for d in docs for c in chunker.run(d)]
    vectors = EMB.embed_passages([c.span.text for c in chunks])
    gen, _ = write_generation(
        path,
        documents=docs,
        chunks=chunks,
        vectors=vectors,
        embedder={"name": EMB.name, "dim": EMB.dim},
        chunker=chunker.to_dict(),
        files={d.doc: {"sha256": d.sha256, "docs": [d.sha256]} for d in docs},
    )
    return gen, chunks


@pytest.fixture
def docs() -> list[Document]:
    out = []
    for p, date in zip(letters(), DATES, strict=False):
        data = p.read_bytes()
        text = data.decode("utf-8")
        out.append(
            Document(
                p.name,
                hashlib.sha256(data).hexdigest(),
                text,
                page_starts=(0, len(text) // 2),
                page_labels=("i", "ii"),
                title=f"Brief {p.stem}",
                date=date,
                source=str(p),
                headings=((0, text.split("\n", 1)[0][:40]),),
                asides=((len(text) - 5, len(text)),),
            )
        )
    return out


@pytest.fixture
def index(tmp_path: Path, docs) -> Index:
    build(tmp_path / "idx", docs)
    return Index.open(tmp_path / "idx")


def test_a_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexMissing, match="bronwijs ingest"):
        Index.open(tmp_path / "nothing-here")
    assert read_manifest(tmp_path / "nothing-here") is None


def test_the_folder_holds_plain_files_and_superseded_generations_only_for_a_grace_period(
    tmp_path, docs, monkeypatch
):
    first, _ = build(tmp_path / "idx", docs)
    gen, _ = build(tmp_path / "idx", docs)
    names = sorted(p.name for p in (tmp_path / "idx").iterdir() if not p.name.startswith("."))
    assert names == [CURRENT, first, gen]  # a reader that read CURRENT before the switch can still open it
    assert (tmp_path / "idx" / first / ".superseded").is_file()
    third, _ = build(tmp_path / "idx", docs)
    fourth, _ = build(tmp_path / "idx", docs)  # a burst of writes keeps only the newest two superseded
    names = sorted(p.name for p in (tmp_path / "idx").iterdir() if not p.name.startswith("."))
    assert names == [CURRENT, gen, third, fourth]
    monkeypatch.setattr(store, "GRACE_SECONDS", 0.0)
    gen, _ = build(tmp_path / "idx", docs)
    names = sorted(p.name for p in (tmp_path / "idx").iterdir() if not p.name.startswith("."))
    assert names == [CURRENT, gen]
    files = sorted(
        p.relative_to(tmp_path / "idx" / gen).as_posix() for p in (tmp_path / "idx" / gen).rglob("*")
    )
    assert {"manifest.json", "documents.jsonl", "chunks.jsonl", "vectors.faiss", "bm25"} <= set(files)
    assert not [f for f in files if f.endswith((".pkl", ".pickle"))]
    m = json.loads((tmp_path / "idx" / gen / "manifest.json").read_text())
    assert m["format"] == FORMAT_VERSION and m["embedder"]["name"] == EMB.name
    assert set(m["files"][docs[0].doc]) == {"sha256", "docs"}
    assert json.loads((tmp_path / "idx" / CURRENT).read_text())["generation"] == gen


def test_documents_and_chunks_round_trip_exactly(tmp_path, docs):
    _, chunks = build(tmp_path / "idx", docs)
    idx = Index.open(tmp_path / "idx")
    assert list(idx.documents.values()) == docs
    assert idx.chunks == chunks
    for c in idx.chunks:
        assert idx.documents[c.span.doc_sha256].text[c.span.char_start : c.span.char_end] == c.span.text
    assert idx.embedder_name == EMB.name and idx.dim == EMB.dim
    np.testing.assert_allclose(idx.vectors(), EMB.embed_passages([c.span.text for c in chunks]), atol=1e-6)


def test_list_documents_gives_meta_and_chunk_counts(index, docs):
    rows = index.list_documents()
    assert [r["doc"] for r in rows] == [d.doc for d in docs]
    assert sum(r["chunks"] for r in rows) == len(index.chunks)
    assert {"doc", "doc_sha256", "title", "date", "pages", "chunks"} <= set(rows[0])
    assert rows[0]["pages"] == 2 and rows[0]["title"].startswith("Brief")


def test_documents_are_found_by_name_or_sha_prefix_and_misses_name_near_ones(index, docs):
    d = docs[1]
    assert index.document(d.doc) == d
    assert index.document(d.sha256[:10]) == d
    with pytest.raises(DocumentNotFound, match=docs[0].doc):
        index.document(docs[0].doc[:-5] + "x.txt")


def test_dense_search_ranks_the_chunk_itself_first_and_honours_allowed_rows(index, docs):
    q = EMB.embed_query(index.chunks[7].span.text)
    assert index.dense_search(q, 3)[0][0] == 7
    allowed = index.rows_for(docs=[docs[2].doc])
    hits = index.dense_search(q, 5, allowed)
    assert hits and {i for i, _ in hits} <= set(allowed.tolist())
    assert index.dense_search(q, 5, np.zeros(0, dtype=np.int64)) == []


def test_bm25_stems_dutch_keeps_numbers_and_honours_allowed_rows(index, docs):
    assert analyze("De gemeenten en de subsidies in 2020") == analyze("gemeente subsidie 2020")
    assert analyze("De gemeenten in 2020")[-1] == "2020"  # numbers stay tokens
    assert analyze("opgesteld") == analyze("opstellen")
    assert analyze("de het een") == []
    row = next(i for i, c in enumerate(index.chunks) if "gemeenten" in c.span.text)
    hits = index.bm25_search("gemeente", 50)
    assert row in [i for i, _ in hits]
    assert all(s > 0 for _, s in hits) and hits == sorted(hits, key=lambda h: -h[1])
    allowed = index.rows_for(docs=[docs[0].doc])
    assert {i for i, _ in index.bm25_search("gemeente", 50, allowed)} <= set(allowed.tolist())
    assert index.bm25_search("de het", 5) == []


def test_rows_for_filters_by_documents_and_dates(index, docs):
    assert index.rows_for() is None
    rows = index.rows_for(date_from="2019-06-01", date_to="2020-12-31")
    shas = {index.chunks[i].span.doc_sha256 for i in rows}
    assert shas == {docs[1].sha256, docs[2].sha256}
    assert np.all(np.diff(rows) > 0)
    rows = index.rows_for(docs=[docs[0].doc], date_from="2020")  # docs[0] is dated 2019: nothing left
    assert len(rows) == 0
    undated = index.rows_for(date_to="2030")
    assert docs[4].sha256 not in {index.chunks[i].span.doc_sha256 for i in undated}


def test_a_newer_format_is_refused(tmp_path, docs):
    gen, _ = build(tmp_path / "idx", docs)
    mp = tmp_path / "idx" / gen / "manifest.json"
    m = json.loads(mp.read_text())
    m["format"] = FORMAT_VERSION + 1
    mp.write_text(json.dumps(m))
    with pytest.raises(IndexMismatch, match="newer"):
        Index.open(tmp_path / "idx")


class Boom(pickle.PickleError):
    pass


def _no_pickle(*a, **k):
    raise Boom("pickle must never be used to read an index")


def test_a_pickle_planted_in_the_index_folder_is_never_unpickled(tmp_path, docs, monkeypatch):
    gen, _ = build(tmp_path / "idx", docs)
    folder = tmp_path / "idx" / gen

    class Evil:
        def __reduce__(self):
            return (Path.write_text, (tmp_path / "PWNED", "x"))

    (folder / "index.pkl").write_bytes(pickle.dumps(Evil()))
    np.save(folder / "bm25" / "extra.npy", np.array([Evil()], dtype=object), allow_pickle=True)
    monkeypatch.setattr(pickle, "load", _no_pickle)
    monkeypatch.setattr(pickle, "loads", _no_pickle)
    monkeypatch.setattr(pickle, "Unpickler", _no_pickle)
    idx = Index.open(tmp_path / "idx")
    assert idx.bm25_search("gemeente", 3)
    assert not (tmp_path / "PWNED").exists()


def test_an_object_array_in_place_of_bm25_data_is_refused_not_unpickled(tmp_path, docs, monkeypatch):
    gen, _ = build(tmp_path / "idx", docs)
    target = tmp_path / "idx" / gen / "bm25" / "data.csc.index.npy"
    np.save(target, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    monkeypatch.setattr(pickle, "load", _no_pickle)
    monkeypatch.setattr(pickle, "loads", _no_pickle)
    with pytest.raises(IndexMismatch, match="damaged"):
        Index.open(tmp_path / "idx")


def test_a_write_that_fails_midway_leaves_the_previous_generation_live(tmp_path, docs, monkeypatch):
    import faiss

    gen, chunks = build(tmp_path / "idx", docs[:2])

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", broken)
    with pytest.raises(OSError, match="disk full"):
        build(tmp_path / "idx", docs)
    idx = Index.open(tmp_path / "idx")
    assert idx.generation == gen and idx.chunks == chunks
    assert sorted(p.name for p in (tmp_path / "idx").iterdir() if not p.name.startswith(".lock")) == [
        CURRENT,
        gen,
    ]


def test_an_empty_index_can_be_written_and_searched(tmp_path):
    write_generation(
        tmp_path / "idx",
        documents=[],
        chunks=[],
        vectors=np.zeros((0, EMB.dim), np.float32),
        embedder={"name": EMB.name, "dim": EMB.dim},
        chunker={},
        files={},
    )
    idx = Index.open(tmp_path / "idx")
    assert idx.chunks == [] and idx.list_documents() == []
    assert idx.dense_search(EMB.embed_query("x"), 5) == [] and idx.bm25_search("gemeente", 5) == []


def _strip_checksums(path: Path, gen: str) -> None:
    """What an index written before checksums looks like."""
    mp = path / gen / "manifest.json"
    m = json.loads(mp.read_text())
    del m["checksums"]
    mp.write_text(json.dumps(m))
    (path / CURRENT).write_text(json.dumps({"generation": gen, "format": FORMAT_VERSION}))


def test_an_index_without_checksums_opens_with_a_note_and_doctor_upgrades_it(tmp_path, docs):
    gen, chunks = build(tmp_path / "idx", docs)
    _strip_checksums(tmp_path / "idx", gen)
    idx = Index.open(tmp_path / "idx")
    assert idx.chunks == chunks and any("checksums" in n for n in idx.notes)
    report = store.doctor(tmp_path / "idx", upgrade=True)
    assert report["ok"] and report["upgraded"] and report["upgraded"] != gen
    again = Index.open(tmp_path / "idx")
    assert again.generation == report["upgraded"] and not again.notes and again.chunks == chunks
    assert "checksums" in again.manifest


def test_an_index_without_checksums_still_refuses_nan_vectors_and_bad_offsets(tmp_path, docs):
    import faiss

    gen, _ = build(tmp_path / "idx", docs)
    _strip_checksums(tmp_path / "idx", gen)
    vp = tmp_path / "idx" / gen / "vectors.faiss"
    flat = faiss.read_index(str(vp))
    vecs = flat.reconstruct_n(0, flat.ntotal)
    vecs[3, 5] = np.nan
    bad = faiss.IndexFlatIP(flat.d)
    bad.add(vecs)
    faiss.write_index(bad, str(vp))
    with pytest.raises(IndexMismatch, match="damaged.*NaN"):
        Index.open(tmp_path / "idx")
    gen, _ = build(tmp_path / "idx2", docs)
    _strip_checksums(tmp_path / "idx2", gen)
    cp = tmp_path / "idx2" / gen / "chunks.jsonl"
    rows = [json.loads(line) for line in cp.read_text().splitlines()]
    rows[2]["char_end"] = 10**7
    cp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(IndexMismatch, match="damaged.*offsets"):
        Index.open(tmp_path / "idx2")


def test_writing_nan_or_mis_shaped_vectors_is_refused(tmp_path, docs):
    chunker = Chunker(160, 400, EMB.count_tokens)
    chunks = [c for d in docs[:1] for c in chunker.run(d)]
    vectors = EMB.embed_passages([c.span.text for c in chunks])
    args = dict(documents=docs[:1], chunks=chunks, embedder={"name": EMB.name, "dim": EMB.dim}, chunker={}, files={})
    bad = vectors.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        write_generation(tmp_path / "idx", vectors=bad, **args)
    with pytest.raises(ValueError, match="shape"):
        write_generation(tmp_path / "idx", vectors=vectors[:, :10], **args)
    assert not Index.exists(tmp_path / "idx")


def test_a_reader_whose_generation_vanishes_mid_open_retries_on_the_new_one(tmp_path, docs, monkeypatch):
    """Issue 12 failure 4, deterministically: the writer switches and deletes between two reads."""
    first, _ = build(tmp_path / "idx", docs[:2])
    real_load_manifest = store._load_manifest
    switched = []

    def switch_then_load(path, current):
        if not switched:  # the reader has read CURRENT; now a writer switches and cleans up at once
            switched.append(1)
            monkeypatch.setattr(store, "GRACE_SECONDS", 0.0)
            build(tmp_path / "idx", docs)
        return real_load_manifest(path, current)

    monkeypatch.setattr(store, "_load_manifest", switch_then_load)
    idx = Index.open(tmp_path / "idx")
    assert switched and idx.generation != first and len(idx.documents) == len(docs)
    assert not (tmp_path / "idx" / first).exists()


def test_a_generation_deleted_while_current_points_at_it_is_damage_not_a_move(tmp_path, docs):
    import shutil

    gen, _ = build(tmp_path / "idx", docs[:2])
    shutil.rmtree(tmp_path / "idx" / gen)
    with pytest.raises(IndexMismatch, match="damaged") as e:
        Index.open(tmp_path / "idx")
    assert "doctor" in str(e.value) and "\n" not in str(e.value)


def test_the_keyword_index_reads_each_chunk_with_its_documents_title_and_heading(tmp_path):
    text = "De raad stemt in met het voorstel.\n\nHet college voert het besluit uit."
    doc = Document(
        "lijst.txt",
        hashlib.sha256(text.encode()).hexdigest(),
        text,
        title="Besluitenlijst vergadering 9 juli 2024",
        headings=((0, "Verkeersveiligheid Rijksstraatweg"),),
    )
    build(tmp_path / "idx", [doc])
    idx = Index.open(tmp_path / "idx")
    assert idx.manifest["keyword_fields"] == store.KEYWORD_FIELDS
    for word in ("besluitenlijst", "rijksstraatweg"):  # in the title or heading, not in the text
        assert word not in text.lower()
        assert [i for i, _ in idx.bm25_search(word, 5)] == list(range(len(idx.chunks)))
    # a citation still points into the text alone
    assert all(c.span.text == text[c.span.char_start : c.span.char_end] for c in idx.chunks)


def test_rows_for_keeps_the_documents_of_a_kind_and_refuses_an_unknown_kind(tmp_path):
    texts = {
        "lijst.txt": ("Besluitenlijst B&W", "De raad stemt in met het voorstel over de haven."),
        "vragen.txt": ("", "Vragen van het lid Jansen (SP) aan de Minister van Financiën over de haven (ingezonden 2 mei 2024)."),
    }
    docs = [
        Document(name, hashlib.sha256(text.encode()).hexdigest(), text, title=title)
        for name, (title, text) in texts.items()
    ]
    build(tmp_path / "idx", docs)
    idx = Index.open(tmp_path / "idx")
    rows = idx.rows_for(kinds=["kamervragen"])
    assert rows is not None and {idx.chunks[i].span.doc for i in rows} == {"vragen.txt"}
    chunk = idx.chunks[int(rows[0])]
    assert store.keyword_text(chunk, idx.documents[chunk.span.doc_sha256]).split("\n")[:3] == ["kamervragen", "Jansen", "de haven"]
    with pytest.raises(ConfigError, match="kamervragen"):
        idx.rows_for(kinds=["roman"])

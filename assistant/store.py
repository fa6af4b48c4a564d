"""The index folder: plain, versioned files, replaced a generation at a time. No pickle anywhere.

Layout::

    <index>/CURRENT              {"generation": "gen-7", "format": 1}: the one pointer to the live data
    <index>/gen-7/manifest.json  format, versions, embedder, chunker, files map, per-document counts
    <index>/gen-7/documents.jsonl  every Document in full (its cleaned text is canonical)
    <index>/gen-7/chunks.jsonl     line i = vector i = BM25 document i; offsets only, text is sliced
    <index>/gen-7/vectors.faiss    faiss.write_index(IndexFlatIP)
    <index>/gen-7/bm25/            bm25s save(allow_pickle=False): .npy arrays + JSON

A new generation is built in a temporary folder beside the live one, fsynced, renamed into place,
and only then does ``CURRENT`` move (temp file + ``os.replace``). A crash or an exception at any
point before that leaves the previous generation live and complete; older generations are deleted
after the switch.

FAISS: an exact ``IndexFlatIP`` (cosine on normalised vectors). It is exact and fast enough up to
~100k chunks, its rows are the chunk rows with no id map to keep in step, and its vectors can be
read back (``reconstruct_n``), so a new generation reuses the old vectors without re-embedding.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import difflib
import fcntl
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError, DocumentNotFound, IndexMismatch, IndexMissing
from assistant.lang.analyzer import stems as analyze  # the BM25 analyzer: one at index and query time
from assistant.types import Chunk, Document, Span

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.faiss"
BM25_DIR = "bm25"
LOCK = ".lock"
_GEN = re.compile(r"^gen-(\d+)$")


# --- (de)serialising documents and chunks -----------------------------------------------------


def document_to_json(d: Document) -> dict[str, Any]:
    return {
        "doc": d.doc,
        "sha256": d.sha256,
        "title": d.title,
        "date": d.date,
        "source": d.source,
        "fmt": d.fmt,
        "page_starts": list(d.page_starts),
        "page_labels": list(d.page_labels),
        "asides": [list(a) for a in d.asides],
        "headings": [list(h) for h in d.headings],
        "text": d.text,
    }


def document_from_json(r: dict[str, Any]) -> Document:
    return Document(
        doc=r["doc"],
        sha256=r["sha256"],
        text=r["text"],
        page_starts=tuple(r["page_starts"]),
        page_labels=tuple(r.get("page_labels", ())),
        title=r.get("title", ""),
        date=r.get("date"),
        source=r.get("source", ""),
        fmt=r.get("fmt", "txt"),
        asides=tuple((int(a), int(b)) for a, b in r.get("asides", ())),
        headings=tuple((int(o), str(h)) for o, h in r.get("headings", ())),
    )


def chunk_to_json(c: Chunk) -> dict[str, Any]:
    return {
        "id": c.id,
        "doc_sha256": c.span.doc_sha256,
        "char_start": c.span.char_start,
        "char_end": c.span.char_end,
        "page": c.span.page,
        "page_end": c.page_end or c.span.page,
        "heading": c.heading,
        "n_tokens": c.n_tokens,
    }


def _chunk_from_json(r: dict[str, Any], doc: Document) -> Chunk:
    s, e = r["char_start"], r["char_end"]
    span = Span(doc.doc, doc.sha256, r["page"], s, e, doc.text[s:e])
    return Chunk(id=r["id"], span=span, heading=r["heading"], page_end=r["page_end"], n_tokens=r["n_tokens"])


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The live generation's manifest, or None when there is no index: cheap (no vectors, no texts)."""
    path = Path(path)
    if not (path / CURRENT).is_file():
        return None
    try:
        current = json.loads((path / CURRENT).read_text("utf-8"))
        generation = str(current["generation"])
        if not _GEN.match(generation):
            raise ValueError(f"bad generation name {generation!r}")
        manifest: dict[str, Any] = json.loads((path / generation / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise IndexMismatch(
            f"the index at {path} cannot be read ({e}); rebuild it with `bronwijs ingest` "
            f"into a new --index folder"
        ) from e
    _check_format(manifest, path)
    manifest["generation"] = generation  # CURRENT is the authority on which folder is live
    return manifest


def _check_format(manifest: dict[str, Any], path: Path) -> None:
    fmt = manifest.get("format")
    if not isinstance(fmt, int) or fmt > FORMAT_VERSION:
        raise IndexMismatch(
            f"the index at {path} has format {fmt!r}, newer than this Bronwijs reads "
            f"({FORMAT_VERSION}); upgrade Bronwijs or rebuild the index into another --index folder"
        )


# --- the index --------------------------------------------------------------------------------


class Index:
    """One generation of the index folder, loaded: documents, chunks, FAISS and BM25."""

    def __init__(
        self,
        path: Path,
        generation: str,
        manifest: dict[str, Any],
        documents: dict[str, Document],
        chunks: list[Chunk],
        faiss_index: Any,
        bm25: Any,
    ) -> None:
        self.path = path
        self.generation = generation
        self.manifest = manifest
        self.documents = documents
        self.chunks = chunks
        self._faiss = faiss_index
        self._bm25 = bm25
        rows: dict[str, list[int]] = {}
        for i, c in enumerate(chunks):
            rows.setdefault(c.span.doc_sha256, []).append(i)
        self._rows = {k: np.asarray(v, dtype=np.int64) for k, v in rows.items()}

    # --- opening ------------------------------------------------------------------------------

    @staticmethod
    def exists(path: Path) -> bool:
        return (Path(path) / CURRENT).is_file()

    @classmethod
    def open(cls, path: Path) -> Index:
        """Load the live generation. Raises IndexMissing, or IndexMismatch for a newer/damaged index."""
        import faiss

        path = Path(path)
        manifest = read_manifest(path)
        if manifest is None:
            raise IndexMissing(
                f"no index at {path}: build one with `bronwijs ingest <files or folders>` "
                f"(or point --index / BRONWIJS_INDEX at an existing index)"
            )
        generation = str(manifest["generation"])
        gen = path / generation
        try:
            documents: dict[str, Document] = {}
            with open(gen / DOCUMENTS, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        d = document_from_json(json.loads(line))
                        documents[d.sha256] = d
            chunks: list[Chunk] = []
            with open(gen / CHUNKS, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        r = json.loads(line)
                        chunks.append(_chunk_from_json(r, documents[r["doc_sha256"]]))
            vectors = faiss.read_index(str(gen / VECTORS))
            bm25 = _load_bm25(gen / BM25_DIR) if chunks else None
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as e:
            raise IndexMismatch(
                f"the index at {path} ({generation}) is damaged ({type(e).__name__}: {e}); "
                f"rebuild it with `bronwijs ingest` into a new --index folder"
            ) from e
        if vectors.ntotal != len(chunks):
            raise IndexMismatch(
                f"the index at {path} ({generation}) is damaged: {vectors.ntotal} vectors for "
                f"{len(chunks)} chunks; rebuild it into a new --index folder"
            )
        return cls(path, generation, manifest, documents, chunks, vectors, bm25)

    # --- metadata -----------------------------------------------------------------------------

    @property
    def embedder_name(self) -> str:
        return str(self.manifest.get("embedder", {}).get("name", ""))

    @property
    def dim(self) -> int:
        return int(self._faiss.d)

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        return dict(self.manifest.get("files", {}))

    def documents_named(self, name_or_sha: str) -> list[Document]:
        """Documents a user's name points at: a document name, a source file name (all records of
        a JSON file), or a unique SHA-256 prefix (at least 4 characters). Raises DocumentNotFound."""
        key = name_or_sha.strip()
        by_name = [d for d in self.documents.values() if d.doc == key]
        if by_name:
            return by_name
        files = self.manifest.get("files", {})
        if key in files:
            return [self.documents[s] for s in files[key].get("docs", []) if s in self.documents]
        low = key.lower()
        if len(low) >= 4 and re.fullmatch(r"[0-9a-f]+", low):
            hits = [d for s, d in self.documents.items() if s.startswith(low)]
            if len(hits) == 1:
                return hits
            if len(hits) > 1:
                names = ", ".join(sorted(d.doc for d in hits)[:10])
                raise DocumentNotFound(f"{key!r} matches several documents ({names}); give more characters")
        names = sorted({d.doc for d in self.documents.values()} | set(files))
        near = difflib.get_close_matches(key, names, n=5, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise DocumentNotFound(
            f"no document {key!r} in the index at {self.path}{hint} (`bronwijs docs` lists them)"
        )

    def document(self, name_or_sha: str) -> Document:
        """One document by name or SHA-256 prefix; raises DocumentNotFound listing near names."""
        hits = self.documents_named(name_or_sha)
        if len(hits) > 1:
            names = ", ".join(d.doc for d in hits[:10])
            raise DocumentNotFound(f"{name_or_sha!r} is a file with several documents ({names}); name one")
        return hits[0]

    def list_documents(self) -> list[dict[str, Any]]:
        """Document.meta() plus the chunk count, in index order."""
        out = []
        for sha, d in self.documents.items():
            m = d.meta()
            m["chunks"] = int(len(self._rows.get(sha, ())))
            out.append(m)
        return out

    def rows_of(self, doc_sha256: str) -> np.ndarray:
        return self._rows.get(doc_sha256, np.zeros(0, dtype=np.int64))

    def vectors(self) -> np.ndarray:
        """All vectors, row i for chunk i (float32, normalised)."""
        n = self._faiss.ntotal
        if n == 0:
            return np.zeros((0, self._faiss.d), dtype=np.float32)
        return self._faiss.reconstruct_n(0, n)

    # --- search -------------------------------------------------------------------------------

    def rows_for(
        self, docs: list[str] | None = None, date_from: str | None = None, date_to: str | None = None
    ) -> np.ndarray | None:
        """Allowed chunk rows for a filter (sorted int64), or None when there is no filter.

        A document without a date is left out as soon as a date bound is given.
        """
        if not docs and not date_from and not date_to:
            return None
        lo = _check_date("date_from", date_from)
        hi = _check_date("date_to", date_to)
        if docs:
            shas = {d.sha256 for name in docs for d in self.documents_named(name)}
        else:
            shas = set(self.documents)
        if lo or hi:
            keep = set()
            for s in shas:
                date = (self.documents[s].date or "")[:10]
                if date and (not lo or date >= lo) and (not hi or date[: len(hi)] <= hi):
                    keep.add(s)
            shas = keep
        parts = [self._rows[s] for s in shas if s in self._rows]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate(parts))

    def dense_search(
        self, qvec: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-k rows by inner product (cosine: vectors are normalised), within ``allowed`` if given."""
        import faiss

        n = self._faiss.ntotal
        if n == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return []
        q = np.ascontiguousarray(np.asarray(qvec, dtype=np.float32).reshape(1, -1))
        if allowed is None:
            scores, ids = self._faiss.search(q, min(k, n))
        else:
            allowed = np.ascontiguousarray(allowed, dtype=np.int64)
            sel = faiss.IDSelectorBatch(len(allowed), faiss.swig_ptr(allowed))
            params = faiss.SearchParameters(sel=sel)
            scores, ids = self._faiss.search(q, min(k, len(allowed)), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def bm25_search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k rows by BM25 (only rows that share a term with the query), within ``allowed``."""
        if self._bm25 is None or k <= 0 or (allowed is not None and len(allowed) == 0):
            return []
        tokens = analyze(query)
        if not tokens:
            return []
        mask = None
        if allowed is not None:
            mask = np.zeros(len(self.chunks), dtype=np.float32)
            mask[allowed] = 1.0
        scores = np.asarray(self._bm25.get_scores(tokens, weight_mask=mask))
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        order = hits[np.lexsort((hits, -scores[hits]))]
        return [(int(i), float(scores[i])) for i in order]

    def doc_freq(self, stem: str) -> int:
        """In how many chunks the keyword ``stem`` (an ``analyze`` token) occurs: for IDF weights."""
        bm = self._bm25
        if bm is None:
            return 0
        tid = bm.vocab_dict.get(stem)
        if tid is None:
            return 0
        indptr = bm.scores["indptr"]
        return int(indptr[tid + 1] - indptr[tid])


def _check_date(name: str, value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v):
        raise ConfigError(f"{name}={value!r} is not a date; use YYYY-MM-DD (or YYYY-MM, YYYY)")
    return v


def _load_bm25(folder: Path) -> Any:
    import bm25s

    return bm25s.BM25.load(str(folder), mmap=True, allow_pickle=False, load_vocab=True, show_progress=False)


# --- writing a generation ---------------------------------------------------------------------


@contextlib.contextmanager
def index_lock(path: Path) -> Iterator[None]:
    """One writer at a time per index folder (readers need no lock: they see whole generations)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    with open(path / LOCK, "a+") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def write_generation(
    path: Path,
    *,
    documents: Iterable[Document],
    chunks: list[Chunk],
    vectors: np.ndarray,
    embedder: dict[str, Any],
    chunker: dict[str, Any],
    files: dict[str, dict[str, Any]],
    created: str | None = None,
) -> tuple[str, dict[str, float]]:
    """Write a complete new generation and make it live. Returns (generation name, timings).

    Call under ``index_lock``. Nothing the live generation needs is touched until the final
    ``os.replace`` of CURRENT.
    """
    import bm25s
    import faiss

    from assistant import __version__

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    documents = list(documents)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) != len(chunks):
        raise ValueError(f"{len(vectors)} vectors for {len(chunks)} chunks")
    dim = int(embedder["dim"])
    if len(vectors) and vectors.shape[1] != dim:
        raise ValueError(f"vectors have dim {vectors.shape[1]}, the embedder says {dim}")
    known = {d.sha256 for d in documents}
    if missing := {c.span.doc_sha256 for c in chunks} - known:
        raise ValueError(f"chunks of unknown documents {sorted(missing)[:3]}")

    t0 = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    if len(vectors):
        flat.add(vectors)
    bm25 = None
    tokens = [analyze(c.span.text) for c in chunks]
    if any(tokens):
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
    t_index = time.perf_counter() - t0

    t0 = time.perf_counter()
    n = 1 + max((int(m.group(1)) for p in path.iterdir() if (m := _GEN.match(p.name))), default=0)
    generation = f"gen-{n}"
    tmp = path / f".tmp-{generation}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        per_doc: dict[str, int] = {}
        for c in chunks:
            per_doc[c.span.doc_sha256] = per_doc.get(c.span.doc_sha256, 0) + 1
        now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        manifest = {
            "format": FORMAT_VERSION,
            "bronwijs_version": __version__,
            "generation": generation,
            "created": created or now,
            "updated": now,
            "embedder": dict(embedder),
            "chunker": chunker,
            "counts": {"documents": len(documents), "chunks": len(chunks)},
            "files": files,
            "documents": {
                d.sha256: {"doc": d.doc, "pages": d.pages, "chunks": per_doc.get(d.sha256, 0)}
                for d in documents
            },
        }
        _write_json(tmp / MANIFEST, manifest)
        _write_lines(tmp / DOCUMENTS, (document_to_json(d) for d in documents))
        _write_lines(tmp / CHUNKS, (chunk_to_json(c) for c in chunks))
        faiss.write_index(flat, str(tmp / VECTORS))
        _fsync_file(tmp / VECTORS)
        if bm25 is not None:
            bm25.save(str(tmp / BM25_DIR), allow_pickle=False, show_progress=False)
            for p in (tmp / BM25_DIR).iterdir():
                _fsync_file(p)
            _fsync_dir(tmp / BM25_DIR)
        _fsync_dir(tmp)
        os.rename(tmp, path / generation)
        _fsync_dir(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # the switch: until this replace, readers and a crash see the previous generation
    pointer_tmp = path / f".{CURRENT}.tmp-{os.getpid()}"
    _write_json(pointer_tmp, {"generation": generation, "format": FORMAT_VERSION})
    os.replace(pointer_tmp, path / CURRENT)
    _fsync_dir(path)
    _remove_old(path, keep=generation)
    return generation, {"index": t_index, "write": time.perf_counter() - t0}


def _remove_old(path: Path, keep: str) -> None:
    for p in path.iterdir():
        if p.name == keep:
            continue
        if _GEN.match(p.name) or p.name.startswith(".tmp-gen-"):
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(f".{CURRENT}.tmp-"):
            p.unlink(missing_ok=True)


def _write_json(p: Path, data: Any) -> None:
    with open(p, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())


def _write_lines(p: Path, rows: Iterable[dict[str, Any]]) -> None:
    with open(p, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")
        f.flush()
        os.fsync(f.fileno())


def _fsync_file(p: Path) -> None:
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(p: Path) -> None:
    fd = os.open(p, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

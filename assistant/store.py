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
point before that leaves the previous generation live and complete. A superseded generation is
marked (``gen-6/.superseded``) and deleted only ``GRACE_SECONDS`` later (the newest
``KEEP_SUPERSEDED`` of them; older ones at once), so a reader that read
``CURRENT`` just before the switch can still open it; a reader that finds its generation gone
anyway reads ``CURRENT`` again and retries.

Checksums: the manifest records every file's size and SHA-256 (``checksums``), and ``CURRENT``
records the manifest's SHA-256, so one chain covers the generation. ``Index.open`` checks sizes,
hashes files up to ``FAST_HASH_BYTES`` (larger ones: sampled blocks), and checks every vector for
NaN and length; ``verify="full"`` (``bronwijs doctor``, and ingest before reusing old vectors)
hashes everything. Indexes written before checksums open with a note in ``Index.notes``.

FAISS: an exact ``IndexFlatIP`` (cosine on normalised vectors). It is exact and fast enough up to
~100k chunks, its rows are the chunk rows with no id map to keep in step, and its vectors can be
read back (``reconstruct_n``), so a new generation reuses the old vectors without re-embedding.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import difflib
import fcntl
import hashlib
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

from assistant.docmeta import KINDS, describe
from assistant.errors import (
    ConfigError,
    DocumentNotFound,
    IndexBusy,
    IndexDamaged,
    IndexMismatch,
    IndexMissing,
)
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
KEYWORD_FIELDS = "title+kind+authors+subject+heading+text"  # what the keyword index reads of a chunk (``keyword_text``)
LOCK = ".lock"
SUPERSEDED = ".superseded"
_GEN = re.compile(r"^gen-(\d+)$")

GRACE_SECONDS = 120.0  # a superseded generation stays this long for readers still opening it ...
KEEP_SUPERSEDED = 2  # ... but no more than this many (a reader slower than that many writes retries)
OPEN_ATTEMPTS = 8  # a reader whose generation vanished mid-open reads CURRENT again this often
FAST_HASH_BYTES = 64 * 1024 * 1024  # on open, files up to this size are hashed whole ...
SAMPLE_BLOCKS, SAMPLE_BLOCK_BYTES = 16, 64 * 1024  # ... larger ones in sampled blocks
NORM_TOLERANCE = 1e-2  # a stored vector's length must be 1 (or 0) within this


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


def keyword_text(chunk: Chunk, doc: Document) -> str:
    """What the keyword index reads of a chunk: its document's title, kind, authors and subject
    (``assistant.docmeta``) and its section's heading before its own text, so that a question naming
    a document ("de besluitenlijst van ...", "de Kamervragen van het lid X", a record's title) or a
    section finds that document's chunks. Citations still point into the text alone."""
    meta = describe(doc)
    return "\n".join(p for p in (doc.title, meta.kind, " ".join(meta.authors), meta.subject, chunk.heading, chunk.span.text) if p)


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


class _Damaged(Exception):
    """Internal: why a generation cannot be loaded (turned into IndexDamaged or a retry)."""


def _read_current(path: Path) -> dict[str, Any] | None:
    """CURRENT as a dict, or None when there is no index. Raises _Damaged when it is unreadable."""
    try:
        raw = (path / CURRENT).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _Damaged(f"{CURRENT} cannot be read: {e}") from e
    try:
        current = json.loads(raw.decode("utf-8"))
        generation = str(current["generation"])
    except (ValueError, KeyError, TypeError) as e:
        raise _Damaged(f"{CURRENT} is not a generation pointer ({type(e).__name__}: {e})") from e
    if not _GEN.match(generation):
        raise _Damaged(f"{CURRENT} names a bad generation {generation!r}")
    current["generation"] = generation
    return dict(current)


def current_generation(path: Path) -> str | None:
    """The live generation's name (None: no index, or CURRENT unreadable). Cheap: one small read."""
    try:
        current = _read_current(Path(path))
    except _Damaged:
        return None
    return None if current is None else str(current["generation"])


def _load_manifest(path: Path, current: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The manifest CURRENT points at, checked against CURRENT's hash; (manifest, notes)."""
    generation = current["generation"]
    try:
        raw = (path / generation / MANIFEST).read_bytes()
    except OSError as e:
        raise _Damaged(f"{generation}/{MANIFEST} cannot be read: {e.strerror or e}") from e
    try:
        manifest = json.loads(raw.decode("utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except ValueError as e:
        raise _Damaged(f"{generation}/{MANIFEST} is not valid JSON ({e})") from e
    _check_format(manifest, path)
    notes: list[str] = []
    want = current.get("manifest_sha256")
    if want is not None and hashlib.sha256(raw).hexdigest() != want:
        raise _Damaged(f"{generation}/{MANIFEST} does not match the checksum in {CURRENT}")
    for key, kind in (("embedder", dict), ("files", dict), ("counts", dict), ("documents", dict)):
        if not isinstance(manifest.get(key), kind):
            raise _Damaged(f"{generation}/{MANIFEST} has no {key!r} map")
    if not isinstance(manifest.get("checksums"), dict):
        notes.append(
            "deze index heeft geen controlesommen (oudere Bronwijs) / this index has no checksums (written by an "
            "older Bronwijs): run `bronwijs doctor --upgrade` or ingest once to add them"
        )
    manifest["generation"] = generation  # CURRENT is the authority on which folder is live
    return manifest, notes


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The live generation's manifest, or None when there is no index: cheap (no vectors, no texts)."""
    path = Path(path)
    for attempt in range(OPEN_ATTEMPTS):
        current: dict[str, Any] | None = None
        try:
            current = _read_current(path)
            if current is None:
                return None
            return _load_manifest(path, current)[0]
        except _Damaged as e:
            if _moved(path, current, attempt):
                continue
            raise _damaged_error(path, current["generation"] if current else "?", e) from e
    raise _busy_error(path)


def _moved(path: Path, current: dict[str, Any] | None, attempt: int) -> bool:
    """True (after a short pause) when CURRENT now names another generation than the one tried."""
    now = current_generation(path)
    if current is None or now is None or now == current["generation"]:
        return False
    time.sleep(min(0.2, 0.002 * 2**attempt))
    return True


def _damaged_error(path: Path, generation: str, e: BaseException) -> IndexDamaged:
    return IndexDamaged(
        f"de index in {path} is beschadigd / the index at {path} ({generation}) is damaged: {e}. "
        f"`bronwijs doctor --index {path}` checks it in full; rebuild it with `bronwijs ingest` into a "
        f"new --index folder"
    )


def _busy_error(path: Path) -> IndexBusy:
    return IndexBusy(
        f"de index in {path} wordt net herschreven / the index at {path} changed generation "
        f"{OPEN_ATTEMPTS} times while it was being opened: another process is writing to it. "
        f"It is not damaged; try again in a moment"
    )


def _check_format(manifest: dict[str, Any], path: Path) -> None:
    fmt = manifest.get("format")
    if not isinstance(fmt, int) or fmt > FORMAT_VERSION:
        raise IndexMismatch(
            f"the index at {path} has format {fmt!r}, newer than this Bronwijs reads "
            f"({FORMAT_VERSION}); upgrade Bronwijs or rebuild the index into another --index folder"
        )


# --- checksums --------------------------------------------------------------------------------


def _sample_sha256(p: Path, size: int) -> str:
    """SHA-256 over ``SAMPLE_BLOCKS`` evenly spaced blocks (first and last included) and the size."""
    h = hashlib.sha256(str(size).encode())
    with open(p, "rb") as f:
        span = max(0, size - SAMPLE_BLOCK_BYTES)
        for i in range(SAMPLE_BLOCKS):
            f.seek(span * i // max(1, SAMPLE_BLOCKS - 1))
            h.update(f.read(SAMPLE_BLOCK_BYTES))
    return h.hexdigest()


def _file_sha256(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def file_checksums(folder: Path) -> dict[str, dict[str, Any]]:
    """``{relative path: {"bytes", "sha256"[, "sample_sha256"]}}`` of every file of a generation
    except its manifest (which CURRENT's ``manifest_sha256`` covers) and marker files."""
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if not p.is_file() or rel == MANIFEST or p.name.startswith("."):
            continue
        size = p.stat().st_size
        entry: dict[str, Any] = {"bytes": size, "sha256": _file_sha256(p)}
        if size > FAST_HASH_BYTES:
            entry["sample_sha256"] = _sample_sha256(p, size)
        out[rel] = entry
    return out


def verify_checksums(folder: Path, checksums: dict[str, Any], *, full: bool) -> list[str]:
    """Problems (empty: all good) of a generation's files against the manifest's checksums.

    Fast (``full=False``): sizes of every file, the SHA-256 of files up to ``FAST_HASH_BYTES``,
    sampled blocks of larger ones. Full: the SHA-256 of every file. Extra files are ignored.
    """
    problems = []
    for rel, want in sorted(checksums.items()):
        p = folder / rel
        try:
            size = p.stat().st_size
        except OSError:
            problems.append(f"{rel} is missing")
            continue
        if size != want.get("bytes"):
            problems.append(f"{rel} has {size} bytes, the manifest says {want.get('bytes')}")
            continue
        if full or size <= FAST_HASH_BYTES or "sample_sha256" not in want:
            if _file_sha256(p) != want.get("sha256"):
                problems.append(f"{rel} does not match its checksum")
        elif _sample_sha256(p, size) != want["sample_sha256"]:
            problems.append(f"{rel} does not match its checksum (sampled blocks)")
    return problems


def check_vectors(vectors: np.ndarray, dim: int, rows: int) -> list[str]:
    """Problems of a vector matrix: its shape, NaN or infinite values, rows that are not unit length."""
    problems = []
    if vectors.ndim != 2 or vectors.shape[0] != rows or (rows and vectors.shape[1] != dim):
        return [f"vectors have shape {tuple(vectors.shape)}, expected ({rows}, {dim})"]
    if not rows:
        return []
    bad = np.flatnonzero(~np.isfinite(vectors).all(axis=1))
    if len(bad):
        problems.append(f"{len(bad)} vector(s) hold NaN or infinite values (rows {_rows(bad)})")
    norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors, dtype=np.float64))
    off = np.flatnonzero(np.isfinite(norms) & (np.abs(norms - 1.0) > NORM_TOLERANCE) & (norms != 0.0))
    if len(off):
        problems.append(f"{len(off)} vector(s) are not unit length (rows {_rows(off)})")
    return problems


def _rows(rows: np.ndarray) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:5])
    return shown + (", ..." if len(rows) > 5 else "")


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
        self.notes: list[str] = []  # e.g. an older index without checksums
        self._stamp: tuple[int, int, int] | None = None  # CURRENT's stat when this was opened

    # --- opening ------------------------------------------------------------------------------

    @staticmethod
    def exists(path: Path) -> bool:
        return (Path(path) / CURRENT).is_file()

    @classmethod
    def open(cls, path: Path, *, verify: str = "fast") -> Index:
        """Load the live generation. Raises IndexMissing, IndexMismatch (newer format), IndexDamaged
        (a file missing, truncated, altered, or NaN vectors), or IndexBusy (it kept moving).

        :param verify: ``"fast"`` (sizes, small files hashed, large ones sampled, every vector
            checked) or ``"full"`` (every file hashed: ``bronwijs doctor``, and before reuse).

        A generation that vanishes while it is read (a writer switched and cleaned up) is not
        damage: CURRENT is read again and the new generation opened.
        """
        if verify not in ("fast", "full"):
            raise ValueError(f"verify must be 'fast' or 'full', not {verify!r}")
        path = Path(path)
        for attempt in range(OPEN_ATTEMPTS):
            current: dict[str, Any] | None = None
            try:
                stamp = _stamp(path)
                current = _read_current(path)
                if current is None:
                    raise IndexMissing(
                        f"no index at {path}: build one with `bronwijs ingest <files or folders>` "
                        f"(or point --index / BRONWIJS_INDEX at an existing index)"
                    )
                index = cls._load(path, current, full=verify == "full")
                index._stamp = stamp
                return index
            except _Damaged as e:
                if _moved(path, current, attempt):
                    log.info("index moved while opening path=%s attempt=%d", path, attempt + 1)
                    continue
                raise _damaged_error(path, current["generation"] if current else "?", e) from e
        raise _busy_error(path)

    @classmethod
    def _load(cls, path: Path, current: dict[str, Any], *, full: bool) -> Index:
        import faiss

        generation = current["generation"]
        gen = path / generation
        try:  # a file that vanishes here (a writer cleaned up this generation) is the same as below
            manifest, notes = _load_manifest(path, current)
            checksums = manifest.get("checksums")
            problems = verify_checksums(gen, checksums, full=full) if isinstance(checksums, dict) else []
        except OSError as e:
            raise _Damaged(f"{type(e).__name__}: {e}") from e
        if problems:
            raise _Damaged("; ".join(problems[:5]))
        try:
            documents: dict[str, Document] = {}
            with open(gen / DOCUMENTS, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if line.strip():
                        d = _parse(line, f"{DOCUMENTS} line {n}", document_from_json)
                        documents[d.sha256] = d
            chunks: list[Chunk] = []
            last: dict[str, int] = {}
            with open(gen / CHUNKS, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if line.strip():
                        chunk = _parse(line, f"{CHUNKS} line {n}", lambda r: _checked_chunk(r, documents))
                        sha = chunk.span.doc_sha256
                        if chunk.span.char_start <= last.get(sha, -1):
                            raise _Damaged(f"{CHUNKS} line {n} is out of order within its document")
                        last[sha] = chunk.span.char_start
                        chunks.append(chunk)
            vectors = faiss.read_index(str(gen / VECTORS))
            bm25 = _load_bm25(gen / BM25_DIR) if chunks else None
        except (OSError, UnicodeDecodeError, RuntimeError, ValueError, KeyError, TypeError) as e:
            raise _Damaged(f"{type(e).__name__}: {e}") from e
        _check_counts(manifest, documents, chunks)
        if not isinstance(vectors, faiss.IndexFlat):
            raise _Damaged(f"{VECTORS} holds a {type(vectors).__name__}, not a flat index")
        dim = manifest["embedder"].get("dim")
        if vectors.ntotal != len(chunks):
            raise _Damaged(f"{vectors.ntotal} vectors for {len(chunks)} chunks")
        if isinstance(dim, int) and vectors.d != dim:
            raise _Damaged(f"vectors have dimension {vectors.d}, the embedder {dim}")
        if problems := check_vectors(_flat_view(vectors), vectors.d, len(chunks)):
            raise _Damaged("; ".join(problems))
        if bm25 is not None and int(bm25.scores.get("num_docs", len(chunks))) != len(chunks):
            raise _Damaged(f"the keyword index holds {bm25.scores.get('num_docs')} chunks, not {len(chunks)}")
        for note in notes:
            log.warning("index note path=%s: %s", path, note)
        index = cls(path, generation, manifest, documents, chunks, vectors, bm25)
        index.notes = notes
        return index

    def is_current(self) -> bool:
        """False when CURRENT now names another generation than this one (then open the index again).

        Cheap enough for every request: a ``stat`` of CURRENT, and a read only when it changed.
        A missing or unreadable CURRENT keeps this generation in use.
        """
        stamp = _stamp(self.path)
        if stamp is None or stamp == self._stamp:
            return True
        now = current_generation(self.path)
        if now is None or now == self.generation:
            self._stamp = stamp
            return True
        return False

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
        self,
        docs: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        kinds: list[str] | None = None,
    ) -> np.ndarray | None:
        """Allowed chunk rows for a filter (sorted int64), or None when there is no filter.

        A document without a date is left out as soon as a date bound is given; ``kinds`` keeps the
        documents of those kinds (``assistant.docmeta.KINDS``: "kamervragen", "besluitenlijst", ...).
        """
        if not docs and not date_from and not date_to and not kinds:
            return None
        if kinds:
            known = {name for name, _ in KINDS}
            if unknown := sorted(set(kinds) - known):
                raise ConfigError(
                    f"onbekende documentsoort / unknown document kind {', '.join(unknown)}; "
                    f"kies uit / choose from {', '.join(sorted(known))}"
                )
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
        if kinds:
            shas = {s for s in shas if describe(self.documents[s]).kind in kinds}
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


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """CURRENT's (inode, mtime, size): ``os.replace`` gives it a new inode at every switch."""
    try:
        st = os.stat(path / CURRENT)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _parse(line: str, where: str, build: Any) -> Any:
    try:
        return build(json.loads(line))
    except _Damaged as e:
        raise _Damaged(f"{where}: {e}") from e
    except (ValueError, KeyError, TypeError, IndexError) as e:
        raise _Damaged(f"{where} cannot be read ({type(e).__name__}: {e})") from e


def _checked_chunk(r: dict[str, Any], documents: dict[str, Document]) -> Chunk:
    doc = documents.get(r["doc_sha256"])
    if doc is None:
        raise _Damaged(f"chunk of unknown document {str(r['doc_sha256'])[:12]}")
    s, e = r["char_start"], r["char_end"]
    if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(doc.text)):
        raise _Damaged(f"offsets {s}-{e} outside {doc.doc} ({len(doc.text)} characters)")
    if r["id"] != f"{doc.sha256[:12]}:{s}":
        raise _Damaged(f"chunk id {r['id']!r} does not match its offset {s}")
    return _chunk_from_json(r, doc)


def _check_counts(manifest: dict[str, Any], documents: dict[str, Document], chunks: list[Chunk]) -> None:
    counts = manifest["counts"]
    if counts.get("documents") != len(documents) or counts.get("chunks") != len(chunks):
        raise _Damaged(
            f"{len(documents)} documents and {len(chunks)} chunks, the manifest says "
            f"{counts.get('documents')} and {counts.get('chunks')}"
        )
    per_doc: dict[str, int] = {}
    for c in chunks:
        per_doc[c.span.doc_sha256] = per_doc.get(c.span.doc_sha256, 0) + 1
    for sha, meta in manifest["documents"].items():
        if sha not in documents or not isinstance(meta, dict) or meta.get("chunks") != per_doc.get(sha, 0):
            raise _Damaged(f"document {str(sha)[:12]} does not agree with the manifest")
    for name, entry in manifest["files"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("docs"), list):
            raise _Damaged(f"the files map entry {name!r} is malformed")


def _flat_view(flat: Any) -> np.ndarray:
    """The vectors of an IndexFlat as a (n, d) array, without a copy."""
    import faiss

    n, d = flat.ntotal, flat.d
    if n == 0:
        return np.zeros((0, d), dtype=np.float32)
    return faiss.rev_swig_ptr(flat.get_xb(), n * d).reshape(n, d)


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
    if problems := check_vectors(vectors, dim, len(chunks)):
        raise ValueError(f"refusing to write a generation: {'; '.join(problems)}")
    known = {d.sha256 for d in documents}
    if missing := {c.span.doc_sha256 for c in chunks} - known:
        raise ValueError(f"chunks of unknown documents {sorted(missing)[:3]}")

    t0 = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    if len(vectors):
        flat.add(vectors)
    bm25 = None
    by_sha = {d.sha256: d for d in documents}
    tokens = [analyze(keyword_text(c, by_sha[c.span.doc_sha256])) for c in chunks]
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
            "keyword_fields": KEYWORD_FIELDS,
            "counts": {"documents": len(documents), "chunks": len(chunks)},
            "files": files,
            "documents": {
                d.sha256: {"doc": d.doc, "pages": d.pages, "chunks": per_doc.get(d.sha256, 0)}
                for d in documents
            },
        }
        _write_lines(tmp / DOCUMENTS, (document_to_json(d) for d in documents))
        _write_lines(tmp / CHUNKS, (chunk_to_json(c) for c in chunks))
        faiss.write_index(flat, str(tmp / VECTORS))
        _fsync_file(tmp / VECTORS)
        if bm25 is not None:
            bm25.save(str(tmp / BM25_DIR), allow_pickle=False, show_progress=False)
            for p in (tmp / BM25_DIR).iterdir():
                _fsync_file(p)
            _fsync_dir(tmp / BM25_DIR)
        manifest["checksums"] = file_checksums(tmp)  # of the bytes on disk, after they were written
        _write_json(tmp / MANIFEST, manifest)
        manifest_sha256 = _file_sha256(tmp / MANIFEST)
        _fsync_dir(tmp)
        os.rename(tmp, path / generation)
        _fsync_dir(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # the switch: until this replace, readers and a crash see the previous generation
    pointer_tmp = path / f".{CURRENT}.tmp-{os.getpid()}"
    _write_json(
        pointer_tmp, {"generation": generation, "format": FORMAT_VERSION, "manifest_sha256": manifest_sha256}
    )
    os.replace(pointer_tmp, path / CURRENT)
    _fsync_dir(path)
    remove_old(path, live=generation)
    return generation, {"index": t_index, "write": time.perf_counter() - t0}


def remove_old(path: Path, live: str, grace_seconds: float | None = None) -> list[str]:
    """Delete superseded generations ``grace_seconds`` (default ``GRACE_SECONDS``) after they were
    superseded (and beyond the newest ``KEEP_SUPERSEDED`` of them at once), and leftovers of
    interrupted writes. Returns the names deleted. Call under the lock.

    A generation that is not live gets a ``.superseded`` marker the first time it is seen here; its
    age is the marker's. A reader that read CURRENT just before a switch thus finds its generation
    whole for the grace period (and a reader slower than that retries on the new one).
    """
    grace = GRACE_SECONDS if grace_seconds is None else grace_seconds
    now = time.time()
    deleted = []
    kept = 0
    gens = sorted(
        (p for p in path.iterdir() if p.name != live and _GEN.match(p.name) and p.is_dir()),
        key=lambda p: -int(p.name[4:]),
    )
    for p in gens:  # newest first: a burst of writes keeps only the last KEEP_SUPERSEDED
        marker = p / SUPERSEDED
        try:
            age = now - marker.stat().st_mtime
        except FileNotFoundError:
            marker.touch()
            age = 0.0
        if age >= grace or kept >= KEEP_SUPERSEDED:
            shutil.rmtree(p, ignore_errors=True)
            deleted.append(p.name)
        else:
            kept += 1
    for p in path.iterdir():
        if p.name.startswith(".tmp-gen-"):
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(f".{CURRENT}.tmp-"):
            p.unlink(missing_ok=True)
    return deleted


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


# --- doctor -----------------------------------------------------------------------------------


def doctor(path: Path, *, upgrade: bool = False) -> dict[str, Any]:
    """Check the live generation in full: every file hashed, every document, chunk and vector read.

    Returns ``{"index", "generation", "ok", "problems", "notes", "documents", "chunks", "upgraded"}``.
    ``upgrade``: an index without checksums (older Bronwijs) that is otherwise sound is written
    again as a new generation with them (the same documents, chunks and vectors).
    Raises IndexMissing when there is no index.
    """
    path = Path(path)
    out: dict[str, Any] = {
        "index": str(path), "generation": current_generation(path), "ok": False, "problems": [],
        "notes": [], "documents": 0, "chunks": 0, "upgraded": None,
    }
    try:
        idx = Index.open(path, verify="full")
    except (IndexDamaged, IndexBusy) as e:
        out["problems"].append(str(e))
        return out
    out.update(generation=idx.generation, documents=len(idx.documents), chunks=len(idx.chunks))
    out["notes"] = list(idx.notes)
    listed = {s for v in idx.files.values() for s in v.get("docs", [])}
    if missing := listed - set(idx.documents):
        out["problems"].append(f"the files map lists {len(missing)} document(s) the index does not hold")
    if unlisted := set(idx.documents) - listed:
        out["notes"].append(f"{len(unlisted)} document(s) belong to no file in the files map")
    for c in idx.chunks:
        if not c.span.text.strip():
            out["problems"].append(f"chunk {c.id} is empty")
            break
    out["ok"] = not out["problems"]
    if upgrade and out["ok"] and not isinstance(idx.manifest.get("checksums"), dict):
        with index_lock(path):
            if current_generation(path) == idx.generation:
                gen, _ = write_generation(
                    path,
                    documents=idx.documents.values(),
                    chunks=idx.chunks,
                    vectors=idx.vectors(),
                    embedder=idx.manifest["embedder"],
                    chunker=idx.manifest.get("chunker", {}),
                    files=idx.files,
                    created=idx.manifest.get("created"),
                )
                out["upgraded"] = gen
                out["notes"] = [n for n in out["notes"] if "checksum" not in n]
    return out

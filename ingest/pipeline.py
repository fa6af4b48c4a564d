"""Incremental ingest: files -> load -> clean -> chunk -> embed -> a new index generation.

A file is identified by its name and the sha256 of its bytes, kept in the manifest's files map:

- same name, same bytes: skipped as unchanged, before anything is loaded or embedded;
- same bytes under another name (in the index or earlier in the batch): skipped as a duplicate;
- same name, new bytes, from the path it was ingested from (``same_name="same-source"``, the CLI's
  default): an update, its old documents are replaced and the report says so (``replaced``);
- same name, new bytes, from anywhere else (or any web upload: ``same_name="keep"``): never a silent
  replacement; the file is added beside the indexed one under a distinct name, ``name (2).txt``, and
  the report says so (``renamed``);
- new: loaded, cleaned, chunked and embedded (through the embedding cache).

A document with more pages than ``max_pages`` (text without pages: one per ``PAGE_CHARS``
characters) is refused before it is cleaned or embedded.

Bad input (``UnreadableDocument``: empty, corrupt, encrypted, no text, unsupported) is recorded in
the report and the batch goes on. Anything else is a bug: it propagates, and because a generation
only becomes live at its very last step, the previous index stays as it was.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import PAGE_CHARS, Settings
from assistant.errors import IndexMismatch, UnreadableDocument
from assistant.progress import NoProgress, Progress
from assistant.types import Chunk, Document

log = logging.getLogger(__name__)

UNCHANGED = "ongewijzigd / unchanged"
IGNORED_NAMES = frozenset({"MANIFEST.tsv"})
SAME_NAME = ("same-source", "keep")  # what a changed file with an indexed file's name does; see above


@dataclasses.dataclass
class IngestReport:
    """What an ingest did. ``to_dict()`` is the ``bronwijs ingest --json`` contract."""

    added: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    skipped: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    failed: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    removed: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    # files whose earlier version (same name, same source) was replaced; its documents are in removed
    replaced: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    # files kept beside an indexed file of the same name but other content, under a new name
    renamed: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    tokens: int = 0
    pages: int = 0
    # not part of the JSON contract: for the benchmark and the service
    generation: str | None = None
    embedded_texts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "skipped": list(self.skipped),
            "failed": list(self.failed),
            "removed": list(self.removed),
            "replaced": list(self.replaced),
            "renamed": list(self.renamed),
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "tokens": self.tokens,
            "pages": self.pages,
        }

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} toegevoegd / added ({self.chunks} chunks, {self.pages} pages)",
            f"{len(self.skipped)} overgeslagen / skipped",
            f"{len(self.failed)} mislukt / failed",
        ]
        if self.replaced:
            names = ", ".join(r["name"] for r in self.replaced)
            parts.append(f"{len(self.replaced)} vervangen door een nieuwe versie / replaced by a new version ({names})")
        if self.renamed:
            names = ", ".join(f"{r['existing']} -> {r['name']}" for r in self.renamed)
            parts.append(
                f"{len(self.renamed)} naast een bestaand document met dezelfde naam bewaard / "
                f"kept beside an existing document of the same name ({names})"
            )
        return ", ".join(parts) + f" in {self.seconds:.1f} s"


def distinct_name(name: str, taken: set[str] | dict[str, Any]) -> str:
    """``name`` if free, else ``stem (2).suffix``, ``stem (3).suffix``, … (the first free one)."""
    if name not in taken:
        return name
    p = Path(name)
    n = 2
    while f"{p.stem} ({n}){p.suffix}" in taken:
        n += 1
    return f"{p.stem} ({n}){p.suffix}"


def _renamed(doc: Document, file_name: str, name: str) -> Document:
    """A document of file ``file_name`` under the file's new ``name`` (a JSON record keeps its ``#n``)."""
    rest = doc.doc[len(file_name) :] if doc.doc.startswith(file_name) else ""
    return dataclasses.replace(doc, doc=name + rest)


# --- finding the files ------------------------------------------------------------------------


def _expand(paths: Sequence[Path], report: IngestReport) -> list[Path]:
    """Files to consider, in a stable order. Folders: supported, non-hidden files, recursively.
    A file given explicitly that cannot be ingested is reported as failed."""
    from ingest.load import SUPPORTED_SUFFIXES

    out: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        r = p.resolve()
        if r not in seen:
            seen.add(r)
            out.append(p)

    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if any(part.startswith(".") for part in rel) or f.name in IGNORED_NAMES:
                    continue
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES:
                    add(f)
        elif p.is_file():
            if p.suffix.lower() not in SUPPORTED_SUFFIXES:
                kinds = " ".join(sorted(SUPPORTED_SUFFIXES))
                report.failed.append(
                    {
                        "file": str(p),
                        "reason": f"niet ondersteund / unsupported file type {p.suffix or '(none)'}; use {kinds}",
                    }
                )
            else:
                add(p)
        else:
            report.failed.append({"file": str(p), "reason": "bestaat niet / no such file or folder"})
    return out


# --- ingest -----------------------------------------------------------------------------------


def _embedder_record(embedder: Any, spec: str) -> dict[str, Any]:
    return {"name": embedder.name, "dim": int(embedder.dim), "spec": spec, "init": embedder.to_dict()}


def _check_embedder(manifest: dict[str, Any], name: str, path: Path) -> None:
    built = manifest.get("embedder", {}).get("name")
    if built and built != name:
        raise IndexMismatch(
            f"the index at {path} was built with embedder {built!r}, but {name!r} is configured; "
            f"use another --index folder for this embedder, configure {built!r} again, "
            f"or rebuild: delete {path} and run `bronwijs ingest` again"
        )


def ingest_paths(
    paths: Sequence[Path], settings: Settings, progress: Progress | None = None, *, same_name: str = "same-source"
) -> IngestReport:
    """Add new and changed files under ``settings.index_dir``; see the module doc for the rules.

    :param same_name: ``"same-source"`` (a changed file from the path it was ingested from replaces
        its old version) or ``"keep"`` (never replace: the web app's uploads).
    """
    if same_name not in SAME_NAME:
        raise ValueError(f"same_name must be one of {SAME_NAME}, not {same_name!r}")
    from assistant.embed import get_embedder
    from assistant.store import Index, index_lock, read_manifest
    from ingest.chunk import Chunker
    from ingest.clean import clean
    from ingest.load import file_sha256, load_path

    progress = progress or NoProgress()
    t_start = time.perf_counter()
    report = IngestReport()
    timings = {k: 0.0 for k in ("hash", "load", "clean", "chunk", "embed", "index", "write")}
    report.timings = timings
    index_dir = Path(settings.index_dir)
    embedder = get_embedder(settings.embedder, settings.cache_dir)  # cheap: the model loads on first use

    files = _expand(paths, report)
    with index_lock(index_dir):
        manifest = read_manifest(index_dir)  # only the manifest: an unchanged batch needs no more
        if manifest is not None:
            _check_embedder(manifest, embedder.name, index_dir)
        old_files: dict[str, dict[str, Any]] = dict((manifest or {}).get("files", {}))
        by_sha = {v["sha256"]: name for name, v in old_files.items()}

        # 1. classify by name and bytes, before loading anything
        t0 = time.perf_counter()
        todo: list[tuple[Path, str, str]] = []  # (path, file sha256, name in the index)
        batch_names: dict[str, Path] = {}
        taken: set[str] = set(old_files)  # names in the index and given out in this batch
        sources = _OldSources(index_dir, old_files)
        for p in files:
            name = p.name
            try:
                sha = file_sha256(p)
            except OSError as e:
                report.failed.append(
                    {"file": str(p), "reason": f"onleesbaar / cannot read: {e.strerror or e}"}
                )
                continue
            clash = name in batch_names
            if clash and same_name != "keep":
                report.failed.append(
                    {
                        "file": str(p),
                        "reason": f"zelfde naam als / same name as {batch_names[name]} in this batch; rename one",
                    }
                )
                continue
            batch_names.setdefault(name, p)
            if not clash and old_files.get(name, {}).get("sha256") == sha:
                report.skipped.append({"file": str(p), "reason": UNCHANGED})
                continue
            if sha in by_sha:
                report.skipped.append({"file": str(p), "reason": f"dubbel / duplicate of {by_sha[sha]}"})
                continue
            # an update: the file is indexed, under its name or the one it was kept as, from this path
            update = sources.indexed_as(name, p) if same_name == "same-source" and not clash else None
            if update is not None:
                name = update
            elif name in taken:
                name = distinct_name(name, taken)
            taken.add(name)
            by_sha[sha] = name
            todo.append((p, sha, name))
        timings["hash"] = time.perf_counter() - t0

        progress.start("documents", len(files), unit="doc")
        if len(files) > len(todo):
            progress.advance("documents", len(files) - len(todo), file="(ongewijzigd / unchanged)")
        if not todo:
            progress.finish("documents")
            _refresh_keywords(index_dir, manifest, report)
            report.seconds = time.perf_counter() - t_start
            return report

        # 2. the full index: its documents, chunks and vectors go into the next generation
        # every file hashed: old vectors are copied into the next generation only when they are intact
        old = Index.open(index_dir, verify="full") if manifest is not None else None
        old_docs: dict[str, Document] = dict(old.documents) if old else {}

        chunker = Chunker(settings.chunk_tokens, settings.chunk_max_tokens, embedder.count_tokens)
        if manifest is not None and manifest.get("chunker") not in (None, chunker.to_dict()):
            log.warning(
                "chunker changed index=%s was=%s now=%s: indexed documents keep their chunks",
                index_dir,
                manifest.get("chunker"),
                chunker.to_dict(),
            )

        # 3. load, clean, chunk the new and changed files
        new_files: dict[str, dict[str, Any]] = {}
        new_docs: list[Document] = []
        new_chunks: list[Chunk] = []
        replaced: dict[str, Path] = {}  # names of files whose old documents go
        taken_docs = set(old_docs)
        for p, sha, name in todo:
            try:
                t0 = time.perf_counter()
                raw = load_path(p, max_bytes=int(settings.max_file_mb * 1024 * 1024))
                timings["load"] += time.perf_counter() - t0
                _check_pages(p, raw, settings.max_pages)
                if name != p.name:
                    raw = [_renamed(d, p.name, name) for d in raw]
                t0 = time.perf_counter()
                docs = [clean(d) for d in raw]
                timings["clean"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                # documents of a file that is being replaced may reappear (a JSON record that stayed)
                replacing = set(old_files.get(name, {}).get("docs", ()))
                kept: list[tuple[Document, list[Chunk]]] = []
                for d in docs:
                    if (d.sha256 in taken_docs and d.sha256 not in replacing) or any(
                        d.sha256 == k.sha256 for k, _ in kept
                    ):
                        other = old_docs[d.sha256].doc if d.sha256 in old_docs else d.doc
                        report.skipped.append({"file": d.doc, "reason": f"dubbel / duplicate of {other}"})
                        continue
                    chunks = chunker.run(d)
                    if not chunks:
                        report.failed.append(
                            {"file": d.doc, "reason": "geen tekst / no text left after cleaning"}
                        )
                        continue
                    kept.append((d, chunks))
                timings["chunk"] += time.perf_counter() - t0
                if not kept:
                    if not any(f["file"] in {d.doc for d in docs} for f in report.failed + report.skipped):
                        raise UnreadableDocument(str(p), "geen tekst / no text")
                    continue
            except UnreadableDocument as e:  # bad input: reported, the batch goes on, the old version stays
                report.failed.append({"file": str(p), "reason": e.reason})
                continue
            finally:
                progress.advance("documents", 1, file=name)
            if name in old_files:
                replaced[name] = p
            elif name != p.name:
                report.renamed.append(
                    {
                        "file": str(p),
                        "name": name,
                        "existing": p.name,
                        "reason": (
                            f"{p.name} staat al in de index met andere inhoud; beide blijven, deze als {name} / "
                            f"{p.name} is already indexed with other content; both are kept, this one as {name}"
                        ),
                    }
                )
            new_files[name] = {"sha256": sha, "docs": [d.sha256 for d, _ in kept], "source": str(p.resolve())}
            for d, chunks in kept:
                taken_docs.add(d.sha256)
                new_docs.append(d)
                new_chunks.extend(chunks)
                report.added.append(
                    {"doc": d.doc, "doc_sha256": d.sha256, "pages": d.pages, "chunks": len(chunks)}
                )
                report.pages += d.pages
                report.tokens += sum(c.n_tokens for c in chunks)
        progress.finish("documents")
        report.chunks = len(new_chunks)
        if not new_docs:
            _refresh_keywords(index_dir, manifest, report)
            report.seconds = time.perf_counter() - t_start
            return report

        # 4. embed the new chunks (the cache serves texts it has seen, under any index)
        t0 = time.perf_counter()
        vectors = _embed(embedder, [c.span.text for c in new_chunks], settings.embed_batch_size, progress)
        timings["embed"] = time.perf_counter() - t0
        report.embedded_texts = len(new_chunks)

        # 5. the next generation: old minus replaced, plus new
        gone: set[str] = set()
        for name in replaced:
            gone.update(old_files[name].get("docs", ()))
        gone -= {d.sha256 for d in new_docs}  # a record that stayed is replaced by its new chunks
        if old is not None:
            for sha in sorted(gone):
                if sha in old_docs:
                    report.removed.append(
                        {"doc": old_docs[sha].doc, "doc_sha256": sha, "chunks": int(len(old.rows_of(sha)))}
                    )
        for name, p in replaced.items():
            report.replaced.append(
                {
                    "file": str(p),
                    "name": name,
                    "old_sha256": old_files[name].get("sha256", ""),
                    "new_sha256": new_files[name]["sha256"],
                }
            )
        drop = gone | {d.sha256 for d in new_docs}
        files_map = {n: v for n, v in old_files.items() if n not in new_files}
        files_map.update(new_files)
        _write(
            index_dir,
            old,
            drop,
            new_docs,
            new_chunks,
            vectors,
            embedder,
            settings,
            chunker,
            files_map,
            manifest,
            report,
        )
    report.seconds = time.perf_counter() - t_start
    log.info("ingested added=%d chunks=%d seconds=%.2f", len(report.added), report.chunks, report.seconds)
    return report


class _OldSources:
    """Where each indexed file was read from: the files map's ``source``, or for an index written
    before it was recorded there, its documents' ``source`` (the index is opened once, if needed)."""

    def __init__(self, index_dir: Path, old_files: dict[str, dict[str, Any]]) -> None:
        self.index_dir = index_dir
        self.old_files = old_files
        self._docs: dict[str, Document] | None = None

    def indexed_as(self, name: str, path: Path) -> str | None:
        """The name under which the file at ``path`` (named ``name``) is indexed, if it is."""
        if self.same(name, path):
            return name
        p = Path(name)
        variant = re.compile(re.escape(p.stem) + r" \(\d+\)" + re.escape(p.suffix))
        for key, entry in self.old_files.items():
            if variant.fullmatch(key) and entry.get("source") and self.same(key, path):
                return key
        return None

    def same(self, name: str, path: Path) -> bool:
        entry = self.old_files.get(name)
        if entry is None:
            return False
        source = entry.get("source")
        if not source:
            if self._docs is None:
                from assistant.store import Index

                self._docs = dict(Index.open(self.index_dir).documents)
            docs = [self._docs[s] for s in entry.get("docs", ()) if s in self._docs]
            source = docs[0].source if docs else ""
        if not source:
            return False
        try:
            return Path(source).resolve() == path.resolve()
        except OSError:
            return False


def _check_pages(path: Path, docs: list[Document], max_pages: int) -> None:
    """Refuse a file with a document of more than ``max_pages`` pages (or page-sized stretches of text)."""
    for d in docs:
        pages = max(d.pages, math.ceil(len(d.text) / PAGE_CHARS))
        if pages > max_pages:
            what = "" if d.doc == path.name else f"{d.doc}: "
            raise UnreadableDocument(
                str(path),
                f"{what}te lang / too long ({pages} pagina's / pages, limit {max_pages}; text counts one page "
                f"per {PAGE_CHARS} characters; raise max_pages)",
            )


def _embed(embedder: Any, texts: list[str], batch_size: int, progress: Progress) -> np.ndarray:
    progress.start("embedding", len(texts), unit="chunk")
    parts = []
    step = max(1, batch_size)
    for i in range(0, len(texts), step):
        batch = texts[i : i + step]
        parts.append(np.asarray(embedder.embed_passages(batch), dtype=np.float32))
        progress.advance("embedding", len(batch))
    progress.finish("embedding")
    return np.concatenate(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)


def _write(
    index_dir: Path,
    old: Any,
    drop: set[str],
    new_docs: list[Document],
    new_chunks: list[Chunk],
    new_vectors: np.ndarray,
    embedder: Any,
    settings: Settings,
    chunker: Any,
    files_map: dict[str, dict[str, Any]],
    manifest: dict[str, Any] | None,
    report: IngestReport,
) -> None:
    from assistant.store import write_generation

    docs: list[Document] = []
    chunks: list[Chunk] = []
    vectors = new_vectors
    if old is not None:
        docs = [d for s, d in old.documents.items() if s not in drop]
        keep = np.asarray(
            [i for i, c in enumerate(old.chunks) if c.span.doc_sha256 not in drop], dtype=np.int64
        )
        chunks = [old.chunks[i] for i in keep]
        if len(keep):
            vectors = np.concatenate([old.vectors()[keep], new_vectors])
    docs.extend(new_docs)
    chunks.extend(new_chunks)
    generation, t = write_generation(
        index_dir,
        documents=docs,
        chunks=chunks,
        vectors=vectors,
        embedder=_embedder_record(embedder, settings.embedder),
        chunker=chunker.to_dict(),
        files=files_map,
        created=(manifest or {}).get("created"),
    )
    report.generation = generation
    report.timings["index"] += t["index"]
    report.timings["write"] += t["write"]


def _refresh_keywords(index_dir: Path, manifest: dict[str, Any] | None, report: IngestReport) -> None:
    """An index whose keyword index read other fields of its chunks (written by an older Bronwijs)
    gets a new generation with the same documents, chunks and vectors and today's keyword index.
    Call under ``index_lock``."""
    from assistant.store import KEYWORD_FIELDS, Index

    if manifest is None or manifest.get("keyword_fields") == KEYWORD_FIELDS:
        return
    report.generation = _rewrite(index_dir, Index.open(index_dir, verify="full"))
    log.info("keyword index rebuilt for fields=%s generation=%s", KEYWORD_FIELDS, report.generation)


def _rewrite(index_dir: Path, idx: Any, drop: set[str] | frozenset[str] = frozenset()) -> str:
    """A new generation of ``idx`` without the documents in ``drop`` (none: the same content, with
    today's keyword index); vectors are copied, nothing is embedded. Call under ``index_lock``."""
    from assistant.store import write_generation

    keep = np.asarray([i for i, c in enumerate(idx.chunks) if c.span.doc_sha256 not in drop], dtype=np.int64)
    files_map: dict[str, dict[str, Any]] = {}
    for name, v in idx.files.items():
        docs = [s for s in v.get("docs", []) if s not in drop]
        if docs:
            files_map[name] = {**v, "docs": docs}
    all_vectors = idx.vectors()
    generation, _ = write_generation(
        index_dir,
        documents=[d for s, d in idx.documents.items() if s not in drop],
        chunks=[idx.chunks[i] for i in keep],
        vectors=all_vectors[keep] if len(keep) else np.zeros((0, idx.dim), dtype=np.float32),
        embedder=idx.manifest["embedder"],
        chunker=idx.manifest.get("chunker", {}),
        files=files_map,
        created=idx.manifest.get("created"),
    )
    return generation


# --- remove -----------------------------------------------------------------------------------


def remove_document(name_or_sha: str, settings: Settings) -> list[dict[str, Any]]:
    """Take a document (or every document of a source file) out of the index: a new generation.

    Returns ``[{"doc", "doc_sha256", "chunks"}]``. Raises IndexMissing / DocumentNotFound.
    """
    from assistant.store import Index, index_lock

    index_dir = Path(settings.index_dir)
    with index_lock(index_dir):
        idx = Index.open(index_dir, verify="full")  # its vectors are copied: hash them all
        targets = idx.documents_named(name_or_sha)
        drop = {d.sha256 for d in targets}
        removed = [
            {"doc": d.doc, "doc_sha256": d.sha256, "chunks": int(len(idx.rows_of(d.sha256)))} for d in targets
        ]
        _rewrite(index_dir, idx, drop)
    log.info("removed docs=%s", ",".join(r["doc"] for r in removed))
    return removed

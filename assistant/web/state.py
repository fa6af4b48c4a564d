"""The process state that the web page, the REST API and the MCP server share.

One ``Assistant`` per process (``GuardedAssistant``: the facade with a readers-writer guard), a pool
of siblings for the page's LLM choices, the first-start index builder, and the upload folder. The
front ends are thin: they call ``Service`` and render what it returns.

Concurrency: an index generation is switched atomically on disk (``assistant/store.py``), so a
question can be answered while an ingest embeds; what must not interleave is a question in flight
and ``reload()`` (a question reads the index and the retriever one after the other). Questions,
searches and extraction hold the read side; ``reload`` takes the write side for the instant it
takes to drop the opened index (docs/design.md, "One Assistant per process, guarded").
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from assistant.config import Settings, bundled_corpus_dir
from assistant.errors import BronwijsError, IndexBuilding, IndexMissing, UploadRejected
from assistant.gradio_progress import RecordingProgress
from assistant.service import Assistant
from assistant.types import Answer, Passage
from assistant.web.uploads import (
    _sources_of,
    discard_unused,
    discard_uploads,
    safe_upload_name,
    stage_uploads,
)

log = logging.getLogger("bronwijs.web")

BUILDING = (
    "De index wordt nog gebouwd (eerste start); probeer het zo opnieuw. / "
    "The index is still being built (first start); try again shortly."
)


# --- the guard --------------------------------------------------------------------------------


class RWLock:
    """Many readers or one writer; a waiting writer holds back new readers (no starvation).

    Not tied to threads: a streamed answer may take the read side in one worker thread and give it
    back in another. Not re-entrant: a reader must not ask for the write side."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writer or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class GuardedAssistant(Assistant):
    """The ``Assistant`` facade, safe to share between threads that ask and threads that ingest."""

    def __init__(self, settings: Settings, guard: RWLock | None = None) -> None:
        super().__init__(settings)
        self.guard = guard or RWLock()

    def retrieve(self, question: str, **kw: Any) -> list[Passage]:
        with self.guard.read():
            return super().retrieve(question, **kw)

    def ask(self, question: str, **kw: Any) -> Answer:
        with self.guard.read():
            return super().ask(question, **kw)

    def stream(self, question: str, **kw: Any) -> Iterator[str | Answer]:
        with self.guard.read():
            yield from super().stream(question, **kw)

    def extract(self, docs: list[str] | None = None, **kw: Any) -> list[Any]:
        with self.guard.read():
            return super().extract(docs, **kw)

    def reload(self) -> None:
        with self.guard.write():
            super().reload()

    def with_llm(self, **changes: Any) -> GuardedAssistant:
        plain = super().with_llm(**changes)
        sibling = GuardedAssistant(plain.settings, self.guard)
        sibling._index, sibling._embedder, sibling._retriever = plain._index, plain._embedder, plain._retriever
        sibling._answerer = plain._answerer
        return sibling


# --- the pool of LLM configurations and the first-start builder --------------------------------


class Assistants:
    """One ``Assistant`` per LLM configuration, all on the same index folder (and, through
    ``get_embedder``'s memo, the same embedder). Sessions name a configuration; they never own one."""

    def __init__(self, base: Any) -> None:
        self.base = base
        self.settings: Settings = base.settings
        self._lock = threading.Lock()
        self._by_llm: dict[tuple[str, str, str], Any] = {_llm_key(self.settings): base}

    def get(self, llm: dict[str, str] | None) -> Any:
        if not llm:
            return self.base
        settings = dataclasses.replace(self.settings, **llm)
        key = _llm_key(settings)
        with self._lock:
            found = self._by_llm.get(key)
            if found is None:
                found = self.base.with_llm(**llm)
                self._by_llm[key] = found
            return found

    def reload_all(self) -> None:
        with self._lock:
            for a in self._by_llm.values():
                a.reload()


def _llm_key(s: Settings) -> tuple[str, str, str]:
    return (s.llm, s.llm_base_url, s.llm_api_key_env)


def index_is_empty(assistant: Any) -> bool:
    """True when the index folder holds no index or an index without documents."""
    try:
        return not assistant.index.documents
    except IndexMissing:
        return True


def build_bundled_index(assistant: Any, progress: Any = None) -> Any:
    """First start: index the bundled corpus (``bundled_corpus_dir()``); returns the ingest report."""
    corpus = bundled_corpus_dir()
    _say_err(f"bronwijs: eerste start, index bouwen / first start, building the index from {corpus}")
    report = assistant.ingest([corpus], progress=progress)
    _say_err(f"bronwijs: {report.summary()}")
    return report


class IndexBuilder:
    """Builds the index from the bundled corpus in a thread when it is missing or empty, so that the
    page, the API and MCP answer at once (the page shows the progress; the others say "building")."""

    def __init__(self, assistants: Assistants) -> None:
        self.assistants = assistants
        self.progress = RecordingProgress()
        self.done = threading.Event()
        self.error = ""
        self.summary = ""
        self._thread: threading.Thread | None = None

    def needed(self) -> bool:
        return index_is_empty(self.assistants.base)

    def running(self) -> bool:
        return self._thread is not None and not self.done.is_set()

    def start(self) -> None:
        if self._thread is not None:
            return
        if not self.needed():
            self.done.set()
            return
        self._thread = threading.Thread(target=self._run, name="bronwijs-first-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            report = build_bundled_index(self.assistants.base, progress=_TeeProgress(self.progress))
            self.summary = report.summary()
            self.assistants.reload_all()
        except BronwijsError as e:
            self.error = str(e)
            log.error("first index build failed: %s", e)
        except Exception as e:  # a bug: keep the traceback in the log, tell the page plainly
            self.error = f"{type(e).__name__}: {e}"
            log.exception("first index build failed")
        finally:
            self.done.set()


class _TeeProgress:
    """Records for the page and prints a line per finished task for the terminal (stderr: stdout
    may be an MCP stdio channel)."""

    def __init__(self, rec: RecordingProgress) -> None:
        self.rec = rec

    def start(self, task: str, total: int | None, unit: str = "it") -> None:
        self.rec.start(task, total, unit)

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        self.rec.advance(task, n, **info)

    def finish(self, task: str) -> None:
        snap = self.rec.snapshot()
        self.rec.finish(task)
        if snap is not None:
            _say_err(f"bronwijs: {snap.describe()}")


def _say_err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- uploads --------------------------------------------------------------------------------------


@dataclasses.dataclass
class UploadOutcome:
    """One uploaded file: ``added`` / ``skipped`` (unchanged) / ``failed``, with the reason."""

    name: str  # as the client sent it
    stored_as: str  # the plain name in the upload folder ("" when it was not stored)
    status: str
    reason: str = ""
    docs: list[str] = dataclasses.field(default_factory=list)
    pages: int = 0
    chunks: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --- the service ----------------------------------------------------------------------------------


class Service:
    """What every front end of one process calls: ask, search, documents, upload, remove,
    commitments, health. Holds the one ``GuardedAssistant``."""

    def __init__(self, settings: Settings, *, assistant: GuardedAssistant | None = None) -> None:
        self.settings = settings
        self.assistant = assistant or GuardedAssistant(settings)
        self.pool = Assistants(self.assistant)
        self.builder = IndexBuilder(self.pool)
        self._uploading = threading.Lock()

    def start(self) -> Service:
        """Build the index from the bundled corpus in the background when there is none."""
        self.builder.start()
        return self

    def ready(self) -> GuardedAssistant:
        """The assistant, or IndexBuilding while the first index is built."""
        if self.builder.running():
            raise IndexBuilding(BUILDING)
        return self.assistant

    # --- questions ------------------------------------------------------------------------------

    def ask(self, question: str, **kw: Any) -> Answer:
        return self.ready().ask(question, **kw)

    def stream(self, question: str, **kw: Any) -> Iterator[str | Answer]:
        return self.ready().stream(question, **kw)

    def search(self, query: str, **kw: Any) -> list[Passage]:
        return self.ready().retrieve(query, **kw)

    # --- documents ------------------------------------------------------------------------------

    def documents(self) -> list[dict[str, Any]]:
        """The indexed documents (``bronwijs docs --json`` without the server-side source path)."""
        rows = self.ready().index.list_documents()
        return [{k: v for k, v in r.items() if k != "source"} for r in rows]

    def remove(self, doc: str) -> list[dict[str, Any]]:
        """Take a document out of the index; its uploaded file goes too when no document still reads it."""
        assistant = self.ready()
        with self._uploading:
            sources = _sources_of(assistant, doc)
            removed = assistant.remove(doc)
            self.pool.reload_all()
            discard_uploads(sources, assistant, self.settings)
        return removed

    def upload(self, files: Sequence[tuple[str, IO[bytes]]], progress: Any = None) -> dict[str, Any]:
        """Check the files, copy them to ``<index>/uploads/<sha256 prefix>/<plain name>`` and ingest
        them; an upload never replaces an indexed document (a same-named one is kept beside it under a
        new name, as on the page: ``uploads.stage_uploads``, ``same_name="keep"``).

        A file without a usable name, of an unsupported type, over ``max_upload_mb``, or beyond
        ``max_upload_files``, is reported and skipped; when no file is left, UploadRejected (413 too
        large or too many, 415 unsupported, 400 otherwise). Returns ``{"files": [...], "report":
        <ingest report with plain file names>}``."""
        from ingest.load import SUPPORTED_SUFFIXES

        if not files:
            raise UploadRejected("Geen bestanden ontvangen / no files received.", status=400)
        assistant = self.ready()
        outcomes: list[UploadOutcome] = []
        why: dict[int, int] = {}  # id(outcome) -> the status a refusal of only this kind gets
        kinds = " ".join(sorted(SUPPORTED_SUFFIXES))
        with tempfile.TemporaryDirectory(prefix="bronwijs-upload-") as tmp:
            given: list[tuple[UploadOutcome, Path]] = []
            seen: set[str] = set()
            for n, (name, data) in enumerate(files):
                plain = safe_upload_name(name)
                suffix = Path(plain).suffix.lower()
                if not plain or not Path(plain).stem:
                    out = UploadOutcome(name, "", "failed", "geen bruikbare bestandsnaam / no usable file name")
                    why[id(out)] = 400
                elif suffix not in SUPPORTED_SUFFIXES:
                    out = UploadOutcome(
                        name, "", "failed",
                        f"bestandstype niet ondersteund / unsupported file type {suffix or '(none)'}; use {kinds}",
                    )
                    why[id(out)] = 415
                elif plain.casefold() in seen:
                    out = UploadOutcome(name, "", "failed", f"dubbele naam in één upload / the same name twice in one upload: {plain}")
                    why[id(out)] = 400
                else:
                    seen.add(plain.casefold())
                    out = UploadOutcome(name, plain, "failed")
                    path = Path(tmp) / str(n) / plain
                    path.parent.mkdir()
                    with open(path, "wb") as f:
                        shutil.copyfileobj(data, f, 1 << 20)
                    given.append((out, path))
                outcomes.append(out)
            with self._uploading:  # one upload at a time: staging and ingest see each other's files
                staged, created, refused = stage_uploads([str(p) for _, p in given], self.settings)
                by_name = {o.stored_as: o for o, _ in given}
                for name, _label, reason in refused:
                    o = by_name[name]
                    o.stored_as, o.reason = "", reason
                    why[id(o)] = 413 if "max_upload" in reason else 400
                if not staged:
                    statuses = {why.get(id(o), 400) for o in outcomes}
                    raise UploadRejected(
                        "Geen enkel bestand kan worden toegevoegd / no file can be added: "
                        + "; ".join(f"{o.name}: {o.reason}" for o in outcomes),
                        status=statuses.pop() if len(statuses) == 1 else 400,
                    )
                report = assistant.ingest(staged, progress=progress, same_name="keep")
                discard_unused(created, report, self.settings)
        self.pool.reload_all()
        at = {str(p): by_name[p.name] for p in staged}
        renamed = {r["name"]: r for r in report.renamed}
        for a in report.added:
            base = str(a["doc"]).split("#", 1)[0]
            r = renamed.get(base)
            o = at.get(r["file"]) if r is not None else by_name.get(base)
            if o is not None:
                o.status, o.pages, o.chunks = "added", o.pages + int(a["pages"]), o.chunks + int(a["chunks"])
                o.docs.append(a["doc"])
                if r is not None:
                    o.stored_as, o.reason = base, r["reason"]
        for kind in ("skipped", "failed"):
            for entry in getattr(report, kind):
                o = at.get(entry["file"])
                if o is not None and o.status != "added":
                    o.status, o.reason = kind, entry["reason"]
        data = report.to_dict()
        for key in ("skipped", "failed", "replaced", "renamed"):
            data[key] = [{**e, "file": Path(e["file"]).name} for e in data.get(key, [])]
        data["failed"] += [{"file": o.name, "reason": o.reason} for o in outcomes if not o.stored_as]
        return {"files": [o.to_dict() for o in outcomes], "report": data}

    # --- commitments ----------------------------------------------------------------------------

    def commitments(
        self,
        *,
        kinds: list[str] | None = None,
        docs: list[str] | None = None,
        year: int | None = None,
        actor: str | None = None,
        sort: str = "doc",
    ) -> list[Any]:
        return self.ready().extract(docs or None, kinds=kinds or None, actor=actor, year=year, sort=sort)

    # --- health ---------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """Index generation, counts, embedder, LLM; ``status`` ready / building / missing / error."""
        s = self.settings
        out: dict[str, Any] = {
            "status": "ready",
            "message": "",
            "generation": None,
            "documents": 0,
            "chunks": 0,
            "embedder": s.embedder,
            "index_embedder": None,
            "llm": s.llm or None,
            "llm_configured": bool(s.llm),
            "version": _version(),
        }
        if self.builder.running():
            snap = self.builder.progress.snapshot()
            out.update(status="building", message=BUILDING + (f" ({snap.describe()})" if snap else ""))
            return out
        try:
            index = self.assistant.index
        except IndexMissing as e:
            out.update(status="missing", message=str(e))
            return out
        except BronwijsError as e:
            out.update(status="error", message=str(e))
            return out
        out.update(
            generation=index.generation,
            documents=len(index.documents),
            chunks=len(index.chunks),
            index_embedder=index.embedder_name or None,
        )
        if self.builder.error:
            out["message"] = self.builder.error
        return out


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bronwijs")
    except PackageNotFoundError:  # pragma: no cover - a checkout without install
        return "0+checkout"

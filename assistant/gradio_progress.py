"""``assistant.progress.Progress`` for the web app: the library's progress calls drawn by Gradio.

Gradio itself is not imported here: ``GradioProgress`` takes the ``gr.Progress`` object (any callable
with its signature), and ``RecordingProgress`` only records, so that a page can draw a job that runs in
another thread (the first index build starts before any browser is connected).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Human names for the tasks the ingest pipeline reports (unknown tasks are shown as they are).
TASK_LABELS = {
    "documents": "Documenten lezen / reading documents",
    "embedding": "Stukken inbedden / embedding chunks",
    "load": "Bestanden lezen / reading files",
    "read": "Bestanden lezen / reading files",
    "clean": "Tekst opschonen / cleaning text",
    "chunk": "Tekst in stukken delen / chunking",
    "embed": "Stukken inbedden / embedding chunks",
    "index": "Index schrijven / writing the index",
    "write": "Index schrijven / writing the index",
    "ingest": "Documenten toevoegen / adding documents",
    "files": "Bestanden verwerken / processing files",
}


def task_label(task: str) -> str:
    return TASK_LABELS.get(task.lower(), task)


@dataclass(frozen=True, slots=True)
class ProgressSnapshot:
    task: str
    done: int
    total: int | None
    unit: str
    info: str

    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    def describe(self) -> str:
        count = f"{self.done}/{self.total} {self.unit}" if self.total else f"{self.done} {self.unit}"
        text = f"{task_label(self.task)} — {count}"
        return f"{text} ({self.info})" if self.info else text


class RecordingProgress:
    """Remembers the latest state of each task; thread-safe; ``snapshot()`` gives the current task."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: ProgressSnapshot | None = None
        self.updated = time.monotonic()

    def start(self, task: str, total: int | None, unit: str = "it") -> None:
        with self._lock:
            self._current = ProgressSnapshot(task, 0, total, unit, "")
            self.updated = time.monotonic()

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        with self._lock:
            cur = self._current
            if cur is None or cur.task != task:
                cur = ProgressSnapshot(task, 0, None, "it", "")
            text = ", ".join(str(v)[:60] for v in info.values())
            self._current = ProgressSnapshot(task, cur.done + n, cur.total, cur.unit, text)
            self.updated = time.monotonic()

    def finish(self, task: str) -> None:
        with self._lock:
            if self._current is not None and self._current.task == task and self._current.total:
                cur = self._current
                self._current = ProgressSnapshot(task, cur.total or cur.done, cur.total, cur.unit, "")
            self.updated = time.monotonic()

    def snapshot(self) -> ProgressSnapshot | None:
        with self._lock:
            return self._current


class GradioProgress:
    """Maps ``start``/``advance``/``finish`` onto a ``gr.Progress`` (``progress((done, total), desc=...)``).

    Also forwards every call to ``also`` (e.g. a ``RecordingProgress``) when given.
    """

    def __init__(self, progress: Callable[..., Any], also: Any = None) -> None:
        self._progress = progress
        self._also = also
        self._state: dict[str, tuple[int, int | None, str]] = {}

    def _draw(self, task: str, info: str = "") -> None:
        done, total, unit = self._state[task]
        desc = task_label(task) + (f" ({info})" if info else "")
        if total:
            self._progress((min(done, total), total), desc=desc, unit=unit)
        else:
            self._progress(None, desc=desc)

    def start(self, task: str, total: int | None, unit: str = "it") -> None:
        self._state[task] = (0, total, unit)
        self._draw(task)
        if self._also is not None:
            self._also.start(task, total, unit)

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        done, total, unit = self._state.get(task, (0, None, "it"))
        self._state[task] = (done + n, total, unit)
        self._draw(task, ", ".join(str(v)[:60] for v in info.values()))
        if self._also is not None:
            self._also.advance(task, n, **info)

    def finish(self, task: str) -> None:
        self._state.pop(task, None)
        if self._also is not None:
            self._also.finish(task)

"""Progress reporting without drawing: the library calls a ``Progress``; front ends draw it.

The CLI draws tqdm bars on stderr (on a TTY only), the Gradio app maps the same calls to
``gr.Progress``; tests and the eval runner use the silent default.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol


class Progress(Protocol):
    def start(self, task: str, total: int | None, unit: str = "it") -> None: ...
    def advance(self, task: str, n: int = 1, **info: Any) -> None: ...
    def finish(self, task: str) -> None: ...


class NoProgress:
    """The default: says nothing."""

    def start(self, task: str, total: int | None, unit: str = "it") -> None:
        pass

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        pass

    def finish(self, task: str) -> None:
        pass


class TqdmProgress:
    """One tqdm bar per task on stderr; ``info`` (e.g. the current file) goes in the postfix."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bars: dict[str, Any] = {}

    def start(self, task: str, total: int | None, unit: str = "it") -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        self.finish(task)
        self._bars[task] = tqdm(
            total=total, desc=task, unit=unit, file=sys.stderr, leave=True, dynamic_ncols=True
        )

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        bar = self._bars.get(task)
        if bar is not None:
            if info:
                bar.set_postfix({k: str(v)[:40] for k, v in info.items()}, refresh=False)
            bar.update(n)

    def finish(self, task: str) -> None:
        bar = self._bars.pop(task, None)
        if bar is not None:
            bar.close()


@contextmanager
def cli_progress() -> Iterator[Progress]:
    """Bars on stderr when it is a terminal, silence otherwise (CI logs, pipes)."""
    p = TqdmProgress(enabled=sys.stderr.isatty())
    try:
        yield p
    finally:
        for task in list(p._bars):
            p.finish(task)

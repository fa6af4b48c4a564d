"""Real documents of ../shared/corpus, loaded and cleaned as the product does (skipped when shared/
is not beside the checkout)."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

import pytest
from testpaths import SHARED

from assistant.types import Document
from ingest.clean import clean
from ingest.load import load_path


@cache
def _load(path: Path) -> tuple[Document, ...]:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    return tuple(clean(d) for d in load_path(path, max_bytes=200 * 2**20))


def shared_docs(folder: str, pattern: str) -> list[Document]:
    """Every document of ``../shared/corpus/<folder>`` whose file name matches ``pattern``."""
    root = SHARED / "corpus" / folder
    paths = sorted(root.glob(pattern)) if root.is_dir() else []
    if not paths:
        pytest.skip(f"{root}/{pattern} not available (shared/ corpus not beside this checkout)")
    return [d for p in paths for d in _load(p)]

"""Paths of the test data, importable from any test module (``from testpaths import CORPUS``)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpus" / "real"
GOLD_DEV = ROOT / "evals" / "gold" / "dev"


def real_file(name: str) -> Path:
    """A file of ../shared/corpus/real; the test is skipped when shared/ is not beside the checkout."""
    p = REAL / name
    if not p.exists():
        pytest.skip(f"{p} not available (shared/ corpus not beside this checkout)")
    return p


def bundled_letters() -> list[Path]:
    """The bundled letters (corpus/*.txt), or the shared originals; skips when neither is there."""
    found = sorted(CORPUS.glob("*.txt")) or sorted((SHARED / "corpus").glob("*.txt"))
    if len(found) < 3:
        pytest.skip("no bundled letters")
    return found


def shared_file(part: str, name: str) -> Path:
    """A file of ../shared/corpus/<part> (train, val, real); skipped when shared/ is not beside the checkout."""
    p = SHARED / "corpus" / part / name
    if not p.exists():
        pytest.skip(f"{p} not available (shared/ corpus not beside this checkout)")
    return p


def load_clean(path: Path) -> list:
    """The cleaned documents of a file, as the index holds them."""
    from ingest.clean import clean
    from ingest.load import load_path

    return [clean(d) for d in load_path(path, max_bytes=500_000_000)]

"""Shared fixtures. Every test runs with its own index and config folder: no test touches a user's index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpus" / "real"
GOLD_DEV = ROOT / "evals" / "gold" / "dev"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRONWIJS_CONFIG", str(tmp_path / "bronwijs.toml"))
    monkeypatch.setenv("BRONWIJS_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("BRONWIJS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BRONWIJS_RAISE_ERRORS", "1")


def real_file(name: str) -> Path:
    """A file of ../shared/corpus/real; the test is skipped when shared/ is not beside the checkout."""
    p = REAL / name
    if not p.exists():
        pytest.skip(f"{p} not available (shared/ corpus not beside this checkout)")
    return p

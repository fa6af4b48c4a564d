"""Shared fixtures. Every test runs with its own index and config folder: no test touches a user's index.

Paths of the test data live in ``testpaths.py`` (a nested conftest would shadow ``conftest``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRONWIJS_CONFIG", str(tmp_path / "bronwijs.toml"))
    monkeypatch.setenv("BRONWIJS_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("BRONWIJS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BRONWIJS_RAISE_ERRORS", "1")

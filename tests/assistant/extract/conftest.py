"""Fixtures for the extraction tests: the five bundled policy letters, loaded as the product does."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.types import Document

LETTERS = [
    "000_2b64ece39e4393a8.txt",
    "001_e453d463f6c3559d.txt",
    "002_246acff3fa81e327.txt",
    "003_3c98dc61b2096e57.txt",
    "004_c9cf7b4b3946f292.txt",
]
SHARED_CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


def letter(name: str) -> Document:
    if not (SHARED_CORPUS / name).exists():
        pytest.skip(f"{SHARED_CORPUS / name} not available (shared/ corpus not beside this checkout)")
    from assistant.extract.devscore import load_document

    return load_document(name)


@pytest.fixture(scope="session", params=LETTERS)
def any_letter(request: pytest.FixtureRequest) -> Document:
    return letter(request.param)

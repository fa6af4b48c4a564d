"""Fixtures for the extraction tests: the five bundled policy letters, loaded and cleaned as the product does."""

from __future__ import annotations

import csv
from functools import cache

import pytest
from testpaths import CORPUS

from assistant.types import Document
from ingest.clean import clean
from ingest.load import load_path

LETTERS = [
    "000_2b64ece39e4393a8.txt",
    "001_e453d463f6c3559d.txt",
    "002_246acff3fa81e327.txt",
    "003_3c98dc61b2096e57.txt",
    "004_c9cf7b4b3946f292.txt",
]


@cache
def letter(name: str) -> Document:
    """A bundled letter by its original (gold) name, via corpus/MANIFEST.tsv."""
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as f:
        files = {row["original_name"]: row["file"] for row in csv.DictReader(f, delimiter="\t")}
    return clean(load_path(CORPUS / files[name], max_bytes=50 * 2**20)[0])


@pytest.fixture(scope="session", params=LETTERS)
def any_letter(request: pytest.FixtureRequest) -> Document:
    return letter(request.param)

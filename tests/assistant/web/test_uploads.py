"""assistant/web/uploads.py: the plain names uploaded files are stored under."""

from __future__ import annotations

import pytest

from assistant.web.uploads import safe_upload_name


@pytest.mark.parametrize(
    ("given", "plain"),
    [
        ("brief.pdf", "brief.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\win.ini.txt", "win.ini.txt"),
        ("C:\\Users\\a\\Raadsbrief 2024.pdf", "Raadsbrief 2024.pdf"),
        (".verborgen.md", "verborgen.md"),
        ("brief\x00.pdf\n", "brief.pdf"),
        ("..", ""),
        ("", ""),
        ("map/", ""),
    ],
)
def test_an_upload_name_becomes_a_plain_file_name(given, plain):
    assert safe_upload_name(given) == plain


def test_a_very_long_name_keeps_its_suffix():
    name = safe_upload_name("a" * 500 + ".pdf")
    assert name.endswith(".pdf") and len(name) <= 180

"""Grounding: a quote is found verbatim, or aligned token by token, or not at all."""

from __future__ import annotations

import pytest

from assistant.extract.ground import ground
from assistant.types import Document


def doc_of(text: str, name: str = "test.txt", date: str | None = "2020-10-15") -> Document:
    return Document(doc=name, sha256="0" * 64, text=text, date=date)


TEXT = (
    "De inspecties hebben een termijn van vier maanden genoemd. Gemeenten hebben uiterlijk half "
    "november 2020 zicht op welke kinderen met een maatregel geen tijdige jeugdbe-\nscherming krijgen."
)


def test_an_exact_quote_is_located_and_sliced():
    doc = doc_of(TEXT)
    g = ground(doc, "een termijn van vier maanden")
    assert g is not None and g.status == "exact"
    assert doc.text[g.span.char_start : g.span.char_end] == "een termijn van vier maanden"


def test_a_quote_with_other_spacing_case_and_hyphenation_is_grounded_fuzzily():
    doc = doc_of(TEXT)
    g = ground(
        doc,
        "gemeenten hebben uiterlijk half November 2020 zicht op welke kinderen geen tijdige jeugdbescherming krijgen",
    )
    assert g is not None and g.status == "fuzzy"
    assert g.span.text.startswith("Gemeenten hebben") and g.span.text.endswith("krijgen")
    assert doc.text[g.span.char_start : g.span.char_end] == g.span.text


def test_a_quote_that_is_not_in_the_document_is_not_grounded():
    doc = doc_of(TEXT)
    assert ground(doc, "Het kabinet trekt in 2023 vijf miljard euro uit voor defensie") is None
    assert ground(doc, "") is None


def test_the_threshold_must_be_a_share():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ground(doc_of(TEXT), "x", threshold=1.5)

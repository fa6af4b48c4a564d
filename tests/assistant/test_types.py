"""assistant/types.py: the per-document cache every stage shares."""

from __future__ import annotations

from assistant.types import Document, per_document


def _doc(sha: str, text: str) -> Document:
    return Document(doc=f"{sha}.txt", sha256=sha * 64, text=text)


def test_a_function_of_a_document_runs_once_per_document_and_starts_over_at_its_limit():
    calls: list[str] = []

    @per_document(2)
    def words(doc: Document) -> int:
        calls.append(doc.sha256[0])
        return len(doc.text.split())

    a, b, c = _doc("a", "een twee"), _doc("b", "drie"), _doc("c", "vier vijf zes")
    assert [words(a), words(a), words(b), words(b)] == [2, 2, 1, 1] and calls == ["a", "b"]
    assert words(_doc("a", "een twee")) == 2 and calls == ["a", "b"]  # the same bytes: the same entry
    assert words(c) == 3 and calls == ["a", "b", "c"]  # the limit reached: the cache started over
    assert words(a) == 2 and calls == ["a", "b", "c", "a"]
    assert words.__name__ == "words"

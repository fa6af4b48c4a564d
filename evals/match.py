"""Matching text and documents the way FORMAT.md defines it.

Text: word tokens after NFKC, rejoined line-break hyphenation and casefolding; **coverage** is the
longest contiguous run of the quote's tokens in the passage over the quote's length; a passage
**supports** evidence when it comes from the same document and covers the quote at least 0.5.
These are ``assistant.text``'s own functions, so the product's citations and the scorer agree; a
test checks them against the reference ``goldcheck.py``.

Documents: a gold set names documents by file name and lists their SHA-256 in documents.tsv;
predictions carry ``doc`` and ``doc_sha256``. They are the same document when the shas agree
(the gold sha is known and the prediction has one); otherwise when the names agree. A JSON file
holding a list of records is indexed as one document per record (``file.json#n``, with the sha256
of the record's canonical JSON): a gold document naming the file is every one of its records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from assistant.text import coverage, longest_run, normalize, tokens

SUPPORT_THRESHOLD = 0.5

__all__ = [
    "SUPPORT_THRESHOLD",
    "DocResolver",
    "coverage",
    "longest_run",
    "normalize",
    "record_source",
    "supports",
    "tokens",
]


class DocResolver:
    """Decides whether a predicted span's document is a gold document.

    ``shas`` maps gold document names to the sha256 (or several) they are known by (documents.tsv,
    or what the runner found in the index). ``records`` maps the gold name of a JSON list file to
    the sha256s of its indexed records. ``aliases`` maps gold names to the names the index stores
    them under (renamed copies), so predictions without a sha still match.
    """

    def __init__(
        self,
        shas: Mapping[str, str | Iterable[str]] | None = None,
        aliases: Mapping[str, Iterable[str]] | None = None,
        records: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.shas = {k: _sha_set(v) for k, v in (shas or {}).items()}
        self.records = {k: _sha_set(v) for k, v in (records or {}).items()}
        self.aliases = {k: {_base(n) for n in v} for k, v in (aliases or {}).items()}

    def same(self, gold_doc: str, doc: str | None, doc_sha256: str | None = None) -> bool:
        """Is the predicted (``doc``, ``doc_sha256``) the gold document ``gold_doc`` (or one of its
        records, when the gold document is a JSON list)?"""
        shas = self.shas.get(gold_doc, set()) | self.records.get(gold_doc, set())
        if shas and doc_sha256:
            if doc_sha256.lower() in shas:
                return True
            # a record has its own sha, not its file's: when the gold knows only the file's sha,
            # a record of that file is recognised by its name (``file.json#n``)
            return gold_doc not in self.records and self._record_of(gold_doc, doc)
        if not doc:
            return False
        base = _base(doc)
        names = {_base(gold_doc), *self.aliases.get(gold_doc, ())}
        return base in names or self._record_of(gold_doc, doc)

    def _record_of(self, gold_doc: str, doc: str | None) -> bool:
        """Is ``doc`` a record ``name#n`` of the file the gold document names (or an alias of it)?"""
        source = record_source(_base(doc)) if doc else None
        return source is not None and source in {_base(gold_doc), *self.aliases.get(gold_doc, ())}

    def same_as(self, gold_doc: str, pred: Mapping[str, Any]) -> bool:
        return self.same(gold_doc, pred.get("doc"), pred.get("doc_sha256"))

    def gold_name(self, pred: Mapping[str, Any], candidates: Iterable[str]) -> str | None:
        """Which of ``candidates`` (gold names) a prediction's document is, or None."""
        for name in candidates:
            if self.same_as(name, pred):
                return name
        return None


_RECORD = re.compile(r"^(?P<source>.+)#\d+$")


def record_source(name: str) -> str | None:
    """The file a JSON record's document name (``file.json#3``) comes from; None for other names."""
    m = _RECORD.match(name)
    return m.group("source") if m else None


def _sha_set(v: str | Iterable[str]) -> set[str]:
    return {v.lower()} if isinstance(v, str) else {s.lower() for s in v}


def _base(name: str) -> str:
    """Base file name; a JSON record keeps its ``#n``."""
    return PurePath(name).name


def span_text(pred: Mapping[str, Any]) -> str:
    """The text of a predicted passage, citation or item (``text`` or ``quote``)."""
    return str(pred.get("text") or pred.get("quote") or "")


def supports(
    pred: Mapping[str, Any],
    gold_doc: str,
    quote: str,
    resolver: DocResolver,
    threshold: float = SUPPORT_THRESHOLD,
) -> bool:
    """FORMAT.md: same document, and coverage(evidence quote, span text) >= 0.5."""
    return resolver.same_as(gold_doc, pred) and coverage(quote, span_text(pred)) >= threshold

"""Read and validate a gold folder in the format of ``evals/gold/dev/FORMAT.md``.

Any folder in that format is accepted, not only the one shipped: up to four files (``qa.jsonl``,
``extractions.jsonl``, ``extraction_docs.txt``, ``documents.tsv``), each optional, at least one
present. Every problem is a ``GoldFormatError`` naming ``file:line`` and what to fix. Checking that
quotes occur in their documents needs the documents and is ``check_quotes`` (the runner calls it
on the indexed text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import GoldFormatError

KINDS = ("norm", "deadline", "funding")
NEEDS = ("any", "all")
UNITS = ("day", "week", "month", "year")
# The fields whose values field accuracy compares, per kind (bold in FORMAT.md's table).
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "norm": ("share", "within"),
    "deadline": ("due",),
    "funding": ("amount_eur", "period"),
}
GOLD_FILES = ("qa.jsonl", "extractions.jsonl", "extraction_docs.txt", "documents.tsv")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Evidence:
    doc: str
    quote: str


@dataclass(frozen=True, slots=True)
class QAItem:
    id: str
    question: str
    answerable: bool
    lang: str = ""
    kind: str = ""
    answer: str = ""
    answer_keys: tuple[tuple[str, ...], ...] = ()
    evidence: tuple[Evidence, ...] = ()
    needs: str = "any"
    line: int = 0  # where it stands in qa.jsonl, for messages

    @property
    def docs(self) -> tuple[str, ...]:
        """The documents its evidence names, in order, without repeats."""
        return tuple(dict.fromkeys(e.doc for e in self.evidence))


@dataclass(frozen=True, slots=True)
class GoldExtraction:
    id: str
    doc: str
    kind: str
    quote: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True, slots=True)
class GoldSet:
    path: Path
    qa: tuple[QAItem, ...] = ()
    extractions: tuple[GoldExtraction, ...] = ()
    # None when extraction_docs.txt is absent: extraction precision is then not measured
    extraction_docs: tuple[str, ...] | None = None
    documents: Mapping[str, str] = field(default_factory=dict)  # gold doc name -> sha256
    files: tuple[str, ...] = ()  # which of GOLD_FILES were present

    def doc_names(self) -> list[str]:
        """Every document the gold set names, in first-seen order."""
        names: dict[str, None] = {}
        for q in self.qa:
            names.update(dict.fromkeys(q.docs))
        names.update(dict.fromkeys(x.doc for x in self.extractions))
        names.update(dict.fromkeys(self.extraction_docs or ()))
        names.update(dict.fromkeys(self.documents))
        return list(names)

    def counts(self) -> dict[str, int]:
        return {
            "questions": len(self.qa),
            "answerable": sum(q.answerable for q in self.qa),
            "unanswerable": sum(not q.answerable for q in self.qa),
            "extraction_items": len(self.extractions),
            "extraction_docs": len(self.extraction_docs or ()),
            "documents": len(self.doc_names()),
        }


def _fail(path: Path, line: int, message: str) -> GoldFormatError:
    where = f"{path}:{line}" if line else str(path)
    return GoldFormatError(f"{where}: {message} (see evals/gold/dev/FORMAT.md)")


def _jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise _fail(path, 0, f"not UTF-8: {e}") from e
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise _fail(path, n, f"not JSON: {e.msg} at column {e.colno}") from e
        if not isinstance(row, dict):
            raise _fail(path, n, f"expected a JSON object, got {type(row).__name__}")
        rows.append((n, row))
    return rows


def _text(path: Path, n: int, row: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = row.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, n, f"{key!r} must be a non-empty string, got {value!r}")
    return value


def _read_qa(path: Path, seen: dict[str, str]) -> tuple[QAItem, ...]:
    items = []
    for n, r in _jsonl(path):
        rid = _text(path, n, r, "id")
        if rid in seen:
            raise _fail(path, n, f"duplicate id {rid!r} (first at {seen[rid]})")
        seen[rid] = f"{path.name}:{n}"
        question = _text(path, n, r, "question")
        answerable = r.get("answerable")
        if not isinstance(answerable, bool):
            raise _fail(path, n, f"{rid}: 'answerable' must be true or false, got {answerable!r}")
        needs = r.get("needs") or "any"
        if needs not in NEEDS:
            raise _fail(path, n, f"{rid}: 'needs' must be one of {list(NEEDS)}, got {needs!r}")
        keys_raw = r.get("answer_keys") or []
        if not isinstance(keys_raw, list) or not all(
            isinstance(g, list) and g and all(isinstance(s, str) and s.strip() for s in g) for g in keys_raw
        ):
            raise _fail(path, n, f"{rid}: 'answer_keys' must be a list of non-empty lists of strings")
        ev_raw = r.get("evidence") or []
        if not isinstance(ev_raw, list):
            raise _fail(path, n, f"{rid}: 'evidence' must be a list of {{doc, quote}} objects")
        evidence = []
        for i, ev in enumerate(ev_raw):
            if not isinstance(ev, dict):
                raise _fail(path, n, f"{rid}: evidence {i} must be an object with 'doc' and 'quote'")
            evidence.append(Evidence(_text(path, n, ev, "doc"), _text(path, n, ev, "quote")))
        if answerable and not evidence:
            raise _fail(path, n, f"{rid}: answerable but no evidence")
        if answerable and not keys_raw:
            raise _fail(path, n, f"{rid}: answerable but no answer_keys")
        if not answerable and (evidence or keys_raw):
            raise _fail(path, n, f"{rid}: unanswerable items have no evidence and no answer_keys")
        for key in ("lang", "kind", "answer"):
            if r.get(key) is not None and not isinstance(r[key], str):
                raise _fail(path, n, f"{rid}: {key!r} must be a string, got {r[key]!r}")
        items.append(
            QAItem(
                id=rid,
                question=question,
                answerable=answerable,
                lang=r.get("lang") or "",
                kind=r.get("kind") or "",
                answer=r.get("answer") or "",
                answer_keys=tuple(tuple(g) for g in keys_raw),
                evidence=tuple(evidence),
                needs=needs,
                line=n,
            )
        )
    return tuple(items)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _check_fields(path: Path, n: int, rid: str, kind: str, f: Mapping[str, Any]) -> None:
    if kind == "funding":
        if not _is_number(f.get("amount_eur")):
            raise _fail(path, n, f"{rid}: funding needs a numeric fields.amount_eur")
        if f.get("period") is not None and not isinstance(f["period"], str):
            raise _fail(path, n, f'{rid}: fields.period must be a string like "2022-2025" or null')
    elif kind == "deadline":
        if "due" not in f:
            raise _fail(path, n, f"{rid}: deadline needs fields.due (ISO date or null)")
        if f["due"] is not None and not (isinstance(f["due"], str) and _ISO.match(f["due"])):
            raise _fail(
                path, n, f"{rid}: fields.due must be an ISO date (YYYY-MM-DD) or null, got {f['due']!r}"
            )
    elif kind == "norm":
        if not ({"share", "within"} & f.keys()):
            raise _fail(path, n, f"{rid}: norm needs fields.share and/or fields.within")
        share = f.get("share")
        if share is not None and not (_is_number(share) and 0 <= share <= 1):
            raise _fail(path, n, f"{rid}: fields.share must be a number in 0..1 or null, got {share!r}")
        within = f.get("within")
        if within is not None and not (
            isinstance(within, dict) and _is_number(within.get("value")) and within.get("unit") in UNITS
        ):
            raise _fail(
                path, n, f'{rid}: fields.within must be {{"value": n, "unit": one of {list(UNITS)}}} or null'
            )


def _read_extractions(path: Path, seen: dict[str, str]) -> tuple[GoldExtraction, ...]:
    items = []
    for n, r in _jsonl(path):
        rid = _text(path, n, r, "id")
        if rid in seen:
            raise _fail(path, n, f"duplicate id {rid!r} (first at {seen[rid]})")
        seen[rid] = f"{path.name}:{n}"
        kind = r.get("kind")
        if kind not in KINDS:
            raise _fail(path, n, f"{rid}: 'kind' must be one of {list(KINDS)}, got {kind!r}")
        fields = r.get("fields") or {}
        if not isinstance(fields, dict):
            raise _fail(path, n, f"{rid}: 'fields' must be an object")
        _check_fields(path, n, rid, kind, fields)
        items.append(
            GoldExtraction(rid, _text(path, n, r, "doc"), kind, _text(path, n, r, "quote"), fields, n)
        )
    return tuple(items)


def _read_lines(path: Path) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()))


def _read_documents(path: Path) -> dict[str, str]:
    docs: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if not line.strip() or (n == 1 and line.split("\t")[:2] == ["doc", "sha256"]):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise _fail(path, n, "expected two tab-separated columns: doc, sha256")
        name, sha = parts[0].strip(), parts[1].strip().lower()
        if not _SHA.match(sha):
            raise _fail(path, n, f"{name}: sha256 must be 64 hex digits, got {sha!r}")
        if name in docs and docs[name] != sha:
            raise _fail(path, n, f"{name}: listed twice with different sha256")
        docs[name] = sha
    return docs


def read_gold(path: Path) -> GoldSet:
    """Read and validate a gold folder; raises ``GoldFormatError`` with file:line on any problem."""
    path = Path(path)
    if not path.is_dir():
        raise GoldFormatError(f"{path}: not a folder; --gold takes a folder holding {', '.join(GOLD_FILES)}")
    present = tuple(f for f in GOLD_FILES if (path / f).is_file())
    if not present:
        raise GoldFormatError(f"{path}: holds none of {', '.join(GOLD_FILES)}; see evals/gold/dev/FORMAT.md")
    seen: dict[str, str] = {}
    qa = _read_qa(path / "qa.jsonl", seen) if "qa.jsonl" in present else ()
    ex = _read_extractions(path / "extractions.jsonl", seen) if "extractions.jsonl" in present else ()
    ex_docs = _read_lines(path / "extraction_docs.txt") if "extraction_docs.txt" in present else None
    documents = _read_documents(path / "documents.tsv") if "documents.tsv" in present else {}
    return GoldSet(path, qa, ex, ex_docs, documents, present)


def check_quotes(gold: GoldSet, texts: Mapping[str, str]) -> list[str]:
    """Quotes not found with coverage 1 in their document's text (``texts``: gold doc name -> text).

    Documents missing from ``texts`` are skipped (the runner reports them separately). A problem
    here means the indexed text differs from what the gold set was annotated on: scoring against
    it undercounts.
    """
    from evals.match import longest_run, tokens

    problems = []
    cache: dict[str, list[str]] = {}

    def check(where: str, doc: str, quote: str) -> None:
        if doc not in texts:
            return
        dt = cache.setdefault(doc, tokens(texts[doc]))
        q = tokens(quote)
        run = longest_run(q, dt)
        if run != len(q):
            problems.append(f"{where}: quote found only {run}/{len(q)} words in {doc}: {quote[:80]!r}")

    for item in gold.qa:
        for i, ev in enumerate(item.evidence):
            check(f"qa.jsonl:{item.line} {item.id} evidence {i}", ev.doc, ev.quote)
    for x in gold.extractions:
        check(f"extractions.jsonl:{x.line} {x.id}", x.doc, x.quote)
    return problems

"""evals/runner.py: the whole eval, through the CLI, on a 4-question mini gold set over two bundled letters.

Three ways: with a stand-in (oracle) Assistant, every figure must be perfect, which checks the plumbing
and the scorer together; with the stack missing, every section must say "not measured"; and with the
real stack (fake embedder), the structure must hold and every share lie in [0, 1].
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.types import Answer, Chunk, Citation, Document, Passage
from evals.gold import read_gold
from evals.runner import append_history, history_row, run_eval

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "gold_mini"
GOLD = read_gold(MINI)
SEARCH = [ROOT / "corpus", ROOT.parent / "shared" / "corpus"]


def _letter(sha: str) -> Path:
    for folder in SEARCH:
        for p in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
            if hashlib.sha256(p.read_bytes()).hexdigest() == sha:
                return p
    pytest.skip(f"no letter with sha256 {sha[:12]} in {SEARCH}")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The two gold letters under new names: the runner must find them by their sha256."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, sha in enumerate(GOLD.documents.values()):
        shutil.copy(_letter(sha), folder / f"brief_{i}.txt")
    return folder


def _shares(d: Any, path: str = "") -> list[tuple[str, float]]:
    """Every figure that is a share (not a count, latency or throughput) in a metrics section."""
    out = []
    if isinstance(d, dict):
        for k, v in d.items():
            out += _shares(v, f"{path}.{k}")
    elif isinstance(d, float) and not any(t in path for t in ("latency", "_ms", "seconds", "per_s")):
        out.append((path, d))
    return out


# --- an oracle stand-in for assistant.service ----------------------------------------------------


class _Index:
    def __init__(self, docs: list[Document]) -> None:
        self.documents = {d.sha256: d for d in docs}
        self.embedder_name = "fake-oracle"
        self.manifest = {"embedder": {"name": "fake-oracle"}, "format": 1}


def _span_of(doc: Document, quote: str) -> Chunk:
    words = quote.split()
    start = doc.text.find(" ".join(words[:3]))
    start = max(0, start)
    end = min(len(doc.text), start + len(quote) + 40)
    return Chunk(id=f"{doc.sha256[:12]}:{start}", span=doc.span(start, end))


class OracleAssistant:
    """Answers every gold question as the gold says, with its evidence as passages and citations."""

    docs: list[Document] = []

    def __init__(self, settings: Any) -> None:
        self.index = _Index(self.docs)
        self._by_name = {
            name: d for name, sha in GOLD.documents.items() for d in self.docs if d.sha256 == sha
        }

    def retrieve(self, question: str, *, k: int | None = None, **_: Any) -> list[Passage]:
        q = next(q for q in GOLD.qa if q.question == question)
        return [Passage(_span_of(self._by_name[e.doc], e.quote), 1.0) for e in q.evidence][:k]

    def ask(self, question: str, **_: Any) -> Answer:
        q = next(q for q in GOLD.qa if q.question == question)
        if not q.answerable:
            return Answer(question, "Dat staat niet in de documenten.", True)
        cites = tuple(Citation(_span_of(self._by_name[e.doc], e.quote).span, q.answer) for e in q.evidence)
        return Answer(question, q.answer, False, cites, timings_ms={"total": 1.0})

    def extract(self, docs: list[str] | None = None, **_: Any) -> list[Any]:
        out = []
        for x in GOLD.extractions:
            d = self._by_name[x.doc]
            if docs and d.sha256 not in docs:
                continue
            row = {
                "doc": d.doc,
                "doc_sha256": d.sha256,
                "kind": x.kind,
                "quote": x.quote,
                "fields": dict(x.fields),
            }
            out.append(types.SimpleNamespace(to_dict=lambda row=row: row))
        return out


class _Report:
    def __init__(self, n: int) -> None:
        self.n = n

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [{"doc": f"d{i}", "pages": 1} for i in range(self.n)],
            "skipped": [],
            "failed": [],
            "removed": [],
            "chunks": 10,
            "seconds": 0.5,
            "timings": {"embed": 0.4},
            "tokens": 1000,
            "pages": self.n,
        }

    def summary(self) -> str:
        return f"{self.n} added"


def _install(monkeypatch: pytest.MonkeyPatch, corpus: Path, service: Any, ingest: Any) -> None:
    docs = [
        Document(p.name, hashlib.sha256(p.read_bytes()).hexdigest(), p.read_text("utf-8"))
        for p in sorted(corpus.iterdir())
    ]
    OracleAssistant.docs = docs
    monkeypatch.setitem(sys.modules, "assistant.service", service)
    monkeypatch.setitem(sys.modules, "ingest.pipeline", ingest)


def test_an_oracle_assistant_scores_perfectly_on_every_figure(tmp_path: Path, corpus: Path, monkeypatch):
    service = types.ModuleType("assistant.service")
    service.Assistant = OracleAssistant  # type: ignore[attr-defined]
    ingest = types.ModuleType("ingest.pipeline")
    ingest.ingest_paths = lambda paths, settings, progress=None: _Report(2)  # type: ignore[attr-defined]
    _install(monkeypatch, corpus, service, ingest)
    out, preds = tmp_path / "m.json", tmp_path / "p.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "--gold",
            str(MINI),
            "--corpus",
            str(corpus),
            "--out",
            str(out),
            "--predictions",
            str(preds),
            "--label",
            "oracle",
        ],
    )
    assert result.exit_code == 0, result.output
    m = json.loads(out.read_text("utf-8"))
    assert m["label"] == "oracle" and m["embedder"]["name"] == "fake-oracle"
    assert {f["by"] for f in m["documents"]["found"].values()} == {"sha256"}  # renamed copies, found by hash
    o = m["qa"]["overall"]
    assert o["n"] == 4 and m["qa"]["failures"] == [] and m["qa"]["skipped"] == []
    assert o["retrieval"]["recall@1"] == round(2 / 3, 4)  # the needs-all question is met only at rank 2
    assert o["retrieval"]["recall@5"] == o["retrieval"]["recall@10"] == 1.0
    assert o["retrieval"]["mrr@10"] == round((1 + 1 + 1 / 2) / 3, 4)
    assert o["answers"] == {
        "n_answerable": 3,
        "n_unanswerable": 1,
        "correct": 1.0,
        "declined_correctly": 1.0,
        "wrongly_declined": 0.0,
    }
    assert o["citations"]["precision"] == o["citations"]["recall"] == 1.0
    ex = m["extraction"]["overall"]
    assert (ex["n_gold"], ex["precision"], ex["recall"], ex["f1"], ex["field_accuracy"]) == (
        10,
        1.0,
        1.0,
        1.0,
        1.0,
    )
    assert m["ingest"]["throughput"]["pages_per_s"] == 4.0
    for key in ("settings", "machine", "git", "date", "gold_dir", "corpus_dirs", "counts"):
        assert key in m
    assert m["machine"]["cores"] >= 1 and m["counts"]["questions_scored"] == 4
    lines = [json.loads(x) for x in preds.read_text("utf-8").splitlines()]
    assert len(lines) == 4 + 10
    assert {x["id"] for x in lines if "question" in x} == {q.id for q in GOLD.qa}
    assert all(
        {"answer", "declined", "citations", "retrieved", "wall_ms"} <= x.keys()
        for x in lines
        if "question" in x
    )
    assert "Questions" in result.output and "Extraction" in result.output


def test_with_the_stack_missing_every_section_is_not_measured_never_zero(
    tmp_path: Path, corpus: Path, monkeypatch
):
    _install(monkeypatch, corpus, None, None)  # None in sys.modules: importing them raises ImportError
    out, hist = tmp_path / "m.json", tmp_path / "evals.md"
    run_eval(
        MINI, [corpus], _settings(tmp_path), out=out, history=hist, label="nothing yet", index_given=True
    )
    m = json.loads(out.read_text("utf-8"))
    for section in ("ingest", "qa", "extraction"):
        assert m[section]["status"] == "not measured" and m[section]["reason"], section
    row = hist.read_text("utf-8").splitlines()[-1]
    assert "nothing yet" in row and "0.000" not in row and "–" in row


def test_without_ask_the_retrieval_figures_are_still_measured(tmp_path: Path, corpus: Path, monkeypatch):
    class RetrieveOnly(OracleAssistant):
        def ask(self, question: str, **_: Any) -> Answer:
            raise NotImplementedError("answering is not written yet")

        extract = None  # type: ignore[assignment]

    service = types.ModuleType("assistant.service")
    service.Assistant = RetrieveOnly  # type: ignore[attr-defined]
    _install(monkeypatch, corpus, service, None)
    m = run_eval(MINI, [corpus], _settings(tmp_path), index_given=True)
    o = m["qa"]["overall"]
    assert o["retrieval"]["recall@10"] == 1.0
    assert o["answers"]["status"] == "not measured" and "not written yet" in o["answers"]["reason"]
    assert o["citations"]["status"] == "not measured"
    assert m["extraction"]["status"] == "not measured"


def _settings(tmp_path: Path) -> Any:
    from assistant.config import load_settings

    return load_settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")


# --- history ------------------------------------------------------------------------------------


def test_history_makes_its_table_once_and_keeps_rows_together(tmp_path: Path):
    hist = tmp_path / "evals.md"
    hist.write_text("# Evals\n\nSome text.\n", "utf-8")
    m = {
        "date": "2025-01-02T03:04:05+00:00",
        "label": "a",
        "git": {"commit": "abc", "dirty": True},
        "counts": {"questions_scored": 51, "documents_found": 5},
        "qa": {"overall": {"retrieval": {"recall@5": 0.8}, "answers": {"correct": 0.5}}},
    }
    append_history(hist, m)
    hist.write_text(hist.read_text("utf-8") + "\n## Later section\n", "utf-8")
    append_history(hist, dict(m, label="b"))
    lines = hist.read_text("utf-8").splitlines()
    head = next(i for i, x in enumerate(lines) if x.startswith("| date | label"))
    assert lines[head + 2].startswith("| 2025-01-02 03:04 | a | abc+ | 51 | 5 | 0.800 | – | 0.500")
    assert lines[head + 3].split(" | ")[1] == "b"  # the second row joins the table, before the later section
    assert lines.count(lines[head]) == 1 and "## Later section" in lines[head + 4 :]
    assert history_row(m).count("|") == lines[head].count("|")


# --- the real stack, end to end -----------------------------------------------------------------


def test_the_real_runner_end_to_end_through_the_cli(tmp_path: Path, corpus: Path, monkeypatch):
    monkeypatch.setenv("BRONWIJS_EMBEDDER", "fake")
    out, preds, hist = tmp_path / "m.json", tmp_path / "p.jsonl", tmp_path / "evals.md"
    args = [
        "eval",
        "--gold",
        str(MINI),
        "--corpus",
        str(corpus),
        "--out",
        str(out),
        "--predictions",
        str(preds),
        "--history",
        str(hist),
        "--label",
        "mini",
        "--k",
        "5",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    m = json.loads(out.read_text("utf-8"))
    assert m["settings"]["embedder"] == "fake" and m["k"] == 5
    for section in ("ingest", "qa", "extraction"):
        assert m[section]["status"] in {"measured", "not measured"}, section
        if m[section]["status"] == "not measured":
            assert m[section]["reason"]
    if m["qa"]["status"] == "measured":
        assert m["qa"]["overall"]["n"] == 4
        assert set(m["qa"]["by_lang"]) == {"nl", "en"}
        assert m["documents"]["missing"] == []
    for path, v in _shares({k: m[k] for k in ("qa", "extraction")}):
        assert 0.0 <= v <= 1.0, path
    assert len(hist.read_text("utf-8").splitlines()) >= 7
    # a second run reuses the index: nothing is ingested again
    result = CliRunner().invoke(app, args[:-6] + ["--out", str(out)])
    assert result.exit_code == 0, result.output
    m2 = json.loads(out.read_text("utf-8"))
    if m2["ingest"]["status"] == "measured":
        assert m2["ingest"]["added"] == 0

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
from evals.runner import append_history, get, history_row, run_eval
from evals.sets import GAP_FIGURES

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
        # the oracle states no confidence
        "n_confident": 0,
        "mean_confidence": None,
        "answers_right": None,
        "confidence_brier": None,
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


# --- several gold sets, blind sets, JSON lists (real stack, fake embedder) ------------------------

JSONLIST = ROOT / "tests" / "data" / "gold_jsonlist"
JSON_FILE = ROOT / "tests" / "data" / "jsonlist" / "raadsbesluiten_mini.json"
SCORING = ROOT / "tests" / "data" / "gold_scoring"


def test_several_gold_sets_are_scored_side_by_side_and_a_blind_set_shows_only_aggregates(
    tmp_path: Path, corpus: Path, monkeypatch
):
    monkeypatch.setenv("BRONWIJS_EMBEDDER", "fake")
    monkeypatch.setenv("BRONWIJS_CACHE_DIR", str(tmp_path / "cache"))
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(JSON_FILE, records / "besluiten.json")  # renamed: found by the sha of the file
    out, preds, hist = tmp_path / "m.json", tmp_path / "p.jsonl", tmp_path / "evals.md"
    args = ["eval", "--gold", str(MINI), "--gold", f"scoring={SCORING}", "--gold", f"val={JSONLIST}"]
    args += ["--blind", "val", "--corpus", str(corpus), "--corpus", str(records), "--baseline"]
    args += ["--out", str(out), "--predictions", str(preds), "--history", str(hist), "--label", "multi"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    m = json.loads(out.read_text("utf-8"))
    assert list(m["sets"]) == ["gold_mini", "scoring", "val"] and m["blind"] == ["val"]
    for key in (
        "label",
        "date",
        "git",
        "machine",
        "corpus_dirs",
        "settings",
        "embedder",
        "ingest",
        "seconds",
    ):
        assert key in m, key
    dev, val = m["sets"]["gold_mini"], m["sets"]["val"]
    # each set keeps the single-set shape
    for s in m["sets"].values():
        for key in ("gold_dir", "counts", "documents", "qa", "extraction", "baseline", "settings", "ingest"):
            assert key in s, key
        assert s["qa"]["status"] == "measured" and s["baseline"]["status"] == "measured"
    assert dev["qa"]["overall"]["n"] == 4 and m["sets"]["scoring"]["qa"]["overall"]["n"] == 4
    assert "failures" in dev["qa"] and "skipped" in dev["qa"]
    # the blind set: aggregates (overall, by kind/lang/doc) but no per-item lists anywhere
    assert val["blind"] is True and val["role"] == "val"
    assert {"overall", "by_kind", "by_lang", "by_doc"} <= val["qa"].keys()
    for section in ("qa", "extraction"):
        assert "failures" not in val[section] and "skipped" not in val[section], section
        assert "failures_n" in val[section]
    assert "gold_quote_warnings" not in val and val["gold_quote_warnings_n"] == 0
    ids = {q.id for q in read_gold(JSONLIST).qa}
    text = out.read_text("utf-8")
    assert not any(f'"{i}"' in text for i in ids)  # no item id of the blind set in the file
    assert not any(q.question[:40] in text for q in read_gold(JSONLIST).qa)
    # the JSON list: every question is in the corpus, found through its records
    found = val["documents"]["found"]["raadsbesluiten_mini.json"]
    assert found["by"] == "sha256 of the file" and found["records"] == 3 and found["doc"] == "besluiten.json"
    assert val["counts"]["questions_scored"] == 3 and val["counts"]["questions_skipped"] == 0
    # the gap: the mean of the two dev sets minus val, for every gap figure
    for key, _, path in GAP_FIGURES:
        devs = [v for s in ("gold_mini", "scoring") if (v := get(m["sets"][s], path)) is not None]
        g = m["gap"]["val"]["figures"][key]
        assert g["dev"] == (round(sum(devs) / len(devs), 4) if devs else None), key
        assert g["val"] == get(val, path), key
        if g["dev"] is not None and g["val"] is not None:
            assert g["gap"] == round(g["dev"] - g["val"], 4), key
    # predictions: the dev sets' questions with their set, nothing of val (questions or extracted items)
    lines = [json.loads(x) for x in preds.read_text("utf-8").splitlines()]
    qs = [x for x in lines if "question" in x]
    assert {(x["set"], x["id"]) for x in qs} == {("gold_mini", q.id) for q in GOLD.qa} | {
        ("scoring", q.id) for q in read_gold(SCORING).qa
    }
    assert not any(str(x.get("doc", "")).startswith("besluiten.json") for x in lines)
    # the console: one column per set, the gap, and no item of the blind set
    assert "Gold sets side by side" in result.output and "gap: dev − val" in result.output
    assert not any(i in result.output for i in ids)
    rows = [r for r in hist.read_text("utf-8").splitlines() if "| multi ·" in r]
    assert [r.split(" | ")[1] for r in rows] == [
        "multi · gold_mini",
        "multi · scoring",
        "multi · val (blind)",
    ]


@pytest.mark.parametrize("how", ["renamed", "reformatted"])
def test_a_gold_document_that_is_a_json_list_is_matched_by_its_records(tmp_path: Path, how: str):
    """A renamed copy is found by the sha of the file's bytes; a copy with other bytes (re-indented)
    under the gold name by the names of its records. Either way the questions are scored, not
    skipped, and a passage from any record counts: the three records are the whole corpus, so the
    top 10 holds every passage and recall@10 is 1 exactly when records match their gold file."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    if how == "renamed":
        shutil.copy(JSON_FILE, folder / "andere_naam.json")
    else:
        records = json.loads(JSON_FILE.read_text("utf-8"))
        (folder / JSON_FILE.name).write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    m = run_eval(JSONLIST, [folder], _settings(tmp_path), k=10, only="qa", index_given=True)
    found = m["documents"]["found"]["raadsbesluiten_mini.json"]
    assert found["by"] == {"renamed": "sha256 of the file", "reformatted": "name of the file"}[how]
    assert found["records"] == 3 and m["documents"]["missing"] == [] and m["gold_quote_warnings"] == []
    assert m["qa"]["skipped"] == [] and m["qa"]["overall"]["n"] == 3
    assert m["qa"]["overall"]["retrieval"]["recall@10"] == 1.0


def test_the_train_gold_finds_its_json_list_of_council_decisions(tmp_path: Path):
    """gold-train's raadsbesluiten_2021.json (sha of the file in documents.tsv) is found in an index
    of that one file, its quotes occur in the records' text, and its questions are in the corpus."""
    from ingest.pipeline import ingest_paths

    src = ROOT.parent / "shared" / "corpus" / "train" / "raadsbesluiten_2021.json"
    gold_dir = ROOT.parent / "shared" / "gold-train"
    if not src.exists() or not gold_dir.exists():
        pytest.skip("shared train corpus not beside this checkout")
    from assistant.store import Index
    from evals.gold import check_quotes
    from evals.runner import in_scope, resolve_documents

    settings = _settings(tmp_path)
    ingest_paths([src], settings)
    gold = read_gold(gold_dir)
    found, _, _, texts = resolve_documents(gold, Index.open(settings.index_dir))
    assert found["raadsbesluiten_2021.json"]["by"] == "sha256 of the file"
    assert found["raadsbesluiten_2021.json"]["records"] > 50
    on_it = [q for q in gold.qa if q.docs == ("raadsbesluiten_2021.json",)]
    assert on_it and all(in_scope(q, found) for q in on_it)
    assert not [w for w in check_quotes(gold, texts) if "raadsbesluiten_2021.json" in w]

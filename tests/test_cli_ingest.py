"""The ingest, docs, remove, ask and bench commands: JSON on stdout, messages on stderr, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from testpaths import CORPUS, SHARED, real_file
from typer.testing import CliRunner

from assistant.cli import app

runner = CliRunner()


def letters() -> list[Path]:
    found = sorted(CORPUS.glob("*.txt")) or sorted((SHARED / "corpus").glob("*.txt"))
    if len(found) < 2:
        pytest.skip("no bundled letters (corpus/ or ../shared/corpus)")
    return found


@pytest.fixture(autouse=True)
def _fake_embedder(monkeypatch):
    monkeypatch.setenv("BRONWIJS_EMBEDDER", "fake")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for p in letters()[:2]:
        shutil.copy(p, folder / p.name)
    shutil.copy(real_file("1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"), folder)
    return folder


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_ingest_json_then_docs_json_lists_pages_chunks_date_and_title(corpus):
    r = run("ingest", str(corpus), "--json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert len(report["added"]) == 3 and report["failed"] == []
    r = run("docs", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert {row["doc"] for row in rows} == {a["doc"] for a in report["added"]}
    for row in rows:
        assert {"doc", "doc_sha256", "pages", "chunks", "date", "title"} <= set(row)
        assert row["chunks"] > 0
    pdf = next(row for row in rows if row["doc"].endswith(".pdf"))
    assert pdf["pages"] == 2
    again = json.loads(run("ingest", str(corpus), "--json").stdout)
    assert again["added"] == [] and len(again["skipped"]) == 3


def test_docs_without_a_table_prints_one(corpus):
    run("ingest", str(corpus))
    r = run("docs")
    assert r.exit_code == 0 and "3 documents" in r.stdout


def test_a_batch_with_a_corrupt_pdf_and_an_empty_file_exits_0_and_keeps_the_index(corpus, tmp_path):
    assert run("ingest", str(corpus)).exit_code == 0
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "kapot.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nendobj\n")
    (batch / "leeg.txt").write_bytes(b"")
    good = letters()[2] if len(letters()) > 2 else real_file("kst-32545-143.xml")
    shutil.copy(good, batch / good.name)
    r = run("ingest", str(batch), "--json")
    assert r.exit_code == 0
    report = json.loads(r.stdout)
    assert [a["doc"] for a in report["added"]] == [good.name]
    assert sorted(Path(f["file"]).name for f in report["failed"]) == ["kapot.pdf", "leeg.txt"]
    assert "kapot.pdf" in r.stderr and "leeg.txt" in r.stderr
    assert len(json.loads(run("docs", "--json").stdout)) == 4


def test_nothing_ingestable_exits_1(tmp_path):
    (tmp_path / "leeg.txt").write_bytes(b"")
    r = run("ingest", str(tmp_path / "leeg.txt"))
    assert r.exit_code == 1 and "leeg.txt" in r.stderr
    empty = tmp_path / "lege-map"
    empty.mkdir()
    r = run("ingest", str(empty))
    assert r.exit_code == 1 and "no supported files" in r.stderr


def test_remove_json_names_the_removed_document(corpus):
    run("ingest", str(corpus))
    name = letters()[0].name
    r = run("remove", name, "--json")
    assert r.exit_code == 0
    removed = json.loads(r.stdout)["removed"]
    assert [x["doc"] for x in removed] == [name]
    assert name not in {row["doc"] for row in json.loads(run("docs", "--json").stdout)}


def test_docs_on_a_missing_index_is_a_user_error(tmp_path):
    from assistant.errors import IndexMissing

    with pytest.raises(IndexMissing, match="bronwijs ingest"):
        run("docs", "--index", str(tmp_path / "geen-index"))


def test_bench_writes_json_and_appends_markdown_and_never_touches_a_foreign_folder(corpus, tmp_path):
    out, md = tmp_path / "bench.json", tmp_path / "benchmarks.md"
    md.write_text("# Benchmarks\n", "utf-8")
    r = run(
        "bench",
        str(corpus),
        "--index",
        str(tmp_path / "bench-index"),
        "--out",
        str(out),
        "--markdown",
        str(md),
    )
    assert r.exit_code == 0, r.output
    f = json.loads(out.read_text())
    assert f["documents"] == 3 and f["chunks"] > 0 and f["reingest_embedded"] == 0
    assert f["reingest_new_generation"] is False and f["texts_embedded"] == f["chunks"]
    assert 0 <= f["embed_share"] <= 1 and f["machine"]["cores"] >= 1 and f["index_bytes"] > 0
    text = md.read_text()
    assert text.startswith("# Benchmarks\n") and "## Ingest benchmark" in text and "bronwijs bench" in text
    # a second run may reuse its own folder, but never a folder it did not make
    assert run("bench", str(corpus), "--index", str(tmp_path / "bench-index")).exit_code == 0
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match="not empty"):
        run("bench", str(corpus), "--index", str(corpus))
    assert len(list(corpus.iterdir())) == 3


def test_ask_refuses_an_over_long_question_in_both_languages(corpus):
    from assistant.errors import QuestionTooLong

    assert run("ingest", str(corpus)).exit_code == 0
    with pytest.raises(QuestionTooLong, match=r"te lang.*too long.*max_question_chars"):
        run("ask", "Hoeveel? " * 500)


def test_ingest_says_which_file_was_replaced_and_which_was_kept_beside_under_a_new_name(corpus, tmp_path):
    assert run("ingest", str(corpus)).exit_code == 0
    target = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[0]
    target.write_text(target.read_text("utf-8") + "\n\nEen nieuwe alinea.\n", "utf-8")
    other = tmp_path / "elders" / sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[1].name
    other.parent.mkdir()
    other.write_text("Een andere brief met dezelfde naam.\n", "utf-8")
    r = run("ingest", str(target), str(other), "--json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert [x["name"] for x in report["replaced"]] == [target.name] and len(report["removed"]) == 1
    kept = f"{other.stem} (2){other.suffix}"
    assert [(x["file"], x["name"]) for x in report["renamed"]] == [(str(other), kept)]
    assert f"vervangen / replaced {target.name}" in r.stderr and f"-> {kept}" in r.stderr
    assert "both are kept" in r.stderr

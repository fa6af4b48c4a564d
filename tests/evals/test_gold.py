"""evals/gold.py: any folder in FORMAT.md's format is read; every problem names file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import GoldFormatError
from evals.gold import check_quotes, read_gold

ROOT = Path(__file__).resolve().parents[2]
GOLD_DEV = ROOT / "evals" / "gold" / "dev"
MINI = ROOT / "tests" / "data" / "gold_mini"


def test_the_dev_gold_set_reads_with_every_item_and_document():
    g = read_gold(GOLD_DEV)
    assert len(g.qa) == 58 and len(g.extractions) == 96
    assert g.counts()["unanswerable"] == 7
    assert g.extraction_docs is not None and len(g.extraction_docs) == 7
    assert g.documents["000_2b64ece39e4393a8.txt"].startswith("190219da")
    q040 = next(q for q in g.qa if q.id == "q040")
    assert q040.needs == "all" and q040.docs == ("002_246acff3fa81e327.txt", "000_2b64ece39e4393a8.txt")
    assert q040.answer_keys[1] == ("90%", "90 procent")


def test_a_folder_with_only_questions_is_a_gold_set(tmp_path: Path):
    (tmp_path / "qa.jsonl").write_text((MINI / "qa.jsonl").read_text("utf-8"), "utf-8")
    g = read_gold(tmp_path)
    assert len(g.qa) == 4 and g.extractions == () and g.extraction_docs is None and g.documents == {}


def _one_line(tmp_path: Path, name: str, row: dict | str) -> Path:
    text = row if isinstance(row, str) else json.dumps(row)
    (tmp_path / name).write_text("\n" + text + "\n", "utf-8")  # the item stands on line 2
    return tmp_path


@pytest.mark.parametrize(
    "row, message",
    [
        ('{"id": "q1", "question": ', "not JSON"),
        ({"id": "q1", "question": "Wat?"}, "'answerable' must be true or false"),
        (
            {"id": "q1", "question": "Wat?", "answerable": True, "answer_keys": [["x"]]},
            "answerable but no evidence",
        ),
        (
            {
                "id": "q1",
                "question": "Wat?",
                "answerable": True,
                "answer_keys": ["x"],
                "evidence": [{"doc": "a.txt", "quote": "een twee drie"}],
            },
            "answer_keys",
        ),
        (
            {
                "id": "q1",
                "question": "Wat?",
                "answerable": True,
                "answer_keys": [["x"]],
                "needs": "some",
                "evidence": [{"doc": "a.txt", "quote": "een twee drie"}],
            },
            "'needs' must be one of",
        ),
        ({"id": "q1", "question": "Wat?", "answerable": False, "answer_keys": [["x"]]}, "unanswerable items"),
    ],
)
def test_a_bad_question_is_reported_with_its_file_and_line(tmp_path: Path, row, message):
    with pytest.raises(GoldFormatError) as e:
        read_gold(_one_line(tmp_path, "qa.jsonl", row))
    assert "qa.jsonl:2: " in str(e.value) and message in str(e.value)


@pytest.mark.parametrize(
    "fields, kind, message",
    [
        ({"amount_eur": "10 mln"}, "funding", "numeric fields.amount_eur"),
        ({"due": "half november 2020"}, "deadline", "ISO date"),
        ({"subject": "x"}, "norm", "share and/or fields.within"),
        ({"share": 90}, "norm", "0..1"),
        ({"within": {"value": 5, "unit": "days"}}, "norm", "fields.within"),
        ({}, "promise", "'kind' must be one of"),
    ],
)
def test_a_bad_extraction_is_reported_with_its_file_and_line(tmp_path: Path, fields, kind, message):
    row = {"id": "x1", "doc": "a.txt", "kind": kind, "quote": "een twee drie", "fields": fields}
    with pytest.raises(GoldFormatError) as e:
        read_gold(_one_line(tmp_path, "extractions.jsonl", row))
    assert "extractions.jsonl:2: " in str(e.value) and message in str(e.value)


def test_an_id_used_twice_across_files_is_an_error(tmp_path: Path):
    (tmp_path / "qa.jsonl").write_text(
        json.dumps({"id": "x1", "question": "Wat?", "answerable": False}) + "\n", "utf-8"
    )
    _one_line(
        tmp_path,
        "extractions.jsonl",
        {
            "id": "x1",
            "doc": "a.txt",
            "kind": "funding",
            "quote": "een twee drie",
            "fields": {"amount_eur": 5},
        },
    )
    with pytest.raises(
        GoldFormatError, match=r"extractions.jsonl:2: duplicate id 'x1' \(first at qa.jsonl:1\)"
    ):
        read_gold(tmp_path)


def test_documents_tsv_needs_a_full_sha256(tmp_path: Path):
    (tmp_path / "documents.tsv").write_text("doc\tsha256\na.txt\tabc123\n", "utf-8")
    with pytest.raises(GoldFormatError, match=r"documents.tsv:2: a.txt: sha256 must be 64 hex digits"):
        read_gold(tmp_path)


def test_a_folder_without_gold_files_says_which_files_it_expects(tmp_path: Path):
    with pytest.raises(GoldFormatError, match="holds none of qa.jsonl"):
        read_gold(tmp_path)
    with pytest.raises(GoldFormatError, match="not a folder"):
        read_gold(tmp_path / "nope")


def test_check_quotes_finds_a_quote_the_text_does_not_hold():
    g = read_gold(MINI)
    text = ROOT.parent / "shared" / "corpus" / "000_2b64ece39e4393a8.txt"
    if not text.exists():
        pytest.skip("shared corpus not beside this checkout")
    texts = {"000_2b64ece39e4393a8.txt": text.read_text("utf-8")}
    assert check_quotes(g, texts) == []
    cut = texts["000_2b64ece39e4393a8.txt"].replace("veiligheidstaxatie", "taxatie")
    problems = check_quotes(g, {"000_2b64ece39e4393a8.txt": cut})
    assert problems and all("000_2b64ece39e4393a8.txt" in p for p in problems)
    assert any("x003" in p for p in problems)


def test_the_projects_copy_of_the_dev_gold_set_is_the_shared_one():
    """evals/gold/dev is a copy of ../shared/gold (FORMAT.md included): a rule added there is ours too."""
    shared = ROOT.parent / "shared" / "gold"
    if not shared.is_dir():
        pytest.skip("shared gold set not beside this checkout")
    ours = ROOT / "evals" / "gold" / "dev"
    names = sorted(p.name for p in shared.iterdir() if p.is_file())
    assert names == sorted(p.name for p in ours.iterdir() if p.is_file())
    for name in names:
        assert (ours / name).read_bytes() == (shared / name).read_bytes(), name

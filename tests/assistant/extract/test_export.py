"""Export: json (a list), jsonl, csv with flattened fields, xlsx to a file."""

from __future__ import annotations

import csv
import io
import json

import pytest

from assistant.extract import extract_document
from assistant.extract.export import COLUMNS, write_items
from assistant.types import Document


def doc_of(text: str, name: str = "test.txt", date: str | None = "2020-10-15") -> Document:
    return Document(doc=name, sha256="0" * 64, text=text, date=date)


TEXT = (
    "Het kabinet stelt in 2021 € 5 miljoen beschikbaar. Voor 90% van de meldingen is binnen vijf dagen "
    "contact opgenomen. Wij informeren uw Kamer voor de zomer van 2021."
)


@pytest.fixture
def items():
    got = extract_document(doc_of(TEXT))
    assert {i.kind for i in got} == {"funding", "norm", "deadline"}
    return got


def test_json_is_a_list_of_the_contract_dicts(items, capsys):
    write_items(items, None, "json")
    data = json.loads(capsys.readouterr().out)
    assert data == [i.to_dict() for i in items]
    assert set(data[0]) == {
        "doc",
        "doc_sha256",
        "kind",
        "quote",
        "page",
        "char_start",
        "char_end",
        "fields",
        "actor",
        "grounding",
    }


def test_jsonl_has_one_item_a_line(items, tmp_path):
    out = tmp_path / "items.jsonl"
    assert write_items(items, out, None) == "jsonl"
    assert [json.loads(x) for x in out.read_text("utf-8").splitlines()] == [i.to_dict() for i in items]


def test_csv_flattens_the_fields(items, capsys):
    write_items(items, None, "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == COLUMNS
    by_kind = {r["kind"]: r for r in rows}
    assert by_kind["norm"]["within_value"] == "5" and by_kind["norm"]["within_unit"] == "day"
    assert by_kind["funding"]["amount_eur"] == "5000000" and by_kind["deadline"]["due"] == "2021-06-30"


def test_xlsx_needs_a_file_and_holds_a_row_per_item(items, tmp_path):
    with pytest.raises(ValueError, match="output file"):
        write_items(items, None, "xlsx")
    out = tmp_path / "items.xlsx"
    write_items(items, out, None)
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS and len(rows) == len(items) + 1


def test_an_unknown_format_names_the_valid_ones(items):
    with pytest.raises(ValueError, match="json, jsonl, csv, xlsx"):
        write_items(items, None, "pdf")

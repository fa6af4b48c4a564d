"""Write commitments as json (a list), jsonl, csv (fields flattened) or xlsx (openpyxl)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.extract.models import Commitment

FORMATS = ("json", "jsonl", "csv", "xlsx")
COLUMNS = [
    "doc",
    "doc_sha256",
    "kind",
    "quote",
    "page",
    "char_start",
    "char_end",
    "actor",
    "grounding",
    "subject",
    "share",
    "within_value",
    "within_unit",
    "population",
    "action",
    "due",
    "due_text",
    "amount_eur",
    "period",
    "purpose",
    "recurrence",
]


def flatten(item: Commitment) -> dict[str, Any]:
    """One row: the contract keys plus every field of every kind (empty where not applicable)."""
    d = item.to_dict()
    fields = d.pop("fields")
    within = fields.pop("within", None)
    if item.kind == "norm":
        fields["within_value"] = within["value"] if within else None
        fields["within_unit"] = within["unit"] if within else None
    if item.kind == "deadline":
        fields.pop("actor", None)  # the same value as the item's actor column
    row = {k: None for k in COLUMNS}
    row.update(d)
    row.update(fields)
    return row


def _format_of(output: Path | None, fmt: str | None) -> str:
    if fmt:
        f = fmt.lower().lstrip(".")
    elif output is not None and output.suffix:
        f = output.suffix.lower().lstrip(".")
    else:
        f = "json"
    if f not in FORMATS:
        raise ValueError(f"unknown export format {f!r}; use one of {', '.join(FORMATS)}")
    return f


def render(items: Iterable[Commitment], fmt: str) -> str:
    """The text of a json, jsonl or csv export."""
    items = list(items)
    if fmt == "json":
        return json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(i.to_dict(), ensure_ascii=False) + "\n" for i in items)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for i in items:
            w.writerow({k: "" if v is None else v for k, v in flatten(i).items()})
        return buf.getvalue()
    raise ValueError(f"{fmt} has no text form; use json, jsonl or csv")


def write_items(items: Iterable[Commitment], output: Path | None, fmt: str | None) -> str:
    """Write ``items`` to ``output`` (stdout when None) as ``fmt`` (else the output's suffix, else
    json). xlsx needs a file. Returns the format used."""
    f = _format_of(output, fmt)
    items = list(items)
    if f == "xlsx":
        if output is None:
            raise ValueError("xlsx export needs an output file (use --output items.xlsx)")
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "commitments"
        ws.append(COLUMNS)
        for i in items:
            row = flatten(i)
            ws.append([row[k] for k in COLUMNS])
        ws.freeze_panes = "A2"
        wb.save(output)
        return f
    text = render(items, f)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return f

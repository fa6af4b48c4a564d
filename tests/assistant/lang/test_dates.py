"""Dates (``assistant.lang.dates``): FORMAT.md's conventions for what a wording is due at."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.lang.dates import due_date, find_dues

REF = date(2025, 3, 11)


@pytest.mark.parametrize(
    "wording, due",
    [
        ("op maandag 22 september 2025", "2025-09-22"),
        ("in het eerste half jaar van 2023", "2023-06-30"),
        ("voor het zomerreces", "2025-06-30"),
        ("bij de Voorjaarsnota 2025", "2025-12-31"),
        ("bij de voorjaarsnota", "2025-12-31"),
        ("in de periode 2024 t/m 2026", "2026-12-31"),
        ("vanaf januari 2026", "2026-01-01"),  # takes effect when the month begins, as "vanaf 2026"
        ("met ingang van juli 2025", "2025-07-01"),
        ("per eind juli 2025", "2025-07-31"),  # an edge of the month is kept
        ("in juli 2025", "2025-07-31"),
    ],
)
def test_due_dates(wording, due):
    assert due_date(wording, REF).isoformat() == due


def test_a_kadernota_is_a_date_expression_without_a_due_date():
    (d,) = find_dues("te verwerken in de kadernota 2026", ref=REF)
    assert d.grain == "nota" and d.due is None and d.text.endswith("kadernota 2026")

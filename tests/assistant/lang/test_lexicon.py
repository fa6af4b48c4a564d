"""The shared lexicon: one table of months, number words and scales for every reader."""

from __future__ import annotations

import pytest

from assistant.lang import lexicon as lx
from ingest import load


def test_month_number_reads_names_and_abbreviations():
    assert [lx.month_number(w) for w in ("januari", "Mrt", "sept.", "dec")] == [1, 3, 9, 12]
    with pytest.raises(KeyError):
        lx.month_number("maandag")


def test_the_loader_reads_its_months_from_the_lexicon():
    for word, n in {**lx.MONTHS, **lx.MONTH_ABBR}.items():
        assert load._MONTHS[word] == n


def test_scales_and_time_units_are_complete():
    assert lx.SCALES["mln"] == lx.SCALES["miljoen"] == 1_000_000
    assert {lx.TIME_UNITS[w] for w in ("werkdagen", "weken", "maand", "jaren")} == {
        "day",
        "week",
        "month",
        "year",
    }

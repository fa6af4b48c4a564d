"""Normalisation tables: Dutch wordings written from FORMAT.md's rules and conventions."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.extract.normalize import (
    amount_eur,
    due_date,
    find_amounts,
    find_dues,
    parse_number,
    period_of,
    recurrence_of,
    share_value,
    within,
)

REF = date(2020, 10, 15)  # a letter of 15 October 2020


@pytest.mark.parametrize(
    "wording, value",
    [
        ("€ 420 miljoen", 420_000_000),
        ("€ 10 mln", 10_000_000),
        ("€ 10 mln.", 10_000_000),
        ("€1,5 miljard", 1_500_000_000),
        ("EUR 2.500", 2_500),
        ("tien miljoen euro", 10_000_000),
        ("€23.132", 23_132),
        ("€ 2.051.168,00", 2_051_168),
        ("€ 45.000,- per jaar", 45_000),
        ("€ 0", 0),
        ("€ 7,3 mln.", 7_300_000),
        ("3 miljard euro", 3_000_000_000),
        ("vijfentwintig miljoen euro", 25_000_000),
        ("€ 1,2 mld", 1_200_000_000),
        # a range is one amount at its upper bound; a change is one amount at its new value
        ("2,2 tot 7,8 miljoen euro", 7_800_000),
        ("500.000 tot 1 miljoen euro", 1_000_000),
        ("€ 47.500 → € 72.500", 72_500),
    ],
)
def test_an_amount_in_any_dutch_form_is_a_number_of_euros(wording, value):
    assert amount_eur(wording) == value


def test_amounts_are_found_with_offsets_that_slice_the_text():
    text = "uitgetrokken: € 420 miljoen in 2019, € 300 miljoen in 2020 en € 300 miljoen in 2021."
    found = find_amounts(text)
    assert [a.value for a in found] == [420e6, 300e6, 300e6]
    assert all(text[a.start : a.end] == a.text for a in found)


def test_a_table_in_thousands_multiplies_bare_figures():
    assert find_amounts("€ 250", multiplier=1000.0)[0].value == 250_000
    assert find_amounts("€ 3 miljoen", multiplier=1000.0)[0].value == 3_000_000


@pytest.mark.parametrize(
    "word, n",
    [
        ("een", 1),
        ("één", 1),
        ("vier", 4),
        ("twaalf", 12),
        ("twintig", 20),
        ("dertig", 30),
        ("vijfentwintig", 25),
        ("honderd", 100),
        ("tweehonderd", 200),
        ("duizend", 1000),
        ("anderhalf", 1.5),
        ("1,5", 1.5),
        ("23.132", 23132),
        ("56", 56),
    ],
)
def test_dutch_number_words_and_digits(word, n):
    assert parse_number(word) == n


@pytest.mark.parametrize(
    "wording, due",
    [
        ("uiterlijk half november 2020", "2020-11-15"),
        ("november 2020", "2020-11-30"),
        ("eind november 2020", "2020-11-30"),
        ("eind 2020", "2020-12-31"),
        ("in 2020", "2020-12-31"),
        ("uiterlijk 2020", "2020-12-31"),
        ("voor 2022", "2021-12-31"),
        ("vóór 2022", "2021-12-31"),
        ("per 1-1-2021", "2021-01-01"),
        ("per 1 januari 2023", "2023-01-01"),
        ("1 januari 2023", "2023-01-01"),
        ("met ingang van 1 juli 2021", "2021-07-01"),
        ("voor de zomer van 2021", "2021-06-30"),
        ("voor de zomer", "2020-06-30"),
        ("eerste helft van 2021", "2021-06-30"),
        ("in de tweede helft van 2021", "2021-12-31"),
        ("begin 2021", "2021-03-31"),
        ("eerste kwartaal 2021", "2021-03-31"),
        ("in het vierde kwartaal van 2020", "2020-12-31"),
        ("in het voorjaar van 2021", "2021-05-31"),
        ("najaar 2021", "2021-11-30"),
        ("dit jaar", "2020-12-31"),
        ("eind van dit jaar", "2020-12-31"),
        ("nog dit jaar", "2020-12-31"),
        ("dit najaar", "2020-11-30"),
        ("volgend voorjaar", "2021-05-31"),
        ("eind volgend jaar", "2021-12-31"),
        ("in november", "2020-11-30"),
        ("tot 1-1-2022", "2022-01-01"),  # an explicit day is kept as written
        ("per 1-7-2020 tot 1-1-2022", "2020-07-01"),  # per X tot Y: when it takes effect
        ("eind 2020/begin 2021", "2021-03-31"),  # a range takes its later end
        ("in de periode 2020–2022", "2022-12-31"),
        ("bij de decembercirculaire", "2020-12-31"),
        ("binnen vier maanden", None),  # relative to an unstated start
        ("na vier maanden", None),
    ],
)
def test_due_is_the_last_day_by_which_it_must_happen(wording, due):
    assert due_date(wording, REF) == (date.fromisoformat(due) if due else None)


def test_a_date_broken_over_lines_is_still_one_date():
    (d,) = find_dues("om eind \n 2020 te komen tot", ref=REF)
    assert d.iso == "2020-12-31" and d.text == "eind \n 2020"


def test_a_reference_date_marked_jl_is_not_read_as_a_day():
    assert [d.iso for d in find_dues("Per brief van 29 juni jl. heeft", ref=REF)] == []


@pytest.mark.parametrize(
    "wording, period",
    [
        ("in 2020", "2020"),
        ("voor de jaren 2022 – 2025", "2022-2025"),
        ("2022-2025", "2022-2025"),
        ("vanaf 2021", "2021"),
        ("over 2023", "2023"),
        ("in de periode 2021 t/m 2024", "2021-2024"),
        ("per jaar", None),
    ],
)
def test_periods(wording, period):
    assert period_of(wording) == period


@pytest.mark.parametrize(
    "wording, recurrence",
    [
        ("€ 10 mln per jaar", "per year"),
        ("jaarlijks € 5 miljoen", "per year"),
        ("op jaarbasis", "per year"),
        ("structureel € 26 mln", "structural"),
        ("een structurele stijging", "structural"),
        ("eenmalig € 2 miljoen", "once"),
        ("€ 2 miljoen", None),
    ],
)
def test_recurrence(wording, recurrence):
    assert recurrence_of(wording) == recurrence


@pytest.mark.parametrize(
    "wording, share",
    [
        ("90%", 0.9),
        ("90 procent", 0.9),
        ("voor 75% van de aanvragen", 0.75),
        ("Voor alle kinderen", 1.0),
        ("de helft van de gemeenten", 0.5),
        ("twee derde", 0.667),
        ("ten minste 12,5%", 0.125),
        ("geen getal", None),
    ],
)
def test_shares(wording, share):
    got = share_value(wording)
    assert (got is None and share is None) or abs(got - share) < 0.001


@pytest.mark.parametrize(
    "wording, limit",
    [
        ("binnen zes weken", {"value": 6, "unit": "week"}),
        ("binnen 5 dagen", {"value": 5, "unit": "day"}),
        ("een termijn van vier maanden", {"value": 4, "unit": "month"}),
        ("uiterlijk na 8 weken", {"value": 8, "unit": "week"}),
        ("binnen een termijn van uiterlijk 2 weken", {"value": 2, "unit": "week"}),
        ("de beslistermijn van acht weken", {"value": 8, "unit": "week"}),
        ("na de overgangstermijn van een jaar", {"value": 1, "unit": "year"}),
        ("ieder half jaar", {"value": 6, "unit": "month"}),
        ("binnen twee kwartalen", {"value": 6, "unit": "month"}),
        ("binnen 10 werkdagen", {"value": 10, "unit": "day"}),
        ("binnen het team", None),
    ],
)
def test_time_limits(wording, limit):
    assert within(wording) == limit

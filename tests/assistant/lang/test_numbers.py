"""Numbers and amounts (``assistant.lang.numbers``): offsets into the whole text, changes, rows."""

from __future__ import annotations

from assistant.lang.numbers import find_amounts, find_row_figures, parse_number


def test_amounts_report_absolute_offsets_in_a_slice():
    text = "Inleiding. Het college stelt € 1,5 miljoen beschikbaar."
    (a,) = find_amounts(text, 11, len(text))
    assert text[a.start : a.end] == "€ 1,5 miljoen" and a.value == 1_500_000


def test_a_change_from_x_to_y_is_one_amount_at_its_new_value():
    for text in ("het budget gaat van € 47.500 naar € 72.500", "van 1,2 miljoen euro naar 1,5 miljoen euro"):
        (a,) = find_amounts(text)
        assert a.value in {72_500, 1_500_000} and "naar" in a.text
    # "naar" without a "van" before the first amount is not a change
    assert len(find_amounts("€ 5.000 gaat naar € 6.000 elders")) == 2


def test_row_figures_are_amount_shaped_figures_ending_a_labelled_line():
    text = "Omschrijving Bedrag\nTaakveld 6.1 Sport 25.000\nArtikel 12\nTaakveld 7 Milieu 1.250,50\n"
    assert [(r.text, r.value) for r in find_row_figures(text)] == [("25.000", 25_000), ("1.250,50", 1250.5)]


def test_parse_number_reads_words_and_dutch_figures():
    assert parse_number("vijfentwintig") == 25 and parse_number("2.051.168,00") == 2_051_168


def test_money_cells_with_and_without_euro_signs_and_their_signs():
    from assistant.lang.numbers import find_money_cells

    text = "Groenbeheer € 10.000 € 12.000 −2.500,50 € 0 12,50 in 2024, artikel 7"
    got = [(a.text, a.value) for a in find_money_cells(text)]
    assert got == [("€ 10.000", 10_000), ("€ 12.000", 12_000), ("−2.500,50", -2_500.5), ("€ 0", 0), ("12,50", 12.5)]
    assert all(text[a.start : a.end] == a.text for a in find_money_cells(text))

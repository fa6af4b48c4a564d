"""Word-token matching as FORMAT.md defines it, and Dutch sentence boundaries with exact offsets."""

from __future__ import annotations

import pytest

from assistant.text import coverage, sentence_spans, tokens


def test_tokens_rejoin_a_word_hyphenated_across_a_line_break_and_casefold():
    assert tokens("De jeugdbe-\nscherming en Jeugd-\nGGZ") == ["de", "jeugdbescherming", "en", "jeugd", "ggz"]


def test_coverage_is_the_longest_contiguous_run_of_quote_words():
    assert coverage("voor 90% binnen zes weken", "dat voor 90% binnen zes weken een plan") == 1.0
    assert coverage("voor 90% binnen zes weken", "voor 90% van de kinderen binnen zes weken") == pytest.approx(3 / 5)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dit doen gemeenten met de GI’s. Daarna volgt de VNG.", ["Dit doen gemeenten met de GI’s.", "Daarna volgt de VNG."]),
        ("Zie o.a. de brief van 20 maart jl. over dit onderwerp. Klaar.", ["Zie o.a. de brief van 20 maart jl. over dit onderwerp.", "Klaar."]),
        ("Het gaat om 1.000 kinderen. Dat is veel.", ["Het gaat om 1.000 kinderen.", "Dat is veel."]),
        ("Er zijn drie afspraken:\n1. Gemeenten hebben zicht;\n2. De GI's maken een plan.", ["Er zijn drie afspraken:", "1. Gemeenten hebben zicht;", "2. De GI's maken een plan."]),
        ("Volgens J. de Vries klopt dit. Ja.", ["Volgens J. de Vries klopt dit.", "Ja."]),
    ],
)
def test_dutch_sentences_end_at_full_stops_but_not_at_abbreviations_numbers_or_enumerators(text, expected):
    spans = list(sentence_spans(text))
    assert [text[a:b] for a, b in spans] == expected

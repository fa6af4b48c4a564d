"""assistant/lang/facts.py: asked and stated kinds of fact, dates named in a text."""

from __future__ import annotations

import pytest

from assistant.lang.facts import NamedDate, asked_kinds, fact_starts, list_size, named_dates, stated_kinds


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel geld krijgen de gecertificeerde instellingen extra?", "amount"),
        ("How much money did the municipality set aside for the youth centre?", "amount"),
        ("How much ground rent will the theatre pay from 2030?", "amount"),  # a money noun after a word
        ("How much tourist tax did the town collect?", "amount"),
        ("Voor welke prijs verkoopt de gemeente het pand?", "amount"),
        ("Hoe hoog zijn de subsidieplafonds voor 2025?", "amount"),  # not a count: "2025" is no answer
        ("Welke bijdrage krijgt de vereniging?", "amount"),
        ("Wanneer moet het rapport klaar zijn?", "date"),
        ("Binnen hoeveel dagen moet een plan er zijn?", "duration"),
        ("Above what amount of stored waste does a company need a permit?", "count"),
        # a period something runs over is named by its dates; a period after which something happens is a span
        ("How much does the province give, and over what period?", "date"),
        ("Na welke periode kijken de inspecties naar de resultaten?", "duration"),
        ("Wie ondertekende de brief?", "who"),
        ("Which minister answered the questions?", "who"),
        ("Waarom is de subsidie verlaagd?", "reason"),
        ("Welke drie maatregelen noemt de brief?", "list"),
    ],
)
def test_a_question_asks_for_a_kind_of_fact(question, kind):
    assert kind in asked_kinds(question)


def test_list_size():
    assert list_size("Welke drie maatregelen noemt de brief?") == 3
    assert list_size("Welke maatregelen noemt de brief?") == 0


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Een subsidie van € 76.250 in 2024.", "amount"),
        ("Het kost 1,5 miljoen euro.", "amount"),
        ("Voor 90% van de kinderen.", "percent"),
        ("Binnen vijf dagen is er een plan.", "duration"),
        ("Het rapport verschijnt op 19 januari.", "date"),
        ("Er zijn 42 meldingen gedaan.", "count"),
        ("Aanwezig: burgemeester L. de Lange en wethouder R. Zoutendijk.", "who"),
        ("Dit komt doordat de kosten stegen.", "reason"),
    ],
)
def test_a_text_states_a_kind_of_fact(text, kind):
    assert kind in stated_kinds(text)


def test_a_year_or_an_amount_is_not_a_count():
    assert "count" not in stated_kinds("In 2024 kost het € 5.000.")


def test_named_dates_at_the_precision_written():
    got = named_dates("Wat besloot het college op 9 juli 2024, en wat in de besluitenlijst van december 2023?")
    assert got == (NamedDate(2024, 7, 9), NamedDate(2023, 12))
    assert named_dates("Op 9-7-2024 besloot het college") == (NamedDate(2024, 7, 9),)
    assert named_dates("Wat gebeurde er in 2021?") == (NamedDate(2021),)
    assert named_dates("Op 31 februari 2024") == ()  # not a date


def test_a_named_date_matches_a_document_date():
    assert NamedDate(2024, 7, 9).matches("2024-07-09") == 3
    assert NamedDate(2024, 7, 9).matches("2024-07-16") == -1
    assert NamedDate(2023, 12).matches("2023-12-12") == 2
    assert NamedDate(2023).matches("2023-05-01") == 1
    assert NamedDate(2023).matches(None) == 0


def test_an_amount_of_something_else_than_money_is_not_a_sum_of_money():
    assert "amount" not in asked_kinds("Above what amount of stored waste does a company need a permit?")
    assert "amount" in asked_kinds("What amount of funding does the province give?")
    assert "amount" in asked_kinds("Which amount did the council set aside?")


def test_where_a_text_states_a_kind_of_fact():
    text = "Op 3 juni 2024 is € 5.000 toegekend; 12 aanvragen wachten nog."
    assert [text[i:i + 7] for i in fact_starts(text, ("amount",))] == ["€ 5.000"]
    assert text[fact_starts(text, ("date",))[0]:].startswith("3 juni")
    assert "12 aanvr" in [text[i:i + 8] for i in fact_starts(text, ("count",))]
    assert fact_starts(text, ("percent",)) == [] and fact_starts(text, ()) == []


def test_the_year_an_amount_is_written_for_and_the_years_a_question_names():
    from assistant.lang.facts import amount_years, years_named

    assert amount_years("Een bijdrage van € 3.575 in 2024 en € 7.500 in 2025 aan de bibliotheek.") == [2024, 2025]
    assert amount_years("2024: € 3.575; 2025: € 7.500") == [2024, 2025]
    assert amount_years("Een krediet van € 2.201.250 voor het asfalt.") == [None]
    assert years_named("Hoeveel kregen de GI's per jaar voor 2022-2025?") == frozenset({2022, 2023, 2024, 2025})
    assert years_named("Hoeveel kost het?") == frozenset()


def test_the_article_een_is_no_count_but_the_numeral_is():
    from assistant.lang.facts import counted

    assert "count" not in stated_kinds("Via een tijdelijke regeling wordt een bedrag vergoed.")
    assert "count" in stated_kinds("Er wacht nog één kind op een jeugdbeschermer.")
    assert "duration" in stated_kinds("Binnen een jaar is het plan klaar.")  # a span still reads "een"
    assert counted("onderzoek", "We gaan in op een onderzoek van Jeugdzorg Nederland.") == 0.0
    assert counted("kind", "Er wacht nog één kind.") == 1.0


def test_a_date_is_what_the_date_grammar_reads_relative_and_vague_dates_included():
    # the grammar extraction uses (lang.dates.find_dues) tells answering that a text states a date
    for text in ("Eind dit jaar is het plan klaar.", "Het besluit volgt in januari.", "Na het zomerreces.",
                 "Begin volgend jaar starten we.", "In Q3 2024 is het klaar."):
        assert "date" in stated_kinds(text), text
    assert stated_kinds("Per 1-7-2020 tot 1-1-2022 wordt het vergoed.") == frozenset({"date"})  # no count
    assert "date" not in stated_kinds("Er wachten twaalf kinderen.")

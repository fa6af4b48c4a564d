"""Funding (``assistant.extract.funding``): amounts, their period from the clause or the context,
tables without euro signs, changes and restatements, and what is no funding."""

from __future__ import annotations

from shared_docs import shared_docs

from assistant.extract import extract_document
from assistant.types import Document

DECISIONS = "Besluitenlijst B&W\n\nDatum 5 maart 2024\n\n"


def _funding(text: str, when: str | None = "2024-03-05") -> list:
    doc = Document(doc="t.txt", sha256="0" * 64, text=text, date=when)
    return [i for i in extract_document(doc) if i.kind == "funding"]


def test_a_table_without_euro_signs_gives_one_item_per_row():
    text = DECISIONS + (
        "10.2 Begrotingswijziging jeugdhulp\n\nBesluit:\n"
        "1. De begrotingswijziging vast te stellen met de volgende overhevelingen:\n"
        "Omschrijving Bedrag\nTaakveld 6.1 Samenkracht 25.000\nTaakveld 7.1 Volksgezondheid 12.500\n"
        "Totaal 37.500\n2. De raad te informeren.\n"
    )
    items = _funding(text)
    assert [(i.quote, i.fields.amount_eur) for i in items] == [
        ("Taakveld 6.1 Samenkracht 25.000", 25_000),
        ("Taakveld 7.1 Volksgezondheid 12.500", 12_500),
    ]
    # figures in a table that is not about money are no amounts
    counts = "Aantal per wijk:\nWijk Noord 1.250\nWijk Zuid 2.300\n"
    assert _funding(counts) == []


def test_a_table_in_thousands_takes_whole_numbers_and_the_year_of_the_text_above_it():
    text = (
        "Raadsvoorstel tweede begrotingswijziging\n\nDe raad besluit de begroting 2024 als volgt te wijzigen.\n\n"
        "Overzicht budgetoverhevelingen (bedragen x € 1.000)\nJeugdhulp 250\nWmo-voorzieningen 120\n"
        "Onderhoud wegen -80\nTotaal 290\n"
    )
    got = [(i.quote, i.fields.amount_eur, i.fields.period) for i in _funding(text, when=None)]
    assert got == [
        ("Jeugdhulp 250", 250_000, "2024"),
        ("Wmo-voorzieningen 120", 120_000, "2024"),
        ("Onderhoud wegen -80", -80_000, "2024"),
    ]
    # without a stated unit, whole numbers in a table are not amounts; a year ending a row is no figure
    assert _funding(text.replace(" (bedragen x € 1.000)", ""), when=None) == []
    assert [i.quote for i in _funding(text.replace("Jeugdhulp 250", "Jeugdhulp 2025"), when=None)] == [
        "Wmo-voorzieningen 120", "Onderhoud wegen -80"
    ]
    # the caption right above a table wins over a year further up
    caption = "Het resultaat over 2022 was positief.\n\nBerekening rentelasten 2023 (bedragen x € 1.000)\nRentelasten 8.264\n"
    assert [i.fields.period for i in _funding(caption, when=None)] == ["2023"]


def test_a_table_with_a_year_per_column_gives_each_cell_its_columns_year():
    for cell in ("€ {}", "{}"):  # with and without euro signs
        rows = "\n".join(
            f"{name} {cell.format(a)} {cell.format(b)}"
            for name, a, b in (("Onderhoud sportvelden", "15.000", "25.000"), ("Groenbeheer", "10.000", "12.000"))
        )
        text = DECISIONS + (
            "5.a Budgetoverheveling\n\nBesluit:\n"
            f"1. De raad voor te stellen de volgende budgetten over te hevelen:\nOnderdeel 2024 2025\n{rows}\n"
        )
        got = [(i.fields.amount_eur, i.fields.period) for i in _funding(text)]
        assert got == [(15_000, "2024"), (25_000, "2025"), (10_000, "2024"), (12_000, "2025")], cell
    # a header with another number of years than the row has cells says nothing about the columns
    from assistant.extract.context import column_year

    text = "Onderdeel 2024 2025 2026\nGroenbeheer € 10.000 € 12.000\n"
    assert column_year(text, text.index("12.000")) is None
    two = "Onderdeel 2024 2025\nGroenbeheer € 10.000 € 12.000"
    assert [column_year(two, two.index(v)) for v in ("10.000", "12.000")] == ["2024", "2025"]
    assert column_year("Groenbeheer € 10.000\n", 14) is None  # one cell: no columns


def test_a_raise_from_x_to_y_is_one_item_at_the_new_amount():
    (it,) = _funding("Het subsidiebudget wordt verhoogd van € 100.000 naar € 150.000.")
    assert it.fields.amount_eur == 150_000 and "€ 100.000" in it.quote
    # each amount with its own year: one change, at the new amount and its year
    (it,) = _funding("De jaarlijkse bijdrage stijgt van € 2 miljoen in 2024 naar € 4 miljoen in 2026.")
    assert (it.fields.amount_eur, it.fields.period, it.fields.recurrence) == (4_000_000, "2026", "per year")
    # two amounts that are not a change stay two
    assert len(_funding("In 2024 gaat € 2 miljoen naar gemeenten en € 4 miljoen naar provincies.")) == 2


def test_a_restated_commitment_is_found_at_each_occurrence():
    text = (
        "Het college stelt € 50.000 beschikbaar voor de pilot. Daarna volgt een evaluatie. "
        "De eerder genoemde € 50.000 wordt ingezet voor de inhuur van een projectleider."
    )
    assert [i.fields.amount_eur for i in _funding(text)] == [50_000, 50_000]


def test_a_period_from_the_heading_of_the_agenda_item():
    text = DECISIONS + (
        "10.1 Ophoging subsidiebudget 2025\n\nBesluit:\n"
        "1. Het budget voor subsidies te verhogen met € 250.000.\n"
    )
    (it,) = _funding(text)
    assert it.fields.period == "2025"


def test_a_period_from_the_budget_document_the_decision_amends_then_the_meeting():
    text = DECISIONS + (
        "5.b.1 Programmakosten jeugdhulp Besluit:\n"
        "1. In te stemmen met de programmakosten van € 63.000.\n"
        "2. Dit bij de Voorjaarsnota 2025 op te nemen in de begroting.\n"
        "5.b.2 Herstel speeltoestellen Besluit:\n"
        "1. De kosten van € 8.000 te dekken uit het onderhoudsbudget.\n"
        "2. Een investeringskrediet van € 400.000 beschikbaar te stellen voor de renovatie.\n"
    )
    assert [(i.fields.amount_eur, i.fields.period) for i in _funding(text)] == [
        (63_000, "2025"),  # the Voorjaarsnota the item amends
        (8_000, "2024"),  # only the meeting's date
        (400_000, None),  # an investment credit is spent over several years
    ]


def test_recurrence_from_the_wording():
    text = "Het college stelt structureel € 20.000 per jaar beschikbaar en eenmalig € 5.000."
    assert [i.fields.recurrence for i in _funding(text, when=None)] == ["structural", "once"]


def test_balances_and_thresholds_are_not_funding():
    assert _funding("Het saldo van de algemene reserve bedraagt per 31 december 2023 € 1.200.000.") == []
    assert _funding("Klanten met een tegoed vanaf € 100.000 betalen negatieve rente.") == []


def test_on_real_decision_lists_every_one_off_amount_has_a_period_unless_it_is_invested():
    docs = shared_docs("train", "besluitenlijst_*.pdf") + shared_docs("real", "besluitenlijst_*.pdf")
    items = [i for d in docs for i in extract_document(d, kinds=["funding"])]
    assert len(items) >= 20
    for it in items:
        f = it.fields
        if f.recurrence == "once" and f.period is None:
            assert (
                "krediet" in it.quote.lower() or "investering" in it.quote.lower() or "toegekende" in it.quote
            )

"""The document context the kinds' rules share (``assistant.extract.context``): its date, whether
it records decisions, and its sections."""

from __future__ import annotations

from shared_docs import shared_docs

from assistant.extract.context import DocContext
from assistant.types import Document


def test_the_agenda_items_of_a_decision_list_are_its_sections():
    text = (
        "Besluitenlijst\n\n1 Opening\n\n5.a Bestuur 5.a.1 Vaststellen nota grondbeleid 2025 Besluit:\n"
        "1. De nota vast te stellen.\n\n10.1 Ophoging subsidiebudget 2024\n\nBesluit:\n1. Akkoord.\n"
    )
    ctx = DocContext.of(Document(doc="b.pdf", sha256="0" * 64, text=text, date="2024-02-06"))
    assert ctx.decisions and ctx.ref_exact and ctx.ref.year == 2024
    titles = [t for _, t in ctx.sections]
    assert (
        "5.a.1 Vaststellen nota grondbeleid 2025" in titles and "10.1 Ophoging subsidiebudget 2024" in titles
    )
    assert ctx.section(text.index("Akkoord"))[2] == "10.1 Ophoging subsidiebudget 2024"


def test_plainly_numbered_agenda_items_are_sections_too():
    text = (
        "Besluitenlijst B&W 14 mei 2024\n\n1. Subsidieregeling sport 2025\nBesluit: 1. De regeling vast te stellen.\n"
        "2. Het besluit te publiceren.\n\n3. Parkeerregulering Besluit:\n1. Een bedrag van € 12.500 beschikbaar te "
        "stellen.\n\nAgendapunt 4 Begroting 2024\n\nBesluit:\n1. Akkoord.\n"
    )
    ctx = DocContext.of(Document(doc="b.pdf", sha256="0" * 64, text=text, date="2024-05-14"))
    assert ctx.decisions
    assert [t for _, t in ctx.sections] == [
        "1. Subsidieregeling sport 2025", "3. Parkeerregulering", "Agendapunt 4 Begroting 2024"
    ]
    # a decision numbered inside an item is not an item: "2. Het besluit te publiceren." is under item 1
    assert ctx.section(text.index("publiceren"))[2] == "1. Subsidieregeling sport 2025"
    assert ctx.section(text.index("Akkoord"))[2] == "Agendapunt 4 Begroting 2024"


def test_written_questions_are_sectioned_by_their_labels():
    text = "Vraag 1\n\nBent u bekend met het bericht?\n\nAntwoord 1\n\nJa.\n"
    ctx = DocContext.of(Document(doc="k.pdf", sha256="0" * 64, text=text))
    assert not ctx.decisions
    assert ctx.section(text.index("Bent"))[2] == "Vraag 1"
    assert ctx.section(text.index("Ja."))[2] == "Antwoord 1"


def test_a_label_for_several_questions_glued_to_its_text_still_starts_a_section():
    text = "Vraag 3\n\nKunt u dat toelichten?\n\nAntwoord 3, 4 en 5 Het kabinet zal dit in juni 2025 doen.\n"
    ctx = DocContext.of(Document(doc="k.pdf", sha256="0" * 64, text=text))
    assert ctx.section(text.index("Het kabinet"))[2] == "Antwoord 3, 4 en 5"


def test_real_decision_lists_are_recognised_and_letters_are_not():
    for d in shared_docs("train", "besluitenlijst_*.pdf"):
        assert DocContext.of(d).decisions, d.doc
    for d in shared_docs("train", "*-*-*-*-*.pdf"):
        assert not DocContext.of(d).decisions, d.doc


def test_a_council_meetings_list_with_the_raad_besluit_label_is_a_decision_list():
    (d,) = shared_docs("real", "Besluitenlijst-raadsvergadering-29-juni-2015.pdf")
    ctx = DocContext.of(d)
    assert ctx.decisions
    at = d.text.index("De raad besluit bij acclamatie")
    assert ctx.section(at)[2] == "6. Voorstel tot herbenoeming lid van de Rekenkamercommissie Den Helder."
    # the same label written for the test, on the title's line
    text = "Besluitenlijst raad\n\n7. Verordening parkeren 2025. De raad besluit unaniem: vast te stellen.\n"
    ctx = DocContext.of(Document(doc="r.txt", sha256="0" * 64, text=text, date="2025-01-20"))
    assert ctx.decisions and ctx.section(text.index("vast te"))[2] == "7. Verordening parkeren 2025."
    # a sentence that merely reports what the council decided is no label
    letter = "Geachte raad,\n\nIn 2023 besloot de raad tot een nieuw beleid. Het college besluit later.\n"
    assert not DocContext.of(Document(doc="l.txt", sha256="0" * 64, text=letter)).decisions


def test_a_quote_starts_after_the_heading_line_its_sentence_begins_with():
    from assistant.extract import extract_document
    from assistant.types import Document

    text = (
        "Samenvatting\nHet kabinet trekt in 2025 € 50 miljoen uit voor kortere wachttijden.\n\n"
        "Antwoord 2\nUiterlijk 1 juli 2025 ontvangt uw Kamer een rapportage.\n\n"
        "Het college trekt\nin 2025 € 10.000 uit voor het buurthuis."  # a wrapped line, no heading
    )
    quotes = [i.quote for i in extract_document(Document(doc="t.txt", sha256="0" * 64, text=text, date="2025-02-01"))]
    assert "Het kabinet trekt in 2025 € 50 miljoen uit voor kortere wachttijden" in quotes
    assert "Uiterlijk 1 juli 2025 ontvangt uw Kamer een rapportage" in quotes
    assert any(q.startswith("Het college trekt\nin 2025 € 10.000") for q in quotes)

"""Deadlines (``assistant.extract.deadline``) in decision lists and letters: written sentences for
each pattern, and properties that hold on real decision lists."""

from __future__ import annotations

from datetime import date

import pytest
from shared_docs import shared_docs

from assistant.extract import extract_document
from assistant.types import Document


def _dues(text: str, when: str = "2024-03-05") -> list[str | None]:
    doc = Document(doc="t.txt", sha256="0" * 64, text=text, date=when)
    return [i.fields.due for i in extract_document(doc) if i.kind == "deadline"]


@pytest.mark.parametrize(
    "text, due",
    [
        ("De raadsinformatiebrief staat onder embargo tot 12 maart 2024.", "2024-03-12"),
        ("De raad vóór de raadsvergadering van 26 maart 2024 te informeren.", "2024-03-26"),
        ("Per 1 mei 2024 de nieuwe tarieven in te voeren.", "2024-05-01"),
        ("De financiële gevolgen mee te nemen bij de Voorjaarsnota 2024.", "2024-12-31"),
        ("De gevolgen te verwerken in de kadernota 2025.", None),  # the budget year, not a moment
        ("Het voorstel in het eerste half jaar van 2024 aan de raad voor te leggen.", "2024-06-30"),
        ("Uw Kamer wordt voor het zomerreces geïnformeerd.", "2024-06-30"),
        ("De extra raadsvergadering te houden op maandag 22 april 2024.", "2024-04-22"),
        ("Het college stemt in met de verlenging van de overeenkomst tot 31 december 2025.", "2025-12-31"),
        ("Over de uitkomsten informeer ik de Kamer na de zomer.", "2024-09-30"),
        ("Op de gevolgen kom ik na de zomer terug.", "2024-09-30"),
        ("De evaluatie wordt voor het einde van het jaar aan de raad gestuurd.", "2024-12-31"),
        ("Het besluit over het plan wordt uitgesteld tot na het zomerreces.", "2024-09-30"),
        ("Het persbericht wordt na 14 mei 2024 openbaar gemaakt.", "2024-05-14"),  # an embargo's end
        ("Het voorstel wordt behandeld in de raadsvergadering van juli 2024.", "2024-07-31"),  # a meeting's month
        ("De huurovereenkomst met de stichting loopt af op 31 december 2024.", "2024-12-31"),  # an end
        ("De vergunning verloopt op 1 oktober 2025.", "2025-10-01"),
    ],
)
def test_deadlines_of_decision_lists(text, due):
    assert _dues(text) == [due]


@pytest.mark.parametrize(
    "text",
    [
        "De raadsinformatiebrief d.d. 12 maart 2024 vast te stellen.",  # names a document
        "Toestemming te geven om tijdens de kermis op 13 en 14 september 2024 het veld te gebruiken.",
        "De bijdrage aan de stichting in 2025 en 2026 uit te keren.",  # the money's period
        "De bankstand van de rekening per 31 maart 2024 bedraagt € 10.000.",  # a status date
        "Per 31 december 2023 bedroeg de algemene reserve € 4,2 miljoen.",  # a status at a past date
        "Per 1 januari 2024 stonden er 212 kinderen op de wachtlijst.",  # the same, a count
        "Per 31 december 2023 was het saldo van het projectbudget € 438 miljoen.",  # the same, with 'was'
        "Per 1 januari 2024 waren 40 woningen opgeleverd.",
        "Na 14 mei 2024 is gebleken dat het plan te duur was.",  # 'na' without an embargo: a past event
        "De evaluatie van maart 2023 wordt voor kennisgeving aangenomen.",  # a month naming a report
        "Datum: 4 juni 2024\nOnderwerp: voortgang warmteplan\nMet deze brief informeren wij u over het plan.",  # a letter's date
        "Datum 4 juni 2024\nKenmerk 2024/123\nWij verwachten het plan aan uw raad voor te leggen.",
        "De Najaarsnota 2024 vast te stellen.",  # the document itself
        "In maart 2023 informeerde de wethouder de raad over de planning.",  # a past event
    ],
)
def test_no_deadline(text):
    assert _dues(text) == []


def test_on_real_decision_lists_deadlines_are_planned_and_dated_sensibly():
    docs = shared_docs("train", "besluitenlijst_*.pdf") + shared_docs("real", "besluitenlijst_*.pdf")
    assert len(docs) >= 8
    found = 0
    for d in docs:
        meeting = date.fromisoformat(d.date)
        for it in extract_document(d, kinds=["deadline"]):
            found += 1
            if it.fields.due:  # effective dates may lie a little in the past, nothing older
                assert date.fromisoformat(it.fields.due).year >= meeting.year - 1, it.quote
            assert "d.d. " + it.fields.due_text not in it.quote
    assert found >= 15

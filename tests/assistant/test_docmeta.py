"""assistant/docmeta.py: kind, authors and subject read from a document's opening lines."""

from __future__ import annotations

import hashlib

import pytest
from testpaths import bundled_letters, real_file, shared_file

from assistant.docmeta import describe
from assistant.types import Document
from ingest.clean import clean
from ingest.load import load_path

MB = 1024 * 1024


def doc(text: str, title: str = "") -> Document:
    return Document("x.txt", hashlib.sha256((title + text).encode()).hexdigest(), text, title=title)


def test_kamervragen_written_for_the_test_give_members_minister_and_subject():
    m = describe(
        doc(
            "Vragen van de leden De Vries (CDA) en Jansen (beiden GroenLinks-PvdA) aan de Minister van "
            "Financiën over het bericht «Banken sluiten kantoren» (ingezonden 3 mei 2024).\n\n"
            "Antwoord van Minister Bakker (Financiën) (ontvangen 1 juni 2024)."
        )
    )
    assert m.kind == "kamervragen"
    assert m.authors == ("De Vries", "Jansen", "Bakker")
    assert m.subject.startswith("het bericht") and "Banken sluiten kantoren" in m.subject


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        ("Besluitenlijst openbare B&W-vergadering", "Aanwezig: burgemeester", "besluitenlijst"),
        ("", "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\n\nHierbij informeer ik u", "kamerbrief"),
        ("Raadsinformatiebrief over de jeugdzorg", "Geachte raadsleden,", "raadsinformatiebrief"),
        ("Gemeente X Jaarstukken 2023", "Colofon", "jaarstukken"),
        ("", "Motie van het lid Bakker over de ov-chipkaart. De Kamer, gehoord de beraadslaging,", "motie"),
        ("Raadsbesluit vaststelling verordening", "De raad van de gemeente X besluit:", "raadsbesluit"),
        ("Programmabegroting 2025", "Inleiding", ""),  # a compound is not the word "begroting"
        ("Begroting 2025 gemeente Y", "Inleiding", "begroting"),
        ("Een notitie", "Over het weer in mei.", ""),
    ],
)
def test_the_kind_comes_from_the_conventions_of_each_kind(title, text, kind):
    m = describe(doc(text, title))
    assert m.kind == kind and m.authors == () and m.subject == ""


def test_real_kamervragen_name_who_asked_and_who_answered():
    d = clean(load_path(real_file("1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"), max_bytes=200 * MB)[0])
    m = describe(d)
    assert m.kind == "kamervragen"
    assert m.authors[0] == "Faber-van de Klashorst" and len(m.authors) == 2
    assert "criminelen" in m.subject
    d = clean(load_path(shared_file("train", "1b0f0b98-7c34-418c-98dc-43de7930e685.pdf"), max_bytes=200 * MB)[0])
    m = describe(d)
    assert m.kind == "kamervragen" and {"Hirsch", "Teunissen", "Van Rij"} <= set(m.authors)
    assert "exportkredietverzekeringen" in m.subject


def test_a_decision_list_and_the_bundled_letters_have_a_kind_and_no_invented_authors():
    d = clean(load_path(real_file("besluitenlijst_bw_vergadering_27_juni_2023.pdf"), max_bytes=200 * MB)[0])
    assert describe(d).kind == "besluitenlijst" and describe(d).authors == ()
    for p in bundled_letters():
        (letter,) = load_path(p, max_bytes=200 * MB)
        assert describe(clean(letter)).authors == ()


def test_docs_lists_the_fields():
    meta = doc("Besluitenlijst van de vergadering").meta()
    assert meta["kind"] == "besluitenlijst" and meta["authors"] == [] and meta["subject"] == ""

"""assistant/ask/roles.py on real documents: Kamervragen blocks, attendance headers, headings."""

from __future__ import annotations

from testpaths import load_clean, real_file, shared_file

from assistant.ask.roles import roles
from assistant.text import sentence_spans


def _sentence(doc, needle: str) -> tuple[int, int]:
    at = doc.text.index(needle)
    for s, e in sentence_spans(doc.text):
        if s <= at < e:
            return s, e
    raise AssertionError(needle)


def test_kamervragen_member_question_and_minister_answer():
    for name in ("00fe7edd-24c8-4857-98da-774ed3b06836.pdf", "01b2bcad-7296-43bb-bc44-e727fc69b23f.pdf"):
        (doc,) = load_clean(shared_file("train", name))
        import re

        q = re.search(r"^Vraag 2\s*\n+\s*(\S)", doc.text, re.M)
        a = re.search(r"^Antwoord 2\s*\n+\s*(\S)", doc.text, re.M)
        assert q and a, name
        s, e = _sentence(doc, doc.text[q.start(1) : q.start(1) + 12])
        assert "member_question" in roles(doc, s, e)
        s, e = _sentence(doc, doc.text[a.start(1) : a.start(1) + 12])
        r = roles(doc, s, e)
        assert "answer_block" in r and "member_question" not in r


def test_decision_list_attendance_header_and_headings():
    (doc,) = load_clean(shared_file("train", "besluitenlijst_bw_vergadering_9_juli_2024.pdf"))
    s, e = _sentence(doc, "Aanwezigen")
    assert "attendance" in roles(doc, s, e)
    s, e = _sentence(doc, "2 Mededelingen")
    assert "heading" in roles(doc, s, e)
    s, e = _sentence(doc, "Een subsidie voor de ITK")
    r = roles(doc, s, e)
    assert "list_item" in r and "heading" not in r and "member_question" not in r


def test_a_councils_written_questions_with_unnumbered_answers():
    # Zaanstad's "kennisgeving": numbered questions, each followed by "Antwoord: …"
    docs = load_clean(real_file("collegeberichten.json"))
    (doc,) = [d for d in docs if "Antwoord: Ja dat is mogelijk." in d.text]
    s, e = _sentence(doc, "Wat zijn de gevolgen van uitstel")
    assert "member_question" in roles(doc, s, e)
    for needle in ("Antwoord: Ja dat is mogelijk", "Het is wel wenselijk de uitloop"):
        s, e = _sentence(doc, needle)
        r = roles(doc, s, e)
        assert "answer_block" in r and "member_question" not in r, needle
    # the same layout written for the test, with "Vraag:" labels
    from assistant.types import Document

    text = "Schriftelijke vragen\n\nVraag: Hoeveel kost de brug?\n\nAntwoord: De brug kost € 2 miljoen.\n"
    d = Document(doc="v.txt", sha256="1" * 64, text=text)
    s, e = _sentence(d, "Hoeveel kost")
    assert "member_question" in roles(d, s, e)
    s, e = _sentence(d, "De brug kost")
    assert "answer_block" in roles(d, s, e)
    # a numbered question line in a document without answers is no member's question
    plain = Document(doc="p.txt", sha256="2" * 64, text="Vragen voor het debat:\n1. Wat kost de brug?\n2. Wie betaalt?\n")
    s, e = _sentence(plain, "Wat kost")
    assert "member_question" not in roles(plain, s, e)


def test_the_head_of_written_questions_is_recognised_on_real_kamervragen_and_nothing_else():
    from assistant.ask.roles import question_head

    for name in ("00fe7edd-24c8-4857-98da-774ed3b06836.pdf", "01b2bcad-7296-43bb-bc44-e727fc69b23f.pdf"):
        (doc,) = load_clean(shared_file("train", name))
        s, e = _sentence(doc, "Vragen van de leden")
        assert question_head(doc.text[s:e]), name
        heads = [1 for a, b in sentence_spans(doc.text) if question_head(doc.text[a:b])]
        assert len(heads) == 1, name  # the head only, none of the questions or answers
    assert question_head("Schriftelijke vragen van de fractie D66 over de parkeertarieven (ingezonden 3 mei 2024)")
    assert not question_head("Er zijn veel vragen gesteld door de leden.")
    assert not question_head("Wij hebben de vragen van de fractie beantwoord.")


def test_a_table_of_contents_line_is_page_furniture():
    from assistant.types import Document

    text = (
        "Inhoudsopgave\n1 Inleiding ........................................ 3\n"
        "Bijlage 1: Bestuursovereenkomst …… 188\n"
        "De jaarrekening sluit met een tekort van € 2.030.000. Dit is lager dan begroot."
    )
    doc = Document(doc="jr.txt", sha256="2" * 64, text=text)
    for a, b in sentence_spans(text):
        leaders = "....." in text[a:b] or "……" in text[a:b]
        assert ("running_header" in roles(doc, a, b)) == leaders, text[a:b]

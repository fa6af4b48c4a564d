"""assistant/ask/roles.py on real documents: Kamervragen blocks, attendance headers, headings."""

from __future__ import annotations

from testpaths import load_clean, shared_file

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

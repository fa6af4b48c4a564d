"""assistant/render.py: terminal text carries no control characters from documents or models."""

from __future__ import annotations

from assistant.render import answer_to_text
from assistant.types import Answer, Chunk, Citation, Document, Passage


def test_terminal_escapes_in_a_document_or_an_answer_are_shown_as_spaces():
    doc = Document("brief\x1b[2J.txt", "a" * 64, "De minister zegt \x1b[31mrood\x1b[0m toe binnen vijf dagen \u202eomgekeerd.")
    span = doc.span(0, len(doc.text))
    cited = Answer(
        question="?",
        answer="Binnen vijf dagen \x1b]0;titel\x07.",
        declined=False,
        citations=(Citation(span, "Binnen vijf dagen."),),
        notice="let op \x1b[2K",
    )
    declined = Answer(question="?", answer="Geen antwoord.", declined=True, passages=(Passage(Chunk("c", span), 1.0),))
    for a in (cited, declined):
        out = answer_to_text(a)
        assert not any(ord(ch) < 32 and ch != "\n" or 0x7F <= ord(ch) <= 0x9F or ch == "\u202e" for ch in out), repr(out)
        assert "rood" in out and "vijf dagen" in out


def test_the_confidence_is_shown_in_whole_percents_and_an_unsure_answer_asks_for_a_check():
    from assistant.render import confidence_text

    assert confidence_text(0.724) == "72%"
    assert confidence_text(0.9999) == "99%" and confidence_text(0.97).endswith("%")
    unsure = confidence_text(0.31)
    assert unsure.startswith("31%") and "controleer de bron" in unsure and "check the source" in unsure
    assert confidence_text(0.0).startswith("1%")

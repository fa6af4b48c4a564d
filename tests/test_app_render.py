"""app.py's chat rendering: what the user is told about how the question was read and looked up."""

from __future__ import annotations

from assistant.types import Answer


def test_the_chat_says_how_a_question_was_read_and_looked_up_escaped():
    from app import answer_markdown

    a = Answer(
        question="And for <2021>?",
        answer="The documents do not answer this question.",
        declined=True,
        standalone_question="How much does it cost in <2021>?",
        lookup_question="Hoeveel kost het in <2021>?",
    )
    md = answer_markdown(None, a, turn=1)
    assert "Gelezen als / read as: How much does it cost in &lt;2021&gt;?" in md
    assert "Gezocht als / looked up as: Hoeveel kost het in &lt;2021&gt;?" in md
    plain = Answer(question="Hoeveel?", answer="De documenten geven hierop geen antwoord.", declined=True)
    assert "Gezocht als" not in answer_markdown(None, plain, turn=1)

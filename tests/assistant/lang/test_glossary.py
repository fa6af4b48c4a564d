"""assistant/lang/glossary.py: English administrative words looked up in Dutch documents."""

from __future__ import annotations

from assistant.ask.query import build_query
from assistant.lang.analyzer import keyword_query, stems
from assistant.lang.glossary import gloss, words


def test_phrases_win_over_their_words_and_unknown_words_are_left_alone():
    assert gloss("the annual accounts of the municipality") == "jaarrekening jaarstukken gemeente"
    assert gloss("Which alderman signed?") == "wethouder ondertekend getekend"
    assert gloss("xylophone quartet") == ""


def test_an_english_question_searches_the_dutch_words_too_and_a_dutch_one_is_left_as_it_is():
    assert "wethouder" in keyword_query("Which alderman signed the cooperation agreement?")
    assert "samenwerking" in keyword_query("Which alderman signed the cooperation agreement?")
    dutch = "Welke wethouder ondertekende de overeenkomst?"
    assert keyword_query(dutch) == " ".join(dutch.rstrip("?").split())
    q = build_query("How much did the municipality spend on youth care?")
    assert set(stems("gemeente jeugdzorg")) <= set(q.terms)


def test_single_words_are_offered_for_names():
    w = words()
    assert w["alderman"] == ("wethouder",)
    assert all(" " not in k for k in w)

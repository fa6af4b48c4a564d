"""assistant/ask/: the question pipeline over real Kamervragen and decision lists (fake embedder,
the packaged answer model)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from testpaths import SHARED

from assistant.ask.compose import DECLINE_EN, DECLINE_NL
from assistant.ask.pipeline import named_documents
from assistant.ask.query import build_query
from assistant.config import Settings
from assistant.service import Assistant
from ingest.pipeline import ingest_paths

FILES = (
    "00fe7edd-24c8-4857-98da-774ed3b06836.pdf",
    "01b2bcad-7296-43bb-bc44-e727fc69b23f.pdf",
    "besluitenlijst_bw_vergadering_9_juli_2024.pdf",
    "besluitenlijst_bw_vergadering_16_april_2024.pdf",
    "besluitenlijst_bw_vergadering_10_december_2024.pdf",
    "besluitenlijst_bw_vergadering_12_december_2023.pdf",
)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    paths = [SHARED / "corpus" / "train" / n for n in FILES]
    if not all(p.exists() for p in paths):
        pytest.skip("shared/ corpus not beside this checkout")
    root = tmp_path_factory.mktemp("ask")
    s = Settings(index_dir=root / "index", cache_dir=root / "cache", embedder="fake")
    assert ingest_paths(paths, s).added
    return Assistant(s)


def _exact(a, assistant):
    for c in a.citations:
        doc = assistant.index.documents[c.span.doc_sha256]
        assert doc.text[c.span.char_start : c.span.char_end] == c.span.text
        assert c.span.page == doc.page_of(c.span.char_start)


def test_a_members_question_is_never_quoted_as_the_answer(assistant):
    # the member's own words match such a question best; the minister's answer must be quoted
    for question in (
        "Zijn de voorwaarden waaraan een provincie moet voldoen om zich regenboogprovincie te mogen noemen vastgelegd?",
        "Heeft u kennisgenomen van het artikel over regenboogbeleid in Friesland?",
    ):
        a = assistant.ask(question)
        _exact(a, assistant)
        for c in a.citations:
            doc = assistant.index.documents[c.span.doc_sha256]
            from assistant.ask.roles import roles

            assert "member_question" not in roles(doc, c.span.char_start, c.span.char_end)


def test_a_named_meeting_date_picks_that_meetings_list(assistant):
    q = build_query("Wat besloot het college op 9 juli 2024 over de Internationale Taalklas?")
    named = named_documents(q, assistant.index)
    assert [assistant.index.documents[s].date for s in named] == ["2024-07-09"]
    a = assistant.ask(q.text)
    assert a.passages[0].span.doc == "besluitenlijst_bw_vergadering_9_juli_2024.pdf"
    if not a.declined:
        assert a.citations[0].span.doc == "besluitenlijst_bw_vergadering_9_juli_2024.pdf"


def test_the_attendance_header_answers_who_attended(assistant):
    a = assistant.ask("Welke wethouders waren aanwezig bij de B&W-vergadering van 9 juli 2024?")
    assert not a.declined
    assert a.confidence is not None and 0.0 < a.confidence < 1.0 and a.to_dict()["confidence"] == round(a.confidence, 3)
    from assistant.render import answer_to_text

    assert "zekerheid / confidence: " in answer_to_text(a)
    assert a.citations[0].span.doc == "besluitenlijst_bw_vergadering_9_juli_2024.pdf"
    assert "Zoutendijk" in a.answer


def test_an_out_of_scope_question_is_declined(assistant):
    a = assistant.ask("Wie is de burgemeester van Amsterdam?")
    assert a.declined and a.answer == DECLINE_NL and not a.citations
    a = assistant.ask("Welke wethouder van Rotterdam besloot over de Internationale Taalklas?")
    assert a.declined and not a.citations
    assert DECLINE_EN != DECLINE_NL


def test_an_answer_must_state_the_kind_of_fact_asked(assistant):
    # the lists say what the language class costs and where it is housed, never a share of anything
    a = assistant.ask("Hoeveel procent van het budget van de Internationale Taalklas gaat naar huisvesting?")
    assert a.declined and not a.citations
    assert a.answer == "De documenten geven hierop geen antwoord: de gevonden passages noemen geen percentage."
    a = assistant.ask("Hoeveel kost de huisvesting van de Internationale Taalklas per jaar?")
    assert not a.declined and "€" in a.answer
    _exact(a, assistant)
    # "hoeveel leerlingen" asks a number of pupils: the lists state the class's money and housing only
    a = assistant.ask("Hoeveel leerlingen volgen de Internationale Taalklas?")
    assert a.declined and a.answer.endswith("de gevonden passages noemen geen aantal.")
    # ... but aldermen listed by name answer how many were there
    a = assistant.ask("Hoeveel wethouders waren aanwezig bij de B&W-vergadering van 9 juli 2024?")
    assert not a.declined and a.answer.count("wethouder") >= 2


_WORDS = st.sampled_from(
    "hoeveel wanneer welke wat waarom wie how much when which college besluit subsidie Wassenaar "
    "provincie regenboog minister 2024 2025 juli december euro taalklas wethouder raad vragen".split()
)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_WORDS, min_size=1, max_size=8))
def test_every_citation_points_at_its_quote(assistant, words):
    a = assistant.ask(" ".join(words) + "?")
    _exact(a, assistant)
    assert a.declined == (not a.citations)


def test_passages_are_ordered_by_the_answer_model(assistant):
    # ask and retrieve hand on the passages by the probability of their best sentence, and the
    # passage of the cited sentence leads
    question = "Welke wethouders waren aanwezig bij de B&W-vergadering van 9 juli 2024?"
    a = assistant.ask(question)
    scores = [p.score for p in a.passages]
    assert scores == sorted(scores, reverse=True) and 0.0 <= scores[-1] <= scores[0] <= 1.0
    cited = a.citations[0].span
    first = a.passages[0].span
    assert first.doc_sha256 == cited.doc_sha256 and first.char_start <= cited.char_start < first.char_end
    got = assistant.retrieve(question, k=3)
    assert [p.chunk.id for p in got] == [p.chunk.id for p in a.passages[:3]]


def test_retrieval_order_when_ranking_by_the_answer_model_is_off(assistant):
    import dataclasses

    from assistant.ask.pipeline import retrieve

    plain = Assistant(dataclasses.replace(assistant.settings, rank_by_answer=False))
    question = "Welke bijdrage krijgt de Internationale Taalklas?"
    expected = retrieve(build_query(question), plain.index, plain.retriever, 4).passages
    assert [p.chunk.id for p in plain.retrieve(question, k=4)] == [p.chunk.id for p in expected]


def test_each_part_of_a_two_part_question_asks_its_own_names_of_the_documents(assistant):
    # part one names Friesland (the Kamervragen on regenboogbeleid), part two Wassenaar (the decision
    # lists): no document names both, yet each part's document stays a candidate for its own part
    q = build_query(
        "Welke minister beantwoordde de vragen over het regenboogbeleid in Friesland, "
        "en wie zat de vergadering van burgemeester en wethouders van Wassenaar voor?"
    )
    assert len(q.parts) == 2
    pipeline = assistant.pipeline
    found = pipeline.find(q, assistant.index, assistant.retriever)
    cands = pipeline.candidates(q, found, assistant.index)
    by_doc = {}
    for c in cands:
        by_doc.setdefault(c.doc.doc.split("/")[-1], set()).add((c.part_names_missing, c.names_missing))
    kv = by_doc.get("00fe7edd-24c8-4857-98da-774ed3b06836.pdf")
    bl = by_doc.get("besluitenlijst_bw_vergadering_9_juli_2024.pdf")
    assert kv == {((False, True), False)}
    assert bl == {((True, False), False)}

"""assistant/answer.py and rewrite.py: verbatim cited sentences, honest declines, standalone follow-ups."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from testpaths import bundled_letters, real_file

from assistant.answer import DECLINE_EN, DECLINE_NL, ExtractiveAnswerer, analyze_question, split_question
from assistant.config import Settings
from assistant.embed import FakeEmbedder
from assistant.rewrite import looks_like_follow_up, rewrite, rule_rewrite, translate_for_retrieval
from assistant.service import Assistant
from assistant.types import Document
from ingest.clean import clean
from ingest.load import load_path
from ingest.pipeline import ingest_paths


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("ans")
    s = Settings(index_dir=root / "index", cache_dir=root / "cache", embedder="fake")
    ingest_paths(bundled_letters(), s)
    return Assistant(s)


# --- the question ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, lang, fact",
    [
        ("Hoeveel geld krijgen de GI's jaarlijks extra?", "nl", "amount"),
        ("How much does the temporary caseload arrangement cost in 2020?", "en", "amount"),
        ("Welk deel van het budget gaat op aan coördinatiekosten?", "nl", "percent"),
        ("For what share of children should a support offer have started?", "en", "percent"),
        ("Wanneer is het Verbeterplan aangeboden?", "nl", "date"),
        ("Until when has the cabinet extended the funding?", "en", "date"),
        ("Hoe snel moeten gemeenten uitzoeken welke gemeente verantwoordelijk is?", "nl", "duration"),
        ("Hoeveel kinderen wachtten op passende jeugdhulp?", "nl", "count"),
        ("Hoe vaak per week kunnen jongeren elkaar ontmoeten?", "nl", "frequency"),
        ("Waarom is het niet haalbaar?", "nl", ""),
    ],
)
def test_the_asked_kind_of_fact_is_read_from_dutch_and_english_question_words(question, lang, fact):
    q = analyze_question(question)
    assert (q.lang, q.fact) == (lang, fact)


def test_a_question_for_a_maximum_or_an_average_asks_for_a_number():
    assert analyze_question("Wat is de maximale caseload per medewerker?").fact == "count"
    assert analyze_question("What is the average waiting time?").fact == "count"


def test_words_that_only_name_the_asked_fact_are_not_content_words():
    q = analyze_question("Hoeveel geld krijgen de gemeenten?")
    assert q.fact == "amount" and "geld" not in q.terms


@pytest.mark.parametrize(
    "term, stems, low",
    [
        ("kostenstijg", {"kost", "structurel", "stijging"}, 0.8),  # both halves of a compound
        ("structurel", {"structureel"}, 0.7),  # another ending of the same word
        ("jeugdbescherm", {"jeugdbeschermingsketen"}, 0.8),  # inside a longer compound
        ("overweegt", {"overweg"}, 0.7),
    ],
)
def test_question_words_match_compound_parts_and_other_endings(term, stems, low):
    from assistant.answer import _match

    assert _match(term, frozenset(stems)) >= low


def test_unrelated_words_do_not_match():
    from assistant.answer import _match

    assert _match("jeugdzorgaanbied", frozenset({"jeugdhulpaanbieder"})) < 0.7
    assert _match("failliet", frozenset({"financieel", "faciliteer"})) == 0.0


def test_the_confidence_needs_the_asked_fact_and_the_questions_words():
    conf = ExtractiveAnswerer._confidence
    q_nl = analyze_question("Hoeveel pleeggezinnen stopten in 2020?")
    q_en = analyze_question("How many foster families stopped in 2020?")
    f = {"lex": 0.8, "ctx": 1.0, "dense": 0.2, "typed": 1.0, "en": 0.0}
    assert conf(q_nl, {**f, "typed": 0.0}) == 0.0  # no number in the sentence
    assert conf(q_nl, f) == pytest.approx(0.9)
    assert conf(q_nl, {**f, "lex": 0.1, "ctx": 0.2}) < conf(q_nl, f)  # a near miss
    # English over Dutch letters: the words cannot be matched, the sentence's dense cosine stands in
    assert conf(q_en, {**f, "lex": 0.0, "ctx": 0.0, "dense": 0.7, "en": 1.0}) == pytest.approx(0.7)


def test_a_list_question_knows_how_many_items_it_asks_for():
    q = analyze_question("Welke drie afspraken zijn er gemaakt?")
    assert "list" in q.wants and q.list_n == 3


def test_a_two_part_question_is_split_only_when_both_parts_are_questions():
    assert len(split_question("Hoeveel kinderen wachtten op een jeugdbeschermer, en voor welk deel moet dat binnen vijf dagen?")) == 2
    assert split_question("Welke afspraken zijn gemaakt met VNG en GI's?") == []


# --- answers and declines ---------------------------------------------------------------------------


def test_the_answer_leads_with_the_asked_fact_and_quotes_the_letter_exactly(assistant):
    a = assistant.ask("Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?")
    assert not a.declined and "zes weken" in a.answer.split(".")[0]
    doc = assistant.index.documents[a.citations[0].span.doc_sha256]
    c = a.citations[0]
    assert doc.text[c.span.char_start : c.span.char_end] == c.span.text
    assert a.answer.startswith(" ".join(c.span.text.split()))


def test_a_list_question_gets_the_list_as_one_cited_block(assistant):
    a = assistant.ask("Welke drie afspraken zijn er gemaakt voor kinderen met een gerechtelijke maatregel?")
    assert not a.declined and len(a.citations) == 1
    assert "per kind" in a.answer and "expertteam" in a.answer


def test_a_question_without_the_asked_kind_of_fact_in_the_letters_is_declined(assistant):
    # the letters speak of the wetsvoorstel, but give no date on which it takes effect
    a = assistant.ask("Per welke datum treedt het wetsvoorstel verbetering beschikbaarheid zorg voor jeugdigen in werking?")
    assert a.declined and a.answer == DECLINE_NL and not a.citations and a.passages


def test_a_declined_english_question_is_declined_in_english(assistant):
    ans = ExtractiveAnswerer(decline_threshold=99.0)
    passages = assistant.retrieve("How many youth care providers went bankrupt?")
    out = ans.answer("How many youth care providers went bankrupt?", passages, assistant.index.documents)
    assert out.declined and out.text == DECLINE_EN


def test_no_passages_means_a_decline():
    out = ExtractiveAnswerer().answer("Wanneer?", [], {})
    assert out.declined and out.citations == ()


_WORDS = st.sampled_from(
    "hoeveel wanneer welke wat waarom how much when which gemeenten kinderen jeugdbescherming GI's "
    "jeugdhulp 2020 2021 miljoen procent veiligheidsplan inspecties kabinet VNG Westfriesland "
    "verbeterplan kosten caseload maatregel wachtlijsten pilots expertteams FNV tuchtrecht".split()
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_WORDS, min_size=1, max_size=9))
def test_every_citation_of_any_question_is_an_exact_slice_of_its_letter(assistant, words):
    question = " ".join(words) + "?"
    a = assistant.ask(question)
    for c in a.citations:
        doc = assistant.index.documents[c.span.doc_sha256]
        assert doc.text[c.span.char_start : c.span.char_end] == c.span.text
        assert c.span.page == doc.page_of(c.span.char_start)
    if a.declined:
        assert a.answer in (DECLINE_NL, DECLINE_EN) and not a.citations
    else:
        assert a.citations


# --- follow-ups -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, expected",
    [("En voor 2021?", True), ("And in 2021?", True), ("Wat kost dat?", True), ("En waarom?", True),
     ("Hoeveel jongeren kregen in 2020 jeugdhulp?", False), ("Wanneer is het Verbeterplan JB-West aangeboden?", False)],
)
def test_only_short_questions_that_lean_on_the_previous_one_are_follow_ups(question, expected):
    assert looks_like_follow_up(question) is expected


def test_a_new_year_replaces_the_previous_questions_year():
    prev = "Hoeveel kost de tijdelijke regeling van JB-West in 2020?"
    assert rule_rewrite("En voor 2021?", prev) == "Hoeveel kost de tijdelijke regeling van JB-West in 2021?"
    assert rule_rewrite("And in 2021?", prev) == "Hoeveel kost de tijdelijke regeling van JB-West in 2021?"


def test_a_pronoun_is_replaced_by_the_previous_subject():
    out = rule_rewrite("Wat kost dat?", "Wat is het Verbeterplan JB-West?")
    assert out.startswith("Wat kost") and "Verbeterplan" in out and "JB-West" in out


def test_without_history_nothing_is_rewritten():
    assert rewrite("En voor 2021?", []) == ""


def test_a_chat_model_rewrites_when_configured_and_a_failing_one_falls_back_to_the_rule():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    history = [("Hoeveel kost de tijdelijke regeling van JB-West in 2020?", "€32.804")]
    model = FakeListChatModel(responses=["Hoeveel kost de tijdelijke caseloadregeling van JB-West in 2021?"])
    assert rewrite("En voor 2021?", history, model) == "Hoeveel kost de tijdelijke caseloadregeling van JB-West in 2021?"

    class Broken(FakeListChatModel):
        def _call(self, *a, **k):  # type: ignore[no-untyped-def]
            raise ConnectionError("down")

    assert rewrite("En voor 2021?", history, Broken(responses=["x"])) == (
        "Hoeveel kost de tijdelijke regeling van JB-West in 2021?"
    )


def test_a_chat_model_translates_an_english_question_for_the_lookup_and_leaves_dutch_alone():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    dutch = "Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?"
    model = FakeListChatModel(responses=[dutch])
    english = "Within how many weeks must a safety plan be drawn up for 90% of the children?"
    assert translate_for_retrieval(english, model) == dutch
    assert translate_for_retrieval(dutch, FakeListChatModel(responses=["Never asked"])) == ""
    assert translate_for_retrieval(english, None) == ""


@pytest.mark.parametrize("reply", ["Within how many weeks must a safety plan be drawn up?", "", "x" * 500])
def test_a_translation_that_is_not_a_dutch_question_is_not_used(reply):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    assert translate_for_retrieval("How many children were waiting?", FakeListChatModel(responses=[reply])) == ""


def test_a_failing_model_leaves_the_english_question_as_it_is():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class Broken(FakeListChatModel):
        def _call(self, *a, **k):  # type: ignore[no-untyped-def]
            raise ConnectionError("down")

    assert translate_for_retrieval("How many children were waiting?", Broken(responses=["x"])) == ""


# --- what a sentence must hold: a cause for a why-question; the document's title as its context ----


def _passages(doc):
    from assistant.types import Passage
    from ingest.chunk import Chunker

    emb = FakeEmbedder()
    return [Passage(c, 1.0 - i / 100) for i, c in enumerate(Chunker(288, 520, emb.count_tokens).run(doc))]


def test_a_why_question_is_answered_by_the_sentence_that_gives_a_cause():
    text = (
        "De gemeente heeft besloten het zwembad De Waterlelie per 1 maart te sluiten. "
        "De gemeente sluit het zwembad omdat de energiekosten in 2023 zijn verdubbeld. "
        "Het bad was sinds 1975 open."
    )
    doc = Document("zwembad.txt", "a" * 64, text, title="Raadsinformatiebrief zwembad")
    out = ExtractiveAnswerer().answer(
        "Waarom heeft de gemeente besloten het zwembad De Waterlelie te sluiten?", _passages(doc), {doc.sha256: doc}
    )
    assert not out.declined and out.text.startswith("De gemeente sluit het zwembad omdat")


def test_a_decision_is_answered_with_the_decision_lists_title_as_its_context():
    """The lines of a decision list do not say whose meeting it was, or when: the title does."""
    doc = clean(load_path(real_file("besluitenlijst_bw_vergadering_4_februari_2025.pdf"), max_bytes=10**8)[0])
    assert "Wassenaar 4 februari 2025" in doc.title
    q = "Wat heeft het college van Wassenaar op 4 februari 2025 besloten over de regiovisie jeugdzorg?"
    ans = ExtractiveAnswerer(decline_threshold=Settings().decline_threshold)
    out = ans.answer(q, _passages(doc), {doc.sha256: doc})
    assert not out.declined and out.text.startswith("De gemeenteraad te informeren over het Uitvoeringsplan")
    untitled = dataclasses.replace(doc, title="")
    bare = ans.decide(q, _passages(untitled), {doc.sha256: untitled})
    assert bare.confidence < ans.decide(q, _passages(doc), {doc.sha256: doc}).confidence

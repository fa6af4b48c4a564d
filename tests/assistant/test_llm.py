"""assistant/llm.py: a chat model's answer is kept only where the passage it cites supports it.

Chat models are LangChain's fakes: no model can be downloaded here, and these tests are about what
Bronwijs does with any model's output (parse, verify, drop, fall back), not about a model's quality.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.config import Settings
from assistant.errors import ConfigError, ModelUnavailable
from assistant.llm import (
    ClaimChecker,
    LlmAnswerer,
    LlmResult,
    build_chat_model,
    build_prompt,
    parse_claims,
)
from assistant.types import Chunk, Document, Passage

# Real text of the bundled letter 000_2b64ece39e4393a8.txt (Kamerbrief, 15 oktober 2020), cleaned.
PARAGRAPHS = [
    "Gemeenten hebben uiterlijk half november 2020 zicht op welke kinderen met een gerechtelijke "
    "maatregel geen tijdige jeugdbescherming/jeugdreclassering krijgen. Dit doen gemeenten in "
    "samenspraak met de GI’s.",
    "Voor 90% is binnen zes weken een veiligheidsplan opgesteld; Voor 75% van de kinderen is binnen "
    "3 maanden een hulpaanbod opgestart dat bijdraagt aan het opheffen van de onveiligheid.",
    "Wij zullen u bij het wetgevingsoverleg Jeugd van 23 november 2020 nader informeren over de "
    "voortgang van de doorbraakaanpak.",
]


@pytest.fixture
def doc() -> Document:
    return Document("000_2b64ece39e4393a8.txt", "b" * 64, "\n\n".join(PARAGRAPHS))


@pytest.fixture
def passages(doc: Document) -> list[Passage]:
    out, pos = [], 0
    for i, para in enumerate(PARAGRAPHS):
        start = doc.text.index(para, pos)
        span = doc.span(start, start + len(para))
        out.append(Passage(Chunk(f"{doc.sha256[:12]}:{start}", span), 1.0 / (i + 1)))
        pos = start + len(para)
    return out


def _docs(doc: Document) -> dict[str, Document]:
    return {doc.sha256: doc}


def _assert_exact(result: LlmResult, doc: Document) -> None:
    for c in result.citations:
        assert doc.text[c.span.char_start : c.span.char_end] == c.span.text


# --- parsing ---------------------------------------------------------------------------------------


def test_citation_markers_are_read_after_inside_and_before_the_full_stop():
    claims = parse_claims("Binnen zes weken [2]. Half november 2020. [1] Op 23 november [3][1].")
    assert [(c.text, c.cites) for c in claims] == [
        ("Binnen zes weken.", (2,)),
        ("Half november 2020.", (1,)),
        ("Op 23 november.", (3, 1)),
    ]


def test_the_prompt_numbers_the_passages_and_asks_for_citations(doc, passages):
    prompt = build_prompt("Wanneer?", passages, _docs(doc), "nl")
    assert "[1] (000_2b64ece39e4393a8.txt, p. 1) Gemeenten hebben" in prompt
    assert "[3]" in prompt and "GEEN ANTWOORD" in prompt and "Wanneer?" in prompt


# --- verification -----------------------------------------------------------------------------------


def test_a_correct_cited_answer_is_kept_with_exact_citations(doc, passages):
    model = FakeListChatModel(responses=[
        "Voor 90% van de kinderen is binnen zes weken een veiligheidsplan opgesteld [2]. "
        "Gemeenten doen dit in samenspraak met de GI’s [1]."
    ])
    r = LlmAnswerer(model).answer("Welke termijn geldt voor het veiligheidsplan?", passages, _docs(doc))
    assert r.ok and not r.declined and not r.dropped
    assert "zes weken" in r.text
    assert [c.span.char_start >= passages[1].span.char_start for c in r.citations][0]
    assert r.citations[0].span.char_end <= passages[1].span.char_end
    _assert_exact(r, doc)


def test_a_sentence_citing_the_wrong_passage_is_dropped_and_reported(doc, passages):
    model = FakeListChatModel(responses=[
        "Voor 90% is binnen zes weken een veiligheidsplan opgesteld [2]. "
        "De Kamer wordt op 23 november 2020 nader geïnformeerd [1]."  # that is passage 3
    ])
    r = LlmAnswerer(model).answer("Welke termijn?", passages, _docs(doc))
    assert r.ok
    assert "23 november" not in r.text and "zes weken" in r.text
    assert len(r.dropped) == 1 and "23 november" in r.dropped[0]
    assert "dropped" in r.notice
    _assert_exact(r, doc)


def test_a_sentence_with_an_invented_number_is_dropped(doc, passages):
    model = FakeListChatModel(responses=[
        "Voor 90% is binnen zes weken een veiligheidsplan opgesteld [2]. "
        "Voor 85% van de kinderen is binnen 4 maanden een hulpaanbod opgestart [2]."
    ])
    r = LlmAnswerer(model).answer("Welke normen?", passages, _docs(doc))
    assert r.ok and r.dropped == ("Voor 85% van de kinderen is binnen 4 maanden een hulpaanbod opgestart.",)
    assert "85" in r.notice
    assert "85%" not in r.text


def test_an_english_paraphrase_with_the_passages_numbers_is_kept():
    doc = Document("x.txt", "c" * 64, PARAGRAPHS[1])
    p = Passage(Chunk("c:0", doc.span(0, len(doc.text))), 1.0)

    class Embedder:  # a stand-in that calls every sentence close to the passage
        def embed_passages(self, texts: list[str]) -> Any:
            import numpy as np

            return np.ones((len(texts), 4), dtype=np.float32) / 2.0

    checker = ClaimChecker(embedder=Embedder())
    model = FakeListChatModel(responses=["For 75% of the children a support offer starts within 3 months [1]."])
    r = LlmAnswerer(model, checker=checker).answer("What share?", [p], {doc.sha256: doc}, lang="en")
    assert r.ok and r.text.startswith("For 75%") and r.citations
    assert "75%" in r.citations[0].span.text
    _assert_exact(r, doc)
    # the same paraphrase with a wrong share is not
    model = FakeListChatModel(responses=["For 80% of the children a support offer starts within 3 months [1]."])
    assert not LlmAnswerer(model, checker=checker).answer("What share?", [p], {doc.sha256: doc}, lang="en").ok


def test_an_answer_with_nothing_supported_asks_for_the_fallback(doc, passages):
    model = FakeListChatModel(responses=["Het kabinet investeert 2 miljard in woningbouw [1]."])
    r = LlmAnswerer(model).answer("Wat?", passages, _docs(doc))
    assert not r.ok and r.dropped and "extractive" in r.notice


def test_the_models_own_no_answer_is_not_trusted_but_handed_to_the_extractive_decision(doc, passages):
    """Issue 12 failure 7: "no answer" from the model was accepted unchecked."""
    r = LlmAnswerer(FakeListChatModel(responses=["GEEN ANTWOORD"])).answer("Wat?", passages, _docs(doc))
    assert not r.ok and r.declined and not r.citations and "extractive" in r.notice
    model = GenericFakeChatModel(messages=iter([AIMessage(content="NO ANSWER.")]))
    *texts, last = list(LlmAnswerer(model).stream("What?", passages, _docs(doc)))
    assert not texts and not last.ok and last.declined


# --- the whole sentence must hold (issue 12 failure 7) ----------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # a true sentence with a false clause appended
        "Voor 90% is binnen zes weken een veiligheidsplan opgesteld, maar de minister stopt daarna alle financiering [2].",
        "Dit doen gemeenten in samenspraak met de GI’s en de Raad voor de Kinderbescherming [1].",
        # a negation added
        "Voor 90% is binnen zes weken geen veiligheidsplan opgesteld [2].",
        "Wij zullen u bij het wetgevingsoverleg Jeugd van 23 november 2020 niet nader informeren [3].",
        # the passage's negation left out
        "Gemeenten hebben uiterlijk half november 2020 zicht op welke kinderen met een gerechtelijke "
        "maatregel tijdige jeugdbescherming krijgen [1].",
    ],
)
def test_a_sentence_that_is_only_half_supported_is_dropped(doc, passages, sentence):
    claim = parse_claims(sentence)[0]
    cit, why = ClaimChecker().check(claim, passages, _docs(doc))
    assert cit is None, f"passed as cited: {sentence}"
    assert why
    r = LlmAnswerer(FakeListChatModel(responses=[sentence])).answer("Wat?", passages, _docs(doc))
    assert not r.ok and r.dropped


@pytest.mark.parametrize(
    "sentence",
    [
        "Volgens de brief is voor 90% binnen zes weken een veiligheidsplan opgesteld [2].",
        "Gemeenten hebben uiterlijk half november 2020 zicht op welke kinderen geen tijdige "
        "jeugdbescherming krijgen [1].",  # the passage's negation, kept
        "Gemeenten doen dit in samenspraak met de GI’s [1].",  # another word order
        "Over de voortgang van de doorbraakaanpak wordt u op 23 november 2020 nader geïnformeerd [3].",
    ],
)
def test_a_sentence_the_passage_supports_as_a_whole_is_kept(doc, passages, sentence):
    cit, why = ClaimChecker().check(parse_claims(sentence)[0], passages, _docs(doc))
    assert cit is not None, why
    assert doc.text[cit.span.char_start : cit.span.char_end] == cit.span.text


def test_an_english_sentence_that_adds_a_negation_is_dropped_even_when_close_in_meaning():
    doc = Document("x.txt", "c" * 64, PARAGRAPHS[1])
    p = Passage(Chunk("c:0", doc.span(0, len(doc.text))), 1.0)

    class Embedder:  # calls every sentence close to the passage
        def embed_passages(self, texts: list[str]) -> Any:
            import numpy as np

            return np.ones((len(texts), 4), dtype=np.float32) / 2.0

    checker = ClaimChecker(embedder=Embedder())
    claim = parse_claims("For 75% of the children a support offer does not start within 3 months [1].")[0]
    cit, why = checker.check(claim, [p], {doc.sha256: doc})
    assert cit is None and "negation" in why


# --- failures -------------------------------------------------------------------------------------


class _Broken(FakeListChatModel):
    def _call(self, *args: Any, **kwargs: Any) -> str:
        raise ConnectionError("connection refused")


class _Slow(FakeListChatModel):
    def _call(self, *args: Any, **kwargs: Any) -> str:
        time.sleep(2.0)
        return "te laat [1]."


def test_a_model_error_gives_a_failed_result_with_a_notice(doc, passages):
    r = LlmAnswerer(_Broken(responses=["x"])).answer("Wat?", passages, _docs(doc))
    assert not r.ok and "ConnectionError" in r.notice and "extractive" in r.notice


def test_a_model_that_times_out_gives_a_failed_result(doc, passages):
    start = time.perf_counter()
    r = LlmAnswerer(_Slow(responses=["x"]), timeout_s=0.2).answer("Wat?", passages, _docs(doc))
    assert not r.ok and "timed out" in r.notice
    assert time.perf_counter() - start < 1.5


# --- streaming ------------------------------------------------------------------------------------


def test_streaming_yields_only_verified_sentences_then_the_result(doc, passages):
    text = "Voor 90% is binnen zes weken een veiligheidsplan opgesteld [2]. Het kost 7 miljard [1]. Dit doen gemeenten in samenspraak met de GI’s [1]."
    model = GenericFakeChatModel(messages=iter([AIMessage(content=text)]))
    pieces = list(LlmAnswerer(model).stream("Wat?", passages, _docs(doc)))
    *texts, last = pieces
    assert all(isinstance(t, str) for t in texts) and isinstance(last, LlmResult)
    assert "".join(texts) == last.text
    assert "7 miljard" not in last.text and len(last.dropped) == 1
    assert len(last.citations) == 2


def test_a_stream_that_fails_first_yields_only_a_failed_result(doc, passages):
    pieces = list(LlmAnswerer(_Broken(responses=["x"])).stream("Wat?", passages, _docs(doc)))
    assert len(pieces) == 1 and isinstance(pieces[0], LlmResult) and not pieces[0].ok


# --- building models -------------------------------------------------------------------------------


def test_an_unknown_llm_spec_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="ollama:<model>"):
        build_chat_model(Settings(llm="gpt4all:x"))


def test_openai_without_a_key_or_server_is_unavailable(monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    with pytest.raises(ModelUnavailable, match="MY_KEY"):
        build_chat_model(Settings(llm="openai:gpt-4o-mini", llm_api_key_env="MY_KEY"))


def test_openai_reads_the_key_from_the_named_variable(monkeypatch):
    monkeypatch.setenv("MY_KEY", "sk-test-123")
    model = build_chat_model(Settings(llm="openai:gpt-4o-mini", llm_api_key_env="MY_KEY", llm_timeout_s=5))
    assert model.openai_api_key.get_secret_value() == "sk-test-123"


def test_llamacpp_uses_a_servers_openai_compatible_url():
    model = build_chat_model(Settings(llm="llamacpp:/models/qwen2.5-3b.gguf", llm_base_url="http://127.0.0.1:8080/v1"))
    assert type(model).__name__ == "ChatOpenAI" and "127.0.0.1:8080" in str(model.openai_api_base)


def test_llamacpp_without_a_server_or_package_says_how_to_fix_it():
    pytest.importorskip("langchain_openai")
    try:
        import llama_cpp  # noqa: F401

        pytest.skip("llama-cpp-python is installed here")
    except ImportError:
        pass
    with pytest.raises(ModelUnavailable, match="llama-server"):
        build_chat_model(Settings(llm="llamacpp:/models/x.gguf"))


def test_ollama_builds_without_contacting_the_server():
    model = build_chat_model(Settings(llm="ollama:qwen2.5:3b", llm_base_url="http://127.0.0.1:1"))
    assert type(model).__name__ == "ChatOllama" and model.model == "qwen2.5:3b"

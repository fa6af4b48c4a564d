"""assistant/rewrite.py: follow-ups made standalone, English questions looked up in Dutch."""

from __future__ import annotations

import pytest

from assistant.rewrite import looks_like_follow_up, rewrite, rule_rewrite, translate_for_retrieval

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

"""The optional LLM path with LangChain's fake chat model: proposals are grounded or dropped."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.extract import extract_document
from assistant.extract.llm import CommitmentList, LlmExtractor, chunks, prompt_hash
from assistant.types import Document

TEXT = (
    "De inspecties hebben een termijn van vier maanden genoemd. Gemeenten hebben uiterlijk half "
    "november 2020 zicht op welke kinderen geen tijdige jeugdbescherming krijgen. Het kabinet stelt "
    "voor de jaren 2022 – 2025 € 10 mln per jaar beschikbaar aan GI's."
)


class ToolCallingFake(GenericFakeChatModel):
    """GenericFakeChatModel that 'supports' tools: structured output arrives as a tool call."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> ToolCallingFake:  # type: ignore[override]
        return self


def _model(*payloads: dict[str, Any]) -> ToolCallingFake:
    msgs = [
        AIMessage(content="", tool_calls=[{"name": CommitmentList.__name__, "args": p, "id": f"c{i}"}])
        for i, p in enumerate(payloads)
    ]
    return ToolCallingFake(messages=iter(msgs))


def _doc() -> Document:
    return Document(doc="brief.txt", sha256="1" * 64, text=TEXT, date="2020-10-15")


PROPOSALS = {
    "items": [
        {
            "kind": "deadline",
            "quote": "Gemeenten hebben uiterlijk half november 2020 zicht op welke kinderen",
            "action": "zicht hebben",
            "actor": "gemeenten",
            "due": "2020-11-15",
            "due_text": "uiterlijk half november 2020",
        },
        {
            "kind": "norm",
            "quote": "de inspecties hebben een termijn van 4 maanden genoemd",  # not verbatim
            "subject": "termijn",
            "within_value": 4,
            "within_unit": "month",
        },
        {
            "kind": "funding",
            "quote": "voor de jaren 2022 – 2025 € 10 mln per jaar beschikbaar",
            "amount_eur": 10000000,
            "period": "2022-2025",
            "purpose": "GI's",
            "recurrence": "per year",
        },
        {
            "kind": "funding",
            "quote": "Het kabinet trekt € 5 miljard uit voor defensie in 2023",  # invented
            "amount_eur": 5e9,
            "period": "2023",
            "purpose": "defensie",
        },
    ]
}


def test_grounded_proposals_are_kept_and_an_invented_quote_is_dropped_and_counted():
    doc = _doc()
    result = LlmExtractor(_model(PROPOSALS)).run(doc)
    assert result.proposed == 4 and result.dropped == 1
    assert result.dropped_quotes == ["Het kabinet trekt € 5 miljard uit voor defensie in 2023"]
    assert [i.kind for i in result.items] == ["norm", "deadline", "funding"]
    for it in result.items:
        assert doc.text[it.char_start : it.char_end] == it.quote
    norm = result.items[0]
    assert (
        norm.grounding == "fuzzy"
        and norm.quote == "De inspecties hebben een termijn van vier maanden genoemd"
    )
    assert result.items[1].grounding == "exact" and result.items[1].fields.due == "2020-11-15"


def test_llm_plus_rules_takes_the_fields_from_the_rules():
    wrong = {
        "items": [
            {
                "kind": "deadline",
                "quote": "Gemeenten hebben uiterlijk half november 2020 zicht op",
                "action": "x",
                "due": "2020-11-30",
                "due_text": "half november",
            }
        ]
    }
    (it,) = LlmExtractor(_model(wrong), combine=True).run(_doc()).items
    assert it.fields.due == "2020-11-15"  # the rules' reading of "uiterlijk half november 2020"


def test_a_missing_or_bad_due_is_read_from_the_wording():
    bad = {
        "items": [
            {"kind": "deadline", "quote": "uiterlijk half november 2020", "action": "x", "due": "half nov"}
        ]
    }
    (it,) = LlmExtractor(_model(bad)).run(_doc()).items
    assert it.fields.due == "2020-11-15"


def test_extract_document_needs_a_model_for_llm_methods_and_sorts_items():
    with pytest.raises(ValueError, match="chat_model"):
        extract_document(_doc(), method="llm")
    with pytest.raises(ValueError, match="rules, llm, llm\\+rules"):
        extract_document(_doc(), method="magic")
    items = extract_document(_doc(), method="llm", chat_model=_model(PROPOSALS))
    assert [i.char_start for i in items] == sorted(i.char_start for i in items)


def test_long_documents_are_cut_in_whole_sentence_chunks_and_each_chunk_is_asked():
    text = " ".join(f"Zin nummer {i} gaat over niets bijzonders en eindigt hier." for i in range(200))
    doc = Document(doc="lang.txt", sha256="2" * 64, text=text)
    pieces = chunks(doc, 1000)
    assert len(pieces) > 5 and all(e - s <= 1000 for s, e in pieces)
    assert all(text[e - 1] == "." for _, e in pieces)
    empty = [{"items": []}] * len(pieces)
    assert LlmExtractor(_model(*empty), chunk_chars=1000).run(doc).items == []


def test_the_prompt_is_a_file_with_a_stable_hash():
    assert len(prompt_hash()) == 12

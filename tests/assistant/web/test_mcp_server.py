"""assistant/web/mcp_server.py: the MCP tools through the SDK's in-process client, over a real index
of the bundled letters (fake embedder); and `bronwijs mcp` over stdio."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import pytest
from mcp import Client
from testpaths import ROOT, bundled_letters

from assistant.config import Settings
from assistant.service import Assistant
from assistant.web.mcp_server import build_mcp
from assistant.web.state import Service
from ingest.pipeline import ingest_paths

QUESTION = "Wanneer is het Verbeterplan JB-West aan de VNG en het ministerie aangeboden?"
TOOLS = {"ask", "search", "list_documents", "commitments"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("mcp")
    s = Settings(index_dir=root / "index", cache_dir=root / "cache", embedder="fake")
    assert ingest_paths(bundled_letters(), s).added
    return s


def calls(settings: Settings, *steps: tuple[str, dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """The tool list and the results of calling ``steps`` in one in-process session."""
    server = build_mcp(Service(settings).start())

    async def run() -> tuple[list[Any], list[Any]]:
        async with Client(server) as client:
            tools = (await client.list_tools()).tools
            return tools, [await client.call_tool(name, args) for name, args in steps]

    return run_async(run, 120)


def run_async(make: Any, timeout: float) -> Any:
    """``asyncio.run`` of ``make()`` in a thread of its own: another test's browser (Playwright's sync
    API) may keep an event loop running in this thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(asyncio.wait_for(make(), timeout))).result()


def _texts(settings: Settings) -> dict[str, str]:
    return {d.sha256: d.text for d in Assistant(settings).index.documents.values()}


def test_the_four_tools_are_listed_with_input_and_output_schemas(settings):
    tools, _ = calls(settings)
    assert {t.name for t in tools} == TOOLS
    by_name = {t.name: t for t in tools}
    assert by_name["ask"].input_schema["required"] == ["question"]
    assert "citations" in by_name["ask"].output_schema["properties"]
    assert all(t.description for t in tools)


def test_every_tool_answers_with_structured_content_grounded_in_the_documents(settings):
    _, (ask, search, docs, items) = calls(
        settings,
        ("ask", {"question": QUESTION}),
        ("search", {"query": "veiligheidstaxatie", "k": 3}),
        ("list_documents", {}),
        ("commitments", {"kind": ["funding"]}),
    )
    texts = _texts(settings)
    assert not any(r.is_error for r in (ask, search, docs, items))

    answer = ask.structured_content
    assert "30 april 2020" in answer["answer"] and not answer["declined"] and answer["citations"]
    assert 0.0 < answer["confidence"] < 1.0  # the calibrated chance that the extractive answer is right
    for c in answer["citations"]:
        assert texts[c["doc_sha256"]][c["char_start"] : c["char_end"]] == c["quote"] and c["page"] >= 1
    assert json.loads(ask.content[0].text)["answer"] == answer["answer"]  # the same as text for older clients

    passages = search.structured_content["passages"]
    assert len(passages) == 3
    for p in passages:
        assert texts[p["doc_sha256"]][p["char_start"] : p["char_end"]] == p["text"]
    assert any("veiligheidstaxatie" in p["text"].lower() for p in passages)

    listed = docs.structured_content["documents"]
    assert sorted(d["doc"] for d in listed) == sorted(p.name for p in bundled_letters())

    funding = items.structured_content["commitments"]
    want = [i.to_dict() for i in Assistant(settings).extract(None, kinds=["funding"])]
    assert funding == want and funding


def test_a_user_error_is_a_tool_error_with_the_bilingual_message(settings):
    _, (empty, unknown) = calls(
        settings, ("ask", {"question": "  "}), ("commitments", {"document": ["geen-brief.pdf"]})
    )
    assert empty.is_error and "Stel een vraag" in empty.content[0].text
    assert unknown.is_error and "geen-brief.pdf" in unknown.content[0].text


def test_bronwijs_mcp_serves_the_tools_over_stdio(settings, tmp_path):
    from mcp.client.stdio import StdioServerParameters

    env = {
        **os.environ,
        "BRONWIJS_INDEX": str(settings.index_dir),
        "BRONWIJS_CACHE_DIR": str(settings.cache_dir),
        "BRONWIJS_EMBEDDER": "fake",
        "PYTHONPATH": str(ROOT),
    }
    params = StdioServerParameters(
        command=sys.executable, args=["-c", "from assistant.cli import main; main()", "mcp"], env=env, cwd=str(tmp_path)
    )

    async def run() -> tuple[set[str], Any]:
        async with Client(params) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            return tools, await client.call_tool("ask", {"question": QUESTION})

    tools, ask = run_async(run, 120)
    assert tools == TOOLS and "30 april 2020" in ask.structured_content["answer"]

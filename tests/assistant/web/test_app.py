"""assistant/web/app.py and tabs/: the page put together from its tab modules keeps its four tabs and
the named endpoints other tools call (``/ask``, ``/source``, ``/ingest``, ``/remove``)."""

from __future__ import annotations

from assistant.config import Settings
from assistant.service import Assistant


def _blocks(tmp_path):
    from assistant.web.app import build_app

    settings = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")
    return build_app(Assistant(settings))


def test_the_page_has_its_four_tabs_and_named_endpoints(tmp_path):
    demo = _blocks(tmp_path)
    config = demo.get_config_file()
    labels = {c["props"].get("label") for c in config["components"] if c.get("type") == "tabitem"}
    assert labels == {"Vragen / Ask", "Documenten / Documents", "Toezeggingen / Commitments", "Instellingen / Settings"}
    names = {d.get("api_name") for d in config["dependencies"]} - {None, False}
    assert {"ask", "source", "ingest", "remove"} <= names


def test_the_root_app_module_still_answers_for_the_page_names():
    import app
    from assistant.web import render
    from assistant.web.tabs import chat

    assert app.answer_markdown is render.answer_markdown and app.CHAT_CONCURRENCY == chat.CHAT_CONCURRENCY

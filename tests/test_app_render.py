"""app.py's chat rendering: what the user is told about how the question was read and looked up."""

from __future__ import annotations

import dataclasses

import pytest
from htmlrender import render
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from testpaths import DATA, bundled_letters

from app import answer_markdown
from assistant.config import Settings
from assistant.markup import ANCHOR, md_text
from assistant.service import Assistant
from assistant.types import Answer
from ingest.pipeline import ingest_paths


def test_the_chat_says_how_a_question_was_read_and_looked_up_escaped():
    a = Answer(
        question="And for <2021>?",
        answer="The documents do not answer this question.",
        declined=True,
        standalone_question="How much does it cost in <2021>?",
        lookup_question="Hoeveel kost het in <2021>?",
    )
    md = answer_markdown(None, a, turn=1)
    shown = "".join(render(md).text)
    assert "Gelezen als / read as: How much does it cost in <2021>?" in shown
    assert "Gezocht als / looked up as: Hoeveel kost het in <2021>?" in shown
    assert "<2021>" not in md
    plain = Answer(question="Hoeveel?", answer="De documenten geven hierop geen antwoord.", declined=True)
    assert "Gezocht als" not in answer_markdown(None, plain, turn=1)


# --- document and model text is never markup ------------------------------------------------------

HOSTILE_DOC = DATA / "hostile" / "2021-03-01-kamerbrief-opvang-gluurmuizen.txt"
QUESTION = "Binnen hoeveel dagen wordt een gevonden gluurmuis opgevangen?"


@pytest.fixture(scope="module")
def hostile_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("hostile")
    s = Settings(index_dir=root / "index", cache_dir=root / "cache", embedder="fake")
    assert ingest_paths([HOSTILE_DOC, *bundled_letters()[:2]], s).added
    return s


def assert_no_markup_from_text(markdown: str) -> None:
    """Only the app's own elements: paragraphs, emphasis, lists, line breaks, links to source anchors."""
    out = render(markdown)
    tags = {tag for tag, _ in out.tags}
    assert tags <= {"p", "strong", "em", "ol", "li", "br", "a"}, tags
    for tag, attrs in out.tags:
        if tag == "a":
            assert ANCHOR.fullmatch(attrs.get("href") or ""), attrs
    assert "127.0.0.1:9" not in " ".join(str(a) for _, a in out.tags)


def test_an_answer_quoting_a_hostile_document_shows_its_markup_as_text(hostile_settings):
    a = Assistant(hostile_settings)
    ans = a.ask(QUESTION)
    assert not ans.declined and "drie dagen" in ans.answer and "<img" in ans.answer
    md = answer_markdown(a, ans, turn=0)
    assert_no_markup_from_text(md)
    shown = "".join(render(md).text)
    assert "<img src=x onerror=" in shown  # the reader sees what the document says
    assert any(attrs.get("href") == "#bron-0-c1" for tag, attrs in render(md).tags if tag == "a")


def test_nearest_passages_of_a_hostile_document_are_text(hostile_settings):
    a = Assistant(hostile_settings)
    passages = a.retrieve("gluurmuizen opvang miljoen euro rapport website inspectie")
    assert any("![logo](" in p.span.text for p in passages[:3])
    declined = Answer(
        question="?", answer="De documenten geven hierop geen antwoord.", declined=True, passages=tuple(passages)
    )
    md = answer_markdown(a, declined, turn=2)
    assert_no_markup_from_text(md)
    shown = "".join(render(md).text)
    assert "![logo](http://127.0.0.1:9/logo.png) <b onmouseover=alert(1)>" in shown


def test_a_chat_models_hostile_markup_is_shown_as_text(hostile_settings):
    a = Assistant(dataclasses.replace(hostile_settings, llm="ollama:fake"))
    a.use_chat_model(FakeListChatModel(responses=["__placeholder__"]))
    passages = a.retrieve(QUESTION)
    n = next(i for i, p in enumerate(passages, 1) if "drie dagen" in p.span.text)
    reply = (
        f'Elke gevonden gluurmuis wordt binnen drie dagen opgevangen in een erkend asiel <img src=x onerror="document.title=\'GEHACKT\'"> [{n}]. '
        f"Zie ![x](http://127.0.0.1:9/model.png) en <script>alert(1)</script> [{n}]. "
        f"Lees [meer](http://127.0.0.1:9/phish) <iframe src=http://127.0.0.1:9/></iframe> [{n}]."
    )
    a.use_chat_model(FakeListChatModel(responses=[reply]))
    ans = a.ask(QUESTION)
    assert ans.mode.startswith("llm")
    # kept sentences are in the answer, dropped ones in the notice: either way the markup reaches the page
    assert "<script>" in ans.answer + ans.notice and "127.0.0.1:9" in ans.answer + ans.notice
    md = answer_markdown(a, ans, turn=0)
    assert_no_markup_from_text(md)
    # streamed pieces are shown escaped too (the chat handler uses the same function)
    assert_no_markup_from_text(md_text(reply, keep_lines=True))


def test_the_documents_table_shows_each_documents_kind_and_authors(tmp_path):
    from testpaths import real_file

    from assistant.web.render import DOC_COLUMNS, documents_table

    s = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")
    assert ingest_paths([real_file("1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"), bundled_letters()[0]], s).added
    rows = {r[0]: dict(zip(DOC_COLUMNS, r, strict=True)) for r in documents_table(Assistant(s))}
    kv = rows["1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"]
    assert kv["Soort / kind"] == "kamervragen" and kv["Auteurs / authors"].startswith("Faber-van de Klashorst")
    assert all(r["Stukken / chunks"] > 0 for r in rows.values())

"""The web app's API from a fresh gradio_client session: every endpoint works without the page's
session state, uploads never replace a document silently, limits refuse work with a reason and
refused or unused uploads leave nothing on disk (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from testpaths import bundled_letters

from assistant.config import Settings
from assistant.service import Assistant
from ingest.pipeline import ingest_paths

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Settings]]:
    import socket

    import app as webapp

    root = tmp_path_factory.mktemp("app-api")
    settings = Settings(
        index_dir=root / "index", cache_dir=root / "cache", embedder="fake", max_upload_mb=0.05, max_upload_files=3
    )
    assert ingest_paths(bundled_letters()[:3], settings).added
    demo = webapp.build_app(Assistant(settings))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    webapp.launch(demo, port=port, block=False, max_upload_mb=settings.max_upload_mb)
    try:
        yield f"http://127.0.0.1:{port}/", settings
    finally:
        demo.close()


def client(url: str) -> Any:
    return gradio_client.Client(url, verbose=False)  # a fresh session every time


def rows(table: Any) -> list[list[Any]]:
    return table["data"] if isinstance(table, dict) else table


def docs(settings: Settings) -> dict[str, str]:
    return {d.doc: d.text for d in Assistant(settings).index.documents.values()}


def gradio_temp_has(name: str) -> bool:
    from gradio.utils import get_upload_folder

    return any(Path(get_upload_folder()).rglob(name))


def test_ask_and_source_work_from_a_fresh_session(served):
    url, _ = served
    c = client(url)
    out = c.predict("Binnen hoeveel dagen moet een veiligheidstaxatie zijn opgesteld?", [], api_name="/ask")
    chat = out[0]
    assert chat[-1]["role"] == "assistant" and "Bronnen / Sources" in str(chat[-1]["content"])
    assert "<mark>" in str(c.predict("0-c1", api_name="/source")[0])  # the same session: its own answer
    assert "earlier conversation" in str(client(url).predict("0-c1", api_name="/source")[0])


def test_an_over_long_question_through_the_api_is_refused_before_any_work(served):
    url, _ = served
    out = client(url).predict("Hoeveel? " * 1000, [], api_name="/ask")
    assert out[0] == []  # nothing answered, nothing kept in the chat


def test_remove_works_from_a_fresh_session_and_checks_the_name_against_the_index(served, tmp_path):
    url, settings = served
    extra = bundled_letters()[3]
    ingest_paths([extra], settings)
    client(url).predict(extra.name, api_name="/remove")
    assert extra.name not in docs(settings)
    with pytest.raises(Exception, match="geen-document.txt"):
        client(url).predict("geen-document.txt", api_name="/remove")


def test_an_upload_with_an_indexed_name_is_kept_beside_it_and_the_row_says_so(served, tmp_path):
    url, settings = served
    original = bundled_letters()[0]
    before = docs(settings)[original.name]
    forged = tmp_path / original.name
    forged.write_text("De minister stopt per direct alle financiering van de jeugdbescherming.\n", "utf-8")
    out = client(url).predict([gradio_client.handle_file(str(forged))], api_name="/ingest")
    kept = f"{original.stem} (2){original.suffix}"
    (row,) = rows(out[0])
    assert row[0] == kept and "nieuwe naam / added under a new name" in row[1] and "both are kept" in row[2]
    now = docs(settings)
    assert now[original.name] == before and "stopt per direct" in now[kept]
    # the upload is stored under its own folder; Gradio's temporary copy is gone
    stored = list((settings.index_dir / "uploads").rglob(original.name))
    assert len(stored) == 1 and "stopt per direct" in stored[0].read_text("utf-8")
    # the same bytes again: skipped, and that copy is not kept
    out = client(url).predict([gradio_client.handle_file(str(forged))], api_name="/ingest")
    assert "duplicate of" in rows(out[0])[0][2]
    assert len(list((settings.index_dir / "uploads").rglob(original.name))) == 1
    client(url).predict(kept, api_name="/remove")  # and its upload goes with it
    assert not list((settings.index_dir / "uploads").rglob(original.name))


def test_an_oversized_upload_and_a_too_large_batch_are_refused_and_leave_nothing_on_disk(served, tmp_path):
    url, settings = served
    big = tmp_path / "te-grote-brief.txt"
    big.write_text("Een zin over jeugdzorg. " * 4000, "utf-8")  # ~96 kB > 0.05 MB
    n_docs = len(docs(settings))
    out = client(url).predict([gradio_client.handle_file(str(big))], api_name="/ingest")
    (row,) = rows(out[0])
    assert row[0] == big.name and "geweigerd / refused" in row[1] and "too large" in row[2] and "max_upload_mb" in row[2]
    assert len(docs(settings)) == n_docs
    assert not list((settings.index_dir / "uploads").rglob(big.name)) and not gradio_temp_has(big.name)
    # far over the limit: Gradio refuses it before it is written to disk
    huge = tmp_path / "veel-te-grote-brief.txt"
    huge.write_text("Een zin over jeugdzorg. " * 20000, "utf-8")  # ~480 kB > 2 x 0.05 MB
    with pytest.raises(Exception, match="(?i)size|large|413"):
        client(url).predict([gradio_client.handle_file(str(huge))], api_name="/ingest")
    assert not gradio_temp_has(huge.name) and len(docs(settings)) == n_docs
    many = []
    for i in range(4):
        p = tmp_path / f"brief-{i}-veel.txt"
        p.write_text(f"Brief nummer {i} over de jeugdbescherming.\n", "utf-8")
        many.append(gradio_client.handle_file(str(p)))
    out = client(url).predict(many, api_name="/ingest")
    assert len(rows(out[0])) == 4 and all("too many files" in r[2] for r in rows(out[0]))
    assert len(docs(settings)) == n_docs and not gradio_temp_has("brief-0-veel.txt")


def test_a_failed_upload_leaves_no_copy_behind(served, tmp_path):
    url, settings = served
    bad = tmp_path / "kapot.pdf"
    bad.write_bytes(b"%PDF-1.4\nafgebroken\n")
    out = client(url).predict([gradio_client.handle_file(str(bad))], api_name="/ingest")
    assert "mislukt / failed" in rows(out[0])[0][1]
    assert not list((settings.index_dir / "uploads").rglob("kapot.pdf")) and not gradio_temp_has("kapot.pdf")

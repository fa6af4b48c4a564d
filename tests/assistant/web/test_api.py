"""assistant/web/api.py: the REST API over a real index of the bundled letters (fake embedder),
through FastAPI's TestClient: every status, uploads, the answer stream, the token."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from testpaths import DATA, bundled_letters

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.extract.export import COLUMNS
from assistant.web.api import check_binding, create_app
from assistant.web.state import GuardedAssistant, Service
from assistant.web.uploads import UPLOADS
from ingest.pipeline import ingest_paths

QUESTION = "Wanneer is het Verbeterplan JB-West aan de VNG en het ministerie aangeboden?"
BASE = "http://127.0.0.1:7860"  # a localhost Host header, as MCP's DNS-rebinding protection wants
PDF = DATA / "1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("api")
    s = Settings(index_dir=root / "index", cache_dir=root / "cache", embedder="fake")
    assert ingest_paths(bundled_letters(), s).added
    return s


@pytest.fixture
def settings(built: Settings, tmp_path: Path) -> Settings:
    """A copy of the module's index for one test (uploads and removals change it)."""
    shutil.copytree(built.index_dir, tmp_path / "index")
    return dataclasses.replace(built, index_dir=tmp_path / "index")


def client_for(settings: Settings, **kw: Any) -> TestClient:
    return TestClient(create_app(Service(settings).start(), mcp=False), base_url=BASE, **kw)


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return client_for(settings)


def sse_events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def assert_error(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code and body["detail"].strip()


# --- ask --------------------------------------------------------------------------------------------


def test_ask_answers_in_the_cli_json_shape_with_exact_citations(client, settings):
    r = client.post("/api/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200
    body = r.json()
    cli_shape = GuardedAssistant(settings).ask(QUESTION).to_dict()
    assert body.keys() == cli_shape.keys()
    assert body["answer"] == cli_shape["answer"] and "30 april 2020" in body["answer"]
    assert body["confidence"] == cli_shape["confidence"] and 0.0 < body["confidence"] < 1.0
    docs = {d.sha256: d for d in GuardedAssistant(settings).index.documents.values()}
    assert body["citations"]
    for c in body["citations"]:
        assert docs[c["doc_sha256"]].text[c["char_start"] : c["char_end"]] == c["quote"]


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_an_empty_question_is_400_in_both_languages(client, question):
    for path in ("/api/v1/ask", "/api/v1/ask/stream"):
        r = client.post(path, json={"question": question})
        assert_error(r, 400, "empty_question")
        assert "Stel een vraag" in r.json()["detail"] and "Please ask" in r.json()["detail"]


def test_a_question_limited_to_an_unknown_document_is_404(client):
    for path in ("/api/v1/ask", "/api/v1/ask/stream"):  # the stream too: an error before the first piece
        r = client.post(path, json={"question": QUESTION, "documents": ["geen-brief.pdf"]})
        assert_error(r, 404, "document_not_found")


def test_an_over_long_question_is_400(settings):
    c = client_for(dataclasses.replace(settings, max_question_chars=50))
    for path in ("/api/v1/ask", "/api/v1/ask/stream"):
        assert_error(c.post(path, json={"question": "Hoeveel " * 20}), 400, "question_too_long")


def test_a_request_without_a_question_is_422_with_our_error_shape(client):
    assert_error(client.post("/api/v1/ask", json={"vraag": "x"}), 422, "invalid_request")


def test_a_missing_index_is_503_for_questions_and_documents_and_health_says_missing(tmp_path):
    s = Settings(index_dir=tmp_path / "geen-index", cache_dir=tmp_path / "cache", embedder="fake")
    c = TestClient(create_app(Service(s), mcp=False), base_url=BASE)  # not started: nothing is built
    assert_error(c.post("/api/v1/ask", json={"question": QUESTION}), 503, "index_missing")
    assert_error(c.post("/api/v1/ask/stream", json={"question": QUESTION}), 503, "index_missing")
    assert_error(c.get("/api/v1/documents"), 503, "index_missing")
    h = c.get("/api/v1/health")
    assert h.status_code == 503 and h.json()["status"] == "missing"


def test_while_the_first_index_is_built_questions_are_503_and_health_says_building(tmp_path):
    release = threading.Event()

    class Slow(GuardedAssistant):
        def ingest(self, paths, progress=None):  # type: ignore[no-untyped-def]
            release.wait(30)
            return super().ingest(paths, progress)

    s = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")
    service = Service(s, assistant=Slow(s)).start()
    c = TestClient(create_app(service, mcp=False), base_url=BASE)
    try:
        assert_error(c.post("/api/v1/ask", json={"question": QUESTION}), 503, "index_building")
        h = c.get("/api/v1/health")
        assert h.status_code == 503 and h.json()["status"] == "building"
    finally:
        release.set()
    assert service.builder.done.wait(60) and not service.builder.error
    h = c.get("/api/v1/health").json()
    assert h["status"] == "ready" and h["documents"] == len(bundled_letters())
    assert c.post("/api/v1/ask", json={"question": QUESTION}).status_code == 200


# --- the answer stream ---------------------------------------------------------------------------------


def test_the_stream_sends_pieces_of_the_final_answer_and_the_answer_last(client):
    r = client.post("/api/v1/ask/stream", json={"question": QUESTION})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.text)
    *pieces, (last, answer) = events
    assert last == "answer" and pieces and all(name == "piece" for name, _ in pieces)
    assert "".join(p["text"] for _, p in pieces) == answer["answer"]  # extractive: nothing else is sent
    assert answer.keys() == client.post("/api/v1/ask", json={"question": QUESTION}).json().keys()


def test_with_an_llm_the_stream_never_sends_a_sentence_that_failed_verification(settings):
    s = dataclasses.replace(settings, llm="ollama:fake")
    assistant = GuardedAssistant(s)
    passages = assistant.retrieve(QUESTION)
    n = next(i for i, p in enumerate(passages, 1) if "30 april 2020" in p.span.text)
    invented = "Het kabinet trekt er 9 miljard euro voor uit"
    assistant.use_chat_model(FakeListChatModel(responses=[
        f"Het Verbeterplan is op 30 april 2020 aangeboden [{n}]. {invented} [{n}]."
    ]))
    c = TestClient(create_app(Service(s, assistant=assistant).start(), mcp=False), base_url=BASE)
    events = sse_events(c.post("/api/v1/ask/stream", json={"question": QUESTION}).text)
    *pieces, (last, answer) = events
    assert last == "answer" and answer["mode"] == "llm:ollama:fake"
    sent = "".join(p["text"] for _, p in pieces)
    assert "30 april 2020" in sent and "9 miljard" not in sent and "9 miljard" not in answer["answer"]
    assert sent == answer["answer"]


# --- documents ------------------------------------------------------------------------------------------


def test_documents_lists_the_letters_without_server_paths(client):
    r = client.get("/api/v1/documents")
    assert r.status_code == 200
    rows = r.json()
    assert sorted(d["doc"] for d in rows) == sorted(p.name for p in bundled_letters())
    assert all("source" not in d and d["chunks"] > 0 for d in rows)


def test_an_upload_of_several_files_adds_the_good_ones_and_reports_the_bad_ones(client, settings):
    files = [
        ("files", (PDF.name, PDF.read_bytes(), "application/pdf")),
        ("files", ("notities.txt", b"Het college besluit de jeugdzorg in 2025 opnieuw aan te besteden.\n", "text/plain")),
        ("files", ("kapot.pdf", b"%PDF-1.4 dit is geen pdf", "application/pdf")),
        ("files", ("programma.exe", b"MZ\x90\x00", "application/octet-stream")),
    ]
    r = client.post("/api/v1/documents", files=files)
    assert r.status_code == 200, r.text
    body = r.json()
    status = {f["name"]: f["status"] for f in body["files"]}
    assert status == {PDF.name: "added", "notities.txt": "added", "kapot.pdf": "failed", "programma.exe": "failed"}
    reasons = {f["name"]: f["reason"] for f in body["files"]}
    assert ".exe" in reasons["programma.exe"] and reasons["kapot.pdf"]
    assert {e["file"] for e in body["report"]["failed"]} == {"kapot.pdf", "programma.exe"}
    assert all("/" not in e["file"] for e in body["report"]["failed"] + body["report"]["skipped"])
    listed = {d["doc"] for d in client.get("/api/v1/documents").json()}
    assert {PDF.name, "notities.txt"} <= listed and "kapot.pdf" not in listed
    stored = sorted(p.name for p in (settings.index_dir / UPLOADS).glob("*/*"))
    assert stored == sorted([PDF.name, "notities.txt"])  # a copy that became no document is not kept
    again = client.post("/api/v1/documents", files=files[:1]).json()
    assert again["files"][0]["status"] == "skipped"
    r = client.post("/api/v1/ask", json={"question": "Wanneer wordt de jeugdzorg opnieuw aanbesteed?", "documents": ["notities.txt"]})
    assert r.status_code == 200 and r.json()["citations"][0]["doc"] == "notities.txt"


@pytest.mark.parametrize(
    "name", ["../../buiten.txt", "..\\..\\buiten.txt", "/tmp/../buiten.txt", "uploads/../../buiten.txt", "..buiten.txt"]
)
def test_an_uploaded_file_name_never_leaves_the_upload_folder(client, settings, name):
    r = client.post("/api/v1/documents", files=[("files", (name, b"De gemeente betaalt 5 miljoen euro.\n", "text/plain"))])
    assert r.status_code == 200, r.text
    f = r.json()["files"][0]
    assert f["status"] == "added" and f["stored_as"] == "buiten.txt"
    uploads = settings.index_dir / UPLOADS
    assert [p.relative_to(uploads).parts[1:] for p in uploads.rglob("buiten.txt")] == [("buiten.txt",)]
    for folder in (settings.index_dir, settings.index_dir.parent, settings.index_dir.parent.parent):
        assert not (folder / "buiten.txt").exists()


def test_a_file_name_with_nothing_usable_is_reported_and_nothing_is_written(client, settings):
    r = client.post("/api/v1/documents", files=[("files", ("../..", b"tekst", "text/plain"))])
    assert_error(r, 400, "no_files")
    assert not (settings.index_dir / UPLOADS).exists()


def test_an_upload_of_only_unsupported_types_is_415(client, settings):
    r = client.post("/api/v1/documents", files=[
        ("files", ("a.exe", b"MZ", "application/octet-stream")), ("files", ("b.zip", b"PK", "application/zip"))
    ])
    assert_error(r, 415, "unsupported_type")
    assert ".pdf" in r.json()["detail"]
    assert not (settings.index_dir / UPLOADS).exists()


def test_a_file_above_max_upload_mb_is_refused_413_when_alone_and_reported_beside_others(settings):
    c = client_for(dataclasses.replace(settings, max_upload_mb=0.01))  # 10 kB: the PDF is 20 kB
    pdf = ("files", (PDF.name, PDF.read_bytes(), "application/pdf"))
    r = c.post("/api/v1/documents", files=[pdf])
    assert_error(r, 413, "upload_too_large")
    assert "max_upload_mb" in r.json()["detail"]
    assert not list((settings.index_dir / UPLOADS).glob("*/*"))
    small = ("files", ("kort.txt", b"De gemeente betaalt 5 miljoen euro voor de jeugdzorg.\n", "text/plain"))
    r = c.post("/api/v1/documents", files=[pdf, small])
    assert r.status_code == 200
    status = {f["name"]: (f["status"], f["reason"]) for f in r.json()["files"]}
    assert status["kort.txt"][0] == "added" and status[PDF.name][0] == "failed" and "max_upload_mb" in status[PDF.name][1]


def test_more_files_than_max_upload_files_is_413(settings):
    c = client_for(dataclasses.replace(settings, max_upload_files=1))
    files = [("files", (f"{n}.txt", b"De gemeente betaalt 5 miljoen euro.\n", "text/plain")) for n in ("een", "twee")]
    r = c.post("/api/v1/documents", files=files)
    assert_error(r, 413, "upload_too_large")
    assert "max_upload_files" in r.json()["detail"]


def test_an_upload_request_above_the_limit_is_refused_before_it_is_read(settings):
    c = client_for(dataclasses.replace(settings, max_upload_mb=0.01, max_upload_files=1))  # 10 kB + headers
    big = ("files", ("groot.txt", b"De gemeente betaalt 5 miljoen euro.\n" * 10_000, "text/plain"))
    assert_error(c.post("/api/v1/documents", files=[big]), 413, "upload_too_large")
    assert not (settings.index_dir / UPLOADS).exists()


def test_a_chunked_upload_without_a_length_is_cut_off_at_the_limit_too(settings):
    import httpx

    c = client_for(dataclasses.replace(settings, max_upload_mb=0.01, max_upload_files=1))
    body, content_type = _multipart([("files", ("groot.txt", b"De gemeente betaalt 5 miljoen euro.\n" * 10_000, "text/plain"))])

    def chunks():  # no Content-Length: the server has to count
        for i in range(0, len(body), 4096):
            yield body[i : i + 4096]

    r = c.post("/api/v1/documents", content=chunks(), headers={"content-type": content_type})
    assert "content-length" not in {k.lower() for k in httpx.Request("POST", BASE, content=chunks()).headers}
    assert_error(r, 413, "upload_too_large")


def _multipart(files: list[tuple[str, tuple[str, bytes, str]]]) -> tuple[bytes, str]:
    import httpx

    req = httpx.Request("POST", BASE, files=files)
    return req.read(), req.headers["content-type"]


def test_deleting_a_document_removes_it_and_a_second_time_is_404(client):
    name = bundled_letters()[0].name
    r = client.delete(f"/api/v1/documents/{name}")
    assert r.status_code == 200 and [d["doc"] for d in r.json()["removed"]] == [name]
    assert name not in {d["doc"] for d in client.get("/api/v1/documents").json()}
    assert_error(client.delete(f"/api/v1/documents/{name}"), 404, "document_not_found")


def test_deleting_an_uploaded_document_deletes_its_uploaded_file(client, settings):
    r = client.post("/api/v1/documents", files=[("files", (PDF.name, PDF.read_bytes(), "application/pdf"))])
    assert r.json()["files"][0]["status"] == "added"
    assert [p.name for p in (settings.index_dir / UPLOADS).glob("*/*")] == [PDF.name]
    assert client.delete(f"/api/v1/documents/{PDF.name}").status_code == 200
    assert not list((settings.index_dir / UPLOADS).glob("*/*"))


# --- commitments ------------------------------------------------------------------------------------


def test_commitments_as_json_csv_and_xlsx_carry_the_same_items(client, settings):
    import csv

    from openpyxl import load_workbook

    items = client.get("/api/v1/commitments").json()
    assert items and {i["kind"] for i in items} == {"norm", "deadline", "funding"}
    docs = {d.sha256: d for d in GuardedAssistant(settings).index.documents.values()}
    for i in items:
        assert docs[i["doc_sha256"]].text[i["char_start"] : i["char_end"]] == i["quote"]
    funding = client.get("/api/v1/commitments", params={"kind": "funding"}).json()
    assert funding and all(i["kind"] == "funding" for i in funding) and len(funding) < len(items)
    one = items[0]["doc"]
    assert {i["doc"] for i in client.get("/api/v1/commitments", params={"document": one}).json()} == {one}
    r = client.get("/api/v1/commitments", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0].keys()) == COLUMNS and len(rows) == len(items)
    r = client.get("/api/v1/commitments", params={"format": "xlsx"})
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in sheet[1]] == COLUMNS and sheet.max_row == len(items) + 1


def test_commitments_filters_by_year_and_actor_as_the_cli_does(client, settings):
    from assistant.service import Assistant

    for params, kw in (({"year": 2021}, {"year": 2021}), ({"actor": "gemeente"}, {"actor": "gemeente"})):
        got = client.get("/api/v1/commitments", params=params).json()
        want = [i.to_dict() for i in Assistant(settings).extract(None, **kw)]
        assert got == want


def test_commitments_of_an_unknown_document_is_404_and_an_unknown_kind_422(client):
    assert_error(client.get("/api/v1/commitments", params={"document": "geen.pdf"}), 404, "document_not_found")
    assert_error(client.get("/api/v1/commitments", params={"kind": "belofte"}), 422, "invalid_request")


def test_the_commitment_schema_is_served_from_the_package_data(client):
    schema = client.get("/api/v1/schema/commitment").json()
    assert schema["title"] == "Commitment" and "fields" in schema["properties"]


# --- health, OpenAPI, auth, binding ------------------------------------------------------------------


def test_health_reports_generation_counts_embedder_and_llm(client, settings):
    h = client.get("/api/v1/health")
    assert h.status_code == 200
    body = h.json()
    index = GuardedAssistant(settings).index
    assert body["status"] == "ready" and body["generation"] == index.generation
    assert body["documents"] == len(index.documents) and body["chunks"] == len(index.chunks)
    assert body["embedder"] == "fake" and body["index_embedder"].startswith("fake")
    assert body["llm_configured"] is False and body["llm"] is None


def test_openapi_and_docs_are_under_api_v1_with_typed_models(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/ask", "post"), ("/api/v1/ask/stream", "post"), ("/api/v1/documents", "get"),
        ("/api/v1/documents", "post"), ("/api/v1/documents/{doc}", "delete"), ("/api/v1/commitments", "get"),
        ("/api/v1/health", "get"),
    ]:
        assert method in paths[path], (path, method)
    assert {"AskRequest", "AnswerOut", "UploadResponse", "Health", "ErrorOut"} <= spec["components"]["schemas"].keys()
    assert "multipart/form-data" in paths["/api/v1/documents"]["post"]["requestBody"]["content"]
    assert client.get("/api/v1/docs").status_code == 200
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_with_a_token_every_endpoint_but_health_needs_it(settings):
    c = client_for(dataclasses.replace(settings, api_token="s3cret-token"))
    for method, path, kw in [
        ("post", "/api/v1/ask", {"json": {"question": QUESTION}}),
        ("get", "/api/v1/documents", {}),
        ("get", "/api/v1/commitments", {}),
        ("delete", "/api/v1/documents/x.pdf", {}),
        ("post", "/api/v1/ask/stream", {"json": {"question": QUESTION}}),
    ]:
        r = getattr(c, method)(path, **kw)
        assert_error(r, 401, "unauthorized")
        assert r.headers["www-authenticate"] == "Bearer"
        wrong = getattr(c, method)(path, headers={"Authorization": "Bearer s3cret-tokeN"}, **kw)
        assert wrong.status_code == 401
    ok = c.post("/api/v1/ask", json={"question": QUESTION}, headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200 and ok.json()["citations"]
    assert c.get("/api/v1/health").status_code == 200


def test_mcp_over_http_is_mounted_and_behind_the_token(settings):
    init = {
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
    }
    headers = {"accept": "application/json, text/event-stream"}
    app = create_app(Service(dataclasses.replace(settings, api_token="tok")).start())
    with TestClient(app, base_url=BASE) as c:
        assert_error(c.post("/mcp", json=init, headers=headers), 401, "unauthorized")
        r = c.post("/mcp", json=init, headers={**headers, "Authorization": "Bearer tok"})
        assert r.status_code == 200, r.text
        assert '"serverInfo"' in r.text and '"bronwijs"' in r.text


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_localhost_needs_no_token(settings, host):
    check_binding(host, settings)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "bronwijs.example.nl"])
def test_listening_beyond_localhost_without_a_token_is_refused(settings, host):
    with pytest.raises(ConfigError, match="api_token"):
        check_binding(host, settings)
    check_binding(host, dataclasses.replace(settings, api_token="t"))

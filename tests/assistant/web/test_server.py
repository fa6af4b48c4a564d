"""assistant/web/server.py: where `bronwijs serve` listens, and that it refuses to listen openly without a token."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from assistant.cli import app as cli
from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.web.server import address, serve


def test_flags_win_then_gradio_variables_then_localhost_7860(monkeypatch):
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)
    assert address() == ("127.0.0.1", 7860)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "8123")
    assert address() == ("0.0.0.0", 8123)
    assert address("127.0.0.1", 9000) == ("127.0.0.1", 9000)


def test_a_port_variable_that_is_not_a_number_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("GRADIO_SERVER_PORT", "zeventig")
    with pytest.raises(ConfigError, match="GRADIO_SERVER_PORT"):
        address()


def test_serve_refuses_an_open_address_without_a_token_before_it_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    settings = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")
    with pytest.raises(ConfigError, match="api_token"):
        serve(settings)
    assert not (tmp_path / "index").exists()  # nothing was started or built


def test_bronwijs_serve_says_so_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.delenv("BRONWIJS_RAISE_ERRORS", raising=False)
    r = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--index", str(tmp_path / "index")])
    assert r.exit_code != 0
    assert isinstance(r.exception, ConfigError) and "BRONWIJS_API_TOKEN" in str(r.exception)


def _page_client(tmp_path, token: str):
    from fastapi.testclient import TestClient
    from testpaths import bundled_letters

    from assistant.web.server import build_server
    from assistant.web.state import Service
    from ingest.pipeline import ingest_paths

    settings = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake", api_token=token)
    assert ingest_paths(bundled_letters()[:1], settings).added
    return TestClient(build_server(Service(settings).start(), host="127.0.0.1"), base_url="http://127.0.0.1:7860")


def test_the_page_the_api_and_mcp_share_one_port(tmp_path):
    c = _page_client(tmp_path, "")
    assert c.get("/").status_code == 200 and "gradio" in c.get("/").text.lower()
    assert c.get("/config").status_code == 200
    assert c.get("/api/v1/health").json()["documents"] == 1
    assert c.get("/api/v1/docs").status_code == 200


def test_with_a_token_the_page_asks_for_it_as_password(tmp_path):
    c = _page_client(tmp_path, "geheim-token")
    assert c.get("/config").status_code == 401
    assert c.get("/api/v1/documents").status_code == 401
    assert c.post("/login", data={"username": "wie", "password": "fout"}).status_code == 400
    assert c.post("/login", data={"username": "wie", "password": "geheim-token"}).status_code == 200
    assert c.get("/config").status_code == 200

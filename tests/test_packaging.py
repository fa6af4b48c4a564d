"""setup.py / pyproject.toml: the wheel runs outside the checkout.

Builds the wheel, installs it into a fresh venv in a temporary folder (the heavy dependencies, torch
and the rest, are reached through a .pth file naming this interpreter's site-packages, so nothing is
downloaded or installed twice), and runs ``bronwijs ask --json``, ``bronwijs serve`` (the page and the
API) and ``bronwijs mcp`` there against the bundled corpus with the fake embedder. The bundled data
must come from the wheel: the checkout is never on the path.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path
from typing import Any

import pytest
from testpaths import ROOT

pytestmark = pytest.mark.slow

QUESTION = "Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("wheel")
    wheels = root / "dist"
    # the build backend of this environment when it is recent enough (no download), else pip's own
    isolation = [] if _setuptools_major() < 77 else ["--no-build-isolation"]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(wheels), str(ROOT)],
        check=True, cwd=root, timeout=300,
    )
    (wheel,) = wheels.glob("bronwijs-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=True).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip())
    (site / "zz_parent_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--ignore-installed", "-q", str(wheel)],
        check=True, cwd=root, timeout=300,
    )
    work = root / "elsewhere"
    work.mkdir()
    return {"bin": env_dir / "bin", "py": py, "work": work, "root": root}


def run_async(make: Any, timeout: float) -> Any:
    """``asyncio.run`` of ``make()`` in a thread of its own: another test's browser (Playwright's sync
    API) may keep an event loop running in this thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(asyncio.wait_for(make(), timeout))).result()


def _setuptools_major() -> int:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return int(version("setuptools").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return 0


def _env(installed: dict[str, Path], name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRONWIJS_", "PYTHON"))}
    env.update(
        BRONWIJS_EMBEDDER="fake",
        BRONWIJS_INDEX=str(installed["root"] / name / "index"),
        BRONWIJS_CACHE_DIR=str(installed["root"] / name / "cache"),
        BRONWIJS_CONFIG=str(installed["root"] / "bronwijs.toml"),
        GRADIO_ANALYTICS_ENABLED="False",
        GRADIO_TEMP_DIR=str(installed["root"] / "gradio-tmp"),
    )
    return env


def test_the_package_and_its_bundled_data_come_from_the_wheel(installed):
    code = (
        "import assistant, json; from assistant.config import bundled_corpus_dir, commitment_schema_path; "
        "print(json.dumps([assistant.__file__, str(bundled_corpus_dir()), str(commitment_schema_path()), "
        "len(list(bundled_corpus_dir().glob('*.txt'))), commitment_schema_path().is_file()]))"
    )
    out = subprocess.run(
        [str(installed["py"]), "-c", code], check=True, capture_output=True, text=True, cwd=installed["work"],
        env=_env(installed, "data"),
    )
    module, corpus, schema, letters, has_schema = json.loads(out.stdout)
    venv_dir = str(installed["root"] / "venv")
    assert module.startswith(venv_dir) and corpus.startswith(venv_dir) and schema.startswith(venv_dir)
    assert letters == len(list((ROOT / "corpus").glob("*.txt"))) and has_schema


def test_bronwijs_ask_json_works_on_the_bundled_corpus(installed):
    r = subprocess.run(
        [str(installed["bin"] / "bronwijs"), "ask", "--json", QUESTION],
        capture_output=True, text=True, cwd=installed["work"], env=_env(installed, "ask"), timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    answer = json.loads(r.stdout)
    assert "zes weken" in answer["answer"] and answer["citations"]
    assert "eerste start" in r.stderr  # the first start built the index from the wheel's letters


def test_bronwijs_serve_starts_the_page_and_the_api_on_the_bundled_corpus(installed):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (installed["root"] / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(installed["bin"] / "bronwijs"), "serve", "--port", str(port)],
        cwd=installed["work"], env=_env(installed, "serve"), stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        health: dict = {}
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and health.get("status") != "ready":
            assert proc.poll() is None, (installed["root"] / "serve.log").read_text(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/api/v1/health", timeout=5) as r:
                    health = json.loads(r.read())
            except OSError:
                time.sleep(0.5)
        assert health.get("status") == "ready" and health["documents"] >= 5
        req = urllib.request.Request(
            f"{url}/api/v1/ask", data=json.dumps({"question": QUESTION}).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=60) as r:
            assert "zes weken" in json.loads(r.read())["answer"]
        assert _mcp_tools_over_http(f"{url}/mcp") == {"ask", "search", "list_documents", "commitments"}
        with urllib.request.urlopen(f"{url}/", timeout=60) as r:  # the page, from the wheel's own modules
            assert r.status == 200 and "gradio" in r.read().decode("utf-8", "replace").lower()
        with urllib.request.urlopen(f"{url}/config", timeout=60) as r:
            assert "Vragen / Ask" in r.read().decode("utf-8", "replace")
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def _mcp_tools_over_http(url: str) -> set[str]:
    """The tool names the SDK's own client sees at ``url`` (streamable HTTP)."""

    from mcp import Client

    async def run() -> set[str]:
        async with Client(url) as client:
            return {t.name for t in (await client.list_tools()).tools}

    return run_async(run, 60)


def test_bronwijs_mcp_serves_the_tools_over_stdio_on_the_bundled_corpus(installed):
    import asyncio

    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    params = StdioServerParameters(
        command=str(installed["bin"] / "bronwijs"), args=["mcp"], env=_env(installed, "mcp"), cwd=str(installed["work"])
    )

    async def run() -> tuple[set[str], dict]:
        async with Client(params) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            deadline = time.monotonic() + 240
            while (docs := await client.call_tool("list_documents", {})).is_error:  # first start: building
                assert "gebouwd" in docs.content[0].text and time.monotonic() < deadline
                await asyncio.sleep(1)
            ask = await client.call_tool("ask", {"question": QUESTION})
            return tools, ask.structured_content

    tools, answer = run_async(run, 300)
    assert tools == {"ask", "search", "list_documents", "commitments"}
    assert "zes weken" in answer["answer"] and answer["citations"]

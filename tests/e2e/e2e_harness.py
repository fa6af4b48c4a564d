"""Start the web app in a subprocess on a free localhost port, and a headless Chromium to drive it.

Used by the e2e tests (``conftest.py``), the screenshot script and ``evals/bench_app.py``. The app
gets its own index, cache and config folders: it never touches a user's index. Browsers are not
downloaded: Debian's Chromium is driven through ``executable_path`` (``scripts/install_browser.sh``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """Debian's Chromium (or ``$BRONWIJS_CHROMIUM``), or None."""
    env = os.environ.get("BRONWIJS_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(name).exists():
            return name
    return shutil.which("chromium") or shutil.which("chromium-browser")


def why_no_browser() -> str | None:
    """The reason the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; no `playwright install` needed)"
    if chromium_path() is None:
        return "Chromium is not installed (run scripts/install_browser.sh: apt-get install -y chromium)"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """``python app.py`` on 127.0.0.1 with its own folders under ``workdir``."""

    def __init__(self, workdir: Path, *, embedder: str = "fake", env: dict[str, str] | None = None) -> None:
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.index_dir = self.workdir / "index"
        self.log_path = self.workdir / "app.log"
        self.env = {
            **os.environ,
            "BRONWIJS_INDEX": str(self.index_dir),
            "BRONWIJS_CACHE_DIR": str(self.workdir / "cache"),
            "BRONWIJS_CONFIG": str(self.workdir / "bronwijs.toml"),
            "BRONWIJS_EMBEDDER": embedder,
            "OMP_WAIT_POLICY": "PASSIVE",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "GRADIO_TEMP_DIR": str(self.workdir / "gradio-tmp"),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.env.pop("BRONWIJS_RAISE_ERRORS", None)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 300.0) -> AppServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(self.port)],
            cwd=str(ROOT),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the app did not answer on {self.url} within {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None


@contextlib.contextmanager
def running_app(workdir: Path, **kwargs: Any) -> Iterator[AppServer]:
    server = AppServer(workdir, **kwargs).start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (Playwright ``Browser``)."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError(why_no_browser() or "no chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_app(browser: Any, url: str, *, viewport: tuple[int, int] = (1440, 1000), timeout_ms: int = 240_000) -> Any:
    """A fresh page (its own browser context, so its own Gradio session) once the index is ready."""
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True, locale="nl-NL"
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector("#vraag textarea")
    page.wait_for_function(
        "() => { const s = document.querySelector('#status'); return s && /documenten|leeg|⚠️/.test(s.innerText); }",
        timeout=timeout_ms,
    )
    return page


def ask(page: Any, question: str) -> str:
    """Type a question, wait for the finished answer (its source list), return the chat text."""
    page.fill("#vraag textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        """(q) => {
            const c = document.querySelector('#chat');
            if (!c) return false;
            const t = c.innerText;
            const i = t.lastIndexOf(q);
            if (i < 0) return false;
            const after = t.slice(i + q.length);
            return /Bronnen \\/ Sources|nearest passages|⚠️/.test(after);
        }""",
        arg=question,
        timeout=120_000,
    )
    return str(page.inner_text("#chat"))

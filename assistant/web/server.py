"""``bronwijs serve``: the web page at ``/``, the REST API under ``/api/v1`` and MCP at ``/mcp``, on
one port, one process, one Assistant (uvicorn).

The address comes from the flags, else ``GRADIO_SERVER_NAME`` / ``GRADIO_SERVER_PORT`` (as Gradio
apps do), else 127.0.0.1:7860. Listening beyond localhost needs ``api_token`` (``check_binding``).
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.web.api import check_binding, create_app
from assistant.web.state import Service

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


def address(host: str | None = None, port: int | None = None) -> tuple[str, int]:
    """The flags, else GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, else 127.0.0.1:7860."""
    host = host or os.environ.get("GRADIO_SERVER_NAME") or DEFAULT_HOST
    if port is None:
        env = os.environ.get("GRADIO_SERVER_PORT")
        try:
            port = int(env) if env else DEFAULT_PORT
        except ValueError:
            raise ConfigError(f"GRADIO_SERVER_PORT={env!r} is geen poortnummer / is not a port number") from None
    return host, port


def build_server(service: Service, *, host: str = DEFAULT_HOST, page: bool = True) -> Any:
    """The FastAPI app with the API and MCP, and (``page``) the Gradio page mounted at ``/``."""
    app = create_app(service, host=host)
    if not page:
        return app
    import gradio as gr

    from assistant.web import app as web

    demo = web.build_app(service.pool, builder=service.builder)
    demo.queue(default_concurrency_limit=2, max_size=64)
    return gr.mount_gradio_app(
        app,
        demo,
        path="",
        server_name=host,
        footer_links=[],
        show_error=False,
        ssr_mode=False,
        # the Documents tab refuses files over max_upload_mb with a reason; Gradio stops twice that
        max_file_size=int(2 * service.settings.max_upload_mb * 1024 * 1024),
        theme=gr.themes.Soft(),
        css=web.CSS,
        head=web.HEAD,
        # with a token the page asks for it too (any user name, the token as password)
        auth=page_login(service.settings.api_token),
    )


def page_login(token: str) -> Any:
    """Gradio's login check for the page when the server has an API token, else None (no login)."""
    if not token:
        return None

    def check(_user: str, password: str) -> bool:
        return hmac.compare_digest(password.encode(), token.encode())

    return check


def serve(settings: Settings, *, host: str | None = None, port: int | None = None, page: bool = True) -> None:
    """Start everything on one port; builds the index from the bundled corpus on first start."""
    import uvicorn

    host, port = address(host, port)
    check_binding(host, settings)
    service = Service(settings).start()
    app = build_server(service, host=host, page=page)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"bronwijs: index {settings.index_dir}; open http://{shown}:{port}/ "
        f"(API: /api/v1/docs, MCP: /mcp)",
        flush=True,
    )
    # open event streams (the page's queue, SSE clients) must not hold a shutdown up for ever
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), timeout_graceful_shutdown=3)

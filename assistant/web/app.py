"""The Bronwijs web page (Gradio): four tabs (``assistant/web/tabs/``) over the process's one
Assistant, with the source viewer they share (``source_view.py``) and their text (``render.py``).

``bronwijs serve`` (and ``python app.py``) mount it at ``/`` beside the REST API and MCP
(``assistant/web/server.py``). On first start, when the index folder is missing or empty, the bundled
corpus is indexed while the page shows the progress. Every handler is thin: it calls the ``Assistant``
facade (the same one the CLI uses) and renders the result; ``BronwijsError`` becomes a message in the
page, never a stack trace.

Concurrency: questions (``chat``), source views (``view``), ingest/removal (``ingest``) and
extraction (``extract``) queue separately, so a long upload does not hold up anyone's question.
Each browser session has its own chat, sources and LLM choice (``gr.State``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.markup import md_text
from assistant.web.page import Page
from assistant.web.render import (
    _building_status,
    _index_info,
    _status_line,
    _warn,
    documents_table,
)
from assistant.web.state import Assistants, IndexBuilder
from assistant.web.tabs import chat, commitments, documents
from assistant.web.tabs import settings as settings_tab

CSS = """
.bron { font-size: 15px; line-height: 1.55; padding: 10px 12px; border: 1px solid var(--border-color-primary);
        border-radius: 8px; background: var(--background-fill-secondary); }
.bron-leeg { color: var(--body-text-color-subdued); }
.bron-titel { font-weight: 600; font-size: 16px; margin-bottom: 2px; }
.bron-meta { color: var(--body-text-color-subdued); font-size: 13px; margin-bottom: 6px; }
.bron-kop { font-style: italic; margin-bottom: 6px; }
.bron-tekst { white-space: pre-wrap; max-height: 420px; overflow-y: auto; }
.bron mark { background: #ffe066; color: #000; padding: 0 1px; border-radius: 2px; }
.verborgen { display: none !important; }
#modus-regel { font-size: 13px; }
.table-wrap td, .table-wrap th, .table-wrap span { font-family: var(--font) !important; }
#chat a[href^="#bron-"] { font-weight: 600; text-decoration: none; }
"""

# Clicking "[1]" in an answer opens that source: the link's key goes into a hidden textbox, and a
# hidden button runs the same handler as the source buttons beside the chat.
HEAD = """
<script>
document.addEventListener("click", function (e) {
  const a = e.target.closest && e.target.closest('a[href^="#bron-"]');
  if (!a) return;
  e.preventDefault(); e.stopPropagation();
  window.__bronKey = a.getAttribute("href").slice(6);
  const b = document.querySelector("#bron-open button") || document.querySelector("button#bron-open");
  if (b) b.click();
}, true);
</script>
"""


def _new_session() -> dict[str, Any]:
    return {"answers": [], "turns": [], "llm": {}, "items": [], "files_dir": ""}



def build_app(assistant: Any, *, builder: IndexBuilder | None = None) -> gr.Blocks:
    """The Gradio page over ``assistant`` (an ``assistant.service.Assistant``)."""
    pool = assistant if isinstance(assistant, Assistants) else Assistants(assistant)
    settings = pool.settings
    if builder is None:
        builder = IndexBuilder(pool)
        builder.start()

    def session_assistant(state: dict[str, Any]) -> Any:
        return pool.get(state.get("llm") or None)

    with gr.Blocks(title="Bronwijs", fill_width=True) as demo:
        state = gr.State(_new_session())
        gr.Markdown(
            "# Bronwijs\n"
            "Vragen over beleidsbrieven, met de bron bij elk antwoord. / "
            "Questions about policy letters, with the source of every answer."
        )
        status = gr.Markdown("", elem_id="status")

        page = Page(pool, settings, builder, state, status, session_assistant)
        with gr.Tabs():
            chat.build(page)
            documents.build(page)
            commitments.build(page)
            settings_tab.build(page)
        docs_table, remove_choice, index_info = page.docs_table, page.remove_choice, page.index_info

        # --- handlers: startup ------------------------------------------------------------------------

        def on_load() -> Iterator[tuple[Any, ...]]:
            waited = not builder.done.is_set()
            while not builder.done.is_set():
                yield _building_status(builder), gr.skip(), gr.skip(), gr.skip()
                builder.done.wait(0.5)
            if builder.error:
                _warn(f"De index kon niet worden gebouwd / the index could not be built: {builder.error}")
            a = pool.base
            rows = documents_table(a)
            if builder.error:
                msg = f"⚠️ {md_text(builder.error)}"
            elif waited and builder.summary:
                msg = f"✅ Index gebouwd / index built: {builder.summary}. {_status_line(a)}"
            else:
                msg = _status_line(a)
            names = [r[0] for r in rows]
            yield msg, rows, gr.update(choices=names, value=None), _index_info(a)

        demo.load(
            on_load,
            outputs=[status, docs_table, remove_choice, index_info],
            concurrency_id="load",
            concurrency_limit=None,
            show_progress="hidden",
            api_visibility="private",
        )
    return demo


def launch(
    demo: gr.Blocks,
    *,
    port: int,
    host: str = "127.0.0.1",
    block: bool = True,
    allowed: Sequence[Path] = (),
    max_upload_mb: float | None = None,
) -> Any:
    """Serve ``demo``. Uploads up to ``max_upload_mb`` reach the Documents tab, which refuses what is
    over the limit with a reason; Gradio itself stops anything over twice the limit before it is
    written to disk."""
    demo.queue(default_concurrency_limit=2, max_size=64)
    return demo.launch(
        server_name=host,
        server_port=port,
        prevent_thread_lock=not block,
        show_error=False,
        quiet=False,
        css=CSS,
        head=HEAD,
        footer_links=[],
        allowed_paths=[str(p) for p in allowed],
        max_file_size=int(2 * max_upload_mb * 1024 * 1024) if max_upload_mb else None,
        theme=gr.themes.Soft(),
        ssr_mode=False,
    )



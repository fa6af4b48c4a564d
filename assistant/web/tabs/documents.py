"""The Documents tab: upload several files (each file's result), the list, removal."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import BronwijsError
from assistant.gradio_progress import GradioProgress
from assistant.web.page import Page
from assistant.web.render import (
    DOC_COLUMNS,
    _index_info,
    _info,
    _say,
    _status_line,
    _warn,
    documents_table,
    upload_results,
)
from assistant.web.uploads import (
    UPLOADS,
    _delete,
    _sources_of,
    discard_unused,
    discard_uploads,
    stage_uploads,
)

UPLOAD_TYPES = [".pdf", ".txt", ".xml", ".docx", ".json", ".md", ".html", ".htm"]


def build(page: Page) -> None:
    """Lay out the tab and wire its handlers (inside the page's ``gr.Tabs``)."""
    pool, settings, builder, state, status, session_assistant = page.unpack()
    # --- documents -------------------------------------------------------------------------
    with gr.Tab("Documenten / Documents", id="docs-tab"):
        gr.Markdown(
            "Voeg brieven toe (PDF, TXT, XML, DOCX, JSON; meerdere tegelijk). Ongewijzigde bestanden "
            "worden overgeslagen; onleesbare bestanden krijgen een reden. / Add letters (several at "
            "once). Unchanged files are skipped; unreadable ones are listed with the reason."
        )
        with gr.Row():
            uploads = gr.File(
                label="Bestanden / files",
                file_count="multiple",
                file_types=UPLOAD_TYPES,
                elem_id="upload",
                height=140,
            )
            with gr.Column(scale=0, min_width=220):
                add_btn = gr.Button("➕ Toevoegen / Add", variant="primary", elem_id="toevoegen")
        results = gr.Dataframe(
            headers=["Bestand / file", "Resultaat / result", "Toelichting / details"],
            value=[],
            label="Resultaat van de laatste upload / result of the last upload",
            interactive=False,
            wrap=True,
            elem_id="upload-resultaat",
        )
        docs_table = gr.Dataframe(
            headers=DOC_COLUMNS,
            value=[],
            label="Documenten in de index / documents in the index",
            interactive=False,
            wrap=True,
            elem_id="documenten",
            column_widths=["26%", "46%", "10%", "9%", "9%"],
        )
        with gr.Row():
            # any name or SHA-256 prefix is accepted (the choices are per session; an API client
            # has none): the handler checks it against the index
            remove_choice = gr.Dropdown(
                choices=[], label="Document verwijderen / remove a document", scale=4, elem_id="verwijder-keuze",
                allow_custom_value=True,
            )
            remove_btn = gr.Button("Verwijderen / Remove", variant="stop", scale=1, elem_id="verwijder")
        index_info = gr.Markdown("")

    page.docs_table, page.remove_choice, page.index_info = docs_table, remove_choice, index_info
    # --- handlers: documents -------------------------------------------------------------------

    def add_files(files: list[Any] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if not files:
            _warn("Kies eerst bestanden / choose files first.")
            return (gr.skip(),) * 6
        paths, created, refused = stage_uploads(files, settings)
        if refused:
            _warn(
                f"{len(refused)} bestand(en) geweigerd / file(s) refused: "
                + "; ".join(f"{r[0]}: {r[2]}" for r in refused[:3])
            )
        if not paths:
            return refused, gr.skip(), gr.skip(), None, gr.skip(), gr.skip()
        try:  # an upload never replaces an indexed document: a same-named one is kept beside it
            report = pool.base.ingest(paths, progress=GradioProgress(progress), same_name="keep")
        except Exception as e:
            for p in created:
                _delete(p, stop=Path(settings.index_dir) / UPLOADS)
            _warn(_say(e))
            return refused, gr.skip(), gr.skip(), None, gr.skip(), gr.skip()
        discard_unused(created, report, settings)
        pool.reload_all()
        rows = refused + upload_results(report, {})
        if report.failed:
            _warn(
                f"{len(report.failed)} bestand(en) niet toegevoegd / file(s) not added: "
                + "; ".join(Path(f['file']).name for f in report.failed)
            )
        _info(report.summary(), duration=6)
        docs = documents_table(pool.base)
        return (
            rows, docs, gr.update(choices=[r[0] for r in docs], value=None), None, _index_info(pool.base),
            _status_line(pool.base),
        )

    add_btn.click(
        add_files,
        inputs=[uploads],
        outputs=[results, docs_table, remove_choice, uploads, index_info, status],
        concurrency_id="ingest",
        concurrency_limit=1,
        api_name="ingest",
    )

    def remove(doc: str | None) -> tuple[Any, ...]:
        doc = (doc or "").strip()
        if not doc:
            _warn("Kies een document / choose a document.")
            return (gr.skip(),) * 4
        try:
            sources = _sources_of(pool.base, doc)
            removed = pool.base.remove(doc)
        except BronwijsError as e:  # e.g. no such document: an error, so that an API caller hears it too
            raise gr.Error(html.escape(_say(e), quote=False)) from None
        except Exception as e:
            _warn(_say(e))
            return (gr.skip(),) * 4
        pool.reload_all()
        discard_uploads(sources, pool.base, settings)
        _info("Verwijderd / removed: " + ", ".join(r.get("doc", "") for r in removed))
        docs = documents_table(pool.base)
        return docs, gr.update(choices=[r[0] for r in docs], value=None), _index_info(pool.base), _status_line(pool.base)

    remove_btn.click(
        remove,
        inputs=[remove_choice],
        outputs=[docs_table, remove_choice, index_info, status],
        concurrency_id="ingest",
        concurrency_limit=1,
        api_name="remove",
    )


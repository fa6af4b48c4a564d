"""The Commitments tab: norms, deadlines and funding, filtered, sorted, linked to their source,
downloadable, with charts by year."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.web.page import Page
from assistant.web.render import (
    COMMIT_COLUMNS,
    KIND_LABELS,
    _say,
    _warn,
    commitment_rows,
    commitment_years,
    year_charts,
)
from assistant.web.source_view import (
    show_span,
)


def build(page: Page) -> None:
    """Lay out the tab and wire its handlers (inside the page's ``gr.Tabs``)."""
    pool, settings, builder, state, status, session_assistant = page.unpack()
    # --- commitments -------------------------------------------------------------------------
    with gr.Tab("Toezeggingen / Commitments", id="commit-tab") as commit_tab:
        gr.Markdown(
            "Normen, deadlines en geld uit alle documenten. Klik op een rij om de bron te zien. / "
            "Norms, deadlines and funding from every document. Click a row to see its source."
        )
        with gr.Row():
            f_kind = gr.CheckboxGroup(
                choices=[(v, k) for k, v in KIND_LABELS.items()],
                value=list(KIND_LABELS),
                label="Soort / kind",
                scale=2,
            )
            f_doc = gr.Dropdown(choices=[], multiselect=True, label="Document", scale=3)
            f_actor = gr.Textbox(label="Wie / actor (bevat / contains)", scale=2)
            f_year = gr.Dropdown(choices=[("alle / all", "")], value="", label="Jaar / year", scale=1)
            f_sort = gr.Dropdown(
                choices=[
                    ("document", "doc"),
                    ("deadline (vroegste eerst / earliest first)", "due"),
                    ("bedrag (grootste eerst / largest first)", "amount"),
                ],
                value="doc",
                label="Sorteer / sort",
                scale=2,
            )
        commit_count = gr.Markdown("")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                commit_table = gr.Dataframe(
                    headers=COMMIT_COLUMNS,
                    value=[],
                    interactive=False,
                    wrap=True,
                    max_height=560,
                    elem_id="toezeggingen",
                    column_widths=["5%", "11%", "11%", "12%", "9%", "11%", "23%", "18%"],
                )
                with gr.Row():
                    dl_json = gr.DownloadButton("⬇️ JSON", elem_id="download-json", size="sm")
                    dl_csv = gr.DownloadButton("⬇️ CSV", elem_id="download-csv", size="sm")
                    dl_xlsx = gr.DownloadButton("⬇️ Excel (XLSX)", elem_id="download-xlsx", size="sm")
            with gr.Column(scale=2):
                commit_source = gr.HTML(
                    '<div class="bron bron-leeg">Klik op een rij om de bron te zien. / '
                    "Click a row to see its source.</div>",
                    elem_id="toezegging-bron",
                )
                commit_page = gr.Image(visible=False, interactive=False, format="png", label="Pagina / page")
        with gr.Row():
            chart_due = gr.BarPlot(
                x="jaar", y="deadlines", title="Deadlines per jaar / per year", height=260, x_title="jaar / year",
                y_lim=[0, None],
            )
            chart_money = gr.BarPlot(
                x="jaar", y="€ mln", title="Geld per jaar (€ mln) / funding per year", height=260,
                x_title="jaar / year", y_lim=[0, None],
            )

    # --- handlers: commitments -----------------------------------------------------------------

    def refresh_commitments(
        kinds: list[str], docs: list[str], actor: str, year: str, sort: str, st: dict[str, Any]
    ) -> tuple[Any, ...]:
        a = session_assistant(st)
        try:
            items = a.extract(
                docs or None,
                kinds=kinds or None,
                actor=(actor or "").strip() or None,
                year=int(year) if year else None,
                sort=sort or "doc",
            )
            all_items = items if not (kinds and len(kinds) < 3) and not docs and not actor and not year else None
            if all_items is None:
                all_items = a.extract(None)
            doc_names = sorted(r["doc"] for r in a.index.list_documents())
        except Exception as e:
            _warn(_say(e))
            return (gr.skip(),) * 10
        st = dict(st)
        st["items"] = items
        folder = Path(st.get("files_dir") or tempfile.mkdtemp(prefix="bronwijs-export-"))
        st["files_dir"] = str(folder)
        from assistant.extract.export import write_items

        files = {}
        for fmt in ("json", "csv", "xlsx"):
            path = folder / f"toezeggingen.{fmt}"
            write_items(items, output=path, fmt=fmt)
            files[fmt] = str(path)
        due, money = year_charts(items)
        count = (
            f"**{len(items)}** toezeggingen / commitments"
            + (f" (van / of {len(all_items)})" if len(all_items) != len(items) else "")
        )
        years = [("alle / all", "")] + [(y, y) for y in commitment_years(all_items)]
        return (
            commitment_rows(items),
            count,
            files["json"],
            files["csv"],
            files["xlsx"],
            gr.update(value=due, visible=len(due) > 0),
            gr.update(value=money, visible=len(money) > 0),
            gr.update(choices=doc_names),
            gr.update(choices=years),
            st,
        )

    filters = [f_kind, f_doc, f_actor, f_year, f_sort, state]
    commit_outputs = [
        commit_table, commit_count, dl_json, dl_csv, dl_xlsx, chart_due, chart_money, f_doc, f_year, state,
    ]
    common = dict(concurrency_id="extract", concurrency_limit=2)
    for comp in (f_kind, f_doc, f_year, f_sort):
        comp.input(refresh_commitments, inputs=filters, outputs=commit_outputs, api_visibility="private", **common)
    f_actor.submit(refresh_commitments, inputs=filters, outputs=commit_outputs, api_visibility="private", **common)
    f_actor.blur(refresh_commitments, inputs=filters, outputs=commit_outputs, api_visibility="private", **common)

    def open_commitment(evt: gr.SelectData, st: dict[str, Any]) -> tuple[Any, Any]:
        row = evt.row_value
        if not row:
            return gr.skip(), gr.skip()
        try:
            item = st["items"][int(row[0]) - 1]
        except (ValueError, IndexError, KeyError):
            return gr.skip(), gr.skip()
        a = session_assistant(st)
        try:
            doc = a.index.documents[item.doc_sha256]
            span = doc.span(item.char_start, item.char_end)
            return show_span(a, span, None)
        except Exception as e:
            _warn(_say(e))
            return gr.skip(), gr.skip()

    commit_table.select(
        open_commitment,
        inputs=[state],
        outputs=[commit_source, commit_page],
        concurrency_id="view",
        concurrency_limit=4,
        api_visibility="private",
    )


    # the commitments table is filled when its tab opens (so it follows uploads and removals)
    commit_tab.select(refresh_commitments, inputs=filters, outputs=commit_outputs, api_visibility="private", **common)

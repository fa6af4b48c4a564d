"""The source viewer the chat and the commitments tab share: the passage with the quoted span
marked, and for a PDF the page itself with the quote's lines highlighted."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.types import Document, Span
from assistant.web.render import _doc_of

log = logging.getLogger("bronwijs.app")

CONTEXT_CHARS = 600  # characters shown around a quoted span when no passage holds it
PAGE_SCALE = 1.5  # PDF page rendering: 72 dpi * 1.5


# --- rendering: a source --------------------------------------------------------------------------


def source_html(doc: Document | None, span: Span, around: Span | None, heading: str = "") -> str:
    """Title, date, page and the passage with the quoted span in <mark> (all text escaped)."""
    title = doc.title if doc is not None and doc.title else span.doc
    page = doc.page_label(span.page) if doc is not None else str(span.page)
    date = (doc.date if doc is not None else None) or "datum onbekend / date unknown"
    if doc is not None:
        text = doc.text
        if around is not None:
            a, b = min(around.char_start, span.char_start), max(around.char_end, span.char_end)
        else:
            a = text.rfind("\n\n", max(0, span.char_start - CONTEXT_CHARS), span.char_start)
            a = a + 2 if a >= 0 else max(0, span.char_start - CONTEXT_CHARS // 2)
            b = text.find("\n\n", span.char_end, span.char_end + CONTEXT_CHARS)
            b = b if b >= 0 else min(len(text), span.char_end + CONTEXT_CHARS // 2)
        before, quote, after = text[a : span.char_start], text[span.char_start : span.char_end], text[span.char_end : b]
        lead = "… " if a > 0 else ""
        tail = " …" if b < len(text) else ""
    else:
        before, quote, after, lead, tail = "", span.text, "", "", ""
    body = (
        html.escape(lead + before)
        + f"<mark>{html.escape(quote)}</mark>"
        + html.escape(after + tail)
    )
    fmt = doc.fmt.upper() if doc is not None else ""
    return (
        '<div class="bron">'
        f'<div class="bron-titel">{html.escape(title)}</div>'
        f'<div class="bron-meta">{html.escape(span.doc)} · {html.escape(date)} · '
        f"pagina / page {html.escape(page)}{' · ' + html.escape(fmt) if fmt else ''}</div>"
        + (f'<div class="bron-kop">{html.escape(heading)}</div>' if heading else "")
        + f'<div class="bron-tekst">{body}</div>'
        "</div>"
    )


EMPTY_SOURCE = (
    '<div class="bron bron-leeg">Klik op een bron, bijvoorbeeld <b>[1]</b>, om de passage hier te zien. / '
    "Click a source such as <b>[1]</b> to see the passage here.</div>"
)


def _alnum_index(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters and digits of ``text`` with their positions (spaces, hyphens, line ends and
    punctuation dropped), so a cleaned quote can be found in a PDF's raw page text."""
    chars, where = [], []
    for i, ch in enumerate(text):
        if ch.isalnum():
            chars.append(ch.lower())
            where.append(i)
    return "".join(chars), where


def find_quote_chars(page_text: str, quote: str) -> tuple[int, int] | None:
    """[first, last] character index of ``quote`` on the page, or of its longest findable prefix."""
    hay, where = _alnum_index(page_text)
    needle, _ = _alnum_index(quote)
    if not needle or not hay:
        return None
    n = len(needle)
    while n >= min(12, len(needle)):
        at = hay.find(needle[:n])
        if at >= 0:
            return where[at], where[at + n - 1]
        n = n * 2 // 3 if n > 24 else n - 4
    return None


def render_pdf_page(path: str | Path, page: int, quote: str) -> Any:
    """The PDF page as a PIL image with the quote's characters covered by translucent yellow boxes.
    None when the file or page is not there (the text panel still shows the passage)."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    p = Path(path)
    if not p.is_file():
        return None
    pdf = pdfium.PdfDocument(str(p))
    try:
        if not 1 <= page <= len(pdf):
            return None
        pg = pdf[page - 1]
        image = pg.render(scale=PAGE_SCALE).to_pil().convert("RGBA")
        left, bottom, _right, top = pg.get_cropbox()
        tp = pg.get_textpage()
        count = tp.count_chars()
        text = "".join(tp.get_text_range(i, 1) or "\x00" for i in range(count)) if count else ""
        found = find_quote_chars(text, quote)
        if found is not None:
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            for x0, y0, x1, y1 in _line_boxes(tp, found[0], found[1]):
                box = (
                    (x0 - left) * PAGE_SCALE - 2,
                    (top - y1) * PAGE_SCALE - 2,
                    (x1 - left) * PAGE_SCALE + 2,
                    (top - y0) * PAGE_SCALE + 2,
                )
                draw.rectangle(box, fill=(255, 214, 0, 110), outline=(230, 160, 0, 200))
            image = Image.alpha_composite(image, overlay)
        return image.convert("RGB")
    finally:
        pdf.close()


def _line_boxes(tp: Any, first: int, last: int) -> list[tuple[float, float, float, float]]:
    """Character boxes from ``first`` to ``last`` merged into one rectangle per text line."""
    boxes: list[list[float]] = []
    for i in range(first, last + 1):
        x0, y0, x1, y1 = tp.get_charbox(i)
        if x1 - x0 <= 0 or y1 - y0 <= 0:
            continue
        cur = boxes[-1] if boxes else None
        if cur is not None:
            overlap = min(cur[3], y1) - max(cur[1], y0)
            if overlap > 0.5 * min(cur[3] - cur[1], y1 - y0) and x0 >= cur[0] - 2:
                cur[0], cur[1], cur[2], cur[3] = min(cur[0], x0), min(cur[1], y0), max(cur[2], x1), max(cur[3], y1)
                continue
        boxes.append([x0, y0, x1, y1])
    return [(b[0], b[1], b[2], b[3]) for b in boxes]


def show_span(assistant: Any, span: Span, around: Span | None) -> tuple[str, Any]:
    """(html, update for the page image) for a span."""
    doc = _doc_of(assistant, span.doc_sha256)
    heading = ""
    if doc is not None and doc.headings:
        heads = [h for off, h in doc.headings if off <= span.char_start]
        heading = heads[-1] if heads else ""
    body = source_html(doc, span, around, heading)
    if doc is not None and doc.fmt == "pdf" and doc.source:
        try:
            image = render_pdf_page(doc.source, span.page, span.text)
        except Exception:  # a damaged page must not hide the text view
            log.exception("page render failed doc=%s page=%d", span.doc, span.page)
            image = None
        if image is not None:
            label = f"Pagina / page {doc.page_label(span.page)} — {span.doc}"
            return body, gr.update(value=image, visible=True, label=label)
    return body, gr.update(value=None, visible=False)



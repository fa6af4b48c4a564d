"""Bronwijs in the browser: cited answers, documents and commitments (Gradio).

Run ``python app.py`` (or ``bronwijs serve``). On first start, when the index folder is missing or
empty, the bundled corpus is indexed while the page shows the progress; afterwards the app starts in
seconds. Every handler is thin: it calls the ``Assistant`` facade (the same one the CLI uses) and
renders the result. ``BronwijsError`` becomes a message in the page, never a stack trace.

Concurrency: questions (``chat``), source views (``view``), ingest/removal (``ingest``) and
extraction (``extract``) queue separately, so a long upload does not hold up anyone's question.
Each browser session has its own chat, sources and LLM choice (``gr.State``).
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import logging
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.config import Settings, bundled_corpus_dir, load_settings
from assistant.errors import BronwijsError, EmptyQuestion, IndexMissing, QuestionTooLong
from assistant.gradio_progress import GradioProgress, RecordingProgress
from assistant.markup import md_link, md_text
from assistant.types import Answer, Document, Span

log = logging.getLogger("bronwijs.app")

UPLOADS = "uploads"  # under the index folder: uploads/<sha256 prefix>/<own name>, so no upload overwrites another
UPLOAD_TYPES = [".pdf", ".txt", ".xml", ".docx", ".json", ".md", ".html", ".htm"]
CHAT_CONCURRENCY = 4  # questions answered at once (retrieval is fast; an LLM call mostly waits)
CONTEXT_CHARS = 600  # characters shown around a quoted span when no passage holds it
PAGE_SCALE = 1.5  # PDF page rendering: 72 dpi * 1.5

EXAMPLES = [
    "Binnen hoeveel dagen moet voor alle kinderen een veiligheidstaxatie zijn opgesteld?",
    "Hoeveel geld is er extra beschikbaar gesteld voor de jeugdzorg?",
    "For what share of children under a court order should a support offer have started within three months?",
]

MODE_CHOICES = [
    ("Extractief, zonder taalmodel / extractive, no LLM", "none"),
    ("Ollama", "ollama"),
    ("OpenAI-compatibele server / OpenAI-compatible server", "openai"),
    ("Lokaal GGUF-bestand (llama.cpp) / local GGUF file", "llamacpp"),
]

UNITS_NL = {"day": "dagen", "week": "weken", "month": "maanden", "year": "jaar"}
KIND_LABELS = {"norm": "norm", "deadline": "deadline", "funding": "financiering / funding"}


# --- the shared process state -------------------------------------------------------------------


class Assistants:
    """One ``Assistant`` per LLM configuration, all on the same index folder (and, through
    ``get_embedder``'s memo, the same embedder). Sessions name a configuration; they never own one."""

    def __init__(self, base: Any) -> None:
        self.base = base
        self.settings: Settings = base.settings
        self._lock = threading.Lock()
        self._by_llm: dict[tuple[str, str, str], Any] = {_llm_key(self.settings): base}

    def get(self, llm: dict[str, str] | None) -> Any:
        if not llm:
            return self.base
        settings = dataclasses.replace(self.settings, **llm)
        key = _llm_key(settings)
        with self._lock:
            found = self._by_llm.get(key)
            if found is None:
                found = self.base.with_llm(**llm)
                self._by_llm[key] = found
            return found

    def reload_all(self) -> None:
        with self._lock:
            for a in self._by_llm.values():
                a.reload()


def _llm_key(s: Settings) -> tuple[str, str, str]:
    return (s.llm, s.llm_base_url, s.llm_api_key_env)


class IndexBuilder:
    """Builds the index from the bundled corpus in a thread when it is missing or empty, so that the
    first page can show the progress (and the terminal, for who started the app)."""

    def __init__(self, assistants: Assistants) -> None:
        self.assistants = assistants
        self.progress = RecordingProgress()
        self.done = threading.Event()
        self.error = ""
        self.summary = ""
        self._thread: threading.Thread | None = None

    def needed(self) -> bool:
        try:
            return not self.assistants.base.index.documents
        except IndexMissing:
            return True

    def start(self) -> None:
        if self._thread is not None:
            return
        if not self.needed():
            self.done.set()
            return
        self._thread = threading.Thread(target=self._run, name="bronwijs-first-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        corpus = bundled_corpus_dir()
        print(f"bronwijs: eerste start, index bouwen / first start, building the index from {corpus}", flush=True)
        try:
            report = self.assistants.base.ingest([corpus], progress=_TeeProgress(self.progress))
            self.summary = report.summary()
            self.assistants.reload_all()
            print(f"bronwijs: {self.summary}", flush=True)
        except BronwijsError as e:
            self.error = str(e)
            log.error("first index build failed: %s", e)
        except Exception as e:  # a bug: keep the traceback in the log, tell the page plainly
            self.error = f"{type(e).__name__}: {e}"
            log.exception("first index build failed")
        finally:
            self.done.set()


class _TeeProgress:
    """Records for the page and prints a line per finished task for the terminal."""

    def __init__(self, rec: RecordingProgress) -> None:
        self.rec = rec

    def start(self, task: str, total: int | None, unit: str = "it") -> None:
        self.rec.start(task, total, unit)

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        self.rec.advance(task, n, **info)

    def finish(self, task: str) -> None:
        snap = self.rec.snapshot()
        self.rec.finish(task)
        if snap is not None:
            print(f"bronwijs: {snap.describe()}", flush=True)


# --- errors ---------------------------------------------------------------------------------------


def _say(e: BaseException) -> str:
    """The message a user sees: the error's own text for ours, a plain sentence for a bug."""
    if isinstance(e, BronwijsError):
        return str(e)
    log.exception("unexpected error in the web app")
    return (
        f"Er ging iets mis ({type(e).__name__}); de details staan in het logboek van de server. / "
        "Something went wrong; the details are in the server log."
    )


def _warn(message: str, **kwargs: Any) -> None:
    """A warning toast. Gradio renders toasts as HTML and messages carry file and document names: escaped."""
    gr.Warning(html.escape(message, quote=False), **kwargs)


def _info(message: str, **kwargs: Any) -> None:
    """An information toast, escaped like ``_warn``."""
    gr.Info(html.escape(message, quote=False), **kwargs)


# --- rendering: answers ---------------------------------------------------------------------------


def _numbers(answer: Answer) -> list[int]:
    from assistant.service import citation_numbers

    return citation_numbers(answer.citations)


def _doc_of(assistant: Any, sha: str) -> Document | None:
    try:
        return assistant.index.documents.get(sha)
    except BronwijsError:
        return None


def _where(assistant: Any, span: Span) -> str:
    doc = _doc_of(assistant, span.doc_sha256)
    title = (doc.title if doc is not None and doc.title else span.doc)
    page = doc.page_label(span.page) if doc is not None else str(span.page)
    return f"{_short(title, 90)}, p. {page}"


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _cite_link(turn: int, key: str, label: str) -> str:
    """A link to one of this answer's sources; the label is document text, so it is escaped."""
    return md_link(label, f"#bron-{turn}-{key}")


def _with_markers(answer: Answer, turn: int) -> str:
    """The answer text, escaped, with a clickable [n] after the sentence each citation backs."""
    text = answer.answer
    numbers = _numbers(answer)
    placed: set[int] = set()
    missing: list[int] = []
    cuts: list[tuple[int, int]] = []  # (offset in text, citation number) where a link goes
    pos = 0
    for c, n in zip(answer.citations, numbers, strict=True):
        if n in placed:
            continue
        placed.add(n)
        claim = c.claim.strip()
        at = text.find(claim, pos) if claim else -1
        if at < 0 and claim:
            at = text.find(claim)
        if at < 0:
            missing.append(n)
            continue
        end = at + len(claim)
        cuts.append((end, n))
        pos = end
    out: list[str] = []
    start = 0
    for end, n in sorted(cuts):
        out.append(md_text(text[start:end], keep_lines=True) + " " + _cite_link(turn, f"c{n}", f"[{n}]"))
        start = end
    out.append(md_text(text[start:], keep_lines=True))
    if missing:
        out.append(" " + " ".join(_cite_link(turn, f"c{n}", f"[{n}]") for n in missing))
    return "".join(out)


def answer_markdown(assistant: Any, answer: Answer, turn: int) -> str:
    """What the chat shows for one answer."""
    lines: list[str] = []
    if answer.standalone_question:
        lines.append(f"_Gelezen als / read as: {md_text(answer.standalone_question)}_\n")
    if answer.lookup_question:
        lines.append(f"_Gezocht als / looked up as: {md_text(answer.lookup_question)}_\n")
    if answer.declined:
        lines.append(f"**{md_text(answer.answer)}**")
        lines.append(
            "Ik geef geen antwoord dat niet in de documenten staat. Dit zijn de passages die er het "
            "dichtst bij komen (klik om te openen): / I do not answer beyond the documents; these are "
            "the nearest passages (click to open):"
        )
        for i, p in enumerate(answer.passages[:3], 1):
            lines.append(
                f"{i}. {_cite_link(turn, f'p{i}', _where(assistant, p.span))}: "
                f"“{md_text(_short(p.span.text, 180))}”"
            )
    else:
        lines.append(_with_markers(answer, turn))
        seen: set[int] = set()
        sources = []
        for c, n in zip(answer.citations, _numbers(answer), strict=True):
            if n not in seen:
                seen.add(n)
                sources.append(f"{_cite_link(turn, f'c{n}', f'[{n}]')} {md_text(_where(assistant, c.span))}")
        if sources:
            lines.append("\n**Bronnen / Sources** (klik om te openen / click to open):  \n" + "  \n".join(sources))
    if answer.mode and answer.mode != "extractive":
        lines.append(f"\n_modus / mode: {md_text(answer.mode)}_")
    if answer.notice:
        lines.append(f"\n_ℹ️ {md_text(answer.notice)}_")
    return "\n".join(lines)


def answer_plain(assistant: Any, answer: Answer) -> str:
    """The answer with its sources as plain text, for the clipboard."""
    if answer.declined:
        out = [answer.answer, "", "Dichtstbijzijnde passages / Nearest passages:"]
        for i, p in enumerate(answer.passages[:3], 1):
            out.append(f"{i}. {p.span.doc}, p. {p.span.page}: “{_short(p.span.text, 300)}”")
        return "\n".join(out)
    numbers = _numbers(answer)
    marks = "".join(f"[{n}]" for n in dict.fromkeys(numbers))
    out = [f"{answer.answer} {marks}".strip(), "", "Bronnen / Sources:"]
    seen: set[int] = set()
    for c, n in zip(answer.citations, numbers, strict=True):
        if n in seen:
            continue
        seen.add(n)
        doc = _doc_of(assistant, c.span.doc_sha256)
        title = f" ({doc.title})" if doc is not None and doc.title else ""
        out.append(f"[{n}] {c.span.doc}{title}, p. {c.span.page}: “{_short(c.span.text, 400)}”")
    return "\n".join(out)


def source_choices(assistant: Any, answer: Answer, turn: int) -> list[tuple[str, str]]:
    """The buttons beside the chat for the latest answer's sources."""
    if answer.declined:
        return [
            (f"Passage {i}: {_where(assistant, p.span)}", f"{turn}-p{i}")
            for i, p in enumerate(answer.passages[:3], 1)
        ]
    out: list[tuple[str, str]] = []
    seen: set[int] = set()
    for c, n in zip(answer.citations, _numbers(answer), strict=True):
        if n not in seen:
            seen.add(n)
            out.append((f"[{n}] {_where(assistant, c.span)}", f"{turn}-c{n}"))
    return out


def span_for_key(answer: Answer, key: str) -> tuple[Span, Span | None]:
    """(span to highlight, passage around it) for a source key ``c<n>`` or ``p<i>``."""
    kind, num = key[0], int(key[1:])
    if kind == "p":
        p = answer.passages[num - 1]
        return p.span, p.span
    for c, n in zip(answer.citations, _numbers(answer), strict=True):
        if n == num:
            s = c.span
            around = next(
                (
                    p.span
                    for p in answer.passages
                    if p.span.doc_sha256 == s.doc_sha256
                    and p.span.char_start <= s.char_start
                    and s.char_end <= p.span.char_end
                ),
                None,
            )
            return s, around
    raise KeyError(key)


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


# --- documents and commitments --------------------------------------------------------------------

DOC_COLUMNS = ["Document", "Titel / title", "Datum / date", "Pagina's / pages", "Stukken / chunks"]


def documents_table(assistant: Any) -> list[list[Any]]:
    try:
        rows = assistant.index.list_documents()
    except IndexMissing:
        return []
    return [[r["doc"], r["title"], r["date"] or "", r["pages"], r["chunks"]] for r in rows]


def upload_results(report: Any, names: dict[str, str]) -> list[list[str]]:
    """One row per uploaded file: added (or added under a new name beside a same-named document),
    replaced, skipped (unchanged) or failed, with the reason."""
    rows: list[list[str]] = []

    def name_of(path: str) -> str:
        return names.get(str(Path(path).name), Path(path).name)

    renamed = {r["name"]: r for r in getattr(report, "renamed", [])}
    for a in report.added:
        size = f"{a['pages']} pagina's / pages, {a['chunks']} stukken / chunks"
        r = renamed.get(a["doc"].split("#", 1)[0])
        if r is not None:
            rows.append([a["doc"], "✅ toegevoegd onder een nieuwe naam / added under a new name", f"{r['reason']}; {size}"])
        else:
            rows.append([a["doc"], "✅ toegevoegd / added", size])
    for r in getattr(report, "replaced", []):
        gone = ", ".join(x["doc"] for x in report.removed) or r["name"]
        rows.append([r["name"], "🔁 vervangen / replaced", f"de vorige versie is verwijderd / the previous version was removed: {gone}"])
    for s in report.skipped:
        rows.append([name_of(s["file"]), "⏭️ overgeslagen / skipped", s["reason"]])
    for f in report.failed:
        rows.append([name_of(f["file"]), "❌ mislukt / failed", f["reason"]])
    return rows


def _gradio_temp(path: Path) -> Path | None:
    """Gradio's upload folder when ``path`` is its temporary copy of an upload (ours to delete once
    staged), else None: a path given otherwise (a test, an API caller's own file) is never deleted."""
    from gradio.utils import get_upload_folder

    try:
        root = Path(get_upload_folder()).resolve()
        return root if path.resolve().is_relative_to(root) and path.resolve() != root else None
    except OSError:
        return None


def _delete(path: Path, stop: Path | None = None) -> None:
    """Delete a file and then its folders while empty, up to ``stop`` (exclusive)."""
    try:
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != stop and parent != parent.parent and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    except OSError as e:
        log.warning("could not delete upload %s: %s", path, e)


def stage_uploads(files: Sequence[Any], settings: Settings) -> tuple[list[Path], list[Path], list[list[str]]]:
    """Check a batch of uploads against the limits and copy each accepted file to
    ``<index>/uploads/<sha256 prefix>/<name>``. Returns (paths to ingest, copies made now, result rows
    of refused files). Gradio's temporary copies are deleted either way."""
    from ingest.load import file_sha256

    given = [Path(f if isinstance(f, str) else getattr(f, "path", None) or getattr(f, "name", str(f))) for f in files]
    refused: list[list[str]] = []
    paths: list[Path] = []
    created: list[Path] = []
    limit = int(settings.max_upload_mb * 1024 * 1024)
    too_many = len(given) > settings.max_upload_files
    folder = Path(settings.index_dir) / UPLOADS
    for src in given:
        try:
            size = src.stat().st_size
            if too_many:
                refused.append([
                    src.name,
                    "❌ geweigerd / refused",
                    f"te veel bestanden tegelijk ({len(given)}, hoogstens {settings.max_upload_files}); voeg ze in "
                    f"delen toe / too many files at once ({len(given)}, at most {settings.max_upload_files}); "
                    "add them in parts (setting max_upload_files)",
                ])
            elif size > limit:
                refused.append([
                    src.name,
                    "❌ geweigerd / refused",
                    f"te groot ({size / 1e6:.1f} MB, hoogstens {settings.max_upload_mb:g} MB) / too large "
                    f"({size / 1e6:.1f} MB, at most {settings.max_upload_mb:g} MB; setting max_upload_mb)",
                ])
            else:
                dest = folder / file_sha256(src)[:16] / src.name
                if not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dest)
                    created.append(dest)
                paths.append(dest)
        except OSError as e:
            refused.append([src.name, "❌ mislukt / failed", f"onleesbaar, upload opnieuw / cannot read, upload again: {e.strerror or e}"])
        finally:
            temp_root = _gradio_temp(src)
            if temp_root is not None:
                _delete(src, stop=temp_root)
    return paths, created, refused


def discard_unused(created: Sequence[Path], report: Any, settings: Settings) -> None:
    """Delete the copies made for this upload that did not become a document (failed or skipped)."""
    whole_file = {f["file"] for f in [*report.failed, *report.skipped]}
    for p in created:
        if str(p) in whole_file:
            _delete(p, stop=Path(settings.index_dir) / UPLOADS)


def _sources_of(assistant: Any, name_or_sha: str) -> set[str]:
    """The files the documents named by ``name_or_sha`` were read from (empty when not known here)."""
    try:
        return {d.source for d in assistant.index.documents_named(name_or_sha)}
    except BronwijsError:  # not in this process's view of the index; the removal itself decides
        return set()


def discard_uploads(sources: set[str], assistant: Any, settings: Settings) -> None:
    """After a removal: delete the uploaded files among ``sources`` that no indexed document still reads."""
    folder = (Path(settings.index_dir) / UPLOADS).resolve()
    try:
        still = {d.source for d in assistant.index.documents.values()}
    except BronwijsError:
        return
    for s in sources - still:
        p = Path(s)
        if s and p.resolve().is_relative_to(folder) and p.resolve() != folder:
            _delete(p, stop=Path(settings.index_dir) / UPLOADS)


COMMIT_COLUMNS = [
    "#", "Soort / kind", "Deadline", "Bedrag / amount (€)", "Periode / period", "Wie / actor", "Wat / what",
    "Document, p.",
]


def _money(amount: float | None) -> str:
    return "" if amount is None else f"{amount:,.0f}".replace(",", ".")


def commitment_rows(items: Sequence[Any]) -> list[list[Any]]:
    """Rows for the commitments table; column 0 is the item's number in the session's list."""
    rows = []
    for i, item in enumerate(items, 1):
        d = item.to_dict()
        f = d["fields"]
        what = f.get("subject") or f.get("action") or f.get("purpose") or ""
        if d["kind"] == "norm":
            bits = []
            if f.get("share") is not None:
                bits.append(f"{round(float(f['share']) * 100, 1):g}%")
            if f.get("within"):
                w = f["within"]
                bits.append(f"binnen {w['value']} {UNITS_NL.get(w['unit'], w['unit'])}")
            what = f"{what} ({', '.join(bits)})" if bits else what
        due = f.get("due") or ""
        if d["kind"] == "deadline" and not due:
            due = f.get("due_text") or ""
        rows.append([
            i,
            KIND_LABELS.get(d["kind"], d["kind"]),
            due,
            _money(f.get("amount_eur")),
            f.get("period") or "",
            d.get("actor") or f.get("actor") or "",
            _short(what, 160),
            f"{_short(Path(d['doc']).stem, 48)}, p. {d['page']}",
        ])
    return rows


def year_charts(items: Sequence[Any]) -> tuple[Any, Any]:
    """(deadlines per year, funding in € million per year) as DataFrames for gr.BarPlot."""
    import pandas as pd

    due: dict[str, int] = {}
    money: dict[str, float] = {}
    for item in items:
        f = item.to_dict()["fields"]
        if item.kind == "deadline" and f.get("due"):
            y = str(f["due"])[:4]
            due[y] = due.get(y, 0) + 1
        if item.kind == "funding" and f.get("amount_eur") is not None and f.get("period"):
            y = str(f["period"])[:4]
            if y.isdigit():
                money[y] = money.get(y, 0.0) + float(f["amount_eur"]) / 1e6
    d1 = pd.DataFrame({"jaar": list(due), "deadlines": list(due.values())}).sort_values("jaar")
    d2 = pd.DataFrame({"jaar": list(money), "€ mln": [round(v, 2) for v in money.values()]}).sort_values("jaar")
    return d1, d2


def commitment_years(items: Sequence[Any]) -> list[str]:
    years: set[str] = set()
    for item in items:
        f = item.to_dict()["fields"]
        if f.get("due"):
            years.add(str(f["due"])[:4])
        if f.get("period"):
            years.update(p for p in str(f["period"]).split("-") if p.isdigit() and len(p) == 4)
    return sorted(years)


# --- the page -------------------------------------------------------------------------------------

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

COPY_JS = """
(text) => {
  if (!text) { return text; }
  const done = () => {
    const b = document.querySelector("#kopieer");
    if (b) { const old = b.innerText; b.innerText = "✓ Gekopieerd / copied"; setTimeout(() => b.innerText = old, 1500); }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => {});
  } else {
    const t = document.createElement("textarea"); t.value = text; document.body.appendChild(t);
    t.select(); document.execCommand("copy"); t.remove(); done();
  }
  return text;
}
"""


def _new_session() -> dict[str, Any]:
    return {"answers": [], "turns": [], "llm": {}, "items": [], "files_dir": ""}


def _mode_text(llm: dict[str, str], settings: Settings) -> str:
    spec = llm.get("llm", settings.llm) if llm else settings.llm
    if not spec:
        return (
            "**Modus / mode: extractief / extractive** — antwoorden zijn letterlijke zinnen uit de documenten, "
            "met bron. / answers are sentences quoted from the documents, with their source."
        )
    where = llm.get("llm_base_url", settings.llm_base_url) if llm else settings.llm_base_url
    return (
        f"**Modus / mode: taalmodel / LLM `{spec}`**" + (f" via `{where}`" if where else "")
        + " — elke zin wordt tegen de bronnen gecontroleerd; lukt dat niet, dan volgt een extractief antwoord. / "
        "every sentence is checked against the sources; otherwise an extractive answer follows."
    )


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

        with gr.Tabs():
            # --- chat ------------------------------------------------------------------------------
            with gr.Tab("Vragen / Ask", id="chat-tab"):
                mode_line = gr.Markdown(_mode_text({}, settings), elem_id="modus-regel")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Gesprek / conversation",
                            elem_id="chat",
                            height=520,
                            buttons=["copy"],
                            # document and model text is escaped (assistant.markup); no LaTeX either
                            sanitize_html=True,
                            latex_delimiters=[],
                            feedback_options=None,
                            placeholder=(
                                "**Stel een vraag over de documenten**, in het Nederlands of Engels.  \n"
                                "Ask a question about the documents, in Dutch or English."
                            ),
                            examples=[{"text": q} for q in EXAMPLES],
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                placeholder="Uw vraag / your question…",
                                show_label=False,
                                scale=5,
                                elem_id="vraag",
                                submit_btn="Vraag / Ask",
                            )
                        with gr.Row():
                            copy_btn = gr.Button(
                                "📋 Kopieer antwoord met bronnen / Copy answer with sources",
                                elem_id="kopieer",
                                size="sm",
                                interactive=False,
                            )
                            clear_btn = gr.Button("🗑️ Nieuw gesprek / new conversation", size="sm")
                        copy_text = gr.Textbox(visible=True, elem_classes=["verborgen"], elem_id="kopieer-tekst")
                    with gr.Column(scale=2):
                        sources = gr.Radio(
                            choices=[],
                            label="Bronnen bij het laatste antwoord / sources of the last answer",
                            elem_id="bronnen",
                            interactive=True,
                        )
                        source_view = gr.HTML(EMPTY_SOURCE, elem_id="bron-paneel")
                        page_image = gr.Image(
                            label="Pagina / page",
                            visible=False,
                            interactive=False,
                            elem_id="bron-pagina",
                            format="png",
                            buttons=["fullscreen", "download"],
                        )
                open_key = gr.Textbox(visible=True, elem_classes=["verborgen"], elem_id="bron-sleutel")
                open_btn = gr.Button("open", elem_id="bron-open", elem_classes=["verborgen"])

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

            # --- settings ----------------------------------------------------------------------------
            with gr.Tab("Instellingen / Settings", id="settings-tab"):
                settings_status = gr.Markdown(_mode_text({}, settings), elem_id="instellingen-modus")
                gr.Markdown(
                    "Zonder taalmodel geeft Bronwijs letterlijke zinnen uit de documenten als antwoord. Met een "
                    "taalmodel worden de antwoorden vloeiender; elke zin wordt dan tegen de bron gecontroleerd. "
                    "De keuze geldt alleen voor uw eigen sessie. / Without an LLM, answers are sentences quoted "
                    "from the documents. This choice applies to your session only."
                )
                llm_mode = gr.Radio(choices=MODE_CHOICES, value="none", label="Antwoordmodus / answer mode")
                with gr.Row():
                    llm_model = gr.Textbox(label="Model (bijv. / e.g. llama3.1:8b, gpt-4o-mini)", scale=2)
                    llm_url = gr.Textbox(
                        label="Server-URL (Ollama: http://127.0.0.1:11434; OpenAI-compatibel: …/v1)", scale=3
                    )
                with gr.Row():
                    llm_gguf = gr.Textbox(label="GGUF-bestand / file (llama.cpp)", scale=3)
                    llm_key_env = gr.Textbox(
                        label="Naam van de variabele met de API-sleutel / name of the API key variable",
                        value=settings.llm_api_key_env,
                        scale=2,
                    )
                apply_btn = gr.Button("Toepassen / Apply", variant="primary")

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

        # --- handlers: chat ----------------------------------------------------------------------------

        def ask(message: str, history: list[Any], st: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
            message = (message or "").strip()
            history = list(history or [])
            if not message:
                _warn("Stel een vraag / please ask a question.")
                yield history, gr.skip(), gr.skip(), gr.skip(), st, gr.skip()
                return
            a = session_assistant(st)
            turn = len(st["answers"])
            history = history + [{"role": "user", "content": md_text(message, keep_lines=True)}, {"role": "assistant", "content": "…"}]
            yield history, "", gr.update(choices=[], value=None), "", st, gr.update(interactive=False)
            if not builder.done.is_set():  # first start: questions wait for the index, they do not fail
                history[-1] = {
                    "role": "assistant",
                    "content": "⏳ De index wordt nog gebouwd; uw vraag wordt daarna beantwoord. / "
                    "The index is still being built; your question is answered next.",
                }
                yield history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                builder.done.wait()
            text = ""
            final: Answer | None = None
            try:
                for piece in a.stream(message, history=list(st["turns"])):
                    if isinstance(piece, Answer):
                        final = piece
                    else:
                        text += piece
                        history[-1] = {"role": "assistant", "content": md_text(text, keep_lines=True)}
                        yield history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            except (EmptyQuestion, QuestionTooLong) as e:  # refused before any work: the question is not kept
                history = history[:-2]
                _warn(str(e))
                yield history, gr.skip(), gr.skip(), gr.skip(), st, gr.skip()
                return
            except Exception as e:
                history[-1] = {"role": "assistant", "content": f"⚠️ {md_text(_say(e))}"}
                yield history, gr.skip(), gr.skip(), gr.skip(), st, gr.skip()
                return
            if final is None:  # pragma: no cover - the facade always ends with an Answer
                return
            st = dict(st)
            st["answers"] = st["answers"] + [final]
            st["turns"] = st["turns"] + [(message, final.answer)]
            history[-1] = {"role": "assistant", "content": answer_markdown(a, final, turn)}
            choices = source_choices(a, final, turn)
            yield (
                history,
                gr.skip(),
                gr.update(choices=choices, value=None),
                answer_plain(a, final),
                st,
                gr.update(interactive=True),
            )

        ask_outputs = [chatbot, question, sources, copy_text, state, copy_btn]
        question.submit(
            ask,
            inputs=[question, chatbot, state],
            outputs=ask_outputs,
            concurrency_id="chat",
            concurrency_limit=CHAT_CONCURRENCY,
            api_name="ask",
            show_progress="minimal",
        )

        def ask_example(evt: gr.SelectData, history: list[Any], st: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
            value = evt.value
            text = value.get("text", "") if isinstance(value, dict) else str(value)
            yield from ask(text, history, st)

        chatbot.example_select(
            ask_example,
            inputs=[chatbot, state],
            outputs=ask_outputs,
            concurrency_id="chat",
            concurrency_limit=CHAT_CONCURRENCY,
            api_visibility="private",
        )

        def clear(st: dict[str, Any]) -> tuple[Any, ...]:
            st = dict(st)
            st["answers"], st["turns"] = [], []
            return [], gr.update(choices=[], value=None), "", EMPTY_SOURCE, gr.update(value=None, visible=False), st, gr.update(interactive=False)

        clear_btn.click(
            clear,
            inputs=[state],
            outputs=[chatbot, sources, copy_text, source_view, page_image, state, copy_btn],
            api_visibility="private",
        )
        copy_btn.click(None, inputs=[copy_text], outputs=None, js=COPY_JS)

        def open_source(key: str, st: dict[str, Any]) -> tuple[Any, Any]:
            if not key:
                return gr.skip(), gr.skip()
            try:
                turn_s, _, which = key.partition("-")
                answer = st["answers"][int(turn_s)]
                span, around = span_for_key(answer, which)
            except (ValueError, IndexError, KeyError):
                return (
                    '<div class="bron bron-leeg">Deze bron hoort bij een eerder gesprek. / '
                    "This source belongs to an earlier conversation.</div>",
                    gr.update(value=None, visible=False),
                )
            try:
                return show_span(session_assistant(st), span, around)
            except Exception as e:
                _warn(_say(e))
                return gr.skip(), gr.skip()

        sources.change(
            open_source,
            inputs=[sources, state],
            outputs=[source_view, page_image],
            concurrency_id="view",
            concurrency_limit=4,
            api_visibility="private",  # the radio's choices are per session: the API goes through the textbox
        )
        open_btn.click(
            None, inputs=[open_key], outputs=[open_key], js="(k) => window.__bronKey || k",
            api_visibility="private",
        ).then(
            open_source,
            inputs=[open_key, state],
            outputs=[source_view, page_image],
            concurrency_id="view",
            concurrency_limit=4,
            api_name="source",  # any key is accepted and checked against the session's answers
        )

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

        # --- handlers: settings ---------------------------------------------------------------------

        def apply_settings(
            mode: str, model: str, url: str, gguf: str, key_env: str, st: dict[str, Any]
        ) -> tuple[Any, ...]:
            model, url, gguf, key_env = (model or "").strip(), (url or "").strip(), (gguf or "").strip(), (key_env or "").strip()
            llm: dict[str, str] = {}
            if mode == "none":
                llm = {"llm": "", "llm_base_url": ""}
            elif mode in ("ollama", "openai"):
                if not model:
                    _warn("Vul de modelnaam in / enter the model name.")
                    return gr.skip(), gr.skip(), gr.skip()
                if mode == "openai" and not url and not key_env:
                    _warn("Vul de server-URL in / enter the server URL.")
                    return gr.skip(), gr.skip(), gr.skip()
                llm = {"llm": f"{mode}:{model}", "llm_base_url": url}
            else:
                if not gguf and not model:
                    _warn("Vul het pad naar het GGUF-bestand in / enter the path of the GGUF file.")
                    return gr.skip(), gr.skip(), gr.skip()
                path = gguf or model
                if not url and not Path(path).expanduser().is_file():
                    _warn(f"Geen bestand op / no file at {path}")
                    return gr.skip(), gr.skip(), gr.skip()
                llm = {"llm": f"llamacpp:{path}", "llm_base_url": url}
            if key_env:
                llm["llm_api_key_env"] = key_env
            st = dict(st)
            st["llm"] = llm if (llm.get("llm") or settings.llm) else {}
            a = session_assistant(st)
            if llm.get("llm"):
                try:
                    a.chat_model()
                except Exception as e:
                    _warn(_say(e))
                err = a.chat_error
                if err:
                    _warn(f"Taalmodel niet beschikbaar / LLM unavailable: {err}")
                else:
                    _info("Taalmodel ingesteld / LLM set: " + llm["llm"])
            else:
                _info("Extractieve modus / extractive mode")
            text = _mode_text(st["llm"], settings)
            return text, text, st

        apply_btn.click(
            apply_settings,
            inputs=[llm_mode, llm_model, llm_url, llm_gguf, llm_key_env, state],
            outputs=[settings_status, mode_line, state],
            api_visibility="private",
        )

        # the commitments table is filled when its tab opens (so it follows uploads and removals)
        commit_tab.select(refresh_commitments, inputs=filters, outputs=commit_outputs, api_visibility="private", **common)
    return demo


def _building_status(builder: IndexBuilder) -> str:
    """The first-start banner: what is being done, with a progress bar."""
    head = (
        "⏳ **Eerste start: de index wordt gebouwd uit de meegeleverde brieven (één keer).** / "
        "First start: building the index from the bundled letters (once)."
    )
    snap = builder.progress.snapshot()
    if snap is None:
        return head
    frac = snap.fraction()
    bar = (
        f'<progress value="{snap.done}" max="{snap.total}" style="width: 320px; vertical-align: middle;"></progress> '
        f"{round(100 * frac)}%"
        if frac is not None
        else ""
    )
    return f"{head}  \n{bar} {html.escape(snap.describe())}"


def _status_line(assistant: Any) -> str:
    try:
        n = len(assistant.index.documents)
    except BronwijsError as e:
        return f"⚠️ {md_text(str(e))}"
    if not n:
        return "De index is leeg: voeg documenten toe (tab Documenten). / The index is empty: add documents."
    return f"📚 {n} documenten in de index / documents in the index"


def _index_info(assistant: Any) -> str:
    try:
        idx = assistant.index
    except BronwijsError as e:
        return f"⚠️ {md_text(str(e))}"
    docs = len(idx.documents)
    return (
        f"{docs} documenten / documents, {len(idx.chunks)} stukken / chunks · index: `{idx.path}` · "
        f"embedder: `{idx.embedder_name}`"
    )


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


def main(settings: Settings | None = None, port: int = 7860, *, host: str = "127.0.0.1") -> None:
    """Start the app on ``settings`` (default: ``load_settings()``); builds the index on first start."""
    from assistant.service import Assistant

    logging.basicConfig(level=(settings.log_level if settings else "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    settings = settings or load_settings()
    pool = Assistants(Assistant(settings))
    builder = IndexBuilder(pool)
    builder.start()
    demo = build_app(pool, builder=builder)
    print(f"bronwijs: index {settings.index_dir}; open http://{host}:{port}", flush=True)
    launch(demo, port=port, host=host, max_upload_mb=settings.max_upload_mb)


def _cli(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Bronwijs web app (Gradio).")
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: $BRONWIJS_INDEX or the user data folder)")
    parser.add_argument("--config", type=Path, default=None, help="config file (default: $BRONWIJS_CONFIG or ./bronwijs.toml)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: localhost only)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, index_dir=args.index)
    except BronwijsError as e:
        raise SystemExit(f"bronwijs: {e}") from None
    main(settings, port=args.port, host=args.host)


if __name__ == "__main__":
    _cli()

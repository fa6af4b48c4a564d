"""What the web page shows as text: answers with clickable citations, the documents and
commitments tables, status lines, and messages (toasts, escaped). Split out of ``build_app``."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.errors import BronwijsError, IndexMissing
from assistant.markup import md_link, md_text
from assistant.types import Answer, Document, Span
from assistant.web.state import IndexBuilder

log = logging.getLogger("bronwijs.app")

UNITS_NL = {"day": "dagen", "week": "weken", "month": "maanden", "year": "jaar"}
KIND_LABELS = {"norm": "norm", "deadline": "deadline", "funding": "financiering / funding"}


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
    if answer.confidence is not None and not answer.declined:
        from assistant.render import confidence_text

        lines.append(
            "\n_zekerheid (kans dat het antwoord klopt) / confidence (chance the answer is right): "
            f"{md_text(confidence_text(answer.confidence))}_"
        )
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


# --- documents and commitments --------------------------------------------------------------------

DOC_COLUMNS = [
    "Document", "Titel / title", "Soort / kind", "Auteurs / authors", "Datum / date", "Pagina's / pages", "Stukken / chunks"
]


def documents_table(assistant: Any) -> list[list[Any]]:
    try:
        rows = assistant.index.list_documents()
    except IndexMissing:
        return []
    return [
        [r["doc"], r["title"], r["kind"], ", ".join(r["authors"]), r["date"] or "", r["pages"], r["chunks"]]
        for r in rows
    ]


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



"""Plain terminal text for an ``Answer``: the answer, then numbered citations (doc, page, quote).

A declined answer shows the nearest passages instead, so the reader can look for themselves.
No colours or markup: the text is the same in a pipe, a log and a terminal. Control characters in
document or model text (terminal escape sequences, bidirectional overrides) are shown as spaces, so
a document cannot move the cursor, recolour or clear the terminal.
"""

from __future__ import annotations

import re
import textwrap

from assistant.types import Answer, Passage, Span

QUOTE_CHARS = 300
WIDTH = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _safe(text: str) -> str:
    return _CONTROL.sub(" ", text)


def _one_line(text: str, limit: int = QUOTE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _where(span: Span, page_label: str | None = None) -> str:
    return f"{span.doc}, p. {page_label or span.page}"


def answer_to_text(answer: Answer, *, page_labels: dict[str, tuple[str, ...]] | None = None) -> str:
    """The answer for the terminal, without control characters from documents or models (see above)."""
    return "\n".join(_safe(line) for line in _answer_to_text(answer, page_labels=page_labels).split("\n"))


def _answer_to_text(answer: Answer, *, page_labels: dict[str, tuple[str, ...]] | None = None) -> str:
    """The answer for the terminal.

    :param page_labels: printed page labels per ``doc_sha256`` (``Document.page_labels``), when the
        caller has them; otherwise physical page numbers are shown.
    """
    labels = page_labels or {}

    def label(span: Span) -> str:
        lab = labels.get(span.doc_sha256, ())
        if 0 < span.page <= len(lab) and lab[span.page - 1]:
            return lab[span.page - 1]
        return str(span.page)

    lines: list[str] = []
    if answer.standalone_question:
        lines.append(f"(gelezen als / read as: {answer.standalone_question})")
    if answer.declined:
        lines.append(textwrap.fill(answer.answer, WIDTH))
        if answer.passages:
            lines.append("")
            lines.append("Dichtstbijzijnde passages / Nearest passages:")
            lines.extend(_passages(answer.passages, label))
    else:
        numbers: dict[tuple[str, int, int], int] = {}
        for c in answer.citations:
            numbers.setdefault((c.span.doc_sha256, c.span.char_start, c.span.char_end), len(numbers) + 1)
        marks = " ".join(
            f"[{numbers[(c.span.doc_sha256, c.span.char_start, c.span.char_end)]}]" for c in answer.citations
        )
        body = answer.answer + (f" {_dedupe(marks)}" if marks else "")
        lines.append(textwrap.fill(body, WIDTH))
        if numbers:
            lines.append("")
            lines.append("Bronnen / Sources:")
            seen: set[tuple[str, int, int]] = set()
            for c in answer.citations:
                key = (c.span.doc_sha256, c.span.char_start, c.span.char_end)
                if key in seen:
                    continue
                seen.add(key)
                head = f"[{numbers[key]}] {_where(c.span, label(c.span))}: "
                lines.append(
                    textwrap.fill(f"“{_one_line(c.span.text)}”", WIDTH, initial_indent=head, subsequent_indent="    ")
                )
    extra = []
    if answer.confidence is not None and not answer.declined:
        extra.append(f"zekerheid / confidence: {confidence_text(answer.confidence)}")
    if answer.mode and answer.mode != "extractive":
        extra.append(f"modus / mode: {answer.mode}")
    if answer.notice:
        extra.append(answer.notice)
    if extra:
        lines.append("")
        lines.extend(textwrap.fill(e, WIDTH) for e in extra)
    return "\n".join(lines)


def confidence_text(c: float) -> str:
    """"72%": the calibrated chance that the answer is right, in whole percents (never 0% or 100%);
    below one in two the reader is asked to check the source."""
    text = f"{min(99, max(1, round(100 * c)))}%"
    return text + (" — onzeker, controleer de bron / uncertain, check the source" if c < 0.5 else "")


def _dedupe(marks: str) -> str:
    out: list[str] = []
    for m in marks.split():
        if m not in out:
            out.append(m)
    return "".join(out)


def _passages(passages: tuple[Passage, ...], label) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for i, p in enumerate(passages[:3], 1):
        head = f"{i}. {_where(p.span, label(p.span))}: "
        out.append(textwrap.fill(_one_line(p.span.text, 240), WIDTH, initial_indent=head, subsequent_indent="    "))
    return out

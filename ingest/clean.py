"""Raw extracted text -> canonical text: words whole, paragraphs whole, footnotes set apart.

PDF text (and the bundled letters, which are PDF text saved as .txt) wraps lines by hand, splits
words with a hyphen at the line end, and puts footnotes, running headers and page numbers wherever
a page ended, often in the middle of a sentence. Citations quote whole sentences, so the cleaner
works line by line: it takes those lines out of the flow, rejoins the sentence they interrupted and
puts them back after that paragraph as asides (``Document.asides``), so nothing is lost and nothing
pollutes body text. Bare page numbers are dropped: ``page_starts`` and ``page_labels`` hold them.

Body words are never dropped; the only edits are joins (``jeugdbe-|scherming``), whitespace, and a
footnote marker glued to a word (``Jeugd1``), removed only when its footnote was found.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from assistant.types import Document

_HYPHENS = "-\u00ad\u2010\u2011"
_KEEP_HYPHEN_BEFORE = {"en", "of", "tot", "t/m", "noch", "en/of"}  # jeugd- en gezinsbescherming
# A line ending in one of these words cannot end a sentence or a heading.
_FUNCTION_WORDS = frozenset(
    "de het een van en of in op met voor aan te die dat door bij naar om tot over als is zijn "
    "wordt worden heeft hebben kan kunnen moet moeten zal zullen deze dit ook niet nog wel maar "
    "want dus uit tegen onder na zoals waar wat welke hun haar ons onze uw zich er al meer dan "
    "per via tussen binnen zonder the of and to a an in for".split()
)
_LIST_ITEM = re.compile(r"(?:[–\-•·▪●◦*\uf0b7\uf0a7]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
_ENUMERATED = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVXLC]{1,5}\.|Ad \d{1,2}\))\s+\S")
_ROMAN = re.compile(r"[IVXLC]{1,5}\.\s")
_INITIALS = re.compile(r"(?:[a-z]{2,4}\.\s+)?(?:[A-Z]\.){1,4}\s*[A-Z]")  # "S. Dekker", "drs. M.J."
_URL_TAIL = re.compile(r"(?:https?://|www\.)\S*$")
_TERMINAL = re.compile(r"[.!?:;][)»”’\"']*$")
_FOOTNOTE = re.compile(r"(\d{1,3})\s+(\S.*)")
_PAGE_NUMBER = re.compile(
    r"(?:pagina|page|blz\.?|p\.)?\s*[-–]?\s*(\d{1,4})\s*[-–]?\s*(?:(?:van|of|/)\s*\d{1,4})?",
    re.IGNORECASE,
)
_MARKER_BEFORE = set(".,;:!?)»”’\"']")
_MAX_FOOTNOTE_LINES = 25
_TRUSTED_BLANK_LINES = {"xml", "html", "docx", "md"}  # a blank line there is a real paragraph end


@dataclasses.dataclass(slots=True)
class _Line:
    text: str
    page: int
    lead: bool = False  # began with a space: where a page began in pdftotext-style .txt files
    kind: str = "body"  # body | blank | aside | drop
    group: int = -1  # aside lines of one footnote or one running header share a group


def clean(doc: Document) -> Document:
    """Dehyphenate, unwrap, set footnotes/headers apart, find headings, NFC, remap pages."""
    pages = _pages(doc)
    lines = [
        _Line(
            " ".join(raw.split()),
            p,
            raw[:1].isspace() and bool(raw.strip()),
            "body" if raw.strip() else "blank",
        )
        for p, page in enumerate(pages)
        for raw in page.split("\n")
    ]
    groups = _Groups()
    if len(pages) > 1:
        _mark_furniture(lines, len(pages), doc.page_labels, groups)
    _mark_footnotes(lines, len(pages) > 1, groups)
    return _assemble(doc, lines, len(pages), groups)


def _pages(doc: Document) -> list[str]:
    bounds = [*doc.page_starts, len(doc.text)]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        page = doc.text[a:b].replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
        page = unicodedata.normalize("NFC", page).replace("\t", " ").replace("\u00a0", " ")
        page = re.sub("\u00ad(?!\n)", "", page)  # a soft hyphen inside a line is invisible
        out.append(page.strip("\n"))
    return out


class _Groups:
    """Numbers aside groups (one footnote, one header line) in the order they are found."""

    def __init__(self) -> None:
        self.n = 0

    def new(self) -> int:
        self.n += 1
        return self.n


# --- running headers, footers, page numbers --------------------------------------------------------


def _mark_furniture(lines: list[_Line], n_pages: int, labels: tuple[str, ...], groups: _Groups) -> None:
    """Lines repeated at the top or bottom of many pages, and bare page numbers."""
    by_page: list[list[int]] = [[] for _ in range(n_pages)]
    for i, ln in enumerate(lines):
        if ln.kind == "body":
            by_page[ln.page].append(i)
    edges = [idx[:2] + idx[-3:] if len(idx) > 5 else idx for idx in by_page]
    counts: dict[str, int] = {}
    for idx in edges:
        for key in {_furniture_key(lines[i].text) for i in idx}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(3, int(0.3 * n_pages))
    for p, idx in enumerate(edges):
        for i in idx:
            text = lines[i].text
            m = _PAGE_NUMBER.fullmatch(text)
            if m and (abs(int(m[1]) - (p + 1)) <= 10 or (p < len(labels) and labels[p] == m[1])):
                lines[i].kind = "drop"
                continue
            key = _furniture_key(text)
            repeated = counts[key] >= needed and len(key) >= 12
            bottom = i in by_page[p][-3:]
            numbered_footer = (
                bottom
                and len(text.split()) >= 4
                and not _TERMINAL.search(text)
                and re.search(rf"(?<!\d){p + 1}$", text) is not None
                and re.search(r"(?:19|20)\d\d|pagina|blz", text, re.IGNORECASE) is not None
            )
            if repeated or numbered_footer:
                lines[i].kind, lines[i].group = "aside", groups.new()


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


# --- footnotes -------------------------------------------------------------------------------------


def _mark_footnotes(lines: list[_Line], real_pages: bool, groups: _Groups) -> None:
    """Find footnote blocks (``1 Raadpleegbaar via ...``) whose glued marker precedes them."""
    expected, window_start, i = 1, 0, 0
    while i < len(lines):
        ln = lines[i]
        m = _FOOTNOTE.fullmatch(ln.text) if ln.kind == "body" else None
        if m is None or not expected <= int(m[1]) <= expected + 2:
            i += 1
            continue
        notes, end = _footnote_block(lines, i, int(m[1]))
        at_page_end = end >= len(lines) or lines[end].page != ln.page or lines[end].lead
        lo = window_start
        if real_pages:  # a footnote's reference is on its own page
            while lo < i and lines[lo].page != ln.page:
                lo += 1
        marker = _find_marker(lines, lo, i, int(m[1]))
        if not at_page_end or marker is None or end - i > _MAX_FOOTNOTE_LINES:
            i += 1
            continue
        for number, members in notes:
            found = marker if number == int(m[1]) else _find_marker(lines, lo, i, number)
            if found is not None:
                j, a, b = found
                lines[j].text = (lines[j].text[:a] + lines[j].text[b:]).rstrip()
            group = groups.new()
            for k in members:
                lines[k].kind, lines[k].group = "aside", group
        expected = notes[-1][0] + 1
        window_start = i = end


def _footnote_block(lines: list[_Line], start: int, number: int) -> tuple[list[tuple[int, list[int]]], int]:
    """The footnotes from ``start`` on, each with its lines; and the index just past the block."""
    notes: list[tuple[int, list[int]]] = [(number, [start])]
    page, k = lines[start].page, start + 1
    while k < len(lines):
        ln = lines[k]
        if ln.page != page or ln.lead:
            break
        if ln.kind == "blank":
            nxt = k + 1
            while nxt < len(lines) and lines[nxt].kind == "blank" and lines[nxt].page == page:
                nxt += 1
            if nxt >= len(lines) or lines[nxt].page != page or lines[nxt].lead:
                k = nxt
                break
            m = _FOOTNOTE.fullmatch(lines[nxt].text)
            last = lines[notes[-1][1][-1]].text
            if (m and int(m[1]) == notes[-1][0] + 1) or _continues(last, lines[nxt].text):
                k = nxt
                continue
            break
        if ln.kind == "body":
            m = _FOOTNOTE.fullmatch(ln.text)
            if m and int(m[1]) == notes[-1][0] + 1:
                notes.append((int(m[1]), [k]))
            else:
                notes[-1][1].append(k)
        k += 1
    return notes, k


def _continues(a: str, b: str) -> bool:
    """True when line ``b`` carries on the sentence of ``a`` across a blank line."""
    return bool(b) and not _TERMINAL.search(a) and (b[0].islower() or a[-1:] in _HYPHENS)


def _find_marker(lines: list[_Line], lo: int, hi: int, number: int) -> tuple[int, int, int] | None:
    """The last marker ``number`` glued to a word or punctuation in body lines[lo:hi]."""
    pattern = re.compile(rf"(?<!\d){number}(?![\w%,])")
    for j in range(hi - 1, lo - 1, -1):
        if lines[j].kind != "body":
            continue
        text = lines[j].text
        for m in reversed(list(pattern.finditer(text))):
            a = m.start()
            before = text[a - 1] if a else " "
            glued = (before.isalpha() and not before.isupper()) or before in _MARKER_BEFORE
            if before in ".," and a >= 2 and text[a - 2].isdigit():  # 1,5 and 3.000 are numbers
                glued = False
            if before.isalpha() and (a < 2 or not text[a - 2].isalpha()):  # m3, x2: units, codes
                glued = False
            if glued:
                return j, a, m.end()
    return None


# --- assembling the text ---------------------------------------------------------------------------


def _assemble(doc: Document, lines: list[_Line], n_pages: int, groups: _Groups) -> Document:
    trusted = doc.fmt in _TRUSTED_BLANK_LINES
    lengths = sorted(len(ln.text) for ln in lines if ln.kind == "body")
    width = max(40, lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80)
    aside_text = _aside_texts(lines)

    buf: list[str] = []
    pos = 0
    paragraphs: list[tuple[int, int, bool]] = []  # start, end, is_aside
    para_start, para_lines = 0, 0
    pending: list[str] = []
    page_starts: list[int | None] = [None] * n_pages
    prev: _Line | None = None
    gap = "wrap"

    def emit(piece: str) -> None:
        nonlocal pos
        buf.append(piece)
        pos += len(piece)

    def flush_asides() -> None:
        nonlocal pos
        for text in pending:
            if pos:
                emit("\n\n")
            paragraphs.append((pos, pos + len(text), True))
            emit(text)
        pending.clear()

    line_sep: int | None = None  # index in buf of the "\n" before the current line

    def split_heading_line(start: int) -> int:
        """A heading that ended a list ("...inspraak.\n2. Voorlopige cijfers") gets its own paragraph."""
        nonlocal pos, line_sep
        if line_sep is None:
            return start
        at = sum(len(piece) for piece in buf[: line_sep + 1])  # where the last line begins
        if not (_ENUMERATED.match(buf[line_sep + 1]) and _heading_like("".join(buf[line_sep + 1 :]))):
            return start
        buf[line_sep] = "\n\n"
        pos += 1
        for i, s in enumerate(page_starts):
            if s is not None and s >= at:
                page_starts[i] = s + 1
        paragraphs.append((start, at - 1, False))
        line_sep = None
        return at + 1

    for ln in lines:
        if ln.kind == "aside":
            if ln.group in aside_text:
                pending.append(aside_text.pop(ln.group))
            gap = "blank"
            continue
        if ln.kind in ("blank", "drop"):
            gap = "blank"
            continue
        text = ln.text
        if prev is None:
            flush_asides()
            if pos:
                emit("\n\n")
            para_start, para_lines = pos, 1
        else:
            if ln.page != prev.page:
                gap = "blank"
            drop_hyphen, sep = _separator(prev.text, text, gap, para_lines == 1, trusted, width)
            if drop_hyphen:
                buf[-1] = buf[-1][:-1]
                pos -= 1
            if sep == "\n\n":
                para_start = split_heading_line(para_start)
                paragraphs.append((para_start, pos, False))
                flush_asides()
                emit("\n\n")
                para_start, para_lines = pos, 1
            else:
                emit(sep)
                para_lines += 1
            if sep.startswith("\n"):
                line_sep = len(buf) - 1 if sep == "\n" else None
        if page_starts[ln.page] is None:
            page_starts[ln.page] = pos
        emit(text)
        prev, gap = ln, "wrap"
    if prev is not None:
        para_start = split_heading_line(para_start)
        paragraphs.append((para_start, pos, False))
    pending.extend(aside_text.values())
    flush_asides()

    text = "".join(buf)
    starts = _fill_page_starts(page_starts, len(text))
    paragraphs.sort()
    return dataclasses.replace(
        doc,
        text=text,
        page_starts=tuple(starts),
        asides=tuple((a, b) for a, b, aside in paragraphs if aside),
        headings=_headings(text, paragraphs),
    )


def _aside_texts(lines: list[_Line]) -> dict[int, str]:
    """Each aside group's lines joined into one paragraph, in the order the groups appear."""
    members: dict[int, list[str]] = {}
    for ln in lines:
        if ln.kind == "aside":
            members.setdefault(ln.group, []).append(ln.text)
    out = {}
    for group, texts in members.items():
        joined = texts[0]
        for t in texts[1:]:
            drop, sep = _separator(joined, t, "wrap", False, False, 10**6)
            joined = (joined[:-1] if drop else joined) + (" " if sep.startswith("\n") else sep) + t
        out[group] = joined
    return out


def _fill_page_starts(starts: list[int | None], length: int) -> list[int]:
    """Pages without body text start where the next page does; offsets never go backwards."""
    out = [0] * len(starts)
    nxt = length
    for i in range(len(starts) - 1, -1, -1):
        nxt = starts[i] if starts[i] is not None else nxt  # type: ignore[assignment]
        out[i] = nxt
    out[0] = 0
    for i in range(1, len(out)):
        out[i] = max(out[i], out[i - 1])
    return out


def _separator(a: str, b: str, gap: str, first_line: bool, trusted: bool, width: int) -> tuple[bool, str]:
    """How line ``b`` follows line ``a``: (drop a's final hyphen?, separator)."""
    if a[-1:] in _HYPHENS and len(a) >= 2 and a[-2].isalnum() and b[:1].isalpha():
        if gap == "wrap" or not trusted:
            if a[-1] == "\u00ad":
                return True, ""
            if _URL_TAIL.search(a):
                return False, ""  # a web address broken at its own hyphen
            word = re.match(r"[\w/]+", b)
            if word and word.group().casefold() in _KEEP_HYPHEN_BEFORE:
                return False, " "
            if b[0].isupper() or a[-2].isupper() or a[-2].isdigit():
                return False, ""  # Jeugd-|GGZ, JB-|West, GGZ-|instellingen, COVID-19-|patiënten
            return True, ""
    if b.startswith("#") or a.startswith("#"):
        return False, "\n\n"
    if _LIST_ITEM.match(b):
        return False, "\n" if gap == "wrap" else "\n\n"
    starts_new = b[:1].isupper() or b[:1].isdigit() or b[:1] in "«‘“\"'("
    if gap == "blank":
        if trusted:
            return False, "\n\n"
        last = a.rsplit(" ", 1)[-1].casefold()
        carries_on = (
            b[:1].islower()
            or (b[:1].isdigit() and not _ENUMERATED.match(b))
            or b[:1] == "("
            or last in _FUNCTION_WORDS
        )
        return False, " " if carries_on and not _TERMINAL.search(a) else "\n\n"
    if first_line and starts_new and _heading_like(a, width):
        return False, "\n\n"
    if _TERMINAL.search(a) and len(b) < 0.5 * width and _heading_like(b, width):
        return False, "\n\n"  # "... nr. 1843." then "Vraag 1": a heading after a full line
    if starts_new and _TERMINAL.search(a) and len(a) < 0.75 * width:
        return False, "\n\n"  # a short line that ends a sentence ends its paragraph
    return False, " "


def _heading_like(t: str, width: int = 10**6) -> bool:
    """Short, no final punctuation (a Roman-numbered heading may end in a full stop)."""
    words = t.split()
    if not 1 <= len(words) <= 12 or len(t) > min(100, 0.75 * width):
        return False
    if t.startswith("#"):
        return True
    enumerated = _ENUMERATED.match(t) is not None
    if t[-1] in ",;:!?" or t[-1] in _HYPHENS:
        return False
    if t.endswith(".") and not _ROMAN.match(t):
        return False
    if _INITIALS.match(t) or _LIST_ITEM.match(t) and not enumerated:
        return False
    if not enumerated and ("," in t or not t[0].isupper()):
        return False
    return words[-1].casefold() not in _FUNCTION_WORDS


def _headings(text: str, paragraphs: list[tuple[int, int, bool]]) -> tuple[tuple[int, str], ...]:
    """Single-line heading-like paragraphs followed by body text (or by a numbered sub-heading)."""
    body = [(a, text[a:b]) for a, b, aside in paragraphs if not aside]
    out = []
    for (start, para), (_, nxt) in zip(body, body[1:], strict=False):
        if "\n" in para or not _heading_like(para):
            continue
        if len(nxt.split()) >= 6 or _LIST_ITEM.match(nxt) or _ENUMERATED.match(nxt):
            out.append((start, para.lstrip("#").strip()))
    return tuple(out)

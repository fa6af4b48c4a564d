"""Files -> raw Documents: one per file, one per record of a JSON list, or an UnreadableDocument.

Loaders return the text as extracted (cleaning is ``ingest/clean.py``'s job) with page offsets, so
the cleaner can keep pages and the citations can name them. Every refusal is one line, Dutch and
English, and says what to do about it, because it ends up in the ingest report a user reads.

PDF text comes from pypdfium2, labels, metadata and encryption from pypdf. Measured on this
machine (2 cores): pypdf extracts about 30 pages/s (begroting_2024.pdf, 121 pp: 4.1 s; Iv3, 86 pp:
2.9 s), pypdfium2 about 650 pages/s (0.19 s and 0.13 s) with the same words and every gold quote
found. pypdf reads the page-label tree and the document information cheaply, so it keeps those jobs.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import UnreadableDocument
from assistant.lang.lexicon import MONTH_ABBR, MONTHS
from assistant.types import Document

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".pdf", ".txt", ".xml", ".md", ".markdown", ".html", ".htm", ".docx", ".json"}
)
PAGE_SEPARATOR = "\n\f\n"  # between PDF pages; page i+1 begins right after it
MANIFEST_NAME = "MANIFEST.tsv"


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes: a document's identity, the same after renaming."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_path(path: Path, *, max_bytes: int) -> list[Document]:
    """Read one file into raw Documents, or raise UnreadableDocument saying why and what to do."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = " ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnreadableDocument(
            str(path),
            f"bestandstype niet ondersteund / unsupported file type {suffix or '(none)'!r}; "
            f"supported: {supported}",
        )
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableDocument(str(path), "bestand niet gevonden / file not found") from None
    if size > max_bytes:
        raise UnreadableDocument(
            str(path),
            f"te groot / too large ({size / 1e6:.1f} MB > limit {max_bytes / 1e6:.1f} MB; raise max_file_mb)",
        )
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableDocument(str(path), "leeg bestand / empty file")
    docs = _LOADERS[suffix](path, data)
    meta = _manifest_row(path)
    if meta:
        docs = [_with_manifest(d, meta) for d in docs]
    return docs


# --- PDF -----------------------------------------------------------------------------------------


def _load_pdf(path: Path, data: bytes) -> list[Document]:
    import pypdf
    import pypdfium2 as pdfium

    reader = _pypdf_reader(path, data)
    password = None
    if reader is not None and reader.is_encrypted:
        if not reader.decrypt(""):
            raise UnreadableDocument(
                str(path),
                "versleuteld / encrypted PDF (needs a password); save an unprotected copy "
                "(e.g. qpdf --decrypt --password=... in.pdf out.pdf) and ingest that",
            )
        password = ""
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise UnreadableDocument(
                str(path), "versleuteld / encrypted PDF (needs a password); save an unprotected copy"
            ) from e
        raise UnreadableDocument(
            str(path), f"beschadigd of afgebroken / corrupt or truncated PDF ({e}); re-download it"
        ) from e
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            # pdfium writes U+FFFE where it removed a hyphen and its line break: put both back,
            # so the cleaner decides (jeugdbe-|scherming -> one word; welzijns-|en stays two).
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\ufffe", "-\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if not pages:
        raise UnreadableDocument(str(path), "geen pagina's / PDF has no pages")
    if not any(p.strip() for p in pages):
        raise UnreadableDocument(
            str(path),
            "geen tekstlaag / no text layer (scanned image?); run OCR first, e.g. "
            "ocrmypdf -l nld in.pdf out.pdf",
        )
    starts, pos = [], 0
    for p in pages:
        starts.append(pos)
        pos += len(p) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(pages)
    labels: tuple[str, ...] = ()
    title, date = "", None
    if reader is not None:
        try:
            labels = _page_labels(reader, len(pages))
            title, date = _pdf_info(reader)
        except (pypdf.errors.PyPdfError, KeyError, ValueError, TypeError) as e:
            log.info("pdf metadata unreadable path=%s error=%s", path, e)
    first = pages[0]
    title = title or _first_substantial_line(first)
    date = _find_date(first, preferred_only=True) or date or _find_date(first)
    return [
        Document(
            doc=path.name,
            sha256=hashlib.sha256(data).hexdigest(),
            text=text,
            page_starts=tuple(starts),
            page_labels=labels,
            title=title,
            date=date,
            source=str(path),
            fmt="pdf",
        )
    ]


def _pypdf_reader(path: Path, data: bytes) -> Any:
    """A pypdf reader for labels, metadata and encryption; raises only for hopeless files."""
    import pypdf

    try:
        return pypdf.PdfReader(io.BytesIO(data), strict=False)
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError) as e:
        if not data.lstrip().startswith(b"%PDF"):
            raise UnreadableDocument(
                str(path), "geen PDF / not a PDF file (no %PDF header); check the file"
            ) from e
        log.info("pypdf cannot read path=%s error=%s; trying pdfium alone", path, e)
        return None


def _page_labels(reader: Any, n: int) -> tuple[str, ...]:
    """Printed page labels, only where the PDF defines them (else page numbers are the labels)."""
    root = reader.trailer["/Root"]
    if "/PageLabels" not in root:
        return ()
    labels = list(reader.page_labels)
    return tuple(labels[:n]) if len(labels) >= n else ()


_JUNK_TITLE = re.compile(
    r"^(none|null|untitled|titel|title|document\d*|microsoft word.*|.*\.(docx?|pdf|odt|rtf|indd))$",
    re.IGNORECASE,
)


def _meaningful(value: object) -> str:
    text = " ".join(str(value or "").split())
    if len(text) < 4 or _JUNK_TITLE.match(text) or sum(c.isalpha() for c in text) < 4:
        return ""
    return text


def _pdf_info(reader: Any) -> tuple[str, str | None]:
    meta = reader.metadata
    if meta is None:
        return "", None
    title = _meaningful(meta.get("/Title")) or _meaningful(meta.get("/Subject"))
    date = None
    raw = str(meta.get("/CreationDate") or "")
    if m := re.match(r"D:(\d{4})(\d{2})(\d{2})", raw):
        date = _iso(int(m[1]), int(m[2]), int(m[3]))
    return title, date


# --- text, Markdown, HTML, DOCX --------------------------------------------------------------------


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is dropped), or a refusal that says how to convert the file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        guess = _guess_encoding(data) or "WINDOWS-1252"
        raise UnreadableDocument(
            str(path),
            f"geen UTF-8 / not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}; looks like "
            f"{guess}); convert it, e.g. iconv -f {guess} -t UTF-8 in > out",
        ) from e


def _guess_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return best.encoding.upper().replace("_", "-") if best else None


def _text_document(
    path: Path, data: bytes, text: str, fmt: str, title: str = "", date: str | None = None
) -> Document:
    """A text document; a form feed starts a new page."""
    starts = [0, *(m.end() for m in re.finditer("\f", text))]
    starts = [s for s in starts if s < len(text)] or [0]
    head = text[:3000]
    return Document(
        doc=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        page_starts=tuple(starts),
        title=title or _first_substantial_line(head),
        date=date or _find_date(head, preferred_only=True),
        source=str(path),
        fmt=fmt,
    )


def _load_txt(path: Path, data: bytes) -> list[Document]:
    return [_text_document(path, data, _decode(path, data), "txt")]


def _load_md(path: Path, data: bytes) -> list[Document]:
    text = _decode(path, data)
    heading = re.search(r"^#{1,3}\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return [_text_document(path, data, text, "md", heading[1] if heading else "")]


_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr ul".split()
)
_SKIP_TAGS = frozenset("script style noscript template head svg iframe object".split())


def _load_html(path: Path, data: bytes) -> list[Document]:
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(data, "lxml")
    parts: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, CDATA or doctype
                    parts.append(_edge_spaces(str(child)) if child.strip() else " ")
                continue
            if not isinstance(child, Tag) or child.name in _SKIP_TAGS:
                continue
            if child.name == "br":
                parts.append("\n")
            elif child.name in _BLOCK_TAGS:
                parts.append("\n\n")
                if child.name == "li":
                    parts.append("– ")
                walk(child)
                parts.append("\n\n")
            elif child.name in {"td", "th"}:
                walk(child)
                parts.append(" ")
            else:
                walk(child)

    walk(soup.body or soup)
    text = _tidy_blocks("".join(parts))
    if not text.strip():
        raise UnreadableDocument(str(path), "geen tekst / HTML page has no text")
    title = ""
    if soup.title and soup.title.string:
        title = " ".join(soup.title.string.split())
    elif (h1 := soup.find("h1")) is not None:
        title = " ".join(h1.get_text(" ").split())
    date = None
    for meta in soup.find_all("meta"):
        name = str(meta.get("name") or meta.get("property") or "").lower()
        if name in {"date", "dcterms.date", "dc.date", "dcterms.issued", "article:published_time"}:
            date = _iso_prefix(str(meta.get("content") or ""))
            if date:
                break
    return [_text_document(path, data, text, "html", title, date)]


def _edge_spaces(raw: str) -> str:
    """Collapse whitespace inside an HTML text node but keep one space at each edge it had."""
    core = " ".join(raw.split())
    return (" " if raw[:1].isspace() else "") + core + (" " if raw[-1:].isspace() else "")


def _tidy_blocks(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _load_docx(path: Path, data: bytes) -> list[Document]:
    import zipfile

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise UnreadableDocument(
            str(path), f"beschadigd / corrupt .docx ({e}); open and re-save it in Word or LibreOffice"
        ) from e
    blocks: list[str] = []
    heading = ""
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            text = " ".join(para.text.split())
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            if style.lower().startswith(("heading", "kop", "title", "titel")):
                heading = heading or text
            elif style.lower().startswith(("list", "lijst")):
                text = "– " + text
            blocks.append(text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                if any(cells):
                    blocks.append(" | ".join(cells))
    text = "\n\n".join(blocks)
    if not text:
        raise UnreadableDocument(str(path), "geen tekst / .docx has no text")
    props = document.core_properties
    title = _meaningful(props.title) or heading
    created = props.created.date().isoformat() if props.created else None
    date = _find_date(text[:3000], preferred_only=True) or created
    return [_text_document(path, data, text, "docx", title, date)]


# --- XML (officielebekendmakingen) ------------------------------------------------------------------

_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]{1,3}"
)
_XML_SKIP = frozenset({"metadata", "meta"})


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was read as Windows-1252 and saved again (``cliÃ«nten`` -> ``cliënten``)."""

    def fix(m: re.Match[str]) -> str:
        try:
            return m.group().encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return m.group()

    return _MOJIBAKE.sub(fix, text)


def _load_xml(path: Path, data: bytes) -> list[Document]:
    from lxml import etree

    start = data.find(b"<")
    if start < 0:
        raise UnreadableDocument(str(path), "geen XML / not XML (no '<' found)")
    body = data[start:]
    if data[:start].startswith(b"\xc3\xaf\xc2\xbb\xc2\xbf"):  # a BOM that was itself mis-encoded
        body = _repair_mojibake(body.decode("utf-8", errors="replace")).encode("utf-8")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as e:
        raise UnreadableDocument(str(path), f"ongeldige XML / malformed XML ({e})") from e
    blocks: list[str] = []
    _xml_blocks(root, blocks)
    text = "\n\n".join(blocks)
    if not text:
        raise UnreadableDocument(str(path), "geen tekst / XML has no text")
    title = ""
    for xpath in ("//item-titel", "//stuk/titel", "//titel", "//kop"):
        hits = root.xpath(xpath)
        if hits:
            title = _inline_text(hits[0])
            break
    date = None
    for value in root.xpath("//@isodatum"):
        if date := _iso_prefix(str(value)):
            break
    for meta in root.xpath("//meta[@name]"):
        if not date and str(meta.get("name")).lower() in {
            "dcterms.issued",
            "dcterms.date",
            "overheidop.datumondertekening",
        }:
            date = _iso_prefix(str(meta.get("content") or ""))
    date = date or _find_date(text[:3000], preferred_only=True)
    return [_text_document(path, data, text, "xml", title, date)]


def _xml_blocks(node: Any, out: list[str]) -> None:
    """One paragraph per element that holds text itself (``al``, ``titel``, ``spreker``, ...)."""
    for child in node:
        if not isinstance(child.tag, str) or child.tag in _XML_SKIP:
            continue
        own = (child.text or "").strip() or any((g.tail or "").strip() for g in child)
        if own or len(child) == 0:
            if text := _inline_text(child):
                out.append(text)
        else:
            _xml_blocks(child, out)


def _inline_text(el: Any) -> str:
    """An element's text in one line: pretty-printing whitespace collapsed, no space before ``.,)``."""
    text = " ".join("".join(el.itertext()).split())
    text = re.sub(r"\s+([.,;:!?)\]])", r"\1", text)
    return re.sub(r"([(\[])\s+", r"\1", text)


# --- JSON records ----------------------------------------------------------------------------------

_TITLE_KEYS = ("titel", "title", "naam", "name", "onderwerp", "subject", "kop", "heading")
_SKIP_KEY = re.compile(r"(^|_)(id|uuid|url|uri|link|href|pdf|path|file|hash|sha\d*)(_|$)", re.I)
_MIN_FIELD_CHARS = 40  # shorter strings are labels (bron, type, domein), not text


def _load_json(path: Path, data: bytes) -> list[Document]:
    try:
        value = json.loads(_decode(path, data))
    except json.JSONDecodeError as e:
        raise UnreadableDocument(
            str(path), f"ongeldige JSON / not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        ) from e
    records = [value] if isinstance(value, dict) else value
    if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
        raise UnreadableDocument(
            str(path),
            "geen lijst van records / JSON is not a list of objects (or one object); "
            'expected [{"titel": ..., "tekst": ...}, ...]',
        )
    docs = []
    for n, rec in enumerate(records, 1):
        doc = _json_record(path, n, rec)
        if doc is None:
            log.info("json record without text path=%s record=%d", path, n)
            continue
        docs.append(doc)
    if not docs:
        raise UnreadableDocument(str(path), "geen tekst / no record has a text field")
    return docs


def _json_record(path: Path, n: int, rec: dict[str, Any]) -> Document | None:
    canonical = json.dumps(rec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    title_key = next((k for k in rec if k.lower() in _TITLE_KEYS and isinstance(rec[k], str)), None)
    title = " ".join(str(rec[title_key]).split()) if title_key else ""
    date = None
    for key, value in rec.items():
        if ("datum" in key.lower() or "date" in key.lower()) and isinstance(value, str):
            if date := _iso_prefix(value):
                break
    bodies = [
        value.strip()
        for key, value in rec.items()
        if key != title_key
        and isinstance(value, str)
        and not _SKIP_KEY.search(key)
        and len(value.strip()) >= _MIN_FIELD_CHARS
        and not value.lstrip().startswith(("[{", "{'", '{"', "http://", "https://"))  # data, links
    ]
    if not bodies:
        return None
    text = "\n\n".join([title, *bodies] if title else bodies)
    return Document(
        doc=f"{path.name}#{n}",
        sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        text=text,
        title=title or _first_substantial_line(text),
        date=date,
        source=str(path),
        fmt="json-record",
    )


# --- metadata helpers ------------------------------------------------------------------------------

_MONTHS = {**MONTHS, **MONTH_ABBR}  # the shared lexicon (assistant.lang.lexicon)
_DATE = (
    r"(?P<d>\d{1,2})\s+(?P<m>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})[-/.](?P<m2>\d{1,2})[-/.](?P<y2>\d{4})"
)
_ANY_DATE = re.compile(_DATE, re.IGNORECASE)
_PREFERRED_DATE = re.compile(
    r"(?:den haag|'s-gravenhage|’s-gravenhage|datum|ontvangen|voorgesteld|vastgesteld|gedateerd)"
    r"[,:]?\s+(?:\w+\s+)?(?:" + _DATE + ")",
    re.IGNORECASE,
)


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _iso_prefix(value: str) -> str | None:
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    return _iso(int(m[1]), int(m[2]), int(m[3])) if m else None


def _find_date(text: str, *, preferred_only: bool = False) -> str | None:
    """A Dutch date: after "Den Haag," / "Datum" first; with ``preferred_only`` nothing else."""
    for pattern in (_PREFERRED_DATE,) if preferred_only else (_PREFERRED_DATE, _ANY_DATE):
        for m in pattern.finditer(text):
            if m["d"]:
                iso = _iso(int(m["y"]), _MONTHS[m["m"].lower()], int(m["d"]))
            else:
                iso = _iso(int(m["y2"]), int(m["m2"]), int(m["d2"]))
            if iso:
                return iso
    return None


def _first_substantial_line(text: str) -> str:
    """The first line that reads like a title: three or more words, mostly letters."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for line in lines:
        if len(line.split()) >= 3 and sum(c.isalpha() for c in line) >= 10:
            return line[:200]
    return next((line[:200] for line in lines if sum(c.isalpha() for c in line) >= 4), "")


@functools.lru_cache(maxsize=64)
def _read_manifest(manifest: Path, mtime_ns: int) -> dict[str, dict[str, str]]:
    with manifest.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows or "file" not in rows[0]:
        return {}
    return {r["file"]: r for r in rows if r.get("file")}


def _manifest_row(path: Path) -> dict[str, str]:
    """Title and date for ``path`` from a MANIFEST.tsv beside it (columns file, title, date)."""
    manifest = path.parent / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    return _read_manifest(manifest, manifest.stat().st_mtime_ns).get(path.name, {})


def _with_manifest(doc: Document, row: dict[str, str]) -> Document:
    from dataclasses import replace

    if doc.fmt == "json-record":
        # one record of a list: the manifest row describes the file, the record its own title and date
        return replace(doc, title=doc.title or (row.get("title") or "").strip(), date=doc.date or _iso_prefix(row.get("date") or ""))
    title = (row.get("title") or "").strip() or doc.title
    date = _iso_prefix(row.get("date") or "") or doc.date
    return replace(doc, title=title, date=date)


_LOADERS: dict[str, Callable[[Path, bytes], list[Document]]] = {
    ".pdf": _load_pdf,
    ".txt": _load_txt,
    ".md": _load_md,
    ".markdown": _load_md,
    ".html": _load_html,
    ".htm": _load_html,
    ".docx": _load_docx,
    ".xml": _load_xml,
    ".json": _load_json,
}

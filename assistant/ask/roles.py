"""The structural role of a sentence in its document: what kind of line it is, not what it says.

Roles are recognised from layout conventions shared by whole kinds of documents (Kamervragen's
"Vraag 3" / "Antwoord 3" blocks, a decision list's attendance header, a letter's signature), never
from one document's words. The answer scorer learns what each role is worth.
"""

from __future__ import annotations

import re

from assistant.types import Document, per_document

ROLES = (
    "heading",  # a recorded heading, or a line of fewer than five words without a full stop
    "fragment",  # a line of fewer than ten words without a full stop or a number
    "running_header",  # "Pagina 2 van 4", a table of contents' line, a line set apart as a running header or footnote
    "member_question",  # a sentence in a "Vraag N" block of a document with "Antwoord N" blocks (or "Vraag:" / "Antwoord:")
    "answer_block",  # a sentence in an "Antwoord N" (or "Antwoord:") block
    "question_mark",  # ends in a question mark
    "signature",  # the closing lines of a letter: "De Minister van ...", "Hoogachtend"
    "attendance",  # "Aanwezig: ...", "Voorzitter ...", "Afwezig ..."
    "table_row",  # several numbers and few words
    "lead_in",  # announces what follows: ends in ":" or "de volgende"
    "list_item",  # starts with a list marker
    "title_line",  # the document's title
)

# the labels of written questions and answers: "Vraag 3" / "Antwoord 3" (Kamervragen), or "Vraag:" /
# "Antwoord:" (a council's written questions), or a numbered question line ("2. Kan de gemeente …?")
# followed by "Antwoord:"
_BLOCK = re.compile(
    r"^\s*(?:(Vraag|Vragen|Antwoord|Antwoorden|Question|Answer)(?:\s+\d+(?:\s*(?:,|en|and|t/m|-)\s*\d+)*\b|\s*:)"
    r"|(?P<numbered>\d{1,2}[.)])\s[^\n]*\?[ \t]*$)",
    re.M,
)
# page furniture: "Pagina 2 van 4", a bare page number, a table of contents' dot leaders ("Bijlagen ....... 188")
_RUNNING = re.compile(r"\b(pagina|page|blz\.?)\s+\d+\s+(van|of)\s+\d+\b|^\s*\d+\s*$|\.{5,}|…{2,}|(?:\. ){4,}", re.I)
_SIGNATURE = re.compile(
    r"^\s*(hoogachtend|met vriendelijke groet|de (minister|staatssecretaris|burgemeester|secretaris|"
    r"gemeentesecretaris|voorzitter|griffier)\b|(burgemeester en wethouders|het college) van\b)",
    re.I,
)
# the header of minutes or a decision list names who was there, capitalised: "Aanwezigen Burgemeester ..."
_ATTENDANCE = re.compile(r"\b(Aanwezig|Aanwezigen|Afwezig|Afwezigen|Voorzitter|Notulist|Present|Absent|Attendees)\b|\bvoor de verslaglegging\b")
_LEAD_IN = re.compile(r"(:\s*$|\b(de volgende|het volgende|als volgt|the following|as follows)\b[^.]{0,40}$)", re.I)
_LIST_MARKER = re.compile(r"\s*(?:[–•\-·▪●◦*]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)")
_NUM = re.compile(r"\d[\d.,]*")
_WORDS = re.compile(r"[^\W\d_]{2,}")


def roles(doc: Document, start: int, end: int, headings: dict[int, str] | None = None) -> frozenset[str]:
    """The roles of ``doc.text[start:end]`` (a sentence)."""
    text = doc.text[start:end]
    stripped = text.strip()
    out: set[str] = set()
    words = _WORDS.findall(stripped)
    numbers = _NUM.findall(stripped)
    head_offsets = headings if headings is not None else dict(doc.headings)
    unfinished = not stripped.endswith((".", ";", "?", "!", ":"))
    if start in head_offsets or (unfinished and len(words) < 5):
        out.add("heading")
    elif unfinished and len(words) < 10 and not numbers:
        out.add("fragment")
    if _RUNNING.search(stripped) or any(a <= start < b for a, b in doc.asides):
        out.add("running_header")
    if stripped.endswith("?"):
        out.add("question_mark")
    if _has_answers(doc):
        block = _block(doc.text, start)
        if block.startswith(("vraag", "question")):
            out.add("member_question")
        elif block.startswith(("antwoord", "answer")):
            out.add("answer_block")
    if _SIGNATURE.search(stripped) or _SIGNATURE.search(_line_before(doc.text, start)):
        out.add("signature")
    if _ATTENDANCE.search(stripped[:200]):
        out.add("attendance")
    if len(numbers) >= 2 and len(words) <= 2 * len(numbers) + 2:
        out.add("table_row")
    if _LEAD_IN.search(stripped):
        out.add("lead_in")
    line_start = doc.text.rfind("\n", 0, start) + 1
    if _LIST_MARKER.match(doc.text, line_start) and not doc.text[line_start:start].strip(" \t–•-·▪●◦*()0123456789.abcdefghij"):
        out.add("list_item")
    if doc.title and len(stripped) > 8 and stripped.casefold() in doc.title.casefold():
        out.add("title_line")
    return frozenset(out)


_ANSWERS = re.compile(r"^\s*(Antwoord|Answer)(\s+\d+|\s*:)", re.M)
@per_document(20000)
def _has_answers(doc: Document) -> bool:
    """Kamervragen and their like: the document answers numbered questions ("Antwoord 2")."""
    return bool(_ANSWERS.search(doc.text))


def _block(text: str, start: int) -> str:
    """The kind of the nearest "Vraag N" / "Antwoord N" marker before ``start`` ("" when none)."""
    last = ""
    lo = max(0, start - 6000)
    line_end = text.find("\n", start)
    for m in _BLOCK.finditer(text, lo, len(text) if line_end < 0 else line_end):
        if m.start() > start:
            break
        last = "vraag" if m.group("numbered") else m.group(1).casefold()
    return last


def _line_before(text: str, start: int) -> str:
    end = text.rfind("\n", 0, start)
    if end < 0:
        return ""
    begin = text.rfind("\n", 0, end) + 1
    return text[begin:end]


# the head of written questions: who asks whom about what, and when ("Vragen van het lid Van Nispen
# (SP) aan de Minister van … over het bericht «…» (ingezonden 12 maart 2024)"; "Vragen gesteld door de
# leden der Kamer"; a council's "Schriftelijke vragen van de fractie …")
_QUESTION_HEAD = re.compile(
    r"\bvragen\s+gesteld\s+door\s+de\s+leden\s+der\s+kamer\b|\bvragen\s+van\s+(?:het\s+(?:kamer|raads)?lid|de\s+leden|de\s+fractie|"
    r"het\s+raadslid|raadslid)\b[^.]{0,400}?\b(?:aan\s+(?:de|het)\b|ingezonden|over\b)",
    re.I,
)


def question_head(text: str) -> bool:
    """Is ``text`` the head of written questions? It names askers, addressee, subject and date: it
    answers who asked and when, never how much or how many (its subject quotes the asker's words)."""
    return bool(_QUESTION_HEAD.search(text[:600]))

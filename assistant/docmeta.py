"""What kind of document this is, who wrote it and what it is about: read from its opening lines.

Dutch government documents announce themselves in conventions shared by every document of their
kind: Kamervragen open with "Vragen van het lid X (partij) aan de Minister van Y over Z (ingezonden
…)" and "Antwoord van Minister W", a decision list calls itself a "Besluitenlijst", a letter to
Parliament is addressed "Aan de Voorzitter van de Tweede Kamer". These fields make a document
findable by what a question says of it ("de Kamervragen van het lid Van Haga", "de besluitenlijst")
and filterable by kind. Nothing is stored: the fields are read from the document when needed, so an
index written before they existed has them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Document, per_document

# (kind, pattern over the title and the opening of the text): the first that matches names the kind
KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kamervragen", re.compile(r"\bVragen van (?:het lid|de leden)\b|\bKamervragen\b|\bAntwoord op vragen van\b", re.I)),
    ("besluitenlijst", re.compile(r"\bbesluitenlijst", re.I)),
    ("motie", re.compile(r"\bmotie van\b", re.I)),
    ("raadsbesluit", re.compile(r"\braadsbesluit", re.I)),
    ("kamerbrief", re.compile(r"\bkamerbrief\b|\bAan de Voorzitter van de Tweede Kamer\b|\bbrief van de (?:minister|staatssecretaris)\b", re.I)),
    ("raadsinformatiebrief", re.compile(r"\braadsinformatiebrief|\braadsinformatienota|\binformatienota\b|\bcollegebericht", re.I)),
    ("jaarstukken", re.compile(r"\bjaarstukken\b|\bjaarrekening\b|\bjaarverslag\b", re.I)),
    ("begroting", re.compile(r"\bbegroting\b", re.I)),
)
OPENING = 1500  # characters of the text read for the kind, the authors and the subject

_QUESTIONS = re.compile(
    r"\bVragen van (?:het lid|de leden)\s+(?P<members>.{2,200}?)\s+aan de\s+(?P<to>.{2,300}?)\s+over\s+"
    r"(?P<subject>.{3,300}?)\s*\(ingezonden",
    re.S,
)
_ANSWER = re.compile(r"\bAntwoord van\s+(?:de\s+)?(?:Minister|Staatssecretaris)\s+(?P<name>[^()\n,]{2,60}?)\s*\(")
_PARTY = re.compile(r"\s*\((?:beiden\s+|allen\s+)?[^()]{1,40}\)")
_SPLIT = re.compile(r"\s*,\s*|\s+en\s+")


@dataclass(frozen=True, slots=True)
class DocMeta:
    kind: str  # one of KINDS' names, or "" when none applies
    authors: tuple[str, ...]  # members who asked, ministers who answered (Kamervragen)
    subject: str  # what the questions are about ("" when the document does not say)

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "authors": list(self.authors), "subject": self.subject}


@per_document(50000)
def describe(doc: Document) -> DocMeta:
    """The kind, authors and subject of ``doc`` (cached by its SHA-256)."""
    return _describe(doc.title, doc.text[:OPENING])


def _describe(title: str, opening: str) -> DocMeta:
    head = f"{title}\n{opening}"
    kind = next((name for name, pattern in KINDS if pattern.search(head)), "")
    authors: list[str] = []
    subject = ""
    if m := _QUESTIONS.search(opening):
        members = _PARTY.sub("", " ".join(m.group("members").split()))
        authors.extend(a.strip() for a in _SPLIT.split(members) if a.strip())
        subject = " ".join(m.group("subject").split()).strip("«»\"' ")
    for a in _ANSWER.finditer(opening):
        name = " ".join(a.group("name").split())
        if name not in authors:
            authors.append(name)
    return DocMeta(kind, tuple(authors), subject)

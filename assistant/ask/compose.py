"""From scored candidates to an answer: the sentences chosen, continued where they lead in, cited.

Rules of form, not of content: a member's question, a heading or a running header is never an
answer sentence; a sentence that leads in to a list ("... de volgende:") is continued by the list
items after it (or by the next sentence); another sentence joins only when the scorer rates it
close to the best (``extra_ratio``, fitted). Every sentence keeps its exact citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.ask.candidates import Candidate, following
from assistant.ask.query import Query
from assistant.ask.roles import question_head
from assistant.ask.roles import roles as sentence_roles
from assistant.cite import cite_exact
from assistant.lang.facts import amount_years, counted, mentions, stated_kinds, years_named
from assistant.text import sentence_spans
from assistant.types import Citation, Document

DECLINE_NL = "De documenten geven hierop geen antwoord."
DECLINE_EN = "The documents do not answer this question."
NEVER_ANSWERS = frozenset({"member_question", "heading", "running_header"})
MAX_LIST_ITEMS = 10
# kinds of fact that are a quantity
QUANTITIES = frozenset({"amount", "count", "percent", "duration", "frequency"})


# what a declined answer names when the best passage found lacks the kind of fact asked
_UNSTATED = {
    "amount": ("bedrag", "amount"),
    "percent": ("percentage", "percentage"),
    "duration": ("termijn of duur", "period or duration"),
    "frequency": ("frequentie", "frequency"),
    "date": ("datum", "date"),
    "count": ("aantal", "number"),
}


def decline_text(lang: str, unstated: Sequence[str] = ()) -> str:
    """The decline; when the best passage found lacked the kind of fact asked, it says which."""
    en = lang == "en"
    names = [_UNSTATED[k][en] for k in unstated if k in _UNSTATED]
    if not names:
        return DECLINE_EN if en else DECLINE_NL
    if en:
        return f"{DECLINE_EN[:-1]}: the passages found state no {' or '.join(names)}."
    return f"{DECLINE_NL[:-1]}: de gevonden passages noemen geen {' of '.join(names)}."


@dataclass(frozen=True, slots=True)
class Piece:
    """One quoted stretch of a document: a sentence, or a lead-in with its list."""

    doc: Document
    start: int
    end: int

    @property
    def text(self) -> str:
        return " ".join(self.doc.text[self.start : self.end].split())


@dataclass(slots=True)
class Decision:
    """The scorer's working: candidates by probability, the pieces chosen, and how sure it is."""

    query: Query
    candidates: list[Candidate]
    chosen: list[Piece] = field(default_factory=list)
    confidence: float = 0.0
    declined: bool = True
    unstated: tuple[str, ...] = ()  # kinds of fact asked that the best piece does not state (declined)


@dataclass(frozen=True, slots=True)
class Composed:
    """An answer's text, whether it declines, and the citation of each sentence."""

    text: str
    declined: bool
    citations: tuple[Citation, ...]
    confidence: float


def answerable(cands: Sequence[Candidate]) -> list[Candidate]:
    """Candidates that may be quoted as an answer, best first: not a member's question, a heading or
    a running header, and from a document that mentions every name the question uses (a question
    about Amsterdam's mayor is not answered by Wassenaar's attendance list)."""
    return sorted(
        (c for c in cands if not (c.roles & NEVER_ANSWERS) and not c.names_missing),
        key=lambda c: (-c.p, c.rank, c.start),
    )


def choose(
    q: Query,
    cands: Sequence[Candidate],
    *,
    threshold: float,
    extra_ratio: float,
    max_sentences: int,
    window: tuple[int, int] = (0, 0),
) -> Decision:
    """Pick the answer: the best sentence (continued when it leads in), and close runners-up."""
    ranked = answerable(cands)
    if set(q.facts) & QUANTITIES:  # the head of written questions states who asked, not how much
        ranked = [c for c in ranked if not question_head(c.text)]
    if not ranked:
        return Decision(q, list(cands))
    best = ranked[0]
    d = Decision(q, list(cands), confidence=round(best.p, 4))
    if best.p < threshold:
        return d
    pieces = [_continued(best, q)]
    # a two-part question: the best sentence for each part joins, when it is likely enough
    for j in range(len(q.parts)):
        top = max(
            (c for c in ranked if len(c.part_p) > j and not (len(c.part_names_missing) > j and c.part_names_missing[j])),
            key=lambda c: c.part_p[j],
            default=None,
        )
        if top is None or top.part_p[j] < threshold or len(pieces) >= max_sentences:
            continue
        if not any(top.doc is p.doc and top.start < p.end and p.start < top.end for p in pieces):
            pieces.append(_continued(top, q))
    for c in ranked[1:]:
        if len(pieces) >= max_sentences or c.p < extra_ratio * best.p or c.p < threshold:
            break
        if any(c.doc is p.doc and c.start < p.end and p.start < c.end for p in pieces):
            continue  # already quoted (inside a list block)
        pieces.append(_continued(c, q))
    if window != (0, 0):
        pieces = _merged([widened(p, *window) for p in pieces])
    # an answer to "hoeveel geld ...?" must state an amount: the best piece (with its quoted
    # context) states every kind of fact asked, or there is no answer
    d.unstated = q.unstated(stated_kinds(pieces[0].text))
    if not d.unstated and q.facts == ("count",) and q.counted and q.lookup_lang != "en":
        # "hoeveel leerlingen": a number of pupils, or the pupils listed ("wethouder A, wethouder B")
        if not counted(q.counted, pieces[0].text) and mentions(q.counted, pieces[0].text) < 2:
            d.unstated = ("count",)
    if not d.unstated and "amount" in q.facts:
        # "welke bijdrage … in 2026?" is not answered by "€ 3.575 in 2024 en € 7.500 in 2025": every
        # amount of the piece is written for a year, and none for a year the question names
        asked = years_named(q.lookup)
        tied = amount_years(pieces[0].text)
        if asked and tied and all(y is not None for y in tied) and not asked & set(tied):
            d.unstated = ("amount",)
    if d.unstated:
        return d
    d.chosen, d.declined = pieces, False
    return d


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Pieces of one document that overlap become one."""
    out: list[Piece] = []
    for p in pieces:
        for i, o in enumerate(out):
            if o.doc is p.doc and p.start <= o.end and o.start <= p.end:
                out[i] = Piece(p.doc, min(o.start, p.start), max(o.end, p.end))
                break
        else:
            out.append(p)
    return out


def _continued(c: Candidate, q: Query) -> Piece:
    """``c`` itself, or ``c`` with what it leads in to: its list items, else the next sentence."""
    if "lead_in" not in c.roles:
        return Piece(c.doc, c.start, c.end)
    end = c.end
    items = 0
    limit = q.list_n or MAX_LIST_ITEMS
    for s, e in following(c.doc, c.end):
        r = sentence_roles(c.doc, s, e)
        if "list_item" in r or (items and "\n" not in c.doc.text[end:s]):
            if "list_item" in r:
                items += 1
                if items > limit:
                    break
            end = e
        elif items == 0 and not (r & NEVER_ANSWERS):
            end = e  # no list: the sentence that says what was announced
            break
        else:
            break
    return Piece(c.doc, c.start, end)


def widened(piece: Piece, before: int, after: int) -> Piece:
    """``piece`` with up to ``before`` sentences before it and ``after`` after it, within its
    paragraph (never across a blank line), never taking in a heading or a member's question."""
    doc, start, end = piece.doc, piece.start, piece.end
    if after:
        for s, e in following(doc, end, limit=after):
            if "\n\n" in doc.text[end:s] or sentence_roles(doc, s, e) & NEVER_ANSWERS:
                break
            end = e
    if before:
        prev = list(sentence_spans(doc.text, max(0, start - 1500), start))[-before:]
        for s, e in reversed(prev):
            if "\n\n" in doc.text[e:start] or sentence_roles(doc, s, e) & NEVER_ANSWERS:
                break
            start = s
    return Piece(doc, start, end)


def compose(d: Decision) -> Composed:
    if d.declined or not d.chosen:
        return Composed(decline_text(d.query.lang, d.unstated), True, (), d.confidence)
    cites = tuple(cite_exact(p.start, p.end, p.doc) for p in d.chosen)
    return Composed(" ".join(p.text for p in d.chosen), False, cites, d.confidence)

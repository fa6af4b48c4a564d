"""What every kind's rules share: the document's context (its date, headings, decision items),
sentences and clause boundaries, quote cutting, tense cues and actors.

A candidate (an amount, a date or a limit with its sentence) is decided by the rules of its kind
(``funding``, ``deadline``, ``norm``); this module holds the structure they decide on.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from assistant.extract import normalize as nz
from assistant.extract import phrases as ph
from assistant.extract.models import DeadlineFields, FundingFields, NormFields
from assistant.text import sentence_spans
from assistant.types import Document

# --- document context --------------------------------------------------------------------------
_MONTHS_RX = "|".join(nz.MONTHS)

_LETTER_DATE = re.compile(
    rf"(?:^|\n)[ \t]*(?:[A-Z][\w'’ -]{{1,40}},|Datum:?|Date:?|d\.d\.)\s*"
    rf"(?P<d>\d{{1,2}})(?:\s+(?P<mo>{_MONTHS_RX})\s+|[-/](?P<mn>\d{{1,2}})[-/])(?P<y>(?:19|20)\d{{2}})",
    re.I,
)

_JL_DATE = re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<mo>{_MONTHS_RX})\s+jl\b", re.I)

_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")


# an agenda item's number and title just before its "Besluit:" ("10.1 Ophoging subsidiebudget 2023")
_ITEM_NUMBER = re.compile(r"(?<![\w.,])\d{1,2}(?:\.[0-9a-z]{1,2}){1,3}\.?\s+(?=[A-Z])")
# a plainly numbered agenda item at the start of a line: "3. Parkeerregulering", "Agendapunt 4 Begroting"
_PLAIN_ITEM = re.compile(r"[ \t]*(?:(?:agenda)?punt[ \t]+)?\d{1,2}[.)]?[ \t]+(?=[A-Z])", re.I)
# the labels of written questions and their answers at the start of a line: "Vraag 3", "Antwoord 3"
# ("Vraag 3, 4 en 5 Deelt u …": a label for several may be glued to the text it labels)
_QA_LABEL = re.compile(r"(?m)^[ \t]*(?:Vraag|Antwoord)[ \t]+\d{1,3}(?:(?:,|[ \t]+en)[ \t]+\d{1,3})*\b")
# "Besluit:" (a B&W list), or "De raad besluit unaniem:" (a council meeting's list)
_DECISION_LABEL = re.compile(
    r"\bBesluit\s*:|\b(?:de raad|het college|burgemeester en wethouders)\s+besluit(?:en)?\b[^:\n.]{0,40}:", re.I
)


@dataclass(frozen=True, slots=True)
class DocContext:
    """What the rules need to know about the whole document: its date, whether it records
    decisions, and its sections (agenda items or headings) with their titles."""

    ref: date  # the document's date, or the best estimate of it
    ref_exact: bool  # the date is stated, not estimated from the text's years
    decisions: bool = False  # a decision list or a council decision: the date is the meeting's
    sections: tuple[tuple[int, str], ...] = ()  # (start offset, title), in order

    @classmethod
    def of(cls, doc: Document) -> DocContext:
        ref, exact = _reference_date(doc)
        items = _decision_items(doc.text)
        sections = dict(doc.headings)
        sections.update(items)
        sections.update((m.start(), m.group().strip()) for m in _QA_LABEL.finditer(doc.text))
        if doc.fmt == "json-record":  # a record's text opens with its own title
            sections.setdefault(0, doc.text.split("\n", 1)[0].strip())
        decisions = bool(items) or (doc.fmt == "json-record" and bool(doc.date))
        return cls(ref, exact, decisions, tuple(sorted(sections.items())))

    def section(self, pos: int) -> tuple[int, int, str]:
        """The section holding offset ``pos``: (start, end, title); (0, 0, "") before the first."""
        i = bisect.bisect_right(self.sections, (pos, "\uffff")) - 1
        if i < 0:
            return 0, 0, ""
        start, title = self.sections[i]
        end = self.sections[i + 1][0] if i + 1 < len(self.sections) else 1 << 60
        return start, end, title


def _decision_items(text: str) -> dict[int, str]:
    """Agenda items of a decision list: the numbered title before each ``Besluit:`` ("5.d.1 …"), or,
    numbered plainly ("3. Parkeerregulering"), the line that holds the label or the line above it."""
    out: dict[int, str] = {}
    for m in _DECISION_LABEL.finditer(text):
        lo = max(0, m.start() - 300)
        last = None
        for n in _ITEM_NUMBER.finditer(text, lo, m.start()):
            last = n
        if last is None:
            end = m.start()
            start = text.rfind("\n", lo, end) + 1 or lo
            while start > lo and not text[start:end].strip():  # the label starts its line: the title is above
                end = start - 1
                start = text.rfind("\n", lo, end) + 1 or lo
            last = _PLAIN_ITEM.match(text, start, end)
        if last is not None:
            out[last.start()] = " ".join(text[last.start() : m.start()].split())
    return out


def _reference_date(doc: Document) -> tuple[date, bool]:
    if doc.date:
        try:
            return date.fromisoformat(doc.date[:10]), True
        except ValueError:
            pass
    head = doc.text[:4000]
    m = _LETTER_DATE.search(head)
    if m:
        mo = nz.MONTHS[m.group("mo").lower()] if m.group("mo") else int(m.group("mn"))
        try:
            return date(int(m.group("y")), mo, int(m.group("d"))), True
        except ValueError:
            pass
    years = Counter(int(y) for y in _YEAR.findall(doc.text) if 1990 <= int(y) <= 2100)
    if not years:
        return date.today(), False
    top = max(years.values())
    year = max(y for y, n in years.items() if n == top)
    ref = date(year, 1, 1)
    for j in _JL_DATE.finditer(doc.text):  # "op 4 november jl.": a past date of this year
        try:
            ref = max(ref, date(year, nz.MONTHS[j.group("mo").lower()], int(j.group("d"))))
        except ValueError:
            pass
    return ref, False


# --- sentences, clause boundaries and quotes -------------------------------------------------

# ``sentence_spans`` takes the "s" of "GI’s." for an initial; a full stop after a possessive-like
# word ending in an apostrophe + s, followed by a capital, ends a sentence all the same.
_MISSED_END = re.compile(r"(?<=\w[’']s)\.\s+(?=[A-Z])")


def sentences(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        a = s
        for m in _MISSED_END.finditer(text, s, e):
            out.append((a, m.start() + 1))
            a = m.end()
        out.append((a, e))
    return out


_SEP = re.compile(r"[,;](?=\s)|:(?=\s)|(?<!-)\s(?:en|of|maar|waarvan|waarmee|waarna|waarbij|terwijl|zodat)\s")

_LOCAL_BOUND = re.compile(r"[,;:()]|\s(?:waarvan|waarmee|waarna|waarbij|terwijl|zodat)\s")

_LEAD_TRIM = re.compile(r"(?:[\s–•·▪●◦*-]+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)+")

_TAIL_TRIM = " \t\n.,;:–-"


def _depths(text: str, s: int, e: int) -> list[int]:
    """Parenthesis depth at every offset of ``text[s:e]``."""
    out, d = [], 0
    for ch in text[s:e]:
        if ch == "(":
            d += 1
        out.append(d)
        if ch == ")":
            d = max(0, d - 1)
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    m = _LEAD_TRIM.match(text, s, e)
    if m and m.end() < e:
        s = m.end()
    while e > s and text[e - 1] in _TAIL_TRIM:
        e -= 1
    seg = text[s:e]
    if seg.endswith(")") and seg.count(")") > seg.count("("):
        e -= 1
    if seg.startswith("(") and seg.count("(") > seg.count(")"):
        s += 1
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1] in _TAIL_TRIM:
        e -= 1
    return s, e


def _past_heading(text: str, s: int, e: int, first: int) -> int:
    """Where the quote of sentence ``[s, e)`` starts: after a heading line it begins with ("Antwoord
    2", "3. Parkeerregulering", "Samenvatting": a line of its own, fewer than five words, no closing
    punctuation, followed by a line that starts anew) when the first commitment stands below it."""
    nl = text.find("\n", s, e)
    if nl < 0 or nl >= first or text[max(0, s - 1) : s] not in ("", "\n"):
        return s
    head = text[s:nl].strip()
    nxt = text[nl + 1 : e].lstrip(" \t")
    if not head or head.endswith((".", ";", ":", "?", "!", ",")) or len(_words(head)) >= 5:
        return s
    if not nxt or not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "€•–-"):
        return s
    return nl + 1


def segments(text: str, s: int, e: int, anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut sentence ``[s, e)`` into one span per anchor, between anchors at the last top-level
    clause boundary (a line end right after an anchor, as in a table, comes first)."""
    anchors = sorted(anchors)
    s = _past_heading(text, s, e, anchors[0][0] if anchors else e)
    depth = _depths(text, s, e)
    cuts: list[tuple[int, int]] = []  # (end of the left span, start of the right span)
    for (_, a_end), (b_start, _) in zip(anchors, anchors[1:], strict=False):
        gap = text[a_end:b_start]
        nl = re.match(r"[ \t]*\n", gap)
        if nl:
            cuts.append((a_end, a_end + nl.end()))
            continue
        if re.match(r"\s*[A-Z]", gap):  # a new label after the anchor: rows of an unwrapped table
            cuts.append((a_end, a_end + len(gap) - len(gap.lstrip())))
            continue
        best = None
        for m in _SEP.finditer(text, a_end, b_start):
            if depth[m.start() - s] == 0 or depth[m.start() - s] == depth[a_end - s]:
                best = m
        if best is None:
            cuts.append((b_start, b_start))
        elif best.group().strip() in {",", ";", ":"}:
            cuts.append((best.start(), best.end()))
        else:
            cuts.append((best.start(), best.start() + 1))  # the right span starts at "en", "waarvan"
    starts = [s] + [c[1] for c in cuts]
    ends = [c[0] for c in cuts] + [e]
    return [_trim(text, a, b) for a, b in zip(starts, ends, strict=True)]


def local_clause(text: str, s: int, e: int, a: int, b: int) -> tuple[int, int]:
    """The clause around ``[a, b)`` inside sentence ``[s, e)``: bounded by , ; : ( ) and
    subordinating words."""
    left, right = s, e
    for m in _LOCAL_BOUND.finditer(text, s, a):
        left = m.end()
    m = _LOCAL_BOUND.search(text, b, e)
    if m:
        right = m.start()
    return left, right


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’'/-]+", text)


# --- cues --------------------------------------------------------------------------------


_FUTURE = re.compile(
    r"\b(?:zal|zullen|zult|gaat|gaan|wil|willen|wordt|worden|streven|streeft|verwacht\w*|planning|"
    r"gepland\w*|toegezegd|toezegging|voornemens|voornemen|beoog\w*|moet|moeten|dient|dienen|"
    r"uiterlijk|in\s+werking)\b",
    re.I,
)

_ACTION = re.compile(
    r"\b(?:ontvangt|volgt|verschijnt|verschijnen|organiseert|organiseren|stopt|stoppen|"
    r"start|starten|begint|beginnen|levert|leveren|informeert|informeren|stuurt|sturen|toetst|"
    r"toetsen|rondt|publiceert|publiceren|presenteert|presenteren|treedt|evalueert|evalueren|komt|"
    r"verzendt|zendt|biedt|vindt\s+plaats|gaat\s+in|aan\s+de\s+slag|stelt|stellen|opent|sluit|"
    r"stemt\s+in|stemmen\s+in|gaat\s+akkoord|gaan\s+akkoord|verleent|verlenen|"
    r"informeer|stuur|kom\s+(?:ik|wij|we)\b[^.]*\bterug|komen\s+(?:wij|we)\b[^.]*\bterug)\b",
    re.I,
)

_CANCELLED = re.compile(r"\b(?:zou|zouden)\b", re.I)

_PAST_WORD = re.compile(
    r"\b(?:was|waren|werd|werden|had|hadden|jl|sinds|afgelopen|vorig|vorige|eerder|destijds)\b", re.I
)

_PERFECT_AUX = re.compile(r"\b(?:is|zijn|heeft|hebben)\b", re.I)
# the simple past of common policy verbs: "stuurde", "informeerden", "hoorde", "besloot", "kwam"
_SIMPLE_PAST = re.compile(
    r"\b(?:\w{3,}eerden?|\w*(?:stuurde|hoorde|meldde|maakte|stelde|voerde|werkte|leidde|legde|zette|"
    r"opende|startte|vroeg|bracht|dacht|kocht|zocht)n?|(?:af|aan|op|in|uit|toe|mee|door|over|voor|terug|"
    r"bij|vast|be|ver|ont)?(?:besloot|sloot|kwam|kwamen|nam|namen|gaf|gaven|"
    r"vond|vonden|zei|zeiden|ontving|ontvingen|schreef|schreven|ging|gingen|liet|lieten|deed|deden|hield|"
    r"hielden|kreeg|kregen|sprak|spraken|zag|zagen|trad|traden))\b",
    re.I,
)
# "de in te brengen zienswijze", "het nog te nemen besluit": a te-infinitive used as an adjective
_ADJECTIVAL_TE = re.compile(
    r"\b(?:de|het|een|nog|deze|die|dit|nader)\s+(?:(?:in|op|uit|af|aan|vast|mee|toe|door|over|bij|nog)\s+)?"
    r"te\s+\w+en\s+(?=[a-zé])",
    re.I,
)

_TE_INFINITIVE = re.compile(r"\bte\s+(?:\w+\s+)?\w+en\b", re.I)

_PARTICIPLE = re.compile(
    r"^(?:(?:af|aan|op|in|uit|vast|toe|mee|door|over|voor|terug|bij|na|om|weg|samen|ter|tot|neer)?"
    r"ge\w{2,}(?:d|t|en)|(?:be|ver|ont|her|er)\w{2,}(?:d|t|en))$",
    re.I,
)

_EFFECTIVE = {"per", "met ingang van", "vanaf"}

_NOT_PARTICIPLE = {
    "gemeenten",
    "gezinnen",
    "gevallen",
    "gegevens",
    "gesprekken",
    "gebieden",
    "gevolgen",
    "geluiden",
    "gebruikt",
    "genoeg",
    "gericht",
    "geen",
    "geheel",
    "gezamenlijk",
    "gewenst",
    "gelijk",
    "gemiddeld",
    "geleden",
    "verband",
    "verschillend",
    "bestaand",
    "betrokken",
}


def _simple_past(clause: str) -> bool:
    """A simple past verb, not a participle used as an adjective (``de vastgestelde nota``)."""
    return any(
        not re.match(r"(?:\w{0,6}ge\w+(?:de|te)n?|\w*(?:ende|ste))$", m.group(), re.I)
        for m in _SIMPLE_PAST.finditer(clause)
    )


def _active_perfect(clause: str) -> bool:
    """``heeft/hebben`` + participle: something done (``heeft … opgezegd``)."""
    aux = re.search(r"\b(?:heeft|hebben)\b", clause, re.I)
    if not aux:
        return False
    words = _words(re.sub(r"\([^)]*\)", " ", clause[aux.end() :]))
    return any(_PARTICIPLE.match(w) and w.lower() not in _NOT_PARTICIPLE for w in words)


def _is_past(clause: str) -> bool:
    """Past when a past-only word occurs, or a perfect auxiliary is followed by a participle."""
    if _PAST_WORD.search(clause) or _simple_past(clause):
        return True
    aux = _PERFECT_AUX.search(clause)
    if aux:
        words = _words(re.sub(r"\([^)]*\)", " ", clause[aux.end() :]))
        return any(_PARTICIPLE.match(w) and w.lower() not in _NOT_PARTICIPLE for w in words)
    return False


_CLAUSE_CUT = re.compile(
    r"[,;:()]|\s(?=(?:die|dat|welke|waarin|waarbij|waarmee|waarvan|waarna)\s)"
    r"|(?<=[a-z])\s+(?=(?:In|Op|Per|Vanaf|Eind|Begin|Sinds|Na)\s+(?:\d|het|de|[a-z]+\s+\d))"  # a glued heading
)

_RELATIVE_START = re.compile(r"\s*(?:dat|die|welke|waarin|waarop|wat|zoals)\b", re.I)

_PERMISSION = re.compile(r"\b(?:kan|kunnen|mag|mogen)\b", re.I)


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    cuts = [s] + [m.start() for m in _CLAUSE_CUT.finditer(text, s, e)] + [e]
    return [(a if a == s else a + 1, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _cue(marked: str) -> str:
    """The tense cue of a clause; ``marked`` may hold ``\\x00`` where the date was."""
    marked = _ADJECTIVAL_TE.sub(" ", marked)  # "de in te dienen stukken": no cue at all
    scope = " ".join(marked.replace("\x00", " ").split())
    if _FUTURE.search(scope):
        return "future"
    if re.search(r"\bom\b[^\x00]*\x00.*\bte\s+\w+en\b", marked, re.I | re.S):
        return "future"  # "afgesproken om in 2020 … te doen": the date belongs to the planned step
    te_inf = _TE_INFINITIVE.search(scope)
    if te_inf and not (_PAST_WORD.search(scope) or _simple_past(scope) or _active_perfect(scope)):
        return "future"  # "Eind 2024 is de procedure doorlopen om … mogelijk te maken": a target
    if _is_past(scope):
        return "past"  # "heeft … opgezegd en besloten de DVO te beëindigen": te + infinitive is weaker
    if te_inf:
        return "future"
    if _ACTION.search(scope):
        return "action"
    if _PERMISSION.search(scope):
        return "permission"
    return "none"


def _tense(text: str, s: int, e: int, a: int, b: int) -> str:
    """``future``, ``past``, ``action``, ``permission`` or ``none`` for the clause around ``[a, b)``.

    The clause holding the date decides; when it has no verb cue, its neighbours do, nearest first
    (right, then left), skipping relative clauses (``, dat … is verstrekt,``) that describe a noun.
    """
    cl = _clauses(text, s, e)
    i = next((k for k, (x, y) in enumerate(cl) if x <= a < y or x <= a <= y), 0)
    x, y = cl[i]
    own = _cue(text[x:a] + " \x00 " + text[b:y])
    if own != "none":
        return own
    for step in range(1, len(cl)):
        for j in (i + step, i - step):
            if 0 <= j < len(cl):
                x, y = cl[j]
                if _RELATIVE_START.match(text, x, y):
                    continue
                c = _cue(text[x:y])
                if c != "none":
                    return c
    return "none"


# --- actors and descriptive fields ------------------------------------------------------------


_PIECE_CUT = re.compile(
    r"[;:]\s|,\s|\s(?=(?:waarbij|waarmee|waarna|waardoor|zodat|terwijl|omdat|maar|waarvan)\s)"
)
# a heading or footnote glued to the sentence: "Toezegging informele mentoren De Minister van …"
_GLUED_START = re.compile(
    r"(?<=[a-z0-9)’'])\s+(?=(?:De|Het|Een|Wij|We|Ik|Dit|Deze|Zoals|Daarnaast|Ook|Verder|Met|Bij|"
    r"Om|Er|Op\s+basis)\s)"
)


def anchor_clause(text: str, qs: int, qe: int, a: int, b: int) -> tuple[int, int]:
    """The clause of quote ``[qs, qe)`` around the anchor ``[a, b)``: the quote cut at ``;``, ``:``,
    ``,`` and subordinating words, widened to a neighbour when the anchor is nearly all of it."""
    depth = _depths(text, qs, qe)
    cuts = [(qs, qs)]
    for m in _PIECE_CUT.finditer(text, qs, qe):
        if depth[m.start() - qs] == 0 and not (a <= m.start() < b):
            cuts.append((m.start(), m.end()))
    cuts.append((qe, qe))
    pieces = [(cuts[i][1], cuts[i + 1][0]) for i in range(len(cuts) - 1)]
    i = next((k for k, (x, y) in enumerate(pieces) if x <= a < y), 0)
    x, y = pieces[i]
    lo = hi = i
    while len(_words(text[x:a] + " " + text[b:y])) < 3:
        if hi + 1 < len(pieces):
            hi += 1
            y = pieces[hi][1]
        elif lo > 0:
            lo -= 1
            x = pieces[lo][0]
        else:
            break
    g = None
    for m in _GLUED_START.finditer(text, x, a):
        g = m
    if g:
        x = g.end()
    return x, y


def _fields_actor(text: str, qs: int, qe: int, x: int, y: int, avoid: list[tuple[int, int]]):
    """The actor of an item: the subject of its clause, else of the quote's main clause."""
    act = ph.find_actor(text, x, y, avoid)
    if act is None and x > qs:
        first = anchor_clause(text, qs, qe, qs, qs)
        return ph.find_actor(text, first[0], first[1], avoid), False
    return act, True


# --- the extractor -------------------------------------------------------------------------------


_CONDITIONAL = re.compile(r"\b(?:indien|als|wanneer|zodra|nog\s+niet)\b", re.I)


def _drop_brackets(t: str) -> str:
    return re.sub(r"\([^()]*\)", " ", t)


def _is_question(text: str, s: int, e: int) -> bool:
    return text[s:e].rstrip().endswith("?") or text[e : e + 3].lstrip().startswith("?")


@dataclass
class Candidate:
    kind: str
    start: int
    end: int
    fields: NormFields | DeadlineFields | FundingFields
    actor: str | None


# a table's header line that ends in two or more years: "Onderdeel 2024 2025", "2025 2026 2027"
_YEARS_HEADER = re.compile(r"[^\d\n]*?((?:(?:19|20)\d{2}[ \t]+)+(?:19|20)\d{2})[ \t]*")


def money_cells(text: str, pos: int) -> list[nz.Amount]:
    """The money cells of the line holding ``pos``."""
    ls = text.rfind("\n", 0, pos) + 1
    le = text.find("\n", pos)
    return nz.find_money_cells(text, ls, len(text) if le < 0 else le)


def column_year(text: str, pos: int, max_lines: int = 8) -> str | None:
    """The year over the column of the money cell at ``pos``: a header line above the row names
    one year per money cell of the row ("Onderdeel 2024 2025" over "Groenbeheer 10.000 12.000");
    None when the row has fewer than two cells or no such header lies within ``max_lines``."""
    cells = money_cells(text, pos)
    idx = next((i for i, c in enumerate(cells) if c.start <= pos < c.end), None)
    if idx is None or len(cells) < 2:
        return None
    end = text.rfind("\n", 0, pos)
    for _ in range(max_lines):
        if end <= 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        m = _YEARS_HEADER.fullmatch(text, start, end)
        if m:
            years = m.group(1).split()
            return years[idx] if len(years) == len(cells) else None
        end = start - 1
    return None


def tabular(sentence: str) -> bool:
    """A run of table cells rather than prose: a quarter or more of its tokens are figures."""
    toks = sentence.split()
    if len(toks) < 6:
        return bool(toks) and all(re.fullmatch(r"[-–+€]?[\d.,]+%?|[-–€]", t) or t.istitle() for t in toks)
    nums = sum(1 for t in toks if re.fullmatch(r"[-–+(]?[\d.,]+\)?%?|[-–]", t))
    return nums / len(toks) >= 0.25


# a position or a threshold, not money made available, spent, budgeted, cut or estimated

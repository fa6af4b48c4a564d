"""Rule-based Dutch commitment extractor: sentences → anchored clauses → typed, grounded items.

How it decides, in short (the patterns are Dutch policy-language generalities, not gold items):

- **funding**: every euro amount (``normalize.find_amounts``) except positions and thresholds
  (``eigen vermogen``, ``schuld``, ``saldo``, a ``WOZ-waarde``, a balance at ``01-01-2024``, ``‹ €``,
  ``rapportagegrens``, tariff rows ``€ 275,52 3,2%``, a table header glued to a figure) unless the
  clause puts the money to use (``in te zetten``, ``beschikbaar``). A quote stops at the ``)`` that
  closes the amount's bracket when a new sentence is glued on. Period: the nearest year wording in
  its clause (``in 2020``, ``voor de jaren 2022 – 2025``, ``per 1-1-2021``, ``subsidieplafond 2024``,
  a season or ``<maand>circulaire`` of the document year); a total followed by ``waarvan … in Y1 en
  … in Y2`` covers ``Y1-Y2``, and so does ``€ 75.000 in Y1 en Y2``; a bare table row inherits the period of the row above.
- **deadline**: a date expression (``normalize.find_dues``) in a clause that plans, promises or
  sets into effect: a future or modal cue (``zal``, ``worden``, ``te`` + infinitive, ``verwacht``,
  ``streven``, ``toegezegd``), a planning verb in the present (``ontvangt``, ``volgt``,
  ``organiseert``), an effective date (``per 1 januari 2023``) or a labelled date (``Start
  consultatie: 3 april``). Past clauses (``is verstrekt``, ``jl.``), plans the text calls off
  (``zou … worden``), dates before the document date and dates that only qualify an amount are
  not deadlines. Neither are: events in the simple past (``stuurde … in februari``) or in a
  ``hebben`` perfect even beside a ``te`` + infinitive; dates inside a noun phrase (``de per 1 juli
  ingevoerde maatregel``, ``de raadsbrief van dit jaar``); forecasts with a percentage (``zal in
  2024 met 2,8 procent stijgen``); consequences (``vanaf 2027 leidt dit tot``); table headers of
  years. ``de in te brengen …`` (a ``te`` + infinitive used as an adjective) is no cue at all.
- **norm**: a time limit (``binnen vijf dagen``, ``een termijn van vier maanden``) or a bounded
  share in a normative clause (``ten minste 90%`` + ``voorwaarde``; the bound word itself does not
  count, so a definition ``die goed zijn voor ten minste 1%`` is no norm); statistics (``daling``,
  ``ten opzichte van``, ``naar schatting``), durations of permits, contracts and programmes, a
  ``binnen`` inside a negated condition without an obligation (``wanneer binnen twaalf maanden geen
  … is opgericht, kan …``) and a one-off step a motion asks for are not norms.

A quote is the sentence holding the anchor; when a sentence holds several anchors of one kind,
it is cut between them at the last clause boundary (``,``, ``;``, `` en ``, ``waarvan``, a table
line end), so each item keeps the shortest span that states it whole.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from assistant.extract import normalize as nz
from assistant.extract import phrases as ph
from assistant.extract.models import Commitment, DeadlineFields, FundingFields, NormFields, Within
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


@dataclass(frozen=True, slots=True)
class DocContext:
    """What the rules need to know about the whole document: its date and who writes."""

    ref: date  # the document's date, or the best estimate of it
    ref_exact: bool  # the date is stated, not estimated from the text's years

    @classmethod
    def of(cls, doc: Document) -> DocContext:
        if doc.date:
            try:
                return cls(date.fromisoformat(doc.date[:10]), True)
            except ValueError:
                pass
        head = doc.text[:4000]
        m = _LETTER_DATE.search(head)
        if m:
            mo = nz.MONTHS[m.group("mo").lower()] if m.group("mo") else int(m.group("mn"))
            try:
                return cls(date(int(m.group("y")), mo, int(m.group("d"))), True)
            except ValueError:
                pass
        years = Counter(int(y) for y in _YEAR.findall(doc.text) if 1990 <= int(y) <= 2100)
        if not years:
            return cls(date.today(), False)
        top = max(years.values())
        year = max(y for y, n in years.items() if n == top)
        ref = date(year, 1, 1)
        for j in _JL_DATE.finditer(doc.text):  # "op 4 november jl.": a past date of this year
            try:
                ref = max(ref, date(year, nz.MONTHS[j.group("mo").lower()], int(j.group("d"))))
            except ValueError:
                pass
        return cls(ref, False)


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


def segments(text: str, s: int, e: int, anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut sentence ``[s, e)`` into one span per anchor, between anchors at the last top-level
    clause boundary (a line end right after an anchor, as in a table, comes first)."""
    anchors = sorted(anchors)
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
    r"verzendt|zendt|biedt|vindt\s+plaats|gaat\s+in|aan\s+de\s+slag|stelt|stellen|opent|sluit)\b",
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
_LABEL = re.compile(
    r"\b(?:start|einde|eind|deadline|uiterlijk|planning|oplevering|gereed|inwerkingtreding|"
    r"ingangsdatum|sluitingsdatum|indienen|aanleveren|inleveren)\b",
    re.I,
)
_EFFECTIVE = {"per", "met ingang van", "vanaf"}
_FOR_NOUN = re.compile(
    r"\b(?:begroting|budget|plafond|raming|nota|plan|middelen|bedrag|kosten|subsidie\w*|tarie\w+|"
    r"jaarrekening|kadernota|voorjaarsnota|najaarsnota)\s*$",
    re.I,
)
_DURATION_LEAD = re.compile(r"^voor\s+de\s+(?:jaren|periode)", re.I)
_BACKGROUND = re.compile(r"\b(?:tot\s+aan|sinds|ten\s+tijde\s+van)\b", re.I)
# "de per 1 juli ingevoerde maatregel": a date inside a noun phrase, before a participle adjective
_ATTRIBUTIVE_AFTER = re.compile(
    r"\s+(?:\w+\s+)?(?:\w{0,6}ge\w{2,}|(?:be|ver|ont|her)\w{2,}|\w+eerd)(?:de|te|en)\s+[a-zé]", re.I
)
_ARTICLE_BEFORE = re.compile(r"\b(?:de|het|een|deze)\s*$", re.I)
# "de raadsinformatiebrief van dit jaar", "de resultaten van het eerste halfjaar": a date naming a noun
_NOUN_OF = re.compile(
    r"\b(?!(?:eind|einde|begin|loop|midden|helft|start|uiterlijk)\b)(?!\w*(?:datum|termijn|deadline)\b)"
    r"[a-z]\w{3,}\s+(?:van|uit)\s+(?:het\s+|de\s+)?$"
)
# an economic forecast: "de lonen zullen in 2024 met 2,8 procent stijgen"
_FORECAST = re.compile(
    r"\b(?:stijg\w*|steeg|gestegen|daal\w*|daalde|gedaald|groei\w*|gegroeid|toenemen|neemt\s+toe|"
    r"afnemen|neemt\s+af|bedraagt|bedragen|inflatie|indexatie|loonontwikkeling|prijsontwikkeling|"
    r"rente\w*|procentpunt)\b",
    re.I,
)
# "Vanaf 2027 leidt dit tot hogere inkomsten": a consequence over time, not something to be done
_CONSEQUENCE = re.compile(
    r"\b(?:leidt|leiden|resulteert|resulteren|betekent|betekenen|kijkt|kijken|ontstaat|ontstaan|"
    r"levert\s+\w+\s+op|geldt|gelden)\b",
    re.I,
)


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

_STAT = re.compile(
    r"\b(?:daling|stijging|gestegen|gedaald|toename|afname|ten\s+opzichte\s+van|naar\s+schatting|"
    r"blijkt|bleek|geeft\s+aan|gaven\s+aan|tevreden|cijfers|procent\s+in|inschatting|ongeveer|circa|"
    r"bijna|risico-?opslag|opslag|rente|rendement|winst)\b",
    re.I,
)
_NORMATIVE = re.compile(
    r"\b(?:voorwaarde\w*|moet|moeten|dient|dienen|mag|mogen|verplicht\w*|norm\w*|eis\w*|"
    r"vallen\s+(?:niet\s+)?onder|valt\s+(?:niet\s+)?onder|voldoen|voldoet|vrijstelling|toegestaan|"
    r"ten\s+minste|tenminste|minimaal|maximaal)\b",
    re.I,
)
_BOUND_THRESHOLDS = {
    "ten minste",
    "tenminste",
    "minimaal",
    "minstens",
    "maximaal",
    "ten hoogste",
    "hoogstens",
    "niet meer dan",
    "meer dan",
    "minder dan",
}
_STATUTORY = re.compile(
    r"\b(?:op\s+basis\s+van\s+de|op\s+grond\s+van|wet\w*|verplicht\w*|moet|moeten|dient|dienen)\b", re.I
)
_CONDITIONAL = re.compile(r"\b(?:indien|als|wanneer|zodra|nog\s+niet)\b", re.I)
_IF = re.compile(r"\b(?:indien|als|wanneer|zodra)\b", re.I)
# how long a permit, programme or contract runs: "de vergunning heeft een termijn van 5 jaar"
_DURATION_OF = re.compile(
    r"\w*(?:vergunning|contract|overeenkomst|programma|convenant|pilot|project|concessie|"
    r"benoeming|subsidieperiode|aanstelling|pacht)\w*\b",
    re.I,
)
_OBLIGATION = re.compile(r"\b(?:moet|moeten|dient|dienen|verplicht\w*|uiterlijk)\b", re.I)
_NEGATION = re.compile(r"\b(?:geen|niet)\b", re.I)
# a motion or question asks for a one-off step: "verzoekt de regering … binnen één jaar te evalueren"
_REQUEST = re.compile(r"\b(?:verzoekt|verzoeken|roept|vraagt|vragen)\b", re.I)
_NOT_NORM = re.compile(
    r"\b(?:looptijd|duur|contractduur|maandelijks|wekelijks|afschrij\w*|afschrijvingstermijn)\b", re.I
)
# statistics and research findings told in the past: "bij 50 procent … was na zeven weken nog niet …"
_REPORTED_FINDING = re.compile(
    r"\b(?:was|waren|bleek|bleken|meldde|meldden|onderzoekers|onderzochte|gemiddeld\s+duurde)\b", re.I
)


def _drop_brackets(t: str) -> str:
    return re.sub(r"\([^()]*\)", " ", t)


def _is_question(text: str, s: int, e: int) -> bool:
    return text[s:e].rstrip().endswith("?") or text[e : e + 3].lstrip().startswith("?")


_POPULATION = re.compile(
    r"\b(?:voor\s+(?:\d+(?:,\d+)?\s*%\s+van\s+)?(?:alle\s+|de\s+)?|van\s+de\s+)(?P<pop>kinderen|jongeren|"
    r"jeugdigen|cliënten|gezinnen|aanvragen|meldingen|zaken|inwoners|leerlingen|patiënten)\b",
    re.I,
)


@dataclass
class _Candidate:
    kind: str
    start: int
    end: int
    fields: NormFields | DeadlineFields | FundingFields
    actor: str | None


def _tabular(sentence: str) -> bool:
    """A run of table cells rather than prose: a quarter or more of its tokens are figures."""
    toks = sentence.split()
    if len(toks) < 6:
        return bool(toks) and all(re.fullmatch(r"[-–+€]?[\d.,]+%?|[-–€]", t) or t.istitle() for t in toks)
    nums = sum(1 for t in toks if re.fullmatch(r"[-–+(]?[\d.,]+\)?%?|[-–]", t))
    return nums / len(toks) >= 0.25


# a position or a threshold, not money made available, spent, budgeted, cut or estimated
_BALANCE = re.compile(
    r"\b(?:eigen\s+vermogen|vreemd\s+vermogen|weerstandsvermogen|vermogen|schuld|schulden|schuldpositie|"
    r"schuldquote|boekwaarde|saldo|balans\w*|stand|bankstand|marktwaarde|WOZ[- ]?waarde\w*|woonlasten|"
    r"\w*grens|drempel\w*|drempelwaarde|koers|omzet|jaarinkomsten|inkomen|salaris|vermogensrendement|WOZ|"
    r"weerstandscapaciteit|rekening-courant\w*|OZB\s+woning|per\s+woning|overschot|kasgeld\w*|"
    r"begrotingstotaal|fee|tarief|tarieven|prijs|prijzen|\w+waarde|(?:een|meer)persoonshuishoudens?)\b",
    re.I,
)
_SPEND = re.compile(
    r"\b(?:in\s+te\s+zetten|inzetten|ingezet|beschikbaar|besteden|besteed|uitgeven|uitgegeven|toe\s+te\s+kennen|"
    r"toegekend|storten|gestort|onttrekken|onttrokken|reserveren|gereserveerd|bijdrage\w*|subsidie\w*|"
    r"budget\w*|krediet\w*)\b",
    re.I,
)
# a position stated beside the figure, whatever the clause: "€ 4,6 mrd (o.b.v. jaarrekening 2022)"
_POSITION_NEAR = re.compile(
    r"o\.b\.v\.\s+(?:de\s+)?jaarrekening|\bWOZ[- ]?waarde|\bweerstandscapaciteit|\brekening-courant", re.I
)
_THRESHOLD_SIGN = re.compile(r"(?:[<>‹›≤≥]|\b(?:groter|kleiner|hoger|lager)\s+dan)\s*$", re.I)
_AT_DATE = re.compile(r"\b\d{1,2}-\d{1,2}-(?:19|20)\d{2}\b")
_MORE_YEARS = re.compile(
    r"(?:\s*,\s*(?:19|20)\d{2})*\s+(?:en|t/m|tot\s+en\s+met)\s+(?P<y>(?:19|20)\d{2})\b", re.I
)
_BARE_PURPOSE = re.compile(
    r"(?:(?:waarvan|en|of|in|vanaf|per|tot|t/m|met|ingang|van|jaarlijks|structureel|incidenteel|"
    r"eenmalig|per\s+jaar|(?:19|20)\d{2}|[-–,;:])\s*)*|onbekend",
    re.I,
)


_CLOSE_THEN_CAPITAL = re.compile(r"\)(?=\s+[A-Z])")


def _unglue(text: str, qs: int, qe: int, a: nz.Amount) -> tuple[int, int]:
    """Cut a funding span at the ``)`` that closes the amount's bracket when a new sentence follows:
    ``(hogere lasten € 75.000 in 2024) Op het gebied van …`` — the next sentence, glued on."""
    if qe <= qs:
        return qs, qe
    close = _CLOSE_THEN_CAPITAL.search(text, a.end, qe)
    opened = text.rfind("(", qs, a.start)
    inside = opened >= 0 and text.find(")", opened, a.start) < 0
    if close and not inside and "(" in text[a.end : close.start()]:
        close = None  # "€ 5.000 (incidenteel) Daarna …": the bracket is the amount's own remark
    return (qs, close.end()) if close else (qs, qe)


class RuleExtractor:
    """Dutch rule-based extractor. ``run(doc)`` returns grounded commitments sorted by offset."""

    def __init__(self, *, kinds: Iterable[str] | None = None) -> None:
        chosen = set(kinds or ("norm", "deadline", "funding"))
        unknown = chosen - {"norm", "deadline", "funding"}
        if unknown:
            raise ValueError(f"unknown kind(s) {sorted(unknown)}; use norm, deadline or funding")
        self.kinds = chosen

    def to_dict(self) -> dict[str, object]:
        return {"type": "assistant.extract.rules.RuleExtractor", "init": {"kinds": sorted(self.kinds)}}

    def run(self, doc: Document) -> list[Commitment]:
        ctx = DocContext.of(doc)
        text = doc.text
        cands: list[_Candidate] = []
        last_funding: tuple[int, str | None] | None = None
        mult, unit_from = 1.0, 0
        for s, e in sentences(text):
            # "(x € 1.000)" holds for the figures after it in its table, not for the prose around it
            unit = nz.table_unit_end(text, s, e)
            if unit is not None:
                mult, unit_from = nz.table_multiplier(text[s:e]), unit
            elif not _tabular(text[s:e]):
                mult, unit_from = 1.0, s
            else:
                unit_from = s
            amounts = nz.find_amounts(text, s, e)
            if mult != 1.0 and _tabular(text[s:e]):
                scaled = nz.find_amounts(text, s, e, multiplier=mult)
                amounts = [
                    b
                    if a.start >= unit_from
                    and _tabular(" ".join(text[max(s, a.start - 80) : a.start].split()[-6:]))
                    else a
                    for a, b in zip(amounts, scaled, strict=True)
                ]
            if "funding" in self.kinds and amounts:
                items = self._funding(doc, ctx, s, e, amounts, last_funding)
                cands.extend(items)
                last_funding = (items[-1].end, items[-1].fields.period) if items else last_funding  # type: ignore[union-attr]
            if "deadline" in self.kinds:
                cands.extend(self._deadlines(doc, ctx, s, e, amounts))
            if "norm" in self.kinds:
                cands.extend(self._norms(doc, s, e))
        out = []
        for c in cands:
            span = doc.span(c.start, c.end)
            out.append(Commitment.from_span(span, c.kind, c.fields, actor=c.actor, grounding="exact"))
        out.sort(key=lambda x: (x.char_start, x.kind))
        return out

    # -- funding ----------------------------------------------------------------------------
    def _funding(
        self,
        doc: Document,
        ctx: DocContext,
        s: int,
        e: int,
        amounts: list[nz.Amount],
        last: tuple[int, str | None] | None,
    ) -> list[_Candidate]:
        text = doc.text
        segs = [
            _unglue(text, qs, qe, a)
            for a, (qs, qe) in zip(
                amounts, segments(text, s, e, [(a.start, a.end) for a in amounts]), strict=True
            )
        ]
        periods: list[str | None] = []
        for a, (qs, qe) in zip(amounts, segs, strict=True):
            periods.append(self._period(text, ctx, qs, qe, a, amounts))
        # "€ 98.412 …, waarvan € 32.804 in 2020 en € 65.608 in 2021": the total spans the parts
        for i in range(len(amounts) - 1):
            if periods[i] is None and re.match(r"waarvan\b", text[segs[i + 1][0] : segs[i + 1][1]], re.I):
                years = []
                for j in range(i + 1, len(amounts)):
                    if periods[j] and re.fullmatch(r"\d{4}", periods[j] or ""):
                        years.append(int(periods[j]))  # type: ignore[arg-type]
                    if j + 1 < len(amounts) and not re.match(r"en\b", text[segs[j + 1][0] : segs[j + 1][1]]):
                        break
                if len(years) >= 2:
                    periods[i] = f"{min(years)}-{max(years)}"
        out = []
        prev = last
        position = False
        for k, (a, (qs, qe)) in enumerate(zip(amounts, segs, strict=True)):
            if qe <= qs:
                continue
            bare = not re.search(r"[A-Za-z]{3}", text[qs:qe].replace(a.text, " "))
            position = self._is_position(text, s, e, qs, qe, a) or (bare and position)
            if position:
                continue  # a position, or a bare cell in the same row as one ("€ 334 € 361 € 250")
            seg = text[qs:qe]
            period = periods[k]
            last_line = seg.rsplit("\n", 1)[-1]
            is_row = len(last_line.split()) <= 12 and qe == a.end and not _FUTURE.search(last_line)
            is_row = is_row and not _is_past(last_line) and not _ACTION.search(last_line)
            if is_row and last_line != seg:  # a table row: its own line, not the header above it
                qs = qe - len(last_line)
                seg = last_line
            if period is None and is_row and prev is not None:
                prev_end, prev_period = prev
                if prev_period and 0 <= qs - prev_end <= 2000:
                    period = prev_period  # a table row inherits the period of the row above
            prev = (qe, period)
            recurrence = nz.recurrence_of(seg) or "once"
            purpose = ph.funding_purpose(text, qs, qe, a.start, a.end, s, e)
            if out and _BARE_PURPOSE.fullmatch(purpose):  # "…, € 300 miljoen in 2020": as the amount before
                purpose = out[-1].fields.purpose  # type: ignore[union-attr]
            x, y = anchor_clause(text, qs, qe, a.start, a.end)
            act, _ = _fields_actor(text, qs, qe, x, y, [(o.start, o.end) for o in amounts])
            out.append(
                _Candidate(
                    "funding",
                    qs,
                    qe,
                    FundingFields(amount_eur=a.value, period=period, purpose=purpose, recurrence=recurrence),
                    act[0] if act else None,
                )
            )
        return out

    @staticmethod
    def _is_position(text: str, s: int, e: int, qs: int, qe: int, a: nz.Amount) -> bool:
        """A balance, a value or a threshold: ``eigen vermogen € 4,4 mln``, ``01-01-2024: € 1.113.000``,
        ``WOZ-waarde van € 350.000``, ``‹ € 1.000``, ``rapportagegrens van € 50.000``."""
        if _THRESHOLD_SIGN.search(text[max(s, a.start - 14) : a.start]):
            return True
        ws, we = max(s, a.start - 24), min(e, a.end + 24)
        if "\n" in text[ws : a.start]:
            ws = text.rfind("\n", ws, a.start) + 1
        if "\n" in text[a.end : we]:
            we = text.find("\n", a.end, we)
        line = text[ws:we]
        bare_dates = [
            m
            for m in _AT_DATE.finditer(text, ws, we)
            if not re.search(
                r"\b(?:per|vanaf|van|tot|t/m|uiterlijk|op|voor)\s*$",
                text[max(s, m.start() - 16) : m.start()],
                re.I,
            )
        ]
        if bare_dates and not _FUTURE.search(line):
            return True  # "01-01-2024: € 1.113.000 31-12-2024": a position at a date
        if _POSITION_NEAR.search(text, max(s, a.start - 60), min(e, a.end + 60)):
            return True
        if re.match(r"(?:\s*€\s*[\d.]+,\d{2})?\s*[-+]?\d+(?:,\d+)?\s*%", text[a.end : a.end + 30]):
            return True  # "€ 275,52 3,2%": a tariff and its change, a row of a table of charges
        head = text[max(qs, a.start - 160) : a.start]
        caps = Counter(re.findall(r"\b[A-Z][a-z]{3,}\b", head))
        if (
            re.search(r"\b([A-Z][a-z]{3,})\s+\1\b|\b(?:(?:19|20)\d{2}\s+){2}(?:19|20)\d{2}\b", head)
            or max(caps.values(), default=0) >= 3
        ):
            return True  # a table's header glued to the figure: "Begroting Begroting … 2024 2025 2026"
        x, y = local_clause(text, s, e, a.start, a.end)
        near = text[max(x, a.start - 60) : min(y, a.end + 40)]
        if _SPEND.search(text[x:y]):
            return False  # "het saldo van € 157.000 in de reserve in te zetten": money put to use
        return bool(_BALANCE.search(near))

    def _period(
        self, text: str, ctx: DocContext, qs: int, qe: int, a: nz.Amount, amounts: list[nz.Amount]
    ) -> str | None:
        """The nearest period wording to the amount inside its span (None when there is none)."""
        seg = text[qs:qe]
        structural = bool(nz.recurrence_of(seg) == "structural")
        cands: list[tuple[int, str]] = []
        for d in nz.find_dues(text, qs, qe, ctx.ref):
            if any(o.start < d.end and d.start < o.end for o in amounts):
                continue
            if d.prep in {"sinds", "na"} or d.due is None:
                continue
            if d.explicit_day and d.prep not in _EFFECTIVE:
                continue
            if structural and d.prep not in _EFFECTIVE:
                continue
            before = text[max(qs, d.start - 20) : d.start]
            if re.search(r"\w*nota\s*$", before, re.I):
                continue
            if d.range_kind == "range" and (p := nz.period_of(d.text)) and "-" in p and "/" not in d.text:
                value = p
            else:
                ys = _YEAR.findall(d.text)
                value = ys[-1] if ys and d.range_kind != "range" else str(d.due.year)
                if d.prep in {"voor", "vóór"} and ys:  # "voor 2022" on money: for 2022
                    value = ys[-1]
            more = _MORE_YEARS.match(text, d.end, qe)
            if more and re.fullmatch(r"(?:19|20)\d{2}", value):
                value = f"{value}-{more.group('y')}"  # "€ 75.000 in 2024 en 2025": both years
            dist = d.start - a.end if d.start >= a.end else a.start - d.end
            cands.append((dist, value))
        if not structural:
            for m in re.finditer(r"\b(?P<w>\w+)\s+(?P<y>(?:19|20)\d{2})\b(?![-–]\d)", seg):
                w = m.group("w").lower()
                if re.fullmatch(r"\w*(?:plafond|begroting|budget|raming|jaarschijf|boekjaar|subsidie\w*)", w):
                    st = qs + m.start()
                    dist = st - a.end if st >= a.end else a.start - (qs + m.end())
                    cands.append((dist, m.group("y")))
        if not cands:
            return None
        return min(cands, key=lambda c: c[0])[1]

    # -- deadlines --------------------------------------------------------------------------
    def _deadlines(
        self, doc: Document, ctx: DocContext, s: int, e: int, amounts: list[nz.Amount]
    ) -> list[_Candidate]:
        text = doc.text
        sentence = text[s:e]
        accepted: list[tuple[nz.Due | nz.Limit, date | None]] = []
        if _is_question(text, s, e):
            return []  # "Bent u bereid … voor 1 juli …?": a question, not a commitment
        for d in nz.find_dues(text, s, e, ctx.ref):
            if self._is_deadline(text, ctx, s, e, d, amounts, sentence):
                accepted.append((d, d.due))
        # "De inspecties toetsen na vier maanden …": a step relative to an unstated start
        for lim in nz.find_time_limits(text, s, e):
            if lim.lead == "na" and not re.search(r"uiterlijk\s*$", text[max(s, lim.start - 12) : lim.start]):
                ls, le = local_clause(text, s, e, lim.start, lim.end)
                clause = text[ls : lim.start] + " " + text[lim.end : le]
                if _CONDITIONAL.search(clause) or _CANCELLED.search(sentence):
                    continue
                if _ACTION.search(clause) and not _is_past(clause):
                    accepted.append((lim, None))
        if not accepted:
            return []
        accepted.sort(key=lambda x: x[0].start)
        segs = segments(text, s, e, [(x.start, x.end) for x, _ in accepted])
        out = []
        for (x, due), (qs, qe) in zip(accepted, segs, strict=True):
            if qe <= qs:
                continue
            cx, cy = anchor_clause(text, qs, qe, x.start, x.end)
            anchors = [(o.start, o.end) for o, _ in accepted]
            act, own = _fields_actor(text, qs, qe, cx, cy, anchors)
            action = ph.clause_phrase(text, cx, cy, anchors, act if own else None)
            if len(action) < 3:
                action = ph.shorten(text[qs:qe])
            fields = DeadlineFields(
                action=action,
                actor=act[0] if act else None,
                due=due.isoformat() if due else None,
                due_text=" ".join(x.text.split()),
            )
            out.append(_Candidate("deadline", qs, qe, fields, fields.actor))
        return out

    def _is_deadline(
        self, text: str, ctx: DocContext, s: int, e: int, d: nz.Due, amounts: list[nz.Amount], sentence: str
    ) -> bool:
        if d.due is None or d.relative in {"vorig", "vorige", "afgelopen"}:
            return False
        if d.prep in {"sinds", "na", "bij"} and "circulaire" not in d.text.lower():
            return False
        if _DURATION_LEAD.match(d.text):
            return False  # "voor de periode van 2024-2026": how long, not by when
        # a date that only qualifies an amount: "€ 32.804 in 2020", "per 1-1-2021 van € 23.132"
        for a in amounts:
            if 0 <= d.start - a.end <= 3 or re.fullmatch(
                r"\s*(?:van|:)?\s*", text[d.end : a.start] if a.start >= d.end else "x"
            ):
                return False
        if d.grain in {"year", "half", "quarter"}:
            ls, le = local_clause(text, s, e, d.start, d.end)
            if any(ls <= a.start < le for a in amounts):
                return False  # "€ 300 miljoen op jaarbasis te verlengen tot en met 2022": the money's period
        before = text[max(s, d.start - 30) : d.start]
        after = text[d.end : min(e, d.end + 6)]
        if d.prep in {"voor", "vóór"} and not d.explicit_day:
            if _FOR_NOUN.search(before) or re.match(r"\s*e\.v\.", after):
                return False  # "de begroting voor 2024 e.v.": for, not before
        if d.prep == "per" and re.search(
            r"(?:stand|peildatum|saldo|situatie|portefeuille|boekwaarde|balans|reserves?|voorzieningen?|"
            r"vermogen|schuld|positie|omvang)\s+$",
            before,
            re.I,
        ):
            return False  # "bankstand per 31-01-2025": a status date, not a deadline
        if re.match(r"\s*jl\b", after) or re.search(
            r"\b(?:brief|brieven|Kamerbrief)\s+van\s*$", before, re.I
        ):
            return False
        if _CANCELLED.search(sentence):
            return False  # "zou … worden aangeboden": a plan the text itself replaces
        if _ARTICLE_BEFORE.search(before) and _ATTRIBUTIVE_AFTER.match(text, d.end, e):
            return False  # "de per 1 juli ingevoerde maatregel": a past event named in a noun phrase
        if not d.prep and not d.explicit_day and _NOUN_OF.search(before):
            return False  # "de raadsinformatiebrief van dit jaar": the date names a thing, it sets no term
        if re.match(r"\s+(?:19|20)\d{2}\b", text[d.end : d.end + 6]) or (
            d.text[:1].isdigit() and re.search(r"\b(?:19|20)\d{2}\s+$", before)
        ):
            return False  # "Boekwaarde per 31 december 2023 2024 2025": a table header
        if len(_YEAR.findall(text, max(s, d.start - 60), min(e, d.end + 60))) >= 4 and _tabular(
            text[max(s, d.start - 60) : min(e, d.end + 60)].replace("-", " ")
        ):
            return False  # a date among a table's year columns
        ls, le = local_clause(text, s, e, d.start, d.end)
        clause = text[ls:le]
        ws, we = max(s, d.start - 80), min(e, d.end + 80)
        if nz.find_shares(text, ws, we) and _FORECAST.search(text[ws:we]):
            return False  # "zal in 2024 met 2,8 procent stijgen": a forecast, not a term
        if (
            d.prep in {"vanaf", "per", "met ingang van"}
            and _CONSEQUENCE.search(clause)
            and not _FUTURE.search(clause)
        ):
            return False  # "vanaf 2027 leidt dit tot hogere inkomsten": an effect, not an effective date
        effective = d.prep in _EFFECTIVE and (d.explicit_day or d.explicit_year)
        if effective:
            if _BACKGROUND.search(before) or d.due.year < ctx.ref.year - 1:
                return False
            return True
        if d.due < ctx.ref:
            return False
        tense = _tense(text, s, e, d.start, d.end)
        if tense in {"future", "action"}:
            return True
        if tense in {"past", "permission"}:
            return False
        strong = d.explicit_day or d.prep == "uiterlijk" or "circulaire" in d.text.lower()
        ls, le = local_clause(text, s, e, d.start, d.end)
        return strong and bool(_LABEL.search(text[max(s, ls - 40) : le]))

    # -- norms ------------------------------------------------------------------------------
    def _norms(self, doc: Document, s: int, e: int) -> list[_Candidate]:
        text = doc.text
        sentence = text[s:e]
        if _NOT_NORM.search(sentence) and not re.search(r"\bbinnen\b|termijn", sentence, re.I):
            return []
        if _is_question(text, s, e) or _REPORTED_FINDING.search(sentence):
            return []  # a question asks, a reported finding describes: neither sets a standard
        anchors: list[nz.Limit | nz.Share] = []
        for lim in nz.find_time_limits(text, s, e):
            ls, le = local_clause(text, s, e, lim.start, lim.end)
            clause = text[ls:le]
            if _NOT_NORM.search(text[max(s, lim.start - 30) : lim.start]) or _NOT_NORM.search(lim.text):
                continue
            if lim.lead == "na":
                uiterlijk = re.search(r"uiterlijk\s*$", text[max(s, lim.start - 12) : lim.start])
                if not (uiterlijk or _IF.search(clause)):
                    continue
            if lim.lead == "termijn" and _DURATION_OF.search(text[max(s, lim.start - 60) : lim.end]):
                continue  # "de vergunning heeft een termijn van 5 jaar": a duration, not a standard
            if (
                lim.lead == "binnen"
                and re.search(r"\b(?:indien|als|wanneer|zodra)\b[^,;]*$", text[ls : lim.start], re.I)
                and _NEGATION.search(re.split(r",\s", _drop_brackets(text[ls:e]), maxsplit=1)[0])
                and not _OBLIGATION.search(sentence)
            ):
                continue  # "wanneer binnen twaalf maanden geen X is opgericht, kan …": a trigger
            if lim.lead == "binnen" and _REQUEST.search(sentence) and not _OBLIGATION.search(clause):
                continue  # "verzoekt de regering … binnen één jaar te evalueren": a one-off step
            if lim.lead == "ieder" and not _STATUTORY.search(sentence):
                continue
            if (
                lim.lead == "binnen"
                and re.search(r"\b(?:zal|zullen)\b", clause, re.I)
                and not nz.find_shares(text, s, e)
            ):
                continue  # "wij zullen binnen vier maanden …": a one-off step, not a standard
            anchors.append(lim)
        if not anchors:
            for sh in nz.find_shares(text, s, e):
                rest = text[s : sh.start] + " " + text[sh.end : e]
                if (
                    sh.threshold in _BOUND_THRESHOLDS
                    and _NORMATIVE.search(rest)
                    and not _STAT.search(sentence)
                ):
                    anchors.append(sh)
        if not anchors:
            return []
        segs = segments(text, s, e, [(x.start, x.end) for x in anchors])
        out = []
        for x, (qs, qe) in zip(anchors, segs, strict=True):
            if qe <= qs:
                continue
            seg = text[qs:qe]
            if isinstance(x, nz.Limit):
                w = Within(value=x.value, unit=x.unit)  # type: ignore[arg-type]
                shares = [
                    sh
                    for sh in nz.find_shares(text, qs, qe)
                    if sh.threshold not in {"ruim", "bijna", "circa", "ongeveer", "ca.", "zeker"}
                    and not _STAT.search(text[sh.start : min(qe, sh.end + 40)])
                ]
                share = shares[0].value if shares else None
            else:
                w, share = None, x.value
            pop = _POPULATION.search(text, qs, qe)
            remove = [(o.start, o.end) for o in anchors]
            for sh in nz.find_shares(text, qs, qe):  # "Voor 90% is …": the share with its "voor"
                lead = re.search(r"\b[Vv]oor\s+$", text[max(qs, sh.start - 6) : sh.start])
                remove.append((sh.start - (len(lead.group()) if lead else 0), sh.end))
            if pop:
                remove.append((pop.start(), pop.end()))
            cx, cy = anchor_clause(text, qs, qe, x.start, x.end)
            act, own = _fields_actor(text, qs, qe, cx, cy, remove)
            subject = ph.clause_phrase(text, cx, cy, remove, act if own else None)
            if len(_words(subject)) < 2 and x.text.lower().find("termijn") >= 0:
                subject = ph.clause_phrase(
                    text, cx, cy, [(o.start, o.end) for o in anchors if o is not x], act if own else None
                )
            fields = NormFields(
                subject=subject or ph.shorten(seg),
                share=share,
                within=w,
                population=pop.group("pop").lower() if pop else None,
            )
            out.append(_Candidate("norm", qs, qe, fields, act[0] if act else None))
        return out


def extract_rules(doc: Document, kinds: Iterable[str] | None = None) -> list[Commitment]:
    """Rule-based extraction over a cleaned document (see the module docstring)."""
    return RuleExtractor(kinds=kinds).run(doc)

"""Extraction's small grammars over the shared language layer (``assistant.lang``): periods and
recurrence of funding, shares and time limits of norms.

Numbers, amounts and dates live in ``assistant.lang.numbers`` and ``assistant.lang.dates``; they are
re-exported here because the extractors and their tests read them through this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.lang.dates import MONTHS, Due, due_date, find_dues, month_number
from assistant.lang.lexicon import DIGITS_RX, TIME_UNITS, YEAR_RX
from assistant.lang.lexicon import NUMBER_WORDS_RX as NUMBER_WORDS
from assistant.lang.numbers import (
    Amount,
    amount_eur,
    find_amounts,
    find_money_cells,
    find_row_figures,
    parse_number,
    table_multiplier,
    table_unit_end,
)

__all__ = [
    "MONTHS",
    "NUMBER_WORDS",
    "Amount",
    "Bound",
    "Due",
    "Limit",
    "Share",
    "amount_eur",
    "due_date",
    "find_amounts",
    "find_bounds",
    "find_money_cells",
    "find_row_figures",
    "find_dues",
    "find_shares",
    "find_time_limits",
    "month_number",
    "parse_number",
    "period_of",
    "recurrence_of",
    "share_value",
    "table_multiplier",
    "table_unit_end",
    "within",
    "TIME_UNITS",
]

_Y = YEAR_RX

# --- periods and recurrence (funding) -----------------------------------------------------------

_PERIOD_RANGE = re.compile(rf"(?P<y1>{_Y})\s*(?:-|–|—|/|t/m|tot(?:\s+en\s+met)?)\s*(?P<y2>{_Y}|\d{{2}})\b")
_PERIOD_YEAR = re.compile(
    rf"\b(?:in|voor|over|t/m|tot\s+en\s+met|vanaf|per|sinds|gedurende|begroting|jaar)\s+(?P<y>{_Y})\b", re.I
)


def period_of(wording: str) -> str | None:
    """``2022-2025`` / ``voor de jaren 2022 – 2025`` → "2022-2025"; ``in 2020`` → "2020"; else None."""
    m = _PERIOD_RANGE.search(wording)
    if m:
        y2 = m.group("y2")
        if len(y2) == 2:
            y2 = m.group("y1")[:2] + y2
        return f"{m.group('y1')}-{y2}"
    m = _PERIOD_YEAR.search(wording)
    if m:
        return m.group("y")
    m = re.search(rf"\b{_Y}\b", wording)
    return m.group(0) if m else None


_PER_YEAR = re.compile(
    r"\b(?:per\s+jaar|jaarlijks\w*|op\s+jaarbasis|elk\s+jaar|ieder\s+jaar|per\s+annum|p/j|p\.j\.)", re.I
)
_STRUCTURAL = re.compile(r"\bstructure(?:el|le)\b", re.I)
_ONCE = re.compile(r"\b(?:eenmalig\w*|incidenteel|incidentele)\b", re.I)


def recurrence_of(wording: str) -> str | None:
    """``per jaar``/``jaarlijks``/``op jaarbasis`` → "per year"; ``structureel`` → "structural";
    ``eenmalig``/``incidenteel`` → "once"; else None (the caller decides the default)."""
    if _ONCE.search(wording):
        return "once"
    if _STRUCTURAL.search(wording):
        return "structural"
    if _PER_YEAR.search(wording):
        return "per year"
    return None


# --- shares and time limits (norms) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Share:
    start: int
    end: int
    value: float
    text: str
    threshold: str = ""  # "ten minste", "meer dan", ... when the share is a bound


_FRACTIONS = {
    "de helft": 0.5,
    "helft": 0.5,
    "twee derde": 2 / 3,
    "een derde": 1 / 3,
    "één derde": 1 / 3,
    "driekwart": 0.75,
    "drie kwart": 0.75,
    "een kwart": 0.25,
    "één kwart": 0.25,
    "alle": 1.0,
    "iedere": 1.0,
    "elke": 1.0,
}
_THRESHOLD = (
    r"(?P<thr>ten\s+minste|tenminste|minimaal|minstens|maximaal|ten\s+hoogste|hoogstens|"
    r"niet\s+meer\s+dan|meer\s+dan|minder\s+dan|ruim|bijna|circa|ongeveer|ca\.|zeker)\s+"
)
_SHARE_RX = re.compile(
    rf"(?:{_THRESHOLD})?(?:\b(?P<num>\d+(?:,\d+)?)\s*(?:%|procent\b)|\b(?P<frac>de\s+helft|twee\s+derde|"
    rf"e[eé]n\s+derde|driekwart|drie\s+kwart|e[eé]n\s+kwart)\b|\b[Vv]oor\s+(?P<alle>alle)\b)",
    re.I,
)


def find_shares(text: str, start: int = 0, end: int | None = None) -> list[Share]:
    """``90%``, ``90 procent``, ``de helft``, ``voor alle kinderen`` (1.0), with any bound word before."""
    end = len(text) if end is None else end
    out = []
    for m in _SHARE_RX.finditer(text, start, end):
        if m.group("num"):
            value = float(m.group("num").replace(",", ".")) / 100
        elif m.group("frac"):
            value = _FRACTIONS[
                re.sub(r"\s+", " ", m.group("frac").lower()).replace("één", "een").replace("eén", "een")
            ]
        else:
            value = 1.0
        thr = re.sub(r"\s+", " ", (m.group("thr") or "").lower())
        if value > 1:
            continue
        out.append(Share(m.start(), m.end(), round(value, 4), m.group(0), thr))
    return out


def share_value(wording: str) -> float | None:
    """``90%`` → 0.9, ``90 procent`` → 0.9, ``alle kinderen`` → 1.0, ``de helft`` → 0.5."""
    found = find_shares(wording)
    if found:
        return found[0].value
    if re.search(r"\balle\b", wording, re.I):
        return 1.0
    return None


@dataclass(frozen=True, slots=True)
class Limit:
    start: int
    end: int
    value: float
    unit: str
    text: str
    lead: str  # "binnen", "termijn", "na", "uiterlijk", "ieder", "periode" (and "gedurende"), "per"


_UNIT_WORDS = TIME_UNITS
_UNIT = r"(?P<unit>werkdagen|werkdag|kalenderdagen|dagen|dag|weken|week|maanden|maand|jaren|jaar|kwartalen|kwartaal)"
_QTY = rf"(?P<qty>\d+(?:,\d+)?|{NUMBER_WORDS}|anderhalf|anderhalve|half)"
# a named term stated with a copula: "de beslistermijn bedraagt acht weken", "de termijn voor
# bezwaar is zes weken" (the lead is "termijn")
_COPULA = r"(?:bedraagt|bedragen|is|blijft|ligt\s+op)"
_TERM_IS = rf"\w*termijn(?:\s+(?:voor|om|van|tot)\s[^.;:,()]{{0,60}}?)?\s+{_COPULA}"
_LIMIT_RX = re.compile(
    rf"\b(?P<lead>binnen(?:\s+een\s+\w*termijn\s+van)?|\w*termijn\s+van|{_TERM_IS}|uiterlijk|na|"
    rf"(?:een\s+)?periode\s+van|gedurende|"
    rf"(?:ieder|iedere|elk|elke)(?=\s+(?:half\s+jaar|\d|{NUMBER_WORDS}\s)))"
    rf"\s+(?:(?:uiterlijk|maximaal|ten\s+hoogste|hooguit|minimaal|ten\s+minste)\s+)?{_QTY}\s+{_UNIT}\b",
    re.I,
)
# a limit whose kind the words after it give: a period of public inspection ("ligt zes weken ter
# inzage", lead "periode"), days in a calendar period ("slechts 3 dagen per jaar", lead "per"), the
# time someone is given ("heeft acht weken de tijd om te beslissen", lead "binnen")
_TRAILING_RX = re.compile(
    rf"\b{_QTY}\s+{_UNIT}\s+(?:(?P<periode>(?:lang\s+)?ter\s+inzage)|(?P<per>per\s+(?:jaar|kalenderjaar|maand|week))|"
    rf"(?P<binnen>de\s+tijd))\b",
    re.I,
)
_HALF_YEAR = re.compile(r"\b(?P<lead>binnen|ieder|iedere|elk|elke|na)\s+(?:een\s+)?half\s+jaar\b", re.I)


def _limit(qty: str, unit_word: str) -> tuple[float, str] | None:
    n = parse_number(qty)
    if n is None:
        return None
    u = unit_word.lower()
    unit = _UNIT_WORDS[u]
    if u.startswith("kwarta"):
        n *= 3
    if n == 0.5 and unit == "year":
        return 6.0, "month"
    return n, unit


def find_time_limits(text: str, start: int = 0, end: int | None = None) -> list[Limit]:
    """``binnen zes weken``, ``binnen 5 dagen``, ``een termijn van vier maanden``, ``uiterlijk na
    8 weken``, ``ieder half jaar`` → value and unit (day, week, month, year)."""
    end = len(text) if end is None else end
    out: list[Limit] = []
    for m in _LIMIT_RX.finditer(text, start, end):
        v = _limit(m.group("qty"), m.group("unit"))
        if v is None:
            continue
        lead = m.group("lead").lower()
        lead = "termijn" if "termijn" in lead else "periode" if "periode" in lead else lead.split()[0]
        if lead in {"iedere", "elk", "elke"}:
            lead = "ieder"
        out.append(Limit(m.start(), m.end(), v[0], v[1], m.group(0), lead))
    for m in _TRAILING_RX.finditer(text, start, end):
        v = _limit(m.group("qty"), m.group("unit"))
        if v is not None and not any(x.start < m.end() and m.start() < x.end for x in out):
            lead = next(k for k in ("periode", "per", "binnen") if m.group(k))
            out.append(Limit(m.start(), m.end(), v[0], v[1], m.group(0), lead))
    for m in _HALF_YEAR.finditer(text, start, end):
        if any(x.start < m.end() and m.start() < x.end for x in out):
            continue
        lead = m.group("lead").lower()
        lead = "ieder" if lead in {"iedere", "elk", "elke"} else lead
        out.append(Limit(m.start(), m.end(), 6.0, "month", m.group(0), lead))
    out.sort(key=lambda x: x.start)
    return out


def within(wording: str) -> dict[str, object] | None:
    """``binnen zes weken`` → ``{"value": 6, "unit": "week"}``; None when there is no time limit."""
    found = find_time_limits(wording)
    if not found:
        return None
    v = found[0].value
    return {"value": int(v) if v == int(v) else v, "unit": found[0].unit}


# --- limits on a quantity (norms): a maximum, a minimum, a threshold ------------------------------


@dataclass(frozen=True, slots=True)
class Bound:
    """A limit on a quantity: ``minimaal 8 meter``, ``minder dan 10.000 kg``, ``een veiligheidsafstand
    van 400 meter``. ``bound`` is the bound word, or the limit noun when the wording has none."""

    start: int
    end: int
    value: float
    unit: str
    text: str
    bound: str


_QTY_UNIT = (
    r"(?P<unit>km/u|km/h|kilometer\s+per\s+uur|km\s+per\s+uur|kilometer|km|meter|m|centimeter|cm|millimeter|mm|kilogram|kilo|kg|gram|ton|liter|"
    r"minuten|minuut|uren|uur|seconden|decibel|dB(?:\(A\))?|graden|personen|bezoekers|m2|m²|m3|m³|hectare|"
    r"werkdagen|dagen|dag|weken|week|maanden|maand|jaren|jaar)"
)
_QTY_BOUND = (
    r"(?P<bound>minimaal|minimale|maximaal|maximale|ten\s+minste|tenminste|minstens|ten\s+hoogste|hoogstens|"
    r"niet\s+meer\s+dan|niet\s+minder\s+dan|meer\s+dan|minder\s+dan|"
    r"(?:groter|kleiner|hoger|lager|zwaarder|lichter|breder|smaller|langer|korter)(?:\s+(?:zijn|worden|liggen))?"
    r"\s+dan(?:\s+of\s+gelijk\s+aan)?|"
    r"boven)"
)
# a limit noun names the bound itself: "afstandeis", "veiligheidsafstand", "grenswaarde", "plafond"
_QTY_NOUN = (
    r"(?P<noun>\w*(?:afstand|afstandeis|grens|grenswaarde|limiet|norm|eis|drempel|maximum|minimum|brandwerendheid|"
    r"gewicht|snelheid|hoogte|breedte|lengte))"
)
# a limit named as the subject of a copula: "de maximumsnelheid bedraagt 30 km/u", "het maximale
# gewicht van voertuigen op de brug is 30 ton" (the noun, or the adjective, is the bound)
_QTY_SUBJECT = (
    rf"(?:{_QTY_NOUN}|(?P<adj>maximale|minimale)\s+\w+)(?:\s+(?:van|voor|op|tussen|tot)\s[^.;:,()]{{0,50}}?)?"
    rf"\s+{_COPULA}\s+"
)
_BOUND_RX = re.compile(
    rf"\b(?:{_QTY_BOUND}\s+(?:\w+\s+(?:van\s+)?)?|{_QTY_NOUN}\s+van\s+(?:{_QTY_BOUND.replace('?P<bound>', '?P<bound2>')}\s+)?"
    rf"|{_QTY_SUBJECT.replace('?P<noun>', '?P<noun2>')})"
    rf"(?P<qty>{DIGITS_RX}|{NUMBER_WORDS})\s*{_QTY_UNIT}(?!\w)",
    re.I,
)


# the bounds that make a number of days, weeks, months or years a limit ("ten minste acht weken")
_TIME_BOUNDS = frozenset(
    {
        "minimaal",
        "minimale",
        "maximaal",
        "maximale",
        "ten minste",
        "tenminste",
        "minstens",
        "ten hoogste",
        "hoogstens",
        "niet meer dan",
        "niet minder dan",
    }
)
_MONEY_MARK = re.compile(r"€|\beuro\b|\bEUR\b", re.I)
_MONEY_BOUND_BEFORE = re.compile(
    r"\b(?:(?P<bound>boven|vanaf|meer\s+dan|minder\s+dan|(?:groter|kleiner|hoger|lager)\s+dan|ten\s+hoogste|"
    r"hoogstens|niet\s+meer\s+dan)|(?P<noun>\w*(?:grens|drempel\w*|limiet))\s+(?:van|ligt\s+op|bedraagt|is)(?:\s+(?:meer\s+dan|minder\s+dan))?)\s*$",
    re.I,
)


def find_bounds(text: str, start: int = 0, end: int | None = None) -> list[Bound]:
    """Limits on a quantity in ``text[start:end]`` (absolute offsets): a bound word or a limit noun
    before a number and a unit of length, weight, time of day, sound or count, or before an
    amount of money (unit ``euro``: a threshold such as ``boven € 10.000``)."""
    end = len(text) if end is None else end
    out: list[Bound] = []
    for m in _BOUND_RX.finditer(text, start, end):
        v = parse_number(m.group("qty"))
        if v is None:
            continue
        bound = m.group("bound") or m.group("bound2") or m.group("noun") or m.group("noun2") or m.group("adj")
        bound = re.sub(r"\s+", " ", (bound or "").lower())
        unit = m.group("unit").lower()
        capped = text[max(start, m.start() - 5) : m.start()].rstrip().lower().endswith("niet")
        if unit in TIME_UNITS and bound not in _TIME_BOUNDS and not (m.group("noun2") or m.group("adj") or capped):
            continue  # "langer dan 14 dagen", "boven 65 jaar": a comparison or an age, not a time limit
        out.append(Bound(m.start(), m.end(), v, unit, m.group(0), bound))
    # a threshold in money: "transacties boven € 10.000", "een meldingsgrens van € 50.000"
    money = _MONEY_MARK.search(text, start, end) is not None
    for a in find_amounts(text, start, end) if money else ():
        m = _MONEY_BOUND_BEFORE.search(text, max(start, a.start - 40), a.start)
        if m and not any(b.start < a.end and a.start < b.end for b in out):
            bound = re.sub(r"\s+", " ", (m.group("bound") or m.group("noun") or "").lower())
            out.append(Bound(m.start(), a.end, a.value, "euro", text[m.start() : a.end], bound))
    out.sort(key=lambda b: b.start)
    return out

"""Funding: every euro amount is a candidate; positions and thresholds are not commitments.

Money made available, spent, budgeted, cut or estimated counts; a balance (``eigen vermogen``,
``saldo``, a value at a date), a threshold (``‹ €``, ``rapportagegrens``) or a tariff row does not,
unless the clause puts the money to use (``in te zetten``, ``beschikbaar``). The period is resolved
from the amount's own clause first, then from its context (see ``_period``).
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.extract import normalize as nz
from assistant.extract import phrases as ph
from assistant.extract.context import (
    _ACTION,
    _EFFECTIVE,
    _FUTURE,
    _YEAR,
    Candidate,
    DocContext,
    _fields_actor,
    _is_past,
    anchor_clause,
    column_year,
    local_clause,
    segments,
    tabular,
)
from assistant.extract.models import FundingFields
from assistant.types import Document

_BALANCE = re.compile(
    r"\b(?:eigen\s+vermogen|vreemd\s+vermogen|weerstandsvermogen|vermogen|schuld|schulden|schuldpositie|"
    r"schuldquote|boekwaarde|saldo|balans\w*|stand|bankstand|marktwaarde|WOZ[- ]?waarde\w*|woonlasten|"
    r"\w*grens|\w*drempel\w*|koers|omzet|jaarinkomsten|inkomen|salaris|vermogensrendement|WOZ|"
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

_THRESHOLD_SIGN = re.compile(r"(?:[<>‹›≤≥]|\b(?:groter|kleiner|hoger|lager)\s+dan|\bboven|\bvanaf)\s*$", re.I)

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


def find_funding(
    doc: Document,
    ctx: DocContext,
    s: int,
    e: int,
    amounts: list[nz.Amount],
    last: tuple[int, str | None] | None,
) -> list[Candidate]:
    text = doc.text
    segs = [
        _row_end(text, *_unglue(text, qs, qe, a), a)
        for a, (qs, qe) in zip(
            amounts, segments(text, s, e, [(a.start, a.end) for a in amounts]), strict=True
        )
    ]
    periods: list[str | None] = []
    for a, (qs, qe) in zip(amounts, segs, strict=True):
        periods.append(_period(text, ctx, qs, qe, a, amounts))
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
        position = _is_position(text, s, e, qs, qe, a) or (bare and position)
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
        if (year := column_year(text, a.end - 1)) is not None:
            period = year  # a cell of a table whose header names a year per column
        prev = (qe, period)
        recurrence = nz.recurrence_of(seg) or "once"
        if period is None and recurrence == "once":
            period = _context_period(text, ctx, s, e, a)
        purpose = ph.funding_purpose(text, qs, qe, a.start, a.end, s, e)
        if out and _BARE_PURPOSE.fullmatch(purpose):  # "…, € 300 miljoen in 2020": as the amount before
            purpose = out[-1].fields.purpose  # type: ignore[union-attr]
        x, y = anchor_clause(text, qs, qe, a.start, a.end)
        act, _ = _fields_actor(text, qs, qe, x, y, [(o.start, o.end) for o in amounts])
        out.append(
            Candidate(
                "funding",
                qs,
                qe,
                FundingFields(amount_eur=a.value, period=period, purpose=purpose, recurrence=recurrence),
                act[0] if act else None,
            )
        )
    return out


def _row_end(text: str, qs: int, qe: int, a: nz.Amount) -> tuple[int, int]:
    """A figure without a euro sign that ends its table line ends its row's quote too."""
    if a.end < qe and text.startswith("\n", a.end) and not re.search(r"€|euro|EUR", a.text):
        return qs, a.end
    return qs, qe


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


_SLASH_YEARS = re.compile(r"\d{4}\s*/\s*\d{2,4}")
# a budget document or scheme of a year: "Voorjaarsnota 2025", "subsidiebudget 2023", "subsidieregeling … 2025"
_BUDGET_YEAR = re.compile(
    r"\b(?:(?:\w*nota|\w*begroting\w*|\w*budget\w*|\w*plafonds?|\w*regeling|\w*raming|subsidie\w*|jaarschijf|"
    r"boekjaar|jaarrekening)(?:\s+[\w’'-]+){0,3}?|over)\s+(?P<y>(?:19|20)\d{2})\b(?![-–/]\d)",
    re.I,
)
# a year in a title that is not part of a date: "Ophoging subsidiebudget 2023", not "dd 20 dec 2022"
_TITLE_YEAR = re.compile(r"(?<![\d./-])\b(?P<y>(?:19|20)\d{2})\b(?![-–/]\d)")
# money spent over several years or granted earlier: its year is not the meeting's
_SPREAD = re.compile(r"\b(?:\w*krediet\w*|investering\w*|toegekende|verleende|eerder\w*)\b|\bd\.\s?d\.", re.I)


_TABLE_LEAD = 400  # characters before a table that say what it is about


def _context_period(text: str, ctx: DocContext, s: int, e: int, a: nz.Amount) -> str | None:
    """The period of a one-off amount whose own clause names none, from its context, the most
    specific first: the title of its section (an agenda item or heading), a budget document or
    scheme of a year in that section, and in a decision list the year of the meeting."""
    start, end, title = ctx.section(a.start)
    if title:
        undated = (
            " ".join(title[: d.start] + title[d.end :] for d in nz.find_dues(title)[:1] if d.explicit_day)
            or title
        )
        years = [m.group("y") for m in _TITLE_YEAR.finditer(undated)]
        if len(set(years)) == 1:
            return years[0]
    if end > start:
        m = _BUDGET_YEAR.search(text, start, min(end, start + 4000))
        if m:
            return m.group("y")
    if ctx.decisions and ctx.ref_exact and not _SPREAD.search(text, s, e):
        return str(ctx.ref.year)
    if tabular(text[s:e]):
        return _lead_year(text, text.rfind("\n", 0, a.start) + 1)
    return None


def _lead_year(text: str, row: int) -> str | None:
    """The year of the nearest line above a table row (starting at ``row``) that names one and is
    no row itself: the table's caption ("Berekening omslagrente 2023") or the sentence that
    introduces it ("de begroting 2024 als volgt te wijzigen")."""
    lo = max(0, row - _TABLE_LEAD)
    for line in reversed(text[lo:row].splitlines()):
        if nz.find_amounts(line) or nz.find_row_figures(line, plain=True):
            continue  # another row of the table (its unit, "x € 1.000", is no amount)
        years = {m.group("y") for m in _TITLE_YEAR.finditer(line)}
        if len(years) == 1:
            return years.pop()
        if years:
            return None
    return None


def _period(
    text: str, ctx: DocContext, qs: int, qe: int, a: nz.Amount, amounts: list[nz.Amount]
) -> str | None:
    """The nearest period wording to the amount inside its span (None when there is none)."""
    seg = text[qs:qe]
    structural = bool(nz.recurrence_of(seg) == "structural")
    cands: list[tuple[int, str]] = []
    for d in nz.find_dues(text, qs, qe, ctx.ref):
        if any(o.start < d.end and d.start < o.end for o in amounts):
            continue
        if d.prep in {"sinds", "na"} or (d.due is None and d.grain != "nota"):
            continue
        if d.explicit_day and d.prep not in _EFFECTIVE:
            continue
        if structural and d.prep not in _EFFECTIVE:
            continue
        before = text[max(qs, d.start - 20) : d.start]
        if re.search(r"\w*nota\s*$", before, re.I):
            continue
        if (
            d.range_kind == "range"
            and (p := nz.period_of(d.text))
            and "-" in p
            and not _SLASH_YEARS.search(d.text)
        ):
            value = p  # "in de periode 2024 t/m 2026" (but "2020/2021" is one season, due at its end)
        elif d.grain == "nota" or d.due is None:
            ys = _YEAR.findall(d.text)
            if not ys:
                continue  # "bij de voorjaarsnota": names no year of its own
            value = ys[-1]  # "bij de Kadernota 2026": the budget year it names
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
    if not structural:  # "subsidieplafond 2024", "huurkosten over 2024": the year the money is for
        for m in _BUDGET_YEAR.finditer(text, qs, qe):
            dist = m.start() - a.end if m.start() >= a.end else a.start - m.end()
            cands.append((dist, m.group("y")))
    if not cands:
        return None
    return min(cands, key=lambda c: c[0])[1]

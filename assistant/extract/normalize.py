"""Small Dutch grammars: amounts, number words, periods, recurrence, due dates, shares, time limits.

Every finder works on a slice of a longer text (``start``/``end``) and reports absolute offsets,
so rules can keep pointing into ``Document.text``. Conventions follow FORMAT.md and its
"Annotation conventions"; choices FORMAT leaves open are documented where they are made:

- A range of amounts (``2,2 tot 7,8 miljoen euro``) is one amount with its upper bound; a change
  (``€ 47.500 → € 72.500``) is one amount with its new value. The quote keeps the whole wording.
- A date range (``eind 2020/begin 2021``, ``2020–2022``) is due at its later end; ``per X tot Y``
  is due at X, when it takes effect.
- A date without a year takes the reference (document) year; ``dit jaar``/``volgend jaar`` are
  relative to it. ``begin <maand>`` is the 10th, ``half/medio <maand>`` the 15th.
- ``voor YYYY`` is the last day of the year before; an explicit day is kept as written whatever
  its preposition (``tot 1-1-2022`` → 2022-01-01).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

# --- numbers ----------------------------------------------------------------------------------

_UNITS = {
    "nul": 0,
    "een": 1,
    "één": 1,
    "eén": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
}
_TEENS = {
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "zeventien": 17,
    "achttien": 18,
    "negentien": 19,
}
_TENS = {
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
    "zestig": 60,
    "zeventig": 70,
    "tachtig": 80,
    "negentig": 90,
}
_SCALES = {
    "honderd": 100,
    "duizend": 1_000,
    "miljoen": 1_000_000,
    "mln": 1_000_000,
    "mio": 1_000_000,
    "miljard": 1_000_000_000,
    "mld": 1_000_000_000,
    "mrd": 1_000_000_000,
}


def _word_below_100(w: str) -> int | None:
    if w in _UNITS:
        return _UNITS[w]
    if w in _TEENS:
        return _TEENS[w]
    if w in _TENS:
        return _TENS[w]
    m = re.fullmatch(r"(een|twee|drie|vier|vijf|zes|zeven|acht|negen)(?:en|ën)(\w+)", w)
    if m and m.group(2) in _TENS:
        return _UNITS[m.group(1)] + _TENS[m.group(2)]
    return None


def _word_number(w: str) -> int | None:
    """A Dutch number word up to the thousands: ``vijf``, ``vijfentwintig``, ``tweehonderd``."""
    w = w.lower().replace("-", "")
    if not w:
        return None
    if (n := _word_below_100(w)) is not None:
        return n
    for scale_word, scale in (("duizend", 1000), ("honderd", 100)):
        if scale_word in w:
            head, _, tail = w.partition(scale_word)
            h = 1 if head == "" else _word_number(head)
            t = 0 if tail == "" else _word_number(tail.removeprefix("en"))
            if h is None or t is None:
                return None
            return h * scale + t
    return None


NUMBER_WORDS = (
    r"(?:(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)(?:en|ën)(?:twintig|dertig|veertig|vijftig|"
    r"zestig|zeventig|tachtig|negentig)|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|"
    r"negentig|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|achttien|negentien|"
    r"\w*honderd\w*|\w*duizend|één|eén|een|twee|drie|vier|vijf|zes|zeven|acht|negen)"
)
_DIGITS = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def parse_number(text: str) -> float | None:
    """``23.132`` → 23132, ``1,5`` → 1.5, ``2.051.168,00`` → 2051168, ``vijf`` → 5, ``anderhalf`` → 1.5.

    A Dutch ``.`` groups thousands and ``,`` is the decimal mark (FORMAT.md).
    """
    t = text.strip().lower().removesuffix(",-").removesuffix(",=").strip()
    if t in {"anderhalf", "anderhalve"}:
        return 1.5
    if t == "half":
        return 0.5
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", t):
        return float(t.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+(?:,\d+)?", t):
        return float(t.replace(",", "."))
    if re.fullmatch(r"\d+\.\d{1,2}", t):  # an English decimal point, as in "1.5 miljoen"
        return float(t)
    n = _word_number(t)
    return float(n) if n is not None else None


# --- amounts ----------------------------------------------------------------------------------

_SCALE = r"(?:miljoen|miljard|mln\.?|mld\.?|mrd\.?|mio\.?|duizend)"
_NUM = rf"(?:{_DIGITS}|{NUMBER_WORDS})"
_CUR = r"(?:€|EUR\b|euro\b)"
_RANGE_SEP = r"\s*(?:tot(?:\s+en\s+met)?|à|a|-|–|—|t/m|en(?=\s+(?:€\s*)?\d[\d.,]*\s*(?:miljoen|miljard|mln|mld|mrd|duizend)?\s*(?:euro|EUR|€)))\s*"
# € 420 miljoen | €23.132 | EUR 2.500 | € 45.000,- | € 2,2 tot 7,8 miljoen | € 0
_AMOUNT_PRE = re.compile(
    rf"{_CUR}\s*(?P<a>{_DIGITS}|{NUMBER_WORDS})(?:,-|,=)?"
    rf"(?:{_RANGE_SEP}(?:€\s*)?(?P<b>{_DIGITS})(?:,-)?)?(?:\s*(?P<s>{_SCALE}))?",
    re.IGNORECASE,
)
# 10 miljoen euro | tien miljoen euro | 2,2 tot 7,8 miljoen euro | 2.500 euro
_AMOUNT_POST = re.compile(
    rf"\b(?P<a>{_NUM})(?:{_RANGE_SEP}(?P<b>{_DIGITS}|{NUMBER_WORDS}))?\s*(?P<s>{_SCALE})?\s*(?:euro\b|EUR\b|€)",
    re.IGNORECASE,
)
_ARROW = re.compile(r"\s*(?:→|->|=>|naar)\s*")
_TABLE_UNIT = re.compile(
    r"(?:x|×)\s*(?:€\s*)?(1\.000|1000|1\.000\.000|1 mln|mln|miljoen|duizend)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Amount:
    start: int
    end: int
    value: float
    text: str


def _scale_of(word: str | None) -> float:
    if not word:
        return 1.0
    return float(_SCALES[word.lower().rstrip(".")])


def table_multiplier(text: str) -> float:
    """``(x € 1.000)`` or ``x 1 mln`` above a table: the factor its figures are in (else 1)."""
    m = _TABLE_UNIT.search(text)
    if not m:
        return 1.0
    u = m.group(1).lower()
    return 1_000.0 if u in {"1.000", "1000", "duizend"} else 1_000_000.0


def table_unit_end(text: str, start: int, end: int) -> int | None:
    """Where the last ``x € 1.000`` unit statement in ``text[start:end]`` ends, or None."""
    last = None
    for m in _TABLE_UNIT.finditer(text, start, end):
        last = m.end()
    return last


def find_amounts(text: str, start: int = 0, end: int | None = None, multiplier: float = 1.0) -> list[Amount]:
    """Euro amounts in ``text[start:end]``, absolute offsets, in order, not overlapping."""
    end = len(text) if end is None else end
    found: list[Amount] = []
    # "(bedragen x € 1.000)" states a table's unit; it is not an amount itself
    taken: list[tuple[int, int]] = [(m.start(), m.end()) for m in _TABLE_UNIT.finditer(text, start, end)]
    for rx in (_AMOUNT_PRE, _AMOUNT_POST):
        for m in rx.finditer(text, start, end):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            a = parse_number(m.group("a"))
            if a is None:
                continue
            b = parse_number(m.group("b")) if m.group("b") else None
            scale = _scale_of(m.group("s"))
            mult = multiplier if scale == 1.0 else 1.0
            if b is not None:  # a range counts as its upper bound; "500.000 tot 1 miljoen" scales b only
                value = max(a * scale if a < b else a, b * scale) * mult
            else:
                value = a * scale * mult
            value = round(value, 2)
            s, e = m.start(), m.end()
            while e > s and text[e - 1] in " \t\n":
                e -= 1
            found.append(Amount(s, e, value, text[s:e]))
            taken.append((s, e))
    found.sort(key=lambda x: x.start)
    # "€ 47.500 → € 72.500": one change, valued at its new amount
    merged: list[Amount] = []
    for am in found:
        if merged:
            prev = merged[-1]
            gap = text[prev.end : am.start]
            if _ARROW.fullmatch(gap) and ("→" in gap or "->" in gap or "=>" in gap):
                merged[-1] = Amount(prev.start, am.end, am.value, text[prev.start : am.end])
                continue
        merged.append(am)
    return merged


def amount_eur(wording: str) -> float | None:
    """The value in euros of the first amount in ``wording`` (``€ 1,5 miljard`` → 1500000000)."""
    found = find_amounts(wording)
    return found[0].value if found else None


# --- months, years, dates ---------------------------------------------------------------------

MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
_MONTH_ABBR = {
    "jan": 1,
    "feb": 2,
    "febr": 2,
    "mrt": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_M = r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
_MA = r"(?:jan|febr?|mrt|apr|jun|jul|aug|sept?|okt|nov|dec)\.?"
_Y = r"(?:19|20)\d{2}"
_S = r"\s+"  # dates are often broken over lines in raw text


def month_number(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTHS.get(w) or _MONTH_ABBR[w]


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


@dataclass(frozen=True, slots=True)
class Due:
    """A date expression found in text: where it is, what it means, how it was introduced."""

    start: int
    end: int
    due: date | None
    text: str
    prep: str = ""  # the preposition that introduced it, lower-cased: "per", "uiterlijk", "voor", ...
    explicit_day: bool = False  # a day of the month is written
    explicit_year: bool = True  # the year is written (else taken from the reference)
    relative: str = ""  # "dit", "volgend", "vorig", "afgelopen", ... for relative expressions
    range_kind: str = ""  # "range" (later end), "per-tot" (start), "" single
    grain: str = "year"  # how precise the wording is: day, month, season, quarter, half, year

    @property
    def iso(self) -> str | None:
        return self.due.isoformat() if self.due else None


_PREP_WORDS = (
    r"uiterlijk(?:\s+op)?|vóór|voor|per|tot\s+en\s+met|t/m|tot|vanaf|met\s+ingang\s+van|"
    r"in\s+de\s+loop\s+van|in|op|na|sinds|rond|omstreeks|richting|bij|tijdens|gedurende|nog|later|"
    r"ook\s+in|nog\s+in|eind|einde|ultimo"
)
# the preposition before a date is looked up backwards: a pattern that starts with an optional
# word group is tried at every offset, which made scanning ten times slower
_PREP_BACK = re.compile(rf"(?:^|(?<=\W))(?P<prep>{_PREP_WORDS})\s+$", re.I)
_PREP = ""
_QUARTERS = {
    "eerste": 1,
    "1e": 1,
    "1ste": 1,
    "tweede": 2,
    "2e": 2,
    "2de": 2,
    "derde": 3,
    "3e": 3,
    "3de": 3,
    "vierde": 4,
    "4e": 4,
    "4de": 4,
    "laatste": 4,
}
_REL = r"(?P<rel>dit|deze|komend|komende|volgend|volgende|aankomend|aankomende|afgelopen|vorig|vorige)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 1-1-2021, 01/07/2020
    ("numdate", re.compile(rf"{_PREP}\b(?P<d>\d{{1,2}})[-/](?P<m>\d{{1,2}})[-/](?P<y>{_Y}|\d{{2}})\b", re.I)),
    # 1 januari 2023, 3 april, 19 sep 2019
    (
        "daymonth",
        re.compile(
            rf"{_PREP}\b(?P<d>\d{{1,2}})(?:e|ste|de)?{_S}(?P<mo>{_M}|{_MA})(?:{_S}(?P<y>{_Y}))?\b(?!\s*jl)",
            re.I,
        ),
    ),
    # half november 2020, medio maart, begin oktober, eind november 2019
    (
        "edgemonth",
        re.compile(
            rf"{_PREP}\b(?P<edge>half|medio|midden|begin|eind|einde|ultimo)(?:{_S}van)?{_S}(?P<mo>{_M})(?:{_S}(?P<y>{_Y}))?\b",
            re.I,
        ),
    ),
    # decembercirculaire, meicirculaire 2023
    ("circulaire", re.compile(rf"{_PREP}\b(?:de{_S})?(?P<mo>{_M})circulaire(?:{_S}(?P<y>{_Y}))?\b", re.I)),
    # november 2020, in november, uiterlijk juni
    (
        "month",
        re.compile(
            rf"(?:{_PREP}\b(?P<mo>{_M}){_S}(?P<y>{_Y})\b|\b(?P<prep2>in|uiterlijk|vóór|voor|per|tot|na|rond|eind|begin)"
            rf"{_S}(?P<mo2>{_M})\b(?!{_S}{_Y}))",
            re.I,
        ),
    ),
    # eerste kwartaal (van) 2021, 4de kwartaal van 2020, Q1 2021
    (
        "quarter",
        re.compile(
            rf"{_PREP}\b(?:(?:het|de){_S})?(?P<q>eerste|tweede|derde|vierde|laatste|1e|2e|3e|4e|1ste|2de|3de|4de)"
            rf"{_S}kwartaal(?:{_S}(?:van{_S})?(?P<y>{_Y}))?|\bQ(?P<qn>[1-4]){_S}(?P<y2>{_Y})\b",
            re.I,
        ),
    ),
    # eerste helft van 2021, tweede halfjaar 2020
    (
        "half",
        re.compile(
            rf"{_PREP}\b(?:(?:de|het){_S})?(?P<h>eerste|tweede){_S}(?:helft|halfjaar|jaarhelft)(?:{_S}(?:van{_S})?(?P<y>{_Y}))?",
            re.I,
        ),
    ),
    # voor de zomer (van 2021), in het voorjaar van 2021, dit najaar, volgend voorjaar
    (
        "season",
        re.compile(
            rf"(?:(?P<sp>voor|vóór|na|in|tijdens|rond|begin|eind){_S}(?:de|het){_S}|"
            rf"(?:(?P<prep>nog|in|uiterlijk|voor|vóór|richting|tijdens|eind|begin){_S})?{_REL}{_S})?"
            rf"\b(?P<season>voorjaar|najaar|zomer|lente|herfst|zomerreces)\b(?:{_S}(?:van{_S})?(?P<y>{_Y}))?",
            re.I,
        ),
    ),
    # eind van dit jaar, later dit jaar, nog dit jaar, begin volgend jaar, eind volgend jaar
    (
        "relyear",
        re.compile(
            rf"\b(?:(?P<edge>nog|later|eind|einde|begin|medio|halverwege|in{_S}de{_S}loop{_S}van|voor|vóór|richting{_S}eind)"
            rf"{_S}(?:van{_S})?)?{_REL}{_S}jaar\b",
            re.I,
        ),
    ),
    # in de periode 2020–2022, voor de jaren 2022 – 2025, tussen 2021 en 2023
    (
        "yearrange",
        re.compile(
            rf"\b(?P<lead>in{_S}de{_S}periode(?:{_S}van)?|voor{_S}de{_S}(?:jaren|periode(?:{_S}van)?)|in{_S}de{_S}jaren|tussen|van)"
            rf"{_S}(?P<y1>{_Y})\s*(?:-|–|—|/|t/m|tot(?:\s+en\s+met)?|en)\s*(?P<y2>{_Y})\b",
            re.I,
        ),
    ),
    # begin 2021, eind 2020, medio 2022, uiterlijk 2020, in 2020, voor 2022, tot en met 2022, vanaf 2021
    (
        "year",
        re.compile(
            rf"\b(?P<edge>begin|eind|einde|ultimo|medio|halverwege|uiterlijk|vóór|voor|in{_S}de{_S}loop{_S}van|"
            rf"tot{_S}en{_S}met|t/m|tot|vanaf|per|met{_S}ingang{_S}van|gedurende|in|sinds|na|eind{_S}van)"
            rf"{_S}(?P<y>{_Y})\b(?![-–/]\d)",
            re.I,
        ),
    ),
]
_PRIORITY = {name: i for i, (name, _) in enumerate(_PATTERNS)}
_SEASON_END = {
    "voorjaar": (5, 31),
    "lente": (5, 31),
    "najaar": (11, 30),
    "herfst": (11, 30),
    "zomer": (8, 31),
    "zomerreces": (7, 15),
}


def _year_of(y: str | None, ref: date | None) -> tuple[int | None, bool]:
    if y:
        n = int(y)
        return (n + 2000 if n < 100 else n), True
    return (ref.year if ref else None), False


def _relative_year(rel: str | None, ref: date | None) -> int | None:
    if ref is None:
        return None
    r = (rel or "dit").lower()
    if r in {"volgend", "volgende", "komend", "komende", "aankomend", "aankomende"}:
        return ref.year + 1
    if r in {"vorig", "vorige", "afgelopen"}:
        return ref.year - 1
    return ref.year


def _interpret(name: str, m: re.Match[str], ref: date | None) -> tuple[date | None, dict[str, object]]:
    g = m.groupdict()
    info: dict[str, object] = {}
    prep = g.get("prep") or g.get("prep2") or g.get("sp") or g.get("edge") or g.get("lead") or ""
    if name in {"edgemonth", "year"} and g.get("edge", "").lower() in {
        "eind",
        "einde",
        "begin",
        "half",
        "medio",
        "midden",
        "ultimo",
        "halverwege",
    }:
        prep = ""  # an edge, not a preposition: "uiterlijk" or "in" may still precede it
    info["prep"] = re.sub(r"\s+", " ", prep.lower())
    info["grain"] = {
        "numdate": "day",
        "daymonth": "day",
        "edgemonth": "month",
        "circulaire": "month",
        "month": "month",
        "quarter": "quarter",
        "half": "half",
        "season": "season",
    }.get(name, "year")
    if name == "numdate":
        y, _ = _year_of(g["y"], ref)
        d, mo = int(g["d"]), int(g["m"])
        info["explicit_day"] = True
        try:
            return date(y, mo, d), info  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None, info
    if name == "daymonth":
        y, explicit = _year_of(g["y"], ref)
        info.update(explicit_day=True, explicit_year=explicit)
        if y is None:
            return None, info
        try:
            return date(y, month_number(g["mo"]), int(g["d"])), info
        except ValueError:
            return None, info
    if name in {"edgemonth", "circulaire", "month"}:
        mo_word = g.get("mo") or g.get("mo2")
        y, explicit = _year_of(g.get("y"), ref)
        info["explicit_year"] = explicit
        if y is None or not mo_word:
            return None, info
        mo = month_number(mo_word)
        edge = (g.get("edge") or "").lower()
        if edge in {"half", "medio", "midden"}:
            return date(y, mo, 15), info
        if edge == "begin":
            return date(y, mo, 10), info
        return _month_end(y, mo), info
    if name == "quarter":
        y, explicit = _year_of(g.get("y") or g.get("y2"), ref)
        info["explicit_year"] = explicit
        q = int(g["qn"]) if g.get("qn") else _QUARTERS[g["q"].lower()]
        return (_month_end(y, q * 3) if y else None), info
    if name == "half":
        y, explicit = _year_of(g.get("y"), ref)
        info["explicit_year"] = explicit
        if y is None:
            return None, info
        return (date(y, 6, 30) if g["h"].lower() == "eerste" else date(y, 12, 31)), info
    if name == "season":
        season = g["season"].lower()
        rel = g.get("rel")
        if g.get("y"):
            y: int | None = int(g["y"])
        else:
            y = _relative_year(rel, ref)
            info["explicit_year"] = False
        info["relative"] = (rel or "").lower()
        if y is None:
            return None, info
        sp = (g.get("sp") or "").lower()
        if season == "zomer" and sp in {"voor", "vóór"}:
            return date(y, 6, 30), info
        if season == "zomer" and sp == "na":
            return date(y, 9, 30), info
        mo, d = _SEASON_END[season]
        return date(y, mo, d), info
    if name == "relyear":
        rel = g["rel"].lower()
        if rel == "deze":
            return None, info
        y = _relative_year(rel, ref)
        info.update(relative=rel, explicit_year=False)
        if y is None:
            return None, info
        edge = re.sub(r"\s+", " ", (g.get("edge") or "").lower())
        if edge == "begin":
            return date(y, 3, 31), info
        if edge in {"medio", "halverwege"}:
            return date(y, 6, 30), info
        return date(y, 12, 31), info
    if name == "yearrange":
        info["range_kind"] = "range"
        return date(max(int(g["y1"]), int(g["y2"])), 12, 31), info
    if name == "year":
        y = int(g["y"])
        edge = re.sub(r"\s+", " ", g["edge"].lower())
        if edge == "begin":
            return date(y, 3, 31), info
        if edge in {"medio", "halverwege"}:
            return date(y, 6, 30), info
        if edge in {"vóór", "voor", "tot"}:
            return date(y - 1, 12, 31), info
        if edge in {"vanaf", "per", "met ingang van"}:
            return date(y, 1, 1), info
        if edge in {"sinds", "na"}:
            return None, info
        return date(y, 12, 31), info
    return None, info  # pragma: no cover


def find_dues(text: str, start: int = 0, end: int | None = None, ref: date | None = None) -> list[Due]:
    """Date expressions in ``text[start:end]``: absolute offsets, ranges merged, in order.

    ``ref`` is the document's date: it supplies missing years and anchors ``dit jaar``.
    """
    end = len(text) if end is None else end
    cands: list[tuple[int, int, int, str, re.Match[str]]] = []
    for name, rx in _PATTERNS:
        for m in rx.finditer(text, start, end):
            if m.end() > m.start():
                cands.append((m.start(), m.end(), _PRIORITY[name], name, m))
    # longest first, then the more specific pattern
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    chosen: list[Due] = []
    for s, e, _, name, m in cands:
        if any(d.start < e and s < d.end for d in chosen):
            continue
        due, info = _interpret(name, m, ref)
        if not info.get("prep"):
            back = _PREP_BACK.search(text, max(start, s - 24), s)
            if back:
                info["prep"] = re.sub(r"\s+", " ", back.group("prep").lower())
                if not any(d.start < s and back.start() < d.end for d in chosen):
                    s = back.start()
        while e > s and text[e - 1].isspace():
            e -= 1
        chosen.append(Due(s, e, due, text[s:e], **info))  # type: ignore[arg-type]
    chosen.sort(key=lambda d: d.start)
    return _merge_ranges(text, chosen)


_RANGE_GAP = re.compile(r"\s*(?:/|-|–|—|of|à|tot(?:\s+en\s+met)?|t/m)\s*", re.I)


def _merge_ranges(text: str, dues: list[Due]) -> list[Due]:
    """``eind 2020/begin 2021`` → one Due at the later end; ``per X tot Y`` → one Due at X."""
    out: list[Due] = []
    for d in dues:
        if out:
            p = out[-1]
            gap = text[p.end : d.start]
            if _RANGE_GAP.fullmatch(gap) and p.due and d.due:
                if p.prep in {"per", "vanaf", "met ingang van"}:
                    due, kind = p.due, "per-tot"
                else:
                    due, kind = max(p.due, d.due), "range"
                out[-1] = Due(
                    p.start,
                    d.end,
                    due,
                    text[p.start : d.end],
                    p.prep,
                    p.explicit_day or d.explicit_day,
                    p.explicit_year and d.explicit_year,
                    p.relative or d.relative,
                    kind,
                    p.grain,
                )
                continue
            if (
                d.prep == "tot"
                and p.prep in {"per", "vanaf", "met ingang van"}
                and gap.strip() == ""
                and p.due
            ):
                out[-1] = Due(
                    p.start, d.end, p.due, text[p.start : d.end], p.prep, True, True, "", "per-tot", p.grain
                )
                continue
        out.append(d)
    return out


def due_date(wording: str, ref: date | None = None) -> date | None:
    """The last day by which ``wording`` says something must happen (FORMAT.md), or None.

    >>> due_date("uiterlijk half november 2020").isoformat()
    '2020-11-15'
    """
    found = [d for d in find_dues(wording, ref=ref) if d.due]
    if not found:
        return None
    if len(found) == 1:
        return found[0].due
    first = found[0]
    if first.prep in {"per", "vanaf", "met ingang van"}:
        return first.due
    return max(d.due for d in found if d.due)


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
    lead: str  # "binnen", "termijn", "na", "uiterlijk", "ieder"


_UNIT_WORDS = {
    "dag": "day",
    "dagen": "day",
    "werkdag": "day",
    "werkdagen": "day",
    "kalenderdagen": "day",
    "week": "week",
    "weken": "week",
    "maand": "month",
    "maanden": "month",
    "jaar": "year",
    "jaren": "year",
    "kwartaal": "month",
    "kwartalen": "month",
    "halfjaar": "month",
}
_UNIT = r"(?P<unit>werkdagen|werkdag|kalenderdagen|dagen|dag|weken|week|maanden|maand|jaren|jaar|kwartalen|kwartaal)"
_QTY = rf"(?P<qty>\d+(?:,\d+)?|{NUMBER_WORDS}|anderhalf|anderhalve|half)"
_LIMIT_RX = re.compile(
    rf"\b(?P<lead>binnen(?:\s+een\s+\w*termijn\s+van)?|\w*termijn\s+van|uiterlijk|na|"
    rf"(?:ieder|iedere|elk|elke)(?=\s+(?:half\s+jaar|\d|{NUMBER_WORDS}\s)))"
    rf"\s+(?:(?:uiterlijk|maximaal|ten\s+hoogste|hooguit|minimaal|ten\s+minste)\s+)?{_QTY}\s+{_UNIT}\b",
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
        lead = "termijn" if "termijn" in lead else lead.split()[0]
        if lead in {"iedere", "elk", "elke"}:
            lead = "ieder"
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

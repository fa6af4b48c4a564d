"""Dutch numbers and euro amounts: one grammar with absolute offsets.

``parse_number`` reads figures (a Dutch ``.`` groups thousands, ``,`` is the decimal mark) and number
words; ``find_amounts`` finds euro amounts in a slice of a longer text and reports offsets into
the whole text. Conventions (FORMAT.md): a range of amounts (``2,2 tot 7,8 miljoen euro``) is one
amount with its upper bound; a change (``€ 47.500 → € 72.500``, ``van € X naar € Y``) is one
amount with its new value, and the wording keeps both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.lang.lexicon import (
    CURRENCY_RX,
    DIGITS_RX,
    NUMBER_WORDS_RX,
    SCALE_RX,
    SCALES,
    TEENS,
    TENS,
    UNITS,
)


def _word_below_100(w: str) -> int | None:
    if w in UNITS:
        return UNITS[w]
    if w in TEENS:
        return TEENS[w]
    if w in TENS:
        return TENS[w]
    m = re.fullmatch(r"(een|twee|drie|vier|vijf|zes|zeven|acht|negen)(?:en|ën)(\w+)", w)
    if m and m.group(2) in TENS:
        return UNITS[m.group(1)] + TENS[m.group(2)]
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


NUMBER_WORDS = NUMBER_WORDS_RX
_DIGITS = DIGITS_RX


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

_SCALE = SCALE_RX
_NUM = rf"(?:{_DIGITS}|{NUMBER_WORDS})"
_CUR = CURRENCY_RX
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
_FROM = re.compile(r"\bvan\s*$", re.I)
# between the old and the new amount of a change: the arrow or "naar", perhaps after the old
# amount's year or unit ("van € 2 miljoen in 2024 naar € 4 miljoen in 2026")
_ARROW = re.compile(r"\s*(?:(?:in|over)\s+(?:19|20)\d{2}\s+|per\s+jaar\s+)?(?:→|->|=>|naar)\s*", re.I)
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
    return float(SCALES[word.lower().rstrip(".")])


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
    # "€ 47.500 → € 72.500", "van € 47.500 naar € 72.500", "van € 2 mln in 2024 naar € 4 mln": one
    # change, valued at its new amount
    merged: list[Amount] = []
    for am in found:
        if merged:
            prev = merged[-1]
            gap = text[prev.end : am.start]
            arrow = "→" in gap or "->" in gap or "=>" in gap
            raise_from = "naar" in gap.lower() and _FROM.search(text, max(0, prev.start - 8), prev.start)
            if _ARROW.fullmatch(gap) and (arrow or raise_from):
                merged[-1] = Amount(prev.start, am.end, am.value, text[prev.start : am.end])
                continue
        merged.append(am)
    return merged


def amount_eur(wording: str) -> float | None:
    """The value in euros of the first amount in ``wording`` (``€ 1,5 miljard`` → 1500000000)."""
    found = find_amounts(wording)
    return found[0].value if found else None


# a labelled table line that ends in a figure without a currency mark ("Taakveld 6.1 Samenkracht
# 25.000"); the figure's form is filled in below
_ROW = r"^(?P<label>[^\n\d€]*[A-Za-z][^\n€]*?)[ \t]+(?P<num>{})[ \t]*$"
# written as an amount: thousands grouped or two decimals ("25.000", "1.250,50")
_ROW_FIGURE = re.compile(_ROW.format(r"[-−]?\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|[-−]?\d+,\d{2}"), re.M)
# any whole figure but a year, for a table whose unit is stated ("Jeugdhulp 250")
_ROW_FIGURE_PLAIN = re.compile(_ROW.format(r"[-−]?(?!(?:19|20)\d\d\b)\d+(?:\.\d{3})*(?:,\d{1,2})?"), re.M)

# a table cell that is money: "€ 15.000", "15.000", "1.250,50" (thousands grouped or two decimals)
_MONEY_CELL = re.compile(
    r"€\s*(?P<eur>[-−]?\d+(?:\.\d{3})*(?:,\d{1,2})?)|(?P<bare>[-−]?\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|[-−]?\d+,\d{2}\b)"
)


def _signed(num: str) -> float | None:
    """The value of a table figure, a leading minus sign included ("−1.250" → -1250)."""
    num = num.strip().replace("−", "-")
    v = parse_number(num.lstrip("-"))
    return None if v is None else (-v if num.startswith("-") else v)


def find_money_cells(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """The money cells in ``text[start:end]`` (absolute offsets, a cell's euro sign included), with
    or without a euro sign: figures written as amounts (thousands grouped or two decimals)."""
    end = len(text) if end is None else end
    out = []
    for m in _MONEY_CELL.finditer(text, start, end):
        v = _signed(m.group("eur") or m.group("bare"))
        if v is not None:
            out.append(Amount(m.start(), m.end(), v, m.group()))
    return out


def find_row_figures(text: str, start: int = 0, end: int | None = None, *, plain: bool = False) -> list[Amount]:
    """Figures that end a labelled table line in ``text[start:end]`` and carry no currency mark
    (absolute offsets): read as euros only where the caller knows the table is about money.

    Only figures written as amounts are taken (thousands grouped, or two decimals), so counts,
    years and article numbers are not; ``plain`` also takes whole numbers other than years, for a
    table whose unit is stated ("bedragen x € 1.000": "Jeugdhulp 250")."""
    end = len(text) if end is None else end
    out = []
    for m in (_ROW_FIGURE_PLAIN if plain else _ROW_FIGURE).finditer(text, start, end):
        v = _signed(m.group("num"))
        if v is not None:
            out.append(Amount(m.start("num"), m.end("num"), v, m.group("num")))
    return out

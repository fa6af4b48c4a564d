"""Which kinds of fact a text states, which a question asks for, and which dates a text names.

The kinds: ``amount`` (money), ``percent`` (a share), ``duration`` (a span of time), ``frequency``,
``date``, ``count`` (any other number), ``who`` (a person, a body, an organisation), ``reason`` (a
cause), ``list`` (several items). The answer scorer learns how much each match is worth; this
module only recognises the words.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from assistant.lang.analyzer import WORD, word_hits
from assistant.lang.dates import find_dues
from assistant.lang.lexicon import (
    MONTH_ABBR,
    MONTH_ABBR_EN,
    MONTHS,
    MONTHS_EN,
    NUMBER_WORDS,
    TIME_WORDS,
    alternation,
)
from assistant.lang.numbers import find_amounts

KINDS = ("amount", "percent", "duration", "frequency", "date", "count", "who", "reason", "list")
FACT_KINDS = ("amount", "percent", "duration", "frequency", "date", "count")

_MONTHS_ALL = {**MONTHS, **MONTHS_EN}
_ABBR_ALL = {**MONTH_ABBR, **MONTH_ABBR_EN}
_MONTH = alternation(_MONTHS_ALL)
_MON = alternation(list(_MONTHS_ALL) + list(_ABBR_ALL))
_NUM = alternation(list(NUMBER_WORDS) + ["helft", "half", "kwart", "enkele", "paar"])
_UNIT = alternation(TIME_WORDS)
_SCALE = r"mln|miljoen|miljard|mld|mrd|million|billion"

# nouns for a person or a body: "welk collegelid", "which minister"
_PERSON_NL = (
    r"bureau|organisaties?|partij(en)?|instanties?|instellingen?|ministers?|staatssecretariss?(en)?|wethouders?|"
    r"burgemeesters?|collegeleden|collegelid|leden|lid|bewindspersonen|bewindspersoon|personen|persoon|functionariss?(en)?|"
    r"secretariss?(en)?|portefeuillehouders?|ambtenaren|ambtenaar|fracties?|stichtingen?|bedrijven|bedrijf|gemeenten?"
)
_PERSON_EN = (
    r"organi[sz]ations?|agenc(y|ies)|bod(y|ies)|part(y|ies)|ministers?|secretar(y|ies)|aldermen|alderman|mayors?|"
    r"members?|officials?|persons?|people|foundations?|compan(y|ies)|municipalit(y|ies)|institutions?"
)

# --- what a question asks ----------------------------------------------------------------------------

_ASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("percent", re.compile(
        r"\b(welk (deel|aandeel|percentage)|hoeveel procent|wat is het percentage|what (share|percentage|"
        r"proportion|part)|which (share|percentage)|by what percentage|what per ?cent)\b")),
    ("amount", re.compile(
        r"\b(hoeveel (extra |meer |minder )?(\w+ )?(geld|euro|middelen|budget|subsidie\w*|huur|kosten|bijdrage|opbrengst|"
        r"krediet|investering|inkomsten|uitgaven|tekort|overschot|lasten|baten)|welk bedrag|welke bedragen|tot welk bedrag|"
        r"hoeveel bedraagt|wat (is|was) (het|de) (tekort|overschot|bedrag|budget|krediet|saldo)|(voor )?welke prijs|"
        r"welke (financiële )?bijdrage|hoe hoog (is|zijn|was|waren|wordt|worden) (het|de) (\w+ )?(bedrag\w*|tekort|"
        r"overschot|budget|krediet|subsidie\w*|bijdrage|kosten|huur|prijs|opbrengst|vergoeding|plafond\w*)|how much (extra |more |less )?(\w+ )?(money|euros?|funds|funding|budget|subsid(y|ies)|rent|costs?|contributions?|"
        r"revenues?|proceeds|credit|investments?|income|expenditure|spending|deficit|surplus|charges|fees?|tax)\b|"
        r"wat kost\w*|hoeveel kost\w*|how much (does|did|do|is|was|will)|"
        r"what (does|did) .* cost|how much .* cost|bedrag|budget|amount(?! of (?!money|funding|euros?\b|subsid|financ|"
        r"budget|grants?\b)))\b")),
    ("duration", re.compile(
        r"\b(hoe lang|hoe snel|hoeveel tijd|hoeveel (dagen|weken|maanden|jaar|jaren|uur)|welke termijn|binnen (hoeveel|welke)|na (hoeveel|welke) (dagen|weken|maanden|periode|"
        r"tijd)|na welke periode|how long|how quickly|how soon|how fast|within (how|what)|after (how|what) "
        r"(many|long|period)|what (term|deadline|time limit))\b")),
    ("frequency", re.compile(r"\b(hoe vaak|hoe dikwijls|how often|how many times)\b")),
    ("date", re.compile(
        r"\b(wanneer|sinds wanneer|tot wanneer|per welke datum|op welke datum|welke datum|(op|voor|per) welke dag|"
        r"welke dag|in welk jaar|welk jaar|tot welk jaar|vanaf wanneer|when|by when|until when|since when|what date|"
        r"which date|which day|what day|which year|what year|(over|for|in|during) (what|which) period|"
        r"(in|over|gedurende) welke periode)\b")),
    ("count", re.compile(
        r"\b(hoeveel|how many|how much|welk aantal|what number|aantal|hoe (ver|groot|hoog|zwaar|breed|lang is|veel)|"
        r"how (far|big|large|high|heavy)|(above|below) what|boven welke|onder welke|minimaal|maximaal|"
        r"(wat is|wat was|what is|what was) "
        r"(de|het|the) (maximale|minimale|gemiddelde|hoogste|laagste|maximum|minimum|average|highest|lowest))\b")),
    ("who", re.compile(
        rf"\b(wie|met welke|welke? ({_PERSON_NL})|who|whom|which ({_PERSON_EN}))\b")),
    ("reason", re.compile(
        r"\b(waarom|waardoor|om welke reden|welke (reden|redenen|oorzaak|oorzaken)|hoe komt het|why|for what reasons?|"
        r"what caused|which (reasons|causes))\b")),
    ("list", re.compile(
        r"\b(welke (twee|drie|vier|vijf|zes|zeven)|uit welke|welke \w+(en|s)\b|noem|which (two|three|four|five|"
        r"six|\w+s)\b|what are the)\b")),
)
_LIST_N = re.compile(r"\b(welke|which|de|the)\s+(twee|drie|vier|vijf|zes|zeven|two|three|four|five|six|seven)\b")


def asked_kinds(question: str) -> tuple[str, ...]:
    """The kinds of fact a question asks for, most specific first."""
    low = question.casefold()
    kinds = tuple(k for k, rx in _ASKS if rx.search(low))
    if "list" not in kinds and _LIST_N.search(low):
        kinds = (*kinds, "list")
    return kinds


def list_size(question: str) -> int:
    """"welke drie ...": 3; 0 when the question names no number of items."""
    m = _LIST_N.search(question.casefold())
    return int(NUMBER_WORDS[m.group(2)]) if m else 0


# --- what a text states -----------------------------------------------------------------------------

_AMOUNT = re.compile(
    rf"(€\s*\d[\d.,]*(\s*({_SCALE})\b)?|\b\d[\d.,]*\s*({_SCALE})\b(\s*(euro|eur)\b)?|\b\d[\d.,]*\s*euro\b|€|\beur\b|\beuro)",
    re.I,
)
_PERCENT = re.compile(r"(\d\s*%|\bprocent\b|\bpercent\b|\bhelft\b|\bkwart\b)", re.I)
_DURATION = re.compile(rf"\b(\d+|{_NUM})\s+({_UNIT})\b", re.I)
_FREQUENCY = re.compile(
    rf"(\b\d+\s*(x|keer|maal)\b|\b({_NUM})\s+(keer|maal)\b|\bper (week|maand|dag|jaar)\b|"
    r"\b(wekelijks|dagelijks|maandelijks|jaarlijks|times a|a week|a month)\b)",
    re.I,
)
_DATE = re.compile(
    rf"(\b\d{{1,2}}\s+({_MON})\.?\b|\b({_MONTH})\s+(19|20)\d\d\b|\b(19|20)\d\d\b|\b\d{{1,2}}-\d{{1,2}}-(19|20)?\d\d\b|"
    r"\b(voorjaar|najaar|zomer|winter|kwartaal|medio)\b)",
    re.I,
)
# a count: a figure or a number word — not "een", which is far more often the article "a" than "one"
# (the numeral is written "één"; "binnen een jaar" still states a duration through _STATES)
_COUNT_WORDS = [w for w in NUMBER_WORDS if w != "een"]
_NUMBER = re.compile(
    rf"(\b\d[\d.,]*\b|\b({alternation(_COUNT_WORDS + ['helft', 'half', 'kwart', 'enkele', 'paar'])}|alle|geen)\b)", re.I
)
_WHO = re.compile(
    r"(\b[A-Z][A-Za-z]*[A-Z]\w*\b|\b[A-Z][a-zë]+\s+[A-Z][a-zë]+|\b(dhr|mevr|mr|drs|ir|dr)\.?\s+[A-Z]|"
    r"\b(minister|staatssecretaris|wethouder|burgemeester|gemeente|college|inspectie|bureau|raad|"
    r"stichting|provincie|ministerie)\w*)"
)
_REASON = re.compile(
    r"\b(omdat|doordat|gezien|gelet op|vanwege|wegens|als gevolg van|in verband met|op grond van|door de|door het|"
    r"daardoor|daarom|oorzaak|oorzaken|reden|teneinde|zodat|om te|ter bescherming|because|due to|as a result|"
    r"given the|owing to|since the)\b",
    re.I,
)
_LIST = re.compile(r"(:\s*$|;|,.*\ben\b|,.*\band\b|\b(1[.)]|a[.)])\s)", re.I)
_STATES = (
    ("amount", _AMOUNT), ("percent", _PERCENT), ("duration", _DURATION), ("frequency", _FREQUENCY),
    ("date", _DATE), ("who", _WHO), ("reason", _REASON), ("list", _LIST),
)


def fact_starts(text: str, kinds: tuple[str, ...]) -> list[int]:
    """Where ``text`` states a fact of one of ``kinds`` (offsets of each mention's start); a count is
    any number, as the answer to "hoeveel" may be an amount or a share as well."""
    rxs = dict(_STATES)
    out: list[int] = []
    for k in kinds:
        for rx in ([_NUMBER, _AMOUNT, _PERCENT, _DURATION] if k == "count" else [rxs[k]] if k in rxs else []):
            out.extend(m.start() for m in rx.finditer(text))
    return sorted(set(out))


_NUMBER_WORD = re.compile(r"\d|^(" + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True)) + r")$", re.I)


def counted(noun: str, text: str) -> float:
    """1 when a number stands within three words before a form of ``noun`` ("25 leerlingen",
    "vijf nieuwe jeugdbeschermers"), else 0."""
    words = WORD.findall(text)
    for i in word_hits((noun,), words):
        if any(_NUMBER_WORD.search(v) for v in words[max(0, i - 3) : i]):
            return 1.0
    return 0.0


def mentions(noun: str, text: str) -> int:
    """How often a form of ``noun`` occurs in ``text``."""
    return len(word_hits((noun,), WORD.findall(text)))


def stated_kinds(text: str) -> frozenset[str]:
    """The kinds of fact ``text`` states (a count is a number that is not an amount or a date)."""
    out = {kind for kind, rx in _STATES if rx.search(text)}
    dues = find_dues(text)  # the date grammar extraction uses: "eind dit jaar", "in januari", "na het zomerreces"
    if dues:
        out.add("date")
    rest = text
    for d in reversed(dues):  # a count is a number that is no part of a date or an amount
        rest = rest[: d.start] + " " * (d.end - d.start) + rest[d.end :]
    if _NUMBER.search(_DATE.sub(" ", _AMOUNT.sub(" ", rest))):
        out.add("count")
    return frozenset(out)


def years_named(text: str) -> frozenset[int]:
    """The years ``text`` names, a range counting every year in it ("2022-2025", "2022 t/m 2025")."""
    out = {int(y) for y in _YEAR.findall(text)}
    for m in _YEAR_RANGE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if 0 < b - a <= 20:
            out.update(range(a, b + 1))
    return frozenset(out)


_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|—|t/m|tot\s+en\s+met|tot)\s*((?:19|20)\d\d)\b", re.I)
# the year an amount is for: "€ 7.500 in 2025", "€ 10 mln voor 2022", "2024: € 3.575"
_YEAR_AFTER = re.compile(r"\s*(?:in|voor|over)\s+((?:19|20)\d\d)\b", re.I)
_YEAR_BEFORE = re.compile(r"\b((?:19|20)\d\d)\s*:?\s*$")


def amount_years(text: str) -> list[int | None]:
    """For each amount of money in ``text``, the year written right beside it (None when none is)."""
    out: list[int | None] = []
    for a in find_amounts(text):
        m = _YEAR_AFTER.match(text, a.end) or _YEAR_BEFORE.search(text[max(0, a.start - 12) : a.start])
        out.append(int(m.group(1)) if m else None)
    return out


# --- dates a text names ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamedDate:
    """A date named in a text, as precise as it was written: a day, a month or a year."""

    year: int
    month: int = 0  # 0: the year only
    day: int = 0  # 0: the month only

    def matches(self, iso: str | None) -> int:
        """How precisely the ISO date ``iso`` agrees: 3 same day, 2 same month, 1 same year, 0 not,
        -1 disagrees at the precision named."""
        if not iso or len(iso) < 4 or not iso[:4].isdigit():
            return 0
        y = int(iso[:4])
        m = int(iso[5:7]) if len(iso) >= 7 and iso[5:7].isdigit() else 0
        d = int(iso[8:10]) if len(iso) >= 10 and iso[8:10].isdigit() else 0
        if y != self.year:
            return -1
        if not self.month:
            return 1
        if m != self.month:
            return -1
        if not self.day:
            return 2
        return 3 if d == self.day else -1


_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MON})\.?\s+((?:19|20)\d\d)\b", re.I)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MON})\b\.?(?!\s+(?:19|20)\d\d)", re.I)
_MONTH_YEAR = re.compile(rf"(?<!\d\s)\b({_MONTH})\s+((?:19|20)\d\d)\b", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})-(\d{1,2})-((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def _month(word: str) -> int:
    w = word.casefold().rstrip(".")
    return _MONTHS_ALL.get(w) or _ABBR_ALL.get(w, 0)


@functools.lru_cache(maxsize=4096)
def named_dates(text: str) -> tuple[NamedDate, ...]:
    """Dates named in ``text``: "9 juli 2024", "9-7-2024", "december 2023"; a bare year only when
    nothing more precise is named (a question about "de besluitenlijst van 2023")."""
    out: list[NamedDate] = []
    taken: list[tuple[int, int]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        out.append(NamedDate(int(m.group(3)), _month(m.group(2)), int(m.group(1))))
        taken.append(m.span())
    for m in _NUMERIC.finditer(text):
        day, mon, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mon <= 12 and 1 <= day <= 31:
            out.append(NamedDate(year, mon, day))
            taken.append(m.span())
    for m in _MONTH_YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            out.append(NamedDate(int(m.group(2)), _month(m.group(1))))
            taken.append(m.span())
    if not out:
        out = [NamedDate(int(m.group(1))) for m in _YEAR.finditer(text)]
    return tuple(dict.fromkeys(d for d in out if _valid(d)))


def _valid(d: NamedDate) -> bool:
    if not d.month:
        return True
    try:
        dt.date(d.year, d.month, d.day or 1)
    except ValueError:
        return False
    return True

"""Words as data: months, number words, amount scales and units of time, Dutch and English."""

from __future__ import annotations

MONTHS: dict[str, int] = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10,
}
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mrt": 3, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}
NUMBER_WORDS: dict[str, float] = {
    "nul": 0, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
    "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20,
    "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80,
    "negentig": 90, "honderd": 100, "duizend": 1000, "tienduizend": 10000,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "hundred": 100, "thousand": 1000,
}
FRACTION_WORDS: dict[str, float] = {"helft": 0.5, "half": 0.5, "kwart": 0.25, "derde": 1 / 3}
AMOUNT_SCALES: dict[str, float] = {
    "duizend": 1e3, "dzd": 1e3, "k": 1e3, "mln": 1e6, "miljoen": 1e6, "million": 1e6, "mio": 1e6,
    "mld": 1e9, "mrd": 1e9, "miljard": 1e9, "billion": 1e9,
}
CURRENCY_WORDS = ("€", "eur", "euro", "euros")
TIME_UNITS: dict[str, str] = {
    "dag": "day", "dagen": "day", "werkdag": "day", "werkdagen": "day", "day": "day", "days": "day",
    "week": "week", "weken": "week", "weeks": "week",
    "maand": "month", "maanden": "month", "month": "month", "months": "month",
    "kwartaal": "quarter", "kwartalen": "quarter",
    "jaar": "year", "jaren": "year", "year": "year", "years": "year",
    "uur": "hour", "uren": "hour", "hour": "hour", "hours": "hour",
}
SEASON_WORDS = ("voorjaar", "najaar", "zomer", "winter", "kwartaal", "eind", "begin", "medio", "half")


def alternation(words: object) -> str:
    """A regex alternation of ``words`` (longest first, so "maanden" wins over "maand")."""
    import re

    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]

# Words that make a question a question rather than name its subject ("wat", "hoeveel", "the").
QUESTION_WORDS = frozenset(
    """wat welke welk hoeveel wanneer hoe wie waarom waar waardoor waarmee what which how when who whom
    why where many much does did do is are was were the a an of for by to in on at and or with from
    should have has had their its it that this there be been will would can could volgens uiterlijk
    nog sinds zijn er nader rond ongeveer wel worden wordt gaat gaan wil willen per until since under
    into about""".split()
)
# Words that only name the kind of fact asked ("hoeveel geld", "welke datum"): the answer must state
# the fact, not repeat the word.
FACT_NOUNS = frozenset(
    """geld bedrag bedragen datum aantal percentage procent termijn periode money amount date number
    share period vanaf from""".split()
)

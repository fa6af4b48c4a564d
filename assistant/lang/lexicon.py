"""One Dutch lexicon for every part that reads numbers, money and dates: months, number words,
amount scales, currency marks and units of time.

Extraction (``assistant.extract``), metadata (``ingest.load``) and answering read their words from
here, so a month or a scale word added once is known everywhere. Tables are plain data; the
regular-expression fragments built from them are named ``*_RX`` (uncompiled, for embedding).
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
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
MONTH_ABBR: dict[str, int] = {
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
MONTH_RX = "(?:" + "|".join(MONTHS) + ")"
MONTH_ABBR_RX = r"(?:jan|febr?|mrt|apr|jun|jul|aug|sept?|okt|nov|dec)\.?"
YEAR_RX = r"(?:19|20)\d{2}"
# the budget cycle's memoranda: a spring/summer/autumn one appears in the year it names
IN_YEAR_NOTAS = frozenset({"voorjaarsnota", "zomernota", "najaarsnota", "perspectiefnota"})
NOTA_RX = r"(?:voorjaarsnota|zomernota|najaarsnota|perspectiefnota|kadernota)"
WEEKDAY_RX = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"

UNITS: dict[str, int] = {
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
TEENS: dict[str, int] = {
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
TENS: dict[str, int] = {
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
    "zestig": 60,
    "zeventig": 70,
    "tachtig": 80,
    "negentig": 90,
}
# scale words of amounts: "€ 10 mln", "1,5 miljard", "tweehonderd"
SCALES: dict[str, int] = {
    "honderd": 100,
    "duizend": 1_000,
    "miljoen": 1_000_000,
    "mln": 1_000_000,
    "mio": 1_000_000,
    "miljard": 1_000_000_000,
    "mld": 1_000_000_000,
    "mrd": 1_000_000_000,
}
SCALE_RX = r"(?:miljoen|miljard|mln\.?|mld\.?|mrd\.?|mio\.?|duizend)"
CURRENCY_RX = r"(?:€|EUR\b|euro\b)"
NUMBER_WORDS_RX = (
    r"(?:(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)(?:en|ën)(?:twintig|dertig|veertig|vijftig|"
    r"zestig|zeventig|tachtig|negentig)|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|"
    r"negentig|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|achttien|negentien|"
    r"\w*honderd\w*|\w*duizend|één|eén|een|twee|drie|vier|vijf|zes|zeven|acht|negen)"
)
# a Dutch number in figures: "." groups thousands, "," is the decimal mark
DIGITS_RX = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"

# units of time: "binnen vijf werkdagen", "een termijn van vier maanden"
TIME_UNITS: dict[str, str] = {
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


def month_number(word: str) -> int:
    """``maart`` → 3, ``sept.`` → 9; KeyError for a word that is no month."""
    w = word.lower().rstrip(".")
    return MONTHS.get(w) or MONTH_ABBR[w]


# --- English, and what answering needs beyond extraction -------------------------------------------

MONTHS_EN: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
MONTH_ABBR_EN: dict[str, int] = {"mar": 3, "oct": 10}
NUMBER_WORDS: dict[str, float] = {
    **UNITS, **TEENS, **TENS, "honderd": 100, "duizend": 1000, "tienduizend": 10000,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "thirteen": 13, "fourteen": 14, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
}
SCALES_EN: dict[str, int] = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "bln": 1_000_000_000}
FRACTION_WORDS: dict[str, float] = {"helft": 0.5, "half": 0.5, "kwart": 0.25, "derde": 1 / 3}
TIME_WORDS = frozenset(TIME_UNITS) | frozenset(
    "uur uren day days week weeks month months quarter quarters year years hour hours".split()
)

# English names of countries, peoples, places and bodies, as Dutch documents write them: a question
# in English names "The Hague", the document "Den Haag". Each Dutch form is the start of its words
# ("Oekraïn" for Oekraïne, Oekraïense, Oekraïners). Either form answers for the name. Bodies and
# other administrative words ("the Ministry", "the Council") come from the glossary.
EXONYMS: dict[str, tuple[str, ...]] = {
    "hague": ("haag",), "netherlands": ("nederland",), "dutch": ("nederland",), "holland": ("nederland", "holland"),
    "ukraine": ("oekraïn",), "ukrainian": ("oekraïn",), "ukrainians": ("oekraïn",),
    "yemen": ("jemen",), "yemeni": ("jemen",), "syria": ("syrië", "syrisch"), "syrian": ("syrië", "syrisch"),
    "europe": ("europ",), "european": ("europ",), "belgium": ("belgi",), "belgian": ("belgi",),
    "germany": ("duitsland", "duits"), "german": ("duits",), "france": ("frankrijk", "frans"), "french": ("frans",),
    "russia": ("rusland", "russisch"), "russian": ("rusland", "russisch"), "turkey": ("turkije", "turks"),
    "turkish": ("turk",), "morocco": ("marokk",), "moroccan": ("marokk",), "caribbean": ("caribisch",),
    "frisian": ("fries",), "zealand": ("zeeland", "zeeuws"), "limburg": ("limburg",),
    "house": ("kamer",), "senate": ("kamer",),  # "the House", "the Senate"
}

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


def alternation(words: object) -> str:
    """A regex alternation of ``words`` (longest first, so "maanden" wins over "maand")."""
    import re

    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]

"""The ``Query``: everything the pipeline needs to know about a question, worked out once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.lang.analyzer import WORD, detect_language, stems
from assistant.lang.facts import FACT_KINDS, NamedDate, asked_kinds, list_size, named_dates
from assistant.lang.glossary import gloss
from assistant.lang.lexicon import FACT_NOUNS, MONTHS, MONTHS_EN, QUESTION_WORDS


@dataclass(frozen=True, slots=True)
class Query:
    """A question as asked, the form it is looked up in, and what it asks for.

    ``lookup`` is what retrieval and sentence scoring read: the question itself, its standalone
    form when it was a follow-up, or its Dutch translation when a chat model translated it.
    """

    text: str
    lookup: str
    lang: str  # of the question as asked: the answer's language
    lookup_lang: str
    kinds: tuple[str, ...]  # kinds of fact asked for ("amount", "date", "who", ...), specific first
    terms: tuple[str, ...]  # content stems of the lookup form, unique, in order
    list_n: int = 0  # "welke drie ...": 3
    dates: tuple[NamedDate, ...] = ()  # dates the question names: a meeting, a letter
    names: tuple[str, ...] = ()  # stems of the names it uses (capitalised words inside the question)
    counted: str = ""  # the stem of what "hoeveel ..." / "how many ..." counts ("leerlingen": "leerling")
    parts: tuple[str, ...] = ()  # the parts of a two-part question ("X, en Y?"), each answered on its own
    standalone: str = ""  # the rewritten follow-up ("" when the question stood alone)
    translated: str = ""  # the Dutch lookup form of an English question ("" when not translated)

    @property
    def facts(self) -> tuple[str, ...]:
        """The kinds of fact the answer must state: the specific ones asked ("hoeveel geld" is an
        amount, not any number); a bare count only when nothing more specific is asked."""
        specific = tuple(k for k in self.kinds if k in FACT_KINDS and k != "count")
        return specific or (("count",) if "count" in self.kinds else ())

    def unstated(self, kinds: frozenset[str]) -> tuple[str, ...]:
        """The kinds of fact asked that a sentence stating ``kinds`` leaves out. "Hoeveel" asks for
        a quantity, which an amount or a share states as well as a count."""
        return tuple(
            k for k in self.facts if not (k in kinds or (k == "count" and kinds & {"amount", "percent", "duration"}))
        )

    def answered_by(self, kinds: frozenset[str]) -> bool:
        """Does a sentence stating ``kinds`` state every kind of fact asked?"""
        return not self.unstated(kinds)


def content_terms(text: str, kinds: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The stems of a question's content words: question words out, and the words that only name
    the kind of fact asked when a kind is asked."""
    words = [w for w in WORD.findall(text.casefold()) if w not in QUESTION_WORDS and (len(w) > 1 or w.isdigit())]
    if any(k in FACT_KINDS for k in kinds):
        words = [w for w in words if w not in FACT_NOUNS]
    out: list[str] = []
    for w in words:
        for s in stems(w):
            if (len(s) > 1 or s.isdigit()) and s not in out and s not in QUESTION_WORDS:
                out.append(s)
    return tuple(out)


_NAME = re.compile(r"(?<![.?!:]\s)(?<!^)\b([A-Z][\w’'-]+)")


def question_names(text: str) -> tuple[str, ...]:
    """Stems of the capitalised words inside a question (not its first word): the places, people
    and bodies it is about ("Amsterdam", "Movisie", "Van Haga")."""
    out: list[str] = []
    for m in _NAME.finditer(text.strip()):
        word = m.group(1)
        if word.casefold() in QUESTION_WORDS or word.casefold() in MONTHS or word.casefold() in MONTHS_EN:
            continue  # "in December 2023" names a date, which the question's dates handle
        acronym = word.isupper() and len(word) >= 2  # "WK", "GGD": short, but a name all the same
        for s in stems(word):
            if (len(s) > 2 or acronym) and not s.isdigit() and s not in out:
                out.append(s)
    return tuple(out)


_COUNTED = re.compile(
    r"\b(?:hoeveel|how many|how much|welk aantal|het aantal|the number of)\s+(?:(?:extra|meer|minder|nieuwe|more|new)\s+)?(\w+)",
    re.I,
)


def counted_noun(text: str) -> str:
    """What a quantity question counts: "Hoeveel leerlingen ..." → the stem of "leerlingen"."""
    m = _COUNTED.search(text)
    if not m or m.group(1).casefold() in QUESTION_WORDS:
        return ""
    got = stems(m.group(1))
    return got[0] if got else ""


_PARTS = re.compile(r"(?:,|;|:)\s+(?:en|and|maar|but)\s+|\?\s+(?=\S)", re.IGNORECASE)


def split_question(question: str) -> tuple[str, ...]:
    """The parts of a question that asks two things ("X, en Y?", "X? Y?"), each of at least four
    words; () for a question that asks one."""
    pieces = [p.strip(" ?") for p in _PARTS.split(question.strip())]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or any(len(WORD.findall(p)) < 4 for p in pieces):
        return ()
    return tuple(p + "?" for p in pieces)


def build_query(question: str, *, standalone: str = "", translated: str = "") -> Query:
    """The one place a question is analysed."""
    lookup = translated or standalone or question
    kinds = asked_kinds(lookup)
    lookup_lang = detect_language(lookup)
    # an English lookup is matched against Dutch text through the glossary's Dutch words as well
    glossed = f"{lookup} {gloss(lookup)}" if lookup_lang == "en" else lookup
    return Query(
        text=question,
        lookup=lookup,
        lang=detect_language(question),
        lookup_lang=lookup_lang,
        kinds=kinds,
        terms=content_terms(glossed, kinds),
        list_n=list_size(lookup),
        dates=named_dates(lookup),
        names=question_names(lookup),
        counted=counted_noun(lookup),
        parts=split_question(lookup),
        standalone=standalone,
        translated=translated,
    )

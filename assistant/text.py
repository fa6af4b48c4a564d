"""Text primitives shared by ingest, retrieval, citation and evaluation.

Word-token matching follows the gold format (FORMAT.md): NFKC, words hyphenated across a line
break rejoined, casefold, tokens are runs of ``\\w``. Sentence splitting is a small Dutch-aware
rule set: no sentence library handles Dutch policy abbreviations (``o.a.``, ``jl.``, ``nr.``) and
list items without a full stop, and every offset must point into the original string.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator

_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad\u2010\u2011]\s*\n\s*(?=[a-zà-ÿ])")
WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """NFKC, rejoin words hyphenated across a line break, casefold (FORMAT.md step 1)."""
    text = unicodedata.normalize("NFKC", text)
    text = _HYPHEN_BREAK.sub(r"\1", text)
    return text.casefold()


def tokens(text: str) -> list[str]:
    """Word tokens of ``text`` after ``normalize``."""
    return WORD.findall(normalize(text))


def longest_run(quote: list[str], passage: list[str]) -> int:
    """Length of the longest contiguous run of ``quote`` tokens that occurs in ``passage``."""
    best = 0
    if not quote or not passage:
        return 0
    positions: dict[str, list[int]] = {}
    for j, p in enumerate(passage):
        positions.setdefault(p, []).append(j)
    prev: dict[int, int] = {}
    for q in quote:
        cur: dict[int, int] = {}
        for j in positions.get(q, ()):
            run = prev.get(j - 1, 0) + 1
            cur[j] = run
            if run > best:
                best = run
        prev = cur
    return best


def coverage(quote: str, passage: str) -> float:
    """Share of the quote's tokens found as one contiguous run in the passage (0..1)."""
    q = tokens(quote)
    return longest_run(q, tokens(passage)) / len(q) if q else 0.0


# --- sentences ---------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "o.a", "a.s", "bijv", "bv", "nr", "nrs", "art", "jl", "m.b.t", "d.d", "ca", "mln", "mld", "mrd",
    "e.d", "i.v.m", "z.s.m", "resp", "blz", "p", "pag", "incl", "excl", "vs", "dhr", "mevr", "drs",
    "dr", "mr", "ir", "prof", "ing", "t.a.v", "t.b.v", "i.p.v", "m.u.v", "n.a.v", "o.b.v", "e.a",
    "c.q", "d.w.z", "o.g.v", "etc", "enz", "evt", "max", "min", "tel", "jr", "st", "vgl", "zgn",
    "mw", "wv", "t.o.v", "v.w.b", "a.i", "i.o.m", "m.i.v", "z.g.a", "e.e.a", "w.o", "kst", "stb",
    "stcrt", "no", "e.g", "i.e", "mio", "fig", "tab", "sep", "okt", "nov", "dec", "jan", "feb",
    "aug", "apr", "jun", "jul", "mrt", "ha", "km", "m", "lid", "hfst", "par", "bijl",
}
_END = re.compile(r"[.!?…]+[\"'”’»)]*(?=\s)|[;:](?=\s*\n)|\n\s*\n")
_LIST_ITEM = re.compile(r"\n(?=[ \t]*(?:[–•\-·▪●◦*]|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)\s*\S)")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` ends an abbreviation or a number like ``1.000``."""
    start = dot
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha() and (start == 0 or text[start - 1] not in "'’"):
        return True  # initials: "J. de Vries" (but not the plural "GI’s.")
    line_start = text.rfind("\n", 0, start) + 1
    if word.isdigit() and len(word) <= 2 and not text[line_start:start].strip():
        return True  # an enumerator at the start of a line: "1. Gemeenten hebben ..."
    nxt = text[dot + 1 : dot + 3]
    # a lower-case continuation after a full stop is almost never a new Dutch sentence
    return bool(nxt) and nxt.strip()[:1].islower() and word != ""


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield ``(s, e)`` offsets of the sentences of ``text[start:end]``, whitespace trimmed.

    Boundaries: sentence-final punctuation followed by space (not after an abbreviation), a blank
    line, and the start of a list item (``–``, ``•``, ``1)``, ``a.``) on a new line.
    """
    end = len(text) if end is None else end
    cuts = {start, end}
    for m in _END.finditer(text, start, end):
        if m.group().startswith(".") and _is_abbreviation(text, m.start()):
            continue
        cuts.add(m.end())
    for m in _LIST_ITEM.finditer(text, start, end):
        cuts.add(m.start() + 1)
    ordered = sorted(cuts)
    for a, b in itertools.pairwise(ordered):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            yield a, b

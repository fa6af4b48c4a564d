"""Keyword analysis, compound-aware word matching and language detection.

``stems`` is the one analyzer of the product: the BM25 index, the answer scorer and the LLM claim
check all call it, so a word is stemmed the same way at index and at query time. Numbers stay
tokens ("2020", "420"), so amounts and years can be matched.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from assistant.lang.glossary import gloss
from assistant.lang.glossary import words as glossary_words
from assistant.lang.lexicon import EXONYMS

WORD = re.compile(r"\w+")
_stemmer: Any = None
_stopwords: frozenset[str] | None = None
_stems: dict[str, str] = {}  # word -> stem ("" for a stop word): most words recur, stemming them once


def stems(text: str) -> list[str]:
    """Dutch keyword tokens: lower-case ``\\w+`` runs, Dutch stop words out, Snowball-stemmed."""
    global _stemmer, _stopwords
    if _stemmer is None:
        import Stemmer
        from bm25s.stopwords import STOPWORDS_DUTCH

        _stopwords = frozenset(STOPWORDS_DUTCH)
        _stemmer = Stemmer.Stemmer("dutch")
    assert _stopwords is not None
    out = []
    for w in WORD.findall(text.lower()):
        s = _stems.get(w)
        if s is None:
            if len(_stems) > 500_000:
                _stems.clear()
            s = _stems[w] = "" if w in _stopwords else _stemmer.stemWord(w)
        if s:
            out.append(s)
    return out


# --- matching a question word against a text's stems ------------------------------------------------


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


@functools.lru_cache(maxsize=1 << 20)
def related(part: str, s: str) -> bool:
    """Two stems that are one word bar its ending: "structurel"/"structureel", "overweegt"/"overweg"
    (the Snowball stemmer leaves irregular and inflected forms apart)."""
    if len(part) < 4 or len(s) < 4:
        return False
    short, long_ = (part, s) if len(part) <= len(s) else (s, part)
    if long_.startswith(short) and len(long_) - len(short) <= 2:
        return True  # "kost"/"kosten"
    return _common_prefix(part, s) >= max(4 if len(part) < 6 else 5, min(len(part), len(s)) - 2)


@functools.cache
def _exonym_stems() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for en, forms in (*glossary_words().items(), *EXONYMS.items()):
        for s in stems(en):
            out[s] = tuple(dict.fromkeys(x for f in forms for x in stems(f)))
    return out


def name_forms(stem: str) -> tuple[str, ...]:
    """A name's stem with the stems of its Dutch forms: ``"hague"`` → ``("hague", "haag")``."""
    return (stem, *(f for f in _exonym_stems().get(stem, ()) if f != stem))


@functools.lru_cache(maxsize=1 << 17)  # pure: the same stem meets the same sentence for several features
def match(t: str, have: frozenset[str]) -> float:
    """How well the question stem ``t`` is present among the stems ``have`` (0..1).

    1 for the stem itself; 0.8 for one of its compound parts in a longer word
    ("jeugdbescherm" in "jeugdbeschermingsketen") or for both halves of a question compound found
    as words ("kostenstijging" by "kosten" + "stijging"); 0.7 for the same word with another ending;
    0.4 for one long half of the question's compound. Dutch writes compounds as one word, so a
    question and its answer often share a word only inside a compound.
    """
    if t in have:
        return 1.0
    if t.isdigit() or len(t) < 4:
        return 0.0
    if len(t) >= 5 and any(len(s) > len(t) and t in s for s in have):
        return 0.8
    long_ = [s for s in have if len(s) >= 4 and not s.isdigit()]
    if len(t) >= 6 and any(related(t, s) for s in long_):
        return 0.7
    if len(t) >= 8:
        for i in range(4, len(t) - 3):
            head, tail = t[:i], t[i:]
            if any(related(head, s) or s == head for s in long_) and any(
                related(tail, s) or s.startswith(tail) for s in long_
            ):
                return 0.8
    if len(t) >= 7 and any(len(s) >= 5 and s in t for s in long_):
        return 0.4
    return 0.0


# --- language ---------------------------------------------------------------------------------------

# English function words: the keyword index stems Dutch and drops Dutch stop words only, so an
# English question's "the", "what", "of" would match English passages for no reason.
EN_STOP = frozenset(
    """a about after all also an and any are as at be been before being between both but by can could
    did do does doing during each for from had has have having he her here his how i if in into is it
    its itself many me more most much my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you
    your""".split()
)
_EN_MARKERS = frozenset(
    """the what which how when who why does did do is are was were of for by many much until and to
    with should have has on at from their there this that will would can could whom""".split()
)
_NL_MARKERS = frozenset(
    """de het een wat welke welk hoeveel wanneer hoe wie waarom is zijn van voor met op er wordt worden
    heeft hebben moet moeten bij aan tot uit naar volgens kan kunnen zal om dat die en""".split()
)


def word_hits(terms: tuple[str, ...] | list[str], words: list[str]) -> list[int]:
    """The indices of ``words`` in which a form of one of the stems ``terms`` stands ("leerlingen"
    for "leerling"; compound parts count as ``match`` has it)."""
    return [i for i, w in enumerate(words) if any(match(t, frozenset(stems(w))) >= 0.7 for t in terms)]


def detect_language(text: str) -> str:
    """``"en"`` when English function words outnumber Dutch ones, else ``"nl"``."""
    words = [w.casefold() for w in WORD.findall(text)]
    en = sum(w in _EN_MARKERS for w in words)
    nl = sum(w in _NL_MARKERS for w in words)
    return "en" if en > nl else "nl"


def keyword_query(question: str) -> str:
    """The question with English function words left out, for the (Dutch) keyword index; an English
    question also carries the Dutch counterparts of its administrative words (``glossary``)."""
    kept = [w for w in WORD.findall(question) if w.casefold() not in EN_STOP]
    if detect_language(question) == "en":
        have = {w.casefold() for w in kept}
        kept += [w for w in gloss(question).split() if w not in have]
    return " ".join(kept)

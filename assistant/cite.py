"""Map an answer sentence back to the exact words of a source passage, or refuse to.

``verify`` is the gold set's own measure (FORMAT.md): the longest run of the claim's words that
occurs contiguously in the passage. The citation is that run, cut from the document with
``Document.span``, so its quote and offsets always agree. ``facts_consistent`` is the check for
paraphrased (LLM) sentences: every number, amount, percentage and date the sentence states must
also be stated by the passage it cites.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.lang.lexicon import (
    MONTH_ABBR,
    MONTH_ABBR_EN,
    MONTHS,
    MONTHS_EN,
    NUMBER_WORDS,
    SCALES,
    SCALES_EN,
)
from assistant.text import WORD, normalize
from assistant.types import Citation, Document, Span


def _word_tokens(doc: Document, start: int, end: int) -> tuple[list[str], list[tuple[int, int]]]:
    """Normalised word tokens of ``doc.text[start:end]`` with their absolute offsets.

    A word whose NFKC form splits into several tokens (rare: ligatures, superscripts) gives each
    piece the offsets of the whole word, so a run never ends inside a character range we cannot cut.
    """
    words: list[str] = []
    offsets: list[tuple[int, int]] = []
    for m in WORD.finditer(doc.text, start, end):
        pieces = WORD.findall(unicodedata.normalize("NFKC", m.group()).casefold()) or [m.group().casefold()]
        for p in pieces:
            words.append(p)
            offsets.append((m.start(), m.end()))
    return words, offsets


def verify(claim: str, doc: Document, passage: Span, min_coverage: float = 0.5) -> Citation | None:
    """Cite the longest contiguous run of the claim's words inside ``passage``, or return None.

    :param claim: an answer sentence (verbatim or paraphrased).
    :param doc: the document the passage comes from (its cleaned text is canonical).
    :param passage: a span of ``doc``; only words inside it may be cited.
    :param min_coverage: the share of the claim's words the run must hold (0..1).
    :returns: a Citation whose span is the run, with exact absolute offsets, or None.
    """
    if not 0.0 <= min_coverage <= 1.0:
        raise ValueError(f"min_coverage must lie in [0, 1], not {min_coverage}")
    if passage.doc_sha256 != doc.sha256:
        raise ValueError(f"passage of {passage.doc} does not belong to {doc.doc}")
    want = WORD.findall(normalize(claim))
    if not want:
        return None
    have, offsets = _word_tokens(doc, passage.char_start, passage.char_end)
    best, end = 0, 0
    prev: dict[int, int] = {}
    positions: dict[str, list[int]] = {}
    for i, w in enumerate(want):
        positions.setdefault(w, []).append(i)
    # longest common substring over word sequences, sparse over matching positions
    for j, h in enumerate(have):
        cur: dict[int, int] = {}
        for i in positions.get(h, ()):
            run = prev.get(i - 1, 0) + 1
            cur[i] = run
            if run > best:
                best, end = run, j
        prev = cur
    share = best / len(want)
    if best == 0 or share < min_coverage:
        return None
    start_char = offsets[end - best + 1][0]
    end_char = offsets[end][1]
    return Citation(doc.span(start_char, end_char), claim, round(share, 4))


def cite_exact(sentence_start: int, sentence_end: int, doc: Document) -> Citation:
    """A citation for a sentence copied verbatim from ``doc`` (extractive answers): coverage 1."""
    span = doc.span(sentence_start, sentence_end)
    return Citation(span, " ".join(span.text.split()), 1.0)


# --- facts: numbers, amounts, percentages, dates ------------------------------------------------

# the language layer's words: numbers (with "helft"/"half"), scales and months, Dutch and English
_NUMBER_WORDS = {**NUMBER_WORDS, "helft": 0.5, "half": 0.5}
# words that only count as a number in a claim when written as one: "een" is also "a"
_WEAK_NUMBER_WORDS = {"een", "one", "half", "helft"}
_SCALES = {k: float(v) for k, v in {**SCALES, **SCALES_EN}.items() if k != "honderd"}
_MONTHS = {**MONTHS, **MONTHS_EN, **MONTH_ABBR, **MONTH_ABBR_EN}
_NUM = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,\u202f\u00a0 ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\w])")
_AFTER = re.compile(r"\s*(\w+)")


@dataclass(frozen=True, slots=True)
class Facts:
    """The checkable facts of a text: numeric values (each with its readings) and months."""

    numbers: tuple[frozenset[float], ...]  # one set of possible values per number written
    months: frozenset[int]


def _reading(s: str, thousands: str, decimal: str) -> float | None:
    """``s`` read with the given separators, or None when it is not written that way."""
    if s.count(decimal) > 1:
        return None
    intpart, _, frac = s.partition(decimal)
    groups = intpart.split(thousands)
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        return None
    try:
        return float("".join(groups) + (f".{frac}" if frac else ""))
    except ValueError:
        return None


def _readings(raw: str) -> set[float]:
    """Every value a written number may mean: ``1.000`` is 1000 in Dutch, 1.0 in English."""
    s = raw.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    return {v for th, dec in ((".", ","), (",", ".")) if (v := _reading(s, th, dec)) is not None}


def facts(text: str, *, weak_words: bool = True) -> Facts:
    """The numbers (digits or number words, scaled by mln/miljoen/billion) and months in ``text``.

    :param weak_words: count words like ``een``/``one`` as numbers (on for a passage, where more
        readings only make the check more forgiving; off for a claim).
    """
    norm = unicodedata.normalize("NFKC", text).casefold()
    numbers: list[frozenset[float]] = []
    for m in _NUM.finditer(norm):
        vals = _readings(m.group(1))
        nxt = _AFTER.match(norm, m.end())
        if nxt and nxt.group(1) in _SCALES:
            vals |= {v * _SCALES[nxt.group(1)] for v in vals}
        if vals:
            numbers.append(frozenset(vals))
    words = WORD.findall(norm)
    months = frozenset(_MONTHS[w] for w in words if w in _MONTHS and (len(w) > 3 or w == "mei"))
    for i, w in enumerate(words):
        if w in _NUMBER_WORDS and (weak_words or w not in _WEAK_NUMBER_WORDS):
            v = float(_NUMBER_WORDS[w])
            vals = {v}
            if i + 1 < len(words) and words[i + 1] in _SCALES:
                vals.add(v * _SCALES[words[i + 1]])
            numbers.append(frozenset(vals))
    return Facts(tuple(numbers), months)


def _all_values(f: Facts) -> set[float]:
    return {v for vals in f.numbers for v in vals}


def missing_facts(claim: str, passage_text: str) -> list[str]:
    """The facts of ``claim`` that ``passage_text`` does not state (empty: consistent).

    A number is found when one of its readings equals one of the passage's (so ``€ 10 mln`` and
    ``10 million euros`` agree); a month when the passage names it in Dutch or English.
    """
    c = facts(claim, weak_words=False)
    p = facts(passage_text)
    have = _all_values(p)
    missing: list[str] = []
    for vals in c.numbers:
        if not any(abs(v - h) < 1e-9 * max(1.0, abs(v)) for v in vals for h in have):
            missing.append(_fmt(min(vals)))
    inv = {v: k for k, v in reversed(_MONTHS.items()) if len(k) > 3}
    missing += [inv[m] for m in sorted(c.months - p.months)]
    return missing


def facts_consistent(claim: str, passage_text: str) -> bool:
    """True when every number, amount, percentage and date of ``claim`` appears in the passage."""
    return not missing_facts(claim, passage_text)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


# --- the whole claim: every content word and every negation -------------------------------------

# words that deny: a claim and the passage words it rests on must agree on them
NEGATIONS = frozenset(
    """niet geen nooit niets niemand nergens noch geenszins allerminst zonder
    not no never none nothing nobody nowhere neither nor without cannot""".split()
)
# words that attribute rather than claim ("volgens de brief", "the letter states")
ATTRIBUTION = frozenset(
    """volgens brief kamerbrief document documenten passage passages bron bronnen tekst staat stelt
    schrijft meldt noemt vermeldt geeft aangegeven according letter source sources text states stated
    says writes mentions notes""".split()
)
_EN_FUNCTION = frozenset(
    """a an the of to in on at by for with from and or but is are was were be been being has have had
    this that these those it its they their there which who whom what when where how will would can
    could should may might must do does did as than then so also""".split()
)


def _negation_count(text: str) -> int:
    norm = unicodedata.normalize("NFKC", text).casefold()
    return sum(w in NEGATIONS for w in WORD.findall(norm)) + norm.count("n't") + norm.count("n’t")


def _is_number_word(w: str) -> bool:
    return w.isdigit() or w in _NUMBER_WORDS or w in _MONTHS or bool(re.fullmatch(r"\d+[a-z]{0,3}", w))


def _content(text: str) -> list[tuple[str, str]]:
    """(word, stem) of the content words of ``text``: no stop, function, negation or number words."""
    from assistant.store import analyze

    out = []
    for w in WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
        if w in NEGATIONS or w in _EN_FUNCTION or _is_number_word(w):
            continue
        stems = analyze(w)
        if stems:
            out.append((w, stems[0]))
    return out


def _accounted(word: str, stem: str, have_words: set[str], have_stems: set[str]) -> bool:
    """A claim word the passage states: the same stem, or one word a compound of the other
    ("jeugdbescherming" / "jeugdbeschermingsketen", "kinderen" / "kind"), or an attribution."""
    if stem in have_stems or word in have_words or word in ATTRIBUTION:
        return True
    bare = _strip_accents(word)
    participle = bare[2:] if bare.startswith("ge") and len(bare) > 6 else ""  # geïnformeerd ~ informeren
    for h in have_words:
        short, long_ = (word, h) if len(word) <= len(h) else (h, word)
        if len(short) >= 4 and long_.startswith(short) or len(short) >= 6 and short in long_:
            return True
        if participle and _common_prefix(participle, _strip_accents(h)) >= max(5, int(0.75 * len(participle) - 1)):
            return True
    return False


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def unsupported_words(claim: str, passage_text: str) -> list[str]:
    """Content words of ``claim`` the passage does not state (numbers and dates: ``missing_facts``)."""
    have = _content(passage_text)
    have_words, have_stems = {w for w, _ in have}, {s for _, s in have}
    out: list[str] = []
    for w, s in _content(claim):
        if not _accounted(w, s, have_words, have_stems) and w not in out:
            out.append(w)
    return out


def negation_mismatch(claim: str, doc: Document, passage: Span) -> str:
    """Why the claim's negations disagree with the words of the passage it rests on ("" if they agree).

    The words it rests on: in the passage sentences that hold the claim's content words, the stretch
    from the first to the last of them, widened over the stop words around it and over a negation
    that ends the sentence ("... verlengt de regeling niet."). A negation there the claim leaves out,
    or a negation in the claim with none there, is a mismatch.
    """
    from assistant.store import analyze
    from assistant.text import sentence_spans

    want = {s for _, s in _content(claim)}
    claim_neg = _negation_count(claim) > 0
    region_neg = False
    found_any = False
    for s, e in sentence_spans(doc.text, passage.char_start, passage.char_end):
        toks = [unicodedata.normalize("NFKC", m.group()).casefold() for m in WORD.finditer(doc.text, s, e)]
        kinds = []  # "neg", "stop" or a stem
        for w in toks:
            if w in NEGATIONS:
                kinds.append("neg")
            else:
                stems = analyze(w)
                kinds.append(stems[0] if stems else "stop")
        hits = [i for i, k in enumerate(kinds) if k in want]
        if len(hits) < max(1, min(2, len(want))):
            continue
        found_any = True
        lo, hi = hits[0], hits[-1]
        while lo > 0 and kinds[lo - 1] in ("stop", "neg"):
            lo -= 1
        rest = kinds[hi + 1 :]
        if "neg" in rest:
            after = rest[rest.index("neg") + 1 :]
            if sum(k not in ("stop", "neg") for k in after) <= 1:
                hi = len(kinds) - 1
        else:
            while hi + 1 < len(kinds) and kinds[hi + 1] == "stop":
                hi += 1
        if "neg" in kinds[lo : hi + 1] or "n't" in " ".join(toks[lo : hi + 1]):
            region_neg = True
    if not found_any:
        region_neg = _negation_count(passage.text) > 0 and claim_neg
    if claim_neg and not region_neg:
        return "adds a negation the passage does not make"
    if region_neg and not claim_neg:
        return "leaves out the passage's negation"
    return ""

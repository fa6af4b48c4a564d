"""assistant/cite.py: citations are exact slices of the letter; facts of a claim must be in its passage."""

from __future__ import annotations

from pathlib import Path

import pytest
from testpaths import CORPUS, SHARED

from assistant.cite import cite_exact, facts_consistent, missing_facts, verify
from assistant.text import coverage
from assistant.types import Document

LETTER = "000_2b64ece39e4393a8.txt"


@pytest.fixture(scope="module")
def letter() -> Document:
    for folder in (CORPUS, SHARED / "corpus"):
        p = Path(folder) / LETTER
        if p.exists():
            return Document(LETTER, "a" * 64, p.read_text("utf-8"))
    pytest.skip("bundled letter not available")


def _offset(doc: Document, words: str) -> int:
    i = doc.text.find(words)
    assert i >= 0, words
    return i


def test_a_verbatim_claim_is_cited_with_offsets_that_slice_the_letter(letter):
    start = _offset(letter, "De inspecties constateren dat gemeentes")
    passage = letter.span(max(0, start - 200), min(len(letter.text), start + 600))
    claim = "De inspecties constateren dat gemeentes en GI’s significante stappen hebben gezet"
    cit = verify(claim, letter, passage, 0.5)
    assert cit is not None
    assert letter.text[cit.span.char_start : cit.span.char_end] == cit.span.text
    assert cit.span.text.startswith("De inspecties constateren")
    assert passage.char_start <= cit.span.char_start < cit.span.char_end <= passage.char_end
    assert cit.coverage == pytest.approx(coverage(claim, cit.span.text))


def test_a_claim_the_passage_does_not_hold_gets_no_citation(letter):
    passage = letter.span(0, 800)
    assert verify("Het kabinet trekt 500 miljoen euro uit voor woningbouw in Groningen.", letter, passage) is None


def test_only_words_inside_the_passage_are_cited(letter):
    start = _offset(letter, "De inspecties constateren dat gemeentes")
    claim = "De inspecties constateren dat gemeentes en GI’s significante stappen hebben gezet"
    # a passage ending before the claim's words: nothing to cite there
    assert verify(claim, letter, letter.span(0, start), 0.5) is None


def test_min_coverage_outside_zero_one_is_refused(letter):
    with pytest.raises(ValueError, match="min_coverage"):
        verify("x", letter, letter.span(0, 10), 1.5)


def test_cite_exact_collapses_whitespace_in_the_claim_but_not_in_the_quote(letter):
    start = _offset(letter, "De inspecties constateren dat gemeentes")
    end = letter.text.index(".", start) + 1
    cit = cite_exact(start, end, letter)
    assert cit.span.text == letter.text[start:end]
    assert "\n" not in cit.claim and cit.claim.split() == cit.span.text.split()


@pytest.mark.parametrize(
    "claim, passage, missing",
    [
        ("The GIs get €10 million a year extra.", "jaarlijks € 10 mln extra voor de GI’s", []),
        ("Binnen zes weken is een plan opgesteld.", "Voor 90% is binnen 6 weken een veiligheidsplan opgesteld", []),
        ("For 75% of the children.", "Voor 75% van de kinderen", []),
        ("De kosten zijn €23.132.", "een structurele stijging per 1-1-2021 van €23.132", []),
        ("The costs are 23,132 euros.", "een structurele stijging per 1-1-2021 van €23.132", []),
        ("Het kost € 1,5 miljard.", "een bedrag van 1.500 miljoen", []),
        ("Het kabinet trekt € 12 miljoen uit.", "jaarlijks € 10 mln extra", ["12"]),
        ("Voor 80% van de kinderen.", "Voor 75% van de kinderen", ["80"]),
        ("Dit gebeurde op 23 november 2020.", "het wetgevingsoverleg van 23 oktober 2020", ["november"]),
        ("Uiterlijk in 2021.", "uiterlijk half november 2020", ["2021"]),
    ],
)
def test_every_number_amount_share_and_date_of_a_claim_must_be_in_the_passage(claim, passage, missing):
    assert missing_facts(claim, passage) == missing
    assert facts_consistent(claim, passage) is (not missing)


def test_a_dutch_decimal_comma_and_thousands_point_are_read_both_ways():
    assert facts_consistent("32.804 euro", "€ 32.804 in 2020")
    assert facts_consistent("32,804 euros", "€ 32.804 in 2020")
    assert not facts_consistent("32,805 euros", "€ 32.804 in 2020")

"""ingest/clean.py on the bundled letters and real PDFs: words whole, sentences whole, asides apart."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from testpaths import CORPUS, DATA, GOLD_DEV, REAL, real_file

from assistant.text import coverage, tokens
from assistant.types import Document
from ingest.clean import clean
from ingest.load import load_path

MB = 1_000_000
SEED = CORPUS / "2020-10-15-kamerbrief-doorbraakaanpak-jeugdbescherming.txt"
LETTER_1949 = DATA / "1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"


@cache
def cleaned(path: Path) -> Document:
    (doc,) = load_path(path, max_bytes=200 * MB)
    return clean(doc)


@cache
def raw(path: Path) -> Document:
    (doc,) = load_path(path, max_bytes=200 * MB)
    return doc


def letters() -> dict[str, Path]:
    """Gold name -> bundled file, from the corpus manifest."""
    rows = [r.split("\t") for r in (CORPUS / "MANIFEST.tsv").read_text("utf-8").splitlines()[1:]]
    return {r[4]: CORPUS / r[0] for r in rows}


def in_aside(doc: Document, needle: str) -> bool:
    at = doc.text.index(needle)
    return any(a <= at and at + len(needle) <= b for a, b in doc.asides)


def body(doc: Document) -> str:
    """The cleaned text with the asides cut out."""
    out, pos = [], 0
    for a, b in doc.asides:
        out.append(doc.text[pos:a])
        pos = b
    return "".join(out) + doc.text[pos:]


def assert_well_formed(doc: Document) -> None:
    assert doc.text == doc.text.strip() and unicodedata.is_normalized("NFC", doc.text)
    assert doc.page_starts[0] == 0 and list(doc.page_starts) == sorted(doc.page_starts)
    assert all(0 <= s <= len(doc.text) for s in doc.page_starts)
    assert all(0 <= a < b <= len(doc.text) for a, b in doc.asides)
    for offset, heading in doc.headings:
        assert heading in doc.text[offset : offset + len(heading) + 8]


# --- the seed letter -------------------------------------------------------------------------------


def test_words_hyphenated_across_lines_are_rejoined():
    doc = cleaned(SEED)
    assert "voortgangsrap-" not in doc.text
    assert "de voortgangsrapportage «Kwetsbare kinderen onvoldoende beschermd»" in doc.text
    assert "In deze beleidsreactie gaan wij in op de afspraken" in doc.text
    assert "om jeugdbescherming en passende jeugdhulp te organiseren" in doc.text


def test_a_hyphen_before_a_capital_is_kept():
    assert "wachtlijsten bij jeugdhulpaanbieders (inclusief Jeugd-GGZ)" in cleaned(SEED).text


def test_a_truncated_compound_before_en_keeps_its_hyphen():
    letter = letters()["001_e453d463f6c3559d.txt"]
    assert "II. Noodzaak effectievere jeugd- en gezinsbescherming" in cleaned(letter).text
    doc = Document("x.txt", "0" * 64, "de aanpak van welzijns-\nen zorgvoorzieningen en jeugdbe-\nscherming")
    assert clean(doc).text == "de aanpak van welzijns- en zorgvoorzieningen en jeugdbescherming"


def test_a_footnote_in_the_middle_of_a_sentence_moves_out_of_it_into_an_aside():
    doc = cleaned(SEED)
    sentence = (
        "Daarbij realiseren we ons ook dat bij deze kinderen vaak sprake is van meervoudige en "
        "complexe problemen."
    )
    assert sentence in doc.text and not in_aside(doc, sentence)
    assert in_aside(doc, "1 Raadpleegbaar via www.tweedekamer.nl")
    assert "Raadpleegbaar" not in body(doc)


def test_a_footnote_marker_is_dropped_only_where_its_footnote_was_found():
    doc = cleaned(SEED)
    assert "«Kwetsbare kinderen onvoldoende beschermd» (bijlage) uitgebracht." in doc.text
    assert "bescherming van jeugd en gezin." in doc.text and in_aside(doc, "2 Kamerstuk 31 839, nr. 730")
    plain = Document("x.txt", "0" * 64, "Het programma Zorg voor de Jeugd1 loopt door in 2021.")
    assert clean(plain).text == plain.text  # no footnote 1, so "Jeugd1" is left as it is


def test_footnotes_glued_to_words_are_removed_and_a_url_footnote_stays_whole():
    doc = cleaned(letters()["004_c9cf7b4b3946f292.txt"])
    assert "De vijfde voortgangsrapportage van het programma Zorg voor de Jeugd en de meest" in doc.text
    assert "Bij deze brief treft u de voorlopige CBS cijfers" in doc.text
    assert in_aside(
        doc,
        "3 https://www.unicef.nl/nieuws/2020-09-03-nederland-op-nummer-1-in-onderzoek-naar-welzijn-van-kinderen.",
    )


def test_hard_line_breaks_become_spaces_and_paragraphs_stay_apart():
    doc = cleaned(SEED)
    assert (
        "\n\nEerst willen wij onze waardering uitspreken voor de grote betrokkenheid die wij zien bij"
        in doc.text
    )
    paragraph = next(p for p in doc.text.split("\n\n") if p.startswith("Eerst willen wij"))
    assert "\n" not in paragraph and paragraph.endswith("met veel inventiviteit.")


def test_list_items_each_start_on_their_own_line():
    doc = cleaned(SEED)
    assert (
        "\n– Voor 90% is binnen zes weken een veiligheidsplan opgesteld;\n– Voor 75% van de kinderen"
        in doc.text
    )
    assert "\n1. Gemeenten hebben uiterlijk half november 2020 zicht op welke kinderen met" in doc.text


def test_headings_are_recorded_on_their_own_paragraph():
    doc = cleaned(SEED)
    headings = dict(doc.headings)
    assert {
        "Rollen en verantwoordelijkheden in de jeugdbeschermingsketen",
        "Afspraken over doorbraakaanpak",
        "Lange termijn aanpak",
        "Tot slot",
    } <= set(headings.values())
    for offset, heading in doc.headings:
        assert doc.text[offset - 2 : offset] == "\n\n" and doc.text[offset + len(heading) :].startswith(
            "\n\n"
        )
    assert "S. Dekker" not in headings.values()


def test_numbered_headings_without_a_blank_line_are_split_from_their_text():
    doc = cleaned(letters()["004_c9cf7b4b3946f292.txt"])
    names = [h for _, h in doc.headings]
    assert (
        "2. Voorlopige cijfers jeugdhulpgebruik, jeugdbescherming en jeugdreclassering eerste halfjaar 2020"
        in names
    )
    doc = cleaned(letters()["002_246acff3fa81e327.txt"])
    assert "Hiaten in de jeugdbescherming" in [h for _, h in doc.headings]
    assert "\n\nHiaten in de jeugdbescherming\n\nDe inspecties vinden" in doc.text


# --- nothing lost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("gold_name", sorted(letters()))
def test_cleaning_keeps_every_body_word_of_a_letter(gold_name):
    """Only footnote markers may go (``jeugd1`` -> ``jeugd``, ``(bijlage)1`` -> ``(bijlage)``)."""
    path = letters()[gold_name]
    before, after = Counter(tokens(raw(path).text)), Counter(tokens(cleaned(path).text))
    missing, extra = before - after, after - before
    for token, n in missing.items():
        if m := re.fullmatch(r"(\w*?)(\d{1,3})", token):
            if m[1]:
                extra[m[1]] -= n  # the word survives without its marker
            continue
        # a hyphen kept where the gold rule joins (welzijns- en, a URL): both halves are there
        halves = [(token[:i], token[i:]) for i in range(1, len(token))]
        split = next(((a, b) for a, b in halves if extra[a] >= n and extra[b] >= n), None)
        assert split is not None, f"{token!r} lost"
        extra[split[0]] -= n
        extra[split[1]] -= n
    assert not +extra, f"words appeared that were not there: {+extra}"


def gold_quotes() -> list[tuple[str, str]]:
    out = []
    for line in (GOLD_DEV / "qa.jsonl").read_text("utf-8").splitlines():
        out += [(e["doc"], e["quote"]) for e in json.loads(line).get("evidence", [])]
    for line in (GOLD_DEV / "extractions.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        out.append((item["doc"], item["quote"]))
    return out


@pytest.mark.parametrize("gold_name", sorted({doc for doc, _ in gold_quotes()}))
def test_every_gold_quote_is_still_found_whole_in_the_cleaned_text(gold_name):
    path = letters().get(gold_name) or real_file(gold_name)
    text = cleaned(path).text
    quotes = [q for doc, q in gold_quotes() if doc == gold_name]
    damaged = [(round(coverage(q, text), 3), q) for q in quotes if coverage(q, text) < 1.0]
    assert not damaged


# --- PDFs: pages, furniture ------------------------------------------------------------------------


def test_each_page_of_a_cleaned_pdf_still_starts_at_its_first_words():
    doc = cleaned(LETTER_1949)
    assert_well_formed(doc)
    assert doc.pages == 2 and doc.text[doc.page_starts[1] :].startswith("Antwoord 4\n\n")
    assert doc.page_of(doc.text.index("Daar ben ik mee bekend")) == 1


def test_the_footnote_and_the_page_footer_of_a_pdf_are_asides():
    doc = cleaned(LETTER_1949)
    assert in_aside(doc, "1 Regio Purmerend, 3 mei 2024")
    assert in_aside(doc, "Tweede Kamer, vergaderjaar 2023–2024, Aanhangsel 2")
    assert "na hun aanhouding weer op vrije voeten zijn gesteld?\n\nAntwoord 1" in doc.text


def test_a_question_heading_after_a_full_line_starts_its_own_paragraph():
    doc = cleaned(LETTER_1949)
    assert "nr. 1843.\n\nVraag 1\n\nBent u bekend" in doc.text
    assert "Vraag 1" in dict(doc.headings).values()


def test_a_running_header_on_every_page_is_set_apart_from_the_body():
    doc = cleaned(real_file("20200928 Duidingsrapportage Coronamelder.pdf"))
    assert_well_formed(doc)
    header = "De Winter Information Solutions – Duidingsrapportage CoronaMelder"
    hits = [m.start() for m in re.finditer(re.escape(header), doc.text)]
    assert len(hits) > 100
    assert header not in body(doc)


def test_bare_page_numbers_are_dropped_but_the_pages_remain():
    path = real_file("besluitenlijst_bw_vergadering_27_juni_2023.pdf")
    before, doc = raw(path), cleaned(path)
    assert re.search(r"^Pagina \d+", before.text, re.MULTILINE)
    assert not re.search(r"^Pagina \d+( van \d+)?$", doc.text, re.MULTILINE)
    assert doc.pages == before.pages == 5
    assert_well_formed(doc)


def test_pdfium_hyphen_marks_become_words_or_kept_hyphens():
    doc = cleaned(real_file("begroting_2024.pdf"))
    assert "welzijns- en zorgvoorzieningen" in doc.text
    assert "\ufffe" not in doc.text
    assert not re.search(r"[a-z]-\n+[a-z]", doc.text)


def test_unicode_is_nfc_and_outer_whitespace_goes():
    doc = Document("x.txt", "0" * 64, "  onder coo\u0308rdinatie van de VNG  \n\n")
    assert clean(doc).text == "onder coördinatie van de VNG"


def test_every_real_document_cleans_into_a_well_formed_document():
    if not REAL.exists():
        pytest.skip("shared corpus not available")
    for path in sorted(REAL.iterdir()):
        if path.suffix == ".tsv":
            continue
        for doc in load_path(path, max_bytes=200 * MB):
            assert_well_formed(clean(doc))

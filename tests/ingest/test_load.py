"""ingest/load.py on real files: each format, page offsets, metadata, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pypdf
import pytest
from testpaths import CORPUS, DATA, GOLD_DEV, real_file

from assistant.errors import UnreadableDocument
from ingest.load import SUPPORTED_SUFFIXES, file_sha256, load_path

MB = 1_000_000
LETTER_1949 = DATA / "1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"
SEED = CORPUS / "2020-10-15-kamerbrief-doorbraakaanpak-jeugdbescherming.txt"
# The opening of the seed letter: real text for the formats we build inside the tests.
SEED_PARAGRAPHS = [
    "Afspraken over doorbraakaanpak",
    "De inspecties hebben een termijn van vier maanden genoemd.",
    "Voor 90% is binnen zes weken een veiligheidsplan opgesteld;",
]


def gold_sha256() -> dict[str, str]:
    rows = (GOLD_DEV / "documents.tsv").read_text("utf-8").splitlines()[1:]
    return dict(row.split("\t") for row in rows)


def load_one(path: Path) -> object:
    (doc,) = load_path(path, max_bytes=200 * MB)
    return doc


def refusal(path: Path, max_bytes: int = 200 * MB) -> str:
    with pytest.raises(UnreadableDocument) as info:
        load_path(path, max_bytes=max_bytes)
    reason = info.value.reason
    assert "\n" not in reason and " / " in reason, "one line, Dutch / English"
    assert info.value.path == str(path)
    return reason


def test_supported_suffixes_are_the_contracted_ones():
    assert SUPPORTED_SUFFIXES == {
        ".pdf",
        ".txt",
        ".xml",
        ".md",
        ".markdown",
        ".html",
        ".htm",
        ".docx",
        ".json",
    }


# --- PDF -------------------------------------------------------------------------------------------


def test_a_two_page_pdf_has_both_pages_at_the_right_offsets():
    doc = load_one(LETTER_1949)
    assert doc.fmt == "pdf" and doc.pages == 2
    assert doc.text[doc.page_starts[0] :].startswith("Tweede Kamer der Staten-Generaal")
    assert doc.text[doc.page_starts[1] :].startswith("Antwoord 4")
    assert doc.page_of(doc.text.index("Daar ben ik mee bekend")) == 1
    assert doc.page_of(doc.text.index("verschijningsplicht voor ouders")) == 2


def test_a_pdf_is_identified_by_the_sha256_of_its_bytes_as_in_the_gold_set():
    doc = load_one(LETTER_1949)
    assert doc.sha256 == file_sha256(LETTER_1949) == gold_sha256()[LETTER_1949.name]
    assert doc.doc == LETTER_1949.name and doc.source == str(LETTER_1949)


def test_a_pdf_gets_its_title_from_metadata_and_its_date_from_the_first_page():
    doc = load_one(LETTER_1949)
    # /Title is the string "None"; /Subject says what the letter is
    assert doc.title.startswith("Antwoord op vragen van het lid Faber-van de Klashorst")
    assert doc.date == "2024-06-11"  # "(ontvangen 11 juni 2024)"


def test_a_pdf_without_page_labels_has_none_and_one_with_labels_has_one_per_page():
    assert load_one(LETTER_1949).page_labels == ()
    dpia = load_one(real_file("Gegevensbeschermingseffectbeoordeling_(DPIA).pdf"))
    assert len(dpia.page_labels) == dpia.pages == 65


def test_a_hyphen_that_pdfium_removed_at_a_line_end_is_put_back_for_the_cleaner():
    doc = load_one(LETTER_1949)
    assert "\ufffe" not in doc.text
    assert "Kinderbescher-\nming" in doc.text


def test_every_pdf_of_the_real_corpus_loads_with_text_on_its_pages():
    for name in ["begroting_2024.pdf", "kst-32545-143.pdf", "20200519+Programma+van+Eisen+def.pdf"]:
        doc = load_one(real_file(name))
        assert doc.pages == len(doc.page_starts) and doc.text.strip()
        assert list(doc.page_starts) == sorted(doc.page_starts)


# --- text, Markdown, HTML, DOCX ------------------------------------------------------------------


def test_a_bundled_letter_takes_title_and_date_from_the_manifest_beside_it():
    doc = load_one(SEED)
    assert doc.date == "2020-10-15"
    assert doc.title.startswith("Kamerbrief nr. 749")
    assert doc.sha256 == gold_sha256()["000_2b64ece39e4393a8.txt"]
    assert doc.text == SEED.read_text("utf-8") and doc.page_starts == (0,)


def test_every_bundled_letter_matches_the_gold_documents_by_content():
    gold = set(gold_sha256().values())
    manifest = (CORPUS / "MANIFEST.tsv").read_text("utf-8").splitlines()
    header = manifest[0].split("\t")
    assert header[:6] == ["file", "title", "date", "kind", "original_name", "sha256"]
    for row in manifest[1:]:
        cells = dict(zip(header, row.split("\t"), strict=False))
        path = CORPUS / cells["file"]
        assert file_sha256(path) == cells["sha256"] and cells["sha256"] in gold
        assert path.name.startswith(cells["date"]) and dt.date.fromisoformat(cells["date"])
        assert load_one(path).date == cells["date"]


def test_a_text_file_without_manifest_finds_a_den_haag_date_and_splits_pages_on_form_feeds(tmp_path):
    text = SEED.read_text("utf-8")
    page_two = text.index(" meervoudige en complexe")
    path = tmp_path / "brief.txt"
    path.write_bytes(b"\xef\xbb\xbf" + (text[:page_two] + "\f" + text[page_two:]).encode("utf-8"))
    doc = load_one(path)
    assert not doc.text.startswith("\ufeff")
    assert doc.date == "2020-10-15"
    assert doc.pages == 2 and doc.text[doc.page_starts[1] :].startswith(" meervoudige en complexe")


def test_markdown_keeps_its_headings_and_takes_the_first_as_title(tmp_path):
    path = tmp_path / "brief.md"
    path.write_text("# " + SEED_PARAGRAPHS[0] + "\n\n" + "\n\n".join(SEED_PARAGRAPHS[1:]), "utf-8")
    doc = load_one(path)
    assert doc.fmt == "md" and doc.title == SEED_PARAGRAPHS[0]
    assert doc.text.startswith("# Afspraken over doorbraakaanpak\n\n")


def test_html_block_elements_become_paragraphs_and_list_items_lines(tmp_path):
    path = tmp_path / "brief.html"
    path.write_text(
        "<html><head><title>Doorbraakaanpak</title><meta name='date' content='2020-10-15'>"
        "<script>var x = 1;</script></head><body>"
        f"<h2>{SEED_PARAGRAPHS[0]}</h2><p>De inspecties hebben een <b>termijn</b> van vier "
        "maanden genoemd.</p><ul><li>Voor 90% is binnen zes weken een veiligheidsplan opgesteld;</li>"
        "<li>Voor 75% van de kinderen is binnen 3 maanden een hulpaanbod opgestart</li></ul></body></html>",
        "utf-8",
    )
    doc = load_one(path)
    assert doc.title == "Doorbraakaanpak" and doc.date == "2020-10-15"
    assert "var x" not in doc.text
    assert doc.text.startswith("Afspraken over doorbraakaanpak\n\nDe inspecties hebben een termijn van vier")
    assert "\n\n– Voor 90% is binnen zes weken" in doc.text
    assert "\n\n– Voor 75% van de kinderen" in doc.text


def test_docx_paragraphs_keep_headings_apart_and_core_properties_give_title_and_date(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading(SEED_PARAGRAPHS[0], level=1)
    document.add_paragraph(SEED_PARAGRAPHS[1])
    document.add_paragraph(SEED_PARAGRAPHS[2], style="List Bullet")
    document.core_properties.title = "Beleidsreactie voortgangsrapportage"
    document.core_properties.created = dt.datetime(2020, 10, 15, 9, 0)
    path = tmp_path / "brief.docx"
    document.save(str(path))
    doc = load_one(path)
    assert doc.fmt == "docx" and doc.title == "Beleidsreactie voortgangsrapportage"
    assert doc.date == "2020-10-15"
    assert doc.text.split("\n\n") == [SEED_PARAGRAPHS[0], SEED_PARAGRAPHS[1], "– " + SEED_PARAGRAPHS[2]]


# --- XML and JSON ----------------------------------------------------------------------------------


def test_an_officielebekendmakingen_xml_gives_title_date_and_one_paragraph_per_al():
    doc = load_one(real_file("kst-32545-143.xml"))
    assert doc.fmt == "xml"
    assert doc.title == "MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS"
    assert doc.date == "2021-07-06"
    paragraphs = doc.text.split("\n\n")
    assert "MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS" in paragraphs
    assert "Nr. 143" in paragraphs and "gehoord de beraadslaging," in paragraphs
    assert "OVERHEIDop" not in doc.text and "zoek.officielebekendmakingen" not in doc.text


def test_an_xml_with_a_mis_encoded_byte_order_mark_loads_with_its_letters_repaired():
    path = real_file("h-tk-20172018-70-3.xml")
    assert path.read_bytes()[:6] == b"\xc3\xaf\xc2\xbb\xc2\xbf"
    doc = load_one(path)
    assert doc.title == "Wlz / Pgb / Toegang tot de Wlz voor ggz-cliënten"
    assert "Ã" not in doc.text
    assert "De voorzitter:" in doc.text.split("\n\n")  # no space before the colon of pretty-printing


def test_an_xml_with_an_external_entity_does_not_read_it(tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM", "utf-8")
    path = tmp_path / "x.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file://{secret}">]>'
        "<stuk><titel>Motie</titel><al>De Kamer, &e; gehoord de beraadslaging,</al></stuk>",
        "utf-8",
    )
    doc = load_one(path)
    assert "GEHEIM" not in doc.text and "gehoord de beraadslaging" in doc.text


def test_a_json_list_gives_one_document_per_record_named_and_hashed_by_record():
    path = real_file("raadsbesluiten_2023.json")
    records = json.loads(path.read_text("utf-8"))
    docs = load_path(path, max_bytes=200 * MB)
    assert len(docs) == len(records) == 57
    first = docs[0]
    assert first.doc == "raadsbesluiten_2023.json#1" and docs[-1].doc == "raadsbesluiten_2023.json#57"
    canonical = json.dumps(records[0], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert first.sha256 == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert first.fmt == "json-record" and first.date == records[0]["datum"]
    assert first.title == records[0]["naam"] and first.text.startswith(records[0]["naam"] + "\n\n")
    assert records[0]["besluit"].strip() in first.text
    assert "iBabs" not in first.text  # the link field is not text


def test_json_records_skip_links_ids_and_serialised_data():
    path = real_file("collegeberichten.json")
    docs = load_path(path, max_bytes=200 * MB)
    assert docs and all("bestuurlijkeinformatie.nl" not in d.text for d in docs)
    assert all("[{'claim'" not in d.text for d in docs)  # AI-made claims stored as a repr string


def test_a_single_json_object_is_one_record(tmp_path):
    path = tmp_path / "besluit.json"
    record = {
        "datum": "2023-01-31",
        "naam": "Voorbereidingskrediet skatebaan",
        "besluit": "Een bedrag van € 24.500 als voorbereidingskrediet beschikbaar te stellen.",
    }
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (doc,) = load_path(path, max_bytes=MB)
    assert doc.doc == "besluit.json#1" and doc.date == "2023-01-31"


# --- bad input -------------------------------------------------------------------------------------


def test_an_empty_file_is_refused(tmp_path):
    for name, content in [("leeg.pdf", b""), ("leeg.txt", b"  \n\t\n")]:
        path = tmp_path / name
        path.write_bytes(content)
        assert "empty file" in refusal(path)


def test_a_truncated_pdf_is_refused_as_corrupt(tmp_path):
    path = tmp_path / "afgebroken.pdf"
    path.write_bytes(LETTER_1949.read_bytes()[:4000])
    assert "corrupt" in refusal(path)


def test_a_file_that_only_claims_to_be_a_pdf_is_refused(tmp_path):
    path = tmp_path / "brief.pdf"
    path.write_bytes(SEED.read_bytes())
    reason = refusal(path)
    assert "not a PDF" in reason or "corrupt" in reason


def test_a_password_protected_pdf_is_refused_as_encrypted(tmp_path):
    writer = pypdf.PdfWriter(clone_from=str(LETTER_1949))
    writer.encrypt(user_password="geheim", owner_password="eigenaar")
    path = tmp_path / "versleuteld.pdf"
    with path.open("wb") as f:
        writer.write(f)
    assert "encrypted" in refusal(path)


def test_a_pdf_encrypted_with_an_empty_user_password_still_loads(tmp_path):
    writer = pypdf.PdfWriter(clone_from=str(LETTER_1949))
    writer.encrypt(user_password="", owner_password="eigenaar")
    path = tmp_path / "alleen-eigenaar.pdf"
    with path.open("wb") as f:
        writer.write(f)
    assert "Antwoord 4" in load_one(path).text


def test_a_pdf_without_a_text_layer_is_refused_with_an_ocr_hint(tmp_path):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    path = tmp_path / "scan.pdf"
    path.write_bytes(buf.getvalue())
    reason = refusal(path)
    assert "no text layer" in reason and "ocr" in reason.lower()


def test_a_text_file_that_is_not_utf8_is_refused_with_how_to_convert_it(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("onder coördinatie van de VNG zijn startfoto’s opgesteld".encode("cp1252"))
    reason = refusal(path)
    assert "not UTF-8" in reason and "iconv" in reason


def test_an_unsupported_extension_is_refused_with_the_supported_ones(tmp_path):
    path = tmp_path / "MANIFEST.tsv"
    path.write_text("file\ttitle\n", "utf-8")
    reason = refusal(path)
    assert "unsupported" in reason and ".pdf" in reason and ".docx" in reason


def test_a_file_over_the_size_limit_is_refused_saying_which_setting_to_raise():
    reason = refusal(LETTER_1949, max_bytes=10_000)
    assert "too large" in reason and "max_file_mb" in reason


def test_json_that_is_not_a_list_of_objects_is_refused(tmp_path):
    for content in ['["een", "twee"]', "42", "[]", "{niet json"]:
        path = tmp_path / "x.json"
        path.write_text(content, "utf-8")
        reason = refusal(path)
        assert "JSON" in reason


def test_malformed_xml_is_refused(tmp_path):
    path = tmp_path / "kapot.xml"
    path.write_text("<stuk><al>De Kamer,</stuk>", "utf-8")
    assert "malformed XML" in refusal(path)


def test_a_missing_file_is_refused():
    assert "not found" in refusal(DATA / "bestaat-niet.pdf")


def test_records_of_a_json_list_keep_their_own_titles_and_dates_beside_a_manifest(tmp_path):
    src = DATA / "jsonlist" / "raadsbesluiten_mini.json"
    (tmp_path / src.name).write_bytes(src.read_bytes())
    (tmp_path / "MANIFEST.tsv").write_text(
        f"file\ttitle\tdate\n{src.name}\tGemeente Wassenaar raadsbesluiten (lijst)\t2021-12-31\n", "utf-8"
    )
    records = json.loads(src.read_text("utf-8"))
    docs = load_path(tmp_path / src.name, max_bytes=MB)
    assert [d.title for d in docs] == [r["naam"] for r in records]
    assert [d.date for d in docs] == [r["datum"] for r in records]


def test_a_single_document_takes_its_title_and_date_from_the_manifest(tmp_path):
    (tmp_path / "brief.txt").write_text("Geachte voorzitter,\n\nDit is een korte brief over de jeugdzorg.\n", "utf-8")
    (tmp_path / "MANIFEST.tsv").write_text("file\ttitle\tdate\nbrief.txt\tBrief over jeugdzorg\t2022-05-01\n", "utf-8")
    (doc,) = load_path(tmp_path / "brief.txt", max_bytes=MB)
    assert (doc.title, doc.date) == ("Brief over jeugdzorg", "2022-05-01")

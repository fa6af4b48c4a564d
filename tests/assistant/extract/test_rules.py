"""The rule extractor on real letters and on short Dutch sentences written for these tests."""

from __future__ import annotations

import json

import jsonschema
import pytest

from assistant.extract import extract_document
from assistant.extract.models import SCHEMA_PATH, schema, schema_text
from assistant.types import Document


def doc_of(text: str, name: str = "test.txt", date: str | None = "2020-10-15") -> Document:
    return Document(doc=name, sha256="0" * 64, text=text, date=date)


def test_every_item_quote_is_the_document_text_at_its_offsets(any_letter):
    items = extract_document(any_letter)
    for it in items:
        assert any_letter.text[it.char_start : it.char_end] == it.quote
        assert it.page == any_letter.page_of(it.char_start)
        assert it.grounding == "exact"
    assert [i.char_start for i in items] == sorted(i.char_start for i in items)


def test_every_item_validates_against_the_committed_schema(any_letter):
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text("utf-8")))
    for it in extract_document(any_letter):
        validator.validate(it.to_dict())


def test_the_committed_schema_is_the_one_generated_from_the_models():
    assert SCHEMA_PATH.read_text("utf-8") == schema_text(), "run: python -m assistant.extract.models"


def test_the_schema_ties_each_kind_to_its_fields():
    bad = {
        "doc": "a.txt",
        "doc_sha256": "0" * 64,
        "kind": "funding",
        "quote": "x",
        "page": 1,
        "char_start": 0,
        "char_end": 1,
        "fields": {"subject": "s", "share": 0.5, "within": None, "population": None},
        "actor": None,
        "grounding": "exact",
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema())


def test_a_document_without_commitments_gives_an_empty_list():
    doc = doc_of("Geachte voorzitter,\n\nHierbij stuur ik u de stukken. Ik dank u voor uw aandacht.\n")
    assert extract_document(doc) == []


def test_kinds_filter_and_unknown_kind():
    doc = doc_of("Het kabinet stelt € 5 miljoen beschikbaar. Wij informeren uw Kamer voor de zomer van 2021.")
    assert {i.kind for i in extract_document(doc, kinds=["funding"])} == {"funding"}
    with pytest.raises(ValueError, match="unknown kind"):
        extract_document(doc, kinds=["promise"])


def _one(text: str, kind: str, **kw):
    items = [i for i in extract_document(doc_of(text, **kw)) if i.kind == kind]
    assert len(items) == 1, [i.quote for i in items]
    return items[0]


def test_a_planned_step_with_a_vague_date_is_a_deadline():
    it = _one("Voor de zomer van 2021 informeren wij uw Kamer over de uitkomsten.", "deadline")
    assert it.fields.due == "2021-06-30"


def test_an_effective_date_is_a_deadline_even_without_a_verb():
    it = _one("- De nieuwe regeling per 1 januari 2021;", "deadline")
    assert it.fields.due == "2021-01-01" and it.quote.startswith("De nieuwe regeling")


def test_past_events_and_references_are_not_deadlines():
    text = (
        "In maart 2020 hebben wij de Kamer geïnformeerd. Op 4 juni jl. is het rapport verschenen. "
        "Het voorschot, dat in het voorjaar is verstrekt, werd toen betaald."
    )
    assert [i for i in extract_document(doc_of(text)) if i.kind == "deadline"] == []


def test_a_plan_the_text_calls_off_is_not_a_deadline():
    text = "De evaluatie zou in het vierde kwartaal van 2020 worden aangeboden, maar loopt vertraging op."
    assert [i for i in extract_document(doc_of(text)) if i.kind == "deadline"] == []


def test_two_dates_in_one_sentence_give_two_deadlines_with_their_own_clause():
    text = (
        "De Kamer zal begin 2021 het advies ontvangen en via de voortgangsrapportage "
        "(de volgende ontvangt u in juni 2021) worden geïnformeerd."
    )
    items = [i for i in extract_document(doc_of(text)) if i.kind == "deadline"]
    assert [i.fields.due for i in items] == ["2021-03-31", "2021-06-30"]
    assert "begin 2021" in items[0].quote and "juni 2021" not in items[0].quote


def test_norm_with_share_and_time_limit():
    it = _one("– Voor 80% van de aanvragen is binnen acht weken een besluit genomen;", "norm")
    assert it.fields.share == 0.8 and it.fields.within.value == 8 and it.fields.within.unit == "week"


def test_a_bounded_share_in_a_condition_is_a_norm_but_a_statistic_is_not():
    it = _one("Voorwaarde is dat ten minste 60% van de middelen aan zorg wordt besteed.", "norm")
    assert it.fields.share == 0.6 and it.fields.within is None
    stat = "Het aantal meldingen is met meer dan 12% gestegen ten opzichte van 2019."
    assert [i for i in extract_document(doc_of(stat)) if i.kind == "norm"] == []


def test_funding_with_period_and_recurrence():
    it = _one("Het kabinet stelt voor de jaren 2022 – 2025 € 10 mln per jaar beschikbaar.", "funding")
    assert (it.fields.amount_eur, it.fields.period, it.fields.recurrence) == (
        10_000_000,
        "2022-2025",
        "per year",
    )


def test_a_list_of_yearly_amounts_gives_one_item_per_amount():
    text = "Er is extra geld: € 420 miljoen in 2019, € 300 miljoen in 2020 en € 300 miljoen in 2021."
    items = [i for i in extract_document(doc_of(text)) if i.kind == "funding"]
    assert [(i.fields.amount_eur, i.fields.period) for i in items] == [
        (420e6, "2019"),
        (300e6, "2020"),
        (300e6, "2021"),
    ]
    assert items[2].quote == "en € 300 miljoen in 2021"


def test_table_rows_inherit_the_period_of_the_sentence_above():
    text = (
        "Het subsidieplafond 2024 vast te stellen op € 100.000, als volgt verdeeld:\n"
        "Taakveld 1 Sport € 60.000\nTaakveld 2 Cultuur € 40.000\nTaakveld 3 Milieu € 0\n"
    )
    items = [i for i in extract_document(doc_of(text, date="2023-06-27")) if i.kind == "funding"]
    assert [(i.quote, i.fields.period) for i in items][1:] == [
        ("Taakveld 1 Sport € 60.000", "2024"),
        ("Taakveld 2 Cultuur € 40.000", "2024"),
        ("Taakveld 3 Milieu € 0", "2024"),
    ]

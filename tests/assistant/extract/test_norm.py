"""Norms (``assistant.extract.norm``): limits on a quantity, periods to respond in, money thresholds
with a duty, and what is no norm. Sentences are written for these tests; the real documents are
written questions with answers (Kamervragen) and decision lists."""

from __future__ import annotations

import pytest
from shared_docs import shared_docs

from assistant.extract import extract_document
from assistant.extract.context import DocContext
from assistant.types import Document


def _norms(text: str, date: str = "2025-03-04") -> list:
    doc = Document(doc="t.txt", sha256="0" * 64, text=text, date=date)
    return [i for i in extract_document(doc) if i.kind == "norm"]


@pytest.mark.parametrize(
    "text",
    [
        "Op grond van de verordening geldt een maximale hoogte van 2,5 meter voor erfafscheidingen.",
        "Een terras mag niet groter zijn dan 40 m2 en moet ten minste 1,5 meter vrije doorgang laten.",
        "Voertuigen zwaarder dan 7,5 ton mogen de brug niet passeren; het gewicht is beperkt tot maximaal 7,5 ton.",
        "De opslag moet een brandwerendheid hebben van ten minste 30 minuten.",
        "Een geslotenverklaring in te stellen voor vrachtauto's zwaarder dan 3,5 ton op de Dorpsstraat.",
        "Op de Dorpsstraat geldt een maximumsnelheid van 30 km/u.",
        "Voor de opslag van meer dan 100 kg geldt een meldplicht.",
    ],
)
def test_a_maximum_or_minimum_someone_must_keep_to_is_a_norm(text):
    items = _norms(text)
    assert items, text
    assert all(i.fields.share is None and i.fields.within is None for i in items)


def test_a_period_to_respond_in_is_a_norm_with_its_length():
    (it,) = _norms("Het ontwerpbestemmingsplan voor een periode van zes weken ter inzage te leggen.")
    assert it.fields.within.value == 6 and it.fields.within.unit == "week"
    # a period that is not one to respond in is a duration, not a norm
    assert _norms("Het project loopt gedurende zes weken in de zomer.") == []


@pytest.mark.parametrize(
    "text, within",
    [
        ("Het ontwerp ligt zes weken ter inzage.", (6, "week")),
        ("De aanvraag dient ten minste acht weken voor het evenement te worden ingediend.", (8, "week")),
    ],
)
def test_a_time_limit_without_binnen_is_a_norm_with_its_length(text, within):
    (it,) = _norms(text)
    assert (it.fields.within.value, it.fields.within.unit) == within
    assert _norms("Hij woont al meer dan 10 jaar in de gemeente.") == []  # no rule, a description


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("De beslistermijn bedraagt acht weken.", 8),
        ("De termijn voor het indienen van een bezwaarschrift is zes weken.", 6),
        ("Een reactietermijn blijft vier weken, ook na de wijziging.", 4),
    ],
)
def test_a_named_term_stated_with_a_copula_is_a_norm(text, value):
    (it,) = _norms(text)
    assert it.fields.within.value == value and it.fields.within.unit == "week"


@pytest.mark.parametrize(
    "text",
    [
        "De maximumsnelheid op de dijk bedraagt 60 km/u.",
        "Het maximale gewicht van voertuigen op de brug is 12 ton.",
        "Het geluidsniveau op de gevel mag niet hoger zijn dan 50 dB(A).",
        "De grenswaarde voor de gevelbelasting ligt op 48 dB.",
    ],
)
def test_a_limit_named_as_the_subject_needs_no_other_cue(text):
    assert _norms(text), text


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Het college heeft op grond van de Jeugdwet acht weken de tijd om te beslissen.", 8, "week"),
        ("De Treeknorm voor de wachttijd bedraagt vier weken.", 4, "week"),
        ("De wachttijd voor een eerste gesprek mag niet langer zijn dan tien dagen.", 10, "day"),
    ],
)
def test_time_given_or_capped_is_a_norm_with_its_length(text, value, unit):
    (it,) = _norms(text)
    assert it.fields.within.value == value and it.fields.within.unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "Boven 1.000 kg opslag is een vergunning vereist.",
        "Voor evenementen met meer dan 500 bezoekers is een vergunning nodig.",
    ],
)
def test_a_threshold_above_which_a_permit_is_needed_is_a_norm(text):
    assert _norms(text), text


def test_a_limit_in_a_hypothetical_is_no_norm():
    assert _norms("Wanneer bijvoorbeeld een grens van 3 meter zou worden gehanteerd, stijgt de score.") == []


def test_a_reporting_threshold_is_no_funding():
    doc = Document(doc="t.txt", sha256="0" * 64, text="De meldingsdrempel ligt op € 25.000.", date=None)
    assert [i.kind for i in extract_document(doc) if i.kind == "funding"] == []


def test_a_money_threshold_with_a_duty_is_a_norm_and_not_funding():
    doc = Document(
        doc="t.txt", sha256="0" * 64, text="Transacties boven € 15.000 moeten worden gemeld.", date=None
    )
    kinds = [i.kind for i in extract_document(doc)]
    assert kinds == ["norm"]


def test_list_items_under_an_introduction_of_measures_are_norms():
    text = (
        "De branche heeft de volgende maatregelen afgesproken:\n"
        "1. Pakketten met meer dan 20% zware artikelen niet meer in karton vervoeren.\n"
        "2. Partijen van minder dan 500 kg apart opslaan.\n"
    )
    items = _norms(text)
    assert [i.fields.share for i in items] == [0.2, None]


@pytest.mark.parametrize(
    "text",
    [
        "De eigen bijdrage bedraagt 35% van het inkomen boven de bijstandsnorm.",  # a means test's parameter
        "Het aantal meldingen is met meer dan 12% gestegen ten opzichte van vorig jaar.",  # a statistic
        "In de wijk wonen meer dan 2.000 mensen binnen 400 meter van het station.",  # a description
        "Bent u bereid de veiligheidsafstand van 400 meter te verdubbelen?",  # a question
        "De regeling geldt voor jongeren vanaf 12 jaar.",  # an age, not a limit
        "Gegevens die langer dan 14 dagen oud zijn, moeten niet meer worden gebruikt.",  # a comparison
    ],
)
def test_no_norm(text):
    assert _norms(text) == []


def test_on_written_questions_no_item_comes_from_a_members_question():
    docs = shared_docs("train", "*-*-*-*-*.pdf") + shared_docs("real", "1*-*-*-*-*.pdf")
    assert len(docs) >= 5
    for d in docs:
        ctx = DocContext.of(d)
        for it in extract_document(d):
            title = ctx.section(it.char_start)[2]
            assert not title.startswith("Vraag"), (d.doc, title, it.quote)


def test_on_written_questions_norms_have_a_bound_and_a_rule():
    docs = shared_docs("train", "*-*-*-*-*.pdf")
    norms = [i for d in docs for i in extract_document(d, kinds=["norm"])]
    assert len(norms) >= 5  # safety distances, weight thresholds, days of sale in these answers
    for n in norms:
        assert n.fields.subject and n.doc_sha256

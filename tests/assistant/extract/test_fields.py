"""Descriptive fields (actor, action, norm subject, funding purpose) on Dutch sentences written for
these tests from the rules in ``assistant.extract.phrases``, plus the table-unit scope of amounts."""

from __future__ import annotations

import pytest

from assistant.extract import extract_document
from assistant.extract.phrases import find_actor, infinitive
from assistant.types import Document


def _items(text: str, kind: str, date: str = "2020-10-15"):
    doc = Document(doc="t.txt", sha256="0" * 64, text=text, date=date)
    return [i for i in extract_document(doc) if i.kind == kind]


def _one(text: str, kind: str):
    items = _items(text, kind)
    assert len(items) == 1, [i.quote for i in items]
    return items[0]


@pytest.mark.parametrize(
    ("finite", "inf"),
    [
        ("organiseert", "organiseren"),
        ("stopt", "stoppen"),
        ("heeft", "hebben"),
        ("toetsen", "toetsen"),
        ("maakt", "maken"),
        ("geeft", "geven"),
        ("start", "starten"),
        ("ontwikkelt", "ontwikkelen"),
        ("verschijnt", "verschijnen"),
    ],
)
def test_the_infinitive_of_a_finite_verb(finite, inf):
    assert infinitive(finite) == inf


@pytest.mark.parametrize(
    ("clause", "actor", "how"),
    [
        ("Gemeenten hebben zicht op de wachtlijsten", "gemeenten", "subject"),
        ("In 2024 onderzoekt de gemeente de mogelijkheid", "gemeente", "inverted"),
        ("Daarnaast heeft het kabinet besloten", "kabinet", "inverted"),
        ("Ieder half jaar verstrekken GGZ-aanbieders een analyse", "ggz-aanbieders", "inverted"),
        ("De Minister van VWS heeft toegezegd", "minister van vws", "subject"),
        ("Het plan wordt door het college vastgesteld", "college", "agent"),
        ("Wij zullen de Kamer informeren", "wij (de schrijvers)", "subject"),
    ],
)
def test_the_actor_is_the_subject_or_the_agent_normalised(clause, actor, how):
    found = find_actor(clause, 0, len(clause))
    assert found is not None and (found[0], found[3]) == (actor, how)


@pytest.mark.parametrize(
    "clause",
    [
        "met het Rijk en betrokken ketenpartners",  # inside a prepositional phrase
        "de tarieven van de vier betrokken jeugdhulpregio’s",  # "regio’s" inside a longer word
        "de door de vorige gemeente toegekende jeugdhulp is nog niet afgerond",  # attributive "door"
    ],
)
def test_no_actor_outside_the_subject_position(clause):
    assert find_actor(clause, 0, len(clause)) is None


def test_deadline_actor_is_dropped_from_the_action_and_the_verb_moves_to_the_end():
    it = _one("Gemeenten hebben uiterlijk 1 maart 2021 zicht op de wachtlijsten.", "deadline")
    assert it.fields.actor == "gemeenten" and it.actor == "gemeenten"
    assert it.fields.action == "zicht op de wachtlijsten hebben"  # Dutch: the infinitive last


def test_inverted_subject_and_separable_verb():
    it = _one("In 2021 stelt de gemeenteraad het nieuwe beleid vast.", "deadline")
    assert it.fields.actor == "gemeenteraad"
    assert it.fields.action == "nieuwe beleid vaststellen"


def test_a_future_auxiliary_is_dropped_and_the_date_leaves_no_dangling_preposition():
    it = _one("Wij zullen u bij het overleg van 23 november 2020 informeren over de voortgang.", "deadline")
    assert it.fields.actor == "wij (de schrijvers)"
    assert it.fields.action == "bij het overleg informeren over de voortgang"


def test_passive_agent_is_the_actor():
    it = _one("Het plan wordt uiterlijk 1 juni 2021 door het college vastgesteld.", "deadline")
    assert it.fields.actor == "college"


def test_a_thing_as_subject_keeps_the_clause_and_has_no_actor():
    it = _one("Dit gebouw zal met ingang van 1 augustus 2021 gesloopt worden.", "deadline")
    assert it.fields.actor is None and it.fields.action == "Dit gebouw zal gesloopt worden"


def test_action_is_short_and_cut_at_a_clause_boundary():
    text = (
        "In 2021 organiseert de VNG een reeks regionale bijeenkomsten over de toekomst van de jeugdhulp, "
        "waarbij gemeenten, aanbieders, cliëntenorganisaties, onderwijs en huisartsen samen de knelpunten "
        "in kaart brengen en oplossingen bespreken."
    )
    it = _one(text, "deadline")
    assert len(it.fields.action) <= 100 and not it.fields.action.endswith("…")
    assert it.fields.action.startswith("reeks regionale bijeenkomsten") and "organiseren" in it.fields.action


def test_norm_subject_leaves_out_share_population_and_time_limit():
    it = _one("Voor 80% van de aanvragen is binnen acht weken een besluit genomen.", "norm")
    assert it.fields.subject == "besluit genomen" and it.fields.population == "aanvragen"


def test_norm_subject_of_a_bare_term_keeps_the_term():
    it = _one("De inspecties hebben een termijn van vier maanden genoemd.", "norm")
    assert it.actor == "inspecties" and "termijn" in it.fields.subject and it.fields.subject != "genoemd"


def test_funding_purpose_is_the_voor_phrase_and_the_actor_the_subject():
    it = _one("Het kabinet stelt € 5 miljoen beschikbaar voor de aanpak van wachtlijsten.", "funding")
    assert it.fields.purpose == "aanpak van wachtlijsten" and it.actor == "kabinet"


def test_funding_purpose_from_a_bij_phrase_whose_waarbij_clause_holds_the_amount():
    text = (
        "Daarom heeft het kabinet besloten dit mee te nemen bij het steunpakket voor scholen, musea en "
        "bibliotheken waarbij € 50 mln. extra beschikbaar werd gesteld."
    )
    it = _one(text, "funding")
    assert it.fields.purpose == "steunpakket voor scholen, musea en bibliotheken"
    assert it.actor == "kabinet"


def test_funding_purpose_ten_behoeve_van_and_noun_before_van():
    it = _one("Er is € 20.000 gereserveerd ten behoeve van het jongerenwerk.", "funding")
    assert it.fields.purpose == "jongerenwerk"
    it = _one("Het voorschot van € 144 miljoen is in het voorjaar verstrekt.", "funding")
    assert it.fields.purpose == "voorschot"


def test_list_of_amounts_shares_one_purpose():
    text = "Er is extra geld: € 420 miljoen in 2019, € 300 miljoen in 2020 en € 300 miljoen in 2021."
    assert {i.fields.purpose for i in _items(text, "funding")} == {"extra geld"}


def test_a_table_unit_holds_for_its_table_not_for_the_prose_after_it():
    text = (
        "Tabel 3 Baten en lasten (bedragen x € 1.000)\n2022 2023 2024\nBaten 120 130 140 € 150\n\n"
        "Voor het nieuwe jongerenwerk is € 50.000 beschikbaar.\n"
    )
    items = _items(text, "funding")
    assert 1000 not in {i.fields.amount_eur for i in items}  # "x € 1.000" is not an amount
    assert [i.fields.amount_eur for i in items if "jongerenwerk" in i.quote] == [50_000]


def test_questions_and_reported_findings_are_not_commitments():
    q = "Bent u bereid binnen drie maanden een plan te sturen en dat voor 1 juli 2021 te publiceren?"
    assert _items(q, "norm") == [] and _items(q, "deadline") == []
    stat = "Bij 50 procent van de onderzochte patiënten was het herstel na zeven weken nog niet voltooid."
    assert _items(stat, "norm") == []
    dep = "Het krediet kent een afschrijvingstermijn van 15 jaar."
    assert _items(dep, "norm") == []

"""Precision rules of the rule extractor: what looks like a commitment but is not (past events,
forecasts, references, durations, definitions, balances, thresholds), each next to the nearest
wording that still is one. The sentences are written for these tests."""

from __future__ import annotations

from assistant.extract import extract_document
from assistant.types import Document


def _doc(text: str, date: str = "2026-03-10") -> Document:
    return Document(doc="t.txt", sha256="0" * 64, text=text, date=date)


def _kind(text: str, kind: str, date: str = "2026-03-10"):
    return [i for i in extract_document(_doc(text, date)) if i.kind == kind]


# --- deadlines --------------------------------------------------------------------------------


def test_a_past_event_in_the_simple_past_is_not_a_deadline():
    assert (
        _kind(
            "De provincie stuurde de gemeenten in november van dit jaar een nieuwe handreiking.", "deadline"
        )
        == []
    )
    assert _kind("De wethouder informeerde de raad in december 2026 over de voortgang.", "deadline") == []
    assert _kind("De wethouder informeert de raad in december 2026 over de voortgang.", "deadline")


def test_a_perfect_with_hebben_beats_a_te_infinitive():
    text = "In 2026 heeft de gemeente Noordwijk het convenant opgezegd en besloten de samenwerking te beëindigen."
    assert _kind(text, "deadline") == []
    planned = "Wij hebben afgesproken om in 2026 een onderzoek te doen naar de wachtlijsten."
    assert [i.fields.due for i in _kind(planned, "deadline")] == ["2026-12-31"]


def test_a_date_inside_a_noun_phrase_with_a_participle_adjective_is_not_a_deadline():
    text = "Wij wijzen op de per 1 juli ingevoerde werkwijze voor herbeoordelingen."
    assert _kind(text, "deadline", date="2026-09-01") == []


def test_a_te_infinitive_used_as_an_adjective_is_no_future_cue():
    text = "Eind 2026 is gesproken over de in te dienen voorstellen van de werkgroep."
    assert _kind(text, "deadline") == []
    assert _kind("Eind 2026 is de werkgroep gestart om de voorstellen in te dienen.", "deadline")


def test_an_economic_forecast_with_a_percentage_is_not_a_deadline():
    assert _kind("De lonen zullen in 2027 naar verwachting met 3,1 procent stijgen.", "deadline") == []
    assert _kind("Voor 2027 bedraagt de indexatie naar verwachting 2,4%.", "deadline") == []
    assert _kind("De gemeente zal in 2027 het tarief vaststellen.", "deadline")


def test_a_date_that_names_a_document_or_period_is_not_a_deadline():
    assert (
        _kind("Met deze derde raadsbrief van dit jaar informeren wij u over het armoedebeleid.", "deadline")
        == []
    )
    assert _kind("Met deze brief informeren wij u over de cijfers van het eerste halfjaar.", "deadline") == []
    assert [
        i.fields.due for i in _kind("Wij sturen u de raadsbrief voor het eind van dit jaar.", "deadline")
    ] == ["2026-12-31"]


def test_a_table_header_row_of_years_is_not_a_deadline():
    assert _kind("Stand per 31 december 2026 2027 2028 2029 2030\n", "deadline") == []


def test_a_consequence_from_a_year_on_is_not_an_effective_date():
    assert _kind("Vanaf 2028 leidt dit tot lagere uitgaven.", "deadline") == []
    assert [i.fields.due for i in _kind("Vanaf 2028 wordt de eigen bijdrage afgeschaft.", "deadline")] == [
        "2028-01-01"
    ]


# --- norms ------------------------------------------------------------------------------------


def test_the_duration_of_a_permit_or_contract_is_not_a_norm():
    assert _kind("De tijdelijke vergunning voor het paviljoen heeft een termijn van 10 jaar.", "norm") == []
    assert _kind("Het contract met de vervoerder heeft een termijn van vier jaar.", "norm") == []
    assert _kind("Bezwaar moet worden gemaakt binnen een termijn van zes weken.", "norm")


def test_a_condition_in_a_law_text_is_not_a_norm():
    text = (
        "Artikel 9 bepaalt dat wanneer binnen achttien maanden geen register is ingericht, "
        "de Commissie een voorstel kan doen."
    )
    assert _kind(text, "norm") == []
    assert _kind("De lidstaten dienen de regels binnen achttien maanden toe te passen.", "norm")


def test_a_bounded_share_in_a_definition_is_not_a_norm():
    assert _kind("Grote afnemers zijn bedrijven die goed zijn voor ten minste 5% van de omzet.", "norm") == []
    assert _kind("Grote afnemers moeten ten minste 5% van hun afval scheiden.", "norm")


def test_a_later_moment_in_a_description_is_not_a_norm():
    text = "Duidelijk is dat de crisis ook na drie jaar nog niet voorbij is."
    assert _kind(text, "norm") == []


def test_a_motion_asking_for_a_one_off_step_within_a_year_is_not_a_norm():
    text = "verzoekt de regering de nieuwe regeling binnen één jaar te evalueren en de Kamer te informeren"
    assert _kind(text, "norm") == []


# --- funding ----------------------------------------------------------------------------------


def test_balances_values_and_thresholds_are_not_funding():
    for text in (
        "Het fonds heeft op dit moment 320 miljoen euro aan eigen vermogen.",
        "De schuld van het bedrijf steeg tot € 12 miljoen.",
        "Hierbij gaan wij uit van een woning met een WOZ-waarde van € 400.000.",
        "Risicoklasse laag: ‹ € 1.000 per geval.",
        "De meldingsgrens vast te stellen op een bedrag van € 25.000.",
        "Eigen vermogen 01-01-2026: € 2.500.000 31-12-2026: € 2.700.000",
    ):
        assert _kind(text, "funding") == [], text


def test_money_put_to_use_or_made_available_stays_funding():
    assert _kind("Het saldo van € 120.000 in de reserve Sport in te zetten voor de sporthal.", "funding")
    assert _kind("Het college stelt € 80.000 beschikbaar voor schuldhulpverlening.", "funding")
    it = _kind("De kosten betreffen een structurele stijging per 1-1-2027 van € 15.000.", "funding")
    assert [i.fields.amount_eur for i in it] == [15_000]


def test_a_sentence_glued_after_a_closing_bracket_is_cut_off():
    text = "Bibliotheek (hogere lasten € 40.000 in 2027) Deze kosten zijn structureel van aard en dekken de huur."
    (it,) = _kind(text, "funding")
    assert it.quote == "Bibliotheek (hogere lasten € 40.000 in 2027)"
    assert (it.fields.period, it.fields.recurrence) == ("2027", "once")


def test_an_amount_for_several_named_years_covers_them_all():
    (it,) = _kind("Er is een bedrag van € 300.000 nodig voor 2027 en 2028 voor de ontvlechting.", "funding")
    assert it.fields.period == "2027-2028"
    (it,) = _kind("Voor de aanpak is € 90.000 nodig in 2027, 2028 en 2029.", "funding")
    assert it.fields.period == "2027-2029"


def test_a_table_header_glued_to_a_figure_and_prices_are_not_funding():
    header = "Overzicht Begroting Begroting Begroting 2027 2028 2029 Baten € 40.000 € 45.000 € 50.000"
    assert _kind(header, "funding") == []
    assert _kind("Gebruikers betalen een maandelijkse fee van 25 euro voor de toegang.", "funding") == []
    assert _kind("In de loop van 2027 zal het overschot afnemen tot € 9,5 miljoen.", "funding") == []
    assert _kind("Het subsidieplafond 2027 vast te stellen op € 400.000.", "funding")


def test_rows_of_a_table_of_charges_are_not_funding():
    assert _kind("Rioolheffing € 210,40 € 216,13 2,7%", "funding")[:1] == []
    assert _kind("Meerpersoonshuishouden € 1.105", "funding") == []
    assert _kind("In 2027 bedraagt de referentiewaarde voor de gemeente € 2,9 miljoen.", "funding") == []

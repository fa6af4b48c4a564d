"""assistant/ask/query.py and the pieces of composition that follow from a Query."""

from __future__ import annotations

from assistant.ask.compose import Piece, widened
from assistant.ask.features import _near
from assistant.ask.query import build_query, counted_noun, question_names, split_question
from assistant.lang.analyzer import stems
from assistant.lang.facts import counted as _counted
from assistant.lang.facts import mentions
from assistant.types import Document


def test_a_two_part_question_is_split_and_a_one_part_question_is_not():
    assert split_question("Hoeveel woningen komen er op de locatie, en tot wanneer blijft het gebouw open?") == (
        "Hoeveel woningen komen er op de locatie?",
        "tot wanneer blijft het gebouw open?",
    )
    assert split_question("When did the government reply? Which minister signed the answers?") == (
        "When did the government reply?",
        "Which minister signed the answers?",
    )
    assert split_question("Welke wethouders en welke ambtenaren waren aanwezig?") == ()
    assert split_question("Wat kost het? En waarom?") == ()  # parts of fewer than four words


def test_what_a_quantity_question_counts_is_looked_for_after_a_number():
    noun = counted_noun("Hoeveel leerlingen zitten er in de klas?")
    assert noun and counted_noun("How many homes are planned?")
    assert _counted(noun, "Er zitten nu 25 leerlingen in de klas.") == 1.0
    assert _counted(noun, "Er zitten vijf nieuwe leerlingen in de klas.") == 1.0
    assert _counted(noun, "De leerlingen krijgen € 5.000 subsidie.") == 0.0
    assert counted_noun("Wanneer begint de klas?") == ""


def test_names_are_capitalised_words_inside_the_question_acronyms_included():
    assert question_names("Wie is de burgemeester van Amsterdam?") == ("amsterdam",)
    assert question_names("Wie won het WK voetbal in 2014?") == ("wk",)
    assert question_names("Wie is de burgemeester?") == ()  # the first word is no name
    q = build_query("Welke wethouder van Rotterdam besloot op 9 juli 2024?")
    assert q.names == ("rotterdam",) and q.dates and q.dates[0].day == 9
    # an English month is capitalised, but it names a date, not something the document must mention
    q = build_query("Why did the Wassenaar meeting on 12 December 2023 start late?")
    assert q.names == ("wassen",) and q.dates


def test_an_english_name_is_found_in_its_dutch_form():
    from assistant.ask.features import _names_missing

    names = build_query("How many places did The Hague ask Wassenaar to add for Ukrainian refugees?").names
    assert {"hague", "ukrainian"} <= set(names)
    doc = frozenset(stems("De gemeente Den Haag vraagt Wassenaar om 250 extra plekken voor Oekraïense ontheemden."))
    assert _names_missing(names, doc) == 0.0
    assert _names_missing(names, frozenset(stems("De gemeente Wassenaar vangt ontheemden op."))) > 0


def test_a_quoted_sentence_is_widened_within_its_paragraph_only():
    text = "Eerste zin. Tweede zin met het feit. Derde zin.\n\nVolgende alinea."
    doc = Document("x.txt", "b" * 64, text)
    s = text.index("Tweede")
    e = text.index("Derde") - 1
    wide = widened(Piece(doc, s, e), 1, 1)
    assert wide.text == "Eerste zin. Tweede zin met het feit. Derde zin."
    last = text.index("Derde")
    assert widened(Piece(doc, last, last + len("Derde zin.")), 0, 1).end == last + len("Derde zin.")


def test_the_kinds_of_fact_a_sentence_leaves_unstated():
    q = build_query("Hoeveel geld krijgt de bibliotheek in 2026?")
    assert q.facts == ("amount",)
    assert q.unstated(frozenset({"date"})) == ("amount",) and not q.answered_by(frozenset({"date"}))
    assert q.unstated(frozenset({"amount", "date"})) == ()
    # "hoeveel" alone asks a quantity, which a share or an amount states as well as a count
    q = build_query("Hoeveel leerlingen zitten er in de klas?")
    assert q.facts == ("count",) and q.unstated(frozenset({"percent"})) == ()
    assert q.unstated(frozenset({"date"})) == ("count",)
    # a question asking no fact leaves nothing unstated
    assert build_query("Waarom stopt de regeling?").unstated(frozenset()) == ()


def test_the_asked_fact_near_the_questions_most_specific_words_scores_higher():
    q = build_query("Hoeveel geld vraagt het college om De Wassenaarse Slag opnieuw in te richten?")
    far = "Een krediet van € 2.201.250 voor het asfalt, en daarnaast nieuwe inrichtingsmaatregelen op de Slag."
    near = "Een krediet van € 2.798.750 voor de nieuwe inrichtingsmaatregelen."
    rare = ("richt",)
    assert 0.0 < _near(q, rare, far) < _near(q, rare, near) <= 1.0
    assert _near(q, rare, "De inrichtingsmaatregelen worden uitgevoerd.") == 0.0  # no amount
    assert _near(build_query("Waarom stopt de regeling?"), ("regel",), near) == 0.0  # no fact asked


def test_how_often_a_counted_noun_is_mentioned():
    text = "Aanwezig: wethouder A. de Vries, wethouder B. Jansen en de burgemeester."
    assert mentions("wethouder", text) == 2 and mentions("leerling", text) == 0


def _cand(doc, needle, p):
    from assistant.ask.candidates import Candidate

    s = doc.text.index(needle)
    e = doc.text.find("\n", s) % (len(doc.text) + 1)  # the line
    return Candidate(doc, s, e, 0, 1.0, 0.5, 1.0, frozenset(), frozenset(), frozenset(), frozenset(), p=p)


def test_a_quantity_is_never_answered_by_the_head_of_written_questions_but_who_asked_is():
    from assistant.ask.compose import choose

    text = (
        "Vragen van het lid Van Dijk (SP) aan de Minister van Justitie over het bericht «In 400 wijken ligt "
        "tot 10.000 kilo vuurwerk» (ingezonden 12 maart 2024).\n\nVraag 1\nHoeveel kilo ligt er opgeslagen?\n\n"
        "Antwoord 1\nDat is niet bekend."
    )
    doc = Document(doc="kv.txt", sha256="1" * 64, text=text)
    head = _cand(doc, "Vragen van het lid", 0.9)
    answer = _cand(doc, "Dat is niet bekend", 0.2)
    kilo = choose(build_query("Hoeveel kilo vuurwerk ligt er opgeslagen?"), [head, answer], threshold=0.0, extra_ratio=0.5, max_sentences=3)
    assert kilo.declined and kilo.unstated  # the head's "10.000 kilo" is the asker's quote, not an answer
    who = choose(build_query("Welk Kamerlid stelde de vragen?"), [head, answer], threshold=0.0, extra_ratio=0.5, max_sentences=3)
    assert not who.declined and who.chosen[0].start == head.start


def test_an_amount_for_another_year_does_not_answer_the_year_asked():
    from assistant.ask.compose import choose

    text = "Een financiële bijdrage van € 3.575 in 2024 en € 7.500 in 2025 aan de bibliotheek beschikbaar te stellen."
    doc = Document(doc="bl.txt", sha256="3" * 64, text=text)
    c = _cand(doc, "Een financiële", 0.9)
    asked_2026 = choose(build_query("Welke bijdrage krijgt de bibliotheek in 2026?"), [c], threshold=0.0, extra_ratio=0.5, max_sentences=3)
    assert asked_2026.declined and asked_2026.unstated == ("amount",)
    asked_2025 = choose(build_query("Welke bijdrage krijgt de bibliotheek in 2025?"), [c], threshold=0.0, extra_ratio=0.5, max_sentences=3)
    assert not asked_2025.declined
    no_year = choose(build_query("Welke bijdrage krijgt de bibliotheek?"), [c], threshold=0.0, extra_ratio=0.5, max_sentences=3)
    assert not no_year.declined

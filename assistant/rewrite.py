"""Make a question fit for retrieval: a follow-up standalone ("En voor 2021?" -> the full question),
and, with a chat model, an English question Dutch (``translate_for_retrieval``).

With a chat model configured, the model rewrites it (prompt in ``prompts/rewrite.txt``); without
one, or when the model fails, a small rule carries the previous question's subject over: a year,
date or name in the follow-up replaces its counterpart in the previous question, a pronoun
("dat", "it") is replaced by the previous question's content words, anything else is appended to
the previous question. A question that does not look like a follow-up is left alone.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_PROMPT = Path(__file__).resolve().parent / "prompts" / "rewrite.txt"
_TRANSLATE_PROMPT = Path(__file__).resolve().parent / "prompts" / "translate.txt"

_LEADS = (
    "en", "and", "maar", "but", "ook", "also", "wat", "what", "hoe", "how", "en wat", "and what",
    "waarom", "why", "wanneer", "when", "wie", "who", "welke", "which", "hoeveel",
)
_CONJUNCTIONS = {"en", "and", "maar", "but", "ook", "also", "dan", "then"}
_PRONOUNS = {
    "dat", "die", "dit", "deze", "het", "hij", "zij", "ze", "hun", "daar", "daarvan", "daarvoor",
    "hiervoor", "hiervan", "daarmee", "ervoor", "erin", "it", "that", "this", "they", "them",
    "those", "these", "its", "there", "he", "she",
}
_STOP = {
    "de", "het", "een", "van", "voor", "in", "op", "aan", "met", "is", "zijn", "wordt", "worden",
    "wat", "welke", "welk", "hoeveel", "hoe", "wanneer", "wie", "waarom", "waar", "er", "dat", "die",
    "en", "of", "te", "om", "bij", "tot", "the", "a", "an", "for", "on", "to", "are", "was", "were", "what", "which", "how", "many", "much", "when", "who", "why", "does", "do",
    "did", "and", "or", "by", "with", "at", "heeft", "hebben", "moet", "moeten", "kan", "kunnen",
    "zal", "zullen", "volgens", "over", "uit", "naar",
}
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_WORD = re.compile(r"[\w’'-]+")
MAX_FOLLOW_UP_WORDS = 8


def looks_like_follow_up(question: str) -> bool:
    """Short, and opens with a conjunction or question word, or leans on a pronoun."""
    words = [w.casefold() for w in _WORD.findall(question)]
    if not words or len(words) > MAX_FOLLOW_UP_WORDS:
        return False
    if words[0] in _CONJUNCTIONS:
        return True
    if words[0] in _LEADS and _pronoun_at(words) is not None:
        return True
    # "En voor 2021?", "Voor 2021?" or only a year / a name: too short to stand alone
    return len(words) <= 3 and bool(_YEAR.search(question) or words[0] in {"voor", "for", "in"})


def _pronoun_at(words: list[str]) -> int | None:
    """Where a pronoun stands in for the previous subject: among the last two words ("Wat kost
    dat?", "Wanneer is dat gebeurd?"); earlier it is an article or determiner ("het Verbeterplan")."""
    for i in range(max(1, len(words) - 2), len(words)):
        if words[i] in _PRONOUNS:
            return i
    return None


def _previous_question(history: Sequence[tuple[str, Any]]) -> str:
    """The last question, in its standalone form when it was itself rewritten."""
    q, a = history[-1]
    standalone = getattr(a, "standalone_question", "") if a is not None else ""
    return standalone or q


def _content(question: str) -> list[str]:
    return [w for w in _WORD.findall(question) if w.casefold() not in _STOP and not _YEAR.fullmatch(w)]


def rule_rewrite(question: str, previous: str) -> str:
    """Carry the previous question's subject into a follow-up, without a model."""
    q = question.strip()
    words = _WORD.findall(q)
    body_words = list(words)
    while body_words and body_words[0].casefold() in _CONJUNCTIONS:
        body_words.pop(0)
    prev = previous.strip()
    years = _YEAR.findall(q)
    prev_years = _YEAR.findall(prev)
    rest = [w for w in body_words if w.casefold() not in {"voor", "for", "in", "het", "de", "the", "jaar", "year"}]
    # 1) a new year replaces the previous one: "Hoeveel ... in 2020?" + "En voor 2021?"
    if years and prev_years and all(_YEAR.fullmatch(w) for w in rest):
        out = prev
        for old, new in zip(prev_years, years, strict=False):
            out = out.replace(old, new, 1)
        return out
    # 2) a pronoun stands for the previous subject: "Wat kost dat?"
    lowered = [w.casefold() for w in body_words]
    pron = _pronoun_at(lowered)
    if pron is not None:
        subject = " ".join(w for w in _content(prev) if w.casefold() not in lowered)
        pieces = list(body_words)
        pieces[pron] = f"({subject})" if subject else pieces[pron]
        return _capital(" ".join(pieces)) + "?"
    # 3) a new name replaces the previous question's last name: "En voor Medemblik?"
    caps = [w for w in rest if w[:1].isupper()]
    prev_words = _WORD.findall(prev)
    prev_caps = [w for w in prev_words[1:] if w[:1].isupper()]
    if caps and prev_caps and len(rest) <= 2:
        return re.sub(rf"\b{re.escape(prev_caps[-1])}\b", " ".join(caps), prev, count=1)
    if years and not prev_years and all(_YEAR.fullmatch(w) for w in rest):
        return prev.rstrip(" ?") + f" in {' '.join(years)}?"
    # 4) otherwise: the follow-up, with the previous question's content words as context
    extra = " ".join(w for w in _content(prev) if w.casefold() not in {x.casefold() for x in body_words})
    body = " ".join(body_words).rstrip(" ?")
    return _capital(f"{body} ({extra})?") if extra else q


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def rewrite(
    question: str,
    history: Sequence[tuple[str, Any]] = (),
    chat_model: Any | None = None,
) -> str:
    """The standalone form of ``question`` given the conversation so far ("" when unchanged).

    :param history: ``(question, answer)`` pairs, oldest first; an answer may be an ``Answer``
        (its ``standalone_question`` is used) or plain text.
    :param chat_model: a LangChain chat model, or None for the rule.
    """
    if not history or not looks_like_follow_up(question):
        return ""
    previous = _previous_question(history)
    if chat_model is not None:
        try:
            out = _llm_rewrite(question, history, chat_model)
            if out:
                return out
        except Exception as e:  # noqa: BLE001 - any model failure falls back to the rule
            log.warning("rewrite llm_failed error=%s", type(e).__name__)
    out = rule_rewrite(question, previous)
    return "" if out.strip() == question.strip() else out


def _llm_rewrite(question: str, history: Sequence[tuple[str, Any]], chat_model: Any) -> str:
    turns = []
    for q, a in history[-3:]:
        text = getattr(a, "answer", a) if a is not None else ""
        turns.append(f"Vraag: {q}\nAntwoord: {str(text)[:400]}")
    msg = chat_model.invoke(_prompt(_PROMPT).format(history="\n\n".join(turns), question=question))
    return _question_line(msg, ("Vraag:", "Question:"))


@functools.lru_cache(maxsize=4)
def _prompt(path: Path) -> str:
    return path.read_text("utf-8")


def _question_line(msg: Any, labels: tuple[str, ...]) -> str:
    """The question a chat model wrote: its first non-empty line without a leading label or quotes,
    "" when that is not 3-400 characters long."""
    text = getattr(msg, "content", msg)
    if not isinstance(text, str):
        return ""
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
    for label in labels:
        line = line.removeprefix(label)
    line = line.strip().strip('"')
    return line if 3 <= len(line) <= 400 else ""


def translate_for_retrieval(question: str, chat_model: Any | None) -> str:
    """The Dutch form of an English question, for retrieval and sentence selection ("" when the
    question is Dutch already, there is no chat model, or the model fails or answers in English).

    The keyword index stems Dutch and the bundled embedder bridges English to Dutch poorly (dev set:
    English recall@5 0.70 against 1.00 for Dutch, docs/evals.md), so with a model at hand the
    question is looked up in the documents' language. The answer still follows the question's own
    language: only the lookup uses the translation.
    """
    from assistant.retrieve import detect_language

    if chat_model is None or detect_language(question) != "en":
        return ""
    try:
        msg = chat_model.invoke(_prompt(_TRANSLATE_PROMPT).format(question=question.strip()))
    except Exception as e:  # noqa: BLE001 - any model failure: look up the English question
        log.warning("translate llm_failed error=%s", type(e).__name__)
        return ""
    line = _question_line(msg, ("Dutch question:", "Vraag:"))
    return line if line and detect_language(line) == "nl" else ""

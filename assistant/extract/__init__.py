"""Commitment extraction: norms, deadlines and funding as grounded, normalised items.

``extract_document(doc)`` runs offline Dutch rules by default; ``method="llm"`` or ``"llm+rules"``
uses any LangChain chat model passed in, and every item is grounded back to the document text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from assistant.extract.models import KINDS, Commitment, DeadlineFields, FundingFields, NormFields, schema
from assistant.types import Document

__all__ = [
    "KINDS",
    "Commitment",
    "DeadlineFields",
    "FundingFields",
    "NormFields",
    "extract_document",
    "schema",
]

log = logging.getLogger(__name__)
METHODS = ("rules", "llm", "llm+rules")


def extract_document(
    doc: Document,
    *,
    kinds: Iterable[str] | None = None,
    method: str = "rules",
    chat_model: Any = None,
    deadlines: str | None = None,
    deadline_model: str | None = None,
) -> list[Commitment]:
    """Commitments of ``doc`` sorted by ``char_start``; each quote equals ``doc.text[start:end]``.

    :param kinds: a subset of ``norm``, ``deadline``, ``funding`` (default: all)
    :param method: ``rules`` (offline), ``llm`` or ``llm+rules`` (need ``chat_model``)
    :param chat_model: a LangChain ``BaseChatModel`` supporting ``with_structured_output``
    :param deadlines: how the rules method decides deadlines: ``rules``, ``clf``, ``filter`` or
        ``add`` (``assistant.extract.rules.DEADLINE_MODES``); default the product's choice
    :param deadline_model: the deadline model's JSON file (default: the packaged one)
    :raises ValueError: for an unknown kind or method, or an LLM method without a model
    """
    chosen = tuple(kinds) if kinds else KINDS
    if unknown := sorted(set(chosen) - set(KINDS)):
        raise ValueError(f"unknown kind(s) {unknown}; use {', '.join(KINDS)}")
    if method not in METHODS:
        raise ValueError(f"unknown extraction method {method!r}; use one of {', '.join(METHODS)}")
    if method == "rules":
        from assistant.extract.rules import extract_rules

        items = extract_rules(doc, chosen, deadlines, deadline_model)
    else:
        if chat_model is None:
            raise ValueError(f"method {method!r} needs a chat_model (a LangChain BaseChatModel)")
        from assistant.extract.llm import LlmExtractor

        result = LlmExtractor(chat_model, combine=method == "llm+rules").run(doc, kinds=chosen)
        log.info("llm extraction doc=%s proposed=%d dropped=%d", doc.doc, result.proposed, result.dropped)
        items = result.items
    return sorted(items, key=lambda c: (c.char_start, c.char_end, c.kind))

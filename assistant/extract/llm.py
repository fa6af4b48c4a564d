"""Optional LLM extractor: any LangChain chat model with ``with_structured_output``.

The model only *proposes*: every proposed quote is grounded back to a source span (exact, then
fuzzy, in its chunk and then in the whole document); what cannot be grounded is dropped and
counted, never emitted with made-up offsets. In ``llm+rules`` mode the rules normalise the fields
of each grounded span (dates, amounts, shares), so the model's arithmetic is not trusted.
No network client is constructed here: the caller passes the model in.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from assistant.extract import normalize as nz
from assistant.extract.ground import ground
from assistant.extract.models import KINDS, Commitment, DeadlineFields, FundingFields, NormFields, Within
from assistant.extract.rules import DocContext, RuleExtractor, sentences
from assistant.text import coverage
from assistant.types import Document

log = logging.getLogger(__name__)
PROMPT_PATH = Path(__file__).with_name("prompt_nl.txt")


class LlmItem(BaseModel):
    """One proposed commitment, fields flattened (simpler for structured output than a union)."""

    kind: Literal["norm", "deadline", "funding"]
    quote: str = Field(description="shortest verbatim span of the text stating the commitment")
    subject: str | None = None
    share: float | None = None
    within_value: float | None = None
    within_unit: Literal["day", "week", "month", "year"] | None = None
    population: str | None = None
    action: str | None = None
    actor: str | None = None
    due: str | None = Field(default=None, description="ISO date YYYY-MM-DD or null")
    due_text: str | None = None
    amount_eur: float | None = None
    period: str | None = None
    purpose: str | None = None
    recurrence: Literal["once", "per year", "structural"] | None = None


class CommitmentList(BaseModel):
    """Commitments (norms, deadlines, funding) found in a piece of a Dutch policy document."""

    items: list[LlmItem] = Field(default_factory=list)


@dataclass
class LlmResult:
    items: list[Commitment]
    proposed: int = 0
    dropped: int = 0  # proposals whose quote could not be grounded in the document
    dropped_quotes: list[str] = field(default_factory=list)
    invalid: int = 0  # grounded proposals whose fields could not be made valid


def prompt_text() -> str:
    return PROMPT_PATH.read_text(encoding="utf-8")


def prompt_hash() -> str:
    """Goes into eval reports, so a prompt change shows up beside the figures it moved."""
    return hashlib.sha256(prompt_text().encode("utf-8")).hexdigest()[:12]


def chunks(doc: Document, max_chars: int = 4000) -> list[tuple[int, int]]:
    """Whole sentences grouped into pieces of at most ``max_chars`` (a longer sentence alone)."""
    out: list[tuple[int, int]] = []
    cs = ce = None
    for s, e in sentences(doc.text):
        if cs is None:
            cs, ce = s, e
        elif e - cs > max_chars:
            out.append((cs, ce))  # type: ignore[arg-type]
            cs, ce = s, e
        else:
            ce = e
    if cs is not None:
        out.append((cs, ce))  # type: ignore[arg-type]
    return out


def _fields_from_model(item: LlmItem, quote: str, ref: date) -> NormFields | DeadlineFields | FundingFields:
    """The model's fields, validated; a missing or invalid key field is re-derived from the quote."""
    if item.kind == "norm":
        within = None
        if item.within_value and item.within_unit:
            within = Within(value=item.within_value, unit=item.within_unit)
        elif (w := nz.within(quote)) is not None:
            within = Within(**w)  # type: ignore[arg-type]
        share = item.share if item.share is not None and 0 <= item.share <= 1 else None
        return NormFields(
            subject=item.subject or quote[:80], share=share, within=within, population=item.population
        )
    if item.kind == "deadline":
        due = item.due
        try:
            if due:
                date.fromisoformat(due)
        except ValueError:
            due = None
        if not due:
            d = nz.due_date(item.due_text or quote, ref)
            due = d.isoformat() if d else None
        return DeadlineFields(
            action=item.action or quote[:80], actor=item.actor, due=due, due_text=item.due_text or quote[:60]
        )
    amount = item.amount_eur if item.amount_eur is not None else nz.amount_eur(quote)
    if amount is None:
        raise ValueError("no amount")
    period = item.period
    if period is not None and not re.fullmatch(r"\d{4}(-\d{4})?", period):
        period = nz.period_of(period)
    return FundingFields(
        amount_eur=amount,
        period=period,
        purpose=item.purpose or quote[:80],
        recurrence=item.recurrence or nz.recurrence_of(quote) or "once",
    )


class LlmExtractor:
    """Propose with a chat model, ground every quote, optionally normalise fields with the rules."""

    def __init__(
        self,
        chat_model: Any,
        *,
        combine: bool = False,
        chunk_chars: int = 4000,
        fuzzy_threshold: float = 0.75,
    ) -> None:
        if chunk_chars < 500:
            raise ValueError(f"chunk_chars={chunk_chars} is too small for a policy paragraph; use >= 500")
        self.chat_model = chat_model
        self.combine = combine
        self.chunk_chars = chunk_chars
        self.fuzzy_threshold = fuzzy_threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "assistant.extract.llm.LlmExtractor",
            "init": {
                "combine": self.combine,
                "chunk_chars": self.chunk_chars,
                "fuzzy_threshold": self.fuzzy_threshold,
            },
            "model": type(self.chat_model).__name__,
            "prompt_sha": prompt_hash(),
        }

    def run(self, doc: Document, *, kinds: Iterable[str] | None = None) -> LlmResult:
        chosen = tuple(kinds) if kinds else KINDS
        ctx = DocContext.of(doc)
        structured = self.chat_model.with_structured_output(CommitmentList)
        system = prompt_text().replace("{kinds}", ", ".join(chosen)).replace("{year}", str(ctx.ref.year))
        rules = RuleExtractor(kinds=chosen).run(doc) if self.combine else []
        result = LlmResult(items=[])
        for cs, ce in chunks(doc, self.chunk_chars):
            human = f"Document: {doc.doc} (date {ctx.ref.isoformat()})\n\nText:\n{doc.text[cs:ce]}"
            raw = structured.invoke([("system", system), ("human", human)])
            proposals = raw if isinstance(raw, CommitmentList) else CommitmentList.model_validate(raw or {})
            for item in proposals.items:
                if item.kind not in chosen:
                    continue
                result.proposed += 1
                g = ground(doc, item.quote, start=cs, end=ce, threshold=self.fuzzy_threshold) or ground(
                    doc, item.quote, threshold=self.fuzzy_threshold
                )
                if g is None:
                    result.dropped += 1
                    result.dropped_quotes.append(item.quote)
                    log.info(
                        "ungrounded llm item doc=%s kind=%s quote=%r", doc.doc, item.kind, item.quote[:80]
                    )
                    continue
                try:
                    fields = self._fields(
                        item, g.span.text, g.span.char_start, g.span.char_end, rules, ctx.ref
                    )
                except (ValidationError, ValueError):
                    result.invalid += 1
                    continue
                actor = getattr(fields, "actor", None) or item.actor
                result.items.append(
                    Commitment.from_span(g.span, item.kind, fields, actor=actor, grounding=g.status)
                )
        result.items = _dedupe(result.items)
        return result

    def _fields(
        self, item: LlmItem, quote: str, start: int, end: int, rules: list[Commitment], ref: date
    ) -> NormFields | DeadlineFields | FundingFields:
        if self.combine:
            best, best_cov = None, 0.0
            for r in rules:
                if r.kind == item.kind and r.char_start < end and start < r.char_end:
                    c = coverage(quote, r.quote)
                    if c > best_cov:
                        best, best_cov = r, c
            if best is not None:
                return best.fields
        return _fields_from_model(item, quote, ref)


def _dedupe(items: list[Commitment]) -> list[Commitment]:
    out: list[Commitment] = []
    for it in sorted(items, key=lambda c: (c.char_start, c.char_end)):
        if any(
            o.kind == it.kind and o.char_start == it.char_start and o.char_end == it.char_end for o in out
        ):
            continue
        out.append(it)
    return out

"""Typed request and response models of the REST API and the MCP tools (pydantic).

They mirror the command-line contracts: ``AnswerOut`` is ``Answer.to_dict()`` (``bronwijs ask
--json``), ``DocumentOut`` a row of ``bronwijs docs --json`` (without the server's file path),
``IngestReportOut`` ``IngestReport.to_dict()``. Commitments keep their own model
(``assistant.extract.models.Commitment``, schema in docs/commitment.schema.json).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Turn(BaseModel):
    """One earlier exchange of a conversation, so that a follow-up question can be understood."""

    question: str
    answer: str


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="The question, in Dutch or English.", examples=[
        "Binnen hoeveel dagen moet voor alle kinderen een veiligheidstaxatie zijn opgesteld?"
    ])
    documents: list[str] | None = Field(default=None, description="Only search these documents (name or SHA-256 prefix).")
    k: int | None = Field(default=None, ge=1, le=50, description="Number of passages to retrieve.")
    date_from: str | None = Field(default=None, description="Only documents dated on/after (YYYY-MM-DD).")
    date_to: str | None = Field(default=None, description="Only documents dated on/before (YYYY-MM-DD).")
    kinds: list[str] | None = Field(
        default=None, description="Only documents of these kinds (kamervragen, besluitenlijst, kamerbrief, ...)."
    )
    history: list[Turn] = Field(default_factory=list, description="Earlier turns, oldest first (follow-ups).")


class CitationOut(BaseModel):
    """An exact span of a document's cleaned text that backs a sentence of the answer."""

    doc: str
    doc_sha256: str
    page: int
    char_start: int
    char_end: int
    quote: str


class PassageOut(BaseModel):
    """A retrieved passage with its score: the answer model's probability that it holds the answer
    (the fused retrieval score when `rank_by_answer` is off)."""

    doc: str
    doc_sha256: str
    page: int
    char_start: int
    char_end: int
    text: str
    score: float
    heading: str
    chunk_id: str


class AnswerOut(BaseModel):
    """``Answer.to_dict()``: the ``bronwijs ask --json`` shape."""

    question: str
    answer: str
    declined: bool
    citations: list[CitationOut]
    passages: list[PassageOut]
    timings_ms: dict[str, float]
    mode: str
    notice: str
    standalone_question: str
    lookup_question: str
    confidence: float | None = Field(
        default=None,
        description="Calibrated chance that the extractive answer is right (null for an LLM's answer).",
    )


class PieceEvent(BaseModel):
    """``event: piece`` of the answer stream: text of the answer as it comes (verified text only)."""

    text: str


class DocumentOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc: str
    doc_sha256: str
    title: str
    date: str | None
    pages: int
    fmt: str
    chars: int
    chunks: int


class RemovedOut(BaseModel):
    doc: str
    doc_sha256: str
    chunks: int


class RemoveResponse(BaseModel):
    removed: list[RemovedOut]


class FileReason(BaseModel):
    model_config = ConfigDict(extra="allow")
    file: str
    reason: str


class IngestReportOut(BaseModel):
    """``IngestReport.to_dict()`` (``bronwijs ingest --json``), file names without server paths."""

    model_config = ConfigDict(extra="allow")
    added: list[dict]
    skipped: list[FileReason]
    failed: list[FileReason]
    removed: list[dict]
    chunks: int
    seconds: float
    timings: dict[str, float]
    tokens: int
    pages: int


class UploadedFile(BaseModel):
    name: str = Field(description="The file name as sent.")
    stored_as: str = Field(description="The plain name it was stored under in the upload folder ('' when not stored).")
    status: Literal["added", "skipped", "failed"]
    reason: str
    docs: list[str] = Field(description="Documents added from it (a JSON list gives one per record).")
    pages: int
    chunks: int


class UploadResponse(BaseModel):
    files: list[UploadedFile]
    report: IngestReportOut


class Health(BaseModel):
    status: Literal["ready", "building", "missing", "error"]
    message: str
    generation: str | None
    documents: int
    chunks: int
    embedder: str = Field(description="The configured embedder.")
    index_embedder: str | None = Field(description="The embedder the index was built with.")
    llm: str | None
    llm_configured: bool
    version: str


class ErrorOut(BaseModel):
    """Every error of the API: a code and a message (Dutch / English)."""

    error: str = Field(examples=["empty_question"])
    detail: str = Field(examples=["Stel een vraag / Please ask a question."])


class AskResult(BaseModel):
    """The MCP ``ask`` tool's result: the answer and the exact spans that back it."""

    answer: str
    declined: bool
    citations: list[CitationOut]
    mode: str
    notice: str
    lookup_question: str
    confidence: float | None = Field(
        default=None,
        description="Calibrated chance that the extractive answer is right (null for an LLM's answer).",
    )


class SearchResult(BaseModel):
    passages: list[PassageOut]


class DocumentsResult(BaseModel):
    documents: list[DocumentOut]


class CommitmentOut(BaseModel):
    """``Commitment.to_dict()``; ``fields`` by kind as in docs/commitment.schema.json."""

    doc: str
    doc_sha256: str
    kind: Literal["norm", "deadline", "funding"]
    quote: str
    page: int
    char_start: int
    char_end: int
    fields: dict
    actor: str | None
    grounding: str


class CommitmentsResult(BaseModel):
    commitments: list[CommitmentOut]

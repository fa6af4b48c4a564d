"""The MCP server (official ``mcp`` SDK): tools ``ask``, ``search``, ``list_documents`` and
``commitments`` over the process's one ``Service``.

``bronwijs mcp`` serves it over stdio; ``bronwijs serve`` mounts its streamable HTTP endpoint at
``/mcp`` (assistant/web/api.py). Tool results are structured content (the models of
assistant/web/schemas.py), so a client gets every citation's document, page and offsets as data,
not only as text. A user error (empty question, unknown document, index still being built)
is a tool error with the same Dutch / English message the CLI prints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from assistant.errors import BronwijsError
from assistant.web.schemas import AskResult, CommitmentsResult, DocumentsResult, SearchResult
from assistant.web.state import Service

INSTRUCTIONS = (
    "Bronwijs answers questions about Dutch policy documents (youth care, child protection, council "
    "letters) with citations: every answer sentence is backed by an exact span (document, page, character "
    "offsets). Use `search` for passages, `ask` for a cited answer, `list_documents` to see what is indexed, "
    "`commitments` for norms, deadlines and funding. Questions may be Dutch or English."
)

T = TypeVar("T")


def _call(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except BronwijsError as e:
        raise ToolError(str(e)) from e


def build_mcp(service: Service) -> MCPServer:
    """An MCP server whose tools call ``service``."""
    server = MCPServer(
        "bronwijs", title="Bronwijs", instructions=INSTRUCTIONS, version=_version(), log_level="WARNING"
    )

    @server.tool(title="Ask with citations")
    def ask(
        question: Annotated[str, Field(description="The question, in Dutch or English.")],
        documents: Annotated[list[str] | None, Field(description="Only these documents (name or SHA-256 prefix).")] = None,
        k: Annotated[int | None, Field(ge=1, le=50, description="Passages to retrieve.")] = None,
    ) -> AskResult:
        """A cited answer from the indexed documents, or a plain decline when they do not answer it.
        Each citation is an exact quote with its document, page and character offsets."""
        answer = _call(lambda: service.ask(question, docs=documents or None, k=k))
        d = answer.to_dict()
        return AskResult(
            answer=d["answer"], declined=d["declined"], citations=d["citations"], mode=d["mode"],
            notice=d["notice"], lookup_question=d["lookup_question"], confidence=d["confidence"],
        )

    @server.tool(title="Search passages")
    def search(
        query: Annotated[str, Field(description="What to look for, in Dutch or English.")],
        k: Annotated[int, Field(ge=1, le=50, description="Number of passages.")] = 5,
        documents: Annotated[list[str] | None, Field(description="Only these documents.")] = None,
    ) -> SearchResult:
        """The best passages for a query, each with document, page, character offsets and score."""
        passages = _call(lambda: service.search(query, k=k, docs=documents or None))
        return SearchResult(passages=[p.to_dict() for p in passages])

    @server.tool(title="List documents")
    def list_documents() -> DocumentsResult:
        """The indexed documents: name, title, date, pages, chunks."""
        return DocumentsResult(documents=_call(service.documents))

    @server.tool(title="Commitments")
    def commitments(
        kind: Annotated[list[Literal["norm", "deadline", "funding"]] | None, Field(description="Only these kinds.")] = None,
        document: Annotated[list[str] | None, Field(description="Only these documents.")] = None,
        year: Annotated[int | None, Field(description="Only items due or funded in this year.")] = None,
        actor: Annotated[str | None, Field(description="Only items whose actor contains this.")] = None,
    ) -> CommitmentsResult:
        """Norms, deadlines and funding stated in the documents, each with its exact quote and offsets."""
        items = _call(lambda: service.commitments(kinds=list(kind or []), docs=document, year=year, actor=actor))
        return CommitmentsResult(commitments=[i.to_dict() for i in items])

    return server


def run_stdio(service: Service) -> None:
    """``bronwijs mcp``: serve over stdin/stdout (messages go to stderr)."""
    build_mcp(service).run("stdio")


def _version() -> str:
    from assistant.web.state import _version as v

    return v()


__all__: list[Any] = ["build_mcp", "run_stdio"]

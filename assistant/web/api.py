"""The REST API under ``/api/v1`` (FastAPI): questions, a streamed answer, documents, commitments,
health. OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``. The MCP server's streamable
HTTP endpoint is mounted at ``/mcp`` of the same app; ``bronwijs serve`` adds the web page at ``/``.

Every handler calls ``Service`` (assistant/web/state.py), which holds the one Assistant of the
process. Errors are JSON ``{"error": code, "detail": message}`` with the status of ``STATUSES``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, HTTPException, Query, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings, commitment_schema_path
from assistant.errors import (
    BronwijsError,
    ConfigError,
    DocumentNotFound,
    EmptyQuestion,
    IndexBuilding,
    IndexMismatch,
    IndexMissing,
    ModelUnavailable,
    QuestionTooLong,
    UploadRejected,
)
from assistant.types import Answer
from assistant.web.schemas import (
    AnswerOut,
    AskRequest,
    CommitmentOut,
    DocumentOut,
    ErrorOut,
    Health,
    RemoveResponse,
    UploadResponse,
)
from assistant.web.state import Service

log = logging.getLogger("bronwijs.api")

PREFIX = "/api/v1"
MB = 1024 * 1024
MULTIPART_SLACK = 64 * 1024  # room for the multipart headers of an upload request
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNAUTHORIZED = "Geen of een onjuist token / missing or wrong bearer token (Authorization: Bearer <api_token>)."


class Unauthorized(Exception):
    """A request without the configured bearer token."""


class TooLarge(HTTPException):
    """An upload request above ``max_upload_mb``, found while reading it (an HTTPException, because
    FastAPI turns any other exception raised while it parses a body into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large(limit)["detail"])


# (error class, HTTP status, code), the first match wins: subclasses before their bases
STATUSES: list[tuple[type[BaseException], int, str]] = [
    (EmptyQuestion, 400, "empty_question"),
    (QuestionTooLong, 400, "question_too_long"),
    (DocumentNotFound, 404, "document_not_found"),
    (IndexBuilding, 503, "index_building"),
    (IndexMissing, 503, "index_missing"),
    (IndexMismatch, 503, "index_mismatch"),
    (ModelUnavailable, 503, "model_unavailable"),
    (ConfigError, 400, "bad_request"),
    (BronwijsError, 400, "bad_request"),
]
UPLOAD_CODES = {400: "no_files", 413: "upload_too_large", 415: "unsupported_type"}


def error_of(e: BaseException) -> tuple[int, dict[str, str]]:
    """(status, body) for an exception; a bug gets a plain sentence and its traceback in the log."""
    if isinstance(e, UploadRejected):
        return e.status, {"error": UPLOAD_CODES.get(e.status, "bad_request"), "detail": str(e)}
    for cls, status, code in STATUSES:
        if isinstance(e, cls):
            return status, {"error": code, "detail": str(e)}
    log.error("unexpected error in the API", exc_info=e)
    return 500, {
        "error": "internal",
        "detail": f"Er ging iets mis ({type(e).__name__}); de details staan in het logboek van de server. / "
        "Something went wrong; the details are in the server log.",
    }


def is_local(host: str) -> bool:
    """True for an address only this machine can reach (localhost, 127.0.0.0/8, ::1)."""
    h = host.strip().strip("[]")
    if h in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def check_binding(host: str, settings: Settings) -> None:
    """Refuse to listen beyond localhost without an API token (ConfigError says how to set one)."""
    if not is_local(host) and not settings.api_token:
        raise ConfigError(
            f"luisteren op {host} kan alleen met een API-token: zet BRONWIJS_API_TOKEN of api_token in "
            f"bronwijs.toml / listening on {host} needs an API token: set BRONWIJS_API_TOKEN or api_token "
            "in bronwijs.toml (clients send it as 'Authorization: Bearer <token>'), or listen on 127.0.0.1"
        )


# --- middleware: upload size, bearer token for /mcp ---------------------------------------------


class UploadLimit:
    """Refuses an upload request above ``limit`` bytes with 413: at once when its Content-Length
    says so, otherwise as soon as that many bytes have been read (chunked bodies)."""

    def __init__(self, app: ASGIApp, *, path: str, limit: int) -> None:
        self.app, self.path, self.limit = app, path, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _send_json(send, 413, _too_large(self.limit))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLarge(self.limit)
            return message

        await self.app(scope, counted, send)


def upload_request_limit(settings: Settings) -> int:
    """The largest upload request: ``max_upload_files`` files of ``max_upload_mb`` each."""
    return int(settings.max_upload_mb * MB) * settings.max_upload_files + MULTIPART_SLACK


def _too_large(limit: int) -> dict[str, str]:
    mb = round(limit / MB, 1)
    return {
        "error": "upload_too_large",
        "detail": f"Upload te groot (meer dan {mb:g} MB) / upload too large (over {mb:g} MB): send fewer or "
        "smaller files (settings max_upload_mb per file, max_upload_files per upload).",
    }


async def _send_json(send: Send, status: int, body: dict[str, str], headers: list[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *headers],
    })
    await send({"type": "http.response.body", "body": data})


class BearerGate:
    """An ASGI app behind the bearer token (for /mcp, which is not a FastAPI route)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.token and scope["type"] == "http":
            auth = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            if not token_ok(auth, self.token):
                await _send_json(
                    send, 401, {"error": "unauthorized", "detail": UNAUTHORIZED}, [(b"www-authenticate", b"Bearer")]
                )
                return
        await self.app(scope, receive, send)


def token_ok(authorization: str, token: str) -> bool:
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


# --- the app --------------------------------------------------------------------------------------


ERRORS = {
    400: {"model": ErrorOut, "description": "Bad request (e.g. an empty question)"},
    401: {"model": ErrorOut, "description": "Missing or wrong bearer token"},
    503: {"model": ErrorOut, "description": "The index is missing or still being built"},
}


def create_app(service: Service, *, host: str = "127.0.0.1", mcp: bool = True) -> FastAPI:
    """The FastAPI app: the REST API under /api/v1 and (``mcp``) the MCP endpoint at /mcp."""
    settings = service.settings
    mcp_server = None
    if mcp:
        from assistant.web.mcp_server import build_mcp

        mcp_server = build_mcp(service)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if mcp_server is None:
            yield
            return
        async with mcp_server.session_manager.run():
            yield

    app = FastAPI(
        title="Bronwijs API",
        version="1",
        summary="Cited answers and commitments from Dutch policy documents.",
        description=(
            "Every answer sentence is backed by an exact span of a source document (document, page, "
            "character offsets). Errors are JSON `{\"error\": code, \"detail\": message}`. When the server has "
            "an `api_token`, send it as `Authorization: Bearer <token>` (not needed for /health)."
        ),
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    app.add_middleware(UploadLimit, path=f"{PREFIX}/documents", limit=upload_request_limit(settings))

    @app.exception_handler(BronwijsError)
    async def _bronwijs_error(_: Request, e: BronwijsError) -> JSONResponse:
        status, body = error_of(e)
        return JSONResponse(body, status_code=status)

    @app.exception_handler(Unauthorized)
    async def _unauthorized(_: Request, e: Unauthorized) -> JSONResponse:
        return JSONResponse(
            {"error": "unauthorized", "detail": UNAUTHORIZED}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in err.get('loc', ()))}: {err.get('msg', '')}" for err in e.errors()]
        return JSONResponse(
            {"error": "invalid_request", "detail": "Ongeldig verzoek / invalid request: " + "; ".join(parts)},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, e: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "upload_too_large"}.get(e.status_code, "http_error")
        return JSONResponse({"error": code, "detail": str(e.detail)}, status_code=e.status_code, headers=e.headers)

    bearer = HTTPBearer(auto_error=False, description="The server's api_token, when it has one.")

    def require_token(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:  # noqa: B008
        if settings.api_token and (
            creds is None or not token_ok(f"{creds.scheme} {creds.credentials}", settings.api_token)
        ):
            raise Unauthorized()

    guarded = [Depends(require_token)]

    # --- questions ----------------------------------------------------------------------------

    @app.post(f"{PREFIX}/ask", response_model=AnswerOut, responses=ERRORS, dependencies=guarded, tags=["questions"])
    def ask(req: AskRequest) -> dict[str, Any]:
        """A cited answer (the `bronwijs ask --json` shape), or a decline with the nearest passages."""
        return service.ask(req.question, **_ask_args(req)).to_dict()

    @app.post(
        f"{PREFIX}/ask/stream",
        responses={
            **ERRORS,
            200: {
                "description": "Server-sent events: `piece` (`{\"text\"}`, verified answer text as it comes), "
                "then one `answer` (the `/ask` shape) last; `error` (`{\"error\", \"detail\"}`) ends a failed stream.",
                "content": {"text/event-stream": {}},
            },
        },
        dependencies=guarded,
        tags=["questions"],
    )
    async def ask_stream(req: AskRequest) -> StreamingResponse:
        """The answer as server-sent events: pieces of verified text, then the final answer. An error
        before the first piece (empty question, unknown document, no index) is a plain JSON error."""
        assistant = service.ready()
        events = _events(assistant.stream(req.question, **_ask_args(req)))
        first = await anext(events)  # raises the error that stopped the answer before it began
        return StreamingResponse(
            _chain(first, events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    # --- documents ----------------------------------------------------------------------------

    @app.get(f"{PREFIX}/documents", response_model=list[DocumentOut], responses=ERRORS, dependencies=guarded, tags=["documents"])
    def documents() -> list[dict[str, Any]]:
        """The indexed documents: pages, chunks, date, title."""
        return service.documents()

    @app.post(
        f"{PREFIX}/documents",
        response_model=UploadResponse,
        responses={
            **ERRORS,
            413: {"model": ErrorOut, "description": "The upload is larger than max_upload_mb"},
            415: {"model": ErrorOut, "description": "No file of a supported type"},
        },
        dependencies=guarded,
        tags=["documents"],
    )
    def upload(files: Annotated[list[UploadFile], File(description="One or more files (PDF, TXT, XML, MD, HTML, DOCX, JSON).")]) -> dict[str, Any]:
        """Add files to the index. Each file's result is reported; a bad file is skipped, the others go in.
        Files are stored in the index's upload folder under their plain names (no folders)."""
        return service.upload([(f.filename or "", f.file) for f in files])

    @app.delete(
        f"{PREFIX}/documents/{{doc}}",
        response_model=RemoveResponse,
        responses={**ERRORS, 404: {"model": ErrorOut, "description": "No such document"}},
        dependencies=guarded,
        tags=["documents"],
    )
    def remove(doc: str) -> dict[str, Any]:
        """Take a document (name or SHA-256 prefix; a JSON file: all its records) out of the index."""
        return {"removed": service.remove(doc)}

    # --- commitments --------------------------------------------------------------------------

    @app.get(
        f"{PREFIX}/commitments",
        responses={
            **ERRORS,
            404: {"model": ErrorOut, "description": "No such document"},
            200: {
                "model": list[CommitmentOut],
                "description": "Norms, deadlines and funding (the `bronwijs extract --json` shape), or CSV / XLSX.",
                "content": {"text/csv": {}, XLSX: {}},
            },
        },
        dependencies=guarded,
        tags=["commitments"],
    )
    def commitments(
        kind: Annotated[list[Literal["norm", "deadline", "funding"]] | None, Query(description="Only these kinds.")] = None,
        document: Annotated[list[str] | None, Query(description="Only these documents (name or SHA-256 prefix).")] = None,
        year: Annotated[int | None, Query(description="Only items due or funded in this year.")] = None,
        actor: Annotated[str | None, Query(description="Only items whose actor contains this.")] = None,
        sort: Literal["doc", "due", "amount"] = "doc",
        format: Literal["json", "jsonl", "csv", "xlsx"] = "json",  # noqa: A002 - the query parameter's name
    ) -> Response:
        """Commitments with the filters of `bronwijs extract`, as JSON, JSON lines, CSV or XLSX."""
        from assistant.extract.export import render, write_items

        items = service.commitments(kinds=list(kind or []), docs=document, year=year, actor=actor, sort=sort)
        if format == "xlsx":
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "commitments.xlsx"
                write_items(items, output=out, fmt="xlsx")
                data = out.read_bytes()
            return Response(data, media_type=XLSX, headers=_attachment("commitments.xlsx"))
        text = render(items, format)
        if format == "csv":
            return Response(text, media_type="text/csv; charset=utf-8", headers=_attachment("commitments.csv"))
        if format == "jsonl":
            return Response(text, media_type="application/jsonl; charset=utf-8")
        return Response(text, media_type="application/json")

    @app.get(f"{PREFIX}/schema/commitment", tags=["commitments"])
    def commitment_schema() -> Response:
        """The JSON schema of one commitment (docs/commitment.schema.json, bundled with the package)."""
        return Response(commitment_schema_path().read_text("utf-8"), media_type="application/schema+json")

    # --- health -------------------------------------------------------------------------------

    @app.get(f"{PREFIX}/health", response_model=Health, responses={503: {"model": Health}}, tags=["service"])
    def health(response: Response) -> dict[str, Any]:
        """Index generation, document and chunk counts, embedder, LLM; 503 until the index is ready."""
        out = service.health()
        if out["status"] != "ready":
            response.status_code = 503
        return out

    if mcp_server is not None:
        from starlette.routing import Route

        sub = mcp_server.streamable_http_app(streamable_http_path="/mcp", host=host)
        endpoint = next(r for r in sub.routes if isinstance(r, Route) and r.path == "/mcp").endpoint
        app.router.routes.append(Route("/mcp", endpoint=BearerGate(endpoint, settings.api_token)))
    return app


def _ask_args(req: AskRequest) -> dict[str, Any]:
    return {
        "docs": req.documents or None,
        "k": req.k,
        "date_from": req.date_from,
        "date_to": req.date_to,
        "kinds": req.kinds or None,
        "history": [(t.question, t.answer) for t in req.history],
    }


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _events(pieces: Iterator[str | Answer]) -> AsyncIterator[str]:
    """Run the answer in a worker thread (which always finishes it, so the Assistant's read guard is
    given back even when the client goes away) and pass its events on as they come. An exception
    before the first event is raised here; a later one becomes the stream's ``error`` event."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | BaseException | None] = asyncio.Queue()

    def put(item: str | BaseException | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is listening any more
            loop.call_soon_threadsafe(queue.put_nowait, item)

    def work() -> None:
        try:
            for piece in pieces:
                if isinstance(piece, Answer):
                    put(_sse("answer", piece.to_dict()))
                else:
                    put(_sse("piece", {"text": piece}))
        except BaseException as e:  # noqa: BLE001 - handed to the response: raised or sent
            put(e)
        finally:
            put(None)

    threading.Thread(target=work, name="bronwijs-stream", daemon=True).start()
    started = False
    while (item := await queue.get()) is not None:
        if isinstance(item, BaseException):
            if not started:
                raise item
            yield _sse("error", error_of(item)[1])
            continue
        started = True
        yield item


async def _chain(first: str, rest: AsyncIterator[str]) -> AsyncIterator[str]:
    yield first
    async for item in rest:
        yield item

"""`plan-extract serve`: the extractor as an HTTP service (Starlette on uvicorn).

The pipeline is loaded once per extraction process (`plan_extract.pool`), and every tool posts
text to it:

- `POST /extract`: a JSON body `{"text": ..., "document_date": "YYYY-MM-DD"?, "id": ...?}`, or a
  `text/plain` body with `?document_date=` and `?id=`; the answer is what `plan-extract` prints
  for the same text (the id stands where the CLI puts the file's path). `?compact=true` gives one
  line.
- `POST /extract/batch`: JSON Lines in (one such object a line), JSON Lines out, in order; a
  line that fails is answered by an error line in its place.
- `GET /health`, `GET /schema`, `GET /version`.

Every error is a JSON body `{"error": {"status": ..., "code": ..., "message": ...}}`. The server
reads nothing but the request: a path or URL in it is text like any other.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import sys
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from plan_extract import __version__
from plan_extract.pool import Busy, ExtractionFailed, ExtractorPool, Task, TimeLimit
from plan_extract.server_settings import Settings

JSON_TYPES = {"application/json"}
JSONL_TYPES = {"application/jsonl", "application/x-ndjson", "application/json-lines", "application/x-jsonlines"}
FIELDS = {"text", "document_date", "id"}


class RequestError(Exception):
    """A request the server refuses: HTTP status, a short code and a message saying how to fix it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.ident: str | None = None  # the id of the batch line it answers, when it has one

    def body(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "code": self.code, "message": self.message}}


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(RequestError(status, code, message).body(), status_code=status, headers=headers)


# --- reading requests ------------------------------------------------------------------------


def _media_type(request: Request) -> tuple[str, str | None]:
    """The media type of the body and its charset parameter, lower-cased."""
    parts = [p.strip() for p in request.headers.get("content-type", "").split(";")]
    charset = next((p.split("=", 1)[1].strip().strip('"').lower() for p in parts[1:]
                    if p.lower().startswith("charset=")), None)
    return parts[0].lower(), charset


async def _body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise RequestError(413, "too_large", f"the body has {declared} bytes, more than the limit of {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(413, "too_large", f"the body passes the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(400, "not_utf8", f"{what} is not UTF-8 (bad byte at offset {exc.start}); "
                                            "send UTF-8") from None


def _date(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RequestError(422, "bad_date", "document_date must be a string YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise RequestError(422, "bad_date", f"document_date {value!r} is not a date; write it as YYYY-MM-DD, "
                                            "e.g. 2023-01-12") from None


def _text(value: object, max_chars: int) -> str:
    if not isinstance(value, str):
        raise RequestError(422, "bad_text", "text must be a string holding the article")
    if len(value) > max_chars:
        raise RequestError(413, "too_large", f"the text has {len(value)} characters, more than the limit "
                                             f"of {max_chars}")
    if not value.strip():
        raise RequestError(422, "empty_text", "the text is empty or only white space")
    if "\x00" in value:
        raise RequestError(422, "binary_text", "the text holds NUL characters: binary data, not text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestError(400, "not_utf8", "the text holds a lone surrogate (\\ud800-\\udfff), not Unicode "
                                            "text") from None
    return value


def _task(item: object, max_chars: int, indent: int | None) -> Task:
    """A task from a decoded JSON object {"text", "document_date"?, "id"?}."""
    if not isinstance(item, dict):
        raise RequestError(422, "bad_request", 'the body must be a JSON object such as {"text": "..."}')
    unknown = sorted(set(item) - FIELDS)
    if unknown:
        raise RequestError(422, "unknown_field", f"unknown field(s) {', '.join(map(repr, unknown))}; the fields "
                                                 "are text, document_date and id")
    if "text" not in item:
        raise RequestError(422, "missing_text", 'the body has no "text" field')
    ident = item.get("id")
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, (str, int))):
        raise RequestError(422, "bad_id", "id must be a string or an integer")
    return Task(text=_text(item["text"], max_chars), document_date=_date(item.get("document_date")),
                path=None if ident is None else str(ident), indent=indent)


def _json(data: str, what: str) -> object:
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise RequestError(400, "bad_json", f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} "
                                            f"column {exc.colno}") from None


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false").lower()
    if value not in {"true", "1", "yes", "false", "0", "no"}:
        raise RequestError(422, "bad_parameter", f"?{name}= takes true or false, not {value!r}")
    return value in {"true", "1", "yes"}


def _charset_is_utf8(charset: str | None) -> None:
    if charset not in (None, "utf-8", "utf8"):
        raise RequestError(415, "unsupported_charset", f"charset {charset} is not supported; send UTF-8")


# --- the application -------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    from plan_extract.models import SCHEMA_VERSION
    from plan_extract.pipeline import MODEL

    found = {"plan_extract": __version__, "schema_version": SCHEMA_VERSION}
    for package in ("spacy", MODEL):
        try:
            found[package.replace("-", "_")] = version(package)
        except PackageNotFoundError:
            found[package.replace("-", "_")] = "unknown"
    return found


def create_app(settings: Settings, banner: str | None = None) -> Starlette:
    """The Starlette application; its lifespan starts `settings.workers` extraction processes and
    prints `banner` on stderr once they are ready."""
    state: dict[str, ExtractorPool] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = ExtractorPool(settings.workers, settings.max_queue, settings.lexicon)
        state["pool"] = pool
        try:
            await pool.start()
            if banner:
                print(banner, file=sys.stderr, flush=True)
            yield
        finally:
            await pool.close()

    async def extract_one(pool: ExtractorPool, task: Task, wait: float | None) -> str:
        try:
            return await pool.extract(task, wait=wait, limit=settings.timeout)
        except Busy as exc:
            raise RequestError(503, "busy", f"{exc}; retry later") from None
        except TimeLimit as exc:
            raise RequestError(504, "time_limit", f"{exc}; split the text or raise --timeout") from None
        except ExtractionFailed as exc:
            raise RequestError(500, "extraction_failed", str(exc)) from None

    def handled(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request)
            except RequestError as exc:
                headers = {"Retry-After": str(max(1, round(settings.timeout)))} if exc.status == 503 else None
                return JSONResponse(exc.body(), status_code=exc.status, headers=headers)
        return run

    @handled
    async def extract(request: Request) -> Response:
        media, charset = _media_type(request)
        indent = None if _flag(request, "compact") else 2
        if media in JSON_TYPES:
            _charset_is_utf8(charset)
            body = await _body(request, settings.max_body)
            task = _task(_json(_utf8(body, "the body"), "the body"), settings.max_chars, indent)
        elif media == "text/plain":
            _charset_is_utf8(charset)
            body = await _body(request, settings.max_body)
            params = request.query_params
            task = Task(text=_text(_utf8(body, "the body"), settings.max_chars),
                        document_date=_date(params.get("document_date")), path=params.get("id"), indent=indent)
        else:
            raise RequestError(415, "unsupported_media_type",
                               f"Content-Type {media or '(none)'} is not supported; send application/json "
                               '({"text": ...}) or text/plain')
        return Response(await extract_one(state["pool"], task, settings.timeout) + "\n",
                        media_type="application/json")

    @handled
    async def extract_batch(request: Request) -> Response:
        media, charset = _media_type(request)
        if media not in JSONL_TYPES:
            raise RequestError(415, "unsupported_media_type",
                               f"Content-Type {media or '(none)'} is not supported; send JSON Lines "
                               "(application/x-ndjson or application/jsonl), one object a line")
        _charset_is_utf8(charset)
        body = _utf8(await _body(request, settings.max_body), "the body")
        items: list[tuple[int, Task | RequestError]] = []
        for number, line in enumerate(body.splitlines(), 1):
            if not line.strip():
                continue
            decoded = None
            try:
                decoded = _json(line, f"line {number}")
                items.append((number, _task(decoded, settings.max_chars, None)))
            except RequestError as exc:
                if isinstance(decoded, dict) and isinstance(decoded.get("id"), (str, int)):
                    exc.ident = str(decoded["id"])
                items.append((number, exc))
        pool = state["pool"]
        return StreamingResponse(_stream(items, lambda task: extract_one(pool, task, None), 2 * settings.workers),
                                 media_type="application/x-ndjson")

    async def health(request: Request) -> Response:
        pool = state["pool"]
        body = {"status": "ok" if pool.ready else "starting", "workers": pool.size, "ready": pool.ready,
                "idle": pool.idle, "waiting": pool.waiting, "replaced": pool.replaced}
        return JSONResponse(body, status_code=200 if pool.ready else 503)

    async def schema(request: Request) -> Response:
        from plan_extract.models import json_schema

        return JSONResponse(json_schema())

    async def versions(request: Request) -> Response:
        return JSONResponse(_versions())

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, f"{request.method} {request.url.path}: {exc.detail}", exc.headers)

    async def internal_error(request: Request, exc: Exception) -> Response:
        return _error(500, "internal_error", f"{type(exc).__name__}: {exc}")

    routes = [
        Route("/extract", extract, methods=["POST"]),
        Route("/extract/batch", extract_batch, methods=["POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/schema", schema, methods=["GET"]),
        Route("/version", versions, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan,
                     exception_handlers={HTTPException: http_error, Exception: internal_error})


async def _stream(items: list[tuple[int, Task | RequestError]], extract: Callable[[Task], Awaitable[str]],
                  window: int) -> AsyncIterator[str]:
    """One line per item, in order; up to `window` items in flight so that every process stays fed.
    A failed item is answered by its error with its line number (and its id when it has one)."""

    async def line(number: int, item: Task | RequestError) -> str:
        try:
            if isinstance(item, RequestError):
                raise item
            return await extract(item) + "\n"
        except RequestError as exc:
            body = {**exc.body(), "line": number}
            ident = item.path if isinstance(item, Task) else item.ident
            if ident is not None:
                body["id"] = ident
            return json.dumps(body, ensure_ascii=False) + "\n"

    in_flight: deque[asyncio.Task[str]] = deque()
    try:
        for item in items:
            in_flight.append(asyncio.ensure_future(line(*item)))
            if len(in_flight) > window:
                yield await in_flight.popleft()
        while in_flight:
            yield await in_flight.popleft()
    finally:  # the client left: the lines not sent yet are not worked out
        for task in in_flight:
            task.cancel()


def serve(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    """Bind `host:port` (port 0: a free port), start the extraction processes and serve until
    interrupted. Prints `plan-extract serving on http://HOST:PORT/` on stderr when ready."""
    settings = settings or Settings()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    plural = "es" if settings.workers > 1 else ""
    banner = f"plan-extract serving on http://{shown}:{bound}/ ({settings.workers} extraction process{plural})"
    config = uvicorn.Config(create_app(settings, banner), log_level="warning", access_log=False,
                            timeout_graceful_shutdown=5)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises the signal again once it has shut down cleanly
        pass

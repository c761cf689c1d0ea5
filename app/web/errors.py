"""One error path: JSON `{"detail", "field"}` under /api, the styled error page elsewhere.

Use cases raise `AppError`s (app/errors.py); FastAPI's validation errors, Starlette's HTTP
errors and `SeeOther` (a redirect raised by a dependency) are turned into responses here too.
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db_status import is_read_only_error
from app.errors import AppError
from app.web.forms import printable
from app.web.rendering import build_page
from app.web.responses import SeeOther, see_other

TITLES = {
    400: "Bad request", 401: "Sign-in needed", 403: "Not allowed", 404: "Page not found",
    405: "Method not allowed", 409: "Conflict", 413: "Request too large",
    422: "Invalid input", 429: "Too many attempts", 500: "Something went wrong",
    503: "Saving is paused",
}
READ_ONLY = "The guide cannot save anything right now; reading still works."
SERVER_ERROR = "The guide ran into an unexpected problem. Please try again in a moment."
MAX_MESSAGE = 300
# FastAPI's error types for a path id that is not a whole number from 1 to MAX_ID.
NOT_AN_ID = {"int_parsing", "int_type", "int_from_float", "greater_than_equal",
             "less_than_equal", "greater_than", "less_than"}
logger = logging.getLogger(__name__)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def error_response(request: Request, status: int, message: str, *,
                         field: str | None = None, headers: dict | None = None) -> Response:
    """The response for an error: JSON {"detail", "field"} under /api, else errors/error.html.

    Messages and fields may quote the input: they are made printable here, once, so that no
    error response can fail to encode (a lone surrogate) or carry control characters.
    """
    message, field = printable(message, limit=MAX_MESSAGE), field and printable(field)
    if wants_json(request):
        body = {"detail": message}
        if field:
            body["field"] = field
        return JSONResponse(body, status_code=status, headers=headers)
    page = await build_page(request)
    return page.render("errors/error.html",
                       {"status": status, "title": TITLES.get(status, "Error"),
                        "message": message}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError):
        return await error_response(request, exc.status_code, exc.message, field=exc.field,
                                    headers=exc.headers)

    @app.exception_handler(SeeOther)
    async def _see_other(request: Request, exc: SeeOther):
        return see_other(exc.url)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        if exc.status_code == 404 and not wants_json(request):
            message = "There is no page at this address."
        return await error_response(request, exc.status_code, message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        status, message, field = validation_failure(exc.errors())
        if status == 404 and not wants_json(request):
            message = "There is no page at this address."
        return await error_response(request, status, message, field=field)

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, exc: DBAPIError):
        if not is_read_only_error(exc):
            raise exc  # a real failure: ServerErrorPage answers 500 and the server logs it
        logger.warning("write refused, the database is read-only: %s", exc.orig)
        return await error_response(request, 503, READ_ONLY, headers={"Retry-After": "60"})


def validation_failure(errors: list[dict]) -> tuple[int, str, str | None]:
    """(status, message, field) for FastAPI's validation errors, from the first one.

    A body that is not JSON is 400; a path id that is not a whole number in range is 404,
    as an unknown id is; anything else is 422 naming the field. Input is never echoed raw.
    """
    first = errors[0] if errors else {"loc": (), "msg": "invalid input", "type": ""}
    if first.get("type") == "json_invalid":
        return 400, "The request body is not valid JSON.", None
    loc = tuple(first.get("loc", ()))
    if loc[:1] == ("path",) and first.get("type") in NOT_AN_ID:
        return 404, "There is no such item.", None
    field = ".".join(printable(str(p)) for p in loc if p not in ("body", "query", "path"))
    message = printable(str(first.get("msg", "invalid input")), limit=MAX_MESSAGE)
    return 422, f"{field}: {message}" if field else message, field or None


class ServerErrorPage:
    """A bug's 500 as the styled page (JSON under /api) rather than Starlette's bare text.

    Starlette's ServerErrorMiddleware sits outside every middleware of ours, so its response
    lacks the security headers; this one is installed inside ResponseGuard, which adds them.
    The exception is re-raised so that the server still logs its traceback.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if not started:  # else the client gets a cut-off response, as before
                response = await _server_error_response(Request(scope))
                await response(scope, receive, send)
            raise


async def _server_error_response(request: Request) -> Response:
    try:
        return await error_response(request, 500, SERVER_ERROR)
    except Exception:  # the error page itself is broken: plain text, still with our headers
        return PlainTextResponse(SERVER_ERROR, status_code=500)

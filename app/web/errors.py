"""One error path: JSON `{"detail", "field"}` under /api, the styled error page elsewhere.

Use cases raise `AppError`s (app/errors.py); FastAPI's validation errors, Starlette's HTTP
errors and `SeeOther` (a redirect raised by a dependency) are turned into responses here too.
"""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AppError
from app.web.rendering import build_page
from app.web.responses import SeeOther, see_other

TITLES = {
    400: "Bad request", 401: "Sign-in needed", 403: "Not allowed", 404: "Page not found",
    405: "Method not allowed", 409: "Conflict", 413: "Request too large",
    422: "Invalid input", 429: "Too many attempts", 500: "Something went wrong",
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def error_response(request: Request, status: int, message: str, *,
                         field: str | None = None, headers: dict | None = None) -> Response:
    """The response for an error: JSON {"detail", "field"} under /api, else errors/error.html."""
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
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid input"}
        field = ".".join(str(p) for p in first["loc"] if p not in ("body", "query", "path"))
        message = f"{field}: {first['msg']}" if field else first["msg"]
        return await error_response(request, 422, message, field=field or None)

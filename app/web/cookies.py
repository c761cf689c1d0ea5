"""The two cookies the guide sets, read and written in one place.

`guide_session` holds a sign-in token (its SHA-256 is the `sign_in` row); `csrftoken` holds the
CSRF token (app/web/middleware.py). Routes set or clear the sign-in cookie on the response
they return, and only after the use case that made the token has committed.
"""

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import Response

from app.config import Settings

SIGN_IN_COOKIE = "guide_session"
CSRF_COOKIE = "csrftoken"


def read_cookie(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw or name not in raw:
        return None
    return cookie_parser(raw).get(name)


def cookie_header(name: str, value: str, *, max_age: int | None, https: bool) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if https:
        parts.append("Secure")
    return "; ".join(parts)


def set_sign_in_cookie(response: Response, token: str | None, settings: Settings) -> Response:
    """Give the browser its new sign-in token (nothing happens when there is none)."""
    if token:
        response.headers.append("set-cookie", cookie_header(
            SIGN_IN_COOKIE, token, max_age=settings.session_days * 86400, https=settings.https))
    return response


def clear_sign_in_cookie(response: Response, settings: Settings) -> Response:
    response.headers.append("set-cookie", cookie_header(
        SIGN_IN_COOKIE, "", max_age=0, https=settings.https))
    return response

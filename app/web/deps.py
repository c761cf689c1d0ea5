"""Dependencies as Annotated aliases, so route signatures stay short.

Who is asking: `Viewer` (the signed-in or anonymous user of this browser, or None),
`CurrentInstructor` (an instructor by sign-in, or a read-only API token's owner). What they
may use: `Db` (reads and writes of use cases), `GuideDep`, `SettingsDep`, and `PageDep`,
the one way to render an HTML page (app/web/rendering.py), with `FragmentsDep` for page
bodies that are the same for everybody (app/web/fragments.py).

One route reads its body and these objects itself: the quiz submission, the write hot path,
where FastAPI's body parsing and dependency solving were a tenth of each request's CPU
(app/web/json_body.py).
"""

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from app.config import Settings
from app.db import Database
from app.errors import Forbidden, Unauthorized
from app.guide import Guide
from app.models import User
from app.services import api_tokens, sign_ins
from app.services.passwords import Passwords
from app.web.cookies import SIGN_IN_COOKIE, read_cookie
from app.web.fragments import Fragments
from app.web.rendering import Page, build_page
from app.web.responses import SeeOther


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_guide(request: Request) -> Guide:
    return request.app.state.guide


async def get_database(request: Request) -> Database:
    return request.app.state.database


SettingsDep = Annotated[Settings, Depends(get_settings)]
GuideDep = Annotated[Guide, Depends(get_guide)]
Db = Annotated[Database, Depends(get_database)]


async def sign_in_token(request: Request) -> str | None:
    """This browser's sign-in token (the cookie), if it sent one. Async because it is quick:
    FastAPI would run a plain `def` dependency in its thread pool, a hand-off per request."""
    return read_cookie(request.headers, SIGN_IN_COOKIE)


SignInToken = Annotated[str | None, Depends(sign_in_token)]


async def get_page(request: Request) -> Page:
    """Everything every HTML page shows (the viewer in the header, nav ticks), in one read."""
    return await build_page(request)


PageDep = Annotated[Page, Depends(get_page)]


async def get_fragments(request: Request) -> Fragments:
    return request.app.state.fragments


FragmentsDep = Annotated[Fragments, Depends(get_fragments)]


async def get_viewer(db: Db, token: SignInToken) -> User | None:
    """The user of this browser (signed in or anonymous), or None before its first write.

    HTML routes read it from their `PageDep` instead, which loads it with the nav ticks.
    """
    return await db.read(sign_ins.find_user, token=token)


Viewer = Annotated[User | None, Depends(get_viewer)]


# --- instructors (sign-ins, or read-only personal API tokens under /api/v1/cohorts)

TOKEN_API_PREFIX = "/api/v1/cohorts"


async def get_current_instructor(request: Request, db: Db, token: SignInToken) -> User:
    """The signed-in instructor or admin, or a bearer token's owner on read-only API calls.

    Anonymous: 303 to /login?next=... for pages, 401 under /api. A learner: 403.
    """
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user = await _token_owner(request, db, authorization[7:].strip())
    else:
        user = await db.read(sign_ins.find_user, token=token)
        if user is None or not user.is_registered:
            _refuse_anonymous(request)
    if not user.is_instructor:
        raise Forbidden("This page is for instructors.")
    return user


def _refuse_anonymous(request: Request):
    if request.url.path.startswith("/api/"):
        raise Unauthorized("Sign in as an instructor, or send an API token.")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise SeeOther(f"/login?next={quote(target, safe='/')}")


async def _token_owner(request: Request, db: Db, secret: str) -> User:
    if request.method != "GET" or not request.url.path.startswith(TOKEN_API_PREFIX):
        raise Forbidden("API tokens are read-only and only work under /api/v1/cohorts.")
    found = await db.read(api_tokens.find_token, secret=secret)
    if found is None:
        raise Unauthorized("This API token is unknown or revoked.",
                           headers={"WWW-Authenticate": "Bearer"})
    token, owner = found
    if api_tokens.use_is_worth_recording(token):
        await db.write(api_tokens.record_use, token_id=token.id)
    return owner


CurrentInstructor = Annotated[User, Depends(get_current_instructor)]


async def get_passwords(request: Request) -> Passwords:
    return request.app.state.passwords


PasswordsDep = Annotated[Passwords, Depends(get_passwords)]


def client_ip(request: Request) -> str:
    """The address throttles count by (uvicorn resolves trusted forwarded headers first)."""
    return request.client.host if request.client else "unknown"


ClientIp = Annotated[str, Depends(client_ip)]

"""Dependencies as Annotated aliases, so route signatures stay short."""

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from app.config import Settings
from app.db import session_scope
from app.errors import Forbidden, Unauthorized
from app.guide import Guide
from app.models import Learner
from app.security import SAFE_METHODS, SESSION_COOKIE, read_cookie
from app.services import api_tokens, sessions


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_guide(request: Request) -> Guide:
    return request.app.state.guide


def get_session(request: Request) -> Iterator[Session]:
    """Reads share snapshots; state-changing requests take SQLite's write lock at BEGIN."""
    state = request.app.state
    engine = state.engine if request.method in SAFE_METHODS else state.write_engine
    with session_scope(engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
GuideDep = Annotated[Guide, Depends(get_guide)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_current_learner(request: Request, session: SessionDep) -> Learner | None:
    """The signed-in (or anonymous) learner of this browser, if it has one yet."""
    token = read_cookie(request.headers, SESSION_COOKIE)
    learner = sessions.find_learner_by_token(session, token)
    request.state.learner = learner
    return learner


CurrentLearner = Annotated[Learner | None, Depends(get_current_learner)]


def start_session(request: Request, session: Session, learner: Learner) -> None:
    """Give this browser a new session cookie for `learner` (set by ResponseGuard)."""
    settings: Settings = request.app.state.settings
    token = sessions.create_session(session, learner=learner, days=settings.session_days)
    set_session_cookie(request, learner, token)


def set_session_cookie(request: Request, learner: Learner, token: str) -> None:
    """Send `token` (of a session a service already stored) as this browser's session cookie."""
    settings: Settings = request.app.state.settings
    request.state.new_session_token = token
    request.state.session_max_age = settings.session_days * 86400
    request.state.learner = learner


def get_or_create_learner(request: Request, session: SessionDep,
                          learner: CurrentLearner) -> Learner:
    """For writes: the current learner, or a new anonymous one kept in a session cookie."""
    if learner is not None:
        return learner
    learner = sessions.create_anonymous_learner(session)
    start_session(request, session, learner)
    return learner


LearnerForWrite = Annotated[Learner, Depends(get_or_create_learner)]


# --- instructors (sessions, or read-only personal API tokens under /api/v1/cohorts)

TOKEN_API_PREFIX = "/api/v1/cohorts"


def get_current_instructor(request: Request, session: SessionDep,
                           learner: CurrentLearner) -> Learner:
    """The signed-in instructor or admin, or a bearer token's owner on read-only API calls.

    Anonymous: 303 to /login?next=... for pages, 401 under /api. A learner: 403.
    """
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        learner = _token_owner(request, session, authorization[7:].strip())
    elif learner is None or not learner.is_registered:
        if request.url.path.startswith("/api/"):
            raise Unauthorized("Sign in as an instructor, or send an API token.")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(status_code=303, detail="Sign in first.",
                            headers={"Location": f"/login?next={quote(target, safe='/')}"})
    if not learner.is_instructor:
        raise Forbidden("This page is for instructors.")
    request.state.learner = learner
    return learner


def _token_owner(request: Request, session: Session, secret: str) -> Learner:
    if request.method != "GET" or not request.url.path.startswith(TOKEN_API_PREFIX):
        raise Forbidden("API tokens are read-only and only work under /api/v1/cohorts.")
    owner = api_tokens.find_token_owner(session, secret=secret)
    if owner is None:
        raise Unauthorized("This API token is unknown or revoked.",
                           headers={"WWW-Authenticate": "Bearer"})
    return owner


CurrentInstructor = Annotated[Learner, Depends(get_current_instructor)]

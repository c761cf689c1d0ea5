"""Dependencies as Annotated aliases, so route signatures stay short."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.config import Settings
from app.db import session_scope
from app.guide import Guide
from app.models import Learner
from app.security import SAFE_METHODS, SESSION_COOKIE, read_cookie
from app.services import sessions


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_guide(request: Request) -> Guide:
    return request.app.state.guide


def get_session(request: Request) -> Iterator[Session]:
    """Reads share snapshots; state-changing requests take SQLite's write lock at BEGIN."""
    state = request.app.state
    engine = state.engine if request.method in SAFE_METHODS else state.write_engine
    yield from session_scope(engine)


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

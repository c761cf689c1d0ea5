"""Helpers for the instructor tests: accounts, sign-in without the login form, seeded progress."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import ChapterVisit, Cohort, CohortMember, User
from app.models.types import utcnow
from app.services import api_tokens, cohorts, sign_ins
from app.web.cookies import SIGN_IN_COOKIE
from tests.factories import make_attempt


def db(app) -> Session:
    return Session(app.state.database.engine, expire_on_commit=False)


def make_account(app, *, email: str, role: str = "learner", display_name: str | None = None,
                 last_active_days_ago: float = 0) -> User:
    with db(app) as session:
        learner = User(email=email, role=role, display_name=display_name or email.split("@")[0],
                          last_active_at=utcnow() - timedelta(days=last_active_days_ago))
        session.add(learner)
        session.commit()
        return learner


def client_for(app, learner: User | None = None) -> TestClient:
    """A separate browser: its own cookie jar, signed in as `learner` when given."""
    client = TestClient(app, follow_redirects=False)
    if learner is not None:
        with db(app) as session:
            token = sign_ins.create_sign_in(session, user_id=learner.id, days=1)
            session.commit()
        client.cookies.set(SIGN_IN_COOKIE, token)
    client.get("/healthz")  # the CSRF cookie, as a browser gets it from its first page
    return client


def csrf(client: TestClient) -> dict:
    return {"csrf_token": client.cookies["csrftoken"]}


def csrf_header(client: TestClient) -> dict:
    return {"X-CSRF-Token": client.cookies["csrftoken"]}


def make_cohort(app, *, owner: User, name: str = "Cohort") -> Cohort:
    with db(app) as session:
        cohort = cohorts.create_cohort(session, owner=session.get(User, owner.id), name=name)
        session.commit()
        return cohort


def add_member(app, cohort: Cohort, learner: User) -> None:
    with db(app) as session:
        session.add(CohortMember(cohort_id=cohort.id, learner_id=learner.id))
        session.commit()


def read(app, learner: User, *slugs: str) -> None:
    with db(app) as session:
        for slug in slugs:
            session.add(ChapterVisit(learner_id=learner.id, chapter_slug=slug))
        session.commit()


def quiz_attempts(app, learner: User, slug: str, *percents: float) -> None:
    """Full attempts at `slug` scoring `percents`, in that order, through the quiz engine's own
    store (factories.make_attempt) with the quiz's pass mark."""
    quiz = app.state.guide.quizzes.get(slug)
    with db(app) as session:
        for percent in percents:
            make_attempt(session, learner=learner, quiz_slug=slug, percent=percent,
                         pass_percent=quiz.pass_percent if quiz else 80.0)


def make_token(app, owner: User, name: str = "reports") -> str:
    with db(app) as session:
        _, secret = api_tokens.create_token(session, owner=session.get(User, owner.id),
                                            name=name)
        session.commit()
        return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}

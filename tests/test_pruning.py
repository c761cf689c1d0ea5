"""`guide prune`: expired sessions, inactive anonymous learners and old login failures go."""

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from app.models import Answer, Attempt, Cohort, CohortMember, LoginFailure, SignIn, User
from app.models.types import utcnow
from app.services.pruning import PruneReport, prune
from tests.factories import make_attempt, make_learner

NOW = utcnow()


def days_ago(days: float):
    return NOW - timedelta(days=days)


def learner_at(db: Session, *, last_active_days: float, email: str | None = None) -> User:
    learner = make_learner(db, email=email)
    learner.last_active_at = days_ago(last_active_days)
    db.add(learner)
    db.commit()
    return learner


def session_row(db: Session, learner: User, *, expires_in_days: float, name: str) -> None:
    db.add(SignIn(token_hash=name.ljust(64, "0"), learner_id=learner.id,
                       expires_at=NOW + timedelta(days=expires_in_days)))
    db.commit()


def count(db: Session, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def write_db(app):
    with Session(app.state.database.engine, expire_on_commit=False) as session:
        yield session


def test_prune_deletes_what_nobody_can_use_and_keeps_the_rest(db, write_db):
    instructor = learner_at(db, last_active_days=400, email="teacher@example.com")
    registered = learner_at(db, last_active_days=400, email="ada@example.com")
    gone = learner_at(db, last_active_days=45)  # anonymous, idle, in a cohort, with attempts
    cohort = Cohort(name="C", join_code="code-1", owner_id=instructor.id)
    db.add(cohort)
    db.commit()
    db.add(CohortMember(cohort_id=cohort.id, learner_id=gone.id))
    db.commit()
    make_attempt(db, learner=gone, quiz_slug="alpha", percent=50)
    active = learner_at(db, last_active_days=2)
    make_attempt(db, learner=active, quiz_slug="alpha", percent=90)
    still_signed_in = learner_at(db, last_active_days=45)
    session_row(db, still_signed_in, expires_in_days=1, name="live-anonymous")
    session_row(db, registered, expires_in_days=-1, name="expired")
    session_row(db, registered, expires_in_days=3, name="live")
    db.add(LoginFailure(email="x@example.com", ip="10.0.0.1", created_at=NOW - timedelta(hours=1)))
    db.add(LoginFailure(email="x@example.com", ip="10.0.0.1",
                        created_at=NOW - timedelta(minutes=1)))
    db.commit()

    report = prune(write_db, now=NOW, anonymous_days=30, session_days=30)
    write_db.commit()

    assert report == PruneReport(sessions=1, anonymous_learners=1, login_failures=1)
    remaining = set(db.exec(select(User.id)).all())
    assert remaining == {instructor.id, registered.id, active.id, still_signed_in.id}
    hashes = {h.rstrip("0") for h in db.exec(select(SignIn.token_hash)).all()}
    assert hashes == {"live", "live-anonymous"}
    assert db.exec(select(Attempt.learner_id)).all() == [active.id]
    assert count(db, Answer) == 1
    assert count(db, CohortMember) == 0
    assert db.exec(select(LoginFailure.created_at)).all()[0] > NOW - timedelta(minutes=15)


def test_anonymous_learners_are_kept_while_their_cookie_could_still_be_live(db, write_db):
    idle = learner_at(db, last_active_days=45)

    report = prune(write_db, now=NOW, anonymous_days=7, session_days=60)
    write_db.commit()

    assert report.anonymous_learners == 0
    assert db.get(User, idle.id) is not None


def test_prune_does_not_commit(db, write_db):
    learner_at(db, last_active_days=45)

    assert prune(write_db, now=NOW, anonymous_days=30).anonymous_learners == 1
    write_db.rollback()

    assert count(db, User) == 1


def test_guide_prune_command_prints_the_counts(app, db, settings, monkeypatch, capsys):
    from app.cli import main

    learner_at(db, last_active_days=10)
    learner_at(db, last_active_days=45)
    monkeypatch.setenv("GUIDE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("GUIDE_VAR_DIR", str(settings.var_dir))

    assert main(["prune", "--anonymous-days", "5"]) == 0  # session_days (30) still applies

    assert capsys.readouterr().out.strip() == (
        "pruned 0 expired session(s), 1 inactive anonymous learner(s), 0 old login failure(s)")
    assert count(db, User) == 1


def test_guide_serve_prunes_before_starting_the_server(app, db, settings, monkeypatch, capsys):
    import uvicorn

    from app.cli import main

    learner_at(db, last_active_days=45)
    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.append(count(db, User)))
    monkeypatch.setenv("GUIDE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("GUIDE_VAR_DIR", str(settings.var_dir))

    assert main(["serve"]) == 0

    assert started == [0]
    assert "1 inactive anonymous learner(s)" in capsys.readouterr().out

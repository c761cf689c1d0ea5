"""`guide seed-demo`: consistent rows at small N, through the service and the command."""

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.cli import main
from app.demo.data import seed_demo
from app.errors import Invalid
from app.models import Answer, Attempt, ChapterVisit, Cohort, CohortMember, QuizProgress, User
from app.models.types import utcnow
from app.services import dashboard
from tests.cohort_helpers import db, make_account


def seed(app, learners: int = 40, **kwargs):
    with db(app) as session:
        summary = seed_demo(session, app.state.guide, learners=learners, cohort_name="Demo",
                            **kwargs)
        session.commit()
    return summary


def test_seed_demo_counts_match_the_rows_stored(app):
    summary = seed(app)
    with db(app) as session:
        members = session.exec(select(func.count()).select_from(CohortMember).where(
            CohortMember.cohort_id == summary.cohort_id)).one()
        attempts = session.exec(select(func.count()).select_from(Attempt)).one()
        answers = session.exec(select(func.count()).select_from(Answer)).one()
        visits = session.exec(select(func.count()).select_from(ChapterVisit)).one()
        owner = session.get(Cohort, summary.cohort_id).owner_id
        assert session.get(User, owner).role == "instructor"
    assert members == summary.learners == 40
    assert (attempts, answers, visits) == (summary.attempts, summary.answers, summary.visits)
    assert attempts > 40 and answers > attempts


def test_seed_demo_answers_every_question_of_each_attempt(app):
    seed(app)
    guide = app.state.guide
    expected = {slug: len(quiz.questions) for slug, quiz in guide.quizzes.items()}
    expected["lab"] = sum(len([c for c in row.cells if c not in row.disputed])
                          for row in guide.matrix.rows)
    with db(app) as session:
        per_attempt = session.exec(select(Attempt.quiz_slug, Attempt.score, func.count(),
                                          func.sum(Answer.score))
                                   .join(Answer).group_by(Attempt.id)).all()
    for slug, score, count, answer_score in per_attempt:
        assert count == expected[slug]
        assert score == pytest.approx(answer_score)


def test_seed_demo_quiz_progress_matches_the_attempts(app):
    seed(app)
    with db(app) as session:
        progress = {(p.learner_id, p.quiz_slug): p for p in session.exec(select(QuizProgress))}
        attempts = session.exec(select(Attempt).order_by(Attempt.created_at)).all()
    by_key: dict[tuple[int, str], list[Attempt]] = {}
    for attempt in attempts:
        by_key.setdefault((attempt.learner_id, attempt.quiz_slug), []).append(attempt)
    assert set(progress) == set(by_key)
    for key, taken in by_key.items():
        row = progress[key]
        assert row.attempts == len(taken)
        assert row.failed_attempts == sum(not a.passed for a in taken)
        assert row.best_percent == max(a.percent for a in taken)
        assert row.last_percent == taken[-1].percent
        assert row.passed == any(a.passed for a in taken)
        assert [a.is_first for a in taken] == [True] + [False] * (len(taken) - 1)


def test_seed_demo_reuses_the_cohort_and_is_repeatable(app):
    first = seed(app, learners=5, seed=3)
    again = seed(app, learners=5, seed=3)
    assert again.cohort_id == first.cohort_id
    assert (again.attempts, again.answers) == (first.attempts, first.answers)
    with db(app) as session:
        assert session.exec(select(func.count()).select_from(CohortMember)).one() == 10


def test_seed_demo_refuses_a_learner_as_owner(app):
    make_account(app, email="learner@example.com")
    with pytest.raises(Invalid), db(app) as session:
        seed_demo(session, app.state.guide, learners=1, cohort_name="X",
                  instructor_email="learner@example.com")


def test_seed_demo_command_fills_the_configured_database(app, settings, monkeypatch, capsys):
    monkeypatch.setenv("GUIDE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("GUIDE_CONTENT_DIR", str(settings.content_dir))
    monkeypatch.setenv("GUIDE_VAR_DIR", str(settings.var_dir))
    assert main(["seed-demo", "--learners", "7", "--cohort", "Command"]) == 0
    assert "7 learners" in capsys.readouterr().out
    with db(app) as session:
        cohort = session.exec(select(Cohort).where(Cohort.name == "Command")).one()
        members = session.exec(select(func.count()).select_from(CohortMember).where(
            CohortMember.cohort_id == cohort.id)).one()
    assert members == 7


def flagged(app, cohort_id: int, flag: str) -> int:
    """How many members the dashboard counts under `flag` (its own filter, 7 stuck days)."""
    with db(app) as session:
        page = dashboard.cohort_heatmap(session, cohort=session.get(Cohort, cohort_id),
                                        guide=app.state.guide,
                                        query=dashboard.heatmap_query(flag=flag), stuck_days=7)
    return page.total


def test_seed_demo_looks_like_a_live_cohort(real_app):
    summary = seed(real_app, learners=300, seed=1)
    stuck, struggling = flagged(real_app, summary.cohort_id, "stuck"), flagged(
        real_app, summary.cohort_id, "struggling")
    assert 30 <= stuck <= 60, stuck  # 10-20 %: most learners were active this week
    assert 30 <= struggling <= 45, struggling  # 10-15 %


def test_seed_demo_last_activity_is_the_latest_thing_each_learner_did(app):
    summary = seed(app, learners=60, seed=2)
    now = utcnow()
    with db(app) as session:
        learners = session.exec(select(User).join(CohortMember).where(
            CohortMember.cohort_id == summary.cohort_id)).all()
        visits = session.exec(select(ChapterVisit.learner_id,
                                     func.min(ChapterVisit.first_visited_at),
                                     func.max(ChapterVisit.last_visited_at))
                              .group_by(ChapterVisit.learner_id)).all()
        attempts = dict(session.exec(select(Attempt.learner_id, func.max(Attempt.created_at))
                                     .group_by(Attempt.learner_id)).all())
        joined = dict(session.exec(select(CohortMember.learner_id, CohortMember.joined_at)).all())
    first_visit = {learner_id: first for learner_id, first, _ in visits}
    latest = {learner_id: max(last, attempts.get(learner_id, last))
              for learner_id, _, last in visits}
    for learner in learners:
        assert learner.last_active_at <= now
        assert learner.created_at == joined[learner.id] <= first_visit[learner.id]
        assert learner.last_active_at == latest[learner.id]

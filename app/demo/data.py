"""`guide seed-demo`: a realistic cohort (readers, quiz attempts, the lab) in bulk.

Speed matters (10,000 learners and about a million answers in under a minute), so rows go in
with SQLAlchemy Core executemany in batches of a thousand learners, ids come back with
RETURNING, and nobody gets a password hash (argon2 per learner alone would take 20 minutes).
Attempt, Answer and QuizProgress rows are built together, so the summaries match the attempts.
"""

import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from app.demo.answers import LAB_SLUG, ItemModel, build_models
from app.errors import Invalid
from app.guide import Guide
from app.models import (
    Answer,
    Attempt,
    ChapterVisit,
    Cohort,
    CohortMember,
    QuizProgress,
    Role,
    User,
)
from app.models.types import utcnow

DEFAULT_INSTRUCTOR = "demo-instructor@example.com"
BATCH = 1000
FIRST = ("Ada", "Ben", "Chloé", "Dev", "Emeka", "Fatima", "Grace", "Hiro", "Ines", "Jonas",
         "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq")
LAST = ("Adams", "Bauer", "Chen", "Diallo", "Evans", "Fischer", "García", "Haddad", "Ivanova",
        "Jensen", "Kowalski", "Lopez", "Müller", "Nakamura", "O'Brien", "Patel", "Rossi", "Singh")


@dataclass(frozen=True)
class DemoSummary:
    cohort_id: int
    join_code: str
    learners: int
    visits: int
    attempts: int
    answers: int


@dataclass
class _Journey:
    """One simulated learner's rows, before the learner has an id."""

    learner: dict
    visits: list[dict] = field(default_factory=list)
    attempts: list[tuple[dict, list[dict]]] = field(default_factory=list)
    progress: dict[str, dict] = field(default_factory=dict)


def seed_demo(session: Session, guide: Guide, *, learners: int, cohort_name: str, seed: int = 1,
              instructor_email: str = DEFAULT_INSTRUCTOR,
              password_hash: str | None = None) -> DemoSummary:
    """Create (or reuse) the instructor's cohort `cohort_name` and fill it. Does not commit."""
    if learners < 0:
        raise Invalid("--learners must be 0 or more", field="learners")
    rng = random.Random(seed)
    owner = _instructor(session, instructor_email, password_hash)
    cohort = _cohort(session, owner, cohort_name)
    simulation = _Simulation(rng, guide, run=secrets.token_hex(4))
    counts: Counter = Counter()
    for start in range(0, learners, BATCH):
        journeys = [simulation.journey(i) for i in range(start, min(start + BATCH, learners))]
        counts.update(_insert(session, cohort.id, journeys))
    return DemoSummary(cohort_id=cohort.id, join_code=cohort.join_code,
                       learners=learners, visits=counts["visits"],
                       attempts=counts["attempts"], answers=counts["answers"])


def _instructor(session: Session, email: str, password_hash: str | None) -> User:
    owner = session.exec(select(User).where(User.email == email)).first()
    if owner is None:
        owner = User(email=email, display_name="Demo instructor", role=Role.instructor,
                        password_hash=password_hash)
        session.add(owner)
        session.flush()
    elif not owner.is_instructor:
        raise Invalid(f"{email} exists and is not an instructor", field="instructor_email")
    return owner


def _cohort(session: Session, owner: User, name: str) -> Cohort:
    statement = select(Cohort).where(Cohort.owner_id == owner.id, Cohort.name == name)
    cohort = session.exec(statement).first()
    if cohort is None:
        cohort = Cohort(name=name, owner_id=owner.id, join_code=secrets.token_urlsafe(16))
        session.add(cohort)
        session.flush()
    return cohort


# A live cohort: most learners were active this week; a few drifted away ("stuck" on the
# dashboard after GUIDE_STUCK_DAYS, 7 by default). The share of "struggling" learners (two or
# more failed attempts at a quiz not yet passed) comes out of the retry behaviour below: with
# these values, about 10-15 % at any size (tests/test_seed_demo.py pins it at 300).
IDLE_SHARE = 0.15  # learners whose last activity is 8 to 45 days ago
RECENT_DAYS, IDLE_DAYS = (0.0, 6.5), (8.0, 45.0)
MAX_ATTEMPTS = 4
RETRY_CHANCE = 0.83  # after a failed attempt, how often a learner tries again
RECALL = 0.65  # per earlier attempt: the chance of giving the answer its feedback showed


class _Simulation:
    def __init__(self, rng: random.Random, guide: Guide, *, run: str):
        self.rng = rng
        self.run = run
        self.models = build_models(guide, rng)
        self.chapters = [c.slug for c in guide.chapters]
        self.pass_percent = {slug: q.pass_percent for slug, q in guide.quizzes.items()}
        if guide.lab is not None:
            self.pass_percent[LAB_SLUG] = guide.lab.quiz.pass_percent
        self.now = utcnow()

    def journey(self, index: int) -> _Journey:
        """Read chapters in order until the learner drops out, taking most chapters' quizzes.

        The journey is simulated from an arbitrary start, then moved in time so that its last
        activity lands where this learner's recency says (recent for most, weeks ago for some).
        """
        rng = self.rng
        ability = rng.gauss(0, 1)
        when = start = self.now
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        journey = _Journey(learner={
            "email": f"demo-{self.run}-{index}@example.com", "display_name": name,
            "role": Role.learner, "password_hash": None, "created_at": when,
            "last_chapter_slug": None, "last_section": None})
        keep_reading = 0.9 + 0.05 * max(-1.0, min(1.0, ability))
        for position, slug in enumerate(self.chapters):
            if position and rng.random() > keep_reading:
                break
            journey.visits.append({"chapter_slug": slug, "first_visited_at": when,
                                   "last_visited_at": when + timedelta(hours=rng.uniform(0, 48))})
            journey.learner["last_chapter_slug"] = slug
            when += timedelta(minutes=rng.uniform(5, 3000))
            if slug in self.models and rng.random() < 0.9:
                when = self._take(journey, slug, ability, when)
        if LAB_SLUG in self.models and len(journey.visits) >= 2 and rng.random() < 0.6:
            self._take(journey, LAB_SLUG, ability, when)
        last = max([start] + [v["last_visited_at"] for v in journey.visits]
                   + [a["created_at"] for a, _ in journey.attempts])
        idle = rng.uniform(*(IDLE_DAYS if rng.random() < IDLE_SHARE else RECENT_DAYS))
        _shift(journey, self.now - timedelta(days=idle) - last)
        journey.learner["last_active_at"] = last + (journey.learner["created_at"] - start)
        return journey

    def _take(self, journey: _Journey, slug: str, ability: float, when):
        """Up to MAX_ATTEMPTS attempts: most learners who fail try again, and remember some of
        the answers the feedback showed them (miskeyed items included)."""
        for number in range(MAX_ATTEMPTS):
            when += timedelta(minutes=self.rng.uniform(2, 600))
            recall = 1 - (1 - RECALL) ** number
            answers = [_answer_row(model, self.rng, ability, recall)
                       for model in self.models[slug]]
            score = sum(a["score"] for a in answers)
            max_score = sum(a["max_score"] for a in answers)
            percent = round(100 * score / max_score, 2) if max_score else 0.0
            passed = percent >= self.pass_percent[slug]
            attempt = {"quiz_slug": slug, "client_attempt_id": f"demo-{slug}-{number}",
                       "kind": "full", "is_first": number == 0, "score": score,
                       "max_score": max_score, "percent": percent, "passed": passed,
                       "created_at": when, "voided_at": None}
            journey.attempts.append((attempt, answers))
            _summarise(journey.progress, attempt)
            if passed or self.rng.random() > RETRY_CHANCE:
                break
        return when


def _shift(journey: _Journey, delta: timedelta) -> None:
    """Move every timestamp of a journey by `delta`, keeping their order and spacing."""
    journey.learner["created_at"] += delta
    for visit in journey.visits:
        visit["first_visited_at"] += delta
        visit["last_visited_at"] += delta
    for attempt, _ in journey.attempts:
        attempt["created_at"] += delta
    for row in journey.progress.values():
        row["last_attempt_at"] += delta


def _answer_row(model: ItemModel, rng: random.Random, ability: float, recall: float) -> dict:
    response, correct, score, max_score = model.answer(rng, ability, recall)
    return {"question_id": model.question_id, "question_version": model.version,
            "response": response, "correct": correct, "score": score, "max_score": max_score}


def _summarise(progress: dict[str, dict], attempt: dict) -> None:
    """The QuizProgress row save_attempt would keep, for full attempts."""
    row = progress.setdefault(attempt["quiz_slug"], {
        "quiz_slug": attempt["quiz_slug"], "attempts": 0, "failed_attempts": 0,
        "best_percent": 0.0, "passed": False})
    row["attempts"] += 1
    row["failed_attempts"] += int(not attempt["passed"])
    row["best_percent"] = max(row["best_percent"], attempt["percent"])
    row["last_percent"] = attempt["percent"]
    row["passed"] = row["passed"] or attempt["passed"]
    row["last_attempt_at"] = attempt["created_at"]


def _insert(session: Session, cohort_id: int, journeys: list[_Journey]) -> Counter:
    """Insert one batch of learners with everything they did; return the row counts."""
    if not journeys:
        return Counter()
    connection = session.connection()
    learner_ids = _insert_returning_ids(connection, User, [j.learner for j in journeys])
    members, visits, attempts, answer_lists, progress = [], [], [], [], []
    for learner_id, journey in zip(learner_ids, journeys, strict=True):
        members.append({"cohort_id": cohort_id, "learner_id": learner_id,
                        "joined_at": journey.learner["created_at"]})
        visits.extend(v | {"learner_id": learner_id} for v in journey.visits)
        progress.extend(p | {"learner_id": learner_id} for p in journey.progress.values())
        for attempt, answers in journey.attempts:
            attempts.append(attempt | {"learner_id": learner_id})
            answer_lists.append(answers)
    connection.execute(insert(CohortMember.__table__), members)
    _insert_many(connection, ChapterVisit, visits)
    _insert_many(connection, QuizProgress, progress)
    attempt_ids = _insert_returning_ids(connection, Attempt, attempts)
    answers = [a | {"attempt_id": attempt_id}
               for attempt_id, rows in zip(attempt_ids, answer_lists, strict=True) for a in rows]
    _insert_many(connection, Answer, answers)
    return Counter(visits=len(visits), attempts=len(attempts), answers=len(answers))


def _insert_many(connection, model, rows: list[dict]) -> None:
    if rows:
        connection.execute(insert(model.__table__), rows)


def _insert_returning_ids(connection, model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(connection.execute(statement, rows).scalars())

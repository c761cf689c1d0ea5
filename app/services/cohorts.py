"""Cohorts: who may see them, joining by code, co-instructors, removing learners.

Access rule (one place): a cohort is visible to its owner, its co-instructors and admins.
"""

import secrets

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, delete, select

from app.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from app.models import AuditEvent, Cohort, CohortInstructor, CohortMember, Role, User

NAME_MAX = 120


def new_join_code() -> str:
    """128 random bits, URL-safe: unguessable, and short enough to read out."""
    return secrets.token_urlsafe(16)


def join_path(cohort: Cohort) -> str:
    return f"/join/{cohort.join_code}"


def is_admin(user: User) -> bool:
    return user.role == Role.admin


def can_teach(session: Session, *, cohort: Cohort, user: User) -> bool:
    """True for the owner, a co-instructor or an admin."""
    if not user.is_instructor:
        return False
    if is_admin(user) or cohort.owner_id == user.id:
        return True
    return session.get(CohortInstructor, (cohort.id, user.id)) is not None


def get_cohort_for(session: Session, *, cohort_id: int, user: User) -> Cohort:
    """The cohort, if `user` may teach it: NotFound if it does not exist, else Forbidden."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(f"There is no cohort {cohort_id}.")
    if not can_teach(session, cohort=cohort, user=user):
        raise Forbidden("You do not teach this cohort.")
    return cohort


def list_cohorts_for(session: Session, *, user: User) -> list[Cohort]:
    """Cohorts `user` owns or co-teaches (all of them for an admin), newest first."""
    if not user.is_instructor:
        return []
    statement = select(Cohort).order_by(Cohort.created_at.desc(), Cohort.id.desc())
    if not is_admin(user):
        co_taught = select(CohortInstructor.cohort_id).where(
            CohortInstructor.learner_id == user.id)
        statement = statement.where(or_(Cohort.owner_id == user.id, Cohort.id.in_(co_taught)))
    return list(session.exec(statement).all())


def is_member(session: Session, *, cohort_id: int, learner_id: int) -> bool:
    return session.get(CohortMember, (cohort_id, learner_id)) is not None


def count_members(session: Session, *, cohort_id: int) -> int:
    statement = select(func.count()).select_from(CohortMember).where(
        CohortMember.cohort_id == cohort_id)
    return session.exec(statement).one()


def count_members_by_cohort(session: Session, *, cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    statement = (select(CohortMember.cohort_id, func.count())
                 .where(CohortMember.cohort_id.in_(cohort_ids)).group_by(CohortMember.cohort_id))
    return dict(session.exec(statement).all())


def get_member(session: Session, *, cohort: Cohort, learner_id: int) -> User:
    """A learner of this cohort, or NotFound (also for learners of other cohorts)."""
    learner = session.get(User, learner_id)
    if learner is None or not is_member(session, cohort_id=cohort.id, learner_id=learner_id):
        raise NotFound(f"User {learner_id} is not in this cohort.")
    return learner


def create_cohort(session: Session, *, owner: User, name: str) -> Cohort:
    """A new cohort owned by `owner`, with a fresh join code."""
    name = (name or "").strip()
    if not name:
        raise Invalid("Give the cohort a name.", field="name")
    if len(name) > NAME_MAX:
        raise Invalid(f"The name is longer than {NAME_MAX} characters.", field="name")
    if not owner.is_instructor:
        raise Forbidden("Only instructors can create cohorts.")
    cohort = Cohort(name=name, join_code=new_join_code(), owner_id=owner.id)
    session.add(cohort)
    session.flush()
    record_audit(session, actor=owner, action="cohort.create", cohort_id=cohort.id,
                 detail={"name": name})
    return cohort


def find_cohort_by_code(session: Session, *, code: str) -> Cohort | None:
    if not code or len(code) > 64:
        return None
    return session.exec(select(Cohort).where(Cohort.join_code == code)).first()


def get_cohort_by_code(session: Session, *, code: str) -> Cohort:
    cohort = find_cohort_by_code(session, code=code)
    if cohort is None:
        raise NotFound("This join link is not valid. Ask your instructor for a new one.")
    return cohort


def join_status(session: Session, *, code: str, learner: User | None) -> tuple[Cohort, bool]:
    """The cohort of a join link, and whether this (registered) learner is in it already."""
    cohort = get_cohort_by_code(session, code=code)
    registered = learner is not None and learner.is_registered
    return cohort, registered and is_member(session, cohort_id=cohort.id, learner_id=learner.id)


def join_cohort(session: Session, *, code: str, learner: User | None) -> Cohort:
    """Add a registered learner to the cohort with this code (idempotent)."""
    cohort = get_cohort_by_code(session, code=code)
    if learner is None or not learner.is_registered:
        raise Unauthorized("Register or sign in first, so your progress is kept with you.")
    if not is_member(session, cohort_id=cohort.id, learner_id=learner.id):
        session.add(CohortMember(cohort_id=cohort.id, learner_id=learner.id))
        record_audit(session, actor=learner, action="cohort.join", cohort_id=cohort.id,
                     subject_id=learner.id)
    return cohort


def rotate_code(session: Session, *, cohort_id: int, actor: User) -> Cohort:
    """Give the cohort a new join code; the old link stops working."""
    cohort = get_cohort_for(session, cohort_id=cohort_id, user=actor)
    cohort.join_code = new_join_code()
    session.add(cohort)
    record_audit(session, actor=actor, action="cohort.rotate_code", cohort_id=cohort.id)
    return cohort


def add_co_instructor(session: Session, *, cohort_id: int, email: str,
                      actor: User) -> User:
    """Let another instructor account co-teach the cohort."""
    cohort = get_cohort_for(session, cohort_id=cohort_id, user=actor)
    email = (email or "").strip().lower()
    colleague = session.exec(select(User).where(func.lower(User.email) == email)).first()
    if not email or colleague is None or not colleague.is_instructor:
        raise Invalid("No instructor account has this email address.", field="email")
    if colleague.id == cohort.owner_id or session.get(
            CohortInstructor, (cohort.id, colleague.id)):
        raise Conflict(f"{colleague.display_name} already teaches this cohort.", field="email")
    session.add(CohortInstructor(cohort_id=cohort.id, learner_id=colleague.id))
    record_audit(session, actor=actor, action="cohort.add_instructor", cohort_id=cohort.id,
                 subject_id=colleague.id)
    return colleague


def list_co_instructors(session: Session, *, cohort_id: int) -> list[User]:
    statement = (select(User).join(CohortInstructor, CohortInstructor.learner_id == User.id)
                 .where(CohortInstructor.cohort_id == cohort_id).order_by(User.display_name))
    return list(session.exec(statement).all())


def remove_member(session: Session, *, cohort_id: int, learner_id: int, actor: User) -> None:
    """Take a learner out of the cohort (their own progress is kept)."""
    cohort = get_cohort_for(session, cohort_id=cohort_id, user=actor)
    learner = get_member(session, cohort=cohort, learner_id=learner_id)
    session.exec(delete(CohortMember).where(CohortMember.cohort_id == cohort.id,
                                            CohortMember.learner_id == learner_id))
    record_audit(session, actor=actor, action="cohort.remove_learner", cohort_id=cohort.id,
                 subject_id=learner.id, detail={"email": learner.email})


def record_audit(session: Session, *, actor: User | None, action: str,
                 cohort_id: int | None = None, subject_id: int | None = None,
                 detail: dict | None = None) -> None:
    """Add an audit line to the current transaction (the caller commits)."""
    session.add(AuditEvent(actor_id=actor.id if actor else None, action=action,
                           cohort_id=cohort_id, subject_id=subject_id, detail=detail or {}))


def list_audit(session: Session, *, cohort_id: int, subject_id: int | None = None,
               limit: int = 50) -> list[tuple[AuditEvent, str | None]]:
    """Recent audit lines of a cohort (optionally about one learner), with the actor's name."""
    statement = (select(AuditEvent, User.display_name)
                 .join(User, User.id == AuditEvent.actor_id, isouter=True)
                 .where(AuditEvent.cohort_id == cohort_id)
                 .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit))
    if subject_id is not None:
        statement = statement.where(AuditEvent.subject_id == subject_id)
    return [tuple(row) for row in session.exec(statement).all()]


# A reset voids the learner's attempts everywhere (attempts belong to the learner, not to a
# cohort), so every instructor who can see the learner sees every reset, naming its cohort.
SHARED_ACTIONS = ("quiz.reset",)


def list_learner_audit(session: Session, *, learner_id: int, viewer: User,
                       limit: int = 50) -> list[tuple[AuditEvent, str | None, str | None]]:
    """Audit lines about one learner that `viewer` may see, newest first, with the actor's and
    the cohort's names: all lines from cohorts the viewer teaches, and resets from any cohort."""
    taught = [cohort.id for cohort in list_cohorts_for(session, user=viewer)]
    actor = aliased(User)
    statement = (select(AuditEvent, actor.display_name, Cohort.name)
                 .join(actor, actor.id == AuditEvent.actor_id, isouter=True)
                 .join(Cohort, Cohort.id == AuditEvent.cohort_id, isouter=True)
                 .where(AuditEvent.subject_id == learner_id,
                        or_(AuditEvent.cohort_id.in_(taught),
                            AuditEvent.action.in_(SHARED_ACTIONS)))
                 .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit))
    return [tuple(row) for row in session.exec(statement).all()]

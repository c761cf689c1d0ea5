"""The `guide` command: serve, check, db upgrade (more commands register themselves below)."""

import argparse
import sys
from pathlib import Path

from app.config import Settings, settings_or_exit


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from app.db import immediate, make_engine
    from app.migrations import upgrade_database

    engine = immediate(make_engine(settings.resolved_database_url))
    upgrade_database(engine)
    print(f"pruned {run_prune(engine, settings)}")
    engine.dispose()  # the workers open their own
    uvicorn.run("app.main:create_served_app", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, workers=args.workers or settings.workers,
                access_log=settings.access_log, timeout_keep_alive=settings.keep_alive_seconds,
                **proxy_options(settings))
    return 0


def proxy_options(settings: Settings) -> dict:
    """Believe X-Forwarded-For / -Proto only from GUIDE_TRUSTED_PROXIES (default: nobody)."""
    proxies = ",".join(p.strip() for p in settings.trusted_proxies.split(",") if p.strip())
    if not proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from app.guide import InvalidContent, load_guide

    content_dir = Path(args.dir) if args.dir else settings.content_dir
    try:
        guide = load_guide(content_dir)
    except InvalidContent as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) in {content_dir}", file=sys.stderr)
        return 1
    questions = sum(len(quiz.questions) for quiz in guide.quizzes.values())
    generated = sum(len(quiz.questions) for quiz in guide.practice.values())
    print(f"{content_dir}: OK ({len(guide.chapters)} chapters, {len(guide.quizzes)} quizzes, "
          f"{questions} questions, {len(guide.services)} services; generated practice: "
          f"{len(guide.practice)} quizzes, {generated} questions)")
    return 0


def cmd_import_baselines(args: argparse.Namespace, settings: Settings) -> int:
    """Convert Microsoft's baseline workbooks into content/services/*.yaml."""
    from app.guide.baseline_import import ImportProblem, import_baselines

    out_dir = Path(args.out) if args.out else settings.content_dir / "services"
    try:
        written = import_baselines(Path(args.dir), out_dir)
    except ImportProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(written)} services written to {out_dir}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from app.db import immediate, make_engine
    from app.migrations import upgrade_database

    upgrade_database(immediate(make_engine(settings.resolved_database_url)), args.revision)
    print(f"database at {args.revision}")
    return 0


def cmd_prune(args: argparse.Namespace, settings: Settings) -> int:
    """Delete expired sessions, inactive anonymous learners and old login failures."""
    from app.db import immediate, make_engine
    from app.migrations import upgrade_database

    engine = immediate(make_engine(settings.resolved_database_url))
    upgrade_database(engine)
    print(f"pruned {run_prune(engine, settings, anonymous_days=args.anonymous_days)}")
    return 0


def run_prune(engine, settings: Settings, *, anonymous_days: int | None = None):
    """One prune, through the one write path (Database.write_now); returns its PruneReport."""
    from app.db import Database
    from app.models.types import utcnow
    from app.services.pruning import DEFAULT_ANONYMOUS_DAYS, prune

    database = Database(engine)
    try:
        days = DEFAULT_ANONYMOUS_DAYS if anonymous_days is None else anonymous_days
        return database.write_now(prune, now=utcnow(), anonymous_days=days,
                                  session_days=settings.session_days)
    finally:
        database.close()  # the writer commits, then stops; the caller owns the engine


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Fill a demo cohort in one transaction (see app/demo/data.py)."""
    import time

    from app.demo.data import seed_demo
    from app.guide import load_guide
    from app.main import passwords_for

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    password_hash = passwords_for(settings).hash(password) if password else None
    guide = load_guide(settings.content_dir)
    started = time.perf_counter()
    summary = _migrated_database(settings).write_now(
        seed_demo, guide=guide, learners=args.learners, cohort_name=args.cohort,
        seed=args.seed, instructor_email=args.instructor_email, password_hash=password_hash)
    print(f"cohort {summary.cohort_id} ({args.cohort}, join code {summary.join_code}): "
          f"{summary.learners} learners, {summary.visits} chapter visits, "
          f"{summary.attempts} attempts, {summary.answers} answers "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_create_instructor(args: argparse.Namespace, settings: Settings) -> int:
    """Create an instructor (or admin) account, or promote an existing one."""
    from app.errors import AppError
    from app.main import passwords_for
    from app.services import accounts, instructors

    database = _migrated_database(settings)
    try:
        exists = database.read_now(accounts.find_account, email=args.email) is not None
        password_hash = None
        if not exists:
            password = _read_password(args.password_stdin)
            password_hash = passwords_for(settings).hash(accounts.check_password(password))
        learner, created = database.write_now(
            instructors.create_or_promote, email=args.email, password_hash=password_hash,
            display_name=args.display_name, admin=args.admin)
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(f"{'created' if created else 'promoted'} {learner.email} as {learner.role}")
    return 0


def _migrated_database(settings: Settings):
    from app.db import Database, immediate, make_engine
    from app.migrations import upgrade_database

    database = Database(make_engine(settings.resolved_database_url))
    upgrade_database(immediate(database.engine))
    return database


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Repeat the password: "):
        print("error: the passwords differ", file=sys.stderr)
        raise SystemExit(1)
    return password


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guide", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate the database, then serve the guide")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(handler=cmd_serve)

    check = commands.add_parser("check", help="validate everything under the content folder")
    check.add_argument("dir", nargs="?", help="content folder (default: GUIDE_CONTENT_DIR)")
    check.set_defaults(handler=cmd_check)

    baselines = commands.add_parser(
        "import-baselines", help="convert Microsoft's service baseline workbooks to YAML")
    baselines.add_argument("dir", help="folder of *-azure-security-benchmark-*.xlsx workbooks")
    baselines.add_argument("--out", help="output folder (default: <content>/services)")
    baselines.set_defaults(handler=cmd_import_baselines)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=cmd_db_upgrade)
    prune = commands.add_parser(
        "prune", help="delete expired sessions, inactive anonymous learners, old login failures")
    prune.add_argument("--anonymous-days", type=int, metavar="N",
                       help="days without activity before an anonymous learner is deleted "
                            "(default 30; never less than GUIDE_SESSION_DAYS)")
    prune.set_defaults(handler=cmd_prune)
    seed = commands.add_parser("seed-demo", help="fill a demo cohort with learners and answers")
    seed.add_argument("--learners", type=int, required=True)
    seed.add_argument("--cohort", required=True, help="cohort name (reused if it exists)")
    seed.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    seed.add_argument("--instructor-email", default="demo-instructor@example.com",
                      help="the cohort's owner, created as an instructor if missing")
    seed.add_argument("--password-stdin", action="store_true",
                      help="read a password for a newly created instructor from stdin")
    seed.set_defaults(handler=cmd_seed_demo)
    instructor = commands.add_parser(
        "create-instructor", help="create an instructor account, or promote an existing one")
    instructor.add_argument("--email", required=True)
    instructor.add_argument("--admin", action="store_true", help="may see every cohort")
    instructor.add_argument("--display-name", help="the name learners see (default: from email)")
    instructor.add_argument("--password-stdin", action="store_true",
                            help="read the password from stdin instead of prompting")
    instructor.set_defaults(handler=cmd_create_instructor)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args, settings_or_exit())


if __name__ == "__main__":
    sys.exit(main())

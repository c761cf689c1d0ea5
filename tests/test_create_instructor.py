"""`guide create-instructor`: creates or promotes, password from stdin or a prompt."""

import io

import pytest
from pwdlib import PasswordHash
from sqlmodel import select

from app import cli
from app.models import User
from tests.cohort_helpers import db, make_account
from tests.support import CHEAP_ARGON2


@pytest.fixture
def run(monkeypatch, settings, app, capsys):
    """Run the command against the test database; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("GUIDE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("GUIDE_VAR_DIR", str(settings.var_dir))
    for name, value in CHEAP_ARGON2.items():
        monkeypatch.setenv(f"GUIDE_{name.upper()}", str(value))

    def run(*args: str, stdin: str = ""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(["create-instructor", *args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


def account(app, email: str) -> User | None:
    with db(app) as session:
        return session.exec(select(User).where(User.email == email)).first()


def test_creates_an_instructor_with_a_password_from_stdin(app, run):
    code, out, _ = run("--email", "New@Example.com", "--password-stdin",
                       stdin="a long enough password\n")
    assert code == 0 and out.strip() == "created new@example.com as instructor"
    created = account(app, "new@example.com")
    assert created.role == "instructor" and created.display_name == "new"
    assert PasswordHash.recommended().verify("a long enough password", created.password_hash)


def test_prompts_for_the_password_twice(app, run, monkeypatch):
    answers = iter(["prompted password 1", "prompted password 1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, _ = run("--email", "p@example.com", "--admin", "--display-name", "Pat")
    assert code == 0
    created = account(app, "p@example.com")
    assert (created.role, created.display_name) == ("admin", "Pat")


def test_promotes_an_existing_learner_and_keeps_the_password(app, run):
    make_account(app, email="learner@example.com")
    code, out, _ = run("--email", "learner@example.com")
    assert code == 0 and out.strip() == "promoted learner@example.com as instructor"
    assert account(app, "learner@example.com").role == "instructor"


def test_never_demotes_an_admin(app, run):
    make_account(app, email="root@example.com", role="admin")
    assert run("--email", "root@example.com")[0] == 0
    assert account(app, "root@example.com").role == "admin"


def test_rejects_a_short_password_and_a_bad_email(app, run):
    code, _, err = run("--email", "short@example.com", "--password-stdin", stdin="short\n")
    assert code == 1 and "password" in err
    code, _, err = run("--email", "not-an-email", "--password-stdin",
                       stdin="a long enough password\n")
    assert code == 1 and "email" in err
    assert account(app, "short@example.com") is None

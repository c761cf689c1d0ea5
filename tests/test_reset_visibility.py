"""A quiz reset voids the learner's attempts in every cohort, so every instructor who can see
the learner sees the reset: who, which cohort, when."""

import pytest

from tests.cohort_helpers import add_member, client_for, csrf, make_account, make_cohort
from tests.report_helpers import take_quiz
from tests.test_dashboard import WRONG_BETA, soup


def audit_lines(client, cohort, learner) -> list[str]:
    page = soup(client.get(f"/instructor/cohorts/{cohort.id}/learners/{learner.id}"))
    return [li.get_text(" ", strip=True) for li in page.select(".audit-log li")]


@pytest.fixture
def two_cohorts(app, teacher):
    """Ada in the teacher's cohort "Morning" and in Bea's "Evening"."""
    other = make_account(app, email="bea@example.com", role="instructor", display_name="Bea")
    mine = make_cohort(app, owner=teacher, name="Morning")
    theirs = make_cohort(app, owner=other, name="Evening")
    ada = make_account(app, email="ada@example.com", display_name="Ada")
    add_member(app, mine, ada)
    add_member(app, theirs, ada)
    return other, mine, theirs, ada


def test_a_reset_in_another_cohort_is_shown_naming_that_cohort(app, two_cohorts,
                                                               instructor_client):
    other, mine, theirs, ada = two_cohorts
    take_quiz(app, ada, "beta", WRONG_BETA)

    with client_for(app, other) as bea:
        reset = bea.post(f"/instructor/cohorts/{theirs.id}/learners/{ada.id}/reset",
                         data={"quiz_slug": "beta"} | csrf(bea))
        assert reset.status_code == 303, reset.text
        assert audit_lines(bea, theirs, ada)[0].endswith(
            "cohort Evening : Bea — quiz.reset (beta, 1 attempt voided)")

    [line] = audit_lines(instructor_client, mine, ada)
    assert line.endswith("cohort Evening : Bea — quiz.reset (beta, 1 attempt voided)")


def test_other_cohorts_events_that_are_not_resets_stay_there(app, two_cohorts,
                                                              instructor_client):
    other, mine, theirs, ada = two_cohorts

    with client_for(app, other) as bea:
        removed = bea.post(f"/instructor/cohorts/{theirs.id}/learners/{ada.id}/remove",
                           data=csrf(bea))
        assert removed.status_code == 303, removed.text

    assert audit_lines(instructor_client, mine, ada) == []

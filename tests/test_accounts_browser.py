"""Accounts and progress in a real browser: register, sign out, sign in, the reading position,
and axe-core on the states a plain page load does not reach (the page types themselves, in
every view: tests/test_learner_pages_browser.py). One server for the module: each test's
browser is a visitor of its own."""

import pytest

from tests.a11y import assert_no_axe_violations

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def test_register_sign_out_and_sign_in_keep_progress(page, shared_server):
    # The shared page of a browser without a sign-in: its script records the visit (the
    # first write, which gives this browser its anonymous user).
    with page.expect_response("**/api/v1/me/position") as reported:
        page.goto(shared_server + "/chapters/why-it-matters")
    assert reported.value.status == 204

    page.goto(shared_server + "/register?next=/progress")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Display name").fill("Ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/progress")
    assert "Signed in as Ada" in page.locator("main").inner_text()
    chapter = page.locator("ol.progress-chapters li").first
    assert "✓ Read" in chapter.inner_text()
    assert_no_axe_violations(page, "progress after registering")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(shared_server + "/")
    page.goto(shared_server + "/login?next=/progress")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert "not right" in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page, "login with an error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/progress")
    assert "✓ Read" in page.locator("ol.progress-chapters li").first.inner_text()


def test_reading_position_is_reported_and_offered_on_return(page, shared_server):
    page.goto(shared_server + "/")
    with page.expect_response("**/api/v1/me/position") as reported:
        page.goto(shared_server + "/chapters/why-it-matters#threats")
    assert reported.value.status == 204

    page.goto(shared_server + "/progress")
    continue_link = page.get_by_role("link", name="Continue where you left off")
    assert continue_link.get_attribute("href") == "/chapters/why-it-matters#threats"
    assert_no_axe_violations(page, "progress offering to continue")

"""In a real browser: a new reader's first report creates their sign-in, which re-binds the
CSRF token; position.js picks up the new token and its next report is still saved."""

import pytest

pytestmark = pytest.mark.browser


def test_reading_position_is_still_saved_after_the_first_report_rebinds_the_token(
        page, live_server):
    statuses = []
    page.on("response", lambda r: statuses.append(r.status)
            if r.url.endswith("/api/v1/me/position") and r.request.method == "POST" else None)
    page.goto(f"{live_server}/chapters/how-it-works")
    ids = page.eval_on_selector_all(".chapter-body h2[id]", "els => els.map(e => e.id)")
    page.goto(f"{live_server}/chapters/how-it-works#{ids[0]}")
    page.wait_for_timeout(500)
    page.eval_on_selector(f"#{ids[-1]}", "el => el.scrollIntoView()")
    page.wait_for_timeout(5500)

    assert statuses.count(204) >= 2, statuses
    assert statuses[-1] == 204, statuses
    progress = page.request.get(f"{live_server}/api/v1/me/progress").json()
    assert progress["learner"] is not None

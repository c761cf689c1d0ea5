"""The item analysis pages in a real browser: their tables, and on a phone (axe and reflow in
every view: tests/test_instructor_layout_browser.py)."""

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select

from app.demo.data import seed_demo
from app.guide import load_guide
from app.models import User
from app.services import sign_ins
from app.web.cookies import SIGN_IN_COOKIE
from tests.support import REAL_CONTENT

pytestmark = pytest.mark.browser
EMAIL = "browser-teacher@example.com"


@pytest.fixture(scope="module")
def seeded(shared_site):
    """A demo cohort of 30 learners on the module's server, and a teacher's session (the tests
    only read it)."""
    base_url, database_url = shared_site
    engine = create_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        summary = seed_demo(session, load_guide(REAL_CONTENT), learners=30, cohort_name="Browser",
                            instructor_email=EMAIL)
        session.commit()
        teacher = session.exec(select(User).where(User.email == EMAIL)).one()
        token = sign_ins.create_sign_in(session, user_id=teacher.id, days=1)
        session.commit()
    engine.dispose()
    return {"base_url": base_url, "cohort_id": summary.cohort_id, "token": token}


def signed_in_page(browser, base_url, token: str, **context_options):
    context = browser.new_context(**context_options)
    context.add_cookies([{"name": SIGN_IN_COOKIE, "value": token, "url": base_url}])
    return context, context.new_page()


def test_item_analysis_pages_list_every_quiz_and_item(browser, seeded):
    base_url = seeded["base_url"]
    # axe and reflow of these pages in every view: tests/test_instructor_layout_browser.py
    context, page = signed_in_page(browser, base_url, seeded["token"],
                                   viewport={"width": 1280, "height": 900})
    base = f"{base_url}/instructor/cohorts/{seeded['cohort_id']}"
    for path in ("/items", "/quizzes/how-it-works/items"):
        page.goto(base + path)
        assert page.locator("h1").inner_text().startswith("Item analysis")
    assert page.locator("table.report-items tbody tr").count() == 7
    context.close()


def test_item_analysis_table_scrolls_inside_its_region_on_a_phone(browser, seeded):
    base_url = seeded["base_url"]
    context, page = signed_in_page(browser, base_url, seeded["token"],
                                   viewport={"width": 360, "height": 740})
    page.goto(f"{base_url}/instructor/cohorts/{seeded['cohort_id']}/quizzes/faq/items")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360, "the page itself must not scroll sideways"
    assert page.locator(".table-scroll[role=region][tabindex='0']").count() == 1
    context.close()

"""Every learner page type in Chromium: no axe-core violation of any impact at phone and desktop
widths, in the light and dark themes (by the system and by the switch), and reflow at 320 px.

One server for the module: the pages are read-only once its fixtures (a quiz attempt, a lab
attempt, a cohort) exist.
"""

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect
from sqlmodel import Session, create_engine

from tests.a11y import VIEWS, assert_theme_applied, axe_violations, describe_violations, show_view
from tests.support import filled_form

pytestmark = pytest.mark.browser
QUIZ = "how-it-works"
PAGES = ["home", "chapter", "your side", "compliance", "search", "404", "lab", "lab compare",
         "lab exercise", "lab scenarios", "lab result", "quiz form", "quiz result", "progress",
         "login", "register", "docs", "join", "delete my data", "chapter practice", "practice",
         "practice quiz", "practice result", "sorting", "sorting result"]


def join_code(database_url: str) -> str:
    from app.models import User
    from app.services import cohorts

    engine = create_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        owner = User(email="tom@example.com", role="instructor", display_name="Tom")
        session.add(owner)
        session.flush()
        cohort = cohorts.create_cohort(session, owner=owner, name="Cohort")
        session.commit()
    engine.dispose()
    return cohort.join_code


def submit_form(context, base_url: str, path: str) -> str:
    """Post the form on `path`, filled in, with this browser's cookies; return where it
    redirects."""
    html = context.request.get(base_url + path).text()
    form = BeautifulSoup(html, "html.parser").select_one("main form[method=post]")
    response = context.request.post(base_url + path, form=filled_form(form), max_redirects=0)
    assert response.status == 303, response.text()[:2000]
    return response.headers["location"]


@pytest.fixture(scope="module")
def urls(shared_site, browser):
    """Each page type's URL; the attempts belong to the browser state saved in `state`."""
    base_url, database_url = shared_site
    context = browser.new_context()
    quiz_result = submit_form(context, base_url, f"/chapters/{QUIZ}/quiz")
    lab_result = submit_form(context, base_url, "/lab/exercise")
    practice_result = submit_form(context, base_url, "/services/practice/databases")
    sorting_result = submit_form(context, base_url, "/lab/sorting")
    state = context.storage_state()
    context.close()
    paths = {
        "home": "/", "chapter": f"/chapters/{QUIZ}", "your side": "/chapters/your-side",
        "compliance": "/chapters/compliance",
        "search": "/search?q=encryption", "404": "/chapters/no-such-chapter", "lab": "/lab",
        "lab compare": "/lab?model=paas&compare=saas", "lab exercise": "/lab/exercise",
        "lab scenarios": "/lab/scenarios", "lab result": lab_result,
        "quiz form": f"/chapters/{QUIZ}/quiz", "quiz result": quiz_result,
        "progress": "/progress", "login": "/login", "register": "/register", "docs": "/docs",
        "join": f"/join/{join_code(database_url)}", "delete my data": "/progress/delete",
        "chapter practice": f"/chapters/{QUIZ}/practice", "practice": "/services/practice",
        "practice quiz": "/services/practice/databases", "practice result": practice_result,
        "sorting": "/lab/sorting", "sorting result": sorting_result,
    }
    return {name: base_url + path for name, path in paths.items()}, state


def open_page(browser, urls, name, *, width, scheme="light"):
    addresses, state = urls
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  color_scheme=scheme, storage_state=state)
    page = context.new_page()
    page.goto(addresses[name])
    if name == "docs":
        page.wait_for_selector(".opblock", timeout=15_000)
    return context, page


@pytest.mark.parametrize("name", PAGES)
def test_page_passes_axe_in_every_view_and_reflows_at_320_px(browser, urls, name):
    """No axe violation of any impact in every view (one page, reloaded), and no sideways
    scrolling at 320 px."""
    context, page = open_page(browser, urls, name, width=1280)
    found = []
    for width, scheme, theme in VIEWS:
        show_view(page, width, scheme, theme)
        page.reload()
        assert_theme_applied(page, theme)
        if name == "docs":
            page.wait_for_selector(".opblock", timeout=15_000)
        if violations := axe_violations(page):
            found.append(f"{width}px {scheme} {theme}:\n{describe_violations(violations)}")
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    if name == "docs":
        page.wait_for_selector(".opblock", timeout=15_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    if name == "progress":  # the quiz table stacks: every column shown, labelled
        labels = page.evaluate("""[...document.querySelectorAll('.progress-quizzes tr')]
            .slice(1, 2).flatMap(tr => [...tr.querySelectorAll('td')].map(td =>
              getComputedStyle(td, '::before').content))""")
        assert [label.split('"')[1] for label in labels] == [
            "Attempts", "Best score", "Latest score", "Result"]
        quiz_name = page.locator(".progress-quizzes tbody th").first.bounding_box()
        assert quiz_name["height"] < 3 * 30, "a quiz name wraps to many lines"
    context.close()
    assert not found, "\n".join(found)
    assert width <= 320, f"{name} is {width}px wide at 320px"


def test_theme_switch_is_remembered_and_applied_before_paint(browser, urls):
    context, page = open_page(browser, urls, "chapter", width=1280, scheme="light")
    page.get_by_label("Theme").select_option("dark")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.reload()
    # set by the synchronous script in <head>: already there when the first stylesheet applies
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(15, 19, 24)"
    assert page.get_by_label("Theme").input_value() == "dark"
    page.get_by_label("Theme").select_option("auto")
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") is None
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    context.close()


def test_on_this_page_marks_the_section_being_read(browser, urls):
    context, page = open_page(browser, urls, "chapter", width=1280)
    page.evaluate("document.getElementById('ranking').scrollIntoView()")  # to the top
    current = page.locator(".toc a[aria-current=location]")
    expect(current).to_have_attribute("href", "#ranking")  # polls: no eval under the CSP
    assert current.count() == 1
    context.close()


def test_phone_chapter_menu_opens_without_javascript(browser, urls):
    addresses, state = urls
    context = browser.new_context(viewport={"width": 390, "height": 800},
                                  java_script_enabled=False, storage_state=state)
    page = context.new_page()
    page.goto(addresses["chapter"])
    menu = page.locator("details.chapter-menu")
    assert menu.locator("summary").bounding_box()["y"] < 400  # near the top
    assert not menu.get_by_role("link", name="Final thoughts and checklist").is_visible()
    menu.locator("summary").click()
    assert menu.get_by_role("link", name="Final thoughts and checklist").is_visible()
    assert not page.locator(".layout > nav.chapter-nav").is_visible()  # the sidebar's twin
    context.close()


@pytest.mark.parametrize("name, cards", [("home", ".chapter-cards > li"),
                                         ("lab", ".lab-services > li")])
def test_cards_in_a_row_line_up(browser, urls, name, cards):
    context, page = open_page(browser, urls, name, width=1280)
    tops = page.evaluate(f"[...document.querySelectorAll('{cards}')].slice(0, 3)"
                         ".map(card => Math.round(card.getBoundingClientRect().top))")
    context.close()
    assert len(tops) == 3 and len(set(tops)) == 1, tops


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_api_docs_with_opened_operations_has_no_violations(browser, urls, scheme):
    context, page = open_page(browser, urls, "docs", width=1280, scheme=scheme)
    page.locator(".opblock-summary-control").nth(3).click()  # examples, responses tables
    page.locator(".opblock-summary-control").nth(5).click()
    expect(page.locator(".opblock.is-open [role=region][aria-label]")).to_have_count(2)
    expect(page.locator(".opblock [role=region]:not([aria-label])")).to_have_count(0)
    violations = axe_violations(page)
    context.close()
    assert violations == [], describe_violations(violations)

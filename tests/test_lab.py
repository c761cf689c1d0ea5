"""The matrix lab on the server: explore pages, grading, the no-JS form path, storage."""

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.errors import Invalid
from app.models import Answer, Attempt, QuizProgress
from app.services import lab as lab_service
from tests.support import csrf_token


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


@pytest.fixture
def lab(real_app):
    return real_app.state.guide.lab


def count(app, model) -> int:
    with Session(app.state.database.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def grid_form(client, lab, *, wrong: set[str] = frozenset(), blank: set[str] = frozenset(),
              attempt_id: str = "attempt-0001") -> dict:
    """A complete exercise form as a browser without JavaScript would post it."""
    form = {"csrf_token": csrf_token(client), "client_attempt_id": attempt_id, "kind": "full"}
    for cell in lab.cells:
        right = cell.expected
        other = next(p for p in lab_service.PARTIES if p not in cell.accepted)
        form[cell.key] = "" if cell.key in blank else (other if cell.key in wrong else right)
    return form


def submit(client, form):
    return client.post("/lab/exercise", data=form, follow_redirects=False)


# --- grading (service)

def test_grade_grid_gives_one_mark_per_cell(lab):
    answers = {c.key: c.expected for c in lab.cells}
    answers["physical-hosts:iaas"] = "customer"
    graded = lab_service.grade_grid(lab, answers)
    assert len(graded) == 40
    assert sum(g.score for g in graded) == 39
    wrong = [g for g in graded if not g.correct]
    assert [(g.question_id, g.response, g.max_score) for g in wrong] == [
        ("physical-hosts:iaas", ["customer"], 1.0)]
    assert all(g.question_version == lab.cell(g.question_id).version for g in graded)


def test_grade_grid_accepts_both_sources_on_a_disputed_cell(lab):
    graded = lab_service.grade_grid(lab, {"applications:saas": "shared",
                                          "devices:saas": "shared",
                                          "identity-and-directory-infrastructure:paas": "customer"})
    assert [g.correct for g in graded] == [True, True, False]


def test_parse_grid_rejects_a_form_without_every_cell(lab):
    fields = {"client_attempt_id": "attempt-0001", "kind": "full", "physical-hosts:iaas": "shared"}
    with pytest.raises(Invalid):
        lab_service.parse_grid(lab, fields)


# --- explore mode

def test_explore_highlights_the_chosen_model_in_three_bands(real_client):
    page = soup(real_client.get("/lab?model=paas"))
    selected = page.select("table.lab-matrix td.is-selected")
    assert len(selected) == 10
    assert all(td["data-column"] == "PaaS" for td in selected)
    assert page.select_one("table.lab-matrix th.is-selected").get_text(" ", strip=True) == (
        "PaaS selected")
    bands = [h.get_text(strip=True) for h in page.select(".lab-band-title")]
    assert bands == ["Responsibility always retained by the customer",
                     "Responsibility varies by type of service",
                     "Responsibility transfers to the cloud provider"]
    rows = page.select(".lab-rows .lab-row")
    assert len(rows) == 10
    assert all(row.select_one(".lab-more a")["href"].startswith("/chapters/") for row in rows)
    current = page.select_one(".lab-models a[aria-current]")
    assert "Platform as a service" in current.get_text()


def test_explore_comparison_shows_rows_that_change_hands(real_client):
    page = soup(real_client.get("/lab?model=iaas&compare=paas"))
    changed = [tr.th.get_text(strip=True) for tr in page.select(".lab-comparison tr.lab-changed")]
    assert changed == ["Identity and directory infrastructure", "Applications",
                       "Network controls", "Operating system"]
    assert all("Changes hands" in tr.get_text() for tr in page.select("tr.lab-changed"))
    assert "4 of 10 rows change hands" in page.get_text(" ", strip=True)
    # the compared column is marked in the matrix too, in words
    compared = page.select("table.lab-matrix td.is-compared")
    assert len(compared) == 10 and all(td["data-column"] == "PaaS" for td in compared)
    assert page.select_one("table.lab-matrix th.is-compared").get_text(" ", strip=True) == (
        "PaaS compared")
    # one way to choose the model (the links); the form only picks the comparison
    assert page.select_one("select[name=model]") is None
    assert page.select_one("form.lab-compare-form input[name=model]")["value"] == "iaas"
    sections = [s.h2["id"] for s in page.select("section[aria-labelledby]") if s.h2]
    assert sections.index("lab-compare-title") < sections.index("lab-matrix-title")


def test_explore_lists_azure_services_by_model(real_client):
    page = soup(real_client.get("/lab?model=paas"))
    services = {card.h3.get_text(strip=True): card for card in page.select(".lab-service")}
    assert {"Azure Virtual Machines", "Azure App Service", "Azure SQL Database",
            "Azure Functions", "Microsoft 365"} <= set(services)
    assert "Infrastructure as a service" in services["Azure Virtual Machines"].get_text()
    assert "selected" in services["Azure Functions"].get_text()


def test_explore_rejects_an_unknown_model(real_client):
    response = real_client.get("/lab?model=mainframe")
    assert response.status_code == 422, response.text


def test_lab_is_not_found_when_the_content_has_none(client):
    assert client.get("/lab").status_code == 404


# --- the no-JS exercise form

def test_exercise_form_labels_every_cell(real_client):
    page = soup(real_client.get("/lab/exercise"))
    form = page.select_one("form.lab-exercise")
    assert form["method"] == "post" and form["action"] == "/lab/exercise"
    assert form.select_one("input[name=csrf_token]")["value"]
    assert len(form.select_one("input[name=client_attempt_id]")["value"]) >= 8
    selects = form.select("select.lab-select")
    assert len(selects) == 40
    labels = {" ".join(page.select_one(f"label[for={s['id']}]").get_text().split())
              for s in selects}
    assert "Physical hosts, IaaS" in labels and len(labels) == 40
    assert [o["value"] for o in selects[0].select("option")] == [
        "", "customer", "microsoft", "shared"]
    status = page.select_one("#lab-status")
    assert status["role"] == "status" and status["aria-live"] == "polite"


def test_submit_exercise_stores_an_attempt_as_quiz_lab(real_app, real_client, lab):
    response = submit(real_client, grid_form(real_client, lab, wrong={"physical-hosts:iaas",
                                                                      "operating-system:paas"}))
    assert response.status_code == 303, response.text
    with Session(real_app.state.database.engine) as session:
        attempt = session.exec(select(Attempt)).one()
        answers = session.exec(select(Answer).where(Answer.attempt_id == attempt.id)).all()
        progress = session.exec(select(QuizProgress)).one()
    assert (attempt.quiz_slug, attempt.kind, attempt.score, attempt.max_score) == (
        "lab", "full", 38, 40)
    assert attempt.percent == 95 and attempt.passed
    assert len(answers) == 40
    assert {a.question_id for a in answers} == {c.key for c in lab.cells}
    assert (progress.quiz_slug, progress.attempts, progress.best_percent) == ("lab", 1, 95)
    assert response.headers["location"] == f"/lab/exercise/attempts/{attempt.id}"


def test_result_page_gives_feedback_per_cell_and_a_retry_form(real_client, lab):
    response = submit(real_client, grid_form(real_client, lab, wrong={"physical-hosts:iaas"}))
    page = soup(real_client.get(response.headers["location"]))
    assert page.select_one(".lab-score-figure").get_text(" ", strip=True) == (
        "39/40 cells right (98%)")
    outcomes = page.select(".lab-outcome")
    assert len(outcomes) == 40
    wrong = [o for o in outcomes if "Wrong" in o.select_one(".lab-mark").get_text()]
    assert len(wrong) == 1
    assert "Physical hosts, IaaS" in wrong[0].get_text()
    assert wrong[0].select_one(".lab-mark [aria-hidden]").get_text() == "✗"
    assert wrong[0].select_one(".lab-more a")["href"] == "/chapters/how-it-works#always-microsoft"
    # the grid itself, marked: 10 rows x 4 models, the wrong cell linking to its reason
    graded = page.select_one("table.lab-graded")
    assert len(graded.select("tbody th[scope=row]")) == 10
    cells = graded.select("td.lab-graded-cell")
    assert len(cells) == 40 and len(graded.select("td.is-wrong")) == 1
    wrong_cell = graded.select_one("td.is-wrong")
    assert "Wrong:" in wrong_cell.get_text() and "right: Microsoft" in wrong_cell.get_text()
    assert wrong_cell.select_one("a")["href"] == "#outcome-physical-hosts-iaas"
    assert page.select_one("details.lab-right-details .lab-outcome.is-right")  # folded away
    retry = page.select_one("form.lab-exercise")
    assert retry.select_one("input[name=kind]")["value"] == "retry"
    assert [s["name"] for s in retry.select("select")] == ["physical-hosts:iaas"]


def test_retry_grades_only_the_wrong_cells(real_app, real_client, lab):
    submit(real_client, grid_form(real_client, lab, wrong={"physical-hosts:iaas"}))
    retry = {"csrf_token": csrf_token(real_client), "client_attempt_id": "attempt-0002",
             "kind": "retry", "physical-hosts:iaas": "microsoft"}
    response = submit(real_client, retry)
    assert response.status_code == 303, response.text
    page = soup(real_client.get(response.headers["location"]))
    assert "1/1" in page.select_one(".lab-score-figure").get_text()
    with Session(real_app.state.database.engine) as session:
        kinds = session.exec(select(Attempt.kind).order_by(Attempt.id)).all()
    assert kinds == ["full", "retry"]


def test_submit_exercise_is_idempotent_per_client_attempt_id(real_app, real_client, lab):
    form = grid_form(real_client, lab)
    first = submit(real_client, form)
    # The first submission created this browser's sign-in and a CSRF token bound to it.
    second = submit(real_client, {**form, "csrf_token": real_client.cookies["csrftoken"]})
    assert first.headers["location"] == second.headers["location"]
    assert count(real_app, Attempt) == 1


def test_submit_exercise_without_csrf_token_is_rejected(real_app, real_client, lab):
    form = grid_form(real_client, lab)
    del form["csrf_token"]
    assert submit(real_client, form).status_code == 403
    fresh = TestClient(real_app)  # a cross-site post carries no cookie at all
    assert fresh.post("/lab/exercise", data=grid_form(real_client, lab)).status_code == 403
    assert count(real_app, Attempt) == 0


@pytest.mark.parametrize("field, value", [
    ("no-such-row:iaas", "customer"),
    ("physical-hosts:mainframe", "customer"),
    ("physical-hosts:iaas", "nobody"),
    ("kind", "practice"),
    ("client_attempt_id", "x"),
])
def test_submit_exercise_rejects_bad_input(real_app, real_client, lab, field, value):
    form = grid_form(real_client, lab)
    form[field] = value
    response = submit(real_client, form)
    assert response.status_code == 422, response.text
    assert count(real_app, Attempt) == 0 and count(real_app, Answer) == 0


def test_submit_exercise_with_blank_cells_lists_them_and_keeps_answers(real_app, real_client,
                                                                      lab):
    form = grid_form(real_client, lab, blank={"devices:iaas", "physical-network:saas"})
    response = submit(real_client, form)
    assert response.status_code == 422
    page = soup(response)
    links = [a["href"] for a in page.select(".lab-error-summary a")]
    assert links == ["#cell-devices-iaas", "#cell-physical-network-saas"]
    kept = page.select_one("select[name='physical-hosts:iaas'] option[selected]")
    assert kept["value"] == "microsoft"
    assert count(real_app, Attempt) == 0


def test_result_page_is_only_for_its_learner(real_app, real_client, lab):
    location = submit(real_client, grid_form(real_client, lab)).headers["location"]
    with TestClient(real_app) as stranger:
        assert stranger.get(location).status_code == 404
    assert real_client.get(location).status_code == 200


def test_lab_attempt_counts_on_the_progress_page(real_client, lab):
    submit(real_client, grid_form(real_client, lab))
    page = soup(real_client.get("/progress"))
    row = next(tr for tr in page.select("table.progress-quizzes tbody tr")
               if "Matrix lab" in tr.th.get_text())
    assert row.th.a["href"] == "/lab"
    assert "100%" in row.get_text() and "Passed" in row.get_text()


# --- scenario cards

def test_scenarios_are_graded_with_explanations_and_not_stored(real_app, real_client, lab):
    page = soup(real_client.get("/lab/scenarios"))
    assert len(page.select(".lab-card fieldset legend")) == len(lab.scenarios) >= 12
    form = {"csrf_token": csrf_token(real_client), "vm-guest-os-patch": "customer",
            "datacenter-disk-fails": "customer"}
    response = real_client.post("/lab/scenarios", data=form)
    assert response.status_code == 200, response.text
    cards = {c.select_one("input")["name"]: c for c in soup(response).select(".lab-card")}
    assert "Right" in cards["vm-guest-os-patch"].select_one(".lab-mark").get_text()
    assert "Wrong" in cards["datacenter-disk-fails"].select_one(".lab-mark").get_text()
    assert "not answered" in cards["m365-leaked-password"].get_text()
    assert cards["datacenter-disk-fails"].select_one(".lab-more a")["href"].startswith(
        "/chapters/")
    score = soup(response).select_one(".lab-score-figure").get_text(" ", strip=True)
    assert score == f"1/{len(lab.scenarios)} scenarios right"
    assert count(real_app, Attempt) == 0


@pytest.mark.parametrize("field, value", [("no-such-card", "customer"),
                                          ("vm-guest-os-patch", "nobody")])
def test_scenarios_reject_unknown_cards_and_choices(real_client, field, value):
    response = real_client.post("/lab/scenarios",
                                data={"csrf_token": csrf_token(real_client), field: value})
    assert response.status_code == 422, response.text


def test_how_it_works_links_to_the_lab_from_the_matrix_section(real_client):
    page = soup(real_client.get("/chapters/how-it-works"))
    heading = page.select_one("h2#the-matrix")
    paragraph = heading.find_next_sibling("p")
    assert paragraph.select_one("a[href='/lab']") is not None
    assert page.select_one("nav.site-nav a[href='/lab']") is not None


def test_lab_attempts_get_item_analysis_with_one_item_per_cell(real_app, lab):
    """The lab counts like a quiz for instructors: its item analysis has an item per cell."""
    from tests.cohort_helpers import client_for, make_account, make_cohort
    from tests.report_helpers import cohort_learners

    teacher = make_account(real_app, email="lab-teacher@example.com", role="instructor")
    cohort = make_cohort(real_app, owner=teacher, name="Lab cohort")
    wrong_for = lambda i: {"physical-hosts:iaas"} if i % 2 else set()  # noqa: E731
    learners = cohort_learners(real_app, cohort, 10)
    for i, learner in enumerate(learners):
        with client_for(real_app, learner) as client:
            assert submit(client, grid_form(client, lab, wrong=wrong_for(i))).status_code == 303

    with client_for(real_app, teacher) as client:
        learner_page = client.get(f"/instructor/cohorts/{cohort.id}/learners/{learners[1].id}")
        index = soup(client.get(f"/instructor/cohorts/{cohort.id}/items"))
        assert index.find("a", href=f"/instructor/cohorts/{cohort.id}/quizzes/lab/items")
        page = soup(client.get(f"/instructor/cohorts/{cohort.id}/quizzes/lab/items"))
    rows = page.find_all("tr", attrs={"data-question": True})
    assert len(rows) == len(lab.cells) == 40
    hosts = page.find("tr", attrs={"data-question": "physical-hosts:iaas"})
    assert hosts.find(attrs={"data-stat": "facility"}).get_text(strip=True) == "50%"
    data = page.find("tr", attrs={"data-question": "information-and-data:saas"})
    assert data.find(attrs={"data-stat": "facility"}).get_text(strip=True) == "100%"
    # the learner page gives each cell in words, not as stored ids: the lab's grid
    grid = soup(learner_page).select_one("table.lab-attempt-grid")
    hosts_row = grid.find("th", string="Physical hosts").parent
    columns = [th.get_text(strip=True) for th in grid.thead("th")]
    iaas = hosts_row("td")[columns.index("Infrastructure as a service") - 1]
    assert iaas.get_text(" ", strip=True).startswith("✗")  # learners[1] got it wrong
    assert "physical-hosts:iaas" not in soup(learner_page).select_one("main").get_text()

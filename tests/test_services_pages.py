"""The service baselines on the real content: the JSON API (shape, schema, credit, refusals).

The HTML pages' own tests are in test_service_pages.py; these check what a program reads.
"""

import csv
import gzip
import io
import time

import pytest
from bs4 import BeautifulSoup

from app.guide.baseline_vocabulary import ATTRIBUTION, DATA_DATE, LICENCE_URL, RESPONSIBILITIES
from app.guide.lab_baselines import BASELINES_OF_LAB_SERVICE
from app.guide.service_checklists import counts
from app.guide.service_detail import LEAD_MAX, lead, profile_sentences
from app.main import create_app
from tests.support import REAL_CONTENT, make_settings, register

PROFILE_KEYS = {"host_access", "vnet_deployable", "stores_content_at_rest"}
FEATURE_KEYS = {"domain", "control_id", "control_title", "feature", "description", "supported",
                "enabled_by_default", "responsibility", "reference"}


def test_api_lists_every_service_with_its_counts(real_client, real_app):
    r = real_client.get("/api/v1/services")
    assert r.status_code == 200, r.text
    body = r.json()
    services = real_app.state.guide.services
    assert [s["slug"] for s in body] == list(services)
    assert len(body) == 118
    for entry in body:
        service = services[entry["slug"]]
        assert entry["name"] == service.name
        assert entry["category"] == service.category
        assert entry["counts"] == counts(service)


def test_api_shows_one_service_with_profile_features_and_source(real_client, real_app):
    service = real_app.state.guide.services["key-vault"]
    body = real_client.get("/api/v1/services/key-vault").json()
    assert body["slug"] == "key-vault"
    assert body["name"] == service.name
    assert set(body["profile"]) == PROFILE_KEYS
    assert body["profile"]["host_access"] == service.profile.host_access
    assert len(body["features"]) == len(service.features)
    assert body["source"] == {"title": ATTRIBUTION, "version": "3", "date": DATA_DATE,
                              "licence": LICENCE_URL}


def test_api_feature_values_keep_their_json_types(real_client, real_app):
    for slug in real_app.state.guide.services:
        body = real_client.get(f"/api/v1/services/{slug}").json()
        assert body["profile"]["host_access"] in {"none", "read_only", "full"}
        for value in (body["profile"]["vnet_deployable"],
                      body["profile"]["stores_content_at_rest"]):
            assert value is None or isinstance(value, bool)
        for feature in body["features"]:
            assert set(feature) == FEATURE_KEYS
            assert feature["supported"] in (True, False, None)
            assert feature["enabled_by_default"] in (True, False, None)
            assert feature["responsibility"] in RESPONSIBILITIES
            assert isinstance(feature["domain"], str)


def test_api_features_follow_the_benchmark_order(real_client, real_app):
    service = real_app.state.guide.services["azure-sql"]
    body = real_client.get("/api/v1/services/azure-sql").json()
    expected = [f.control_id for f in sorted(service.features, key=lambda f: f.sort_key)]
    assert [f["control_id"] for f in body["features"]] == expected


@pytest.mark.parametrize("slug", ["no-such-service", "KEY-VAULT", "key%01vault", "x" * 500])
def test_api_unknown_service_is_a_json_404(real_client, slug):
    r = real_client.get(f"/api/v1/services/{slug}")
    assert r.status_code == 404, r.text
    detail = r.json()["detail"]
    assert "\x01" not in detail
    assert len(detail) < 200


def test_api_is_documented_with_response_models(real_client):
    schema = real_client.get("/openapi.json").json()
    listing = schema["paths"]["/api/v1/services"]["get"]
    one = schema["paths"]["/api/v1/services/{slug}"]["get"]
    assert listing["tags"] == one["tags"] == ["services"]
    assert "404" in one["responses"]
    feature = schema["components"]["schemas"]["FeaturePublic"]["properties"]
    assert feature["responsibility"]["enum"] == list(RESPONSIBILITIES)
    assert {"type": "boolean"} in feature["supported"]["anyOf"]
    assert {"type": "null"} in feature["supported"]["anyOf"]


# --- the matrix lab's service cards link to their baselines

def test_lab_mapping_names_real_cards_and_real_baselines(real_app):
    guide = real_app.state.guide
    card_names = {card.name for card in guide.lab.services}
    for name, slugs in BASELINES_OF_LAB_SERVICE.items():
        assert name in card_names, name
        assert all(slug in guide.services for slug in slugs), slugs


def test_lab_cards_link_to_their_service_pages(real_client):
    soup = BeautifulSoup(real_client.get("/lab").text, "html.parser")
    links = {}
    for card in soup.select(".lab-service"):
        name = card.h3.get_text(strip=True)
        links[name] = [a["href"] for a in card.find_all("a") if a["href"].startswith("/services/")]
    assert links["Azure SQL Database"] == ["/services/azure-sql"]
    assert links["Azure App Service"] == ["/services/app-service"]
    assert links["Azure Functions"] == ["/services/functions"]
    assert links["Azure Virtual Machines"] == [
        "/services/virtual-machines-linux-virtual-machines",
        "/services/virtual-machines-windows-virtual-machines"]
    assert links["Microsoft 365"] == []
    for href in {h for hrefs in links.values() for h in hrefs}:
        assert real_client.get(href).status_code == 200, href


# --- chapters link to the service pages

@pytest.mark.parametrize("chapter", ["your-side", "checklist"])
def test_chapters_link_to_service_pages_that_exist(real_client, chapter):
    soup = BeautifulSoup(real_client.get(f"/chapters/{chapter}").text, "html.parser")
    hrefs = [a["href"] for a in soup.select("main a[href^='/services']")]
    assert "/services" in hrefs
    assert any(h.startswith("/services/") for h in hrefs)
    for href in hrefs:
        assert real_client.get(href).status_code == 200, href


# --- the index on the real content

def index_rows(response) -> dict[str, list[str]]:
    page = BeautifulSoup(response.text, "html.parser")
    return {row.th.a["href"].removeprefix("/services/"):
            [cell.get_text(strip=True) for cell in row.find_all("td")]
            for row in page.select(".svc-table tbody tr")}


def test_index_lists_all_services_with_counts_that_match(real_client, real_app):
    response = real_client.get("/services")
    assert response.status_code == 200, response.text
    rows = index_rows(response)
    services = real_app.state.guide.services
    assert list(rows) == list(services)
    for slug, cells in rows.items():
        tally = counts(services[slug])
        assert cells[-3:] == [str(tally["customer"]), str(tally["shared"]),
                              str(tally["microsoft"])], slug


def test_index_is_small_once_compressed(real_client):
    body = real_client.get("/services").content
    assert len(gzip.compress(body)) < 30_000


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "key vault"}, {"key-vault", "key-vault-managed-hsm"}),
    ({"q": "databases", "host": "none"}, None),  # a category word finds its services
    ({"host": "full"}, None),
    ({"category": "Databases"}, None),
])
def test_index_searches_names_and_categories_and_filters_host_access(real_client, real_app,
                                                                     params, expected):
    services = real_app.state.guide.services.values()
    if expected is None:
        expected = {s.slug for s in services
                    if params.get("q", "").casefold() in s.category.casefold()
                    and (not params.get("host") or s.profile.host_access == params["host"])
                    and (not params.get("category") or params["category"] in s.categories)}
    found = set(index_rows(real_client.get("/services", params=params)))
    assert found == expected
    assert found


def test_index_host_filter_finds_the_virtual_machines(real_client):
    found = set(index_rows(real_client.get("/services", params={"host": "full"})))
    assert {"virtual-machines-linux-virtual-machines",
            "virtual-machines-windows-virtual-machines"} <= found
    assert "app-service" not in found


@pytest.mark.parametrize("params", [{"q": "\x00\x1b[31m"}, {"host": "root"},
                                    {"category": "\u202enope"}])
def test_index_survives_hostile_filters(real_client, params):
    response = real_client.get("/services", params=params)
    assert response.status_code == 200, response.text
    assert index_rows(response) == {}
    assert "\x1b" not in response.text and "\x00" not in response.text


def test_index_refuses_a_huge_query(real_client):
    response = real_client.get("/services", params={"q": "a" * 20_000})
    assert response.status_code in (414, 422), response.status_code
    assert "a" * 200 not in response.text


# --- one service, and its checklist, on the real content

def test_big_service_page_is_complete_and_kept_once_rendered(real_client, real_app):
    service = max(real_app.state.guide.services.values(), key=lambda s: len(s.features))
    fragments = real_app.state.fragments
    first = real_client.get(f"/services/{service.slug}")
    kept = len(fragments)
    again = real_client.get(f"/services/{service.slug}")
    assert again.text == first.text
    assert 1 <= len(fragments) <= len(real_app.state.guide.services)  # kept, never more
    assert kept <= len(fragments)
    assert first.status_code == again.status_code == 200
    page = BeautifulSoup(first.text, "html.parser")
    cards = page.select(".svc-card")
    folded = page.select("details.svc-na li")
    assert len(cards) + len(folded) == len(service.features)
    na = counts(service)["not_applicable"]
    assert len(folded) == na
    assert all(card.select_one(".svc-facts") for card in cards)
    assert ATTRIBUTION in page.select_one(".svc-credit").get_text(" ", strip=True)
    assert page.select_one(".svc-credit a[rel~=license]")["href"] == LICENCE_URL


def test_kept_service_page_still_shows_who_is_signed_in(real_client):
    anonymous = BeautifulSoup(real_client.get("/services/key-vault").text, "html.parser")
    assert anonymous.find("button", string=lambda t: t and "Sign out" in t) is None
    assert register(real_client).status_code == 201

    response = real_client.get("/services/key-vault")  # the body was kept by the first visit
    page = BeautifulSoup(response.text, "html.parser")
    assert "Sign out" in page.select_one(".site-nav").get_text()
    assert page.h1.get_text() == "Azure Key Vault"
    assert response.headers["cache-control"].startswith("private")


def test_service_checklist_on_real_content_puts_off_by_default_first(real_client, real_app):
    service = real_app.state.guide.services["key-vault"]
    page = BeautifulSoup(real_client.get("/services/key-vault/checklist").text, "html.parser")
    items = page.select(".svc-todo .svc-item")
    assert len(items) == counts(service)["customer"] + counts(service)["shared"]
    assert ATTRIBUTION in page.select_one(".svc-credit").get_text(" ", strip=True)


def test_long_guidance_is_folded_and_short_guidance_is_not(real_client, real_app):
    service = real_app.state.guide.services["app-service"]
    page = BeautifulSoup(real_client.get("/services/app-service").text, "html.parser")
    folded = page.select("details.svc-guidance")
    assert folded
    texts = {f.guidance for f in service.features if f.guidance}
    for details in folded:
        assert details.summary.get_text().startswith("Guidance: ")
        assert details.p.get_text() in texts  # Microsoft's full text, unchanged


# --- checklists, downloads and compare on the real content

CHOSEN = [("s", "app-service"), ("s", "azure-sql"), ("s", "key-vault")]


def test_merged_checklist_groups_the_three_services_by_control(real_client, real_app):
    services = [real_app.state.guide.services[slug] for _, slug in CHOSEN]
    response = real_client.get("/services/checklist", params=CHOSEN)
    assert response.status_code == 200, response.text
    page = BeautifulSoup(response.text, "html.parser")
    items = page.select(".svc-checklist .svc-item")
    assert len(items) == sum(counts(s)["customer"] + counts(s)["shared"] for s in services)
    assert [a["href"] for a in page.select(".svc-downloads a")] == [
        "/services/checklist.md?s=app-service&s=azure-sql&s=key-vault",
        "/services/checklist.csv?s=app-service&s=azure-sql&s=key-vault"]
    assert ATTRIBUTION in page.select_one(".svc-credit").get_text(" ", strip=True)


def test_csv_download_parses_back_with_the_credit_on_every_row(real_client, real_app):
    response = real_client.get("/services/checklist.csv", params=CHOSEN)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {row["service"] for row in rows} == {"App Service", "Azure SQL", "Azure Key Vault"}
    assert {row["responsibility"] for row in rows} <= {"customer", "shared"}
    assert all(row["source"] == ATTRIBUTION for row in rows)
    assert all(row["supported"] in {"true", "false", ""} for row in rows)


def test_markdown_download_credits_and_dates_the_data(real_client):
    response = real_client.get("/services/checklist.md", params=[("s", "key-vault")])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert text.startswith("# Customer checklist: Azure Key Vault")
    assert ATTRIBUTION in text and DATA_DATE in text
    assert "- [ ] " in text


@pytest.mark.parametrize("path", ["/services/checklist", "/services/checklist.md",
                                  "/services/checklist.csv"])
def test_checklists_refuse_an_unknown_slug_naming_it_without_control_characters(real_client,
                                                                                  path):
    response = real_client.get(path, params=[("s", "key-vault"), ("s", "no\x1bsuch\x00")])
    assert response.status_code == 422, response.text
    assert "no\ufffdsuch\ufffd" in response.text
    assert "\x1b" not in response.text and "\x00" not in response.text


@pytest.mark.parametrize("path", ["/services/checklist", "/services/checklist.csv"])
def test_checklists_refuse_more_than_ten_services(real_client, real_app, path):
    slugs = list(real_app.state.guide.services)[:11]
    response = real_client.get(path, params=[("s", slug) for slug in slugs])
    assert response.status_code == 422, response.text
    assert "at most 10" in response.text


def test_compare_marks_rows_that_change_hands_in_words(real_client, real_app):
    chosen = [("s", "app-service"), ("s", "virtual-machines-linux-virtual-machines")]
    response = real_client.get("/services/compare", params=chosen)
    assert response.status_code == 200, response.text
    page = BeautifulSoup(response.text, "html.parser")
    changing = page.select(".svc-compare tr.svc-changes")
    assert changing
    assert all("Changes hands" in row.get_text() for row in changing)
    picker = page.select("select[name=s]")
    assert len(picker) == 3
    assert [s.find("option", selected=True)["value"] for s in picker[:2]] == [
        "app-service", "virtual-machines-linux-virtual-machines"]
    assert len(picker[0].find_all("option")) == len(real_app.state.guide.services)


def test_compare_ignores_a_third_select_left_at_none(real_client):
    params = [("s", "app-service"), ("s", "functions"), ("s", "")]
    response = real_client.get("/services/compare", params=params)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("slugs", "message"), [
    (["key-vault"], "Choose at least 2 services."),
    ([], "Choose at least 2 services."),
    (["key-vault", "storage", "app-service", "functions"], "Choose at most 3 services."),
    (["key-vault", "nope"], "There is no service called “nope”."),
])
def test_compare_refuses_a_bad_choice_with_a_clear_message(real_client, slugs, message):
    response = real_client.get("/services/compare", params=[("s", s) for s in slugs])
    assert response.status_code == 422, response.text
    page = BeautifulSoup(response.text, "html.parser")
    assert message in page.select_one("[role=alert]").get_text()


@pytest.mark.parametrize("path", ["/services/no%1Bsuch", "/services/no%00such/checklist",
                                  "/services/" + "x" * 5000])
def test_unknown_service_page_is_a_styled_404_without_control_characters(real_client, path):
    response = real_client.get(path)
    assert response.status_code == 404, response.text
    page = BeautifulSoup(response.text, "html.parser")
    message = page.select_one(".error-page").get_text()
    assert "There is no service baseline called" in message
    assert "\x1b" not in response.text and "\x00" not in response.text
    assert "x" * 100 not in message


# --- the words of a service page

def test_lead_is_the_first_sentence_cut_at_a_word():
    assert lead(None) == ""
    assert lead("Use private endpoints. Then audit them.") == "Use private endpoints."
    long = "word " * 60
    shortened = lead(long)
    assert shortened.endswith("…") and len(shortened) <= LEAD_MAX + 1
    assert not shortened[:-1].endswith(" ")


def test_every_real_profile_reads_as_three_sentences(real_app):
    for service in real_app.state.guide.services.values():
        sentences = profile_sentences(service.profile)
        assert len(sentences) == 3 and all(s.endswith(".") for s in sentences)


def test_every_service_body_is_prerendered_after_start_up(tmp_path, database_url, guides):
    app = create_app(make_settings(tmp_path, database_url, REAL_CONTENT,
                                   prerender_services=True), migrate=False,
                     guide=guides[REAL_CONTENT])
    deadline = time.monotonic() + 20
    while len(app.state.fragments) < len(app.state.guide.services):
        assert time.monotonic() < deadline, f"{len(app.state.fragments)} of 118 rendered"
        time.sleep(0.05)
    assert len(app.state.fragments) == len(app.state.guide.services) == 118
    app.state.database.dispose()


def test_without_prerendering_a_body_is_rendered_at_its_first_request(real_app, real_client):
    assert len(real_app.state.fragments) == 0
    real_client.get("/services/key-vault")
    assert len(real_app.state.fragments) == 1

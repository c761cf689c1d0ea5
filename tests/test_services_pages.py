"""The service baselines on the real content: the JSON API (shape, schema, credit, refusals).

The HTML pages' own tests are in test_service_pages.py; these check what a program reads.
"""

import pytest
from bs4 import BeautifulSoup

from app.guide.baseline_vocabulary import ATTRIBUTION, DATA_DATE, LICENCE_URL, RESPONSIBILITIES
from app.guide.lab_baselines import BASELINES_OF_LAB_SERVICE
from app.guide.service_checklists import counts

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

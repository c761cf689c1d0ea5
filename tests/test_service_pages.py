"""The /services pages over HTTP: index and filter, one service, checklist, compare, downloads."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.guide.baseline_vocabulary import ATTRIBUTION
from app.guide.service_catalogue import (
    CHECKLIST_MAX,
    BadChoice,
    choose,
    choose_for_checklist,
    reference,
)
from app.main import create_app
from tests.support import make_settings

STORAGE, VM = "contoso-storage", "contoso-vm"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def credit_of(page: BeautifulSoup) -> str:
    return page.select_one(".svc-credit").get_text(" ", strip=True)


# --- the index

def test_index_lists_every_service_with_its_counts(client):
    response = client.get("/services")

    assert response.status_code == 200, response.text
    page = soup(response)
    rows = page.select(".svc-table tbody tr")
    assert [r.th.a["href"] for r in rows] == [f"/services/{STORAGE}", f"/services/{VM}"]
    storage = [td.get_text(strip=True) for td in rows[0].select("td")]
    # category, host or OS access, customer, shared, microsoft
    assert storage[1:] == ["Storage", "No access", "3", "1", "1"]
    assert [box["value"] for box in page.select("input[type=checkbox][name=s]")] == [STORAGE, VM]
    assert not page.select("input[name=s][checked]")
    assert ATTRIBUTION in credit_of(page)
    assert page.select_one(".site-nav a[href='/services']") is not None


def test_index_offers_checklist_and_compare_for_the_ticked_boxes(client):
    form = soup(client.get("/services")).select_one("form.svc-pick")

    assert form["method"] == "get"
    assert [b["formaction"] for b in form.select("button[type=submit]")] == [
        "/services/checklist", "/services/compare"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "storage"}, [STORAGE]),
    ({"q": "CONTOSO virtual"}, [VM]),
    ({"q": "vm"}, [VM]),  # the slug counts too
    ({"category": "Compute"}, [VM]),
    ({"q": "contoso", "category": "Storage"}, [STORAGE]),
])
def test_index_filters_by_name_and_category(client, params, expected):
    page = soup(client.get("/services", params=params))

    assert [box["value"] for box in page.select("input[name=s]")] == expected
    assert page.select_one("#svc-q")["value"] == params.get("q", "")


def test_index_says_so_when_nothing_matches(client):
    response = client.get("/services", params={"q": "<b>nothing</b>", "category": "Nope"})

    assert response.status_code == 200, response.text
    page = soup(response)
    assert page.select(".svc-table") == []
    assert "No service matches “<b>nothing</b>” in Nope" in page.select_one(
        ".empty-state").get_text()
    assert page.select("b") == []  # the words are text, never markup


def test_index_refuses_an_overlong_filter(client):
    response = client.get("/services", params={"q": "x" * 101})

    assert response.status_code == 422


# --- one service

def test_service_page_shows_profile_in_words_and_counts(client):
    response = client.get(f"/services/{STORAGE}")

    assert response.status_code == 200, response.text
    page = soup(response)
    assert page.h1.get_text() == "Contoso Storage"
    assert [li.get_text() for li in page.select(".svc-profile-words li")] == [
        "You cannot reach the host or its operating system: Microsoft runs them.",
        "It cannot be deployed into your own virtual network.",
        "It stores your content at rest."]
    assert [li.get_text(" ", strip=True) for li in page.select(".svc-counts li")] == [
        "■ Customer 3", "□ Microsoft 1", "◩ Shared 1", "– Not applicable 1"]
    assert ATTRIBUTION in credit_of(page)


def test_service_page_groups_features_by_domain_in_benchmark_order(client):
    page = soup(client.get(f"/services/{STORAGE}"))

    assert [h.get_text() for h in page.select("h3.svc-domain")] == [
        "Network security", "Identity management", "Data protection", "Asset management",
        "Backup and recovery"]
    first = page.select_one(".svc-card")
    facts = {div.dt.get_text(): div.dd.get_text(" ", strip=True)
             for div in first.select(".svc-facts div")}
    assert facts == {"Supported": "✓ Yes", "On by default": "✗ No",
                     "Who configures it": "■ Customer"}
    assert "Guidance: Deploy private endpoints for the service." in first.get_text()
    assert first.select_one("details") is None  # one short sentence: nothing to fold
    folded = page.select_one("details.svc-na")
    assert folded.summary.get_text() == "Not applicable to this service (1 feature)"
    assert "EDR Solution" in folded.get_text()
    assert "EDR Solution" not in " ".join(c.get_text() for c in page.select(".svc-card"))


def test_service_page_lists_applicable_features_in_benchmark_order(client):
    page = soup(client.get(f"/services/{VM}"))

    controls = [card.select_one(".svc-meta").get_text(" ", strip=True).split(" ")[0]
                for card in page.select(".svc-card")]
    assert controls == ["IM-1", "DP-5", "ES-1", "No"]  # "No benchmark control given"
    assert "NS-2" in page.select_one("details.svc-na").get_text()  # not applicable: folded


def test_service_page_links_its_checklist_downloads_and_compares_with_the_others(client):
    page = soup(client.get(f"/services/{STORAGE}"))

    links = [a["href"] for a in page.select(".svc-downloads a")]
    assert links == [f"/services/{STORAGE}/checklist", f"/services/checklist.md?s={STORAGE}",
                     f"/services/checklist.csv?s={STORAGE}"]
    compare = page.select_one("form[action='/services/compare']")
    assert compare.select_one("input[type=hidden]")["value"] == STORAGE
    assert [o["value"] for o in compare.select("option")] == [VM]


def test_service_checklist_is_the_customers_todo_list_most_useful_first(client):
    response = client.get(f"/services/{STORAGE}/checklist")

    assert response.status_code == 200, response.text
    page = soup(response)
    todo = page.select(".svc-todo .svc-item")
    assert [li.select_one(".svc-item-head strong").get_text() for li in todo] == [
        "Azure Private Link", "Data at Rest Encryption Using CMK",
        "Service Native Backup Capability", "No related feature"]
    assert "AM-2 Use only approved services" in todo[3].get_text()
    assert "Supported: Not applicable" in todo[3].get_text()
    assert [a["href"] for a in page.select(".svc-downloads a")] == [
        f"/services/checklist.md?s={STORAGE}", f"/services/checklist.csv?s={STORAGE}"]
    assert ATTRIBUTION in credit_of(page)


@pytest.mark.parametrize("path", ["nope", "CONTOSO-VM", "contoso-vm.yaml", "nope/checklist"])
def test_unknown_service_is_a_styled_404(client, path):
    response = client.get(f"/services/{path}")

    assert response.status_code == 404
    assert "There is no service baseline called" in soup(response).select_one(
        ".error-page").get_text()


# --- references: only http(s) becomes a link

def test_reference_splits_title_and_link():
    found = reference("Key Vault RBAC: https://docs.example/kv?tabs=cli")
    assert (found.title, found.url) == ("Key Vault RBAC", "https://docs.example/kv?tabs=cli")
    assert reference("See the docs").url is None
    assert reference("Docs: javascript:alert(1)").url is None


@pytest.fixture
def client_with_references(tmp_path, database_url, content):
    path = content / "services" / f"{STORAGE}.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "  guidance: Deploy private endpoints for the service.\n",
        "  guidance: Deploy private endpoints for the service.\n"
        "  reference: 'Private Link: https://learn.example/private-link'\n", 1)
    text = text.replace(
        "  guidance: Use Azure Policy",
        "  reference: 'Policy: javascript:alert(1)'\n  guidance: Use Azure Policy", 1)
    path.write_text(text, encoding="utf-8")
    app = create_app(make_settings(tmp_path, database_url, content))
    with TestClient(app) as client:
        yield client
    app.state.database.dispose()


def test_service_page_links_http_references_and_leaves_others_as_text(client_with_references):
    page = soup(client_with_references.get(f"/services/{STORAGE}"))

    refs = page.select(".svc-card .svc-ref")
    assert [r.get_text(" ", strip=True) for r in refs] == [
        "Microsoft's reference: Private Link",
        "Microsoft's reference: Policy: javascript:alert(1)"]
    assert [a["href"] for r in refs for a in r.select("a")] == [
        "https://learn.example/private-link"]


# --- the merged checklist

def test_checklist_page_merges_services_by_control(client):
    response = client.get("/services/checklist", params=[("s", STORAGE), ("s", VM)])

    assert response.status_code == 200, response.text
    page = soup(response)
    assert [h.get_text() for h in page.select(".svc h2")] == [
        "Network security", "Identity management", "Data protection", "Asset management",
        "Endpoint security", "Backup and recovery", "No benchmark control given"]
    dp5 = page.select(".svc-group")[2]
    assert dp5.h3.get_text(" ", strip=True).startswith("DP-5 Use customer-managed key")
    assert [a.get_text() for a in dp5.select(".svc-item-head a")] == [
        "Contoso Storage", "Contoso Virtual Machines"]
    assert [a["href"] for a in page.select(".svc-downloads a")] == [
        f"/services/checklist.md?s={STORAGE}&s={VM}", f"/services/checklist.csv?s={STORAGE}&s={VM}"]
    assert ATTRIBUTION in credit_of(page)


def test_checklist_of_one_service_does_not_repeat_its_name(client):
    page = soup(client.get("/services/checklist", params={"s": VM}))

    assert page.select(".svc-item-head a") == []
    assert len(page.select(".svc-item")) == 4


@pytest.mark.parametrize(("params", "message", "ticked"), [
    ([], "Choose at least 1 service.", []),
    ([("s", VM), ("s", "nope")], "There is no service called “nope”.", [VM]),
    ([("s", "<script>x</script>")], "There is no service called “<script>x</script>”.", []),
])
def test_checklist_refusal_is_the_index_with_the_reason(client, params, message, ticked):
    response = client.get("/services/checklist", params=params)

    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("[role=alert] strong").get_text() == message
    assert [box["value"] for box in page.select("input[name=s][checked]")] == ticked
    assert page.select("main script") == []


def test_choose_caps_the_checklist_and_keeps_each_service_once(client):
    services = {f"s{i}": object() for i in range(CHECKLIST_MAX + 1)}

    assert len(choose_for_checklist(services, list(services)[:CHECKLIST_MAX])) == CHECKLIST_MAX
    with pytest.raises(BadChoice, match=f"at most {CHECKLIST_MAX} services"):
        choose_for_checklist(services, list(services))
    assert choose(services, ["s1", "s0", "s1"], at_least=1, at_most=2) == [
        services["s1"], services["s0"]]


# --- compare

def test_compare_lines_up_controls_and_flags_changes_of_hands(client):
    response = client.get("/services/compare", params=[("s", STORAGE), ("s", VM)])

    assert response.status_code == 200, response.text
    page = soup(response)
    assert [th.get_text() for th in page.select(".svc-compare thead th")[1:]] == [
        "Contoso Storage", "Contoso Virtual Machines"]
    rows = page.select(".svc-compare tbody tr:not(.svc-domain-row)")
    private_link = rows[0]
    assert "NS-2" in private_link.th.get_text()
    assert "svc-changes" in private_link["class"]
    assert [td.select_one(".svc-who").get_text(strip=True) for td in private_link.select("td")] == [
        "■Customer", "–Not applicable"]
    backup = next(r for r in rows if "BR-1" in r.th.get_text())
    assert "Not in this baseline" in backup.select("td")[1].get_text()
    assert "svc-changes" not in (backup.get("class") or [])
    assert page.select_one(".lead").get_text().startswith("The same benchmark controls")


def test_compare_can_show_only_the_rows_that_change_hands(client):
    everything = soup(client.get("/services/compare", params=[("s", STORAGE), ("s", VM)]))
    changes = soup(client.get("/services/compare",
                              params=[("s", STORAGE), ("s", VM), ("changes", "true")]))

    all_rows = everything.select(".svc-compare tbody tr:not(.svc-domain-row)")
    changing = changes.select(".svc-compare tbody tr:not(.svc-domain-row)")
    assert 0 < len(changing) < len(all_rows)
    assert all("svc-changes" in row["class"] for row in changing)
    assert changes.select_one("#svc-changes").has_attr("checked")


@pytest.mark.parametrize(("params", "message"), [
    ([("s", STORAGE)], "Choose at least 2 services."),
    ([("s", STORAGE), ("s", STORAGE)], "Choose at least 2 services."),
    ([], "Choose at least 2 services."),
])
def test_compare_refuses_fewer_than_two_services(client, params, message):
    response = client.get("/services/compare", params=params)

    assert response.status_code == 422
    assert soup(response).select_one("[role=alert] strong").get_text() == message


def test_compare_refuses_more_than_three():
    services = {name: object() for name in "abcd"}

    with pytest.raises(BadChoice, match="at most 3 services"):
        choose(services, list("abcd"), at_least=2, at_most=3)


# --- downloads

def test_markdown_download_is_an_attachment_with_the_credit(client):
    response = client.get("/services/checklist.md", params={"s": STORAGE})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="customer-checklist-{STORAGE}.md"')
    assert response.text.startswith("# Customer checklist: Contoso Storage")
    assert ATTRIBUTION in response.text
    assert response.text.count("- [ ] ") == 4


def test_csv_download_names_every_service_and_defuses_formulas(client):
    response = client.get("/services/checklist.csv", params=[("s", STORAGE), ("s", VM)])

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="customer-checklist-2-services.csv"')
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 8  # 4 to-dos each
    assert {r["service"] for r in rows} == {"Contoso Storage", "Contoso Virtual Machines"}
    assert all(r["source"] == ATTRIBUTION for r in rows)
    assert not any(r["guidance"].startswith("=") for r in rows)


@pytest.mark.parametrize("params", [[], [("s", "nope")], [("s", STORAGE), ("s", "../etc")]])
@pytest.mark.parametrize("extension", ["md", "csv"])
def test_downloads_refuse_a_bad_choice(client, params, extension):
    response = client.get(f"/services/checklist.{extension}", params=params)

    assert response.status_code == 422
    assert "content-disposition" not in response.headers


# --- the real content

def test_every_real_service_page_renders_with_its_credit(real_client, real_app):
    services = real_app.state.guide.services
    index = soup(real_client.get("/services"))
    assert len(index.select(".svc-table tbody tr")) == len(services) == 118

    for slug, service in services.items():
        response = real_client.get(f"/services/{slug}")
        assert response.status_code == 200, slug
        page = soup(response)
        assert page.h1.get_text() == service.name
        assert ATTRIBUTION in credit_of(page)
        assert all(a["href"].startswith(("https://", "http://"))
                   for a in page.select(".svc-ref a")), slug

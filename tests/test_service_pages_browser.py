"""Choosing services on /services in Chromium with JavaScript off: tick, compare, checklist.

(axe and reflow of these pages are checked in test_services_browser.py.)
"""

import pytest

pytestmark = pytest.mark.browser
COMPARE = "Compare the ticked services (2 or 3)"


def test_ticked_services_go_to_compare_and_checklist_without_javascript(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False)
    page = context.new_page()
    assert page.goto(f"{live_server}/services?q=key").status == 200
    page.get_by_label("Choose Azure Key Vault", exact=True).check()
    with page.expect_navigation() as refused:
        page.get_by_role("button", name=COMPARE).click()
    assert refused.value.status == 422
    assert page.url.endswith("/services/compare?s=key-vault")
    assert "Choose at least 2 services." in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Choose Azure Key Vault", exact=True).is_checked()  # tick kept

    page.goto(f"{live_server}/services")
    page.get_by_label("Choose Azure Key Vault", exact=True).check()
    page.get_by_label("Choose Azure Storage", exact=True).check()
    with page.expect_navigation() as compared:
        page.get_by_role("button", name=COMPARE).click()
    assert compared.value.status == 200
    assert page.url.endswith("/services/compare?s=key-vault&s=storage")
    assert page.locator("h1").inner_text() == "Azure Key Vault vs Azure Storage"
    everything = page.locator(".svc-compare tbody tr:not(.svc-domain-row)").count()

    page.get_by_label("Only the rows where responsibility changes hands").check()
    with page.expect_navigation() as filtered:
        page.get_by_role("button", name="Show").click()
    assert filtered.value.status == 200
    changing = page.locator(".svc-compare tbody tr.svc-changes").count()
    assert 0 < changing < everything
    assert page.locator(".svc-compare tbody tr:not(.svc-domain-row)").count() == changing

    with page.expect_navigation() as listed:
        page.get_by_role("link", name="One checklist for these services").click()
    assert listed.value.status == 200
    assert page.url.endswith("/services/checklist?s=key-vault&s=storage")
    assert page.locator("h1").inner_text() == "Customer checklist"
    context.close()

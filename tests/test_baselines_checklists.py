"""Counts, the customer's to-do list, the merged checklist, compare and the exports."""

import csv
import io

import pytest

from app.guide.baseline_vocabulary import ATTRIBUTION, DOMAINS, NO_CONTROL, control_sort_key
from app.guide.baselines import load_baselines
from app.guide.service_checklist_exports import checklist_csv, checklist_markdown
from app.guide.service_checklists import compare, counts, customer_todo, merged_checklist
from tests.support import FIXTURE_CONTENT


@pytest.fixture(scope="module")
def services():
    loaded = load_baselines(FIXTURE_CONTENT / "services")
    return loaded["contoso-storage"], loaded["contoso-vm"]


def test_counts_has_every_responsibility(services):
    storage, vm = services

    assert counts(storage) == {"customer": 3, "microsoft": 1, "shared": 1, "not_applicable": 1}
    assert counts(vm) == {"customer": 4, "microsoft": 0, "shared": 0, "not_applicable": 1}


def test_customer_todo_puts_supported_and_off_by_default_first(services):
    storage, vm = services

    assert [(f.control_id, f.feature) for f in customer_todo(storage)] == [
        ("NS-2", "Azure Private Link"),                  # supported, off by default
        ("DP-5", "Data at Rest Encryption Using CMK"),
        ("BR-1", "Service Native Backup Capability"),    # supported, on by default (shared)
        ("AM-2", None),                                  # no related feature
    ]
    assert [f.control_id for f in customer_todo(vm)] == ["IM-1", "ES-1", None, "DP-5"]


def test_control_order_is_the_benchmarks():
    ids = ["BR-1", "NS-10", "IM-1", None, "NS-2", "DS-6", "PV-2", "ES-1"]

    assert sorted(ids, key=control_sort_key) == [
        "NS-2", "NS-10", "IM-1", "PV-2", "ES-1", "BR-1", "DS-6", None]
    assert [code for code, _ in DOMAINS] == [
        "NS", "IM", "PA", "DP", "AM", "LT", "IR", "PV", "ES", "BR", "DS", "GS"]


def test_merged_checklist_groups_by_control_and_names_each_service(services):
    groups = merged_checklist(services)

    assert [g.control_id for g in groups] == ["NS-2", "IM-1", "DP-5", "AM-2", "ES-1", "BR-1",
                                              None]
    dp5 = groups[2]
    assert dp5.control_title.startswith("Use customer-managed key")
    assert dp5.domain == "Data protection"
    assert [item.service.slug for item in dp5.items] == ["contoso-storage", "contoso-vm"]
    assert (groups[-1].domain, groups[-1].control_title) == (NO_CONTROL, NO_CONTROL)


def test_compare_flags_rows_that_change_hands(services):
    comparison = compare(services)

    rows = {(r.control_id, r.feature): r for r in comparison.rows}
    assert [s.slug for s in comparison.services] == ["contoso-storage", "contoso-vm"]
    assert rows[("IM-1", "Azure AD Authentication Required for Data Plane Access")].changes_hands
    assert rows[("NS-2", "Azure Private Link")].changes_hands      # customer vs not applicable
    assert not rows[("DP-5", "Data at Rest Encryption Using CMK")].changes_hands
    only_storage = rows[("BR-1", "Service Native Backup Capability")]
    assert only_storage.cells[1] is None and not only_storage.changes_hands
    assert [r.control_id for r in comparison.rows][:2] == ["NS-2", "IM-1"]


def test_compare_matches_repeated_features_by_occurrence(services):
    storage, vm = services
    doubled = type(vm)(**{**vm.__dict__, "features": (*vm.features, vm.features[0])})

    rows = [r for r in compare([storage, doubled]).rows if r.feature == "Azure Private Link"]
    assert len(rows) == 2
    assert rows[1].cells[0] is None and rows[1].cells[1] is vm.features[0]


def test_compare_takes_two_or_three_services(services):
    with pytest.raises(ValueError):
        compare(services[:1])
    with pytest.raises(ValueError):
        compare([*services, *services])


def test_checklist_markdown_credits_the_data_and_its_date(services):
    text = checklist_markdown(services)

    assert ATTRIBUTION in text
    assert "October 2023" in text
    assert "## Network security" in text
    assert "### NS-2 Secure cloud services with network controls" in text
    assert "- [ ] **Contoso Storage**: Azure Private Link (supported: Yes; on by default: No;" \
        in text
    assert "  Deploy private endpoints for the service." in text


def test_checklist_markdown_for_one_service_omits_the_service_name(services):
    text = checklist_markdown(services[:1])

    assert "- [ ] Azure Private Link (" in text
    assert "**Contoso Storage**" not in text


def test_checklist_csv_carries_attribution_and_neutralises_formulas(services):
    rows = list(csv.DictReader(io.StringIO(checklist_csv(services))))

    assert len(rows) == 8
    assert {row["source"] for row in rows} == {ATTRIBUTION}
    assert "October 2023" in ATTRIBUTION
    cmk = next(r for r in rows if r["control_id"] == "DP-5" and r["service"] == "Contoso Storage")
    assert cmk["guidance"].startswith("'=HYPERLINK(")
    assert (cmk["supported"], cmk["enabled_by_default"], cmk["responsibility"]) == (
        "true", "false", "customer")
    no_feature = next(r for r in rows if r["control_id"] == "AM-2")
    assert (no_feature["feature"], no_feature["supported"]) == ("", "")

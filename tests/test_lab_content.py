"""Contract over the real content/lab.yaml and matrix.yaml, and the loader's file:line errors."""

import shutil

import pytest

from app.guide import InvalidContent, load_guide
from tests.support import REAL_CONTENT

ISSUE_SCENARIOS = {  # the five situations issue 5 asks for, and who must act
    "public-blob-patient-records": "customer",
    "vm-guest-os-patch": "customer",
    "datacenter-disk-fails": "microsoft",
    "m365-leaked-password": "customer",
    "app-service-runtime-major": "customer",
}


@pytest.fixture(scope="module")
def guide():
    return load_guide(REAL_CONTENT)


# What the loader enforces (a "why" per cell, a disagreement exactly on disputed cells, the
# answer among the choices, no scenario on a disputed cell) is tested through its errors below;
# these tests check what only a reader of the real content can: its coverage and its prose.

def test_every_matrix_cell_has_a_why_and_a_link(guide):
    lab = guide.lab
    assert len(lab.cells) == len(guide.matrix.rows) * len(guide.matrix.columns) == 40
    for cell in lab.cells:
        assert cell.why.strip().endswith("."), cell.key
        assert cell.link.href.startswith("/chapters/") and cell.link.title != cell.link.href


def test_there_are_at_least_twelve_scenarios_including_the_issues_five(guide):
    scenarios = {s.id: s for s in guide.lab.scenarios}
    assert len(scenarios) >= 12
    assert {k: scenarios[k].answer for k in ISSUE_SCENARIOS} == ISSUE_SCENARIOS
    for scenario in scenarios.values():
        assert scenario.explanation.strip().endswith("."), scenario.id
        assert scenario.link.title != scenario.link.href, scenario.id


def test_scenario_answers_agree_with_the_matrix_where_one_party_owns_the_cell(guide):
    for scenario in guide.lab.scenarios:
        cell = guide.lab.cell(scenario.cell_key) if scenario.cell_key else None
        if cell is not None and cell.expected != "shared":
            assert scenario.answer == cell.expected, scenario.id


def test_services_cover_every_column_with_real_azure_examples(guide):
    by_column = {}
    for service in guide.lab.services:
        by_column.setdefault(service.column.id, []).append(service.name)
    assert by_column["iaas"] == ["Azure Virtual Machines"]
    assert {"Azure App Service", "Azure SQL Database", "Azure Functions"} <= set(
        by_column["paas"])
    assert by_column["saas"] == ["Microsoft 365"]
    assert "on_prem" in by_column


def test_lab_text_never_says_aws_azure():
    assert "aws azure" not in (REAL_CONTENT / "lab.yaml").read_text().lower()


def test_loader_reports_problems_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    lab_file = content / "lab.yaml"
    text = lab_file.read_text()
    text = text.replace("    cell: operating-system:iaas\n", "    cell: applications:saas\n", 1)
    text = text.replace("link: /chapters/your-side#network", "link: /chapters/your-side#nope", 1)
    text = text.replace("    on_prem:\n      why: The servers in your own server room are yours "
                        "to buy, repair and protect.\n"
                        "      link: /chapters/how-it-works#service-models\n", "", 1)
    lab_file.write_text(text)
    with pytest.raises(InvalidContent) as caught:
        load_guide(content)
    messages = [str(e) for e in caught.value.errors]
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        return next(i for i, line in enumerate(lines, start=1) if needle in line)

    assert any(m.startswith(f"{lab_file}:{line_of('cell: applications:saas')}:")
               and "disputed" in m for m in messages), messages
    assert any(m.startswith(f"{lab_file}:{line_of('your-side#nope')}:")
               and "does not point at a chapter section" in m for m in messages), messages
    assert any(m.startswith(f"{lab_file}:{line_of('  physical-hosts:')}:")
               and "no 'why' for physical-hosts:on_prem" in m for m in messages), messages


def test_loader_refuses_a_disputed_cell_without_its_disagreement(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    lab_file = content / "lab.yaml"
    lines = lab_file.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("disagreement:"))
    removed = lines.pop(at)
    while lines[at].startswith(" " * (len(removed) - len(removed.lstrip()) + 2)):
        lines.pop(at)  # the rest of a folded disagreement
    lab_file.write_text("".join(lines))
    with pytest.raises(InvalidContent) as caught:
        load_guide(content)
    assert any(f"{lab_file}:" in str(e) and "explain the disagreement" in str(e)
               for e in caught.value.errors), caught.value.errors


def test_loader_reports_schema_errors_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    lab_file = content / "lab.yaml"
    text = lab_file.read_text().replace("    answer: microsoft\n", "    answer: nobody\n", 1)
    lab_file.write_text(text)
    with pytest.raises(InvalidContent) as caught:
        load_guide(content)
    (error,) = caught.value.errors
    assert error.path == lab_file and "answer 'nobody' is not one of the choices" in error.message
    assert "datacenter-disk-fails" in text.splitlines()[error.line - 1]

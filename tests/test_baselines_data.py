"""Contract over content/services: it says what Microsoft's workbooks say, and re-imports alike.

Needs the workbooks (shared/data/mcsb-baselines beside the repository, as in CI); the
workbooks are read here independently of the importer, so a mapping bug there shows up.
"""

from collections import Counter
from pathlib import Path

import pytest

from app.guide.baseline_import import import_baselines
from app.guide.baselines import load_baselines
from tests.support import REAL_CONTENT, ROOT

DATA = ROOT.parent / "shared" / "data" / "mcsb-baselines"
WORKBOOKS = DATA / "3.0"
SERVICES = REAL_CONTENT / "services"
# The data README's counts (read with openpyxl).
README_TOTALS = {"customer": 909, "microsoft": 367, "shared": 26, "not_applicable": 2861}
needs_workbooks = pytest.mark.skipif(
    not WORKBOOKS.is_dir(), reason=f"baseline workbooks not found at {WORKBOOKS}")

RESPONSIBILITY = {"Customer": "customer", "Microsoft": "microsoft", "Shared": "shared",
                  "Not Applicable": "not_applicable"}
FLAG = {"True": True, "False": False, "Not Applicable": None, "No Related Feature": None}


def _workbook_rows(path: Path) -> list[tuple]:
    """(responsibility, supported, enabled by default) of each Feature Summary row, in order."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(book["Feature Summary"].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()
    return [(RESPONSIBILITY[r[4]], FLAG[r[7]], FLAG[r[8]]) for r in rows if any(r)]


@pytest.fixture(scope="module")
def services():
    return load_baselines(SERVICES)


@needs_workbooks
def test_every_feature_row_says_what_the_workbook_says(services):
    by_source = {s.source_file: s for s in services.values()}
    workbooks = sorted(WORKBOOKS.glob("*.xlsx"))

    assert sorted(by_source) == [w.name for w in workbooks]
    for workbook in workbooks:
        service = by_source[workbook.name]
        ours = [(f.responsibility, f.supported, f.enabled_by_default) for f in service.features]
        assert ours == _workbook_rows(workbook), service.slug


def test_totals_equal_the_data_readme(services):
    tally = Counter(f.responsibility for s in services.values() for f in s.features)

    assert len(services) == 118
    assert sum(tally.values()) == 4163
    assert dict(tally) == README_TOTALS


def test_every_service_file_credits_microsoft_and_says_it_was_adapted():
    for path in SERVICES.glob("*.yaml"):
        head = path.read_text(encoding="utf-8")[:600]
        assert "© Microsoft, CC BY 4.0, October 2023" in head, path.name
        assert "Adapted (converted, filtered)" in head, path.name


@needs_workbooks
def test_reimport_writes_byte_identical_files(tmp_path):
    written = import_baselines(WORKBOOKS, tmp_path)

    assert sorted(p.name for p in written) == sorted(p.name for p in SERVICES.glob("*.yaml"))
    for path in written:
        assert path.read_bytes() == (SERVICES / path.name).read_bytes(), path.name


@needs_workbooks
def test_import_command_writes_one_file_per_workbook(tmp_path, capsys):
    from app.cli import main

    source = tmp_path / "workbooks"
    source.mkdir()
    workbook = WORKBOOKS / "key-vault-azure-security-benchmark-v3-latest-security-baseline.xlsx"
    (source / workbook.name).write_bytes(workbook.read_bytes())

    assert main(["import-baselines", str(source), "--out", str(tmp_path / "out")]) == 0
    assert "1 services written" in capsys.readouterr().out
    written = tmp_path / "out" / "key-vault.yaml"
    assert written.read_bytes() == (SERVICES / "key-vault.yaml").read_bytes()


def test_import_command_fails_on_a_folder_without_workbooks(tmp_path, capsys):
    from app.cli import main

    assert main(["import-baselines", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "no *-azure-security-benchmark*.xlsx files" in capsys.readouterr().err

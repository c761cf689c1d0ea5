"""Loading content/services: the dataclasses, file:line errors, and the quick YAML path."""

import shutil

import pytest
import yaml

from app.guide import fastyaml, load_guide
from app.guide.baseline_names import service_name, service_slug
from app.guide.baselines import load_baselines
from tests.content_helpers import errors_of, replace_in
from tests.support import FIXTURE_CONTENT, REAL_CONTENT


def test_fixture_services_load_sorted_by_name_with_profile_and_features():
    services = load_guide(FIXTURE_CONTENT).services

    assert list(services) == ["contoso-storage", "contoso-vm"]
    vm = services["contoso-vm"]
    assert vm.name == "Contoso Virtual Machines"
    assert vm.path == FIXTURE_CONTENT / "services" / "contoso-vm.yaml"
    assert (vm.profile.host_access, vm.profile.vnet_deployable,
            vm.profile.stores_content_at_rest) == ("full", True, None)
    first = vm.features[0]
    assert (first.control_id, first.feature, first.supported, first.responsibility) == (
        "NS-2", "Azure Private Link", False, "not_applicable")
    assert first.domain_name == "Network security"
    assert vm.features[-1].control_id is None
    assert services["contoso-storage"].features[4].feature is None  # "No Related Feature"


def test_content_without_a_services_folder_has_no_services(content):
    shutil.rmtree(content / "services")

    assert load_guide(content).services == {}


def test_bad_responsibility_is_reported_at_its_line(content):
    path = content / "services" / "contoso-vm.yaml"
    replace_in(path, "responsibility: not_applicable", "responsibility: nobody")

    [error] = errors_of(content)
    assert error.startswith(f"{path}:")
    assert "features.0.responsibility" in error
    line = int(error.split(":")[1])
    assert "responsibility: nobody" in path.read_text().splitlines()[line - 1]


def test_slug_must_equal_the_file_name(content):
    path = content / "services" / "contoso-vm.yaml"
    replace_in(path, "slug: contoso-vm", "slug: contoso-virtual-machines")

    assert errors_of(content) == [
        f"{path}:2: slug: 'contoso-virtual-machines' differs from the file name 'contoso-vm'"]


def test_invalid_yaml_is_reported_at_its_line(content):
    path = content / "services" / "contoso-storage.yaml"
    replace_in(path, "category: Storage", "category: [Storage")

    [error] = errors_of(content)
    assert error.startswith(f"{path}:")
    assert "invalid YAML" in error


def test_every_error_in_every_file_is_reported(content):
    services = content / "services"
    replace_in(services / "contoso-vm.yaml", "supported: true", "supported: maybe")
    replace_in(services / "contoso-storage.yaml", "host_access: none", "host_access: root")

    errors = errors_of(content)
    assert len(errors) == 2
    assert any("contoso-vm.yaml:" in e and "supported" in e for e in errors)
    assert any("contoso-storage.yaml:6:" in e and "host_access" in e for e in errors)


def test_guide_check_fails_on_a_broken_service_file(content, capsys):
    from app.cli import main

    replace_in(content / "services" / "contoso-vm.yaml", "name: Contoso", "nom: Contoso")
    assert main(["check", str(content)]) == 1
    assert "contoso-vm.yaml:" in capsys.readouterr().err
    assert main(["check", str(FIXTURE_CONTENT)]) == 0
    assert "2 services" in capsys.readouterr().out


def test_a_valid_file_outside_the_quick_path_still_loads(tmp_path):
    text = (FIXTURE_CONTENT / "services" / "contoso-vm.yaml").read_text()
    (tmp_path / "contoso-vm.yaml").write_text(text.replace("category: Compute",
                                                           "category: &c Compute"))

    assert load_baselines(tmp_path)["contoso-vm"].category == "Compute"


@pytest.mark.parametrize("text", [
    "a: 1\nb: yes\nc: ~\nd: ''\ne: -x\nf: [1, 2.5, {g: null}]\nh: 2023-10-01\ni: Off\n",
    "- plain text\n- 'true'\n- .inf\n- \"=1\"\n- |\n  block\n  text\n", "", "a:\n",
])
def test_fastyaml_reads_what_safe_load_reads(text):
    assert fastyaml.load(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", ["x: &a 1\ny: *a\n", "- !!str 12\n", "? [1]\n: 2\n",
                                  "--- 1\n--- 2\n"])
def test_fastyaml_leaves_anchors_tags_and_odd_keys_to_pyyaml(text):
    with pytest.raises(fastyaml.NotFast):
        fastyaml.load(text)


def test_fastyaml_equals_safe_load_on_every_service_file():
    for path in sorted((REAL_CONTENT / "services").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert fastyaml.load(text) == yaml.load(text, Loader=yaml.CSafeLoader), path.name


@pytest.mark.parametrize(("file_name", "slug", "name"), [
    ("azure-red-hat-openshift-(aro)-azure-security-benchmark-v3-latest-security-baseline.xlsx",
     "azure-red-hat-openshift-aro", "Azure Red Hat OpenShift (ARO)"),
    ("virtual-machines-linux virtual machines-azure-security-benchmark-v3-latest-security-"
     "baseline.xlsx", "virtual-machines-linux-virtual-machines", "Linux Virtual Machines"),
    ("azure-database-for-mysql--flexible-server-azure-security-benchmark-v3-latest-security-"
     "baseline.xlsx", "azure-database-for-mysql-flexible-server",
     "Azure Database for MySQL - Flexible Server"),
    ("azure-sql-azure-security-benchmark-v3-latest-security-baseline.xlsx", "azure-sql",
     "Azure SQL"),
    ("app-service-azure-security-benchmark-v3-latest-security-baseline.xlsx", "app-service",
     "App Service"),
    ("key-vault-azure-security-benchmark-v3-latest-security-baseline.xlsx", "key-vault",
     "Azure Key Vault"),
    ("microsoft-defender-for-iot-azure-security-benchmark-v3-latest-security-baseline.xlsx",
     "microsoft-defender-for-iot", "Microsoft Defender for IoT"),
])
def test_slug_and_name_come_from_the_workbook_file_name(file_name, slug, name):
    assert service_slug(file_name) == slug
    assert service_name(slug) == name

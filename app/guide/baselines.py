"""Microsoft's per-service security baselines (content/services/<slug>.yaml), loaded at start-up.

118 files and ~4,000 features are read at every start, so the common path parses with
fastyaml (libyaml events straight into dicts) and validates once; only a file that fails is
parsed again with the line-aware loader, so that each problem is still reported as file:line.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.guide import fastyaml
from app.guide.baseline_vocabulary import (
    CONTROL_ID,
    HostAccess,
    Responsibility,
    control_sort_key,
    domain_name,
)
from app.guide.errors import ContentError
from app.guide.yamlfile import ContentErrorList, line_of, parse_yaml, validate

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProfileEntry(_Strict):
    host_access: HostAccess
    vnet_deployable: bool | None
    stores_content_at_rest: bool | None


class FeatureEntry(_Strict):
    domain: str | None = None
    control_id: str | None = Field(default=None, pattern=CONTROL_ID)
    control_title: str | None = None
    feature: str | None = None
    description: str | None = None
    supported: bool | None
    enabled_by_default: bool | None
    responsibility: Responsibility
    guidance: str | None = None
    reference: str | None = None
    notes: str | None = None
    guidance_notes: str | None = None


class ServiceFile(_Strict):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    category: str = Field(min_length=1)
    profile: ProfileEntry
    source_file: str = Field(min_length=1)
    features: tuple[FeatureEntry, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Profile:
    host_access: HostAccess  # none | read_only | full: "Customer can access HOST / OS"
    vnet_deployable: bool | None  # "Service can be deployed into customer's virtual network"
    stores_content_at_rest: bool | None


@dataclass(frozen=True)
class Feature:
    """One workbook row: a service feature as it meets one benchmark control.

    `feature` is None where the workbook says "No Related Feature" (the control still applies
    to the customer, but no service feature helps); `supported`/`enabled_by_default` are None
    where the workbook says "Not Applicable" or "No Related Feature".
    """

    domain: str | None  # as the workbook spells it; `domain_name` is the benchmark's
    control_id: str | None  # e.g. "IM-1"; None on the few rows the workbooks leave blank
    control_title: str | None
    feature: str | None
    description: str | None
    supported: bool | None
    enabled_by_default: bool | None
    responsibility: Responsibility
    guidance: str | None
    reference: str | None
    notes: str | None
    guidance_notes: str | None

    @property
    def domain_name(self) -> str:
        return domain_name(self.control_id)

    @property
    def sort_key(self) -> tuple:
        return (*control_sort_key(self.control_id), self.feature or "")


@dataclass(frozen=True)
class ServiceBaseline:
    slug: str
    name: str
    category: str  # as the workbook has it, e.g. "Compute, Containers"
    profile: Profile
    features: tuple[Feature, ...]
    path: Path
    source_file: str = ""

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.category.split(","))


def load_baselines(services_dir: Path) -> dict[str, ServiceBaseline]:
    """Every services_dir/*.yaml by slug, sorted by name; raise ContentErrorList with all errors."""
    services: list[ServiceBaseline] = []
    errors: list[ContentError] = []
    for path in sorted(Path(services_dir).glob("*.yaml")):
        try:
            services.append(load_baseline(path))
        except ContentErrorList as exc:
            errors.extend(exc.errors)
    if errors:
        raise ContentErrorList(errors)
    return {s.slug: s for s in sorted(services, key=lambda s: (s.name.casefold(), s.slug))}


def load_baseline(path: Path) -> ServiceBaseline:
    """One service file; the slug must be the file's name."""
    text = path.read_text(encoding="utf-8")
    try:
        entry = ServiceFile.model_validate(fastyaml.load(text))
    except (yaml.YAMLError, fastyaml.NotFast, ValidationError):
        entry = None  # found again below, this time with the lines it comes from
    if entry is None or entry.slug != path.stem:
        entry = _located_entry(text, path)
    return _build(entry, path)


def _located_entry(text: str, path: Path) -> ServiceFile:
    """Read a file again with the line-aware loader: its problems become file:line errors."""
    data = parse_yaml(text, path)
    entry = validate(ServiceFile, data, path)
    if entry.slug != path.stem:
        raise ContentErrorList([ContentError(
            path, line_of(data, ("slug",)),
            f"slug: {entry.slug!r} differs from the file name {path.stem!r}")])
    return entry


def _build(entry: ServiceFile, path: Path) -> ServiceBaseline:
    features = tuple(Feature(**f.__dict__) for f in entry.features)
    return ServiceBaseline(slug=entry.slug, name=entry.name, category=entry.category,
                           profile=Profile(**entry.profile.__dict__), features=features,
                           path=path, source_file=entry.source_file)

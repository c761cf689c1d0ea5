"""JSON schemas of the service baselines API (v1): Microsoft's data, with its credit and date."""

from pydantic import BaseModel

from app.guide.baseline_vocabulary import HostAccess, Responsibility


class CountsPublic(BaseModel):
    """How many of a service's features fall to each party."""

    customer: int
    microsoft: int
    shared: int
    not_applicable: int


class ServiceSummary(BaseModel):
    slug: str
    name: str
    category: str
    counts: CountsPublic


class ProfilePublic(BaseModel):
    host_access: HostAccess
    vnet_deployable: bool | None
    stores_content_at_rest: bool | None


class FeaturePublic(BaseModel):
    """One benchmark control as one service meets it; null where the workbook says none."""

    domain: str
    control_id: str | None
    control_title: str | None
    feature: str | None
    description: str | None
    supported: bool | None
    enabled_by_default: bool | None
    responsibility: Responsibility
    reference: str | None


class SourcePublic(BaseModel):
    """Where the data comes from, how old it is, and under which licence."""

    title: str
    version: str
    date: str
    licence: str


class ServicePublic(BaseModel):
    slug: str
    name: str
    category: str
    profile: ProfilePublic
    features: list[FeaturePublic]
    source: SourcePublic

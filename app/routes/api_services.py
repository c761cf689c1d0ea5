"""JSON API v1: Microsoft's service baselines, read from Guide.services (no database)."""

from dataclasses import asdict

from fastapi import APIRouter

from app.errors import NotFound
from app.guide.baseline_vocabulary import ATTRIBUTION, DATA_DATE, DATA_VERSION, LICENCE_URL
from app.guide.baselines import ServiceBaseline
from app.guide.service_checklists import counts
from app.web.deps import GuideDep
from app.web.openapi import ErrorPublic
from app.web.service_schemas import (
    FeaturePublic,
    ProfilePublic,
    ServicePublic,
    ServiceSummary,
    SourcePublic,
)

router = APIRouter(prefix="/api/v1", tags=["services"])
SOURCE = SourcePublic(title=ATTRIBUTION, version=DATA_VERSION, date=DATA_DATE,
                      licence=LICENCE_URL)
NOT_FOUND = {404: {"model": ErrorPublic, "description": "Unknown service slug"}}


@router.get("/services", response_model=list[ServiceSummary])
async def list_services_api(guide: GuideDep):
    """Every service baseline, by name, with how many features fall to each party."""
    return [ServiceSummary(slug=s.slug, name=s.name, category=s.category, counts=counts(s))
            for s in guide.services.values()]


@router.get("/services/{slug}", response_model=ServicePublic, responses=NOT_FOUND)
async def show_service_api(slug: str, guide: GuideDep):
    """One service's security profile and features in benchmark order, with the data's source."""
    service = guide.services.get(slug)
    if service is None:
        raise NotFound(f"There is no service baseline called {slug[:60]!r}.")
    return _service_public(service)


def _service_public(service: ServiceBaseline) -> ServicePublic:
    features = [FeaturePublic(
        domain=f.domain_name, control_id=f.control_id, control_title=f.control_title,
        feature=f.feature, description=f.description, supported=f.supported,
        enabled_by_default=f.enabled_by_default, responsibility=f.responsibility,
        reference=f.reference) for f in sorted(service.features, key=lambda f: f.sort_key)]
    return ServicePublic(slug=service.slug, name=service.name, category=service.category,
                         profile=ProfilePublic(**asdict(service.profile)), features=features,
                         source=SOURCE)

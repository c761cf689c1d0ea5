"""Microsoft's service baselines: the index, one service, a merged checklist, compare, downloads.

Everything here reads Guide.services, built at start-up; nothing touches the database. Services
are chosen with a repeated `s` query parameter (`?s=key-vault&s=storage`), so every page is a
plain GET that works without JavaScript and can be bookmarked or shared.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from app.echo import printable, without_controls
from app.errors import Invalid, NotFound
from app.guide import Guide
from app.guide.baseline_vocabulary import (
    ATTRIBUTION,
    DATA_DATE,
    HOST_ACCESS_LABELS,
    LICENCE_URL,
    RESPONSIBILITY_LABELS,
    flag_label,
)
from app.guide.service_catalogue import (
    QUERY_MAX,
    BadChoice,
    categories,
    choose_for_checklist,
    choose_for_compare,
    find_services,
    reference,
)
from app.guide.service_checklist_exports import checklist_csv, checklist_markdown
from app.guide.service_checklists import compare, counts, customer_todo, merged_checklist
from app.guide.service_detail import lead, service_detail
from app.web.deps import FragmentsDep, GuideDep, PageDep
from app.web.rendering import Page

router = APIRouter(include_in_schema=False)

Chosen = Annotated[list[str] | None, Query(alias="s")]
Words = Annotated[str, Query(max_length=QUERY_MAX)]
# The baselines' own words and the credit their licence asks for, on every page here
WORDS = {"responsibility_labels": RESPONSIBILITY_LABELS, "host_access_labels": HOST_ACCESS_LABELS,
         "flag_label": flag_label, "reference": reference, "attribution": ATTRIBUTION,
         "data_date": DATA_DATE, "licence_url": LICENCE_URL}


@router.get("/services", response_class=HTMLResponse)
async def list_services(page: PageDep, guide: GuideDep, q: Words = "", category: Words = "",
                        host: Words = ""):
    return _index(page, guide, query=without_controls(q), category=without_controls(category),
                  host=without_controls(host))


@router.get("/services/checklist", response_class=HTMLResponse)
async def show_checklist(page: PageDep, guide: GuideDep, chosen: Chosen = None):
    try:
        services = choose_for_checklist(guide.services, chosen or [])
    except BadChoice as exc:
        return _index(page, guide, error=str(exc), chosen=chosen, status_code=422)
    return _render(page, "services/checklist.html", {
        "services": services, "groups": merged_checklist(services),
        "chosen_query": _chosen_query(services)})


@router.get("/services/checklist.md")
async def download_checklist_markdown(guide: GuideDep, chosen: Chosen = None):
    services = _chosen_or_422(guide, chosen)
    return _download(checklist_markdown(services), services, "md", "text/markdown")


@router.get("/services/checklist.csv")
async def download_checklist_csv(guide: GuideDep, chosen: Chosen = None):
    services = _chosen_or_422(guide, chosen)
    return _download(checklist_csv(services), services, "csv", "text/csv")


@router.get("/services/compare", response_class=HTMLResponse)
async def compare_services(page: PageDep, guide: GuideDep, chosen: Chosen = None,
                           changes: bool = False):
    try:
        services = choose_for_compare(guide.services, chosen or [])
    except BadChoice as exc:
        return _index(page, guide, error=str(exc), chosen=chosen, status_code=422)
    comparison = compare(services)
    rows = [r for r in comparison.rows if r.changes_hands] if changes else comparison.rows
    return _render(page, "services/compare.html", {
        "comparison": comparison, "rows": rows, "changes_only": changes,
        "changing": sum(r.changes_hands for r in comparison.rows),
        "chosen_query": _chosen_query(services)})


@router.get("/services/{slug}", response_class=HTMLResponse)
async def show_service(slug: str, page: PageDep, guide: GuideDep, fragments: FragmentsDep):
    """A service's page; its body is the same for everyone, so it is rendered once and kept."""
    service = _service_or_404(guide, slug)
    body = service_body(fragments, guide, service)
    return page.render("services/service.html", {"service": service, "body": body})


def service_body(fragments, guide, service):
    """The body of a service's page, rendered once (at start-up, see prerender) and kept."""
    return fragments.render("services/_detail.html", service.slug, lambda: WORDS | {
        "detail": service_detail(service), "counts": counts(service), "lead": lead,
        "others": [s for s in guide.services.values() if s.slug != service.slug]})


def prerender(fragments, guide) -> None:
    """Every service page's body, rendered ahead of the first visit (create_app runs this in a
    background thread, so start-up does not wait for the ~0.5 s it takes)."""
    for service in guide.services.values():
        service_body(fragments, guide, service)


@router.get("/services/{slug}/checklist", response_class=HTMLResponse)
async def show_service_checklist(slug: str, page: PageDep, guide: GuideDep):
    """What is on us: the customer's to-do list for one service, printable."""
    service = _service_or_404(guide, slug)
    return _render(page, "services/todo.html", {"service": service, "todo": customer_todo(service)})


def _service_or_404(guide: Guide, slug: str):
    service = guide.services.get(slug)
    if service is None:
        raise NotFound(f"There is no service baseline called “{printable(slug, 60)}”.")
    return service


def _index(page: Page, guide: Guide, *, query: str = "", category: str = "", host: str = "",
           error: str | None = None, chosen=(), status_code: int = 200) -> HTMLResponse:
    """The index; after a refused choice, with the message and the boxes still ticked."""
    found = find_services(guide.services, query=query, category=category, host_access=host)
    return _render(page, "services/index.html", {
        "services": found, "counts": {s.slug: counts(s) for s in found},
        "categories": categories(guide.services), "words": query, "category": category,
        "host": host,
        "error": error, "chosen": set(chosen or ())}, status_code=status_code)


def _render(page: Page, template: str, context: dict, **options) -> HTMLResponse:
    return page.render(template, WORDS | context, **options)


def _chosen_or_422(guide: Guide, chosen: list[str] | None):
    try:
        return choose_for_checklist(guide.services, chosen or [])
    except BadChoice as exc:
        raise Invalid(str(exc), field="s") from exc


def _chosen_query(services) -> str:
    """The `s=...&s=...` that chooses these services again (for links between the pages)."""
    return urlencode([("s", service.slug) for service in services])


def _download(text: str, services, extension: str, media_type: str) -> Response:
    stem = services[0].slug if len(services) == 1 else f"{len(services)}-services"
    return Response(text, media_type=f"{media_type}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="customer-checklist-{stem}.{extension}"'})

"""CSV downloads of a cohort (progress, responses, item statistics), for its instructors.

The cohort is checked first; the rows are then streamed from one read session held for the
length of the download, so memory stays flat whatever the size.
"""

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from app.db import Database
from app.routes.item_analysis import CacheDep, cohort_reports
from app.services import cohorts, exports
from app.web.deps import CurrentInstructor, Db, GuideDep
from app.web.inputs import Id

router = APIRouter(include_in_schema=False)


@router.get("/instructor/cohorts/{cohort_id}/progress.csv")
async def export_progress(cohort_id: Id, db: Db, guide: GuideDep, user: CurrentInstructor):
    cohort = await db.read(cohorts.get_cohort_for, cohort_id=cohort_id, user=user)
    rows = _streamed(db, exports.progress_csv, cohort_id=cohort.id, guide=guide)
    return _csv(rows, cohort_id=cohort.id, name="progress")


@router.get("/instructor/cohorts/{cohort_id}/responses.csv")
async def export_responses(cohort_id: Id, db: Db, guide: GuideDep, user: CurrentInstructor):
    cohort = await db.read(cohorts.get_cohort_for, cohort_id=cohort_id, user=user)
    rows = _streamed(db, exports.responses_csv, cohort_id=cohort.id, guide=guide)
    return _csv(rows, cohort_id=cohort.id, name="responses")


@router.get("/instructor/cohorts/{cohort_id}/items.csv")
async def export_items(cohort_id: Id, db: Db, guide: GuideDep, user: CurrentInstructor,
                       cache: CacheDep):
    found = await db.read(cohort_reports, cohort_id=cohort_id, user=user, guide=guide,
                          cache=cache)
    return _csv(exports.items_csv(found), cohort_id=cohort_id, name="items")


def _streamed(db: Database, produce, **values):
    """Chunks of `produce(session, **values)`, read in the worker thread that sends them."""
    with db.read_session() as session:
        yield from produce(session, **values)


def _csv(chunks, *, cohort_id: Id, name: str) -> StreamingResponse:
    return StreamingResponse(chunks, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="cohort-{cohort_id}-{name}.csv"',
        "Cache-Control": "no-store", "Vary": "Cookie"})

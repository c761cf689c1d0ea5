"""Liveness and readiness."""

from anyio import to_thread
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.db_status import OK, database_status
from app.web.deps import Db

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Check the service is up")
async def healthz(db: Db) -> JSONResponse:
    """`{"status": "ok"}` when the app can query and write its database, else 503."""
    status = await to_thread.run_sync(database_status, db.engine)
    if status != OK:
        return JSONResponse({"status": "error", "database": status}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})

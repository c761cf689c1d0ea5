"""Liveness and readiness."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.db_status import OK, database_status

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    """`{"status": "ok"}` when the app can query and write its database, else 503."""
    status = database_status(request.app.state.engine)
    if status != OK:
        return JSONResponse({"status": "error", "database": status}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})

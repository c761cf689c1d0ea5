"""Liveness and readiness."""

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.web.deps import Db

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)


def _ping(session) -> None:
    session.exec(text("SELECT 1"))


@router.get("/healthz")
async def healthz(db: Db) -> JSONResponse:
    """`{"status": "ok"}` when the app can query its database, else 503."""
    try:
        await db.read(_ping)
    except Exception as exc:  # any database failure means "not ready"
        logger.warning("health check: database unavailable: %s", exc)
        return JSONResponse({"status": "error", "database": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})

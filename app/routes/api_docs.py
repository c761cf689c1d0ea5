"""The OpenAPI docs at /docs, served from the swagger-ui-bundle package: no CDN (CSP forbids it)."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from app.errors import NotFound
from app.web.deps import PageDep

router = APIRouter(include_in_schema=False)
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js"}


@router.get("/docs", response_class=HTMLResponse)
async def show_api_docs(page: PageDep):
    return page.render("api/docs.html")


@router.get("/docs/assets/{name}")
async def show_api_docs_asset(name: str):
    if name not in ASSETS:
        raise NotFound("There is no such file.")
    return FileResponse(Path(swagger_ui_path) / name,
                        headers={"cache-control": "public, max-age=86400"})

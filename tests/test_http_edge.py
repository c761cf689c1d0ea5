"""The HTTP edge: HEAD on every GET route, compression with per-encoding ETags, /favicon.ico,
and an OpenAPI description with readable names."""

import re

import brotli
import pytest
from fastapi.routing import APIRoute

from app.main import ROUTERS
from tests.support import start_anonymous

# Example values for the path parameters of GET routes
PATH_VALUES = {"slug": "alpha", "name": "swagger-ui.css", "code": "nope", "cohort_id": "1",
               "learner_id": "1", "attempt_id": "1", "quiz_slug": "alpha", "path": "css/guide.css",
               "service_slug": "contoso-vm", "format": "csv"}


def get_paths() -> list[str]:
    paths = []
    for route in (r for router in ROUTERS for r in router.routes):
        if isinstance(route, APIRoute) and "GET" in route.methods:
            paths.append(re.sub(r"\{(\w+)(?::\w+)?\}",
                                lambda m: PATH_VALUES.get(m.group(1), "x"), route.path))
    return paths


def test_head_answers_like_get_on_every_get_route(app, client):
    paths = get_paths() + ["/static/css/guide.css"]
    assert len(paths) > 20
    for path in paths:
        get = client.get(path, follow_redirects=False)
        head = client.head(path, follow_redirects=False)
        assert head.status_code == get.status_code, path
        assert head.status_code != 405, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == get.headers.get("content-type"), path


def test_favicon_ico_points_at_the_svg(client):
    response = client.get("/favicon.ico", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/static/favicon.svg"
    assert client.get("/favicon.ico").headers["content-type"].startswith("image/svg+xml")


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize("path", ["/chapters/alpha", "/", "/static/css/guide.css?v=1"])
def test_text_is_compressed_with_its_own_etag_and_revalidates(client, path, encoding):
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    encoded = client.get(path, headers={"Accept-Encoding": f"{encoding}, identity"})

    assert plain.status_code == encoded.status_code == 200
    assert "content-encoding" not in plain.headers
    assert encoded.headers["content-encoding"] == encoding
    assert "accept-encoding" in encoded.headers["vary"].lower()
    assert encoded.content == plain.content  # httpx decodes br and gzip
    assert int(encoded.headers["content-length"]) < len(plain.content) / 2
    assert encoded.headers["etag"] != plain.headers["etag"]
    again = client.get(path, headers={"Accept-Encoding": encoding,
                                      "If-None-Match": encoded.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"] == encoded.headers["etag"]
    plain_again = client.get(path, headers={"Accept-Encoding": "identity",
                                            "If-None-Match": plain.headers["etag"]})
    assert plain_again.status_code == 304
    # a browser holding the plain copy that now accepts brotli: its copy is still the plain one
    switched = client.get(path, headers={"Accept-Encoding": encoding,
                                         "If-None-Match": plain.headers["etag"]})
    assert switched.status_code == 304
    assert switched.headers["etag"] == plain.headers["etag"]
    assert "content-encoding" not in switched.headers


def test_the_cached_chapter_is_served_precompressed(app, client):
    client.get("/chapters/alpha")  # rendered once, stored in every encoding
    bodies, _ = app.state.page_cache.pages["/chapters/alpha"]
    response = client.get("/chapters/alpha", headers={"Accept-Encoding": "br"})
    assert response.headers["content-encoding"] == "br"
    assert brotli.decompress(bodies["br"]) == bodies[""] == response.content


def test_small_and_binary_responses_are_not_compressed(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "br, gzip"})
    assert "content-encoding" not in response.headers


def test_signed_in_pages_and_json_are_compressed_too(client):
    start_anonymous(client)
    response = client.get("/progress", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    response = client.get("/openapi.json", headers={"Accept-Encoding": "br"})
    assert response.headers["content-encoding"] == "br"


def test_openapi_names_are_unique_and_summaries_readable(client):
    spec = client.get("/openapi.json").json()
    assert not [name for name in spec["components"]["schemas"] if "__" in name]
    summaries = [op["summary"] for ops in spec["paths"].values() for op in ops.values()]
    assert "Register an account" in summaries
    assert not [s for s in summaries if s.startswith("Api ")]
    assert len(set(summaries)) == len(summaries)


def test_stylesheets_and_scripts_skip_the_document_only_headers(client):
    css = client.get("/static/css/guide.css")
    page = client.get("/")
    assert css.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in css.headers
    assert "x-frame-options" not in client.get("/static/js/theme.js").headers
    assert page.headers["content-security-policy"] and page.headers["x-frame-options"]
    assert client.get("/static/favicon.svg").headers["content-security-policy"]  # a document

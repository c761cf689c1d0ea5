"""The OpenAPI document at /openapi.json, with every error response the API can give.

Routers declare the errors that are theirs (401, 404, 409, ...). What every operation can
answer whatever its router (the CSRF check's 403, the body limit's 413, a malformed JSON
body's 400, invalid input's 422) is added here, and every error is documented with the one
shape app/web/errors.py answers: `ErrorPublic`, `{"detail", "field"}`. FastAPI's default
`HTTPValidationError` (a list under `detail`) is not what we send, so it is removed.
"""

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

UNSAFE = {"post", "put", "patch", "delete"}
REF_TEMPLATE = "#/components/schemas/{model}"
ERROR_REF = {"$ref": REF_TEMPLATE.format(model="ErrorPublic")}
# The models of bodies their routes read themselves (app/web/json_body.py), by schema name.
DOCUMENTED_BODIES: dict[str, type[BaseModel]] = {}
DEFAULT_DESCRIPTIONS = {
    400: "The body is not valid JSON", 401: "Sign-in needed", 403: "Not allowed, or a "
    "missing or wrong CSRF token", 404: "Not found (also: an id out of range)",
    409: "Conflict", 413: "Request body too large", 422: "Invalid input (`field` names it)",
    429: "Too many attempts",
}


class ErrorPublic(BaseModel):
    detail: str
    field: str | None = None


def errors(*statuses: int, **descriptions: str) -> dict:
    """A router's or route's `responses`: each status with ErrorPublic and a description
    (`errors(404, e404="Unknown quiz")` overrides a default one)."""
    return {s: {"model": ErrorPublic,
                "description": descriptions.get(f"e{s}", DEFAULT_DESCRIPTIONS[s])}
            for s in statuses}


def documented_body(model: type[BaseModel]) -> dict:
    """The `openapi_extra` of a route that reads its JSON body itself: the body documented as
    FastAPI documents a body parameter (required, its schema among the components)."""
    DOCUMENTED_BODIES[model.__name__] = model
    schema = {"$ref": REF_TEMPLATE.format(model=model.__name__)}
    return {"requestBody": {"content": {"application/json": {"schema": schema}},
                            "required": True}}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            document_errors(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


def document_errors(schema: dict) -> None:
    """Add the errors every operation can give and give each error the ErrorPublic shape."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _edge_errors(method, operation):
                responses.setdefault(str(status), {})
            for status, response in responses.items():
                if not status.isdigit() or int(status) < 400:
                    continue
                if response.get("description") in (None, "", "Validation Error"):
                    response["description"] = DEFAULT_DESCRIPTIONS.get(int(status), "Error")
                response["content"] = {"application/json": {"schema": ERROR_REF}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    components["ErrorPublic"] = ErrorPublic.model_json_schema()
    for name, model in DOCUMENTED_BODIES.items():  # bodies their routes read themselves
        body_schema = model.model_json_schema(ref_template=REF_TEMPLATE)
        for nested, nested_schema in body_schema.pop("$defs", {}).items():
            components.setdefault(nested, nested_schema)
        components.setdefault(name, body_schema)


def _edge_errors(method: str, operation: dict) -> list[int]:
    """The errors the edge itself can answer for this operation."""
    found = []
    parameters = operation.get("parameters", [])
    if "requestBody" in operation:
        found += [400, 413, 422]
    if method in UNSAFE:
        found.append(403)
    if parameters:
        found.append(422)
    if any(p.get("in") == "path" for p in parameters):
        found.append(404)
    return found

"""A JSON body that its route reads itself: for the write hot path, the quiz submission.

FastAPI reads a body parameter with the standard json module, then validates the parsed value,
then solves the route's dependencies one by one. On the submission (bench/quiz_submit.py)
that was a tenth of each request's CPU: in alternating runs, 0.53-0.55 ms per submission with
it, 0.46-0.49 ms without, and the ratio to the minimal durable ceiling went from 0.55-0.59 to
0.59-0.67. Here pydantic parses and validates in one pass (in Rust), and the route takes the
app's objects from `request.app.state` (app/web/deps.py's dependencies read the same
attributes).

The contract stays FastAPI's, so nothing outside the route can tell:
- the same errors: a RequestValidationError with `loc` ("body", ...), which app/web/errors.py
  answers as it answers every route (400 for a body that is not JSON, 422 naming the field);
  400 mutated bodies got the same status codes from this and from FastAPI's own reading;
- the same content-type rule (FastAPI's strict default): a body sent without a JSON content
  type is validated as the raw bytes it is, and refused;
- the same OpenAPI document: the route's `openapi_extra` is app/web/openapi.py's
  `documented_body(Model)`.
"""

import json
from typing import TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

Model = TypeVar("Model", bound=BaseModel)


async def read_json_body(request: Request, model: type[Model]) -> Model:
    """The request's body as `model`, or the RequestValidationError FastAPI would raise."""
    raw = await request.body()
    try:
        if not raw:
            raise RequestValidationError([{"type": "missing", "loc": ("body",),
                                           "msg": "Field required", "input": None}])
        if not is_json(request.headers.get("content-type")):
            # FastAPI validates the raw bytes then, which no model accepts: 422, same message
            return model.model_validate(raw, from_attributes=True)
        try:
            return model.model_validate_json(raw)
        except ValidationError as error:
            if error.errors()[0]["type"] != "json_invalid":
                raise
        # pydantic's parser refuses some JSON the standard library reads (a lone surrogate's
        # escape, NaN): read it as FastAPI would, so the answer is the same (422 naming the
        # field, not 400). Only bodies that fail to parse come here.
        return model.model_validate(_parsed(raw))
    except ValidationError as error:
        raise RequestValidationError(
            [{**detail, "loc": ("body", *detail["loc"])} for detail in error.errors()]
        ) from None


def _parsed(raw: bytes):
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, or nested too deep
        raise RequestValidationError([{"type": "json_invalid",
                                       "loc": ("body", getattr(error, "pos", 0)),
                                       "msg": "JSON decode error", "input": {}}]) from None


def is_json(content_type: str | None) -> bool:
    """application/json or application/<anything>+json, parameters aside (FastAPI's rule)."""
    if not content_type:
        return False
    maintype, _, subtype = content_type.partition(";")[0].strip().lower().partition("/")
    return maintype == "application" and (subtype == "json" or subtype.endswith("+json"))

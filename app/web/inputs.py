"""The shapes of inputs at the HTTP edge, defined once and used in every route signature
and every JSON input model, so that no input can reach a query in a form the database
refuses (a NUL byte on PostgreSQL, an integer wider than the column).

- `Id`: an id in the path. Not a whole number from 1 to MAX_ID: 404, like an unknown id.
- `PageNumber`, `PerPage`: page through a list. Out of range: 422.
- `Text`: a string field of a JSON input model; `QueryText`, `PathText`: a query or path
  string. A control character (or a lone surrogate): 422 naming the field.
"""

import re
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, Field

from app.models.types import MAX_ID
from app.services.dashboard import PER_PAGE_MAX

# Unicode's control characters (category Cc) but tab and line breaks, and lone surrogates
# (category Cs): one regex search, a C loop, on the submission hot path.
NOT_PLAIN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def is_plain_text(value: str) -> bool:
    """No control characters (tab and line breaks aside) and no lone surrogates."""
    return NOT_PLAIN.search(value) is None


def _plain_text(value: str) -> str:
    if not is_plain_text(value):
        raise ValueError("contains characters that are not allowed")
    return value


# The same rule, documented in the OpenAPI schema (lone surrogates cannot be written there).
PLAIN_TEXT = {"pattern": r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"}

Text = Annotated[str, AfterValidator(_plain_text), Field(json_schema_extra=PLAIN_TEXT)]
Key = Annotated[str, AfterValidator(_plain_text)]  # a text key of a JSON object
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Query(ge=1, le=MAX_ID, description="1 for the first page")]
PerPage = Annotated[int, Query(ge=1, le=PER_PAGE_MAX)]
# No length limit on queries: the URL's own limit bounds them, and a long pasted search is
# cut by the search itself rather than refused.
QueryText = Annotated[str, Query(json_schema_extra=PLAIN_TEXT), AfterValidator(_plain_text)]
PathText = Annotated[str, Path(max_length=200, json_schema_extra=PLAIN_TEXT),
                     AfterValidator(_plain_text)]

"""The one form reader: every HTML form post is read through `FormDep`.

Our forms send text fields only. A file part, or a control character in a text field (a NUL
byte, which PostgreSQL refuses, and the like), is a 422 naming the field, never a 500 later.
"""

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData, UploadFile

from app.echo import printable
from app.errors import Invalid
from app.web.inputs import is_plain_text

MAX_FIELDS = 200


class Form:
    """Text fields of a submitted form, by name."""

    def __init__(self, data: FormData):
        self._data = data

    def text(self, name: str, *, max_length: int = 300) -> str:
        """The field's value ("" when absent); too long or control characters: Invalid."""
        return check_text(self._data.get(name) or "", field=name, max_length=max_length)

    def texts(self, name: str) -> list[str]:
        """Every value of a repeated field (checkboxes), blanks left out."""
        return [check_text(v, field=name, max_length=300) for v in self._data.getlist(name) if v]

    def names(self) -> list[str]:
        return list(self._data.keys())

    def single_values(self) -> dict[str, str]:
        """Name -> value for forms where no field repeats (the lab's grids)."""
        fields: dict[str, str] = {}
        for name, value in self._data.multi_items():
            if name in fields:
                raise Invalid(f"The field “{printable(name)}” is not expected twice.",
                              field=printable(name))
            fields[name] = check_text(value, field=name, max_length=300)
        return fields


def check_text(value, *, field: str, max_length: int) -> str:
    """Plain text of at most `max_length` characters with no control characters."""
    if not isinstance(value, str):
        raise Invalid(f"{printable(field)}: a file was sent where text was expected.",
                      field=printable(field))
    if len(value) > max_length:
        raise Invalid(f"{printable(field)}: use at most {max_length} characters.",
                      field=printable(field))
    if not is_plain_text(value):
        raise Invalid(f"{printable(field)}: contains characters that are not allowed.",
                      field=printable(field))
    return value


async def read_form(request: Request) -> Form:
    # One file is parsed (the body limit bounds it) so that the 422 can name its field;
    # a second one is Starlette's 400.
    data = await request.form(max_files=1, max_fields=MAX_FIELDS)
    for name, value in data.multi_items():
        if isinstance(value, UploadFile):
            raise Invalid(f"{printable(name)}: a file was sent where text was expected.",
                          field=printable(name))
    return Form(data)


FormDep = Annotated[Form, Depends(read_form)]

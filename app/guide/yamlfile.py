"""YAML that remembers where each value came from, so errors can name file:line."""

from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from app.guide.errors import ContentError


class LineDict(dict):
    """A mapping plus the 1-based line of itself (`line`) and of each key (`key_lines`)."""

    line: int = 1
    key_lines: dict


class LineList(list):
    line: int = 1
    item_lines: list


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            self.construct_object(k, deep=True): k.start_mark.line + 1 for k, _ in node.value
        }
        return mapping

    def construct_sequence(self, node, deep=False):
        items = LineList(super().construct_sequence(node, deep=True))
        items.line = node.start_mark.line + 1
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                            _LineLoader.construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                            _LineLoader.construct_sequence)


def parse_yaml(text: str, path, *, first_line: int = 1) -> Any:
    """Parse YAML; a syntax error becomes a ContentError at its line."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        raise ContentErrorList([ContentError(path, line, f"invalid YAML: {exc.problem}")]) from exc
    _shift_lines(data, first_line - 1)
    return data


def line_of(data: Any, loc: tuple) -> int:
    """The line of the value at `loc` (a pydantic error location), or its nearest parent."""
    line = getattr(data, "line", 1)
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line = node.key_lines.get(key, line)
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and key < len(node):
            line = node.item_lines[key]
            node = node[key]
        else:
            break
    return line


def validate(model: type[BaseModel], data: Any, path) -> BaseModel:
    """Validate `data` against `model`; every pydantic error becomes a ContentError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentErrorList([
            ContentError(path, line_of(data, err["loc"]), _describe(err))
            for err in exc.errors()
        ]) from exc


def _describe(err: dict) -> str:
    where = ".".join(str(part) for part in err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _shift_lines(node: Any, offset: int) -> None:
    if not offset:
        return
    if isinstance(node, LineDict):
        node.line += offset
        node.key_lines = {k: v + offset for k, v in node.key_lines.items()}
        for value in node.values():
            _shift_lines(value, offset)
    elif isinstance(node, LineList):
        node.line += offset
        node.item_lines = [v + offset for v in node.item_lines]
        for value in node:
            _shift_lines(value, offset)


class ContentErrorList(Exception):
    """Errors from one file; the loader gathers them into InvalidContent."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))

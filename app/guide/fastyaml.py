"""A quicker yaml.safe_load for large, plain data files (the 118 service baselines).

PyYAML's CSafeLoader parses in C but composes nodes and resolves every scalar in Python,
which costs ~300 ms for content/services. Here libyaml's events are turned into dicts and
lists directly. Only plain scalars that could be something other than a string (a first
character that starts a number, null, merge or value, or a YAML 1.1 bool word) go through
PyYAML's own resolver and constructor, so the result equals yaml.safe_load. Anchors, aliases
and explicit tags are not needed by generated data: they raise NotFast, and the caller falls
back to the ordinary loader.
"""

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAYBE_NOT_STR = set("-+0123456789.<=~")
_WORDS = {"yes", "no", "true", "false", "on", "off", "null"}


class NotFast(Exception):
    """The document uses YAML this loader leaves to PyYAML."""


def load(text: str) -> Any:
    """Like yaml.safe_load(text) for one document; raises yaml.YAMLError or NotFast."""
    loader = _Loader(text)
    try:
        next_event = loader.get_event
        stack: list = []  # open containers; a mapping's pending key rides along
        result: Any = None
        documents = 0
        while True:
            event = next_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor or event.tag and not event.implicit[0] and not event.implicit[1]:
                    raise NotFast("anchor or tag")
                value = _scalar(loader, event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor or (event.tag and not event.implicit):
                    raise NotFast("anchor or tag")
                stack.append([{} if kind is yaml.MappingStartEvent else [], None, False])
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()[0]
            elif kind is yaml.AliasEvent:
                raise NotFast("alias")
            elif kind is yaml.StreamEndEvent:
                return result
            elif kind is yaml.DocumentStartEvent and documents:
                raise NotFast("more than one document")
            else:  # stream and document start/end
                documents += kind is yaml.DocumentStartEvent
                continue
            if not stack:
                result = value
            else:
                _add(stack[-1], value)
    except TypeError as exc:  # an unhashable key: PyYAML reports it with its line
        raise NotFast(str(exc)) from exc
    finally:
        loader.dispose()


def _add(top: list, value: Any) -> None:
    container = top[0]
    if type(container) is list:
        container.append(value)
    elif top[2]:
        container[top[1]] = value
        top[2] = False
    else:
        top[1], top[2] = value, True


def _scalar(loader, event) -> Any:
    value = event.value
    if not event.implicit[0] or (value and value[0] not in _MAYBE_NOT_STR
                                 and value.lower() not in _WORDS):
        return value  # quoted, or plain text no resolver would turn into another type
    node = yaml.ScalarNode(loader.resolve(yaml.ScalarNode, value, event.implicit), value,
                           style=event.style)
    return loader.construct_object(node, deep=True)

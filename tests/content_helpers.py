"""Helpers for tests that break a copy of the fixture content (the `content` fixture)."""

from pathlib import Path

import pytest

from app.guide import InvalidContent, load_guide


def errors_of(content_dir: Path) -> list[str]:
    """Every `file:line: message` that loading `content_dir` reports."""
    with pytest.raises(InvalidContent) as caught:
        load_guide(content_dir)
    return [str(error) for error in caught.value.errors]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))

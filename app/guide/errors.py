"""Content problems, each pointing at file:line."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class InvalidContent(Exception):
    """Raised with every problem found, so an author fixes them in one pass."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(errors, key=lambda e: (str(e.path), e.line))
        super().__init__("\n".join(str(e) for e in self.errors))

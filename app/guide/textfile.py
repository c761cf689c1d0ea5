"""Reading a content file as text, so a bad byte is a file:line error like any other."""

from pathlib import Path

from app.guide.errors import ContentError
from app.guide.yamlfile import ContentErrorList


def read_text(path: Path) -> str:
    """The file decoded as UTF-8; invalid bytes raise ContentErrorList naming line and column."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - line_start + 1
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column})"
        raise ContentErrorList([ContentError(path, line, message)]) from None

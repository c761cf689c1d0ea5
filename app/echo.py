"""Someone's input, made safe to repeat back in a message: shared by forms and by the guide."""

import unicodedata


def printable(text: str, limit: int = 80) -> str:
    """`text` made safe to echo in an error message: no control characters, no lone
    surrogates (they cannot be encoded), at most `limit` characters."""
    return "".join(ch if _is_printable(ch) else "�" for ch in text[:limit])


def without_controls(text: str) -> str:
    """A filter as typed, less control and format characters (escapes, NULs, bidi overrides)."""
    return "".join(ch for ch in text if _is_printable(ch)).strip()


def _is_printable(ch: str) -> bool:
    return unicodedata.category(ch) not in ("Cc", "Cs", "Cf") or ch in "\u200d"

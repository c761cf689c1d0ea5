"""CSV cells a spreadsheet shows as text: shared by every CSV the guide writes."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: str | None) -> str:
    """A text cell a spreadsheet shows as text: a leading formula character gets a quote."""
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value

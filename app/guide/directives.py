"""Inline directives: facts about the matrix that chapters state in words.

A chapter writes `[[disputed-count]]` or `[[disputed-list]]` inside a sentence; the content
engine puts the words computed from content/matrix.yaml in their place at start-up, so the
count and the list can never disagree with the data (or with each other) across chapters.
"""

import html

from app.guide.matrix import Matrix

INLINE_DIRECTIVES = ("disputed-count", "disputed-list")
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve")


def count_phrase(count: int, noun: str) -> str:
    """`count_phrase(4, "cell")` -> "four cells"; numbers above twelve stay digits."""
    number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"{number} {noun}{'' if count == 1 else 's'}"


def join_words(items: list[str]) -> str:
    """`a`, `a and b`, `a, b, and c` (the serial comma the chapters use)."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def disputed_list(matrix: Matrix) -> str:
    """The disputed cells, grouped by row in diagram order: “Applications” in SaaS, ..."""
    parts = []
    for row in matrix.rows:
        if row.disputed:
            columns = [c.short for c in matrix.columns if c.id in row.disputed]
            parts.append(f"“{row.name}” in {' and '.join(columns)}")
    return join_words(parts)


def matrix_directives(matrix: Matrix) -> dict[str, str]:
    """Inline directive name -> HTML (escaped text) computed from the matrix."""
    count = sum(len(row.disputed) for row in matrix.rows)
    return {
        "disputed-count": html.escape(count_phrase(count, "cell"), quote=False),
        "disputed-list": html.escape(disputed_list(matrix), quote=False),
    }

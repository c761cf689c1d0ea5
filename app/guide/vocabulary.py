"""Domain words defined once: the three parties, the shapes of ids, how times are written.

Everything else imports these; nothing retypes them (a test checks the parties).
"""

import re
from datetime import UTC, datetime
from typing import Literal

# Who is responsible for a cell of the matrix, in the order the guide always shows them.
PARTIES = ("customer", "microsoft", "shared")
Party = Literal["customer", "microsoft", "shared"]
PARTY_LABELS = {"customer": "Customer", "microsoft": "Microsoft", "shared": "Shared"}
PARTY_ICONS = {"customer": "■", "microsoft": "□", "shared": "◩"}

# Chapter, quiz, question and matrix ids: lower-case words joined by single hyphens.
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_PATTERN = re.compile(SLUG)

# Question behaviours (after Moodle's): when a graded quiz gives feedback. `deferred`: after
# submission only. `immediate`: a per-question Check whose answer is then final for the attempt.
DEFERRED, IMMEDIATE = "deferred", "immediate"
Behaviour = Literal["deferred", "immediate"]

# A client's id for one attempt (a UUID, say): replaying it stores nothing new.
CLIENT_ATTEMPT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def iso_utc(value: datetime | None) -> str:
    """A time as ISO 8601 in UTC to the second ("" for none): exports, JSON and <time>."""
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else ""

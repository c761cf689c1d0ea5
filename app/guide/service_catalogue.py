"""Finding and choosing service baselines for the /services pages.

Pure functions over Guide.services: the filter of the service index, the categories it offers,
and the one reading of a list of chosen slugs (the `s` query parameter of the checklist,
compare and download pages), so every page accepts and refuses the same choices.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.echo import printable
from app.guide.baselines import ServiceBaseline
from app.guide.service_checklists import COMPARE_MAX, COMPARE_MIN

CHECKLIST_MAX = 10  # one merged checklist, page or download, lists at most this many services
QUERY_MAX = 100  # characters of the index's name filter
_URL = re.compile(r"(https?://\S+)")


class BadChoice(ValueError):
    """A choice of services the page cannot show; the message says what to change."""


@dataclass(frozen=True)
class Reference:
    """A workbook reference, "Title: https://...", as text and (where it has one) a link."""

    title: str
    url: str | None


def categories(services: Mapping[str, ServiceBaseline]) -> list[str]:
    """Every category any service is in, alphabetically (a service may be in several)."""
    return sorted({c for s in services.values() for c in s.categories}, key=str.casefold)


def find_services(services: Mapping[str, ServiceBaseline], *, query: str = "",
                  category: str = "", host_access: str = "") -> list[ServiceBaseline]:
    """Services whose name, slug or category contains every word of `query`, in `category`
    and with that `host_access` (none | read_only | full) if given."""
    words = query.casefold().split()
    return [s for s in services.values()
            if (not category or category in s.categories)
            and (not host_access or s.profile.host_access == host_access)
            and all(w in s.name.casefold() or w in s.slug or w in s.category.casefold()
                    for w in words)]


def choose(services: Mapping[str, ServiceBaseline], slugs: Sequence[str], *,
           at_least: int, at_most: int) -> list[ServiceBaseline]:
    """The services named by `slugs`, in the order given, each once; BadChoice otherwise."""
    chosen: list[ServiceBaseline] = []
    for slug in dict.fromkeys(slug for slug in slugs if slug):  # a select left at "None": ""
        service = services.get(slug)
        if service is None:
            raise BadChoice(f"There is no service called “{printable(slug, 60)}”.")
        chosen.append(service)
    if len(chosen) < at_least:
        raise BadChoice(f"Choose at least {at_least} {_services(at_least)}.")
    if len(chosen) > at_most:
        raise BadChoice(f"Choose at most {at_most} {_services(at_most)}.")
    return chosen


def choose_for_checklist(services: Mapping[str, ServiceBaseline],
                         slugs: Sequence[str]) -> list[ServiceBaseline]:
    return choose(services, slugs, at_least=1, at_most=CHECKLIST_MAX)


def choose_for_compare(services: Mapping[str, ServiceBaseline],
                       slugs: Sequence[str]) -> list[ServiceBaseline]:
    return choose(services, slugs, at_least=COMPARE_MIN, at_most=COMPARE_MAX)


def reference(text: str) -> Reference:
    """Split "Azure Key Vault RBAC: https://docs..." into its title and its http(s) link."""
    match = _URL.search(text)
    if match is None:
        return Reference(title=text, url=None)
    title = (text[:match.start()] + text[match.end():]).strip().rstrip(":").strip()
    return Reference(title=title or match.group(1), url=match.group(1))


def _services(n: int) -> str:
    return "service" if n == 1 else "services"

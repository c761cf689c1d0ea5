"""What one service's page shows: its profile in plain words, its features by benchmark domain.

Pure functions over a ServiceBaseline, so the page (rendered once per service and kept, see
app/web/fragments.py) and its tests read the same structure.
"""

import re
from dataclasses import dataclass

from app.guide.baselines import Feature, Profile, ServiceBaseline

LEAD_MAX = 160  # characters of guidance shown before the rest is folded away
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")

HOST_ACCESS_WORDS = {
    "none": "You cannot reach the host or its operating system: Microsoft runs them.",
    "read_only": "You can look at the host or its operating system, but not change it.",
    "full": "You have full access to the host and its operating system.",
}
VNET_WORDS = {True: "It can be deployed into your own virtual network.",
              False: "It cannot be deployed into your own virtual network.",
              None: "The baseline does not say whether it deploys into your virtual network."}
CONTENT_WORDS = {True: "It stores your content at rest.",
                 False: "It does not store your content at rest.",
                 None: "The baseline does not say whether it stores your content at rest."}


@dataclass(frozen=True)
class DomainGroup:
    """One benchmark domain's features of one service, in benchmark order."""

    name: str
    features: tuple[Feature, ...]


@dataclass(frozen=True)
class ServiceDetail:
    service: ServiceBaseline
    profile: tuple[str, ...]  # sentences
    domains: tuple[DomainGroup, ...]  # features some party has to act on
    not_applicable: tuple[Feature, ...]


def profile_sentences(profile: Profile) -> tuple[str, ...]:
    """The security profile as three plain sentences."""
    return (HOST_ACCESS_WORDS[profile.host_access], VNET_WORDS[profile.vnet_deployable],
            CONTENT_WORDS[profile.stores_content_at_rest])


def service_detail(service: ServiceBaseline) -> ServiceDetail:
    """Applicable features grouped by domain in the benchmark's order; the rest set apart."""
    ordered = sorted(service.features, key=lambda f: f.sort_key)
    groups: dict[str, list[Feature]] = {}
    for feature in ordered:
        if feature.responsibility != "not_applicable":
            groups.setdefault(feature.domain_name, []).append(feature)
    return ServiceDetail(
        service=service, profile=profile_sentences(service.profile),
        domains=tuple(DomainGroup(name, tuple(fs)) for name, fs in groups.items()),
        not_applicable=tuple(f for f in ordered if f.responsibility == "not_applicable"))


def lead(text: str | None) -> str:
    """The start of a guidance text: its first sentence, cut at a word near LEAD_MAX."""
    if not text:
        return ""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    if len(first) <= LEAD_MAX:
        return first
    return first[:LEAD_MAX].rsplit(" ", 1)[0].rstrip(",;:") + "…"

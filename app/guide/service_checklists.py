"""What the service baselines ask of the customer: counts, to-do lists, merged checklists, compare.

Pure functions over ServiceBaseline: no I/O, no web. Orders follow the benchmark (its domain
order, then control number), so every page and export lists controls the same way.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.guide.baseline_vocabulary import (
    NO_CONTROL,
    RESPONSIBILITIES,
    Responsibility,
    control_sort_key,
    domain_name,
)
from app.guide.baselines import Feature, ServiceBaseline

CUSTOMER_SIDE: frozenset[Responsibility] = frozenset({"customer", "shared"})
COMPARE_MIN, COMPARE_MAX = 2, 3


@dataclass(frozen=True)
class ChecklistItem:
    service: ServiceBaseline
    feature: Feature


@dataclass(frozen=True)
class ControlGroup:
    """One benchmark control and the customer's items under it, across the chosen services."""

    control_id: str | None  # None groups the few workbook rows that name no control
    control_title: str
    items: tuple[ChecklistItem, ...]

    @property
    def domain(self) -> str:
        return domain_name(self.control_id)


@dataclass(frozen=True)
class CompareRow:
    """One (control, feature) across services; `cells[i]` is services[i]'s row, or None."""

    control_id: str | None
    control_title: str
    feature: str | None  # None: the control applies but no service feature helps
    cells: tuple[Feature | None, ...]
    changes_hands: bool  # the services that list it disagree on who is responsible

    @property
    def domain(self) -> str:
        return domain_name(self.control_id)


@dataclass(frozen=True)
class Comparison:
    services: tuple[ServiceBaseline, ...]
    rows: tuple[CompareRow, ...]


def counts(service: ServiceBaseline) -> dict[Responsibility, int]:
    """Features per responsibility, every key present, in RESPONSIBILITIES order."""
    tally = Counter(f.responsibility for f in service.features)
    return {r: tally[r] for r in RESPONSIBILITIES}


def todo_sort_key(feature: Feature) -> tuple:
    """Supported first, then what is off by default (work to do), then benchmark order."""
    return (feature.supported is not True, feature.enabled_by_default is True,
            *feature.sort_key)


def customer_todo(service: ServiceBaseline) -> list[Feature]:
    """The features the customer has to act on (customer or shared), most useful first."""
    return sorted((f for f in service.features if f.responsibility in CUSTOMER_SIDE),
                  key=todo_sort_key)


def merged_checklist(services: Sequence[ServiceBaseline]) -> list[ControlGroup]:
    """One checklist for several services, grouped by benchmark control in benchmark order.

    Within a control, items keep each service's to-do order, services in the order given.
    """
    grouped: dict[str | None, list[ChecklistItem]] = {}
    titles: dict[str | None, str] = {}
    for service in services:
        for feature in customer_todo(service):
            grouped.setdefault(feature.control_id, []).append(ChecklistItem(service, feature))
            titles.setdefault(feature.control_id, feature.control_title or NO_CONTROL)
    order = sorted(grouped, key=lambda control_id: (control_sort_key(control_id),
                                                    control_id or ""))
    return [ControlGroup(control_id=c, control_title=titles[c], items=tuple(grouped[c]))
            for c in order]


def compare(services: Sequence[ServiceBaseline]) -> Comparison:
    """Side by side, 2-3 services: one row per (control, feature), flagging changes of hands.

    A feature listed twice under one control (a few workbooks do) is matched by occurrence:
    the first with the first, the second with the second.
    """
    if not COMPARE_MIN <= len(services) <= COMPARE_MAX:
        raise ValueError(f"compare takes {COMPARE_MIN}-{COMPARE_MAX} services, "
                         f"not {len(services)}")
    by_key: dict[tuple, list[Feature | None]] = {}
    for index, service in enumerate(services):
        seen: Counter = Counter()
        for feature in service.features:
            pair = (feature.control_id, feature.feature)
            seen[pair] += 1
            cells = by_key.setdefault((*pair, seen[pair]), [None] * len(services))
            cells[index] = feature
    rows = [_compare_row(key, cells) for key, cells in by_key.items()]
    rows.sort(key=lambda r: (control_sort_key(r.control_id), r.control_id or "",
                             r.feature is None, r.feature or ""))
    return Comparison(services=tuple(services), rows=tuple(rows))


def _compare_row(key: tuple, cells: list[Feature | None]) -> CompareRow:
    control_id, feature_name, _ = key
    present = [cell for cell in cells if cell is not None]
    return CompareRow(control_id=control_id,
                      control_title=present[0].control_title or NO_CONTROL,
                      feature=feature_name, cells=tuple(cells),
                      changes_hands=len({cell.responsibility for cell in present}) > 1)

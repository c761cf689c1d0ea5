"""The customer's checklist for one or more services as Markdown and as CSV downloads.

Both carry ATTRIBUTION (which names the data's date): the licence asks for credit wherever
the data goes, and a file passed around should say how old its facts are.
"""

import csv
import io
from collections.abc import Sequence

from app.csv_cells import safe
from app.guide.baseline_vocabulary import (
    ATTRIBUTION,
    DATA_DATE,
    RESPONSIBILITY_LABELS,
    domain_name,
    flag_label,
)
from app.guide.baselines import Feature, ServiceBaseline
from app.guide.service_checklists import merged_checklist

CSV_HEADER = ["service", "domain", "control_id", "control_title", "feature", "supported",
              "enabled_by_default", "responsibility", "guidance", "reference", "source"]


def checklist_markdown(services: Sequence[ServiceBaseline]) -> str:
    """A Markdown task list: a heading per domain, a sub-heading per control, one box per item."""
    names = ", ".join(s.name for s in services)
    lines = [f"# Customer checklist: {names}", "", f"_{ATTRIBUTION}._", "",
             f"These baselines date from {DATA_DATE}: check Microsoft's current documentation "
             "before acting on them.", ""]
    domain = None
    for group in merged_checklist(services):
        if group.domain != domain:
            domain = group.domain
            lines += [f"## {domain}", ""]
        if group.control_id:  # rows without a control sit under their domain heading alone
            lines += [f"### {group.control_id} {group.control_title}", ""]
        for item in group.items:
            lines.append(_task(item.service, item.feature, several=len(services) > 1))
        lines.append("")
    return "\n".join(lines)


def checklist_csv(services: Sequence[ServiceBaseline]) -> str:
    """One row per checklist item; every row names its source, so a filtered sheet keeps it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for group in merged_checklist(services):
        for item in group.items:
            writer.writerow(_csv_row(item.service, item.feature))
    return buffer.getvalue()


def _task(service: ServiceBaseline, feature: Feature, *, several: bool) -> str:
    who = f"**{service.name}**: " if several else ""
    what = feature.feature or "No related feature"
    facts = (f"supported: {flag_label(feature.supported)}; "
             f"on by default: {flag_label(feature.enabled_by_default)}; "
             f"{RESPONSIBILITY_LABELS[feature.responsibility].lower()}")
    line = f"- [ ] {who}{what} ({facts})"
    if feature.guidance:  # continuation lines indented so they stay inside the list item
        line += "\n" + "\n".join(f"  {text}".rstrip() for text in feature.guidance.splitlines())
    return line


def _csv_row(service: ServiceBaseline, feature: Feature) -> list[str]:
    return [safe(service.name), safe(domain_name(feature.control_id)),
            safe(feature.control_id), safe(feature.control_title), safe(feature.feature),
            _csv_flag(feature.supported), _csv_flag(feature.enabled_by_default),
            feature.responsibility, safe(feature.guidance), safe(feature.reference),
            ATTRIBUTION]


def _csv_flag(value: bool | None) -> str:
    return "" if value is None else str(value).lower()

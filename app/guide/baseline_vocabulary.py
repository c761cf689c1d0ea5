"""Words of the service baselines, defined once: who is responsible, the control domains, credit.

The data is Microsoft's (CC BY 4.0): every page, export and generated file that shows it
carries ATTRIBUTION, and the data's date is shown so nobody takes 2023 figures for today's.
"""

import re
from typing import Literal

DATA_VERSION = "3"
DATA_DATE = "October 2023"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
SOURCE = "MicrosoftDocs/SecurityBenchmarks, commit 8b9505a, 10 October 2023"
ATTRIBUTION = (
    "Service data: Microsoft cloud security benchmark service baselines v3, © Microsoft, "
    "CC BY 4.0, October 2023; converted and filtered for this guide; not endorsed by Microsoft")

Responsibility = Literal["customer", "microsoft", "shared", "not_applicable"]
RESPONSIBILITIES: tuple[Responsibility, ...] = ("customer", "microsoft", "shared",
                                                "not_applicable")
RESPONSIBILITY_LABELS: dict[str, str] = {"customer": "Customer", "microsoft": "Microsoft",
                                          "shared": "Shared", "not_applicable": "Not applicable"}
HostAccess = Literal["none", "read_only", "full"]
HOST_ACCESS_LABELS = {"none": "No access", "read_only": "Read only", "full": "Full access"}

# The benchmark's own order of its twelve control domains, by control-id prefix. The v3
# baselines use ten of them (no IR, no GS); the order still comes from the benchmark.
DOMAINS: tuple[tuple[str, str], ...] = (
    ("NS", "Network security"),
    ("IM", "Identity management"),
    ("PA", "Privileged access"),
    ("DP", "Data protection"),
    ("AM", "Asset management"),
    ("LT", "Logging and threat detection"),
    ("IR", "Incident response"),
    ("PV", "Posture and vulnerability management"),
    ("ES", "Endpoint security"),
    ("BR", "Backup and recovery"),
    ("DS", "DevOps security"),
    ("GS", "Governance and strategy"),
)
DOMAIN_NAMES = dict(DOMAINS)
_DOMAIN_RANK = {code: rank for rank, (code, _) in enumerate(DOMAINS)}
CONTROL_ID = r"^[A-Z]{2}-[0-9]+$"
_CONTROL = re.compile(r"^([A-Z]{2})-([0-9]+)$")
# A handful of workbook rows name no control at all; they sort and group after the rest.
NO_CONTROL = "No benchmark control given"


def control_sort_key(control_id: str | None) -> tuple[int, int]:
    """Benchmark order: by domain as the benchmark lists them, then by number (NS-2 < NS-10)."""
    match = _CONTROL.match(control_id or "")
    if not match:
        return (len(DOMAINS) + 1, 0)
    return (_DOMAIN_RANK.get(match.group(1), len(DOMAINS)), int(match.group(2)))


def flag_label(value: bool | None) -> str:
    """How "supported" and "enabled by default" read: Yes, No, or Not applicable (None)."""
    return "Not applicable" if value is None else ("Yes" if value else "No")


def domain_name(control_id: str | None) -> str:
    """The benchmark's name of a control's domain (the workbooks spell them inconsistently)."""
    match = _CONTROL.match(control_id or "")
    return DOMAIN_NAMES.get(match.group(1), match.group(1)) if match else NO_CONTROL

"""Which service baselines stand behind the matrix lab's service cards (content/lab.yaml).

The lab names services as readers know them ("Azure SQL Database"); Microsoft's baselines
are per product family ("Azure SQL" covers Database and Managed Instance) or split by
operating system (virtual machines). A card without a baseline (your own servers,
Microsoft 365) gets no link.
"""

from collections.abc import Mapping

from app.guide.baselines import ServiceBaseline
from app.guide.lab import Lab

BASELINES_OF_LAB_SERVICE: dict[str, tuple[str, ...]] = {
    "Azure Virtual Machines": ("virtual-machines-linux-virtual-machines",
                               "virtual-machines-windows-virtual-machines"),
    "Azure App Service": ("app-service",),
    "Azure SQL Database": ("azure-sql",),
    "Azure Functions": ("functions",),
}


def lab_service_baselines(lab: Lab | None, services: Mapping[str, ServiceBaseline]
                          ) -> dict[str, list[ServiceBaseline]]:
    """The baselines of each lab service card by its name (only those that have one)."""
    if lab is None:
        return {}
    found = {}
    for card in lab.services:
        baselines = [services[slug] for slug in BASELINES_OF_LAB_SERVICE.get(card.name, ())
                     if slug in services]
        if baselines:
            found[card.name] = baselines
    return found

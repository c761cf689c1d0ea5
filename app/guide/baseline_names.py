"""Slugs and readable names for the baseline workbooks (used by `guide import-baselines`).

Names are derived from the slug; the tables below fix what a rule cannot know: acronyms,
brand casing, and bare generic words ("Storage", "Backup") that read better as "Azure ...".
"""

import re

_SUFFIX = "-azure-security-benchmark"

# Word-level casing, applied wherever the word appears in a slug.
WORDS = {
    "aks": "AKS", "aro": "ARO", "ddos": "DDoS", "db": "DB", "devtest": "DevTest", "dns": "DNS",
    "hci": "HCI", "hpc": "HPC", "hsm": "HSM", "iot": "IoT", "ip": "IP", "mariadb": "MariaDB",
    "mysql": "MySQL", "nat": "NAT", "netapp": "NetApp", "openai": "OpenAI",
    "openshift": "OpenShift", "postgresql": "PostgreSQL", "pubsub": "PubSub", "sap": "SAP",
    "signalr": "SignalR", "sql": "SQL", "vmware": "VMware", "vpn": "VPN", "wan": "WAN",
    "api": "API",
    "and": "and", "for": "for", "of": "of", "on": "on",
}

# Whole names a rule would get wrong.
NAMES = {
    "azure-arc-enabled-kubernetes": "Azure Arc-enabled Kubernetes",
    "azure-arc-enabled-servers": "Azure Arc-enabled servers",
    "azure-database-for-mysql-flexible-server": "Azure Database for MySQL - Flexible Server",
    "azure-database-for-postgresql-flexible-server":
        "Azure Database for PostgreSQL - Flexible Server",
    "azure-kubernetes-service-aks": "Azure Kubernetes Service (AKS)",
    "azure-red-hat-openshift-aro": "Azure Red Hat OpenShift (ARO)",
    "cost-management": "Microsoft Cost Management",
    "machine-learning-service": "Azure Machine Learning",
    "microsoft-azure-managed-instance-for-apache-cassandra":
        "Azure Managed Instance for Apache Cassandra",
    "sql-iaas": "SQL Server on Azure Virtual Machines",
    "virtual-machines-linux-virtual-machines": "Linux Virtual Machines",
    "virtual-machines-windows-virtual-machines": "Windows Virtual Machines",
}

# Slugs whose derived name is a generic word or phrase: Microsoft calls these "Azure ...".
AZURE_PREFIXED = {
    "api-management", "application-gateway", "automation", "backup", "batch", "cloud-shell",
    "cognitive-services", "container-instances", "container-registry",
    "content-delivery-network", "data-factory", "data-lake-analytics", "event-grid",
    "event-hubs", "functions", "iot-central", "iot-hub", "key-vault", "key-vault-managed-hsm",
    "logic-apps", "media-services", "network-watcher", "notification-hubs", "resource-mover",
    "service-bus", "site-recovery", "storage", "traffic-manager", "virtual-network",
    "virtual-wan", "vpn-gateway",
}


def service_slug(file_name: str) -> str:
    """`azure-red-hat-openshift-(aro)-azure-security-benchmark-v3-...xlsx` -> the slug."""
    stem = file_name.split(_SUFFIX, 1)[0]
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


def service_name(slug: str) -> str:
    """The name a reader knows the service by."""
    if slug in NAMES:
        return NAMES[slug]
    words = slug.split("-")
    name = " ".join(WORDS.get(word, word.capitalize()) for word in words)
    name = name[0].upper() + name[1:]
    return f"Azure {name}" if slug in AZURE_PREFIXED else name

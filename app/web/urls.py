"""The site's public address, as learners should see it in a join link.

`GUIDE_BASE_URL` wins when it is set; otherwise the address the instructor's browser used
(the request's scheme and Host), which is right behind most set-ups and wrong only behind a
proxy that rewrites Host, where GUIDE_BASE_URL is the fix.
"""

import ipaddress
from urllib.parse import urlsplit

from fastapi import Request

from app.config import Settings


def public_url(settings: Settings, request: Request) -> str:
    """The site's root URL without a trailing slash."""
    if settings.base_url:
        return settings.base_url.rstrip("/")
    return str(request.base_url).rstrip("/")


def is_loopback(url: str) -> bool:
    """True for localhost and 127.0.0.0/8 or ::1 addresses: nobody else can open such a link."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

"""The public URL QBWC is given (``PUBLIC_URL``): what QuickBooks Web Connector accepts, and the URLs made from it.

QBWC loads an application only from an https URL, except for ``localhost``, and it refuses a host given as an
IP address (other than the loopback address). These rules are checked where the URL is used (the ``.qwc``
download, ``make synth`` / ``make deploy``), never at Lambda start: a bad setting must not become an outage.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class PublicUrlError(ValueError):
    """A public URL QBWC would refuse; the message says why and what to set instead."""


def check_public_url(public_url: str) -> None:
    """Raise ``PublicUrlError`` unless QBWC would load an application from ``public_url``."""
    parts = urlsplit(public_url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"} or not host:
        raise PublicUrlError(
            f"PUBLIC_URL must be an absolute http(s) URL such as https://qbwc.example.com (got {public_url!r})."
        )
    if host in LOCAL_HOSTS:
        return
    if _is_ip_address(host):
        raise PublicUrlError(
            f"PUBLIC_URL names the host by IP address ({host}); QuickBooks Web Connector refuses applications "
            "served from an IP address. Set PUBLIC_URL to the https address with a domain name (the API "
            "Gateway stage URL or a custom domain)."
        )
    if parts.scheme != "https":
        raise PublicUrlError(
            f"QuickBooks Web Connector requires an https URL (got {public_url!r}); set PUBLIC_URL to the https "
            "address of this API."
        )


def qbwc_url(public_url: str) -> str:
    """The SOAP endpoint QBWC calls: ``PUBLIC_URL/qbwc`` (the base path, e.g. an API Gateway stage, kept)."""
    return public_url.rstrip("/") + "/qbwc"


def support_url(public_url: str) -> str:
    """``AppSupport`` of the ``.qwc``: the admin page at ``PUBLIC_URL/``, base path kept.

    QBWC fetches AppSupport when the application is added; behind an API Gateway stage URL, dropping the
    stage path would answer 403 and QBWC would refuse the application.
    """
    return public_url.rstrip("/") + "/"


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True

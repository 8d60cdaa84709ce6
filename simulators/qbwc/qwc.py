"""Reading a ``.qwc`` file the way QuickBooks Web Connector does when the admin adds an application."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from chalicelib.safe_xml import local_name, parse_xml

_GUID = re.compile(r"\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}")
# QBWC lets plain HTTP through only for a web service on the same machine.
_PLAIN_HTTP_HOSTS = frozenset({"localhost", "127.0.0.1"})
_REQUIRED = ("AppName", "AppURL", "UserName", "OwnerID", "FileID", "QBType")


@dataclass(frozen=True)
class QwcFile:
    """The settings of one ``.qwc`` file; optional elements that are absent are ``""`` or ``None``."""

    app_name: str
    app_id: str
    app_url: str
    app_description: str
    app_support: str
    user_name: str
    owner_id: str
    file_id: str
    qb_type: str
    run_every_minutes: int | None
    is_read_only: bool
    auth_flags: str | None
    personal_data_pref: str | None
    unattended_mode_pref: str | None
    style: str | None


def parse_qwc(text: str | bytes) -> QwcFile:
    """Parse and check a ``.qwc`` document.

    Raises ``ValueError`` naming the problem: a missing required element (AppName, AppURL, UserName,
    OwnerID, FileID, QBType), an OwnerID or FileID that is not a ``{GUID}``, an AppURL that is not HTTPS
    (plain HTTP is accepted for localhost / 127.0.0.1 only), an AppSupport on another host than AppURL,
    or a document that is not well-formed or carries a DOCTYPE (``chalicelib.safe_xml`` refuses those).
    """
    root = parse_xml(text)
    if local_name(root) != "QBWCXML":
        raise ValueError(f"a .qwc document starts with <QBWCXML>, not <{local_name(root)}>")
    values = _leaf_values(root)
    missing = [name for name in _REQUIRED if not values.get(name)]
    if missing:
        raise ValueError(f".qwc file lacks required element(s): {', '.join(missing)}")
    for name in ("OwnerID", "FileID"):
        if not _GUID.fullmatch(values[name]):
            raise ValueError(
                f"{name} must be a GUID in braces such as {{57F3B9B1-...}}, got {values[name]!r}"
            )
    _check_urls(values["AppURL"], values.get("AppSupport", ""))
    return QwcFile(
        app_name=values["AppName"],
        app_id=values.get("AppID", ""),
        app_url=values["AppURL"],
        app_description=values.get("AppDescription", ""),
        app_support=values.get("AppSupport", ""),
        user_name=values["UserName"],
        owner_id=values["OwnerID"],
        file_id=values["FileID"],
        qb_type=values["QBType"],
        run_every_minutes=_optional_int(values, "RunEveryNMinutes"),
        is_read_only=_boolean(values, "IsReadOnly"),
        auth_flags=values.get("AuthFlags") or None,
        personal_data_pref=values.get("PersonalDataPref") or None,
        unattended_mode_pref=values.get("UnattendedModePref") or None,
        style=values.get("Style") or None,
    )


def _leaf_values(root: etree._Element) -> dict[str, str]:
    """Text of every element without children, by local name (``Scheduler/RunEveryNMinutes`` included)."""
    return {
        local_name(element): (element.text or "").strip()
        for element in root.iter()
        if isinstance(element.tag, str) and len(element) == 0
    }


def _check_urls(app_url: str, app_support: str) -> None:
    url = urlsplit(app_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ValueError(f"AppURL must be an absolute http(s) URL, got {app_url!r}")
    if url.scheme == "http" and url.hostname not in _PLAIN_HTTP_HOSTS:
        raise ValueError(f"AppURL must use https unless the host is localhost or 127.0.0.1, got {app_url!r}")
    # QBWC refuses an application whose support page lives on another domain than its web service.
    if app_support and (urlsplit(app_support).hostname or "").lower() != url.hostname.lower():
        raise ValueError(
            f"AppSupport must be on the same host as AppURL ({url.hostname}), got {app_support!r}"
        )


def _optional_int(values: dict[str, str], name: str) -> int | None:
    raw = values.get(name, "")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def _boolean(values: dict[str, str], name: str) -> bool:
    raw = values.get(name, "false").lower()
    if raw not in ("true", "false"):
        raise ValueError(f"{name} must be true or false, got {raw!r}")
    return raw == "true"

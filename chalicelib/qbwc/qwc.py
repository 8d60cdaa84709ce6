"""The ``.qwc`` file an admin opens in QuickBooks Web Connector to add our application (no password in it)."""

from __future__ import annotations

from lxml import etree

from chalicelib.domain.connector import Connector
from chalicelib.domain.qbwc_user import QbwcUser
from chalicelib.qbwc.public_url import check_public_url, qbwc_url, support_url

PRODUCT = "qbwc-bridge"


def render_qwc(*, connector: Connector, user: QbwcUser, public_url: str, owner_id: str) -> bytes:
    """The .qwc XML for ``user`` of ``connector``; AppName is unique per connector and user.

    Raises ``PublicUrlError`` when QBWC would refuse ``public_url`` (plain http, an IP address).
    """
    check_public_url(public_url)
    root = etree.Element("QBWCXML")
    fields: list[tuple[str, str]] = [
        ("AppName", f"{PRODUCT} - {connector.name} ({user.username})"),
        ("AppID", ""),
        ("AppURL", qbwc_url(public_url)),
        (
            "AppDescription",
            f"Transfers documents to the QuickBooks company file of connector {connector.name}.",
        ),
        ("AppSupport", support_url(public_url)),
        ("UserName", user.username),
        ("OwnerID", owner_id),
        ("FileID", connector.file_id),
        ("QBType", "QBFS"),
    ]
    for tag, text in fields:
        etree.SubElement(root, tag).text = text
    scheduler = etree.SubElement(root, "Scheduler")
    etree.SubElement(scheduler, "RunEveryNMinutes").text = str(connector.run_every_minutes)
    for tag, text in (
        ("IsReadOnly", "false"),
        ("PersonalDataPref", "pdpNotNeeded"),
        ("UnattendedModePref", "umpOptional"),
        ("AuthFlags", "0xF"),
        ("Style", "Document"),
    ):
        etree.SubElement(root, tag).text = text
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def qwc_filename(connector: Connector, user: QbwcUser) -> str:
    """A safe attachment file name."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in f"{connector.name}-{user.username}")
    return f"qbwc-bridge-{safe}.qwc"

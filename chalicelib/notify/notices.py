"""The notices the bridge sends. No password, token or ticket ever goes into one."""

from __future__ import annotations

import html

from chalicelib.domain.connector import Connector
from chalicelib.notify.mailer import Notice


def user_locked_notice(connector: Connector, username: str, *, admin_url: str) -> Notice:
    """A QBWC user was locked after repeated wrong passwords."""
    link = f"{admin_url.rstrip('/')}/#connectors/{connector.id}"
    text = (
        f'The QuickBooks Web Connector user "{username}" of connector "{connector.name}" is locked after 5 wrong '
        "passwords in a row. Nothing is exchanged with QuickBooks for this user until it is unlocked.\n\n"
        "Why: the password saved in QuickBooks Web Connector on that PC is wrong (it was changed, or mistyped), "
        "or someone is guessing.\n\n"
        "How to fix: in the admin page, unlock the user (and set a new password if it may be known to others), "
        "then enter the password in QuickBooks Web Connector on that PC.\n\n"
        f"Connector: {link}\n"
    )
    page = (
        f"<p>The QuickBooks Web Connector user <b>{html.escape(username)}</b> of connector "
        f"<b>{html.escape(connector.name)}</b> is locked after 5 wrong passwords in a row.</p>"
        "<p><b>Why:</b> the password saved in QuickBooks Web Connector is wrong, or someone is guessing.</p>"
        "<p><b>How to fix:</b> unlock the user in the admin page (and set a new password if needed), then enter "
        "the password in QuickBooks Web Connector.</p>"
        f'<p><a href="{html.escape(link)}">Open the connector</a></p>'
    )
    return Notice(
        to=tuple(connector.notify_emails),
        subject=f"qbwc-bridge: {connector.name}: QBWC user {username} is locked",
        text=text,
        html=page,
        tags={"kind": "user_locked"},
    )

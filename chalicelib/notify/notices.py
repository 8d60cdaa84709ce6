"""The lock notice: a QBWC user locked after repeated wrong passwords. No password, token or ticket goes into it.

It goes through ``deliver`` like the conversation notices: stored in the notice history, and retried by the
hourly job when SES refuses it, so a lock is never silently lost.
"""

from __future__ import annotations

import logging
from datetime import datetime

from chalicelib.domain.connector import Connector
from chalicelib.domain.qbwc_user import MAX_FAILED_ATTEMPTS
from chalicelib.notify.delivery import deliver
from chalicelib.notify.layout import Body, connector_link, one_line
from chalicelib.notify.mailer import Mailer, Notice
from chalicelib.settings import Settings
from chalicelib.store import Store

log = logging.getLogger(__name__)


def user_locked_notice(connector: Connector, username: str, *, admin_url: str) -> Notice:
    """A QBWC user was locked after repeated wrong passwords: why, and how to unlock it."""
    # Names are quoted inside sentences: a line break in one would only break the sentence.
    name, user = one_line(connector.name, 100), one_line(username, 64)
    body = Body().paragraph(
        f'The QuickBooks Web Connector user "{user}" of connector "{name}" is locked after '
        f"{MAX_FAILED_ATTEMPTS} wrong passwords in a row. Nothing is exchanged with QuickBooks for this user "
        "until it is unlocked."
    )
    body.paragraph(
        "Why: the password saved in QuickBooks Web Connector on that PC is wrong (it was changed, or "
        "mistyped), or someone is guessing."
    )
    body.paragraph(
        "How to fix: in the admin page, unlock the user (and set a new password if it may be known to "
        "others), then enter the password in QuickBooks Web Connector on that PC."
    )
    body.link("Open the connector in the admin page", connector_link(admin_url, connector.id))
    return Notice(
        to=tuple(connector.notify_emails),
        subject=one_line(f"qbwc-bridge: {name}: QBWC user {user} is locked"),
        text=body.text(),
        html=body.html(),
        tags={"kind": "user_locked"},
    )


def notify_user_locked(
    store: Store, mailer: Mailer, settings: Settings, now: datetime, connector: Connector, username: str
) -> None:
    """Send the lock notice for ``username`` (stored; retried hourly if refused). Never raises: logs instead."""
    try:
        notice = user_locked_notice(connector, username, admin_url=settings.public_url)
        deliver(
            store, mailer, notice, connector_id=connector.id, kind="user_locked", now=now, settings=settings
        )
    except Exception:
        log.exception("the lock notice of connector %s failed", connector.id)

"""QBWC users: created with a generated password shown once; unlocked, re-keyed, disabled, deleted."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.connector import Connector
from chalicelib.domain.qbwc_user import QbwcUser, QbwcUserCreate
from chalicelib.errors import NotFound
from chalicelib.qbwc.qwc import qwc_filename, render_qwc
from chalicelib.security.secrets import generate_password, hash_secret
from chalicelib.store import Store


@dataclass(frozen=True)
class UserWithPassword:
    user: QbwcUser
    password: str  # shown to the admin this once, never stored


def create_user(store: Store, connector: Connector, body: QbwcUserCreate, *, now: str) -> UserWithPassword:
    password = generate_password()
    user = QbwcUser(
        username=body.username,
        connector_id=connector.id,
        scope=body.scope,
        password_hash=hash_secret(password),
        created_at=now,
    )
    store.users.create(user)
    return UserWithPassword(user, password)


def reset_password(store: Store, connector_id: str, username: str) -> UserWithPassword:
    user = store.users.get(connector_id, username)
    password = generate_password()
    store.users.set_password_hash(user.username, hash_secret(password))
    return UserWithPassword(store.users.get(connector_id, username), password)


def set_user_active(store: Store, connector_id: str, username: str, *, active: bool) -> QbwcUser:
    """Disable or enable a user of that connector (``NotFound`` for an unknown or another connector's user).

    A disabled user's ``.qwc`` stops working at its next sign-in; enabling it again restores it as it was.
    """
    user = store.users.get(connector_id, username)
    return store.users.set_active(user.username, active, connector_id=connector_id)


def delete_user(store: Store, connector_id: str, username: str) -> str:
    """Remove a user of that connector; its name may be taken again at once. Returns the stored name."""
    user = store.users.get(connector_id, username)
    if not store.users.delete(user.username, connector_id=connector_id):
        # Deleted (or moved to another connector) since it was read: there is nothing of ours to remove.
        raise NotFound(f"connector has no QBWC user {username!r}", code="user_not_found")
    return user.username


def qwc_download(
    store: Store, connector: Connector, username: str, *, public_url: str, now: str
) -> tuple[str, bytes]:
    """(file name, .qwc bytes) for a user of ``connector``."""
    user = store.users.get(connector.id, username)
    owner_id = store.connectors.owner_id(now=now)
    return qwc_filename(connector, user), render_qwc(
        connector=connector, user=user, public_url=public_url, owner_id=owner_id
    )

"""QBWC users: created with a generated password shown once, unlocked and re-keyed by an admin."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.connector import Connector
from chalicelib.domain.qbwc_user import QbwcUser, QbwcUserCreate
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


def qwc_download(
    store: Store, connector: Connector, username: str, *, public_url: str, now: str
) -> tuple[str, bytes]:
    """(file name, .qwc bytes) for a user of ``connector``."""
    user = store.users.get(connector.id, username)
    owner_id = store.connectors.owner_id(now=now)
    return qwc_filename(connector, user), render_qwc(
        connector=connector, user=user, public_url=public_url, owner_id=owner_id
    )

"""QBWC users, keyed by lower-cased user name (unique across all connectors)."""

from __future__ import annotations

from typing import Any

from chalicelib.clock import parse_iso
from chalicelib.domain.qbwc_user import MAX_FAILED_ATTEMPTS, QbwcUser
from chalicelib.errors import Conflict, NotFound
from chalicelib.store.dynamodb import is_conditional_failure, plain, query_all, strip_keys, update_arguments

# User names are at most 64 characters (QbwcUserCreate); a longer one names no user.
MAX_USERNAME_LENGTH = 64


def _key(username: str) -> dict[str, str]:
    return {"PK": f"QBWCUSER#{username.lower()}", "SK": "QBWCUSER"}


def _unknown_key(username: str, sk: str = "UNKNOWN") -> dict[str, str]:
    # Names too long for a user (or for a key) share one entry: they are counted, not told apart.
    name = username.lower() if 0 < len(username) <= MAX_USERNAME_LENGTH else "~"
    return {"PK": f"QBWCUSER#{name}", "SK": sk}


def _day_later(now: str) -> int:
    return int(parse_iso(now).timestamp()) + 86400


def _exists_on(connector_id: str | None) -> tuple[str, dict[str, Any] | None]:
    """The condition (and its values) that the user exists, and belongs to ``connector_id`` if given."""
    if connector_id is None:
        return "attribute_exists(PK)", None
    return "attribute_exists(PK) AND connector_id = :connector_id", {":connector_id": connector_id}


def _user(item: dict[str, Any]) -> QbwcUser:
    return QbwcUser.model_validate(strip_keys(plain(item)))


class QbwcUserRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    def create(self, user: QbwcUser) -> None:
        """Store a new user; ``Conflict`` if the name is taken on any connector."""
        try:
            self._table.put_item(
                Item={
                    **_key(user.username),
                    "GSI1PK": f"CONNECTOR#{user.connector_id}",
                    "GSI1SK": f"USER#{user.username.lower()}",
                    **user.model_dump(exclude_none=True),
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except Exception as exc:
            if is_conditional_failure(exc):
                raise Conflict(
                    f"the QBWC user name {user.username!r} is already taken", code="username_taken"
                ) from exc
            raise

    def find(self, username: str) -> QbwcUser | None:
        """The user, or None (a name longer than any user's is not looked up)."""
        if not username or len(username) > MAX_USERNAME_LENGTH:
            return None
        item = self._table.get_item(Key=_key(username), ConsistentRead=True).get("Item")
        return None if item is None else _user(item)

    def get(self, connector_id: str, username: str) -> QbwcUser:
        """The user of that connector, or ``NotFound`` (also for another connector's user)."""
        user = self.find(username)
        if user is None or user.connector_id != connector_id:
            raise NotFound(f"connector has no QBWC user {username!r}", code="user_not_found")
        return user

    def list_for_connector(self, connector_id: str) -> list[QbwcUser]:
        items = query_all(
            self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND begins_with(GSI1SK, :prefix)",
            ExpressionAttributeValues={":pk": f"CONNECTOR#{connector_id}", ":prefix": "USER#"},
        )
        return [_user(i) for i in items]

    def _update(
        self,
        username: str,
        fields: dict[str, Any],
        condition: str = "attribute_exists(PK)",
        values: dict[str, Any] | None = None,
    ) -> QbwcUser:
        try:
            result = self._table.update_item(
                Key=_key(username),
                ConditionExpression=condition,
                ReturnValues="ALL_NEW",
                **update_arguments(fields, values),
            )
        except Exception as exc:
            if is_conditional_failure(exc):
                raise NotFound(f"no QBWC user {username!r}", code="user_not_found") from exc
            raise
        return _user(result["Attributes"])

    def record_failed_attempt(self, username: str, *, now: str) -> QbwcUser:
        """Count one wrong password (atomically); the 5th in a row locks the user."""
        result = self._table.update_item(
            Key=_key(username),
            UpdateExpression="ADD failed_attempts :one",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":one": 1},
            ReturnValues="ALL_NEW",
        )
        user = _user(result["Attributes"])
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS and not user.locked:
            user = self._update(username, {"locked": True, "locked_at": now})
        return user

    def record_locked_attempt(self, username: str, *, now: str) -> None:
        """A correct password for a locked user: counted apart (it must cost what a wrong one does)."""
        self._table.update_item(
            Key=_key(username),
            UpdateExpression="ADD attempts_while_locked :one SET last_locked_attempt_at = :now",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":one": 1, ":now": now},
        )

    def record_unknown_attempt(self, username: str, *, now: str) -> None:
        """Count a sign-in with a user name no user has (kept a day: a password-spraying trace)."""
        self._table.update_item(
            Key=_unknown_key(username),
            UpdateExpression="ADD attempts :one SET #ttl = :ttl",
            ExpressionAttributeNames={"#ttl": "ttl"},
            ExpressionAttributeValues={":one": 1, ":ttl": _day_later(now)},
        )

    def stamp_unknown_attempt(self, username: str, *, now: str) -> None:
        """The time of the latest sign-in with an unknown user name (the log write of a known one)."""
        self._table.put_item(
            Item={**_unknown_key(username, "UNKNOWN_LAST"), "at": now, "ttl": _day_later(now)}
        )

    def record_login(self, username: str, *, now: str) -> None:
        """A correct password: the count of wrong ones starts again."""
        self._update(username, {"failed_attempts": 0, "last_login_at": now})

    def unlock(self, username: str) -> QbwcUser:
        return self._update(username, {"locked": False, "failed_attempts": 0, "locked_at": None})

    def set_password_hash(self, username: str, password_hash: str) -> None:
        self._update(username, {"password_hash": password_hash, "failed_attempts": 0})

    def set_active(self, username: str, active: bool, *, connector_id: str | None = None) -> QbwcUser:
        """Disable (``False``) or enable the user; ``NotFound`` if it does not exist.

        With ``connector_id`` the user must (still) be that connector's, so a name deleted and taken again
        on another connector in the meantime is never changed through this one.
        """
        condition, values = _exists_on(connector_id)
        return self._update(username, {"active": active}, condition, values)

    def delete(self, username: str, *, connector_id: str | None = None) -> bool:
        """Remove the user (the name is free again at once); False if there was no such user.

        With ``connector_id`` only that connector's user is removed (False for another connector's).
        The day-long counts of sign-ins with unknown names are other items and stay.
        """
        if not username or len(username) > MAX_USERNAME_LENGTH:
            return False
        condition, values = _exists_on(connector_id)
        try:
            self._table.delete_item(
                Key=_key(username),
                ConditionExpression=condition,
                **({"ExpressionAttributeValues": values} if values else {}),
            )
        except Exception as exc:
            if is_conditional_failure(exc):
                return False
            raise
        return True

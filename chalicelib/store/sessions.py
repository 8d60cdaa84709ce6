"""QBWC sessions (one per ticket) and the per-connector lock that allows one conversation at a time."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import ConcurrentUpdate
from chalicelib.store.dynamodb import is_conditional_failure, plain


def session_key(ticket: str) -> str:
    """The stored identity of a session: the SHA-256 of its ticket (256 random bits), never the ticket."""
    return hashlib.sha256(ticket.encode("utf-8")).hexdigest()


@dataclass
class SessionRecord:
    """What persists between two QBWC callbacks of one session. ``state`` is the conversation's own JSON."""

    key: str  # session_key(ticket)
    conversation_id: str
    connector_id: str
    username: str
    created_at: str
    expires_at: int  # epoch seconds; also written as the TTL
    status: str = "active"  # active | finished | replaced
    state: dict[str, Any] | None = None
    last_error: str = ""
    version: int = 0


@dataclass(frozen=True)
class LockOutcome:
    """Result of trying to take a connector's lock."""

    acquired: bool
    # The session that held the lock before (an expired session, or the same user's crashed QBWC).
    previous_session: str | None = None
    # When not acquired: who holds it and until when.
    holder_username: str | None = None
    holder_expires_at: int | None = None


def _session_item_key(key: str) -> dict[str, str]:
    return {"PK": f"SESSION#{key}", "SK": "SESSION"}


def _lock_key(connector_id: str) -> dict[str, str]:
    return {"PK": f"CONNECTOR#{connector_id}", "SK": "LOCK"}


# Tickets this server gives out are 43 characters; anything far longer is unknown without a read.
MAX_TICKET_LENGTH = 200


class SessionRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    def acquire_lock(
        self, connector_id: str, *, session: str, username: str, now: int, expires_at: int
    ) -> LockOutcome:
        """Take the connector's lock unless another user's live session holds it.

        The same user taking it again means its QBWC restarted: the new session replaces the old one.
        """
        try:
            result = self._table.put_item(
                Item={
                    **_lock_key(connector_id),
                    "session": session,
                    "username": username.lower(),
                    "expires_at": expires_at,
                    "ttl": expires_at + 86400,
                },
                ConditionExpression="attribute_not_exists(PK) OR expires_at < :now OR username = :username",
                ExpressionAttributeValues={":now": now, ":username": username.lower()},
                ReturnValues="ALL_OLD",
            )
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise
            holder = plain(
                self._table.get_item(Key=_lock_key(connector_id), ConsistentRead=True).get("Item") or {}
            )
            return LockOutcome(
                acquired=False,
                holder_username=holder.get("username"),
                holder_expires_at=holder.get("expires_at"),
            )
        old = plain(result.get("Attributes") or {})
        return LockOutcome(acquired=True, previous_session=old.get("session"))

    def conversation_running(self, connector_id: str, *, now: int) -> bool:
        """Whether a live session holds the connector's lock."""
        item = self._table.get_item(Key=_lock_key(connector_id), ConsistentRead=True).get("Item")
        return item is not None and int(item["expires_at"]) >= now

    def extend_lock(self, connector_id: str, *, session: str, expires_at: int) -> bool:
        """Push the lock's expiry out; False if this session no longer holds it."""
        try:
            self._table.update_item(
                Key=_lock_key(connector_id),
                UpdateExpression="SET expires_at = :e, #ttl = :ttl",
                ConditionExpression="#session = :s",
                ExpressionAttributeNames={"#ttl": "ttl", "#session": "session"},
                ExpressionAttributeValues={":e": expires_at, ":ttl": expires_at + 86400, ":s": session},
            )
        except Exception as exc:
            if is_conditional_failure(exc):
                return False
            raise
        return True

    def release_lock(self, connector_id: str, *, session: str) -> None:
        """Give the lock up, only if this session still holds it."""
        try:
            self._table.delete_item(
                Key=_lock_key(connector_id),
                ConditionExpression="#session = :s",
                ExpressionAttributeNames={"#session": "session"},
                ExpressionAttributeValues={":s": session},
            )
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise

    def create(self, session: SessionRecord) -> None:
        self._table.put_item(Item=self._item(session), ConditionExpression="attribute_not_exists(PK)")

    def get(self, ticket: str) -> SessionRecord | None:
        """The session of ``ticket``, or None for an unknown one (expiry is the caller's check: TTL lags)."""
        if not ticket or len(ticket) > MAX_TICKET_LENGTH:
            return None
        return self.get_by_key(session_key(ticket))

    def get_by_key(self, key: str) -> SessionRecord | None:
        """The session stored under ``key`` (``session_key`` of its ticket), or None."""
        item = self._table.get_item(Key=_session_item_key(key), ConsistentRead=True).get("Item")
        if item is None:
            return None
        item = plain(item)
        return SessionRecord(
            key=item["key"],
            conversation_id=item["conversation_id"],
            connector_id=item["connector_id"],
            username=item["username"],
            created_at=item["created_at"],
            expires_at=item["expires_at"],
            status=item["status"],
            state=_unpack_state(item.get("state")),
            last_error=item.get("last_error", ""),
            version=item["version"],
        )

    def save(self, session: SessionRecord) -> None:
        """Write the session back if nobody else did since it was read (optimistic lock on ``version``)."""
        expected = session.version
        session.version = expected + 1
        try:
            self._table.put_item(
                Item=self._item(session),
                ConditionExpression="version = :v",
                ExpressionAttributeValues={":v": expected},
            )
        except Exception as exc:
            session.version = expected
            if is_conditional_failure(exc):
                raise ConcurrentUpdate("the session changed while this callback ran") from exc
            raise

    def mark_replaced(self, key: str, *, reason: str) -> None:
        """End an old session that a newer one took over; ``reason`` is what its getLastError says."""
        try:
            self._table.update_item(
                Key=_session_item_key(key),
                UpdateExpression="SET #s = :replaced, last_error = :reason, version = version + :one",
                ConditionExpression="attribute_exists(PK) AND #s = :active",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":replaced": "replaced",
                    ":active": "active",
                    ":one": 1,
                    ":reason": reason,
                },
            )
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise

    @staticmethod
    def _item(session: SessionRecord) -> dict[str, Any]:
        return {
            **_session_item_key(session.key),
            "key": session.key,
            "conversation_id": session.conversation_id,
            "connector_id": session.connector_id,
            "username": session.username,
            "created_at": session.created_at,
            "expires_at": session.expires_at,
            "ttl": session.expires_at + 86400,
            "status": session.status,
            # Compressed JSON: no float/Decimal surprises, one attribute per callback, and a conversation with
            # a thousand transfers stays far below DynamoDB's 400 KB item limit.
            "state": _pack_state(session.state),
            "last_error": session.last_error,
            "version": session.version,
        }


def _pack_state(state: dict[str, Any] | None) -> bytes:
    return b"" if state is None else zlib.compress(json.dumps(state, separators=(",", ":")).encode("utf-8"))


def _unpack_state(raw: Any) -> dict[str, Any] | None:
    data = bytes(getattr(raw, "value", raw) or b"")
    return json.loads(zlib.decompress(data)) if data else None

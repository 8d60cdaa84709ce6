"""Connector rules: the first is the default forever, none is ever deleted, settings change by patch."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import parse_iso
from chalicelib.domain.connector import Connector, ConnectorCreate, ConnectorPatch
from chalicelib.domain.conversation import Conversation, ConversationStatus, abandoned_message
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.store import Store


def create_connector(store: Store, body: ConnectorCreate, *, now: str) -> Connector:
    return store.connectors.create(body, now=now)


def patch_connector(store: Store, connector_id: str, patch: ConnectorPatch, *, now: str) -> Connector:
    """Apply ``patch``; ``is_default`` can never change (409)."""
    connector = store.connectors.get(connector_id)
    if patch.is_default is not None and patch.is_default != connector.is_default:
        raise Conflict("the default connector never changes", code="default_cannot_change")
    fields: dict[str, Any] = patch.model_dump(
        exclude_unset=True, exclude={"is_default", "confirm_company_file_location"}
    )
    if patch.confirm_company_file_location:
        if not connector.pending_company_file_location:
            raise InvalidInput(
                "there is no new company file location to confirm", code="no_pending_company_file_location"
            )
        fields["company_file_location"] = connector.pending_company_file_location
        fields["pending_company_file_location"] = None
    if not fields:
        return connector
    fields["updated_at"] = now
    # The whole connector must still be valid before anything is written.
    Connector.model_validate({**connector.model_dump(), **fields})
    return store.connectors.update(connector_id, fields)


def request_list_refresh(store: Store, connector_id: str, *, now: str) -> Connector:
    return store.connectors.update(connector_id, {"lists_refresh_requested": True, "updated_at": now})


def effective_status(conversation: Conversation, *, now: datetime, idle_seconds: int) -> Conversation:
    """An In Progress conversation with no callback for the idle time is dead: show it as Unsuccessful."""
    if conversation.status != ConversationStatus.IN_PROGRESS:
        return conversation
    if parse_iso(conversation.last_activity_at) + timedelta(seconds=idle_seconds) >= now:
        return conversation
    return conversation.model_copy(
        update={
            "status": ConversationStatus.UNSUCCESSFUL.value,
            "message": abandoned_message(idle_seconds),
        }
    )


def connector_summary(connector: Connector, conversations: list[Conversation]) -> dict[str, Any]:
    """A connector as the API shows it: settings plus ``last_sync`` and ``last_10`` (newest first)."""
    newest = conversations[0] if conversations else None
    return {
        **connector.model_dump(),
        "last_sync": None
        if newest is None
        else {"at": newest.last_attempt_at or newest.started_at, "status": newest.status},
        "last_10": [
            {"id": c.id, "status": c.status, "started_at": c.started_at, "message": c.message}
            for c in conversations
        ],
    }

"""Connector rules: the first is the default forever, none is ever deleted, settings change by patch."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import parse_iso
from chalicelib.domain.connector import Connector, ConnectorCreate, ConnectorPatch, company_file_key
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
        exclude_unset=True,
        exclude={"is_default", "confirm_company_file_location", "confirm_company_file_takeover"},
    )
    if patch.confirm_company_file_location:
        if not connector.pending_company_file_location:
            raise InvalidInput(
                "there is no new company file location to confirm", code="no_pending_company_file_location"
            )
        _rebind(store, connector, connector.pending_company_file_location, now=now)
        fields["company_file_location"] = connector.pending_company_file_location
        fields["pending_company_file_location"] = None
    if patch.confirm_company_file_takeover:
        fields.update(_take_over(store, connector, now=now))
    if not fields:
        return connector
    fields["updated_at"] = now
    # The whole connector must still be valid before anything is written.
    Connector.model_validate({**connector.model_dump(), **fields})
    return store.connectors.update(connector_id, fields)


def _rebind(store: Store, connector: Connector, location: str, *, now: str) -> None:
    """The connector's company file moved to ``location``: bind it there (409 if another connector has it),
    and let the old file go."""
    key = company_file_key(location)
    owner = store.connectors.claim_company_file(key, location, connector.id, now=now)
    if owner != connector.id:
        other = store.connectors.get(owner)
        raise Conflict(
            f'the company file "{location}" belongs to connector "{other.name}" ({other.id}): one company file, '
            "one connector",
            code="company_file_in_use",
        )
    if connector.company_file_location and company_file_key(connector.company_file_location) != key:
        store.connectors.release_company_file(company_file_key(connector.company_file_location), connector.id)


def _take_over(store: Store, connector: Connector, *, now: str) -> dict[str, Any]:
    """The admin confirms the connector named in the conflict no longer uses the file: it moves here."""
    conflict = connector.company_file_conflict
    if conflict is None:
        raise InvalidInput(
            "there is no company file conflict to resolve on this connector", code="no_company_file_conflict"
        )
    key = company_file_key(conflict.location)
    if not store.connectors.move_company_file_claim(
        key, conflict.location, from_id=conflict.connector_id, to_id=connector.id, now=now
    ):
        owner = store.connectors.company_file_owner(key)
        if owner != connector.id:
            raise Conflict(
                "the company file's binding changed meanwhile; read the connector again",
                code="concurrent_update",
            )
    previous = store.connectors.get(conflict.connector_id)
    if previous.company_file_location and company_file_key(previous.company_file_location) == key:
        # The other connector no longer uses this file: its next conversation records the file it opens.
        store.connectors.update(previous.id, {"company_file_location": None, "updated_at": now})
    fields: dict[str, Any] = {"company_file_conflict": None}
    if connector.company_file_location and company_file_key(connector.company_file_location) != key:
        store.connectors.release_company_file(company_file_key(connector.company_file_location), connector.id)
    fields["company_file_location"] = conflict.location
    return fields


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

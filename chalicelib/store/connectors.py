"""Connectors, the default-connector claim and the installation's OwnerID."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

from chalicelib.clock import iso, parse_iso
from chalicelib.domain.connector import Connector, ConnectorCreate
from chalicelib.errors import NotFound
from chalicelib.store.dynamodb import is_conditional_failure, plain, query_all, strip_keys, update_arguments

CLAIM_SETTLE_SECONDS = 60


# Connector ids are generated (32 hex characters); a longer one names no connector. Checking before a read
# keeps an id over DynamoDB's key size limit from becoming a 500.
MAX_ID_LENGTH = 100


def _key(connector_id: str) -> dict[str, str]:
    return {"PK": f"CONNECTOR#{connector_id}", "SK": "CONNECTOR"}


def new_guid() -> str:
    """A GUID in the ``{XXXXXXXX-...}`` form QBWC expects for OwnerID and FileID."""
    return "{" + str(uuid.uuid4()).upper() + "}"


class ConnectorRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._default_id: str | None = None

    def create(self, body: ConnectorCreate, *, now: str) -> Connector:
        """Store a new connector; the first one ever created becomes the default, forever.

        The default is claimed with a conditional put on one META item, so two connectors created at the same
        moment cannot both become the default. The claim is marked settled once its connector is stored; a claim
        that never settled (the process died in between) may be taken over after a minute.
        """
        connector_id = uuid.uuid4().hex
        stale = iso(parse_iso(now) - timedelta(seconds=CLAIM_SETTLE_SECONDS))
        try:
            self._table.put_item(
                Item={
                    "PK": "META",
                    "SK": "DEFAULT_CONNECTOR",
                    "connector_id": connector_id,
                    "claimed_at": now,
                },
                ConditionExpression="attribute_not_exists(PK) OR (attribute_not_exists(settled) AND claimed_at < :stale)",
                ExpressionAttributeValues={":stale": stale},
            )
            is_default = True
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise
            is_default = False
        connector = Connector(
            **body.model_dump(),
            id=connector_id,
            is_default=is_default,
            created_at=now,
            updated_at=now,
            file_id=new_guid(),
        )
        try:
            self._table.put_item(
                Item={
                    **_key(connector_id),
                    "GSI1PK": "CONNECTORS",
                    "GSI1SK": f"{now}#{connector_id}",
                    **connector.model_dump(exclude_none=True),
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except Exception:
            if is_default:  # give the claim back so the next connector can become the default
                self._table.delete_item(
                    Key={"PK": "META", "SK": "DEFAULT_CONNECTOR"},
                    ConditionExpression="connector_id = :id",
                    ExpressionAttributeValues={":id": connector_id},
                )
            raise
        if is_default:
            self._table.update_item(
                Key={"PK": "META", "SK": "DEFAULT_CONNECTOR"},
                UpdateExpression="SET settled = :t",
                ExpressionAttributeValues={":t": True},
            )
        return connector

    def default_id(self) -> str | None:
        """The default connector's id (it never changes, so a process remembers it once found)."""
        if self._default_id is None:
            item = self._table.get_item(
                Key={"PK": "META", "SK": "DEFAULT_CONNECTOR"}, ConsistentRead=True
            ).get("Item")
            if item is not None and item.get("settled"):
                self._default_id = str(item["connector_id"])
        return self._default_id

    def find(self, connector_id: str) -> Connector | None:
        """The connector, or None (an id no connector can have is not looked up)."""
        if not connector_id or len(connector_id) > MAX_ID_LENGTH:
            return None
        item = self._table.get_item(Key=_key(connector_id), ConsistentRead=True).get("Item")
        return None if item is None else Connector.model_validate(strip_keys(plain(item)))

    def get(self, connector_id: str) -> Connector:
        """The connector, or ``NotFound``."""
        connector = self.find(connector_id)
        if connector is None:
            raise NotFound(
                f"no connector with id {connector_id[:MAX_ID_LENGTH]!r}", code="connector_not_found"
            )
        return connector

    def list(self) -> list[Connector]:
        """All connectors, oldest first (so the default comes first)."""
        items = query_all(
            self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": "CONNECTORS"},
        )
        return [Connector.model_validate(strip_keys(i)) for i in items]

    def update(self, connector_id: str, fields: dict[str, Any]) -> Connector:
        """Change ``fields`` (None removes a field) of an existing connector; returns the new connector."""
        if not connector_id or len(connector_id) > MAX_ID_LENGTH:
            raise NotFound(
                f"no connector with id {connector_id[:MAX_ID_LENGTH]!r}", code="connector_not_found"
            )
        try:
            result = self._table.update_item(
                Key=_key(connector_id),
                ConditionExpression="attribute_exists(PK)",
                ReturnValues="ALL_NEW",
                **update_arguments(fields),
            )
        except Exception as exc:
            if is_conditional_failure(exc):
                raise NotFound(f"no connector with id {connector_id!r}", code="connector_not_found") from exc
            raise
        return Connector.model_validate(strip_keys(plain(result["Attributes"])))

    def owner_id(self, *, now: str) -> str:
        """The installation's OwnerID GUID (one per installation, created on first use)."""
        key = {"PK": "META", "SK": "INSTALLATION"}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if item is not None:
            return str(item["owner_id"])
        owner_id = new_guid()
        try:
            self._table.put_item(
                Item={**key, "owner_id": owner_id, "created_at": now},
                ConditionExpression="attribute_not_exists(PK)",
            )
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise
            return str(self._table.get_item(Key=key, ConsistentRead=True)["Item"]["owner_id"])
        return owner_id

    # --- one company file, one connector -------------------------------------------------------------

    def company_file_owner(self, location_key: str) -> str | None:
        """The connector bound to the company file ``location_key`` (``company_file_key``), or None."""
        item = self._table.get_item(Key=_claim_key(location_key), ConsistentRead=True).get("Item")
        return None if item is None else str(item["connector_id"])

    def claim_company_file(self, location_key: str, location: str, connector_id: str, *, now: str) -> str:
        """Bind the file to ``connector_id`` unless a connector has it already; returns the one bound to it."""
        try:
            self._table.put_item(
                Item={
                    **_claim_key(location_key),
                    "connector_id": connector_id,
                    "location": location,
                    "claimed_at": now,
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise
            return self.company_file_owner(location_key) or connector_id
        return connector_id

    def move_company_file_claim(
        self, location_key: str, location: str, *, from_id: str, to_id: str, now: str
    ) -> bool:
        """Bind the file to ``to_id`` if ``from_id`` still has it; False when someone else changed it."""
        try:
            self._table.put_item(
                Item={
                    **_claim_key(location_key),
                    "connector_id": to_id,
                    "location": location,
                    "claimed_at": now,
                },
                ConditionExpression="connector_id = :from",
                ExpressionAttributeValues={":from": from_id},
            )
        except Exception as exc:
            if is_conditional_failure(exc):
                return False
            raise
        return True

    def release_company_file(self, location_key: str, connector_id: str) -> None:
        """Unbind the file, only if ``connector_id`` has it."""
        try:
            self._table.delete_item(
                Key=_claim_key(location_key),
                ConditionExpression="connector_id = :c",
                ExpressionAttributeValues={":c": connector_id},
            )
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise


def _claim_key(location_key: str) -> dict[str, str]:
    # Hashed: a path may be long (and a key has a size limit); the path itself is kept in the item.
    return {"PK": f"COMPANYFILE#{hashlib.sha256(location_key.encode('utf-8')).hexdigest()}", "SK": "CLAIM"}

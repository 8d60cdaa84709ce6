"""What the transfer steps need from the outside world during one callback, as protocols and one holder."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.clock import iso
from chalicelib.domain.transfer import Transfer

# Transfers followed by a sync (invoices' paid dates; transferred in the last 365 days), read per check.
FOLLOWED_LIMIT = 20_000
FOLLOWED_WINDOW = timedelta(days=365)


class TransferStore(Protocol):
    def pending_ids(self, connector_id: str, kind: str, *, limit: int) -> list[str]: ...

    def get_many(self, transfer_ids: Iterable[str]) -> dict[str, Transfer]: ...

    def followed(self, connector_id: str, kind: str, *, since: str, limit: int) -> list[Transfer]: ...

    def save_many(self, transfers: Iterable[Transfer]) -> None: ...


class CustomerLinkStore(Protocol):
    def get_many(self, connector_id: str, org_ids: Iterable[str]) -> dict[str, Any]: ...

    def put_many(self, connector_id: str, links: Iterable[Any]) -> None: ...


class MappingSource(Protocol):
    def get(self, connector_id: str, kind: str) -> list[dict[str, Any]]: ...

    def get_naming(self, connector_id: str) -> Any: ...


class InventorySink(Protocol):
    """Where on-hand quantities read from QuickBooks go (one stored item per inventory part)."""

    def put_page(self, connector_id: str, read_id: str, levels: Sequence[Any], *, read_at: str) -> None: ...

    def complete(self, connector_id: str, read_id: str, *, read_at: str, count: int) -> None: ...


class ConnectorUpdates(Protocol):
    def update(self, connector_id: str, fields: dict[str, Any]) -> Any: ...


@dataclass
class TransferPorts:
    """Storage for transfers, reached by the steps; reads are cached for the duration of one callback."""

    connector_id: str
    transfers: TransferStore
    customer_links: CustomerLinkStore
    vendor_links: CustomerLinkStore
    mappings: MappingSource
    connectors: ConnectorUpdates
    max_per_conversation: int = 500
    inventory: InventorySink | None = None  # None where nothing reads inventory (previews)
    dry_run: bool = False  # the preview: plan and build, write nothing
    _pending: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _followed: dict[str, dict[str, Transfer]] = field(default_factory=dict, repr=False)
    _loaded: dict[str, Transfer] = field(default_factory=dict, repr=False)
    _connector_fields: dict[str, Any] = field(default_factory=dict, repr=False)
    _mappings: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    _dirty: dict[str, Transfer] = field(default_factory=dict, repr=False)

    def pending_ids(self, kind: str) -> list[str]:
        """The ids of the connector's pending transfers of ``kind``, oldest first, from the queue index (read
        once per callback).

        The index is eventually consistent: it is how a conversation *finds* its work. The transfers
        themselves are read by id with ``planned`` (consistent), so a status written in an earlier callback is
        never read stale; the index gives ids only, so nothing is read and converted twice.
        """
        if kind not in self._pending:
            limit = self.max_per_conversation * 2
            self._pending[kind] = self.transfers.pending_ids(self.connector_id, kind, limit=limit)
        return self._pending[kind]

    def planned(self, transfer_ids: Iterable[str]) -> dict[str, Transfer]:
        """These transfers, read consistently by id (each at most once per callback)."""
        wanted = list(transfer_ids)
        missing = [i for i in wanted if i not in self._loaded]
        if missing:
            self._loaded.update(self.transfers.get_many(missing))
        return {i: self._loaded[i] for i in wanted if i in self._loaded}

    def followed(self, kind: str, now: datetime) -> dict[str, Transfer]:
        """Transfers of ``kind`` transferred (or changed) in the last 365 days whose sync follows them, by id."""
        if kind not in self._followed:
            since = iso(now - FOLLOWED_WINDOW)
            found = self.transfers.followed(self.connector_id, kind, since=since, limit=FOLLOWED_LIMIT)
            self._followed[kind] = {t.id: t for t in found}
        return self._followed[kind]

    def update_connector_later(self, fields: dict[str, Any], *, stored: dict[str, Any] | None = None) -> None:
        """Connector fields written by ``flush``, after the transfers (a watermark must not pass its data).

        A map field (each kind's sync marks) is merged: over what another step gave in this callback, else over
        ``stored`` (the connector's map as read), so two steps' entries both survive.
        """
        for name, value in fields.items():
            if isinstance(value, dict):
                pending = self._connector_fields.get(name)
                base = pending if isinstance(pending, dict) else dict((stored or {}).get(name) or {})
                self._connector_fields[name] = {**base, **value}
            else:
                self._connector_fields[name] = value

    def mapping(self, kind: str) -> list[dict[str, Any]]:
        if kind not in self._mappings:
            self._mappings[kind] = self.mappings.get(self.connector_id, kind)
        return self._mappings[kind]

    def save_now(self, transfers: Iterable[Transfer]) -> None:
        """Write at once (what must be stored before a message leaves)."""
        batch = list(transfers)
        for transfer in batch:
            self._dirty.pop(transfer.id, None)
        if batch and not self.dry_run:
            self.transfers.save_many(batch)

    def save(self, transfers: Iterable[Transfer]) -> None:
        """Write with the next flush (end of the callback), batched."""
        for transfer in transfers:
            self.save_later(transfer)

    def save_later(self, transfer: Transfer) -> None:
        self._dirty[transfer.id] = transfer

    def flush(self) -> None:
        """Write everything changed in this callback (25 transfers per request)."""
        if self._dirty:
            batch = list(self._dirty.values())
            self._dirty.clear()
            if not self.dry_run:
                self.transfers.save_many(batch)
        if self._connector_fields and not self.dry_run:
            self.connectors.update(self.connector_id, dict(self._connector_fields))
        self._connector_fields.clear()

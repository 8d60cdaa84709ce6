"""Planning reads status and body consistently: a stale queue index never gets an invoice sent twice."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.domain.mapping import NamingConventions
from chalicelib.domain.transfer import Transfer, TransferStatus, external_guid
from chalicelib.qbxml.hcp import CompanyInfo
from chalicelib.steps.base import StepContext
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.invoices.pipeline import InvoicePipeline
from chalicelib.transfers.pipeline import PlanStep
from tests.transfers.invoice_factory import invoice

# Steps under test here never touch QuickBooks lists.
NO_LISTS: Any = None


def transfer(n: int, status: TransferStatus) -> Transfer:
    document = invoice(n, org=n)
    return Transfer(
        id=f"inv_{n}",
        kind="invoices",
        source_id=document["source_id"],
        connector_id="c",
        status=status,
        document=document,
        organization_id=document["organization"]["id"],
        enqueued_at="t",
        updated_at="t",
        external_guid=external_guid(f"inv_{n}"),
    )


class StaleIndex:
    """The queue index still shows every transfer queued; the table knows better."""

    def __init__(self, current: list[Transfer]) -> None:
        self.current = {t.id: t for t in current}

    def pending_ids(self, connector_id: str, kind: str, *, limit: int) -> list[str]:
        return list(self.current)  # whatever their status in the table

    def get_many(self, transfer_ids: Iterable[str]) -> dict[str, Transfer]:
        return {i: self.current[i] for i in transfer_ids if i in self.current}

    def followed(self, connector_id: str, kind: str, *, since: str, limit: int) -> list[Transfer]:
        return []

    def save_many(self, transfers: Iterable[Transfer]) -> None:
        return None


class Nothing:
    def get_many(self, connector_id: str, org_ids: Iterable[str]) -> dict[str, Any]:
        return {}

    def put_many(self, connector_id: str, links: Iterable[Any]) -> None:
        return None

    def get(self, connector_id: str, kind: str) -> list[dict[str, Any]]:
        return []

    def get_naming(self, connector_id: str) -> NamingConventions:
        return NamingConventions()

    def update(self, connector_id: str, fields: dict[str, Any]) -> None:
        return None


def test_only_sendable_and_in_flight_transfers_are_planned() -> None:
    current = [
        transfer(1, "queued"),
        transfer(2, "transferred"),
        transfer(3, "in_flight"),
        transfer(4, "cancelled"),
        transfer(5, "failed"),
    ]
    ports = TransferPorts(
        connector_id="c",
        transfers=StaleIndex(current),
        customer_links=Nothing(),
        vendor_links=Nothing(),
        mappings=Nothing(),
        connectors=Nothing(),
    )
    connector = Connector(name="c", id="c", is_default=True, created_at="t", updated_at="t", file_id="{X}")
    ctx = StepContext(
        connector=connector,
        company=CompanyInfo.from_dict({}),
        now="n",
        generation="g",
        list_sink=NO_LISTS,
        list_source=NO_LISTS,
        ports=ports,
    )
    state: dict[str, Any] = {}
    ctx.states = {"invoices.plan": state}
    PlanStep(InvoicePipeline(), depends_on=()).advance(ctx, state)
    assert sorted(state["ids"]) == ["inv_1", "inv_3", "inv_5"]
    assert state["reconcile"] == ["inv_3"]
    assert state["st"] == {"inv_1": "ready", "inv_3": "waiting", "inv_5": "ready"}

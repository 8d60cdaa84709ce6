"""Inventory levels on the shared pipeline: QuickBooks' on hand set to the source's totals (default connector).

- ``OnHandStep`` reads the ``QuantityOnHand`` of the document's products (after this conversation's invoices,
  purchase orders and receipts); only those that differ are adjusted (``InventoryAdjustmentAdd`` on the
  "Inventory Adjustment" account, ``NewQuantity``). Nothing differs: the document is ``transferred`` with
  nothing sent. A product QuickBooks has no inventory part for is left out, named in the transfer's
  ``warnings``, and never created.
- A document is split into parts of ``PART_SIZE`` products, each its own adjustment with its own ExternalGUID
  (a message stays far below the byte budget); a part whose products all match sends nothing.
- Lost answers: InventoryAdjustmentQuery by account and date, ExternalGUID compared in code.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from lxml import etree

from chalicelib.domain.mapping import InvalidQbName
from chalicelib.domain.purchasing import InventoryLevelsDocument
from chalicelib.domain.transfer import Transfer, TransferError, external_guid
from chalicelib.qbxml.inventory import (
    AdjustmentLineSpec,
    InventoryAdjustmentSpec,
    build_inventory_adjustment_add,
    build_inventory_adjustment_query,
    build_inventory_levels_query,
    parse_inventory_level,
)
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.responses import QbResponse
from chalicelib.steps.base import StepContext
from chalicelib.transfers.items import product_item_name
from chalicelib.transfers.outcomes import error_from_status, mark_transferred
from chalicelib.transfers.pipeline import Identity, Part, has_part, split_tag, txn_identity

SLUG = "inventory-levels"
PLAN = f"{SLUG}.plan"
ON_HAND = f"{SLUG}.on-hand"
PART_SIZE = 500  # products per adjustment: ~150 KB of qbXML at most
NAMES_PER_QUERY = 1000
QUERIES_PER_MESSAGE = 2
MAX_WARNINGS = 50  # on one transfer; the rest are counted


def adjustment_date(transfer: Transfer) -> str:
    """The adjustment's date: the document's, else the day it was enqueued (UTC), the same in every retry."""
    return str(transfer.document.get("date") or transfer.enqueued_at[:10])


def product_names(document: InventoryLevelsDocument) -> list[str | None]:
    """Each level's inventory part name (None: the product's name cannot be a QuickBooks name)."""
    names: list[str | None] = []
    for level in document.levels:
        try:
            names.append(product_item_name(level.product))
        except InvalidQbName:
            names.append(None)
    return names


class LevelsPipeline:
    """The inventory-levels hooks of the shared plan, reconcile and send steps."""

    slug = SLUG
    label = "Inventory Sync"

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        # part tag -> positions (in the document's levels) whose on hand differs; filled by the on-hand step.
        plan.update(adjust={}, refused={})

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        ctx.document(InventoryLevelsDocument, transfer)

    def parts(self, transfer: Transfer) -> list[Part]:
        count = math.ceil(len(transfer.document["levels"]) / PART_SIZE)
        return [Part(str(index), external_guid(f"{transfer.id}#{index}")) for index in range(count)]

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        refused = ctx.states[PLAN]["refused"].get(transfer.id)
        return None if refused is None else TransferError.model_validate(refused)

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        document = ctx.document(InventoryLevelsDocument, transfer)
        names = product_names(document)
        positions = ctx.states[PLAN]["adjust"].get(request_id, [])
        spec = InventoryAdjustmentSpec(
            account=Ref(full_name=ctx.connector.accounts.inventory_adjustment),
            txn_date=adjustment_date(transfer),
            ref_number=None,
            memo=document.memo or f"Inventory levels {document.source_id}",
            external_guid=part.external_guid,
            lines=tuple(
                AdjustmentLineSpec(item=Ref(full_name=names[i]), new_quantity=document.levels[i].on_hand)
                for i in positions
            ),
        )
        return build_inventory_adjustment_add(request_id, spec)

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        account = ctx.connector.accounts.inventory_adjustment
        return [
            build_inventory_adjustment_query("q", account=account, from_date=date, to_date=date)
            for date in sorted({adjustment_date(t) for t in transfers})
        ]

    def identity(self, ret: etree._Element) -> Identity:
        return txn_identity(ret)


def _warnings(transfer: Transfer, missing: set[int]) -> list[str]:
    """The products of ``transfer`` left out (QuickBooks has no inventory part of the name), at most
    ``MAX_WARNINGS`` named."""
    names = product_names(InventoryLevelsDocument.model_validate(transfer.document))
    left_out = [
        f'"{level["product"]}": QuickBooks has no inventory part of this name; its level was not sent (a levels '
        "sync never creates products)"
        for position, (level, name) in enumerate(zip(transfer.document["levels"], names, strict=True))
        if name is None or position in missing
    ]
    extra = len(left_out) - MAX_WARNINGS
    more = [f"... and {extra} more products QuickBooks does not have"] if extra > 0 else []
    return left_out[:MAX_WARNINGS] + more


class OnHandStep:
    """``inventory-levels.on-hand``: reads QuickBooks' on hand of the products still to be set, then decides
    what each part adjusts; parts with nothing to adjust (and documents with nothing at all) are done here."""

    def __init__(self) -> None:
        self.key = ON_HAND
        self.depends_on = (PLAN, f"{SLUG}.reconcile")

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    @staticmethod
    def _wanted(ctx: StepContext) -> list[tuple[Transfer, str, int, str | None]]:
        """(transfer, part tag, position, part name) of every level still to be set, in plan order."""
        ports = ctx.ports
        assert ports is not None
        st = ctx.states[PLAN]["st"]
        ready = [tag for tag, status in st.items() if status == "ready"]
        transfers = ports.planned({split_tag(tag)[0] for tag in ready})
        wanted = []
        for tag in ready:
            transfer_id, index = split_tag(tag)
            transfer = transfers[transfer_id]
            names = product_names(ctx.document(InventoryLevelsDocument, transfer))
            for position in range(index * PART_SIZE, min((index + 1) * PART_SIZE, len(names))):
                wanted.append((transfer, tag, position, names[position]))
        return wanted

    @staticmethod
    def _queries(wanted: list[tuple[Transfer, str, int, str | None]]) -> list[list[str]]:
        names = sorted({name for *_, name in wanted if name}, key=str.lower)
        return [names[i : i + NAMES_PER_QUERY] for i in range(0, len(names), NAMES_PER_QUERY)]

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "total" not in state:
            wanted = self._wanted(ctx)
            state.update(total=len(self._queries(wanted)), asked=[], answered=[], missing={})
            if not state["total"]:
                self._settle(ctx, state, wanted)

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        if state.get("done"):
            return []
        queries = self._queries(self._wanted(ctx))
        unasked = [i for i in range(len(queries)) if f"q{i}" not in state["asked"]]
        # A few queries a message: QuickBooks' answer to each is ~230 KB.
        return [
            (f"q{i}", build_inventory_levels_query(f"q{i}", queries[i]))
            for i in unasked[:QUERIES_PER_MESSAGE]
        ]

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        state["asked"] += tags

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        plan = ctx.states[PLAN]
        wanted = self._wanted(ctx)
        asked = {name.lower() for name in self._queries(wanted)[int(tag[1:])]}
        if response.is_error and not response.found_nothing:
            error = error_from_status(response.status_code, response.status_message).model_dump()
            for transfer, _, _, name in wanted:
                if name and name.lower() in asked:
                    plan["refused"].setdefault(transfer.id, error)
        on_hand = {}
        for ret in response.rets:
            level = parse_inventory_level(ret)
            on_hand[level.full_name.lower()] = level.quantity_on_hand
        for transfer, part, position, name in wanted:
            if not name or name.lower() not in asked:
                continue
            found = on_hand.get(name.lower())
            level = transfer.document["levels"][position]
            if found is None:
                state["missing"].setdefault(transfer.id, []).append(position)
            elif found != Decimal(str(level["on_hand"])):
                plan["adjust"].setdefault(part, []).append(position)
        state["answered"].append(tag)
        if len(state["answered"]) >= state["total"]:
            self._settle(ctx, state, wanted)

    def _settle(
        self, ctx: StepContext, state: dict[str, Any], wanted: list[tuple[Transfer, str, int, str | None]]
    ) -> None:
        """Parts with nothing to adjust are done; so is a document with nothing at all (with a note)."""
        ports = ctx.ports
        assert ports is not None
        plan = ctx.states[PLAN]
        st = plan["st"]
        changed: dict[str, Transfer] = {}
        for transfer, *_ in wanted:
            if transfer.id not in changed:
                changed[transfer.id] = transfer
                transfer.warnings = _warnings(transfer, set(state["missing"].get(transfer.id, [])))
        for transfer in changed.values():
            if transfer.id in plan["refused"]:
                continue
            for tag in [
                t for t, status in st.items() if status == "ready" and split_tag(t)[0] == transfer.id
            ]:
                if not plan["adjust"].get(tag):
                    # Nothing in this part differs: nothing to send for it, ever (a part with no TxnID).
                    transfer.qb_parts = {**transfer.qb_parts, str(split_tag(tag)[1]): ""}
                    st[tag] = "transferred"
            if all(has_part(transfer, part.key) for part in LevelsPipeline().parts(transfer)):
                sent = [txn for txn in transfer.qb_parts.values() if txn]
                mark_transferred(
                    transfer,
                    txn_id=sent[0] if sent else "",
                    ref_number=None,
                    time_created=None,
                    at=ctx.now,
                    conversation=ctx.generation,
                    note="the remaining products already matched QuickBooks' on hand"
                    if sent
                    else "nothing sent: QuickBooks already had these quantities on hand",
                )
                ctx.count(SLUG, "ok")
        ports.save(changed.values())
        state["done"] = True

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        state["asked"].remove(tag)  # asked again in the next message

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        if state.get("done"):
            return 0
        left = int(state.get("total", 1)) - len(state.get("answered", []))
        return max(1, math.ceil(left / QUERIES_PER_MESSAGE))

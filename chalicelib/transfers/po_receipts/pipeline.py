"""Receipts against purchase orders on the shared pipeline: one ItemReceiptAdd per receipt (default
connector), whose item lines link to the transferred purchase order's lines (TxnID + TxnLineID), so QuickBooks
raises on hand and closes what was received, and partial receipts work.

- A receipt waits, queued, for its purchase order to be in QuickBooks; one whose purchase order is cancelled
  or needs attention fails with the fix.
- Before sending, the purchase orders' lines are read from QuickBooks (``LinesStep``): what is still open
  there (receipts entered by hand included) decides which lines a receipt closes (``allocation``).
- Lost answers: ItemReceiptQuery by vendor and date, ExternalGUID compared in code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from chalicelib.domain.purchasing import PoReceiptDocument
from chalicelib.domain.transfer import Transfer, TransferError, transfer_id
from chalicelib.qbxml.inventory import (
    ItemReceiptLineSpec,
    ItemReceiptSpec,
    build_item_receipt_add,
    build_item_receipt_query,
)
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.purchase_orders import (
    PurchaseOrderState,
    build_purchase_order_lines_query,
    parse_purchase_order_state,
)
from chalicelib.qbxml.responses import QbResponse
from chalicelib.steps.base import StepContext
from chalicelib.transfers.outcomes import error_from_status
from chalicelib.transfers.pipeline import DocumentRefused, DocumentWaits, Identity, Part, txn_identity
from chalicelib.transfers.po_receipts.allocation import allocate, open_quantities
from chalicelib.transfers.purchase_orders.pipeline import SLUG as PURCHASE_ORDERS

SLUG = "po-receipts"
PLAN = f"{SLUG}.plan"
LINES = f"{SLUG}.lines"
_WAITING = frozenset({"queued", "in_flight", "failed"})
ORDERS_PER_MESSAGE = 50


def purchase_order_transfer_id(source_id: str) -> str:
    """The id of the purchase order a receipt names by its source id."""
    return transfer_id(PURCHASE_ORDERS, source_id)


class ReceiptPipeline:
    """The receipt hooks of the shared plan, reconcile and send steps."""

    slug = SLUG
    label = "Inventory Sync"

    def __init__(self) -> None:
        self._orders: dict[str, Transfer] = {}

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        ports = ctx.ports
        assert ports is not None
        ids = {purchase_order_transfer_id(str(t.document["purchase_order"])) for t in transfers}
        self._orders = ports.planned(ids) if ids else {}
        # receipt id -> the purchase order's TxnID and number; filled by the lines step: what each receives.
        plan.update(orders={}, numbers={}, receiving={}, refused={}, vendors={})

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        document = ctx.document(PoReceiptDocument, transfer)
        order = self._orders.get(purchase_order_transfer_id(document.purchase_order))
        source = document.purchase_order
        if order is None:
            raise DocumentWaits(f'the purchase order "{source}" has not been sent to the bridge yet')
        if order.status == "transferred" and order.qb_txn_id:
            plan["orders"][transfer.id] = order.qb_txn_id
            plan["numbers"][transfer.id] = str(order.document.get("number", source))
            return
        if order.status in _WAITING:
            raise DocumentWaits(
                f'the purchase order "{source}" is not in QuickBooks yet (it is {order.status})'
            )
        raise DocumentRefused(
            TransferError(
                code="purchase_order_not_transferred",
                message=f'The purchase order "{source}" is {order.status.replace("_", " ")}: it is not in '
                "QuickBooks, so nothing can be received against it.",
                explanation="A receipt closes quantities on its purchase order's lines in QuickBooks.",
                fix="Correct and requeue the purchase order (admin page, or POST /api/transfers/{id}/requeue), "
                "then requeue this receipt; or send the receipt against another purchase order.",
            )
        )

    def parts(self, transfer: Transfer) -> list[Part]:
        return [Part("", transfer.external_guid)]

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        refused = ctx.states[PLAN]["refused"].get(transfer.id)
        return None if refused is None else TransferError.model_validate(refused)

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        plan = ctx.states[PLAN]
        document = ctx.document(PoReceiptDocument, transfer)
        order = plan["orders"][transfer.id]
        spec = ItemReceiptSpec(
            vendor=Ref(list_id=plan["vendors"].get(order)),
            txn_date=document.date.isoformat(),
            ref_number=document.number,
            memo=document.memo,
            external_guid=transfer.external_guid,
            lines=tuple(
                ItemReceiptLineSpec(
                    item=Ref(full_name=item),
                    quantity=Decimal(quantity),
                    po_txn_id=order,
                    po_txn_line_id=line_id,
                )
                # None decided (cannot happen once the lines step ran): no lines, refused by the builder alone.
                for item, quantity, line_id in plan["receiving"].get(transfer.id, [])
            ),
        )
        return build_item_receipt_add(request_id, spec)

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        ports = ctx.ports
        assert ports is not None
        orders = ports.planned(
            {purchase_order_transfer_id(str(t.document["purchase_order"])) for t in transfers}
        )
        vendor_ids = {str(o.document["vendor"]["id"]) for o in orders.values()}
        links = ports.vendor_links.get_many(ports.connector_id, vendor_ids) if vendor_ids else {}
        asks: set[tuple[str | None, str]] = set()
        for transfer in transfers:
            order = orders.get(purchase_order_transfer_id(str(transfer.document["purchase_order"])))
            link = links.get(str(order.document["vendor"]["id"])) if order is not None else None
            asks.add((link.list_id if link is not None else None, str(transfer.document["date"])))
        return [
            build_item_receipt_query(
                "q", vendor_list_id=vendor, vendor_name=None, from_date=date, to_date=date
            )
            for vendor, date in sorted(asks, key=lambda ask: (ask[0] or "", ask[1]))
        ]

    def identity(self, ret: etree._Element) -> Identity:
        return txn_identity(ret)


class LinesStep:
    """``po-receipts.lines``: reads the lines of the purchase orders this conversation receives against, then
    decides which lines each receipt closes (or why it cannot be sent).

    A purchase order's answer is ~6 KB per 10 lines, so the orders are read ``ORDERS_PER_MESSAGE`` at a time,
    one query per message: what QBWC posts back stays far below a request's size limit however many receipts
    wait. All receipts of one purchase order are decided from the same answer.
    """

    def __init__(self) -> None:
        self.key = LINES
        self.depends_on = (PLAN, f"{SLUG}.reconcile")

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    @staticmethod
    def _receipts(ctx: StepContext) -> list[str]:
        """The planned receipts with something left to send, in plan order."""
        plan = ctx.states[PLAN]
        ready = {tag for tag, status in plan["st"].items() if status == "ready"}
        return [t for t in plan["ids"] if t in ready and t in plan["orders"]]

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "orders" not in state:
            plan = ctx.states[PLAN]
            orders = sorted({plan["orders"][t] for t in self._receipts(ctx)})
            state["orders"] = [
                orders[i : i + ORDERS_PER_MESSAGE] for i in range(0, len(orders), ORDERS_PER_MESSAGE)
            ]
            state.update(asked=[], answered=[])
        state["done"] = len(state["answered"]) >= len(state["orders"])

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        if state.get("done") or state["asked"]:
            return []
        index = next(i for i in range(len(state["orders"])) if f"q{i}" not in state["answered"])
        return [(f"q{index}", build_purchase_order_lines_query(f"q{index}", state["orders"][index]))]

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        state["asked"] = tags

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        plan = ctx.states[PLAN]
        asked = set(state["orders"][int(tag[1:])])
        receipts = [r for r in self._receipts(ctx) if plan["orders"][r] in asked]
        state["asked"] = []
        state["answered"].append(tag)
        state["done"] = len(state["answered"]) >= len(state["orders"])
        if response.is_error and not response.found_nothing:
            error = error_from_status(response.status_code, response.status_message)
            for receipt in receipts:
                plan["refused"][receipt] = error.model_dump()
            return
        found: dict[str, PurchaseOrderState] = {}
        for ret in response.rets:
            read = parse_purchase_order_state(ret)
            found[read.txn_id] = read
            plan["vendors"][read.txn_id] = read.vendor_list_id
        still_open = {txn_id: open_quantities(read) for txn_id, read in found.items()}
        ports = ctx.ports
        assert ports is not None
        planned = ports.planned(receipts)
        for receipt in receipts:
            order_id = plan["orders"][receipt]
            number = plan["numbers"][receipt]
            order = found.get(order_id)
            if order is None:
                plan["refused"][receipt] = TransferError(
                    code="purchase_order_missing_in_quickbooks",
                    message=f"Purchase order {number} (TxnID {order_id}) is no longer in QuickBooks.",
                    explanation="The purchase order was transferred, then deleted in QuickBooks.",
                    fix="Send the purchase order again (requeue it in the admin page), then requeue this receipt.",
                ).model_dump()
                continue
            document = PoReceiptDocument.model_validate(planned[receipt].document)
            taken = allocate(document, order, still_open[order_id], po_number=number)
            if isinstance(taken, TransferError):
                plan["refused"][receipt] = taken.model_dump()
            else:
                plan["receiving"][receipt] = [[r.item, str(r.quantity), r.txn_line_id] for r in taken]

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        state["asked"] = []  # asked again in the next message

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        if "orders" not in state:
            return 1
        return len(state["orders"]) - len(state["answered"])

"""Paid dates: which transferred invoices QuickBooks now shows paid (or unpaid again).

QuickBooks has no paid-date field. Applying a payment or credit to an invoice changes the invoice's
TimeModified, so the step asks for invoices modified since the last check (in QuickBooks' own clock: the
watermark is the newest TimeModified it has seen) with their linked transactions, and for the ones the bridge
follows sets ``paid_date`` to the date of the latest linked payment or credit when IsPaid is true, or clears it
when an invoice turned unpaid again.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.clock import parse_iso
from chalicelib.domain.transfer import Transfer
from chalicelib.qbxml.invoices import build_invoice_changes_query
from chalicelib.qbxml.responses import QbResponse, child_flag, child_text, children_named
from chalicelib.steps.base import StepContext

SLUG = "invoices"
KEY = f"{SLUG}.paid"
PAGE = 500
# Linked transactions that settle an invoice.
SETTLING = frozenset({"ReceivePayment", "CreditMemo", "JournalEntry", "Deposit"})


def paid_date(ret: etree._Element) -> str | None:
    """The date of the latest settling transaction linked to an invoice."""
    dates = [
        child_text(link, "TxnDate") or ""
        for link in children_named(ret, "LinkedTxn")
        if child_text(link, "TxnType") in SETTLING
    ]
    return max((d for d in dates if d), default=None)


class PaidDateStep:
    """State: ``since`` (QuickBooks time), ``iterator_id``, ``remaining``, ``newest`` (watermark), ``done``."""

    key = KEY

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return True

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "since" in state:
            return
        followed = self._followed(ctx)
        watermark = ctx.connector.paid_watermark
        if watermark is None:
            created = [t.qb_time_created for t in followed.values() if t.qb_time_created]
            watermark = min(created) if created else None
        if watermark is None:
            state.update(since=None, done=True)
            self._finish(ctx, state)
            return
        state.update(since=watermark, newest=watermark, iterator_id=None, remaining=None)

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        if state.get("done") or not state.get("since"):
            return []
        page = int(state.get("page", 0))
        tag = f"p{page}"
        if state.get("iterator_id"):
            request = build_invoice_changes_query(
                tag,
                modified_since=state["since"],
                max_returned=PAGE,
                iterator="Continue",
                iterator_id=state["iterator_id"],
            )
        else:
            request = build_invoice_changes_query(
                tag, modified_since=state["since"], max_returned=PAGE, iterator="Start"
            )
        return [(tag, request)]

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        return None

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        ports = ctx.ports
        assert ports is not None
        if response.is_error:
            state["done"] = True  # tried again at the next check; the watermark stays where it was
            return
        followed = {t.qb_txn_id: t for t in self._followed(ctx).values() if t.qb_txn_id}
        for ret in response.rets:
            modified = child_text(ret, "TimeModified") or ""
            state["newest"] = max(state["newest"], modified)
            transfer = followed.get(child_text(ret, "TxnID") or "")
            if transfer is not None:
                self._update(ctx, transfer, ret)
        state["page"] = int(state.get("page", 0)) + 1
        state["iterator_id"] = response.iterator_id
        if not response.iterator_remaining_count:
            state["done"] = True
            self._finish(ctx, state)

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        state.update(iterator_id=None, page=0)  # start the read over: nothing changes twice by reading again

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        if state.get("done"):
            return 0
        remaining = state.get("remaining")
        return 1 if not remaining else -(-int(remaining) // PAGE)

    # -- helpers ------------------------------------------------------------------------------------------

    @staticmethod
    def _followed(ctx: StepContext) -> dict[str, Transfer]:
        ports = ctx.ports
        assert ports is not None
        return ports.followed(SLUG, parse_iso(ctx.now))

    @staticmethod
    def _update(ctx: StepContext, transfer: Transfer, ret: etree._Element) -> None:
        ports = ctx.ports
        assert ports is not None
        is_paid = bool(child_flag(ret, "IsPaid"))
        if is_paid:
            date = paid_date(ret) or ctx.now[:10]
            if transfer.paid_date != date:
                transfer.paid_date = date
                transfer.record(
                    "transferred", ctx.now, conversation=ctx.generation, note=f"paid in QuickBooks on {date}"
                )
                ports.save_later(transfer)
        elif transfer.paid_date is not None:
            transfer.paid_date = None
            transfer.record(
                "transferred",
                ctx.now,
                conversation=ctx.generation,
                note="no longer paid in QuickBooks (payment removed)",
            )
            ports.save_later(transfer)

    @staticmethod
    def _finish(ctx: StepContext, state: dict[str, Any]) -> None:
        ports = ctx.ports
        assert ports is not None
        fields: dict[str, Any] = {"paid_checked_at": ctx.now}
        if state.get("newest"):
            fields["paid_watermark"] = state["newest"]
        ports.update_connector_later(fields)

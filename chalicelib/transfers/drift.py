"""Drift: what people did in QuickBooks to documents the bridge transferred, noticed at each sync check and
noted on the transfer, never undone by the bridge.

- Deleted: ``TxnDeletedQuery`` for the kind's transaction type since its own watermark
  (``Connector.sync_marks["<slug>#deleted"]``); a followed transfer whose transaction is among them gets
  ``deleted_in_quickbooks_at`` and is never sent again except by an admin's requeue. The bridge's own deletes
  are not drift: those transfers are ``voided`` and no longer followed.
- Changed: a followed transfer read back by the sync (paid dates) whose fingerprint of lines and totals is
  not what the bridge last wrote gets ``changed_in_quickbooks_at`` (payments applied do not count).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.clock import parse_iso
from chalicelib.domain.transfer import Transfer
from chalicelib.qbxml.changes import build_txn_deleted_query, txn_fingerprint
from chalicelib.qbxml.responses import QbResponse, child_text
from chalicelib.steps.base import StepContext


def note_if_changed(ctx: StepContext, transfer: Transfer, ret: etree._Element) -> bool:
    """Mark ``transfer`` changed in QuickBooks when ``ret`` (its transaction as read now, with lines) is not
    what the bridge last wrote; True when it was newly marked."""
    if transfer.qb_fingerprint is None or transfer.status != "transferred":
        return False  # nothing known to compare with, or the bridge's own change is pending
    if txn_fingerprint(ret) == transfer.qb_fingerprint or transfer.changed_in_quickbooks_at:
        return False
    transfer.changed_in_quickbooks_at = ctx.now
    transfer.record(
        "transferred",
        ctx.now,
        conversation=ctx.generation,
        note="changed in QuickBooks: its lines or total are not what the bridge sent",
    )
    return True


class DeletedStep:
    """``<slug>.deleted``: asks QuickBooks which of the kind's transactions were deleted since the last check."""

    def __init__(self, slug: str, txn_type: str, *, own_mark: bool = False) -> None:
        """``own_mark``: the check is the kind's only sync, so its mark is the kind's own (what makes the sync
        due again); a kind with paid dates keeps this watermark beside theirs."""
        self.slug = slug
        self.txn_type = txn_type
        self.key = f"{slug}.deleted"
        self._mark = slug if own_mark else f"{slug}#deleted"

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return True

    def _followed(self, ctx: StepContext) -> dict[str, Transfer]:
        ports = ctx.ports
        assert ports is not None
        return ports.followed(self.slug, parse_iso(ctx.now))

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "since" in state:
            return
        _, watermark = ctx.connector.sync_mark(self._mark)
        if watermark is None:
            # The first check starts at the oldest followed transaction (QuickBooks' time when the answer gave
            # it; a document of several transactions keeps none: the day it was last written, in QuickBooks'
            # date form).
            created = [t.qb_time_created or t.updated_at[:10] for t in self._followed(ctx).values()]
            watermark = min(created) if created else None
        state.update(since=watermark, newest=watermark, done=watermark is None)
        if watermark is None:
            self._mark_checked(ctx, None)  # nothing followed yet: checked, due again in an interval

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        if state.get("done"):
            return []
        return [("d", build_txn_deleted_query("d", [self.txn_type], deleted_since=state["since"]))]

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        return None

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        state["done"] = True
        if response.is_error and not response.found_nothing:
            return  # asked again at the next check; the watermark stays
        ports = ctx.ports
        assert ports is not None
        # Every transaction of every followed transfer (a timesheet's entries each are one).
        followed = {
            txn: t for t in self._followed(ctx).values() for txn in [t.qb_txn_id, *t.qb_parts.values()] if txn
        }
        for ret in response.rets:
            state["newest"] = max(state["newest"], child_text(ret, "TimeDeleted") or "")
            txn_id = child_text(ret, "TxnID") or ""
            transfer = followed.get(txn_id)
            if transfer is None:
                continue
            # A part deleted (one time entry of a timesheet) is forgotten, never sent again; the rest stays.
            transfer.qb_parts = {key: "" if txn == txn_id else txn for key, txn in transfer.qb_parts.items()}
            transfer.in_quickbooks = any(transfer.qb_parts.values()) or (
                not transfer.qb_parts and transfer.qb_txn_id != txn_id
            )
            if transfer.deleted_in_quickbooks_at:
                ports.save_later(transfer)
                continue
            transfer.deleted_in_quickbooks_at = ctx.now
            transfer.record(
                "transferred",
                ctx.now,
                conversation=ctx.generation,
                note="deleted in QuickBooks; the bridge does not add it again unless an admin requeues it",
            )
            ports.save_later(transfer)
        self._mark_checked(ctx, state["newest"])

    def _mark_checked(self, ctx: StepContext, watermark: str | None) -> None:
        ports = ctx.ports
        assert ports is not None
        mark = {"checked_at": ctx.now, "watermark": watermark}
        ports.update_connector_later(
            {"sync_marks": {self._mark: {k: v for k, v in mark.items() if v}}},
            stored={"sync_marks": ctx.connector.sync_marks},
        )

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        return None  # asked again in the next message: reading twice changes nothing

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 0 if state.get("done") else 1

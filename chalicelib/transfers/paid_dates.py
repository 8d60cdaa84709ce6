"""Paid dates: which transferred documents QuickBooks now shows paid (or unpaid again), for every kind whose
documents get paid (invoices by customers, bills by the bridge's users).

QuickBooks has no paid-date field. Applying a payment to a document changes its TimeModified, so the step asks
for documents modified since the last check (in QuickBooks' own clock: the watermark is the newest TimeModified
it has seen) with their linked transactions, and for the ones the bridge follows sets ``paid_date`` to the
date of the latest settling transaction when IsPaid is true, or clears it when one turned unpaid again. Each
kind keeps its own watermark (``Connector.sync_marks``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from lxml import etree

from chalicelib.clock import parse_iso
from chalicelib.domain.connector import Connector
from chalicelib.domain.transfer import Transfer
from chalicelib.qbxml.responses import QbResponse, child_flag, child_text, children_named
from chalicelib.steps.base import StepContext
from chalicelib.transfers.drift import note_if_changed

PAGE = 500


class ChangesQuery(Protocol):
    def __call__(
        self,
        request_id: str,
        *,
        modified_since: str,
        max_returned: int,
        iterator: Literal["Start", "Continue"],
        iterator_id: str | None = None,
    ) -> etree._Element: ...


def paid_date(ret: etree._Element, settling: frozenset[str]) -> str | None:
    """The date of the latest settling transaction (a ``TxnType`` in ``settling``) linked to a document."""
    dates = [
        child_text(link, "TxnDate") or ""
        for link in children_named(ret, "LinkedTxn")
        if child_text(link, "TxnType") in settling
    ]
    return max((d for d in dates if d), default=None)


def paid_sync_due(slug: str) -> Callable[[Connector, datetime], bool]:
    """The sync-due rule of a kind whose documents are followed (paid dates, deletions in QuickBooks): at most
    every ``paid_date_sync_minutes``, by the kind's own mark."""

    def due(connector: Connector, now: datetime) -> bool:
        checked, _ = connector.sync_mark(slug)
        return checked is None or now - parse_iso(checked) >= timedelta(
            minutes=connector.paid_date_sync_minutes
        )

    return due


class PaidDateStep:
    """``<slug>.paid``. State: ``since`` (QuickBooks time), ``iterator_id``, ``remaining``, ``newest``
    (watermark), ``done``."""

    def __init__(self, slug: str, changes_query: ChangesQuery, settling: frozenset[str]) -> None:
        self.slug = slug
        self.key = f"{slug}.paid"
        self._query = changes_query
        self._settling = settling

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return True

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "since" in state:
            return
        followed = self._followed(ctx)
        _, watermark = ctx.connector.sync_mark(self.slug)
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
            request = self._query(
                tag,
                modified_since=state["since"],
                max_returned=PAGE,
                iterator="Continue",
                iterator_id=state["iterator_id"],
            )
        else:
            request = self._query(tag, modified_since=state["since"], max_returned=PAGE, iterator="Start")
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

    def _followed(self, ctx: StepContext) -> dict[str, Transfer]:
        ports = ctx.ports
        assert ports is not None
        return ports.followed(self.slug, parse_iso(ctx.now))

    def _update(self, ctx: StepContext, transfer: Transfer, ret: etree._Element) -> None:
        ports = ctx.ports
        assert ports is not None
        if note_if_changed(ctx, transfer, ret):
            ports.save_later(transfer)
        is_paid = bool(child_flag(ret, "IsPaid"))
        if is_paid:
            date = paid_date(ret, self._settling) or ctx.now[:10]
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

    def _finish(self, ctx: StepContext, state: dict[str, Any]) -> None:
        ports = ctx.ports
        assert ports is not None
        _, watermark = ctx.connector.sync_mark(self.slug)
        mark = {"checked_at": ctx.now, "watermark": state.get("newest") or watermark}
        ports.update_connector_later(
            {"sync_marks": {self.slug: {k: v for k, v in mark.items() if v}}},
            stored={"sync_marks": ctx.connector.sync_marks},
        )

"""Exactly once: before anything is sent again, ask QuickBooks about invoices whose answer was lost.

QuickBooks cannot filter invoices by ExternalGUID, so the step queries by RefNumber and compares the
ExternalGUID in code: the bridge's own GUID found means the invoice is in QuickBooks (linked, ``transferred``);
not found means it never arrived, and it is sent again in this conversation.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.conversation.steps import StepContext
from chalicelib.qbxml.invoices import build_invoice_query_by_ref_numbers
from chalicelib.qbxml.responses import QbResponse, child_text
from chalicelib.transfers.invoices.plan import KEY as PLAN
from chalicelib.transfers.outcomes import mark_transferred, requeue_quietly

KEY = "invoices.reconcile"


class ReconcileStep:
    key = KEY

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return bool(states.get(PLAN, {}).get("done"))

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if not ctx.states[PLAN]["reconcile"]:
            state["done"] = True

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        ports = ctx.ports
        assert ports is not None
        pending = ports.planned(ctx.states[PLAN]["reconcile"])
        refs = sorted(
            {str(pending[i].document["number"]) for i in ctx.states[PLAN]["reconcile"] if i in pending}
        )
        return [("q", build_invoice_query_by_ref_numbers("q", refs))] if refs else []

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        return None

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        ports = ctx.ports
        assert ports is not None
        if response.is_error:
            # Asked again in the next conversation; meanwhile these stay in_flight and nothing is re-sent.
            state["done"] = True
            return
        by_guid = {
            (child_text(ret, "ExternalGUID") or "").upper(): ret
            for ret in response.rets
            if child_text(ret, "ExternalGUID")
        }
        plan = ctx.states[PLAN]
        changed = []
        planned = ports.planned(plan["reconcile"])
        for transfer_id in plan["reconcile"]:
            transfer = planned.get(transfer_id)
            if transfer is None:
                continue
            ret = by_guid.get(transfer.external_guid.upper())
            if ret is not None:
                mark_transferred(
                    transfer,
                    txn_id=child_text(ret, "TxnID") or "",
                    ref_number=child_text(ret, "RefNumber"),
                    time_created=child_text(ret, "TimeCreated"),
                    at=ctx.now,
                    conversation=ctx.generation,
                    note="found in QuickBooks after a lost answer (matched by ExternalGUID); not sent again",
                )
                plan["st"][transfer_id] = "transferred"
                ctx.count("invoices", "ok")
            else:
                requeue_quietly(
                    transfer,
                    at=ctx.now,
                    conversation=ctx.generation,
                    note="not in QuickBooks after a lost answer; sending again",
                )
                plan["st"][transfer_id] = "ready"
            changed.append(transfer)
        ports.save(changed)
        state["done"] = True

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        return None

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 0 if state.get("done") else 1

"""InvoiceAdd: each planned invoice whose customer and items are resolved, exactly once.

A transfer is written ``in_flight`` before the message holding it leaves (``sent``); its answer makes it
``transferred``, ``failed`` (``needs_attention`` on the third counted failure) or puts it back in the queue
for a retryable code. If the answer never comes, it stays ``in_flight`` and the next conversation asks
QuickBooks before sending anything again.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.conversation.steps import StepContext
from chalicelib.domain.invoice import InvoiceDocument
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.qbxml.catalogue import RETRYABLE_STATUS_CODES
from chalicelib.qbxml.invoices import InvoiceLineSpec, InvoiceSpec, Ref, build_invoice_add
from chalicelib.qbxml.responses import QbResponse, child_text
from chalicelib.transfers.invoices.customers import KEY as CUSTOMERS
from chalicelib.transfers.invoices.customers import address_parts
from chalicelib.transfers.invoices.items import KEY as ITEMS
from chalicelib.transfers.invoices.plan import KEY as PLAN
from chalicelib.transfers.invoices.plan import SENDABLE, line_key
from chalicelib.transfers.invoices.reconcile import KEY as RECONCILE
from chalicelib.transfers.invoices.tax import customer_tax_code, line_tax_code
from chalicelib.transfers.list_objects import EnsureListObjects
from chalicelib.transfers.outcomes import error_from_status, mark_failed, mark_transferred, requeue_quietly

KEY = "invoices.add"
# A retryable answer is tried once more in the same conversation, then waits for the next one.
RETRIES_PER_CONVERSATION = 1


class InvoiceAddStep:
    key = KEY
    depends_on = (PLAN, RECONCILE, CUSTOMERS, ITEMS)

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        """Fail the invoices whose customer or item could not be had, before anything is built."""
        ports = ctx.ports
        assert ports is not None
        plan = ctx.states[PLAN]
        changed: list[Transfer] = []
        planned = ports.planned(plan["ids"])
        for transfer_id, status in plan["st"].items():
            if status != "ready":
                continue
            transfer = planned.get(transfer_id)
            if transfer is None or transfer.status not in SENDABLE:
                plan["st"][transfer_id] = "gone"  # cancelled or changed meanwhile: not ours to send
                continue
            error = self._dependency_error(ctx, transfer)
            if error is not None and error.status_code in RETRYABLE_STATUS_CODES:
                # QuickBooks was busy with the customer or item: not this invoice's fault, not an attempt.
                requeue_quietly(
                    transfer, at=ctx.now, conversation=ctx.generation, note=f"waiting: {error.message}"
                )
                plan["st"][transfer_id] = "waiting"
                changed.append(transfer)
            elif error is not None:
                mark_failed(transfer, error, at=ctx.now, conversation=ctx.generation)
                plan["st"][transfer_id] = "failed"
                ctx.record_error("invoices", transfer)
                changed.append(transfer)
        ports.save(changed)
        state["done"] = not any(s in ("ready", "retry", "sent") for s in plan["st"].values())

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        ports = ctx.ports
        assert ports is not None
        plan = ctx.states[PLAN]
        built = []
        planned = ports.planned(plan["ids"])
        for transfer_id, status in plan["st"].items():
            if status not in ("ready", "retry"):
                continue
            transfer = planned[transfer_id]
            built.append((transfer_id, build_invoice_add(transfer_id, self._spec(ctx, transfer))))
        return built

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        ports = ctx.ports
        assert ports is not None
        plan = ctx.states[PLAN]
        flying = []
        planned = ports.planned(plan["ids"])
        for transfer_id in tags:
            transfer = planned[transfer_id]
            transfer.in_flight_conversation = ctx.generation
            transfer.record(
                "in_flight",
                ctx.now,
                conversation=ctx.generation,
                note="InvoiceAdd handed to QuickBooks Web Connector",
            )
            plan["st"][transfer_id] = "sent"
            flying.append(transfer)
        ctx.count("invoices", "sent", len(flying))
        ports.save_now(flying)  # must be stored before the message leaves

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        ports = ctx.ports
        assert ports is not None
        plan = ctx.states[PLAN]
        # One read for every invoice of the message being answered (cached for the rest of the callback).
        transfer = ports.planned([i for i, status in plan["st"].items() if status == "sent"])[tag]
        retries = state.setdefault("retries", {})
        if not response.is_error:
            ret = response.rets[0] if response.rets else None
            mark_transferred(
                transfer,
                txn_id=(child_text(ret, "TxnID") if ret is not None else None) or "",
                ref_number=child_text(ret, "RefNumber") if ret is not None else None,
                time_created=child_text(ret, "TimeCreated") if ret is not None else None,
                at=ctx.now,
                conversation=ctx.generation,
            )
            plan["st"][tag] = "transferred"
            ctx.count("invoices", "ok")
        elif response.status_code in RETRYABLE_STATUS_CODES:
            note = f"QuickBooks answered {response.status_code} ({response.status_message}); retried later"
            requeue_quietly(transfer, at=ctx.now, conversation=ctx.generation, note=note)
            if retries.get(tag, 0) < RETRIES_PER_CONVERSATION:
                retries[tag] = retries.get(tag, 0) + 1
                plan["st"][tag] = "retry"
            else:
                plan["st"][tag] = "waiting"
        else:
            mark_failed(
                transfer,
                error_from_status(response.status_code, response.status_message),
                at=ctx.now,
                conversation=ctx.generation,
            )
            plan["st"][tag] = "failed"
            ctx.record_error("invoices", transfer)
        ports.save_later(transfer)
        state["done"] = not any(s in ("ready", "retry", "sent") for s in plan["st"].values())

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        # No answer: it may or may not be in QuickBooks. It stays in_flight; the next conversation asks first.
        ctx.states[PLAN]["st"][tag] = "lost"
        state["done"] = not any(s in ("ready", "retry", "sent") for s in ctx.states[PLAN]["st"].values())

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 1 if not state.get("done") else 0

    # -- building ---------------------------------------------------------------------------------------

    @staticmethod
    def _dependency_error(ctx: StepContext, transfer: Transfer) -> TransferError | None:
        plan = ctx.states[PLAN]
        document = InvoiceDocument.model_validate(transfer.document)
        org = document.organization
        if org.id not in plan["linked"]:
            name = plan["customers"].get(org.id, "")
            failure = EnsureListObjects.failure_for(ctx.states[CUSTOMERS], name)
            if failure is not None:
                return _blocked(
                    f'The customer "{name}" for organization "{org.id}" could not be created', failure
                )
        mismatch = _currency_mismatch(ctx, document)
        if mismatch is not None:
            return mismatch
        for line in document.lines:
            info = plan["items"][
                line_key(line.billing_code, line.line_of_business or document.line_of_business)
            ]
            failure = EnsureListObjects.failure_for(ctx.states[ITEMS], info["name"])
            if failure is not None:
                what = f'The item "{info["name"]}" for billing code "{line.billing_code}" is not available'
                return _blocked(what, failure)
        return None

    @staticmethod
    def _spec(ctx: StepContext, transfer: Transfer) -> InvoiceSpec:
        plan = ctx.states[PLAN]
        document = InvoiceDocument.model_validate(transfer.document)
        org = document.organization
        if org.id in plan["linked"]:
            customer = Ref(list_id=plan["linked"][org.id])
        else:
            name = plan["customers"][org.id]
            customer = Ref(list_id=ctx.states[CUSTOMERS]["known"].get(name.lower()) or None, full_name=name)
        class_tracking = ctx.company.is_class_tracking_on

        def class_ref(lob: str | None) -> Ref | None:
            target = plan["classes"].get(lob.lower()) if lob and class_tracking else None
            return Ref(full_name=target) if target else None

        lines = tuple(
            InvoiceLineSpec(
                item=Ref(
                    full_name=plan["items"][
                        line_key(line.billing_code, line.line_of_business or document.line_of_business)
                    ]["name"]
                ),
                description=line.description,
                quantity=line.quantity,
                rate=line.rate if line.amount is None else None,
                amount=line.amount,
                class_=class_ref(line.line_of_business or document.line_of_business),
                sales_tax_code=(
                    Ref(full_name=code)
                    if (code := line_tax_code(ctx.company, taxable=line.taxable, tax_exempt=org.tax_exempt))
                    else None
                ),
                service_date=line.service_date.isoformat() if line.service_date else None,
            )
            for line in document.lines
        )
        tax = customer_tax_code(ctx.company, org.tax_exempt)
        return InvoiceSpec(
            customer=customer,
            txn_date=document.date.isoformat(),
            ref_number=document.number,
            external_guid=transfer.external_guid,
            lines=lines,
            class_=class_ref(document.line_of_business),
            template=Ref(full_name=document.template) if document.template else None,
            bill_address=address_parts(org.bill_address),
            ship_address=address_parts(org.ship_address),
            po_number=document.po_number,
            terms=Ref(full_name=document.terms) if document.terms else None,
            due_date=document.due_date.isoformat() if document.due_date else None,
            memo=document.memo,
            to_be_printed=document.to_be_printed,
            to_be_emailed=document.to_be_emailed,
            customer_sales_tax_code=Ref(full_name=tax) if tax else None,
        )


def _blocked(what: str, failure: dict[str, Any]) -> TransferError:
    """The invoice's error when a customer or item it needs could not be had."""
    return TransferError(
        code=failure["code"],
        message=f"{what}: {failure['message']}",
        explanation=failure.get("explanation", ""),
        fix=failure.get("fix", ""),
        status_code=failure.get("status_code"),
    )


def _currency_mismatch(ctx: StepContext, document: InvoiceDocument) -> TransferError | None:
    """With multi-currency on, an invoice is in its customer's currency: a different one is refused clearly."""
    wanted = document.currency or document.organization.currency
    if not (ctx.company.is_multicurrency_on and wanted):
        return None
    plan = ctx.states[PLAN]
    org = document.organization
    if org.id in plan["linked"]:
        have = plan.get("linked_currency", {}).get(org.id)
        name = org.name
    else:
        name = plan["customers"].get(org.id, "")
        have = ctx.states[CUSTOMERS].get("currency", {}).get(name.lower())
    if not have or have.lower() == wanted.lower():
        return None
    return TransferError(
        code="currency_mismatch",
        message=f'The invoice is in {wanted}, but the QuickBooks customer "{name}" uses {have}.',
        explanation="QuickBooks invoices a customer in the customer's own currency only.",
        fix=f"Send the invoice in {have}, or invoice a QuickBooks customer that uses {wanted} (a separate "
        "customer, e.g. through the customer naming convention), then requeue the transfer.",
    )

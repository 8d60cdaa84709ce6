"""Choosing the invoices of this conversation and working out, without QuickBooks, what each one needs.

The plan names every customer (by the organization's stored link, or by the customer naming convention),
every item (by the billing-code mapping, or by the item naming convention) and every class (by the
lines-of-business mapping). A name QuickBooks could not accept fails its invoice here, with the fix.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.conversation.steps import StepContext
from chalicelib.domain.invoice import InvoiceDocument
from chalicelib.domain.mapping import InvalidQbName, NamingConventions, customer_name, item_name
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.domain.xml_text import bad_xml_char, describe_char
from chalicelib.qbxml.responses import QbResponse
from chalicelib.transfers.outcomes import mark_failed, unrenderable_text_error

KEY = "invoices.plan"


SENDABLE = frozenset({"queued", "failed"})


def billing_code_targets(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(e["source"]).lower(): e for e in entries}


def line_key(billing_code: str, line_of_business: str | None) -> str:
    """How the plan finds a line's item: the item naming convention may use the line of business."""
    return f"{billing_code.lower()}|{(line_of_business or '').lower()}"


def checked_mapping_target(target: object, what: str, mapping: str) -> str:
    """A mapping's QuickBooks name as text, refused (``InvalidQbName``) if XML cannot carry it.

    The API refuses such text; this catches what was stored before it did, so the invoice fails alone.
    """
    name = str(target)
    char = bad_xml_char(name)
    if char is None:
        return name
    fix = f"correct the {what} in the {mapping} mapping"
    raise InvalidQbName(
        f"The {what} holds the character {describe_char(char)}, which QuickBooks' XML cannot carry. To fix it, "
        f"{fix}.",
        what=what,
        name=name.replace(char, "?"),
        fix=fix,
    )


class InvoicePlanStep:
    """State: ``ids`` (planned, in order), ``reconcile`` (ids whose last answer was lost), ``customers``
    (org id -> customer full name, for organizations not linked yet), ``linked`` (org id -> ListID),
    ``items`` (billing code -> {name, create, account}), ``classes`` (line of business -> class), ``st``
    (id -> ready | failed | sent | transferred | retry | lost | waiting)."""

    key = KEY

    def __init__(self, depends_on: tuple[str, ...]) -> None:
        self.depends_on = depends_on

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if state.get("done"):
            return
        ports = ctx.ports
        assert ports is not None
        blocked = ctx.states.get("check", {}).get("blocked", [])
        if "invoices" in blocked:
            # A configuration issue stops every invoice: they wait, nothing is sent that would fail for it.
            state.update(
                done=True, ids=[], reconcile=[], customers={}, linked={}, items={}, classes={}, st={}
            )
            return
        naming: NamingConventions = ports.mappings.get_naming(ports.connector_id)
        codes = billing_code_targets(ports.mapping("billing-codes"))
        classes_map = {str(e["source"]).lower(): e.get("class") for e in ports.mapping("lines-of-business")}
        default_account = ctx.connector.accounts.other_income
        # The queue index (eventually consistent) only says which transfers to look at; their status and body
        # come from a consistent read by id, so a transfer sent a moment ago is never planned again.
        found = [t.id for t in ports.pending().values() if t.kind == "invoices"][: ports.max_per_conversation]
        current = ports.planned(found)
        candidates = [
            current[i] for i in found if i in current and current[i].status in SENDABLE | {"in_flight"}
        ]
        org_ids = {t.organization_id for t in candidates if t.organization_id}
        links = ports.customer_links.get_many(ports.connector_id, org_ids)
        ids: list[str] = []
        reconcile: list[str] = []
        customers: dict[str, str] = {}
        items: dict[str, dict[str, Any]] = {}
        classes: dict[str, str] = {}
        failed: list[Transfer] = []
        for transfer in candidates:
            unrenderable = unrenderable_text_error(transfer.document)
            if unrenderable is not None:
                mark_failed(transfer, unrenderable, at=ctx.now, conversation=ctx.generation)
                failed.append(transfer)
                continue
            document = InvoiceDocument.model_validate(transfer.document)
            try:
                plan_items = self._items(document, codes, naming, default_account)
                plan_classes = {
                    lob.lower(): checked_mapping_target(
                        classes_map[lob.lower()], f"class of '{lob}'", "lines-of-business"
                    )
                    for line in document.lines
                    if (lob := line.line_of_business or document.line_of_business)
                    and classes_map.get(lob.lower())
                }
                organization = document.organization
                if organization.id not in links and organization.id not in customers:
                    customers[organization.id] = customer_name(naming, organization)
            except InvalidQbName as exc:
                error = TransferError(
                    code="invalid_name", message=str(exc), explanation=str(exc), fix=exc.fix
                )
                mark_failed(transfer, error, at=ctx.now, conversation=ctx.generation)
                failed.append(transfer)
                continue
            items.update(plan_items)
            classes.update(plan_classes)
            ids.append(transfer.id)
            if transfer.status == "in_flight":
                reconcile.append(transfer.id)
        for transfer in failed:
            ctx.record_error("invoices", transfer)
        ports.save(failed)
        state.update(
            done=True,
            ids=ids,
            reconcile=reconcile,
            customers=customers,
            linked={org: link.list_id for org, link in links.items()},
            linked_currency={org: link.currency for org, link in links.items() if link.currency},
            items=items,
            classes=classes,
            st={i: ("waiting" if i in reconcile else "ready") for i in ids},
        )

    @staticmethod
    def _items(
        document: InvoiceDocument,
        codes: dict[str, dict[str, Any]],
        naming: NamingConventions,
        default_account: str,
    ) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for line in document.lines:
            code = line.billing_code
            lob = line.line_of_business or document.line_of_business
            mapped = codes.get(code.lower(), {})
            account = checked_mapping_target(
                mapped.get("income_account") or default_account,
                f"income account of billing code '{code}'",
                "billing-codes",
            )
            if mapped.get("item"):
                name = checked_mapping_target(
                    mapped["item"], f"item of billing code '{code}'", "billing-codes"
                )
                entry = {"name": name, "create": False, "account": account, "code": code}
            else:
                name = item_name(naming, code, line_of_business=lob or "")
                entry = {"name": name, "create": True, "account": account, "code": code}
            found[line_key(code, lob)] = entry
        return found

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        return []

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        return None

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        return None

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        return None

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 0 if state.get("done") else 1

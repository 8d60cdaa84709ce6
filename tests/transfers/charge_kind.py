"""A throwaway transfer kind, defined only here: statement charges (QuickBooks' ChargeAdd).

It has its document model, its request builders, its pipeline hooks and its simulator handlers, and nothing
else in the product names it: registering it is all it takes to enqueue, list, send, reconcile and count it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree
from pydantic import Field

from chalicelib.domain.base import StrictModel
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.qbxml.document import append_text_element, request_element
from chalicelib.steps.base import Step, StepContext
from chalicelib.transfers.kind import QbNames, StepsWanted, TransferKind
from chalicelib.transfers.pipeline import Identity, Part, PlanStep, ReconcileStep, SendStep, txn_identity
from simulators.quickbooks.errors import NO_MATCH, StatusError, invalid_reference
from simulators.quickbooks.fields import Field as RetField
from simulators.quickbooks.handlers import Reply, RequestHandler, child_text, include_ret_elements

SLUG = "charges"


class ChargeDocument(StrictModel):
    """Body of ``POST /api/transfers/charges``."""

    source_id: str = Field(min_length=1, max_length=100)
    number: str = Field(min_length=1, max_length=11)
    date: dt.date
    customer: str = Field(min_length=1, max_length=209)  # an existing QuickBooks customer's full name
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)


def build_charge_add(request_id: str, transfer: Transfer) -> etree._Element:
    document = ChargeDocument.model_validate(transfer.document)
    request = request_element("ChargeAddRq", request_id)
    add = etree.SubElement(request, "ChargeAdd")
    append_text_element(etree.SubElement(add, "CustomerRef"), "FullName", document.customer)
    append_text_element(add, "TxnDate", document.date.isoformat())
    append_text_element(add, "RefNumber", document.number)
    append_text_element(add, "Amount", f"{document.amount:.2f}")
    append_text_element(add, "ExternalGUID", transfer.external_guid)
    for name in ("TxnID", "TimeCreated", "RefNumber", "ExternalGUID"):
        append_text_element(request, "IncludeRetElement", name)
    return request


def build_charge_query(request_id: str, ref_numbers: list[str]) -> etree._Element:
    request = request_element("ChargeQueryRq", request_id)
    for ref_number in ref_numbers:
        append_text_element(request, "RefNumber", ref_number)
    for name in ("TxnID", "TimeCreated", "RefNumber", "ExternalGUID"):
        append_text_element(request, "IncludeRetElement", name)
    return request


class ChargePipeline:
    slug = SLUG
    label = "Statement Charge"

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        return None

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        return None

    def parts(self, transfer: Transfer) -> list[Part]:
        return [Part("", transfer.external_guid)]

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        return None

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        return build_charge_add(request_id, transfer)

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        return [build_charge_query("q", sorted({str(t.document["number"]) for t in transfers}))]

    def identity(self, ret: etree._Element) -> Identity:
        return txn_identity(ret)


def charge_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    pipeline = ChargePipeline()
    if not wanted.send:
        return []
    return [PlanStep(pipeline, depends_on=after), ReconcileStep(pipeline), SendStep(pipeline, depends_on=())]


KIND = TransferKind(
    slug=SLUG,
    label="Statement Charge",
    order=95,
    switch="invoices",  # it rides on an existing connector switch
    routing="default",
    document_model=ChargeDocument,
    scope="sales",
    qb=QbNames(add="ChargeAdd", query="ChargeQuery"),
    steps=charge_steps,
)


# -- the simulated QuickBooks side -----------------------------------------------------------------------------


@dataclass
class StoredCharge:
    txn_id: str
    time_created: str
    ref_number: str
    customer: str
    amount: str
    external_guid: str

    ret_tag = "ChargeRet"

    def ret_fields(self) -> list[RetField]:
        return [
            ("TxnID", self.txn_id),
            ("TimeCreated", self.time_created),
            ("RefNumber", self.ref_number),
            ("ExternalGUID", self.external_guid),
        ]


@dataclass
class ChargeBook:
    """The simulated company's statement charges (kept by the test, beside the simulator's company)."""

    charges: list[StoredCharge] = field(default_factory=list)

    def by_guid(self, guid: str) -> list[StoredCharge]:
        return [c for c in self.charges if c.external_guid.upper() == guid.upper()]


class ChargeAdd(RequestHandler):
    request_tag = "ChargeAddRq"

    def __init__(self, book: ChargeBook) -> None:
        self.book = book

    def handle(self, request: etree._Element, company: Any) -> Reply:
        add = request.find("ChargeAdd")
        assert add is not None
        customer = child_text(add.find("CustomerRef"), "FullName") or ""  # type: ignore[arg-type]
        if company.customers.find(customer) is None:
            raise StatusError(invalid_reference("Customer", customer, "Charge"))
        charge = StoredCharge(
            txn_id=f"{len(self.book.charges) + 1}-1700000000",
            time_created="2026-11-20T09:00:00-05:00",
            ref_number=child_text(add, "RefNumber") or "",
            customer=customer,
            amount=child_text(add, "Amount") or "0.00",
            external_guid=child_text(add, "ExternalGUID") or "",
        )
        self.book.charges.append(charge)
        return Reply(rets=[charge], include=include_ret_elements(request))

    def txn_label(self, company: Any) -> str | None:
        return "Charge"


class ChargeQuery(RequestHandler):
    request_tag = "ChargeQueryRq"

    def __init__(self, book: ChargeBook) -> None:
        self.book = book

    def handle(self, request: etree._Element, company: Any) -> Reply:
        wanted = {element.text or "" for element in request.findall("RefNumber")}
        found = [c for c in self.book.charges if c.ref_number in wanted]
        if not found:
            return Reply(status=NO_MATCH)
        return Reply(rets=found, include=include_ret_elements(request))

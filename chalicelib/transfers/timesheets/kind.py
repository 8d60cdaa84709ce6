"""Timesheets, declared for the registry: routed by resource, each entry a TimeTrackingAdd."""

from __future__ import annotations

from chalicelib.domain.timesheet import TimesheetDocument
from chalicelib.steps.base import Step
from chalicelib.transfers.changes import change_steps
from chalicelib.transfers.customers import CustomerStep
from chalicelib.transfers.drift import DeletedStep
from chalicelib.transfers.items import ItemStep
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.paid_dates import paid_sync_due
from chalicelib.transfers.pipeline import PlanStep, ReconcileStep, SendStep
from chalicelib.transfers.timesheets.people import PeopleStep
from chalicelib.transfers.timesheets.pipeline import CUSTOMERS, ITEMS, PEOPLE, SLUG, TimesheetPipeline
from chalicelib.transfers.timesheets.preview import preview_timesheets

QB = QbNames(
    add="TimeTrackingAdd", query="TimeTrackingQuery", mod="TimeTrackingMod", void="TxnDel", lines=False
)
OPERATIONS: tuple[Operation, ...] = ("add", "void")


def timesheet_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    """Plan, then the people (employees, vendors), customers and items, reconcile, and the adds."""
    # The kind's sync: which of its transactions were deleted in QuickBooks.
    steps: list[Step] = [DeletedStep(SLUG, QB.txn_type, own_mark=True)] if wanted.sync else []
    if not wanted.send:
        return steps
    pipeline = TimesheetPipeline()
    return [
        *steps,
        PlanStep(pipeline, depends_on=after),
        PeopleStep(SLUG),
        # Lost answers are looked up by the resource's entity, so the people come first.
        ReconcileStep(pipeline, depends_on=(PEOPLE,)),
        CustomerStep(SLUG),
        ItemStep(SLUG),
        SendStep(pipeline, depends_on=(PEOPLE, CUSTOMERS, ITEMS)),
        *change_steps(pipeline, QB, OPERATIONS, depends_on=(PEOPLE, CUSTOMERS, ITEMS)),
    ]


KIND = TransferKind(
    slug=SLUG,
    label="Timesheet",
    order=20,
    switch="timesheets",
    routing="resource",
    document_model=TimesheetDocument,
    scope="payroll",
    qb=QB,
    operations=OPERATIONS,
    followed=True,
    sync_due=paid_sync_due(SLUG),
    steps=timesheet_steps,
    requirements=Requirements(accounts=("other_income",), time_tracking=True),
    keeps=("TxnID",),  # of each entry, on the transfer's qb_parts
    routing_id=lambda document: document.resource.id,
    preview=preview_timesheets,
)

"""Timesheets, declared for the registry: routed by resource, each entry a TimeTrackingAdd."""

from __future__ import annotations

from chalicelib.domain.timesheet import TimesheetDocument
from chalicelib.steps.base import Step
from chalicelib.transfers.customers import CustomerStep
from chalicelib.transfers.items import ItemStep
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.kind_steps import document_steps, followed_steps
from chalicelib.transfers.paid_dates import paid_sync_due
from chalicelib.transfers.timesheets.people import PeopleStep
from chalicelib.transfers.timesheets.pipeline import PEOPLE, SLUG, TimesheetPipeline
from chalicelib.transfers.timesheets.preview import preview_timesheets

QB = QbNames(
    add="TimeTrackingAdd", query="TimeTrackingQuery", mod="TimeTrackingMod", void="TxnDel", lines=False
)
OPERATIONS: tuple[Operation, ...] = ("add", "void")


def timesheet_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    """Plan, then the people (employees, vendors), customers and items, reconcile, and the adds."""
    steps = followed_steps(SLUG, QB) if wanted.sync else []
    if wanted.send:
        needs: list[Step] = [PeopleStep(SLUG), CustomerStep(SLUG), ItemStep(SLUG)]
        # Lost answers are looked up by the resource's entity, so the people come first.
        steps += document_steps(TimesheetPipeline(), QB, OPERATIONS, after, needs, reconcile_after=(PEOPLE,))
    return steps


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

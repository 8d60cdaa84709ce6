"""The steps every kind is made of, assembled in one place: a kind says only what its documents need.

- ``document_steps``: plan (after the given steps), reconcile lost answers, the kind's own dependency steps
  (customers, items, vendors, ...), then the one send-exactly-once step and the changes the kind supports
  (updates, voids), both after those dependencies.
- ``followed_steps``: the sync of a kind whose transferred documents are followed: its paid dates when it has
  them, and the deletions in QuickBooks.
"""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.steps.base import Step
from chalicelib.transfers.changes import change_steps
from chalicelib.transfers.drift import DeletedStep
from chalicelib.transfers.kind import QbNames
from chalicelib.transfers.paid_dates import PaidDateStep
from chalicelib.transfers.pipeline import Pipeline, PlanStep, ReconcileStep, SendStep


def document_steps(
    pipeline: Pipeline,
    qb: QbNames,
    operations: Sequence[str],
    after: tuple[str, ...],
    needs: Sequence[Step],
    *,
    reconcile_after: tuple[str, ...] = (),
) -> list[Step]:
    """The steps that send a kind's documents; ``needs`` are the steps they depend on (sent after them)."""
    keys = tuple(step.key for step in needs)
    # Listed after what they depend on: the engine advances steps in this order within a callback.
    return [
        PlanStep(pipeline, depends_on=after),
        *needs,
        ReconcileStep(pipeline, depends_on=reconcile_after),
        SendStep(pipeline, depends_on=keys),
        *change_steps(pipeline, qb, tuple(operations), depends_on=keys),
    ]


def followed_steps(slug: str, qb: QbNames, paid: PaidDateStep | None = None) -> list[Step]:
    """A followed kind's sync: its paid dates (when it has them) and the deletions in QuickBooks. Without paid
    dates the deletions check keeps the kind's own mark (what makes its sync due again)."""
    if paid is None:
        return [DeletedStep(slug, qb.txn_type, own_mark=True)]
    return [paid, DeletedStep(slug, qb.txn_type)]

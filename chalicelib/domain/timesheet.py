"""The timesheet a source application enqueues (``POST /api/transfers/timesheets``), validated at the edge.

A timesheet is a resource's time for a period; each entry becomes one QuickBooks TimeTracking record (QuickBooks'
weekly timesheet is these records, so a bi-weekly or semi-monthly period simply spans weeks).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from chalicelib.domain.base import StrictModel
from chalicelib.domain.invoice import Organization

Hours = Annotated[Decimal, Field(gt=Decimal(0), le=Decimal(24), max_digits=7, decimal_places=4)]


class Resource(StrictModel):
    """The person whose time it is: a QuickBooks employee (or, without one, a vendor) by the resources mapping,
    else the employee named "First Last"."""

    id: str = Field(min_length=1, max_length=100)
    first_name: str = Field(min_length=1, max_length=25)  # QuickBooks' limits for an employee's names
    last_name: str = Field(min_length=1, max_length=25)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Period(StrictModel):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        if (self.end - self.start).days > 62:
            raise ValueError("a period is at most 62 days (a timesheet per month at most)")
        return self


class TimeEntry(StrictModel):
    """One day's time on one piece of work: one TimeTracking record."""

    id: str = Field(min_length=1, max_length=100)
    date: dt.date
    hours: Hours
    billing_code: str | None = Field(default=None, min_length=1, max_length=200)
    organization: Organization | None = None
    line_of_business: str | None = Field(default=None, min_length=1, max_length=200)
    payroll_category: str | None = Field(default=None, min_length=1, max_length=200)
    billable: bool = False
    notes: str | None = Field(default=None, max_length=4095)

    @model_validator(mode="after")
    def _billable_to_someone(self) -> TimeEntry:
        if self.billable and self.organization is None:
            raise ValueError("a billable entry needs the organization it is billed to")
        return self


class TimesheetDocument(StrictModel):
    """Body of ``POST /api/transfers/timesheets``."""

    source_id: str = Field(min_length=1, max_length=100)
    resource: Resource
    period: Period
    entries: list[TimeEntry] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _consistent(self) -> TimesheetDocument:
        seen: set[str] = set()
        for index, entry in enumerate(self.entries):
            if entry.id in seen:
                raise ValueError(
                    f"entries.{index}.id: the entry id {entry.id!r} is used twice in this timesheet"
                )
            seen.add(entry.id)
            if not self.period.start <= entry.date <= self.period.end:
                raise ValueError(f"entries.{index}.date: {entry.date} is outside the timesheet's period")
        return self

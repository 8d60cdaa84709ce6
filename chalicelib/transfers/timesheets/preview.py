"""The dry run of timesheets: whose time it would be, which customers and items would be found or created,
which timesheets fail now, and the TimeTrackingAdd requests. Nothing is written.

The employees' payroll settings are read only by a conversation, so the preview shows no payroll items.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.domain.timesheet import Resource
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.preview import Preview, build_adds, failing_now, names_summary, plan_dry
from chalicelib.transfers.timesheets.pipeline import (
    CUSTOMERS,
    ITEMS,
    PEOPLE,
    SLUG,
    TimesheetPipeline,
    resource_key,
)


def preview_timesheets(connector: Connector, ports: TransferPorts, lists: Any, *, now: str) -> Preview:
    """``lists`` answers ``entries(name)`` with the last pulled QuickBooks lists (or None)."""
    pipeline = TimesheetPipeline()
    ctx, plan = plan_dry(pipeline, connector, ports, lists, now=now)
    employees = {str(e["full_name"]).lower(): e for e in lists.entries("employees") or []}
    vendors = {str(e["full_name"]).lower(): e for e in lists.entries("vendors") or []}
    ctx.states[PEOPLE] = {
        "employees": {
            n: {"list_id": e["list_id"], "name": e["full_name"], "uses_time_data": False}
            for n, e in employees.items()
        },
        "vendors": {n: e["list_id"] for n, e in vendors.items()},
    }
    people = {}
    sendable = set()
    for key, resource in plan.get("resources", {}).items():
        wanted = resource.get("employee") or resource["name"]
        if wanted.lower() in employees:
            people[resource["id"]] = f"employee {employees[wanted.lower()]['full_name']}"
            sendable.add(key)
        elif resource.get("vendor") and resource["vendor"].lower() in vendors:
            people[resource["id"]] = f"vendor {resource['vendor']}"
            sendable.add(key)
        else:
            people[resource["id"]] = "no QuickBooks employee: the timesheet would fail"
    for transfer in ports.planned(plan["ids"]).values():
        if resource_key(Resource.model_validate(transfer.document["resource"])) not in sendable:
            for tag in list(plan["st"]):
                if tag.startswith(f"{transfer.id}/"):
                    plan["st"][tag] = "failed"
    summary = {
        "documents": len(plan["ids"]),
        "entries": sum(1 for status in plan["st"].values() if status == "ready"),
        "lost_answers_to_check": len(plan["reconcile"]),
        "people": people,
        **names_summary(ctx, plan, lists, customers=CUSTOMERS, items=ITEMS),
        "failing_now": failing_now(ports, SLUG, plan["ids"]),
    }
    return Preview(summary=summary, requests=build_adds(pipeline, ctx, plan))

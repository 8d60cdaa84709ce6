"""Who a timesheet's time belongs to in QuickBooks: the resource's employee, else its vendor.

The resources mapping names an employee (and/or a vendor); without one, the employee named "First Last" is
used. Nothing is created here: payroll names are never invented. One EmployeeQuery (with the payroll info that
says whether paychecks are made from time data) and one VendorQuery per conversation.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.qbxml.invoices import build_names_query
from chalicelib.qbxml.responses import QbResponse, child_text
from chalicelib.qbxml.time_tracking import build_employee_payroll_query, parse_employee_payroll
from chalicelib.steps.base import StepContext
from chalicelib.transfers.outcomes import error_from_status

NOTHING_FOUND = 1


class PeopleStep:
    """``<slug>.people``: finds the employees and vendors the plan's ``resources`` may be.

    State: ``employees`` (lower-case name -> {list_id, name, uses_time_data, active}), ``vendors`` (lower-case
    name -> list_id), ``failed`` (the error of a query QuickBooks refused), ``asked``, ``done``.
    """

    def __init__(self, slug: str) -> None:
        self.key = f"{slug}.people"
        self._plan = f"{slug}.plan"
        self.depends_on = (self._plan,)

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return bool(states.get(self._plan, {}).get("done"))

    def _names(self, ctx: StepContext) -> tuple[list[str], list[str]]:
        resources = ctx.states[self._plan].get("resources", {}).values()
        employees = sorted({n for r in resources for n in (r.get("employee"), r["name"]) if n})
        vendors = sorted({r["vendor"] for r in resources if r.get("vendor")})
        return employees, vendors

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "asked" not in state:
            employees, vendors = self._names(ctx)
            state.update(employees={}, vendors={}, asked=[], answered=[], failed=None)
            state["wanted"] = [tag for tag, names in (("e", employees), ("v", vendors)) if names]
        if not state.get("done") and set(state["answered"]) >= set(state["wanted"]):
            state["done"] = True

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        employees, vendors = self._names(ctx)
        built = []
        if "e" in state["wanted"] and "e" not in state["asked"]:
            built.append(("e", build_employee_payroll_query("e", employees)))
        if "v" in state["wanted"] and "v" not in state["asked"]:
            built.append(("v", build_names_query("VendorQueryRq", "v", vendors)))
        return built

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        state["asked"] += tags

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        state["answered"].append(tag)
        if response.is_error and response.status_code != NOTHING_FOUND:
            state["failed"] = error_from_status(response.status_code, response.status_message).model_dump()
        for ret in response.rets:
            if tag == "e":
                found = parse_employee_payroll(ret)
                state["employees"][found.full_name.lower()] = {
                    "list_id": found.list_id,
                    "name": found.full_name,
                    "uses_time_data": found.uses_time_data,
                    "active": found.is_active,
                }
            else:
                name = child_text(ret, "FullName") or child_text(ret, "Name") or ""
                state["vendors"][name.lower()] = child_text(ret, "ListID") or ""
        if set(state["answered"]) >= set(state["wanted"]):
            state["done"] = True

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        state["asked"].remove(tag)  # asked again in the next message: a query changes nothing

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 0 if state.get("done") else 1

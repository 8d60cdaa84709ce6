"""Ensuring customers and items exist: parents first, taken names, lost adds, never stuck."""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.domain.connector import Connector
from chalicelib.qbxml.hcp import CompanyInfo
from chalicelib.qbxml.invoices import build_customer_add, build_names_query
from chalicelib.qbxml.responses import QbResponse
from chalicelib.steps.base import StepContext
from chalicelib.transfers.list_objects import EnsureListObjects, parent_of, with_ancestors

# Steps under test here never touch QuickBooks lists.
NO_LISTS: Any = None


class Names(EnsureListObjects):
    key = "names"

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def wanted(self, ctx: StepContext) -> list[str]:
        return self.names

    def build_query(self, request_id: str, names: list[str]) -> etree._Element:
        return build_names_query("CustomerQueryRq", request_id, names)

    def build_add(self, ctx: StepContext, request_id: str, full_name: str) -> etree._Element:
        return build_customer_add(request_id, name=full_name.rsplit(":", 1)[-1], parent=parent_of(full_name))


def ctx() -> StepContext:
    connector = Connector(name="c", id="c", is_default=True, created_at="t", updated_at="t", file_id="{X}")
    return StepContext(
        connector=connector,
        company=CompanyInfo.from_dict({}),
        now="n",
        generation="g",
        list_sink=NO_LISTS,
        list_source=NO_LISTS,
    )


def answer(code: int = 0, rets: list[tuple[str, str]] = ()) -> QbResponse:  # type: ignore[assignment]
    elements = []
    for list_id, full_name in rets:
        ret = etree.Element("CustomerRet")
        etree.SubElement(ret, "ListID").text = list_id
        etree.SubElement(ret, "FullName").text = full_name
        elements.append(ret)
    severity = "Info" if code in (0, 1) else "Error"
    return QbResponse(
        tag="CustomerQueryRs",
        request_id="x",
        status_code=code,
        status_severity=severity,
        status_message="m",
        rets=tuple(elements),
        iterator_id=None,
        iterator_remaining_count=None,
    )


def tags(step: Names, state: dict[str, Any]) -> list[str]:
    return [tag for tag, _ in step.requests(ctx(), state)]


def test_parents_come_first_and_existing_names_are_used() -> None:
    assert with_ancestors(["Acme:East", "Beta"]) == ["Acme", "Beta", "Acme:East"]
    step = Names(["Acme:East", "Beta"])
    state: dict[str, Any] = {}
    step.advance(ctx(), state)
    assert tags(step, state) == ["q"]
    step.apply(ctx(), state, "q", answer(0, [("B1", "Beta")]))
    assert tags(step, state) == ["c0"]  # Acme first; Acme:East waits for its parent
    step.sent(ctx(), state, ["c0"])
    step.apply(ctx(), state, "c0", answer(0, [("A1", "Acme")]))
    assert tags(step, state) == ["c2"]
    step.sent(ctx(), state, ["c2"])
    step.apply(ctx(), state, "c2", answer(0, [("E1", "Acme:East")]))
    step.advance(ctx(), state)
    assert step.is_done(state) and state["known"] == {"beta": "B1", "acme": "A1", "acme:east": "E1"}


def test_a_parent_taken_by_another_kind_fails_its_children_instead_of_stalling() -> None:
    step = Names(["Acme:East"])
    state: dict[str, Any] = {}
    step.advance(ctx(), state)
    step.apply(ctx(), state, "q", answer(1))
    step.sent(ctx(), state, ["c0"])
    step.apply(ctx(), state, "c0", answer(3100))  # "name in use": a vendor is called Acme
    assert tags(step, state) == ["r"]
    step.apply(ctx(), state, "r", answer(1))  # yet no customer of that name
    step.advance(ctx(), state)
    assert step.is_done(state)
    assert state["failed"]["acme"]["code"] == "qb_name_in_use"
    assert state["failed"]["acme:east"] == state["failed"]["acme"]


def test_a_lost_add_is_looked_up_then_added_again() -> None:
    step = Names(["Acme"])
    state: dict[str, Any] = {}
    step.advance(ctx(), state)
    step.apply(ctx(), state, "q", answer(1))
    step.sent(ctx(), state, ["c0"])
    step.lost(ctx(), state, "c0")
    assert tags(step, state) == ["r"]
    step.apply(ctx(), state, "r", answer(1))  # it never arrived
    assert tags(step, state) == ["c0"]
    step.sent(ctx(), state, ["c0"])
    step.apply(ctx(), state, "c0", answer(0, [("A1", "Acme")]))
    step.advance(ctx(), state)
    assert step.is_done(state) and not state["failed"]

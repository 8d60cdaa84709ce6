"""Reading one QuickBooks list: paging, commit at the end, restart after a lost answer."""

from __future__ import annotations

from typing import Any

from chalicelib.conversation.list_pull import ListPullStep
from chalicelib.domain.connector import Connector
from chalicelib.qbxml.hcp import CompanyInfo
from chalicelib.qbxml.lists import qb_list
from chalicelib.qbxml.responses import parse_response_message
from chalicelib.steps.base import StepContext


class MemoryLists:
    def __init__(self) -> None:
        self.pages: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.committed: dict[str, int] = {}

    def write_page(
        self, connector_id: str, list_name: str, *, generation: str, page: int, entries: list[dict[str, Any]]
    ) -> None:
        self.pages[(list_name, page)] = entries

    def commit(self, connector_id: str, list_name: str, *, generation: str, read_at: str, count: int) -> None:
        self.committed[list_name] = count

    def entries(self, list_name: str) -> list[dict[str, Any]] | None:
        return None


def context(lists: MemoryLists) -> StepContext:
    connector = Connector(name="c", id="c1", is_default=True, created_at="t", updated_at="t", file_id="{X}")
    return StepContext(
        connector=connector,
        company=CompanyInfo.from_dict({}),
        now="now",
        generation="g",
        list_sink=lists,
        list_source=lists,
    )


def customers_page(request_id: str, names: list[str], remaining: int) -> str:
    rets = "".join(
        f"<CustomerRet><ListID>{n}</ListID><Name>{n}</Name><FullName>{n}</FullName><IsActive>true</IsActive></CustomerRet>"
        for n in names
    )
    return (
        '<?xml version="1.0"?><QBXML><QBXMLMsgsRs><CustomerQueryRs requestID="'
        + request_id
        + '" statusCode="0" '
        f'statusSeverity="Info" statusMessage="Status OK" iteratorRemainingCount="{remaining}" iteratorID="it-1">'
        f"{rets}</CustomerQueryRs></QBXMLMsgsRs></QBXML>"
    )


def test_pages_until_nothing_remains_then_commits() -> None:
    lists = MemoryLists()
    step = ListPullStep(qb_list("customers"), page_size=2)
    state: dict[str, Any] = {}
    ctx = context(lists)
    [(tag, request)] = step.requests(ctx, state)
    assert request.get("iterator") == "Start"
    [answer] = parse_response_message(customers_page(tag, ["A", "B"], remaining=1))
    step.apply(ctx, state, tag, answer)
    assert not step.is_done(state) and step.remaining_messages(state) == 1
    [(tag, request)] = step.requests(ctx, state)
    assert request.get("iterator") == "Continue" and request.get("iteratorID") == "it-1"
    [answer] = parse_response_message(customers_page(tag, ["C"], remaining=0))
    step.apply(ctx, state, tag, answer)
    assert step.is_done(state) and lists.committed == {"customers": 3}


def test_a_lost_page_restarts_the_read_instead_of_skipping_it() -> None:
    lists = MemoryLists()
    step = ListPullStep(qb_list("customers"), page_size=2)
    state: dict[str, Any] = {}
    ctx = context(lists)
    [(tag, _)] = step.requests(ctx, state)
    step.apply(ctx, state, tag, parse_response_message(customers_page(tag, ["A", "B"], remaining=3))[0])
    [(tag, _)] = step.requests(ctx, state)
    step.lost(ctx, state, tag)  # QuickBooks may have advanced its iterator: that page is gone
    [(_, request)] = step.requests(ctx, state)
    assert request.get("iterator") == "Start"
    assert state["count"] == 0

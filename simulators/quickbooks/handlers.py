"""What every request handler shares: the handler interface, its reply, and reading request elements.

A handler answers one kind of request element (``CustomerQueryRq``, ``AccountAddRq`` ...). It either
returns a ``Reply`` or raises ``StatusError``; the company turns both into the ``...Rs`` element, echoing
the ``requestID``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from lxml import etree

from chalicelib.safe_xml import local_name
from simulators.quickbooks.entities import Address, ListObject
from simulators.quickbooks.errors import OK, Status, StatusError, invalid_date, unsupported
from simulators.quickbooks.fields import Field, RetSource, fill, render
from simulators.quickbooks.lists import ListStore

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

T = TypeVar("T", bound=ListObject)


@dataclass(frozen=True)
class Reply:
    """A handled request: its status, the Rets to return and the Rs attributes that go with them."""

    status: Status = OK
    rets: Sequence[RetSource] = ()
    include: frozenset[str] | None = None  # IncludeRetElement: only these children of each Ret
    ret_count: int | None = None
    iterator_remaining: int | None = None
    iterator_id: str | None = None
    fields: Sequence[Field] = ()  # children of the Rs itself, for answers without Rets (TxnDelRs)

    def to_element(self, rs_tag: str, request_id: str | None) -> etree._Element:
        """The ``...Rs`` element, attributes in the order QuickBooks writes them."""
        rs = etree.Element(rs_tag)
        if request_id is not None:
            rs.set("requestID", request_id)
        rs.set("statusCode", str(self.status.code))
        rs.set("statusSeverity", self.status.severity)
        rs.set("statusMessage", self.status.message)
        for name, value in (
            ("retCount", self.ret_count),
            ("iteratorRemainingCount", self.iterator_remaining),
            ("iteratorID", self.iterator_id),
        ):
            if value is not None:
                rs.set(name, str(value))
        fill(rs, self.fields)
        for ret in self.rets:
            rs.append(render(ret, self.include))
        return rs


class RequestHandler(ABC):
    """Answers one kind of request element."""

    request_tag: str  # e.g. "CustomerQueryRq"

    @property
    def response_tag(self) -> str:
        """The answer's element name."""
        return response_tag(self.request_tag)

    @abstractmethod
    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """Execute the request against ``company``; raise ``StatusError`` to answer with an error."""

    def list_label(self, company: QuickBooksCompany) -> str | None:
        """The list this request works on, as QuickBooks names it ("Customers"); None when it is not a
        list request."""
        return None

    def txn_label(self, company: QuickBooksCompany) -> str | None:
        """The transaction type this request works on, as QuickBooks names it ("Invoice"); None when it
        is not a transaction request. Requests with neither label cannot be locked."""
        return None

    def element_name(self, request: etree._Element) -> str | None:
        """The list element a request is about, when it names one (an Add's Name)."""
        return None


def response_tag(request_tag: str) -> str:
    """Every qbXML ``...Rq`` element is answered by the matching ``...Rs``."""
    return request_tag.removesuffix("Rq") + "Rs"


def child_text(element: etree._Element, tag: str) -> str | None:
    """The text of the first direct child named ``tag``."""
    child = element.find(tag)
    return None if child is None else (child.text or "")


def children_text(element: etree._Element, tag: str) -> list[str]:
    """The texts of all direct children named ``tag``, in order."""
    return [child.text or "" for child in element.findall(tag)]


def include_ret_elements(request: etree._Element) -> frozenset[str] | None:
    """The IncludeRetElement names of a request, or None when it asks for whole Rets."""
    names = children_text(request, "IncludeRetElement")
    return frozenset(names) if names else None


def reject_unhandled_children(element: etree._Element, handled: Iterable[str], where: str) -> None:
    """Answer 1030 for any child element the simulator would otherwise ignore: a test must never pass
    because the simulator skipped a filter or field that real QuickBooks would have applied."""
    known = set(handled)
    for child in element:
        if isinstance(child.tag, str) and local_name(child) not in known:
            raise StatusError(unsupported(f'The simulator does not handle "{local_name(child)}" in {where}.'))


def read_flag(element: etree._Element, tag: str, default: bool) -> bool:
    """A BOOLTYPE child (``true``/``false``/``1``/``0``; empty or absent means ``default``)."""
    raw = (child_text(element, tag) or "").strip()
    return default if not raw else raw in ("true", "1")


def read_decimal(element: etree._Element, tag: str) -> Decimal | None:
    """An AMTTYPE, PRICETYPE, QUANTYPE or FLOATTYPE child (the schema checked its form; empty is absent)."""
    raw = (child_text(element, tag) or "").strip()
    return Decimal(raw) if raw else None


def read_date(element: etree._Element, tag: str) -> date | None:
    """A DATETYPE child (an ``xsd:date``: any time zone suffix is ignored, as QuickBooks dates have
    none); 3020 for a date QuickBooks cannot convert."""
    raw = child_text(element, tag)
    if raw is None or not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        raise StatusError(invalid_date(raw, tag)) from None


def read_address(element: etree._Element, tag: str) -> Address | None:
    """An address aggregate (BillAddress, ShipAddress ...); every child the schema allows is kept."""
    found = element.find(tag)
    if found is None:
        return None
    return Address(
        addr1=child_text(found, "Addr1"),
        addr2=child_text(found, "Addr2"),
        addr3=child_text(found, "Addr3"),
        addr4=child_text(found, "Addr4"),
        addr5=child_text(found, "Addr5"),
        city=child_text(found, "City"),
        state=child_text(found, "State"),
        postal_code=child_text(found, "PostalCode"),
        country=child_text(found, "Country"),
        note=child_text(found, "Note"),
    )


def resolve_ref(
    element: etree._Element,
    tag: str,
    store: ListStore[T],
    on_missing: Callable[[str], Status],
    *,
    usable: Callable[[T], bool] | None = None,
) -> T | None:
    """The list element a ``...Ref`` child names (ListID first, as QuickBooks reads it, else FullName);
    None without the child; ``StatusError(on_missing(name))`` when it names nothing, or an element that
    ``usable`` refuses (an inactive customer on a new invoice, an item of the wrong kind ...)."""
    ref = element.find(tag)
    if ref is None:
        return None
    list_id, full_name = child_text(ref, "ListID"), child_text(ref, "FullName")
    target = store.get(list_id) if list_id is not None else store.find(full_name or "")
    if target is None or (usable is not None and not usable(target)):
        raise StatusError(on_missing(full_name if full_name is not None else list_id or ""))
    return target


def is_active(element: ListObject) -> bool:
    """``usable`` for references a new transaction makes: QuickBooks refuses inactive elements there."""
    return element.is_active

"""List Add requests: ``ListAdd`` does what every Add shares, one small subclass per kind reads its fields.

A new Add (CustomerAdd, ItemServiceAdd ...) is one subclass: name the request, list the children of its
``...Add`` aggregate that it understands, say which list it adds to, and build the element from the
aggregate, resolving references with ``resolve_ref`` (3140 for a reference to nothing, 3130 for a
missing parent), then register an instance in ``company._HANDLERS``. Any other child of the aggregate
is answered with 1030 rather than silently dropped. Mind QuickBooks' own rules when adding one: customers, vendors, employees and other names share a single
name space, so a CustomerAdd must also answer 3100 for a name a vendor or employee already uses.
"""

from __future__ import annotations

from abc import abstractmethod
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Generic, TypeVar

from lxml import etree

from simulators.quickbooks.entities import Account, ListObject, SalesTaxCode
from simulators.quickbooks.errors import StatusError, invalid_parent, invalid_reference, name_in_use
from simulators.quickbooks.handlers import (
    Reply,
    RequestHandler,
    child_text,
    include_ret_elements,
    read_flag,
    reject_unhandled_children,
    resolve_ref,
)
from simulators.quickbooks.lists import ListStore, NameInUseError

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

T = TypeVar("T", bound=ListObject)


class ListAdd(RequestHandler, Generic[T]):
    """Adds one element to a list and answers with its Ret (3100 when the name is taken)."""

    handled: frozenset[str]  # the children of the ...Add aggregate the subclass reads

    @property
    def aggregate_tag(self) -> str:
        """The element inside the request that carries the new element, e.g. ``AccountAdd``."""
        return self.request_tag.removesuffix("Rq")

    @abstractmethod
    def store(self, company: QuickBooksCompany) -> ListStore[T]:
        """The list the element goes into."""

    @abstractmethod
    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> T:
        """The new (not yet stamped) element; raise ``StatusError`` for bad references or values."""

    def list_label(self, company: QuickBooksCompany) -> str:
        """The list the Add writes to."""
        return self.store(company).label

    def element_name(self, request: etree._Element) -> str | None:
        """The Name being added."""
        aggregate = request.find(self.aggregate_tag)
        return None if aggregate is None else child_text(aggregate, "Name")

    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """Build, store and return the new element."""
        # The schema makes the aggregate mandatory, and the company validated the document.
        aggregate = request.find(self.aggregate_tag)
        assert aggregate is not None
        reject_unhandled_children(aggregate, self.handled, self.aggregate_tag)
        element = self.build(aggregate, company)
        try:
            company.add(element)
        except NameInUseError:
            raise StatusError(name_in_use(element.name)) from None
        return Reply(rets=[element], include=include_ret_elements(request))


class AccountAdd(ListAdd[Account]):
    """``AccountAddRq``: a new account, optionally below a parent account."""

    request_tag = "AccountAddRq"
    # OpenBalanceDate only dates the opening-balance transaction, which the simulator does not keep.
    handled = frozenset(
        {
            "Name",
            "IsActive",
            "ParentRef",
            "AccountType",
            "AccountNumber",
            "BankNumber",
            "Desc",
            "OpenBalance",
            "OpenBalanceDate",
            "SalesTaxCodeRef",
        }
    )

    def store(self, company: QuickBooksCompany) -> ListStore[Account]:
        """The chart of accounts."""
        return company.accounts

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> Account:
        """The account described by the AccountAdd aggregate."""
        return Account(
            name=child_text(aggregate, "Name") or "",
            is_active=read_flag(aggregate, "IsActive", default=True),
            parent=resolve_ref(
                aggregate,
                "ParentRef",
                company.accounts,
                partial(invalid_parent, list_label=company.accounts.label),
            ),
            account_type=child_text(aggregate, "AccountType") or "",
            account_number=child_text(aggregate, "AccountNumber"),
            bank_number=child_text(aggregate, "BankNumber"),
            desc=child_text(aggregate, "Desc"),
            balance=Decimal(child_text(aggregate, "OpenBalance") or "0"),
            sales_tax_code=resolve_ref(
                aggregate,
                "SalesTaxCodeRef",
                company.sales_tax_codes,
                partial(invalid_reference, SalesTaxCode.kind_label, referrer="Account"),
            ),
        )

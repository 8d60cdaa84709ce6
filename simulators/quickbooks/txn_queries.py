"""Transaction queries (``InvoiceQueryRq``, ``ReceivePaymentQueryRq``, ``BillQueryRq``,
``JournalEntryQueryRq``, ``PurchaseOrderQueryRq``, ``ItemReceiptQueryRq``,
``InventoryAdjustmentQueryRq``): one ``TxnQuery`` per request.

All transaction queries of qbXML 13.0 share one grammar: explicit ``TxnID``s, ``RefNumber``s or
``RefNumberCaseSensitive``s, or filters (``MaxReturned``, ``ModifiedDateRangeFilter`` or
``TxnDateRangeFilter``, ``EntityFilter``, ``AccountFilter``, ``RefNumberFilter`` or
``RefNumberRangeFilter``, ``CurrencyFilter``) plus a few kind-specific ones (``PaidStatus`` on invoices
and bills, ``ItemFilter`` on inventory adjustments). ``EntityFilter`` names customers, vendors, employees
or Other Names (one name space): an invoice matches its customer, a bill, purchase order or item receipt
its vendor, a journal entry any entity on its lines; ``AccountFilter`` matches any account the
transaction posts to.
The simulator answers:

* explicit TxnIDs/RefNumbers: the transactions found, in the order asked for; a RefNumber that several
  invoices share brings back all of them. Any TxnID or RefNumber that finds nothing makes the answer the
  500 warning that names it, the found transactions still coming back: QuickBooks documents 500 for "one
  or more objects cannot be found" in any query, and the list queries here already answer missing
  ListIDs and FullNames that way, so a transaction query behaves the same (a deleted transaction is
  one that finds nothing);
* filters that match nothing: statusCode 1 (Info), not an error; matches come in the order recorded;
  ``ModifiedDateRangeFilter`` finds transactions by TimeModified, which every Mod, void and edit by a
  person moves on (a payment or item receipt moves that of what it links to);
* ``IncludeLineItems`` (false by default) adds the lines, ``IncludeLinkedTxns`` (false by default, invoices,
  bills, purchase orders and item receipts only) the transactions linked to each: payments to invoices and
  bills, item receipts to purchase orders and the other way round;
* paging with ``MaxReturned`` and iterators exactly as for list queries (``queries.PagedQuery``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from lxml import etree

from simulators.quickbooks.bills import Bill
from simulators.quickbooks.entities import ListObject, TreeObject
from simulators.quickbooks.errors import NO_MATCH, OK, Status, StatusError, not_found_warning, unsupported
from simulators.quickbooks.fields import RetSource
from simulators.quickbooks.handlers import (
    child_text,
    children_text,
    read_date,
    read_flag,
)
from simulators.quickbooks.lists import ListStore
from simulators.quickbooks.queries import KindFilter, PagedQuery, Predicate, kind_predicates, read_datetime
from simulators.quickbooks.transactions import Invoice, Transaction, TxnStore, TxnView

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

_TXN_TAGS = frozenset(
    {
        "TxnID",
        "RefNumber",
        "RefNumberCaseSensitive",
        "MaxReturned",
        "ModifiedDateRangeFilter",
        "TxnDateRangeFilter",
        "EntityFilter",
        "AccountFilter",
        "RefNumberFilter",
        "RefNumberRangeFilter",
        "CurrencyFilter",
        "IncludeLineItems",
        "IncludeRetElement",
        # Custom fields (DataExt) of that owner: the simulator keeps none, so there is nothing to add.
        "OwnerID",
    }
)


@dataclass(frozen=True)
class DateFilter:
    """The date filters every transaction query takes (``ModifiedDateRangeFilter``, ``TxnDateRangeFilter``);
    None means "any"."""

    from_modified: datetime | None = None
    to_modified: datetime | None = None
    from_date: date | None = None
    to_date: date | None = None

    @classmethod
    def from_request(cls, request: etree._Element, company: QuickBooksCompany) -> DateFilter:
        """Read the filters; dates without an offset are in the company's time zone."""
        modified = request.find("ModifiedDateRangeFilter")
        dates = request.find("TxnDateRangeFilter")
        if dates is not None and dates.find("DateMacro") is not None:
            raise StatusError(unsupported('The simulator does not handle "DateMacro" in TxnDateRangeFilter.'))
        tz = company.local_tz
        return cls(
            from_modified=None
            if modified is None
            else read_datetime(modified, "FromModifiedDate", tz, end_of_period=False),
            to_modified=None
            if modified is None
            else read_datetime(modified, "ToModifiedDate", tz, end_of_period=True),
            from_date=None if dates is None else read_date(dates, "FromTxnDate"),
            to_date=None if dates is None else read_date(dates, "ToTxnDate"),
        )

    def matches(self, txn: Transaction) -> bool:
        """Whether ``txn`` was modified and is dated within the ranges."""
        if self.from_modified is not None and txn.time_modified < self.from_modified:
            return False
        if self.to_modified is not None and txn.time_modified > self.to_modified:
            return False
        if self.from_date is not None and txn.txn_date < self.from_date:
            return False
        return self.to_date is None or txn.txn_date <= self.to_date


@dataclass(frozen=True)
class TxnFilter:
    """The generic filters of a transaction query; None means "any"."""

    dates: DateFilter
    entities: frozenset[str] | None = None  # ListIDs of the customers (and jobs) selected
    accounts: frozenset[str] | None = None
    currencies: frozenset[str] | None = None
    ref_criterion: str | None = None  # StartsWith, Contains, EndsWith
    ref_text: str = ""
    from_ref: str | None = None
    to_ref: str | None = None

    @classmethod
    def from_request(cls, request: etree._Element, company: QuickBooksCompany) -> TxnFilter:
        """Read the filters; dates without an offset are in the company's time zone."""
        dates = DateFilter.from_request(request, company)
        ref_filter = request.find("RefNumberFilter")
        ref_range = request.find("RefNumberRangeFilter")
        return cls(
            dates=dates,
            entities=_selected(
                request.find("EntityFilter"),
                company.customers,
                company.vendors,
                company.employees,
                company.other_names,
            ),
            accounts=_selected(request.find("AccountFilter"), company.accounts),
            currencies=_selected(request.find("CurrencyFilter"), company.currencies),
            ref_criterion=None if ref_filter is None else child_text(ref_filter, "MatchCriterion"),
            ref_text=("" if ref_filter is None else child_text(ref_filter, "RefNumber") or "").casefold(),
            from_ref=None if ref_range is None else child_text(ref_range, "FromRefNumber"),
            to_ref=None if ref_range is None else child_text(ref_range, "ToRefNumber"),
        )

    def matches(self, txn: Transaction) -> bool:
        """Whether a filtered query selects ``txn``."""
        if not self.dates.matches(txn):
            return False
        if self.entities is not None and not any(e.list_id in self.entities for e in txn.entities):
            return False
        if self.accounts is not None and not any(a.list_id in self.accounts for a in txn.accounts):
            return False
        if self.currencies is not None and (
            txn.currency is None or txn.currency.list_id not in self.currencies
        ):
            return False
        return self._ref_matches(txn.ref_number or "")

    def _ref_matches(self, ref_number: str) -> bool:
        folded = ref_number.casefold()
        if self.ref_criterion == "StartsWith" and not folded.startswith(self.ref_text):
            return False
        if self.ref_criterion == "Contains" and self.ref_text not in folded:
            return False
        if self.ref_criterion == "EndsWith" and not folded.endswith(self.ref_text):
            return False
        key = _ref_order(ref_number)
        if self.from_ref is not None and key < _ref_order(self.from_ref):
            return False
        return self.to_ref is None or key <= _ref_order(self.to_ref)


def _ref_order(ref_number: str) -> tuple[int, int, str]:
    """How RefNumbers compare in a range: numbers by value, before any other text, which compares
    without regard to case."""
    text = ref_number.strip()
    return (0, int(text), "") if text.isdigit() else (1, 0, text.casefold())


def _selected(block: etree._Element | None, *stores: ListStore[Any]) -> frozenset[str] | None:
    """The ListIDs an EntityFilter, AccountFilter or CurrencyFilter selects from ``stores`` (``...WithChildren``
    adds every element below the one named); None without the filter. Names that exist nowhere select
    nothing, so the query matches nothing."""
    if block is None:
        return None

    def by_id(list_id: str) -> ListObject | None:
        return next((found for store in stores if (found := store.get(list_id)) is not None), None)

    def by_name(full_name: str) -> ListObject | None:
        return next((found for store in stores if (found := store.find(full_name)) is not None), None)

    chosen: list[ListObject | None] = [by_id(list_id) for list_id in children_text(block, "ListID")]
    chosen += [by_name(full_name) for full_name in children_text(block, "FullName")]
    roots: list[ListObject | None] = [
        by_id(list_id) for list_id in children_text(block, "ListIDWithChildren")
    ]
    roots += [by_name(full_name) for full_name in children_text(block, "FullNameWithChildren")]
    for root in roots:
        chosen.extend(_with_descendants(root))
    return frozenset(element.list_id for element in chosen if element is not None)


def _with_descendants(root: ListObject | None) -> list[ListObject]:
    if root is None:
        return []
    found: list[ListObject] = [root]
    if isinstance(root, TreeObject):
        for child in root.children:
            found.extend(_with_descendants(child))
    return found


class PaidStatusFilter(KindFilter):
    """``PaidStatus`` on invoices and bills: ``All`` (the default), ``PaidOnly`` or ``NotPaidOnly``."""

    tags = frozenset({"PaidStatus"})

    def predicate(self, request: etree._Element) -> Predicate | None:
        """Invoices (or bills) paid in full, or those with something still to pay."""
        wanted = child_text(request, "PaidStatus") or "All"
        if wanted == "All":
            return None
        paid = wanted == "PaidOnly"
        return lambda txn: isinstance(txn, Invoice | Bill) and txn.is_paid is paid


class TxnQuery(PagedQuery):
    """Answers a transaction query request from the company's transactions of one type."""

    def __init__(
        self,
        request_tag: str,
        select: Callable[[QuickBooksCompany], TxnStore[Any]],
        kind_filters: Sequence[KindFilter] = (),
        *,
        has_linked_txns: bool = False,
    ) -> None:
        linked: Iterable[str] = ("IncludeLinkedTxns",) if has_linked_txns else ()
        super().__init__(request_tag, _TXN_TAGS.union(linked, *(kind.tags for kind in kind_filters)))
        self._store = select
        self._kind_filters = tuple(kind_filters)

    def txn_label(self, company: QuickBooksCompany) -> str:
        """The transaction type the query reads."""
        return self._store(company).label

    def select(self, request: etree._Element, company: QuickBooksCompany) -> tuple[list[Any], Status]:
        """The named transactions (500 when some are missing), or those the filters match (1 for none)."""
        store = self._store(company)
        lookups = [(txn_id, found_by_id(store, txn_id)) for txn_id in children_text(request, "TxnID")]
        lookups += [(ref, store.with_ref_number(ref)) for ref in children_text(request, "RefNumber")]
        lookups += [
            (ref, store.with_ref_number(ref, case_sensitive=True))
            for ref in children_text(request, "RefNumberCaseSensitive")
        ]
        if lookups:
            return explicit_answer(lookups)
        query = TxnFilter.from_request(request, company)
        tests = [query.matches, *kind_predicates(self._kind_filters, request)]
        matches = [txn for txn in store if all(test(txn) for test in tests)]
        return matches, OK if matches else NO_MATCH

    def present(self, request: etree._Element, page: list[Any]) -> Sequence[RetSource]:
        """Each transaction with or without its lines and linked transactions, as the request asks."""
        lines = read_flag(request, "IncludeLineItems", default=False)
        linked = read_flag(request, "IncludeLinkedTxns", default=False)
        return [TxnView(txn, lines=lines, linked=linked) for txn in page]


def found_by_id(store: TxnStore[Any], txn_id: str) -> list[Transaction]:
    """The transaction with this TxnID, as a list of none or one."""
    txn = store.get(txn_id)
    return [] if txn is None else [txn]


def explicit_answer(lookups: list[tuple[str, list[Any]]]) -> tuple[list[Any], Status]:
    """The transactions found, each once and in the order asked for, and the status: the 500 warning
    naming the first TxnID or RefNumber that found nothing."""
    found: list[Any] = []
    seen: set[str] = set()
    missing: list[str] = []
    for asked, txns in lookups:
        if not txns:
            missing.append(asked)
        for txn in txns:
            if txn.txn_id not in seen:
                seen.add(txn.txn_id)
                found.append(txn)
    return found, not_found_warning(missing[0]) if missing else OK

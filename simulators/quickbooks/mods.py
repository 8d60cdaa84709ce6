"""What every transaction Mod shares (``InvoiceModRq``, ``BillModRq``): finding the transaction, its
EditSequence, header fields and lines.

A Mod names its transaction by ``TxnID`` and carries the ``EditSequence`` the integration last read: a
TxnID of no transaction of that type is 3120 (Intuit's code for an object the request names that cannot be
found), an EditSequence other than the transaction's current one is 3200 (someone changed it since; the
integration must read it again). The header fields a Mod gives replace the stored ones (an empty one
clears what may be cleared); those it leaves out stay.

Lines follow QuickBooks' rule: a Mod without line Mods leaves the lines as they are; once it has any, the
lines are exactly the ones it lists, in its order: a line Mod with the ``TxnLineID`` of an existing line
keeps that line (the fields it gives replace the line's, quantity x rate worked out again when it changes
any of them), one with ``TxnLineID`` -1 adds a new line read exactly like the Add's line, and every
existing line it does not list is deleted. A TxnLineID of no line of the transaction is 3120.

Every Mod is read and checked whole before anything changes (a refused Mod changes nothing), then made
through ``QuickBooksCompany.revise``: a new EditSequence and TimeModified, new TxnLineIDs for new lines,
balances and stock posted anew. The answer is the whole transaction's Ret, lines and links included,
trimmed to IncludeRetElement as for an Add.
"""

from __future__ import annotations

import copy
import dataclasses
from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from lxml import etree

from simulators.quickbooks.adds import TxnAdd
from simulators.quickbooks.errors import StatusError, edit_sequence_out_of_date, object_not_found
from simulators.quickbooks.handlers import (
    Reply,
    RequestHandler,
    child_text,
    include_ret_elements,
    read_address,
    read_date,
    read_decimal,
    read_flag,
    reject_unhandled_children,
)
from simulators.quickbooks.transactions import Transaction, TxnLine, TxnStore, priced

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

X = TypeVar("X", bound=Transaction)
L = TypeVar("L", bound=TxnLine)
NEW_LINE = "-1"  # the TxnLineID a line Mod gives a line it adds
# How to read one header field of a Mod: its tag -> the attribute it sets and how to read its value.
HeaderReaders = Mapping[str, tuple[str, Callable[[etree._Element], Any]]]
Change = Callable[[X], None]


class TxnMod(RequestHandler, Generic[X]):
    """Modifies one transaction: ``plan`` reads and checks the Mod aggregate, the change it returns is
    then made."""

    handled: frozenset[str]  # the children of the ...Mod aggregate the subclass reads (TxnID included)

    @property
    def aggregate_tag(self) -> str:
        """The element inside the request that carries the changes, e.g. ``InvoiceMod``."""
        return self.request_tag.removesuffix("Rq")

    @property
    @abstractmethod
    def adder(self) -> TxnAdd[X]:
        """The Add of the same type: new lines and references are read as it reads them."""

    def store(self, company: QuickBooksCompany) -> TxnStore[X]:
        """The transactions of the type modified."""
        return self.adder.store(company)

    def txn_label(self, company: QuickBooksCompany) -> str:
        """The transaction type the Mod changes."""
        return self.store(company).label

    @abstractmethod
    def plan(self, txn: X, aggregate: etree._Element, company: QuickBooksCompany) -> Change[X]:
        """Read and check the whole Mod (raise ``StatusError`` to refuse it); return the change to make,
        which must not fail."""

    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """Find the transaction, check its EditSequence, make the change and answer with it."""
        aggregate = request.find(self.aggregate_tag)
        assert aggregate is not None  # the schema requires it
        reject_unhandled_children(aggregate, self.handled, self.aggregate_tag)
        txn_id = child_text(aggregate, "TxnID") or ""
        txn = self.store(company).get(txn_id)
        if txn is None:
            raise StatusError(object_not_found(txn_id))
        edit_sequence = child_text(aggregate, "EditSequence") or ""
        if edit_sequence != txn.edit_sequence:
            raise StatusError(edit_sequence_out_of_date(edit_sequence))
        company.revise(txn, self.plan(txn, aggregate, company))
        return Reply(rets=[txn], include=include_ret_elements(request))


def header_changes(aggregate: etree._Element, readers: HeaderReaders) -> dict[str, Any]:
    """The attributes the header fields a Mod gives set, by name (fields it leaves out change nothing)."""
    return {
        attribute: read(aggregate)
        for tag, (attribute, read) in readers.items()
        if aggregate.find(tag) is not None
    }


def text_of(tag: str) -> Callable[[etree._Element], str | None]:
    """Reads a text field; empty clears it."""
    return lambda element: child_text(element, tag) or None


def date_of(tag: str) -> Callable[[etree._Element], Any]:
    """Reads a date field."""
    return lambda element: read_date(element, tag)


def flag_of(tag: str) -> Callable[[etree._Element], bool]:
    """Reads a BOOLTYPE field (empty is false)."""
    return lambda element: read_flag(element, tag, default=False)


def address_of(tag: str) -> Callable[[etree._Element], Any]:
    """Reads an address aggregate."""
    return lambda element: read_address(element, tag)


def apply_changes(txn: X, changes: Mapping[str, Any]) -> None:
    """Set the attributes ``header_changes`` read."""
    for attribute, value in changes.items():
        setattr(txn, attribute, value)


def merged_lines(
    existing: Iterable[L],
    mods: list[etree._Element],
    *,
    new: Callable[[etree._Element], L],
    revised: Callable[[L, etree._Element], L],
) -> list[L]:
    """The lines a transaction has after line Mods ``mods`` (see the module's rule): ``new`` reads a
    line Mod with TxnLineID -1 (without its TxnLineID, as the Add's line), ``revised`` an existing line
    changed by its Mod (a copy: nothing changes before the whole Mod is checked)."""
    by_id = {line.txn_line_id: line for line in existing}
    lines: list[L] = []
    for element in mods:
        txn_line_id = child_text(element, "TxnLineID") or ""
        if txn_line_id == NEW_LINE:
            lines.append(new(_without_line_id(element)))
            continue
        line = by_id.get(txn_line_id)
        if line is None:
            raise StatusError(object_not_found(txn_line_id))
        lines.append(revised(line, element))
    return lines


def revised_copy(line: L, changes: Mapping[str, Any]) -> L:
    """A copy of ``line`` with ``changes``, keeping its TxnLineID."""
    copied = dataclasses.replace(line, **changes)
    copied.txn_line_id = line.txn_line_id
    return copied


def repriced(
    element: etree._Element,
    rate_tag: str,
    current: tuple[Decimal | None, Decimal | None],
    default_rate: Decimal | None,
    *,
    item_changed: bool,
) -> dict[str, Any]:
    """The quantity, rate (``rate_tag``: Rate or Cost) and amount of a line whose Mod gives any of
    them, or a new item: what it gives replaces, the rest stays (a new item brings its own rate unless
    an amount is given), and ``priced`` works out the others; nothing when it gives none of them."""
    if not item_changed and all(element.find(tag) is None for tag in ("Quantity", rate_tag, "Amount")):
        return {}
    count, rate = current
    if element.find("Quantity") is not None:
        count = read_decimal(element, "Quantity")
    total = read_decimal(element, "Amount")
    if element.find(rate_tag) is not None:
        rate = read_decimal(element, rate_tag)
    elif total is not None or item_changed:
        rate = None  # worked out from the amount, or the new item's
    rate, total = priced(count, rate, total, default_rate)
    return {"quantity": count, rate_tag.lower(): rate, "amount": total}


def _without_line_id(element: etree._Element) -> etree._Element:
    """A line Mod adding a line, as the Add's line it stands for."""
    line = copy.deepcopy(element)
    for txn_line_id in line.findall("TxnLineID"):
        line.remove(txn_line_id)
    return line

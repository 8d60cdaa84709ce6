"""``BillModRq``: changing a recorded bill, its header, expense lines and item lines (the rules every Mod
shares are in ``mods``).

A bill has two groups of lines, and QuickBooks treats each on its own (the SDK's ``ClearExpenseLines``
and ``ClearItemLines`` clear one group and leave the other): expense line Mods decide the expense lines
and leave the item lines alone, item line Mods the item lines and leave the expense lines alone; a group
without Mods stays as it is. ``ClearExpenseLines`` (``ClearItemLines``) true deletes every line of its
group; line Mods given with it can then only add lines (TxnLineID -1).

References are checked as BillAdd checks them (3140 naming the kind; an item line's item must be one
that can be bought); a line's account is where its new item posts unless the line names one. A Mod that
would leave the bill with a negative total is refused with 3210 on ``AmountDue``, as BillAdd refuses one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from lxml import etree

from simulators.quickbooks.bills import NEGATIVE_TOTAL, Bill, BillAdd
from simulators.quickbooks.entities import ZERO, Customer, StandardTerms, TrackingClass
from simulators.quickbooks.errors import StatusError, invalid_value
from simulators.quickbooks.handlers import read_decimal, read_flag, reject_unhandled_children, resolve_ref
from simulators.quickbooks.mods import (
    Change,
    HeaderReaders,
    TxnMod,
    address_of,
    apply_changes,
    date_of,
    header_changes,
    merged_lines,
    repriced,
    revised_copy,
    text_of,
)
from simulators.quickbooks.purchases import (
    EXPENSE_LINE_TAGS,
    ITEM_LINE_TAGS,
    ExpenseLine,
    ItemLine,
    billable_status,
    can_be_bought,
    purchase_side,
)
from simulators.quickbooks.transactions import TxnLine, to_cents

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

L = TypeVar("L", bound=TxnLine)
_HEADER: HeaderReaders = {
    "VendorAddress": ("vendor_address", address_of("VendorAddress")),
    "TxnDate": ("txn_date", date_of("TxnDate")),
    "DueDate": ("due_date", date_of("DueDate")),
    "RefNumber": ("ref_number", text_of("RefNumber")),
    "Memo": ("memo", text_of("Memo")),
}
_GROUPS = frozenset({"ClearExpenseLines", "ExpenseLineMod", "ClearItemLines", "ItemLineMod"})


class BillMod(TxnMod[Bill]):
    """``BillModRq``: changes a bill and answers with its whole BillRet."""

    request_tag = "BillModRq"
    handled = frozenset(
        {"TxnID", "EditSequence", "VendorRef", "APAccountRef", "TermsRef", *_HEADER, *_GROUPS}
    )
    _adder = BillAdd()

    @property
    def adder(self) -> BillAdd:
        """BillAdd, which reads new lines and references."""
        return self._adder

    def plan(self, txn: Bill, aggregate: etree._Element, company: QuickBooksCompany) -> Change[Bill]:
        """The header fields and references given, and each group of lines after its Mods."""
        add = self.adder
        changes = header_changes(aggregate, _HEADER)
        if aggregate.find("VendorRef") is not None:
            changes["vendor"] = add.vendor(aggregate, company)
        if aggregate.find("APAccountRef") is not None:
            changes["ap_account"] = add.ap_account(aggregate, company)
        if aggregate.find("TermsRef") is not None:
            changes["terms"] = add.resolve_active(
                aggregate, "TermsRef", company.terms, StandardTerms.kind_label
            )
        expense_lines = _group(
            aggregate,
            "Expense",
            txn.expense_lines,
            new=lambda element: add.expense_line(element, company),
            revised=lambda line, element: self._revised_expense(line, element, company),
        )
        item_lines = _group(
            aggregate,
            "Item",
            txn.item_lines,
            new=lambda element: add.item_line(element, company),
            revised=lambda line, element: self._revised_item(line, element, company),
        )
        total = sum((line.amount for line in expense_lines), ZERO) + sum(
            (line.amount for line in item_lines), ZERO
        )
        if total < 0:
            raise StatusError(invalid_value("AmountDue", f"{total:.2f}", NEGATIVE_TOTAL))
        changes.update(expense_lines=expense_lines, item_lines=item_lines)
        return lambda bill: apply_changes(bill, changes)

    def _revised_expense(
        self, line: ExpenseLine, element: etree._Element, company: QuickBooksCompany
    ) -> ExpenseLine:
        """An existing expense line as its ExpenseLineMod changes it."""
        reject_unhandled_children(element, EXPENSE_LINE_TAGS | {"TxnLineID"}, "ExpenseLineMod")
        changes = self._line_fields(line.customer, element, company)
        if element.find("AccountRef") is not None:
            changes["account"] = self.adder.line_account(element, company, self.adder.line_referrer)
        if element.find("Amount") is not None:
            changes["amount"] = to_cents(read_decimal(element, "Amount") or ZERO)
        if element.find("Memo") is not None:
            changes["memo"] = text_of("Memo")(element)
        return revised_copy(line, changes)

    def _revised_item(self, line: ItemLine, element: etree._Element, company: QuickBooksCompany) -> ItemLine:
        """An existing item line as its ItemLineMod changes it."""
        reject_unhandled_children(element, ITEM_LINE_TAGS | {"TxnLineID"}, "ItemLineMod")
        changes = self._line_fields(line.customer, element, company)
        item = resolve_ref(
            element,
            "ItemRef",
            company.items,
            self.adder.missing("Item", self.adder.line_referrer),
            usable=can_be_bought,
        )
        item_changed = item is not None and item is not line.item
        default_cost = None
        if item is not None and item_changed:
            default_desc, default_cost, account = purchase_side(item)
            changes.update(item=item, desc=default_desc, account=account)
        if element.find("Desc") is not None:
            changes["desc"] = text_of("Desc")(element)
        changes |= repriced(
            element, "Cost", (line.quantity, line.cost), default_cost, item_changed=item_changed
        )
        return revised_copy(line, changes)

    def _line_fields(
        self, customer: Customer | None, element: etree._Element, company: QuickBooksCompany
    ) -> dict[str, Any]:
        """What both kinds of line Mod may change: the customer, the class, and whether it is billable
        (worked out again for a new customer, as BillAdd works it out)."""
        add = self.adder
        changes: dict[str, Any] = {}
        if element.find("CustomerRef") is not None:
            customer = add.resolve_active(
                element, "CustomerRef", company.customers, Customer.kind_label, add.line_referrer
            )
            changes["customer"] = customer
        if element.find("ClassRef") is not None:
            changes["class_"] = add.resolve_active(
                element, "ClassRef", company.classes, TrackingClass.kind_label, add.line_referrer
            )
        if element.find("CustomerRef") is not None or element.find("BillableStatus") is not None:
            changes["billable_status"] = billable_status(element, customer)
        return changes


def _group(
    aggregate: etree._Element,
    kind: str,
    existing: list[L],
    *,
    new: Callable[[etree._Element], L],
    revised: Callable[[L, etree._Element], L],
) -> list[L]:
    """One group of a bill's lines (``kind`` "Expense" or "Item") after its Clear flag and line Mods."""
    kept = [] if read_flag(aggregate, f"Clear{kind}Lines", default=False) else existing
    mods = aggregate.findall(f"{kind}LineMod")
    if not mods:
        return list(kept)
    return merged_lines(kept, mods, new=new, revised=revised)

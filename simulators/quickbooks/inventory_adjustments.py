"""Inventory adjustments (``InventoryAdjustmentAddRq``, ``InventoryAdjustmentQueryRq``): a count that
sets an inventory part's quantity on hand, or changes it by a difference.

Each line names an inventory part and either its ``NewQuantity`` (the difference is worked out from what
is on hand when the adjustment is recorded) or its ``QuantityDifference``. Stock moves at the part's
average cost, which the adjustment leaves as it is: the line's ``ValueDifference`` is the quantity
difference at that cost, which goes onto the part's asset account (the adjustment account, normally a
Cost of Goods Sold account, keeps no balance). Adjusting by value, serial or lot numbers is answered with
1030, as anything else the simulator does not implement.

QuickBooks refuses, and so does the simulator: an ``AccountRef`` to no active account (3140 "Account");
a line whose ``ItemRef`` names anything but an active inventory part (3140 "Item", on the "Inventory
Adjustment line": QuickBooks offers only inventory parts there); a ``CustomerRef`` or ``ClassRef`` to
nothing (3140); any of it while inventory is off (3250, see ``inventory``).

``ItemFilter`` on the query selects adjustments with a line for the part named or any part below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from lxml import etree

from simulators.quickbooks.adds import TxnAdd
from simulators.quickbooks.entities import (
    ZERO,
    Account,
    Customer,
    ItemInventory,
    ListObject,
    TrackingClass,
    TreeObject,
    ref,
)
from simulators.quickbooks.fields import Field, amount, compact, day, quantity, text
from simulators.quickbooks.handlers import (
    child_text,
    children_text,
    read_date,
    read_decimal,
    reject_unhandled_children,
    resolve_ref,
)
from simulators.quickbooks.inventory import RequiresInventory
from simulators.quickbooks.queries import KindFilter, Predicate
from simulators.quickbooks.transactions import (
    BalanceHolder,
    StockMove,
    Transaction,
    TxnLine,
    TxnStore,
    debit,
    stamp_new_lines,
    to_cents,
)

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

_LINE_REFERRER = "Inventory Adjustment line"
_LINE_TAGS = frozenset({"ItemRef", "QuantityAdjustment"})
_QUANTITY_TAGS = frozenset({"NewQuantity", "QuantityDifference"})


@dataclass(kw_only=True, eq=False)
class InventoryAdjustmentLine(TxnLine):
    """One part's change: how many more (or fewer) are on hand, and what that is worth."""

    item: ItemInventory
    quantity_difference: Decimal
    value_difference: Decimal

    def to_field(self) -> Field:
        """The ``InventoryAdjustmentLineRet`` element."""
        return self._line_ret(
            "InventoryAdjustmentLineRet",
            ref("ItemRef", self.item),
            quantity("QuantityDifference", self.quantity_difference),
            amount("ValueDifference", self.value_difference),
        )


@dataclass(kw_only=True, eq=False)
class InventoryAdjustment(Transaction):
    """A change to the quantities on hand of some inventory parts, posted against ``account``."""

    ret_tag: ClassVar[str] = "InventoryAdjustmentRet"
    txn_type: ClassVar[str] = "InventoryAdjustment"

    account: Account
    lines: list[InventoryAdjustmentLine]
    customer: Customer | None = None
    class_: TrackingClass | None = None
    memo: str | None = None

    def stamp_lines(self, next_id: Callable[[], str]) -> None:
        """Give each new line its TxnLineID."""
        stamp_new_lines(self.lines, next_id)

    @property
    def accounts(self) -> tuple[Account, ...]:
        """The adjustment account and the asset account of every part adjusted, each once."""
        return tuple(dict.fromkeys([self.account, *(line.item.asset_account for line in self.lines)]))

    @property
    def entities(self) -> tuple[ListObject, ...]:
        """The customer (or job) the adjustment is for, if any."""
        return () if self.customer is None else (self.customer,)

    def balance_changes(self) -> list[tuple[BalanceHolder, Decimal]]:
        """Each part's asset account changes by the line's value; the adjustment account the other way."""
        changes: list[tuple[BalanceHolder, Decimal]] = []
        for line in self.lines:
            changes += debit(line.item.asset_account, line.value_difference)
        total = sum((line.value_difference for line in self.lines), ZERO)
        return changes + debit(self.account, -total)

    def stock_moves(self) -> list[StockMove]:
        """Each line's quantity difference, at the part's average cost."""
        return [StockMove(line.item, line.quantity_difference) for line in self.lines]

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The InventoryAdjustmentRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ref("AccountRef", self.account),
            day("TxnDate", self.txn_date),
            text("RefNumber", self.ref_number),
            ref("CustomerRef", self.customer),
            ref("ClassRef", self.class_),
            text("Memo", self.memo),
            text("ExternalGUID", self.external_guid),
            *(line.to_field() for line in (self.lines if lines else ())),
        )


class InventoryAdjustmentAdd(RequiresInventory, TxnAdd[InventoryAdjustment]):
    """``InventoryAdjustmentAddRq``: records a quantity adjustment and answers with its Ret."""

    request_tag = "InventoryAdjustmentAddRq"
    handled = frozenset(
        {
            "AccountRef",
            "TxnDate",
            "RefNumber",
            "CustomerRef",
            "ClassRef",
            "Memo",
            "ExternalGUID",
            "InventoryAdjustmentLineAdd",
        }
    )

    def store(self, company: QuickBooksCompany) -> TxnStore[InventoryAdjustment]:
        """The company's inventory adjustments."""
        return company.inventory_adjustments

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> InventoryAdjustment:
        """The adjustment the aggregate describes."""
        account = self.resolve_active(aggregate, "AccountRef", company.accounts, Account.kind_label)
        assert account is not None  # the schema requires AccountRef
        return InventoryAdjustment(
            account=account,
            txn_date=read_date(aggregate, "TxnDate") or company.today,
            ref_number=child_text(aggregate, "RefNumber"),
            external_guid=child_text(aggregate, "ExternalGUID"),
            customer=self.resolve_active(aggregate, "CustomerRef", company.customers, Customer.kind_label),
            class_=self.resolve_active(aggregate, "ClassRef", company.classes, TrackingClass.kind_label),
            memo=child_text(aggregate, "Memo"),
            lines=[self._line(line, company) for line in aggregate.iterfind("InventoryAdjustmentLineAdd")],
        )

    def _line(self, element: etree._Element, company: QuickBooksCompany) -> InventoryAdjustmentLine:
        reject_unhandled_children(element, _LINE_TAGS, "InventoryAdjustmentLineAdd")
        item = resolve_ref(
            element,
            "ItemRef",
            company.items,
            self.missing("Item", _LINE_REFERRER),
            usable=lambda found: found.is_active and isinstance(found, ItemInventory),
        )
        assert isinstance(item, ItemInventory)  # the schema requires ItemRef
        adjustment = element.find("QuantityAdjustment")
        assert adjustment is not None  # the other adjustments were refused with 1030 above
        reject_unhandled_children(adjustment, _QUANTITY_TAGS, "QuantityAdjustment")
        new_quantity = read_decimal(adjustment, "NewQuantity")
        difference = (
            new_quantity - item.quantity_on_hand
            if new_quantity is not None
            else read_decimal(adjustment, "QuantityDifference") or Decimal(0)
        )
        return InventoryAdjustmentLine(
            item=item,
            quantity_difference=difference,
            value_difference=to_cents(difference * item.average_cost),
        )


class ItemFilter(KindFilter):
    """``ItemFilter`` on InventoryAdjustmentQuery: adjustments with a line for the part named (by
    ``ListIDWithChildren`` or ``FullNameWithChildren``) or for a part below it."""

    tags = frozenset({"ItemFilter"})

    def predicate(self, request: etree._Element) -> Predicate | None:
        """Adjustments of the part named or its sub-parts."""
        block = request.find("ItemFilter")
        if block is None:
            return None
        list_ids = frozenset(children_text(block, "ListIDWithChildren"))
        names = frozenset(name.casefold() for name in children_text(block, "FullNameWithChildren"))

        def named(item: TreeObject | None) -> bool:
            while item is not None:
                if item.list_id in list_ids or item.full_name.casefold() in names:
                    return True
                item = item.parent
            return False

        return lambda txn: (
            isinstance(txn, InventoryAdjustment) and any(named(line.item) for line in txn.lines)
        )

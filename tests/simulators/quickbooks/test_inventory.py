"""Inventory parts and inventory adjustments through qbXML (ItemInventoryAdd/Query,
InventoryAdjustmentAdd/Query), invoices taking stock out, and the inventory preference. Every request
passes the qbXML 13.0 schema and every answer is checked against it (``helpers.answers``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from simulators.quickbooks import (
    InventoryAdjustment,
    ItemInventory,
    ItemNonInventory,
    ItemService,
    QuickBooksCompany,
)
from tests.simulators.quickbooks.helpers import add, ask, full_names, ref, status

GUID = "{6B29FC40-CA47-1067-B31D-000000000007}"
ACCOUNTS = (
    ref("IncomeAccountRef", "Sales:Product Sales"),
    ref("COGSAccountRef", "Cost of Goods Sold"),
    ref("AssetAccountRef", "Inventory Asset"),
)


@pytest.fixture
def company() -> QuickBooksCompany:
    return QuickBooksCompany.sample()


def part_add(name: str, *inner: str, accounts: tuple[str, str, str] = ACCOUNTS, after: str = "") -> str:
    """An ItemInventoryAddRq; ``inner`` go between Name and the accounts, ``after`` after them (schema
    order: the income account, purchase cost, COGS account, asset account, then the opening stock)."""
    income, cogs, asset = accounts
    return (
        f"<ItemInventoryAddRq><ItemInventoryAdd><Name>{name}</Name>{''.join(inner)}"
        f"<SalesPrice>25.00</SalesPrice>{income}<PurchaseCost>10.00</PurchaseCost>{cogs}{asset}{after}"
        "</ItemInventoryAdd></ItemInventoryAddRq>"
    )


def adjustment_add(*lines: str, inner: str = "", account: str = "Inventory Adjustment") -> str:
    """An InventoryAdjustmentAddRq; ``inner`` go between AccountRef and the lines."""
    return (
        f"<InventoryAdjustmentAddRq><InventoryAdjustmentAdd>{ref('AccountRef', account)}{inner}"
        + "".join(lines)
        + "</InventoryAdjustmentAdd></InventoryAdjustmentAddRq>"
    )


def adjust(item: str, *, new: str | None = None, difference: str | None = None) -> str:
    """An InventoryAdjustmentLineAdd to a NewQuantity or by a QuantityDifference."""
    change = (
        f"<NewQuantity>{new}</NewQuantity>"
        if new is not None
        else f"<QuantityDifference>{difference}</QuantityDifference>"
    )
    return (
        f"<InventoryAdjustmentLineAdd>{ref('ItemRef', item)}<QuantityAdjustment>{change}</QuantityAdjustment>"
        "</InventoryAdjustmentLineAdd>"
    )


def first_of(company: QuickBooksCompany, kind: type) -> str:
    return next(item.full_name for item in company.items if type(item) is kind)


# ItemInventoryAdd --------------------------------------------------------------------------------------


def test_item_inventory_add_stores_the_part_with_its_opening_stock(company: QuickBooksCompany) -> None:
    asset_before = company.accounts.find("Inventory Asset")
    assert asset_before is not None
    balance_before = asset_before.balance
    (rs,) = add(
        company,
        part_add(
            "Flange",
            "<ManufacturerPartNumber>FL-9</ManufacturerPartNumber><SalesDesc>Steel flange</SalesDesc>",
            after=f"<ReorderPoint>5</ReorderPoint><QuantityOnHand>4</QuantityOnHand><TotalValue>42.00</TotalValue>"
            f"<ExternalGUID>{GUID}</ExternalGUID>",
        ),
    )
    assert status(rs) == (0, "Info")
    ret = rs[0]
    assert ret.tag == "ItemInventoryRet"
    assert (ret.findtext("FullName"), ret.findtext("QuantityOnHand"), ret.findtext("AverageCost")) == (
        "Flange",
        "4",
        "10.50",
    )
    assert ret.findtext("AssetAccountRef/FullName") == "Inventory Asset"
    assert ret.findtext("ExternalGUID") == GUID
    part = company.inventory_part("flange")
    assert (company.on_hand("Flange"), part.average_cost, part.manufacturer_part_number) == (
        Decimal(4),
        Decimal("10.5"),
        "FL-9",
    )
    assert asset_before.balance == balance_before + Decimal("42.00")


def test_an_item_inventory_add_below_a_part_is_a_sub_part(company: QuickBooksCompany) -> None:
    parent = first_of(company, ItemInventory)
    (rs,) = add(company, part_add("Mini", ref("ParentRef", parent)))
    assert status(rs) == (0, "Info")
    assert rs[0].findtext("FullName") == f"{parent}:Mini"
    assert company.on_hand(f"{parent}:Mini") == 0


def test_item_inventory_adds_refused_as_quickbooks_refuses_them(company: QuickBooksCompany) -> None:
    non_inventory, service = first_of(company, ItemNonInventory), first_of(company, ItemService)
    income, cogs, _ = ACCOUNTS
    answers = add(
        company,
        part_add(non_inventory),
        part_add(service.upper()),  # names compare without regard to case
        part_add("Flange", accounts=(income, cogs, ref("AssetAccountRef", "Checking"))),  # a bank account
        part_add("Flange", accounts=(income, cogs, "")),
        part_add("Flange", ref("ParentRef", "Nowhere")),
        part_add("Flange", ref("ParentRef", non_inventory)),  # a sub-part hangs below a part
    )
    taken, taken_too, wrong_kind, missing, no_parent, other_parent = answers
    assert status(taken) == (3100, "Error")
    assert taken.get("statusMessage") == f'The name "{non_inventory}" of the list element is already in use.'
    assert status(taken_too) == (3100, "Error")
    assert status(wrong_kind) == (3140, "Error")
    assert 'QuickBooks Account "Checking" in the ItemInventory' in (wrong_kind.get("statusMessage") or "")
    assert status(missing) == (3180, "Error")
    assert status(no_parent) == (3130, "Error")
    assert status(other_parent) == (3130, "Error")
    assert company.items.find("Flange") is None
    assert isinstance(company.items.find(non_inventory), ItemNonInventory)


def test_with_inventory_off_every_inventory_add_is_3250() -> None:
    company = QuickBooksCompany.sample(inventory_on=False)
    assert not any(isinstance(item, ItemInventory) for item in company.items)
    po_line = (
        f"<PurchaseOrderLineAdd>{ref('ItemRef', first_of(company, ItemNonInventory))}</PurchaseOrderLineAdd>"
    )
    answers = add(
        company,
        part_add("Flange"),
        f"<PurchaseOrderAddRq><PurchaseOrderAdd>{ref('VendorRef', 'Vendor 0001')}{po_line}"
        "</PurchaseOrderAdd></PurchaseOrderAddRq>",
        f"<ItemReceiptAddRq><ItemReceiptAdd>{ref('VendorRef', 'Vendor 0001')}</ItemReceiptAdd></ItemReceiptAddRq>",
        adjustment_add(adjust("Flange", new="1")),
    )
    assert [status(rs) for rs in answers] == [(3250, "Error")] * 4
    assert answers[0].get("statusMessage") == (
        "This feature is not enabled or not available in this version of QuickBooks."
    )
    assert (len(company.purchase_orders), len(company.item_receipts), len(company.inventory_adjustments)) == (
        0,
        0,
        0,
    )


# ItemInventoryQuery ------------------------------------------------------------------------------------


def test_item_inventory_query_answers_only_inventory_parts(company: QuickBooksCompany) -> None:
    parts = [item.full_name for item in company.items if isinstance(item, ItemInventory) and item.is_active]
    every = ask(company, "ItemInventoryQueryRq")
    assert status(every) == (0, "Info")
    assert {ret.tag for ret in every} == {"ItemInventoryRet"}
    assert full_names(every) == parts
    non_inventory = first_of(company, ItemNonInventory)
    named = ask(
        company,
        "ItemInventoryQueryRq",
        f"<FullName>{parts[0]}</FullName><FullName>{non_inventory}</FullName>",
    )
    assert status(named) == (500, "Warn")
    assert full_names(named) == [parts[0]]
    by_id = ask(
        company, "ItemInventoryQueryRq", f"<ListID>{company.inventory_part(parts[1]).list_id}</ListID>"
    )
    assert full_names(by_id) == [parts[1]]


def test_item_inventory_query_filters_and_trims(company: QuickBooksCompany) -> None:
    add(company, part_add("Zinc Washer", "<IsActive>false</IsActive>"))
    inactive = ask(company, "ItemInventoryQueryRq", "<ActiveStatus>InactiveOnly</ActiveStatus>")
    assert full_names(inactive) == ["Zinc Washer"]
    part = first_of(company, ItemInventory)
    trimmed = ask(
        company,
        "ItemInventoryQueryRq",
        f"<NameFilter><MatchCriterion>StartsWith</MatchCriterion><Name>{part[:3].lower()}</Name></NameFilter>",
        "<IncludeRetElement>FullName</IncludeRetElement><IncludeRetElement>QuantityOnHand</IncludeRetElement>"
        "<IncludeRetElement>AverageCost</IncludeRetElement>",
    )
    found = trimmed[0]
    assert [child.tag for child in found] == ["FullName", "QuantityOnHand", "AverageCost"]
    stored = company.inventory_part(found.findtext("FullName") or "")
    assert Decimal(found.findtext("QuantityOnHand") or "") == stored.quantity_on_hand
    assert Decimal(found.findtext("AverageCost") or "") == stored.average_cost
    nothing = ask(
        company,
        "ItemInventoryQueryRq",
        "<NameFilter><MatchCriterion>Contains</MatchCriterion><Name>qqq</Name></NameFilter>",
    )
    assert status(nothing) == (1, "Info")


def test_item_inventory_query_pages_with_an_iterator(company: QuickBooksCompany) -> None:
    parts = full_names(ask(company, "ItemInventoryQueryRq"))
    assert len(parts) >= 3
    first = ask(
        company, "ItemInventoryQueryRq", "<MaxReturned>2</MaxReturned>", attributes=' iterator="Start"'
    )
    iterator_id = first.get("iteratorID") or ""
    assert first.get("iteratorRemainingCount") == str(len(parts) - 2)
    pages = [first]
    while int(pages[-1].get("iteratorRemainingCount", "0")) > 0:
        pages.append(
            ask(
                company,
                "ItemInventoryQueryRq",
                "<MaxReturned>2</MaxReturned>",
                attributes=f' iterator="Continue" iteratorID="{iterator_id}"',
            )
        )
    assert [name for page in pages for name in full_names(page)] == parts
    used_up = ask(
        company, "ItemInventoryQueryRq", attributes=f' iterator="Continue" iteratorID="{iterator_id}"'
    )
    assert status(used_up) == (3391, "Error")


def test_item_query_answers_inventory_parts_as_item_inventory_rets(company: QuickBooksCompany) -> None:
    part = first_of(company, ItemInventory)
    rs = ask(company, "ItemQueryRq", f"<FullName>{part}</FullName>")
    assert [ret.tag for ret in rs] == ["ItemInventoryRet"]
    assert rs[0].findtext("QuantityOnHand") == str(company.on_hand(part))


# InventoryAdjustmentAdd / Query ------------------------------------------------------------------------


def test_an_adjustment_sets_a_new_quantity_or_changes_it_by_a_difference(company: QuickBooksCompany) -> None:
    first, second = [item for item in company.items if isinstance(item, ItemInventory)][:2]
    before_first, before_second = first.quantity_on_hand, second.quantity_on_hand
    asset = first.asset_account
    asset_before = asset.balance
    (rs,) = add(
        company,
        adjustment_add(
            adjust(first.full_name, new="7"),
            adjust(second.full_name, difference="-2"),
            inner=f"<TxnDate>2024-01-12</TxnDate><RefNumber>COUNT-1</RefNumber><Memo>Year-end count</Memo>"
            f"<ExternalGUID>{GUID}</ExternalGUID>",
        ),
    )
    assert status(rs) == (0, "Info")
    ret = rs[0]
    lines = ret.findall("InventoryAdjustmentLineRet")
    assert [(line.findtext("ItemRef/FullName"), line.findtext("QuantityDifference")) for line in lines] == [
        (first.full_name, str(7 - before_first)),
        (second.full_name, "-2"),
    ]
    value = (Decimal(7) - before_first) * first.average_cost - 2 * second.average_cost
    assert (
        Decimal(lines[0].findtext("ValueDifference") or "")
        + Decimal(lines[1].findtext("ValueDifference") or "")
        == value
    )
    assert (company.on_hand(first.full_name), company.on_hand(second.full_name)) == (
        Decimal(7),
        before_second - 2,
    )
    assert asset.balance == asset_before + value
    (stored,) = company.find_inventory_adjustments_by_external_guid(GUID.lower())
    assert isinstance(stored, InventoryAdjustment)
    assert company.find_inventory_adjustments(ref_number="count-1") == [stored]


def test_an_adjustment_of_anything_but_an_inventory_part_is_refused(company: QuickBooksCompany) -> None:
    part = first_of(company, ItemInventory)
    on_hand = company.on_hand(part)
    answers = add(
        company,
        adjustment_add(adjust(part, new="1"), adjust(first_of(company, ItemService), new="1")),
        adjustment_add(adjust(part, new="1"), account="Nowhere"),
    )
    not_a_part, no_account = answers
    assert status(not_a_part) == (3140, "Error")
    assert "in the Inventory Adjustment line" in (not_a_part.get("statusMessage") or "")
    assert status(no_account) == (3140, "Error")
    assert company.on_hand(part) == on_hand
    assert len(company.inventory_adjustments) == 0


def test_adjustment_queries_by_account_date_and_item_return_external_guids(
    company: QuickBooksCompany,
) -> None:
    first, second = [item.full_name for item in company.items if isinstance(item, ItemInventory)][:2]
    add(
        company,
        adjustment_add(
            adjust(first, difference="1"),
            inner=f"<TxnDate>2024-01-05</TxnDate><ExternalGUID>{GUID}</ExternalGUID>",
        ),
        adjustment_add(adjust(second, difference="1"), inner="<TxnDate>2024-01-20</TxnDate>"),
        adjustment_add(
            adjust(second, difference="1"),
            account="Cost of Goods Sold",
            inner="<TxnDate>2024-01-06</TxnDate>",
        ),
    )

    def dates(rs: etree._Element) -> list[str]:
        return [ret.findtext("TxnDate") or "" for ret in rs]

    by_account = ask(
        company,
        "InventoryAdjustmentQueryRq",
        "<AccountFilter><FullNameWithChildren>Inventory Adjustment</FullNameWithChildren></AccountFilter>",
        "<IncludeRetElement>TxnDate</IncludeRetElement><IncludeRetElement>ExternalGUID</IncludeRetElement>",
    )
    assert [(ret.findtext("TxnDate"), ret.findtext("ExternalGUID")) for ret in by_account] == [
        ("2024-01-05", GUID),
        ("2024-01-20", None),
    ]
    by_date = ask(
        company,
        "InventoryAdjustmentQueryRq",
        "<TxnDateRangeFilter><FromTxnDate>2024-01-01</FromTxnDate><ToTxnDate>2024-01-10</ToTxnDate></TxnDateRangeFilter>",
    )
    assert dates(by_date) == ["2024-01-05", "2024-01-06"]
    assert by_date[0].findtext("ExternalGUID") == GUID
    assert by_date[0].find("InventoryAdjustmentLineRet") is None
    by_item = ask(
        company,
        "InventoryAdjustmentQueryRq",
        f"<ItemFilter><FullNameWithChildren>{second}</FullNameWithChildren></ItemFilter>",
        "<IncludeLineItems>true</IncludeLineItems>",
    )
    assert dates(by_item) == ["2024-01-20", "2024-01-06"]
    assert by_item[0].findtext("InventoryAdjustmentLineRet/ItemRef/FullName") == second


# Invoices ----------------------------------------------------------------------------------------------


def test_an_invoice_line_of_an_inventory_part_takes_its_quantity_out_of_stock(
    company: QuickBooksCompany,
) -> None:
    part = first_of(company, ItemInventory)
    on_hand, average_cost = company.on_hand(part), company.inventory_part(part).average_cost
    too_many = on_hand + 5  # QuickBooks lets stock go negative
    (rs,) = add(
        company,
        "<InvoiceAddRq><InvoiceAdd>"
        + ref("CustomerRef", "Customer 0001")
        + f"<InvoiceLineAdd>{ref('ItemRef', part)}<Quantity>2</Quantity></InvoiceLineAdd>"
        + f"<InvoiceLineAdd>{ref('ItemRef', part)}<Quantity>{too_many}</Quantity></InvoiceLineAdd>"
        + f"<InvoiceLineAdd>{ref('ItemRef', first_of(company, ItemService))}<Quantity>3</Quantity></InvoiceLineAdd>"
        + "</InvoiceAdd></InvoiceAddRq>",
    )
    assert status(rs) == (0, "Info")
    assert company.on_hand(part) == on_hand - 2 - too_many == -7
    assert company.inventory_part(part).average_cost == average_cost

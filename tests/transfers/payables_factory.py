"""Expense reports, vendor bills and journal entries as a source application would send them, for tests
(deterministic), with what QuickBooks should hold for each.

Every builder takes a ``tag`` that goes into the source id, the document number and every id the document
names (resources, organizations, vendors), so that tests sharing a stack stay apart; names are left alone
(each test's company file is its own).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.transfers.invoice_factory import LINES_OF_BUSINESS, organization

FIRST = (
    "Jane",
    "Omar",
    "Li",
    "Ana",
    "Sam",
    "Kofi",
    "Mia",
    "Raj",
    "Eva",
    "Tom",
    "Zoe",
    "Ivan",
    "Noa",
    "Ugo",
    "Ada",
)
LAST = (
    "Smith",
    "Haddad",
    "Chen",
    "Silva",
    "Berg",
    "Mensah",
    "Novak",
    "Patel",
    "Roth",
    "Kent",
    "Ito",
    "Popov",
    "Dube",
    "Lund",
    "Vega",
)
# Expense category -> its mapping entry (accounts of the sample company).
EXPENSE_CATEGORIES: dict[str, dict[str, Any]] = {
    "Mileage": {"account": "Automobile:Mileage", "reimbursable": True},
    "Travel": {"account": "Travel Expense", "reimbursable": True, "billable": True},
    "Meals": {"account": "Meals and Entertainment", "reimbursable": True},
    "Company card": {"account": "Travel Expense", "reimbursable": False},
}
# Expense accounts of the sample company that bills post to, verbatim.
BILL_ACCOUNTS = (
    "Office Supplies",
    "Travel Expense",
    "Automobile:Fuel",
    "Professional Fees",
    "Utilities:Telephone",
)
# Products bought on item lines: the first two are items of the sample company, the others new.
PRODUCTS = ("Cable", "Widget", "Laptop 14in", "Dock USB-C")
_WORDS = ("Summit", "Harbor", "Cedar", "Northwind", "Bluebird", "Granite", "Maple", "Riverside")
_TRADES = ("Supply", "Office Depot", "Telecom", "Electric", "Couriers", "IT Distribution")


def expense_categories_mapping() -> dict[str, Any]:
    """The body of ``PUT .../mappings/expense-categories`` for ``EXPENSE_CATEGORIES``."""
    return {"entries": [{"source": source, **entry} for source, entry in EXPENSE_CATEGORIES.items()]}


def tagged_organization(n: int, tag: str = "") -> dict[str, Any]:
    """Organization ``n`` (the invoices' one) with its id tagged."""
    org = organization(n)
    return {**org, "id": f"{tag}{org['id']}"}


# -- expense reports ------------------------------------------------------------------------------------


def resource(n: int, tag: str = "") -> dict[str, Any]:
    """Resource ``n`` (names unique for n < 15)."""
    return {"id": f"{tag}R-{n:03d}", "first_name": FIRST[n % len(FIRST)], "last_name": LAST[n % len(LAST)]}


def resource_vendor_name(n: int) -> str:
    """The vendor an expense report of resource ``n`` is owed by the naming rule: "v-Last, First"."""
    person = resource(n)
    return f"v-{person['last_name']}, {person['first_name']}"


def expense_report(
    n: int, *, resource_n: int, tag: str = "", organizations: int = 20, advance: str | None = None
) -> dict[str, Any]:
    """Report ``n`` of resource ``resource_n``: two to four items cycling through the categories, always
    something reimbursable; Travel items are billable to an organization by the mapping, a Mileage item says
    so itself every third report, a Travel item says it is not billable every fifth."""
    items: list[dict[str, Any]] = []
    categories = tuple(EXPENSE_CATEGORIES)
    for i in range(2 + n % 3):
        k = n + i
        category = "Mileage" if i == 0 else categories[k % len(categories)]
        item: dict[str, Any] = {
            "id": f"EI-{n}-{i}",
            "date": f"2026-11-{10 + i:02d}",
            "expense_category": category,
            "amount": f"{12 + (k * 37) % 180}.{(k * 13) % 100:02d}",
        }
        if i % 2 == 0:
            item["description"] = f"{category} for report {n}"
        if category == "Travel" or (category == "Mileage" and n % 3 == 0):
            item["organization"] = tagged_organization(k % organizations, tag)
            item["line_of_business"] = LINES_OF_BUSINESS[k % 2]
            if category == "Mileage":
                item["billable"] = True
            elif n % 5 == 0:
                item["billable"] = False
        items.append(item)
    return {
        "source_id": f"{tag}EXP-{n:04d}",
        "number": f"E{tag}{n:04d}",
        "date": "2026-11-20",
        "resource": resource(resource_n, tag),
        **({"cash_advance": advance} if advance else {}),
        "items": items,
    }


def expected_expense_lines(
    document: dict[str, Any], classes: dict[str, str], cash_advance_account: str = "Employee Advances"
) -> list[tuple[str, Decimal, str | None, str | None, str | None, str | None]]:
    """(account, amount, memo, customer, billable status, class) of each line of the report's bill: the
    reimbursable items, then the cash advance taken back."""
    lines = []
    for item in document["items"]:
        entry = EXPENSE_CATEGORIES[item["expense_category"]]
        reimbursable = item.get("reimbursable", entry.get("reimbursable", False))
        billable = item.get("billable", entry.get("billable", False)) and "organization" in item
        if not reimbursable:
            continue
        lob = item.get("line_of_business")
        lines.append(
            (
                entry["account"],
                Decimal(item["amount"]),
                item.get("description") or item["expense_category"],
                item["organization"]["name"] if billable else None,
                "Billable" if billable else None,
                classes.get(lob) if lob else None,
            )
        )
    if document.get("cash_advance"):
        advance = -Decimal(document["cash_advance"])
        lines.append((cash_advance_account, advance, "Cash advance", None, None, None))
    return lines


# -- vendor bills ---------------------------------------------------------------------------------------


def vendor(n: int, tag: str = "") -> dict[str, Any]:
    """Vendor ``n`` of the source application; every second one with its address."""
    found: dict[str, Any] = {
        "id": f"{tag}V-{n:03d}",
        "name": f"{_WORDS[n % len(_WORDS)]} {_TRADES[n % len(_TRADES)]} {n:03d}",
    }
    if n % 2:
        found["address"] = {
            "line1": f"{10 + n} Commerce Way",
            "city": "Round Rock",
            "state": "TX",
            "postal_code": "78682",
            "country": "US",
        }
    return found


def bill(
    n: int,
    *,
    vendor_: dict[str, Any],
    tag: str = "",
    organizations: int = 20,
    number: str | None = None,
) -> dict[str, Any]:
    """Bill ``n`` of ``vendor_``: two expense lines (the second for an organization every third bill,
    billable every second of those, with its line of business), and an item line every second bill."""
    first, second = BILL_ACCOUNTS[n % len(BILL_ACCOUNTS)], BILL_ACCOUNTS[(n + 2) % len(BILL_ACCOUNTS)]
    expense_lines: list[dict[str, Any]] = [
        {"account": first, "amount": f"{20 + (n * 41) % 400}.{(n * 7) % 100:02d}", "memo": f"{first} ({n})"},
        {"account": second, "amount": f"{5 + (n * 17) % 90}.50"},
    ]
    if n % 3 == 0:
        expense_lines[1].update(
            organization=tagged_organization(n % organizations, tag),
            billable=n % 2 == 0,
            line_of_business=LINES_OF_BUSINESS[n % 2],
        )
    document: dict[str, Any] = {
        "source_id": f"{tag}AP-{n:04d}",
        "number": number or f"B{tag}{n:04d}",
        "date": "2026-11-20",
        "due_date": "2026-12-20",
        "vendor": vendor_,
        "memo": f"Approved bill {n}",
        "expense_lines": expense_lines,
    }
    if n % 4 == 1:
        document["terms"] = "Net 30"
    if n % 2:
        product = PRODUCTS[(n // 2) % len(PRODUCTS)]
        document["item_lines"] = [
            {
                "product": product,
                "quantity": 1 + n % 3,
                "cost": f"{99 + n % 5 * 50}.00",
                "description": product,
            }
        ]
    return document


def expected_bill_lines(
    document: dict[str, Any], classes: dict[str, str]
) -> tuple[list[tuple[str, Decimal, str | None, str | None, str | None]], list[tuple[str, Decimal, Decimal]]]:
    """What the bill's lines should be: (account, amount, customer, billable status, class) of each expense
    line, and (item, quantity, cost) of each item line."""
    expenses = []
    for line in document["expense_lines"]:
        org = line.get("organization")
        lob = line.get("line_of_business")
        expenses.append(
            (
                line["account"],
                Decimal(line["amount"]),
                org["name"] if org else None,
                ("Billable" if line.get("billable") else "NotBillable") if org else None,
                classes.get(lob) if lob else None,
            )
        )
    items = [
        (line["product"], Decimal(str(line["quantity"])), Decimal(line["cost"]))
        for line in document.get("item_lines", [])
    ]
    return expenses, items


# -- journal entries ------------------------------------------------------------------------------------


def journal_entry(
    n: int,
    *,
    customer: dict[str, Any],
    vendor_: dict[str, Any],
    tag: str = "",
    account: str | None = None,
) -> dict[str, Any]:
    """Entry ``n``, one of four shapes by ``n % 4``: a work-in-progress accrual for ``customer``, a
    receivable for ``customer``, a payable to ``vendor_`` (both must be in QuickBooks: journal entries never
    create them) and a rent split over two expense accounts; ``account`` replaces the first line's account."""
    amount = Decimal(100 + (n * 53) % 900) + Decimal((n * 11) % 100) / 100
    lines: list[dict[str, Any]]
    shape = n % 4
    if shape == 0:
        lines = [
            {
                "account": "Work in Progress",
                "debit": str(amount),
                "memo": f"Project {n}",
                "line_of_business": LINES_OF_BUSINESS[1],
            },
            {"account": "Sales:Services", "credit": str(amount), "organization": customer},
        ]
    elif shape == 1:
        lines = [
            {"account": "Accounts Receivable", "debit": str(amount), "organization": customer},
            {"account": "Sales:Services", "credit": str(amount), "line_of_business": LINES_OF_BUSINESS[0]},
        ]
    elif shape == 2:
        lines = [
            {"account": "Office Supplies", "debit": str(amount), "memo": "Accrued supplies"},
            {"account": "Accounts Payable", "credit": str(amount), "vendor": vendor_},
        ]
    else:
        part = (amount / 3).quantize(Decimal("0.01"))
        lines = [
            {"account": "Rent Expense", "debit": str(amount - part)},
            {"account": "Utilities:Telephone", "debit": str(part)},
            {"account": "Checking", "credit": str(amount), "memo": "Rent and phone"},
        ]
    if account is not None:
        lines[0]["account"] = account
    return {
        "source_id": f"{tag}JE-{n:04d}",
        "number": f"J{tag}{n:03d}",
        "date": "2026-11-30",
        "memo": f"Month-end entry {n}",
        "lines": lines,
    }


def expected_journal_lines(
    document: dict[str, Any], classes: dict[str, str]
) -> list[tuple[bool, str, Decimal, str | None, str | None, str | None]]:
    """(is debit, account, amount, memo, entity, class) of each line, debits first as the bridge sends them;
    a line without a memo carries the entry's (QuickBooks Desktop keeps memos per line only)."""

    def line_of(line: dict[str, Any]) -> tuple[bool, str, Decimal, str | None, str | None, str | None]:
        entity = line.get("organization") or line.get("vendor")
        lob = line.get("line_of_business")
        return (
            "debit" in line,
            line["account"],
            Decimal(line.get("debit") or line["credit"]),
            line.get("memo") or document.get("memo"),
            entity["name"] if entity else None,
            classes.get(lob) if lob else None,
        )

    lines = [line_of(line) for line in document["lines"]]
    return [line for line in lines if line[0]] + [line for line in lines if not line[0]]

"""A realistic small-business company file, built the same way every time.

What ``populate`` puts in (counts are those asked for unless noted):

* a chart of accounts with the accounts QuickBooks creates itself (Accounts Receivable, Undeposited
  Funds, Inventory Asset, Cost of Goods Sold, the sales tax liability ...) and a few sub-accounts
  (``Sales:Services``, ``Utilities:Telephone``); "PSA Other" (Income) and "Inventory Adjustment"
  (CostOfGoodsSold) are there for the bridge's default mappings; for bills, expense reports and journal
  entries: expense accounts ("Office Supplies", "Travel Expense", "Meals and Entertainment",
  "Automobile" with "Automobile:Fuel" and "Automobile:Mileage" ...), "Accounts Payable", a "Company
  Credit Card" (CreditCard) to pay bills with, "Employee Advances" (OtherCurrentAsset, where cash advances
  on expense-report bills go back) and "Work in Progress" (OtherCurrentAsset);
* classes with sub-classes; standard terms ("Net 30", "1% 10 Net 30" ...), date-driven terms and one
  inactive term; payroll wage items "Hourly", "Salary", "Overtime" and an inactive "Bonus";
* with sales tax on: the edition's taxable and exempt codes (US ``Tax``/``Non``, CA and UK ``S``/``E``),
  a tax agency vendor and a sales tax item (both in addition to the counts);
* ``customers`` records in the Customers list named "Customer 0001" ..., where every tenth record is a
  job of the customer before it ("Customer 0009:Job 1") and every eleventh from the third is inactive
  (skipping customers that have a job: QuickBooks would make their jobs inactive too); then one active
  customer for each of ``customers_named``, named exactly so ("Parent:Job" for a job of a customer);
* with multi-currency on: the currency list (the home currency and a few others), every customer
  billed in the home currency but every seventh from the fourth, billed in another one (jobs follow
  their customer);
* ``vendors`` suppliers "Vendor 0001" ...; ``employees`` employees with default pay, the fifth released;
  then one active hourly employee for each of ``employees_named`` ("First Last"), named exactly so;
  ``use_time_data`` sets "Use time data to create paychecks" (``UseTimeData``, ``DoNotUseTimeData`` or
  ``NotSet``) on every employee (one value) or on the employees named (a mapping from name to value);
  without it the employees' payroll info does not say;
* ``items`` items cycling through service, non-inventory, inventory (non-inventory when inventory is
  off) and other-charge items, where every tenth is a sub-item of the last item of its kind;
* the form templates QuickBooks ships with (three invoice templates, a sales receipt and a credit memo).

``missing_accounts`` leaves accounts out of the chart, and with them whatever cannot exist without them
(their sub-accounts, the items and payroll items that post to them), as a misconfigured file would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from simulators.quickbooks.entities import (
    USE_TIME_DATA_VALUES,
    ZERO,
    Account,
    Address,
    Currency,
    Customer,
    DateDrivenTerms,
    Earning,
    Employee,
    ItemInventory,
    ItemNonInventory,
    ItemOtherCharge,
    ItemSalesTax,
    ItemService,
    ListObject,
    PayrollItemWage,
    SalesAndPurchase,
    SalesOrPurchase,
    SalesTaxCode,
    StandardTerms,
    Template,
    Terms,
    TrackingClass,
    TreeObject,
    Vendor,
)
from simulators.quickbooks.locales import Locale, locale_for

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

_TAX_LIABILITY = "<sales tax liability>"  # stands for the edition's own account name
# (full name, account type, special account type, opening balance)
_CHART: tuple[tuple[str, str, str | None, str], ...] = (
    ("Checking", "Bank", None, "48250.00"),
    ("Savings", "Bank", None, "15000.00"),
    ("Accounts Receivable", "AccountsReceivable", "AccountsReceivable", "0"),
    ("Undeposited Funds", "OtherCurrentAsset", "UndepositedFunds", "0"),
    ("Inventory Asset", "OtherCurrentAsset", "InventoryAssets", "0"),
    ("Employee Advances", "OtherCurrentAsset", None, "0"),
    ("Work in Progress", "OtherCurrentAsset", None, "0"),
    ("Furniture and Equipment", "FixedAsset", None, "12500.00"),
    ("Accounts Payable", "AccountsPayable", "AccountsPayable", "0"),
    ("Company Credit Card", "CreditCard", None, "0"),
    (_TAX_LIABILITY, "OtherCurrentLiability", "SalesTaxPayable", "0"),
    ("Payroll Liabilities", "OtherCurrentLiability", "PayrollLiabilities", "0"),
    ("Opening Balance Equity", "Equity", "OpeningBalanceEquity", "0"),
    ("Retained Earnings", "Equity", "RetainedEarnings", "0"),
    ("Sales", "Income", None, "0"),
    ("Sales:Product Sales", "Income", None, "0"),
    ("Sales:Services", "Income", None, "0"),
    ("PSA Other", "Income", None, "0"),
    ("Cost of Goods Sold", "CostOfGoodsSold", "CostOfGoodsSold", "0"),
    ("Inventory Adjustment", "CostOfGoodsSold", None, "0"),
    ("Advertising and Promotion", "Expense", None, "0"),
    ("Automobile", "Expense", None, "0"),
    ("Automobile:Fuel", "Expense", None, "0"),
    ("Automobile:Mileage", "Expense", None, "0"),
    ("Bank Service Charges", "Expense", None, "0"),
    ("Insurance Expense", "Expense", None, "0"),
    ("Meals and Entertainment", "Expense", None, "0"),
    ("Office Supplies", "Expense", None, "0"),
    ("Payroll Expenses", "Expense", "PayrollExpenses", "0"),
    ("Professional Fees", "Expense", None, "0"),
    ("Rent Expense", "Expense", None, "0"),
    ("Travel Expense", "Expense", None, "0"),
    ("Utilities", "Expense", None, "0"),
    ("Utilities:Telephone", "Expense", None, "0"),
    ("Interest Income", "OtherIncome", None, "0"),
)
_CLASSES = ("Administration", "Consulting", "Consulting:Onsite", "Consulting:Remote", "Retail")
# (name, wage type, active); employees are paid with the first two.
_WAGE_ITEMS = (
    ("Hourly", "HourlyRegular", True),
    ("Salary", "SalaryRegular", True),
    ("Overtime", "HourlyOvertime", True),
    ("Bonus", "Bonus", False),
)

_FIRST_NAMES = ("Alex", "Maria", "James", "Priya", "Chen", "Fatima", "Liam", "Sofia", "Noah", "Grace")
_LAST_NAMES = (
    "Garcia",
    "Smith",
    "Okafor",
    "Nguyen",
    "Müller",
    "Patel",
    "Kowalski",
    "Brown",
    "Rossi",
    "Tanaka",
)
_COMPANY_WORDS = (
    "Summit",
    "Harbor",
    "Cedar",
    "Northwind",
    "Bluebird",
    "Granite",
    "Maple",
    "Riverside",
    "Oak",
)
_COMPANY_TRADES = ("Dental", "Builders", "Logistics", "Bakery", "Studios", "Landscaping", "Consulting")
_STREETS = ("Main Street", "Oak Avenue", "Pine Road", "Lakeview Drive", "Elm Street", "Market Street")
_VARIANTS = ("Large", "Small", "Deluxe", "Standard")
_SERVICE_NAMES = ("Consulting", "Installation", "Design", "Training", "Support", "Repair")
_PRODUCT_NAMES = ("Cable", "Bracket", "Sensor", "Panel", "Adapter", "Filter")
_INVENTORY_NAMES = ("Widget", "Gadget", "Sprocket", "Valve", "Router", "Monitor")
_CHARGE_NAMES = ("Shipping", "Handling Fee", "Rush Fee", "Travel", "Disposal Fee")
# (name, ISO code, US dollars per unit): the currency list of a multi-currency file.
_CURRENCIES = (
    ("US Dollar", "USD", Decimal("1")),
    ("Canadian Dollar", "CAD", Decimal("0.74")),
    ("British Pound Sterling", "GBP", Decimal("1.27")),
    ("Euro", "EUR", Decimal("1.09")),
)
_TEMPLATES = (
    ("Intuit Product Invoice", "Invoice"),
    ("Intuit Professional Invoice", "Invoice"),
    ("Intuit Service Invoice", "Invoice"),
    ("Custom Sales Receipt", "SalesReceipt"),
    ("Custom Credit Memo", "CreditMemo"),
)


def populate(
    company: QuickBooksCompany,
    *,
    customers: int,
    vendors: int,
    items: int,
    employees: int,
    missing_accounts: Sequence[str],
    customers_named: Sequence[str] = (),
    employees_named: Sequence[str] = (),
    use_time_data: str | Mapping[str, str] | None = None,
) -> None:
    """Fill an empty ``company`` with the sample file described in this module's docstring."""
    locale = locale_for(company.country)
    accounts = _add_accounts(company, locale, missing_accounts)
    for full_name in _CLASSES:
        parent_name, _, name = full_name.rpartition(":")
        company.add(
            TrackingClass(name=name, parent=company.classes.find(parent_name) if parent_name else None)
        )
    terms = _add_terms(company)
    tax = _add_sales_tax(company, locale) if company.sales_tax_on else None
    wage_items = _add_wage_items(company, accounts)
    suppliers = [_add_vendor(company, locale, number, terms) for number in range(1, vendors + 1)]
    currencies = _add_currencies(company, locale) if company.multicurrency_on else []
    context = _CustomerContext(locale, terms, tax, currencies)
    for number in range(1, customers + 1):
        _add_customer(company, context, number)
    for number, full_name in enumerate(customers_named, start=customers + 1):
        _add_customer(company, context, number, full_name=full_name)
    for number in range(1, employees + 1):
        _add_employee(company, locale, number, wage_items)
    for number, full_name in enumerate(employees_named, start=employees + 1):
        _add_named_employee(company, locale, number, full_name, wage_items)
    if use_time_data is not None:
        _set_use_time_data(company, use_time_data)
    _add_items(company, items, _ItemContext(accounts, tax, suppliers))
    for name, template_type in _TEMPLATES:
        company.add(Template(name=name, template_type=template_type))
    _settle_balances(company, accounts)


def _add_accounts(
    company: QuickBooksCompany, locale: Locale, missing_accounts: Sequence[str]
) -> dict[str, Account]:
    chart = [
        (locale.tax_liability_account if name == _TAX_LIABILITY else name, kind, special, balance)
        for name, kind, special, balance in _CHART
        # QuickBooks creates its sales tax liability account when sales tax is turned on.
        if name != _TAX_LIABILITY or company.sales_tax_on
    ]
    unknown = set(missing_accounts) - {full_name for full_name, *_ in chart}
    if unknown:
        raise ValueError(f"missing_accounts names accounts the sample chart does not have: {sorted(unknown)}")
    accounts: dict[str, Account] = {}
    for full_name, account_type, special, balance in chart:
        parent_name, _, name = full_name.rpartition(":")
        if full_name in missing_accounts or (parent_name and parent_name not in accounts):
            continue
        accounts[full_name] = company.add(
            Account(
                name=name,
                parent=accounts.get(parent_name),
                account_type=account_type,
                special_account_type=special,
                balance=Decimal(balance),
            )
        )
    return accounts


def _add_terms(company: QuickBooksCompany) -> list[Terms]:
    """All the terms; returns the active ones, which the sample's customers and vendors use."""
    terms: list[Terms] = [
        StandardTerms(name="Due on receipt", due_days=0),
        StandardTerms(name="Net 15", due_days=15),
        StandardTerms(name="Net 30", due_days=30),
        StandardTerms(name="Net 60", due_days=60),
        StandardTerms(name="1% 10 Net 30", due_days=30, discount_days=10, discount_pct=Decimal(1)),
        StandardTerms(name="2% 10 Net 30", due_days=30, discount_days=10, discount_pct=Decimal(2)),
        StandardTerms(name="Net 90", due_days=90, is_active=False),
        DateDrivenTerms(name="10th of next month", day_of_month_due=10, due_next_month_days=10),
        DateDrivenTerms(
            name="1% 5th Net 25th",
            day_of_month_due=25,
            due_next_month_days=5,
            discount_day_of_month=5,
            discount_pct=Decimal(1),
        ),
    ]
    for term in terms:
        company.add(term)
    return [term for term in terms if term.is_active]


@dataclass(frozen=True)
class _SalesTax:
    """The sales tax setup the sample's customers and items refer to."""

    taxable: SalesTaxCode
    exempt: SalesTaxCode
    item: ItemSalesTax


def _add_sales_tax(company: QuickBooksCompany, locale: Locale) -> _SalesTax:
    (taxable_name, taxable_desc), (exempt_name, exempt_desc) = locale.taxable_code, locale.exempt_code
    agency = company.add(
        Vendor(name=locale.tax_agency, company_name=locale.tax_agency, is_sales_tax_agency=True)
    )
    name, desc, rate = locale.tax_item
    return _SalesTax(
        taxable=company.add(SalesTaxCode(name=taxable_name, desc=taxable_desc, is_taxable=True)),
        exempt=company.add(SalesTaxCode(name=exempt_name, desc=exempt_desc, is_taxable=False)),
        item=company.add(ItemSalesTax(name=name, desc=desc, tax_rate=rate, tax_vendor=agency)),
    )


def _add_wage_items(company: QuickBooksCompany, accounts: dict[str, Account]) -> list[PayrollItemWage]:
    """The wage items; returns the two employees are paid with (hourly, salary)."""
    expense = accounts.get("Payroll Expenses")
    if expense is None:
        return []
    added = [
        company.add(
            PayrollItemWage(name=name, wage_type=wage_type, expense_account=expense, is_active=active)
        )
        for name, wage_type, active in _WAGE_ITEMS
    ]
    return added[:2]


def _pick(values: Sequence[str], number: int, stride: int = 1) -> str:
    return values[(number * stride) % len(values)]


def _address(locale: Locale, number: int) -> Address:
    city, state, postal_code = locale.places[number % len(locale.places)]
    street = f"{100 + 7 * number} {_pick(_STREETS, number, 5)}"
    return Address(addr1=street, city=city, state=state, postal_code=postal_code)


def _company_name(number: int) -> str:
    return f"{_pick(_COMPANY_WORDS, number)} {_pick(_COMPANY_TRADES, number, 2)}"


def _add_vendor(company: QuickBooksCompany, locale: Locale, number: int, terms: list[Terms]) -> Vendor:
    name = _company_name(number + 3)
    return company.add(
        Vendor(
            name=f"Vendor {number:04d}",
            company_name=name,
            vendor_address=_address(locale, number + 2),
            phone=f"555-{2000 + number % 8000:04d}",
            email=f"accounts@vendor{number:04d}.example",
            name_on_check=name,
            account_number=f"V-{number:05d}",
            terms=terms[number % len(terms)],
            is_eligible_for_1099=(number % 4 == 0) if company.country == "US" else None,
            balance=Decimal((number * 4177) % 90000) / 100,
        )
    )


def _add_currencies(company: QuickBooksCompany, locale: Locale) -> list[Currency]:
    """The currency list, home currency first; rates are home currency per unit, as of the clock."""
    in_dollars = {name: rate for name, _, rate in _CURRENCIES}
    home_rate = in_dollars[locale.currency]
    added = []
    for name, code, rate in sorted(_CURRENCIES, key=lambda currency: currency[0] != locale.currency):
        home = name == locale.currency
        added.append(
            company.add(
                Currency(
                    name=name,
                    currency_code=code,
                    exchange_rate=None if home else (rate / home_rate).quantize(Decimal("0.0001")),
                    as_of=None if home else company.today,
                )
            )
        )
    return added


@dataclass(frozen=True)
class _CustomerContext:
    """What the sample's customers refer to."""

    locale: Locale
    terms: list[Terms]
    tax: _SalesTax | None
    currencies: list[Currency]  # home currency first; empty without multi-currency


def _add_customer(
    company: QuickBooksCompany, context: _CustomerContext, number: int, full_name: str | None = None
) -> None:
    """Record ``number`` of the Customers list, named ``full_name`` or after its number (customers and
    jobs are counted separately in those names)."""
    if full_name is None:
        is_job = number % 10 == 0
        parent_name = f"Customer {number - 1 - (number - 1) // 10:04d}" if is_job else ""
        name = f"Job {number // 10}" if is_job else f"Customer {number - number // 10:04d}"
        is_active = not (number % 11 == 3 and number % 10 != 9)
    else:
        parent_name, _, name = full_name.rpartition(":")
        is_active = True
    parent = company.customers.find(parent_name) if parent_name else None
    if parent_name and parent is None:
        raise ValueError(f"customers_named: {full_name!r} names a job of a customer the sample does not have")
    currency = None
    if context.currencies:
        foreign = number % 7 == 4
        own = (
            context.currencies[1 + number % (len(context.currencies) - 1)]
            if foreign
            else context.currencies[0]
        )
        currency = parent.currency if parent is not None else own
    first, last = _pick(_FIRST_NAMES, number), _pick(_LAST_NAMES, number, 3)
    taxable = number % 5 != 0
    tax = context.tax
    company.add(
        Customer(
            name=name,
            parent=parent,
            is_active=is_active,
            company_name=_company_name(number),
            first_name=first,
            last_name=last,
            bill_address=_address(context.locale, number),
            phone=f"555-{number % 10000:04d}",
            email=f"billing@customer{number:04d}.example",
            contact=f"{first} {last}",
            terms=context.terms[number % len(context.terms)],
            balance=Decimal((number * 7919) % 250000) / 100 if number % 3 else ZERO,
            sales_tax_code=None if tax is None else (tax.taxable if taxable else tax.exempt),
            # Only the US edition keeps a sales tax item on the customer.
            item_sales_tax=tax.item if tax is not None and company.country == "US" else None,
            resale_number=None if taxable else f"R-{number:06d}",
            account_number=f"C-{number:05d}",
            credit_limit=Decimal(5000 + 500 * (number % 10)),
            job_status="InProgress" if parent is not None else "None",
            currency=currency,
        )
    )


def _add_employee(
    company: QuickBooksCompany, locale: Locale, number: int, wage_items: list[PayrollItemWage]
) -> None:
    first = _pick(_FIRST_NAMES, number + 4)
    last = _pick(_LAST_NAMES, number // len(_FIRST_NAMES) + 2 * number)
    # Past the name lists, a number keeps names unique.
    if number > len(_FIRST_NAMES) * len(_LAST_NAMES):
        last = f"{last} {number}"
    wage = wage_items[number % len(wage_items)] if wage_items else None
    released = number == 5
    hired = date(2016, 3, 1) + timedelta(days=97 * number)
    earnings: tuple[Earning, ...] = ()
    if wage is not None:
        salaried = wage.wage_type == "SalaryRegular"
        earnings = (Earning(wage, Decimal(52000 + 1500 * number) if salaried else Decimal("28.50") + number),)
    company.add(
        Employee(
            name=f"{first} {last}",
            is_active=not released,
            first_name=first,
            last_name=last,
            employee_address=_address(locale, number + 11),
            phone=f"555-{3000 + number % 7000:04d}",
            email=f"{first.lower()}.{number}@company.example",
            employee_type="Regular",
            hired_date=hired,
            released_date=hired + timedelta(days=400) if released else None,
            pay_period="Biweekly" if wage is not None else None,
            earnings=earnings,
        )
    )


def _add_named_employee(
    company: QuickBooksCompany, locale: Locale, number: int, full_name: str, wage_items: list[PayrollItemWage]
) -> None:
    """An active employee paid hourly, named ``full_name`` ("First Last": the last word is the last name)."""
    first, _, last = full_name.rpartition(" ")
    hourly = wage_items[0] if wage_items else None
    company.add(
        Employee(
            name=full_name,
            first_name=first or None,
            last_name=last,
            employee_address=_address(locale, number + 11),
            phone=f"555-{3000 + number % 7000:04d}",
            employee_type="Regular",
            hired_date=date(2016, 3, 1) + timedelta(days=97 * number),
            pay_period="Biweekly" if hourly is not None else None,
            earnings=() if hourly is None else (Earning(hourly, Decimal("30.00")),),
        )
    )


def _set_use_time_data(company: QuickBooksCompany, use_time_data: str | Mapping[str, str]) -> None:
    """Set "Use time data to create paychecks" on every employee, or on the employees named."""
    settings = (
        {employee.name: use_time_data for employee in company.employees}
        if isinstance(use_time_data, str)
        else dict(use_time_data)
    )
    for name, value in settings.items():
        if value not in USE_TIME_DATA_VALUES:
            raise ValueError(f"use_time_data: {value!r} for {name!r} is not one of {USE_TIME_DATA_VALUES}")
        employee = company.employees.find(name)
        if employee is None:
            raise ValueError(f"use_time_data: the sample has no employee named {name!r}")
        employee.use_time_data = value


@dataclass(frozen=True)
class _ItemContext:
    """What the sample items refer to."""

    accounts: dict[str, Account]
    tax: _SalesTax | None
    suppliers: list[Vendor]

    def tax_code(self, taxable: bool) -> SalesTaxCode | None:
        if self.tax is None:
            return None
        return self.tax.taxable if taxable else self.tax.exempt

    def supplier(self, number: int) -> Vendor | None:
        return self.suppliers[number % len(self.suppliers)] if self.suppliers else None


def _service(context: _ItemContext, number: int, name: str) -> ListObject | None:
    income = context.accounts.get("Sales:Services")
    if income is None:
        return None
    price = Decimal(75 + 5 * (number % 10))
    subcontracted = context.accounts.get("Professional Fees") if number % 8 == 5 else None
    # A subcontracted service is bought and resold, so QuickBooks keeps a purchase side as well.
    pricing: SalesOrPurchase | SalesAndPurchase = (
        SalesOrPurchase(account=income, desc=f"{name}, per hour", price=price)
        if subcontracted is None
        else SalesAndPurchase(
            income_account=income,
            expense_account=subcontracted,
            sales_desc=f"{name} (subcontracted), per hour",
            sales_price=price,
            purchase_cost=price * Decimal("0.6"),
            preferred_vendor=context.supplier(number),
        )
    )
    return ItemService(name=name, pricing=pricing, sales_tax_code=context.tax_code(taxable=False))


def _product(context: _ItemContext, number: int, name: str) -> ListObject | None:
    income, expense = context.accounts.get("Sales:Product Sales"), context.accounts.get("Cost of Goods Sold")
    if income is None or expense is None:
        return None
    cost = Decimal(4 + number % 30)
    pricing = SalesAndPurchase(
        income_account=income,
        expense_account=expense,
        sales_desc=name,
        sales_price=cost * 2,
        purchase_desc=name,
        purchase_cost=cost,
        preferred_vendor=context.supplier(number),
    )
    return ItemNonInventory(
        name=name,
        pricing=pricing,
        manufacturer_part_number=f"MPN-{number:05d}",
        sales_tax_code=context.tax_code(True),
    )


def _inventory(context: _ItemContext, number: int, name: str) -> ListObject | None:
    income = context.accounts.get("Sales:Product Sales")
    cogs, asset = context.accounts.get("Cost of Goods Sold"), context.accounts.get("Inventory Asset")
    if income is None or cogs is None or asset is None:
        return None
    cost = Decimal(8 + number % 40)
    return ItemInventory(
        name=name,
        income_account=income,
        cogs_account=cogs,
        asset_account=asset,
        manufacturer_part_number=f"MPN-{number:05d}",
        sales_tax_code=context.tax_code(True),
        sales_desc=name,
        sales_price=cost * Decimal("2.5"),
        purchase_desc=name,
        purchase_cost=cost,
        preferred_vendor=context.supplier(number),
        reorder_point=Decimal(10),
        quantity_on_hand=Decimal(number * 13 % 200),
        average_cost=cost,
    )


def _other_charge(context: _ItemContext, number: int, name: str) -> ListObject | None:
    account = context.accounts.get("PSA Other")
    if account is None:
        return None
    pricing = SalesOrPurchase(account=account, desc=name, price=Decimal(15 + number % 25))
    return ItemOtherCharge(name=name, pricing=pricing, sales_tax_code=context.tax_code(taxable=False))


_ItemBuilder = Callable[[_ItemContext, int, str], ListObject | None]
# Item kinds in the order the sample cycles through them: (base names, builder).
_ITEM_CYCLE: tuple[tuple[tuple[str, ...], _ItemBuilder], ...] = (
    (_SERVICE_NAMES, _service),
    (_PRODUCT_NAMES, _product),
    (_INVENTORY_NAMES, _inventory),
    (_CHARGE_NAMES, _other_charge),
)


def _add_items(company: QuickBooksCompany, count: int, context: _ItemContext) -> None:
    last_of_kind: dict[int, TreeObject] = {}
    for number in range(1, count + 1):
        kind = (number - 1) % len(_ITEM_CYCLE)
        names, build = _ITEM_CYCLE[kind]
        if build is _inventory and not company.inventory_on:
            build = _product  # without inventory tracking, these products are non-inventory items
        parent = last_of_kind.get(kind) if number % 10 == 0 else None
        if parent is not None:
            name = _pick(_VARIANTS, number // 10)
        else:
            index = (number - 1) // len(_ITEM_CYCLE)
            cycle = index // len(names)
            name = names[index % len(names)] + (f" {cycle + 1}" if cycle else "")
        item = build(context, number, name)
        if item is None:
            continue
        assert isinstance(item, TreeObject)  # sales tax items are not part of the cycle
        item.parent = parent
        company.add(item)
        if parent is None:
            last_of_kind[kind] = item


def _settle_balances(company: QuickBooksCompany, accounts: dict[str, Account]) -> None:
    """Make the balance sheet agree with the lists: receivables, payables and the inventory's value."""
    totals = {
        "Accounts Receivable": sum((customer.balance for customer in company.customers), ZERO),
        "Accounts Payable": sum((vendor.balance for vendor in company.vendors), ZERO),
        "Inventory Asset": sum(
            (
                item.quantity_on_hand * item.average_cost
                for item in company.items
                if isinstance(item, ItemInventory)
            ),
            ZERO,
        ),
    }
    for name, total in totals.items():
        if name in accounts:
            accounts[name].balance = total

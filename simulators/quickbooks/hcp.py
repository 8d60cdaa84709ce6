"""Host, company and preferences: what QBWC reports in ``strHCPResponse`` and what the same three
queries (HostQueryRq, CompanyQueryRq, PreferencesQueryRq) answer.

The shapes follow a captured QuickBooks Pro response. A feature that is off is shown the way QuickBooks
shows it: SalesTaxPreferences and TimeTrackingPreferences are left out entirely, multi-currency and class
tracking are ``false`` flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from lxml import etree

from simulators.quickbooks.entities import ItemSalesTax, ListObject, ref
from simulators.quickbooks.fields import Field, StaticRet, compact, flag, group, text
from simulators.quickbooks.handlers import (
    Reply,
    RequestHandler,
    include_ret_elements,
    reject_unhandled_children,
)
from simulators.quickbooks.locales import locale_for

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

T = TypeVar("T")

# Every qbXML version QuickBooks Desktop has spoken, oldest first; a release lists those up to its newest.
_QBXML_VERSIONS = (
    (1, 0), (1, 1), (2, 0), (2, 1), (3, 0), (4, 0), (4, 1), (5, 0), (6, 0),
    (7, 0), (8, 0), (9, 0), (10, 0), (11, 0), (12, 0), (13, 0), (14, 0), (15, 0), (16, 0),
)  # fmt: skip
# Canadian and UK editions also list the regional variants of the early versions.
_REGIONAL_VERSIONS = ("2.0", "2.1", "3.0")
# QuickBooks 2024 is internally version 34, 2014 was 24: the release year minus 1990.
_RELEASE_YEAR = re.compile(r"\b(20\d\d)\b")
_RELEASE_YEAR_TO_MAJOR = 1990
_NEWEST_MAJOR = 34  # for a product name without a year


def host_ret(company: QuickBooksCompany) -> StaticRet:
    """HostRet: the QuickBooks product and the qbXML versions it accepts."""
    year = _RELEASE_YEAR.search(company.product_name)
    major = int(year.group(1)) - _RELEASE_YEAR_TO_MAJOR if year else _NEWEST_MAJOR
    versions = [f"{a}.{b}" for a, b in _QBXML_VERSIONS if (a, b) <= company.qbxml_version]
    if company.country != "US":
        versions += [f"{company.country}{version}" for version in _REGIONAL_VERSIONS]
    return StaticRet(
        "HostRet",
        (
            ("ProductName", company.product_name),
            ("MajorVersion", str(major)),
            ("MinorVersion", "0"),
            ("Country", company.country),
            *(("SupportedQBXMLVersion", version) for version in versions),
            ("IsAutomaticLogin", "false"),
            ("QBFileMode", "SingleUser"),
        ),
    )


def company_ret(company: QuickBooksCompany) -> StaticRet:
    """CompanyRet: the company's name, address and tax identity."""
    locale = locale_for(company.country)
    us = company.country == "US"
    return StaticRet(
        "CompanyRet",
        tuple(
            compact(
                ("IsSampleCompany", "false"),
                ("CompanyName", company.company_name),
                ("LegalCompanyName", company.company_name),
                locale.company_address.to_field("Address"),
                locale.company_address.to_block_field("AddressBlock"),
                locale.company_address.to_field("LegalAddress"),
                ("Phone", "555-0100"),
                ("Email", "office@company.example"),
                ("FirstMonthFiscalYear", "January"),
                ("FirstMonthIncomeTaxYear", "January"),
                text("EIN", "12-3456789" if us else None),
                text("TaxForm", "Form1120" if us else None),
                ("AccountantCopy", [("AccountantCopyExists", "false")]),
            )
        ),
    )


def preferences_ret(company: QuickBooksCompany) -> StaticRet:
    """PreferencesRet: the company file's settings, with the feature switches of ``company``."""
    locale = locale_for(company.country)
    sales_tax = None
    if company.sales_tax_on:
        codes = company.sales_tax_codes
        sales_tax = (
            "SalesTaxPreferences",
            [
                _required_ref(
                    "DefaultItemSalesTaxRef", _first(company.items, lambda i: isinstance(i, ItemSalesTax))
                ),
                ("PaySalesTax", "Monthly"),
                _required_ref("DefaultTaxableSalesTaxCodeRef", _first(codes, lambda c: c.is_taxable)),
                _required_ref("DefaultNonTaxableSalesTaxCodeRef", _first(codes, lambda c: not c.is_taxable)),
            ],
        )
    home_currency = (
        ref("HomeCurrencyRef", company.home_currency) or ("HomeCurrencyRef", [("FullName", locale.currency)])
        if company.multicurrency_on
        else None
    )
    return StaticRet(
        "PreferencesRet",
        tuple(
            compact(
                (
                    "AccountingPreferences",
                    compact(
                        ("IsUsingAccountNumbers", "false"),
                        ("IsRequiringAccounts", "true"),
                        flag("IsUsingClassTracking", company.class_tracking_on),
                        ("IsUsingAuditTrail", "true"),
                        ("IsAssigningJournalEntryNumbers", "true"),
                    ),
                ),
                (
                    "FinanceChargePreferences",
                    [
                        ("AnnualInterestRate", "0.00"),
                        ("MinFinanceCharge", "0.00"),
                        ("GracePeriod", "0"),
                        ("IsAssessingForOverdueCharges", "false"),
                        ("CalculateChargesFrom", "DueDate"),
                        ("IsMarkedToBePrinted", "false"),
                    ],
                ),
                (
                    "JobsAndEstimatesPreferences",
                    [
                        ("IsUsingEstimates", "true"),
                        ("IsUsingProgressInvoicing", "false"),
                        ("IsPrintingItemsWithZeroAmounts", "false"),
                    ],
                ),
                group(
                    "MultiCurrencyPreferences",
                    (flag("IsMultiCurrencyOn", company.multicurrency_on), home_currency),
                ),
                # Multi-location inventory does not exist in the Canadian and UK editions.
                group(
                    "MultiLocationInventoryPreferences",
                    (
                        ("IsMultiLocationInventoryAvailable", "false"),
                        ("IsMultiLocationInventoryEnabled", "false"),
                    )
                    if company.country == "US"
                    else (),
                ),
                (
                    "PurchasesAndVendorsPreferences",
                    compact(
                        flag("IsUsingInventory", company.inventory_on),
                        ("DaysBillsAreDue", "10"),
                        ("IsAutomaticallyUsingDiscounts", "false"),
                    ),
                ),
                (
                    "ReportsPreferences",
                    [("AgingReportBasis", "AgeFromDueDate"), ("SummaryReportBasis", "Accrual")],
                ),
                (
                    "SalesAndCustomersPreferences",
                    [
                        ("IsTrackingReimbursedExpensesAsIncome", "false"),
                        ("IsAutoApplyingPayments", "true"),
                        ("PriceLevels", [("IsUsingPriceLevels", "true"), ("IsRoundingSalesPriceUp", "true")]),
                    ],
                ),
                sales_tax,
                ("TimeTrackingPreferences", [("FirstDayOfWeek", "Monday")])
                if company.time_tracking_on
                else None,
                (
                    "CurrentAppAccessRights",
                    [("IsAutomaticLoginAllowed", "false"), ("IsPersonalDataAccessAllowed", "false")],
                ),
                (
                    "ItemsAndInventoryPreferences",
                    [
                        ("EnhancedInventoryReceivingEnabled", "false"),
                        ("IsTrackingSerialOrLotNumber", "None"),
                        ("FIFOEnabled", "false"),
                        ("IsRSBEnabled", "false"),
                        ("IsBarcodeEnabled", "false"),
                    ],
                ),
            )
        ),
    )


def _first(elements: Iterable[T], test: Callable[[T], bool]) -> T | None:
    return next((element for element in elements if test(element)), None)


def _required_ref(tag: str, target: ListObject | None) -> Field:
    # The schema requires these references even when the company file has nothing to point at.
    return ref(tag, target) or (tag, [])


class CompanyInfoQuery(RequestHandler):
    """Answers HostQueryRq, CompanyQueryRq or PreferencesQueryRq with one Ret built from the company."""

    def __init__(self, request_tag: str, build: Callable[[QuickBooksCompany], StaticRet]) -> None:
        self.request_tag = request_tag
        self._build = build

    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """The one Ret, trimmed to IncludeRetElement."""
        # CompanyQuery's OwnerID asks for custom fields, of which the simulated company file has none.
        reject_unhandled_children(request, ("IncludeRetElement", "OwnerID"), self.request_tag)
        return Reply(rets=[self._build(company)], include=include_ret_elements(request))


HCP_QUERIES = (
    CompanyInfoQuery("HostQueryRq", host_ret),
    CompanyInfoQuery("CompanyQueryRq", company_ret),
    CompanyInfoQuery("PreferencesQueryRq", preferences_ret),
)

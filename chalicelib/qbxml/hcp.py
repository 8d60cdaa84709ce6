"""What the first sendRequestXML of a session tells us about QuickBooks and the company file.

QBWC fills ``strHCPResponse`` once per session with the answers to HostQuery, CompanyQuery and
PreferencesQuery. Only HostRet is essential (it says which qbXML versions we may speak); everything else
degrades to "not known / off" so an unusual edition never stops a conversation here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from chalicelib.qbxml.responses import (
    QbResponseError,
    child_flag,
    child_named,
    child_text,
    children_named,
    response_message_set,
)

# Non-US editions also list versions such as "CA3.0" or "UK2.0"; only plain "major.minor" ones count.
_QBXML_VERSION = re.compile(r"\s*([0-9]+)\.([0-9]+)\s*")


def tax_code_names(country: str) -> tuple[str, str]:
    """The taxable / non-taxable sales tax codes QuickBooks uses in ``country``."""
    return ("S", "E") if country.upper() in {"CA", "UK", "GB"} else ("Tax", "Non")


@dataclass(frozen=True)
class CompanyInfo:
    """QuickBooks edition, qbXML versions and the company file's relevant preferences."""

    product_name: str
    qb_major_version: int | None
    country: str = "US"
    supported_qbxml_versions: tuple[tuple[int, int], ...] = ()
    company_name: str = ""
    file_mode: str | None = None
    is_sales_tax_on: bool = False
    is_time_tracking_on: bool = False
    is_multicurrency_on: bool = False
    is_class_tracking_on: bool = False
    is_using_inventory: bool = False

    def max_qbxml_version(self) -> tuple[int, int] | None:
        """The newest qbXML version QuickBooks supports, or None when it listed none."""
        return max(self.supported_qbxml_versions, default=None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON- and DynamoDB-safe dict (versions as "13.0" strings); ``from_dict`` reverses it."""
        return {
            "product_name": self.product_name,
            "qb_major_version": self.qb_major_version,
            "country": self.country,
            "supported_qbxml_versions": [
                f"{major}.{minor}" for major, minor in self.supported_qbxml_versions
            ],
            "company_name": self.company_name,
            "file_mode": self.file_mode,
            "is_sales_tax_on": self.is_sales_tax_on,
            "is_time_tracking_on": self.is_time_tracking_on,
            "is_multicurrency_on": self.is_multicurrency_on,
            "is_class_tracking_on": self.is_class_tracking_on,
            "is_using_inventory": self.is_using_inventory,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompanyInfo:
        """Rebuild from ``to_dict`` output, also as read back from DynamoDB (numbers come back as Decimal)."""
        major = data.get("qb_major_version")
        return cls(
            product_name=str(data.get("product_name", "")),
            qb_major_version=None if major is None else int(major),
            country=str(data.get("country") or "US"),
            supported_qbxml_versions=_versions(data.get("supported_qbxml_versions", ())),
            company_name=str(data.get("company_name", "")),
            file_mode=data.get("file_mode"),
            is_sales_tax_on=bool(data.get("is_sales_tax_on", False)),
            is_time_tracking_on=bool(data.get("is_time_tracking_on", False)),
            is_multicurrency_on=bool(data.get("is_multicurrency_on", False)),
            is_class_tracking_on=bool(data.get("is_class_tracking_on", False)),
            is_using_inventory=bool(data.get("is_using_inventory", False)),
        )


def parse_hcp_response(xml: str) -> CompanyInfo:
    """Read the ``strHCPResponse`` document QBWC sends on the first sendRequestXML of a session.

    Raises ``QbResponseError`` only when it is not a qbXML response or holds no HostQueryRs/HostRet.
    """
    message_set = response_message_set(xml)
    host_query = child_named(message_set, "HostQueryRs")
    host = None if host_query is None else child_named(host_query, "HostRet")
    if host is None:
        raise QbResponseError("the HCP response has no HostQueryRs/HostRet (QuickBooks host information)")
    company = _ret(message_set, "CompanyQueryRs", "CompanyRet")
    # A failed PreferencesQuery reads as "every preference off", like an empty PreferencesRet.
    preferences = _ret(message_set, "PreferencesQueryRs", "PreferencesRet")
    if preferences is None:
        preferences = etree.Element("PreferencesRet")
    return CompanyInfo(
        product_name=_stripped_text(host, "ProductName"),
        qb_major_version=_whole_number(child_text(host, "MajorVersion")),
        country=_stripped_text(host, "Country") or "US",
        supported_qbxml_versions=_versions(
            child.text or "" for child in children_named(host, "SupportedQBXMLVersion")
        ),
        company_name="" if company is None else _stripped_text(company, "CompanyName"),
        file_mode=_stripped_text(host, "QBFileMode") or None,
        is_sales_tax_on=_has_section(preferences, "SalesTaxPreferences"),
        is_time_tracking_on=_has_section(preferences, "TimeTrackingPreferences"),
        is_multicurrency_on=_preference(preferences, "MultiCurrencyPreferences", "IsMultiCurrencyOn"),
        is_class_tracking_on=_preference(preferences, "AccountingPreferences", "IsUsingClassTracking"),
        is_using_inventory=_preference(preferences, "PurchasesAndVendorsPreferences", "IsUsingInventory"),
    )


def _ret(message_set: etree._Element, rs_tag: str, ret_tag: str) -> etree._Element | None:
    rs = child_named(message_set, rs_tag)
    return None if rs is None else child_named(rs, ret_tag)


def _stripped_text(element: etree._Element, name: str) -> str:
    return (child_text(element, name) or "").strip()


def _has_section(preferences: etree._Element, section: str) -> bool:
    # QuickBooks leaves a whole preferences block out when the feature is off (sales tax, time tracking).
    return child_named(preferences, section) is not None


def _preference(preferences: etree._Element, section: str, flag: str) -> bool:
    block = child_named(preferences, section)
    return block is not None and child_flag(block, flag) is True


def _versions(raw_versions: Iterable[object]) -> tuple[tuple[int, int], ...]:
    """Distinct plain ``major.minor`` versions, oldest first; anything else is skipped."""
    versions: set[tuple[int, int]] = set()
    for raw in raw_versions:
        match = _QBXML_VERSION.fullmatch(str(raw))
        if match:
            versions.add((int(match.group(1)), int(match.group(2))))
    return tuple(sorted(versions))


def _whole_number(raw: str | None) -> int | None:
    try:
        return None if raw is None else int(raw.strip())
    except ValueError:
        return None

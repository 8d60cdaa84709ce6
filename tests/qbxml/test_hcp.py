"""Reading the host, company and preferences answers QBWC sends on the first sendRequestXML."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.qbxml.hcp import CompanyInfo, parse_hcp_response
from chalicelib.qbxml.responses import QbResponseError

HCP_SAMPLE = (
    Path(__file__).parents[1]
    / "fixtures"
    / "spec"
    / "samples"
    / "qbxml"
    / "strHCPResponse_HostCompanyPreferences_QBPro2014.fixed.xml"
)


def hcp(host: str, preferences: str = "", company: str = "") -> str:
    """A minimal HCP document (no declaration, no <?qbxml?>) around the given Ret contents."""
    answers = [("HostQueryRs", "HostRet", host)]
    if company:
        answers.append(("CompanyQueryRs", "CompanyRet", company))
    if preferences:
        answers.append(("PreferencesQueryRs", "PreferencesRet", preferences))
    body = "".join(
        f'<{rs} statusCode="0" statusSeverity="Info"><{ret}>{inner}</{ret}></{rs}>'
        for rs, ret, inner in answers
    )
    return f"<QBXML><QBXMLMsgsRs>{body}</QBXMLMsgsRs></QBXML>"


def test_the_quickbooks_pro_2014_sample() -> None:
    info = parse_hcp_response(HCP_SAMPLE.read_text(encoding="utf-8"))

    assert info.product_name == "QuickBooks Pro 2014"
    assert info.qb_major_version == 24
    assert info.country == "US"
    assert info.supported_qbxml_versions[0] == (1, 0)
    assert info.supported_qbxml_versions[-1] == (13, 0)
    assert info.max_qbxml_version() == (13, 0)
    assert info.company_name == "myCompany"
    assert info.file_mode == "SingleUser"
    assert info.is_time_tracking_on is True
    assert info.is_sales_tax_on is False
    assert info.is_multicurrency_on is False
    assert info.is_class_tracking_on is False
    assert info.is_using_inventory is False


def test_features_that_are_on() -> None:
    xml = hcp(
        host="<ProductName>QuickBooks Enterprise Solutions 24.0</ProductName><MajorVersion>34</MajorVersion>"
        "<SupportedQBXMLVersion>16.0</SupportedQBXMLVersion><QBFileMode>MultiUser</QBFileMode>",
        preferences="<AccountingPreferences><IsUsingClassTracking>true</IsUsingClassTracking>"
        "</AccountingPreferences>"
        "<MultiCurrencyPreferences><IsMultiCurrencyOn>true</IsMultiCurrencyOn></MultiCurrencyPreferences>"
        "<PurchasesAndVendorsPreferences><IsUsingInventory>true</IsUsingInventory>"
        "</PurchasesAndVendorsPreferences>"
        "<SalesTaxPreferences><DefaultItemSalesTaxRef><FullName>Tax</FullName></DefaultItemSalesTaxRef>"
        "</SalesTaxPreferences>",
        company="<IsSampleCompany>false</IsSampleCompany><CompanyName>Café &amp; Co</CompanyName>",
    )

    info = parse_hcp_response(xml)

    assert info.is_class_tracking_on is True
    assert info.is_multicurrency_on is True
    assert info.is_using_inventory is True
    assert info.is_sales_tax_on is True
    assert info.is_time_tracking_on is False
    assert info.file_mode == "MultiUser"
    assert info.max_qbxml_version() == (16, 0)
    assert info.company_name == "Café & Co"


def test_only_host_information_is_required() -> None:
    info = parse_hcp_response(hcp(host="<ProductName>QuickBooks Premier 2016</ProductName>"))

    assert info.product_name == "QuickBooks Premier 2016"
    assert info.qb_major_version is None
    assert info.country == "US"
    assert info.company_name == ""
    assert info.supported_qbxml_versions == ()
    assert info.max_qbxml_version() is None
    assert info.is_sales_tax_on is False
    assert info.is_time_tracking_on is False
    assert info.is_multicurrency_on is False


def test_versions_are_numeric_distinct_and_sorted() -> None:
    host = "".join(
        f"<SupportedQBXMLVersion>{version}</SupportedQBXMLVersion>"
        for version in ["13.0", "CA3.0", "2.1", "UK2.0", " 12.0 ", "13.0", "junk"]
    )

    info = parse_hcp_response(hcp(host=host + "<Country>CA</Country><MajorVersion>x</MajorVersion>"))

    assert info.supported_qbxml_versions == ((2, 1), (12, 0), (13, 0))
    assert info.country == "CA"
    assert info.qb_major_version is None


def test_a_failed_preferences_query_reads_as_everything_off() -> None:
    xml = hcp(host="<ProductName>QB</ProductName>").replace(
        "</QBXMLMsgsRs>",
        '<PreferencesQueryRs statusCode="3250" statusSeverity="Error" statusMessage="nope"/></QBXMLMsgsRs>',
    )

    info = parse_hcp_response(xml)

    assert info.is_time_tracking_on is False
    assert info.is_class_tracking_on is False


@pytest.mark.parametrize(
    "xml",
    [
        "<QBXML><QBXMLMsgsRs><CompanyQueryRs statusCode='0'/></QBXMLMsgsRs></QBXML>",
        "<QBXML><QBXMLMsgsRs><HostQueryRs statusCode='1000' statusSeverity='Error'/></QBXMLMsgsRs></QBXML>",
    ],
    ids=["no-host-query", "host-query-failed"],
)
def test_missing_host_information_is_refused(xml: str) -> None:
    with pytest.raises(QbResponseError, match="HostQueryRs/HostRet"):
        parse_hcp_response(xml)


@pytest.mark.parametrize("xml", ["", "not xml at all", "<QBXML><QBXMLMsgsRs>"])
def test_text_that_is_not_xml_is_refused(xml: str) -> None:
    with pytest.raises(QbResponseError):
        parse_hcp_response(xml)


def test_round_trip_through_json() -> None:
    info = parse_hcp_response(HCP_SAMPLE.read_text(encoding="utf-8"))

    stored = json.loads(json.dumps(info.to_dict()))

    assert stored["supported_qbxml_versions"][-1] == "13.0"
    assert CompanyInfo.from_dict(stored) == info


def test_round_trip_through_dynamodb_numbers() -> None:
    info = CompanyInfo(
        product_name="QuickBooks Pro 2014", qb_major_version=24, supported_qbxml_versions=((13, 0),)
    )
    stored = info.to_dict() | {"qb_major_version": Decimal(24)}  # DynamoDB gives numbers back as Decimal

    assert CompanyInfo.from_dict(stored) == info

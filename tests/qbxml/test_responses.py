"""Parsing QuickBooks' qbXML responses, from real captures and from deliberately odd documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from chalicelib.qbxml.responses import (
    SEVERITIES,
    QbResponse,
    QbResponseError,
    index_by_request_id,
    parse_response_message,
)
from chalicelib.safe_xml import UnsafeXmlError, local_name, parse_xml

SAMPLES = Path(__file__).parents[1] / "fixtures" / "spec" / "samples"
QBXML_RESPONSES = sorted(
    path
    for path in (SAMPLES / "qbxml").glob("*.xml")
    if ".request." not in path.name and not path.name.startswith("osr_")
)
SOAP_RESPONSES = sorted((SAMPLES / "soap").glob("*.xml"))


def soap_response_qbxml(path: Path) -> str:
    """The qbXML inside a receiveResponseXML envelope, whether escaped text or raw child elements."""
    envelope = parse_xml(path.read_bytes())
    response = next(element for element in envelope.iter() if local_name(element) == "response")
    if len(response):
        return etree.tostring(response[0], encoding="unicode")
    return response.text or ""


def only(responses: list[QbResponse]) -> QbResponse:
    assert len(responses) == 1
    return responses[0]


@pytest.mark.parametrize("path", QBXML_RESPONSES + SOAP_RESPONSES, ids=lambda path: path.name)
def test_every_sample_response_parses(path: Path) -> None:
    xml = soap_response_qbxml(path) if path.parent.name == "soap" else path.read_text(encoding="utf-8")

    responses = parse_response_message(xml)

    assert responses
    for response in responses:
        assert response.tag.endswith("Rs")
        assert response.status_severity in SEVERITIES
        assert all(local_name(ret).endswith("Ret") for ret in response.rets)


def test_a_mixed_batch_keeps_each_answer_with_its_request() -> None:
    xml = (SAMPLES / "qbxml" / "customer-batch-mixed.response.xml").read_text(encoding="utf-8")

    responses = parse_response_message(xml)
    by_id = index_by_request_id(responses)

    assert [r.status_code for r in responses] == [0, 3100, 3250, 3130, 0]
    assert list(by_id) == ["ext-mix-1", "ext-mix-2", "ext-mix-3", "ext-mix-4", "ext-mix-5"]
    assert [r.is_error for r in responses] == [False, True, True, True, False]
    first = by_id["ext-mix-1"]
    assert [local_name(ret) for ret in first.rets] == ["CustomerRet"]
    assert first.rets[0].findtext("ListID") == "8000274C-1785964190"
    assert "already in use" in by_id["ext-mix-2"].status_message


def test_status_code_1_means_found_nothing_not_an_error() -> None:
    responses = parse_response_message(soap_response_qbxml(SAMPLES / "soap" / "sales_order_add_rs_raw.xml"))

    assert [(r.tag, r.status_code) for r in responses] == [
        ("ItemInventoryQueryRs", 1),
        ("ItemInventoryQueryRs", 1),
        ("SalesOrderAddRs", 0),
        ("SalesOrderAddRs", 3140),
    ]
    assert [r.found_nothing for r in responses] == [True, True, False, False]
    assert [r.is_error for r in responses] == [False, False, False, True]
    assert responses[0].rets == ()
    assert [local_name(ret) for ret in responses[2].rets] == ["SalesOrderRet"]


def test_status_code_3140_from_an_escaped_response_string() -> None:
    responses = parse_response_message(soap_response_qbxml(SAMPLES / "soap" / "sales_order_add_rs_raw.xml"))

    # Escaped once for qbXML and once more for the SOAP string: both layers are undone.
    assert 'QuickBooks Customer "nononononoImNotThereAlrightDylan" in the SalesOrder' in (
        responses[3].status_message
    )


def test_status_code_500_is_a_warning() -> None:
    xml = (SAMPLES / "qbxml" / "QBWC_CUSTOMER_QUERY_RESPONSE_WARN.xml").read_text(encoding="utf-8")

    response = only(parse_response_message(xml))

    assert (response.status_code, response.status_severity) == (500, "Warn")
    assert not response.is_error
    assert '("bleech")' in response.status_message


def test_status_code_3140_from_raw_children_in_the_soap_namespace() -> None:
    xml = soap_response_qbxml(SAMPLES / "soap" / "sales_order_add_rs_invalid_record_ref.xml")
    assert "http://developer.intuit.com/" in xml  # the raw children inherited QBWC's namespace

    response = only(parse_response_message(xml))

    assert response.tag == "SalesOrderAddRs"
    assert (response.status_code, response.status_severity, response.is_error) == (3140, "Error", True)
    assert 'QuickBooks Customer "Joe Smith"' in response.status_message
    assert response.request_id is None


def test_a_query_answer_keeps_all_its_rets_in_order() -> None:
    response = only(
        parse_response_message(soap_response_qbxml(SAMPLES / "soap" / "item_inventory_query_rs_raw.xml"))
    )

    names = [ret.findtext("Name") for ret in response.rets]
    assert len(names) > 1
    assert names[:2] == ["12797", "Haskell T-Shirt"]


def test_the_hcp_document_reads_as_three_answers() -> None:
    xml = (SAMPLES / "qbxml" / "strHCPResponse_HostCompanyPreferences_QBPro2014.fixed.xml").read_text()

    responses = parse_response_message(xml)

    assert [(r.tag, r.request_id) for r in responses] == [
        ("HostQueryRs", "0"),
        ("CompanyQueryRs", "1"),
        ("PreferencesQueryRs", "2"),
    ]


def test_iterator_attributes_are_read() -> None:
    xml = """<?xml version="1.0" ?><QBXML><QBXMLMsgsRs>
      <CustomerQueryRs requestID="7" statusCode="0" statusSeverity="Info" statusMessage="Status OK"
          iteratorRemainingCount="18" iteratorID="{eb05f701-e727-472f-8ade-6753c4f67a46}">
        <CustomerRet><ListID>110000-1232697602</ListID><Name>10th Customer</Name></CustomerRet>
      </CustomerQueryRs>
      <CustomerQueryRs requestID="8" statusCode="0" statusSeverity="Info" iteratorRemainingCount="0"
          iteratorID="{eb05f701-e727-472f-8ade-6753c4f67a46}"/>
    </QBXMLMsgsRs></QBXML>"""

    first, last = parse_response_message(xml)

    assert first.iterator_id == "{eb05f701-e727-472f-8ade-6753c4f67a46}"
    assert first.iterator_remaining_count == 18
    assert last.iterator_remaining_count == 0
    assert last.status_message == ""


def test_answers_without_iterators_have_none() -> None:
    xml = (SAMPLES / "qbxml" / "QBWC_CUSTOMER_QUERY_RESPONSE_INFO.xml").read_text(encoding="utf-8")

    response = only(parse_response_message(xml))

    assert response.iterator_id is None
    assert response.iterator_remaining_count is None


def test_parsing_is_lenient_about_layout() -> None:
    # No declaration, no <?qbxml?>, comments everywhere, attributes in another order, odd whitespace,
    # a missing statusSeverity, non-Ret children inside the answer.
    xml = """<!-- leading comment --><QBXML>
      <QBXMLMsgsRs newMessageSetID="x">
        <!-- a comment -->
        <AccountQueryRs statusMessage="Status OK" statusCode=" 0 " requestID="r1" statusSeverity="INFO">
          <AccountRet><ListID>1</ListID></AccountRet>
          <!-- between rets -->
          <AccountRet><ListID>2</ListID></AccountRet>
        </AccountQueryRs>
        <ClassQueryRs requestID="r2" statusCode="3170"/>
        <ErrorRecovery><ListID>ignored</ListID></ErrorRecovery>
      </QBXMLMsgsRs>
    </QBXML>"""

    accounts, classes = parse_response_message(xml)

    assert (accounts.status_code, accounts.status_severity) == (0, "Info")
    assert [ret.findtext("ListID") for ret in accounts.rets] == ["1", "2"]
    assert (classes.status_code, classes.status_severity, classes.is_error) == (3170, "Error", True)


def test_an_answer_without_status_code_is_refused_clearly() -> None:
    xml = '<QBXML><QBXMLMsgsRs><AccountQueryRs requestID="1" statusSeverity="Info"/></QBXMLMsgsRs></QBXML>'

    with pytest.raises(QbResponseError, match="<AccountQueryRs> has no statusCode"):
        parse_response_message(xml)


@pytest.mark.parametrize(
    ("attributes", "what"),
    [
        ('statusCode="INTTYPE"', "statusCode"),
        ('statusCode="0" iteratorRemainingCount="many"', "iteratorRemainingCount"),
    ],
)
def test_numbers_that_are_not_numbers_are_refused_clearly(attributes: str, what: str) -> None:
    xml = f"<QBXML><QBXMLMsgsRs><CustomerQueryRs {attributes}/></QBXMLMsgsRs></QBXML>"

    with pytest.raises(QbResponseError, match=f"{what} of <CustomerQueryRs> is not a whole number"):
        parse_response_message(xml)


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        ("<QBXML><SignonMsgsRs/></QBXML>", "no <QBXMLMsgsRs>"),
        ("<Envelope><QBXMLMsgsRs/></Envelope>", "root element is <Envelope>"),
        ("<QBXML><QBXMLMsgsRs>", "could not be read"),
        ("", "could not be read"),
        ("Status OK", "could not be read"),
    ],
)
def test_documents_that_are_not_qbxml_responses_are_refused(xml: str, reason: str) -> None:
    with pytest.raises(QbResponseError, match=reason):
        parse_response_message(xml)


XXE = """<?xml version="1.0"?>
<!DOCTYPE QBXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusMessage="&secret;"/></QBXMLMsgsRs></QBXML>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusMessage="&lol3;"/></QBXMLMsgsRs></QBXML>"""


@pytest.mark.parametrize("xml", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_documents_with_a_dtd_are_refused(xml: str) -> None:
    with pytest.raises(QbResponseError, match="declarations and entities are not accepted") as caught:
        parse_response_message(xml)

    assert isinstance(caught.value.__cause__, UnsafeXmlError)


def test_index_skips_answers_without_request_id() -> None:
    xml = """<QBXML><QBXMLMsgsRs>
      <HostQueryRs statusCode="0"/><CompanyQueryRs requestID="c" statusCode="0"/>
    </QBXMLMsgsRs></QBXML>"""

    assert list(index_by_request_id(parse_response_message(xml))) == ["c"]


def test_index_refuses_two_answers_with_one_request_id() -> None:
    xml = """<QBXML><QBXMLMsgsRs>
      <HostQueryRs requestID="1" statusCode="0"/><CompanyQueryRs requestID="1" statusCode="0"/>
    </QBXMLMsgsRs></QBXML>"""

    with pytest.raises(QbResponseError, match="two responses carry requestID '1'"):
        index_by_request_id(parse_response_message(xml))

"""The vendor requests: VendorAdd and the VendorQuery by name."""

from __future__ import annotations

import pytest
from lxml import etree

from chalicelib.qbxml.document import render_request_message
from chalicelib.qbxml.invoices import AddressParts
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.qbxml.vendors import VENDOR_RET_ELEMENTS, build_vendor_add, build_vendor_query
from chalicelib.safe_xml import parse_xml
from tests.qbxml.schema import XSD, element_names_within, schema_definition

DELL = AddressParts(
    lines=("1 Dell Way", "Building 3"), city="Round Rock", state="TX", postal_code="78682", country="US"
)


def tags(element: etree._Element) -> list[str]:
    return [child.tag for child in element]


def valid(*requests: etree._Element) -> list[str]:
    return qbxml_errors(render_request_message(list(requests)))


# --- VendorAdd -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"company_name": "Dell Inc"},
        {"address": DELL},
        {"company_name": "Dell Inc", "address": DELL},
        {"address": AddressParts(lines=("a", "b", "c", "d", "e"))},
        {"address": AddressParts(city="Round Rock")},
    ],
    ids=["name-only", "company", "address", "full", "five-lines", "city-only"],
)
def test_vendor_add_is_valid_qbxml(arguments: dict[str, object]) -> None:
    assert valid(build_vendor_add("v-1", name="Dell Inc", **arguments)) == []  # type: ignore[arg-type]


def test_vendor_add_writes_every_field_in_schema_order() -> None:
    request = build_vendor_add("v-1", name="Dell Inc", company_name="Dell Inc.", address=DELL)

    assert request.tag == "VendorAddRq"
    assert request.items() == [("requestID", "v-1")]
    assert tags(request) == ["VendorAdd", *["IncludeRetElement"] * len(VENDOR_RET_ELEMENTS)]
    add = request.find("VendorAdd")
    assert add is not None
    assert tags(add) == ["Name", "CompanyName", "VendorAddress"]
    assert add.findtext("Name") == "Dell Inc"
    assert add.findtext("CompanyName") == "Dell Inc."
    address = add.find("VendorAddress")
    assert address is not None
    assert tags(address) == ["Addr1", "Addr2", "City", "State", "PostalCode", "Country"]
    assert [e.text for e in address] == ["1 Dell Way", "Building 3", "Round Rock", "TX", "78682", "US"]


def test_a_vendor_add_with_a_name_only_is_just_the_name() -> None:
    request = build_vendor_add("v-1", name="v-Smith, Jane")

    assert tags(request.find("VendorAdd")) == ["Name"]  # type: ignore[arg-type]
    assert request.findtext("VendorAdd/Name") == "v-Smith, Jane"


def test_an_empty_address_or_company_name_writes_nothing() -> None:
    request = build_vendor_add("v-1", name="Dell Inc", company_name="", address=AddressParts())

    assert tags(request.find("VendorAdd")) == ["Name"]  # type: ignore[arg-type]


def test_vendor_add_asks_back_what_vendor_ret_has() -> None:
    request = build_vendor_add("v-1", name="Dell Inc")

    assert [e.text for e in request.findall("IncludeRetElement")] == ["ListID", "Name", "IsActive"]
    assert set(VENDOR_RET_ELEMENTS) <= element_names_within(schema_definition("element", "VendorRet"))


def test_vendor_ret_has_no_full_name() -> None:
    # Why FullName is neither asked for nor read: a vendor's Name is its full name.
    children = {
        node.get("name") or node.get("ref")
        for node in schema_definition("element", "VendorRet").iterfind(
            f"{XSD}complexType/{XSD}sequence/{XSD}element"
        )
    }

    assert "Name" in children
    assert "FullName" not in children


def test_the_schema_takes_include_ret_element_on_vendor_add_after_the_aggregate() -> None:
    sequence = schema_definition("complexType", "VendorAddRqType").find(f"{XSD}sequence")
    assert sequence is not None

    assert [node.get("ref") or node.get("name") for node in sequence] == ["VendorAdd", "IncludeRetElement"]


def test_a_long_company_name_is_cut_to_41_characters() -> None:
    request = build_vendor_add("v-1", name="Dell", company_name="C" * 50)

    assert request.findtext("VendorAdd/CompanyName") == "C" * 41
    assert valid(request) == []


def test_limits_are_fine_at_the_limit() -> None:
    address = AddressParts(
        lines=("a" * 41,) * 5, city="c" * 31, state="s" * 21, postal_code="p" * 13, country="k" * 31
    )

    assert valid(build_vendor_add("v-1", name="n" * 41, company_name="c" * 41, address=address)) == []


def test_names_needing_escapes_round_trip() -> None:
    document = render_request_message(
        [build_vendor_add("a&b", name="O'Brien & Sons <Ltd>", address=AddressParts(lines=('"Suite" 5 & 6',)))]
    )

    assert qbxml_errors(document) == []
    parsed = parse_xml(document).find("QBXMLMsgsRq/VendorAddRq")
    assert parsed is not None
    assert parsed.get("requestID") == "a&b"
    assert parsed.findtext("VendorAdd/Name") == "O'Brien & Sons <Ltd>"
    assert parsed.findtext("VendorAdd/VendorAddress/Addr1") == '"Suite" 5 & 6'


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"name": ""}, "needs a name"),
        ({"name": "   "}, "needs a name"),
        ({"name": "n" * 42}, "the vendor name is 42 characters; QuickBooks allows at most 41"),
        ({"name": "Dell:Texas"}, "vendors have no sub-levels"),
        ({"address": AddressParts(lines=("a",) * 6)}, "at most 5 lines"),
        ({"address": AddressParts(lines=("ok", "a" * 42))}, "address line 2 is 42 characters"),
        ({"address": AddressParts(city="c" * 32)}, "city is 32 characters"),
        ({"address": AddressParts(state="s" * 22)}, "state is 22 characters"),
        ({"address": AddressParts(postal_code="p" * 14)}, "postal code is 14 characters"),
        ({"address": AddressParts(country="k" * 32)}, "country is 32 characters"),
    ],
)
def test_what_quickbooks_would_refuse_is_refused_not_cut(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_vendor_add("v-1", **({"name": "Dell Inc"} | arguments))  # type: ignore[arg-type]


# --- VendorQuery ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("names", [["Dell Inc"], ["Dell Inc", "v-Smith, Jane", "O'Brien & Sons"]])
def test_vendor_query_is_valid_qbxml(names: list[str]) -> None:
    assert valid(build_vendor_query("vq-1", names)) == []


def test_vendor_query_asks_by_full_name_for_active_and_inactive_vendors() -> None:
    # FullName and ActiveStatus are alternatives in the schema: a query by names finds inactive vendors too.
    request = build_vendor_query("vq-1", ["Dell Inc", "v-Smith, Jane"])

    assert request.tag == "VendorQueryRq"
    assert request.items() == [("requestID", "vq-1")]
    assert tags(request) == ["FullName", "FullName", *["IncludeRetElement"] * len(VENDOR_RET_ELEMENTS)]
    assert [e.text for e in request.findall("FullName")] == ["Dell Inc", "v-Smith, Jane"]
    assert [e.text for e in request.findall("IncludeRetElement")] == ["ListID", "Name", "IsActive"]


@pytest.mark.parametrize(("names", "message"), [([], "every vendor"), (["Dell Inc", ""], "cannot be empty")])
def test_vendor_query_without_names_is_refused(names: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_vendor_query("vq-1", names)

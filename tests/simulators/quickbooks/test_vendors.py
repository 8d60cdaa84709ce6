"""Vendors through qbXML: VendorAdd (one name space with customers, employees and Other Names) and
VendorQuery. Every request here passes the qbXML 13.0 schema (the simulator refuses any that does not) and
every answer is checked against it (``helpers.answers``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulators.quickbooks import OtherName, QuickBooksCompany, Vendor
from tests.simulators.quickbooks.helpers import add, answers, ask, full_names, only, qbxml, ref, status

NO_SUCH_RECORD = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)
GUID_A = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
# Schema order of the VendorRet children the simulator answers with.
RET_ORDER = [
    "ListID",
    "TimeCreated",
    "TimeModified",
    "EditSequence",
    "Name",
    "IsActive",
    "CompanyName",
    "FirstName",
    "LastName",
    "VendorAddress",
    "VendorAddressBlock",
    "Phone",
    "Email",
    "Contact",
    "NameOnCheck",
    "AccountNumber",
    "Notes",
    "TermsRef",
    "CreditLimit",
    "VendorTaxIdent",
    "IsVendorEligibleFor1099",
    "Balance",
    "ExternalGUID",
]


@pytest.fixture
def company() -> QuickBooksCompany:
    """The sample, and Pat Owner on the Other Names list."""
    company = QuickBooksCompany.sample()
    company.add(OtherName(name="Pat Owner"))
    return company


def vendor_add(name: str, *inner: str, include: tuple[str, ...] = (), request_id: str | None = None) -> str:
    """A VendorAddRq; ``inner`` are the children after Name, in schema order."""
    attribute = f' requestID="{request_id}"' if request_id else ""
    included = "".join(f"<IncludeRetElement>{tag}</IncludeRetElement>" for tag in include)
    return (
        f"<VendorAddRq{attribute}><VendorAdd><Name>{name}</Name>{''.join(inner)}</VendorAdd>{included}"
        "</VendorAddRq>"
    )


# VendorAdd ---------------------------------------------------------------------------------------------


def test_vendor_add_stores_every_field_and_answers_its_ret_in_schema_order(
    company: QuickBooksCompany,
) -> None:
    (rs,) = add(
        company,
        vendor_add(
            "Dell Inc",
            "<IsActive>true</IsActive><CompanyName>Dell Inc.</CompanyName>",
            "<FirstName>Michael</FirstName><LastName>Dell</LastName>",
            "<VendorAddress><Addr1>1 Dell Way</Addr1><City>Round Rock</City><State>TX</State>"
            "<PostalCode>78682</PostalCode><Country>US</Country></VendorAddress>",
            "<Phone>512-555-0100</Phone><Email>ap@dell.example</Email><Contact>Accounts</Contact>",
            "<NameOnCheck>Dell Inc.</NameOnCheck><AccountNumber>D-881</AccountNumber>",
            "<Notes>Laptops</Notes>",
            ref("TermsRef", "Net 30"),
            "<CreditLimit>25000.00</CreditLimit><VendorTaxIdent>74-2487834</VendorTaxIdent>",
            "<IsVendorEligibleFor1099>false</IsVendorEligibleFor1099>",
            "<OpenBalance>120.00</OpenBalance><OpenBalanceDate>2024-01-01</OpenBalanceDate>",
            f"<ExternalGUID>{GUID_A}</ExternalGUID>",
            request_id="v1",
        ),
    )
    assert (rs.get("requestID"), status(rs)) == ("v1", (0, "Info"))
    (ret,) = rs
    assert ret.tag == "VendorRet"
    assert [child.tag for child in ret] == RET_ORDER
    assert ret.findtext("VendorAddressBlock/Addr2") == "Round Rock, TX 78682"
    assert (ret.findtext("TermsRef/FullName"), ret.findtext("Balance")) == ("Net 30", "120.00")
    assert ret.findtext("ExternalGUID") == GUID_A
    stored = company.vendors.find("dell inc")
    assert stored is not None and stored.list_id == ret.findtext("ListID")
    assert stored.vendor_address is not None and stored.vendor_address.postal_code == "78682"
    assert (stored.notes, stored.is_eligible_for_1099, stored.balance) == ("Laptops", False, Decimal(120))
    assert stored.external_guid == GUID_A


def test_vendor_add_with_a_name_only_and_include_ret_element(company: QuickBooksCompany) -> None:
    (rs,) = add(company, vendor_add("v-Smith, Jane", include=("ListID", "Name", "IsActive")))
    assert [child.tag for child in rs[0]] == ["ListID", "Name", "IsActive"]
    assert rs[0].findtext("Name") == "v-Smith, Jane"
    vendor = company.vendors.find("v-Smith, Jane")
    assert vendor is not None and vendor.terms is None and vendor.balance == 0


@pytest.mark.parametrize(
    ("existing", "holder"),
    [
        ("Customer 0001", "customer"),
        ("customer 0002", "customer"),  # names compare without regard to case
        ("Customer 0003", "inactive customer"),
        ("Fatima Okafor", "employee"),
        ("Pat Owner", "Other Name"),
        ("Vendor 0003", "vendor"),
    ],
)
def test_a_vendor_name_in_use_in_any_name_list_is_3100(
    company: QuickBooksCompany, existing: str, holder: str
) -> None:
    before = len(company.vendors)
    rs = only(company.process(qbxml(vendor_add(existing))))
    assert status(rs) == (3100, "Error"), holder
    assert rs.get("statusMessage") == f'The name "{existing}" of the list element is already in use.'
    assert len(company.vendors) == before


def test_a_name_over_41_characters_is_3070_like_for_customers(company: QuickBooksCompany) -> None:
    too_long = "v-Northwind-Vasquez-Oyelaran, Maximiliana J"  # 43 characters
    fits, refused = add(company, vendor_add("v-Short, Name"), vendor_add(too_long))
    assert status(fits) == (0, "Info")
    assert status(refused) == (3070, "Error")
    assert refused.get("statusMessage") == f'The string "{too_long}" in the field "Name" is too long.'
    assert company.vendors.find(too_long) is None


def test_vendor_add_with_terms_that_do_not_exist_is_3140(company: QuickBooksCompany) -> None:
    (rs,) = add(company, vendor_add("Acme Supply", ref("TermsRef", "Net 7")))
    assert status(rs) == (3140, "Error")
    assert rs.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks Terms "Net 7" in the Vendor.  {NO_SUCH_RECORD}'
    )
    assert company.vendors.find("Acme Supply") is None


def test_what_vendor_add_does_not_understand_is_refused_not_dropped(company: QuickBooksCompany) -> None:
    (rs,) = add(company, vendor_add("Acme Supply", "<Fax>555-0101</Fax>"))
    assert status(rs) == (1030, "Error")
    assert "Fax" in (rs.get("statusMessage") or "")
    assert company.vendors.find("Acme Supply") is None


def test_vendor_add_then_a_customer_of_that_name_is_3100_too(company: QuickBooksCompany) -> None:
    vendor, customer = add(
        company,
        vendor_add("Dell Inc"),
        "<CustomerAddRq><CustomerAdd><Name>DELL INC</Name></CustomerAdd></CustomerAddRq>",
    )
    assert (status(vendor)[0], status(customer)[0]) == (0, 3100)


# VendorQuery -------------------------------------------------------------------------------------------


def test_vendor_query_by_full_name_with_include_ret_element(company: QuickBooksCompany) -> None:
    add(company, vendor_add("v-Smith, Jane", f"<ExternalGUID>{GUID_A}</ExternalGUID>"))
    rs = ask(
        company,
        "VendorQueryRq",
        "<FullName>V-SMITH, JANE</FullName>",
        "<IncludeRetElement>ListID</IncludeRetElement><IncludeRetElement>Name</IncludeRetElement>",
        "<IncludeRetElement>ExternalGUID</IncludeRetElement>",
    )
    assert status(rs) == (0, "Info")
    (ret,) = rs
    assert [child.tag for child in ret] == ["ListID", "Name", "ExternalGUID"]
    assert (ret.findtext("Name"), ret.findtext("ExternalGUID")) == ("v-Smith, Jane", GUID_A)


def test_vendor_query_for_a_name_nobody_has(company: QuickBooksCompany) -> None:
    # By FullName, QuickBooks answers a name it cannot find with the 500 warning (as captured from a real
    # CustomerQuery); a filter that matches nothing is statusCode 1.
    missing = ask(company, "VendorQueryRq", "<FullName>v-Nobody, Here</FullName>")
    assert (status(missing), len(missing)) == ((500, "Warn"), 0)
    assert 'element ("v-Nobody, Here")' in (missing.get("statusMessage") or "")
    # A customer's name is no vendor's, though they share the name space.
    assert status(ask(company, "VendorQueryRq", "<FullName>Customer 0001</FullName>")) == (500, "Warn")
    filtered = ask(
        company,
        "VendorQueryRq",
        "<NameFilter><MatchCriterion>StartsWith</MatchCriterion><Name>v-Nobody</Name></NameFilter>",
    )
    assert (status(filtered), len(filtered)) == ((1, "Info"), 0)


def test_vendor_query_answers_added_and_inactive_vendors_as_asked(company: QuickBooksCompany) -> None:
    company.add(Vendor(name="Old Supplier", is_active=False))
    add(company, vendor_add("New Supplier"))
    active = ask(
        company,
        "VendorQueryRq",
        "<NameFilter><MatchCriterion>Contains</MatchCriterion><Name>supplier</Name></NameFilter>",
    )
    assert full_names(active) == ["New Supplier"]
    every = ask(
        company,
        "VendorQueryRq",
        "<ActiveStatus>All</ActiveStatus>",
        "<NameFilter><MatchCriterion>Contains</MatchCriterion><Name>supplier</Name></NameFilter>",
    )
    assert full_names(every) == ["New Supplier", "Old Supplier"]


# Faults ------------------------------------------------------------------------------------------------


def test_a_locked_vendor_list_answers_3180_and_adds_nothing(company: QuickBooksCompany) -> None:
    company.lock_list("VendorAddRq", 1)
    locked = only(company.process(qbxml(vendor_add("Dell Inc"))))
    assert status(locked) == (3180, "Error")
    assert (locked.get("statusMessage") or "").startswith(
        'There was an error when saving a Vendors list, element "Dell Inc".'
    )
    assert company.vendors.find("Dell Inc") is None
    assert status(only(company.process(qbxml(vendor_add("Dell Inc"))))) == (0, "Info")


def test_fail_next_on_vendor_requests(company: QuickBooksCompany) -> None:
    company.fail_next("VendorAddRq", 3170, "There was an error when modifying a Vendors list.")
    company.fail_next("VendorQueryRq", 3176, "in use")
    response = company.process(
        qbxml(
            vendor_add("Dell Inc", request_id="1"),
            vendor_add("Dell Inc", request_id="2"),
            '<VendorQueryRq requestID="3"><FullName>Dell Inc</FullName></VendorQueryRq>',
            '<VendorQueryRq requestID="4"><FullName>Dell Inc</FullName></VendorQueryRq>',
            on_error="continueOnError",
        )
    )
    assert [(rs.get("requestID"), status(rs)[0]) for rs in answers(response)] == [
        ("1", 3170),
        ("2", 0),
        ("3", 3176),
        ("4", 0),
    ]

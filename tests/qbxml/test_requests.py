"""Building the AccountAdd request."""

from __future__ import annotations

import pytest

from chalicelib.qbxml.document import render_request_message
from chalicelib.qbxml.requests import ACCOUNT_TYPES, build_account_add
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import parse_xml


@pytest.mark.parametrize("description", [None, "Created by the bridge"])
def test_account_add_is_valid_qbxml(description: str | None) -> None:
    request = build_account_add("acct-1", name="PSA Other", account_type="Income", description=description)

    assert qbxml_errors(render_request_message([request])) == []


@pytest.mark.parametrize("account_type", sorted(ACCOUNT_TYPES))
def test_every_account_type_is_accepted_by_the_schema(account_type: str) -> None:
    request = build_account_add("1", name="Account", account_type=account_type)

    assert qbxml_errors(render_request_message([request])) == []


def test_account_add_carries_what_was_asked_and_asks_for_little_back() -> None:
    request = build_account_add("acct-1", name="PSA Other", account_type="Income", description="From PSA")

    assert request.tag == "AccountAddRq"
    assert request.get("requestID") == "acct-1"
    assert request.findtext("AccountAdd/Name") == "PSA Other"
    assert request.findtext("AccountAdd/AccountType") == "Income"
    assert request.findtext("AccountAdd/Desc") == "From PSA"
    assert [e.text for e in request.findall("IncludeRetElement")] == [
        "ListID",
        "Name",
        "FullName",
        "AccountType",
        "IsActive",
    ]


def test_names_needing_escapes_round_trip() -> None:
    request = build_account_add(
        "x&y", name='Café & Co <"1">', account_type="Income", description="À < ß & 'ü'"
    )
    document = render_request_message([request])

    assert qbxml_errors(document) == []
    parsed = parse_xml(document).find("QBXMLMsgsRq/AccountAddRq")
    assert parsed is not None
    assert parsed.get("requestID") == "x&y"
    assert parsed.findtext("AccountAdd/Name") == 'Café & Co <"1">'
    assert parsed.findtext("AccountAdd/Desc") == "À < ß & 'ü'"


def test_a_name_at_the_limit_is_fine_and_one_over_is_refused_not_truncated() -> None:
    build_account_add("1", name="x" * 31, account_type="Income")

    with pytest.raises(ValueError, match="at most 31"):
        build_account_add("1", name="x" * 32, account_type="Income")


def test_a_too_long_description_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 200"):
        build_account_add("1", name="Account", account_type="Income", description="d" * 201)


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="needs a name"):
        build_account_add("1", name=name, account_type="Income")


@pytest.mark.parametrize("account_type", ["income", "Revenue", ""])
def test_unknown_account_types_are_refused(account_type: str) -> None:
    with pytest.raises(ValueError, match="not a QuickBooks account type"):
        build_account_add("1", name="Account", account_type=account_type)

"""The error catalogue: QuickBooks status codes and Web Connector HRESULTs in plain language."""

from __future__ import annotations

import re
import typing

import pytest

from chalicelib.qbxml.catalogue import (
    RETRYABLE_STATUS_CODES,
    Actor,
    CatalogueEntry,
    explain_hresult,
    explain_status,
    normalise_hresult,
)

ACTORS = set(typing.get_args(Actor))
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
NAMED_STATUS_CODES = [
    0,
    1,
    500,
    3100,
    3120,
    3130,
    3140,
    3170,
    3175,
    3176,
    3180,
    3200,
    3210,
    3250,
    3260,
    3261,
    3391,
]
KNOWN_HRESULTS = [
    "0x80040400",
    "0x80040401",
    "0x80040402",
    "0x80040403",
    "0x80040407",
    "0x80040408",
    "0x8004040A",
    "0x80040410",
    "0x80040414",
    "0x80040416",
    "0x80040417",
    "0x80040418",
    "0x8004041A",
    "0x8004041B",
    "0x8004041C",
    "0x8004041D",
    "0x8004041E",
    "0x80040420",
    "0x80040422",
    "0x80040423",
    "0x80040424",
    "0x80040427",
]


def assert_well_formed(entry: CatalogueEntry) -> None:
    assert SNAKE_CASE.fullmatch(entry.code), entry.code
    assert entry.title
    assert entry.explanation
    assert entry.fix
    assert entry.actor in ACTORS


# --- status codes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("status_code", NAMED_STATUS_CODES)
def test_every_named_status_code_has_its_own_entry(status_code: int) -> None:
    entry = explain_status(status_code)

    assert_well_formed(entry)
    assert entry.code.startswith("qb_")
    assert entry.code != "qb_error"


def test_named_status_codes_have_distinct_entries() -> None:
    codes = [explain_status(status_code).code for status_code in NAMED_STATUS_CODES]

    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize(
    ("status_code", "code"),
    [
        (0, "qb_ok"),
        (1, "qb_no_match"),
        (3100, "qb_name_in_use"),
        (3120, "qb_object_not_found"),
        (3130, "qb_invalid_parent_reference"),
        (3140, "qb_invalid_reference"),
        (3170, "qb_record_in_use"),
        (3200, "qb_record_changed"),
        (3250, "qb_feature_not_enabled"),
        (3260, "qb_insufficient_permission"),
        (3391, "qb_iterator_expired"),
    ],
)
def test_status_codes_map_to_stable_codes(status_code: int, code: str) -> None:
    assert explain_status(status_code).code == code


@pytest.mark.parametrize(
    "status_code", [*NAMED_STATUS_CODES, 510, 1000, 2000, 3000, 3020, 3099, 3171, 3999, 9100, 12345]
)
def test_exactly_the_in_use_and_changed_codes_are_retryable(status_code: int) -> None:
    assert explain_status(status_code, "message").retryable is (status_code in {3170, 3175, 3176, 3180, 3200})


def test_retryable_status_codes_constant() -> None:
    assert frozenset({3170, 3175, 3176, 3180, 3200}) == RETRYABLE_STATUS_CODES


@pytest.mark.parametrize(
    ("status_code", "code"),
    [(3000, "qb_invalid_value_format"), (3020, "qb_invalid_value_format"), (3099, "qb_invalid_value_format")],
)
def test_the_3000_range_has_a_generic_format_entry(status_code: int, code: str) -> None:
    entry = explain_status(status_code, 'There was an error when converting the date value "2024-13-01".')

    assert entry.code == code
    assert entry.actor == "support"
    assert '"2024-13-01"' in entry.explanation


def test_an_unknown_code_falls_back_and_still_quotes_quickbooks() -> None:
    entry = explain_status(3999, "Something QuickBooks-specific went wrong.")

    assert_well_formed(entry)
    assert entry.code == "qb_error"
    assert "3999" in entry.explanation
    assert 'QuickBooks said: "Something QuickBooks-specific went wrong."' in entry.explanation


@pytest.mark.parametrize("status_code", [3100, 3180, 3210, 3250])
def test_errors_quote_quickbooks_message(status_code: int) -> None:
    entry = explain_status(status_code, "The field is too long.")

    assert 'QuickBooks said: "The field is too long."' in entry.explanation


def test_success_does_not_read_like_an_error() -> None:
    entry = explain_status(0, "Status OK")

    assert "Status OK" not in entry.explanation
    assert not entry.retryable


def test_3140_names_the_missing_customer_and_the_mapping_to_check() -> None:
    message = (
        'There is an invalid reference to QuickBooks Customer "Joe Smith" in the SalesOrder.  '
        "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
    )

    entry = explain_status(3140, message)

    assert entry.code == "qb_invalid_reference"
    assert 'Customer "Joe Smith"' in entry.explanation
    assert "SalesOrder" in entry.explanation
    assert 'Customer "Joe Smith"' in entry.fix
    assert "mapping" in entry.fix
    assert entry.actor == "admin"
    assert not entry.retryable


def test_3140_names_a_missing_item_on_a_line() -> None:
    message = 'There is an invalid reference to QuickBooks Item "sooo wrong" in the SalesOrder line.'

    entry = explain_status(3140, message)

    assert 'Item "sooo wrong"' in entry.explanation
    assert 'Item "sooo wrong"' in entry.fix


def test_3140_without_a_recognisable_message_stays_generic_but_quotes_it() -> None:
    entry = explain_status(3140, "Invalid argument.")

    assert entry.code == "qb_invalid_reference"
    assert 'QuickBooks said: "Invalid argument."' in entry.explanation


def test_3130_names_the_missing_parent() -> None:
    message = (
        'There is an invalid reference to a parent "NONEXISTENT-PARENT-CUSTOMER" in the Customers list.  '
        "QuickBooks error message: Invalid argument."
    )

    entry = explain_status(3130, message)

    assert '"NONEXISTENT-PARENT-CUSTOMER"' in entry.explanation
    assert '"NONEXISTENT-PARENT-CUSTOMER"' in entry.fix


# --- HRESULTs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hresult", KNOWN_HRESULTS)
def test_every_known_hresult_has_a_plain_language_entry(hresult: str) -> None:
    entry = explain_hresult(hresult, "QBWC's own technical message")

    assert_well_formed(entry)
    assert entry.code.startswith("qbwc_")
    assert entry.code != "qbwc_error"
    for jargon in ("HRESULT", "0x8004", "qbXML", "COM ", "SDK "):
        assert jargon not in entry.explanation


def test_known_hresults_have_distinct_entries() -> None:
    codes = [explain_hresult(hresult).code for hresult in KNOWN_HRESULTS]

    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize(
    ("hresult", "code"),
    [
        ("0x80040408", "qbwc_cannot_start_quickbooks"),
        ("0x80040400", "qbwc_request_not_understood"),
        ("0x80040410", "qbwc_company_file_open_in_other_mode"),
        ("0x80040418", "qbwc_application_not_yet_authorised"),
        ("0x8004041A", "qbwc_application_access_denied"),
        ("0x80040420", "qbwc_quickbooks_user_denied_access"),
        ("0x80040422", "qbwc_company_file_shared_with_other_program"),
    ],
)
def test_hresults_map_to_stable_codes(hresult: str, code: str) -> None:
    assert explain_hresult(hresult).code == code


def test_access_problems_point_to_integrated_applications() -> None:
    for hresult in ("0x8004041A", "0x80040420", "0x8004041D"):
        assert "Integrated Applications" in explain_hresult(hresult).fix


@pytest.mark.parametrize(
    "spelling", ["0x80040408", "0X80040408", "0x80040408 ", " 80040408", "-2147220472", "2147746824"]
)
def test_hresult_spellings_are_understood(spelling: str) -> None:
    assert normalise_hresult(spelling) == "0x80040408"
    assert explain_hresult(spelling).code == "qbwc_cannot_start_quickbooks"


@pytest.mark.parametrize("spelling", ["0x8004041a", "0x8004041A", "8004041a", "-2147220454"])
def test_hex_case_does_not_matter(spelling: str) -> None:
    assert explain_hresult(spelling).code == "qbwc_application_access_denied"


@pytest.mark.parametrize("text", ["", "hello", "0x123456789", "0x", "-", "99999999999"])
def test_text_that_is_not_an_hresult_is_not_normalised(text: str) -> None:
    assert normalise_hresult(text) is None


def test_an_unknown_hresult_quotes_the_code_and_the_message() -> None:
    entry = explain_hresult("0x80040430", "Something the Web Connector said.")

    assert_well_formed(entry)
    assert entry.code == "qbwc_error"
    assert "0x80040430" in entry.explanation
    assert '"Something the Web Connector said."' in entry.explanation


def test_an_unreadable_hresult_is_still_quoted() -> None:
    entry = explain_hresult("QBWC1039", "")

    assert entry.code == "qbwc_error"
    assert "QBWC1039" in entry.explanation

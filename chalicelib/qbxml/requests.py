"""Builders for the requests (other than list reads) that the first conversation with a company file needs."""

from __future__ import annotations

from lxml import etree

from chalicelib.qbxml.document import append_text_element, request_element

# The AccountType enumeration of the qbXML 13.0 schema.
ACCOUNT_TYPES = frozenset(
    {
        "AccountsPayable",
        "AccountsReceivable",
        "Bank",
        "CostOfGoodsSold",
        "CreditCard",
        "Equity",
        "Expense",
        "FixedAsset",
        "Income",
        "LongTermLiability",
        "NonPosting",
        "OtherAsset",
        "OtherCurrentAsset",
        "OtherCurrentLiability",
        "OtherExpense",
        "OtherIncome",
    }
)
ACCOUNT_NAME_MAX_LENGTH = 31
ACCOUNT_DESCRIPTION_MAX_LENGTH = 200

# What the bridge needs back from an AccountAdd: the same fields the accounts list is read with.
_ACCOUNT_RET_ELEMENTS = ("ListID", "Name", "FullName", "AccountType", "IsActive")


def build_account_add(
    request_id: str,
    *,
    name: str,
    account_type: str,
    description: str | None = None,
) -> etree._Element:
    """An ``AccountAddRq`` creating the account ``name`` of ``account_type`` (e.g. ``"Income"``).

    QuickBooks' limits are checked here rather than left to QuickBooks, and a name is never shortened to
    fit: a ``ValueError`` says what is wrong so the person who chose the name can change it.
    """
    if account_type not in ACCOUNT_TYPES:
        raise ValueError(
            f"{account_type!r} is not a QuickBooks account type; use one of {sorted(ACCOUNT_TYPES)}"
        )
    if not name.strip():
        raise ValueError("an account needs a name")
    _check_length("account name", name, ACCOUNT_NAME_MAX_LENGTH)
    if description is not None:
        _check_length("account description", description, ACCOUNT_DESCRIPTION_MAX_LENGTH)

    request = request_element("AccountAddRq", request_id)
    account = etree.SubElement(request, "AccountAdd")
    # Schema order inside AccountAdd: Name, (IsActive, ParentRef), AccountType, (...), Desc.
    append_text_element(account, "Name", name)
    append_text_element(account, "AccountType", account_type)
    if description is not None:
        append_text_element(account, "Desc", description)
    for element_name in _ACCOUNT_RET_ELEMENTS:
        append_text_element(request, "IncludeRetElement", element_name)
    return request


def _check_length(what: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ValueError(
            f"the {what} {value!r} is {len(value)} characters; QuickBooks allows at most {limit}"
        )

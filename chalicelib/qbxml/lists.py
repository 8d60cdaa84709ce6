"""The QuickBooks lists an admin maps against, described as data, and how to read them.

Each ``QbListSpec`` says which query reads the list, which ``...Ret`` kinds answer it, whether the query
pages with an iterator in qbXML 13.0, which elements to ask for, and where an entry's ``type`` comes from.
Reading is the same for every list: ``build_list_query`` to ask, ``list_entries`` to read the answer.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from chalicelib.qbxml.document import IteratorMode, append_text_element, paged_request
from chalicelib.qbxml.responses import QbResponse, QbResponseError, child_flag, child_text
from chalicelib.safe_xml import local_name


class EntryType(enum.Enum):
    """Where the ``type`` of a list entry comes from."""

    NONE = "none"
    ELEMENT = "element"  # the text of QbListSpec.type_element (AccountType, WageType)
    RET_KIND = "ret_kind"  # the Ret element's name without "Ret" (ItemService, StandardTerms)
    TAXABILITY = "taxability"  # IsTaxable: "taxable" / "non-taxable"
    VENDOR_KIND = "vendor_kind"  # IsSalesTaxAgency: "sales_tax_agency" / "vendor"


@dataclass(frozen=True)
class QbListSpec:
    """How to read one QuickBooks list (``name`` is the list's name in our API)."""

    name: str
    request_tag: str
    ret_tags: tuple[str, ...]
    pages_with_iterator: bool
    include_elements: tuple[str, ...]
    entry_type: EntryType = EntryType.NONE
    type_element: str | None = None

    @property
    def response_tag(self) -> str:
        """The ``...Rs`` element that answers this list's query."""
        return self.request_tag.removesuffix("Rq") + "Rs"


@dataclass(frozen=True)
class QbListEntry:
    """One object of a QuickBooks list, as the admin sees it when mapping."""

    list_id: str
    name: str
    full_name: str
    type: str | None
    is_active: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict with exactly the keys list_id, name, full_name, type and is_active."""
        return {
            "list_id": self.list_id,
            "name": self.name,
            "full_name": self.full_name,
            "type": self.type,
            "is_active": self.is_active,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QbListEntry:
        """Rebuild an entry from ``to_dict`` output."""
        return cls(
            list_id=str(data["list_id"]),
            name=str(data["name"]),
            full_name=str(data["full_name"]),
            type=None if data.get("type") is None else str(data["type"]),
            is_active=bool(data["is_active"]),
        )


_ITEM_RETS = (
    "ItemServiceRet",
    "ItemNonInventoryRet",
    "ItemInventoryRet",
    "ItemInventoryAssemblyRet",
    "ItemOtherChargeRet",
    "ItemSubtotalRet",
    "ItemDiscountRet",
    "ItemPaymentRet",
    "ItemSalesTaxRet",
    "ItemSalesTaxGroupRet",
    "ItemGroupRet",
    "ItemFixedAssetRet",
)

# Small lists first: they are read whole in one request each, so a slow or failing page of a big list
# (customers, items) never holds back what most mappings need (accounts, classes, terms, tax codes).
# IncludeRetElement names only elements the 13.0 Ret types have: VendorRet, EmployeeRet, TermsRet,
# SalesTaxCodeRet and PayrollItemWageRet have no FullName, EmployeeRet has Name plus First/LastName.
QB_LISTS: tuple[QbListSpec, ...] = (
    QbListSpec(
        name="accounts",
        request_tag="AccountQueryRq",
        ret_tags=("AccountRet",),
        pages_with_iterator=False,
        include_elements=("ListID", "Name", "FullName", "IsActive", "AccountType"),
        entry_type=EntryType.ELEMENT,
        type_element="AccountType",
    ),
    QbListSpec(
        name="classes",
        request_tag="ClassQueryRq",
        ret_tags=("ClassRet",),
        pages_with_iterator=False,
        include_elements=("ListID", "Name", "FullName", "IsActive"),
    ),
    QbListSpec(
        name="terms",
        request_tag="TermsQueryRq",
        ret_tags=("StandardTermsRet", "DateDrivenTermsRet"),
        pages_with_iterator=False,
        include_elements=("ListID", "Name", "IsActive"),
        entry_type=EntryType.RET_KIND,
    ),
    QbListSpec(
        name="sales-tax-codes",
        request_tag="SalesTaxCodeQueryRq",
        ret_tags=("SalesTaxCodeRet",),
        pages_with_iterator=False,
        include_elements=("ListID", "Name", "IsActive", "IsTaxable"),
        entry_type=EntryType.TAXABILITY,
    ),
    QbListSpec(
        name="payroll-items",
        request_tag="PayrollItemWageQueryRq",
        ret_tags=("PayrollItemWageRet",),
        pages_with_iterator=False,
        include_elements=("ListID", "Name", "IsActive", "WageType"),
        entry_type=EntryType.ELEMENT,
        type_element="WageType",
    ),
    QbListSpec(
        name="employees",
        request_tag="EmployeeQueryRq",
        ret_tags=("EmployeeRet",),
        pages_with_iterator=False,
        include_elements=("ListID", "Name", "IsActive", "FirstName", "LastName"),
    ),
    QbListSpec(
        name="vendors",
        request_tag="VendorQueryRq",
        ret_tags=("VendorRet",),
        pages_with_iterator=True,
        include_elements=("ListID", "Name", "IsActive", "IsSalesTaxAgency"),
        entry_type=EntryType.VENDOR_KIND,
    ),
    QbListSpec(
        name="customers",
        request_tag="CustomerQueryRq",
        ret_tags=("CustomerRet",),
        pages_with_iterator=True,
        include_elements=("ListID", "Name", "FullName", "IsActive"),
    ),
    QbListSpec(
        name="items",
        request_tag="ItemQueryRq",
        ret_tags=_ITEM_RETS,
        pages_with_iterator=True,
        include_elements=("ListID", "Name", "FullName", "IsActive"),
        entry_type=EntryType.RET_KIND,
    ),
)

_BY_NAME = {spec.name: spec for spec in QB_LISTS}


def qb_list(name: str) -> QbListSpec:
    """The spec of the list called ``name`` (e.g. ``"accounts"``); KeyError naming the known lists."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown QuickBooks list {name!r}; known lists: {', '.join(_BY_NAME)}") from None


def build_list_query(
    spec: QbListSpec,
    request_id: str,
    *,
    iterator: IteratorMode | None = None,
    iterator_id: str | None = None,
    max_returned: int | None = None,
) -> etree._Element:
    """The query reading ``spec``'s list, inactive objects included, asking only for ``include_elements``.

    Paging: ``iterator="Start"`` with ``max_returned`` opens an iterator, ``iterator="Continue"`` with the
    ``iterator_id`` QuickBooks returned fetches the next page. The continuation repeats the same filters,
    as Intuit requires for every page of one iterator. ``max_returned`` is refused without an iterator:
    on its own it would silently cut the list short.
    """
    if iterator is not None and not spec.pages_with_iterator:
        raise ValueError(f"{spec.request_tag} takes no iterator in qbXML 13.0; read {spec.name} whole")
    query = paged_request(
        spec.request_tag,
        request_id,
        iterator=iterator,
        iterator_id=iterator_id,
        max_returned=max_returned,
        cut_short="the list",
    )
    # Schema order (ListFilter, then IncludeRetElement): MaxReturned, ActiveStatus, IncludeRetElement...
    append_text_element(query, "ActiveStatus", "All")
    for element_name in spec.include_elements:
        append_text_element(query, "IncludeRetElement", element_name)
    return query


def list_entries(spec: QbListSpec, response: QbResponse) -> list[QbListEntry]:
    """The entries in ``response`` (one answer to ``spec``'s query), in QuickBooks' order.

    An error answer raises ``QbResponseError`` rather than reading as an empty list, which would make every
    mapped object look deleted. Ret kinds the spec does not list are skipped.
    """
    if response.tag != spec.response_tag:
        raise ValueError(f"{response.tag} does not answer {spec.request_tag}")
    if response.is_error:
        raise QbResponseError(
            f"QuickBooks could not read {spec.name} "
            f"(status {response.status_code}): {response.status_message}"
        )
    return [_entry(spec, ret) for ret in response.rets if local_name(ret) in spec.ret_tags]


def _entry(spec: QbListSpec, ret: etree._Element) -> QbListEntry:
    kind = local_name(ret)
    list_id = child_text(ret, "ListID")
    if not list_id:
        raise QbResponseError(f"a <{kind}> in the {spec.name} list has no ListID")
    name = child_text(ret, "Name") or _person_name(ret)
    return QbListEntry(
        list_id=list_id,
        name=name,
        full_name=child_text(ret, "FullName") or name,
        type=_entry_type(spec, kind, ret),
        is_active=child_flag(ret, "IsActive") is not False,
    )


def _person_name(ret: etree._Element) -> str:
    # Only people lack a Name; "First Last" is how QuickBooks itself shows them then.
    parts = (child_text(ret, "FirstName"), child_text(ret, "LastName"))
    return " ".join(part.strip() for part in parts if part and part.strip())


def _entry_type(spec: QbListSpec, kind: str, ret: etree._Element) -> str | None:
    match spec.entry_type:
        case EntryType.NONE:
            return None
        case EntryType.ELEMENT:
            return None if spec.type_element is None else child_text(ret, spec.type_element)
        case EntryType.RET_KIND:
            return kind.removesuffix("Ret")
        case EntryType.TAXABILITY:
            return "taxable" if child_flag(ret, "IsTaxable") else "non-taxable"
        case EntryType.VENDOR_KIND:
            return "sales_tax_agency" if child_flag(ret, "IsSalesTaxAgency") else "vendor"

"""Web connectors: the link to exactly one QuickBooks company file."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from chalicelib.domain.base import StrictModel

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def _check_email(value: str) -> str:
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError(f"not an e-mail address: {value!r}")
    return value


EmailAddress = Annotated[str, AfterValidator(_check_email)]
Absent = SkipJsonSchema[None]
AccountName = Annotated[str, Field(min_length=1, max_length=159)]


class TransferSwitches(StrictModel):
    """Which transfers run on this connector; every one is off until an admin turns it on."""

    invoices: bool = False
    timesheets: bool = False
    expense_reports: bool = False
    bills: bool = False
    journal_entries: bool = False
    purchase_orders: bool = False


class AccountNames(StrictModel):
    """Names of the QuickBooks accounts the transfers need (product.md, 'What a conversation does')."""

    other_income: AccountName = "PSA Other"
    po_income: AccountName = "PSA Income from PO"
    cost_of_goods_sold: AccountName = "Cost of Goods Sold"
    inventory_adjustment: AccountName = "Inventory Adjustment"
    inventory_asset: AccountName = "Inventory Asset"
    cash_advance: AccountName = "Employee Advances"  # expense reports' cash advances


# What each account setting must be in QuickBooks, and whether the bridge creates it when missing (its own
# income accounts) or reports a configuration issue.
ACCOUNT_KINDS: dict[str, tuple[str, bool]] = {
    "other_income": ("Income", True),
    "po_income": ("Income", True),
    "cost_of_goods_sold": ("CostOfGoodsSold", False),
    "inventory_adjustment": ("CostOfGoodsSold", False),
    "inventory_asset": ("OtherCurrentAsset", False),
    "cash_advance": ("OtherCurrentAsset", False),
}


class ConnectorSettings(StrictModel):
    """What an admin sets on a connector."""

    name: str = Field(min_length=1, max_length=100)
    company_file: str = Field(default="", max_length=1000)
    transfers: TransferSwitches = Field(default_factory=TransferSwitches)
    notify_emails: list[EmailAddress] = Field(default_factory=list, max_length=20)
    run_every_minutes: int = Field(default=60, ge=1, le=1440)
    paid_date_sync_minutes: int = Field(default=60, ge=0, le=10080)
    accounts: AccountNames = Field(default_factory=AccountNames)
    active: bool = True


class ConnectorCreate(ConnectorSettings):
    """Body of ``POST /api/connectors``."""


class ConnectorPatch(StrictModel):
    """Body of ``PATCH /api/connectors/{id}``: only the fields given change; ``null`` is not a value."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = sorted(k for k, v in data.items() if v is None)
            if nulls:
                raise ValueError(f"null is not allowed for {', '.join(nulls)}; leave a field out to keep it")
        return data

    # ``Absent`` fields may be left out but are never null (the published schema says so too).
    name: str | Absent = Field(default=None, min_length=1, max_length=100)
    company_file: str | Absent = Field(default=None, max_length=1000)
    transfers: TransferSwitches | Absent = None
    notify_emails: list[EmailAddress] | Absent = Field(default=None, max_length=20)
    run_every_minutes: int | Absent = Field(default=None, ge=1, le=1440)
    paid_date_sync_minutes: int | Absent = Field(default=None, ge=0, le=10080)
    accounts: AccountNames | Absent = None
    active: bool | Absent = None
    # Present only to refuse it with a clear 409 instead of a generic "unknown field".
    is_default: bool | Absent = None
    # Admin confirms the company file QBWC now reports (see product.md, Decisions: company file).
    confirm_company_file_location: bool | Absent = None
    # Admin confirms that the connector named in ``company_file_conflict`` no longer uses that company file.
    confirm_company_file_takeover: bool | Absent = None


def company_file_key(path: str) -> str:
    """A company file path compared as QuickBooks' Windows file system does: case-insensitively, ``/`` as
    ``\\``, repeated separators as one (a UNC path's leading ``\\\\`` kept)."""
    text = path.strip().replace("/", "\\")
    prefix = "\\\\" if text.startswith("\\\\") else ""
    return (prefix + re.sub(r"\\+", r"\\", text[len(prefix) :])).lower()


class CompanyFileConflict(StrictModel):
    """Another connector is bound to the company file this connector's QBWC opened."""

    model_config = ConfigDict(extra="ignore")

    connector_id: str
    connector_name: str
    location: str
    found_at: str


class Connector(ConnectorSettings):
    """A stored connector."""

    # Stored items may carry attributes a newer version wrote; an older one must still read them.
    model_config = ConfigDict(extra="ignore")

    id: str
    is_default: bool
    created_at: str
    updated_at: str
    file_id: str  # {GUID} stamped into the company file through the .qwc FileID
    company_file_location: str | None = None
    # A different file QBWC reported; nothing is sent until an admin confirms it.
    pending_company_file_location: str | None = None
    # The company file QBWC reported belongs to another connector (one file, one connector): nothing is sent
    # until the QBWC setup is fixed or an admin confirms the other connector no longer uses it.
    company_file_conflict: CompanyFileConflict | None = None
    last_poll_at: str | None = None
    lists_read_at: str | None = None
    lists_refresh_requested: bool = False
    # Paid dates: when QuickBooks was last asked, and the newest TimeModified it answered (its own clock).
    paid_checked_at: str | None = None
    company: dict[str, Any] | None = None  # QuickBooks' host/company/preferences from the last conversation
    paid_watermark: str | None = None
    # Per kind whose paid dates are read: {"checked_at", "watermark"} (QuickBooks' newest TimeModified seen).
    sync_marks: dict[str, dict[str, str]] = Field(default_factory=dict)

    def sync_mark(self, slug: str) -> tuple[str | None, str | None]:
        """(when the kind's paid dates were last checked, its watermark); invoices stored before marks were
        kept per kind used ``paid_checked_at`` / ``paid_watermark``."""
        mark = self.sync_marks.get(slug)
        if mark is not None:
            return mark.get("checked_at"), mark.get("watermark")
        if slug == "invoices":
            return self.paid_checked_at, self.paid_watermark
        return None, None

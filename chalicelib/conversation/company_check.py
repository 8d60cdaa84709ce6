"""The company-file check: required accounts, sales tax codes, time tracking (product.md, 'What a conversation
does', step 1).

What the bridge may create (its own income accounts) it creates; everything else that is missing or wrong is
a *configuration issue* with its fix, and the documents that need it wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from chalicelib.domain.connector import ACCOUNT_KINDS, Connector
from chalicelib.domain.conversation import Issue
from chalicelib.qbxml.catalogue import explain_status
from chalicelib.qbxml.hcp import CompanyInfo, tax_code_names
from chalicelib.qbxml.requests import build_account_add
from chalicelib.qbxml.responses import QbResponse
from chalicelib.steps.base import StepContext
from chalicelib.steps.requirements import KindRequirements

NAME_IN_USE = 3100


@dataclass(frozen=True)
class RequiredAccount:
    setting: str  # field of AccountNames
    account_type: str
    needed_for: str
    creatable: bool
    kinds: tuple[str, ...]  # the transfer kinds that wait while it is missing


@dataclass(frozen=True)
class CheckOutcome:
    to_create: list[tuple[str, str]]  # (account name, QuickBooks AccountType)
    issues: list[Issue]
    blocked: set[str]  # transfer kinds that wait for a fix


def required_accounts(kinds: list[KindRequirements]) -> list[RequiredAccount]:
    """The accounts the enabled kinds need, each with the kinds that wait while it is missing."""
    needed: dict[str, list[KindRequirements]] = {}
    for kind in kinds:
        for setting in kind.accounts:
            needed.setdefault(setting, []).append(kind)
    accounts = []
    for setting, users in needed.items():
        account_type, creatable = ACCOUNT_KINDS[setting]
        labels = ", ".join(f"{k.label}s" for k in users)
        accounts.append(
            RequiredAccount(setting, account_type, f"{labels}", creatable, tuple(k.slug for k in users))
        )
    return accounts


def check_company(
    connector: Connector,
    kinds: list[KindRequirements],
    company: CompanyInfo,
    accounts: list[dict[str, Any]],
    tax_codes: list[dict[str, Any]],
    vendors: list[dict[str, Any]] | None,
) -> CheckOutcome:
    """What is missing or wrong in the company file for the connector's enabled ``kinds``."""
    by_name = {str(a["full_name"]).lower(): a for a in accounts}
    to_create: list[tuple[str, str]] = []
    issues: list[Issue] = []
    blocked: set[str] = set()
    for required in required_accounts(kinds):
        problems_before = len(issues)
        name = getattr(connector.accounts, required.setting)
        found = by_name.get(name.lower())
        if found is None:
            if required.creatable:
                to_create.append((name, required.account_type))
            else:
                issues.append(
                    Issue(
                        code="account_missing",
                        message=f'The {required.account_type} account "{name}" (needed for {required.needed_for}) '
                        "does not exist in the QuickBooks company file.",
                        fix=f'Create an account of type {required.account_type} named "{name}" in QuickBooks '
                        "(Lists > Chart of Accounts), or set another existing account's name in the connector's "
                        "account settings.",
                    )
                )
        elif found.get("type") != required.account_type:
            issues.append(
                Issue(
                    code="account_wrong_type",
                    message=f'The account "{name}" (needed for {required.needed_for}) is of type '
                    f"{found.get('type')}, not {required.account_type}.",
                    fix=f"Change the account's type to {required.account_type} in QuickBooks, or name an account "
                    "of the right type in the connector's account settings.",
                )
            )
        elif not found.get("is_active", True):
            issues.append(
                Issue(
                    code="account_inactive",
                    message=f'The account "{name}" (needed for {required.needed_for}) is inactive in QuickBooks.',
                    fix="Make the account active again in QuickBooks (Chart of Accounts > Include inactive).",
                )
            )
        if len(issues) > problems_before:
            blocked.update(required.kinds)
    taxed = [k for k in kinds if k.sales_tax_codes]
    if company.is_sales_tax_on and taxed:
        tax_issues = _tax_issues(company.country, tax_codes, vendors)
        if tax_issues:
            issues += tax_issues
            blocked.update(k.slug for k in taxed)
    timed = [k for k in kinds if k.time_tracking]
    if timed and not company.is_time_tracking_on:
        blocked.update(k.slug for k in timed)
        labels = " and ".join(f"{k.label}s" for k in timed)
        issues.append(
            Issue(
                code="time_tracking_off",
                message=f"{labels} are enabled but time tracking is turned off in the QuickBooks company file.",
                fix="In QuickBooks, Edit > Preferences > Time & Expenses > Company Preferences: turn on time "
                f"tracking, or turn off the connector's transfer of {labels.lower()}.",
            )
        )
    stocked = [k for k in kinds if k.inventory]
    if stocked and not company.is_using_inventory:
        blocked.update(k.slug for k in stocked)
        issues.append(
            Issue(
                code="inventory_off",
                message="Purchase orders and inventory sync are enabled but inventory is turned off in the "
                "QuickBooks company file.",
                fix="In QuickBooks, Edit > Preferences > Items & Inventory > Company Preferences: turn on "
                '"Inventory and purchase orders are active", or turn off the connector\'s transfer of purchase '
                "orders and inventory.",
            )
        )
    return CheckOutcome(to_create=to_create, issues=issues, blocked=blocked)


def _tax_issues(
    country: str, tax_codes: list[dict[str, Any]], vendors: list[dict[str, Any]] | None
) -> list[Issue]:
    issues: list[Issue] = []
    existing = {str(c["name"]).lower() for c in tax_codes if c.get("is_active", True)}
    for code in tax_code_names(country):
        if code.lower() not in existing:
            issues.append(
                Issue(
                    code="sales_tax_code_missing",
                    message=f'Sales tax is on in the company file, but the sales tax code "{code}" does not exist '
                    "or is inactive.",
                    fix=f'Create (or reactivate) the sales tax code "{code}" in QuickBooks (Lists > Sales Tax '
                    "Code List).",
                )
            )
    if vendors is not None and not any(v.get("type") == "sales_tax_agency" for v in vendors):
        issues.append(
            Issue(
                code="sales_tax_agency_missing",
                message="Sales tax is on in the company file, but no vendor is set up as a sales tax agency.",
                fix="In QuickBooks, create the tax agency as a vendor and mark it as a sales tax agency "
                "(Vendor > Tax Settings), usually while setting up a sales tax item.",
            )
        )
    return issues


class CompanyCheckStep:
    """Runs ``check_company`` once the accounts and tax codes are read, then creates what the bridge may."""

    key = "check"

    def __init__(self, depends_on: tuple[str, ...], kinds: list[KindRequirements]) -> None:
        self.depends_on = depends_on
        self.kinds = kinds

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "to_create" in state:
            return
        if ctx.failed_steps & set(self.depends_on):
            # Checking against lists QuickBooks did not return would report things missing that are not.
            ctx.add_configuration_issue(
                "company_check_skipped",
                "The company file could not be checked because QuickBooks did not return all the lists needed.",
                "See the list read issues above; the check runs again in the next conversation.",
            )
            state["to_create"] = []
            state["blocked"] = sorted(k.slug for k in self.kinds)
            return
        outcome = check_company(
            ctx.connector,
            self.kinds,
            ctx.company,
            ctx.list_source.entries("accounts") or [],
            ctx.list_source.entries("sales-tax-codes") or [],
            ctx.list_source.entries("vendors"),
        )
        for issue in outcome.issues:
            ctx.add_configuration_issue(issue.code, issue.message, issue.fix)
        state["to_create"] = [list(pair) for pair in outcome.to_create]
        state["blocked"] = sorted(outcome.blocked)

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        return [
            (f"a{i}", build_account_add(f"a{i}", name=name, account_type=account_type))
            for i, (name, account_type) in enumerate(state.get("to_create", []))
            if i not in state.get("answered", [])
        ]

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        index = int(tag.removeprefix("a"))
        name, account_type = state["to_create"][index]
        state.setdefault("answered", []).append(index)
        if response.is_error and response.status_code != NAME_IN_USE:
            entry = explain_status(response.status_code, response.status_message)
            # The kinds that need this account wait.
            kinds = {
                slug
                for required in required_accounts(self.kinds)
                if getattr(ctx.connector.accounts, required.setting) == name
                for slug in required.kinds
            }
            state["blocked"] = sorted(set(state.get("blocked", [])) | kinds)
            ctx.add_configuration_issue(
                "account_create_failed",
                f'QuickBooks did not create the {account_type} account "{name}": {entry.explanation}',
                f'{entry.fix} Or create the account "{name}" in QuickBooks yourself.',
            )

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        return None

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        return None

    def is_done(self, state: dict[str, Any]) -> bool:
        return "to_create" in state and len(state.get("answered", [])) >= len(state["to_create"])

    def remaining_messages(self, state: dict[str, Any]) -> int:
        if "to_create" not in state:
            return 1
        return 0 if self.is_done(state) else 1

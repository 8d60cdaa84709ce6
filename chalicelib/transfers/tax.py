"""Sales tax codes by country: US files use ``Tax`` / ``Non``, Canadian and UK files ``S`` / ``E``."""

from __future__ import annotations

from chalicelib.qbxml.hcp import CompanyInfo, tax_code_names


def customer_tax_code(company: CompanyInfo, tax_exempt: bool) -> str | None:
    """The customer's sales tax code (None when the company file has sales tax off)."""
    if not company.is_sales_tax_on:
        return None
    taxable, exempt = tax_code_names(company.country)
    return exempt if tax_exempt else taxable


def line_tax_code(company: CompanyInfo, *, taxable: bool | None, tax_exempt: bool) -> str | None:
    """A line's code: non-taxable for an exempt organization or a line marked not taxable."""
    if not company.is_sales_tax_on:
        return None
    taxable_code, exempt_code = tax_code_names(company.country)
    if tax_exempt or taxable is False:
        return exempt_code
    return taxable_code

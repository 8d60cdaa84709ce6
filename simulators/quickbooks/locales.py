"""What differs between the US, Canadian and UK editions as far as the simulated company file goes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from simulators.quickbooks.entities import Address


@dataclass(frozen=True)
class Locale:
    """One edition's currency, sales tax setup and the places its sample data lives in."""

    currency: str  # the home currency's name in the QuickBooks currency list
    company_address: Address
    places: tuple[tuple[str, str, str], ...]  # (city, state/province/county, postal code)
    taxable_code: tuple[str, str]  # (name, description) of the default taxable sales tax code
    exempt_code: tuple[str, str]
    tax_agency: str
    tax_item: tuple[str, str, Decimal]  # (name, description, rate in percent)
    tax_liability_account: str


LOCALES: dict[str, Locale] = {
    "US": Locale(
        currency="US Dollar",
        company_address=Address(
            addr1="1200 Harbor Boulevard", city="Sacramento", state="CA", postal_code="95814"
        ),
        places=(
            ("Sacramento", "CA", "95814"),
            ("Portland", "OR", "97205"),
            ("Austin", "TX", "78701"),
            ("Denver", "CO", "80202"),
            ("Columbus", "OH", "43215"),
            ("Raleigh", "NC", "27601"),
        ),
        taxable_code=("Tax", "Taxable Sales"),
        exempt_code=("Non", "Non-Taxable Sales"),
        tax_agency="State Board of Equalization",
        tax_item=("State Sales Tax", "Sales tax collected for the state", Decimal("7.25")),
        tax_liability_account="Sales Tax Payable",
    ),
    "CA": Locale(
        currency="Canadian Dollar",
        company_address=Address(
            addr1="220 King Street West", city="Toronto", state="ON", postal_code="M5H 1K4"
        ),
        places=(
            ("Toronto", "ON", "M5H 1K4"),
            ("Ottawa", "ON", "K1P 5J2"),
            ("Vancouver", "BC", "V6B 1A1"),
            ("Calgary", "AB", "T2P 1J9"),
            ("Halifax", "NS", "B3J 1S9"),
        ),
        taxable_code=("S", "Standard"),
        exempt_code=("E", "Exempt"),
        tax_agency="Receiver General",
        tax_item=("GST", "Goods and services tax", Decimal("5")),
        tax_liability_account="GST/HST Payable",
    ),
    "UK": Locale(
        currency="British Pound Sterling",
        company_address=Address(addr1="14 Market Street", city="Manchester", postal_code="M1 1PT"),
        places=(
            ("Manchester", "Greater Manchester", "M1 1PT"),
            ("Leeds", "West Yorkshire", "LS1 4DY"),
            ("Bristol", "Bristol", "BS1 4DJ"),
            ("Glasgow", "Glasgow City", "G1 1XQ"),
        ),
        taxable_code=("S", "Standard"),
        exempt_code=("E", "Exempt"),
        tax_agency="HM Revenue & Customs",
        tax_item=("VAT", "Value added tax", Decimal("20")),
        tax_liability_account="VAT Liability",
    ),
}


def locale_for(country: str) -> Locale:
    """The edition of ``country`` ("US", "CA" or "UK")."""
    try:
        return LOCALES[country]
    except KeyError:
        raise ValueError(f"the simulator knows the US, CA and UK editions, not {country!r}") from None

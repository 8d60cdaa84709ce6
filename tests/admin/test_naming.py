"""Naming conventions: how created QuickBooks names are formed, and the templates an admin may write."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import ValidationError

from chalicelib.domain.mapping import (
    InvalidQbName,
    NameTooLong,
    NamingConventions,
    TemplateError,
    customer_name,
    item_name,
    render_name,
)


@dataclass(frozen=True)
class Org:
    id: str
    name: str


def test_tilde_is_a_sub_level_and_a_literal_colon_becomes_a_dash() -> None:
    values = {"role": "Engineer: Senior", "work_type": "Remote~After hours"}
    assert render_name("{role} ~ {work_type}", values, limit=31, what="item name") == (
        "Engineer- Senior:Remote:After hours"
    )


def test_levels_are_trimmed_and_plain_text_is_kept() -> None:
    assert render_name("PSA ~ {code} ", {"code": "  Remote  "}, limit=31, what="item name") == "PSA:Remote"


@pytest.mark.parametrize(
    ("limit", "level"),
    [(31, "x" * 31), (41, "y" * 41)],
    ids=["items-and-accounts", "customers-vendors-employees"],
)
def test_each_level_may_use_the_whole_limit(limit: int, level: str) -> None:
    name = render_name("{a}~{b}", {"a": level, "b": level}, limit=limit, what="name")
    assert name == f"{level}:{level}" and len(name) == 2 * limit + 1  # QuickBooks checks per level


@pytest.mark.parametrize("limit", [31, 41])
def test_a_level_over_the_limit_is_refused_not_truncated(limit: int) -> None:
    long_level = "Z" * (limit + 1)
    with pytest.raises(NameTooLong) as refused:
        render_name("Top~{code}", {"code": long_level}, limit=limit, what="item name for billing code 'Z'")
    error = refused.value
    assert isinstance(error, ValueError)
    assert (error.what, error.segment, error.length, error.limit) == (
        "item name for billing code 'Z'",
        long_level,
        limit + 1,
        limit,
    )
    assert error.name == f"Top:{long_level}"
    message = str(error)
    assert long_level in message and f"{limit + 1} characters" in message and f"allows {limit}" in message


@pytest.mark.parametrize(
    ("template", "values"),
    [
        ("{a}~~{b}", {"a": "x", "b": "y"}),
        ("~{a}", {"a": "x"}),
        ("{a}~", {"a": "x"}),
        ("{a}~{b}", {"a": "x", "b": "  "}),
        ("{a}", {"a": ""}),
    ],
)
def test_empty_levels_are_refused(template: str, values: dict[str, str]) -> None:
    with pytest.raises(InvalidQbName, match="empty level"):
        render_name(template, values, limit=31, what="item name")


def test_more_than_five_levels_are_refused() -> None:
    assert render_name("{a}", {"a": "1~2~3~4~5"}, limit=31, what="item name") == "1:2:3:4:5"
    with pytest.raises(InvalidQbName, match="6 levels deep"):
        render_name("{a}", {"a": "1~2~3~4~5~6"}, limit=31, what="item name")


def test_a_placeholder_without_a_value_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match=r"\{role\}"):
        render_name("{billing_code}~{role}", {"billing_code": "x"}, limit=31, what="item name")


def test_item_name_uses_the_convention_and_tells_what_to_change() -> None:
    conventions = NamingConventions(item="{line_of_business}~{billing_code}")
    assert item_name(conventions, "Remote: Support", line_of_business="Managed") == "Managed:Remote- Support"
    assert item_name(NamingConventions(), "Remote Support") == "Remote Support"
    long_code = "Remote support for the whole office network"
    with pytest.raises(NameTooLong) as refused:
        item_name(NamingConventions(), long_code)
    message = str(refused.value)
    assert "billing-codes mapping" in message and "item naming convention" in message
    assert refused.value.fix in message  # a transfer error can carry the fix on its own
    assert refused.value.length == len(long_code) and refused.value.limit == 31


def test_item_name_with_a_missing_value_fails_only_when_a_level_is_empty() -> None:
    conventions = NamingConventions(item="{billing_code} {role}")
    assert item_name(conventions, "Support") == "Support"
    with pytest.raises(InvalidQbName, match="empty level"):
        item_name(NamingConventions(item="{billing_code}~{role}"), "Support")
    with pytest.raises(TypeError):
        item_name(conventions, "Support", colour="red")


def test_customer_name_allows_41_per_level_and_names_the_fix() -> None:
    fits = Org(id="ORG-7", name="A" * 41)
    assert customer_name(NamingConventions(), fits) == "A" * 41
    assert customer_name(
        NamingConventions(customer="{organization} ({organization_id})"), Org("7", "Acme")
    ) == ("Acme (7)")
    assert customer_name(NamingConventions(), Org("7", "Acme~Dental office")) == "Acme:Dental office"
    with pytest.raises(NameTooLong) as refused:
        customer_name(NamingConventions(), Org(id="ORG-8", name="B" * 42))
    assert refused.value.limit == 41 and "ORG-8" in str(refused.value)
    assert "customer naming convention" in str(refused.value)


def test_default_conventions() -> None:
    conventions = NamingConventions()
    assert (conventions.item, conventions.customer) == ("{billing_code}", "{organization}")


@pytest.mark.parametrize(
    ("field", "template", "mentions"),
    [
        ("item", "{billing_code}~{colour}", "{colour}"),
        ("item", "{organization}", "{organization}"),  # a customer placeholder is not an item one
        ("customer", "{billing_code}", "{billing_code}"),
        ("item", "{billing_code", "unbalanced '{'"),
        ("item", "billing_code}", "unbalanced '}'"),
        ("item", "{{billing_code}}", "unbalanced"),
        ("item", "{billing_code:>10}", "{billing_code:>10}"),
        ("item", "{}", "{}"),
        ("item", "Fixed name", "no placeholder"),
        ("item", "{role}:{work_type}", "'~'"),
        ("item", "{role}~~{work_type}", "empty level"),
        ("item", "An overly long fixed prefix text {billing_code}", "allows 31"),
        ("customer", "{organization}~", "empty level"),
        ("item", "", "at least 1 character"),
    ],
)
def test_bad_templates_are_refused_naming_the_problem(field: str, template: str, mentions: str) -> None:
    with pytest.raises(ValidationError) as refused:
        NamingConventions.model_validate({field: template})
    (error,) = refused.value.errors()
    assert error["loc"] == (field,) and mentions in error["msg"]


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        NamingConventions.model_validate({"vendor": "{resource}"})


@pytest.mark.parametrize(
    "template",
    ["{role}~{work_type}", "PSA ~ {billing_code}", "{billing_code} ({work_type})", "{line_of_business}"],
)
def test_good_item_templates_are_kept(template: str) -> None:
    assert NamingConventions(item=template).item == template

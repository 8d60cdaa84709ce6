"""Mapping sets and naming conventions against moto: sizes, replacement (routes: ``test_routes.py``)."""

from __future__ import annotations

import random
import string
from typing import Any

import pytest

from chalicelib.domain.mapping import NamingConventions
from chalicelib.errors import PayloadTooLarge
from chalicelib.store.mappings import MappingRepository
from chalicelib.store.routes import RouteRepository
from tests.conftest import table_snapshot

NOW = "2026-11-20T09:00:00.000000Z"
LATER = "2026-11-20T10:00:00.000000Z"


def _billing_codes(count: int) -> list[dict[str, Any]]:
    return [
        {"source": f"Billing code {n:05d}", "item": f"Services:Code {n:05d}", "income_account": "PSA Other"}
        for n in range(count)
    ]


def test_a_set_never_put_is_empty(table: Any) -> None:
    repository = MappingRepository(table)
    assert repository.get("c1", "billing-codes") == []
    assert repository.read("c1", "billing-codes") is None


def test_five_thousand_entries_round_trip_in_one_small_item(table: Any) -> None:
    repository = MappingRepository(table)
    entries = _billing_codes(5000)
    repository.put("c1", "billing-codes", entries, now=NOW)
    stored = repository.read("c1", "billing-codes")
    assert stored is not None and stored.entries == entries and stored.updated_at == NOW
    (item,) = [i for i in table_snapshot(table) if i["SK"] == "MAPPING#billing-codes"]
    assert item["PK"] == "CONNECTOR#c1" and item["count"] == 5000
    assert len(item["entries"].value) < 100_000  # far below DynamoDB's 400 KB


def test_put_replaces_the_set_and_kinds_and_connectors_stay_apart(table: Any) -> None:
    repository = MappingRepository(table)
    repository.put("c1", "billing-codes", _billing_codes(3), now=NOW)
    repository.put("c1", "expense-categories", [{"source": "Travel", "account": "Travel"}], now=NOW)
    repository.put("c2", "billing-codes", _billing_codes(1), now=NOW)
    repository.put(
        "c1", "billing-codes", [{"source": "Only", "item": None, "income_account": None}], now=LATER
    )
    stored = repository.read("c1", "billing-codes")
    assert stored is not None and stored.entries == [{"source": "Only", "item": None, "income_account": None}]
    assert stored.updated_at == LATER
    assert repository.get("c1", "expense-categories") == [{"source": "Travel", "account": "Travel"}]
    assert len(repository.get("c2", "billing-codes")) == 1
    repository.put("c1", "billing-codes", [], now=LATER)
    assert repository.get("c1", "billing-codes") == []


def test_an_incompressible_set_is_refused_and_nothing_changes(table: Any) -> None:
    repository = MappingRepository(table)
    repository.put("c1", "billing-codes", _billing_codes(2), now=NOW)
    before = table_snapshot(table)
    noise = random.Random(7)
    alphabet = string.ascii_letters + string.digits
    entries = [{"source": "".join(noise.choices(alphabet, k=200))} for _ in range(3000)]
    with pytest.raises(PayloadTooLarge) as refused:
        repository.put("c1", "billing-codes", entries, now=LATER)
    assert refused.value.code == "mapping_too_large"
    assert table_snapshot(table) == before


def test_naming_conventions_default_until_set(table: Any) -> None:
    repository = MappingRepository(table)
    assert repository.get_naming("c1") == NamingConventions()
    chosen = NamingConventions(item="{role}~{work_type}", customer="{organization} ({organization_id})")
    repository.put_naming("c1", chosen, now=NOW)
    assert repository.get_naming("c1") == chosen
    assert repository.get_naming("c2") == NamingConventions()


def test_naming_conventions_written_by_a_newer_version_still_read(table: Any) -> None:
    table.put_item(
        Item={"PK": "CONNECTOR#c1", "SK": "NAMING", "item": "{billing_code}", "customer": "{organization}",
              "vendor": "{resource}", "updated_at": NOW}
    )  # fmt: skip
    assert MappingRepository(table).get_naming("c1") == NamingConventions()


def test_connector_for_still_answers_for_old_callers(table: Any) -> None:
    """The enqueue path asks ``mappings.connector_for``; it answers from the routes (one item per route)."""
    routes = RouteRepository(table)
    repository = MappingRepository(table, routes=routes)
    assert repository.connector_for("ORG-7", "default") == "default"
    routes.set("organization", "ORG-7", "c2", now=NOW)
    assert repository.connector_for("ORG-7", "default") == "c2"
    assert MappingRepository(table).connector_for("ORG-7", "default") == "c2"

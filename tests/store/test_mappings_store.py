"""Mapping sets, naming conventions and organization routes against moto: sizes, replacement, races, cache."""

from __future__ import annotations

import random
import string
from typing import Any

import pytest

from chalicelib.domain.mapping import NamingConventions
from chalicelib.errors import ConcurrentUpdate, Conflict, PayloadTooLarge
from chalicelib.store import mappings as mappings_module
from chalicelib.store.mappings import MappingRepository
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


def test_routes_route_and_unroute(table: Any) -> None:
    repository = MappingRepository(table)
    assert repository.routes() == {}
    assert repository.connector_for("ORG-7", "default") == "default"
    repository.route("ORG-7", "c2", now=NOW)
    repository.route("ORG-8", "c3", now=NOW)
    repository.route("ORG-7", "c3", now=LATER)
    assert repository.routes() == {"ORG-7": "c3", "ORG-8": "c3"}
    assert repository.connector_for("ORG-7", "default") == "c3"
    assert repository.unroute("ORG-7", now=LATER) is True
    assert repository.unroute("ORG-7", now=LATER) is False
    assert MappingRepository(table).routes() == {"ORG-8": "c3"}


def test_an_unchanged_route_writes_nothing(table: Any) -> None:
    repository = MappingRepository(table)
    repository.route("ORG-7", "c2", now=NOW)
    before = table_snapshot(table)
    repository.route("ORG-7", "c2", now=LATER)
    repository.unroute("ORG-unknown", now=LATER)
    assert table_snapshot(table) == before


class RacingTable:
    """The table, except that another admin's change lands right after each of the first ``races`` reads
    of the routes: the window between reading the map and writing it back."""

    def __init__(self, table: Any, races: int, other_change: Any) -> None:
        self._table = table
        self._races = races
        self._other_change = other_change

    def get_item(self, **kwargs: Any) -> Any:
        answer = self._table.get_item(**kwargs)
        if kwargs["Key"] == {"PK": "META", "SK": "ORG_ROUTES"} and self._races > 0:
            self._races -= 1
            self._other_change()
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


@pytest.mark.parametrize("existing", [False, True], ids=["first-route-ever", "existing-routes"])
def test_concurrent_route_changes_both_survive(table: Any, existing: bool) -> None:
    other = MappingRepository(table)
    if existing:
        other.route("ORG-1", "c1", now=NOW)
    racing = MappingRepository(RacingTable(table, 1, lambda: other.route("ORG-B", "c2", now=NOW)))
    racing.route("ORG-A", "c3", now=LATER)
    expected = {"ORG-A": "c3", "ORG-B": "c2"} | ({"ORG-1": "c1"} if existing else {})
    assert MappingRepository(table).routes() == expected


def test_concurrent_unroute_keeps_the_other_change(table: Any) -> None:
    other = MappingRepository(table)
    other.route("ORG-A", "c1", now=NOW)
    racing = MappingRepository(RacingTable(table, 1, lambda: other.route("ORG-B", "c2", now=NOW)))
    assert racing.unroute("ORG-A", now=LATER) is True
    assert MappingRepository(table).routes() == {"ORG-B": "c2"}


def test_a_change_that_keeps_losing_is_a_concurrent_update(table: Any) -> None:
    other = MappingRepository(table)
    counter = iter(range(100))
    racing = MappingRepository(
        RacingTable(table, 100, lambda: other.route(f"ORG-{next(counter)}", "c2", now=NOW))
    )
    with pytest.raises(ConcurrentUpdate):
        racing.route("ORG-A", "c3", now=LATER)
    routes = MappingRepository(table).routes()
    assert "ORG-A" not in routes and len(routes) == mappings_module.ROUTE_WRITE_ATTEMPTS


def test_route_count_is_capped(table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mappings_module, "MAX_ROUTES", 2)
    repository = MappingRepository(table)
    repository.route("ORG-1", "c2", now=NOW)
    repository.route("ORG-2", "c2", now=NOW)
    repository.route("ORG-2", "c3", now=NOW)  # moving a routed organization is still allowed
    before = table_snapshot(table)
    with pytest.raises(Conflict) as refused:
        repository.route("ORG-3", "c2", now=NOW)
    assert refused.value.code == "too_many_routes"
    assert table_snapshot(table) == before


class Monotonic:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def test_cached_routes_are_at_most_ten_seconds_old(table: Any) -> None:
    ticks = Monotonic()
    enqueue_side = MappingRepository(table, monotonic=ticks)
    admin_side = MappingRepository(table)
    assert enqueue_side.connector_for("ORG-7", "default") == "default"
    admin_side.route("ORG-7", "c2", now=NOW)
    ticks.seconds += 9
    assert enqueue_side.connector_for("ORG-7", "default") == "default"
    assert enqueue_side.routes_cached() == {}
    ticks.seconds += 1
    assert enqueue_side.connector_for("ORG-7", "default") == "c2"
    admin_side.unroute("ORG-7", now=LATER)
    assert enqueue_side.routes_cached(max_age_seconds=0) == {}


def test_own_changes_show_at_once_and_the_cache_cannot_be_changed_from_outside(table: Any) -> None:
    repository = MappingRepository(table, monotonic=Monotonic())
    assert repository.routes_cached() == {}
    repository.route("ORG-7", "c2", now=NOW)
    cached = repository.routes_cached()
    assert cached == {"ORG-7": "c2"}
    cached["ORG-7"] = "elsewhere"
    assert repository.connector_for("ORG-7", "default") == "c2"

"""Organization and resource routes against moto (thousands of routes against dynalite): one item per route,
no cap, the cache, the old single item."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from chalicelib.errors import ConcurrentUpdate, InvalidInput
from chalicelib.store import Store
from chalicelib.store import migrations as migrations_module
from chalicelib.store.migrations import migrate_organization_routes
from chalicelib.store.routes import LEGACY_ROUTES_KEY, ROUTE_MAX_AGE_SECONDS, RouteRepository
from tests.conftest import table_snapshot

NOW = "2026-11-20T09:00:00.000000Z"
LATER = "2026-11-20T10:00:00.000000Z"


class Monotonic:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


class CountingTable:
    """The table, counting the reads of each key (``get_item``) and every write."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self.reads: Counter[str] = Counter()
        self.writes = 0
        self.queries = 0

    def query(self, **kwargs: Any) -> Any:
        self.queries += 1
        return self._table.query(**kwargs)

    def get_item(self, **kwargs: Any) -> Any:
        self.reads[kwargs["Key"]["PK"]] += 1
        return self._table.get_item(**kwargs)

    def put_item(self, **kwargs: Any) -> Any:
        self.writes += 1
        return self._table.put_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


def _legacy_item(table: Any, routes: dict[str, str], version: int = 3) -> None:
    """The single routes item earlier versions wrote."""
    table.put_item(Item={**LEGACY_ROUTES_KEY, "routes": routes, "version": version, "updated_at": NOW})


def _items(table: Any) -> list[dict[str, Any]]:
    return [i for i in table_snapshot(table) if str(i["PK"]).startswith("ROUTE#")]


# --- one item per route --------------------------------------------------------------------------------


def test_route_and_unroute_with_organizations_and_resources_apart(table: Any) -> None:
    routes = RouteRepository(table)
    assert routes.get("organization", "ORG-7") is None
    assert routes.connector_for("organization", "ORG-7", "default") == "default"
    assert routes.set("organization", "ORG-7", "c2", now=NOW) is True
    assert routes.set("resource", "ORG-7", "c3", now=NOW) is True  # the same id in the other namespace
    assert routes.set("organization", "ORG-7", "c3", now=LATER) is True
    fresh = RouteRepository(table)
    assert fresh.get("organization", "ORG-7") == "c3"
    assert fresh.connector_for("resource", "ORG-7", "default") == "c3"
    assert fresh.connector_for("resource", "R-1", "default") == "default"
    assert routes.delete("organization", "ORG-7", now=LATER) is True
    assert routes.delete("organization", "ORG-7", now=LATER) is False
    assert RouteRepository(table).get("organization", "ORG-7") is None
    assert RouteRepository(table).get("resource", "ORG-7") == "c3"


def test_each_route_is_an_item_of_its_own_with_the_documented_keys(table: Any) -> None:
    routes = RouteRepository(table)
    routes.set("organization", "ORG-7", "c2", now=NOW)
    routes.set("resource", "R-12", "c3", now=LATER)
    assert _items(table) == [
        {"PK": "ROUTE#ORG#ORG-7", "SK": "ROUTE", "GSI1PK": "ROUTES#ORG", "GSI1SK": "ORG-7",
         "namespace": "organization", "source_id": "ORG-7", "connector_id": "c2", "updated_at": NOW},
        {"PK": "ROUTE#RES#R-12", "SK": "ROUTE", "GSI1PK": "ROUTES#RES", "GSI1SK": "R-12",
         "namespace": "resource", "source_id": "R-12", "connector_id": "c3", "updated_at": LATER},
    ]  # fmt: skip


def test_an_unchanged_route_writes_nothing(table: Any) -> None:
    routes = RouteRepository(table)
    routes.set("organization", "ORG-7", "c2", now=NOW)
    before = table_snapshot(table)
    assert routes.set("organization", "ORG-7", "c2", now=LATER) is False
    assert routes.delete("organization", "ORG-unknown", now=LATER) is False
    assert routes.delete("resource", "ORG-7", now=LATER) is False
    assert table_snapshot(table) == before


def test_changes_to_different_ids_from_two_processes_both_survive(table: Any) -> None:
    first, second = RouteRepository(table), RouteRepository(table)
    assert first.get("organization", "ORG-A") is None and second.get("organization", "ORG-B") is None
    first.set("organization", "ORG-A", "c1", now=NOW)
    second.set("organization", "ORG-B", "c2", now=NOW)
    second.delete("organization", "ORG-A", now=LATER)
    first.set("organization", "ORG-C", "c3", now=LATER)
    fresh = RouteRepository(table)
    assert [fresh.get("organization", o) for o in ("ORG-A", "ORG-B", "ORG-C")] == [None, "c2", "c3"]


def test_ids_longer_than_a_route_may_have_are_never_looked_up(table: Any) -> None:
    counting = CountingTable(table)
    routes = RouteRepository(counting)
    assert routes.connector_for("organization", "9" * 101, "default") == "default"
    assert routes.connector_for("resource", "", "default") == "default"
    assert routes.delete("organization", "9" * 101, now=NOW) is False
    assert sum(counting.reads.values()) == 0
    with pytest.raises(ValueError, match="1 to 100"):
        routes.set("organization", "9" * 101, "c1", now=NOW)
    routes.set("organization", "9" * 100, "c1", now=NOW)
    assert RouteRepository(table).get("organization", "9" * 100) == "c1"


@pytest.mark.dynalite  # thousands of items: see the table fixture
def test_three_thousand_routes_beyond_the_old_cap_listed_page_by_page(table: Any) -> None:
    routes = RouteRepository(table)
    wanted = {f"ORG-{n:05d}": f"c{n % 3}" for n in range(3000)}
    routes.put_many("organization", wanted, now=NOW)
    routes.set("resource", "R-1", "c9", now=NOW)  # another namespace, another index partition
    listed: dict[str, str] = {}
    cursor = None
    pages = 0
    while True:
        page = routes.list("organization", limit=1000, cursor=cursor)
        listed.update((r.source_id, r.connector_id) for r in page.routes)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert listed == wanted and list(listed) == sorted(wanted) and pages in {3, 4}
    fresh = RouteRepository(table)
    assert [fresh.connector_for("organization", f"ORG-{n:05d}", "d") for n in (0, 1, 2999)] == [
        "c0",
        "c1",
        "c2",
    ]
    assert fresh.connector_for("organization", "ORG-03000", "d") == "d"


def test_list_by_prefix_and_cursor(table: Any) -> None:
    routes = RouteRepository(table)
    routes.put_many("organization", {f"ORG-{n:03d}": "c1" for n in range(30)}, now=NOW)
    routes.put_many("resource", {"R-1": "c2", "R-10": "c3", "R-2": "c2"}, now=NOW)
    page = routes.list("organization", prefix="ORG-01", limit=4)
    assert [r.source_id for r in page.routes] == ["ORG-010", "ORG-011", "ORG-012", "ORG-013"]
    assert page.next_cursor is not None
    rest = routes.list("organization", prefix="ORG-01", limit=10, cursor=page.next_cursor)
    assert [r.source_id for r in rest.routes] == [f"ORG-{n:03d}" for n in range(14, 20)]
    assert rest.next_cursor is None
    resources = routes.list("resource", prefix="R-1").routes
    assert [(r.namespace, r.source_id, r.connector_id, r.updated_at) for r in resources] == [
        ("resource", "R-1", "c2", NOW),
        ("resource", "R-10", "c3", NOW),
    ]
    for bad in ("%%%", "", "A" * 200):
        if bad:
            with pytest.raises(InvalidInput) as refused:
                routes.list("organization", cursor=bad)
            assert refused.value.code == "invalid_cursor"


# --- the per-process cache -----------------------------------------------------------------------------


def test_a_route_changed_elsewhere_reaches_the_enqueue_path_within_ten_seconds(table: Any) -> None:
    ticks = Monotonic()
    enqueue_side = RouteRepository(table, monotonic=ticks)
    admin_side = RouteRepository(table)
    assert ROUTE_MAX_AGE_SECONDS == 10
    assert enqueue_side.connector_for("organization", "ORG-7", "default") == "default"
    admin_side.set("organization", "ORG-7", "c2", now=NOW)
    ticks.seconds += 9.9
    assert enqueue_side.connector_for("organization", "ORG-7", "default") == "default"  # still cached
    ticks.seconds += 0.1
    assert enqueue_side.connector_for("organization", "ORG-7", "default") == "c2"
    admin_side.delete("organization", "ORG-7", now=LATER)
    assert enqueue_side.connector_for("organization", "ORG-7", "default") == "c2"
    assert enqueue_side.get_cached("organization", "ORG-7", max_age_seconds=0) is None
    ticks.seconds += 10
    assert enqueue_side.connector_for("organization", "ORG-7", "default") == "default"


def test_own_changes_show_at_once(table: Any) -> None:
    routes = RouteRepository(table, monotonic=Monotonic())
    assert routes.connector_for("resource", "R-1", "default") == "default"
    routes.set("resource", "R-1", "c2", now=NOW)
    assert routes.connector_for("resource", "R-1", "default") == "c2"
    routes.delete("resource", "R-1", now=LATER)
    assert routes.connector_for("resource", "R-1", "default") == "default"


def test_the_enqueue_path_reads_one_item_per_id_and_remembers_a_bounded_number(table: Any) -> None:
    RouteRepository(table).set("organization", "ORG-1", "c2", now=NOW)
    counting = CountingTable(table)
    routes = RouteRepository(counting, monotonic=Monotonic(), cache_size=3)
    for _ in range(5):
        assert routes.connector_for("organization", "ORG-1", "d") == "c2"
        assert routes.connector_for("organization", "ORG-2", "d") == "d"
        assert routes.connector_for("resource", "R-1", "d") == "d"
    # One GetItem per id; the old single item, asked for ids without an item of their own, once. Resources
    # have no route at all: one query says so, and no resource id is read.
    assert counting.reads == {"ROUTE#ORG#ORG-1": 1, "ROUTE#ORG#ORG-2": 1, "META": 1}
    assert counting.queries == 2
    routes.connector_for("organization", "ORG-3", "d")
    routes.connector_for("organization", "ORG-4", "d")  # a fourth id pushes out the least recently used one
    routes.connector_for("organization", "ORG-1", "d")
    assert counting.reads["ROUTE#ORG#ORG-1"] == 2 and counting.reads["ROUTE#ORG#ORG-2"] == 1


def test_with_no_route_at_all_enqueueing_reads_no_route(table: Any) -> None:
    counting = CountingTable(table)
    clock = Monotonic()
    routes = RouteRepository(counting, monotonic=clock)
    for n in range(200):
        assert routes.connector_for("organization", f"ORG-{n}", "d") == "d"
    assert counting.queries == 1 and counting.reads == {"META": 1}  # the earlier versions' item, once
    RouteRepository(table).set("organization", "ORG-5", "c2", now=NOW)  # another process routes one
    clock.seconds += 10
    assert routes.connector_for("organization", "ORG-5", "d") == "c2"  # within the 10 s window


def test_the_store_shares_one_cache_with_the_old_enqueue_call(table: Any) -> None:
    store = Store(table)
    store.routes.set("organization", "ORG-7", "c2", now=NOW)
    assert store.mappings.connector_for("ORG-7", "default") == "c2"


# --- the single routes item of earlier versions ---------------------------------------------------------


def test_the_old_item_is_honoured_until_migrated_and_an_item_of_its_own_wins(table: Any) -> None:
    _legacy_item(table, {"ORG-1": "c1", "ORG-2": "c2"})
    routes = RouteRepository(table)
    assert routes.connector_for("organization", "ORG-1", "d") == "c1"
    assert routes.get("organization", "ORG-2") == "c2"
    assert routes.connector_for("resource", "ORG-1", "d") == "d"  # it only ever held organizations
    assert routes.set("organization", "ORG-1", "c1", now=LATER) is False  # already goes there
    routes.set("organization", "ORG-2", "c3", now=LATER)
    assert RouteRepository(table).get("organization", "ORG-2") == "c3"


def test_removing_a_route_removes_it_from_the_old_item_too(table: Any) -> None:
    _legacy_item(table, {"ORG-1": "c1", "ORG-2": "c2"}, version=3)
    routes = RouteRepository(table)
    routes.set("organization", "ORG-1", "c3", now=NOW)
    assert routes.delete("organization", "ORG-1", now=LATER) is True
    assert routes.delete("organization", "ORG-2", now=LATER) is True
    assert routes.delete("organization", "ORG-2", now=LATER) is False
    assert RouteRepository(table).get("organization", "ORG-1") is None
    assert RouteRepository(table).get("organization", "ORG-2") is None
    old = table.get_item(Key=LEGACY_ROUTES_KEY)["Item"]
    # An older version still running rewrites the map only on the version it read: this change wins.
    assert old["routes"] == {} and old["version"] == 5 and old["updated_at"] == LATER


def test_the_old_item_counts_within_the_ten_second_window(table: Any) -> None:
    _legacy_item(table, {"ORG-1": "c1"})
    ticks = Monotonic()
    enqueue_side = RouteRepository(table, monotonic=ticks)
    assert enqueue_side.connector_for("organization", "ORG-1", "d") == "c1"
    ticks.seconds += 6
    assert (
        enqueue_side.connector_for("organization", "ORG-2", "d") == "d"
    )  # answered by the old item read at 0
    RouteRepository(table).delete("organization", "ORG-1", now=NOW)
    RouteRepository(table).delete("organization", "ORG-2", now=NOW)
    table.put_item(Item={**LEGACY_ROUTES_KEY, "routes": {"ORG-2": "c2"}, "version": 9, "updated_at": NOW})
    ticks.seconds += 4  # 10 s after the old item was read: neither answer may be used any more
    assert enqueue_side.connector_for("organization", "ORG-1", "d") == "d"
    assert enqueue_side.connector_for("organization", "ORG-2", "d") == "c2"


@pytest.mark.dynalite  # thousands of items: see the table fixture
def test_migration_moves_every_route_to_an_item_and_deletes_the_old_item(table: Any) -> None:
    old = {f"ORG-{n:04d}": f"c{n % 4}" for n in range(600)}
    _legacy_item(table, old)
    routes = RouteRepository(table)
    routes.set("organization", "ORG-0001", "c9", now=LATER)  # set since the upgrade: newer, kept
    done = migrate_organization_routes(table)
    assert done == {"organization_routes": 599, "organization_routes_kept": 1, "old_route_items": 1}
    assert table.get_item(Key=LEGACY_ROUTES_KEY).get("Item") is None
    fresh = RouteRepository(table)
    for org_id in ("ORG-0000", "ORG-0002", "ORG-0599"):
        assert fresh.get("organization", org_id) == old[org_id]
    assert fresh.get("organization", "ORG-0001") == "c9"
    migrated = table.get_item(Key={"PK": "ROUTE#ORG#ORG-0000", "SK": "ROUTE"})["Item"]
    assert (
        migrated["connector_id"] == "c0" and migrated["updated_at"] == NOW and migrated["migrated_from"] == 3
    )
    assert fresh.list("organization", prefix="ORG-000").routes[0].source_id == "ORG-0000"
    before = table_snapshot(table)
    assert migrate_organization_routes(table) == {}  # idempotent: nothing left to do
    assert table_snapshot(table) == before


def test_migration_without_an_old_item_does_nothing(table: Any) -> None:
    RouteRepository(table).set("organization", "ORG-1", "c1", now=NOW)
    before = table_snapshot(table)
    assert migrate_organization_routes(table) == {}
    assert table_snapshot(table) == before


class RacingTable:
    """The table, except that ``other_change`` runs right before the ``before``-th put (and each one after,
    ``times`` in all): another writer in the window between reading the old item and writing."""

    def __init__(self, table: Any, before: int, other_change: Any, times: int = 1) -> None:
        self._table = table
        self._before = before
        self._other_change = other_change
        self._times = times
        self._puts = 0

    def put_item(self, **kwargs: Any) -> Any:
        self._puts += 1
        if self._puts >= self._before and self._times > 0:
            self._times -= 1
            self._other_change()
        return self._table.put_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


def test_a_route_changed_while_the_migration_runs_stays_as_the_admin_left_it(table: Any) -> None:
    _legacy_item(table, {"ORG-1": "c1", "ORG-2": "c2", "ORG-3": "c3"})
    admin = RouteRepository(table)

    def admin_changes() -> None:  # after the migration read the old item, before it wrote anything
        admin.delete("organization", "ORG-1", now=LATER)
        admin.set("organization", "ORG-2", "c9", now=LATER)

    done = migrate_organization_routes(RacingTable(table, 1, admin_changes))
    assert done == {"organization_routes": 1, "organization_routes_kept": 1, "old_route_items": 1}
    fresh = RouteRepository(table)
    # ORG-1 was copied after the admin removed it: the next pass saw it gone and removed the copy.
    assert [fresh.get("organization", o) for o in ("ORG-1", "ORG-2", "ORG-3")] == [None, "c9", "c3"]
    assert table.get_item(Key=LEGACY_ROUTES_KEY).get("Item") is None
    assert [i["PK"] for i in _items(table)] == ["ROUTE#ORG#ORG-2", "ROUTE#ORG#ORG-3"]


def test_a_migration_that_keeps_losing_says_so(table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations_module, "ROUTE_MIGRATION_ATTEMPTS", 2)
    _legacy_item(table, {"ORG-1": "c1"}, version=1)
    version = iter(range(2, 100))

    def older_version_writes() -> None:  # an older version still running rewrites the map each time
        _legacy_item(table, {"ORG-1": "c1", "ORG-X": "c2"}, version=next(version))

    with pytest.raises(ConcurrentUpdate):
        migrate_organization_routes(RacingTable(table, 1, older_version_writes, times=100))
    assert table.get_item(Key=LEGACY_ROUTES_KEY).get("Item") is not None  # still honoured by reads
    assert RouteRepository(table).get("organization", "ORG-X") == "c2"

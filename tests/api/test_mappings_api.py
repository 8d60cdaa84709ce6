"""Mapping, naming-convention and routing (organization, resource) routes: contract, scopes, errors that store
nothing, and 20,000 routed organizations."""

from __future__ import annotations

import json
import random
import string
from typing import Any

import pytest

from chalicelib.domain.connector import ConnectorCreate
from chalicelib.domain.mapping import MAPPING_KINDS, TARGET_LISTS, MappingKind
from tests.conftest import Admin, table_snapshot
from tests.transfers.invoice_factory import invoice

NOW = "2026-11-20T09:00:00.000000Z"
MAPPINGS_PATH = "/api/connectors/{connector_id}/mappings/{kind}"

VALID_SETS: dict[str, list[dict[str, Any]]] = {
    "billing-codes": [
        {"source": "Remote Support", "item": "Services:Remote Support", "income_account": None},
        {"source": "Onsite", "item": None, "income_account": "Income:Onsite"},
        {"source": "Project", "item": None, "income_account": None},
    ],
    "expense-categories": [
        {"source": "Mileage", "account": "Travel:Mileage", "billable": True, "reimbursable": True},
        {"source": "Meals", "account": "Meals", "billable": False, "reimbursable": False},
    ],
    "lines-of-business": [{"source": "Managed Services", "class": "Services:Managed:East:Team A:Desk"}],
    "resources": [
        {"source": "R-1", "employee": "Jane Doe", "vendor": None},
        {"source": "R-2", "employee": None, "vendor": "John Contractor LLC"},
        {"source": "R-3", "employee": "Sam Both", "vendor": "Sam Both Consulting"},
    ],
    "payroll-categories": [{"source": "Regular", "payroll_item": "Hourly Regular"}],
}


def _connector(store: Any, name: str = "Main", **settings: Any) -> str:
    return str(store.connectors.create(ConnectorCreate(name=name, **settings), now=NOW).id)


def _send(client: Any, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    raw = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    return client.http.request(method=method, path=path, headers=headers, body=raw)


def _mappings_path(connector_id: str, kind: str) -> str:
    return MAPPINGS_PATH.format(connector_id=connector_id, kind=kind)


def _store_list(store: Any, connector_id: str, list_name: str, full_names: list[str]) -> None:
    entries = [
        {
            "list_id": f"{n}-1",
            "name": full.rsplit(":", 1)[-1],
            "full_name": full,
            "type": None,
            "is_active": True,
        }
        for n, full in enumerate(full_names)
    ]
    store.qb_lists.write_page(connector_id, list_name, generation="t1", page=0, entries=entries)
    store.qb_lists.commit(connector_id, list_name, generation="t1", read_at=NOW, count=len(entries))


# --- mappings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", MAPPING_KINDS)
def test_a_mapping_set_round_trips(
    client: Any, store: Any, admin_headers: dict[str, str], kind: MappingKind
) -> None:
    connector_id = _connector(store)
    path = _mappings_path(connector_id, kind)
    empty = _send(client, "GET", path, admin_headers)
    assert empty.status_code == 200
    assert empty.json_body == {
        "connector_id": connector_id,
        "kind": kind,
        "updated_at": None,
        "lists_read_at": {},
        "entries": [],
    }
    put = _send(client, "PUT", path, admin_headers, {"entries": VALID_SETS[kind]})
    assert put.status_code == 200, put.body
    got = _send(client, "GET", path, admin_headers).json_body
    assert got == put.json_body and got["updated_at"] is not None
    assert [
        {k: v for k, v in e.items() if k not in {"known", "unknown_targets"}} for e in got["entries"]
    ] == (VALID_SETS[kind])
    # No QuickBooks list has been read yet: nothing can be judged, except an entry that names nothing.
    names_something = [any(e.get(field) for field in TARGET_LISTS[kind]) for e in VALID_SETS[kind]]
    assert [e["known"] for e in got["entries"]] == [None if named else True for named in names_something]


def test_put_fills_defaults_trims_and_replaces_the_set(
    client: Any, store: Any, admin_headers: dict[str, str]
) -> None:
    connector_id = _connector(store)
    path = _mappings_path(connector_id, "expense-categories")
    first = [{"source": "  Mileage ", "account": "Travel"}, {"source": "Meals", "account": "Meals"}]
    answer = _send(client, "PUT", path, admin_headers, {"entries": first}).json_body
    assert answer["entries"][0] == {
        "source": "Mileage",
        "account": "Travel",
        "billable": False,
        "reimbursable": False,
        "known": None,
        "unknown_targets": [],
    }
    _send(client, "PUT", path, admin_headers, {"entries": [{"source": "Hotel", "account": "Lodging"}]})
    entries = _send(client, "GET", path, admin_headers).json_body["entries"]
    assert [e["source"] for e in entries] == ["Hotel"]


def test_five_thousand_entries_are_accepted(client: Any, store: Any, admin_headers: dict[str, str]) -> None:
    connector_id = _connector(store)
    path = _mappings_path(connector_id, "billing-codes")
    entries = [{"source": f"Code {n}", "item": f"Services:Item {n}"} for n in range(5000)]
    assert _send(client, "PUT", path, admin_headers, {"entries": entries}).status_code == 200
    assert len(_send(client, "GET", path, admin_headers).json_body["entries"]) == 5000


def test_known_flags_compare_with_the_last_pulled_lists(
    client: Any, store: Any, admin_headers: dict[str, str]
) -> None:
    connector_id = _connector(store)
    _store_list(store, connector_id, "items", ["Services", "Services:Remote Support"])
    _store_list(store, connector_id, "accounts", ["PSA Other", "Income:Onsite"])
    _store_list(store, connector_id, "employees", ["Jane Doe"])
    body = {
        "entries": [
            {"source": "exact", "item": "Services:Remote Support"},
            {"source": "case", "item": "services:REMOTE support", "income_account": "income:onsite"},
            {"source": "typo", "item": "Services:Remote Suport"},
            {"source": "two typos", "item": "Servces", "income_account": "PSA Othr"},
            {"source": "by convention", "item": None, "income_account": None},
        ]
    }
    answer = _send(
        client, "PUT", _mappings_path(connector_id, "billing-codes"), admin_headers, body
    ).json_body
    flags = {e["source"]: (e["known"], e["unknown_targets"]) for e in answer["entries"]}
    assert flags == {
        "exact": (True, []),
        "case": (True, []),
        "typo": (False, ["item"]),
        "two typos": (False, ["item", "income_account"]),
        "by convention": (True, []),
    }
    assert answer["lists_read_at"] == {"items": NOW, "accounts": NOW}
    # Vendors were never read: an entry needing them cannot be judged, unless a list it needs proves a typo.
    resources = {
        "entries": [
            {"source": "R-1", "employee": "jane doe"},
            {"source": "R-2", "vendor": "Somebody"},
            {"source": "R-3", "employee": "Nobody", "vendor": "Somebody"},
        ]
    }
    answer = _send(
        client, "PUT", _mappings_path(connector_id, "resources"), admin_headers, resources
    ).json_body
    assert [(e["known"], e["unknown_targets"]) for e in answer["entries"]] == [
        (True, []),
        (None, []),
        (False, ["employee"]),
    ]
    assert answer["lists_read_at"] == {"employees": NOW, "vendors": None}


def _entries(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"entries": list(entries)}


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("billing-codes", {}, "entries"),
        ("billing-codes", {"entries": "all"}, "entries"),
        ("billing-codes", {"entries": [], "surprise": 1}, "surprise"),
        ("billing-codes", _entries({"item": "Services"}), "entries.0.source"),
        ("billing-codes", _entries({"source": "   "}), "entries.0.source"),
        ("billing-codes", _entries({"source": "x" * 201}), "entries.0.source"),
        ("billing-codes", _entries({"source": "a"}, {"source": "b"}, {"source": " A "}), "entries"),
        ("billing-codes", _entries({"source": "a", "target": "Services"}), "entries.0.target"),
        ("billing-codes", _entries({"source": "a", "item": "Services:" + "x" * 32}), "entries.0.item"),
        ("billing-codes", _entries({"source": "a", "item": "Services::Remote"}), "entries.0.item"),
        ("billing-codes", _entries({"source": "a", "income_account": 42}), "entries.0.income_account"),
        ("billing-codes", _entries({"source": 7}), "entries.0.source"),
        ("expense-categories", _entries({"source": "Meals"}), "entries.0.account"),
        (
            "expense-categories",
            _entries({"source": "Meals", "account": "M", "billable": "maybe"}),
            "entries.0.billable",
        ),
        ("expense-categories", _entries({"source": "Meals", "account": "A:B:C:D:E:F"}), "entries.0.account"),
        ("lines-of-business", _entries({"source": "MS", "class_": "Services"}), "entries.0.class_"),
        ("lines-of-business", _entries({"source": "MS", "class": "x" * 32}), "entries.0.class"),
        ("lines-of-business", _entries({"source": "MS", "class": "A:B:C:D:E:F"}), "entries.0.class"),
        ("resources", _entries({"source": "R-1"}), "entries.0"),
        ("resources", _entries({"source": "R-1", "employee": None, "vendor": None}), "entries.0"),
        ("resources", _entries({"source": "R-1", "employee": "Doe:Jane"}), "entries.0.employee"),
        ("resources", _entries({"source": "R-1", "vendor": "v" * 42}), "entries.0.vendor"),
        (
            "payroll-categories",
            _entries({"source": "Regular", "payroll_item": "p" * 32}),
            "entries.0.payroll_item",
        ),
        (
            "payroll-categories",
            _entries({"source": "Regular", "payroll_item": ["Hourly"]}),
            "entries.0.payroll_item",
        ),
        ("payroll-categories", b"{not json", "(body)"),
    ],
)
def test_invalid_mapping_sets_are_422_naming_the_field_and_store_nothing(
    client: Any, store: Any, admin_headers: dict[str, str], table: Any, kind: str, body: Any, field: str
) -> None:
    connector_id = _connector(store)
    path = _mappings_path(connector_id, kind)
    _send(client, "PUT", path, admin_headers, {"entries": VALID_SETS[kind]})
    before = table_snapshot(table)
    answer = _send(client, "PUT", path, admin_headers, body)
    assert answer.status_code == 422, answer.body
    error = answer.json_body["error"]
    assert error["code"] == "validation_failed"
    assert field in [d["field"] for d in error["details"]], error
    assert table_snapshot(table) == before


def test_a_duplicate_source_is_named(client: Any, store: Any, admin_headers: dict[str, str]) -> None:
    path = _mappings_path(_connector(store), "lines-of-business")
    body = _entries({"source": "Managed", "class": "A"}, {"source": "MANAGED", "class": "B"})
    (detail,) = _send(client, "PUT", path, admin_headers, body).json_body["error"]["details"]
    assert detail["field"] == "entries" and "'MANAGED'" in detail["message"]
    assert "entries.0 and entries.1" in detail["message"]


def test_more_than_five_thousand_entries_are_refused(
    client: Any, store: Any, admin_headers: dict[str, str], table: Any
) -> None:
    path = _mappings_path(_connector(store), "billing-codes")
    before = table_snapshot(table)
    answer = _send(client, "PUT", path, admin_headers, {"entries": [{"source": f"{n}"} for n in range(5001)]})
    assert answer.status_code == 422 and answer.json_body["error"]["details"][0]["field"] == "entries"
    assert table_snapshot(table) == before


def test_a_set_too_large_to_store_is_413_and_stores_nothing(
    client: Any, store: Any, admin_headers: dict[str, str], table: Any
) -> None:
    path = _mappings_path(_connector(store), "billing-codes")
    noise = random.Random(11)
    alphabet = string.ascii_letters + string.digits
    entries = [{"source": "".join(noise.choices(alphabet, k=200))} for _ in range(4000)]
    before = table_snapshot(table)
    answer = _send(client, "PUT", path, admin_headers, {"entries": entries})
    assert answer.status_code == 413 and answer.json_body["error"]["code"] == "mapping_too_large"
    assert table_snapshot(table) == before


def test_unknown_mapping_kind_is_404(
    client: Any, store: Any, admin_headers: dict[str, str], table: Any
) -> None:
    path = _mappings_path(_connector(store), "colours")
    before = table_snapshot(table)
    for method in ("GET", "PUT"):
        answer = _send(client, method, path, admin_headers, {"entries": []})
        assert answer.status_code == 404 and answer.json_body["error"]["code"] == "unknown_mapping_kind"
        assert "billing-codes" in answer.json_body["error"]["message"]
    assert table_snapshot(table) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/connectors/nope/mappings/billing-codes", None),
        ("PUT", "/api/connectors/nope/mappings/billing-codes", {"entries": []}),
        ("PUT", "/api/connectors/nope/mappings/billing-codes", {"entries": "not even valid"}),
        ("GET", "/api/connectors/nope/naming-conventions", None),
        ("PUT", "/api/connectors/nope/naming-conventions", {"item": "{billing_code}"}),
        ("PUT", "/api/organizations/ORG-7/connector", {"connector_id": "nope"}),
        ("PUT", "/api/resources/R-7/connector", {"connector_id": "nope"}),
    ],
)
def test_unknown_connectors_are_404(
    client: Any, store: Any, admin_headers: dict[str, str], table: Any, method: str, path: str, body: Any
) -> None:
    _connector(store)
    before = table_snapshot(table)
    answer = _send(client, method, path, admin_headers, body)
    assert answer.status_code == 404, answer.body
    assert answer.json_body["error"]["code"] == "connector_not_found"
    assert table_snapshot(table) == before


def test_source_tokens_may_not_touch_mappings_naming_or_routes(
    client: Any, store: Any, source_headers: dict[str, str], table: Any
) -> None:
    connector_id = _connector(store)
    before = table_snapshot(table)
    calls: list[tuple[str, str, Any]] = [
        ("GET", _mappings_path(connector_id, "billing-codes"), None),
        ("PUT", _mappings_path(connector_id, "billing-codes"), {"entries": []}),
        ("GET", f"/api/connectors/{connector_id}/naming-conventions", None),
        ("PUT", f"/api/connectors/{connector_id}/naming-conventions", {}),
        ("GET", "/api/organizations/ORG-7/connector", None),
        ("PUT", "/api/organizations/ORG-7/connector", {"connector_id": connector_id}),
        ("DELETE", "/api/organizations/ORG-7/connector", None),
        ("GET", "/api/resources/R-7/connector", None),
        ("PUT", "/api/resources/R-7/connector", {"connector_id": connector_id}),
        ("DELETE", "/api/resources/R-7/connector", None),
    ]
    for method, path, body in calls:
        answer = _send(client, method, path, source_headers, body)
        assert answer.status_code == 403, (method, path)
        assert answer.json_body["error"]["code"] == "insufficient_scope"
    assert table_snapshot(table) == before


def test_routes_need_a_token(client: Any, store: Any) -> None:
    answer = client.http.get(_mappings_path(_connector(store), "billing-codes"))
    assert answer.status_code in {401, 403}
    for path in ("/api/organizations/ORG-7/connector", "/api/resources/R-7/connector"):
        assert client.http.get(path).status_code in {401, 403}


# --- naming conventions -----------------------------------------------------------------------------------


def test_naming_conventions_default_then_replace(
    client: Any, store: Any, admin_headers: dict[str, str]
) -> None:
    connector_id = _connector(store)
    path = f"/api/connectors/{connector_id}/naming-conventions"
    defaults = _send(client, "GET", path, admin_headers)
    assert defaults.status_code == 200
    assert defaults.json_body == {
        "connector_id": connector_id,
        "item": "{billing_code}",
        "customer": "{organization}",
        "placeholders": {
            "item": ["billing_code", "role", "work_type", "line_of_business"],
            "customer": ["organization", "organization_id"],
        },
    }
    put = _send(client, "PUT", path, admin_headers, {"item": " {role}~{work_type} "})
    assert put.status_code == 200 and put.json_body["item"] == "{role}~{work_type}"
    assert put.json_body["customer"] == "{organization}"  # PUT replaces: what is left out is the default
    assert _send(client, "GET", path, admin_headers).json_body == put.json_body
    other = _connector(store, "Branch")
    assert _send(client, "GET", f"/api/connectors/{other}/naming-conventions", admin_headers).json_body[
        "item"
    ] == ("{billing_code}")


@pytest.mark.parametrize(
    ("body", "field", "mentions"),
    [
        ({"item": "{billing_code}~{colour}"}, "item", "{colour}"),
        ({"customer": "{organization}~{billing_code}"}, "customer", "{billing_code}"),
        ({"item": "{billing_code"}, "item", "unbalanced"),
        ({"item": "{role}:{work_type}"}, "item", "'~'"),
        ({"vendor": "{resource}"}, "vendor", "Extra inputs"),
        ({"item": 5}, "item", "string"),
    ],
)
def test_invalid_naming_conventions_are_422_and_store_nothing(
    client: Any, store: Any, admin_headers: dict[str, str], table: Any, body: Any, field: str, mentions: str
) -> None:
    path = f"/api/connectors/{_connector(store)}/naming-conventions"
    before = table_snapshot(table)
    answer = _send(client, "PUT", path, admin_headers, body)
    assert answer.status_code == 422
    (detail,) = answer.json_body["error"]["details"]
    assert detail["field"] == field and mentions in detail["message"]
    assert table_snapshot(table) == before


# --- organization routes ----------------------------------------------------------------------------------


def test_without_any_connector_an_organization_has_nowhere_to_go(
    client: Any, admin_headers: dict[str, str], table: Any
) -> None:
    before = table_snapshot(table)
    for path in ("/api/organizations/ORG-7/connector", "/api/resources/R-7/connector"):
        for method in ("GET", "DELETE"):
            answer = _send(client, method, path, admin_headers)
            assert answer.status_code == 409 and answer.json_body["error"]["code"] == "no_connector"
    assert table_snapshot(table) == before


def test_route_an_organization_and_back(client: Any, store: Any, admin_headers: dict[str, str]) -> None:
    default_id = _connector(store, "Main")
    branch_id = _connector(store, "Branch", active=False)  # inactive connectors may be routed to
    path = "/api/organizations/ORG-7/connector"
    assert _send(client, "GET", path, admin_headers).json_body == {
        "org_id": "ORG-7",
        "connector_id": default_id,
        "is_default_route": True,
    }
    routed = _send(client, "PUT", path, admin_headers, {"connector_id": branch_id})
    expected = {"org_id": "ORG-7", "connector_id": branch_id, "is_default_route": False}
    assert routed.status_code == 200 and routed.json_body == expected
    assert _send(client, "GET", path, admin_headers).json_body == expected
    other = _send(client, "GET", "/api/organizations/ORG-8/connector", admin_headers).json_body
    assert other["connector_id"] == default_id and other["is_default_route"]
    back = _send(client, "DELETE", path, admin_headers)
    assert back.status_code == 200
    assert back.json_body == {"org_id": "ORG-7", "connector_id": default_id, "is_default_route": True}
    assert _send(client, "DELETE", path, admin_headers).json_body == back.json_body  # nothing left to remove


def test_routing_to_the_default_connector_removes_the_route(
    client: Any, store: Any, admin_headers: dict[str, str]
) -> None:
    default_id = _connector(store, "Main")
    branch_id = _connector(store, "Branch")
    path = "/api/organizations/ORG-7/connector"
    _send(client, "PUT", path, admin_headers, {"connector_id": branch_id})
    answer = _send(client, "PUT", path, admin_headers, {"connector_id": default_id}).json_body
    assert answer == {"org_id": "ORG-7", "connector_id": default_id, "is_default_route": True}
    assert [i for i in table_snapshot(store.table) if i["PK"].startswith("ROUTE#")] == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/organizations/ORG-7/connector", {}, "connector_id"),
        ("/api/organizations/ORG-7/connector", {"connector_id": ""}, "connector_id"),
        ("/api/organizations/ORG-7/connector", {"connector_id": "x", "org_id": "y"}, "org_id"),
        ("/api/organizations/" + "9" * 101 + "/connector", {"connector_id": "x"}, "org_id"),
        ("/api/resources/R-7/connector", {}, "connector_id"),
        ("/api/resources/R-7/connector", {"connector_id": "x", "resource_id": "y"}, "resource_id"),
        ("/api/resources/" + "9" * 101 + "/connector", {"connector_id": "x"}, "resource_id"),
    ],
)
def test_invalid_routes_are_422_and_store_nothing(
    client: Any, store: Any, admin_headers: dict[str, str], table: Any, path: str, body: Any, field: str
) -> None:
    _connector(store)
    before = table_snapshot(table)
    answer = _send(client, "PUT", path, admin_headers, body)
    assert answer.status_code == 422, answer.body
    assert field in [d["field"] for d in answer.json_body["error"]["details"]]
    assert table_snapshot(table) == before


def test_long_ids_are_refused_on_every_route_method(
    client: Any, store: Any, admin_headers: dict[str, str]
) -> None:
    _connector(store)
    for prefix, field in (("/api/organizations/", "org_id"), ("/api/resources/", "resource_id")):
        for method in ("GET", "DELETE"):
            answer = _send(client, method, prefix + "R" * 101 + "/connector", admin_headers)
            assert answer.status_code == 422, (method, prefix)
            assert [d["field"] for d in answer.json_body["error"]["details"]] == [field]
        exactly = _send(client, "GET", prefix + "R" * 100 + "/connector", admin_headers)
        assert exactly.status_code == 200 and exactly.json_body[field] == "R" * 100


# --- resource routes (timesheets and expense reports follow their resource) --------------------------------


def test_route_a_resource_and_back(client: Any, store: Any, admin_headers: dict[str, str]) -> None:
    default_id = _connector(store, "Main")
    branch_id = _connector(store, "Branch", active=False)
    path = "/api/resources/R-12/connector"
    assert _send(client, "GET", path, admin_headers).json_body == {
        "resource_id": "R-12",
        "connector_id": default_id,
        "is_default_route": True,
    }
    routed = _send(client, "PUT", path, admin_headers, {"connector_id": branch_id})
    expected = {"resource_id": "R-12", "connector_id": branch_id, "is_default_route": False}
    assert routed.status_code == 200 and routed.json_body == expected
    assert _send(client, "GET", path, admin_headers).json_body == expected
    # Organizations and resources are apart, even under the same id.
    org = _send(client, "GET", "/api/organizations/R-12/connector", admin_headers).json_body
    assert org == {"org_id": "R-12", "connector_id": default_id, "is_default_route": True}
    assert store.routes.connector_for("resource", "R-12", default_id) == branch_id
    before = table_snapshot(store.table)
    assert _send(client, "PUT", path, admin_headers, {"connector_id": branch_id}).json_body == expected
    assert table_snapshot(store.table) == before  # unchanged: nothing written
    back = _send(client, "DELETE", path, admin_headers)
    assert back.status_code == 200
    assert back.json_body == {"resource_id": "R-12", "connector_id": default_id, "is_default_route": True}
    assert _send(client, "DELETE", path, admin_headers).json_body == back.json_body
    answer = _send(client, "PUT", path, admin_headers, {"connector_id": branch_id})
    assert answer.json_body["is_default_route"] is False
    to_default = _send(client, "PUT", path, admin_headers, {"connector_id": default_id}).json_body
    assert to_default == {"resource_id": "R-12", "connector_id": default_id, "is_default_route": True}
    assert [i for i in table_snapshot(store.table) if i["PK"].startswith("ROUTE#")] == []


# --- many routes ----------------------------------------------------------------------------------------------


@pytest.mark.dynalite  # thousands of items: see the table fixture
def test_twenty_thousand_routed_organizations_each_enqueue_to_their_connector(
    client: Any, store: Any, admin_headers: dict[str, str], source_headers: dict[str, str]
) -> None:
    admin, source = Admin(client, admin_headers), Admin(client, source_headers)
    default_id = admin.connector()["id"]
    branches = [
        admin.call("POST", "/api/connectors", {"name": f"Branch {b}"}, 201).json_body["id"] for b in range(3)
    ]

    def org(n: int) -> str:
        return f"ORG-{n:05d}"

    # ORG-00000 .. ORG-19999 through the store in batches (an import), then a sample through the API.
    store.routes.put_many("organization", {org(n): branches[n % 3] for n in range(20_000)}, now=NOW)
    assert [r.source_id for r in store.routes.list("organization", prefix="ORG-1999").routes] == [
        org(n) for n in range(19_990, 20_000)
    ]
    moved = range(0, 20_000, 2_000)  # some already there (unchanged), most moved
    for n in moved:
        answer = admin.call(
            "PUT", f"/api/organizations/{org(n)}/connector", {"connector_id": branches[2]}, 200
        )
        assert answer.json_body == {"org_id": org(n), "connector_id": branches[2], "is_default_route": False}
    for n in (1, 19_999):
        answer = admin.call("GET", f"/api/organizations/{org(n)}/connector", expect=200).json_body
        assert answer["connector_id"] == branches[n % 3] and not answer["is_default_route"]
    admin.call("DELETE", f"/api/organizations/{org(3)}/connector", expect=200)

    expected = {n: branches[n % 3] for n in (1, 2, 4, 9_999, 19_998, 19_999)}
    expected.update(dict.fromkeys(moved[:4], branches[2]))
    expected.update(dict.fromkeys((3, 20_000, 25_000), default_id))  # unrouted again, never routed
    for number, (n, connector_id) in enumerate(sorted(expected.items()), start=1):
        document = invoice(number, org=1)
        document["organization"] = {**document["organization"], "id": org(n)}
        enqueued = source.enqueue(document, expect=202).json_body
        assert enqueued["connector_id"] == connector_id, n
        assert source.transfer(enqueued["id"])["organization_id"] == org(n)

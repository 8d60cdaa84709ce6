"""A kind is a plug-in: one defined only under tests/ (statement charges) is registered, and with no other edit
it is enqueued over REST, documented in /openapi.json, offered by the kind filter, sent through the simulator
exactly once despite lost answers, and named in "Finished, but with errors" when it fails. The generic layers
name no kind, and the packages import each other in one direction only."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.transfers import registry
from simulators.quickbooks import QuickBooksCompany
from simulators.quickbooks import company as simulated_company
from tests.conftest import Admin, connect
from tests.transfers import charge_kind
from tests.transfers.charge_kind import ChargeAdd, ChargeBook, ChargeQuery

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def book(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChargeBook]:
    """The charge kind registered, and the simulated QuickBooks taught ChargeAdd and ChargeQuery."""
    book = ChargeBook()
    monkeypatch.setitem(simulated_company._HANDLERS, "ChargeAddRq", ChargeAdd(book))
    monkeypatch.setitem(simulated_company._HANDLERS, "ChargeQueryRq", ChargeQuery(book))
    registry.register(charge_kind.KIND)
    yield book
    registry.unregister(charge_kind.SLUG)


def charge(n: int, customer: str) -> dict[str, Any]:
    return {
        "source_id": f"CH-{n}",
        "number": f"C{n}",
        "date": "2026-11-20",
        "customer": customer,
        "amount": "12.50",
    }


def test_a_kind_defined_only_in_tests_goes_through_everything(
    client: Any, admin: Admin, book: ChargeBook
) -> None:
    connector = admin.connector(transfers={"invoices": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample(customers_named=["Acme Dental"])
    assert connect(client, qwc, password, company).run().outcome == "completed"  # reads the lists first

    ids = [
        admin.call("POST", "/api/transfers/charges", charge(n, "Acme Dental"), 202).json_body["id"]
        for n in range(4)
    ]
    ids.append(admin.call("POST", "/api/transfers/charges", charge(9, "Nobody Inc"), 202).json_body["id"])

    document = admin.call("GET", "/openapi.json", expect=200).json_body
    enqueue = document["paths"]["/api/transfers/{name}"]["post"]
    assert "charges" in enqueue["parameters"][0]["schema"]["enum"]
    assert "ChargeDocument" in document["components"]["schemas"]
    kinds = admin.call("GET", "/api/transfer-kinds", expect=200).json_body["kinds"]
    assert {"slug": "charges", "label": "Statement Charge"}.items() <= kinds[-1].items()
    listed = admin.call("GET", "/api/transfers?kind=charges", expect=200).json_body["transfers"]
    assert sorted(t["id"] for t in listed) == sorted(ids)

    # QuickBooks applies the message with the charges, but its answer is lost; the next run asks first.
    lost = connect(client, qwc, password, company, drop_response_after_requests=[2]).run()
    assert lost.outcome == "crashed"
    assert len(book.charges) == 4  # the four good ones are in QuickBooks, the answer never came
    for _ in range(3):
        if connect(client, qwc, password, company).run().outcome == "none":
            break

    for transfer_id in ids[:4]:
        transfer = admin.transfer(transfer_id)
        assert transfer["status"] == "transferred"
        assert len(book.by_guid(transfer["external_guid"])) == 1
    failed = admin.transfer(ids[4])
    assert failed["status"] in ("failed", "needs_attention") and failed["error"]["status_code"] == 3140
    statuses = [c["status"] for c in admin.conversations(connector["id"])]
    assert "Finished, but with errors on the following transfers: Statement Charge" in statuses
    assert len(book.charges) == 4


def test_an_unregistered_kind_is_404_and_listed_nowhere(admin: Admin) -> None:
    admin.connector()
    answer = admin.call("POST", "/api/transfers/charges", charge(1, "Acme"), 404)
    assert answer.json_body["error"]["code"] == "unknown_transfer_kind"
    slugs = [k["slug"] for k in admin.call("GET", "/api/transfer-kinds", expect=200).json_body["kinds"]]
    assert "charges" not in slugs and slugs[:2] == ["invoices", "timesheets"]


# -- the shape of the code ----------------------------------------------------------------------------------

GENERIC = (
    "chalicelib/conversation",
    "chalicelib/qbwc",
    "chalicelib/api",
    "chalicelib/steps",
    "chalicelib/store",
)


def _strings_and_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
        elif isinstance(node, ast.Name | ast.Attribute):
            found.add(node.id if isinstance(node, ast.Name) else node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", GENERIC)
def test_generic_layers_name_no_kind(package: str) -> None:
    """No slug, label or kind module in the engine, the SOAP service, the REST routes, the steps or the store."""
    words = {"invoices", "timesheets", "Invoice", "Timesheet", "InvoiceDocument", "TimesheetDocument"}
    for path in (ROOT / package).rglob("*.py"):
        names = _strings_and_names(path)
        named = {word for word in words if word in names}
        modules = {n for n in names if n.startswith("chalicelib.transfers.") and n.count(".") >= 3}
        assert not named and not modules, (path.relative_to(ROOT), named, modules)


def _imports(package: str) -> set[str]:
    """The chalicelib packages that ``package`` imports."""
    found: set[str] = set()
    for path in (ROOT / "chalicelib" / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chalicelib."):
                found.add(node.module.split(".")[1])
    return found - {package}


def test_the_package_import_graph_has_no_cycle() -> None:
    packages = sorted(
        p.name for p in (ROOT / "chalicelib").iterdir() if p.is_dir() and (p / "__init__.py").exists()
    )
    graph = {package: _imports(package) & set(packages) for package in packages}
    seen: dict[str, str] = {}

    def visit(package: str, trail: list[str]) -> None:
        if seen.get(package) == "done":
            return
        assert seen.get(package) != "open", " -> ".join([*trail, package])
        seen[package] = "open"
        for target in sorted(graph[package]):
            visit(target, [*trail, package])
        seen[package] = "done"

    for package in packages:
        visit(package, [])
    assert "transfers" not in graph["conversation"] and "conversation" not in graph["transfers"]

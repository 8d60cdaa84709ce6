"""Purchase orders, receipts and inventory levels through both simulators, in-process: exactly once with lost
answers, inventory parts found or created, receipts against the PO's lines (partial ones too), on hand set by
a levels sync and read back, and each failure alone with its fix."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.transfer import external_guid, transfer_id
from chalicelib.qbxml.validation import qbxml_errors
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, connect, table_snapshot
from tests.transfers.invoice_factory import organization


@pytest.fixture
def setup(admin: Admin) -> dict[str, Any]:
    connector = admin.connector(transfers={"purchase_orders": True, "invoices": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    return {"connector": connector, "qwc": qwc, "password": password}


def run(client: Any, setup: dict[str, Any], company: QuickBooksCompany, **options: Any) -> Any:
    return connect(client, setup["qwc"], setup["password"], company, **options).run()


def run_until_idle(client: Any, setup: dict[str, Any], company: QuickBooksCompany, **options: Any) -> None:
    for _ in range(10):
        if run(client, setup, company, **options).outcome == "none":
            return
        options = {}
    raise AssertionError("still busy")


def purchase_order(n: int, lines: list[dict[str, Any]], vendor: str = "Ingram Micro") -> dict[str, Any]:
    return {
        "source_id": f"PO-{n}",
        "number": f"{300 + n}",
        "date": "2026-11-20",
        "expected_date": "2026-11-27",
        "vendor": {"id": f"V-{vendor[:3]}", "name": vendor},
        "memo": "Stock",
        "lines": lines,
    }


def line(product: str, quantity: int, cost: str = "350.00", **more: Any) -> dict[str, Any]:
    return {"product": product, "quantity": quantity, "unit_cost": cost, "unit_price": "495.00", **more}


def receipt(n: int, po: int, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {"source_id": f"RCV-{n}", "purchase_order": f"PO-{po}", "date": "2026-11-27", "lines": lines}


def enqueue(admin: Admin, kind: str, document: dict[str, Any], expect: int = 202) -> Any:
    return admin.call("POST", f"/api/transfers/{kind}", document, expect).json_body


def test_purchase_orders_create_inventory_parts_once_and_land_once_each(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    widget_before = company.on_hand("Widget")
    documents = [
        purchase_order(1, [line("Cisco~Switch 24p", 2), line("Widget", 5, "4.00")]),
        purchase_order(2, [line("Cisco~Switch 24p", 1, organization=organization(1))], vendor="Dell Inc"),
        purchase_order(3, [line("Patch Cord 1m", 40, "1.25", description="Cat6")]),
    ]
    ids = [enqueue(admin, "purchase-orders", d)["id"] for d in documents]

    run_until_idle(client, setup, company, drop_response_after_requests=[4])

    for transfer_id_, document in zip(ids, documents, strict=True):
        transfer = admin.transfer(transfer_id_)
        assert transfer["status"] == "transferred", transfer["error"]
        [found] = company.find_purchase_orders_by_external_guid(transfer["external_guid"])
        assert found.ref_number == document["number"] and found.vendor.name == document["vendor"]["name"]
        assert [(x.item.full_name if x.item else None, x.quantity, x.rate) for x in found.lines] == [
            (x["product"].replace("~", ":"), Decimal(x["quantity"]), Decimal(x["unit_cost"]))
            for x in document["lines"]
        ]
    assert len(company.purchase_orders) == 3
    # New products became inventory parts (the parent of a sub-item too), cost and price from their first line.
    switch = company.inventory_part("Cisco:Switch 24p")
    assert (switch.purchase_cost, switch.sales_price) == (Decimal("350.00"), Decimal("495.00"))
    company.inventory_part("Cisco")
    assert company.inventory_part("Patch Cord 1m").sales_desc == "Cat6"
    assert switch.income_account.full_name == "PSA Income from PO"  # the bridge created the account
    assert [i.full_name for i in company.items].count("Cisco:Switch 24p") == 1
    assert company.on_hand("Widget") == widget_before  # ordered, not received
    assert all(qbxml_errors(request) == [] for request in company.requests_seen)


def test_a_product_named_like_a_non_inventory_part_fails_its_po_alone(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    clash = enqueue(admin, "purchase-orders", purchase_order(4, [line("Cable", 3), line("Widget", 1)]))["id"]
    fine = enqueue(admin, "purchase-orders", purchase_order(5, [line("Widget", 2)]))["id"]

    run(client, setup, company)

    failed = admin.transfer(clash)
    assert failed["status"] == "failed" and failed["error"]["code"] == "item_not_inventory"
    assert "ItemNonInventory" in failed["error"]["message"] and "Inventory Part" in failed["error"]["fix"]
    assert admin.transfer(fine)["status"] == "transferred"
    assert len(company.purchase_orders) == 1
    statuses = [c["status"] for c in admin.conversations(setup["connector"]["id"])]
    assert statuses[0] == "Finished, but with errors on the following transfers: Purchase Order"


def test_receipts_close_po_lines_partially_and_raise_on_hand(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    before = company.on_hand("Widget")
    po = enqueue(admin, "purchase-orders", purchase_order(6, [line("Widget", 3, "4.00"), line("Valve", 10)]))
    # Sent in the same conversation as their purchase order: receipts go after it.
    first = enqueue(admin, "po-receipts", receipt(1, 6, [{"product": "Widget", "quantity": 1, "po_line": 0}]))
    second = enqueue(admin, "po-receipts", receipt(2, 6, [{"product": "Widget", "quantity": 2}]))
    too_many = enqueue(admin, "po-receipts", receipt(3, 6, [{"product": "Valve", "quantity": 11}]))

    run_until_idle(client, setup, company, drop_response_after_requests=[6])

    assert admin.transfer(po["id"])["status"] == "transferred"
    [order] = company.purchase_orders
    assert [x.received_quantity for x in order.lines] == [Decimal(3), Decimal(0)]
    assert company.on_hand("Widget") == before + 3
    for made in (first, second):
        transfer = admin.transfer(made["id"])
        assert transfer["status"] == "transferred", transfer["error"]
        assert len(company.find_item_receipts_by_external_guid(transfer["external_guid"])) == 1
    assert len(company.item_receipts) == 2
    refused = admin.transfer(too_many["id"])
    assert refused["status"] == "needs_attention" and refused["error"]["code"] == "receipt_exceeds_open"
    assert "only 10 of the 10 ordered on purchase order 306" in refused["error"]["message"]
    assert all(qbxml_errors(request) == [] for request in company.requests_seen)


def test_a_receipt_waits_for_its_po_and_fails_when_the_po_is_cancelled(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    early = enqueue(admin, "po-receipts", receipt(4, 7, [{"product": "Widget", "quantity": 1}]))
    orphan = enqueue(admin, "po-receipts", receipt(5, 8, [{"product": "Widget", "quantity": 1}]))
    cancelled = enqueue(admin, "purchase-orders", purchase_order(8, [line("Widget", 1)]))
    admin.call("POST", f"/api/transfers/{cancelled['id']}/cancel", expect=200)

    run(client, setup, company)

    waiting = admin.transfer(early["id"])
    assert waiting["status"] == "queued" and waiting["attempts"] == 0
    assert 'the purchase order "PO-7" has not been sent' in waiting["history"][-1]["note"]
    failed = admin.transfer(orphan["id"])
    assert failed["error"]["code"] == "purchase_order_not_transferred" and failed["error"]["fix"]

    # The purchase order arrives: the receipt goes after it, in the same conversation.
    enqueue(admin, "purchase-orders", purchase_order(7, [line("Widget", 1)]))
    run(client, setup, company)
    assert admin.transfer(early["id"])["status"] == "transferred"
    assert len(company.item_receipts) == 1


def test_levels_adjust_what_differs_warn_about_unknown_products_and_show_on_hand(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    same = company.on_hand("Valve")
    levels = {
        "source_id": "LVL-1",
        "levels": [
            {"product": "Widget", "on_hand": 42},
            {"product": "Valve", "on_hand": str(same)},
            {"product": "Unheard Of Gizmo", "on_hand": 3},
        ],
    }
    made = enqueue(admin, "inventory-levels", levels)

    run_until_idle(client, setup, company, drop_response_after_requests=[5])

    transfer = admin.transfer(made["id"])
    assert transfer["status"] == "transferred", transfer["error"]
    assert company.on_hand("Widget") == 42 and company.on_hand("Valve") == same
    [adjustment] = company.inventory_adjustments
    assert adjustment.external_guid == external_guid(f"{made['id']}#0")
    assert [x.item.full_name for x in adjustment.lines] == ["Widget"]
    assert adjustment.account.full_name == "Inventory Adjustment"
    assert transfer["warnings"] and '"Unheard Of Gizmo"' in transfer["warnings"][0]
    assert not [i for i in company.items if i.full_name == "Unheard Of Gizmo"]

    shown = admin.call("GET", f"/api/connectors/{setup['connector']['id']}/inventory", expect=200).json_body
    by_name = {item["full_name"]: item["quantity_on_hand"] for item in shown["items"]}
    assert by_name["Widget"] == 42 and shown["read_at"]

    # Again with nothing different: transferred, nothing sent.
    again = enqueue(
        admin, "inventory-levels", {**levels, "source_id": "LVL-2", "levels": levels["levels"][:2]}
    )
    count = len(company.inventory_adjustments)
    run(client, setup, company)
    done = admin.transfer(again["id"])
    assert done["status"] == "transferred" and "nothing sent" in done["history"][-1]["note"]
    assert len(company.inventory_adjustments) == count


def test_purchasing_always_routes_to_the_default_connector(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    other = admin.connector(name="Branch", transfers={"purchase_orders": True})
    admin.call("PUT", "/api/organizations/ORG-1/connector", {"connector_id": other["id"]}, 200)
    made = enqueue(
        admin, "purchase-orders", purchase_order(9, [line("Widget", 1, organization=organization(1))])
    )
    assert made["connector_id"] == setup["connector"]["id"]
    answer = admin.call("GET", f"/api/connectors/{other['id']}/inventory", expect=409).json_body
    assert answer["error"]["code"] == "inventory_on_default_connector_only"


def test_inventory_off_holds_purchasing_as_a_configuration_issue(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    company.inventory_on = False
    made = enqueue(admin, "purchase-orders", purchase_order(10, [line("Widget", 1)]))

    run(client, setup, company)

    assert admin.transfer(made["id"])["status"] == "queued"
    [conversation] = admin.conversations(setup["connector"]["id"])[:1]
    assert conversation["status"] == "Finished with configuration issues" or "inventory" in str(conversation)
    assert not company.purchase_orders


def test_invoice_lines_may_sell_products(client: Any, admin: Admin, setup: dict[str, Any]) -> None:
    company = QuickBooksCompany.sample(customers_named=[organization(1)["name"]])
    before = company.on_hand("Widget")
    invoice = {
        "source_id": "INV-P1",
        "number": "P1",
        "date": "2026-11-20",
        "organization": organization(1),
        "lines": [
            {"product": "Widget", "quantity": 2, "rate": "10.00"},
            {"product": "Brand New Thing", "quantity": 1, "rate": "5.00", "description": "New"},
        ],
    }
    made = enqueue(admin, "invoices", invoice)

    run(client, setup, company)

    assert admin.transfer(made["id"])["status"] == "transferred"
    assert company.on_hand("Widget") == before - 2
    [created] = [i for i in company.items if i.full_name == "Brand New Thing"]
    assert type(created).__name__ == "ItemNonInventory"


def test_an_invoice_selling_inventory_waits_for_the_inventory_adjustment_account(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample(customers_named=[organization(1)["name"]])
    invoice = {
        "source_id": "INV-P2",
        "number": "P2",
        "date": "2026-11-20",
        "organization": organization(1),
        "lines": [{"product": "Widget", "quantity": 1, "rate": "10.00"}],
    }
    made = enqueue(admin, "invoices", invoice)
    # The connector names an account the company file does not have.
    admin.call(
        "PATCH",
        f"/api/connectors/{setup['connector']['id']}",
        {"accounts": {"inventory_adjustment": "Stock Adjustments"}},
        200,
    )

    run(client, setup, company)

    waiting = admin.transfer(made["id"])
    assert waiting["status"] == "queued" and waiting["attempts"] == 0
    assert "Stock Adjustments" in waiting["history"][-1]["note"]
    assert not company.invoices


@pytest.mark.parametrize(
    ("kind", "document", "field"),
    [
        ("purchase-orders", purchase_order(1, [line("Widget", 0)]), "quantity"),
        ("purchase-orders", {**purchase_order(1, [line("Widget", 1)]), "number": "123456789012"}, "number"),
        ("po-receipts", receipt(1, 1, [{"product": "Widget", "quantity": 1, "po_line": -1}]), "po_line"),
        ("po-receipts", {**receipt(1, 1, []), "lines": []}, "lines"),
        ("inventory-levels", {"source_id": "L", "levels": [{"product": "W", "on_hand": -1}]}, "on_hand"),
        (
            "inventory-levels",
            {"source_id": "L", "levels": [{"product": "W", "on_hand": 1}, {"product": "w", "on_hand": 2}]},
            "once",
        ),
    ],
)
def test_bad_purchasing_documents_are_422_naming_the_field_and_store_nothing(
    admin: Admin, setup: dict[str, Any], table: Any, kind: str, document: dict[str, Any], field: str
) -> None:
    before = table_snapshot(table)
    answer = admin.call("POST", f"/api/transfers/{kind}", document, 422)
    assert field in answer.body.decode()
    assert table_snapshot(table) == before
    assert admin.call("GET", f"/api/transfers/{transfer_id(kind, document['source_id'])}").status_code == 404


def test_purchase_orders_are_read_back_a_few_a_message(
    client: Any, admin: Admin, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many receipts waiting never make one huge answer: their orders' lines are read a few orders a message."""
    from chalicelib.transfers.po_receipts import pipeline

    monkeypatch.setattr(pipeline, "ORDERS_PER_MESSAGE", 2)
    company = QuickBooksCompany.sample()
    for n in range(11, 16):
        enqueue(admin, "purchase-orders", purchase_order(n, [line("Widget", 2)]))
    run(client, setup, company)
    made = [
        enqueue(admin, "po-receipts", receipt(n, n, [{"product": "Widget", "quantity": 2}]))
        for n in range(11, 16)
    ]

    run(client, setup, company)

    assert all(admin.transfer(r["id"])["status"] == "transferred" for r in made)
    reads = [r for r in company.requests_seen if "<PurchaseOrderQueryRq" in r and "IncludeLineItems" in r]
    assert [r.count("<TxnID>") for r in reads] == [2, 2, 1]
    assert all(o.lines[0].received_quantity == 2 for o in company.purchase_orders)

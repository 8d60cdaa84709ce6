"""``make demo``: one full simulated conversation against the running local stack, printed as it happens.

It issues itself an admin token (straight into the local store, like ``make token``), makes sure a demo
connector and a QBWC user exist, routes the run's organizations to the demo connector (whichever connector
is the default) and enqueues their invoices, downloads the user's ``.qwc`` through the API, and runs the QBWC
simulator against a simulated QuickBooks company. Then it shows the connector's conversation log from the
API. Nothing it prints carries the QBWC session ticket (the session's only credential) or the tokens.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import urllib.parse
from typing import Any

import requests

from chalicelib.admin.tokens import issue_token
from chalicelib.clock import SystemClock, iso
from chalicelib.settings import Settings
from chalicelib.store import Store
from chalicelib.store.dynamodb import open_table
from simulators.qbwc import WebConnector, format_run_log, parse_qwc
from simulators.quickbooks import QuickBooksCompany

DEMO_CONNECTOR = "Demo company"
_ORGANIZATIONS = 3


def _api(session: requests.Session, method: str, url: str, **kwargs: Any) -> Any:
    response = session.request(method, url, timeout=30, **kwargs)
    if response.status_code >= 400:
        raise SystemExit(f"{method} {url} answered {response.status_code}: {response.text}")
    return response


def main() -> int:
    base_url = os.environ.get("DEMO_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip("/")
    store = Store(open_table(Settings.from_env()))
    token = issue_token(store, scope="admin", label="make demo", now=iso(SystemClock().now())).plaintext
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"

    connectors = _api(api, "GET", f"{base_url}/api/connectors").json()["connectors"]
    connector = next((c for c in connectors if c["name"] == DEMO_CONNECTOR), None)
    if connector is None:
        body = {"name": DEMO_CONNECTOR, "transfers": {"invoices": True}}
        connector = _api(api, "POST", f"{base_url}/api/connectors", json=body).json()
        print(
            f"Created connector {DEMO_CONNECTOR!r} ({connector['id']}, default: {connector['is_default']})."
        )
    else:
        _api(
            api,
            "PATCH",
            f"{base_url}/api/connectors/{connector['id']}",
            json={"transfers": {"invoices": True}},
        )
    run_id = secrets.token_hex(3)
    # New organizations each run: every run simulates a fresh company file.
    org_ids = [f"DEMO-{run_id}-ORG-{k}" for k in range(_ORGANIZATIONS)]
    for org_id in org_ids:
        # Unrouted organizations go to the default connector, which need not be the demo's: its invoices
        # would stay queued there and the demo would show nothing transferred.
        _api(
            api,
            "PUT",
            f"{base_url}/api/organizations/{urllib.parse.quote(org_id, safe='')}/connector",
            json={"connector_id": connector["id"]},
        )
    transfer_ids = []
    for n in range(5):
        org = n % _ORGANIZATIONS
        invoice = {
            "source_id": f"DEMO-{run_id}-{n}",
            "number": f"D{run_id[:4]}{n}",
            "date": "2026-11-20",
            "organization": {"id": org_ids[org], "name": f"Demo Client {run_id} {org}"},
            "lines": [
                {
                    "billing_code": "Remote Support",
                    "description": "Monthly support",
                    "quantity": 2,
                    "rate": 95,
                }
            ],
        }
        transfer_ids.append(
            _api(api, "POST", f"{base_url}/api/transfers/invoices", json=invoice).json()["id"]
        )
    print(
        f"Enqueued {len(transfer_ids)} invoices for {_ORGANIZATIONS} organizations, routed to {DEMO_CONNECTOR!r}."
    )
    # Lists are read at most once a day; ask for a fresh read so the demo always has work to show.
    _api(api, "POST", f"{base_url}/api/connectors/{connector['id']}/refresh-lists")
    username = f"demo-{secrets.token_hex(3)}"
    user = _api(
        api, "POST", f"{base_url}/api/connectors/{connector['id']}/users", json={"username": username}
    ).json()
    qwc_text = _api(api, "GET", f"{base_url}/api/connectors/{connector['id']}/users/{username}/qwc").text
    qwc = parse_qwc(qwc_text)
    print(f"QBWC user {username!r} created; its .qwc points QBWC at {qwc.app_url}.\n")

    company = QuickBooksCompany.sample(customers=120, vendors=30, items=60)
    run = WebConnector(qwc, user["password"], company, noop_wait_seconds=0.5).run()
    print(format_run_log(run))

    log = _api(api, "GET", f"{base_url}/api/connectors/{connector['id']}/conversations").json()[
        "conversations"
    ]
    print(f"\nGET /api/connectors/{connector['id']}/conversations (newest first):")
    for entry in log:
        print(f"  {entry['started_at']}  {entry.get('id', ''):<27} {entry['user']:<14} {entry['status']}")
    print("\nTransfers:")
    for transfer_id in transfer_ids:
        transfer = _api(api, "GET", f"{base_url}/api/transfers/{transfer_id}").json()
        print(
            f"  {transfer['source_id']:<18} {transfer['status']:<12} QuickBooks TxnID {transfer['qb_txn_id']}"
        )
    customers = _api(api, "GET", f"{base_url}/api/connectors/{connector['id']}/qb-lists/customers").json()
    print(f"\nCustomers read from QuickBooks: {len(customers['entries'])} (read at {customers['read_at']}).")
    if log:
        print("Full conversation record:\n" + json.dumps(_without_ticket(log[0]), indent=2))
    return 0 if run.outcome == "completed" else 1


def _without_ticket(entry: dict[str, Any]) -> dict[str, Any]:
    """A conversation entry fit to print: a server from before conversations had an ``id`` still sent the
    session ticket, which is a credential while the session lasts."""
    return {key: value for key, value in entry.items() if key != "ticket"}


if __name__ == "__main__":
    sys.exit(main())

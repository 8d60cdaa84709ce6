"""The one definition of the DynamoDB table: used by the store, the local stack, the tests and the CDK stack.

Single-table design. Access patterns (keys are strings with type prefixes):

| item                     | PK                         | SK                         | GSI1PK               | GSI1SK                      |
|--------------------------|----------------------------|----------------------------|----------------------|-----------------------------|
| connector                | CONNECTOR#<id>             | CONNECTOR                  | CONNECTORS           | <created_at>#<id>           |
| default-connector claim  | META                       | DEFAULT_CONNECTOR          |                      |                             |
| installation (OwnerID)   | META                       | INSTALLATION               |                      |                             |
| connector lock           | CONNECTOR#<id>             | LOCK                       |                      |                             |
| company file binding     | COMPANYFILE#<sha256(path)> | CLAIM                      |                      |                             |
| QuickBooks list (head)   | CONNECTOR#<id>             | QBLIST#<list>              |                      |                             |
| QuickBooks list (page)   | CONNECTOR#<id>             | QBLIST#<list>#<gen>#<n>    |                      |                             |
| QBWC user                | QBWCUSER#<username lower>  | QBWCUSER                   | CONNECTOR#<id>       | USER#<username lower>       |
| session                  | SESSION#<sha256(ticket)>   | SESSION                    |                      |                             |
| conversation             | CONVERSATION#<id>          | CONVERSATION               | CONNECTOR#<id>       | CONV#<started_at>#<id>      |
| transcript message       | CONVERSATION#<id>          | MSG#<at>#<random>          |                      |                             |
| transfer it touched      | CONVERSATION#<id>          | TRANSFER#<transfer id>     |                      |                             |
| API token                | TOKEN#<token id>           | TOKEN                      | TOKENS               | <created_at>#<id>           |
| mapping set              | CONNECTOR#<id>             | MAPPING#<kind>             |                      |                             |
| naming conventions       | CONNECTOR#<id>             | NAMING                     |                      |                             |
| organization route       | ROUTE#ORG#<org id>         | ROUTE                      | ROUTES#ORG           | <org id>                    |
| resource route           | ROUTE#RES#<resource id>    | ROUTE                      | ROUTES#RES           | <resource id>               |
| old organization routes  | META                       | ORG_ROUTES                 |                      |                             |
| transfer                 | TRANSFER#<id>              | TRANSFER                   | see below            | see below                   |
| customer link            | CONNECTOR#<id>             | CUSTOMER#<org id>          |                      |                             |
| inventory: current read  | CONNECTOR#<id>             | INVENTORY                  |                      |                             |
| inventory part (slot)    | CONNECTOR#<id>             | INVENTORY#<slot>#<ListID>  | INVENTORY#<id>       | <read id>#<name>#<ListID>   |

A transfer item holds its keys, ``connector_id``, ``kind``, ``status`` and ``updated_at`` (what filters and
conditions name) and ``data``, the whole transfer as JSON text (one attribute to convert instead of dozens;
items written before 0.7 keep a field per attribute and are read as they are, and packed when written again).
Conversations read and write transfers through a plain client (``store/wire.py``), a hundred at a time.

Transfers use GSI1 as a sparse work index: ``QUEUE#<connector>`` (queued, in flight, failed and still to retry)
or ``SYNC#<connector>`` (transferred invoices whose paid date is followed), sorted by time; other statuses
carry no GSI1 key and drop out of it. GSI2 lists every transfer: ``TRANSFERS`` / ``<enqueued_at>#<id>``.

- Last 10 conversations of a connector: query GSI1 ``CONNECTOR#<id>`` / ``begins_with CONV#``, newest first.
- Users of a connector: query GSI1 ``CONNECTOR#<id>`` / ``begins_with USER#``.
- Inventory (default connector): the current read's parts in name order: query GSI1 ``INVENTORY#<id>`` /
  ``begins_with <read id>#`` (``store/inventory.py``: two slots, so a read in progress never hides the last
  one; parts QuickBooks stopped reporting expire by ``ttl``).
- Routes: one item per routed organization (invoices) or resource (timesheets, expense reports) naming its
  ``connector_id``; no item: the default connector. Enqueue reads one by key (GetItem, cached 10 s per id per
  process, so a re-route reaches documents enqueued at most 10 s later); there is no cap on their number.
  Listed by id a page at a time: query GSI1 ``ROUTES#ORG`` / ``ROUTES#RES`` (``begins_with`` for a prefix).
- Old organization routes: what earlier versions wrote, every organization route in one ``routes`` map
  (at most 2,500). Reads fall back to it for organizations without an item of their own until
  ``make migrate`` (``migrate_organization_routes``) moves its routes to items and deletes it.
- A session is found by the SHA-256 of its ticket: the table never holds a live ticket (a copy of the table
  or a log of its keys cannot drive a session), and the ticket never leaves the SOAP exchange. A conversation
  has its own public id; its session and transfer histories point to it by that id.
- Sessions, locks and transcripts carry ``ttl`` (epoch seconds) so DynamoDB removes them; code also checks
  ``expires_at`` because expired items linger until DynamoDB gets round to deleting them.
"""

from __future__ import annotations

from typing import Any

PARTITION_KEY = "PK"
SORT_KEY = "SK"
TTL_ATTRIBUTE = "ttl"
GSI1 = "GSI1"
GSI2 = "GSI2"

ATTRIBUTE_DEFINITIONS: list[dict[str, str]] = [
    {"AttributeName": "PK", "AttributeType": "S"},
    {"AttributeName": "SK", "AttributeType": "S"},
    {"AttributeName": "GSI1PK", "AttributeType": "S"},
    {"AttributeName": "GSI1SK", "AttributeType": "S"},
    {"AttributeName": "GSI2PK", "AttributeType": "S"},
    {"AttributeName": "GSI2SK", "AttributeType": "S"},
]
KEY_SCHEMA: list[dict[str, str]] = [
    {"AttributeName": "PK", "KeyType": "HASH"},
    {"AttributeName": "SK", "KeyType": "RANGE"},
]
GLOBAL_SECONDARY_INDEXES: list[dict[str, Any]] = [
    {
        "IndexName": GSI1,
        "KeySchema": [
            {"AttributeName": "GSI1PK", "KeyType": "HASH"},
            {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    },
    {
        "IndexName": GSI2,
        "KeySchema": [
            {"AttributeName": "GSI2PK", "KeyType": "HASH"},
            {"AttributeName": "GSI2SK", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    },
]


def create_table_kwargs(table_name: str) -> dict[str, Any]:
    """Arguments for DynamoDB ``CreateTable`` (on-demand billing)."""
    return {
        "TableName": table_name,
        "AttributeDefinitions": ATTRIBUTE_DEFINITIONS,
        "KeySchema": KEY_SCHEMA,
        "GlobalSecondaryIndexes": GLOBAL_SECONDARY_INDEXES,
        "BillingMode": "PAY_PER_REQUEST",
    }


def ensure_table(client: Any, table_name: str) -> bool:
    """Create the table (and turn on TTL where the server supports it) unless it exists; True if created.

    ``client`` is a boto3 DynamoDB client. dynalite has no TTL API; there the code's own ``expires_at``
    checks are what matter.
    """
    existing = client.list_tables().get("TableNames", [])
    if table_name in existing:
        _check_indexes(client, table_name)
        return False
    client.create_table(**create_table_kwargs(table_name))
    client.get_waiter("table_exists").wait(
        TableName=table_name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100}
    )
    try:
        client.update_time_to_live(
            TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
        )
    except client.exceptions.ClientError as exc:  # dynalite: UnknownOperationException
        if "UnknownOperation" not in str(exc):
            raise
    return True


class OutdatedTable(RuntimeError):
    """The table lacks an index this version needs (made by an older version)."""


def _check_indexes(client: Any, table_name: str) -> None:
    """Refuse, with what to do, a table made by an older version that lacks an index this one needs.

    dynalite cannot add an index to an existing table, and a deployed table's indexes belong to the CDK
    stack, so nothing is changed here.
    """
    description = client.describe_table(TableName=table_name)["Table"]
    present = {index["IndexName"] for index in description.get("GlobalSecondaryIndexes", [])}
    missing = [i["IndexName"] for i in GLOBAL_SECONDARY_INDEXES if i["IndexName"] not in present]
    if missing:
        raise OutdatedTable(
            f"the table {table_name!r} lacks the index(es) {', '.join(missing)} that this version needs. For the "
            "local stack, move ./var/dynalite aside (its data is then gone) and start again; on AWS, deploy the "
            "current CDK stack."
        )

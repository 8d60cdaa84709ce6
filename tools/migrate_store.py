"""Rewrite what an older version of qbwc-bridge stored into today's shape (``make migrate``).

Idempotent: running it again finds nothing left to do. Run it after upgrading, while no QBWC update is
running (``make migrate`` for the local stack, ``make migrate STAGE=prod`` with your AWS credentials).
"""

from __future__ import annotations

import sys

from chalicelib.settings import Settings
from chalicelib.store.dynamodb import open_table
from chalicelib.store.migrations import (
    migrate_conversation_ids,
    migrate_organization_routes,
    migrate_transfer_indexes,
)
from chalicelib.transfers import registry


def main() -> int:
    settings = Settings.from_env()
    try:
        table = open_table(settings)
        done = migrate_conversation_ids(table)
        done += migrate_organization_routes(table)
        done += migrate_transfer_indexes(table, {kind.slug for kind in registry.kinds() if kind.followed})
    except Exception as exc:  # the usual cause locally: the stack is not running
        where = settings.dynamodb_endpoint or f"DynamoDB table {settings.table_name} in {settings.region}"
        print(f"Could not migrate {where}: {exc}", file=sys.stderr)
        return 1
    if not done:
        print("Nothing to migrate: the table is in today's shape.")
        return 0
    print(
        "Migrated: " + ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in sorted(done.items()))
    )
    if done.get("transfers_busy"):
        print("Some transfers changed while this ran: run it again when no update is running.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Rewrite what an older version of qbwc-bridge stored into today's shape (``make migrate``).

Idempotent: running it again finds nothing left to do. Run it after upgrading, while no QBWC update is
running (``make migrate`` for the local stack, ``make migrate STAGE=prod`` with your AWS credentials).
"""

from __future__ import annotations

import sys

from chalicelib.settings import Settings
from chalicelib.store.dynamodb import open_table
from chalicelib.store.migrations import migrate_conversation_ids


def main() -> int:
    settings = Settings.from_env()
    try:
        done = migrate_conversation_ids(open_table(settings))
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

"""Issue an API token straight into the store (there is no bootstrap HTTP endpoint).

``make token`` runs this against the local stack; ``make token STAGE=dev`` against AWS with the caller's own
credentials. The token is printed alone on the last line; it is shown only this once.
"""

from __future__ import annotations

import argparse
import sys

from chalicelib.admin.tokens import issue_token
from chalicelib.clock import SystemClock, iso
from chalicelib.settings import Settings
from chalicelib.store import Store
from chalicelib.store.dynamodb import open_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scope", choices=["admin", "source"], default="admin")
    parser.add_argument("--label", default="", help="a note to recognise the token by in GET /api/tokens")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    store = Store(open_table(settings))
    try:
        issued = issue_token(
            store, scope=args.scope, label=args.label or f"{args.scope} token", now=iso(SystemClock().now())
        )
    except Exception as exc:  # the usual cause locally: the stack is not running
        where = settings.dynamodb_endpoint or f"DynamoDB table {settings.table_name} in {settings.region}"
        print(f"Could not write the token to {where}: {exc}", file=sys.stderr)
        if settings.dynamodb_endpoint:
            print(
                "Is the local stack running? Start it with `make run` in another terminal.", file=sys.stderr
            )
        return 1
    print(
        f"New {args.scope} token {issued.token.id} (shown once; send it as 'Authorization: Bearer <token>')."
    )
    if args.scope == "admin":
        print("For a source token (enqueue and read transfers only): make token SCOPE=source")
    print(issued.plaintext)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``chalice local`` with Nagle's algorithm off on every connection it accepts (run as a script by
``tools.local_stack``; arguments as for the ``chalice`` command).

Chalice's request handler writes a response's headers and its body in two ``send`` calls. On a keep-alive
connection, Nagle's algorithm then holds the body back until the client acknowledges the headers, which the
client delays by up to 40 ms: every small answer took about 45 ms instead of a few. ``TCP_NODELAY`` (what
``disable_nagle_algorithm`` sets, as most servers do) sends the body at once. Nothing else changes.
"""

from __future__ import annotations

import sys

from chalice import local
from chalice.cli import main


def run() -> int:
    local.ChaliceRequestHandler.disable_nagle_algorithm = True
    return int(main() or 0)


if __name__ == "__main__":
    sys.exit(run())

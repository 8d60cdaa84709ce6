"""``chalice local`` with Nagle's algorithm off on every connection it accepts (run as a script by
``tools.local_stack``; arguments as for the ``chalice`` command), and, for test stacks only, a lower PBKDF2
work factor.

Chalice's request handler writes a response's headers and its body in two ``send`` calls. On a keep-alive
connection, Nagle's algorithm then holds the body back until the client acknowledges the headers, which the
client delays by up to 40 ms: every small answer took about 45 ms instead of a few. ``TCP_NODELAY`` (what
``disable_nagle_algorithm`` sets, as most servers do) sends the body at once.

``QBWC_BRIDGE_TEST_PBKDF2_ITERATIONS`` (set by the test suite's stacks through ``extra_env``; never taken from
the shell, see ``local_stack``) lowers ``chalicelib.security.secrets.work_factor`` in this process, as
``tests/conftest.py`` does in pytest's: the passwords of QBWC users created over HTTP and the checks against
them then cost little. This file is never part of the deployed app (``chalice package`` ships app.py and
chalicelib/ only), so production hashing cannot be lowered this way.
"""

from __future__ import annotations

import os
import sys

TEST_WORK_FACTOR_VAR = "QBWC_BRIDGE_TEST_PBKDF2_ITERATIONS"


def run() -> int:
    # Run as a script, this file's directory (tools/) heads sys.path; the project directory (the working
    # directory, where chalice finds app.py) takes its place, as with ``python -c``.
    sys.path[0] = os.getcwd()
    from chalice import local  # here, so the tests importing TEST_WORK_FACTOR_VAR do not load chalice's CLI
    from chalice.cli import main

    local.ChaliceRequestHandler.disable_nagle_algorithm = True
    if work_factor := os.environ.get(TEST_WORK_FACTOR_VAR):
        from chalicelib.security import secrets

        secrets.work_factor = int(work_factor)
    return int(main() or 0)


if __name__ == "__main__":
    sys.exit(run())

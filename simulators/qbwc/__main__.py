"""Run one QBWC conversation from the command line.

    python -m simulators.qbwc --qwc app.qwc --password secret [--noop-wait 0] [--company module:factory]

The exit code is 0 when the run completed or the web service had nothing to do, 1 for any other outcome,
and 2 (argparse's usage error) when the .qwc file or the company factory cannot be loaded.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from simulators.qbwc.qwc import parse_qwc
from simulators.qbwc.report import format_run_log
from simulators.qbwc.web_connector import CompanyBackend, WebConnector

DEFAULT_COMPANY = "simulators.quickbooks:QuickBooksCompany.sample"
_SUCCESSFUL_OUTCOMES = ("completed", "none")


def load_company(spec: str) -> CompanyBackend:
    """Call the factory named by ``module:attribute.path`` and check that it built a ``CompanyBackend``.

    The module is imported only here, so this package does not depend on any company simulator.
    """
    module_name, _, factory_path = spec.partition(":")
    if not module_name or not factory_path:
        raise ValueError(f"--company must look like module:factory, got {spec!r}")
    factory: object = importlib.import_module(module_name)
    for attribute in factory_path.split("."):
        factory = getattr(factory, attribute)
    if not callable(factory):
        raise ValueError(f"{spec} is not callable")
    company = factory()
    if not isinstance(company, CompanyBackend):
        raise ValueError(f"{spec} built a {type(company).__name__}, which lacks the CompanyBackend members")
    return company


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, run one conversation, print its log; return the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m simulators.qbwc",
        description="Run one QBWC conversation against the AppURL of a .qwc file.",
    )
    parser.add_argument("--qwc", required=True, type=Path, help="the .qwc file naming the web service")
    parser.add_argument("--password", required=True, help="the password QBWC would ask the user for")
    parser.add_argument(
        "--noop-wait",
        type=float,
        default=5.0,
        help="seconds to wait after getLastError answers NoOp (default 5)",
    )
    parser.add_argument(
        "--company",
        default=DEFAULT_COMPANY,
        help=f"module:factory building the QuickBooks side ({DEFAULT_COMPANY})",
    )
    args = parser.parse_args(argv)
    try:
        qwc = parse_qwc(args.qwc.read_bytes())
        company = load_company(args.company)
    except (OSError, ValueError, ImportError, AttributeError) as exc:
        parser.error(str(exc))
    log = WebConnector(qwc, args.password, company, noop_wait_seconds=args.noop_wait).run()
    print(format_run_log(log))
    return 0 if log.outcome in _SUCCESSFUL_OUTCOMES else 1


if __name__ == "__main__":
    sys.exit(main())

"""The CDK app: one qbwc-bridge stack for the stage named in the context (``-c stage=dev|prod``).

Context (``-c key=value`` with the CDK CLI, or the same names as environment variables in upper case for
``python infra/app.py``, which is what ``make synth`` runs, offline):

- ``stage``: ``dev`` (default) or ``prod``.
- ``sender_email``: the address notices are sent from; the stack creates its SES identity.
- ``public_url``: the https base URL of the API (known after the first deploy, see infra/README.md); one QBWC
  would refuse (http, an IP address) stops synth, an empty one is allowed (the first deploy).
- ``alarm_email``: optional address subscribed to the alarm topic.
- ``throttle_rate``, ``throttle_burst``: API Gateway stage throttling (default 50 requests/s, burst 100).
- ``reserved_concurrency``: opt-in reserved concurrency of each function behind the API (default: none).

The limits must be positive integers; anything else stops synth with a message (``SystemExit``, no traceback).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

INFRA_DIR = Path(__file__).resolve().parent
REPO_ROOT = INFRA_DIR.parent
if str(REPO_ROOT) not in sys.path:  # `python infra/app.py` and `cdk` (from infra/) both need chalicelib
    sys.path.insert(0, str(REPO_ROOT))

import aws_cdk as cdk  # noqa: E402

from chalicelib.qbwc.public_url import PublicUrlError, check_public_url  # noqa: E402
from infra.stack import (  # noqa: E402
    DEFAULT_THROTTLE_BURST,
    DEFAULT_THROTTLE_RATE,
    QbwcBridgeStack,
    StageSettings,
)

STAGES = ("dev", "prod")
PLACEHOLDER_SENDER = "qbwc-bridge@example.invalid"


def _setting(app: cdk.App, name: str, default: str = "") -> str:
    """A context value, else the environment variable of the same name in upper case, else ``default``."""
    value = app.node.try_get_context(name)
    if value is None or value == "":
        value = os.environ.get(name.upper()) or default
    return str(value)


def _positive_int(app: cdk.App, name: str) -> int | None:
    """The setting ``name`` as a positive integer, None if unset; anything else stops synth with a message."""
    value = _setting(app, name).strip()
    if not value:
        return None
    # Digits only: "1.5", "-1" or "1e3" are mistakes to report, not values to round.
    if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
        raise SystemExit(
            f"{name} must be a positive integer (got {value!r}); set it with -c {name}=N or {name.upper()}=N"
        )
    return int(value)


def _public_url(app: cdk.App) -> str:
    """The ``public_url`` setting, checked against what QBWC accepts; empty stays allowed (first deploy)."""
    public_url = _setting(app, "public_url")
    if public_url:
        try:
            check_public_url(public_url)
        except PublicUrlError as error:
            # A message, not a traceback: `make synth` / `make deploy` print it and stop before any AWS call.
            raise SystemExit(f"public_url: {error}") from None
    return public_url


def settings_from_context(app: cdk.App) -> StageSettings:
    """The stage settings from ``app``'s context (or environment); ``SystemExit`` with a message if invalid."""
    stage = _setting(app, "stage", "dev")
    if stage not in STAGES:
        raise SystemExit(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    return StageSettings(
        stage=stage,
        sender_email=_setting(app, "sender_email", PLACEHOLDER_SENDER),
        public_url=_public_url(app),
        alarm_email=_setting(app, "alarm_email"),
        throttle_rate=_positive_int(app, "throttle_rate") or DEFAULT_THROTTLE_RATE,
        throttle_burst=_positive_int(app, "throttle_burst") or DEFAULT_THROTTLE_BURST,
        reserved_concurrency=_positive_int(app, "reserved_concurrency"),
    )


def build(app: cdk.App) -> QbwcBridgeStack:
    """Add the stack for the context's stage to ``app`` and return it (``SystemExit`` on invalid settings)."""
    settings = settings_from_context(app)
    stage = settings.stage
    account = os.environ.get("CDK_DEFAULT_ACCOUNT")
    region = os.environ.get("CDK_DEFAULT_REGION")
    # `chalice package` makes a boto3 session (no AWS calls) and needs a region for it.
    os.environ.setdefault("AWS_DEFAULT_REGION", region or "us-east-1")
    env = cdk.Environment(account=account, region=region) if account and region else None
    return QbwcBridgeStack(
        app,
        stage,
        settings,
        stack_name=settings.table_name,
        env=env,
        termination_protection=settings.is_prod,
        description=f"qbwc-bridge {stage}: QuickBooks Web Connector server (API Gateway, Lambda, DynamoDB, SES)",
    )


def main() -> None:
    """Synthesize into $CDK_OUTDIR (set by the CDK CLI) or infra/cdk.out."""
    # chalice.cdk.Chalice writes its packages to ./chalice.out: keep that inside infra/.
    os.chdir(INFRA_DIR)
    app = cdk.App(outdir=os.environ.get("CDK_OUTDIR", str(INFRA_DIR / "cdk.out")))
    build(app)
    app.synth()


if __name__ == "__main__":
    main()

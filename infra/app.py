"""The CDK app: one qbwc-bridge stack for the stage named in the context (``-c stage=dev|prod``).

Context (``-c key=value`` with the CDK CLI, or the same names as environment variables in upper case for
``python infra/app.py``, which is what ``make synth`` runs, offline):

- ``stage``: ``dev`` (default) or ``prod``.
- ``sender_email``: the address notices are sent from; the stack creates its SES identity.
- ``public_url``: the https base URL of the API (known after the first deploy, see infra/README.md).
- ``alarm_email``: optional address subscribed to the alarm topic.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

INFRA_DIR = Path(__file__).resolve().parent
REPO_ROOT = INFRA_DIR.parent
if str(REPO_ROOT) not in sys.path:  # `python infra/app.py` and `cdk` (from infra/) both need chalicelib
    sys.path.insert(0, str(REPO_ROOT))

import aws_cdk as cdk  # noqa: E402

from infra.stack import QbwcBridgeStack, StageSettings  # noqa: E402

STAGES = ("dev", "prod")
PLACEHOLDER_SENDER = "qbwc-bridge@example.invalid"


def _setting(app: cdk.App, name: str, default: str = "") -> str:
    """A context value, else the environment variable of the same name in upper case, else ``default``."""
    value = app.node.try_get_context(name)
    if value is None or value == "":
        value = os.environ.get(name.upper()) or default
    return str(value)


def build(app: cdk.App) -> QbwcBridgeStack:
    """Add the stack for the context's stage to ``app`` and return it."""
    stage = _setting(app, "stage", "dev")
    if stage not in STAGES:
        raise SystemExit(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    settings = StageSettings(
        stage=stage,
        sender_email=_setting(app, "sender_email", PLACEHOLDER_SENDER),
        public_url=_setting(app, "public_url"),
        alarm_email=_setting(app, "alarm_email"),
    )
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

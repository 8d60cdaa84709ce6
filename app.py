"""qbwc-bridge: routes only. Everything they do lives in ``chalicelib``."""

from __future__ import annotations

from chalice.app import Chalice, Response

from chalicelib.api.admin_page import admin_page_blueprint
from chalicelib.api.auth import auth_blueprint
from chalicelib.api.connectors import connectors_blueprint
from chalicelib.api.dependencies import get_web_connector_service
from chalicelib.api.mappings import mappings_blueprint
from chalicelib.api.operations import operations_blueprint
from chalicelib.api.qbwc_users import users_blueprint
from chalicelib.api.tokens import tokens_blueprint
from chalicelib.api.transfers import transfers_blueprint
from chalicelib.qbwc.endpoint import handle_soap_post
from chalicelib.qbwc.wsdl import render_wsdl
from chalicelib.settings import get_settings

app = Chalice(app_name="qbwc-bridge")
for blueprint in (
    auth_blueprint,
    operations_blueprint,
    connectors_blueprint,
    users_blueprint,
    tokens_blueprint,
    transfers_blueprint,
    mappings_blueprint,
    admin_page_blueprint,
):
    app.register_blueprint(blueprint)

SOAP_CONTENT_TYPES = ["text/xml", "application/xml", "application/soap+xml", "text/plain"]
XML_HEADERS: dict[str, str | list[str]] = {"Content-Type": "text/xml; charset=utf-8"}


@app.route("/qbwc", methods=["POST"], content_types=SOAP_CONTENT_TYPES)
def qbwc() -> Response:
    """The SOAP endpoint QuickBooks Web Connector calls."""
    request = app.current_request
    assert request is not None  # Chalice sets it for every route call
    body = request.raw_body
    reply = handle_soap_post(
        get_web_connector_service(),
        body.encode("utf-8") if isinstance(body, str) else (body or b""),
        soap_action=request.headers.get("soapaction"),
    )
    return Response(body=reply.body.decode("utf-8"), status_code=reply.status, headers=XML_HEADERS)


@app.route("/qbwc", methods=["GET"])
def qbwc_wsdl() -> Response:
    """``GET /qbwc?wsdl``: the WSDL, with our own endpoint URL."""
    return Response(
        body=render_wsdl(get_settings().qbwc_url).decode("utf-8"), status_code=200, headers=XML_HEADERS
    )


@app.schedule("rate(1 hour)")
def notice_retries(event: object) -> None:
    """Hourly: send again the e-mail notices SES refused (up to NOTICE_MAX_ATTEMPTS in all)."""
    from chalicelib.api.dependencies import get_clock, get_mailer, get_store
    from chalicelib.notify.delivery import retry_pending

    retry_pending(get_store(), get_mailer(), get_clock(), get_settings())


@app.schedule("rate(1 hour)")
def notice_watchdog(event: object) -> None:
    """Hourly: one notice for each connector whose queued work has waited WATCHDOG_HOURS without a conversation."""
    from chalicelib.api.dependencies import get_clock, get_mailer, get_store
    from chalicelib.notify.watchdog import run_watchdog

    run_watchdog(get_store(), get_mailer(), get_clock(), get_settings())


@app.schedule("cron(0 7 * * ? *)")
def notice_digest(event: object) -> None:
    """Daily at 07:00 UTC: one digest per connector of the problems that came back after their notice."""
    from chalicelib.api.dependencies import get_clock, get_mailer, get_store
    from chalicelib.notify.digest import send_digests

    send_digests(get_store(), get_mailer(), get_clock(), get_settings())

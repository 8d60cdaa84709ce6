"""qbwc-bridge: routes, and the one middleware that keeps Chalice's own errors in our envelope.

Everything the routes do lives in ``chalicelib``. Importing this module registers the routes and builds
nothing else (cold start): route bodies import what they use, and boto3 comes with the first request that
needs the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from chalice.app import Chalice, Request, Response

from chalicelib.api.admin_page import admin_page_blueprint
from chalicelib.api.auth import auth_blueprint
from chalicelib.api.connectors import connectors_blueprint
from chalicelib.api.dependencies import get_clock, get_mailer, get_store, get_web_connector_service
from chalicelib.api.http import error_response
from chalicelib.api.mappings import mappings_blueprint
from chalicelib.api.operations import operations_blueprint
from chalicelib.api.qbwc_users import users_blueprint
from chalicelib.api.tokens import tokens_blueprint
from chalicelib.api.transfers import transfers_blueprint
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


@app.middleware("http")
def errors_in_our_envelope(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Answers Chalice makes itself (405, 415, an unhandled 500) in our error envelope.

    Chalice answers a method a path does not have, or a body of a content type the route does not accept,
    with its own ``{"Code", "Message"}`` before any of our code runs; clients should see one error shape.
    """
    response = get_response(request)
    body = response.body
    if not (isinstance(body, dict) and set(body) == {"Code", "Message"} and response.status_code >= 400):
        return response
    code, message = _envelope_code_and_message(request, response, str(body["Code"]), str(body["Message"]))
    answer = error_response(response.status_code, code, message)
    # Keep what Chalice added (Allow on a 405, CORS headers); the body is JSON now.
    answer.headers = {**response.headers, **answer.headers}
    return answer


def _envelope_code_and_message(
    request: Request, response: Response, chalice_code: str, chalice_message: str
) -> tuple[str, str]:
    """A stable snake_case code and a message that names what the route accepts."""
    if response.status_code == 405:
        allowed = response.headers.get("Allow", "")
        return "method_not_allowed", f"{request.method} is not allowed on {request.path}; allowed: {allowed}"
    if response.status_code == 415:
        accepted = " or ".join(app.routes[request.path][request.method].content_types)
        sent = request.headers.get("content-type")
        what = f"Content-Type {sent!r}" if sent else "A request without a Content-Type"
        return "unsupported_media_type", f"{what} is not accepted here; send {accepted}"
    if chalice_code == "InternalServerError":
        return "internal_error", "Something went wrong on our side; it has been logged."
    # Any other Chalice error class name, e.g. BadRequest -> bad_request, NotFoundError -> not_found.
    return re.sub(r"(?<!^)(?=[A-Z])", "_", chalice_code.removesuffix("Error")).lower(), chalice_message


SOAP_CONTENT_TYPES = ["text/xml", "application/xml", "application/soap+xml", "text/plain"]
XML_HEADERS: dict[str, str | list[str]] = {"Content-Type": "text/xml; charset=utf-8"}


@app.route("/qbwc", methods=["POST"], content_types=SOAP_CONTENT_TYPES)
def qbwc() -> Response:
    """The SOAP endpoint QuickBooks Web Connector calls."""
    # Imported here (cold start): the SOAP service brings the conversation engine and every transfer kind.
    from chalicelib.qbwc.endpoint import handle_soap_post

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
    from chalicelib.notify.delivery import retry_pending  # cold start

    retry_pending(get_store(), get_mailer(), get_clock(), get_settings())


@app.schedule("rate(1 hour)")
def notice_watchdog(event: object) -> None:
    """Hourly: one notice for each connector whose queued work has waited WATCHDOG_HOURS without a conversation."""
    from chalicelib.notify.watchdog import run_watchdog  # cold start

    run_watchdog(get_store(), get_mailer(), get_clock(), get_settings())


@app.schedule("cron(0 7 * * ? *)")
def notice_digest(event: object) -> None:
    """Daily at 07:00 UTC: one digest per connector of the problems that came back after their notice."""
    from chalicelib.notify.digest import send_digests  # cold start

    send_digests(get_store(), get_mailer(), get_clock(), get_settings())

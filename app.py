"""qbwc-bridge: routes only. Everything they do lives in ``chalicelib``."""

from __future__ import annotations

from chalice.app import Chalice, Response

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

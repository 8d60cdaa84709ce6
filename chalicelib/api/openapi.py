"""The OpenAPI 3.1 document of the REST API (``GET /openapi.json``), built from the pydantic models.

Request bodies are described by the very models ``parse_body`` validates with, so the document cannot drift
from what the API accepts. Answers are described by small response models: the stored models with their
secrets left out (built from the stored model's own fields, so a new stored field shows up here too), and
models written here for answers that are assembled from several pieces.

Every ``/api/`` route is listed once in ``OPERATIONS``; ``tests/api/test_openapi.py`` checks that list
against the routes the Chalice app really registers, in both directions. The SOAP endpoint ``/qbwc`` is not
part of this REST contract and is only mentioned in the description.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from chalicelib.admin.inventory import INVENTORY_PAGE_DEFAULT, INVENTORY_PAGE_MAX
from chalicelib.domain.api_token import ApiToken, ApiTokenCreate
from chalicelib.domain.connector import Connector, ConnectorCreate, ConnectorPatch
from chalicelib.domain.conversation import Conversation
from chalicelib.domain.mapping import (
    MAPPING_KINDS,
    MAPPING_SETS,
    MappingKind,
    NamingConventions,
    OrganizationRoute,
)
from chalicelib.domain.qbwc_user import QbwcUser, QbwcUserCreate, QbwcUserPatch
from chalicelib.domain.transfer import (
    TRANSFER_STATUSES,
    RequeueOptions,
    Transfer,
    TransferError,
    TransferStatus,
)
from chalicelib.domain.transfer import Operation as TransferOperation
from chalicelib.qbxml.lists import QB_LISTS
from chalicelib.transfers import registry

OPENAPI_VERSION = "3.1.0"
API_VERSION = "0.1.0"
TITLE = "qbwc-bridge"
REF_TEMPLATE = "#/components/schemas/{model}"
JSON = "application/json"
SECURITY_SCHEME = "bearerAuth"
QB_LIST_NAMES = tuple(spec.name for spec in QB_LISTS)

DESCRIPTION = """\
The REST API of qbwc-bridge: connectors (one per QuickBooks company file), their QuickBooks Web Connector \
users and `.qwc` files, mappings and naming conventions, API tokens, and the transfers a source application \
enqueues.

**Auth.** Every `/api/` route needs `Authorization: Bearer <token>`, except `GET /api/health`. A token has \
the `admin` scope (everything) or the `source` scope (enqueue and read transfers, read connectors); the scope \
each operation needs is in its `x-scopes` and in its `security` requirement. A missing or unknown token is \
refused by the API gateway's authorizer (401 or 403 with a gateway message); a valid token without the \
needed scope gets the JSON error `insufficient_scope` (403).

**Errors.** Every 4xx and 5xx answer of the application is \
`{"error": {"code": "<stable_snake_case>", "message": "...", "details": [...]}}` and a refused request \
changes nothing. Request bodies are JSON and unknown fields are refused (422 naming each field).

**Not described here.** `POST /qbwc` (the SOAP endpoint QuickBooks Web Connector calls) and \
`GET /qbwc?wsdl` (its WSDL) speak SOAP, not this REST contract; QBWC authenticates inside SOAP.
"""

# What each HTTP status means when an operation answers it with the error envelope.
ERROR_MEANINGS: dict[int, str] = {
    401: "No `Authorization` header: refused by the authorizer before the route runs.",
    403: (
        "An unknown or revoked token (refused by the authorizer, with a gateway message), or a valid token "
        "without the scope this operation needs (`insufficient_scope`)."
    ),
    404: "Something the path names does not exist.",
    409: "The request conflicts with the current state.",
    413: "The request body is too large.",
    422: "The request is invalid; `details` names each field.",
    500: "An unexpected error (logged on our side).",
}


# --- Response models -------------------------------------------------------------------------------------


class ErrorInfo(BaseModel):
    """What went wrong: a stable code for programs, a sentence for people, and details (e.g. per field)."""

    code: str = Field(description="Stable snake_case code, e.g. `connector_not_found`.")
    message: str = Field(description="What happened, for a person.")
    details: list[Any] = Field(description="More about it; for validation errors one entry per field.")


class Error(BaseModel):
    """The envelope of every 4xx and 5xx answer of the application."""

    error: ErrorInfo


# The authorizer's own refusals (API Gateway, or ``chalice local`` imitating it): a bare message, spelled
# ``message`` or ``Message`` depending on the case.
GATEWAY_ERROR_SCHEMA: dict[str, Any] = {
    "title": "GatewayError",
    "description": "A refusal by the API gateway's authorizer, before the route runs.",
    "type": "object",
    "anyOf": [
        {"required": ["message"], "properties": {"message": {"type": ["string", "null"]}}},
        {"required": ["Message"], "properties": {"Message": {"type": "string"}}},
    ],
}


def public_view(
    stored: type[BaseModel], *, name: str, exclude: frozenset[str], doc: str, **extra: Any
) -> type[BaseModel]:
    """A response model with the fields of ``stored`` except ``exclude`` (secrets), plus ``extra`` fields.

    Built from the stored model's own field definitions, so the answer's description follows the model.
    """
    fields: dict[str, Any] = {
        key: (info.annotation, info) for key, info in stored.model_fields.items() if key not in exclude
    }
    fields.update(extra)
    return create_model(name, __doc__=doc, **fields)


class LastSync(BaseModel):
    """The newest conversation of a connector: when, and its status."""

    at: str
    status: str


class ConversationBrief(BaseModel):
    """One of a connector's last 10 conversations, as the connector list shows it."""

    id: str = Field(
        description="The conversation's id (never the QBWC ticket, which stays in the SOAP exchange)."
    )
    status: str
    started_at: str
    message: str


class ConnectorView(Connector):
    """A connector: its settings and state, its last sync and the statuses of its last 10 conversations."""

    last_sync: LastSync | None
    last_10: list[ConversationBrief] = Field(description="Newest first.")


class ConnectorList(BaseModel):
    """All connectors."""

    connectors: list[ConnectorView]


class ConversationList(BaseModel):
    """A connector's last 10 conversations, newest first."""

    conversations: list[Conversation]


class TranscriptMessage(BaseModel):
    """One callback of a conversation: what QBWC sent and what the bridge answered, secrets redacted."""

    at: str
    method: str
    request: str
    response: str


class Transcript(BaseModel):
    """The SOAP/qbXML exchange of one conversation (password and ticket redacted)."""

    id: str
    connector_id: str
    messages: list[TranscriptMessage]


class QbListEntry(BaseModel):
    """One object of a QuickBooks list."""

    list_id: str
    name: str
    full_name: str
    type: str | None
    is_active: bool


class QbList(BaseModel):
    """A list as the last conversation read it from QuickBooks (``read_at`` null: never read yet)."""

    read_at: str | None
    entries: list[QbListEntry]


class InventoryItem(BaseModel):
    """One inventory part as QuickBooks reported it (``average_cost`` null when it reported none)."""

    list_id: str
    full_name: str
    quantity_on_hand: float
    average_cost: float | None


class InventoryAnswer(BaseModel):
    """One page of the default connector's last complete inventory read, parts in full-name order
    (case-insensitive); ``read_at`` null and no items before any read; pass ``next_cursor`` as ``cursor`` for
    the next page (null: the last page)."""

    read_at: str | None
    count: int
    items: list[InventoryItem]
    next_cursor: str | None


class ListsRefreshRequested(BaseModel):
    """The next conversation will read the QuickBooks lists again."""

    id: str
    lists_refresh_requested: bool


class PreviewCustomers(BaseModel):
    """The customers the queued invoices need."""

    linked: int
    found_by_name: list[str]
    to_create: list[str]


class PreviewItems(BaseModel):
    """The items the queued invoices need."""

    existing: list[str]
    to_create: list[str]
    mapped_but_missing: list[str]


class FailingTransfer(BaseModel):
    """A transfer that failed and will not be sent as it is."""

    id: str
    error: TransferError | None


class KindPreview(BaseModel):
    """What the next conversation would do with one kind's queued documents (kinds add their own fields, such
    as the people a timesheet's time belongs to)."""

    model_config = ConfigDict(extra="allow")

    documents: int
    lost_answers_to_check: int
    switched_on: bool = Field(
        description="Whether the connector's switch for the kind is on (off: they wait)."
    )
    sent_by: list[str] = Field(description="The active QBWC users whose scope lets them send the kind.")
    customers: PreviewCustomers | None = None
    items: PreviewItems | None = None
    failing_now: list[FailingTransfer]


class PreviewAnswer(BaseModel):
    """A dry run: per kind what would be done, and the qbXML messages the next conversation would send."""

    summary: dict[str, KindPreview] = Field(description="By transfer kind.")
    qbxml: list[str]


class KindQbNames(BaseModel):
    add: str
    query: str


class TransferKindView(BaseModel):
    """A transfer kind: its slug (in URLs and filters), its label in statuses, its connector switch, how its
    documents are routed, the QBWC user scope that sends it and what it supports."""

    slug: str
    label: str
    switch: str
    routing: str
    scope: str
    operations: list[str]
    keeps: list[str] = Field(description="What the transfer keeps of QuickBooks' answer.")
    quickbooks: KindQbNames


class TransferKindList(BaseModel):
    kinds: list[TransferKindView]


QbwcUserView = public_view(
    QbwcUser,
    name="QbwcUserView",
    exclude=frozenset({"password_hash"}),
    doc="A QBWC user (never a password or its hash).",
)
QbwcUserWithPassword = public_view(
    QbwcUser,
    name="QbwcUserWithPassword",
    exclude=frozenset({"password_hash"}),
    doc="A QBWC user with its newly generated password, shown this once.",
    password=(str, Field(description="The generated password; it is not shown again.")),
)


class UserList(BaseModel):
    """A connector's QBWC users."""

    users: list[QbwcUserView]  # type: ignore[valid-type]  # built by public_view


class UserDeleted(BaseModel):
    """The user is gone: its `.qwc` no longer works and its name may be taken again."""

    username: str
    deleted: bool


ApiTokenView = public_view(
    ApiToken,
    name="ApiTokenView",
    exclude=frozenset({"secret_hash"}),
    doc="An API token, by id and label (never the secret).",
)
IssuedToken = public_view(
    ApiToken,
    name="IssuedToken",
    exclude=frozenset({"secret_hash"}),
    doc="A newly issued API token with its secret, shown this once.",
    token=(str, Field(description="The bearer token; only its hash is kept.")),
)


class TokenList(BaseModel):
    """Every API token."""

    tokens: list[ApiTokenView]  # type: ignore[valid-type]  # built by public_view


class TokenRevoked(BaseModel):
    """The token no longer works (a warm process may trust it for up to a minute more)."""

    id: str
    revoked: bool


TransferView = public_view(
    Transfer,
    name="TransferView",
    exclude=frozenset({"in_flight_conversation"}),
    doc="A transfer: one document on its way to QuickBooks, with its outcome and history.",
)


class TransferPage(BaseModel):
    """One page of transfers; pass ``next`` as ``cursor`` for the next page (null: the last page)."""

    transfers: list[TransferView]  # type: ignore[valid-type]  # built by public_view
    next: str | None


class Enqueued(BaseModel):
    """The transfer of an enqueued document."""

    id: str
    status: TransferStatus
    connector_id: str
    operation: TransferOperation
    version: int


class MappingEntryView(BaseModel):
    """A stored mapping entry (its fields depend on the kind), flagged against the last QuickBooks lists."""

    model_config = ConfigDict(extra="allow")

    source: str
    known: bool | None = Field(
        description="Every target is in its QuickBooks list (null: a list it needs was not read yet)."
    )
    unknown_targets: list[str] = Field(description="The entry fields naming something QuickBooks lacks.")


class MappingSetView(BaseModel):
    """A connector's mapping set of one kind."""

    connector_id: str
    kind: MappingKind
    updated_at: str | None
    lists_read_at: dict[str, str | None]
    entries: list[MappingEntryView]


class NamingPlaceholders(BaseModel):
    """The placeholders each naming convention may use."""

    item: list[str]
    customer: list[str]


class NamingConventionsView(BaseModel):
    """A connector's naming conventions."""

    connector_id: str
    item: str
    customer: str
    placeholders: NamingPlaceholders


class OrganizationRouteView(BaseModel):
    """Where an organization's documents go now."""

    org_id: str
    connector_id: str
    is_default_route: bool


class ResourceRouteView(BaseModel):
    """Where a resource's timesheets and expense reports go now."""

    resource_id: str
    connector_id: str
    is_default_route: bool


class Health(BaseModel):
    """Whether the app and its storage answer."""

    status: Literal["ok", "degraded"]
    storage: Literal["ok", "unreachable"]


# --- The operations --------------------------------------------------------------------------------------

Scope = Literal["admin", "source"]


@dataclass(frozen=True)
class Answer:
    """A successful answer: its meaning, and the model of its JSON body (or a media type and raw schema)."""

    description: str
    model: type[BaseModel] | None = None
    media_type: str = JSON
    schema: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    """One route of the REST API as the document describes it."""

    method: str
    path: str
    summary: str
    scope: Scope | None
    answers: Mapping[int, Answer]
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | tuple[type[BaseModel], ...] | None = None
    body_optional: bool = False  # the body may be left out (its fields' defaults apply)
    query: tuple[Mapping[str, Any], ...] = ()
    description: str = ""
    tag: str = "operations"


def _path_names(path: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", path)


PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "connector_id": {"description": "The connector's id.", "schema": {"type": "string", "minLength": 1}},
    "username": {"description": "The QBWC user name.", "schema": {"type": "string", "minLength": 1}},
    "conversation_id": {
        "description": "The conversation's id (as in the conversation log).",
        "schema": {"type": "string", "minLength": 1},
    },
    "token_id": {"description": "The API token's id.", "schema": {"type": "string", "minLength": 1}},
    "org_id": {
        "description": "The organization's id in the source application (at most 100 characters).",
        "schema": {"type": "string", "minLength": 1},
    },
    "resource_id": {
        "description": "The resource's id in the source application (at most 100 characters).",
        "schema": {"type": "string", "minLength": 1},
    },
    "kind": {"description": "The mapping kind.", "schema": {"type": "string", "enum": list(MAPPING_KINDS)}},
    "list_name": {
        "description": "The QuickBooks list.",
        "schema": {"type": "string", "enum": list(QB_LIST_NAMES)},
    },
}


# ``name`` is the transfer kind in POST /api/transfers/{name} and the transfer id everywhere else (API Gateway
# allows one variable name per path segment).
def transfer_kind_parameter() -> dict[str, Any]:
    """The kind in POST /api/transfers/{name}: every registered kind."""
    return {"description": "The transfer kind.", "schema": {"type": "string", "enum": _slugs()}}


def _slugs() -> list[str]:
    return [kind.slug for kind in registry.kinds()]


TRANSFER_ID_PARAMETER: dict[str, Any] = {
    "description": "The transfer's id.",
    "schema": {"type": "string", "minLength": 1},
}

TRANSFER_QUERY: tuple[Mapping[str, Any], ...] = (
    {"name": "connector_id", "description": "Only this connector's transfers.", "schema": {"type": "string"}},
    {
        "name": "kind",
        "description": "Only transfers of this kind (see `GET /api/transfer-kinds`).",
        "schema": {"type": "string"},
    },
    {
        "name": "status",
        "description": "Only transfers in this status.",
        "schema": {"type": "string", "enum": list(TRANSFER_STATUSES)},
    },
    {
        "name": "limit",
        "description": "Page size.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    },
    {"name": "cursor", "description": "The `next` of the previous page.", "schema": {"type": "string"}},
    {
        "name": "conversation",
        "description": "Only the transfers this conversation touched (its `id` in the conversation log); not "
        "combined with the other filters.",
        "schema": {"type": "string"},
    },
)

INVENTORY_QUERY: tuple[Mapping[str, Any], ...] = (
    {
        "name": "limit",
        "description": "Page size.",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": INVENTORY_PAGE_MAX,
            "default": INVENTORY_PAGE_DEFAULT,
        },
    },
    {
        "name": "cursor",
        "description": "The `next_cursor` of the previous page.",
        "schema": {"type": "string"},
    },
)

NO_STORE = {"Cache-Control": "no-store: the answer carries a secret shown once."}
_C = "/api/connectors/{connector_id}"
_USER = _C + "/users/{username}"
_T = "/api/transfers/{name}"


class _KindDocuments(BaseModel):
    """Stands for "the document model of the kind in the path" (resolved from the registry when built)."""


KIND_DOCUMENTS = _KindDocuments
_ORG = "/api/organizations/{org_id}/connector"
_RES = "/api/resources/{resource_id}/connector"

OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/api/health", "Health and storage check", None,
              {200: Answer("The app and its storage answer.", Health),
               503: Answer("DynamoDB cannot be reached.", Health)}),
    Operation("GET", "/openapi.json", "This document", None,
              {200: Answer("The OpenAPI 3.1 document.", schema={"type": "object"})}),
    # Connectors
    Operation("POST", "/api/connectors", "Create a connector", "admin",
              {201: Answer("The new connector (`is_default` is true for the first one only).", ConnectorView)},
              body=ConnectorCreate, tag="connectors"),
    Operation("GET", "/api/connectors", "List connectors", "source",
              {200: Answer("Every connector with its last sync and last 10 statuses.", ConnectorList)},
              tag="connectors"),
    Operation("GET", _C, "Read a connector", "source",
              {200: Answer("The connector.", ConnectorView)}, errors=(404,), tag="connectors"),
    Operation("PATCH", _C, "Change a connector's settings", "admin",
              {200: Answer("The connector as it is now.", ConnectorView)}, errors=(404, 409),
              body=ConnectorPatch, tag="connectors",
              description="Only the fields given change. `is_default` cannot change (409); "
                          "`confirm_company_file_location: true` accepts the company file QBWC now reports."),
    Operation("DELETE", _C, "Connectors are never deleted", "admin", {}, errors=(404, 409), tag="connectors",
              description='Always 409 `connectors_cannot_be_deleted`: deactivate with PATCH `{"active": false}`.'),
    Operation("GET", _C + "/conversations", "The last 10 conversations", "source",
              {200: Answer("Newest first.", ConversationList)}, errors=(404,), tag="connectors"),
    Operation("GET", "/api/conversations/{conversation_id}/transcript", "A conversation's transcript", "admin",
              {200: Answer("The SOAP/qbXML exchange, passwords and tickets redacted.", Transcript)},
              errors=(404,), tag="connectors"),
    Operation("GET", _C + "/qb-lists/{list_name}", "A list read from QuickBooks", "admin",
              {200: Answer("The list as the last conversation read it.", QbList)}, errors=(404,),
              tag="connectors"),
    Operation("GET", _C + "/inventory", "On-hand quantities in QuickBooks", "admin",
              {200: Answer("The last complete read of every inventory part, one page.", InventoryAnswer)},
              errors=(404, 409, 422), query=INVENTORY_QUERY, tag="connectors",
              description="Read in every conversation of the default connector while its `purchase_orders` "
                          "switch is on. Another connector: 409 `inventory_on_default_connector_only`; a cursor "
                          "of an older read: 409 `inventory_read_again`; unknown query parameters, a bad "
                          "`limit` or a cursor this API did not give out: 422."),
    Operation("POST", _C + "/refresh-lists", "Re-read the QuickBooks lists", "admin",
              {202: Answer("The next conversation reads the lists again.", ListsRefreshRequested)},
              errors=(404,), tag="connectors"),
    Operation("GET", _C + "/preview", "Dry run of the next conversation", "admin",
              {200: Answer("What the next conversation would create and send; nothing is sent.", PreviewAnswer)},
              errors=(404,), tag="connectors"),
    # QBWC users
    Operation("POST", _C + "/users", "Create a QBWC user", "admin",
              {201: Answer("The user with its generated password, shown this once.", QbwcUserWithPassword,
                           headers=NO_STORE)},
              errors=(404, 409), body=QbwcUserCreate, tag="qbwc-users",
              description="User names are unique across all connectors (409 when taken)."),
    Operation("GET", _C + "/users", "List a connector's QBWC users", "admin",
              {200: Answer("The users, with active and lock state and last login.", UserList)}, errors=(404,),
              tag="qbwc-users"),
    Operation("POST", _USER + "/unlock", "Unlock a QBWC user", "admin",
              {200: Answer("The user, unlocked.", QbwcUserView)}, errors=(404,), tag="qbwc-users"),
    Operation("POST", _USER + "/password", "Give a QBWC user a new password", "admin",
              {200: Answer("The user with the new password, shown this once.", QbwcUserWithPassword,
                           headers=NO_STORE)},
              errors=(404,), tag="qbwc-users"),
    Operation("GET", _USER + "/qwc", "Download the user's .qwc file", "admin",
              {200: Answer("The `.qwc` file, as an attachment.", media_type="application/xml",
                           schema={"type": "string"},
                           headers={"Content-Disposition": "attachment; filename=\"<name>.qwc\""})},
              errors=(404, 422), tag="qbwc-users",
              description="422 `public_url_not_https` when PUBLIC_URL is plain http and not localhost."),
    Operation("PATCH", _USER, "Disable or enable a QBWC user", "admin",
              {200: Answer("The user as it is now.", QbwcUserView)}, errors=(404,), body=QbwcUserPatch,
              tag="qbwc-users",
              description='`{"active": false}`: the user\'s `.qwc` stops working at once (QBWC is told the user '
                          'is not valid); `{"active": true}` restores it. 404 `user_not_found` also for '
                          "another connector's user."),
    Operation("DELETE", _USER, "Delete a QBWC user", "admin",
              {200: Answer("Deleted.", UserDeleted)}, errors=(404,), tag="qbwc-users",
              description="Its `.qwc` stops working and the name may be used again at once. 404 "
                          "`user_not_found` also for another connector's user."),
    # Mappings, naming conventions, organization routes
    Operation("GET", _C + "/mappings/{kind}", "Read a mapping set", "admin",
              {200: Answer("The set, each entry flagged `known` against the last QuickBooks lists.",
                           MappingSetView)},
              errors=(404,), tag="mappings"),
    Operation("PUT", _C + "/mappings/{kind}", "Replace a mapping set", "admin",
              {200: Answer("The new set, as GET shows it.", MappingSetView)}, errors=(404,),
              body=tuple(MAPPING_SETS[kind] for kind in MAPPING_KINDS), tag="mappings",
              description="The body's entries are those of the path's `kind`: "
                          + "; ".join(f"`{kind}`: `{MAPPING_SETS[kind].__name__}`" for kind in MAPPING_KINDS)
                          + "."),
    Operation("GET", _C + "/naming-conventions", "Read the naming conventions", "admin",
              {200: Answer("How created names are formed.", NamingConventionsView)}, errors=(404,),
              tag="mappings"),
    Operation("PUT", _C + "/naming-conventions", "Replace the naming conventions", "admin",
              {200: Answer("The naming conventions as they are now.", NamingConventionsView)},
              errors=(404,), body=NamingConventions, tag="mappings"),
    Operation("GET", _ORG, "Where an organization's documents go", "admin",
              {200: Answer("The connector (`is_default_route`: no route of its own).", OrganizationRouteView)},
              errors=(409, 422), tag="mappings", description="409 `no_connector` when there is no connector."),
    Operation("PUT", _ORG, "Route an organization to a connector", "admin",
              {200: Answer("The route as it is now.", OrganizationRouteView)}, errors=(404, 409),
              body=OrganizationRoute, tag="mappings",
              description="Documents enqueued from now on go to that connector (every process within "
                          "10 seconds)."),
    Operation("DELETE", _ORG, "Route an organization back to the default connector", "admin",
              {200: Answer("The route as it is now.", OrganizationRouteView)}, errors=(409, 422),
              tag="mappings"),
    Operation("GET", _RES, "Where a resource's timesheets and expense reports go", "admin",
              {200: Answer("The connector (`is_default_route`: no route of its own).", ResourceRouteView)},
              errors=(409, 422), tag="mappings", description="409 `no_connector` when there is no connector."),
    Operation("PUT", _RES, "Route a resource to a connector", "admin",
              {200: Answer("The route as it is now.", ResourceRouteView)}, errors=(404, 409),
              body=OrganizationRoute, tag="mappings",
              description="Timesheets and expense reports enqueued from now on go to that connector (every "
                          "process within 10 seconds); the body is the same as an organization's."),
    Operation("DELETE", _RES, "Route a resource back to the default connector", "admin",
              {200: Answer("The route as it is now.", ResourceRouteView)}, errors=(409, 422),
              tag="mappings"),
    # Tokens
    Operation("GET", "/api/tokens", "List API tokens", "admin",
              {200: Answer("Every token by id, label and scope.", TokenList)}, tag="tokens"),
    Operation("POST", "/api/tokens", "Issue an API token", "admin",
              {201: Answer("The token with its secret, shown this once.", IssuedToken, headers=NO_STORE)},
              body=ApiTokenCreate, tag="tokens"),
    Operation("DELETE", "/api/tokens/{token_id}", "Revoke an API token", "admin",
              {200: Answer("Revoked.", TokenRevoked)}, errors=(404,), tag="tokens"),
    # Transfers
    Operation("POST", _T, "Enqueue a document", "source",
              {202: Answer("Queued: a new transfer, or an update of a document QuickBooks has.", Enqueued),
               200: Answer("The same `source_id` again: the existing transfer (a pending one with the new "
                           "body).", Enqueued)},
              errors=(404, 409), body=KIND_DOCUMENTS, tag="transfers",
              description="The body is the kind's document (`GET /api/transfer-kinds` lists the kinds). Routed "
                          "by its organization or resource to its connector, or to the default connector, per "
                          "kind (409 `no_connector` when there is none). A new body for a `source_id` QuickBooks "
                          "has queues an update (`operation` `update`, `version` + 1) where the kind supports "
                          "it (409 `already_transferred` otherwise, `voided`, `deleted_in_quickbooks`)."),
    Operation("GET", "/api/transfer-kinds", "The transfer kinds", "source",
              {200: Answer("Every kind this server transfers, in status order.", TransferKindList)},
              tag="transfers"),
    Operation("GET", "/api/transfers", "List transfers", "source",
              {200: Answer("One page, newest first.", TransferPage)}, errors=(422,), query=TRANSFER_QUERY,
              tag="transfers", description="Unknown query parameters are refused (422)."),
    Operation("GET", _T, "Read a transfer", "source",
              {200: Answer("The transfer.", TransferView)}, errors=(404,), tag="transfers"),
    Operation("POST", _T + "/requeue", "Requeue a transfer", "admin",
              {200: Answer("The transfer, queued again with its attempts reset.", TransferView)},
              errors=(404, 409, 422), body=RequeueOptions, body_optional=True, tag="transfers",
              description="`failed` or `needs_attention` ones; `{\"force\": true}` lets an update overwrite "
                          "what a person changed in QuickBooks. A document deleted in QuickBooks is added "
                          "anew only this way."),
    Operation("POST", _T + "/cancel", "Cancel a transfer", "admin",
              {200: Answer("The transfer, cancelled (or, for a pending update or void, back to `transferred` "
                           "at the version QuickBooks has).", TransferView)}, errors=(404, 409), tag="transfers",
              description="Only while it is not (and cannot possibly be) in QuickBooks."),
    Operation("POST", _T + "/void", "Void a transfer in QuickBooks", "admin",
              {202: Answer("The void is queued (TxnVoid, or TxnDel for what QuickBooks only deletes).",
                           TransferView),
               200: Answer("Already voided, or its void already queued.", TransferView)},
              errors=(404, 409), tag="transfers",
              description="409 `not_in_quickbooks` (use cancel), `void_not_supported`, `in_flight`, "
                          "`conversation_running`. A pending update is dropped."),
)  # fmt: skip


# --- Building the document -------------------------------------------------------------------------------


class SchemaCollector:
    """Model schemas as components: each model's ``$defs`` become components of their own.

    Two models that describe different schemas under one component name would make a wrong document, so
    that is refused.
    """

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def add(self, name: str, schema: Mapping[str, Any]) -> None:
        """Add ``schema`` as the component ``name`` (again is fine if it is the same schema)."""
        known = self.components.get(name)
        if known is not None and known != schema:
            raise ValueError(f"two different schemas are called {name!r}")
        self.components[name] = dict(schema)

    def ref(self, model: type[BaseModel], *, mode: Literal["validation", "serialization"]) -> dict[str, str]:
        """A ``$ref`` to ``model``'s component, adding it (and what it refers to) first."""
        name, schema = model_schema(model, mode=mode)
        for def_name, definition in schema.pop("$defs", {}).items():
            self.add(def_name, definition)
        self.add(name, schema)
        return {"$ref": REF_TEMPLATE.format(model=name)}


def model_schema(
    model: type[BaseModel], *, mode: Literal["validation", "serialization"] = "validation"
) -> tuple[str, dict[str, Any]]:
    """The component name of ``model`` and its JSON schema, as pydantic gives it (``$defs`` included)."""
    schema = model.model_json_schema(by_alias=True, ref_template=REF_TEMPLATE, mode=mode)
    # Pydantic's name for a model in ``$defs`` ("MappingSet_BillingCodeEntry_" for a generic one).
    name = re.sub(r"[^a-zA-Z0-9._-]", "_", model.__name__)
    return name, schema


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for name in _path_names(operation.path):
        if name == "name":
            spec = (
                transfer_kind_parameter()
                if operation.path == _T and operation.method == "POST"
                else TRANSFER_ID_PARAMETER
            )
        else:
            spec = PATH_PARAMETERS[name]
        parameters.append({"name": name, "in": "path", "required": True, **spec})
    parameters.extend({"in": "query", "required": False, **query} for query in operation.query)
    return parameters


def _error_responses(operation: Operation, collector: SchemaCollector) -> dict[str, Any]:
    error = collector.ref(Error, mode="serialization")
    statuses = set(operation.errors)
    if operation.scope is not None:
        statuses |= {401, 403}
    if operation.body is not None:
        statuses |= {413, 422}
    responses: dict[str, Any] = {}
    for status in sorted(statuses):
        if status == 401:
            schema: dict[str, Any] = {"$ref": "#/components/schemas/GatewayError"}
        elif status == 403:
            schema = {"anyOf": [error, {"$ref": "#/components/schemas/GatewayError"}]}
        else:
            schema = error
        responses[str(status)] = {
            "description": ERROR_MEANINGS[status],
            "content": {JSON: {"schema": schema}},
        }
    return responses


def _answer(answer: Answer, collector: SchemaCollector) -> dict[str, Any]:
    if answer.model is not None:
        schema: dict[str, Any] = collector.ref(answer.model, mode="serialization")
    else:
        schema = dict(answer.schema or {})
    described: dict[str, Any] = {
        "description": answer.description,
        "content": {answer.media_type: {"schema": schema}},
    }
    if answer.headers:
        described["headers"] = {
            name: {"description": text, "schema": {"type": "string"}} for name, text in answer.headers.items()
        }
    return described


def _request_body(operation: Operation, collector: SchemaCollector) -> dict[str, Any] | None:
    if operation.body is None:
        return None
    if operation.body is KIND_DOCUMENTS:
        models: tuple[type[BaseModel], ...] = tuple(kind.document_model for kind in registry.kinds())
    else:
        models = operation.body if isinstance(operation.body, tuple) else (operation.body,)
    refs = [collector.ref(model, mode="validation") for model in models]
    schema = refs[0] if len(refs) == 1 else {"anyOf": refs}
    return {"required": not operation.body_optional, "content": {JSON: {"schema": schema}}}


def _operation(operation: Operation, collector: SchemaCollector) -> dict[str, Any]:
    description = operation.description
    if operation.scope is not None:
        needs = f"Needs a token with the `{operation.scope}` scope"
        needs += "." if operation.scope == "admin" else " (an `admin` token may too)."
        description = f"{needs} {description}".strip()
    described: dict[str, Any] = {
        "operationId": operation_id(operation),
        "summary": operation.summary,
        "tags": [operation.tag],
    }
    if description:
        described["description"] = description
    parameters = _parameters(operation)
    if parameters:
        described["parameters"] = parameters
    body = _request_body(operation, collector)
    if body is not None:
        described["requestBody"] = body
    responses = {
        str(status): _answer(answer, collector) for status, answer in sorted(operation.answers.items())
    }
    responses.update(_error_responses(operation, collector))
    described["responses"] = dict(sorted(responses.items()))
    described["security"] = [] if operation.scope is None else [{SECURITY_SCHEME: [operation.scope]}]
    described["x-scopes"] = [] if operation.scope is None else [operation.scope]
    return described


def operation_id(operation: Operation) -> str:
    """A stable, unique id from the method and the path (``get_api_connectors_connector_id``)."""
    words = re.sub(r"[^a-zA-Z0-9]+", "_", operation.path).strip("_")
    return f"{operation.method.lower()}_{words}"


def build_document(public_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with ``public_url`` as the server."""
    collector = SchemaCollector()
    collector.add("GatewayError", GATEWAY_ERROR_SCHEMA)
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation, collector)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": TITLE, "version": API_VERSION, "description": DESCRIPTION},
        "servers": [{"url": public_url.rstrip("/")}],
        "tags": [{"name": name} for name in dict.fromkeys(op.tag for op in OPERATIONS)],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(collector.components.items())),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`make token`). Scopes: `admin` may do everything; `source` "
                    "may enqueue and read transfers and read connectors.",
                }
            },
        },
    }


def document_json(public_url: str) -> str:
    """The document as JSON text, built once per process, public URL and set of kinds."""
    return _document_json(public_url, tuple(_slugs()))


@functools.cache
def _document_json(public_url: str, kinds: tuple[str, ...]) -> str:
    return json.dumps(build_document(public_url))

"""The boto3 side: creating the table handle lazily and translating DynamoDB errors into domain ones."""

from __future__ import annotations

import base64
import contextlib
import decimal
import json
from collections.abc import Iterator
from typing import Any

from chalicelib.errors import ConcurrentUpdate, InvalidInput
from chalicelib.settings import Settings


def open_table(settings: Settings) -> Any:
    """A boto3 DynamoDB ``Table`` for ``settings`` (boto3 is imported here, on first use, for cold starts)."""
    import boto3  # deferred on purpose: cold start

    resource = boto3.resource(
        "dynamodb",
        region_name=settings.region,
        endpoint_url=settings.dynamodb_endpoint,
        config=client_config(),
    )
    return resource.Table(settings.table_name)


def client_config() -> Any:
    """The botocore settings of every DynamoDB client the store makes."""
    from botocore.config import Config

    # DynamoDB checks every request itself; botocore's own check of each parameter against the model costs a
    # callback writing a thousand transfers a noticeable share of its CPU, for nothing DynamoDB would not say.
    return Config(
        retries={"max_attempts": 4, "mode": "standard"},
        connect_timeout=3,
        read_timeout=10,
        parameter_validation=False,
    )


def is_conditional_failure(exc: BaseException) -> bool:
    """True for a failed ``ConditionExpression``."""
    response = getattr(exc, "response", None)
    return (
        isinstance(response, dict)
        and response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
    )


@contextlib.contextmanager
def conditional(message: str) -> Iterator[None]:
    """Turn a failed condition into ``ConcurrentUpdate(message)``; other errors pass through."""
    try:
        yield
    except Exception as exc:
        if is_conditional_failure(exc):
            raise ConcurrentUpdate(message) from exc
        raise


def plain(value: Any) -> Any:
    """DynamoDB numbers come back as ``Decimal``: whole ones become ints, fractions stay exact Decimals."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if hasattr(value, "value") and type(value).__name__ == "Binary":
        return bytes(value.value)
    return value


def query_all(table: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item of a query, following pagination."""
    items: list[dict[str, Any]] = []
    while True:
        page = table.query(**kwargs)
        items.extend(plain(i) for i in page.get("Items", []))
        key = page.get("LastEvaluatedKey")
        if not key:
            return items
        kwargs["ExclusiveStartKey"] = key


def strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    """The item without its table keys and bookkeeping attributes."""
    return {k: v for k, v in item.items() if k not in {"PK", "SK", "GSI1PK", "GSI1SK", "ttl", "version"}}


def update_arguments(fields: dict[str, Any], values: dict[str, Any] | None = None) -> dict[str, Any]:
    """``UpdateExpression`` and its names/values setting ``fields`` (None values are REMOVEd).

    ``values`` are extra placeholder values the caller's own ConditionExpression uses.
    """
    names: dict[str, str] = {}
    values = dict(values or {})
    sets: list[str] = []
    removes: list[str] = []
    for i, (field, value) in enumerate(fields.items()):
        names[f"#f{i}"] = field
        if value is None:
            removes.append(f"#f{i}")
        else:
            values[f":v{i}"] = value
            sets.append(f"#f{i} = :v{i}")
    parts = []
    if sets:
        parts.append("SET " + ", ".join(sets))
    if removes:
        parts.append("REMOVE " + ", ".join(removes))
    arguments: dict[str, Any] = {"UpdateExpression": " ".join(parts), "ExpressionAttributeNames": names}
    if values:  # DynamoDB rejects an empty ExpressionAttributeValues map
        arguments["ExpressionAttributeValues"] = values
    return arguments


def batch_get(table: Any, keys: list[dict[str, str]]) -> Iterator[dict[str, Any]]:
    """The items with these keys, strongly consistent, 100 keys per request, retrying unprocessed keys.

    The table resource has no batch get; its client (which converts values both ways) does.
    """
    client = table.meta.client
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {table.name: {"Keys": keys[start : start + 100], "ConsistentRead": True}}
        while request:
            answer = client.batch_get_item(RequestItems=request)
            yield from answer.get("Responses", {}).get(table.name, [])
            request = answer.get("UnprocessedKeys") or {}


def encode_cursor(key: dict[str, Any]) -> str:
    """An opaque page cursor for a DynamoDB key (string attributes only)."""
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    """What ``encode_cursor`` encoded, unchecked: each repository checks the shape it gives out before the key
    reaches DynamoDB (a crafted key would otherwise fail there as a 500). 422 when it is not even that."""
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError as exc:
        raise invalid_cursor() from exc


def invalid_cursor() -> InvalidInput:
    """The one refusal of a cursor this API did not give out."""
    return InvalidInput("the cursor is not one this API gave out", code="invalid_cursor")

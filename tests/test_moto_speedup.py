"""The suite's shortcut in moto's DynamoDB answers (tests/moto_speedup.py) answers byte for byte as moto's own
serializer does, for every kind of attribute value the app stores and some it does not."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary

from tests.conftest import TABLE_NAME
from tests.moto_speedup import wire_value

ITEMS: list[dict[str, Any]] = [
    {"PK": "A", "SK": "1", "text": "plain", "empty": "", "unicode": "Zürich ☃ \u2028", "n": Decimal("12.50")},
    {"PK": "A", "SK": "2", "yes": True, "no": False, "none": None, "big": Decimal("-1E+30"), "zero": 0},
    {
        "PK": "A",
        "SK": "3",
        "tags": {"x", "y"},
        "nums": {Decimal(1), Decimal("2.5")},
        "raw": Binary(b"\x00\xff"),
    },
    {
        "PK": "A",
        "SK": "4",
        "doc": {"lines": [{"id": "L0", "qty": Decimal(2), "memo": None}, [], {}], "empty": {}, "flag": True},
        "blobs": {Binary(b"a"), Binary(b"b")},
        "mixed": ["s", Decimal(1), Binary(b"\x01"), {"SS": "not a set"}],
    },
]
REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("get_item", {"Key": {"PK": {"S": "A"}, "SK": {"S": "4"}}}),
    ("query", {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": {"S": "A"}}}),
    ("scan", {"Limit": 3}),
    (
        "update_item",
        {
            "Key": {"PK": {"S": "A"}, "SK": {"S": "1"}},
            "UpdateExpression": "SET #n = :n, #l = :l",
            "ExpressionAttributeNames": {"#n": "n", "#l": "list"},
            "ExpressionAttributeValues": {":n": {"N": "13.5"}, ":l": {"L": [{"S": "x"}, {"B": b"\x02"}]}},
            "ReturnValues": "ALL_NEW",
        },
    ),
]


@pytest.fixture
def answers(table: Any) -> Callable[[], list[Any]]:
    """Sends REQUESTS (and a batch read of every item) and returns the raw bodies of moto's answers."""
    import boto3

    for item in ITEMS:
        table.put_item(Item=item)
    client = boto3.client("dynamodb", region_name="us-east-1")
    bodies: list[Any] = []
    client.meta.events.register(
        "before-parse.dynamodb.*", lambda response_dict, **_: bodies.append(response_dict["body"])
    )

    def send() -> list[Any]:
        bodies.clear()
        for operation, kwargs in REQUESTS:
            getattr(client, operation)(TableName=TABLE_NAME, **kwargs)
        keys = [{"PK": {"S": i["PK"]}, "SK": {"S": i["SK"]}} for i in ITEMS]
        client.batch_get_item(RequestItems={TABLE_NAME: {"Keys": keys}})
        return [json.loads(body) for body in bodies]

    return send


def test_the_shortcut_answers_as_moto_does(answers: Callable[[], list[Any]]) -> None:
    from moto.core.serialize import BaseJSONSerializer

    shortcut = BaseJSONSerializer._serialize_type_structure
    assert getattr(shortcut, "wire_value_shortcut", False), "tests/conftest.py installs the shortcut"
    answers()  # the update changes an item once; both runs below see the same items
    fast = answers()
    setattr(BaseJSONSerializer, "_serialize_type_structure", getattr(shortcut, "original"))  # noqa: B009, B010
    try:
        slow = answers()
    finally:
        setattr(BaseJSONSerializer, "_serialize_type_structure", shortcut)  # noqa: B010
    assert fast == slow
    assert len(fast) == len(REQUESTS) + 1 and all(fast)


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ({"S": ""}, True),
        ({"N": "1.5"}, True),
        ({"NULL": True}, True),
        ({"BOOL": False}, True),
        ({"SS": ["a"]}, True),
        ({"NS": ["1"]}, True),
        ({"M": {"a": {"L": [{"S": "x"}, {"M": {}}]}}}, True),
        ({"B": "AAE="}, False),
        ({"BS": ["AAE="]}, False),
        ({"M": {"a": {"B": "AAE="}}}, False),
        ({"L": [{"S": "x"}, {"B": "AAE="}]}, False),
        ({"S": 1}, False),
        ({"S": "x", "N": "1"}, False),
        ({}, False),
        ("x", False),
    ],
)
def test_only_values_that_need_no_encoding_take_the_shortcut(value: Any, plain: bool) -> None:
    assert (wire_value(value) == value) is plain

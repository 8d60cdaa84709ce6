"""A shortcut in moto's DynamoDB answers, for the test suite only (installed by tests/conftest.py).

moto 5 writes every answer through a generic serializer that walks botocore's shapes: each DynamoDB attribute
value (``{"S": "x"}``) is a structure of ten members, and for each member it tries a list of alias rules. An
item of ten attributes costs a hundred such lookups, and the in-process tests spent about two thirds of their
time there. moto has already turned its items into DynamoDB's wire form by then (``{"S": ...}``,
``{"N": "1.5"}``, ``{"M": {...}}``), so for values made only of strings, numbers, booleans, nulls, string and
number sets, maps and lists the serializer's result is that same value: the shortcut returns it as it is. Any
other value (binary, or anything unexpected) goes through moto's own code. tests/test_moto_speedup.py checks
that both give the same answers, so a moto upgrade that changes its output shows up there.
"""

from __future__ import annotations

from typing import Any

_SCALARS: dict[str, type] = {"S": str, "N": str, "BOOL": bool, "NULL": bool}


def wire_value(value: Any) -> dict[str, Any] | None:
    """``value`` if it is an attribute value in wire form that needs no encoding, else None."""
    if type(value) is not dict or len(value) != 1:
        return None
    ((kind, inner),) = value.items()
    scalar = _SCALARS.get(kind)
    if scalar is not None:
        return value if type(inner) is scalar else None
    if kind in ("SS", "NS"):
        return value if type(inner) is list and all(type(each) is str for each in inner) else None
    if kind == "M" and type(inner) is dict:
        members: dict[str, Any] = {}
        for name, member in inner.items():
            if (plain := wire_value(member)) is None:
                return None
            members[name] = plain
        return {"M": members}
    if kind == "L" and type(inner) is list:
        elements: list[Any] = []
        for element in inner:
            if (plain := wire_value(element)) is None:
                return None
            elements.append(plain)
        return {"L": elements}
    return None


def install() -> None:
    """Route moto's JSON serialization of DynamoDB attribute values through ``wire_value`` (idempotent)."""
    from moto.core.serialize import BaseJSONSerializer

    original = BaseJSONSerializer._serialize_type_structure
    if getattr(original, "wire_value_shortcut", False):
        return

    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and shape.name == "AttributeValue" and (plain := wire_value(value)) is not None:
            serialized[self.get_serialized_name(shape, key)] = plain
            return
        original(self, serialized, value, shape, key)

    serialize_structure.wire_value_shortcut = True  # type: ignore[attr-defined]
    serialize_structure.original = original  # type: ignore[attr-defined]
    setattr(BaseJSONSerializer, "_serialize_type_structure", serialize_structure)  # noqa: B010 - a method

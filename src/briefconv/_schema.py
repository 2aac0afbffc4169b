"""A small JSON Schema checker for the model's schema, with ``PATH: problem`` messages.

It implements the subset ``model.schema.json`` uses (type, const, enum, required,
properties, additionalProperties, items, minimum, maximum, minLength, $ref to ``$defs``,
and oneOf over objects told apart by their ``type`` const), so the JSON reader needs no
third-party validator and its messages name the exact place: ``blocks[3].level: 9 is
more than the maximum 6``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["SchemaError", "model_schema", "validate"]

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


class SchemaError(ValueError):
    """Data does not match the schema; ``str()`` is ``PATH: problem``."""


@cache
def model_schema() -> dict[str, Any]:
    """The model's JSON Schema, as shipped in the package."""
    text = resources.files("briefconv").joinpath("model.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False  # JSON true is not 1
    return isinstance(value, _TYPES[name])


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def validate(data: Any, schema: dict[str, Any] | None = None) -> None:
    """Raise :class:`SchemaError` at the first place ``data`` breaks the schema."""
    root = schema or model_schema()
    _check(data, root, root, "$")


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"unsupported $ref {ref}")
        node = root["$defs"][ref.removeprefix("#/$defs/")]
    return node


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return key if path == "$" else f"{path}.{key}"


def _check(value: Any, node: dict[str, Any], root: dict[str, Any], path: str) -> None:
    node = _resolve(node, root)
    if "oneOf" in node:
        _check_one_of(value, node["oneOf"], root, path)
        return
    if "const" in node and value != node["const"]:
        raise SchemaError(f"{path}: expected {json.dumps(node['const'])}, not {json.dumps(value)}")
    if "enum" in node and value not in node["enum"]:
        raise SchemaError(f"{path}: expected one of {', '.join(map(json.dumps, node['enum']))}")
    if "type" in node:
        names = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(_is_type(value, n) for n in names):
            wanted = " or ".join("a whole number" if n == "integer" else n for n in names)
            raise SchemaError(f"{path}: expected {wanted}, not {_describe(value)}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in node and value < node["minimum"]:
            raise SchemaError(f"{path}: {value} is less than the minimum {node['minimum']}")
        if "maximum" in node and value > node["maximum"]:
            raise SchemaError(f"{path}: {value} is more than the maximum {node['maximum']}")
    if isinstance(value, str) and len(value) < node.get("minLength", 0):
        raise SchemaError(f"{path}: must not be empty")
    if isinstance(value, dict):
        for key in node.get("required", []):
            if key not in value:
                raise SchemaError(f"{_join(path, key)}: missing")
        props: dict[str, Any] = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                _check(item, props[key], root, _join(path, key))
            elif extra is False:
                raise SchemaError(f"{_join(path, key)}: unknown key")
            elif isinstance(extra, dict):
                _check(item, extra, root, _join(path, key))
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            _check(item, node["items"], root, _join(path, index))


def _check_one_of(
    value: Any, options: list[dict[str, Any]], root: dict[str, Any], path: str
) -> None:
    # Our unions are objects told apart by "type": pick the branch by it, so the error
    # speaks of that branch rather than "matches none of 5 schemas".
    branches = [_resolve(o, root) for o in options]
    kinds = [b["properties"]["type"]["const"] for b in branches]
    if not isinstance(value, dict):
        raise SchemaError(f"{path}: expected an object, not {_describe(value)}")
    kind = value.get("type")
    if kind not in kinds:
        raise SchemaError(
            f"{_join(path, 'type')}: expected one of {', '.join(kinds)}, not {json.dumps(kind)}"
        )
    _check(value, branches[kinds.index(kind)], root, path)

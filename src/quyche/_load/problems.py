"""Validation problems as a rule-set author reads them: file:line:column, the path in
the file, and a message (the keys a mapping accepts, when one is unknown)."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, validation_message
from ..model import RuleSet
from .yaml12 import locate

__all__ = ["located", "validation_problems"]


def _loc_to_path(loc: Iterable[Any], data: Any) -> str:
    """Turn a pydantic error location into a YAML path, skipping union tags."""
    path, node = "", data
    for item in loc:
        if isinstance(item, int):
            path += f"[{item}]"
            node = node[item] if isinstance(node, list) and item < len(node) else None
        elif isinstance(node, dict) and item not in node and node.get("kind") == item:
            continue  # a discriminated-union tag, not a key of the data
        elif isinstance(node, dict) or node is None:
            path = f"{path}.{item}" if path else str(item)
            node = node.get(item) if isinstance(node, dict) else None
        else:
            continue  # a type tag of a non-mapping union member
    return path


def _fields_at(loc: tuple[Any, ...], data: Any) -> list[str] | None:
    """The keys the schema accepts at the mapping that holds loc[-1], if known."""
    model: Any = RuleSet
    node = data
    for item in loc[:-1]:
        if isinstance(item, int):
            node = node[item] if isinstance(node, list) and item < len(node) else None
            continue
        if isinstance(node, dict) and item not in node and node.get("kind") == item:
            continue
        field = getattr(model, "model_fields", {}).get(item)
        if field is None:
            return None
        node = node.get(item) if isinstance(node, dict) else None
        model = _model_of(field.annotation, node)
        if model is None:
            return None
    return sorted(model.model_fields) if hasattr(model, "model_fields") else None


def _model_of(annotation: Any, node: Any) -> Any:
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) is typing.Annotated:
        return _model_of(args[0], node)
    if args:
        candidates = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if len(candidates) == 1:
            return candidates[0]
        if isinstance(node, dict) and "kind" in node:
            for c in candidates:
                kind = c.model_fields.get("kind")
                if kind and node["kind"] in typing.get_args(kind.annotation):
                    return c
        for a in args:
            found = _model_of(a, node)
            if found is not None:
                return found
    return None


def validation_problems(exc: ValidationError, data: Any,
                        marks: Mapping[str, tuple[int, int]], filename: str) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        path = _loc_to_path(err["loc"], data)
        line, col = locate(path, marks)
        message = validation_message(err)
        if err["type"] == "extra_forbidden":
            fields = _fields_at(tuple(err["loc"]), data)
            message = f"unknown key {err['loc'][-1]!r}"
            if fields:
                message += f"; expected one of: {', '.join(fields)}"
        elif err["type"] == "missing":
            message = "required field is missing"
        elif "input" in err and err["type"] not in ("value_error",) and not isinstance(
            err["input"], (dict, list)
        ):
            message += f" (got {err['input']!r})"
        problems.append(Problem(filename, line, col, path, message))
    return problems


def located(refs: list[tuple[str, str]], marks: Mapping[str, tuple[int, int]], filename: str
            ) -> list[Problem]:
    out = []
    for path, message in refs:
        line, col = locate(path, marks)
        out.append(Problem(filename, line, col, path, message))
    return out

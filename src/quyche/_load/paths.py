"""Dotted paths into a rule set's data (`broadcast.rules.weekday.min_hours`, list items
by id or index): how an interpretation names the value it sets."""

from __future__ import annotations

from typing import Any

__all__ = ["get_path", "set_path"]


def _step(node: Any, segment: str) -> Any:
    if isinstance(node, dict):
        if segment not in node:
            raise KeyError(segment)
        return node[segment]
    if isinstance(node, list):
        if segment.isdigit() and int(segment) < len(node):
            return node[int(segment)]
        for item in node:
            if isinstance(item, dict) and item.get("id") == segment:
                return item
    raise KeyError(segment)


def get_path(data: Any, path: str) -> Any:
    node = data
    for segment in path.split("."):
        node = _step(node, segment)
    return node


def set_path(data: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = data
    for segment in parents:
        node = _step(node, segment)
    if isinstance(node, dict):
        if last not in node:
            raise KeyError(last)
        node[last] = value
    elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = value
    else:
        raise KeyError(last)

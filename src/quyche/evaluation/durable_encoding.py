"""Events and conditions as durable_rules reads them, so that it compares as Python does.

durable_rules compares loosely ('1' == 1, 'true' == True, a missing field is unequal
to everything) and knows no `null`. A message carries, for each field a condition
reads, a tagged equality key, a comparison class and an ordinal (`v_`, `c_`, `o_`),
and conditions are rewritten over those (`lower`), so that a condition means exactly
what `conditions.compile` makes of it. `durable` builds its rulesets and posts its
messages with these; docs/durable.md shows both.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import EvaluationError

__all__ = ["SID", "Expr", "MessageEncoder", "all_of", "any_of", "encode", "equality_key",
           "fields_read", "lower", "ordinal"]

#: The one session id every message uses (see the `durable` module's docstring).
SID = "quyche"

# Encoded message fields: the equality key, the comparison class and the ordinal of field k.
_KEY, _CLASS, _ORD = "v_", "c_", "o_"
_COMPARE = ("$lt", "$lte", "$gt", "$gte")
_NEGATED = {"$lt": "$gte", "$lte": "$gt", "$gt": "$lte", "$gte": "$lt"}
_UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_NAIVE_EPOCH = dt.datetime(1970, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)
_TEXT = frozenset((str, type(None)))


# --------------------------------------------------------------------------- values


def equality_key(value: Any) -> str:
    """A string equal for two values exactly when Python's == says they are equal."""
    if isinstance(value, bool):
        return f"n:{int(value)}"
    if isinstance(value, int):
        return f"n:{value}"
    if isinstance(value, float):
        return f"n:{int(value)}" if value.is_integer() else f"n:{value!r}"
    if isinstance(value, str):
        return "s:" + value
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            return f"u:{(value.replace(tzinfo=None) - _NAIVE_EPOCH) // _MICROSECOND}"
        return f"t:{(value - _UTC_EPOCH) // _MICROSECOND}"
    if isinstance(value, dt.date):
        return f"d:{value.toordinal()}"
    if isinstance(value, list):
        return "l:" + json.dumps([equality_key(v) for v in value], ensure_ascii=False)
    if isinstance(value, tuple):
        return "p:" + json.dumps([equality_key(v) for v in value], ensure_ascii=False)
    if isinstance(value, dict):
        return "m:" + json.dumps(sorted([equality_key(k), equality_key(v)]
                                        for k, v in value.items()), ensure_ascii=False)
    return "r:" + repr(value)


def ordinal(value: Any) -> tuple[str, Any] | None:
    """(class, ordinal): values of one class compare in Python as their ordinals do."""
    if isinstance(value, (bool, int, float)):
        return ("number", value if not isinstance(value, bool) else int(value))
    if isinstance(value, str):
        return ("string", "s:" + value)  # the tag keeps durable_rules from reading "10" as 10
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            return ("naive", (value.replace(tzinfo=None) - _NAIVE_EPOCH) // _MICROSECOND)
        return ("instant", (value - _UTC_EPOCH) // _MICROSECOND)
    if isinstance(value, dt.date):
        return ("date", value.toordinal())
    return None


def encode(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The message for one event: its type and the encoded fields conditions read."""
    message: dict[str, Any] = {"sid": SID, "type": data["type"]}
    for name in fields:
        value = data.get(name)
        if value is None:  # the native matcher reads a missing field as None: post neither
            continue
        if isinstance(value, float) and math.isnan(value):
            continue  # NaN equals nothing and orders against nothing; only $ne/$nin hold
        message[_KEY + name] = equality_key(value)
        order = ordinal(value)
        if order is not None:
            message[_CLASS + name], message[_ORD + name] = order
    return message


class MessageEncoder:
    """`encode` for one set of fields, remembering the message of each combination of
    text values: the events a duty reads mostly repeat a few categories, kinds and
    actors, and durable_rules only reads a message (it is never changed after)."""

    #: combinations remembered per encoder; past it, messages are encoded each time
    LIMIT = 4096

    def __init__(self, fields: Sequence[str]) -> None:
        self.fields = tuple(fields)
        self._memo: dict[tuple[Any, ...], dict[str, Any]] = {}

    def __call__(self, data: Mapping[str, Any]) -> dict[str, Any]:
        key = (data["type"], *map(data.get, self.fields))
        try:
            message = self._memo.get(key)
        except TypeError:  # a list or a mapping among the values: encoded each time
            return encode(data, self.fields)
        if message is None:
            message = encode(data, self.fields)
            # only text (or missing) values are remembered: 1, 1.0 and True are == but
            # not posted alike (and a remembered key equals only text values)
            if len(self._memo) < self.LIMIT and _TEXT.issuperset(map(type, key)):
                self._memo[key] = message
        return message


# --------------------------------------------------------------------------- conditions

Expr = dict[str, Any] | bool  # a durable_rules expression, or a constant


def _fold(terms: Sequence[Expr], absorbing: bool, op: str) -> Expr:
    """`terms` joined by `op`, constants folded (`absorbing` decides the whole)."""
    if any(t is absorbing for t in terms):
        return absorbing
    kept = [t for t in terms if t is not (not absorbing)]
    if not kept:
        return not absorbing
    return kept[0] if len(kept) == 1 else {op: kept}


def all_of(terms: Sequence[Expr]) -> Expr:
    """The conjunction of `terms`, constants folded."""
    return _fold(terms, False, "$and")


def any_of(terms: Sequence[Expr]) -> Expr:
    """The disjunction of `terms`, constants folded."""
    return _fold(terms, True, "$or")


def _single(node: Mapping[str, Any]) -> tuple[str, Any]:
    if len(node) != 1:
        raise EvaluationError(f"durable backend: unexpected expression {node!r}")
    return next(iter(node.items()))


def _equal(name: str, value: Any, negate: bool) -> Expr:
    if value is None:  # == None holds exactly when the field is missing
        return {"$ex" if negate else "$nex": {_KEY + name: 1}}
    if isinstance(value, float) and math.isnan(value):
        return negate
    if not negate:
        return {_KEY + name: equality_key(value)}
    return {"$or": [{"$nex": {_KEY + name: 1}}, {"$neq": {_KEY + name: equality_key(value)}}]}


def _compare(op: str, name: str, value: Any, negate: bool) -> Expr:
    if isinstance(value, (list, tuple)):
        raise EvaluationError(f"durable backend: {op} on a list ({name}) is not supported")
    if isinstance(value, float) and math.isinf(value):
        raise EvaluationError(f"durable backend: {op} against an infinite number ({name}) "
                              "is not supported")
    order = ordinal(value)
    if order is None or (isinstance(value, float) and math.isnan(value)):
        return negate  # Python raises TypeError (or NaN compares false): never holds
    cls, position = order
    if not negate:
        return {"$and": [{_CLASS + name: cls}, {op: {_ORD + name: position}}]}
    return {"$or": [{"$nex": {_CLASS + name: 1}}, {"$neq": {_CLASS + name: cls}},
                    {_NEGATED[op]: {_ORD + name: position}}]}


def lower(node: Mapping[str, Any], negate: bool = False) -> Expr:
    """A `to_durable` expression over encoded messages, or its negation.

    `to_durable` maps the operators one to one; this step gives them the native
    matcher's meaning for missing fields and mixed types, and negates by De
    Morgan so that a ruleset's rules can be made mutually exclusive.
    """
    if not node:
        return not negate
    op, arg = _single(node)
    if op in ("$and", "$or"):
        parts = [lower(item, negate) for item in arg]
        return all_of(parts) if (op == "$and") != negate else any_of(parts)
    if op in ("$ex", "$nex"):
        name, _ = _single(arg)
        exists = (op == "$ex") != negate
        return {"$ex" if exists else "$nex": {_KEY + name: 1}}
    if op == "$neq":
        name, value = _single(arg)
        return _equal(name, value, not negate)
    if op in _COMPARE:
        name, value = _single(arg)
        return _compare(op, name, value, negate)
    if op.startswith("$"):
        raise EvaluationError(f"durable backend: unknown operator {op!r}")
    return _equal(op, arg, negate)


def fields_read(node: Any) -> set[str]:
    """The event fields a `to_durable` expression reads."""
    out: set[str] = set()
    if isinstance(node, dict):
        for op, arg in node.items():
            if op in ("$and", "$or"):
                for item in arg:
                    out |= fields_read(item)
            elif op.startswith("$"):
                out |= set(arg)
            else:
                out.add(op)
    return out

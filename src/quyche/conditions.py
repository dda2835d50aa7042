"""A small Mongo-style condition language for rule sets, and its two readers.

    {"doc_class": "legal_normative"}                     equality
    {"urgent": {"$eq": true}}                            $eq $ne $lt $lte $gt $gte
    {"doc_class": {"$in": ["legal_normative", "administrative"]}}   $in $nin
    {"category": {"$exists": true}}                      $exists
    {"$and": [cond, ...]}  {"$or": [cond, ...]}          logic

`compile` turns a condition into a plain Python predicate over an event dict (the
native engine); `to_durable` turns it into durable_rules' JSON ruleset syntax, so
both engines read the very same YAML. Conditions are checked once, at load time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["compile", "to_durable", "validate"]

_COMPARISONS = {
    "$eq": lambda a, b: a == b,
    "$ne": lambda a, b: a != b,
    "$lt": lambda a, b: a is not None and a < b,
    "$lte": lambda a, b: a is not None and a <= b,
    "$gt": lambda a, b: a is not None and a > b,
    "$gte": lambda a, b: a is not None and a >= b,
}
_SETS = ("$in", "$nin")
_LOGIC = ("$and", "$or")
Predicate = Callable[[dict[str, Any]], bool]


def validate(condition: Any, path: str = "") -> None:
    """Raise ValueError naming the first operator or shape that is not understood."""
    if not isinstance(condition, dict):
        raise ValueError(f"{path or 'condition'}: expected a mapping, got {condition!r}")
    for key, value in condition.items():
        here = f"{path}.{key}" if path else key
        if key in _LOGIC:
            if not isinstance(value, list) or not value:
                raise ValueError(f"{here}: expected a non-empty list of conditions")
            for i, item in enumerate(value):
                validate(item, f"{here}[{i}]")
        elif key.startswith("$"):
            raise ValueError(f"{here}: unknown operator; expected one of {list(_LOGIC)}")
        elif isinstance(value, dict):
            if not value:
                raise ValueError(f"{here}: empty operator mapping")
            for op, operand in value.items():
                if op in _COMPARISONS:
                    continue
                if op in _SETS:
                    if not isinstance(operand, list):
                        raise ValueError(f"{here}.{op}: expected a list")
                elif op == "$exists":
                    if not isinstance(operand, bool):
                        raise ValueError(f"{here}.$exists: expected true or false")
                else:
                    known = [*_COMPARISONS, *_SETS, "$exists"]
                    raise ValueError(f"{here}.{op}: unknown operator; expected one of {known}")


def compile(condition: dict[str, Any]) -> Predicate:
    """A predicate equivalent to `condition`; an empty condition matches everything."""
    validate(condition)
    if condition and not any(k in _LOGIC or isinstance(v, dict) for k, v in condition.items()):
        return _equalities(tuple(condition.items()))  # the common shape: fields and values
    return _all_of([_compile_item(key, value) for key, value in condition.items()])


def _equalities(pairs: tuple[tuple[str, Any], ...]) -> Predicate:
    """Each field equal to its value: one call, no predicate per field."""
    if len(pairs) == 1:
        ((key, value),) = pairs
        return lambda event: event.get(key) == value
    if len(pairs) == 2:
        (key, value), (key2, value2) = pairs
        return lambda event: event.get(key) == value and event.get(key2) == value2
    return lambda event: all(event.get(key) == value for key, value in pairs)


def _all_of(parts: list[Predicate]) -> Predicate:
    """Every one of `parts` (nothing: always true), asked in order until one fails."""
    if not parts:
        return lambda event: True
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda event: first(event) and second(event)
    return lambda event: all(p(event) for p in parts)


def _compile_item(key: str, value: Any) -> Predicate:
    if key == "$and":
        return _all_of([compile(c) for c in value])
    if key == "$or":
        subs = [compile(c) for c in value]
        return lambda event: any(p(event) for p in subs)
    if not isinstance(value, dict):
        return lambda event: event.get(key) == value
    return _all_of([_compile_test(key, op, operand) for op, operand in value.items()])


def _compile_test(key: str, op: str, operand: Any) -> Predicate:
    if op in _COMPARISONS:
        compare = _COMPARISONS[op]
        return lambda e: _safe(compare, e.get(key), operand)
    if op == "$in":
        return lambda e: e.get(key) in operand
    if op == "$nin":
        return lambda e: e.get(key) not in operand
    return lambda e: (e.get(key) is not None) == operand  # $exists


def _safe(compare: Callable[[Any, Any], bool], actual: Any, operand: Any) -> bool:
    try:
        return bool(compare(actual, operand))
    except TypeError:  # comparing a string to a number never matches
        return False


def to_durable(condition: dict[str, Any]) -> dict[str, Any]:
    """The same condition in durable_rules' JSON syntax (`m` expressions)."""
    validate(condition)
    terms = [_durable_item(key, value) for key, value in condition.items()]
    if not terms:
        return {}
    return terms[0] if len(terms) == 1 else {"$and": terms}


_DURABLE_OPS = {"$ne": "$neq", "$lt": "$lt", "$lte": "$lte", "$gt": "$gt", "$gte": "$gte"}


def _distinct(values: list[Any]) -> list[Any]:
    """The values of a `$in` list without repeats (as `in` sees them), in their order.

    A repeated value means nothing to the condition but costs durable_rules expressions,
    of which a rule may hold only so many.
    """
    out: list[Any] = []
    for v in values:
        if not any(type(v) is type(u) and v == u for u in out):
            out.append(v)
    return out


def _durable_item(key: str, value: Any) -> dict[str, Any]:
    if key in _LOGIC:
        return {key: [to_durable(c) for c in value]}
    if not isinstance(value, dict):
        return {key: value}
    terms: list[dict[str, Any]] = []
    for op, operand in value.items():
        if op == "$eq":
            terms.append({key: operand})
        elif op in _DURABLE_OPS:
            terms.append({_DURABLE_OPS[op]: {key: operand}})
        elif op == "$in":
            terms.append({"$or": [{key: v} for v in _distinct(operand)]})
        elif op == "$nin":
            terms.append({"$and": [{"$neq": {key: v}} for v in _distinct(operand)]})
        else:  # $exists
            terms.append({"$ex" if operand else "$nex": {key: 1}})
    return terms[0] if len(terms) == 1 else {"$and": terms}

"""Violations built without validation, from values the evaluation made itself.

A year of broadcast checks can file thousands of findings, and pydantic's validation of
each (a few microseconds, most of it copying the empty default lists) is wasted on
values that are valid by construction: strings the evaluation formatted, a `Citation`
already validated, fresh lists of ids. `violation` fills the model as validation would
(the same fields, in the same order, the same set of fields given), so the record, its
JSON, its pickle and its equality are those of `Violation(**fields)`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..report import Violation

__all__ = ["filled", "violation"]

#: Every field in the model's order, with the immutable defaults (lists are made fresh).
_DEFAULTS: dict[str, Any] = {name: None for name in Violation.model_fields}
_LISTS = ("events", "successions")  # defaulting to [], a new list each
_new = object.__new__
_set = object.__setattr__
# A model's slots, set through their descriptors (a little cheaper than by name).
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def violation(**fields: Any) -> Violation:
    """`Violation(**fields)` for trusted values: no copy, so give fresh lists.

    `fields` must name every required field, with values of the model's types; the
    given lists become the record's own.
    """
    values = _DEFAULTS.copy()
    values.update(fields)  # the model's order: updating keeps each key in its place
    for name in _LISTS:
        if name not in fields:
            values[name] = []
    return filled(values, set(fields))


def filled(values: dict[str, Any], given: set[str]) -> Violation:
    """The `Violation` of `values` (every field, in the model's order) as validation of
    the fields `given` would make it: the hot paths build `values` whole themselves."""
    record = _new(Violation)
    _set(record, "__dict__", values)
    _set_fields_set(record, given)
    _set_extra(record, None)
    _set_private(record, None)
    return record

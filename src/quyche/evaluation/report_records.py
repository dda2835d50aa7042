"""Report records built without validation, from values the evaluation made itself.

A year of broadcast checks can file thousands of findings, and pydantic's validation of
each (a few microseconds, much of it copying the empty default lists) is wasted on
values that are valid by construction: strings the evaluation formatted, a `Citation`
or `Handover` already validated, datetimes it computed, fresh lists. `violation` and
`obligation_status` fill the model as validation would (the same fields, in the same
order, the same set of fields given), so the record, its JSON, its equality and its
pickled copy are those of `Violation(**fields)` and `ObligationStatus(**fields)`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from ..report import ObligationStatus, Violation

__all__ = ["filled", "obligation_status", "violation"]

_Model = TypeVar("_Model", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__
# A model's slots, set through their descriptors (a little cheaper than by name).
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _defaults(model: type[BaseModel]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Every field in the model's order with its default (None if required), and the
    fields whose default is a list, made fresh for each record as validation copies them
    (the other defaults of these models are None)."""
    fields = model.model_fields
    lists = tuple(name for name, f in fields.items() if isinstance(f.default, list))
    return {name: None if f.is_required() else f.default for name, f in fields.items()}, lists


_VIOLATION = _defaults(Violation)
_STATUS = _defaults(ObligationStatus)


def violation(**fields: Any) -> Violation:
    """`Violation(**fields)` for trusted values: no copy, so give fresh lists.

    `fields` must name every required field, with values of the model's types; the
    given lists become the record's own.
    """
    return _made(Violation, _VIOLATION, fields)


def obligation_status(**fields: Any) -> ObligationStatus:
    """`ObligationStatus(**fields)` for trusted values, as `violation`."""
    return _made(ObligationStatus, _STATUS, fields)


def _made(model: type[_Model], defaults: tuple[dict[str, Any], tuple[str, ...]],
          fields: dict[str, Any]) -> _Model:
    values = defaults[0].copy()
    values.update(fields)  # the model's order: updating keeps each key in its place
    for name in defaults[1]:
        if name not in fields:
            values[name] = []
    return filled(model, values, set(fields))


def filled(model: type[_Model], values: dict[str, Any], given: set[str]) -> _Model:
    """The `model` of `values` (every field, in the model's order) as validation of the
    fields `given` would make it: the hot paths build `values` whole themselves."""
    record: _Model = _new(model)
    _set(record, "__dict__", values)
    _set_fields_set(record, given)
    _set_extra(record, None)
    _set_private(record, None)
    return record

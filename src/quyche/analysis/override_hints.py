"""How to read a rule otherwise: an override value that loads, as the caller would type it.

`explain` prints, for each reading a rule rests on, the command line and the
Python call that choose another reading. A hint is only useful if it works as
printed, so the value shown is one the override accepts (tried against the rule
set), written as `-i ID=VALUE` text the command line reads back to that value.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from .._load import override, read_value
from ..errors import InterpretationError, QuycheError
from ..model import Interpretation, RuleSet

__all__ = ["cli_value", "example_value"]

#: Values tried, after a reading's alternatives, for an override hint that works as
#: printed: an example of the field's type, not a reading of the text.
_PROBES: tuple[Any, ...] = (1, "00:00", True, "text", [], {})


#: id(rule set) -> (a weak reference to it, {interpretation id: example value}); trying
#: a value re-validates the rule set, so each is tried once per rule set object.
_EXAMPLES: dict[int, tuple[weakref.ref[RuleSet], dict[str, Any]]] = {}


def _forget(key: int) -> None:
    _EXAMPLES.pop(key, None)


def example_value(rs: RuleSet, interp: Interpretation) -> Any:
    """A value the override accepts: the first alternative that loads, else a probe of
    the field's type, else the rule set's own value."""
    key = id(rs)
    held = _EXAMPLES.get(key)
    if held is None or held[0]() is not rs:
        held = _EXAMPLES[key] = (weakref.ref(rs, lambda _ref: _forget(key)), {})
    known = held[1]
    if interp.id not in known:
        known[interp.id] = interp.value
        for candidate in (*interp.alternatives, *_PROBES):
            try:
                override(rs, {interp.id: candidate})
            except InterpretationError:
                continue
            known[interp.id] = candidate
            break
    return known[interp.id]


def cli_value(value: Any) -> str:
    """`value` as `-i ID=VALUE` text that the command line reads back to the same value
    (YAML 1.2 scalars: `12:00` stays text, `1` is a number, `[a, b]` a list)."""
    if isinstance(value, str):
        try:
            if read_value(value) == value:
                return value
        except QuycheError:
            pass
    return json.dumps(value, ensure_ascii=False)

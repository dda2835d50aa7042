"""Callers' readings: a rule set with some interpretations set to other values."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..errors import InterpretationError, RuleSetError
from ..model import RuleSet
from .paths import set_path
from .validation import validate

__all__ = ["override"]


def override(rule_set: RuleSet, interpretations: Mapping[str, Any]) -> RuleSet:
    """A copy of `rule_set` with some interpretations read differently."""
    by_id = {i.id: i for i in rule_set.interpretations}
    data = copy.deepcopy(rule_set.model_dump(mode="json"))
    for key, value in interpretations.items():
        interp = by_id.get(key)
        if interp is None:
            raise InterpretationError(
                f"{rule_set.id}: no interpretation {key!r}; declared: {sorted(by_id) or 'none'}"
            )
        set_path(data, interp.path, value)
        for item in data["interpretations"]:
            if item["id"] == key:
                item["value"] = value
    try:
        changed = validate(data, {}, f"{rule_set.id} (with overrides)", [])
    except RuleSetError as exc:
        raise InterpretationError(f"override not accepted:\n{exc}") from None
    # remember the text's own reading, across successive overrides
    readings = [
        interp.overriding(by_id[interp.id].text_value)
        if interp.id in interpretations or by_id[interp.id].overridden else interp
        for interp in changed.interpretations
    ]
    return changed.model_copy(update={"interpretations": readings})

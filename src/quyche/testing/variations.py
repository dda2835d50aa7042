"""Rule sets with one value changed, still valid: what a diff must notice."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from functools import partial
from operator import ne
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from .._load import get_path, set_path, validate
from ..errors import RuleSetError
from ..model import RuleSet
from ..vocabulary import PERIOD_MONTHS

__all__ = [
    "rule_set_variations",
]

_HALF_HOURS = [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60 + 1, 30)]
_VARIATION_LANGUAGES = ("vi", "en", "zh", "km", "lo", "fr", "ja", "vi+en", "vi+zh")


def _variation_points(rs: RuleSet) -> list[tuple[str, Any, SearchStrategy]]:
    """(path, current value, strategy of other values) for each value worth varying."""
    out: list[tuple[str, Any, SearchStrategy]] = []

    def add(path: str, old: Any, new: SearchStrategy) -> None:
        out.append((path, old, new.filter(partial(ne, old))))

    def choose(path: str, old: Any, options: Sequence[Any]) -> None:
        options = [v for v in options if v != old]
        if options:
            out.append((path, old, st.sampled_from(options)))

    for ob in rs.obligations:
        base = f"obligations.{ob.id}"
        r = ob.recurrence
        if r is not None:
            if r.anchor == "calendar":
                add(f"{base}.recurrence.day", r.day, st.integers(1, 28))
                months = PERIOD_MONTHS[r.every] * r.interval
                if months > 1:
                    # No month means the last one: naming it would change nothing.
                    choose(f"{base}.recurrence.month", r.month,
                           [m for m in range(1, months + 1) if r.month or m != months])
                # `on` and `by` read the same, and `before` does too unless it is exclusive;
                # with neither day nor month the duty is due at the end of the period anyway.
                if (r.day or r.month) and rs.policies.before_date.value == "exclusive":
                    choose(f"{base}.recurrence.relation", r.relation,
                           ["on"] if r.relation == "before" else ["before"])
            if r.every == "year":
                add(f"{base}.recurrence.interval", r.interval, st.integers(1, 5))
        deadlines = [(f"{base}.deadline", ob.deadline)] + [
            (f"{base}.exceptions.{ex.id}.deadline", ex.deadline) for ex in ob.exceptions]
        for path, deadline in deadlines:
            if deadline is not None and deadline.kind != "same_day":
                add(f"{path}.{deadline.kind}", deadline.amount, st.integers(1, 60))
    for rule in rs.broadcast.rules:
        base = f"broadcast.rules.{rule.id}"
        for name in ("min_hours", "max_hours"):
            if getattr(rule, name) is not None:
                add(f"{base}.{name}", getattr(rule, name),
                    st.sampled_from([k / 2 for k in range(1, 49)]))
        for part in rule.parts:
            add(f"{base}.parts.{part.id}.min_hours", part.min_hours,
                st.sampled_from([k / 2 for k in range(1, 25)]))
        add(f"{base}.tolerance_minutes", rule.tolerance_minutes, st.integers(0, 120))
        kinds = list(rule.day_kinds)
        choose(f"{base}.day_kinds", kinds, [
            [k for k in ("working_day", "weekend", "holiday") if (k in kinds) != (k == toggled)]
            for toggled in ("working_day", "weekend", "holiday")
            if kinds != [toggled]])
        for i, window in enumerate(rule.required_windows):
            choose(f"{base}.required_windows.{i}.start", window.start,
                   [t for t in _HALF_HOURS if t < window.end])
            choose(f"{base}.required_windows.{i}.end", window.end,
                   [t for t in _HALF_HOURS if t > window.start])
    if rs.broadcast.rules:
        choose("broadcast.swapped_weekend_days", rs.broadcast.swapped_weekend_days,
               ("working_day", "weekend"))
    groups = [g.id for g in rs.languages.groups]
    for policy in rs.languages.policies:
        allowed = list(policy.allowed)
        options = [[*allowed, tag] for tag in (*_VARIATION_LANGUAGES, *groups)
                   if tag not in allowed]
        if len(allowed) > 1:
            options += [[t for t in allowed if t != gone] for gone in allowed]
        choose(f"languages.policies.{policy.id}.allowed", allowed, options)
        choose(f"languages.policies.{policy.id}.mode", policy.mode, ("limit", "plan"))
        choose(f"languages.policies.{policy.id}.bilingual", policy.bilingual,
               ("listed", "of_allowed"))
    choose("policies.before_date.value", rs.policies.before_date.value,
           ("exclusive", "inclusive"))
    for name in ("roll_forward_periods", "roll_forward_fixed_dates", "roll_forward_retention"):
        if getattr(rs.policies, name) is not None:
            choose(f"policies.{name}.value", getattr(rs.policies, name).value, (True, False))
    for c in rs.constraints:
        if c.kind == "daily_update":
            kinds = list(c.day_kinds)
            choose(f"constraints.{c.id}.day_kinds", kinds, [
                [k for k in ("working_day", "weekend", "holiday") if (k in kinds) != (k == t)]
                for t in ("working_day", "weekend", "holiday")])
        if c.kind == "backup_retention":
            unit = next(k for k, v in c.retention.__dict__.items() if v is not None)
            add(f"constraints.{c.id}.retention.{unit}", getattr(c.retention, unit),
                st.integers(1, 36))
    return out


def _vary(rs: RuleSet, path: str, old: Any, new: Any) -> tuple[RuleSet, str] | None:
    data = copy.deepcopy(rs.model_dump())
    set_path(data, path, copy.deepcopy(new))
    # An interpretation records the value its path holds: keep it in step.
    for interp in data["interpretations"]:
        try:
            actual = get_path(data, interp["path"])
        except KeyError:
            continue
        interp["value"] = copy.deepcopy(actual)
    description = f"{path}: {json.dumps(old, ensure_ascii=False)} -> " \
                  f"{json.dumps(new, ensure_ascii=False)}"
    try:
        return validate(data, {}, f"{rs.id} ({description})", []), description
    except RuleSetError:
        return None


def rule_set_variations(rule_set: RuleSet) -> SearchStrategy[tuple[RuleSet, str]]:
    """(changed rule set, description) pairs: one value changed, the result still valid.

    The values varied are those a diff should notice: a recurrence's day, month,
    relation or interval, a deadline amount, broadcast hours, parts, windows,
    tolerance and kinds of day, a language list or mode, a deadline policy, a
    retention period. Changes that read the same are not drawn (`on` for `by`,
    the last month named where none was). The description reads
    `"<path>: <old> -> <new>"`, the path written as interpretation paths are
    (list items by id). Interpretations pinned on the changed value follow it.
    """
    points = _variation_points(rule_set)
    if not points:
        return st.nothing()
    return st.sampled_from(points).flatmap(
        lambda point: point[2].map(lambda new: _vary(rule_set, point[0], point[1], new))
    ).filter(lambda result: result is not None)

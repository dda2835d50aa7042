"""Rule sets with one value changed, still valid: what a diff must notice."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from functools import partial
from operator import ne
from typing import Any, TypeGuard

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
_DAY_KINDS = ("working_day", "weekend", "holiday")
Point = tuple[str, Any, SearchStrategy[Any]]


class _Points:
    """The values of one rule set worth varying, collected part by part in a fixed order."""

    def __init__(self) -> None:
        self.found: list[Point] = []

    def add(self, path: str, old: Any, new: SearchStrategy[Any]) -> None:
        """Any value `new` draws other than `old`."""
        self.found.append((path, old, new.filter(partial(ne, old))))

    def choose(self, path: str, old: Any, options: Sequence[Any]) -> None:
        """One of `options` other than `old` (nothing to vary when none is left)."""
        options = [v for v in options if v != old]
        if options:
            self.found.append((path, old, st.sampled_from(options)))

    def toggle_day_kinds(self, path: str, kinds: list[str], keep_one: bool) -> None:
        """The kinds of day with one of them switched on or off."""
        self.choose(path, kinds, [
            [k for k in _DAY_KINDS if (k in kinds) != (k == toggled)]
            for toggled in _DAY_KINDS if not keep_one or kinds != [toggled]])

    def obligation(self, rs: RuleSet, ob: Any) -> None:
        base = f"obligations.{ob.id}"
        r = ob.recurrence
        if r is not None:
            if r.anchor == "calendar":
                self.add(f"{base}.recurrence.day", r.day, st.integers(1, 28))
                months = PERIOD_MONTHS[r.every] * r.interval
                if months > 1:
                    # No month means the last one: naming it would change nothing.
                    self.choose(f"{base}.recurrence.month", r.month,
                                [m for m in range(1, months + 1) if r.month or m != months])
                # `on` and `by` read the same, and `before` does too unless it is exclusive;
                # with neither day nor month the duty is due at the end of the period anyway.
                if (r.day or r.month) and rs.policies.before_date.value == "exclusive":
                    self.choose(f"{base}.recurrence.relation", r.relation,
                                ["on"] if r.relation == "before" else ["before"])
            if r.every == "year":
                self.add(f"{base}.recurrence.interval", r.interval, st.integers(1, 5))
        deadlines = [(f"{base}.deadline", ob.deadline)] + [
            (f"{base}.exceptions.{ex.id}.deadline", ex.deadline) for ex in ob.exceptions]
        for path, deadline in deadlines:
            if deadline is not None and deadline.kind != "same_day":
                self.add(f"{path}.{deadline.kind}", deadline.amount, st.integers(1, 60))

    def broadcast_rule(self, rule: Any) -> None:
        base = f"broadcast.rules.{rule.id}"
        for name in ("min_hours", "max_hours"):
            if getattr(rule, name) is not None:
                self.add(f"{base}.{name}", getattr(rule, name),
                         st.sampled_from([k / 2 for k in range(1, 49)]))
        for part in rule.parts:
            self.add(f"{base}.parts.{part.id}.min_hours", part.min_hours,
                     st.sampled_from([k / 2 for k in range(1, 25)]))
        self.add(f"{base}.tolerance_minutes", rule.tolerance_minutes, st.integers(0, 120))
        self.toggle_day_kinds(f"{base}.day_kinds", list(rule.day_kinds), keep_one=True)
        for i, window in enumerate(rule.required_windows):
            self.choose(f"{base}.required_windows.{i}.start", window.start,
                        [t for t in _HALF_HOURS if t < window.end])
            self.choose(f"{base}.required_windows.{i}.end", window.end,
                        [t for t in _HALF_HOURS if t > window.start])

    def languages(self, rs: RuleSet) -> None:
        groups = [g.id for g in rs.languages.groups]
        for policy in rs.languages.policies:
            allowed = list(policy.allowed)
            options = [[*allowed, tag] for tag in (*_VARIATION_LANGUAGES, *groups)
                       if tag not in allowed]
            if len(allowed) > 1:
                options += [[t for t in allowed if t != gone] for gone in allowed]
            base = f"languages.policies.{policy.id}"
            self.choose(f"{base}.allowed", allowed, options)
            self.choose(f"{base}.mode", policy.mode, ("limit", "plan"))
            self.choose(f"{base}.bilingual", policy.bilingual, ("listed", "of_allowed"))

    def policies(self, rs: RuleSet) -> None:
        self.choose("policies.before_date.value", rs.policies.before_date.value,
                    ("exclusive", "inclusive"))
        for name in ("roll_forward_periods", "roll_forward_fixed_dates",
                     "roll_forward_retention"):
            if getattr(rs.policies, name) is not None:
                self.choose(f"policies.{name}.value", getattr(rs.policies, name).value,
                            (True, False))

    def daily_update(self, c: Any) -> None:
        self.toggle_day_kinds(f"constraints.{c.id}.day_kinds", list(c.day_kinds),
                              keep_one=False)

    def backup_retention(self, c: Any) -> None:
        unit = next(k for k, v in c.retention.__dict__.items() if v is not None)
        self.add(f"constraints.{c.id}.retention.{unit}", getattr(c.retention, unit),
                 st.integers(1, 36))


#: constraint kind -> how its values vary (kinds not listed hold nothing a diff compares)
_CONSTRAINTS: dict[str, Callable[[_Points, Any], None]] = {
    "daily_update": _Points.daily_update,
    "backup_retention": _Points.backup_retention,
}


def _variation_points(rs: RuleSet) -> list[Point]:
    """(path, current value, strategy of other values) for each value worth varying."""
    points = _Points()
    for ob in rs.obligations:
        points.obligation(rs, ob)
    for rule in rs.broadcast.rules:
        points.broadcast_rule(rule)
    if rs.broadcast.rules:
        points.choose("broadcast.swapped_weekend_days", rs.broadcast.swapped_weekend_days,
                      ("working_day", "weekend"))
    points.languages(rs)
    points.policies(rs)
    for c in rs.constraints:
        if c.kind in _CONSTRAINTS:
            _CONSTRAINTS[c.kind](points, c)
    return points.found


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
    ).filter(_valid)


def _valid(result: tuple[RuleSet, str] | None) -> TypeGuard[tuple[RuleSet, str]]:
    """A variation that still loads (`_vary` gives None for one that does not)."""
    return result is not None

"""Stricter or looser: comparing two readings of a deadline, a period or a minimum.

A diff of two rule sets must say whether B asks more than A. That is easy for a
number of hours, not for deadlines in different units: 24 hours, "the same
day", 3 days and 3 working days do not share a unit, and "trước ngày 20/12"
depends on the rule set's reading of "trước". The measures here compare due
instants themselves, computed by `deadlines` with each side's own policies, for
every trigger instant sampled over a few years (or every period): B is stricter
when it is never later, looser when never earlier, incomparable when it
depends on the day. Minimums, windows and lists compare by size or inclusion.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

from ..model import Deadline, Duration, Policies, Recurrence, minutes_of
from ..time.deadlines import LOCAL, add_duration, periods, triggered_due
from ..vocabulary import PERIOD_MONTHS

__all__ = [
    "FLIP",
    "Direction",
    "combine",
    "deadline_direction",
    "duration_direction",
    "less_is_stricter",
    "months_of",
    "more_is_stricter",
    "parts_direction",
    "recurrence_direction",
    "same_dues",
    "superset_is_stricter",
    "true_is_stricter",
    "windows_direction",
]

Direction = Literal["stricter", "looser", "incomparable"]
#: A direction seen from the other side.
FLIP: dict[Direction | None, Direction | None] = {
    "stricter": "looser", "looser": "stricter", "incomparable": "incomparable", None: None}

# Deadlines and recurrences are compared instant by instant over these years (a leap
# year included); nothing here comes from a regulation.
_REFERENCE_FIRST = dt.date(2024, 1, 1)
_REFERENCE_LAST = dt.date(2027, 12, 31)


def _hashable(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def combine(directions: Iterable[Direction | None]) -> Direction | None:
    """One direction for many: agreeing ones stand, disagreeing ones are incomparable."""
    found = {d for d in directions if d is not None}
    if not found:
        return None
    if len(found) == 1:
        return found.pop()
    return "incomparable"


def _pointwise(pairs: Iterable[tuple[Any, Any]]) -> Direction | None:
    """B stricter when never later than A (and sometimes earlier); None when always equal."""
    earlier = later = False
    for a, b in pairs:
        if b < a:
            earlier = True
        elif b > a:
            later = True
        if earlier and later:
            return "incomparable"
    if earlier:
        return "stricter"
    if later:
        return "looser"
    return None


@lru_cache(maxsize=1)
def _sample_instants() -> tuple[dt.datetime, ...]:
    out = []
    day = _REFERENCE_FIRST
    while day <= dt.date(_REFERENCE_FIRST.year + 2, 12, 31):
        for hour, minute in ((0, 0), (9, 0), (23, 59)):
            out.append(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL))
        day += dt.timedelta(days=1)
    return tuple(out)


@lru_cache(maxsize=256)
def _dues(deadline_json: str, policies_json: str) -> tuple[dt.datetime, ...]:
    deadline = Deadline.model_validate_json(deadline_json)
    policies = Policies.model_validate_json(policies_json)
    return tuple(triggered_due(deadline, at, policies) for at in _sample_instants())


def deadline_direction(a: Deadline, a_policies: Policies, b: Deadline, b_policies: Policies
                       ) -> Direction | None:
    """Compare two triggered deadlines for the same triggers, instant by instant.

    Hours, days, working days and "the same day" are not one unit: B is stricter
    when, for every trigger instant sampled (each day of three years, at 00:00,
    09:00 and 23:59), B's due instant is never later than A's; looser when never
    earlier; incomparable when it depends on the day or the hour (48 hours vs 1 day).
    """
    dues_a = _dues(a.model_dump_json(), a_policies.model_dump_json())
    dues_b = _dues(b.model_dump_json(), b_policies.model_dump_json())
    return _pointwise(zip(dues_a, dues_b, strict=True))


def duration_direction(a: Duration, b: Duration) -> Direction | None:
    """Compare two retention periods: a longer one (B keeps longer) is stricter."""
    starts = _sample_instants()[::3]
    # A longer retention ends later: "later" means stricter here, so compare reversed.
    return _pointwise((add_duration(t, b), add_duration(t, a)) for t in starts)


def months_of(rec: Recurrence) -> int:
    """How many months one period of a recurring duty spans."""
    return PERIOD_MONTHS[rec.every] * rec.interval


def _per_year(rec: Recurrence) -> float:
    count = 12 // PERIOD_MONTHS[rec.every]
    if rec.periods is not None:
        count = len(set(rec.periods))
    return count / rec.interval


def _offsets(rec: Recurrence, policies: Policies, in_force: dt.date | None
             ) -> dict[Any, float]:
    """Due instant of each period, as seconds after the period began, keyed by period."""
    anchor = in_force or _REFERENCE_FIRST
    out: dict[Any, float] = {}
    for i, p in enumerate(periods(rec, policies, _REFERENCE_FIRST, _REFERENCE_LAST, anchor)):
        key = p.label if rec.anchor == "calendar" else i
        out[key] = (p.due - p.begins).total_seconds()
    return out


def recurrence_direction(a: Recurrence, a_policies: Policies, a_in_force: dt.date | None,
                         b: Recurrence, b_policies: Policies, b_in_force: dt.date | None
                         ) -> Direction | None:
    """Compare two recurrences: due earlier within the same periods, or due more often.

    With periods of the same length, B is stricter when each period falls due no
    later than A's (and it covers at least A's periods); with periods of different
    lengths, B is stricter when it falls due more often.
    """
    if months_of(a) != months_of(b):
        rate_a, rate_b = _per_year(a), _per_year(b)
        if rate_a == rate_b:
            return "incomparable"
        return "stricter" if rate_b > rate_a else "looser"
    if a.anchor != b.anchor:
        return "incomparable"
    off_a = _offsets(a, a_policies, a_in_force)
    off_b = _offsets(b, b_policies, b_in_force)
    keys_a, keys_b = set(off_a), set(off_b)
    coverage: Direction | None = None
    if keys_a != keys_b:
        coverage = ("stricter" if keys_b > keys_a else "looser" if keys_b < keys_a
                    else "incomparable")
    common = sorted(keys_a & keys_b, key=str)
    timing = _pointwise((off_a[k], off_b[k]) for k in common)
    return combine([coverage, timing])


def same_dues(a: Recurrence, a_policies: Policies, a_in_force: dt.date | None,
              b: Recurrence, b_policies: Policies, b_in_force: dt.date | None) -> bool:
    """True when two recurrences written differently fall due at the same instants.

    `{every: year}` and `{every: year, month: 12}` are both due at the end of 31/12;
    `relation: on` and `relation: by` mean the same. Such differences of notation
    are not differences of rule.
    """
    return (months_of(a) == months_of(b) and a.anchor == b.anchor
            and _offsets(a, a_policies, a_in_force) == _offsets(b, b_policies, b_in_force))


def more_is_stricter(a: Any, b: Any) -> Direction | None:
    if a is None and b is None:
        return None
    if a is None:
        return "stricter"
    if b is None:
        return "looser"
    return "stricter" if b > a else "looser" if b < a else None


def less_is_stricter(a: Any, b: Any) -> Direction | None:
    """For maximums: a new cap is stricter, a cap dropped looser, a lower cap stricter."""
    if a is None or b is None:
        return more_is_stricter(a, b)
    return FLIP[more_is_stricter(a, b)]


def superset_is_stricter(a: Any, b: Any) -> Direction | None:
    """For lists where None means "all": B covering more is stricter."""
    if a is None and b is None:
        return None
    if a is None:
        return "looser"
    if b is None:
        return "stricter"
    sa, sb = set(_hashable(x) for x in a), set(_hashable(x) for x in b)
    if sa == sb:
        return None
    return "stricter" if sb > sa else "looser" if sb < sa else "incomparable"


def true_is_stricter(a: Any, b: Any) -> Direction | None:
    if bool(a) == bool(b):
        return None
    return "stricter" if b else "looser"


def _minutes(windows: Iterable[dict[str, str]]) -> set[int]:
    out: set[int] = set()
    for w in windows:
        out |= set(range(minutes_of(w["start"]), minutes_of(w["end"])))
    return out


def windows_direction(a: Any, b: Any) -> Direction | None:
    """Required windows: B requiring more of the day is stricter."""
    ma, mb = _minutes(a or []), _minutes(b or [])
    if ma == mb:
        return None
    return "stricter" if mb > ma else "looser" if mb < ma else "incomparable"


def parts_direction(a: Any, b: Any) -> Direction | None:
    """Day parts: as many hours in a narrower window (or more hours) is stricter."""
    a, b = a or [], b or []
    if len(a) != len(b):
        return "incomparable" if a and b else ("stricter" if b else "looser")
    found: list[Direction | None] = []
    for pa, pb in zip(sorted(a, key=lambda p: p["window"]["start"]),
                      sorted(b, key=lambda p: p["window"]["start"]), strict=True):
        wa, wb = _minutes([pa["window"]]), _minutes([pb["window"]])
        window: Direction | None = None
        if wa != wb:
            window = "stricter" if wb < wa else "looser" if wb > wa else "incomparable"
        found += [window, more_is_stricter(pa["min_hours"], pb["min_hours"])]
    return combine(found)

"""Broadcast hours at intake: segments kept as merged intervals per site and day, emergencies.

Intake keeps broadcast time as merged intervals per site and local day (the common
segment is applied inline by `intake.Reader.add_all`; `apply_broadcast` is the general
path: a segment across midnight, an uncounted category, a value to refuse). The checks
run once per site and day at the end (`broadcast_days`), emergency time exempt both ways.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...render import count as _count
from ...time.instants import DAY, OFFSET, day_of
from ...time.intervals import add_interval
from ..context import Context
from ..ledger import Emergency, Ledger, note_segment
from ..validity import Reject, check_category, check_language, check_site
from .content import ContentRules

__all__ = ["apply_broadcast", "emergency_warning", "on_emergency"]

def apply_broadcast(ctx: Context, ledger: Ledger, content: ContentRules, ident: str | None,
                    site: str, start: dt.datetime, end: dt.datetime, category: str | None,
                    language: str | None) -> None:
    """A broadcast segment by the general path: checked, cut at midnights, then content."""
    s, e = start.timestamp(), end.timestamp()
    if e <= s:
        raise Reject("end: must be after start")
    if s >= ctx.as_of_ts:
        raise Reject(f"start: {start.isoformat()} is not before as_of "
                     f"{ctx.as_of.isoformat()}")
    check_site(ctx, site)
    check_category(ctx, category)
    check_language(language)
    e = min(e, ctx.as_of_ts)
    if e <= ctx.first_day_ts:
        return  # entirely before the first checked day
    counted = category not in ctx.rule_set.broadcast.uncounted_categories
    s_checked = max(s, ctx.first_day_ts)
    day, last = day_of(s_checked), day_of(e - 1e-6)
    while True:
        lo = max(s_checked, (day * DAY) - OFFSET)
        hi = min(e, (day + 1) * DAY - OFFSET)
        key = (site, day)
        ledger.segment_count[key] = ledger.segment_count.get(key, 0) + 1
        if counted:
            intervals = ledger.coverage.get(key)
            if intervals is None:
                ledger.coverage[key] = [[lo, hi]]
            else:
                add_interval(intervals, lo, hi)
        if ident is not None:
            note_segment(ledger.segment_ids.setdefault(key, []), lo, ident)
        if day >= last:
            break
        day += 1
    if (category is not None or language is not None) and s >= ctx.since_ts:
        content.check(ledger, ident, start, site, category, language, None, None)


def on_emergency(ctx: Context, ledger: Ledger, ev: Any) -> None:
    """The intake hook of `emergency`: time exempt from the broadcast checks."""
    s, e = ev.start.timestamp(), ev.end.timestamp()
    if e <= s:
        raise Reject("end: must be after start")
    if s > ctx.as_of_ts:
        raise Reject(f"start: {ev.start.isoformat()} is after as_of")
    for site in ev.sites or ():
        check_site(ctx, site)
    ledger.emergencies.append(
        Emergency(s, min(e, ctx.as_of_ts), tuple(sorted(ev.sites)) if ev.sites else None,
                  ev.id or ""))


def emergency_warning(ctx: Context, ledger: Ledger) -> str | None:
    """A word when emergency time is exempted although the text has no emergency clause."""
    rs = ctx.rule_set
    if not (ledger.emergencies and rs.broadcast.rules and not rs.broadcast.emergency_override):
        return None
    named = sorted(ident or "(no id)" for *_, ident in ledger.emergencies)
    return (f"{_count(len(named), 'emergency event')} [{', '.join(named[:5])}"
            f"{', …' if len(named) > 5 else ''}]: the text of {rs.id} has no "
            "emergency clause; their time is exempt from the broadcast checks only "
            "because the event vocabulary says so")

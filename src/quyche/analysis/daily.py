"""Daily broadcast hours per site: the figures behind a calendar heatmap.

A report lists the days a site fell short; a picture needs every day, short or
not. This computes, from the ledger a report keeps (not from its public JSON,
which stays as it is), each registered site's covered hours on each day of the
window that has ended, the minimum its rule set asks for that day, and whether
an emergency broadcast covered part of it. Emergency time counts as covered,
as it does for the minimum in the evaluation itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import EvaluationError
from ..output import Output
from ..time.instants import DAY, OFFSET, date_of_day, day_of
from ..time.intervals import covered_seconds, union

__all__ = ["SiteDays", "daily_hours"]


class SiteDays(Output):
    """One site's days, from `first` on: index i is the day `first + i`."""

    site: str
    kind: str
    first: dt.date
    hours: list[float] = []
    # None: no minimum that day (none set, or a silent day on which the site need not broadcast)
    minimum: list[float | None] = []
    day_kind: list[str] = []
    emergency: list[bool] = []
    rules: list[str] = []  # the broadcast rules that apply to it


def daily_hours(report: Any) -> list[SiteDays]:
    """The daily hours of every registered site a broadcast rule applies to, in site order.

    Needs a report made by `evaluate` (or merged) in this process: the hours come from the
    evaluation's ledger. Days run from the window's first day to the last that has ended.
    """
    ledger, ctx = getattr(report, "_ledger", None), getattr(report, "_context", None)
    if ledger is None or ctx is None:
        raise EvaluationError("daily hours need a report made by evaluate() in this process "
                              "(a report read back from JSON has no ledger)")
    rules = ctx.rule_set.broadcast.rules
    first, last = day_of(ctx.since_ts), day_of(ctx.as_of_ts) - 1
    kinds = {}
    for day in range(first, last + 1):
        date = date_of_day(day)
        kind = ctx.calendar.kind_of(date)
        if (kind == "working_day" and date.weekday() >= 5
                and ctx.rule_set.broadcast.swapped_weekend_days == "weekend"):
            kind = "weekend"  # a swapped Saturday is read as the Saturday it is
        kinds[day] = kind
    # Emergencies by the days they touch (within the window), so a day looks at its own only.
    urgent_by_day: dict[int, list[tuple[float, float, Any]]] = {}
    for s, e, sites, _ in ledger.emergencies:
        for day in range(max(first, day_of(s)), min(last, day_of(e - 1e-6)) + 1):
            urgent_by_day.setdefault(day, []).append((s, e, sites))
    out: list[SiteDays] = []
    for site in sorted(ctx.sites.values(), key=lambda s: s.id):
        mine = [r for r in rules if site.kind in r.site_kinds
                and (r.sites is None or site.id in r.sites)]
        if not mine:
            continue
        hours: list[float] = []
        minimum: list[float | None] = []
        day_kind: list[str] = []
        emergency: list[bool] = []
        for day in range(first, last + 1):
            start = day * DAY - OFFSET
            urgent = [[max(s, start), min(e, start + DAY)]
                      for s, e, sites in urgent_by_day.get(day, ())
                      if sites is None or site.id in sites]
            played = ledger.coverage.get((site.id, day), [])
            covered = union(played, urgent) if urgent else played
            # As in the evaluation: a rule that need not broadcast asks nothing of a silent day.
            minimums = [r.min_hours for r in mine
                        if kinds[day] in r.day_kinds and r.min_hours is not None
                        and (covered or r.must_broadcast)]
            hours.append(round(covered_seconds(covered, start, start + DAY) / 3600, 2))
            minimum.append(max(minimums) if minimums else None)
            day_kind.append(kinds[day])
            emergency.append(bool(urgent))
        out.append(SiteDays(site=site.id, kind=site.kind, first=date_of_day(first),
                            hours=hours, minimum=minimum, day_kind=day_kind,
                            emergency=emergency, rules=[r.id for r in mine]))
    return out

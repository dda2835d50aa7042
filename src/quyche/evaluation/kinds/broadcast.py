"""Broadcast hours: minimum and maximum hours a day, day parts, required windows, silent days.

Intake keeps broadcast time as merged intervals per site and local day (the common
segment is applied inline by `intake.Reader.add_all`; `apply_broadcast` is the general
path: a segment across midnight, an uncounted category, a value to refuse). The check
runs once per site and day at the end, with emergency time exempt both ways.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...render import count as _count
from ...report import Violation
from ...time.instants import DAY, OFFSET, date_of_day, day_of
from ...time.intervals import add_interval, covered_seconds, union
from ...vocabulary import DAY_KIND_NAMES
from ..context import Context, SiteInfo
from ..ledger import Emergency, Ledger, note_segment
from ..validity import Reject, check_category, check_language, check_site
from .content import ContentRules

__all__ = ["DAY_KIND_VI", "apply_broadcast", "daily_checks", "emergency_warning",
           "on_emergency"]

#: The kinds of day as the Vietnamese findings name them.
DAY_KIND_VI = {kind: vi for kind, (vi, _en) in DAY_KIND_NAMES.items()}


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


def daily_checks(ctx: Context, ledger: Ledger) -> list[Violation]:
    """Broadcast hours, day parts, required windows and silent days, per site and day."""
    rules = ctx.rule_set.broadcast.rules
    if not rules:
        return []
    out: list[Violation] = []
    first = day_of(ctx.since_ts)
    last = day_of(ctx.as_of_ts) - 1  # the last day that has ended by as_of
    # Sites may be None (all sites), which does not order against a tuple: sort by a key.
    emergencies = sorted(ledger.emergencies, key=lambda e: (e[0], e[1], e[3], e[2] or ()))
    kinds_of_days = {day: ctx.calendar.kind_of(date_of_day(day))
                     for day in range(first, last + 1)}
    if ctx.rule_set.broadcast.swapped_weekend_days == "weekend":
        for day, kind in kinds_of_days.items():
            if kind == "working_day" and date_of_day(day).weekday() >= 5:
                kinds_of_days[day] = "weekend"  # a swapped Saturday read as the Saturday it is
    for site in sorted(ctx.sites.values(), key=lambda s: s.id):
        site_rules = [r for r in rules if site.kind in r.site_kinds
                      and (r.sites is None or site.id in r.sites)]
        if not site_rules:
            continue
        for day in range(first, last + 1):
            date = date_of_day(day)
            day_kind = kinds_of_days[day]
            todays = [r for r in site_rules if day_kind in r.day_kinds]
            if not todays:
                continue
            start = day * DAY - OFFSET
            key = (site.id, day)
            played = ledger.coverage.get(key, [])
            urgent = [[max(s, start), min(e, start + DAY)] for s, e, sites, _ in emergencies
                      if s < start + DAY and e > start and (sites is None or site.id in sites)]
            if urgent:
                urgent = union(urgent)
            covered = union(played, urgent) if urgent else played
            ids = [ident for _start, ident in ledger.segment_ids.get(key, ())]
            count = ledger.segment_count.get(key, 0)
            for rule in todays:
                out.extend(day_findings(ctx, rule, site, date, day_kind, start, covered,
                                         urgent, ids, count))
    return out


def day_findings(ctx: Context, rule: Any, site: SiteInfo, date: dt.date, day_kind: str,
                 start: float, covered: list[list[float]], urgent: list[list[float]],
                 ids: list[str], count: int) -> list[Violation]:
    """The findings of one broadcast rule for one site and day.

    Emergency time (`urgent`) is exempt both ways: it counts as covered for minimums and
    windows, and does not count towards a maximum (authorities set time and duration).
    """
    when = date.isoformat()
    citation = ctx.cite(rule.source)
    found: list[Violation] = []
    actor = rule.owed_by
    if actor is not None and (declared := ctx.rule_set.actor(actor)) and declared.kind == "role":
        actor = site.operator  # the role answers through the site's operator

    def add(kind: str, vi: str, en: str) -> None:
        found.append(Violation(rule_id=rule.id, kind=kind, actor=actor, site=site.id,
                               when=when, message=vi, message_en=en, source=citation,
                               events=list(ids)))

    if not covered and not count:
        if rule.must_broadcast:
            add("no_broadcast", f"Không ghi nhận đăng phát nào trong {DAY_KIND_VI[day_kind]}",
                f"No broadcast recorded on this {day_kind.replace('_', ' ')}")
        return found
    if not covered and not rule.must_broadcast:
        return found  # only uncounted content, on a day the site need not broadcast
    hours = covered_seconds(covered, start, start + DAY) / 3600
    note = f"{hours:.2f} h, {count} segment(s)"
    if rule.min_hours is not None and hours + 1e-9 < rule.min_hours:
        add("broadcast_hours", f"Thời lượng đăng phát {hours:.2f} giờ, dưới mức tối thiểu "
            f"{rule.min_hours:g} giờ/ngày", f"Broadcast {note}, below the minimum "
            f"{rule.min_hours:g} h/day")
    own = hours - (covered_seconds(urgent, start, start + DAY) / 3600 if urgent else 0.0)
    if rule.max_hours is not None and own - 1e-9 > rule.max_hours:
        add("broadcast_hours", f"Thời lượng đăng phát {own:.2f} giờ, vượt mức "
            f"{rule.max_hours:g} giờ/ngày", f"Broadcast {own:.2f} h outside emergencies, "
            f"{count} segment(s), above {rule.max_hours:g} h/day")
    for part in rule.parts:
        lo, hi = part.window.minutes
        got = covered_seconds(covered, start + lo * 60, start + hi * 60) / 3600
        if got + 1e-9 < part.min_hours:
            add("broadcast_part", f"Khung {part.id} ({part.window.start}-{part.window.end}): "
                f"{got:.2f} giờ, dưới {part.min_hours:g} giờ",
                f"Part {part.id} ({part.window.start}-{part.window.end}): {got:.2f} h, "
                f"below {part.min_hours:g} h")
    for window in rule.required_windows:
        lo, hi = window.minutes
        gap = ((hi - lo) * 60 - covered_seconds(covered, start + lo * 60, start + hi * 60)) / 60
        if gap > rule.tolerance_minutes + 1e-9:
            add("broadcast_window", f"Khung giờ {window.start}-{window.end} thiếu "
                f"{gap:.0f} phút đăng phát", f"Window {window.start}-{window.end} "
                f"not covered for {gap:.0f} min")
    return found


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

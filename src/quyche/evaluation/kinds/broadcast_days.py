"""The day-level broadcast checks: hours, day parts, required windows and silent days.

They run once per site and local day at the end of an evaluation, over the merged
intervals the intake kept (`kinds.broadcast`), with emergency time exempt both ways. A
year of forty sites is some fifteen thousand site-days, so everything that depends only
on a rule, a site or a kind of day is prepared once (`DayRule`: the rule's citation,
its windows in seconds, the fixed words of its messages; the rules of each site by kind
of day; the emergencies by day). A finding is still a validated `Violation`: pydantic's
compiled validation (about 9 µs) measured faster than `model_construct` (about 15 µs),
which fills the model in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from ...report import Citation, Violation
from ...time.instants import DAY, OFFSET, date_of_day, day_of
from ...time.intervals import covered_seconds, union
from ...vocabulary import DAY_KIND_NAMES
from ..context import Context, SiteInfo
from ..ledger import Ledger

__all__ = ["DAY_KIND_VI", "DayRule", "daily_checks"]

#: The kinds of day as the Vietnamese findings name them.
DAY_KIND_VI = {kind: vi for kind, (vi, _en) in DAY_KIND_NAMES.items()}

_EPSILON = 1e-9


class DayRule(NamedTuple):
    """A broadcast rule prepared for its day checks: what does not change from day to day."""

    rule: Any  # the model's BroadcastRule
    citation: Citation
    by_role: bool  # owed by a role: the site's operator answers for it
    #: per kind of day: the silent day's (vi, en) message
    silent: dict[str, tuple[str, str]]
    #: each part: seconds after midnight (from, to), its minimum hours, its label
    parts: tuple[tuple[int, int, float, str], ...]
    #: each required window: seconds after midnight (from, to), its width in minutes, label
    windows: tuple[tuple[int, int, int, str], ...]

    @classmethod
    def of(cls, ctx: Context, rule: Any) -> DayRule:
        declared = rule.owed_by and ctx.rule_set.actor(rule.owed_by)
        silent = {kind: (f"Không ghi nhận đăng phát nào trong {vi}",
                         f"No broadcast recorded on this {kind.replace('_', ' ')}")
                  for kind, vi in DAY_KIND_VI.items()}
        parts = []
        for part in rule.parts:
            lo, hi = part.window.minutes
            parts.append((lo * 60, hi * 60, part.min_hours,
                          f"{part.id} ({part.window.start}-{part.window.end})"))
        windows = []
        for window in rule.required_windows:
            lo, hi = window.minutes
            windows.append((lo * 60, hi * 60, hi - lo, f"{window.start}-{window.end}"))
        return cls(rule, ctx.cite(rule.source), bool(declared and declared.kind == "role"),
                   silent, tuple(parts), tuple(windows))

    def findings(self, site: SiteInfo, when: str, day_kind: str, start: float,
                 covered: list[list[float]], urgent: list[list[float]],
                 segments: Sequence[tuple[float, str]], count: int) -> list[Violation]:
        """The findings of this rule for one site and day.

        Emergency time (`urgent`) is exempt both ways: it counts as covered for minimums
        and windows, and does not count towards a maximum (authorities set time and
        duration). `segments` are the day's first segments kept, (start, id): their ids are
        named by each finding, read only when there is one.
        """
        rule = self.rule
        found: list[Violation] = []
        actor = site.operator if self.by_role else rule.owed_by

        def add(kind: str, vi: str, en: str) -> None:
            found.append(Violation(
                rule_id=rule.id, kind=kind, actor=actor, site=site.id, when=when,
                message=vi, message_en=en, source=self.citation,
                events=[ident for _start, ident in segments]))

        if not covered and not count:
            if rule.must_broadcast:
                add("no_broadcast", *self.silent[day_kind])
            return found
        if not covered and not rule.must_broadcast:
            return found  # only uncounted content, on a day the site need not broadcast
        end = start + DAY
        hours = covered_seconds(covered, start, end) / 3600
        if rule.min_hours is not None and hours + _EPSILON < rule.min_hours:
            add("broadcast_hours", f"Thời lượng đăng phát {hours:.2f} giờ, dưới mức tối thiểu "
                f"{rule.min_hours:g} giờ/ngày", f"Broadcast {hours:.2f} h, {count} segment(s), "
                f"below the minimum {rule.min_hours:g} h/day")
        if rule.max_hours is not None:
            own = hours - (covered_seconds(urgent, start, end) / 3600 if urgent else 0.0)
            if own - _EPSILON > rule.max_hours:
                add("broadcast_hours", f"Thời lượng đăng phát {own:.2f} giờ, vượt mức "
                    f"{rule.max_hours:g} giờ/ngày", f"Broadcast {own:.2f} h outside "
                    f"emergencies, {count} segment(s), above {rule.max_hours:g} h/day")
        for lo, hi, least, label in self.parts:
            got = covered_seconds(covered, start + lo, start + hi) / 3600
            if got + _EPSILON < least:
                add("broadcast_part", f"Khung {label}: {got:.2f} giờ, dưới {least:g} giờ",
                    f"Part {label}: {got:.2f} h, below {least:g} h")
        for lo, hi, width, label in self.windows:
            gap = (width * 60 - covered_seconds(covered, start + lo, start + hi)) / 60
            if gap > rule.tolerance_minutes + _EPSILON:
                add("broadcast_window", f"Khung giờ {label} thiếu {gap:.0f} phút đăng phát",
                    f"Window {label} not covered for {gap:.0f} min")
        return found


def daily_checks(ctx: Context, ledger: Ledger) -> list[Violation]:
    """Broadcast hours, day parts, required windows and silent days, per site and day."""
    rules = [DayRule.of(ctx, r) for r in ctx.rule_set.broadcast.rules]
    if not rules:
        return []
    out: list[Violation] = []
    first = day_of(ctx.since_ts)
    last = day_of(ctx.as_of_ts) - 1  # the last day that has ended by as_of
    days = [(day, date_of_day(day)) for day in range(first, last + 1)]
    kinds_of_days = _kinds_of_days(ctx, days)
    whens = {day: date.isoformat() for day, date in days}
    urgent_by_day = _emergencies_by_day(ledger, first, last)
    coverage, segment_ids, counts = ledger.coverage, ledger.segment_ids, ledger.segment_count
    for site in sorted(ctx.sites.values(), key=lambda s: s.id):
        by_kind: dict[str, list[DayRule]] = defaultdict(list)
        for prepared in rules:
            r = prepared.rule
            if site.kind in r.site_kinds and (r.sites is None or site.id in r.sites):
                for kind in dict.fromkeys(r.day_kinds):
                    by_kind[kind].append(prepared)
        if not by_kind:
            continue
        for day, _date in days:
            day_kind = kinds_of_days[day]
            todays = by_kind.get(day_kind)
            if not todays:
                continue
            start = day * DAY - OFFSET
            key = (site.id, day)
            played = coverage.get(key, [])
            urgent = [[s, e] for s, e, sites in urgent_by_day.get(day, ())
                      if sites is None or site.id in sites]
            if urgent:
                urgent = union(urgent)
            covered = union(played, urgent) if urgent else played
            segments = segment_ids.get(key, ())
            count = counts.get(key, 0)
            when = whens[day]
            for prepared in todays:
                out.extend(prepared.findings(site, when, day_kind, start, covered, urgent,
                                             segments, count))
    return out


def _kinds_of_days(ctx: Context, days: list[tuple[int, dt.date]]) -> dict[int, str]:
    kinds = {day: ctx.calendar.kind_of(date) for day, date in days}
    if ctx.rule_set.broadcast.swapped_weekend_days == "weekend":
        for day, date in days:
            if kinds[day] == "working_day" and date.weekday() >= 5:
                kinds[day] = "weekend"  # a swapped Saturday read as the Saturday it is
    return kinds


def _emergencies_by_day(ledger: Ledger, first: int, last: int
                        ) -> dict[int, list[tuple[float, float, tuple[str, ...] | None]]]:
    """Each checked day's emergency time, cut to the day, with the sites it covers."""
    out: dict[int, list[tuple[float, float, tuple[str, ...] | None]]] = defaultdict(list)
    for s, e, sites, _ident in ledger.emergencies:
        for day in range(max(first, day_of(s)), min(last, day_of(e)) + 1):
            start = day * DAY - OFFSET
            if s < start + DAY and e > start:
                out[day].append((max(s, start), min(e, start + DAY), sites))
    return out

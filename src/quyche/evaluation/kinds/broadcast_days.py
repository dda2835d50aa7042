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
from collections.abc import Callable
from itertools import chain, repeat
from typing import Any, NamedTuple

import numpy as np

from ...report import Citation, Violation
from ...time.instants import DAY, OFFSET, date_of_day, day_of
from ...time.intervals import covered_seconds, union
from ...vocabulary import DAY_KIND_NAMES
from ..context import Context, SiteInfo
from ..ledger import Ledger
from ..violations import filled

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
    #: the fixed ends of the hours messages: below the minimum (vi, en), above the maximum
    below: tuple[str, str]
    above: tuple[str, str]

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
        low, high = rule.min_hours or 0, rule.max_hours or 0  # only read when set
        below = (f"dưới mức tối thiểu {low:g} giờ/ngày", f"below the minimum {low:g} h/day")
        above = (f"vượt mức {high:g} giờ/ngày", f"above {high:g} h/day")
        return cls(rule, ctx.cite(rule.source), bool(declared and declared.kind == "role"),
                   silent, tuple(parts), tuple(windows), below, above)

    def checker(self, site: SiteInfo, ledger: Ledger) -> DayCheck:
        """This rule's check of one site's days: `check(out, key, when, day_kind, start,
        covered, urgent)` files the findings of the day in `out`.

        Emergency time (`urgent`) is exempt both ways: it counts as covered for minimums
        and windows, and does not count towards a maximum (authorities set time and
        duration). The day's first segments kept are named by each finding, and its
        segments counted, only when there is one. Everything fixed for the site is bound
        here, once, since a year of a site is some 350 calls.
        """
        rule, silent, parts, windows = self.rule, self.silent, self.parts, self.windows
        least_day, most_day, must = rule.min_hours, rule.max_hours, rule.must_broadcast
        (below_vi, below_en), (above_vi, above_en) = self.below, self.above
        tolerance, counts = rule.tolerance_minutes + _EPSILON, ledger.segment_count
        file = self._filer(site, ledger)

        def check(out: list[Violation], key: tuple[str, int], when: str, day_kind: str,
                  start: float, covered: list[list[float]], urgent: list[list[float]]
                  ) -> None:
            if not covered:
                if not counts.get(key, 0):
                    if must:
                        file(out, key, when, "no_broadcast", *silent[day_kind])
                    return
                if not must:
                    return  # only uncounted content, on a day the site need not broadcast
            end = start + DAY
            hours = covered_seconds(covered, start, end) / 3600
            if least_day is not None and hours + _EPSILON < least_day:
                file(out, key, when, "broadcast_hours",
                     f"Thời lượng đăng phát {hours:.2f} giờ, {below_vi}",
                     f"Broadcast {hours:.2f} h, {counts.get(key, 0)} segment(s), {below_en}")
            if most_day is not None:
                own = hours - (covered_seconds(urgent, start, end) / 3600 if urgent else 0.0)
                if own - _EPSILON > most_day:
                    file(out, key, when, "broadcast_hours",
                         f"Thời lượng đăng phát {own:.2f} giờ, {above_vi}",
                         f"Broadcast {own:.2f} h outside emergencies, "
                         f"{counts.get(key, 0)} segment(s), {above_en}")
            for lo, hi, least, label in parts:
                got = covered_seconds(covered, start + lo, start + hi) / 3600
                if got + _EPSILON < least:
                    file(out, key, when, "broadcast_part",
                         f"Khung {label}: {got:.2f} giờ, dưới {least:g} giờ",
                         f"Part {label}: {got:.2f} h, below {least:g} h")
            for lo, hi, width, label in windows:
                gap = (width * 60 - covered_seconds(covered, start + lo, start + hi)) / 60
                if gap > tolerance:
                    file(out, key, when, "broadcast_window",
                         f"Khung giờ {label} thiếu {gap:.0f} phút đăng phát",
                         f"Window {label} not covered for {gap:.0f} min")

        return check

    def _filer(self, site: SiteInfo, ledger: Ledger) -> Filer:
        """How a finding of this rule at `site` is filed: a record valid by construction."""
        rule_id, source, ids = self.rule.id, self.citation, ledger.segment_ids
        actor = site.operator if self.by_role else self.rule.owed_by

        def file(out: list[Violation], key: tuple[str, int], when: str, kind: str, vi: str,
                 en: str) -> None:
            out.append(filled({
                "rule_id": rule_id, "kind": kind, "actor": actor, "site": site.id,
                "when": when, "period": None, "message": vi, "message_en": en,
                "source": source, "events": [ident for _start, ident in ids.get(key, ())],
                "successions": []}, set(_GIVEN)))

        return file


DayCheck = Callable[[list[Violation], tuple[str, int], str, str, float, list[list[float]],
                     list[list[float]]], None]
Filer = Callable[[list[Violation], tuple[str, int], str, str, str, str], None]

#: The fields a day's finding gives (the others keep their defaults).
_GIVEN = frozenset({"rule_id", "kind", "actor", "site", "when", "message", "message_en",
                    "source", "events"})


def daily_checks(ctx: Context, ledger: Ledger) -> list[Violation]:
    """Broadcast hours, day parts, required windows and silent days, per site and day.

    Every site's checked days are measured at once (`_suspects`); the checks of the rules
    then run, in Python and exactly, on the days that may be wanting.
    """
    rules = [DayRule.of(ctx, r) for r in ctx.rule_set.broadcast.rules]
    if not rules:
        return []
    first = day_of(ctx.since_ts)
    last = day_of(ctx.as_of_ts) - 1  # the last day that has ended by as_of
    dates = [(day, date_of_day(day)) for day in range(first, last + 1)]
    kinds_of_days = _kinds_of_days(ctx, dates)
    urgent_by_day = _emergencies_by_day(ledger, first, last)
    days = [(day, date.isoformat(), kinds_of_days[day], day * DAY - OFFSET,
             urgent_by_day.get(day)) for day, date in dates]
    sites = []
    for site in sorted(ctx.sites.values(), key=lambda s: s.id):
        by_kind: dict[str, list[tuple[int, DayCheck]]] = defaultdict(list)
        for index, prepared in enumerate(rules):
            r = prepared.rule
            if site.kind in r.site_kinds and (r.sites is None or site.id in r.sites):
                check = prepared.checker(site, ledger)
                for kind in dict.fromkeys(r.day_kinds):
                    by_kind[kind].append((index, check))
        if by_kind:
            sites.append((site.id, by_kind))
    rows = _SiteDays(sites, days, ledger, len(rules))
    out: list[Violation] = []
    for row in _suspects(rows, rules):
        sid, (_day, when, day_kind, start, urgent_today), key = rows.of(row)
        covered = rows.covered[row]
        urgent: list[list[float]] = []
        if urgent_today:
            urgent = [[s, e] for s, e, on in urgent_today if on is None or sid in on]
            if urgent:
                urgent = union(urgent)
                covered = union(covered, urgent)
        for _index, check in rows.checks[row]:
            check(out, key, when, day_kind, start, covered, urgent)
    return out


class _SiteDays:
    """Every checked (site, day), in the order of the findings: site by site, day by day.

    A row is one site's day that some rule checks: its site, its day (an index into
    `days`), the checks of that kind of day, the broadcast time the ledger kept.
    """

    def __init__(self, sites: list[tuple[str, dict[str, list[tuple[int, DayCheck]]]]],
                 days: list[tuple[int, str, str, int, Any]], ledger: Ledger, n_rules: int
                 ) -> None:
        coverage = ledger.coverage
        no_time: list[list[float]] = []
        kinds = sorted({day[2] for day in days})
        kind_of_day = np.array([kinds.index(day[2]) for day in days], dtype=np.intp)
        numbers = [day[0] for day in days]
        self.days = days
        self.site: list[str] = []
        self.day: list[int] = []  # index into days
        self.checks: list[list[tuple[int, DayCheck]]] = []
        self.covered: list[list[list[float]]] = []
        applies = []
        for sid, by_kind in sites:
            mine = [i for i, day in enumerate(days) if day[2] in by_kind]
            self.site += [sid] * len(mine)
            self.day += mine
            self.checks += [by_kind[days[i][2]] for i in mine]
            self.covered += map(coverage.get, zip(repeat(sid), [numbers[i] for i in mine]),
                                repeat(no_time))
            rules_by_kind = np.zeros((n_rules, len(kinds)), dtype=bool)
            for kind, todays in by_kind.items():
                if kind in kinds:
                    rules_by_kind[[index for index, _check in todays], kinds.index(kind)] = True
            applies.append(rules_by_kind[:, kind_of_day[mine]])
        self.applies = np.concatenate(applies, axis=1) if applies else np.zeros((n_rules, 0), bool)
        # days with emergencies: checked in Python, the emergency time added
        urgent_days = {i for i, day in enumerate(days) if day[4]}
        self.urgent = [row for row, i in enumerate(self.day) if i in urgent_days]

    def of(self, row: int) -> tuple[str, tuple[int, str, str, int, Any], tuple[str, int]]:
        sid, day = self.site[row], self.days[self.day[row]]
        return sid, day, (sid, day[0])


#: How near a limit a day measured at once is still checked in Python: far above any
#: rounding, far below any limit a text sets (an hour's 1e-6 is 3.6 ms).
_MARGIN = 1e-6


def _suspects(rows: _SiteDays, rules: list[DayRule]) -> list[int]:
    """The rows that may be wanting, by a measure of every row at once that errs one way.

    Broadcast time is summed per row and span as `covered_seconds` sums it (the
    intervals cut to the span), and a row is a suspect when a check of a rule that
    applies to it fails or comes within `_MARGIN` of failing: the checks themselves
    then decide, so a finding is exactly what it would be without this measure. Silent
    days, days with emergencies and any row whose intervals are not sorted and disjoint
    are always suspects.
    """
    n = len(rows.site)
    if not n:
        return []
    lens = np.fromiter(map(len, rows.covered), dtype=np.intp, count=n)
    count = int(lens.sum())
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(rows.covered)),
                       dtype=np.float64, count=2 * count).reshape(count, 2)
    owner = np.repeat(np.arange(n), lens)
    day_start = np.array([day[3] for day in rows.days], dtype=np.float64)
    starts = day_start[np.array(rows.day, dtype=np.intp)][owner]
    s, e = flat[:, 0], flat[:, 1]

    def hours(lo: int, hi: int) -> Any:
        got = np.minimum(e, starts + hi) - np.maximum(s, starts + lo)
        return np.bincount(owner, weights=np.maximum(got, 0.0), minlength=n) / 3600

    suspect = lens == 0  # silent, or only uncounted content
    suspect[rows.urgent] = True
    unordered = (e <= s).nonzero()[0].tolist() + (
        (owner[1:] == owner[:-1]) & (s[1:] <= e[:-1])).nonzero()[0].tolist()
    suspect[owner[unordered]] = True
    day = hours(0, DAY)
    for index, prepared in enumerate(rules):
        rule = prepared.rule
        wanting = np.zeros(n, dtype=bool)
        if rule.min_hours is not None:
            wanting |= day + _EPSILON < rule.min_hours + _MARGIN
        if rule.max_hours is not None:
            wanting |= day - _EPSILON > rule.max_hours - _MARGIN
        for lo, hi, least, _label in prepared.parts:
            wanting |= hours(lo, hi) + _EPSILON < least + _MARGIN
        for lo, hi, width, _label in prepared.windows:
            wanting |= (width - hours(lo, hi) * 60) > (rule.tolerance_minutes + _EPSILON
                                                       - _MARGIN)
        suspect |= wanting & rows.applies[index]
    return suspect.nonzero()[0].tolist()  # type: ignore[no-any-return]


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

"""The day-level broadcast checks: hours, day parts, required windows and silent days.

They run once per site and local day at the end of an evaluation, over the merged
intervals the intake kept (`kinds.broadcast`), with emergency time exempt both ways. A
year of forty sites is some fifteen thousand site-days, so everything that depends only
on a rule, a site or a kind of day is prepared once (`DayRule`: the rule's citation,
its windows in seconds, the fixed words of its messages; bound per site in one check),
every site-day is measured at once (`_suspects`, numpy), and only the days that may be
wanting go through the checks, in Python, which decide the findings exactly. A finding
is filled as validation would fill it (`report_records`), at a fraction of its cost.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, NamedTuple

from ...report import Citation, Violation
from ...time.instants import DAY, OFFSET, date_of_day, day_of
from ...time.intervals import covered_seconds, union
from ...vocabulary import DAY_KIND_NAMES
from ..context import Context, SiteInfo
from ..ledger import Ledger
from ..report_records import filled

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
    #: each part: seconds after midnight (from, to), its minimum hours, its label; and the
    #: fixed words of its finding around the hours: (vi before, vi after, en before, en after)
    parts: tuple[tuple[int, int, float, str, tuple[str, str, str, str]], ...]
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
            label = f"{part.id} ({part.window.start}-{part.window.end})"
            parts.append((lo * 60, hi * 60, part.min_hours, label, (
                f"Khung {label}: ", f" giờ, dưới {part.min_hours:g} giờ",
                f"Part {label}: ", f" h, below {part.min_hours:g} h")))
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
                text = f"{hours:.2f}"
                file(out, key, when, "broadcast_hours",
                     f"Thời lượng đăng phát {text} giờ, {below_vi}",
                     f"Broadcast {text} h, {counts.get(key, 0)} segment(s), {below_en}")
            if most_day is not None:
                own = hours - (covered_seconds(urgent, start, end) / 3600 if urgent else 0.0)
                if own - _EPSILON > most_day:
                    text = f"{own:.2f}"
                    file(out, key, when, "broadcast_hours",
                         f"Thời lượng đăng phát {text} giờ, {above_vi}",
                         f"Broadcast {text} h outside emergencies, "
                         f"{counts.get(key, 0)} segment(s), {above_en}")
            for lo, hi, least, _label, (vi, vi_end, en, en_end) in parts:
                got = covered_seconds(covered, start + lo, start + hi) / 3600
                if got + _EPSILON < least:
                    text = f"{got:.2f}"
                    file(out, key, when, "broadcast_part", f"{vi}{text}{vi_end}",
                         f"{en}{text}{en_end}")
            for lo, hi, width, label in windows:
                gap = (width * 60 - covered_seconds(covered, start + lo, start + hi)) / 60
                if gap > tolerance:
                    text = f"{gap:.0f}"
                    file(out, key, when, "broadcast_window",
                         f"Khung giờ {label} thiếu {text} phút đăng phát",
                         f"Window {label} not covered for {text} min")

        return check

    def _filer(self, site: SiteInfo, ledger: Ledger) -> Filer:
        """How a finding of this rule at `site` is filed: a record valid by construction."""
        ids = ledger.segment_ids
        # every field in the model's order; kind, when, messages and lists set per finding
        fixed = {"rule_id": self.rule.id, "kind": "", "actor": site.operator if self.by_role
                 else self.rule.owed_by, "site": site.id, "when": "", "period": None,
                 "message": "", "message_en": "", "source": self.citation, "events": None,
                 "successions": None}

        def file(out: list[Violation], key: tuple[str, int], when: str, kind: str, vi: str,
                 en: str) -> None:
            values = fixed.copy()
            values["kind"], values["when"], values["message"], values["message_en"] = (
                kind, when, vi, en)
            values["events"] = [ident for _start, ident in ids.get(key, ())]
            values["successions"] = []
            out.append(filled(Violation, values, set(_GIVEN)))

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
        sid, (_day, when, day_kind, start, urgent_today), key, todays = rows.of(row)
        covered = rows.covered(row)
        urgent: list[list[float]] = []
        if urgent_today:
            urgent = [[s, e] for s, e, on in urgent_today if on is None or sid in on]
            if urgent:
                urgent = union(urgent)
                covered = union(covered, urgent)
        for _index, check in todays:
            check(out, key, when, day_kind, start, covered, urgent)
    return out


class _SiteDays:
    """Every checked (site, day), in the order of the findings: site by site, day by day.

    A row is one site's day that some rule checks: its site (an index into `sites`), its
    day (an index into `days`), and its slot: the index of its broadcast time among the
    ledger's days (`times`, in the ledger's order), -1 when it has none.
    """

    def __init__(self, sites: list[tuple[str, dict[str, list[tuple[int, DayCheck]]]]],
                 days: list[tuple[int, str, str, int, Any]], ledger: Ledger, n_rules: int
                 ) -> None:
        import numpy as np  # imported by the first evaluation, not by `import quyche`

        self.sites, self.days = sites, days
        self.keys = list(ledger.coverage)
        self.times = list(ledger.coverage.values())
        kinds = sorted({day[2] for day in days})
        kind_of_day = np.array([kinds.index(day[2]) for day in days], dtype=np.intp)
        checked = np.zeros((n_rules, len(sites), len(kinds)), dtype=bool)
        for i, (_sid, by_kind) in enumerate(sites):
            for kind, todays in by_kind.items():
                if kind in kinds:
                    checked[[index for index, _check in todays], i, kinds.index(kind)] = True
        on_day: Any = checked.any(axis=0)
        site, day = on_day[:, kind_of_day].nonzero()  # site by site, day by day
        self.applies = checked[:, site, kind_of_day[day]]
        self.site: list[int] = site.tolist()
        self.day: list[int] = day.tolist()
        self.slot: list[int] = self._slots(site * len(days) + day).tolist()

    def _slots(self, codes: Any) -> Any:
        """The slot of each row's (site, day) code in the ledger's days, -1 for none."""
        import numpy as np
        m, n_days, first = len(self.keys), len(self.days), self.days[0][0] if self.days else 0
        index = {sid: i for i, (sid, _by_kind) in enumerate(self.sites)}
        site = np.fromiter(map(index.get, map(itemgetter(0), self.keys), repeat(-1)),
                           dtype=np.intp, count=m)
        day = np.fromiter(map(itemgetter(1), self.keys), dtype=np.intp, count=m) - first
        known = (site >= 0) & (day >= 0) & (day < n_days)
        slot_of = np.full(len(self.sites) * n_days, -1, dtype=np.intp)
        slot_of[(site * n_days + day)[known]] = np.arange(m)[known]
        return slot_of[codes]

    def of(self, row: int) -> tuple[str, tuple[int, str, str, int, Any], tuple[str, int],
                                    list[tuple[int, DayCheck]]]:
        sid, by_kind = self.sites[self.site[row]]
        day = self.days[self.day[row]]
        return sid, day, (sid, day[0]), by_kind[day[2]]

    def covered(self, row: int) -> list[list[float]]:
        slot = self.slot[row]
        return self.times[slot] if slot >= 0 else []


#: How near a limit a day measured at once is still checked in Python: far above any
#: rounding, far below any limit a text sets (an hour's 1e-6 is 3.6 ms).
_MARGIN = 1e-6


def _suspects(rows: _SiteDays, rules: list[DayRule]) -> list[int]:
    """The rows that may be wanting, by a measure of every row at once that errs one way.

    Broadcast time is summed per day of the ledger and span as `covered_seconds` sums it
    (the intervals cut to the span; read in the ledger's order, which is also the order
    they lie in memory), and a row is a suspect when a check of a rule that applies to
    it fails or comes within `_MARGIN` of failing: the checks themselves then decide,
    so a finding is exactly what it would be without this measure. Silent days and any
    day whose intervals are not sorted and disjoint are always suspects. Emergency time
    is left out of the measure: it only adds to what minimums and windows count, and
    takes nothing but itself from what a maximum counts, so a day it could make wanting
    is wanting without it.
    """
    import numpy as np

    n, m = len(rows.site), len(rows.keys)
    if not n:
        return []
    lens = np.fromiter(map(len, rows.times), dtype=np.intp, count=m)
    count = int(lens.sum())
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(rows.times)),
                       dtype=np.float64, count=2 * count).reshape(count, 2)
    owner = np.repeat(np.arange(m), lens)
    starts = (np.fromiter(map(itemgetter(1), rows.keys), dtype=np.float64, count=m) * DAY
              - OFFSET)[owner]
    s, e = flat[:, 0], flat[:, 1]
    slot = np.array(rows.slot, dtype=np.intp)
    timed = slot >= 0
    slot[~timed] = 0 if m else -1

    def hours(lo: int, hi: int) -> Any:
        got = np.minimum(e, starts + hi) - np.maximum(s, starts + lo)
        per_day = np.bincount(owner, weights=np.maximum(got, 0.0), minlength=m) / 3600
        return per_day[slot] if m else np.zeros(n)

    bad = np.zeros(m + 1, dtype=bool)  # days of the ledger with no time, or out of order
    bad[:m] = lens == 0
    bad[owner[(e <= s).nonzero()[0]]] = True
    bad[owner[1:][(owner[1:] == owner[:-1]) & (s[1:] <= e[:-1])]] = True
    suspect = ~timed | bad[np.where(timed, slot, m)]
    day = hours(0, DAY)
    for index, prepared in enumerate(rules):
        rule = prepared.rule
        wanting = np.zeros(n, dtype=bool)
        if rule.min_hours is not None:
            wanting |= day + _EPSILON < rule.min_hours + _MARGIN
        if rule.max_hours is not None:
            wanting |= day - _EPSILON > rule.max_hours - _MARGIN
        for lo, hi, least, _label, _words in prepared.parts:
            wanting |= hours(lo, hi) + _EPSILON < least + _MARGIN
        for lo, hi, width, _label in prepared.windows:
            wanting |= (width - hours(lo, hi) * 60) > (rule.tolerance_minutes + _EPSILON
                                                       - _MARGIN)
        suspect |= wanting & rows.applies[index]
    rows_wanting: list[int] = suspect.nonzero()[0].tolist()
    return rows_wanting


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

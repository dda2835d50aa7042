"""The native evaluation engine: events in, a report out.

Evaluation has two halves. `Ledger.add` reads one event at a time and keeps
only what the findings need, in a form that does not grow with the number of
events (broadcast time as merged intervals per site and local day) and that two
partitions can merge. `finalize` turns a ledger into the report: recurring
duties per period and owing actor, triggered duties, discharges, statuses and
violations. Both halves are driven by the rule set; nothing here knows a
province.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import permutations
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import conditions
from .._load import valid_language_tag
from ..errors import CalendarError, EvaluationError
from ..events import (
    REFERABLE,
    REFERENCE_FIELDS,
    InvalidEvent,
    When,
    parse_instant,
    reason_of,
    validate_event,
)
from ..model import EVENT_ACTOR, Obligation, RuleSet, Source
from ..registry import read_actors, read_sites
from ..render import count
from ..report import Citation, ObligationStatus, Rejection, Report, Summary, Violation
from ..successions import Successions, succession_warnings, territory_notes, with_delivery_notes
from ..time.calendar import FIRST_YEAR as _FIRST_YEAR
from ..time.calendar import LAST_YEAR as _LAST_YEAR
from ..time.calendar import calendar
from ..time.deadlines import LOCAL, covering, end_of_day, periods, retained_until, triggered_due
from .outlines import missing_sections, section_label
from .updates import update_checks, update_rules

__all__ = ["Context", "Ledger", "evaluate", "finalize", "merge_reports"]

# Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975; day arithmetic on
# epoch seconds is exact for every date the calendar covers.
_OFFSET = int(LOCAL.utcoffset(dt.datetime(2000, 1, 1)).total_seconds())
_DAY = 86400
_EPOCH = dt.date(1970, 1, 1).toordinal()
_MAX_IDS_PER_DAY = 10
_DAY_KIND_VI = {"working_day": "ngày làm việc", "weekend": "ngày nghỉ cuối tuần",
                "holiday": "ngày lễ, nghỉ bù"}
#: The owner of a duty owed by "whoever the event names" when the event names no one.
UNNAMED = "unnamed"
_PERIOD_RE = re.compile(
    r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$|^\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$"
)
_BROADCAST_KEYS = frozenset(("type", "id", "site", "start", "end", "category", "language"))
_ACTOR_EVENTS = ("submission", "feedback_received", "feedback_forwarded", "activity_ended",
                 "document_signed", "info_provided", "incident_reported")


def _day_of(seconds: float) -> int:
    return int((seconds + _OFFSET) // _DAY)


def _date_of_day(day: int) -> dt.date:
    return dt.date.fromordinal(day + _EPOCH)


def _day_of_date(date: dt.date) -> int:
    return date.toordinal() - _EPOCH


_INSTANTS: dict[str, int] = {}
_DATE_SECONDS: dict[str, int] = {}
_TIME_SECONDS: dict[str, int] = {}
_OFFSET_SECONDS: dict[str, int] = {}
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d):([0-5]\d)")
_ZONE = re.compile(r"([+-])([01]\d|2[0-3]):([0-5]\d)")


def _epoch_seconds(text: str) -> int | None:
    """Epoch seconds of 'YYYY-MM-DDTHH:MM:SS+HH:MM', from cached parts; None for other shapes.

    The common shape of an instant is read as three dictionary lookups (day, clock time,
    offset), each part validated the first time it is seen. Any other shape (fractions,
    'Z', a missing offset) returns None and is read by `datetime.fromisoformat` instead.
    """
    found = _INSTANTS.get(text)
    if found is not None:
        return found
    if len(text) != 25 or text[10] != "T" or text[4] != "-" or text[7] != "-":
        return None
    date, clock, zone = text[:10], text[11:19], text[19:]
    day = _DATE_SECONDS.get(date)
    if day is None:
        try:
            day = (dt.date.fromisoformat(date).toordinal() - _EPOCH) * _DAY
        except ValueError:
            return None
        if len(_DATE_SECONDS) < 200_000:
            _DATE_SECONDS[date] = day
    seconds = _TIME_SECONDS.get(clock)
    if seconds is None:
        match = _CLOCK.fullmatch(clock)
        if match is None:
            return None
        seconds = _TIME_SECONDS[clock] = (int(match[1]) * 3600 + int(match[2]) * 60
                                          + int(match[3]))
    offset = _OFFSET_SECONDS.get(zone)
    if offset is None:
        match = _ZONE.fullmatch(zone)
        if match is None:
            return None
        offset = _OFFSET_SECONDS[zone] = (1 if match[1] == "+" else -1) * (
            int(match[2]) * 3600 + int(match[3]) * 60)
    if len(_INSTANTS) >= 16_384:
        _INSTANTS.clear()  # schedules repeat their times; a bounded cache is enough
    found = _INSTANTS[text] = day + seconds - offset
    return found


def _note_segment(ids: list[tuple[float, str]], start: float, ident: str) -> None:
    """Keep the day's first segments by (start, id): the same whatever the events' order."""
    entry = (start, ident)
    if entry not in ids:
        insort(ids, entry)
        del ids[_MAX_IDS_PER_DAY:]


def _add_interval(intervals: list[list[float]], start: float, end: float) -> None:
    """Insert [start, end) into a sorted list of disjoint intervals, merging overlaps."""
    if not intervals or start > intervals[-1][1]:
        intervals.append([start, end])
        return
    i = bisect_left(intervals, [start])
    if i > 0 and intervals[i - 1][1] >= start:
        i -= 1
    j = i
    new_start, new_end = start, end
    while j < len(intervals) and intervals[j][0] <= new_end:
        new_start = min(new_start, intervals[j][0])
        new_end = max(new_end, intervals[j][1])
        j += 1
    intervals[i:j] = [[new_start, new_end]]


def _covered(intervals: Iterable[Sequence[float]], lo: float, hi: float) -> float:
    """Seconds of [lo, hi) covered by sorted, disjoint intervals."""
    total = 0.0
    for s, e in intervals:
        if e <= lo:
            continue
        if s >= hi:
            break
        total += (e if e < hi else hi) - (s if s > lo else lo)
    return total


def _union(*lists: Iterable[Sequence[float]]) -> list[list[float]]:
    merged: list[list[float]] = []
    for s, e in sorted(x for lst in lists for x in lst):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


# --------------------------------------------------------------------------- context


@dataclass
class SiteInfo:
    id: str
    kind: str
    operator: str | None


class Context:
    """Everything fixed for one evaluation: the rule set, the window, the registries."""

    def __init__(self, rule_set: RuleSet, as_of: When, since: When | None = None,
                 sites: Iterable[Mapping[str, Any]] | None = None,
                 actors: Mapping[str, Iterable[str]] | None = None,
                 successions: Iterable[Any] | None = None) -> None:
        self.rule_set = rs = rule_set
        self.as_of = _instant_arg(as_of, "as_of", day_end=True)
        if since is None:
            in_force = rs.instrument.date_of("in_force")
            if in_force is None:
                raise EvaluationError(
                    f"{rs.id}: the text gives no in-force date "
                    f"({rs.instrument.in_force.note or 'none recorded'}); give the start of the "
                    "window: since=... (on the command line, --since)"
                )
            self.since = dt.datetime(in_force.year, in_force.month, in_force.day, tzinfo=LOCAL)
        else:
            self.since = _instant_arg(since, "since")
            in_force = rs.instrument.date_of("in_force")
            if in_force is not None:
                # Rules apply only while their instrument is in force: never before that date.
                start = dt.datetime(in_force.year, in_force.month, in_force.day, tzinfo=LOCAL)
                self.since = max(self.since, start)
        if self.since > self.as_of:
            raise EvaluationError(f"since ({self.since.isoformat()}, never before the in-force "
                                  f"date) is after as_of ({self.as_of.isoformat()})")
        for name, instant in (("since", self.since), ("as_of", self.as_of)):
            if not _FIRST_YEAR <= instant.year <= _LAST_YEAR:
                raise EvaluationError(f"{name}: {instant.isoformat()} is outside the years the "
                                      f"working-day calendar covers ({_FIRST_YEAR}-{_LAST_YEAR})")
        self.since_ts = self.since.timestamp()
        # Broadcast time before the first checked day can never matter: it is not stored.
        self.first_day_ts = (_day_of(self.since_ts) * _DAY) - _OFFSET
        self.as_of_ts = self.as_of.timestamp()
        self._citations: dict[int, Citation] = {}
        self.sites = self._registry(sites)
        self.actor_groups = self._groups(actors)
        self.successions = Successions(
            rs, successions, self.actor_groups,
            known=set(self.actor_groups) | {s.operator for s in self.sites.values() if s.operator})
        self.kinds = {k.id for k in rs.submission_kinds}
        self.categories = {c.id: c for c in rs.categories}
        self.instrument = rs.instrument.number.value
        self.calendar = calendar()
        self.lang_groups = {g.id: set(g.codes) for g in rs.languages.groups}
        self.triggered = defaultdict(list)
        for ob in rs.obligations:
            if ob.trigger is not None:
                self.triggered[ob.trigger.event].append(
                    (ob, conditions.compile(ob.trigger.where),
                     [(ex, conditions.compile(ex.when)) for ex in ob.exceptions]))
        self.discharge_refs = {
            (ob.discharged_by.event, ob.discharged_by.ref_field)
            for ob in rs.obligations if ob.discharged_by.match == "ref"
        }
        self.fingerprint = (rs.model_dump_json(), self.as_of_ts, self.since_ts,
                            tuple(sorted((s.id, s.kind, s.operator or "")
                                         for s in self.sites.values())),
                            tuple(sorted((a, tuple(sorted(g)))
                                         for a, g in self.actor_groups.items())),
                            self.successions.fingerprint)

    def _registry(self, sites: Iterable[Mapping[str, Any]] | None) -> dict[str, SiteInfo]:
        kinds = {k.id for k in self.rule_set.site_kinds}
        registry = {s.id: SiteInfo(s.id, s.kind, s.operator) for s in self.rule_set.sites}
        for i, entry in enumerate(read_sites(sites)):
            if entry.kind not in kinds:
                raise EvaluationError(
                    f"sites[{i}] ({entry.id}): kind {entry.kind!r} is not a site kind of "
                    f"{self.rule_set.id}; expected one of {sorted(kinds)}")
            registry[entry.id] = SiteInfo(entry.id, entry.kind, entry.operator)
        return registry

    def _groups(self, actors: Mapping[str, Iterable[str]] | None) -> dict[str, set[str]]:
        groups: dict[str, set[str]] = defaultdict(set)
        declared = {a.id for a in self.rule_set.actors if a.kind == "group"}
        for a in self.rule_set.actors:
            for g in a.member_of:
                groups[a.id].add(g)
        for actor, member_of in read_actors(actors).items():
            for g in member_of:
                if g not in declared:
                    raise EvaluationError(
                        f"actors[{actor!r}]: {g!r} is not a group of {self.rule_set.id}; "
                        f"expected one of {sorted(declared)}")
                groups[actor].add(g)
        return dict(groups)

    def members(self, group: str) -> set[str]:
        return {a for a, gs in self.actor_groups.items() if group in gs}

    def owners(self, ob: Obligation) -> list[str]:
        """Who owes a recurring duty: named bodies, group members, operators of sites."""
        out: set[str] = set()
        for ref in ob.owed_by:
            actor = self.rule_set.actor(ref)
            if actor is None:
                continue
            if actor.kind == "body":
                out.add(ref)
            elif actor.kind == "group":
                out |= self.members(ref)
            else:  # the operator role
                out |= {s.operator for s in self.sites.values() if s.operator and (
                    ob.site_kinds is None or s.kind in ob.site_kinds)}
        return sorted(out)

    def trigger_owners(self, ob: Obligation, event: Mapping[str, Any]) -> list[str]:
        """Who owes a duty raised by `event` (see docs/authoring.md, Triggered)."""
        out: set[str] = set()
        actor = event.get("actor")
        for ref in ob.owed_by:
            if ref == EVENT_ACTOR:
                if actor:
                    out.add(actor)
                continue
            declared = self.rule_set.actor(ref)
            if declared is None:
                continue
            if declared.kind == "role":
                site = self.sites.get(event.get("site") or "")
                if site and site.operator and (ob.site_kinds is None
                                               or site.kind in ob.site_kinds):
                    out.add(site.operator)
            elif declared.kind == "group":
                if actor and ref in self.actor_groups.get(actor, ()):
                    out.add(actor)
            elif actor is None or actor == ref or self.successions.stands_for(
                    ref, actor, ob, event["at"]):
                out.add(ref)  # its successor (or, while unresolved, a candidate) acts for it
        return sorted(out)

    def period_recipients(self, ob: Obligation) -> list[list[str]]:
        """To whom a recurring duty is owed, one list per duty of a period.

        A duty owed to the operator role is owed to each operator of a registered site
        (of `site_kinds`, when given): one duty per operator and period. Without a site
        registry the role is kept as it is written.
        """
        roles = [r for r in ob.owed_to if (a := self.rule_set.actor(r)) and a.kind == "role"]
        if not roles or not self.sites:
            return [list(ob.owed_to)]
        others = [r for r in ob.owed_to if r not in roles]
        operators = sorted({s.operator for s in self.sites.values() if s.operator and (
            ob.site_kinds is None or s.kind in ob.site_kinds)})
        if not operators:
            return [others] if others else []
        return [[op, *others] for op in operators]

    def recipients(self, ob: Obligation, event: Mapping[str, Any]) -> list[str]:
        """To whom a triggered duty is owed: the operator role resolves to the site's operator."""
        out = []
        for ref in ob.owed_to:
            declared = self.rule_set.actor(ref)
            site = self.sites.get(event.get("site") or "")
            if declared is not None and declared.kind == "role" and site and site.operator:
                out.append(site.operator)
            else:
                out.append(ref)
        return out

    def accepts_recipient(self, owed_to: Sequence[str], to: str | None) -> bool:
        """Whether a delivery addressed `to` someone can discharge a duty owed to `owed_to`."""
        if to is None or not owed_to or to in owed_to:
            return True
        addressed = self.rule_set.actor(to)
        if addressed is not None and addressed.kind == "role":
            # addressed to the role itself: it reaches a recipient who holds the role
            operators = {s.operator for s in self.sites.values() if s.operator}
            return any(r == to or r in operators for r in owed_to)
        for ref in owed_to:
            declared = self.rule_set.actor(ref)
            if declared is None:
                continue
            if declared.kind == "group" and ref in self.actor_groups.get(to, ()):
                return True
            if declared.kind == "role" and (
                    not self.sites or any(s.operator == to for s in self.sites.values())):
                return True  # without a registry, any body may be an operator
        return False

    def cite(self, source: Source) -> Citation:
        """The report's citation of a rule-set source (one object per source)."""
        found = self._citations.get(id(source))
        if found is None:
            found = self._citations[id(source)] = Citation.of(source, self.instrument)
        return found

    def site_kind(self, site: str | None) -> str | None:
        if site is None:
            kinds = self.rule_set.site_kinds
            return kinds[0].id if len(kinds) == 1 else None
        info = self.sites.get(site)
        return info.kind if info else None


def _instant_arg(value: When, name: str, day_end: bool = False) -> dt.datetime:
    """An argument instant, in local time: the report's window reads like its findings.

    A date (or 'YYYY-MM-DD') is a whole local day: its end (24:00) when `day_end`, as for
    as_of ("as of 31/12" includes that day), else its start, as for since.
    """
    if isinstance(value, str) and len(value) == 10:
        with contextlib.suppress(ValueError):  # not a date: read below as an instant
            value = dt.date.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return end_of_day(value) if day_end else dt.datetime(
            value.year, value.month, value.day, tzinfo=LOCAL)
    try:
        return parse_instant(value).astimezone(LOCAL)
    except ValueError as exc:
        raise EvaluationError(f"{name}: {exc}") from None


# --------------------------------------------------------------------------- ledger


@dataclass
class Ledger:
    """What the events showed, kept small and mergeable."""

    read: int = 0
    applied: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    # (site, day) -> merged [start, end) intervals in epoch seconds
    coverage: dict[tuple[str, int], list[list[float]]] = field(default_factory=dict)
    # (site, day) -> the day's first _MAX_IDS_PER_DAY segments as (start, id), and the count
    segment_ids: dict[tuple[str, int], list[tuple[float, str]]] = field(default_factory=dict)
    segment_count: dict[tuple[str, int], int] = field(default_factory=dict)
    emergencies: list[tuple[float, float, tuple[str, ...] | None, str]] = field(
        default_factory=list)
    submissions: list[tuple[str, str, float, str, str | None, str | None]] = field(
        default_factory=list)
    backups: dict[str, tuple[float, str | None, str | None]] = field(default_factory=dict)
    deletions: list[tuple[float, str, str]] = field(default_factory=list)
    # rule id, trigger id, instant, owners, due, recipients, exception applied
    triggers: list[tuple[str, str, float, tuple[str, ...], float, tuple[str, ...], str | None]
                   ] = field(default_factory=list)
    # (event type, ref field, referenced id) -> [(instant, id, actor, to)] of the answering events
    discharges: dict[tuple[str, str, str], list[tuple[float, str, str, str]]] = field(
        default_factory=dict)
    findings: list[Violation] = field(default_factory=list)
    # ids that named two different backups (the earliest is kept under the id)
    duplicate_ids: set[str] = field(default_factory=set)
    # ids of the events of types that can raise a duty, for answers that name them
    trigger_ids: set[str] = field(default_factory=set)
    # (site, local day since 1970-01-01) of content published at a site, for daily_update rules
    updates: set[tuple[str, int]] = field(default_factory=set)
    # requests that raised no duty: (id, kind, to), each reported once in a warning
    idle_requests: list[tuple[str, str, str]] = field(default_factory=list)

    def merge(self, other: Ledger) -> Ledger:
        return Ledger.merge_all([self, other])

    @staticmethod
    def merge_all(ledgers: Iterable[Ledger]) -> Ledger:
        """One ledger of many, in one pass: what the events of all of them showed together.

        The result shares no mutable part with its inputs (a monitor keeps adding to its own).
        """
        out = Ledger()
        seen_triggers: set[str] = set()
        backups: dict[str, set[tuple[float, str | None, str | None]]] = defaultdict(set)
        coverage, segment_ids, counts = out.coverage, out.segment_ids, out.segment_count
        for ledger in ledgers:
            out.read += ledger.read
            out.applied += ledger.applied
            out.rejected += ledger.rejected
            out.emergencies += ledger.emergencies
            out.submissions += ledger.submissions
            out.deletions += ledger.deletions
            out.triggers += ledger.triggers
            out.findings += ledger.findings
            out.duplicate_ids |= ledger.duplicate_ids
            # an id that raised duties in two partitions names two events
            out.duplicate_ids |= seen_triggers & ledger.trigger_ids
            seen_triggers |= ledger.trigger_ids
            for key, backup in ledger.backups.items():
                backups[key].add(backup)
            for key, intervals in ledger.coverage.items():
                mine = coverage.get(key)
                coverage[key] = ([[s, e] for s, e in intervals] if mine is None
                                 else _union(mine, intervals))
            for key, ids in ledger.segment_ids.items():
                mine = segment_ids.get(key)
                # the day's first segments, in the order of their (start, id)
                segment_ids[key] = (list(ids) if mine is None
                                    else sorted(set(mine) | set(ids))[:_MAX_IDS_PER_DAY])
            for key, n in ledger.segment_count.items():
                counts[key] = counts.get(key, 0) + n
            for key, hits in ledger.discharges.items():
                out.discharges.setdefault(key, []).extend(hits)
            out.updates |= ledger.updates
            out.idle_requests += ledger.idle_requests
        out.trigger_ids = seen_triggers
        for key, found in backups.items():
            out.backups[key] = _first_backup(*found)
            if len(found) > 1:
                out.duplicate_ids.add(key)
        return out

    def to_data(self) -> dict[str, Any]:
        """The ledger as JSON-ready data (the `ledger` member of docs/partials.md)."""
        def cells(table: Mapping[tuple[str, int], Any]) -> list[list[Any]]:
            return [[site, day, value] for (site, day), value in sorted(table.items())]

        return {
            "read": self.read, "applied": self.applied,
            "rejected": [r.model_dump(mode="json") for r in self.rejected],
            "coverage": cells(self.coverage),
            "segment_ids": cells({k: [list(x) for x in v] for k, v in self.segment_ids.items()}),
            "segment_count": cells(self.segment_count),
            "emergencies": [[s, e, list(sites) if sites is not None else None, ident]
                            for s, e, sites, ident in self.emergencies],
            "submissions": [list(x) for x in self.submissions],
            "backups": {k: list(v) for k, v in sorted(self.backups.items())},
            "deletions": [list(x) for x in self.deletions],
            "triggers": [[r, t, ts, list(owners), due, list(to), ex]
                         for r, t, ts, owners, due, to, ex in self.triggers],
            "discharges": [[*key, [list(h) for h in hits]]
                           for key, hits in sorted(self.discharges.items())],
            "findings": [v.model_dump(mode="json") for v in self.findings],
            "duplicate_ids": sorted(self.duplicate_ids),
            "trigger_ids": sorted(self.trigger_ids),
            "updates": [list(x) for x in sorted(self.updates)],
            "idle_requests": [list(x) for x in self.idle_requests],
        }

    @staticmethod
    def from_data(data: Mapping[str, Any]) -> Ledger:
        """The ledger `to_data` wrote; malformed data raises KeyError, TypeError or ValueError."""
        return Ledger(
            read=int(data["read"]), applied=int(data["applied"]),
            rejected=[Rejection.model_validate(r) for r in data["rejected"]],
            coverage={(site, day): [[s, e] for s, e in v] for site, day, v in data["coverage"]},
            segment_ids={(site, day): [(s, i) for s, i in v]
                         for site, day, v in data["segment_ids"]},
            segment_count={(site, day): int(n) for site, day, n in data["segment_count"]},
            emergencies=[(s, e, tuple(sites) if sites is not None else None, ident)
                         for s, e, sites, ident in data["emergencies"]],
            submissions=[(a, k, ts, i, p, to) for a, k, ts, i, p, to in data["submissions"]],
            backups={k: (ts, site, actor) for k, (ts, site, actor) in data["backups"].items()},
            deletions=[(ts, b, i) for ts, b, i in data["deletions"]],
            triggers=[(r, t, ts, tuple(owners), due, tuple(to), ex)
                      for r, t, ts, owners, due, to, ex in data["triggers"]],
            discharges={(et, f, ref): [(ts, i, a, to) for ts, i, a, to in hits]
                        for et, f, ref, hits in data["discharges"]},
            findings=[Violation.model_validate(v) for v in data["findings"]],
            duplicate_ids=set(data["duplicate_ids"]),
            trigger_ids=set(data["trigger_ids"]),
            updates={(site, int(day)) for site, day in data["updates"]},
            idle_requests=[(i, k, to) for i, k, to in data["idle_requests"]],
        )


def _first_backup(*backups: tuple[float, str | None, str | None]
                  ) -> tuple[float, str | None, str | None]:
    """Of backups sharing an id, the earliest: the same whatever the events' order."""
    return min(backups, key=lambda b: (b[0], b[1] or "", b[2] or ""))


class _Reject(Exception):
    """An event that cannot be applied; the message is the reason."""


class Reader:
    """Applies events to a ledger under a context. One per evaluation."""

    def __init__(self, ctx: Context, ledger: Ledger | None = None) -> None:
        self.ctx = ctx
        self.ledger = ledger or Ledger()
        #: event type -> [(obligation, condition, [(exception, test)])]; a backend may
        #: answer these from elsewhere (the durable_rules reader does).
        self.triggered: Mapping[str, list[tuple]] = ctx.triggered
        rs = ctx.rule_set
        # Per site kind: the limit policy to cite, and every tag any policy for that kind
        # allows (a plan lists languages that are produced, so they are allowed too).
        self._languages: dict[str, tuple[Any, list[str]]] = {}
        for kind in {k.id for k in rs.site_kinds}:
            covering = [p for p in rs.languages.policies if kind in p.site_kinds]
            limits = [p for p in covering if p.mode == "limit"]
            if limits:
                allowed = list(dict.fromkeys(t for p in covering for t in p.allowed))
                self._languages[kind] = (limits[0], allowed)
        self._attribution = [c for c in rs.constraints if c.kind == "attribution"]
        self._prohibited = [c for c in rs.constraints if c.kind == "prohibited_content"]
        self._category_rules = [c for c in rs.constraints if c.kind == "category_allowed"]
        self._allowed_cache: dict[tuple[str | None, str], list[Any]] = {}
        self._content_memo: dict[tuple[str | None, str | None, str | None], list[tuple]] = {}
        self._tag_ok: dict[str, bool] = {}
        self._updates_checked = bool(update_rules(rs))

    def add_all(self, events: Iterable[Any], start: int = 0) -> Ledger:
        """Apply every event; the common case is inlined, everything else goes to `add`.

        Nearly all of a real stream is plain broadcast segments within one local day. They
        are read here without building a model or calling a function per field, which is
        what makes a million-event file practical; anything unusual (a category, a
        language, a segment across midnight, a value that needs a clear error) takes the
        general path and gets exactly the same treatment as before.
        """
        ledger, sites = self.ledger, self.ctx.sites
        # Categories whose time counts: a segment of another category takes the general path.
        categories = {c: v for c, v in self.ctx.categories.items()
                      if c not in self.ctx.rule_set.broadcast.uncounted_categories}
        coverage, counts, seg_ids = ledger.coverage, ledger.segment_count, ledger.segment_ids
        as_of_ts, since_ts, keys = self.ctx.as_of_ts, self.ctx.since_ts, _BROADCAST_KEYS
        first_ts, tag_ok, instants = self.ctx.first_day_ts, self._tag_ok, _INSTANTS
        fast = 0
        for index, raw in enumerate(events, start):
            if type(raw) is dict and raw.get("type") == "broadcast" and raw.keys() <= keys:
                site, s, e, ident = raw.get("site"), raw.get("start"), raw.get("end"), \
                    raw.get("id")
                category, language = raw.get("category"), raw.get("language")
                if (type(s) is str and type(e) is str and type(site) is str and site in sites
                        and (ident is None or (type(ident) is str and ident))
                        and (category is None or (type(category) is str
                                                  and category in categories))
                        and (language is None or (type(language) is str and (
                            tag_ok[language] if language in tag_ok
                            else tag_ok.setdefault(language, valid_language_tag(language)))))):
                    st = instants.get(s) or _epoch_seconds(s)
                    et = instants.get(e) or _epoch_seconds(e)
                    if st is not None and et is not None:
                        if st < et <= first_ts:
                            fast += 1  # valid, and wholly before the first checked day
                            continue
                        day = int((st + _OFFSET) // _DAY)
                        # within one local day (ending at midnight at the latest), before as_of
                        if (first_ts <= st < et <= as_of_ts
                                and et <= (day + 1) * _DAY - _OFFSET):
                            key = (site, day)
                            intervals = coverage.get(key)
                            if intervals is None:
                                coverage[key] = [[st, et]]
                                # an uncounted segment may have come first: it has no coverage
                                counts[key] = counts.get(key, 0) + 1
                            else:
                                last = intervals[-1]
                                if st > last[1]:
                                    intervals.append([st, et])
                                elif st >= last[0]:
                                    if et > last[1]:
                                        last[1] = et
                                else:
                                    _add_interval(intervals, st, et)
                                counts[key] += 1
                            if ident is not None:
                                ids = seg_ids.get(key)
                                if ids is None:
                                    seg_ids[key] = [(st, ident)]
                                elif len(ids) < _MAX_IDS_PER_DAY or (st, ident) < ids[-1]:
                                    _note_segment(ids, st, ident)
                            if (category is not None or language is not None) and st >= since_ts:
                                self._content_checks(ident, dt.datetime.fromisoformat(s), site,
                                                     category, language, None, None)
                            fast += 1
                            continue
            self.add(index, raw)
        ledger.read += fast
        ledger.applied += fast
        return self.ledger

    def add(self, index: int, raw: Any) -> None:
        ledger = self.ledger
        ledger.read += 1
        try:
            if type(raw) is dict and raw.get("type") == "broadcast" and raw.keys() <= \
                    _BROADCAST_KEYS:
                fast = self._fast_broadcast(raw)
                if fast is not None:
                    self._broadcast(*fast)
                    ledger.applied += 1
                    return
            event = self._validate(raw)
            getattr(self, "_on_" + event.type)(event)
            ledger.applied += 1
        except _Reject as exc:
            ledger.rejected.append(Rejection(index=index, id=_id_of(raw), reason=str(exc)))

    # -- validation

    def _validate(self, raw: Any) -> Any:
        if isinstance(raw, InvalidEvent):
            raise _Reject(raw.reason)
        try:
            event = validate_event(raw)
        except ValidationError as exc:
            raise _Reject(reason_of(exc)) from None
        except TypeError as exc:
            raise _Reject(str(exc)) from None
        return event

    def _fast_broadcast(self, raw: dict[str, Any]) -> tuple | None:
        """The common case read without building a model; None sends it the slow way."""
        site, start, end = raw.get("site"), raw.get("start"), raw.get("end")
        ident, category, language = raw.get("id"), raw.get("category"), raw.get("language")
        if not (type(site) is str and site and type(start) is str and type(end) is str):
            return None
        if not (ident is None or (type(ident) is str and ident)):
            return None
        if not (category is None or type(category) is str):
            return None
        if not (language is None or type(language) is str):
            return None
        try:
            s, e = parse_instant(start), parse_instant(end)
        except ValueError:
            return None
        return ident, site, s, e, category, language

    def _at(self, at: dt.datetime) -> float:
        ts = at.timestamp()
        if ts > self.ctx.as_of_ts:
            raise _Reject(f"at: {at.isoformat()} is after as_of {self.ctx.as_of.isoformat()}")
        return ts

    def _check_site(self, site: str | None) -> None:
        if site is not None and site not in self.ctx.sites:
            known = ", ".join(sorted(self.ctx.sites)) or "none: pass sites=[...]"
            raise _Reject(f"site: {site!r} is not in the site registry (known: {known})")

    def _check_category(self, category: str | None) -> None:
        if category is not None and category not in self.ctx.categories:
            raise _Reject(f"category: {category!r} is not a category of "
                          f"{self.ctx.rule_set.id}; expected one of "
                          f"{', '.join(sorted(self.ctx.categories))}")

    def _check_language(self, language: str | None) -> None:
        if language is not None and not valid_language_tag(language):
            raise _Reject(f"language: {language!r} is not an ISO 639 code or a pair like "
                          "'vi+en'")

    # -- broadcast and emergencies

    def _on_broadcast(self, ev: Any) -> None:
        self._broadcast(ev.id, ev.site, ev.start, ev.end, ev.category, ev.language)

    def _broadcast(self, ident: str | None, site: str, start: dt.datetime, end: dt.datetime,
                   category: str | None, language: str | None) -> None:
        s, e = start.timestamp(), end.timestamp()
        if e <= s:
            raise _Reject("end: must be after start")
        if s >= self.ctx.as_of_ts:
            raise _Reject(f"start: {start.isoformat()} is not before as_of "
                          f"{self.ctx.as_of.isoformat()}")
        self._check_site(site)
        self._check_category(category)
        self._check_language(language)
        e = min(e, self.ctx.as_of_ts)
        ledger = self.ledger
        if e <= self.ctx.first_day_ts:
            return  # entirely before the first checked day
        counted = category not in self.ctx.rule_set.broadcast.uncounted_categories
        s_checked = max(s, self.ctx.first_day_ts)
        day, last = _day_of(s_checked), _day_of(e - 1e-6)
        while True:
            lo = max(s_checked, (day * _DAY) - _OFFSET)
            hi = min(e, (day + 1) * _DAY - _OFFSET)
            key = (site, day)
            ledger.segment_count[key] = ledger.segment_count.get(key, 0) + 1
            if counted:
                intervals = ledger.coverage.get(key)
                if intervals is None:
                    ledger.coverage[key] = [[lo, hi]]
                else:
                    _add_interval(intervals, lo, hi)
            if ident is not None:
                _note_segment(ledger.segment_ids.setdefault(key, []), lo, ident)
            if day >= last:
                break
            day += 1
        if (category is not None or language is not None) and s >= self.ctx.since_ts:
            self._content_checks(ident, start, site, category, language, None, None)

    def _on_emergency(self, ev: Any) -> None:
        s, e = ev.start.timestamp(), ev.end.timestamp()
        if e <= s:
            raise _Reject("end: must be after start")
        if s > self.ctx.as_of_ts:
            raise _Reject(f"start: {ev.start.isoformat()} is after as_of")
        for site in ev.sites or ():
            self._check_site(site)
        self.ledger.emergencies.append(
            (s, min(e, self.ctx.as_of_ts), tuple(sorted(ev.sites)) if ev.sites else None,
             ev.id or ""))

    # -- content

    def _on_content_published(self, ev: Any) -> None:
        self._at(ev.at)
        self._check_site(ev.site)
        if ev.site is not None and self._updates_checked:
            self.ledger.updates.add((ev.site, _day_of(ev.at.timestamp())))
        self._check_category(ev.category)
        self._check_language(ev.language)
        if ev.at.timestamp() >= self.ctx.since_ts:
            self._content_checks(ev.id, ev.at, ev.site, ev.category, ev.language,
                                 ev.quoted_from, ev.state_secret)

    def _content_checks(self, ident: str | None, at: dt.datetime, site: str | None,
                        category: str | None, language: str | None, quoted: Any,
                        state_secret: bool | None) -> None:
        """File a violation for each content rule the item breaks."""
        kind = self.ctx.site_kind(site)
        if quoted is None and not state_secret:
            found = self._content_memo.get((kind, category, language))
            if found is None:
                found = self._content_memo[(kind, category, language)] = self._content_findings(
                    kind, category, language, None, None)
        else:
            found = self._content_findings(kind, category, language, quoted, state_secret)
        for rule, vkind, vi, en in found:
            self.ledger.findings.append(Violation(
                rule_id=rule.id, kind=vkind, site=site, when=at.isoformat(), message=vi,
                message_en=en, source=self.ctx.cite(rule.source),
                events=[ident] if ident else []))

    def _content_findings(self, kind: str | None, category: str | None, language: str | None,
                          quoted: Any, state_secret: bool | None) -> list[tuple]:
        """(rule, kind, message, message_en) for each content rule broken; no side effects."""
        found: list[tuple] = []

        def applies(rule: Any) -> bool:
            return rule.site_kinds is None or (kind is not None and kind in rule.site_kinds)

        if language is not None and kind in self._languages:
            policy, allowed = self._languages[kind]
            if not self._language_ok(kind, allowed, language, policy.bilingual):
                found.append((policy, "language_not_allowed",
                              f"Ngôn ngữ '{language}' không thuộc danh mục cho phép: "
                              f"{', '.join(allowed)}",
                              f"Language '{language}' is not allowed here: {', '.join(allowed)}"))
        if category is not None:
            cat = self.ctx.categories[category]
            for rule in self._category_rules:
                if applies(rule) and cat.site_kinds is not None and (
                        kind is None or kind not in cat.site_kinds):
                    found.append((rule, "category_not_allowed",
                                  f"Loại nội dung '{category}' không được phép trên loại điểm "
                                  "này", f"Content category '{category}' is not allowed on "
                                  "this kind of site"))
        for rule in self._prohibited:
            if applies(rule) and (state_secret or category in rule.categories):
                found.append((rule, "prohibited_content",
                              "Đăng tải nội dung bị cấm (bí mật nhà nước)",
                              "Prohibited content published (state secrets)"))
        if quoted is not None:
            for rule in self._attribution:
                missing = [f for f in rule.required if _blank(getattr(quoted, f))]
                if applies(rule) and missing:
                    found.append((rule, "missing_attribution",
                                  f"Thông tin trích dẫn thiếu: {', '.join(missing)}",
                                  f"Quoted content lacks: {', '.join(missing)}"))
        return found

    def _language_ok(self, kind: str, tags: list[str], language: str,
                     bilingual: str = "listed") -> bool:
        key = (kind, language)
        if key not in self._allowed_cache:
            groups = self.ctx.lang_groups
            parts = language.split("+")
            ok = bilingual == "of_allowed" and len(parts) > 1 and all(
                self._language_ok(kind, tags, part) for part in parts)
            for allowed in [] if ok else tags:
                allowed_parts = allowed.split("+")
                if len(allowed_parts) != len(parts):
                    continue
                # a bilingual product is the same product whichever language is written first
                if any(all(p == a or p in groups.get(a, ())
                           for p, a in zip(order, allowed_parts, strict=True))
                       for order in permutations(parts)):
                    ok = True
                    break
            self._allowed_cache[key] = [ok]
        return self._allowed_cache[key][0]

    # -- duties

    def _on_submission(self, ev: Any) -> None:
        ts = self._at(ev.at)
        if ev.kind not in self.ctx.kinds:
            raise _Reject(f"kind: {ev.kind!r} is not a submission kind of "
                          f"{self.ctx.rule_set.id}; expected one of "
                          f"{', '.join(sorted(self.ctx.kinds)) or 'none'}")
        if ev.period is not None and not _PERIOD_RE.match(ev.period):
            raise _Reject(f"period: {ev.period!r} is not a period like 2024, 2024-H1, "
                          "2024-Q3, 2024-07")
        self.ledger.submissions.append((ev.actor, ev.kind, ts, ev.id or "", ev.period, ev.to))
        self._trigger(ev)
        outline = self.ctx.rule_set.reporting.outline
        if (ev.outline is not None and outline is not None and outline.required
                and ev.kind in outline.applies_to and ts >= self.ctx.since_ts):
            self._outline_check(ev, outline)

    def _outline_check(self, ev: Any, outline: Any) -> None:
        """A report that names its headings and leaves out a required one is a finding."""
        missing = [section_label(s) for s in missing_sections(outline, ev.outline)]
        if missing:
            self.ledger.findings.append(Violation(
                rule_id=outline.id, kind="outline_missing_section", actor=ev.actor,
                when=ev.at.isoformat(), period=ev.period,
                message=f"Báo cáo thiếu mục của đề cương: {'; '.join(missing)}",
                message_en=f"The report leaves out sections of the outline: {'; '.join(missing)}",
                source=self.ctx.cite(outline.source), events=[ev.id] if ev.id else []))

    def _on_backup(self, ev: Any) -> None:
        ts = self._at(ev.at)
        self._check_site(ev.site)
        # Without an id, a backup is known by what it is, the same in any partition.
        key = ev.id or f"#backup@{ev.at.isoformat()}/{ev.site or ''}/{ev.actor or ''}"
        backup, seen = (ts, ev.site, ev.actor), self.ledger.backups.get(key)
        if seen is not None and seen != backup:
            self.ledger.duplicate_ids.add(key)
            backup = _first_backup(seen, backup)
        self.ledger.backups[key] = backup

    def _on_backup_deleted(self, ev: Any) -> None:
        ts = self._at(ev.at)
        self.ledger.deletions.append((ts, ev.backup, ev.id or ""))

    def _generic(self, ev: Any) -> None:
        self._at(ev.at)
        if getattr(ev, "site", None) is not None:
            self._check_site(ev.site)
        self._trigger(ev)
        for event_type, ref_field in self.ctx.discharge_refs:
            if event_type == ev.type:
                # An answer naming nothing is kept under "" and reported at the end.
                ref = getattr(ev, ref_field, None) or ""
                self.ledger.discharges.setdefault((ev.type, ref_field, ref), []).append(
                    (ev.at.timestamp(), ev.id or "", getattr(ev, "actor", None) or "",
                     getattr(ev, "to", None) or ""))
        # An event naming another is kept whatever the rule set, so that a name matching no
        # event of the stream is reported the same everywhere (finalize).
        field = REFERENCE_FIELDS.get(ev.type)
        if field and (ev.type, field) not in self.ctx.discharge_refs and getattr(ev, field, None):
            self.ledger.discharges.setdefault((ev.type, field, getattr(ev, field)), []).append(
                (ev.at.timestamp(), ev.id or "", getattr(ev, "actor", None) or "",
                 getattr(ev, "to", None) or ""))

    _on_incident = _on_incident_reported = _on_feedback_received = _generic
    _on_feedback_forwarded = _on_activity_ended = _on_document_signed = _generic
    _on_info_provided = _on_document_received = _on_document_published = _generic
    _on_incident_resolved = _generic

    def _on_request(self, ev: Any) -> None:
        """A request raises its duties on the body asked (`to`), owed to the body that asked,
        due when the request says, else by the rule set's deadline."""
        self._at(ev.at)
        if ev.due is not None and ev.due <= ev.at:
            raise _Reject(f"due: {ev.due.isoformat()} is not after at {ev.at.isoformat()}")
        raised = len(self.ledger.triggers)
        self._trigger(ev, owner=ev.to, owed_to=(ev.actor,), due=ev.due)
        if len(self.ledger.triggers) == raised:
            self.ledger.idle_requests.append((ev.id or "(no id)", ev.kind, ev.to))

    def _trigger(self, ev: Any, owner: str | None = None, owed_to: tuple[str, ...] | None = None,
                 due: dt.datetime | None = None) -> None:
        """Raise the duties `ev` triggers; `owner`, `owed_to` and `due`, when given, are the
        event's own (a request names who must answer, who asked, and by when)."""
        rules = self.triggered.get(ev.type)
        if ev.id and (rules or ev.type in REFERABLE):
            if ev.id in self.ledger.trigger_ids:
                self.ledger.duplicate_ids.add(ev.id)
            self.ledger.trigger_ids.add(ev.id)
        if not rules:
            return
        data = ev.model_dump()
        view = data if owner is None else {**data, "actor": owner}
        ident = ev.id or f"#{ev.type}@{ev.at.isoformat()}"  # the same in any partition
        for ob, condition, exceptions in rules:
            if not condition(data):
                continue
            site = data.get("site")
            if ob.site_kinds is not None and site is not None and (
                    self.ctx.site_kind(site) not in (None, *ob.site_kinds)):
                continue  # a duty for some kinds of site, raised at a site of another kind
            owners = self.ctx.trigger_owners(ob, view)
            if not owners and EVENT_ACTOR in ob.owed_by and not view.get("actor"):
                owners = [UNNAMED]  # the duty exists; the event does not say whose it is
            if not owners:
                continue
            exception = next((ex for ex, test in exceptions if test(data)), None)
            if due is not None:
                exception, ends = None, due  # the event's own deadline prevails
            else:
                try:
                    ends = triggered_due(exception.deadline if exception else ob.deadline,
                                         ev.at, self.ctx.rule_set.policies, self.ctx.calendar)
                except CalendarError as exc:
                    raise _Reject(f"at: {exc}") from None
            to = owed_to if owed_to is not None else tuple(self.ctx.recipients(ob, data))
            self.ledger.triggers.append((ob.id, ident, ev.at.timestamp(), tuple(owners),
                                         ends.timestamp(), to,
                                         exception.id if exception else None))


def _blank(value: Any) -> bool:
    """Absent, or text of nothing but spaces: no attribution at all."""
    return value is None or (isinstance(value, str) and not value.strip())


def _id_of(raw: Any) -> str | None:
    ident = raw.get("id") if isinstance(raw, Mapping) else getattr(raw, "id", None)
    return ident if isinstance(ident, str) else None


# --------------------------------------------------------------------------- findings


def _local(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, LOCAL)


def finalize(ctx: Context, ledger: Ledger) -> Report:
    """The report of a ledger: every duty with its status, every violation, sorted."""
    rs = ctx.rule_set
    obligations: list[ObligationStatus] = []
    violations: list[Violation] = list(ledger.findings)
    warnings: list[str] = []
    as_of = ctx.as_of
    last_day = ctx.as_of.astimezone(LOCAL).date()
    first_day = ctx.since.astimezone(LOCAL).date()

    roles = {a.id for a in rs.actors if a.kind == "role"}
    for site in sorted(ctx.sites.values(), key=lambda s: s.id):
        unowned = [ob.id for ob in rs.obligations if site.operator is None
                   and roles & {*ob.owed_by, *ob.owed_to}
                   and (ob.site_kinds is None or site.kind in ob.site_kinds)]
        if unowned:
            warnings.append(f"site {site.id} names no operator, so no one owes or is owed its "
                            f"operator's duties ({', '.join(unowned)}); give the site an "
                            "'operator'")

    # Recurring duties: one per owing actor and period.
    open_slots: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    slots: list[dict[str, Any]] = []
    in_force = rs.instrument.date_of("in_force") or first_day
    for ob in rs.obligations:
        if ob.recurrence is None:
            continue
        owners = ctx.owners(ob)
        recipients = ctx.period_recipients(ob)
        for period in periods(ob.recurrence, rs.policies, first_day, last_day, in_force,
                              ctx.calendar):
            if ob.data_period == "reporting":
                period = covering(period, rs.reporting.period)
            if period.begins > as_of or period.due <= ctx.since:
                continue
            if ob.effective_from and period.end < ob.effective_from:
                continue
            if ob.effective_until and period.start > ob.effective_until:
                continue
            made: set[tuple[str, tuple[str, ...]]] = set()
            for owner in owners:
                for to in recipients:
                    if to == [owner]:
                        continue  # owed to itself (an operator that is also the owing body)
                    sides = ctx.successions.sides(ob, owner, to, period.due)
                    if sides.owed_to == [sides.owner] or (
                            sides.owner, tuple(sides.owed_to)) in made:
                        continue  # bodies merged into one: one duty
                    made.add((sides.owner, tuple(sides.owed_to)))
                    # owner_w, to_w: as the text writes them; a delivery counts when it comes
                    # from (and goes to) the bodies in office on its own day
                    slot = {"ob": ob, "owner": sides.owner, "period": period,
                            "to": sides.owed_to, "by": None, "at": None, "via": None,
                            "owner_w": owner, "to_w": to, "handovers": sides.handovers}
                    slots.append(slot)
                    if ob.discharged_by.event == "submission":
                        for name in sorted(ctx.successions.names(owner, ob.function)):
                            open_slots[(name, ob.discharged_by.kind)].append(slot)
    warnings.extend(_allocate_submissions(ctx, ledger, open_slots))
    _allocate_backups(ctx, ledger, slots)
    for slot in slots:
        ob, period = slot["ob"], slot["period"]
        handovers = slot["handovers"]
        if handovers and slot["via"]:
            handovers = with_delivery_notes(handovers, *slot["via"])
        obligations.append(_status(ctx, ob, slot["owner"], period.label, period.due, None,
                                   slot["by"], slot["at"], violations, slot["to"],
                                   handovers=handovers))

    # Triggered duties. An answer that discharges no duty of its trigger says why, once per
    # duty it was offered to; one that discharges some duty of the trigger says nothing.
    answered: set[tuple[str, str, str]] = set()
    used: set[tuple] = set()
    refused: dict[tuple, list[str]] = defaultdict(list)
    for rule_id, trigger_id, trigger_ts, owners, due_ts, owed_to, exception in ledger.triggers:
        ob = rs.obligation(rule_id)
        key = (ob.discharged_by.event, ob.discharged_by.ref_field or "", trigger_id)
        answered.add(key)
        due = _local(due_ts)
        if due <= ctx.since:
            continue
        if UNNAMED in owners:
            warnings.append(f"{trigger_id}: {rule_id} is owed by whoever the event names, and "
                            f"it names no actor; reported as {UNNAMED!r}")
        for owner in owners:
            if owed_to == (owner,):
                continue  # the body the duty is owed to found the trigger itself: no duty
            sides = ctx.successions.sides(ob, owner, owed_to, due)
            hit = _answer(ctx, ob, owner, owed_to, trigger_id, trigger_ts,
                          ledger.discharges.get(key, ()), refused)
            if hit is not None:
                used.add((trigger_id, *hit))
            by, at = (hit[1] or None, _local(hit[0])) if hit else (None, None)
            handovers = sides.handovers
            if handovers and hit:
                handovers = with_delivery_notes(handovers, hit[2] or None, hit[3] or None,
                                                _local(hit[0]).date())
            obligations.append(_status(ctx, ob, sides.owner, None, due, trigger_id, by, at,
                                       violations, sides.owed_to, exception,
                                       handovers=handovers))
    for hit, reasons in refused.items():
        if hit not in used:
            warnings.extend(dict.fromkeys(reasons))
    answered_by: dict[str, set[str]] = defaultdict(set)
    for event_type, _field, ref in answered:
        answered_by[ref].add(event_type)
    for (event_type, ref_field, ref), hits in ledger.discharges.items():
        if (event_type, ref_field, ref) in answered:
            continue
        if (event_type, ref_field) not in ctx.discharge_refs:
            # it discharges nothing here: only a name that matches no event is worth a word
            if ref in ledger.trigger_ids:
                continue
            for _ts, ident, _actor, _to in hits:
                warnings.append(f"{ident or 'an event'}: {event_type} names {ref_field} "
                                f"{ref!r}, which no event of the stream has as its id; it "
                                "discharges nothing")
            continue
        if not ref:
            for _ts, ident, _actor, _to in hits:
                warnings.append(f"{ident or 'an event'}: {event_type} names no {ref_field}, so "
                                "it answers nothing and discharges nothing")
            continue
        if ref in answered_by:
            why = (f"whose duties {event_type} does not discharge (they take "
                   f"{', '.join(sorted(answered_by[ref]))})")
        elif ref in ledger.trigger_ids:
            continue  # it answers an event that raised no duty: nothing to discharge
        else:
            why = "which no event of the stream has as its id"
        for _ts, ident, _actor, _to in hits:
            warnings.append(f"{ident or 'an event'}: {event_type} names {ref_field} {ref!r}, "
                            f"{why}; it discharges nothing")

    reused = ledger.duplicate_ids | (ledger.trigger_ids & ledger.backups.keys())
    for ident in sorted(reused):
        warnings.append(f"{ident}: the id of more than one event; events that name it "
                        "(answers, deletions) cannot say which one they mean")
    warnings.extend(succession_warnings(obligations))
    warnings.extend(f"{rs.id}: {note}" for note in territory_notes(rs, last_day))
    if rs.instrument.status != "in_force":
        warnings.append(f"{rs.id}: the instrument's status is {rs.instrument.status!r}, "
                        "not in force; the findings show what it would require")
    if ledger.emergencies and rs.broadcast.rules and not rs.broadcast.emergency_override:
        named = sorted(ident or "(no id)" for *_, ident in ledger.emergencies)
        warnings.append(f"{count(len(named), 'emergency event')} [{', '.join(named[:5])}"
                        f"{', …' if len(named) > 5 else ''}]: the text of {rs.id} has no "
                        "emergency clause; their time is exempt from the broadcast checks only "
                        "because the event vocabulary says so")
    violations.extend(_daily_checks(ctx, ledger))
    violations.extend(_retention_checks(ctx, ledger, warnings))
    violations.extend(update_checks(ctx, ledger.updates))
    for ident, kind, to in ledger.idle_requests:
        warnings.append(f"{ident}: a request for {kind} to {to!r} raises no duty of {rs.id}: "
                        f"no duty of {to!r} answers such a request here (a group member? "
                        "pass actors=)")

    # A total order on every field, so equal-looking findings never keep the input's order.
    obligations.sort(key=lambda o: (o.due, o.rule_id, o.actor, o.period or "", o.trigger or "",
                                    o.fulfilled_at or o.due, o.fulfilled_by or "", o.status))
    violations.sort(key=lambda v: (v.when, v.rule_id, v.kind, v.site or "", v.actor or "",
                                   v.period or "", tuple(v.events), v.message))
    rejected = sorted(ledger.rejected, key=lambda r: (r.index, r.id or "", r.reason))
    by_status: dict[str, int] = {s: 0 for s in ("open", "met", "late", "missed")}
    for o in obligations:
        by_status[o.status] += 1
    by_kind: dict[str, int] = defaultdict(int)
    for v in violations:
        by_kind[v.kind] += 1
    report = Report(
        rule_set=rs.id, as_of=ctx.as_of, since=ctx.since, obligations=obligations,
        violations=violations, rejected=rejected, warnings=sorted(warnings),
        summary=Summary(events_read=ledger.read, events_applied=ledger.applied,
                        events_rejected=len(ledger.rejected), obligations_by_status=by_status,
                        violations_by_kind=dict(sorted(by_kind.items()))),
    )
    report._ledger = ledger
    report._context = ctx
    return report


def _answer(ctx: Context, ob: Obligation, owner: str, owed_to: Sequence[str], trigger_id: str,
            trigger_ts: float, hits: Iterable[tuple[float, str, str, str]],
            refused: dict[tuple, list[str]]) -> tuple[float, str, str, str] | None:
    """The first event that answers a triggered duty for `owner`, or None.

    Like a submission, an answer counts only when it comes from the owing body (or names
    no body), is addressed to a body the duty is owed to (or to no one), and is not dated
    before the event it answers; for each answer that fails, `refused` gets why.
    """
    for hit in sorted(hits):
        ts, ident, actor, to = hit
        name = ident or f"a {ob.discharged_by.event} event"
        # the bodies in office on the answer's day (`owner`, `owed_to` as the text writes them)
        now = ctx.successions.sides_on(ob, owner, owed_to, _local(ts).date())
        if ts < trigger_ts:
            why = f"is dated {_local(ts).isoformat()}, before {trigger_id}"
        elif actor and owner != UNNAMED and actor not in now.owner_accepts:
            why = f"comes from {actor}, not from {now.owner}"
        elif not ctx.accepts_recipient(now.owed_to, to or None) and to not in now.to_accepts:
            also = sorted(now.to_accepts - set(now.owed_to))
            why = f"is addressed to {to}, not to {', '.join(now.owed_to)}" + (
                f" (nor, while its successor is a reading, to {', '.join(also)})"
                if also else "")
        else:
            return hit
        refused[(trigger_id, *hit)].append(
            f"{name}: answers {trigger_id} but {why}; it does not discharge {owner}'s {ob.id}")
    return None


def _allocate_submissions(ctx: Context, ledger: Ledger,
                          open_slots: Mapping[tuple[str, str], list[dict[str, Any]]]
                          ) -> list[str]:
    """Submissions, in time order, discharge their named period, else the oldest begun one.

    Going through submissions in time order means a later submission can never take a
    period an earlier one already met: adding an event only makes fulfilments earlier.
    Returns a warning for each actor and kind whose submissions discharged nothing.
    """
    by_key: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for sub in ledger.submissions:
        by_key[(sub[0], sub[1])].append(sub)
    roles = {a.id for a in ctx.rule_set.actors if a.kind == "role"}
    warnings = []
    for key, subs in sorted(by_key.items()):
        candidates = sorted(open_slots.get(key, []),
                            key=lambda s: (s["period"].due, s["ob"].id, s["period"].label,
                                           s["to"]))
        unused = []
        owes = False  # whether the actor owed any of these duties on a submission's day
        # A total order: submissions at the same instant never keep the input's order.
        for actor, _kind, ts, ident, period, to in sorted(
                subs, key=lambda s: (s[2], s[3], s[4] or "", s[5] or "")):
            to = None if to in roles else to  # addressed to the role: to every operator

            day = _local(ts).date()

            def fits(slot: dict[str, Any], ts: float = ts, period: str | None = period,
                     actor: str = actor, day: dt.date = day) -> bool:
                return slot["at"] is None and (
                    (period is None and slot["period"].begins.timestamp() <= ts)
                    or (period is not None and slot["period"].label == period)) and (
                    actor in ctx.successions.sides_on(  # from a body in office that day
                        slot["ob"], slot["owner_w"], slot["to_w"], day).owner_accepts)

            refused: list[str] = []
            also: list[str] = []  # names that count while a successor is only a reading
            owes = owes or any(actor in ctx.successions.sides_on(
                s["ob"], s["owner_w"], s["to_w"], day).owner_accepts for s in candidates)
            for slot in candidates:
                if not fits(slot):
                    continue
                now = ctx.successions.sides_on(slot["ob"], slot["owner_w"], slot["to_w"], day)
                if not (ctx.accepts_recipient(now.owed_to, to) or to in now.to_accepts):
                    refused.extend(r for r in now.owed_to if r not in refused)
                    also.extend(r for r in sorted(now.to_accepts)
                                if r not in now.owed_to and r not in also)
                    continue
                slot["by"], slot["at"] = ident or None, _local(ts)
                slot["via"] = (actor, to, day)
                if to is None:
                    # Addressed to no one in particular: it reaches every recipient of the
                    # duty, each taking it for its own oldest open period (or the one named).
                    reached = {tuple(slot["to"])}
                    for other in candidates:
                        if (other["ob"] is slot["ob"] and tuple(other["to"]) not in reached
                                and fits(other)):
                            other["by"], other["at"] = slot["by"], slot["at"]
                            other["via"] = slot["via"]
                            reached.add(tuple(other["to"]))
                break
            else:
                if refused:
                    warnings.append(
                        f"{ident or '(no id)'}: submission of kind {key[1]!r} by {key[0]!r} is "
                        f"addressed to {to!r}, not to {', '.join(refused)}"
                        + (f" (nor, while its successor is a reading, to {', '.join(also)})"
                           if also else "") + "; it discharges nothing")
                else:
                    unused.append(ident or "(no id)")
        if unused and not owes:
            warnings.append(
                f"{count(len(unused), 'submission')} of kind {key[1]!r} by {key[0]!r} discharged "
                f"nothing: {key[0]!r} owes no such duty here (a group member? pass actors=) "
                f"[{', '.join(unused[:5])}{', …' if len(unused) > 5 else ''}]")
        elif unused:
            warnings.append(
                f"{count(len(unused), 'submission')} of kind {key[1]!r} by {key[0]!r} found no "
                f"open period to discharge [{', '.join(unused[:5])}"
                f"{', …' if len(unused) > 5 else ''}]")
    return warnings


def _allocate_backups(ctx: Context, ledger: Ledger, slots: list[dict[str, Any]]) -> None:
    """A backup inside a period discharges that period's backup duty of its owner."""
    wanted = [s for s in slots if s["ob"].discharged_by.event == "backup"]
    if not wanted:
        return
    backups = sorted((ts, ident, site, actor) for ident, (ts, site, actor) in
                     ledger.backups.items())
    for slot in wanted:
        lo = slot["period"].begins.timestamp()
        hi = end_of_day(slot["period"].end).timestamp()
        for ts, ident, site, actor in backups:
            if not lo <= ts < hi:
                continue
            operator = ctx.sites[site].operator if site in ctx.sites else None
            now = ctx.successions.sides_on(slot["ob"], slot["owner_w"], slot["to_w"],
                                           _local(ts).date())
            if actor in now.owner_accepts or (actor is None and (
                    operator == slot["owner"] or site is None)):
                slot["by"] = None if ident.startswith("#") else ident
                slot["at"] = _local(ts)
                break


def _status(ctx: Context, ob: Obligation, owner: str, period: str | None, due: dt.datetime,
            trigger: str | None, by: str | None, at: dt.datetime | None,
            violations: list[Violation], owed_to: list[str] | None = None,
            exception: str | None = None, handovers: Sequence[Any] = ()) -> ObligationStatus:
    if at is not None:
        status = "met" if at <= due else "late"
    else:
        status = "missed" if ctx.as_of > due else "open"
    applied = next((ex for ex in ob.exceptions if ex.id == exception), None)
    citation = ctx.cite(applied.source if applied else ob.source)
    what = f"{ob.title.vi}" + (f" ({period})" if period else "")
    what_en = f"{ob.title.en}" + (f" ({period})" if period else "")
    if period and owed_to is not None and list(owed_to) != list(ob.owed_to):
        what += f" → {', '.join(owed_to)}"  # one of the duties a role's members are owed
        what_en += f" → {', '.join(owed_to)}"
    if applied:
        what += f" [ngoại lệ {applied.id}: {_deadline_words(applied.deadline)[0]}]"
        what_en += f" [exception {applied.id}: {_deadline_words(applied.deadline)[1]}]"
    events = [e for e in (trigger, by) if e and not e.startswith("#")]
    if status == "late":
        violations.append(Violation(
            rule_id=ob.id, kind="late", actor=owner, when=at.isoformat(), period=period,
            message=f"{what}: thực hiện muộn, hạn {due.isoformat()}",
            message_en=f"{what_en}: done late, due {due.isoformat()}",
            source=citation, events=events, successions=list(handovers)))
    elif status == "missed":
        violations.append(Violation(
            rule_id=ob.id, kind="missed", actor=owner, when=due.isoformat(), period=period,
            message=f"{what}: chưa thực hiện, quá hạn {due.isoformat()}",
            message_en=f"{what_en}: not done, overdue since {due.isoformat()}",
            source=citation, events=events, successions=list(handovers)))
    return ObligationStatus(
        rule_id=ob.id, title=ob.title.vi, actor=owner,
        owed_to=list(ob.owed_to) if owed_to is None else owed_to, period=period,
        due=due, status=status, trigger=trigger, fulfilled_by=by, fulfilled_at=at,
        exception=exception, source=citation, successions=list(handovers))


def _deadline_words(deadline: Any) -> tuple[str, str]:
    n = deadline.amount
    return {
        "hours": (f"{n} giờ", f"{n} hours"),
        "days": (f"{n} ngày", f"{n} days"),
        "working_days": (f"{n} ngày làm việc", f"{n} working days"),
        "same_day": ("ngay trong ngày", "the same day"),
    }[deadline.kind]


def _daily_checks(ctx: Context, ledger: Ledger) -> list[Violation]:
    """Broadcast hours, day parts, required windows and silent days, per site and day."""
    rules = ctx.rule_set.broadcast.rules
    if not rules:
        return []
    out: list[Violation] = []
    first = _day_of(ctx.since_ts)
    last = _day_of(ctx.as_of_ts) - 1  # the last day that has ended by as_of
    # Sites may be None (all sites), which does not order against a tuple: sort by a key.
    emergencies = sorted(ledger.emergencies, key=lambda e: (e[0], e[1], e[3], e[2] or ()))
    kinds_of_days = {day: ctx.calendar.kind_of(_date_of_day(day))
                     for day in range(first, last + 1)}
    if ctx.rule_set.broadcast.swapped_weekend_days == "weekend":
        for day, kind in kinds_of_days.items():
            if kind == "working_day" and _date_of_day(day).weekday() >= 5:
                kinds_of_days[day] = "weekend"  # a swapped Saturday read as the Saturday it is
    for site in sorted(ctx.sites.values(), key=lambda s: s.id):
        site_rules = [r for r in rules if site.kind in r.site_kinds
                      and (r.sites is None or site.id in r.sites)]
        if not site_rules:
            continue
        for day in range(first, last + 1):
            date = _date_of_day(day)
            day_kind = kinds_of_days[day]
            todays = [r for r in site_rules if day_kind in r.day_kinds]
            if not todays:
                continue
            start = day * _DAY - _OFFSET
            key = (site.id, day)
            played = ledger.coverage.get(key, [])
            urgent = [[max(s, start), min(e, start + _DAY)] for s, e, sites, _ in emergencies
                      if s < start + _DAY and e > start and (sites is None or site.id in sites)]
            if urgent:
                urgent = _union(urgent)
            covered = _union(played, urgent) if urgent else played
            ids = [ident for _start, ident in ledger.segment_ids.get(key, ())]
            count = ledger.segment_count.get(key, 0)
            for rule in todays:
                out.extend(_day_findings(ctx, rule, site, date, day_kind, start, covered,
                                         urgent, ids, count))
    return out


def _day_findings(ctx: Context, rule: Any, site: SiteInfo, date: dt.date, day_kind: str,
                  start: float, covered: list, urgent: list, ids: list[str], count: int
                  ) -> list[Violation]:
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
            add("no_broadcast", f"Không ghi nhận đăng phát nào trong {_DAY_KIND_VI[day_kind]}",
                f"No broadcast recorded on this {day_kind.replace('_', ' ')}")
        return found
    if not covered and not rule.must_broadcast:
        return found  # only uncounted content, on a day the site need not broadcast
    hours = _covered(covered, start, start + _DAY) / 3600
    note = f"{hours:.2f} h, {count} segment(s)"
    if rule.min_hours is not None and hours + 1e-9 < rule.min_hours:
        add("broadcast_hours", f"Thời lượng đăng phát {hours:.2f} giờ, dưới mức tối thiểu "
            f"{rule.min_hours:g} giờ/ngày", f"Broadcast {note}, below the minimum "
            f"{rule.min_hours:g} h/day")
    own = hours - (_covered(urgent, start, start + _DAY) / 3600 if urgent else 0.0)
    if rule.max_hours is not None and own - 1e-9 > rule.max_hours:
        add("broadcast_hours", f"Thời lượng đăng phát {own:.2f} giờ, vượt mức "
            f"{rule.max_hours:g} giờ/ngày", f"Broadcast {own:.2f} h outside emergencies, "
            f"{count} segment(s), above {rule.max_hours:g} h/day")
    for part in rule.parts:
        lo, hi = part.window.minutes
        got = _covered(covered, start + lo * 60, start + hi * 60) / 3600
        if got + 1e-9 < part.min_hours:
            add("broadcast_part", f"Khung {part.id} ({part.window.start}-{part.window.end}): "
                f"{got:.2f} giờ, dưới {part.min_hours:g} giờ",
                f"Part {part.id} ({part.window.start}-{part.window.end}): {got:.2f} h, "
                f"below {part.min_hours:g} h")
    for window in rule.required_windows:
        lo, hi = window.minutes
        gap = ((hi - lo) * 60 - _covered(covered, start + lo * 60, start + hi * 60)) / 60
        if gap > rule.tolerance_minutes + 1e-9:
            add("broadcast_window", f"Khung giờ {window.start}-{window.end} thiếu "
                f"{gap:.0f} phút đăng phát", f"Window {window.start}-{window.end} "
                f"not covered for {gap:.0f} min")
    return found


def _retention_checks(ctx: Context, ledger: Ledger, warnings: list[str]) -> list[Violation]:
    rules = [c for c in ctx.rule_set.constraints if c.kind == "backup_retention"]
    out: list[Violation] = []
    for ts, backup_id, ident in sorted(ledger.deletions):
        backup = ledger.backups.get(backup_id)
        if backup is None:
            warnings.append(f"backup_deleted {ident or '(no id)'} names backup {backup_id!r}, "
                            "which no event recorded")
            continue
        taken, site, actor = backup
        kind = ctx.site_kind(site)
        for rule in rules:
            if rule.site_kinds is not None and kind is not None and kind not in rule.site_kinds:
                continue  # a backup of no known kind of site is held to every retention rule
            roll = ctx.rule_set.policies.roll_forward_retention
            keep_until = retained_until(_local(taken), rule.retention,
                                        bool(roll and roll.value), ctx.calendar)
            if ts < keep_until.timestamp() and ts >= ctx.since_ts:
                if rule.retention.hours:
                    until_vi = until_en = _local(keep_until.timestamp()).isoformat()
                else:
                    last = (keep_until - dt.timedelta(days=1)).date().isoformat()
                    until_vi, until_en = f"đến hết ngày {last}", f"to the end of {last}"
                out.append(Violation(
                    rule_id=rule.id, kind="backup_retention", actor=actor, site=site,
                    when=_local(ts).isoformat(),
                    message=f"Bản sao lưu {backup_id} bị xoá khi chưa hết thời hạn lưu giữ "
                            f"({until_vi})",
                    message_en=f"Backup {backup_id} deleted before the end of its retention "
                               f"period ({until_en})",
                    source=ctx.cite(rule.source), events=[e for e in (backup_id, ident) if e]))
    return out


# --------------------------------------------------------------------------- entry points


def evaluate(rule_set: RuleSet | str | Path, events: Iterable[Any], as_of: When,
             since: When | None = None,
             sites: Iterable[Mapping[str, Any]] | None = None,
             actors: Mapping[str, Iterable[str]] | None = None, engine: str = "native",
             interpretations: Mapping[str, Any] | None = None,
             successions: Iterable[Any] | None = None) -> Report:
    """Evaluate `events` against `rule_set` as of `as_of`; see docs/contract.md for the contract.

    `events` is consumed once, as an iterator: a file of millions of lines is never
    held whole. `engine="durable"` matches triggers through durable_rules (an extra).
    """
    from .._load import load, override

    if not isinstance(rule_set, RuleSet):  # a bundled id or a YAML file's path
        rule_set = load(rule_set)
    if interpretations:
        rule_set = override(rule_set, interpretations)
    ctx = Context(rule_set, as_of, since, sites, actors, successions)
    if engine == "native":
        reader = Reader(ctx)
    elif engine == "durable":
        from .durable import DurableReader

        reader = DurableReader(ctx)
    else:
        raise EvaluationError(f"engine: {engine!r}; expected 'native' or 'durable'")
    if isinstance(events, (dict, str, bytes)) or not isinstance(events, Iterable):
        raise EvaluationError("events: expected an iterable of events (dicts or models), "
                              f"got {type(events).__name__}")
    ledger = reader.add_all(events)
    return finalize(ctx, ledger)


def merge_reports(a: Report, b: Report) -> Report:
    """The report of both reports' events: `quyche.merge([a, b])`."""
    from .partial import merge

    return merge([a, b])

"""The ledger: what the events showed, kept small, typed and mergeable.

`Reader` fills it one event at a time, in a form that does not grow with the number
of events (broadcast time as merged intervals per site and local day); `finalize`
turns it into a report; two partitions' ledgers merge into the ledger of both
(`Ledger.merge_all`), and a ledger travels as JSON (`to_data`, docs/partials.md).
Records are named tuples: read by name, compared and sorted as the tuples they are,
and written to JSON as lists in their field order.
"""

from __future__ import annotations

import dataclasses
from bisect import insort
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..report import Rejection, Violation
from ..time.intervals import union

__all__ = [
    "MAX_IDS_PER_DAY",
    "Answer",
    "Backup",
    "Deletion",
    "Emergency",
    "IdleRequest",
    "Ledger",
    "RaisedDuty",
    "SiteDay",
    "Submission",
    "first_backup",
    "note_segment",
]

#: How many segment ids a site's day keeps to name in its findings (the first by start).
MAX_IDS_PER_DAY = 10

#: (site id, local day since 1970-01-01)
SiteDay = tuple[str, int]


class Emergency(NamedTuple):
    """Time the authorities took over: exempt from the broadcast checks."""

    start: float
    end: float
    sites: tuple[str, ...] | None  # None: every site
    id: str


class Submission(NamedTuple):
    actor: str
    kind: str
    at: float
    id: str
    period: str | None
    to: str | None


class Backup(NamedTuple):
    at: float
    site: str | None
    actor: str | None


class Deletion(NamedTuple):
    at: float
    backup: str
    id: str


class RaisedDuty(NamedTuple):
    """A duty an event raised (a triggered obligation), before its status is known."""

    rule_id: str
    trigger_id: str
    at: float
    owners: tuple[str, ...]
    due: float
    owed_to: tuple[str, ...]
    exception: str | None


class Answer(NamedTuple):
    """An event that names another (an answer, a forward), as a discharge candidate."""

    at: float
    id: str
    actor: str
    to: str


class IdleRequest(NamedTuple):
    """A request that raised no duty, reported once in a warning."""

    id: str
    kind: str
    to: str


def note_segment(ids: list[tuple[float, str]], start: float, ident: str) -> None:
    """Keep the day's first segments by (start, id): the same whatever the events' order."""
    entry = (start, ident)
    if entry not in ids:
        insort(ids, entry)
        del ids[MAX_IDS_PER_DAY:]


def first_backup(*backups: Backup) -> Backup:
    """Of backups sharing an id, the earliest: the same whatever the events' order."""
    return min(backups, key=lambda b: (b[0], b[1] or "", b[2] or ""))


@dataclass
class Ledger:
    """What the events showed, kept small and mergeable."""

    read: int = 0
    applied: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    # (site, day) -> merged [start, end) intervals in epoch seconds
    coverage: dict[SiteDay, list[list[float]]] = field(default_factory=dict)
    # (site, day) -> the day's first MAX_IDS_PER_DAY segments as (start, id), and the count
    segment_ids: dict[SiteDay, list[tuple[float, str]]] = field(default_factory=dict)
    segment_count: dict[SiteDay, int] = field(default_factory=dict)
    emergencies: list[Emergency] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    backups: dict[str, Backup] = field(default_factory=dict)
    deletions: list[Deletion] = field(default_factory=list)
    triggers: list[RaisedDuty] = field(default_factory=list)
    # (event type, ref field, referenced id) -> the answering events
    discharges: dict[tuple[str, str, str], list[Answer]] = field(default_factory=dict)
    findings: list[Violation] = field(default_factory=list)
    # ids that named two different backups (the earliest is kept under the id)
    duplicate_ids: set[str] = field(default_factory=set)
    # ids of the events of types that can raise a duty, for answers that name them
    trigger_ids: set[str] = field(default_factory=set)
    # (site, local day since 1970-01-01) of content published at a site, for daily_update rules
    updates: set[SiteDay] = field(default_factory=set)
    idle_requests: list[IdleRequest] = field(default_factory=list)

    def with_rejected(self, rejected: list[Rejection]) -> Ledger:
        """The same ledger with these rejections (numbered by line, `Report.with_lines`)."""
        return dataclasses.replace(self, rejected=rejected)

    def merge(self, other: Ledger) -> Ledger:
        return Ledger.merge_all([self, other])

    @staticmethod
    def merge_all(ledgers: Iterable[Ledger]) -> Ledger:
        """One ledger of many, in one pass: what the events of all of them showed together.

        The result shares no mutable part with its inputs (a monitor keeps adding to its own).
        """
        out = Ledger()
        seen_triggers: set[str] = set()
        backups: dict[str, set[Backup]] = defaultdict(set)
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
            for ident, backup in ledger.backups.items():
                backups[ident].add(backup)
            for day, intervals in ledger.coverage.items():
                mine = coverage.get(day)
                coverage[day] = ([[s, e] for s, e in intervals] if mine is None
                                 else union(mine, intervals))
            for day, ids in ledger.segment_ids.items():
                kept = segment_ids.get(day)
                # the day's first segments, in the order of their (start, id)
                segment_ids[day] = (list(ids) if kept is None
                                    else sorted(set(kept) | set(ids))[:MAX_IDS_PER_DAY])
            for day, n in ledger.segment_count.items():
                counts[day] = counts.get(day, 0) + n
            for named, hits in ledger.discharges.items():
                out.discharges.setdefault(named, []).extend(hits)
            out.updates |= ledger.updates
            out.idle_requests += ledger.idle_requests
        out.trigger_ids = seen_triggers
        for key, found in backups.items():
            out.backups[key] = first_backup(*found)
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
            emergencies=[Emergency(s, e, tuple(sites) if sites is not None else None, ident)
                         for s, e, sites, ident in data["emergencies"]],
            submissions=[Submission(a, k, ts, i, p, to)
                         for a, k, ts, i, p, to in data["submissions"]],
            backups={k: Backup(ts, site, actor)
                     for k, (ts, site, actor) in data["backups"].items()},
            deletions=[Deletion(ts, b, i) for ts, b, i in data["deletions"]],
            triggers=[RaisedDuty(r, t, ts, tuple(owners), due, tuple(to), ex)
                      for r, t, ts, owners, due, to, ex in data["triggers"]],
            discharges={(et, f, ref): [Answer(ts, i, a, to) for ts, i, a, to in hits]
                        for et, f, ref, hits in data["discharges"]},
            findings=[Violation.model_validate(v) for v in data["findings"]],
            duplicate_ids=set(data["duplicate_ids"]),
            trigger_ids=set(data["trigger_ids"]),
            updates={(site, int(day)) for site, day in data["updates"]},
            idle_requests=[IdleRequest(i, k, to) for i, k, to in data["idle_requests"]],
        )

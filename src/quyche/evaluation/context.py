"""The context of one evaluation: everything fixed before the first event is read.

The rule set, the window (`since`, `as_of`, as local instants and epoch seconds), the
site registry and actor groups with the successions between bodies, and the lookups
every stage shares (categories, language groups, citations). Who owes and who is owed
a duty is `parties`; which triggered duties an event raises is `matching`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import EvaluationError
from ..events import When
from ..model import RuleSet, Source
from ..registry import read_actors, read_sites
from ..report import Citation
from ..successions import Successions
from ..time.calendar import FIRST_YEAR, LAST_YEAR, calendar
from ..time.deadlines import LOCAL
from ..time.instants import DAY, OFFSET, day_of, instant_arg

__all__ = ["Context", "SiteInfo"]


@dataclass
class SiteInfo:
    """A registered site as the evaluation needs it: its kind and who operates it."""

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
        self.as_of = instant_arg(as_of, "as_of", day_end=True)
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
            self.since = instant_arg(since, "since")
            in_force = rs.instrument.date_of("in_force")
            if in_force is not None:
                # Rules apply only while their instrument is in force: never before that date.
                start = dt.datetime(in_force.year, in_force.month, in_force.day, tzinfo=LOCAL)
                self.since = max(self.since, start)
        if self.since > self.as_of:
            raise EvaluationError(f"since ({self.since.isoformat()}, never before the in-force "
                                  f"date) is after as_of ({self.as_of.isoformat()})")
        for name, instant in (("since", self.since), ("as_of", self.as_of)):
            if not FIRST_YEAR <= instant.year <= LAST_YEAR:
                raise EvaluationError(f"{name}: {instant.isoformat()} is outside the years the "
                                      f"working-day calendar covers ({FIRST_YEAR}-{LAST_YEAR})")
        self.since_ts = self.since.timestamp()
        # Broadcast time before the first checked day can never matter: it is not stored.
        self.first_day_ts = (day_of(self.since_ts) * DAY) - OFFSET
        self.as_of_ts = self.as_of.timestamp()
        self._citations: dict[int, Citation] = {}
        #: actor id -> its kind (body, group, role), as `RuleSet.actor` finds it (the first)
        self.actor_kinds: dict[str, str] = {}
        for a in rs.actors:
            self.actor_kinds.setdefault(a.id, a.kind)
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

    def cite(self, source: Source) -> Citation:
        """The report's citation of a rule-set source (one object per source)."""
        found = self._citations.get(id(source))
        if found is None:
            found = self._citations[id(source)] = Citation.of(source, self.instrument)
        return found

    def site_kind(self, site: str | None) -> str | None:
        """The kind of a site (of the only kind there is, when none is named); None if unknown."""
        if site is None:
            kinds = self.rule_set.site_kinds
            return kinds[0].id if len(kinds) == 1 else None
        info = self.sites.get(site)
        return info.kind if info else None

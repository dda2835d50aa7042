"""Registries, event streams over a window with their registries, and discharging events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ..evaluation.engine import evaluate
from ..model import RuleSet
from ..report import Report
from .event_lists import event_list
from .pools import EVENT_MODELS, IDS, draw_moment, pools_for, render_instant, window_arg

__all__ = [
    "Stream",
    "actor_registries",
    "discharging_events",
    "event_streams",
    "site_registries",
]

def site_registries(rule_set: RuleSet, *, min_size: int = 1, max_size: int = 4
                    ) -> SearchStrategy[list[dict[str, Any]]]:
    """Site registries for `evaluate(sites=...)`: `{"id", "kind", "operator"}`, ids unique.

    Kinds are the rule set's site kinds; operators are bodies the rule set names
    or bodies of their own.
    """
    kinds = [k.id for k in rule_set.site_kinds]
    bodies = sorted(a.id for a in rule_set.actors if a.kind == "body")
    operators = st.sampled_from(bodies) | IDS.map(lambda s: "op_" + s) if bodies else \
        IDS.map(lambda s: "op_" + s)
    site = st.fixed_dictionaries({"id": IDS.map(lambda s: "site_" + s),
                                  "kind": st.sampled_from(kinds), "operator": operators})
    return st.lists(site, min_size=min_size, max_size=max_size, unique_by=lambda s: s["id"])


def actor_registries(rule_set: RuleSet, *, max_size: int = 4
                     ) -> SearchStrategy[dict[str, list[str]]]:
    """Actor registries for `evaluate(actors=...)`: actor id -> groups it belongs to.

    Groups are the rule set's declared groups; actors are its bodies or new ones.
    """
    groups = sorted(a.id for a in rule_set.actors if a.kind == "group")
    bodies = sorted(a.id for a in rule_set.actors if a.kind == "body")
    keys = st.sampled_from(bodies) | IDS.map(lambda s: "body_" + s) if bodies else \
        IDS.map(lambda s: "body_" + s)
    values = st.lists(st.sampled_from(groups), unique=True).map(sorted) if groups else \
        st.just([])
    return st.dictionaries(keys, values, max_size=max_size)


# --------------------------------------------------------------------------- streams


@dataclass(frozen=True)
class Stream:
    """An event stream over a window, with the registries it was drawn for.

    `evaluate()` evaluates it with `as_of=end`, `since=start` and the registries;
    pass other events (a partition, a shuffle) or override any argument.
    """

    rule_set: RuleSet
    events: list[dict[str, Any]]
    start: dt.datetime
    end: dt.datetime
    sites: list[dict[str, Any]]
    actors: dict[str, list[str]]

    def __repr__(self) -> str:
        return (f"Stream(rule_set={self.rule_set.id!r}, start={self.start.isoformat()!r}, "
                f"end={self.end.isoformat()!r}, sites={self.sites!r}, actors={self.actors!r}, "
                f"events={self.events!r})")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # hypothesis prints dataclasses field by field; a rule set is too long to read there.
        printer.text(repr(self))

    def arguments(self, **overrides: Any) -> dict[str, Any]:
        """The keyword arguments `evaluate` gets for this stream, with overrides."""
        return {"as_of": self.end, "since": self.start, "sites": self.sites,
                "actors": self.actors, **overrides}

    def evaluate(self, events: Iterable[Any] | None = None, **overrides: Any) -> Report:
        return evaluate(self.rule_set, self.events if events is None else events,
                        **self.arguments(**overrides))


def event_streams(rule_set: RuleSet, start: Any, end: Any, *,
                  sites: Sequence[Mapping[str, Any]] | None = None,
                  actors: Mapping[str, Iterable[str]] | None = None,
                  types: Iterable[str] | None = None, min_size: int = 0, max_size: int = 40,
                  invalid: bool = False, anonymous: bool = False) -> SearchStrategy[Stream]:
    """`Stream`s of events in [`start`, `end`] with the registries they name.

    The registries are drawn (`site_registries`, `actor_registries`) unless given.
    With `invalid=True` the stream also holds events `evaluate` rejects, including
    events after `end` (the stream's `as_of`); with `anonymous=True` some events
    have no id (see `events`).
    """
    lo, hi = window_arg(start, "start"), window_arg(end, "end")
    if hi <= lo:
        raise InvalidArgument(f"end ({hi.isoformat()}) must be after start ({lo.isoformat()})")
    site_st = st.just([dict(s) for s in sites]) if sites is not None else \
        site_registries(rule_set)
    actor_st = st.just({a: list(g) for a, g in actors.items()}) if actors is not None else \
        actor_registries(rule_set)

    @st.composite
    def build(draw: st.DrawFn) -> Stream:
        registry = draw(site_st)
        members = draw(actor_st)
        pools = pools_for(rule_set, registry, members, lo, hi, hi)
        evs = draw(event_list(pools, types, min_size, max_size, invalid, "e", anonymous))
        return Stream(rule_set, evs, lo, hi, registry, members)

    return build()


def discharging_events(rule_set: RuleSet, report: Report, *, start: Any = None,
                       end: Any = None, event_id: str = "d0"
                       ) -> SearchStrategy[dict[str, Any]]:
    """One event that would discharge one of `report`'s obligations, at a drawn instant.

    A submission of the duty's kind by its actor (sometimes naming the period), a
    backup by its actor, or the follow-up that names the duty's trigger. The
    instant falls in [`start`, `end`] (default: the report's since and as_of).
    Draws nothing (an invalid example) when no obligation can be discharged.
    """
    lo = report.since if start is None else window_arg(start, "start")
    hi = report.as_of if end is None else window_arg(end, "end")
    candidates = []
    for o in report.obligations:
        ob = rule_set.obligation(o.rule_id)
        if ob is None:
            continue
        how = ob.discharged_by
        if how.event == "submission" or (how.event == "backup" and o.period) or (
                how.match == "ref" and o.trigger):
            candidates.append((o, ob))
    if not candidates or hi < lo:
        return st.nothing()

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        o, ob = draw(st.sampled_from(candidates))
        how = ob.discharged_by
        at = draw_moment(draw, lo, hi)
        ev: dict[str, Any] = {"id": event_id, "type": how.event, "at": render_instant(draw, at)}
        if how.event == "submission":
            ev.update(actor=o.actor, kind=how.kind)
            if bool(o.period) and draw(st.booleans()):
                ev["period"] = o.period
            if bool(ob.owed_to) and draw(st.booleans()):
                ev["to"] = draw(st.sampled_from(ob.owed_to))
        elif how.event == "backup":
            ev["actor"] = o.actor
        else:
            assert how.ref_field is not None  # a duty discharged by reference names its field
            ev[how.ref_field] = o.trigger
            if "actor" in EVENT_MODELS[how.event].model_fields:
                ev["actor"] = o.actor
            if how.event == "incident_reported":
                ev["to"] = ob.owed_to[0] if ob.owed_to else o.actor
        return ev

    return build()

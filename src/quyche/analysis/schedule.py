"""The calendar of recurring duties: what falls due in a window, for whom, by when.

An agency wants its year at a glance ("what do we owe, to whom, by which day?")
and in its calendar application. `schedule(rule_set, start, end)` lists every
recurring duty due in the window — due instant, period, owing actor, recipients
and citation — computed exactly as `evaluate` computes obligations: the periods
and due instants come from `time.periods.duty_periods`, the owing actors from
`evaluation.parties.owners` (named bodies always, group members when declared, the
operator role only for the operators of the sites passed). `to_ics` writes the
duties as an iCalendar file (RFC 5545) with stable UIDs, so re-importing an
updated schedule updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field

from .._load import RuleSetLike, as_rule_set
from ..errors import EvaluationError
from ..evaluation.context import Context
from ..evaluation.parties import owners, period_recipients, recurring_sides
from ..events import parse_instant
from ..model import RuleSet
from ..output import Output, SchemaVersion
from ..render import cite as cite_text
from ..report import Citation, Handover
from ..successions import Sides, due_day
from ..time.calendar import TIMEZONE
from ..time.deadlines import LOCAL, end_of_day
from ..time.periods import duty_periods
from .citations import citation
from .wording import SUCCESSION_GROUNDS

__all__ = ["Duty", "Schedule", "bounds", "handover_line", "schedule", "to_ics", "window"]


class Duty(Output):
    """One recurring duty of one actor for one period."""

    rule_set: str
    rule_id: str
    title: str
    title_en: str
    actor: str
    owed_to: list[str]
    period: str
    period_start: dt.date
    period_end: dt.date
    due: dt.datetime = Field(..., description="the instant the duty expires")
    last_day: dt.date = Field(..., description="the last local day on which it can be done")
    all_day: bool = Field(..., description="due at the end of a day (not at an hour)")
    source: Citation
    recipient: str | None = Field(
        None, description="the operator this duty is owed to, when a duty owed to the operator "
        "role is one per operator")
    successions: list[Handover] = Field(
        [], description="successions in effect at the due date for the owing or owed body")

    @property
    def uid(self) -> str:
        """A stable identifier: rule set, rule, actor, period (and recipient, when one per)."""
        raw = f"{self.rule_set}.{self.rule_id}.{self.actor}.{self.period}"
        if self.recipient:
            raw += f".{self.recipient}"
        return re.sub(r"[^A-Za-z0-9._-]+", "_", raw) + "@quyche"


class Schedule(Output):
    """What `quyche schedule --format json` writes: the duties due in a window."""

    schema_version: SchemaVersion = 1
    rule_set: str
    start: dt.datetime = Field(..., description="the window's start: a duty due at it is "
                               "not in the window")
    end: dt.datetime = Field(..., description="the window's end: a duty due at it is in")
    actor: str | None = Field(None, description="only this actor's duties, if given")
    duties: list[Duty]
    warnings: list[str] = Field([], description="as a report's: successions in effect for "
                                "the duties listed, a province's territory after a merger")


def _bound(value: Any, name: str, end: bool) -> dt.datetime:
    """A window bound: a date (its start, or for `end` its end) or an aware instant."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return end_of_day(value) if end else dt.datetime(value.year, value.month, value.day,
                                                           tzinfo=LOCAL)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return _bound(dt.date.fromisoformat(value), name, end)
    try:
        instant = parse_instant(value)
    except ValueError as exc:
        raise EvaluationError(f"{name}: {exc} (or give a date YYYY-MM-DD)") from None
    local = instant.astimezone(LOCAL)
    if end and (local.hour, local.minute, local.second) == (23, 59, 59):
        # "...T23:59:59" is how people write "the end of that day"; a duty due by the end
        # of the day (next midnight) belongs to it.
        return end_of_day(local.date())
    return instant


def bounds(start: Any, end: Any) -> tuple[dt.datetime, dt.datetime]:
    """The window (start, end] that `schedule` reads from its `start` and `end`."""
    return _bound(start, "start", end=False), _bound(end, "end", end=True)


def window(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The window of a calendar year: from 1/1 00:00 to the end of 31/12, local time."""
    return (dt.datetime(year, 1, 1, tzinfo=LOCAL), end_of_day(dt.date(year, 12, 31)))


def schedule(rule_set: RuleSetLike, start: Any, end: Any, actor: str | None = None,
             sites: Iterable[Mapping[str, Any]] | None = None,
             actors: Mapping[str, Iterable[str]] | None = None,
             successions: Iterable[Any] | None = None) -> list[Duty]:
    """Every recurring duty due in the window (start, end], sorted by due instant.

    `start` and `end` are dates (the window runs from the start of `start` to the
    end of `end`) or aware instants. A duty is in the window when its due instant
    is after `start` and at or before `end`: a duty due "by the end of 31/12" is
    in the window of that year, also when `end` is written 31/12 23:59:59 (read as
    the end of that day). Nothing falls due before the rule set is in
    force. `actor` keeps only that actor's duties (those it owes under its own name, and
    after a succession those its successor owes in its place); `sites`, `actors` and
    `successions` are those of `evaluate`.
    """
    rs = as_rule_set(rule_set)
    lo, hi = bounds(start, end)
    ctx = _window_context(rs, lo, hi, actor, sites, actors, successions)
    if ctx is None:
        return []
    in_force = rs.instrument.date_of("in_force")
    floor = lo
    if in_force is not None:
        floor = max(lo, dt.datetime(in_force.year, in_force.month, in_force.day, tzinfo=LOCAL))
    first, last = lo.astimezone(LOCAL).date(), hi.astimezone(LOCAL).date()
    out: list[Duty] = []
    for ob in rs.obligations:
        if ob.recurrence is None:
            continue
        owing = owners(ctx, ob)
        if not owing:
            continue
        source = citation(rs, ob.source)
        recipients = period_recipients(ctx, ob)

        def keep(owner: str, sides: Sides) -> bool:
            return actor is None or actor in (owner, sides.owner)

        for p in duty_periods(ob, rs, first, last, ctx.calendar):
            if not floor < p.due <= hi:
                continue
            local = p.due.astimezone(LOCAL)
            for _owner, to, sides in recurring_sides(ctx, ob, owing, recipients, p.due,
                                                     keep if actor is not None else None):
                out.append(Duty(
                    rule_set=rs.id, rule_id=ob.id, title=ob.title.vi, title_en=ob.title.en,
                    actor=sides.owner, owed_to=sides.owed_to, period=p.label,
                    period_start=p.start, period_end=p.end, due=p.due,
                    last_day=due_day(p.due), all_day=local.time() == dt.time(0),
                    source=source, successions=list(sides.handovers),
                    recipient=sides.owed_to[0] if to != list(ob.owed_to) else None))
    out.sort(key=lambda d: (d.due, d.rule_id, d.actor, d.period, d.owed_to))
    return out


def handover_line(h: Handover) -> str:
    """A succession on a duty, in a line: who the text names, who carries it, on what ground."""
    side = "the owing body" if h.role == "owed_by" else "the recipient"
    if h.successor is None:
        who = f"stays with {h.predecessor} (no successor known)"
    else:
        who = f"passes from {h.predecessor} to {h.successor}"
    ground = SUCCESSION_GROUNDS.get(
        h.asserted_by, f"a reading, interpretation {h.interpretation}; candidates: "
        f"{', '.join(h.candidates) or 'none'}")
    return (f"Succession {h.succession} ({h.change.replace('_', ' ')} from "
            f"{h.effective.isoformat()}): {side} {who} ({ground})"
            + (f"; {h.note}" if h.note else ""))


def _window_context(rs: RuleSet, lo: dt.datetime, hi: dt.datetime, actor: str | None,
                    sites: Iterable[Mapping[str, Any]] | None,
                    actors: Mapping[str, Iterable[str]] | None,
                    successions: Iterable[Any] | None) -> Context | None:
    """Who owes what over the window (the actor checked), or None when the whole window
    is before the rule set is in force: nothing falls due in it."""
    if lo >= hi:
        raise EvaluationError(f"start ({lo.isoformat()}) is not before end ({hi.isoformat()})")
    in_force = rs.instrument.date_of("in_force")
    before = in_force is not None and hi <= dt.datetime(
        in_force.year, in_force.month, in_force.day, tzinfo=LOCAL)
    if in_force is not None and before:
        ctx = Context(rs, as_of=end_of_day(in_force), sites=sites, actors=actors,
                      successions=successions)
    else:
        ctx = Context(rs, as_of=hi, since=lo, sites=sites, actors=actors,
                      successions=successions)
    if actor is not None:
        _check_actor(rs, ctx, actor)
    return None if before else ctx


def _check_actor(rs: RuleSet, ctx: Context, actor: str) -> None:
    declared = rs.actor(actor)
    operators = {s.operator for s in ctx.sites.values() if s.operator}
    if declared is not None and declared.kind != "body":
        raise EvaluationError(
            f"{rs.id}: {actor!r} is a {declared.kind}, not a body; name one of its members "
            "(groups and roles owe duties through their members and the sites' operators)")
    if declared is None and actor not in ctx.actor_groups and actor not in operators:
        bodies = sorted(a.id for a in rs.actors if a.kind == "body")
        raise EvaluationError(
            f"{rs.id}: unknown actor {actor!r}; declared bodies: {', '.join(bodies)} "
            "(or pass it in actors=... / as the operator of a site)")


def to_ics(duties: Sequence[Duty], name: str | None = None,
           stamp: dt.datetime | None = None, *, remind_days: int | None = 3,
           rule_set: RuleSet | None = None) -> bytes:
    """The duties as an iCalendar file (RFC 5545).

    A duty due at the end of day D is an all-day event on D; one due at an hour
    is a timed event at that instant (in Asia/Ho_Chi_Minh, with its VTIMEZONE).
    UIDs are stable (rule set, rule, actor, period); DESCRIPTION carries the
    article and its quote, and names bodies as `rule_set` names them (ids otherwise).
    Each event reminds `remind_days` days before it (a VALARM; None or 0: no reminder).
    `stamp` (DTSTAMP) defaults to now, in UTC.
    """
    from icalendar import Alarm, Calendar, Event

    def named(actor: str) -> str:
        found = rule_set.actor(actor) if rule_set is not None else None
        return f"{found.name} ({actor})" if found is not None else actor

    zone = ZoneInfo(TIMEZONE)
    stamp = stamp or dt.datetime.now(dt.timezone.utc)
    cal = Calendar.new(prodid="-//quyche//recurring duties//VI", name=name or "quyche",
                       calscale="GREGORIAN", uid=f"quyche.{name or 'schedule'}")
    for d in duties:
        if d.all_day:
            start: dt.date | dt.datetime = d.last_day
            end: dt.date | dt.datetime = d.last_day + dt.timedelta(days=1)
        else:
            start = end = d.due.astimezone(zone)
        src = d.source
        where = cite_text(src)
        instrument = f" ({src.instrument})" if src.instrument else ""
        recipients = ", ".join(named(a) for a in d.owed_to) or "—"
        description = (f"{d.title}\n{d.title_en}\n"
                       f"{where}{instrument}: “{src.quote}”\n"
                       f"Owed by {named(d.actor)} to {recipients}; period {d.period} "
                       f"({d.period_start.isoformat()} – {d.period_end.isoformat()}); "
                       f"due {d.due.isoformat()}."
                       + "".join(f"\n{handover_line(h)}" for h in d.successions))
        event = Event.new(uid=d.uid, stamp=stamp, start=start, end=end,
                          summary=f"{d.title} — {d.actor} ({d.period})",
                          description=description, categories=[d.rule_set, d.rule_id])
        event.add("x-quyche-rule-set", d.rule_set)
        event.add("x-quyche-rule-id", d.rule_id)
        event.add("x-quyche-actor", d.actor)
        event.add("x-quyche-period", d.period)
        event.add("x-quyche-due", d.due.isoformat())
        for h in d.successions:
            event.add("x-quyche-succession", h.succession)
        if remind_days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{d.title} — {named(d.actor)} ({d.period})")
            alarm.add("trigger", dt.timedelta(days=-remind_days))
            event.add_component(alarm)
        cal.add_component(event)
    if any(not d.all_day for d in duties):
        cal.add_missing_timezones()
    ical: bytes = cal.to_ical()
    return ical

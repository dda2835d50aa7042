"""Triggered duties: raised by an event, owed by whom it names, discharged by an answer.

Intake (`TriggerIntake`, one per evaluation) asks the matcher (`matching`) which duties
an event raises, resolves their owners and recipients (`parties`) and deadline
(`time.deadlines`, or the event's own `due` for a request), and keeps every event that
names another as a candidate answer.
At the end each raised duty takes its first fitting answer; an answer that fits no duty
says why in a warning.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from ...errors import CalendarError
from ...events import REFERABLE, REFERENCE_FIELDS
from ...model import EVENT_ACTOR, Deadline, Obligation
from ...report import Handover, ObligationStatus, Violation
from ...successions import Sides, with_delivery_notes
from ...time.deadlines import triggered_due
from ...time.instants import day_of, local
from ..context import Context
from ..ledger import Answer, IdleRequest, Ledger, RaisedDuty
from ..matching import TriggerMatcher
from ..parties import accepts_recipient, recipients, trigger_owners
from ..statuses import status
from ..validity import Reject, check_at, check_site

__all__ = ["UNNAMED", "TriggerIntake", "answer", "triggered_statuses"]

#: The owner of a duty owed by "whoever the event names" when the event names no one.
UNNAMED = "unnamed"


class TriggerIntake:
    """The intake of the events that raise duties or answer them, under one evaluation.

    What an event type can do is worked out once: under which fields its events are kept
    as candidate answers. The matcher is still asked per event which duties its type
    feeds (`TriggerMatcher.duties`); each event's instant is read once, and a deadline
    that runs in days is worked out once per local day of the triggers it follows.
    """

    def __init__(self, ctx: Context, matcher: TriggerMatcher) -> None:
        self.ctx, self.matcher = ctx, matcher
        #: event type -> (field, kept when it names nothing) for each candidate answer its
        #: events make: the rule set's discharge fields (an answer naming nothing is kept
        #: under "" and reported at the end), then the field by which the event names
        #: another, kept whatever the rule set, so that a name matching no event of the
        #: stream is reported the same everywhere (finalize)
        answers: dict[str, list[tuple[str, bool]]] = {}
        for event_type, ref_field in ctx.discharge_refs:
            if ref_field is not None:
                answers.setdefault(event_type, []).append((ref_field, True))
        for event_type, field in REFERENCE_FIELDS.items():
            if (event_type, field) not in ctx.discharge_refs:
                answers.setdefault(event_type, []).append((field, False))
        self._answers = {t: tuple(fields) for t, fields in answers.items()}
        self._kinds = {site: info.kind for site, info in ctx.sites.items()}
        #: (deadline, local day of the trigger) -> epoch seconds of the duty's due instant
        self._due: dict[tuple[int, int], float] = {}
        #: deadline -> its hours, when it runs in hours (None: in days)
        self._hours: dict[int, int | None] = {}

    def on_event(self, ledger: Ledger, ev: Any) -> None:
        """An event that may raise duties and may answer another (incident, feedback, ...)."""
        ctx = self.ctx
        ts = ev.at.timestamp()
        if ts > ctx.as_of_ts:
            check_at(ctx, ev.at)  # refused: says why
        site = getattr(ev, "site", None)
        if site is not None and site not in ctx.sites:
            check_site(ctx, site)  # refused: says why
        self.raise_duties(ledger, ev, ts)
        fields = self._answers.get(ev.type)
        if fields is not None:
            self.note_answer(ledger, ev, ts, fields)

    def on_request(self, ledger: Ledger, ev: Any) -> None:
        """A request raises its duties on the body asked (`to`), owed to the body that
        asked, due when the request says, else by the rule set's deadline."""
        ts = check_at(self.ctx, ev.at)
        if ev.due is not None and ev.due <= ev.at:
            raise Reject(f"due: {ev.due.isoformat()} is not after at {ev.at.isoformat()}")
        raised = len(ledger.triggers)
        self.raise_duties(ledger, ev, ts, owner=ev.to, owed_to=(ev.actor,), due=ev.due)
        if len(ledger.triggers) == raised:
            ledger.idle_requests.append(IdleRequest(ev.id or "(no id)", ev.kind, ev.to))

    def raise_duties(self, ledger: Ledger, ev: Any, ts: float, owner: str | None = None,
                     owed_to: tuple[str, ...] | None = None,
                     due: dt.datetime | None = None) -> None:
        """Raise the duties `ev` (at `ts`) triggers; `owner`, `owed_to` and `due`, when
        given, are the event's own (a request names who must answer, who asked, and by
        when)."""
        rules = self.matcher.duties(ev.type)
        ident = ev.id
        if ident and (rules or ev.type in REFERABLE):
            if ident in ledger.trigger_ids:
                ledger.duplicate_ids.add(ident)
            ledger.trigger_ids.add(ident)
        if not rules:
            return
        ctx = self.ctx
        data = ev.model_dump()
        view = data if owner is None else {**data, "actor": owner}
        ident = ident or f"#{ev.type}@{ev.at.isoformat()}"  # the same in any partition
        site = data.get("site")
        for ob, condition, exceptions in rules:
            if not condition(data):
                continue
            if ob.site_kinds is not None and site is not None and (
                    self._kinds.get(site) not in (None, *ob.site_kinds)):
                continue  # a duty for some kinds of site, raised at a site of another kind
            owners = trigger_owners(ctx, ob, view)
            if not owners and EVENT_ACTOR in ob.owed_by and not view.get("actor"):
                owners = [UNNAMED]  # the duty exists; the event does not say whose it is
            if not owners:
                continue
            exception = None
            for ex, test in exceptions:  # the first that holds applies
                if test(data):
                    exception = ex
                    break
            if due is not None:
                exception, ends = None, due.timestamp()  # the event's own deadline prevails
            else:
                deadline = exception.deadline if exception else ob.deadline
                assert deadline is not None  # a triggered duty has one (model validation)
                ends = self._due_ts(deadline, ev.at, ts)
            to = owed_to if owed_to is not None else tuple(recipients(ctx, ob, data))
            ledger.triggers.append(RaisedDuty(ob.id, ident, ts, tuple(owners), ends, to,
                                              exception.id if exception else None))

    def _due_ts(self, deadline: Deadline, at: dt.datetime, ts: float) -> float:
        """When a duty raised at `at` expires (epoch seconds); refused past the calendar."""
        hours = self._hours.get(id(deadline), -1)
        if hours == -1:
            hours = self._hours[id(deadline)] = (
                deadline.amount if deadline.kind == "hours" else None)
        if hours is not None:
            if ts.is_integer() and type(at.tzinfo) is dt.timezone:
                return ts + hours * 3600  # whole seconds at a fixed offset: exact
            # (in a zone with summer time, adding hours to a datetime is wall-clock time)
            key = None
        else:
            # a deadline in days depends only on the local day (of the one offset the
            # calendar's years have)
            key = (id(deadline), day_of(ts)) if ts >= self.ctx.first_day_ts else None
            found = self._due.get(key) if key is not None else None
            if found is not None:
                return found
        ctx = self.ctx
        try:
            found = triggered_due(deadline, at, ctx.rule_set.policies, ctx.calendar).timestamp()
        except CalendarError as exc:
            raise Reject(f"at: {exc}") from None
        if key is not None:
            self._due[key] = found
        return found

    @staticmethod
    def note_answer(ledger: Ledger, ev: Any, ts: float,
                    fields: tuple[tuple[str, bool], ...]) -> None:
        """Keep an event that names another under each of `fields`, as a candidate to
        discharge it."""
        hit = None
        for ref_field, keep_blank in fields:
            ref = getattr(ev, ref_field, None)
            if not ref and not keep_blank:
                continue
            if hit is None:
                hit = Answer(ts, ev.id or "", getattr(ev, "actor", None) or "",
                             getattr(ev, "to", None) or "")
            ledger.discharges.setdefault((ev.type, ref_field, ref or ""), []).append(hit)


class _Sides:
    """Who carries each side of a duty (`Successions.sides_on`), asked once per duty,
    owner, recipients and day: many duties of a stream share them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._on: dict[tuple[str, str, tuple[str, ...], dt.date], Sides] = {}
        self._due: dict[tuple[str, str, tuple[str, ...], float], Sides] = {}
        self._days: dict[int, dt.date] = {}
        self.instants: dict[float, dt.datetime] = {}

    def local(self, ts: float) -> dt.datetime:
        """`local(ts)`, once per instant."""
        found = self.instants.get(ts)
        if found is None:
            found = self.instants[ts] = local(ts)
        return found

    def day(self, ts: float) -> dt.date:
        """The local date of `ts` (once per day within the calendar's years)."""
        if ts < self.ctx.first_day_ts:
            return local(ts).date()
        day = day_of(ts)
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = local(ts).date()
        return found

    def due(self, ob: Obligation, owner: str, owed_to: tuple[str, ...], due_ts: float
            ) -> Sides:
        """Who owes `ob` at its due instant, and to whom (`Successions.sides`)."""
        key = (ob.id, owner, owed_to, due_ts)
        found = self._due.get(key)
        if found is None:
            found = self._due[key] = self.ctx.successions.sides(
                ob, owner, owed_to, self.local(due_ts))
        return found

    def on(self, ob: Obligation, owner: str, owed_to: Sequence[str], ts: float) -> Sides:
        """The bodies in office on the local day of `ts` (`Successions.sides_on`)."""
        day = self.day(ts)
        key = (ob.id, owner, tuple(owed_to), day)
        found = self._on.get(key)
        if found is None:
            found = self._on[key] = self.ctx.successions.sides_on(ob, owner, owed_to, day)
        return found


def triggered_statuses(ctx: Context, ledger: Ledger, violations: list[Violation],
                       warnings: list[str]) -> list[ObligationStatus]:
    """Every duty an event raised, with its status; why each unused answer discharged nothing."""
    by_id: dict[str, Obligation] = {}
    for ob in ctx.rule_set.obligations:
        by_id.setdefault(ob.id, ob)  # as RuleSet.obligation finds it
    sides_of = _Sides(ctx)
    obligations: list[ObligationStatus] = []
    # Triggered duties. An answer that discharges no duty of its trigger says why, once per
    # duty it was offered to; one that discharges some duty of the trigger says nothing.
    answered: set[tuple[str, str, str]] = set()
    used: set[tuple[Any, ...]] = set()
    refused: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for rule_id, trigger_id, trigger_ts, owners, due_ts, owed_to, exception in ledger.triggers:
        ob = by_id[rule_id]  # raised by this rule set's reader
        key = (ob.discharged_by.event, ob.discharged_by.ref_field or "", trigger_id)
        answered.add(key)
        if due_ts <= ctx.since_ts:
            continue
        due = sides_of.local(due_ts)
        if UNNAMED in owners:
            warnings.append(f"{trigger_id}: {rule_id} is owed by whoever the event names, and "
                            f"it names no actor; reported as {UNNAMED!r}")
        for owner in owners:
            if owed_to == (owner,):
                continue  # the body the duty is owed to found the trigger itself: no duty
            sides = sides_of.due(ob, owner, owed_to, due_ts)
            hit = answer(ctx, ob, owner, owed_to, trigger_id, trigger_ts,
                         ledger.discharges.get(key, ()), refused, sides_of)
            if hit is not None:
                used.add((trigger_id, *hit))
            by, at = (hit[1] or None, sides_of.local(hit[0])) if hit else (None, None)
            handovers: Sequence[Handover] = sides.handovers
            if handovers and hit:
                handovers = with_delivery_notes(handovers, hit[2] or None, hit[3] or None,
                                                sides_of.day(hit[0]))
            obligations.append(status(ctx, ob, sides.owner, None, due, trigger_id, by, at,
                                      violations, sides.owed_to, exception,
                                      handovers=handovers))
    for offered, reasons in refused.items():
        if offered not in used:
            warnings.extend(dict.fromkeys(reasons))
    warnings.extend(_unused_answers(ctx, ledger, answered))
    return obligations


def _unused_answers(ctx: Context, ledger: Ledger, answered: set[tuple[str, str, str]]
                    ) -> list[str]:
    """Why each event naming another that answered no duty discharged nothing."""
    warnings: list[str] = []
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
    return warnings

def answer(ctx: Context, ob: Obligation, owner: str, owed_to: Sequence[str], trigger_id: str,
           trigger_ts: float, hits: Iterable[Answer],
           refused: dict[tuple[Any, ...], list[str]], sides: _Sides | None = None
           ) -> Answer | None:
    """The first event that answers a triggered duty for `owner`, or None.

    Like a submission, an answer counts only when it comes from the owing body (or names
    no body), is addressed to a body the duty is owed to (or to no one), and is not dated
    before the event it answers; for each answer that fails, `refused` gets why.
    """
    sides = sides or _Sides(ctx)
    for hit in sorted(hits):
        ts, ident, actor, to = hit
        name = ident or f"a {ob.discharged_by.event} event"
        # the bodies in office on the answer's day (`owner`, `owed_to` as the text writes them)
        now = sides.on(ob, owner, owed_to, ts)
        if ts < trigger_ts:
            why = f"is dated {local(ts).isoformat()}, before {trigger_id}"
        elif actor and owner != UNNAMED and actor not in now.owner_accepts:
            why = f"comes from {actor}, not from {now.owner}"
        elif not accepts_recipient(ctx, now.owed_to, to or None) and to not in now.to_accepts:
            also = sorted(now.to_accepts - set(now.owed_to))
            why = f"is addressed to {to}, not to {', '.join(now.owed_to)}" + (
                f" (nor, while its successor is a reading, to {', '.join(also)})"
                if also else "")
        else:
            return hit
        refused[(trigger_id, *hit)].append(
            f"{name}: answers {trigger_id} but {why}; it does not discharge {owner}'s {ob.id}")
    return None

"""Triggered duties: raised by an event, owed by whom it names, discharged by an answer.

Intake asks the matcher (`matching`) which duties an event raises, resolves their
owners and recipients (`parties`) and deadline (`time.deadlines`, or the event's own
`due` for a request), and keeps every event that names another as a candidate answer.
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
from ...model import EVENT_ACTOR, Obligation
from ...report import Handover, ObligationStatus, Violation
from ...successions import with_delivery_notes
from ...time.deadlines import triggered_due
from ...time.instants import local
from ..context import Context
from ..ledger import Answer, IdleRequest, Ledger, RaisedDuty
from ..matching import TriggerMatcher
from ..parties import accepts_recipient, recipients, trigger_owners
from ..statuses import status
from ..validity import Reject, check_at

__all__ = ["UNNAMED", "answer", "note_answer", "on_request", "raise_duties",
           "triggered_statuses"]

#: The owner of a duty owed by "whoever the event names" when the event names no one.
UNNAMED = "unnamed"


def raise_duties(ctx: Context, ledger: Ledger, matcher: TriggerMatcher, ev: Any,
                 owner: str | None = None, owed_to: tuple[str, ...] | None = None,
                 due: dt.datetime | None = None) -> None:
    """Raise the duties `ev` triggers; `owner`, `owed_to` and `due`, when given, are the
    event's own (a request names who must answer, who asked, and by when)."""
    rules = matcher.duties(ev.type)
    if ev.id and (rules or ev.type in REFERABLE):
        if ev.id in ledger.trigger_ids:
            ledger.duplicate_ids.add(ev.id)
        ledger.trigger_ids.add(ev.id)
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
                ctx.site_kind(site) not in (None, *ob.site_kinds)):
            continue  # a duty for some kinds of site, raised at a site of another kind
        owners = trigger_owners(ctx, ob, view)
        if not owners and EVENT_ACTOR in ob.owed_by and not view.get("actor"):
            owners = [UNNAMED]  # the duty exists; the event does not say whose it is
        if not owners:
            continue
        exception = next((ex for ex, test in exceptions if test(data)), None)
        if due is not None:
            exception, ends = None, due  # the event's own deadline prevails
        else:
            try:
                deadline = exception.deadline if exception else ob.deadline
                assert deadline is not None  # a triggered duty has one (model validation)
                ends = triggered_due(deadline,
                                     ev.at, ctx.rule_set.policies, ctx.calendar)
            except CalendarError as exc:
                raise Reject(f"at: {exc}") from None
        to = owed_to if owed_to is not None else tuple(recipients(ctx, ob, data))
        ledger.triggers.append(RaisedDuty(ob.id, ident, ev.at.timestamp(), tuple(owners),
                                          ends.timestamp(), to,
                                          exception.id if exception else None))


def on_request(ctx: Context, ledger: Ledger, matcher: TriggerMatcher, ev: Any) -> None:
    """A request raises its duties on the body asked (`to`), owed to the body that asked,
    due when the request says, else by the rule set's deadline."""
    check_at(ctx, ev.at)
    if ev.due is not None and ev.due <= ev.at:
        raise Reject(f"due: {ev.due.isoformat()} is not after at {ev.at.isoformat()}")
    raised = len(ledger.triggers)
    raise_duties(ctx, ledger, matcher, ev, owner=ev.to, owed_to=(ev.actor,), due=ev.due)
    if len(ledger.triggers) == raised:
        ledger.idle_requests.append(IdleRequest(ev.id or "(no id)", ev.kind, ev.to))


def note_answer(ctx: Context, ledger: Ledger, ev: Any) -> None:
    """Keep an event that names another (`ref_field`), as a candidate to discharge it."""
    for event_type, ref_field in ctx.discharge_refs:
        if event_type == ev.type and ref_field is not None:
            # An answer naming nothing is kept under "" and reported at the end.
            ref = getattr(ev, ref_field, None) or ""
            ledger.discharges.setdefault((ev.type, ref_field, ref), []).append(
                Answer(ev.at.timestamp(), ev.id or "", getattr(ev, "actor", None) or "",
                       getattr(ev, "to", None) or ""))
    # An event naming another is kept whatever the rule set, so that a name matching no
    # event of the stream is reported the same everywhere (finalize).
    field = REFERENCE_FIELDS.get(ev.type)
    if field and (ev.type, field) not in ctx.discharge_refs and getattr(ev, field, None):
        ledger.discharges.setdefault((ev.type, field, getattr(ev, field)), []).append(
            Answer(ev.at.timestamp(), ev.id or "", getattr(ev, "actor", None) or "",
                   getattr(ev, "to", None) or ""))


def triggered_statuses(ctx: Context, ledger: Ledger, violations: list[Violation],
                       warnings: list[str]) -> list[ObligationStatus]:
    """Every duty an event raised, with its status; why each unused answer discharged nothing."""
    rs = ctx.rule_set
    obligations: list[ObligationStatus] = []
    # Triggered duties. An answer that discharges no duty of its trigger says why, once per
    # duty it was offered to; one that discharges some duty of the trigger says nothing.
    answered: set[tuple[str, str, str]] = set()
    used: set[tuple[Any, ...]] = set()
    refused: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for rule_id, trigger_id, trigger_ts, owners, due_ts, owed_to, exception in ledger.triggers:
        ob = rs.obligation(rule_id)
        assert ob is not None  # raised by this rule set's reader
        key = (ob.discharged_by.event, ob.discharged_by.ref_field or "", trigger_id)
        answered.add(key)
        due = local(due_ts)
        if due <= ctx.since:
            continue
        if UNNAMED in owners:
            warnings.append(f"{trigger_id}: {rule_id} is owed by whoever the event names, and "
                            f"it names no actor; reported as {UNNAMED!r}")
        for owner in owners:
            if owed_to == (owner,):
                continue  # the body the duty is owed to found the trigger itself: no duty
            sides = ctx.successions.sides(ob, owner, owed_to, due)
            hit = answer(ctx, ob, owner, owed_to, trigger_id, trigger_ts,
                         ledger.discharges.get(key, ()), refused)
            if hit is not None:
                used.add((trigger_id, *hit))
            by, at = (hit[1] or None, local(hit[0])) if hit else (None, None)
            handovers: Sequence[Handover] = sides.handovers
            if handovers and hit:
                handovers = with_delivery_notes(handovers, hit[2] or None, hit[3] or None,
                                                local(hit[0]).date())
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
           refused: dict[tuple[Any, ...], list[str]]) -> Answer | None:
    """The first event that answers a triggered duty for `owner`, or None.

    Like a submission, an answer counts only when it comes from the owing body (or names
    no body), is addressed to a body the duty is owed to (or to no one), and is not dated
    before the event it answers; for each answer that fails, `refused` gets why.
    """
    for hit in sorted(hits):
        ts, ident, actor, to = hit
        name = ident or f"a {ob.discharged_by.event} event"
        # the bodies in office on the answer's day (`owner`, `owed_to` as the text writes them)
        now = ctx.successions.sides_on(ob, owner, owed_to, local(ts).date())
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

"""Recurring duties: one per owing actor and period, discharged by submissions or backups.

Intake keeps each submission; at the end the periods of each recurring obligation
(`time.periods`) times its owners and recipients (`parties`) make the duty slots,
which submissions in time order and backups inside a period then fill.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...model import Obligation
from ...render import count
from ...report import Handover, ObligationStatus, Violation
from ...successions import with_delivery_notes
from ...time.deadlines import Period, end_of_day, local_date
from ...time.instants import local
from ...time.periods import duty_periods
from ..context import Context
from ..ledger import Ledger, Submission
from ..parties import accepts_recipient, owners, period_recipients, recurring_sides
from ..statuses import status
from ..validity import PERIOD_RE, Reject, check_at

__all__ = ["Slot", "on_submission", "recurring_statuses"]


@dataclass(slots=True)
class Slot:
    """One recurring duty of one owner for one period, and what discharged it."""

    ob: Obligation
    owner: str  # the body in office at the due date
    period: Period
    to: list[str]
    # owner_w, to_w: as the text writes them; a delivery counts when it comes from (and
    # goes to) the bodies in office on its own day
    owner_w: str
    to_w: list[str]
    handovers: Sequence[Handover]
    by: str | None = None
    at: dt.datetime | None = None
    via: tuple[str, str | None, dt.date] | None = None  # (actor, to, day) of the delivery


def on_submission(ctx: Context, ledger: Ledger, ev: Any) -> float:
    """The intake hook of `submission` (its triggers and outline are the reader's next steps)."""
    ts = check_at(ctx, ev.at)
    if ev.kind not in ctx.kinds:
        raise Reject(f"kind: {ev.kind!r} is not a submission kind of "
                     f"{ctx.rule_set.id}; expected one of "
                     f"{', '.join(sorted(ctx.kinds)) or 'none'}")
    if ev.period is not None and not PERIOD_RE.match(ev.period):
        raise Reject(f"period: {ev.period!r} is not a period like 2024, 2024-H1, "
                     "2024-Q3, 2024-07")
    ledger.submissions.append(Submission(ev.actor, ev.kind, ts, ev.id or "", ev.period, ev.to))
    return ts


def recurring_statuses(ctx: Context, ledger: Ledger, violations: list[Violation],
                       warnings: list[str]) -> list[ObligationStatus]:
    """Every recurring duty of the window with its status (violations and warnings filed)."""
    rs = ctx.rule_set
    first_day, last_day = local_date(ctx.since), local_date(ctx.as_of)
    open_slots: dict[tuple[str, str], list[Slot]] = defaultdict(list)
    slots: list[Slot] = []
    for ob in rs.obligations:
        if ob.recurrence is None:
            continue
        owing, recipients = owners(ctx, ob), period_recipients(ctx, ob)
        for period in duty_periods(ob, rs, first_day, last_day, ctx.calendar):
            if period.begins > ctx.as_of or period.due <= ctx.since:
                continue
            for owner, to, sides in recurring_sides(ctx, ob, owing, recipients, period.due):
                slot = Slot(ob, sides.owner, period, sides.owed_to, owner, to,
                            sides.handovers)
                slots.append(slot)
                if ob.discharged_by.event == "submission" and ob.discharged_by.kind:
                    for name in sorted(ctx.successions.names(owner, ob.function)):
                        open_slots[(name, ob.discharged_by.kind)].append(slot)
    warnings.extend(_allocate_submissions(ctx, ledger, open_slots))
    _allocate_backups(ctx, ledger, slots)
    out = []
    for slot in slots:
        handovers = slot.handovers
        if handovers and slot.via:
            handovers = with_delivery_notes(handovers, *slot.via)
        out.append(status(ctx, slot.ob, slot.owner, slot.period.label, slot.period.due, None,
                          slot.by, slot.at, violations, slot.to, handovers=handovers))
    return out


def _allocate_submissions(ctx: Context, ledger: Ledger,
                          open_slots: Mapping[tuple[str, str], list[Slot]]
                          ) -> list[str]:
    """Submissions, in time order, discharge their named period, else the oldest begun one.

    Going through submissions in time order means a later submission can never take a
    period an earlier one already met: adding an event only makes fulfilments earlier.
    Returns a warning for each actor and kind whose submissions discharged nothing.
    """
    by_key: dict[tuple[str, str], list[Submission]] = defaultdict(list)
    for sub in ledger.submissions:
        by_key[(sub.actor, sub.kind)].append(sub)
    roles = {a.id for a in ctx.rule_set.actors if a.kind == "role"}
    warnings = []
    for key, subs in sorted(by_key.items()):
        candidates = sorted(open_slots.get(key, []),
                            key=lambda s: (s.period.due, s.ob.id, s.period.label,
                                           s.to))
        unused = []
        owes = False  # whether the actor owed any of these duties on a submission's day
        # A total order: submissions at the same instant never keep the input's order.
        for sub in sorted(subs, key=lambda s: (s.at, s.id, s.period or "", s.to or "")):
            to = None if sub.to in roles else sub.to  # addressed to the role: every operator
            day = local(sub.at).date()
            owes = owes or any(sub.actor in ctx.successions.sides_on(
                s.ob, s.owner_w, s.to_w, day).owner_accepts for s in candidates)
            refusals = _deliver(ctx, sub, to, day, candidates)
            if refusals is None:
                continue
            refused, also = refusals
            if refused:
                warnings.append(
                    f"{sub.id or '(no id)'}: submission of kind {key[1]!r} by {key[0]!r} is "
                    f"addressed to {to!r}, not to {', '.join(refused)}"
                    + (f" (nor, while its successor is a reading, to {', '.join(also)})"
                       if also else "") + "; it discharges nothing")
            else:
                unused.append(sub.id or "(no id)")
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


def _deliver(ctx: Context, sub: Submission, to: str | None, day: dt.date,
             candidates: list[Slot]) -> tuple[list[str], list[str]] | None:
    """Discharge the first open duty `sub` fits: None when it did; else the recipients that
    refused it, and those that would count while a successor is only a reading."""

    def fits(slot: Slot) -> bool:
        return slot.at is None and (
            (sub.period is None and slot.period.begins.timestamp() <= sub.at)
            or (sub.period is not None and slot.period.label == sub.period)) and (
            sub.actor in ctx.successions.sides_on(  # from a body in office that day
                slot.ob, slot.owner_w, slot.to_w, day).owner_accepts)

    refused: list[str] = []
    also: list[str] = []
    for slot in candidates:
        if not fits(slot):
            continue
        now = ctx.successions.sides_on(slot.ob, slot.owner_w, slot.to_w, day)
        if not (accepts_recipient(ctx, now.owed_to, to) or to in now.to_accepts):
            refused.extend(r for r in now.owed_to if r not in refused)
            also.extend(r for r in sorted(now.to_accepts)
                        if r not in now.owed_to and r not in also)
            continue
        slot.by, slot.at = sub.id or None, local(sub.at)
        slot.via = (sub.actor, to, day)
        if to is None:
            # Addressed to no one in particular: it reaches every recipient of the duty,
            # each taking it for its own oldest open period (or the one named).
            reached = {tuple(slot.to)}
            for other in candidates:
                if other.ob is slot.ob and tuple(other.to) not in reached and fits(other):
                    other.by, other.at, other.via = slot.by, slot.at, slot.via
                    reached.add(tuple(other.to))
        return None
    return refused, also


def _allocate_backups(ctx: Context, ledger: Ledger, slots: list[Slot]) -> None:
    """A backup inside a period discharges that period's backup duty of its owner."""
    wanted = [s for s in slots if s.ob.discharged_by.event == "backup"]
    if not wanted:
        return
    backups = sorted((ts, ident, site, actor) for ident, (ts, site, actor) in
                     ledger.backups.items())
    for slot in wanted:
        lo = slot.period.begins.timestamp()
        hi = end_of_day(slot.period.end).timestamp()
        for ts, ident, site, actor in backups:
            if not lo <= ts < hi:
                continue
            operator = ctx.sites[site].operator if site in ctx.sites else None
            now = ctx.successions.sides_on(slot.ob, slot.owner_w, slot.to_w,
                                           local(ts).date())
            if actor in now.owner_accepts or (actor is None and (
                    operator == slot.owner or site is None)):
                slot.by = None if ident.startswith("#") else ident
                slot.at = local(ts)
                break

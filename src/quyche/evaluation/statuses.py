"""A duty's status (open, met, late, missed) and the violation a late or missed one files.

Shared by the recurring and triggered kinds: both end in one `ObligationStatus` per
duty, worded the same way in Vietnamese and English, built as validation would build it
from values valid by construction (`report_records`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..model import Obligation
from ..report import Handover, ObligationStatus, Violation
from .context import Context
from .report_records import obligation_status, violation

__all__ = ["deadline_words", "status"]


def status(ctx: Context, ob: Obligation, owner: str, period: str | None, due: dt.datetime,
           trigger: str | None, by: str | None, at: dt.datetime | None,
           violations: list[Violation], owed_to: list[str] | None = None,
           exception: str | None = None, handovers: Sequence[Handover] = ()
           ) -> ObligationStatus:
    """The status of one duty; a late or missed one also files its violation."""
    if at is not None:
        state = "met" if at <= due else "late"
    else:
        state = "missed" if ctx.as_of > due else "open"
    applied = next((ex for ex in ob.exceptions if ex.id == exception), None)
    citation = ctx.cite(applied.source if applied else ob.source)
    what = f"{ob.title.vi}" + (f" ({period})" if period else "")
    what_en = f"{ob.title.en}" + (f" ({period})" if period else "")
    if period and owed_to is not None and list(owed_to) != list(ob.owed_to):
        what += f" → {', '.join(owed_to)}"  # one of the duties a role's members are owed
        what_en += f" → {', '.join(owed_to)}"
    if applied:
        what += f" [ngoại lệ {applied.id}: {deadline_words(applied.deadline)[0]}]"
        what_en += f" [exception {applied.id}: {deadline_words(applied.deadline)[1]}]"
    events = [e for e in (trigger, by) if e and not e.startswith("#")]
    if state == "late" and at is not None:
        violations.append(violation(
            rule_id=ob.id, kind="late", actor=owner, when=at.isoformat(), period=period,
            message=f"{what}: thực hiện muộn, hạn {due.isoformat()}",
            message_en=f"{what_en}: done late, due {due.isoformat()}",
            source=citation, events=events, successions=list(handovers)))
    elif state == "missed":
        violations.append(violation(
            rule_id=ob.id, kind="missed", actor=owner, when=due.isoformat(), period=period,
            message=f"{what}: chưa thực hiện, quá hạn {due.isoformat()}",
            message_en=f"{what_en}: not done, overdue since {due.isoformat()}",
            source=citation, events=events, successions=list(handovers)))
    return obligation_status(
        rule_id=ob.id, title=ob.title.vi, actor=owner,
        owed_to=list(ob.owed_to if owed_to is None else owed_to), period=period,
        due=due, status=state, trigger=trigger, fulfilled_by=by, fulfilled_at=at,
        exception=exception, source=citation, successions=list(handovers))


def deadline_words(deadline: Any) -> tuple[str, str]:
    n = deadline.amount
    return {
        "hours": (f"{n} giờ", f"{n} hours"),
        "days": (f"{n} ngày", f"{n} days"),
        "working_days": (f"{n} ngày làm việc", f"{n} working days"),
        "same_day": ("ngay trong ngày", "the same day"),
    }[deadline.kind]

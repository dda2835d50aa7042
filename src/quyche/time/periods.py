"""Recurring duties expanded into their periods: one place for evaluation, schedule, explain.

A recurring obligation owes one duty per period of its recurrence: the periods come
from `deadlines.periods`; a duty that reports on the rule set's data period
(`data_period: reporting`) covers that period instead of the calendar one (its due
instant does not move); and a duty dated by `effective_from`/`effective_until` has
only the periods that overlap those dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..model import Obligation, RuleSet
from .calendar import VietnamCalendar
from .deadlines import Period, covering, periods

__all__ = ["duty_periods"]


def duty_periods(ob: Obligation, rule_set: RuleSet, first: dt.date, last: dt.date,
                 cal: VietnamCalendar | None = None, *, as_reported: bool = True
                 ) -> Iterator[Period]:
    """The periods of recurring duty `ob` that begin by `last` and are due from day `first`.

    Periods anchored on the in-force date count from it (from `first` when the text gives
    none). `as_reported=False` keeps the calendar period of a duty that reports on the
    data period (what explain's example shows).
    """
    recurrence = ob.recurrence
    if recurrence is None:
        return
    in_force = rule_set.instrument.date_of("in_force") or first
    for period in periods(recurrence, rule_set.policies, first, last, in_force, cal):
        if as_reported and ob.data_period == "reporting":
            period = covering(period, rule_set.reporting.period)
        if ob.effective_from and period.end < ob.effective_from:
            continue
        if ob.effective_until and period.start > ob.effective_until:
            continue
        yield period

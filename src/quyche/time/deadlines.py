"""Deadline arithmetic: from a rule's deadline or recurrence to the instant a duty expires.

Semantics (docs/contract.md, Bộ luật Dân sự 2015 Điều 147-148), each switchable by the
rule set's `policies`:
- a period in days starts the day after the trigger; its last day, if a weekend
  or holiday, moves to the next working day (`roll_forward_periods`);
- N working days end on the N-th working day after the trigger's day;
- N hours run from the trigger instant; "the same day" ends at 24:00 that day;
- fixed dates ("định kỳ ngày 15", "trước ngày 15/12") are not periods: `before`
  follows `before_date`, and they move only if `roll_forward_fixed_dates`.
A deadline "by the end of day D" is the instant D+1 00:00 local time.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

import pendulum

from ..model import Deadline, Duration, Policies, Recurrence
from ..vocabulary import PERIOD_MONTHS
from .calendar import TIMEZONE, VietnamCalendar, calendar

__all__ = [
    "LOCAL",
    "Period",
    "add_duration",
    "covering",
    "end_of_day",
    "fixed_date_due",
    "local_date",
    "periods",
    "retained_until",
    "triggered_due",
]

#: The zone of every instant quyche writes: the standard library's, so that callers compare
#: and serialise report datetimes without pendulum (used below only for calendar months).
LOCAL = ZoneInfo(TIMEZONE)


def end_of_day(day: dt.date) -> dt.datetime:
    """The instant day D ends: D+1 at 00:00 local time."""
    nxt = day + dt.timedelta(days=1)
    return dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=LOCAL)


def local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(LOCAL).date()


def triggered_due(deadline: Deadline, at: dt.datetime, policies: Policies,
                  cal: VietnamCalendar | None = None) -> dt.datetime:
    """When a duty raised at instant `at` expires."""
    cal = cal or calendar()
    kind, n = deadline.kind, deadline.amount
    if kind == "hours":
        return at + dt.timedelta(hours=n)
    day = local_date(at)
    if kind == "same_day":
        return end_of_day(day)
    if kind == "working_days":
        return end_of_day(cal.add_working_days(day, n))
    last = day + dt.timedelta(days=n)
    if policies.roll_forward_periods.value:
        last = cal.next_working_day(last)
    return end_of_day(last)


def fixed_date_due(day: dt.date, relation: str, policies: Policies,
                   cal: VietnamCalendar | None = None) -> dt.datetime:
    """When a duty with a fixed date expires: `on`/`by` D, or `before` D."""
    last = day
    if relation == "before" and policies.before_date.value == "exclusive":
        last = day - dt.timedelta(days=1)
    if policies.roll_forward_fixed_dates.value:
        last = (cal or calendar()).next_working_day(last)
    return end_of_day(last)


def add_duration(instant: dt.datetime, duration: Duration) -> dt.datetime:
    """`instant` plus a duration; months and years as calendar months (31/1 + 1 month = 29/2)."""
    if duration.hours:
        return instant + dt.timedelta(hours=duration.hours)
    if duration.working_days:
        local = instant.astimezone(LOCAL)
        day = calendar().add_working_days(local.date(), duration.working_days)
        return local.replace(year=day.year, month=day.month, day=day.day)
    moment = pendulum.instance(instant.astimezone(LOCAL))
    moved = moment.add(days=duration.days or 0, months=duration.months or 0,
                       years=duration.years or 0)
    return dt.datetime(moved.year, moved.month, moved.day, moved.hour, moved.minute,
                       moved.second, moved.microsecond, tzinfo=LOCAL)


def retained_until(instant: dt.datetime, duration: Duration, roll_forward: bool = False,
                   cal: VietnamCalendar | None = None) -> dt.datetime:
    """When a thing made at `instant` may go, if it must be kept for `duration`.

    A period in days, months or years runs from the next day and ends at 24:00 of its
    last day (Bộ luật Dân sự Điều 147–148): a backup of 28/07 22:00 kept "06 tháng"
    is kept to the end of 28/01. With `roll_forward` (the rule set's
    `roll_forward_retention` policy), a last day on a weekend or holiday moves to the
    next working day, as Điều 148 khoản 5 moves the end of any period. A period in
    hours runs from the instant itself and never moves.
    """
    if duration.hours:
        return instant + dt.timedelta(hours=duration.hours)
    last = local_date(add_duration(instant, duration))
    if roll_forward:
        last = (cal or calendar()).next_working_day(last)
    return end_of_day(last)


@dataclass(frozen=True, slots=True)
class Period:
    """One period of a recurring duty: its label, first and last day, and due instant."""

    label: str
    start: dt.date
    end: dt.date  # last day, inclusive
    due: dt.datetime

    @property
    def begins(self) -> dt.datetime:
        return dt.datetime(self.start.year, self.start.month, self.start.day, tzinfo=LOCAL)


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, _stdcal.monthrange(year, month + 1)[1]))


def _label(every: str, interval: int, start: dt.date, end: dt.date) -> str:
    if every == "month":
        return f"{start.year}-{start.month:02d}"
    if every == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if every == "half_year":
        return f"{start.year}-H{(start.month - 1) // 6 + 1}"
    if interval == 1 and start.month == 1 and start.day == 1:
        return str(start.year)
    return f"{start.isoformat()}/{end.isoformat()}"


def periods(recurrence: Recurrence, policies: Policies, first: dt.date, last: dt.date,
            in_force: dt.date | None = None, cal: VietnamCalendar | None = None
            ) -> Iterator[Period]:
    """Every period that begins on or before `last` and is due within day `first` or later.

    Calendar-anchored periods start on 1 January (months, quarters, halves, years);
    `anchor: in_force` periods are counted in whole years from `in_force`.
    """
    cal = cal or calendar()
    unit = PERIOD_MONTHS[recurrence.every] * recurrence.interval
    if recurrence.anchor == "in_force":
        if in_force is None:
            return
        start, index = in_force, 0
    else:
        start = dt.date(first.year - 1, 1, 1)
        start = _add_months(start, -((start.month - 1) % unit))
        index = 0
    floor = end_of_day(first - dt.timedelta(days=1))
    origin = in_force or start  # periods anchored on in_force count from it
    while start <= last:
        nxt = _add_months(start, unit) if recurrence.anchor == "calendar" else (
            _add_months(origin, unit * (index + 1)))
        end = nxt - dt.timedelta(days=1)
        number = (start.month - 1) // PERIOD_MONTHS[recurrence.every] + 1
        if recurrence.periods is None or number in recurrence.periods:
            due = _due(recurrence, policies, start, end, cal)
            # A duty due by the end of the day before `first` expired before the window.
            if due > floor:
                yield Period(_label(recurrence.every, recurrence.interval, start, end),
                             start, end, due)
        start, index = nxt, index + 1


def covering(period: Period, reporting: Any) -> Period:
    """A yearly period as the data period it reports on (`reporting`: a ReportingPeriod).

    "thời gian chốt số liệu ... tính từ ngày 15 tháng 12 năm trước kỳ báo cáo đến ngày
    14 tháng 12 của kỳ báo cáo": the 2024 report covers 15/12/2023 to 14/12/2024. The
    due instant does not move.
    """
    def day(year: int, month_day: Any) -> dt.date:
        last = _stdcal.monthrange(year, month_day.month)[1]
        return dt.date(year, month_day.month, min(month_day.day, last))

    year = period.end.year
    start = day(year - 1 if reporting.start_in_previous_year else year, reporting.start)
    return replace(period, start=start, end=day(year, reporting.end))


def _due(recurrence: Recurrence, policies: Policies, start: dt.date, end: dt.date,
         cal: VietnamCalendar) -> dt.datetime:
    if recurrence.anchor == "in_force":
        last = cal.next_working_day(end) if policies.roll_forward_periods.value else end
        return end_of_day(last)
    months_in = PERIOD_MONTHS[recurrence.every] * recurrence.interval
    month_start = _add_months(start, (recurrence.month or months_in) - 1)
    days_in_month = _stdcal.monthrange(month_start.year, month_start.month)[1]
    day = month_start.replace(day=min(recurrence.day or days_in_month, days_in_month))
    if recurrence.month is None and recurrence.day is None:
        # "hằng tháng", "hằng năm" with no date: due by the last day of the period,
        # a fixed date (the calendar month is not a period counted from an event).
        return fixed_date_due(end, "by", policies, cal)
    return fixed_date_due(day, recurrence.relation, policies, cal)

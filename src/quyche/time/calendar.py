"""The Vietnamese working-day calendar, precomputed for fast lookups.

Working days come from the `holidays` package (Vietnam): weekends, Tết and Giỗ
Tổ from the lunar calendar, compensatory days off, and Saturdays made working
days by a swap (`weekend_workdays`). Nothing here is a hand-written holiday list.

The calendar is built for a span of years and extended on demand, so "is D a
working day" is an array lookup and "the N-th working day after D" a bisection.
Beyond the years for which the government has published its swaps, `holidays`
still knows the fixed and lunar holidays but not future swaps; `known_until`
says which year that is, and dates after it are answered from the rules alone.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from functools import lru_cache

import holidays

from ..errors import CalendarError
from ..vocabulary import DAY_KINDS

__all__ = ["FIRST_YEAR", "LAST_YEAR", "TIMEZONE", "VietnamCalendar", "calendar"]

#: Every time quyche reads or writes is in this zone (UTC+7, no daylight saving since 1975).
TIMEZONE = "Asia/Ho_Chi_Minh"

#: The years the calendar can answer for (from reunification; far enough ahead for any deadline).
FIRST_YEAR, LAST_YEAR = 1976, 2200


class VietnamCalendar:
    """Working days and kinds of day, precomputed over a span of years."""

    def __init__(self, first_year: int = 2015, last_year: int = 2035) -> None:
        self._build(first_year, last_year)

    def _build(self, first_year: int, last_year: int) -> None:
        if first_year < FIRST_YEAR or last_year > LAST_YEAR:
            raise CalendarError(
                f"the working-day calendar covers {FIRST_YEAR}-{LAST_YEAR}; "
                f"asked for {first_year}-{last_year}"
            )
        years = range(first_year, last_year + 1)
        vn = holidays.country_holidays("VN", years=years)
        swapped = {d for d in getattr(vn, "weekend_workdays", ()) if first_year <= d.year}
        self.first = dt.date(first_year, 1, 1)
        self.last = dt.date(last_year, 12, 31)
        self._base = self.first.toordinal()
        size = self.last.toordinal() - self._base + 1
        # 0 working day, 1 weekend, 2 holiday: one byte per day.
        kinds = bytearray(size)
        working: list[int] = []
        for offset in range(size):
            day = dt.date.fromordinal(self._base + offset)
            if day in vn:
                kinds[offset] = 2
            elif day.weekday() >= 5 and day not in swapped:
                kinds[offset] = 1
            else:
                working.append(self._base + offset)
        self._kinds = bytes(kinds)
        self._working = working
        self._names = {d: str(n) for d, n in vn.items()}
        self.known_until = max((d.year for d in swapped), default=first_year)

    def _ensure(self, day: dt.date) -> None:
        if not (self.first <= day <= self.last):
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise CalendarError(f"{day.isoformat()} is outside the years the working-day "
                                    f"calendar covers ({FIRST_YEAR}-{LAST_YEAR})")
            self._build(max(FIRST_YEAR, min(self.first.year, day.year - 1)),
                        min(LAST_YEAR, max(self.last.year, day.year + 2)))

    def kind_of(self, day: dt.date) -> str:
        """'working_day', 'weekend' or 'holiday' (a public holiday or compensatory day off)."""
        self._ensure(day)
        return DAY_KINDS[self._kinds[day.toordinal() - self._base]]

    def is_working_day(self, day: dt.date) -> bool:
        self._ensure(day)
        return self._kinds[day.toordinal() - self._base] == 0

    def holiday_name(self, day: dt.date) -> str | None:
        self._ensure(day)
        return self._names.get(day)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n >= 1); `day` itself never counts."""
        if n < 1:
            raise CalendarError(f"n must be at least 1, got {n}")
        self._ensure(day)
        index = bisect_right(self._working, day.toordinal()) + n - 1
        while index >= len(self._working):
            self._build(self.first.year, self.last.year + 5)
            index = bisect_right(self._working, day.toordinal()) + n - 1
        return dt.date.fromordinal(self._working[index])

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end."""
        self._ensure(start)
        self._ensure(end)
        return bisect_right(self._working, end.toordinal()) - bisect_right(
            self._working, start.toordinal()
        )


@lru_cache(maxsize=1)
def calendar() -> VietnamCalendar:
    """The shared calendar instance (built once per process)."""
    return VietnamCalendar()

"""Tests for `quyche.workdays`."""

import datetime as dt

import holidays
import pytest

from quyche import CalendarError, VietnamCalendar, calendar

D = dt.date


class TestKinds:
    def test_swapped_saturday_is_a_working_day(self):
        """Saturday 2024-05-04 was worked in exchange for Monday 2024-04-29."""
        assert calendar().is_working_day(D(2024, 5, 4))
        assert calendar().kind_of(D(2024, 5, 4)) == "working_day"

    def test_swapped_monday_is_a_holiday(self):
        """Monday 2024-04-29 was a compensatory day off."""
        assert not calendar().is_working_day(D(2024, 4, 29))
        assert calendar().kind_of(D(2024, 4, 29)) == "holiday"

    def test_tet_from_lunar_calendar(self):
        """Tết 2025 (29 January) and the days around it are holidays."""
        for day in range(27, 32):
            assert calendar().kind_of(D(2025, 1, day)) == "holiday"

    def test_plain_weekend(self):
        assert calendar().kind_of(D(2024, 6, 1)) == "weekend"
        assert calendar().kind_of(D(2024, 6, 3)) == "working_day"

    def test_agrees_with_holidays_package(self):
        """Every day of 2024-2026 is classified as the holidays package says."""
        vn = holidays.country_holidays("VN", years=range(2024, 2027))
        swapped = set(vn.weekend_workdays)
        day = D(2024, 1, 1)
        while day <= D(2026, 12, 31):
            expected = day not in vn and (day.weekday() < 5 or day in swapped)
            assert calendar().is_working_day(day) == expected, day
            day += dt.timedelta(days=1)


class TestWorkingDayArithmetic:
    def test_known_date(self):
        """7 working days after Friday 2026-04-24 is 2026-05-08 (Giỗ Tổ, 30/4, 1/5 skipped)."""
        assert calendar().add_working_days(D(2026, 4, 24), 7) == D(2026, 5, 8)

    def test_day_itself_never_counts(self):
        assert calendar().add_working_days(D(2024, 6, 3), 1) == D(2024, 6, 4)

    def test_from_a_holiday(self):
        assert calendar().add_working_days(D(2024, 4, 29), 1) == D(2024, 5, 2)

    def test_n_must_be_positive(self):
        with pytest.raises(CalendarError):
            calendar().add_working_days(D(2024, 1, 1), 0)

    def test_between(self):
        assert calendar().working_days_between(D(2026, 4, 24), D(2026, 5, 8)) == 7

    def test_extends_beyond_built_span(self):
        """Dates outside the precomputed years extend the calendar instead of failing."""
        cal = VietnamCalendar(2024, 2024)
        assert cal.add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 2)
        assert cal.kind_of(D(2030, 1, 1)) == "holiday"

    def test_outside_supported_range(self):
        with pytest.raises(CalendarError):
            VietnamCalendar(1900, 1901)

    def test_known_until(self):
        assert calendar().known_until >= 2024

"""Tests for `quyche.deadlines`."""

import datetime as dt
from pathlib import Path

import pytest

from quyche.model import (
    Deadline,
    Duration,
    MonthDay,
    Policies,
    Recurrence,
    ReportingPeriod,
    Source,
)
from quyche.time.deadlines import (
    LOCAL,
    Period,
    add_duration,
    covering,
    end_of_day,
    fixed_date_due,
    periods,
    retained_until,
    triggered_due,
)

D = dt.date


def policies(before="exclusive", roll_periods=True, roll_fixed=False):
    return Policies.model_validate({
        "before_date": {"value": before, "basis": "t"},
        "roll_forward_periods": {"value": roll_periods, "basis": "t"},
        "roll_forward_fixed_dates": {"value": roll_fixed, "basis": "t"},
    })


def at(text):
    return dt.datetime.fromisoformat(text)


def iso(instant):
    return instant.astimezone(LOCAL).isoformat()


class TestTriggered:
    def test_hours_from_the_instant(self):
        due = triggered_due(Deadline(hours=24), at("2024-06-03T15:30:00+07:00"), policies())
        assert iso(due) == "2024-06-04T15:30:00+07:00"

    def test_same_day_ends_at_midnight_local(self):
        """'ngay trong ngày': 24:00 of the trigger's local day, even for a UTC instant."""
        due = triggered_due(Deadline(same_day=True), at("2024-06-03T20:00:00+00:00"),
                            policies())
        assert iso(due) == "2024-06-05T00:00:00+07:00"

    def test_working_days(self):
        due = triggered_due(Deadline(working_days=7), at("2026-04-24T09:00:00+07:00"),
                            policies())
        assert iso(due) == "2026-05-09T00:00:00+07:00"

    def test_days_roll_forward_off_a_weekend(self):
        """Civil Code 148.5: from Wed 5/6 ends Thu 20/6; from Fri 7/6 Sat 22/6 moves to Mon 24/6."""
        assert iso(triggered_due(Deadline(days=15), at("2024-06-05T10:00:00+07:00"),
                                 policies())) == "2024-06-21T00:00:00+07:00"
        assert iso(triggered_due(Deadline(days=15), at("2024-06-07T10:00:00+07:00"),
                                 policies())) == "2024-06-25T00:00:00+07:00"

    def test_days_without_roll_forward(self):
        due = triggered_due(Deadline(days=15), at("2024-06-07T10:00:00+07:00"),
                            policies(roll_periods=False))
        assert iso(due) == "2024-06-23T00:00:00+07:00"


class TestFixedDates:
    def test_before_exclusive(self):
        assert iso(fixed_date_due(D(2024, 12, 15), "before", policies())) == \
            "2024-12-15T00:00:00+07:00"

    def test_before_inclusive(self):
        assert iso(fixed_date_due(D(2024, 12, 15), "before", policies("inclusive"))) == \
            "2024-12-16T00:00:00+07:00"

    def test_on_is_end_of_day(self):
        assert iso(fixed_date_due(D(2024, 6, 15), "on", policies())) == \
            "2024-06-16T00:00:00+07:00"

    def test_fixed_dates_roll_only_when_asked(self):
        """15/6/2024 is a Saturday."""
        assert iso(fixed_date_due(D(2024, 6, 15), "on", policies(roll_fixed=True))) == \
            "2024-06-18T00:00:00+07:00"


class TestPeriods:
    def labels(self, rec, first, last, in_force=None, pol=None):
        return [(p.label, iso(p.due)) for p in
                periods(rec, pol or policies(), first, last, in_force)]

    def test_quarterly_last_month(self):
        got = self.labels(Recurrence(every="quarter", month=3, day=20), D(2024, 7, 1),
                          D(2024, 12, 31))
        assert got == [("2024-Q3", "2024-09-21T00:00:00+07:00"),
                       ("2024-Q4", "2024-12-21T00:00:00+07:00")]

    def test_due_before_first_is_left_out(self):
        """A period due before the window starts is not produced."""
        got = self.labels(Recurrence(every="month", day=15), D(2024, 1, 16), D(2024, 2, 1))
        assert got == [("2024-02", "2024-02-16T00:00:00+07:00")]

    def test_monthly_end_of_month(self):
        got = self.labels(Recurrence(every="month"), D(2024, 2, 1), D(2024, 2, 28))
        assert got == [("2024-02", "2024-03-01T00:00:00+07:00")]

    def test_half_year_first_only(self):
        rec = Recurrence(every="half_year", periods=[1], month=6, day=20, relation="before")
        got = self.labels(rec, D(2024, 1, 1), D(2025, 12, 31))
        assert got == [("2024-H1", "2024-06-20T00:00:00+07:00"),
                       ("2025-H1", "2025-06-20T00:00:00+07:00")]

    def test_yearly_before_date(self):
        rec = Recurrence(every="year", month=12, day=30, relation="before")
        assert self.labels(rec, D(2024, 1, 1), D(2024, 12, 31)) == [
            ("2024", "2024-12-30T00:00:00+07:00")]

    def test_every_three_years_from_in_force(self):
        rec = Recurrence(every="year", interval=3, anchor="in_force")
        got = self.labels(rec, D(2024, 1, 15), D(2030, 1, 1), in_force=D(2024, 1, 15))
        assert got == [("2024-01-15/2027-01-14", "2027-01-15T00:00:00+07:00"),
                       ("2027-01-15/2030-01-14", "2030-01-15T00:00:00+07:00")]

    def test_day_clamped_to_month_length(self):
        got = self.labels(Recurrence(every="month", day=31), D(2024, 2, 1), D(2024, 2, 29))
        assert got == [("2024-02", "2024-03-01T00:00:00+07:00")]

    def test_invalid_recurrences_rejected(self):
        with pytest.raises(ValueError):
            Recurrence(every="quarter", month=4)
        with pytest.raises(ValueError):
            Recurrence(every="month", periods=[1])


class TestCovering:
    def test_the_2024_report_covers_15_12_2023_to_14_12_2024(self):
        period = Period("2024", D(2024, 1, 1), D(2024, 12, 31),
                        at("2024-12-15T00:00:00+07:00"))
        data = ReportingPeriod(start=MonthDay(month=12, day=15), end=MonthDay(month=12, day=14),
                               source=Source(article=15, quote="chốt số liệu"))
        got = covering(period, data)
        assert (got.label, got.start, got.end, got.due) == (
            "2024", D(2023, 12, 15), D(2024, 12, 14), period.due)

    def test_a_29_february_bound_in_a_common_year(self):
        period = Period("2025", D(2025, 1, 1), D(2025, 12, 31), at("2026-01-01T00:00:00+07:00"))
        data = ReportingPeriod(start=MonthDay(month=3, day=1), end=MonthDay(month=2, day=29),
                               start_in_previous_year=False,
                               source=Source(article=1, quote="năm tài chính"))
        assert covering(period, data).end == D(2025, 2, 28)


class TestDurations:
    def test_months(self):
        got = add_duration(at("2024-08-31T10:00:00+07:00"), Duration(months=6))
        assert iso(got) == "2025-02-28T10:00:00+07:00"

    @pytest.mark.parametrize(("made", "duration", "until"), [
        ("2024-07-28T22:00:00+07:00", Duration(months=6), "2025-01-29T00:00:00+07:00"),
        ("2024-08-31T10:00:00+07:00", Duration(months=6), "2025-03-01T00:00:00+07:00"),
        ("2024-03-01T10:00:00+07:00", Duration(days=30), "2024-04-01T00:00:00+07:00"),
        ("2024-03-01T10:00:00+07:00", Duration(hours=36), "2024-03-02T22:00:00+07:00"),
        # a Saturday end is not moved: keeping a backup is not an act due on a working day
        ("2024-03-13T10:00:00+07:00", Duration(months=1), "2024-04-14T00:00:00+07:00"),
    ])
    def test_retained_until_the_end_of_the_corresponding_day(self, made, duration, until):
        assert iso(retained_until(at(made), duration)) == until

    def test_retention_rolls_forward_over_tet_when_the_policy_says_so(self):
        """Six months from 29/07/2024 end on 29/01/2025 (Tết): rolled on, to the end of 03/02."""
        made, six = at("2024-07-29T22:00:00+07:00"), Duration(months=6)
        assert iso(retained_until(made, six)) == "2025-01-30T00:00:00+07:00"
        assert iso(retained_until(made, six, roll_forward=True)) == "2025-02-04T00:00:00+07:00"

    def test_retention_in_hours_never_rolls(self):
        """Hours run from the instant, whatever the policy."""
        made = at("2025-01-28T10:00:00+07:00")
        assert iso(retained_until(made, Duration(hours=24), roll_forward=True)) == \
            "2025-01-29T10:00:00+07:00"

    def test_a_retention_rule_needs_the_policy(self):
        """A rule set with a backup_retention constraint must say whether its period rolls on."""
        import yaml

        from quyche._load import load_text
        from quyche.errors import RuleSetError

        data = yaml.safe_load((Path(__file__).parent / "data" / "sample.yaml").read_text())
        del data["policies"]["roll_forward_retention"]
        with pytest.raises(RuleSetError, match=r"constraints\[\d\]\.retention.*roll_forward_"):
            load_text(yaml.safe_dump(data, allow_unicode=True), "sample.yaml")

    def test_exactly_one_unit(self):
        with pytest.raises(ValueError):
            Duration(months=1, days=2)

    def test_end_of_day(self):
        assert iso(end_of_day(D(2024, 12, 31))) == "2025-01-01T00:00:00+07:00"

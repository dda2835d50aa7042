"""Tests for `quyche.schedule`: recurring duties in a window, and their iCalendar export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

import quyche
from quyche.analysis.schedule import Duty, schedule, to_ics, window
from quyche.errors import EvaluationError
from quyche.report import Citation
from quyche.time.deadlines import LOCAL

SAMPLE = Path(__file__).parent / "data" / "sample.yaml"
SITES = [{"id": "gate", "kind": "border_gate", "operator": "bdbp_tinh"}]


class TestRealRuleSets:
    def test_laichau_newspaper_2025_twelve_duties_on_the_20th(self) -> None:
        """The provincial newspaper owes one promotional item on the 20th of each month."""
        duties = schedule("laichau", *window(2025), actor="bao_tinh")
        assert len(duties) == 12
        assert [d.last_day for d in duties] == [dt.date(2025, m, 20) for m in range(1, 13)]
        assert [d.period for d in duties] == [f"2025-{m:02d}" for m in range(1, 13)]
        for d in duties:
            assert d.actor == "bao_tinh" and d.all_day
            assert d.due == dt.datetime(2025, d.last_day.month, 21, tzinfo=LOCAL)
            # owed to the Sở TT&TT, and from 01/03/2025 to its successor (a reading)
            assert d.owed_to == (["so_tttt"] if d.last_day < dt.date(2025, 3, 1)
                                 else ["so_vhttdl"])
            assert d.source.article is not None and "20" in d.source.quote

    def test_kontum_quarterly_on_the_15th_for_declared_members(self) -> None:
        """Group duties go to the members the rule set declares, named bodies always."""
        duties = [d for d in schedule("kontum", "2025-01-01", "2025-12-31")
                  if d.rule_id == "quarterly_media_products"]
        members = {a.id for a in quyche.load("kontum").actors if "departments" in a.member_of}
        assert {d.actor for d in duties} == members | {"bdbp_tinh"}
        assert {d.last_day for d in duties} == {dt.date(2025, m, 15) for m in (3, 6, 9, 12)}

    def test_operator_role_only_with_sites(self) -> None:
        """The operator's duties appear only for the operators of the sites passed."""
        without = schedule("kontum", *window(2025))
        assert not [d for d in without if d.rule_id == "annual_operator_report"]
        with_sites = schedule("kontum", *window(2025), sites=SITES)
        reports = [d for d in with_sites if d.rule_id == "annual_operator_report"]
        assert [(d.actor, d.last_day) for d in reports] == [("bdbp_tinh", dt.date(2025, 12, 14))]

    def test_actors_add_group_members(self) -> None:
        """Members passed in `actors` owe their group's duties."""
        duties = schedule("kontum", *window(2025), actor="ubnd_x",
                          actors={"ubnd_x": ["ubnd_huyen"]})
        assert {d.rule_id for d in duties} == {"quarterly_media_products"}
        assert len(duties) == 4

    def test_a_window_before_in_force_is_empty_not_an_error(self) -> None:
        assert schedule("kontum", *window(2023)) == []
        assert schedule("kontum", *window(2023), actor="so_tttt") == []
        with pytest.raises(EvaluationError):
            schedule("kontum", *window(2023), actor="nobody_at_all")

    def test_nothing_due_before_in_force(self) -> None:
        """A rule set in force from 1/7 owes nothing due before then."""
        in_force = quyche.load("laichau").instrument.date_of("in_force")
        duties = schedule("laichau", *window(in_force.year))
        assert duties and min(d.last_day for d in duties) >= in_force

    @pytest.mark.parametrize("name", quyche.rule_sets())
    def test_agrees_with_evaluate(self, name: str) -> None:
        """Schedule and evaluate produce the same recurring duties for the same window."""
        rs = quyche.load(name)
        sites = [{"id": f"s_{k.id}", "kind": k.id, "operator": "x_operator"}
                 for k in rs.site_kinds]
        start = dt.datetime(2026, 1, 1, tzinfo=LOCAL)
        end = dt.datetime(2027, 1, 1, tzinfo=LOCAL)
        report = quyche.evaluate(rs, [], as_of=end, since=start, sites=sites)
        expected = {(o.rule_id, o.actor, o.period, o.due) for o in report.obligations
                    if o.period is not None and o.due <= end}
        got = {(d.rule_id, d.actor, d.period, d.due)
               for d in schedule(rs, start, end, sites=sites)}
        assert got == expected


class TestWindow:
    def test_end_of_year_duty_belongs_to_that_year(self) -> None:
        """A duty due by the end of 31/12 is in that year, not the next."""
        rs = quyche.load(SAMPLE)
        y24 = [d for d in schedule(rs, *window(2024)) if d.rule_id == "monthly_backup"]
        y25 = [d for d in schedule(rs, *window(2025)) if d.rule_id == "monthly_backup"]
        assert y24[-1].period == "2024-12" and y24[-1].last_day == dt.date(2024, 12, 31)
        assert y25[0].period == "2025-01"

    def test_end_written_as_last_second_means_end_of_that_day(self) -> None:
        """'2024-12-31T23:59:59+07:00' keeps the duties due by the end of 31/12."""
        rs = quyche.load(SAMPLE)
        written = schedule(rs, "2024-01-01T00:00:00+07:00", "2024-12-31T23:59:59+07:00")
        assert written == schedule(rs, *window(2024))
        assert written[-1].due.isoformat() == "2025-01-01T00:00:00+07:00"
        earlier = schedule(rs, "2024-01-01T00:00:00+07:00", "2024-12-31T23:59:58+07:00")
        assert earlier[-1].due < written[-1].due

    def test_dates_and_instants(self) -> None:
        """Dates bound whole days; instants need an offset."""
        rs = quyche.load(SAMPLE)
        by_date = schedule(rs, "2025-03-15", "2025-03-15")
        assert {d.rule_id for d in by_date} == {"quarterly_media"}
        by_instant = schedule(rs, "2025-03-15T00:00:00+07:00", "2025-03-16T00:00:00+07:00")
        assert by_date == by_instant
        with pytest.raises(EvaluationError, match="offset"):
            schedule(rs, "2025-03-15T00:00:00", "2025-03-16T00:00:00+07:00")
        with pytest.raises(EvaluationError, match="not before"):
            schedule(rs, "2025-03-16", "2025-03-01")

    def test_unknown_actor_and_group(self) -> None:
        """An actor must be a body: a typo or a group is an error, not an empty schedule."""
        with pytest.raises(EvaluationError, match="unknown actor"):
            schedule("laichau", *window(2025), actor="bao_tihn")
        with pytest.raises(EvaluationError, match="is a group"):
            schedule("laichau", *window(2025), actor="departments")


def _parse(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


class TestIcs:
    def test_parses_back_to_the_same_duties(self) -> None:
        """Every duty is one all-day event on its last day, with its article and quote."""
        duties = schedule("laichau", *window(2025), actor="bao_tinh")
        events = _parse(to_ics(duties, name="laichau 2025"))
        assert len(events) == len(duties)
        for event, duty in zip(events, duties, strict=True):
            assert event.start == duty.last_day
            assert event.end == duty.last_day + dt.timedelta(days=1)
            assert str(event["uid"]) == duty.uid
            assert str(event["x-quyche-rule-id"]) == duty.rule_id
            assert str(event["x-quyche-actor"]) == duty.actor
            assert str(event["x-quyche-period"]) == duty.period
            assert dt.datetime.fromisoformat(str(event["x-quyche-due"])) == duty.due
            description = str(event["description"])
            assert f"Điều {duty.source.article}" in description
            assert duty.source.quote in description

    def test_uids_are_stable_and_unique(self) -> None:
        """UIDs come from rule set, rule, actor and period: the same on every export."""
        duties = schedule("kontum", *window(2025), sites=SITES)
        first = [str(e["uid"]) for e in _parse(to_ics(duties))]
        second = [str(e["uid"]) for e in _parse(to_ics(schedule("kontum", *window(2025),
                                                                sites=SITES)))]
        assert first == second
        assert len(set(first)) == len(first)

    def test_yearly_report_covers_the_reporting_period(self) -> None:
        """Cao Bằng Điều 15 k1: the 2024 report covers 15/12/2023 to 14/12/2024."""
        [duty] = [d for d in schedule("caobang", *window(2024))
                  if d.rule_id == "annual_report" and d.actor == "dai_ptth"]
        assert (duty.period, duty.period_start, duty.period_end) == (
            "2024", dt.date(2023, 12, 15), dt.date(2024, 12, 14))
        assert duty.due.isoformat() == "2024-12-15T00:00:00+07:00"
        [summary] = [d for d in schedule("caobang", *window(2024))
                     if d.rule_id == "annual_summary_report"]
        assert summary.period_start == dt.date(2024, 1, 1)  # Điều 15 k2 sets no data period

    def test_one_duty_per_operator_owed(self) -> None:
        """A duty owed to the operator role is one per operator, each with its own UID."""
        sites = [*SITES, {"id": "pb_x", "kind": "public_board", "operator": "ubnd_huyen_x"}]
        duties = [d for d in schedule("kontum", *window(2025), sites=sites)
                  if d.rule_id == "monthly_content_provision" and d.period == "2025-03"]
        operators = sorted({s["operator"] for s in sites})
        assert [d.owed_to for d in duties] == [[op] for op in operators]
        assert [d.recipient for d in duties] == operators
        assert len({d.uid for d in duties}) == len(operators)
        plain = [d for d in schedule("kontum", *window(2025), sites=sites)
                 if d.rule_id == "annual_summary_report"]
        assert plain and all(d.recipient is None for d in plain)

    def test_hour_deadline_is_a_timed_event(self) -> None:
        """A duty due at an hour is a timed event in Asia/Ho_Chi_Minh, with its VTIMEZONE."""
        due = dt.datetime(2025, 5, 2, 9, 30, tzinfo=LOCAL)
        duty = Duty(rule_set="x", rule_id="r", title="t", title_en="t", actor="a", owed_to=[],
                    period="2025-05", period_start=dt.date(2025, 5, 1),
                    period_end=dt.date(2025, 5, 31), due=due, last_day=dt.date(2025, 5, 2),
                    all_day=False, source=Citation(document="regulation", article=1,
                                                   quote="trong 24 giờ"))
        data = to_ics([duty])
        assert b"BEGIN:VTIMEZONE" in data and b"TZID=Asia/Ho_Chi_Minh" in data
        (event,) = _parse(data)
        assert event.start == due


class TestReminders:
    """The .ics reminds before each due date and names bodies as the rule set does."""

    def test_alarm_days_before_and_names(self):
        rs = quyche.load("kontum")
        duties = schedule(rs, *window(2025), actor="bao_tinh")
        calendar = icalendar.Calendar.from_ical(to_ics(duties, remind_days=5, rule_set=rs))
        events = list(calendar.walk("VEVENT"))
        assert events and len(events) == len(duties)
        for event in events:
            [alarm] = event.walk("VALARM")
            assert alarm["action"] == "DISPLAY"
            assert alarm.decoded("trigger") == dt.timedelta(days=-5)
        body = rs.actor("bao_tinh").name
        assert f"Owed by {body} (bao_tinh)" in str(events[0]["description"])

    def test_no_reminder_when_asked(self):
        duties = schedule("kontum", *window(2025), actor="bao_tinh")
        calendar = icalendar.Calendar.from_ical(to_ics(duties, remind_days=0))
        assert not list(calendar.walk("VALARM"))

"""Tests for `quyche` as a whole: properties that hold for every rule set, stream and date.

docs/contract.md, Principles 5 (deterministic, order-independent, mergeable) and 6
(nothing lost, no traceback), the deadline semantics, and the loader's promise
that a rule set survives dump and load. Strategies come from `quyche.testing`.
"""

import datetime as dt
import functools
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche._load import load_text
from quyche.model import Deadline, Policies, Policy
from quyche.testing import (
    arbitrary_events,
    discharging_events,
    event_streams,
    malformed_rule_set_texts,
    rule_set_variations,
    site_registries,
)
from quyche.time.deadlines import LOCAL, end_of_day, fixed_date_due, local_date, triggered_due
from rule_sets import RULE_SETS, SAMPLE

D = dt.date
SITES = [{"id": "bg1", "kind": "border_gate", "operator": "bdbp_tinh"},
         {"id": "pb1", "kind": "public_board", "operator": "so_tttt"}]


# For tests that write and read a whole rule set as YAML (a few tenths of a second each).
SLOW = settings(max_examples=max(5, settings.default.max_examples // 3))


def _window(rs):
    """About four months from the in-force date (2025 for a text that gives none)."""
    day = rs.instrument.date_of("in_force") or D(2025, 1, 1)
    start = dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL)
    return start, start + dt.timedelta(days=120)


def _streams(invalid=False, anonymous=False, **kw):
    """Streams over any loadable rule set, in a window around its in-force date.

    `anonymous=None` draws whether some events go without ids.
    """
    flags = st.booleans() if anonymous is None else st.just(anonymous)
    return st.tuples(st.sampled_from(sorted(RULE_SETS)), flags).flatmap(
        lambda args: event_streams(RULE_SETS[args[0]], *_window(RULE_SETS[args[0]]),
                                   invalid=invalid, anonymous=args[1], **kw))


def _normalized(report):
    """The report as JSON, rejected events by (id, reason): their index is per call."""
    data = report.model_dump(mode="json")
    data["rejected"] = sorted((r["id"] or "", r["reason"]) for r in data["rejected"])
    return data


def _key(o):
    return (o.rule_id, o.actor, o.period, o.trigger)


def _policies(roll_periods=True, roll_fixed=False, before="exclusive"):
    return Policies(before_date=Policy(value=before, basis="test"),
                    roll_forward_periods=Policy(value=roll_periods, basis="test"),
                    roll_forward_fixed_dates=Policy(value=roll_fixed, basis="test"))


# --------------------------------------------------------------------------- Principle 5


class TestOrderIndependence:
    @given(data=st.data())
    def test_shuffled_events_give_the_same_report(self, data):
        """Any order of the same events gives the same report, to the last field."""
        stream = data.draw(_streams(anonymous=None))
        shuffled = data.draw(st.permutations(stream.events))
        assert stream.evaluate(shuffled).model_dump() == stream.evaluate().model_dump()

    @given(data=st.data())
    def test_shuffled_with_invalid_events(self, data):
        """With rejected events too, order changes nothing but their indexes."""
        stream = data.draw(_streams(invalid=True, anonymous=None))
        shuffled = data.draw(st.permutations(stream.events))
        assert _normalized(stream.evaluate(shuffled)) == _normalized(stream.evaluate())

    def test_same_instant_findings_without_ids(self):
        """Two id-less events at the same instant: the report does not depend on their order."""
        a = {"type": "content_published", "at": "2024-01-20T10:00:00+07:00", "site": "bg1",
             "language": "fr"}
        b = {**a, "language": "de"}
        kw = {"as_of": "2024-02-01T00:00:00+07:00", "sites": SITES}
        assert (quyche.evaluate(SAMPLE, [a, b], **kw).model_dump()
                == quyche.evaluate(SAMPLE, [b, a], **kw).model_dump())


def _partition(events, how, labels):
    parts = {}
    for i, event in enumerate(events):
        if how == "site":
            key = event.get("site") or ""
        elif how == "actor":
            key = event.get("actor") or ""
        else:
            key = labels[i]
        parts.setdefault(key, []).append(event)
    return list(parts.values())


class TestPartitions:
    @pytest.mark.parametrize("how", ["site", "actor", "arbitrary"])
    @given(data=st.data())
    def test_merged_partitions_equal_the_whole(self, how, data):
        """Reports of partitions (by site, by actor, arbitrary) merge into the whole's report."""
        stream = data.draw(_streams(invalid=True, anonymous=None))
        labels = data.draw(st.lists(st.integers(0, 3), min_size=len(stream.events),
                                    max_size=len(stream.events)))
        parts = _partition(stream.events, how, labels)
        reports = [stream.evaluate(part) for part in data.draw(st.permutations(parts))]
        whole = stream.evaluate()
        if reports:
            merged = functools.reduce(lambda a, b: a.merge(b), reports)
            assert _normalized(merged) == _normalized(whole)

    @given(data=st.data())
    def test_merge_with_an_empty_partition(self, data):
        """Merging the report of no events changes nothing."""
        stream = data.draw(_streams())
        whole = stream.evaluate()
        assert _normalized(whole.merge(stream.evaluate([]))) == _normalized(whole)
        assert _normalized(stream.evaluate([]).merge(whole)) == _normalized(whole)

    def test_backups_without_ids_survive_a_merge(self):
        """Two id-less backups in two partitions are two backups in the merged report."""
        b1 = {"type": "backup", "at": "2024-01-20T10:00:00+07:00", "actor": "so_tttt"}
        b2 = {"type": "backup", "at": "2024-02-20T10:00:00+07:00", "actor": "so_tttt"}
        kw = {"as_of": "2024-03-31T00:00:00+07:00", "sites": SITES}
        whole = quyche.evaluate(SAMPLE, [b1, b2], **kw)
        merged = quyche.evaluate(SAMPLE, [b1], **kw).merge(quyche.evaluate(SAMPLE, [b2], **kw))
        assert ([(o.period, o.status) for o in merged.obligations_for("monthly_backup")]
                == [(o.period, o.status) for o in whole.obligations_for("monthly_backup")])


# --------------------------------------------------------------------------- Principle 6


class TestAccounting:
    @given(data=st.data())
    def test_every_event_applied_or_rejected(self, data):
        """events_applied + events_rejected == events_read == the number of inputs."""
        stream = data.draw(_streams(invalid=True))
        extra = data.draw(st.lists(arbitrary_events(stream.rule_set, start=stream.start,
                                                    end=stream.end, sites=stream.sites),
                                   max_size=3))
        inputs = [*stream.events, *extra]
        summary = stream.evaluate(inputs).summary
        assert summary.events_applied + summary.events_rejected == summary.events_read
        assert summary.events_read == len(inputs)

    @given(data=st.data())
    def test_arbitrary_events_never_raise(self, data):
        """Whatever is passed as an event, evaluate reports on it instead of raising."""
        rs = RULE_SETS[data.draw(st.sampled_from(sorted(RULE_SETS)))]
        start, end = _window(rs)
        sites = data.draw(site_registries(rs))
        inputs = data.draw(st.lists(arbitrary_events(rs, start=start, end=end, sites=sites),
                                    min_size=1, max_size=4))
        report = quyche.evaluate(rs, inputs, as_of=end, since=start, sites=sites)
        assert report.summary.events_read == len(inputs)

    def test_a_model_that_is_not_an_event_is_rejected(self):
        """A pydantic model of another kind passed as an event is rejected, not a traceback."""
        report = quyche.evaluate(SAMPLE, [SAMPLE.site_kinds[0]],
                                 as_of="2024-02-01T00:00:00+07:00")
        assert report.summary.events_rejected == 1

    @pytest.mark.parametrize("at", ["1900-01-02T10:00:00+07:00", "2200-12-30T10:00:00+07:00"])
    def test_trigger_outside_the_calendar_is_not_a_traceback(self, at):
        """A working-day deadline running off the calendar: the trigger is rejected, not raised."""
        event = {"id": "d", "type": "document_received", "at": at, "doc_class": "legal_normative"}
        report = quyche.evaluate(SAMPLE, [event], as_of="2200-12-31T23:00:00+07:00",
                                 since="2200-01-01T00:00:00+07:00")
        assert [r.id for r in report.rejected] == ["d"]


# --------------------------------------------------------------------------- monotonicity


class TestMonotonicity:
    @given(data=st.data())
    def test_discharging_event_never_turns_met_into_late_or_missed(self, data):
        """Adding an event that discharges a duty leaves every met duty met."""
        stream = data.draw(_streams())
        before = stream.evaluate()
        extra = data.draw(discharging_events(stream.rule_set, before))
        after = stream.evaluate([*stream.events, extra])
        now = {_key(o): o.status for o in after.obligations}
        for o in before.obligations:
            if o.status == "met":
                assert now[_key(o)] == "met", o

    def test_late_named_submission_keeps_an_earlier_discharge(self):
        """A submission naming a period already met in time does not make that period late."""
        early = {"id": "s1", "type": "submission", "actor": "bdbp_tinh", "kind": "media_product",
                 "at": "2024-03-10T10:00:00+07:00"}
        named = {"id": "s2", "type": "submission", "actor": "bdbp_tinh", "kind": "media_product",
                 "at": "2024-04-20T10:00:00+07:00", "period": "2024-Q1"}
        report = quyche.evaluate(SAMPLE, [early, named], as_of="2024-05-01T00:00:00+07:00")
        q1 = [o for o in report.obligations_for("quarterly_media")
              if o.actor == "bdbp_tinh" and o.period == "2024-Q1"]
        assert [(o.status, o.fulfilled_by) for o in q1] == [("met", "s1")]

    @given(data=st.data())
    def test_later_as_of_never_reopens(self, data):
        """A duty late or missed as of T is never open as of a later T'."""
        stream = data.draw(_streams())
        span = int((stream.end - stream.start).total_seconds())
        as_of = stream.start + dt.timedelta(seconds=data.draw(st.integers(0, span)))
        earlier = stream.evaluate(as_of=as_of)
        later = {_key(o): o.status for o in stream.evaluate().obligations}
        for o in earlier.obligations:
            if o.status in ("late", "missed"):
                assert later[_key(o)] != "open", o

    @given(data=st.data())
    def test_decided_statuses_are_final(self, data):
        """Events after T cannot change the past: met and late stay, missed may become late."""
        stream = data.draw(_streams())
        span = int((stream.end - stream.start).total_seconds())
        as_of = stream.start + dt.timedelta(seconds=data.draw(st.integers(0, span)))
        earlier = stream.evaluate(as_of=as_of)
        later = {_key(o): o.status for o in stream.evaluate().obligations}
        allowed = {"met": {"met"}, "late": {"late"}, "missed": {"missed", "late"}}
        for o in earlier.obligations:
            if o.status in allowed:
                assert later[_key(o)] in allowed[o.status], o


# --------------------------------------------------------------------------- deadlines

_DATES = st.dates(D(2015, 1, 1), D(2035, 12, 31))
_INSTANTS = st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2035, 12, 31),
                         timezones=st.sampled_from([LOCAL, dt.timezone.utc,
                                                    dt.timezone(dt.timedelta(hours=-5))]))
_N = st.integers(1, 60)


class TestKnownDates:
    def test_swapped_saturday_is_a_working_day(self):
        """Saturday 2024-05-04 was a working day (swapped for Monday 2024-04-29)."""
        assert quyche.calendar().is_working_day(D(2024, 5, 4))

    def test_swapped_monday_is_not(self):
        """Monday 2024-04-29 was a day off."""
        assert not quyche.calendar().is_working_day(D(2024, 4, 29))

    def test_seven_working_days_over_the_april_holidays(self):
        """7 working days after Friday 2026-04-24 is Friday 2026-05-08."""
        assert quyche.calendar().add_working_days(D(2026, 4, 24), 7) == D(2026, 5, 8)
        due = triggered_due(Deadline(working_days=7),
                            dt.datetime(2026, 4, 24, 10, tzinfo=LOCAL), _policies())
        assert due == dt.datetime(2026, 5, 9, tzinfo=LOCAL)


class TestWorkingDays:
    @given(_DATES, _N)
    def test_lands_on_a_working_day_after_the_start(self, day, n):
        """The n-th working day after D is a working day after D, n working days on."""
        cal = quyche.calendar()
        result = cal.add_working_days(day, n)
        assert cal.is_working_day(result)
        assert result > day
        assert cal.working_days_between(day, result) == n

    @given(_DATES, _DATES, _N)
    def test_monotone_in_the_start(self, a, b, n):
        """A later start never gives an earlier result."""
        a, b = sorted((a, b))
        cal = quyche.calendar()
        assert cal.add_working_days(a, n) <= cal.add_working_days(b, n)

    @given(_DATES, _N, _N)
    def test_strictly_monotone_in_n(self, day, m, n):
        """More working days always end later."""
        m, n = sorted((m, n))
        cal = quyche.calendar()
        assert (cal.add_working_days(day, m) < cal.add_working_days(day, n)) == (m < n)

    @given(_INSTANTS, _N)
    def test_triggered_due_ends_a_working_day_after_the_trigger(self, at, n):
        """A working-day deadline ends at 24:00 of a working day after the trigger's day."""
        due = triggered_due(Deadline(working_days=n), at, _policies())
        last = local_date(due) - dt.timedelta(days=1)
        assert due == end_of_day(last)
        assert quyche.calendar().is_working_day(last)
        assert last > local_date(at) and due > at
        assert quyche.calendar().working_days_between(local_date(at), last) == n

    @given(_INSTANTS, _INSTANTS, _N, _N)
    def test_triggered_due_monotone(self, a, b, m, n):
        """Later triggers and longer deadlines never give an earlier due instant."""
        a, b = sorted((a, b))
        m, n = sorted((m, n))
        due = functools.partial(triggered_due, policies=_policies())
        assert due(Deadline(working_days=m), a) <= due(Deadline(working_days=m), b)
        assert due(Deadline(working_days=m), a) <= due(Deadline(working_days=n), a)


class TestCalendarDays:
    @given(_INSTANTS, _N)
    def test_rolled_forward_period_ends_on_a_working_day(self, at, n):
        """N days with roll-forward end on the first working day on or after day N."""
        due = triggered_due(Deadline(days=n), at, _policies(roll_periods=True))
        last = local_date(due) - dt.timedelta(days=1)
        nominal = local_date(at) + dt.timedelta(days=n)
        cal = quyche.calendar()
        assert cal.is_working_day(last)
        assert last == cal.next_working_day(nominal)

    @given(_INSTANTS, _N)
    def test_without_roll_forward_period_ends_on_day_n(self, at, n):
        """N days without roll-forward end at 24:00 of day N, working day or not."""
        due = triggered_due(Deadline(days=n), at, _policies(roll_periods=False))
        assert due == end_of_day(local_date(at) + dt.timedelta(days=n))

    @given(_DATES, st.sampled_from(["on", "by", "before"]))
    def test_rolled_fixed_date_ends_on_a_working_day(self, day, relation):
        """A fixed date with roll_forward_fixed_dates ends on a working day."""
        due = fixed_date_due(day, relation, _policies(roll_fixed=True))
        assert quyche.calendar().is_working_day(local_date(due) - dt.timedelta(days=1))


# --------------------------------------------------------------------------- the loader


class TestRoundTrip:
    @pytest.mark.parametrize("name", sorted(RULE_SETS))
    def test_load_dump_load(self, name):
        """Every rule set that loads survives dump and load unchanged, and dumps the same."""
        rs = RULE_SETS[name]
        again = load_text(quyche.dump(rs), f"{name} (dumped)")
        assert again == rs
        assert quyche.dump(again) == quyche.dump(rs)

    @SLOW
    @given(data=st.data())
    def test_variations_survive_dump_and_load(self, data):
        """A rule set with one value changed also survives dump and load."""
        rs = RULE_SETS[data.draw(st.sampled_from(sorted(RULE_SETS)))]
        changed, _ = data.draw(rule_set_variations(rs))
        assert load_text(quyche.dump(changed)) == changed


def _load_or_rule_set_error(text):
    try:
        load_text(text, "fuzz.yaml")
    except quyche.RuleSetError as exc:
        assert str(exc)


class TestLoaderRobustness:
    @given(st.binary(max_size=200))
    def test_random_bytes(self, blob):
        """Random bytes, read as text, raise nothing but RuleSetError."""
        _load_or_rule_set_error(blob.decode("latin-1"))

    @given(st.text(max_size=200))
    def test_random_text(self, text):
        """Random text raises nothing but RuleSetError."""
        _load_or_rule_set_error(text)

    @given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text()
                        | st.dates(),
                        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                        max_leaves=20))
    def test_random_yaml_documents(self, value):
        """Any YAML document raises nothing but RuleSetError."""
        import yaml

        _load_or_rule_set_error(yaml.safe_dump(value, allow_unicode=True))

    @SLOW
    @given(data=st.data())
    def test_malformed_rule_sets(self, data):
        """A rule set with one node broken, cut short or with a stray token: only RuleSetError."""
        rs = RULE_SETS[data.draw(st.sampled_from(sorted(RULE_SETS)))]
        _load_or_rule_set_error(data.draw(malformed_rule_set_texts(rs)))

    @pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {b: *x}\n"])
    def test_recursive_alias(self, text):
        """A node that contains itself through an alias is a RuleSetError, not a RecursionError."""
        with pytest.raises(quyche.RuleSetError):
            load_text(text, "fuzz.yaml")


    def test_alias_bomb(self):
        """Seven lines of nested aliases (a million nodes) are answered in seconds, not minutes."""
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
        code = ("import sys, quyche, quyche._load as L\n"
                "try:\n    L.load_text(sys.stdin.read())\n"
                "except quyche.RuleSetError:\n    pass\n")
        try:
            subprocess.run([sys.executable, "-c", code], input="\n".join(lines), text=True,
                           timeout=15, check=True, capture_output=True)
        except subprocess.TimeoutExpired:
            pytest.fail("load_text walked every expansion of the aliases")


def test_rejected_reasons_are_stable_across_partitions():
    """Sanity check of the comparison the partition test uses: reasons carry no index."""
    bad = [{"id": "x", "type": "nonsense"}, {"id": "y", "type": "broadcast"}]
    one = quyche.evaluate(SAMPLE, bad, as_of="2024-02-01T00:00:00+07:00")
    two = quyche.evaluate(SAMPLE, bad[::-1], as_of="2024-02-01T00:00:00+07:00")
    assert Counter((r.id, r.reason) for r in one.rejected) == Counter(
        (r.id, r.reason) for r in two.rejected)

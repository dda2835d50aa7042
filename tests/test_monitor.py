"""Tests for `quyche.monitor`: events as they come, reports at any later as_of, checkpoints."""

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche import EvaluationError, MergeError, Monitor
from quyche.testing import event_streams
from quyche.time.deadlines import LOCAL
from rule_sets import RULE_SETS, SAMPLE
from test_partial import AS_OF, EVENTS, SITES, _window

FEWER = settings(max_examples=max(5, settings.default.max_examples // 3))


def _chunks(events, cuts):
    bounds = [0, *sorted(cuts), len(events)]
    return [events[a:b] for a, b in itertools.pairwise(bounds)]


class TestMonitor:
    def test_reports_what_evaluate_reports(self):
        monitor = Monitor(SAMPLE, sites=SITES)
        for event in EVENTS:
            monitor.add([event])
        assert monitor.report(AS_OF).model_dump() == quyche.evaluate(
            SAMPLE, EVENTS, as_of=AS_OF, sites=SITES).model_dump()

    def test_an_event_after_as_of_is_rejected_then_counted_later(self):
        """An event dated after one report's as_of is rejected there and applied in a later one."""
        monitor = Monitor(SAMPLE, sites=SITES)
        monitor.add(EVENTS)
        first = monitor.report(AS_OF)
        assert [r.id for r in first.rejected] == ["x", "late"]
        later = "2024-03-08T00:00:00+07:00"
        assert monitor.report(later).model_dump() == quyche.evaluate(
            SAMPLE, EVENTS, as_of=later, sites=SITES).model_dump()

    def test_reports_go_forward_in_time(self):
        monitor = Monitor(SAMPLE, sites=SITES)
        monitor.report(AS_OF)
        with pytest.raises(EvaluationError, match="watermark"):
            monitor.report("2024-03-05T00:00:00+07:00")

    def test_upcoming(self):
        """What falls due in the next days: open duties only, soonest first."""
        monitor = Monitor(SAMPLE, sites=SITES)
        monitor.add(EVENTS)
        soon = monitor.upcoming(AS_OF, days=30)
        report = quyche.evaluate(SAMPLE, EVENTS, as_of=AS_OF, sites=SITES)
        horizon = report.as_of + dt.timedelta(days=30)
        assert soon == sorted((o for o in report.obligations if o.status == "open"
                               and o.due <= horizon), key=lambda o: (o.due, o.rule_id, o.actor))
        assert soon and all(o.status == "open" for o in soon)

    def test_save_and_restore(self, tmp_path):
        """A checkpoint keeps settled state and the events not yet settled."""
        monitor = Monitor(SAMPLE, sites=SITES, interpretations={"morning_ends": "11:00"})
        monitor.add(EVENTS[:4])
        monitor.report("2024-03-04T12:00:00+07:00")
        monitor.add(EVENTS[4:])
        monitor.save(tmp_path / "m.json")
        back = Monitor.restore(tmp_path / "m.json", rule_set=SAMPLE)
        assert back.watermark == monitor.watermark
        assert back.report(AS_OF).model_dump() == monitor.report(AS_OF).model_dump()

    def test_pending_models_and_datetimes_survive_a_checkpoint(self, tmp_path):
        """Events not yet settled are saved as JSON: datetimes and models included."""
        from quyche.events import validate_event

        late = validate_event(EVENTS[6])
        naive_free = {**EVENTS[0], "start": dt.datetime(2024, 3, 8, 7, tzinfo=LOCAL),
                      "end": dt.datetime(2024, 3, 8, 9, tzinfo=LOCAL)}
        monitor = Monitor(SAMPLE, sites=SITES)
        monitor.report(AS_OF)
        monitor.add([late, naive_free])
        monitor.save(tmp_path / "m.json")
        back = Monitor.restore(tmp_path / "m.json", rule_set=SAMPLE)
        later = "2024-03-09T00:00:00+07:00"
        assert back.report(later).model_dump() == monitor.report(later).model_dump()
        assert back.report(later).summary.events_applied == 2

    def test_an_event_json_cannot_carry_is_a_clear_error(self, tmp_path):
        monitor = Monitor(SAMPLE, sites=SITES)
        monitor.add([{**EVENTS[4], "meta": {"tags": {"a"}}}])  # pending: no report yet
        with pytest.raises(EvaluationError, match="cannot save the monitor"):
            monitor.save(tmp_path / "m.json")
        assert not (tmp_path / "m.json").exists()

    def test_restore_refuses_what_is_not_a_checkpoint(self, tmp_path):
        path = tmp_path / "m.json"
        path.write_text("{}")
        with pytest.raises(MergeError, match="not a quyche monitor checkpoint"):
            Monitor.restore(path)
        with pytest.raises(MergeError, match="cannot read"):
            Monitor.restore(tmp_path / "missing.json")


@FEWER
@given(data=st.data())
def test_fed_in_random_chunks_reports_what_evaluate_reports(data, tmp_path_factory):
    """A monitor fed a stream in random chunks, reporting and checkpointing on the way,
    reports at the end what evaluate reports on the whole stream."""
    name = data.draw(st.sampled_from(sorted(RULE_SETS)))
    rs = RULE_SETS[name]
    stream = data.draw(event_streams(rs, *_window(rs), invalid=True, anonymous=True))
    cuts = data.draw(st.lists(st.integers(0, len(stream.events)), max_size=5))
    monitor = Monitor(rs, since=stream.start, sites=stream.sites, actors=stream.actors)
    path = tmp_path_factory.mktemp("monitor") / "m.json"
    span = (stream.end - stream.start).total_seconds()
    marks = sorted(data.draw(st.lists(st.floats(0, 1), min_size=6, max_size=6)))
    for i, chunk in enumerate(_chunks(stream.events, cuts)):
        monitor.add(chunk)
        if data.draw(st.booleans()):
            monitor.report(stream.start + dt.timedelta(seconds=int(span * marks[i])))
        if data.draw(st.booleans()):
            monitor.save(path)
            monitor = Monitor.restore(path, rule_set=rs)
    assert monitor.report(stream.end).model_dump() == stream.evaluate().model_dump()

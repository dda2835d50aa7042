"""Tests for `quyche.testing`: the strategies generate what they promise."""

import datetime as dt
import subprocess
import sys
from typing import get_args

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import quyche
import quyche.testing
from quyche._load import get_path
from quyche.events import parse_instant
from quyche.testing import (
    Stream,
    actor_registries,
    discharging_events,
    event_streams,
    events,
    invalid_events,
    register_profiles,
    rule_set_variations,
    site_registries,
)
from quyche.vocabulary import EVENT_TYPES
from rule_sets import RULE_SETS, SAMPLE

SITES = [{"id": "bg1", "kind": "border_gate", "operator": "bdbp_tinh"},
         {"id": "pb1", "kind": "public_board", "operator": "so_tttt"}]
START, END = "2024-01-15T00:00:00+07:00", "2024-05-15T00:00:00+07:00"
REFS = {"backup_deleted": ("backup", {"backup"}),
        "incident_reported": ("incident", {"incident"}),
        "incident_resolved": ("incident", {"incident"}),
        "feedback_forwarded": ("feedback", {"feedback_received"}),
        "info_provided": ("ref", {"activity_ended", "document_signed", "request"}),
        "document_published": ("ref", {"document_received"})}




def _window(rs):
    day = rs.instrument.date_of("in_force") or dt.date(2025, 1, 1)
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    return start, start + dt.timedelta(days=120)


def _instant(event):
    return parse_instant(event.get("at") or event["start"])


def test_public_names():
    """`quyche.testing` exports exactly its strategies, the stream type and the profiles."""
    assert sorted(quyche.testing.__all__) == [
        "Stream", "actor_registries", "arbitrary_events", "discharging_events",
        "event_streams", "events", "invalid_events", "malformed_rule_set_texts",
        "register_profiles", "rule_set_variations", "site_registries",
    ]


def test_the_scenario_runner_needs_no_hypothesis():
    """Without the testing extra, `quyche test` and the pytest plugin still import; asking
    for a strategy names the extra."""
    code = ("import sys; sys.modules['hypothesis'] = None\n"
            "import quyche.testing.scenarios, quyche.testing.pytest_plugin\n"
            "try:\n    from quyche.testing import events\n"
            "except ImportError as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "quyche.testing.events needs hypothesis" in done.stdout
    assert "quyche[testing]" in done.stdout


def test_a_window_may_be_given_as_dates():
    """`"YYYY-MM-DD"` is the start of that local day, as `evaluate` reads `since`."""
    stream = find(event_streams(SAMPLE, "2024-02-01", dt.date(2024, 3, 1), sites=SITES),
                  lambda s: True)
    assert (stream.start.isoformat(), stream.end.isoformat()) == (
        "2024-02-01T00:00:00+07:00", "2024-03-01T00:00:00+07:00")
    with pytest.raises(InvalidArgument, match="start"):
        event_streams(SAMPLE, "2024-02-31", "2024-03-01")


def test_event_models_follow_the_vocabulary():
    """The strategies draw every event type, each with its model, in the vocabulary's order."""
    from quyche.testing.pools import EVENT_MODELS

    assert list(EVENT_MODELS) == list(EVENT_TYPES)
    assert all(get_args(m.model_fields["type"].annotation) == (t,)
               for t, m in EVENT_MODELS.items())


class TestEvents:
    @pytest.mark.parametrize("name", sorted(RULE_SETS))
    @given(data=st.data())
    def test_valid_events_are_applied(self, name, data):
        """Every generated event is applied, for every rule set and drawn registry."""
        rs = RULE_SETS[name]
        start, end = _window(rs)
        sites = data.draw(site_registries(rs))
        actors = data.draw(actor_registries(rs))
        evs = data.draw(events(rs, start=start, end=end, sites=sites, actors=actors))
        report = quyche.evaluate(rs, evs, as_of=end, since=start, sites=sites, actors=actors)
        assert report.rejected == []
        assert report.summary.events_applied == len(evs)

    @given(events(SAMPLE, start=START, end=END, sites=SITES))
    def test_ids_unique_instants_with_offsets_in_window(self, evs):
        """Ids are unique; every instant has a UTC offset and lies in the window."""
        ids = [e["id"] for e in evs]
        assert len(ids) == len(set(ids))
        for e in evs:
            for key in ("at", "start", "end"):
                if key in e:
                    assert parse_instant(e[key]).utcoffset() is not None
            assert parse_instant(START) <= _instant(e) <= parse_instant(END)

    @given(events(SAMPLE, start=START, end=END, sites=SITES, anonymous=True))
    def test_anonymous_events_keep_ids_that_are_named(self, evs):
        """With anonymous=True some events have no id, but every event a follow-up names does."""
        ids = {e["id"] for e in evs if "id" in e}
        for e in evs:
            if e["type"] in REFS:
                assert e[REFS[e["type"]][0]] in ids
        assert quyche.evaluate(SAMPLE, evs, as_of=END, since=START, sites=SITES).rejected == []

    def test_anonymous_events_occur(self):
        """anonymous=True does draw events without an id."""
        quick = settings(phases=[Phase.generate], database=None, max_examples=500)
        find(events(SAMPLE, start=START, end=END, sites=SITES, anonymous=True),
             lambda evs: any("id" not in e for e in evs), settings=quick)

    @given(events(SAMPLE, start=START, end=END, sites=SITES))
    def test_events_in_order_of_time(self, evs):
        """Events come in order of time (their `at`, or `start` for spans)."""
        instants = [_instant(e) for e in evs]
        assert instants == sorted(instants)

    @given(events(SAMPLE, start=START, end=END, sites=SITES))
    def test_references_name_earlier_events_of_the_right_type(self, evs):
        """Each follow-up names an event before it in the list, of a root type, not later."""
        seen = {}
        for e in evs:
            if e["type"] in REFS:
                field, types = REFS[e["type"]]
                root = seen[e[field]]
                assert root["type"] in types
                assert _instant(root) <= _instant(e)
            seen[e["id"]] = e

    @pytest.mark.parametrize("event_type", EVENT_TYPES)
    @given(data=st.data())
    def test_every_type_can_be_drawn(self, event_type, data):
        """Asked for one type, the strategy draws it (with the roots it needs), all applied."""
        evs = data.draw(events(SAMPLE, start=START, end=END, sites=SITES, types=[event_type],
                               min_size=1, max_size=4))
        assert event_type in {e["type"] for e in evs}
        allowed = {event_type} | REFS.get(event_type, (None, set()))[1]
        assert {e["type"] for e in evs} <= allowed
        report = quyche.evaluate(SAMPLE, evs, as_of=END, since=START, sites=SITES)
        assert report.rejected == []

    @given(events(SAMPLE, start=START, end=END))
    def test_without_sites_no_site_bound_types(self, evs):
        """With no site registry (the sample declares no sites) no broadcast or incident."""
        assert not {"broadcast", "incident", "incident_reported"} & {e["type"] for e in evs}
        assert quyche.evaluate(SAMPLE, evs, as_of=END, since=START).rejected == []

    def test_unknown_type_is_refused(self):
        """Asking for a type outside the vocabulary is an error, not an empty strategy."""
        with pytest.raises(InvalidArgument, match="unknown event types"):
            find(events(SAMPLE, types=["broadcasts"]), lambda evs: True)


class TestInvalidEvents:
    @pytest.mark.parametrize("name", sorted(RULE_SETS))
    @given(data=st.data())
    def test_every_invalid_event_is_rejected(self, name, data):
        """Each event from invalid_events is rejected, under its own id."""
        rs = RULE_SETS[name]
        start, end = _window(rs)
        sites = data.draw(site_registries(rs))
        evs = data.draw(invalid_events(rs, start=start, end=end, sites=sites, as_of=end))
        report = quyche.evaluate(rs, evs, as_of=end, since=start, sites=sites)
        assert report.summary.events_applied == 0
        assert sorted(r.id for r in report.rejected) == sorted(e["id"] for e in evs)

    @given(event_streams(SAMPLE, START, END, invalid=True))
    def test_mixed_streams_account_for_every_event(self, stream):
        """A stream with invalid events mixed in: each event applied or rejected by id."""
        report = stream.evaluate()
        assert report.summary.events_read == len(stream.events)
        assert {r.id for r in report.rejected} <= {e["id"] for e in stream.events}

    def test_mixed_streams_hold_both(self):
        """invalid=True yields streams holding valid and invalid events together."""
        def both(stream):
            report = stream.evaluate()
            return report.summary.events_applied >= 2 and len(report.rejected) >= 2

        quick = settings(phases=[Phase.generate], database=None, max_examples=500)
        assert both(find(event_streams(SAMPLE, START, END, invalid=True), both, settings=quick))


class TestRegistries:
    @pytest.mark.parametrize("name", sorted(RULE_SETS))
    @given(data=st.data())
    def test_registries_are_accepted(self, name, data):
        """Drawn site and actor registries are accepted by evaluate; site ids are unique."""
        rs = RULE_SETS[name]
        sites = data.draw(site_registries(rs))
        actors = data.draw(actor_registries(rs))
        assert len({s["id"] for s in sites}) == len(sites) >= 1
        assert {s["kind"] for s in sites} <= {k.id for k in rs.site_kinds}
        start, end = _window(rs)
        quyche.evaluate(rs, [], as_of=end, since=start, sites=sites, actors=actors)


class TestStreams:
    @given(event_streams(SAMPLE, START, END))
    def test_stream_evaluates_with_its_arguments(self, stream):
        """Stream.evaluate is evaluate with as_of=end, since=start and the registries."""
        assert isinstance(stream, Stream)
        direct = quyche.evaluate(SAMPLE, stream.events, as_of=END, since=START,
                                 sites=stream.sites, actors=stream.actors)
        assert stream.evaluate().model_dump() == direct.model_dump()
        assert "sample" in repr(stream)

    @given(event_streams(SAMPLE, START, END, sites=SITES, actors={"x": ["departments"]}))
    def test_given_registries_are_kept(self, stream):
        """Registries passed in are used as they are."""
        assert stream.sites == SITES
        assert stream.actors == {"x": ["departments"]}

    def test_window_must_be_ordered(self):
        """A window whose end is not after its start is refused."""
        with pytest.raises(InvalidArgument, match="must be after"):
            event_streams(SAMPLE, END, START)


class TestDischargingEvents:
    @given(data=st.data())
    def test_discharging_event_is_applied(self, data):
        """The event discharges a kind of duty the report holds, and is applied."""
        stream = data.draw(event_streams(SAMPLE, START, END, sites=SITES))
        report = stream.evaluate()
        event = data.draw(discharging_events(SAMPLE, report))
        assert event["type"] in {SAMPLE.obligation(o.rule_id).discharged_by.event
                                 for o in report.obligations}
        again = stream.evaluate([*stream.events, event])
        assert again.rejected == []


def _leaves(a, b, path=""):
    """Paths where two model dumps differ (list items by id, as rule-set paths are written)."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [p for k in a for p in _leaves(a[k], b[k], f"{path}.{k}" if path else k)]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            key = x["id"] if isinstance(x, dict) and "id" in x else str(i)
            out += _leaves(x, y, f"{path}.{key}")
        return out
    return [] if a == b else [path]


class TestVariations:
    @pytest.mark.parametrize("name", sorted(RULE_SETS))
    @given(data=st.data())
    def test_one_value_changed(self, name, data):
        """A variation differs in exactly the value its description names."""
        rs = RULE_SETS[name]
        changed, description = data.draw(rule_set_variations(rs))
        before, after = rs.model_dump(), changed.model_dump()
        before.pop("interpretations")
        interpretations = after.pop("interpretations")
        path = description.split(":")[0]
        assert _leaves(before, after) == [path]
        dumped = changed.model_dump()
        for interp in interpretations:
            assert get_path(dumped, interp["path"]) == interp["value"]


    @given(data=st.data())
    def test_a_diff_notices_it(self, data):
        """Each variation changes what the rule set requires: quyche.diff reports a change."""
        rs = RULE_SETS[data.draw(st.sampled_from(sorted(RULE_SETS)))]
        changed, description = data.draw(rule_set_variations(rs))
        assert quyche.diff(rs, changed).changes, description


def test_profiles():
    """dev is quick; ci runs more examples, no deadline, the same ones every run; hunt more."""
    register_profiles()
    dev, ci, hunt = (settings.get_profile(n) for n in ("dev", "ci", "hunt"))
    assert ci.deadline is None and ci.derandomize and not dev.derandomize
    assert dev.max_examples < ci.max_examples < hunt.max_examples
    assert not hunt.derandomize

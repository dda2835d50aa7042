"""Tests for `quyche.partial`: partials, their JSON and pickle, and `quyche.merge`."""

import datetime as dt
import functools
import itertools
import pickle
from concurrent.futures import ProcessPoolExecutor

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche import MergeError, Partial
from quyche.testing import event_streams
from quyche.time.deadlines import LOCAL
from rule_sets import RULE_SETS, SAMPLE

SITES = [{"id": "bg1", "kind": "border_gate", "operator": "bdbp_tinh"},
         {"id": "pb1", "kind": "public_board", "operator": "so_tttt"}]
AS_OF = "2024-03-06T00:00:00+07:00"
KW = {"as_of": AS_OF, "sites": SITES}
# A few tenths of a second per example: a third of the profile's examples.
FEWER = settings(max_examples=max(5, settings.default.max_examples // 3))


def seg(ident, site, day, start, end):
    return {"id": ident, "type": "broadcast", "site": site,
            "start": f"2024-03-0{day}T{start}:00+07:00", "end": f"2024-03-0{day}T{end}:00+07:00"}


EVENTS = [
    seg("a", "bg1", 4, "07:00", "11:00"), seg("b", "bg1", 4, "13:00", "17:00"),
    seg("c", "pb1", 4, "07:00", "09:00"), seg("d", "bg1", 5, "07:00", "11:30"),
    {"id": "s1", "type": "submission", "actor": "so_tttt", "kind": "operator_report",
     "at": "2024-03-04T10:00:00+07:00"},
    {"id": "x", "type": "nope"},
    {"id": "late", "type": "backup", "at": "2024-03-07T10:00:00+07:00", "site": "bg1"},
    {"id": "i1", "type": "incident", "at": "2024-03-04T10:00:00+07:00", "site": "bg1",
     "category": "security"},
]


def _window(rs):
    day = rs.instrument.date_of("in_force") or dt.date(2025, 1, 1)
    start = dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL)
    return start, start + dt.timedelta(days=120)


def _streams(invalid=True):
    return st.sampled_from(sorted(RULE_SETS)).flatmap(
        lambda name: event_streams(RULE_SETS[name], *_window(RULE_SETS[name]), invalid=invalid,
                                   anonymous=True))


def _without_numbering(report):
    """The report as JSON, rejections by (id, reason): their numbering depends on the split."""
    data = report.model_dump(mode="json")
    data["rejected"] = sorted((r["id"] or "", r["reason"]) for r in data["rejected"])
    return data


def _split(events, labels, k):
    return [[e for e, label in zip(events, labels, strict=True) if label == i] for i in range(k)]


class TestMerge:
    def test_partials_merge_into_the_whole(self):
        """Partials of a round-robin split merge into evaluate's report, rejections included."""
        whole = quyche.evaluate(SAMPLE, EVENTS, **KW)
        parts = [quyche.partial(SAMPLE, EVENTS[i::3], **KW) for i in range(3)]
        assert _without_numbering(quyche.merge(parts)) == _without_numbering(whole)

    def test_contiguous_split_keeps_the_stream_index(self):
        """In a contiguous split, a rejection's index is its index in the whole stream."""
        parts = [quyche.partial(SAMPLE, EVENTS[:5], **KW, partition="head"),
                 quyche.partial(SAMPLE, EVENTS[5:], **KW)]
        merged = quyche.merge(parts)
        whole = quyche.evaluate(SAMPLE, EVENTS, **KW)
        assert [(r.index, r.id, r.reason) for r in merged.rejected] == [
            (r.index, r.id, r.reason) for r in whole.rejected]
        assert [(r.partition, r.partition_index) for r in merged.rejected] == [("1", 0), ("1", 1)]

    def test_rejection_names_its_partition(self):
        parts = [quyche.partial(SAMPLE, [EVENTS[5]], **KW, partition="kontum-03.jsonl")]
        (rejection,) = quyche.merge(parts).rejected
        assert (rejection.partition, rejection.partition_index, rejection.id) == (
            "kontum-03.jsonl", 0, "x")

    def test_partial_computes_no_findings_of_other_sites(self):
        """A partial holds what its events showed: no day-level finding of any site."""
        p = quyche.partial(SAMPLE, [EVENTS[0]], **KW)
        assert p.ledger.findings == [] and set(p.ledger.coverage) == {("bg1", 19786)}

    def test_reports_and_partials_merge_together(self):
        whole = quyche.evaluate(SAMPLE, EVENTS, **KW)
        merged = quyche.merge([quyche.evaluate(SAMPLE, EVENTS[:4], **KW),
                               quyche.partial(SAMPLE, EVENTS[4:], **KW)])
        assert _without_numbering(merged) == _without_numbering(whole)

    @pytest.mark.parametrize("other", [
        {"since": "2024-03-02T00:00:00+07:00"},
        {"sites": SITES[:1]},
        {"actors": {"so_moi": ["departments"]}},
        {"interpretations": {"morning_ends": "11:00"}},
    ])
    def test_other_arguments_are_a_merge_error(self, other):
        """A merge of partials made under another since, sites, actors or reading is refused."""
        a = quyche.partial(SAMPLE, EVENTS, **KW)
        b = quyche.partial(SAMPLE, EVENTS, **{**KW, **other})
        with pytest.raises(MergeError, match="another"):
            quyche.merge([a, b])

    def test_other_rule_set_is_a_merge_error(self):
        kontum = quyche.load("kontum")
        a = quyche.partial(kontum, [], as_of="2024-12-31T00:00:00+07:00")
        b = quyche.partial("laichau", [], as_of="2024-12-31T00:00:00+07:00")
        with pytest.raises(MergeError, match="rule set"):
            quyche.merge([a, b])
        with pytest.raises(MergeError, match="made with rule set 'kontum', not 'laichau'"):
            quyche.merge([Partial.from_json(a.to_json())], rule_set="laichau")

    def test_other_as_of_is_a_merge_error(self):
        a = quyche.partial(SAMPLE, EVENTS, **KW)
        b = quyche.partial(SAMPLE, EVENTS, **{**KW, "as_of": "2024-03-07T00:00:00+07:00"})
        with pytest.raises(MergeError, match="different as_of"):
            quyche.merge([a, b])
        with pytest.raises(MergeError, match="differs"):
            quyche.merge([a], as_of="2024-03-07T00:00:00+07:00")

    def test_nothing_to_merge(self):
        with pytest.raises(MergeError, match="nothing to merge"):
            quyche.merge([])

    def test_report_read_from_json_says_what_to_do(self):
        report = quyche.Report.model_validate_json(
            quyche.evaluate(SAMPLE, EVENTS, **KW).model_dump_json())
        with pytest.raises(MergeError, match="with_state"):
            report.merge(report)

    def test_report_with_state_merges_after_json(self):
        """A report written with its state reads back from JSON and merges into the whole."""
        def through_json(report):
            return quyche.Report.model_validate_json(report.with_state().model_dump_json())

        a, b = (through_json(quyche.evaluate(SAMPLE, EVENTS[i::2], **KW)) for i in range(2))
        whole = quyche.evaluate(SAMPLE, EVENTS, **KW)
        assert _without_numbering(a.merge(b, rule_set=SAMPLE)) == _without_numbering(whole)
        assert "state" not in whole.model_dump() and "state" in a.model_dump()


class TestOpenAsOf:
    def test_open_partials_merge_at_a_later_as_of(self):
        """A partial made without as_of merges at any as_of after its events."""
        events = [e for e in EVENTS if e["id"] != "late"]
        parts = [quyche.partial(SAMPLE, events[i::2], sites=SITES) for i in range(2)]
        for as_of in (AS_OF, "2024-04-01T00:00:00+07:00"):
            merged = quyche.merge(parts, as_of=as_of)
            whole = quyche.evaluate(SAMPLE, events, as_of=as_of, sites=SITES)
            assert _without_numbering(merged) == _without_numbering(whole)

    def test_as_of_before_an_event_is_a_merge_error(self):
        """An event evaluate would refuse as after as_of makes the open merge refuse that as_of."""
        p = quyche.partial(SAMPLE, EVENTS, sites=SITES)
        with pytest.raises(MergeError, match=r"up to 2024-03-07T10:00:00\+07:00"):
            quyche.merge([p], as_of=AS_OF)
        assert quyche.merge([p], as_of="2024-03-07T10:00:00+07:00").summary.events_rejected == 1

    def test_a_broadcast_must_start_before_as_of(self):
        p = quyche.partial(SAMPLE, [EVENTS[0]], sites=SITES)
        with pytest.raises(MergeError):
            quyche.merge([p], as_of="2024-03-04T07:00:00+07:00")
        assert quyche.merge([p], as_of="2024-03-04T07:00:01+07:00").summary.events_applied == 1

    def test_open_partials_need_as_of(self):
        with pytest.raises(MergeError, match="give as_of"):
            quyche.merge([quyche.partial(SAMPLE, [], sites=SITES)])


class TestSerialisation:
    def test_json_is_versioned_and_bounded(self):
        data = orjson.loads(quyche.partial(SAMPLE, EVENTS, **KW).to_json())
        assert (data["format"], data["version"]) == ("quyche.evaluation.partial", 1)
        assert data["rule_set"]["id"] == "sample" and data["rule_set"]["digest"].startswith(
            "sha256:")
        def size(n):  # n back-to-back segments of a few seconds on one site and day
            t0 = dt.datetime(2024, 3, 4, 7, tzinfo=LOCAL)
            events = [{"id": f"s{i:04}", "type": "broadcast", "site": "bg1",
                       "start": (t0 + dt.timedelta(seconds=20 * i)).isoformat(),
                       "end": (t0 + dt.timedelta(seconds=20 * i + 20)).isoformat()}
                      for i in range(n)]
            return len(quyche.partial(SAMPLE, events, **KW).to_json())

        assert size(500) - size(20) < 10  # only the counts' digits grow: not one byte per event

    @pytest.mark.parametrize("text, message", [
        ("[]", "not a quyche partial"),
        ('{"format": "quyche.evaluation.partial", "version": 99}', "version 99"),
        ('{"format": "quyche.evaluation.partial", "version": 1, "rule_set": {}}', "malformed"),
        ("{", "not JSON"),
    ])
    def test_bad_json_is_a_merge_error(self, text, message):
        with pytest.raises(MergeError, match=message):
            Partial.from_json(text, "state.json")

    def test_custom_rule_set_from_json_needs_it_given(self):
        """JSON names its rule set; one that is not bundled must be given to merge."""
        p = Partial.from_json(quyche.partial(SAMPLE, EVENTS, **KW).to_json())
        with pytest.raises(MergeError, match="not bundled"):
            quyche.merge([p])
        assert quyche.merge([p], rule_set=SAMPLE).summary.events_read == len(EVENTS)

    def test_overridden_reading_travels_in_json(self):
        p = quyche.partial(SAMPLE, EVENTS, **KW, interpretations={"morning_ends": "11:00"})
        back = Partial.from_json(p.to_json())
        assert back.reference["interpretations"] == {"morning_ends": "11:00"}
        assert _without_numbering(quyche.merge([back], rule_set=SAMPLE)) == _without_numbering(
            quyche.merge([p]))

    def test_report_pickles_and_merges_after(self):
        """Reports come back from another process and merge into the whole."""
        whole = quyche.evaluate(SAMPLE, EVENTS, **KW)
        reports = [pickle.loads(pickle.dumps(quyche.evaluate(SAMPLE, EVENTS[i::2], **KW)))
                   for i in range(2)]
        assert reports[0].merge(reports[1]).model_dump(exclude={"rejected"}) == whole.model_dump(
            exclude={"rejected"})
        assert pickle.loads(pickle.dumps(whole)).model_dump() == whole.model_dump()


def _partial_in_child(args):
    events, labels = args
    return quyche.evaluate(SAMPLE, events, **KW), quyche.partial(SAMPLE, labels, **KW)


def test_across_a_process_pool():
    """Reports and partials made in other processes merge into the report of the whole."""
    halves = [(EVENTS[:4], EVENTS[4:6]), ([], EVENTS[6:])]
    with ProcessPoolExecutor(2) as pool:
        results = [item for pair in pool.map(_partial_in_child, halves) for item in pair]
    whole = quyche.evaluate(SAMPLE, EVENTS, **KW)
    assert _without_numbering(quyche.merge(results)) == _without_numbering(whole)


class TestProperties:
    @FEWER
    @given(data=st.data())
    def test_any_split_merges_into_the_whole(self, data):
        """Partials of any split into k parts merge into evaluate's report of the whole."""
        stream = data.draw(_streams())
        k = data.draw(st.integers(1, 5))
        labels = data.draw(st.lists(st.integers(0, k - 1), min_size=len(stream.events),
                                    max_size=len(stream.events)))
        parts = [quyche.partial(stream.rule_set, part, **stream.arguments())
                 for part in _split(stream.events, labels, k)]
        assert _without_numbering(quyche.merge(parts)) == _without_numbering(stream.evaluate())

    @FEWER
    @given(data=st.data())
    def test_contiguous_split_equals_the_whole_to_the_index(self, data):
        stream = data.draw(_streams())
        cuts = sorted(data.draw(st.lists(st.integers(0, len(stream.events)), max_size=4)))
        bounds = [0, *cuts, len(stream.events)]
        parts = [quyche.partial(stream.rule_set, stream.events[a:b], **stream.arguments())
                 for a, b in itertools.pairwise(bounds)]
        merged = quyche.merge(parts).model_dump()
        for r in merged["rejected"]:
            del r["partition"], r["partition_index"]
        whole = stream.evaluate().model_dump()
        for r in whole["rejected"]:
            del r["partition"], r["partition_index"]
        assert merged == whole

    @FEWER
    @given(data=st.data())
    def test_round_trips_change_nothing(self, data):
        """Pickle and JSON round trips of a partial change nothing it merges into."""
        stream = data.draw(_streams())
        p = quyche.partial(stream.rule_set, stream.events, **stream.arguments())
        by_json = Partial.from_json(p.to_json())
        by_pickle = pickle.loads(pickle.dumps(p))
        assert by_json.to_data() == p.to_data() == by_pickle.to_data()
        expected = quyche.merge([p]).model_dump()
        assert quyche.merge([by_pickle]).model_dump() == expected
        assert quyche.merge([by_json], rule_set=stream.rule_set).model_dump() == expected

    @FEWER
    @given(data=st.data())
    def test_open_partials_merge_like_evaluate(self, data):
        """Open partials of valid events merge at as_of into evaluate's report at as_of."""
        stream = data.draw(_streams(invalid=False))
        labels = data.draw(st.lists(st.integers(0, 2), min_size=len(stream.events),
                                    max_size=len(stream.events)))
        arguments = stream.arguments()
        del arguments["as_of"]
        parts = [quyche.partial(stream.rule_set, part, **arguments)
                 for part in _split(stream.events, labels, 3)]
        merged = quyche.merge(parts, as_of=stream.end)
        assert _without_numbering(merged) == _without_numbering(stream.evaluate())

    @FEWER
    @given(data=st.data())
    def test_pairwise_and_one_merge_agree(self, data):
        stream = data.draw(_streams())
        parts = [stream.evaluate(stream.events[i::3]) for i in range(3)]
        pairwise = functools.reduce(lambda a, b: a.merge(b), parts)
        assert _without_numbering(pairwise) == _without_numbering(quyche.merge(parts))

"""Tests for `quyche.durable`: the durable_rules backend gives the native engine's reports.

The differential tests run generated streams (`quyche.testing`) through both
engines on every bundled rule set that loads and on tests/data/sample.yaml. The
others pin each known limit of durable_rules 2.0.28 to the design that avoids
it (docs/durable.md): one session id, partitions of mutually exclusive rules,
synchronous actions, unique and cached ruleset names, and an install hint when
durable_rules is missing.
"""

import datetime as dt
import gc
import itertools
import sys
import threading

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import quyche
from quyche import BackendUnavailable, conditions
from quyche._load import load_text
from quyche.testing import event_streams
from quyche.time.deadlines import LOCAL
from rule_sets import RULE_SETS, SAMPLE, SAMPLE_PATH

SITES = [{"id": "bg1", "kind": "border_gate", "operator": "bdbp_tinh"},
         {"id": "pb1", "kind": "public_board", "operator": "so_tttt"}]
AS_OF = "2024-06-30T23:59:59+07:00"


@pytest.fixture(scope="module")
def durable():
    """quyche.durable, once durable_rules is known to be installed (else skip)."""
    pytest.importorskip("durable.engine")
    from quyche.evaluation import durable

    return durable


@pytest.fixture(scope="module")
def encoding(durable):
    """quyche.evaluation.durable_encoding: messages and conditions as durable_rules reads them."""
    from quyche.evaluation import durable_encoding

    return durable_encoding




def _window(rs):
    """Half a year from the in-force date (2025 for a text that gives none)."""
    day = rs.instrument.date_of("in_force") or dt.date(2025, 1, 1)
    start = dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL)
    return start, start + dt.timedelta(days=183)


def _both(stream, events=None):
    native = stream.evaluate(events)
    durable = stream.evaluate(events, engine="durable")
    return native, durable


# --------------------------------------------------------------------------- differential


class TestDifferential:
    @pytest.mark.parametrize("name", sorted(RULE_SETS))
    def test_identical_reports(self, durable, name):
        """Generated streams, valid and invalid events, give identical reports."""
        rs = RULE_SETS[name]

        @given(event_streams(rs, *_window(rs), invalid=True, max_size=60))
        def check(stream):
            native, by_durable = _both(stream)
            assert by_durable.model_dump() == native.model_dump()

        check()

    @pytest.mark.parametrize("name", sorted(RULE_SETS))
    def test_triggered_duties_identical(self, durable, name):
        """Streams made of the event types that raise duties give identical reports."""
        rs = RULE_SETS[name]
        types = sorted({ob.trigger.event for ob in rs.obligations if ob.trigger})
        if not types:
            pytest.skip(f"{name} has no triggered duties")

        @given(event_streams(rs, *_window(rs), types=types, min_size=1, max_size=40))
        def check(stream):
            native, by_durable = _both(stream)
            assert by_durable.model_dump() == native.model_dump()

        check()

    @given(st.data())
    def test_merged_partitions(self, durable, data):
        """Durable reports of two partitions merge into the native report of the whole."""
        stream = data.draw(event_streams(SAMPLE, *_window(SAMPLE), sites=SITES, max_size=40))
        cut = data.draw(st.integers(0, len(stream.events)))
        merged = stream.evaluate(stream.events[:cut], engine="durable").merge(
            stream.evaluate(stream.events[cut:], engine="durable"))
        whole = stream.evaluate()
        assert merged.obligations == whole.obligations
        assert merged.violations == whole.violations


# --------------------------------------------------------------------------- conditions

_VALUES = (None, True, False, 0, 1, 1.0, 2.5, -3, "", "1", "10", "9", "a", "b", "true",
           "é", "ế", "z", dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
           dt.datetime(2024, 1, 1, 7, tzinfo=LOCAL), dt.datetime(2024, 1, 1), dt.date(2024, 1, 1),
           [1], ["a", 1.0], {"x": 1})
_FIELDS = ("a", "b", "c")
_values = st.sampled_from(_VALUES)
_ordered = _values.filter(lambda v: not isinstance(v, list))
_plain = _values.filter(lambda v: not isinstance(v, dict))  # a mapping would read as operators


def _leaf(field):
    return st.one_of(
        _plain,
        st.builds(lambda v: {"$eq": v}, _values),
        st.builds(lambda v: {"$ne": v}, _values),
        st.builds(lambda op, v: {op: v}, st.sampled_from(["$lt", "$lte", "$gt", "$gte"]),
                  _ordered),
        st.builds(lambda vs: {"$in": vs}, st.lists(_values, max_size=3)),
        st.builds(lambda vs: {"$nin": vs}, st.lists(_values, max_size=3)),
        st.builds(lambda b: {"$exists": b}, st.booleans()),
        st.builds(lambda lo, hi: {"$gte": lo, "$lt": hi}, _ordered, _ordered),
    ).map(lambda test: {field: test})


_conditions = st.recursive(
    st.sampled_from(_FIELDS).flatmap(_leaf) | st.just({}),
    lambda inner: st.one_of(
        st.builds(lambda cs: {"$and": cs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda cs: {"$or": cs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda a, b: {**a, **b}, inner, inner),
    ),
    max_leaves=5,
)
_events = st.fixed_dictionaries({"type": st.just("incident")},
                                 optional={f: _values for f in _FIELDS})
_names = itertools.count()


def _decide(durable, condition, events):
    """For each event: did durable_rules fire `yes` or `no` for the condition and its negation?

    The messages go through one `MessageEncoder`, as a duty's do: remembered messages
    must decide as fresh ones.
    """
    from quyche.evaluation import durable_encoding as encoding

    fired = []

    def action(rule):
        def run(c):
            fired.append(rule)

        return run

    where = conditions.to_durable(condition)
    is_type = {"type": "incident"}
    rules = {"yes": encoding.all_of([is_type, encoding.lower(where)]),
             "no": encoding.all_of([is_type, encoding.lower(where, negate=True)])}
    name = f"quyche_test_condition_{next(_names)}"
    host = durable.shared_host()
    durable.register(host, {name: {rule: {"all": [{"m": expr}], "run": action(rule)}
                                   for rule, expr in rules.items() if expr is not False}},
                     name)
    out = []
    encode = encoding.MessageEncoder(sorted(encoding.fields_read(where)))
    for event in events:
        fired.clear()
        host.post(name, encode(event))
        out.append(list(fired))
    return out


class TestConditions:
    @given(_conditions, st.lists(_events, min_size=1, max_size=8))
    def test_same_meaning_as_native(self, durable, condition, events):
        """A condition and its negation: exactly one fires, and it is the native answer."""
        native = conditions.compile(condition)
        try:
            decided = _decide(durable, condition, events)
        except quyche.EvaluationError as exc:
            # beyond durable_rules' expressions per rule (test_expression_limit_is_clear)
            assert "too many expressions" in str(exc)
            assume(False)
        assert decided == [["yes" if native(e) else "no"] for e in events]

    def test_expression_limit_is_clear(self, durable):
        """A condition durable_rules cannot hold is refused with a clear error."""
        big = {"x": {"$in": [f"v{i}" for i in range(40)]}}
        with pytest.raises(quyche.EvaluationError, match="too many expressions in one rule"):
            _decide(durable, big, [{"type": "incident"}])

    def test_repeated_values_are_compiled_once(self, durable):
        """Repeats in $in cost nothing: 40 copies of two values still compile."""
        repeated = {"x": {"$in": ["a", "b"] * 20}}
        events = [{"type": "incident", "x": v} for v in ("a", "b", "c")]
        assert _decide(durable, repeated, events) == [["yes"], ["yes"], ["no"]]

    @pytest.mark.parametrize(("condition", "event", "expected"), [
        ({"x": {"$ne": "a"}}, {}, True),          # durable_rules: $neq never holds on a gap
        ({"x": {"$nin": ["a"]}}, {}, True),
        ({"x": None}, {}, True),                  # durable_rules: null is not missing
        ({"x": 1}, {"x": "1"}, False),            # durable_rules: '1' == 1
        ({"x": True}, {"x": "true"}, False),      # durable_rules: 'true' == True
        ({"x": {"$lt": 5}}, {"x": "4"}, False),   # durable_rules: '4' < 5
        ({"x": {"$lt": "9"}}, {"x": "10"}, True),  # strings compare as strings
        ({"x": 1}, {"x": True}, True),            # as in Python: True == 1
        ({"x": {"$gte": dt.datetime(2024, 1, 1, tzinfo=LOCAL)}},
         {"x": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)}, True),
    ])
    def test_loose_comparisons_made_exact(self, durable, condition, event, expected):
        """Where durable_rules compares loosely, the encoding restores Python's meaning."""
        assert conditions.compile(condition)({"type": "incident", **event}) is expected
        assert _decide(durable, condition, [{"type": "incident", **event}]) == \
            [["yes" if expected else "no"]]

    def test_ordering_lists_refused(self, encoding):
        """Comparing with a list has no durable_rules form: refused at compile time."""
        with pytest.raises(quyche.EvaluationError, match="list"):
            encoding.lower(conditions.to_durable({"x": {"$lt": [1]}}))

    @given(st.lists(_events, min_size=1, max_size=12))
    def test_remembered_messages_are_fresh_ones(self, encoding, events):
        """A duty's encoder gives each event the message `encode` makes of it, whatever
        came before: 1, 1.0 and True are equal in Python but not posted alike."""
        encode = encoding.MessageEncoder(_FIELDS)
        for event in [*events, *events]:
            assert encode(event) == encoding.encode(event, _FIELDS)


# --------------------------------------------------------------------------- known limits

# Two duties on one event type, an exception list where two exceptions can hold at once.
OVERLAPPING = SAMPLE_PATH.read_text(encoding="utf-8").replace("\nconstraints:\n", """
  - id: any_document
    title: {vi: Mọi văn bản, en: Any document}
    owed_by: [ban_bien_tap]
    trigger: {event: document_received}
    deadline: {working_days: 10}
    exceptions:
      - {id: urgent, when: {urgent: true}, deadline: {same_day: true},
         source: {article: 7, quote: "khẩn"}}
      - {id: legal, when: {doc_class: legal_normative}, deadline: {hours: 48},
         source: {article: 7, quote: "quy phạm"}}
      - {id: not_other, when: {doc_class: {$ne: other}}, deadline: {days: 5},
         source: {article: 7, quote: "khác"}}
    discharged_by: {event: document_published, match: ref, ref_field: ref}
    source: {article: 7, clause: 4, quote: "mọi văn bản"}
constraints:
""", 1)


def _doc(ident, doc_class, urgent=None):
    ev = {"id": ident, "type": "document_received", "doc_class": doc_class,
          "at": "2024-03-04T10:00:00+07:00"}
    if urgent is not None:
        ev["urgent"] = urgent
    return ev


class TestLimits:
    def test_cycles_freed_while_the_collector_is_paused(self, durable, monkeypatch):
        """Each post leaves durable_rules' callbacks in reference cycles; an evaluation
        pauses the collector, so the matcher frees them every COLLECT_EVERY posts."""
        monkeypatch.setattr(durable, "COLLECT_EVERY", 16)
        matcher = durable.DurableMatcher(SAMPLE)
        gc.collect()
        gc.disable()
        try:
            for _ in range(400):
                matcher.duties("incident")
            left = gc.collect()
        finally:
            gc.enable()
        assert left < 16 * 40  # about two dozen a post: 9 600 without the collections

    def test_messages_are_what_is_posted(self, durable, monkeypatch):
        """`DurableMatcher.messages` (what the benchmark times as our conversion) is what
        the matcher posts: the router's message, then one per duty of the type."""
        host = durable.shared_host()
        posted = []
        post = host.post

        def spy(ruleset, message, complete=None):
            posted.append((ruleset, message))
            return post(ruleset, message, complete)

        monkeypatch.setattr(host, "post", spy)
        matcher = durable.DurableMatcher(SAMPLE)
        events = [_doc("d1", "other"), _doc("d2", "legal_normative", True),
                  {"type": "incident", "site": "bg1", "category": "security"},
                  {"type": "incident_reported", "incident": "x"}]
        expected = []
        for event in events:
            for _ob, holds, _exceptions in matcher.duties(event["type"]):
                holds(event)
            feeds = any(ob.trigger and ob.trigger.event == event["type"]
                        for ob in SAMPLE.obligations)
            expected += matcher.messages(event["type"], event if feeds else None)
        assert posted == expected
        assert len(posted) > len(events)

    def test_one_session_for_any_number_of_events(self, durable, monkeypatch):
        """Thousands of events (durable_rules dies after ~1024 sids) share one sid."""
        host = durable.shared_host()
        sids = set()
        post = host.post

        def spy(ruleset, message, complete=None):
            sids.add(message["sid"])
            return post(ruleset, message, complete)

        monkeypatch.setattr(host, "post", spy)
        events = [{"id": f"i{n}", "type": "incident", "site": "bg1", "category": "security",
                   "at": f"2024-03-{1 + n % 28:02d}T10:00:00+07:00"} for n in range(3000)]
        native = quyche.evaluate(SAMPLE, events, as_of=AS_OF, sites=SITES)
        by_durable = quyche.evaluate(SAMPLE, events, as_of=AS_OF, sites=SITES, engine="durable")
        assert sids == {durable.SID}
        assert len(by_durable.obligations_for("incident_report")) == 3000
        assert by_durable.model_dump() == native.model_dump()

    def test_session_keeps_nothing(self, durable):
        """Events are consumed by the rule that fires: the session holds no events or facts."""
        quyche.evaluate(SAMPLE, [_doc("d1", "other"), _doc("d2", "legal_normative", True)],
                        as_of=AS_OF, sites=SITES, engine="durable")
        host = durable.shared_host()
        for name in durable.rulesets(SAMPLE):
            assert host.get_pending_events(name, durable.SID) == []
            assert host.get_facts(name, durable.SID) == []

    def test_no_rule_matches_is_not_an_error(self, durable):
        """An event no trigger wants (durable_rules would raise MessageNotHandled) is fine."""
        events = [_doc("d1", "other"), {"id": "b1", "type": "backup",
                                        "at": "2024-03-04T10:00:00+07:00"}]
        native = quyche.evaluate(SAMPLE, events, as_of=AS_OF, sites=SITES)
        by_durable = quyche.evaluate(SAMPLE, events, as_of=AS_OF, sites=SITES, engine="durable")
        assert by_durable.model_dump() == native.model_dump()
        assert not [o for o in by_durable.obligations if o.trigger]

    def test_every_ruleset_is_a_partition(self, durable):
        """Each ruleset has a rule for messages it should never see, so none goes unhandled."""
        for rs in RULE_SETS.values():
            definitions = durable.rulesets(rs)
            router, *duties = definitions
            assert "feeds_nothing" in definitions[router]
            for name in duties:
                assert {"no_trigger", "other_type"} & set(definitions[name])

    def test_overlapping_rules_all_counted(self, durable):
        """An event two duties and three exceptions match: both duties, first exception."""
        rs = load_text(OVERLAPPING, "overlapping.yaml")
        events = [_doc("d1", "legal_normative", True), _doc("d2", "legal_normative"),
                  _doc("d3", "planning"), _doc("d4", "other"), _doc("d5", "other", True)]
        native = quyche.evaluate(rs, events, as_of=AS_OF, sites=SITES)
        by_durable = quyche.evaluate(rs, events, as_of=AS_OF, sites=SITES, engine="durable")
        assert by_durable.model_dump() == native.model_dump()
        due = {(o.rule_id, o.trigger): o.due.isoformat() for o in by_durable.obligations
               if o.trigger}
        assert due == {
            ("document_update", "d1"): "2024-03-05T00:00:00+07:00",  # urgent: same day
            ("any_document", "d1"): "2024-03-05T00:00:00+07:00",     # urgent wins over legal
            ("document_update", "d2"): "2024-03-14T00:00:00+07:00",  # 7 working days
            ("any_document", "d2"): "2024-03-06T10:00:00+07:00",     # 48 hours
            ("any_document", "d3"): "2024-03-12T00:00:00+07:00",     # 5 days, Sat -> Mon
            ("any_document", "d4"): "2024-03-19T00:00:00+07:00",     # 10 working days
            ("any_document", "d5"): "2024-03-05T00:00:00+07:00",
        }

    def test_actions_run_inside_post(self, durable):
        """No dispatch threads: every action has run when evaluate() returns."""
        durable.shared_host()
        before = threading.active_count()
        report = quyche.evaluate(SAMPLE, [_doc(f"d{n}", "legal_normative") for n in range(200)],
                                 as_of=AS_OF, sites=SITES, engine="durable")
        assert len(report.obligations_for("document_update")) == 200
        assert threading.active_count() == before
        assert not hasattr(durable.shared_host(), "_d_timer")

    def test_ruleset_names_unique_and_cached(self, durable):
        """Names carry a digest of the rule set; evaluating again registers nothing new."""
        other = quyche.override(SAMPLE, {"morning_ends": "11:00"})
        names = set(durable.rulesets(SAMPLE))
        other_names = set(durable.rulesets(other))
        assert not names & other_names
        assert all(n.startswith("quyche_sample_") for n in names | other_names)
        host = durable.shared_host()
        for rs in (SAMPLE, other, SAMPLE, other):
            quyche.evaluate(rs, [_doc("d1", "legal_normative")], as_of=AS_OF, sites=SITES,
                            engine="durable")
        registered = set(host._ruleset_directory)
        assert names | other_names <= registered
        quyche.evaluate(SAMPLE, [], as_of=AS_OF, engine="durable")
        assert set(host._ruleset_directory) == registered


def test_missing_backend_names_the_extra(monkeypatch):
    """Without durable_rules, engine="durable" raises BackendUnavailable with the pip line."""
    monkeypatch.setitem(sys.modules, "durable", None)
    monkeypatch.setitem(sys.modules, "durable.engine", None)
    with pytest.raises(BackendUnavailable, match=r'pip install "quyche\[durable\]"'):
        quyche.evaluate(SAMPLE, [], as_of=AS_OF, engine="durable")

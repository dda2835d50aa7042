"""Records built without validation (`quyche.evaluation.report_records`) are the validated ones.

Equal, with the same fields in the same order, the same fields given, the same JSON, equal
after pickling: nothing a reader of a report can tell apart.
"""

import datetime as dt
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import quyche
from quyche import Citation, Handover, ObligationStatus, Violation
from quyche.evaluation import finalize
from quyche.evaluation.report_records import obligation_status, violation

CITE = Citation(document="regulation", instrument="03/2024", article=10, clause=1,
                quote="đăng phát tối thiểu 6 giờ/ngày")
HANDOVER = Handover(succession="s1", change="reorganised", role="owed_by",
                    predecessor="so_tttt", successor="so_vhttdl", effective="2025-03-01",
                    asserted_by="data", basis="Nghị quyết")


def same(made, validated) -> None:
    assert made == validated
    assert list(made.__dict__) == list(validated.__dict__)
    assert made.model_fields_set == validated.model_fields_set
    assert made.model_dump_json() == validated.model_dump_json()
    assert pickle.loads(pickle.dumps(made)) == validated
    assert repr(made) == repr(validated)


@pytest.mark.parametrize("fields", [
    {"rule_id": "daily_minimum", "kind": "broadcast_hours", "actor": "so_tttt", "site": "bg1",
     "when": "2024-03-04", "message": "Thời lượng 5.00 giờ", "message_en": "5.00 h",
     "source": CITE, "events": ["a", "b"]},
    {"rule_id": "annual_report", "kind": "late", "actor": "so_tttt",
     "when": "2024-03-04T10:00:00+07:00", "period": "2024", "message": "muộn",
     "message_en": "late", "source": CITE, "events": [], "successions": [HANDOVER]},
    {"rule_id": "r", "kind": "missed", "when": "2024-03-04", "message": "m",
     "message_en": "m", "source": CITE},
])
def test_as_validated(fields):
    same(violation(**fields), Violation(**fields))


DUE = dt.datetime(2024, 12, 15, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.mark.parametrize("fields", [
    {"rule_id": "annual_report", "title": "Báo cáo năm", "actor": "so_tttt",
     "owed_to": ["ubnd_tinh"], "period": "2024", "due": DUE, "status": "late",
     "trigger": None, "fulfilled_by": "s1", "fulfilled_at": DUE + dt.timedelta(days=2),
     "exception": None, "source": CITE, "successions": [HANDOVER]},
    {"rule_id": "incident_report", "title": "Báo cáo sự cố", "actor": "bdbp_tinh",
     "owed_to": [], "period": None, "due": DUE, "status": "open", "source": CITE},
])
def test_obligation_status_as_validated(fields):
    made = obligation_status(**fields)
    same(made, ObligationStatus(**fields))
    assert made.due is fields["due"]  # the evaluation's own instant, not a copy


def test_default_lists_are_each_record_own():
    """An empty default is a new list each time, as validation's copy of the default is."""
    fields = {"rule_id": "r", "kind": "missed", "when": "2024-03-04", "message": "m",
              "message_en": "m", "source": CITE}
    a, b = violation(**fields), violation(**fields)
    assert a.events == b.events == [] and a.events is not b.events
    assert a.successions is not b.successions


def test_day_findings_as_validated():
    """Every broadcast-day finding of an evaluation is the record validation would make."""
    rs = quyche.load(Path(__file__).parent / "data" / "sample.yaml")
    sites = [{"id": "bg1", "kind": "border_gate", "operator": "bdbp_tinh"},
             {"id": "pb1", "kind": "public_board", "operator": "so_tttt"}]
    t = "2024-03-04T{}:00+07:00"
    events = [{"id": "a", "type": "broadcast", "site": "bg1", "start": t.format("07:00"),
               "end": t.format("08:00")},
              {"id": "b", "type": "broadcast", "site": "pb1", "start": t.format("13:30"),
               "end": t.format("15:00")}]
    report = quyche.evaluate(rs, events, as_of="2024-03-06T00:00:00+07:00",
                             since="2024-03-04T00:00:00+07:00", sites=sites)
    found = [v for v in report.violations if v.kind.startswith(("broadcast", "no_broadcast"))]
    assert {v.kind for v in found} >= {"broadcast_hours", "broadcast_part", "no_broadcast",
                                       "broadcast_window"}
    for v in found:
        same(v, Violation(**{name: getattr(v, name) for name in v.model_fields_set}))


def _safe_order(v: Violation) -> tuple:
    return (v.when, v.rule_id, v.kind, v.site or "", v.actor or "", v.period or "",
            tuple(v.events), v.message)


_small = st.sampled_from(["", "a", "b"])


@given(st.lists(st.builds(
    lambda when, rule, kind, site, actor, period, events, message, article: Violation(
        rule_id=rule, kind=kind, site=site, actor=actor, when=when, period=period,
        message=message, message_en="m", events=events,
        source=CITE.model_copy(update={"article": article})),
    st.sampled_from(["2024-03-04", "2024-03-05"]), _small, _small, st.none() | _small,
    st.none() | _small, st.none() | _small, st.lists(_small, max_size=2), _small,
    st.integers(1, 3)), max_size=12))
def test_violations_sorted_as_with_empty_strings_for_absent_fields(violations):
    """The report's order of violations: every field, an absent one read as "", and the
    input's order among violations equal on all of them (a stable sort)."""
    assert finalize._sorted_violations(violations) == sorted(violations, key=_safe_order)

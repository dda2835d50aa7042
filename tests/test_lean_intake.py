"""Tests for the intake of events other than broadcast segments, worked out once per evaluation.

What an event type can do is precomputed (`TriggerIntake`, `ContentRules`), and what
depends only on a few values is memoised: a deadline in days per local day, an hour
deadline added to whole seconds, a quoted item's findings by which attribution fields
are blank, a refusal per (category, language), equality conditions compiled to one
predicate. Each must give what the general computation gives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche import conditions
from quyche._load import as_rule_set
from quyche.evaluation.context import Context
from quyche.evaluation.kinds.triggered import TriggerIntake
from quyche.evaluation.matching import NativeMatcher
from quyche.time.deadlines import triggered_due

ICT = dt.timezone(dt.timedelta(hours=7))

# --------------------------------------------------------------------------- conditions

_FIELDS = ("a", "b", "c")
_VALUES = st.one_of(st.none(), st.integers(-2, 2), st.sampled_from(["x", "y"]), st.booleans())


def _reference(condition: dict[str, Any], event: dict[str, Any]) -> bool:
    """The condition language read directly, as the module docstring defines it."""
    for key, value in condition.items():
        if key == "$and":
            ok = all(_reference(c, event) for c in value)
        elif key == "$or":
            ok = any(_reference(c, event) for c in value)
        elif not isinstance(value, dict):
            ok = event.get(key) == value
        else:
            ok = all(_test(event.get(key), op, operand) for op, operand in value.items())
        if not ok:
            return False
    return True


def _test(actual: Any, op: str, operand: Any) -> bool:
    if op == "$exists":
        return (actual is not None) == operand
    if op in ("$in", "$nin"):
        return (actual in operand) == (op == "$in")
    if op in ("$eq", "$ne"):
        return (actual == operand) == (op == "$eq")
    if actual is None:
        return False
    try:
        return bool({"$lt": actual < operand, "$lte": actual <= operand,
                     "$gt": actual > operand, "$gte": actual >= operand}[op])
    except TypeError:
        return False


def _conditions() -> st.SearchStrategy[dict[str, Any]]:
    ops = st.one_of(
        st.tuples(st.sampled_from(["$eq", "$ne", "$lt", "$lte", "$gt", "$gte"]), _VALUES),
        st.tuples(st.sampled_from(["$in", "$nin"]), st.lists(_VALUES, max_size=3)),
        st.tuples(st.just("$exists"), st.booleans()))
    leaf = st.dictionaries(st.sampled_from(_FIELDS), st.one_of(
        _VALUES, st.dictionaries(st.just("x"), ops, min_size=1).map(
            lambda d: dict([d["x"]]))), max_size=3)
    return st.recursive(leaf, lambda inner: st.dictionaries(
        st.sampled_from(["$and", "$or", *_FIELDS]), st.lists(inner, min_size=1, max_size=3),
        min_size=1, max_size=2).map(
            lambda d: {k: v if k.startswith("$") else v[0].get(k, 0) for k, v in d.items()}),
        max_leaves=6)


@settings(max_examples=300)
@given(_conditions(), st.dictionaries(st.sampled_from(_FIELDS), _VALUES))
def test_compiled_condition_reads_as_the_language_says(condition, event):
    assert conditions.compile(condition)(event) == _reference(condition, event)


def test_equalities_of_two_and_more_fields():
    two = conditions.compile({"kind": "information", "actor": "so_tttt"})
    assert two({"kind": "information", "actor": "so_tttt"})
    assert not two({"kind": "information", "actor": "so_tc"})
    assert not two({"actor": "so_tttt"})
    three = conditions.compile({"a": 1, "b": None, "c": "x"})
    assert three({"a": 1, "c": "x"}) and not three({"a": 1, "b": 2, "c": "x"})


# --------------------------------------------------------------------------- deadlines


def _intake(rule_set: str, since: str, as_of: str) -> TriggerIntake:
    ctx = Context(as_rule_set(rule_set), as_of=as_of, since=since)
    return TriggerIntake(ctx, NativeMatcher(ctx.rule_set))


_TQ = _intake("tuyenquang", "2026-07-01T00:00:00+07:00", "2027-01-31T23:59:59+07:00")
_KT = _intake("kontum", "2024-01-01T00:00:00+07:00", "2025-12-31T23:59:59+07:00")
_DEADLINES = [(intake, d) for intake in (_TQ, _KT) for ob in intake.ctx.rule_set.obligations
              if ob.trigger is not None
              for d in (ob.deadline, *(ex.deadline for ex in ob.exceptions)) if d is not None]


def test_both_kinds_of_deadline_are_covered():
    kinds = {d.kind for _, d in _DEADLINES}
    assert "hours" in kinds and kinds - {"hours"}


@settings(max_examples=300)
@given(st.sampled_from(_DEADLINES),
       st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2027, 1, 31),
                    timezones=st.sampled_from([ICT, dt.timezone.utc])),
       st.booleans())
def test_due_instant_is_the_deadline_arithmetic(pair, at, whole):
    intake, deadline = pair
    at = at.replace(microsecond=0) if whole else at
    expected = triggered_due(deadline, at, intake.ctx.rule_set.policies,
                             intake.ctx.calendar).timestamp()
    # asked twice: the second answer may come from the memo of its local day
    assert intake._due_ts(deadline, at, at.timestamp()) == expected
    assert intake._due_ts(deadline, at, at.timestamp()) == expected


# --------------------------------------------------------------------------- content


def _published(i: int, **more: Any) -> dict[str, Any]:
    return {"type": "content_published", "id": f"c{i}", "site": "cong_ttdt",
            "at": f"2026-07-0{1 + i % 5}T09:00:00+07:00", "category": "news_situation",
            "language": "vi", **more}


_FULL = {"author": "A", "source": "B", "published_at": "2026-06-30T08:00:00+07:00",
         "link": "https://example.vn/a"}


def test_quoted_items_judged_by_their_own_blank_fields():
    events = [
        _published(0, quoted_from=_FULL),
        _published(1, quoted_from={**_FULL, "author": " "}),
        _published(2, quoted_from=_FULL),
        _published(3, quoted_from={**_FULL, "link": None}),
        _published(4, quoted_from={**_FULL, "author": ""}),
        _published(5, state_secret=True),
        _published(6, quoted_from=_FULL, state_secret=True),
    ]
    report = quyche.evaluate("tuyenquang", events, as_of="2026-07-31T23:59:59+07:00",
                             since="2026-07-01T00:00:00+07:00")
    found = sorted((v.events[0], v.kind, v.message_en) for v in report.violations
                   if v.kind in ("missing_attribution", "prohibited_content"))
    assert found == [
        ("c1", "missing_attribution", "Quoted content lacks: author"),
        ("c3", "missing_attribution", "Quoted content lacks: link"),
        ("c4", "missing_attribution", "Quoted content lacks: author"),
        ("c5", "prohibited_content", "Prohibited content published (state secrets)"),
        ("c6", "prohibited_content", "Prohibited content published (state secrets)"),
    ]


def test_refusals_remembered_per_category_and_language_say_the_same():
    events = [_published(0, category="gossip"), _published(1, category="gossip"),
              _published(2, language="xx-yy"), _published(3, language="xx-yy"),
              _published(4, site="nowhere", category="gossip")]
    report = quyche.evaluate("tuyenquang", events, as_of="2026-07-31T23:59:59+07:00",
                             since="2026-07-01T00:00:00+07:00")
    reasons = [(r.id, r.reason.split(":")[0]) for r in report.rejected]
    assert reasons == [("c0", "category"), ("c1", "category"), ("c2", "language"),
                       ("c3", "language"), ("c4", "site")]
    assert report.rejected[0].reason == report.rejected[1].reason


def test_due_instant_day_by_day_across_holidays_and_midnights():
    """Every day of a window with Tết and weekends, at the first and last instants of the
    local day and across the UTC midnight: the memo of a local day never answers another."""
    utc = dt.timezone.utc
    for intake, deadline in _DEADLINES:
        if deadline.kind == "hours":
            continue
        for n in range(60):
            day = dt.date(2025, 1, 10) + dt.timedelta(days=n)
            local = dt.datetime(day.year, day.month, day.day, tzinfo=ICT)
            for at in (local, local + dt.timedelta(hours=23, minutes=59, seconds=59.5),
                       local.astimezone(utc) + dt.timedelta(hours=16, minutes=59),
                       local.astimezone(utc) + dt.timedelta(hours=17)):
                expected = triggered_due(deadline, at, intake.ctx.rule_set.policies,
                                         intake.ctx.calendar).timestamp()
                assert intake._due_ts(deadline, at, at.timestamp()) == expected, (deadline, at)


def test_hour_deadline_in_a_zone_with_summer_time_is_wall_clock_as_before():
    """A datetime given in a zone with summer time (a caller's own objects): its hours are
    added as the datetime arithmetic adds them, across the change of the clocks."""
    from zoneinfo import ZoneInfo

    hours = [(i, d) for i, d in _DEADLINES if d.kind == "hours"]
    intake, deadline = hours[0]
    at = dt.datetime(2026, 10, 24, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
    expected = triggered_due(deadline, at, intake.ctx.rule_set.policies,
                             intake.ctx.calendar).timestamp()
    assert intake._due_ts(deadline, at, at.timestamp()) == expected

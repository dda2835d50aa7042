"""Tests for `quyche.analysis.wording`: the phrases explain, compare and diff share."""

from __future__ import annotations

import pytest

import quyche
from quyche.analysis.wording import (
    EVENT_WORDS,
    actor_names,
    describe_condition,
    describe_deadline,
    describe_exceptions,
    describe_recurrence,
)
from quyche.model import Deadline
from quyche.vocabulary import EVENT_TYPES


@pytest.mark.parametrize(("deadline", "en", "vi"), [
    (Deadline(hours=24), "within 24 hours", "trong thời hạn 24 giờ"),
    (Deadline(days=5), "within 5 days", "trong thời hạn 5 ngày"),
    (Deadline(working_days=3), "within 3 working days", "trong 3 ngày làm việc"),
    (Deadline(same_day=True), "the same day", "ngay trong ngày"),
])
def test_deadline_in_both_languages(deadline: Deadline, en: str, vi: str) -> None:
    """Each kind of deadline reads as the text would say it, in English and Vietnamese."""
    assert describe_deadline(deadline) == en
    assert describe_deadline(deadline, "vi") == vi


def test_condition_in_a_line() -> None:
    """Equality, membership, presence and nesting, in one line."""
    where = {"category": "security", "doc_class": {"$in": ["a", "b"]},
             "$or": [{"x": {"$exists": False}}, {"n": {"$gte": 2}}]}
    assert describe_condition(where) == (
        "category = security and doc_class ∈ {a, b} and (x absent or n ≥ 2)")


def test_before_date_recurrence_names_its_reading() -> None:
    """"trước ngày 20/12" says which reading of "before" the rule set applies."""
    rs = quyche.load("laichau")
    rec = next(o for o in rs.obligations if o.id == "annual_summary_report").recurrence
    assert rec is not None
    assert describe_recurrence(rec, rs.policies) == (
        "before 20/12 each year — read as: by the end of the day before (before_date: exclusive)")
    assert describe_recurrence(rec, rs.policies, "vi").startswith("trước ngày 20/12 hằng năm")


def test_exceptions_follow_the_deadline() -> None:
    """A triggered duty's exceptions read `; condition: deadline`; none reads as nothing."""
    rs = quyche.load("tuyenquang")
    with_exception = next(o for o in rs.obligations if o.exceptions)
    text = describe_exceptions(with_exception)
    first = with_exception.exceptions[0]
    assert text.startswith("; ") and describe_deadline(first.deadline) in text
    recurring = next(o for o in rs.obligations if o.recurrence is not None)
    assert describe_exceptions(recurring) == ""


def test_actor_names_fall_back_to_the_id() -> None:
    """An undeclared actor reads as its id; no actor reads as "not named"."""
    rs = quyche.load("laichau")
    assert actor_names(rs, ["nobody_declared"]) == "nobody_declared"
    assert actor_names(rs, []) == "(not named)"
    assert actor_names(rs, [], "vi") == "(không nêu)"
    declared = rs.actors[0]
    assert actor_names(rs, [declared.id], "vi") == declared.name
    assert actor_names(rs, [declared.id]).endswith(f"({declared.id})")


def test_every_event_type_has_words() -> None:
    """The vocabulary's event types and the words for them stay one list."""
    assert set(EVENT_WORDS) == set(EVENT_TYPES)

"""The rule-set model's own behaviour: each constraint kind describes itself, durations
read back, an overridden reading remembers the text's own value."""

from __future__ import annotations

import typing

import pytest

import quyche
from quyche.model import Constraint, Duration


def _constraint_classes() -> list[type]:
    union = typing.get_args(Constraint)[0]
    return list(typing.get_args(union))


@pytest.mark.parametrize("cls", _constraint_classes(), ids=lambda c: c.__name__)
def test_every_constraint_kind_writes_its_own_sentence(cls: type) -> None:
    # describe is abstract on the base: a kind that forgot it could not be built at all.
    assert "describe" in vars(cls)


@pytest.mark.parametrize("name", quyche.rule_sets())
def test_bundled_constraints_describe_themselves_in_both_languages(name: str) -> None:
    rs = quyche.load(name)
    for c in rs.constraints:
        vi, en = c.describe("vi"), c.describe("en")
        assert vi.endswith(".") and en.endswith("."), c.id
        assert vi != en, c.id


@pytest.mark.parametrize(("data", "unit", "vi", "en"), [
    ({"years": 5}, "years", "5 năm", "5 years"),
    ({"working_days": 3}, "working_days", "3 ngày làm việc", "3 working days"),
    ({"hours": 24}, "hours", "24 giờ", "24 hours"),
])
def test_duration_reads_back_its_one_unit(data: dict, unit: str, vi: str, en: str) -> None:
    d = Duration.model_validate(data)
    assert (d.unit, d.amount) == (unit, next(iter(data.values())))
    assert (d.describe("vi"), d.describe("en")) == (vi, en)


def test_an_override_remembers_the_texts_reading_across_overrides() -> None:
    rs = quyche.load("kontum")
    interp, alternative = next((i, a) for i in rs.interpretations for a in i.alternatives
                               if a != i.value)
    once = quyche.override(rs, {interp.id: alternative})
    twice = quyche.override(once, {interp.id: interp.value})
    for changed, value in ((once, alternative), (twice, interp.value)):
        got = next(i for i in changed.interpretations if i.id == interp.id)
        assert got.overridden and got.value == value
        assert got.text_value == interp.value
    assert not interp.overridden  # the loaded rule set itself is untouched

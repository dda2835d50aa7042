"""Tests for `quyche.explain`: a rule in words, its citation, readings and an example due."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import quyche
from quyche.errors import EvaluationError
from quyche.time.deadlines import LOCAL

SAMPLE = Path(__file__).parent / "data" / "sample.yaml"


def test_before_date_rule_names_its_policy_and_reading() -> None:
    """"trước ngày 20/12": the before_date policy, its interpretation and how to override it."""
    e = quyche.explain("laichau", "annual_summary_report", today="2025-01-01")
    assert e.kind == "obligation" and e.path == "obligations.annual_summary_report"
    assert "20/12" in e.text["vi"] and "20/12" in e.text["en"]
    assert e.source.article is not None and "20/12" in e.source.quote
    (policy,) = [p for p in e.policies if p.name == "before_date"]
    assert policy.value == "exclusive"
    interp = next(i for i in e.interpretations if i.path == "policies.before_date.value")
    assert "inclusive" in interp.alternatives
    assert f"--interpretation {interp.id}=inclusive" in interp.override_cli
    assert f"interpretations={{'{interp.id}': 'inclusive'}}" in interp.override_python
    assert e.example.last_day == dt.date(2025, 12, 19)
    assert e.example.due == dt.datetime(2025, 12, 20, tzinfo=LOCAL)


def test_override_changes_the_example() -> None:
    """Read inclusively, the same report is due by the end of 20/12."""
    rs = quyche.load("laichau")
    interp = next(i for i in rs.interpretations if i.path == "policies.before_date.value")
    inclusive = quyche.load("laichau", interpretations={interp.id: "inclusive"})
    e = quyche.explain(inclusive, "annual_summary_report", today="2025-01-01")
    assert e.example.last_day == dt.date(2025, 12, 20)


def test_an_override_is_shown_as_one_with_the_texts_reading() -> None:
    """After an override, explain says so, and the policy's basis is the text's reading's."""
    plain = quyche.explain("laichau", "annual_summary_report", today="2025-01-01")
    assert not any(i.overridden for i in plain.interpretations)
    inclusive = quyche.load("laichau", interpretations={"before_date_exclusive": "inclusive"})
    e = quyche.explain(inclusive, "annual_summary_report", today="2025-01-01")
    interp = next(i for i in e.interpretations if i.id == "before_date_exclusive")
    assert (interp.value, interp.overridden, interp.text_value) == (
        "inclusive", True, "exclusive")
    (policy,) = [p for p in e.policies if p.name == "before_date"]
    assert policy.basis.startswith("overridden by the caller (interpretation "
                                   "before_date_exclusive); the rule set reads \"exclusive\"")


def test_overrides_remember_the_texts_reading() -> None:
    once = quyche.load("laichau", interpretations={"before_date_exclusive": "inclusive"})
    twice = quyche._load.override(once, {"morning_ends": "11:00"})
    by_id = {i.id: i for i in twice.interpretations}
    assert by_id["before_date_exclusive"].text_value == "exclusive"
    assert by_id["morning_ends"].overridden and by_id["morning_ends"].text_value == "12:00"
    assert not by_id["afternoon_ends"].overridden
    assert "text_value" not in twice.model_dump_json()


def test_quarterly_example_is_the_next_due() -> None:
    """The example is the next period due after the day given."""
    e = quyche.explain("kontum", "quarterly_media_products", today="2025-03-01")
    assert (e.example.period, e.example.last_day) == ("2025-Q1", dt.date(2025, 3, 15))
    e = quyche.explain("kontum", "quarterly_media_products", today="2025-03-16")
    assert (e.example.period, e.example.last_day) == ("2025-Q2", dt.date(2025, 6, 15))


def test_example_waits_for_the_in_force_date() -> None:
    """Before the rule set is in force, the example is the first duty after that date."""
    rs = quyche.load("laichau")
    in_force = rs.instrument.date_of("in_force")
    e = quyche.explain(rs, "quarterly_media_products", today="2000-01-01")
    assert e.example.last_day >= in_force
    assert e.example.last_day.year == in_force.year


def test_triggered_rule_with_exception() -> None:
    """A triggered duty: its event, deadline, exceptions and an example trigger."""
    e = quyche.explain(SAMPLE, "document_update", today="2025-05-09")
    assert "7 working days" in e.text["en"] and "7 ngày làm việc" in e.text["vi"]
    assert "urgent" in e.text["en"]
    assert e.example.trigger_at == dt.datetime(2025, 5, 9, 9, tzinfo=LOCAL)
    assert e.example.exceptions["urgent"] == dt.datetime(2025, 5, 10, tzinfo=LOCAL)
    assert e.example.due > e.example.exceptions["urgent"]
    assert any("holidays" in n for n in e.notes)


def test_broadcast_rule_relies_on_its_interpretations() -> None:
    """Interpretations whose path starts with the rule's path are listed."""
    e = quyche.explain(SAMPLE, "daily_minimum")
    assert e.kind == "broadcast_rule" and e.example is None
    assert [i.id for i in e.interpretations] == ["morning_ends"]
    assert "6" in e.text["en"] and "00:00–12:00" in e.text["en"]


def test_unknown_rule() -> None:
    """An unknown id is an error that lists the rules."""
    with pytest.raises(EvaluationError, match="quarterly_media"):
        quyche.explain(SAMPLE, "nope")


def test_bad_today() -> None:
    with pytest.raises(EvaluationError, match="YYYY-MM-DD"):
        quyche.explain(SAMPLE, "quarterly_media", today="15/03/2025")


@pytest.mark.parametrize("name", quyche.rule_sets())
def test_every_rule_explains(name: str) -> None:
    """Every rule of every bundled rule set explains, in both languages, cited."""
    rs = quyche.load(name)
    today = dt.date(2026, 6, 1)
    for rule_id in rs.rule_ids():
        e = quyche.explain(rs, rule_id, today=today)
        assert e.text["vi"] and e.text["en"]
        assert e.source.quote
        if e.kind == "obligation":
            assert e.example is not None, rule_id
            assert e.example.due > dt.datetime(2026, 6, 1, tzinfo=LOCAL)
        for interp in e.interpretations:
            assert interp.override_cli.startswith(f"quyche explain {name} {rule_id}")


def test_committed_interpretations_page_is_current():
    """docs/interpretations.md lists every reading of every bundled rule set (`make comparison`)."""
    from pathlib import Path

    from quyche.analysis.interpretations_page import interpretations_markdown

    page = Path(__file__).parent.parent / "docs" / "interpretations.md"
    expected = interpretations_markdown([quyche.load(n) for n in quyche.rule_sets()])
    assert page.read_text(encoding="utf-8") == expected
    for name in quyche.rule_sets():
        for interp in quyche.load(name).interpretations:
            assert f"`{interp.id}`" in expected

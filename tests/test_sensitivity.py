"""Tests for `quyche.sensitivity` and `check --sensitivity`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import quyche
from quyche.analysis.sensitivity import compare_findings, dependent_interpretations, sensitivity
from quyche.cli import app
from quyche.errors import InterpretationError
from quyche.testing import event_streams
from rule_sets import RULE_SETS, SAMPLE_PATH

ROOT = Path(__file__).parent.parent

# The sample rule set with a second reading, of the public boards' working-day windows.
SECOND = """
  - id: windows_every_day
    path: broadcast.rules.working_windows.day_kinds
    value: [working_day]
    question: Do the windows bind on weekends?
    reading: No.
    alternatives: [[working_day, weekend]]
"""
SITES = [{"id": "bg1", "kind": "border_gate", "operator": "so_tttt"}]
# Monday 3 June 2024 at a border-gate cluster: 09:00-12:00 and 12:00-15:00, 3 + 3 hours.
EVENTS = [
    {"id": "b1", "type": "broadcast", "site": "bg1", "start": "2024-06-03T09:00:00+07:00",
     "end": "2024-06-03T12:00:00+07:00", "category": "policy", "language": "vi"},
    {"id": "b2", "type": "broadcast", "site": "bg1", "start": "2024-06-03T12:00:00+07:00",
     "end": "2024-06-03T15:00:00+07:00", "category": "policy", "language": "vi"},
]


@pytest.fixture
def sample(tmp_path: Path) -> quyche.RuleSet:
    path = tmp_path / "sample.yaml"
    path.write_text(SAMPLE_PATH.read_text(encoding="utf-8") + SECOND, encoding="utf-8")
    return quyche.load(path)


def test_exactly_one_alternative_changes_exactly_one_finding(sample):
    found = sensitivity(sample, iter(EVENTS), as_of="2024-06-04T00:00:00+07:00",
                        since="2024-06-03T00:00:00+07:00", sites=SITES)
    assert not found.baseline.violations and not found.baseline.rejected
    assert found.evaluations == 3  # the rule set's reading, then one per alternative
    changes = [(i.id, a.value, c) for i in found.interpretations for a in i.alternatives
               for c in a.changes]
    assert len(changes) == 1
    interp_id, value, change = changes[0]
    assert (interp_id, value) == ("morning_ends", "11:00")
    assert (change.change, change.finding, change.rule_id, change.kind, change.site,
            change.when) == ("appeared", "violation", "daily_minimum", "broadcast_part", "bg1",
                             "2024-06-03")
    assert change.source.article == 6
    [changed] = found.changed()
    assert changed.question == "Where does the morning end?" and changed.rules == [
        "daily_minimum"]
    assert changed.alternatives[0].appeared == 1 and changed.alternatives[0].disappeared == 0


def test_only_focuses_and_unknown_ids_are_errors(sample):
    found = sensitivity(sample, EVENTS, as_of="2024-06-04T00:00:00+07:00",
                        since="2024-06-03T00:00:00+07:00", sites=SITES, only=["morning_ends"])
    assert [i.id for i in found.interpretations] == ["morning_ends"]
    assert found.evaluations == 2
    with pytest.raises(InterpretationError, match="no interpretation 'nope'"):
        sensitivity(sample, EVENTS, as_of="2024-06-04T00:00:00+07:00", only=["nope"])


def test_without_sites_no_broadcast_reading_is_in_question(sample):
    found = sensitivity(sample, [], as_of="2024-06-04T00:00:00+07:00",
                        since="2024-06-03T00:00:00+07:00")
    assert found.interpretations == [] and found.evaluations == 1
    assert set(found.skipped) == {"morning_ends", "windows_every_day"}
    assert "daily_minimum" in found.skipped["morning_ends"]


@settings(max_examples=max(5, settings.default.max_examples // 4),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), name=st.sampled_from(sorted(RULE_SETS)))
def test_an_interpretation_no_finding_depends_on_changes_nothing(data, name):
    """Whatever the events, every alternative of a skipped interpretation gives the same
    findings: skipping it loses nothing."""
    rs = RULE_SETS[name]
    start = rs.instrument.date_of("in_force") or "2024-01-01"
    start = f"{start}T00:00:00+07:00"
    end = start.replace(start[:4], str(int(start[:4]) + 1), 1)
    stream = data.draw(event_streams(rs, start, end, max_size=25))
    base = stream.evaluate()
    _depended, skipped = dependent_interpretations(rs, base, stream.events, stream.sites)
    by_id = {i.id: i for i in rs.interpretations}
    for interp_id, why in skipped.items():
        if not why.startswith("no finding depends"):
            continue
        for value in by_id[interp_id].alternatives:
            try:
                changed = quyche.override(rs, {interp_id: value})
            except InterpretationError:
                continue  # an alternative described in words (sensitivity reports it so)
            other = quyche.evaluate(changed, stream.events, **stream.arguments())
            assert compare_findings(base, other) == [], (interp_id, value)


def test_check_sensitivity_on_a_year_log():
    args = ["check", "kontum", str(ROOT / "examples" / "kontum" / "events.jsonl"),
            "--sites", str(ROOT / "examples" / "kontum" / "sites.yaml"),
            "--as-of", "2024-12-31T23:59:59+07:00", "--sensitivity"]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["sensitivity"]
    by_id = {i["id"]: i for i in found["interpretations"]}
    # Read as a plan, the border-gate language list checks nothing: the log's one
    # language finding disappears, and nothing else changes.
    [plan] = by_id["border_gate_languages_mode"]["alternatives"]
    assert (plan["value"], plan["appeared"], plan["disappeared"]) == ("plan", 0, 1)
    assert plan["changes"][0]["kind"] == "language_not_allowed"
    assert found["evaluations"] == 1 + sum(len(i["alternatives"]) for i in by_id.values())
    focused = CliRunner().invoke(app, [*args, "--only", "border_gate_languages_mode"])
    assert focused.exit_code == 0, focused.output
    assert "border_gate_languages_mode (Điều 8 khoản 1 điểm a)" in focused.output
    assert "alternative \"plan\": +0 −1 findings" in focused.output
    assert "language_not_allowed" in focused.output


def test_an_alternative_the_rule_set_cannot_take_is_reported_not_raised():
    """Lai Châu describes one alternative in words; it is listed with the loader's reason."""
    from itertools import islice

    from quyche._load import read_data
    from quyche.event_files import read_event_file

    folder = ROOT / "examples" / "laichau"
    sites = read_data((folder / "sites.yaml").read_text(encoding="utf-8"))
    sites = sites["sites"] if isinstance(sites, dict) else sites
    events = islice(read_event_file(folder / "events.jsonl"), 300)
    found = sensitivity("laichau", events, as_of="2024-08-01T00:00:00+07:00", sites=sites,
                        since="2024-07-01T00:00:00+07:00",
                        only=["border_gate_foreign_languages"])
    [interp] = found.interpretations
    [words] = [a for a in interp.alternatives if a.error]
    assert "override not accepted" in words.error and words.changes == []
    assert found.evaluations == 1 + sum(a.error is None for a in interp.alternatives)


def test_check_sensitivity_also_writes_the_state(tmp_path: Path):
    """--state-out still writes the partial of the rule set's own reading."""
    state = tmp_path / "state.json"
    result = CliRunner().invoke(app, [
        "check", "kontum", str(ROOT / "examples" / "kontum" / "events.jsonl"),
        "--sites", str(ROOT / "examples" / "kontum" / "sites.yaml"),
        "--as-of", "2024-12-31T23:59:59+07:00", "--sensitivity",
        "--only", "border_gate_languages_mode", "--state-out", str(state),
        "--fail-on", "violations"])
    assert result.exit_code == 1, result.output  # the log has violations
    assert state.is_file() and state.stat().st_size > 0

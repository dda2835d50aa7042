"""The daily-hours summary behind the heatmap, and the report page's data and escaping."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import quyche
from quyche.analysis.daily import daily_hours
from quyche.cli import app
from quyche.report import Report
from quyche.report_html import render_report_html, report_data
from quyche.testing import event_streams
from quyche.time.deadlines import LOCAL

ROOT = Path(__file__).resolve().parents[1]
TZ = "+07:00"
SITES = [{"id": "board_a", "kind": "public_board", "operator": "ubnd_tp_kon_tum"},
         {"id": "board_b", "kind": "public_board", "operator": "ubnd_huyen_dak_ha"}]


def _segment(site: str, day: str, start: str, end: str, ident: str) -> dict:
    return {"id": ident, "type": "broadcast", "site": site, "start": f"{day}T{start}:00{TZ}",
            "end": f"{day}T{end}:00{TZ}"}


@pytest.fixture(scope="module")
def week() -> Report:
    """Kon Tum (minimum 6 h a day, 3 h a morning and 3 h an afternoon-evening), 3-9 June 2024."""
    events = []
    for n in range(3, 10):
        day = f"2024-06-{n:02d}"
        events.append(_segment("board_a", day, "06:00", "09:30", f"a{n}m"))
        events.append(_segment("board_a", day, "13:00", "16:30", f"a{n}e"))
        if n != 5:  # board_b is short on the 5th and silent on the 7th
            events.append(_segment("board_b", day, "06:00", "09:00", f"b{n}m"))
        if n not in (5, 7):
            events.append(_segment("board_b", day, "13:00", "16:00", f"b{n}e"))
    events.append({"id": "em1", "type": "emergency", "sites": ["board_b"],
                   "start": f"2024-06-07T10:00:00{TZ}", "end": f"2024-06-07T11:00:00{TZ}"})
    return quyche.evaluate("kontum", events, as_of=f"2024-06-10T00:00:00{TZ}",
                           since=f"2024-06-03T00:00:00{TZ}", sites=SITES)


def test_daily_hours(week: Report) -> None:
    a, b = daily_hours(week)
    assert (a.site, b.site) == ("board_a", "board_b")
    assert a.first.isoformat() == "2024-06-03" and len(a.hours) == 7
    assert a.hours == [7.0] * 7
    assert b.hours == [6.0, 6.0, 0.0, 6.0, 4.0, 6.0, 6.0]  # the 7th: 3 h + 1 h of emergency
    assert b.emergency == [False] * 4 + [True] + [False] * 2
    assert set(b.minimum) == {6.0}
    assert b.day_kind == ["working_day"] * 5 + ["weekend"] * 2


def test_daily_hours_agree_with_the_findings(week: Report) -> None:
    """A day is below the minimum exactly when the evaluation found it short or silent."""
    short = {(d.site, (d.first.toordinal() + i)) for d in daily_hours(week)
             for i, (h, m) in enumerate(zip(d.hours, d.minimum, strict=True))
             if m is not None and h + 1e-9 < m}
    found = {(v.site, dt.date.fromisoformat(v.when).toordinal()) for v in week.violations
             if v.kind == "no_broadcast" or (v.kind == "broadcast_hours" and "dưới" in v.message)}
    assert short == found and len(found) == 2


def test_daily_hours_need_the_ledger(week: Report) -> None:
    copy = Report.model_validate_json(week.model_dump_json())
    with pytest.raises(quyche.EvaluationError, match="no ledger"):
        daily_hours(copy)
    assert report_data(copy)["sites"] == []  # the page still shows the findings


def test_report_data_is_aggregated(week: Report) -> None:
    data = report_data(week)
    b = data["sites"][1]
    assert b["hours"] == [6.0, 6.0, 0.0, 6.0, 4.0, 6.0, 6.0] and b["emergency"] == [4]
    assert b["days"] == "wwwwwee"
    assert b["flags"] == {"2": ["no_broadcast"], "4": ["broadcast_hours", "broadcast_part"]}
    assert len(data["violations"]) == len(week.violations)
    # Citations are stored once and referred to by index.
    assert {row[-1] for row in data["violations"]} == {0}
    assert data["cites"][0] == ["Điều 6 khoản 1", week.violations[0].source.quote]
    assert len(data["cites"]) == len(set(map(tuple, data["cites"])))


def test_the_report_json_is_unchanged(week: Report) -> None:
    """The HTML page adds nothing to the report's JSON (its schema is schema/report.schema.json)."""
    assert set(week.model_dump()) == {"schema_version", "rule_set", "as_of", "since",
                                      "obligations", "violations", "rejected", "warnings",
                                      "summary"}


def test_hostile_values_stay_data(week: Report) -> None:
    hostile = "</script><script>alert(1)</script><!--"
    report = quyche.evaluate("kontum", [{"id": hostile, "type": "broadcast", "site": hostile}],
                             as_of=f"2024-06-10T00:00:00{TZ}", sites=SITES)
    page = render_report_html(report)
    assert hostile not in page and "alert(1)</script>" not in page
    block = re.search(r'id="quyche-report">(.*?)</script>', page, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["rejected"][0][1] == hostile  # the value survives, as data
    assert page.count("<script") == 3  # the labels, the data, the page's own script


def test_cli_html(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [
        "check", "kontum", str(ROOT / "examples/kontum/events.jsonl"), "--sites",
        str(ROOT / "examples/kontum/sites.yaml"), "--as-of", "2024-12-31T23:59:59+07:00",
        "--format", "html", "--en"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("<!DOCTYPE html>") and '<html lang="en">' in out
    assert "<link" not in out and "src=" not in out and "https://" not in out


def _short_days(report: Report) -> set[tuple[str, str]]:
    return {(d.site, (d.first + dt.timedelta(days=i)).isoformat()) for d in daily_hours(report)
            for i, (h, m) in enumerate(zip(d.hours, d.minimum, strict=True))
            if m is not None and h + 1e-9 < m}


def _found_short(report: Report) -> set[tuple[str, str]]:
    return {(v.site, v.when) for v in report.violations if v.kind == "no_broadcast"
            or (v.kind == "broadcast_hours" and "below the minimum" in v.message_en)}


RULE_SETS = {name: quyche.load(name) for name in quyche.rule_sets()}


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_short_days_are_the_days_found_short(data: st.DataObject) -> None:
    """Over random playback and emergencies: below the minimum exactly where a finding says."""
    name = data.draw(st.sampled_from(sorted(RULE_SETS)), label="rule set")
    rs = RULE_SETS[name]
    day = rs.instrument.date_of("in_force") or dt.date(2025, 1, 1)
    start = dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL)
    stream = data.draw(event_streams(rs, start, start + dt.timedelta(days=10),
                                     types=["broadcast", "emergency"], max_size=60))
    report = stream.evaluate()
    assert _short_days(report) == _found_short(report)
    # And the daily hours of a merge are those of the whole.
    half = len(stream.events) // 2
    merged = stream.evaluate(stream.events[:half]).merge(stream.evaluate(stream.events[half:]))
    assert [vars(d) for d in daily_hours(merged)] == [vars(d) for d in daily_hours(report)]

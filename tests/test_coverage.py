"""Tests for `quyche.coverage`: figures on a tiny rule set counted by hand, the project's
own suite kept from falling, and `check --coverage` on a log."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import quyche
from quyche.analysis.coverage import coverage, encoded_clauses
from quyche.cli import app
from quyche.testing.scenarios import run_scenario, suite_coverage

ROOT = Path(__file__).parent.parent

# Two rules: a monthly report (Điều 3 khoản 1) and an incident report (Điều 4 khoản 2
# điểm a, with a security-incident exception citing Điều 4 khoản 3). Điều 5 is marked not
# machine-evaluable, Điều 1 informative. So 3 clauses are encoded.
TINY = """\
schema_version: 1
id: tiny
name: Tí hon
province: Tỉnh Tí hon
subject: information_cluster
instrument:
  kind: Quyết định
  number: {value: 01/2024/QĐ-UBND, source: {document: decision, article: null, quote: "Số: 01/2024"}}
  issuer: ubnd_tinh
  title: {vi: Quy chế, en: Regulation}
  signed: {value: 2024-01-02, source: {document: decision, article: null, quote: "ngày 02 tháng 01"}}
  in_force: {value: 2024-01-15, source: {document: decision, article: 2, quote: "hiệu lực từ 15/01/2024"}}
  status: in_force
scope:
  summary: {vi: Cụm, en: Clusters}
  source: {article: 1, quote: "phạm vi"}
site_kinds:
  - {id: public_board, name: Bảng tin, source: {article: 1, quote: "bảng tin"}}
actors:
  - {id: ubnd_tinh, name: UBND tỉnh}
  - {id: so_tttt, name: Sở TT&TT}
submission_kinds:
  - {id: monthly_report, name: {vi: Báo cáo tháng, en: Monthly report}}
obligations:
  - id: monthly_report
    title: {vi: Báo cáo tháng, en: Monthly report}
    owed_by: [so_tttt]
    owed_to: [ubnd_tinh]
    recurrence: {every: month}
    discharged_by: {event: submission, kind: monthly_report}
    source: {article: 3, clause: 1, quote: "báo cáo hằng tháng"}
  - id: incident_report
    title: {vi: Báo cáo sự cố, en: Incident report}
    owed_by: [so_tttt]
    owed_to: [ubnd_tinh]
    trigger: {event: incident}
    deadline: {hours: 24}
    exceptions:
      - {id: security, when: {category: security}, deadline: {hours: 2}, source: {article: 4, clause: 3, quote: "khẩn cấp"}}
    discharged_by: {event: incident_reported, match: ref, ref_field: incident}
    source: {article: 4, clause: 2, point: a, quote: "báo cáo sự cố"}
policies:
  before_date: {value: exclusive, basis: test}
  roll_forward_periods: {value: true, basis: test}
  roll_forward_fixed_dates: {value: false, basis: test}
coverage:
  - {status: not_evaluable, reason: no event shows it, source: {article: 5, quote: "bảo đảm an toàn"}}
  - {status: informative, reason: who it applies to, source: {article: 1, quote: "phạm vi"}}
"""  # noqa: E501

SCENARIO = """\
name: Monthly report
article: Điều 3 khoản 1
rule_set: tiny.yaml
as_of: "2024-03-01T00:00:00+07:00"
events:
  - {id: r1, type: submission, actor: so_tttt, kind: monthly_report, at: "2024-01-20T09:00:00+07:00"}
expect:
  obligations:
    - {rule_id: monthly_report, period: "2024-01", status: met}
"""  # noqa: E501


def _tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


def _states(cov) -> dict[str, str]:
    return {c.clause: c.state for c in cov.clauses}


def test_figures_on_a_rule_set_counted_by_hand(tmp_path: Path):
    rs = quyche.load(_tiny(tmp_path))
    nothing = coverage(rs)
    assert (nothing.encoded, nothing.exercised, nothing.figure) == (3, 0, 0.0)
    assert _states(nothing) == {
        "Điều 1": "informative", "Điều 3 khoản 1": "not_exercised",
        "Điều 4 khoản 2 điểm a": "not_exercised", "Điều 4 khoản 3": "not_exercised",
        "Điều 5": "not_evaluable"}
    (tmp_path / "monthly.scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    result = run_scenario(tmp_path / "monthly.scenario.yaml")
    assert result.passed, result.text()
    [cov] = suite_coverage([result])
    assert (cov.rule_set, cov.encoded, cov.exercised, cov.asserted) == ("tiny", 3, 1, 1)
    assert round(cov.figure, 4) == round(1 / 3, 4)
    assert [c.clause for c in cov.of("exercised")] == ["Điều 3 khoản 1"]
    assert [c.clause for c in cov.of("not_exercised")] == ["Điều 4 khoản 2 điểm a",
                                                           "Điều 4 khoản 3"]
    assert [c.reason for c in cov.of("not_evaluable")] == ["no event shows it"]


def test_a_security_incident_exercises_the_exception_clause(tmp_path: Path):
    rs = quyche.load(_tiny(tmp_path))
    report = quyche.evaluate(rs, [
        {"id": "i1", "type": "incident", "site": "b1", "category": "security",
         "at": "2024-02-01T08:00:00+07:00"}], as_of="2024-03-01T00:00:00+07:00",
        sites=[{"id": "b1", "kind": "public_board", "operator": "so_tttt"}])
    assert not report.rejected
    cov = coverage(rs, [report])
    states = _states(cov)
    # the only finding of the incident cites the exception it applied, not the rule's clause
    assert states["Điều 4 khoản 3"] == "exercised", report.obligations
    assert states["Điều 4 khoản 2 điểm a"] == "not_exercised"
    assert cov.asserted == 0


def test_a_rule_named_by_an_absent_expectation_is_asserted(tmp_path: Path):
    _tiny(tmp_path)
    text = SCENARIO.replace("  obligations:\n    - {rule_id: monthly_report, period: \"2024-01\", "
                            "status: met}\n",
                            "  absent:\n    obligations:\n      - {rule_id: incident_report}\n")
    (tmp_path / "none.scenario.yaml").write_text(text, encoding="utf-8")
    result = run_scenario(tmp_path / "none.scenario.yaml")
    assert result.passed, result.text()
    [cov] = suite_coverage([result])
    assert cov.asserted == 2  # both clauses of incident_report
    assert _states(cov)["Điều 4 khoản 2 điểm a"] == "exercised"


# The project's own figure (docs/scenarios.md): exercised / encoded clauses per rule set,
# and how many of them a scenario asserts. Raise these as scenarios are added; never lower.
THRESHOLDS = {"angiang": (1.0, 16), "caobang": (1.0, 13), "kontum": (1.0, 12),
              "laichau": (1.0, 14), "tuyenquang": (1.0, 25)}


def test_the_project_suite_coverage_does_not_fall():
    files = sorted((ROOT / "tests" / "scenarios").glob("*/*.yaml"))
    covered = {c.rule_set: c for c in suite_coverage(run_scenario(p) for p in files)}
    assert set(covered) == set(quyche.rule_sets())
    for name, (figure, asserted) in THRESHOLDS.items():
        cov = covered[name]
        assert cov.figure >= figure, (name, [c.clause for c in cov.of("not_exercised")])
        assert cov.asserted >= asserted, (name, cov.asserted)


def test_check_coverage_on_a_log(tmp_path: Path):
    result = CliRunner().invoke(app, [
        "check", "kontum", str(ROOT / "examples" / "kontum" / "events.jsonl"),
        "--sites", str(ROOT / "examples" / "kontum" / "sites.yaml"),
        "--as-of", "2024-12-31T23:59:59+07:00", "--coverage", "--format", "json",
        "--coverage-html", str(tmp_path / "coverage.html")])
    assert result.exit_code == 0, result.output
    cov = json.loads(result.stdout)["coverage"]
    assert cov["rule_set"] == "kontum"
    assert cov["encoded"] == len(encoded_clauses(quyche.load("kontum")))
    clauses = {c["clause"]: c["state"] for c in cov["clauses"]}
    assert clauses["Điều 6 khoản 1"] == "exercised"  # the year's broadcast findings
    assert cov["exercised"] == sum(s == "exercised" for s in clauses.values())
    page = (tmp_path / "coverage.html").read_text(encoding="utf-8")
    assert "Điều 6 khoản 1" in page and "<table" in page
    table = CliRunner().invoke(app, [
        "check", "kontum", str(ROOT / "examples" / "kontum" / "events.jsonl"),
        "--sites", str(ROOT / "examples" / "kontum" / "sites.yaml"),
        "--as-of", "2024-12-31T23:59:59+07:00", "--coverage"])
    assert table.exit_code == 0 and "not machine-evaluable" in table.output

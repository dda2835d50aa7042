"""Tests for `quyche.scenarios`, `quyche test` and the pytest plugin, on scenario files
written here in a temporary directory (outside the repository's own tests/scenarios)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

import quyche
from quyche.analysis.coverage import encoded_clauses
from quyche.cli import app
from quyche.errors import ScenarioError
from quyche.testing.scenarios import load_scenario, run_scenario, scenario_files, scenario_schema

ROOT = Path(__file__).parent.parent

# Kon Tum's quarterly media products (Điều 8 khoản 2): due on the 15th of the quarter's last
# month; a product sent on 14/03 meets Q1, nothing meets Q2.
PASSING = """\
name: Quarterly media products
article: Điều 8 khoản 2
rule_set: kontum
as_of: "2024-07-01T00:00:00+07:00"
events:
  - {id: e1, type: submission, actor: bdbp_tinh, kind: media_product, at: "2024-03-14T03:00:00Z"}
expect:
  obligations:
    - {rule_id: quarterly_media_products, actor: bdbp_tinh, period: "2024-Q1",
       due: "2024-03-15T17:00:00Z", status: met, fulfilled_by: e1}
  violations:
    - {rule_id: quarterly_media_products, kind: missed, actor: bdbp_tinh, period: "2024-Q2"}
  absent:
    violations:
      - {rule_id: quarterly_media_products, actor: bdbp_tinh, period: "2024-Q1"}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    _write(tmp_path, "ok.scenario.yaml", PASSING)
    _write(tmp_path, "wrong.scenario.yaml", PASSING.replace("status: met", "status: late"))
    return tmp_path


def test_a_passing_scenario_passes():
    result = run_scenario(_write_tmp(PASSING))
    assert result.status == "pass", result.text()
    assert result.report is not None and result.report.violations


def _write_tmp(text: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    return _write(folder, "s.scenario.yaml", text)


def test_a_failing_scenario_shows_expected_against_closest_found():
    result = run_scenario(_write_tmp(PASSING.replace("status: met", "status: late")))
    assert result.status == "fail"
    assert len(result.failures) == 1
    failure = result.failures[0]
    assert failure.message == "expected obligation not found"
    assert failure.line == 9  # the expected item's line
    text = result.text()
    assert "- status: late" in text and "+ status: met" in text
    assert "s.scenario.yaml:9:" in text


@pytest.mark.parametrize("mutation, message", [
    (("absent:\n    violations:\n      - {rule_id: quarterly_media_products, actor: bdbp_tinh, "
      "period: \"2024-Q1\"}", "absent:\n    violations:\n      - {rule_id: "
      "quarterly_media_products, actor: bdbp_tinh, period: \"2024-Q2\"}"),
     "1 violations that must be absent"),
    (("  absent:", "  counts:\n    violations: {quarterly_media_products: 2}\n  absent:"),
     "violations of quarterly_media_products: expected 2, got "),
    (("  absent:", "  warnings: [no such warning]\n  absent:"), "no warning contains"),
    (("  absent:", "  rejected:\n    - {index: 0}\n  absent:"), "event 0 was not rejected"),
    (('at: "2024-03-14T03:00:00Z"', 'at: "2024-09-14T03:00:00Z"'),
     "unexpected rejections"),
])
def test_each_kind_of_expectation_can_fail(mutation, message):
    old, new = mutation
    assert old in PASSING
    result = run_scenario(_write_tmp(PASSING.replace(old, new)))
    assert result.status == "fail"
    assert any(message in f.message for f in result.failures), result.text()


@pytest.mark.parametrize("text, where, message", [
    ("name: x\narticle: y\nrule_set: kontum\nas_of: 2024\n  bad: indent\n", ":5:",
     "YAML syntax"),
    (PASSING.replace("article: Điều 8 khoản 2\n", ""), ":1:", "article: required field"),
    (PASSING.replace("  absent:", "  absnt:"), ":14:", "unknown key 'absnt'"),
    (PASSING.replace("period: \"2024-Q2\"}", "periode: \"2024-Q2\"}"), ":12:84:",
     "unknown field 'periode'"),
    ("name: x\nname: y\n", ":2:", "duplicate key 'name'"),
    ("- a list\n", ":1:", "a scenario is a mapping"),
])
def test_malformed_files_are_errors_with_file_and_line(text, where, message):
    path = _write_tmp(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    shown = str(caught.value)
    assert f"{path}{where}" in shown and message in shown, shown
    result = run_scenario(path)
    assert result.status == "error" and message in result.text()


def test_an_unknown_rule_set_is_an_error_not_a_failure():
    result = run_scenario(_write_tmp(PASSING.replace("rule_set: kontum", "rule_set: atlantis")))
    assert result.status == "error"
    assert ":3: rule_set: 'atlantis'" in result.text() and "bundled" in result.text()


def test_cli_exit_codes_like_opa_test(suite: Path):
    runner = CliRunner()
    ok = runner.invoke(app, ["test", str(suite / "ok.scenario.yaml"), "-v"])
    assert ok.exit_code == 0, ok.output
    assert "PASS" in ok.output and "1 passed, 0 failed, 0 errors" in ok.output
    failing = runner.invoke(app, ["test", str(suite)])
    assert failing.exit_code == 1
    assert "FAIL" in failing.output and "- status: late" in failing.output
    _write(suite, "broken.scenario.yaml", "name: [\n")
    broken = runner.invoke(app, ["test", str(suite)])
    assert broken.exit_code == 2
    assert "broken.scenario.yaml:2:" in broken.output
    missing = runner.invoke(app, ["test", str(suite / "nope")])
    assert missing.exit_code == 2


def test_cli_json_and_junit(suite: Path, tmp_path: Path):
    junit = tmp_path / "junit.xml"
    result = CliRunner().invoke(app, ["test", str(suite), "--format", "json",
                                      "--junit", str(junit)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {"total": 2, "passed": 1, "failed": 1, "errors": 0}
    wrong = next(s for s in data["scenarios"] if s["status"] == "fail")
    assert wrong["failures"][0]["line"] == 9
    assert wrong["failures"][0]["found"][0]["differs"] == {"status": ["late", "met"]}
    root = ET.parse(junit).getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["quyche.kontum"]
    assert suites[0].get("tests") == "2" and suites[0].get("failures") == "1"
    cases = {c.get("file"): c for c in suites[0].findall("testcase")}
    failing = cases[str(suite / "wrong.scenario.yaml")]
    assert failing.find("failure") is not None
    assert "+ status: met" in failing.find("failure").text
    assert cases[str(suite / "ok.scenario.yaml")].find("failure") is None


def test_cli_coverage_as_json_and_html(suite: Path, tmp_path: Path):
    page = tmp_path / "coverage.html"
    result = CliRunner().invoke(app, ["test", str(suite / "ok.scenario.yaml"), "--coverage",
                                      "--format", "json", "--coverage-html", str(page)])
    assert result.exit_code == 0, result.output
    [kontum] = json.loads(result.stdout)["coverage"]
    exercised = [c["clause"] for c in kontum["clauses"] if c["state"] == "exercised"]
    assert "Điều 8 khoản 2" in exercised  # the scenario's own clause, asserted
    assert kontum["asserted"] == 1
    assert kontum["encoded"] == len(encoded_clauses(quyche.load("kontum")))
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Điều 8 khoản 2" in html


def test_a_rule_set_file_given_by_rules_or_by_path(tmp_path: Path):
    rules = (ROOT / "tests" / "data" / "sample.yaml").read_text(encoding="utf-8")
    (tmp_path / "province.yaml").write_text(rules, encoding="utf-8")
    text = textwrap.dedent("""\
        name: Monthly backup missed
        article: Điều 7
        rule_set: RULES
        as_of: "2024-03-01T00:00:00+07:00"
        expect:
          violations:
            - {rule_id: monthly_backup, kind: missed, period: "2024-01"}
        """)
    _write(tmp_path, "by_path.scenario.yaml", text.replace("RULES", "province.yaml"))
    _write(tmp_path, "by_id.scenario.yaml", text.replace("RULES", "sample"))
    files = scenario_files([tmp_path])
    assert [p.name for p in files] == ["by_id.scenario.yaml", "by_path.scenario.yaml"]
    assert run_scenario(tmp_path / "by_path.scenario.yaml").passed
    assert run_scenario(tmp_path / "by_id.scenario.yaml").status == "error"  # not bundled
    result = CliRunner().invoke(app, ["test", str(tmp_path), "--rules",
                                      str(tmp_path / "province.yaml")])
    assert result.exit_code == 0, result.output


def test_committed_scenario_schema_is_current():
    """Regenerate with `make schema` when this fails."""
    committed = json.loads((ROOT / "schema" / "scenario.schema.json").read_text("utf-8"))
    assert committed == scenario_schema()


def test_the_schema_accepts_the_project_scenarios_and_names_the_keys():
    schema = scenario_schema()
    assert set(schema["required"]) == {"name", "article", "rule_set", "as_of"}
    assert schema["additionalProperties"] is False


def test_pytest_collects_scenario_files_in_a_user_project(suite: Path):
    """A real pytest run in a project outside the repository: one test per
    *.scenario.yaml, plain *.yaml files (a rule set, a registry) left alone."""
    _write(suite, "sites.yaml", "- {id: bo_y, kind: border_gate, operator: bdbp_tinh}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA",
                          str(suite)], capture_output=True, text=True, cwd=suite, env=env,
                         timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 1 passed" in run.stdout
    assert "PASSED ok.scenario.yaml::ok" in run.stdout
    assert "FAILED wrong.scenario.yaml::wrong" in run.stdout
    assert "- status: late" in run.stdout and "+ status: met" in run.stdout


def test_pytest_does_not_collect_the_project_scenarios_twice():
    """tests/scenarios/*/*.yaml run once, through tests/test_scenarios.py."""
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", "tests/scenarios", "tests/test_scenarios.py"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    lines = [line for line in run.stdout.splitlines() if "::" in line]
    assert lines and all(line.startswith("tests/test_scenarios.py::") for line in lines)
    files = sorted((ROOT / "tests" / "scenarios").glob("*/*.yaml"))
    assert sum("test_scenario[" in line for line in lines) == len(files)


def test_the_plugin_is_declared_to_pytest():
    from importlib.metadata import entry_points

    [plugin] = [e for e in entry_points(group="pytest11") if e.name == "quyche"]
    assert plugin.value == "quyche.testing.pytest_plugin"


@pytest.mark.parametrize("old, new, where", [
    ("as_of: \"2024-07-01T00:00:00+07:00\"", "as_of: \"yesterday\"", ":4: as_of: "),
    ("events:", "interpretations: {nope: 1}\nevents:", ":5: interpretations: "),
    ("events:", "since: \"2024-01-01T00:00:00\"\nevents:", ":5: since: "),
])
def test_arguments_evaluate_refuses_are_errors_at_their_line(old, new, where):
    path = _write_tmp(PASSING.replace(old, new))
    result = run_scenario(path)
    assert result.status == "error"
    assert f"{path}{where}" in result.text(), result.text()


def test_a_broken_rule_set_file_is_located_in_that_file(tmp_path: Path):
    (tmp_path / "rules.yaml").write_text("id: [\n", encoding="utf-8")
    path = _write(tmp_path, "s.scenario.yaml", PASSING.replace("rule_set: kontum",
                                                              "rule_set: rules.yaml"))
    result = run_scenario(path)
    assert result.status == "error"
    assert f"{path}:3: rule_set: rules.yaml cannot be loaded" in result.text()
    assert f"{tmp_path / 'rules.yaml'}:2:" in result.text()


def test_events_and_expect_written_empty_mean_none():
    path = _write_tmp('name: n\narticle: Điều 8\nrule_set: kontum\n'
                      'as_of: "2024-02-01T00:00:00+07:00"\nevents:\nexpect:\n')
    result = run_scenario(path)
    assert result.passed, result.text()
    assert result.report is not None and result.report.summary.events_read == 0


def test_a_directory_of_plain_yaml_passes_over_its_rule_set(tmp_path: Path):
    """Without *.scenario.yaml files every YAML file is a scenario, except a rule set
    kept beside them, which is named as passed over."""
    (tmp_path / "rules.yaml").write_text(
        (ROOT / "tests" / "data" / "sample.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    _write(tmp_path, "backup.yaml", """\
        name: Monthly backup missed
        article: Điều 7
        rule_set: rules.yaml
        as_of: "2024-03-01T00:00:00+07:00"
        expect:
          violations:
            - {rule_id: monthly_backup, kind: missed, period: "2024-01"}
        """)
    passed_over: list[Path] = []
    assert scenario_files([tmp_path], passed_over) == [tmp_path / "backup.yaml"]
    assert passed_over == [tmp_path / "rules.yaml"]
    result = CliRunner().invoke(app, ["test", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "not scenarios (rule sets):" in result.output and "1 passed" in result.output

"""Tests for `quyche.output_schemas`: every JSON output carries `schema_version`, `quyche
schema NAME` prints its JSON Schema, the committed schema/ files are current, and
`Violation` has a typed `day` or `at`."""

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

import quyche
from quyche.cli import app
from quyche.output_schemas import OUTPUTS, SCHEMA_VERSION, output_schema
from quyche.report import Report, Violation

ROOT = Path(__file__).parent.parent
SAMPLE = str(Path(__file__).parent / "data" / "sample.yaml")
runner = CliRunner()
EVENTS = [  # a broadcast the day after in force, and a late quarterly report
    {"id": "a", "type": "broadcast", "site": "bg1", "start": "2024-03-04T07:00:00+07:00",
     "end": "2024-03-04T08:00:00+07:00"},
]
SITES = [{"id": "bg1", "kind": "border_gate", "operator": "bdbp_tinh"}]


def invoke(*args):
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result


@pytest.fixture(scope="module")
def report():
    return quyche.evaluate(SAMPLE, EVENTS, as_of="2024-04-20", since="2024-03-04", sites=SITES)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_committed_output_schema_is_current(name):
    """Regenerate with `make schema` when this fails."""
    committed = json.loads((ROOT / "schema" / f"{name}.schema.json").read_text("utf-8"))
    assert committed == output_schema(name)
    assert committed["properties"]["schema_version"]["const"] == SCHEMA_VERSION


@pytest.mark.parametrize("name", [*sorted(OUTPUTS), "rule-set", "scenario"])
def test_schema_command_prints_each_schema(name):
    printed = json.loads(invoke("schema", name).stdout)
    assert printed == json.loads((ROOT / "schema" / f"{name}.schema.json").read_text("utf-8"))


def test_schema_keeps_its_old_forms():
    """`quyche schema` is the rule-set schema, `--scenario` the scenario schema, as in 0.1."""
    assert json.loads(invoke("schema").stdout)["title"] == "quyche rule set"
    assert json.loads(invoke("schema", "--scenario").stdout)["title"] == "quyche scenario"


def test_schema_refuses_an_unknown_name_plainly():
    result = runner.invoke(app, ["schema", "reports"])
    assert result.exit_code == 2
    assert "'reports' is not one of" in result.output and "Value error" not in result.output


def conforms(data, schema, defs=None):
    """Every key written is one the schema names, every key it requires is written (nested
    objects that are schema models are checked too)."""
    defs = defs or schema.get("$defs", {})
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    for option in schema.get("anyOf", []):
        if data is None or option.get("type") == "null":
            continue
        return conforms(data, option, defs)
    if isinstance(data, dict) and "properties" in schema:
        assert set(data) <= set(schema["properties"]), set(data) - set(schema["properties"])
        assert set(schema.get("required", [])) <= set(data)
        for key, value in data.items():
            conforms(value, schema["properties"][key], defs)
    elif isinstance(data, list) and "items" in schema:
        for item in data:
            conforms(item, schema["items"], defs)


def test_each_json_output_carries_its_version_and_matches_its_schema(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(e) for e in EVENTS) + "\n", encoding="utf-8")
    sites = tmp_path / "sites.json"
    sites.write_text(json.dumps(SITES), encoding="utf-8")
    state = tmp_path / "state.json"
    written = {
        "report": invoke("check", SAMPLE, str(events), "--sites", str(sites), "--since",
                         "2024-03-04", "--as-of", "2024-04-20", "--format", "json",
                         "--state-out", str(state)).stdout,
        "diff": invoke("diff", "kontum", "laichau", "--format", "json").stdout,
        "rule-sets": invoke("validate", "kontum", SAMPLE, "--format", "json").stdout,
        "compare": invoke("compare", "kontum", "laichau", "--format", "json").stdout,
        "schedule": invoke("schedule", "kontum", "--year", "2024", "--format", "json").stdout,
        "explain": invoke("explain", "kontum", "monthly_promo_videos", "--format",
                          "json").stdout,
    }
    written["partial"] = state.read_text(encoding="utf-8")
    for name, text in written.items():
        data = json.loads(text)
        assert data["schema_version"] == SCHEMA_VERSION, name
        conforms(data, output_schema(name))
    assert json.loads(written["report"])["violations"], "the report shows a violation"
    assert json.loads(written["schedule"])["duties"], "the schedule lists duties"


def test_jsonl_summary_names_the_version(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text("", encoding="utf-8")
    lines = invoke("check", SAMPLE, str(events), "--as-of", "2024-04-20", "--format",
                   "jsonl").stdout.splitlines()
    summary = json.loads(lines[-1])
    assert summary["record"] == "summary" and summary["schema_version"] == SCHEMA_VERSION


def test_violations_are_typed_a_day_or_an_instant(report):
    by_day = [v for v in report.violations if v.day is not None]
    at_instant = [v for v in report.violations if v.at is not None]
    assert by_day and at_instant  # the sample has both kinds of check
    assert all(v.at is None and v.day.isoformat() == v.when for v in by_day)
    for v in at_instant:
        assert v.day is None and isinstance(v.at, dt.datetime)
        assert v.at.tzinfo == zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
        assert v.at == dt.datetime.fromisoformat(v.when)
    data = report.model_dump(mode="json")["violations"]
    assert {(d["day"] is None, d["at"] is None) for d in data} == {(True, False), (False, True)}


def test_violation_read_back_from_json_keeps_its_type(report):
    """A report's JSON (with `day` and `at`) reads back into the same report."""
    again = Report.model_validate_json(orjson.dumps(report.model_dump(mode="json")))
    assert again.violations == report.violations
    assert again.violations[0].day == report.violations[0].day
    old = report.violations[0].model_dump(mode="json", exclude={"day", "at"})  # 0.1's JSON
    assert Violation.model_validate(old) == report.violations[0]


def test_a_report_from_another_schema_version_is_refused(report):
    data = report.model_dump(mode="json")
    data["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(ValueError, match="schema_version"):
        Report.model_validate(data)


def test_reports_with_state_still_merge_through_json(report):
    """A report read back from JSON (with `state`) merges, typed `when`s and all."""
    half = quyche.evaluate(SAMPLE, EVENTS[:0], as_of="2024-04-20", since="2024-03-04",
                           sites=SITES).with_state()
    other = quyche.evaluate(SAMPLE, EVENTS, as_of="2024-04-20", since="2024-03-04",
                            sites=SITES).with_state()
    read = [Report.model_validate_json(orjson.dumps(r.model_dump(mode="json")))
            for r in (half, other)]
    merged = read[0].merge(read[1], rule_set=SAMPLE)
    assert merged.violations == report.violations
    assert "state" not in report.model_dump()  # no state: no key, as before

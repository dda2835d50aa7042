"""Tests for `quyche.cli` (list, validate, schema, check)."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import quyche
from quyche.cli import app

runner = CliRunner()
SAMPLE = str(Path(__file__).parent / "data" / "sample.yaml")


def invoke(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("quyche 0.")


def test_list_shows_bundled():
    result = invoke("list")
    assert result.exit_code == 0
    for name in quyche.rule_sets():
        assert name in result.output


def test_validate_ok_and_summary():
    result = invoke("validate", "kontum", SAMPLE)
    assert result.exit_code == 0
    assert "kontum: ok" in result.output and "obligations" in result.output


def test_validate_duplicate_key(tmp_path):
    """A duplicate key exits non-zero, naming 'duplicate' and line 3."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nid: a\nid: b\n", encoding="utf-8")
    result = invoke("validate", str(bad))
    assert result.exit_code == 1
    assert "duplicate" in result.output and f"{bad}:3:" in result.output
    assert "Traceback" not in result.output


def test_validate_missing_file():
    result = invoke("validate", "no/such.yaml")
    assert result.exit_code == 1 and "no such rule-set file" in result.output


def test_schema_is_json_schema():
    result = invoke("schema")
    schema = json.loads(result.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "instrument" in schema["properties"]


def events_file(tmp_path, lines):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


LINES = [
    '{"id": "a", "type": "broadcast", "site": "bg1", "start": "2024-03-04T07:00:00+07:00",'
    ' "end": "2024-03-04T08:00:00+07:00"}',
    "{not json",
]


def sites_file(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text("- {id: bg1, kind: border_gate, operator: bdbp_tinh}\n", encoding="utf-8")
    return str(path)


def test_check_table(tmp_path):
    result = invoke("check", SAMPLE, events_file(tmp_path, LINES), "--sites",
                    sites_file(tmp_path), "--as-of", "2024-03-05T00:00:00+07:00",
                    "--since", "2024-03-04T00:00:00+07:00")
    assert result.exit_code == 0, result.output
    assert "Violations" in result.output and "Điều 6" in result.output
    assert "invalid JSON" in result.output


def test_check_json_and_fail_on(tmp_path):
    result = invoke("check", SAMPLE, events_file(tmp_path, LINES), "--sites",
                    sites_file(tmp_path), "--as-of", "2024-03-05T00:00:00+07:00",
                    "--since", "2024-03-04T00:00:00+07:00", "--format", "json",
                    "--fail-on", "violations")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["summary"]["events_read"] == 2
    assert {v["kind"] for v in report["violations"]} >= {"broadcast_hours"}


def test_check_jsonl(tmp_path):
    result = invoke("check", SAMPLE, events_file(tmp_path, LINES[:1]), "--sites",
                    sites_file(tmp_path), "--as-of", "2024-03-05T00:00:00+07:00",
                    "--since", "2024-03-04T00:00:00+07:00", "--format", "jsonl")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records[-1]["record"] == "summary"
    assert (records[-1]["rule_set"], records[-1]["as_of"]) == (
        "sample", "2024-03-05T00:00:00+07:00")
    assert any(r["record"] == "violation" for r in records)


def test_check_jsonl_carries_warnings(tmp_path):
    line = ('{"id": "r9", "type": "incident_reported", "incident": "nope", "actor": "x", '
            '"to": "so_tttt", "at": "2024-03-04T12:00:00+07:00"}')
    result = invoke("check", SAMPLE, events_file(tmp_path, [line]), "--as-of",
                    "2024-03-05T00:00:00+07:00", "--since", "2024-03-04T00:00:00+07:00",
                    "--format", "jsonl")
    warnings = [json.loads(x) for x in result.stdout.splitlines() if '"record":"warning"' in x]
    assert any(w["message"].startswith("r9: incident_reported names incident 'nope'")
               for w in warnings)


def test_check_fail_on_rejected(tmp_path):
    base = ("check", SAMPLE, "--sites", sites_file(tmp_path), "--as-of",
            "2024-03-04T09:00:00+07:00", "--since", "2024-03-04T00:00:00+07:00")
    clean = events_file(tmp_path, LINES[:1])
    assert invoke(*base[:2], clean, *base[2:], "--fail-on", "rejected").exit_code == 0
    broken = events_file(tmp_path, LINES)
    assert invoke(*base[:2], broken, *base[2:], "--fail-on", "violations").exit_code == 0
    assert invoke(*base[:2], broken, *base[2:], "--fail-on", "rejected").exit_code == 1


def test_check_unusable_input_exits_2(tmp_path):
    for args in (("check", "atlantis", "x.jsonl", "--as-of", "2024-01-01T00:00:00+07:00"),
                 ("check", SAMPLE, "missing.jsonl", "--as-of", "2024-01-01T00:00:00+07:00"),
                 ("check", SAMPLE, events_file(tmp_path, LINES), "--as-of", "2024-01-01")):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "error:" in result.output and "Traceback" not in result.output


def test_check_refuses_bad_site_and_actor_files(tmp_path):
    """Registries are read as strictly as rule sets: one clear line, exit 2, no traceback."""
    cases = {
        "- {id: bg1, kind: border_gate}\n- {id: bg1, kind: public_board}\n":
            ("--sites", "the same id as sites[0]"),
        "- id: bg1\n  kind: border_gate\n  id: bg2\n": ("--sites", ":3:3: [0].id: duplicate key"),
        "bg1: {kind: border_gate}\n": ("--sites", "the sites file is a list of sites"),
        "- so_x\n": ("--actors", "maps each actor id to its groups"),
        "so_x: 3\n": ("--actors", "actors['so_x']: expected a list of groups"),
        "so_x: [departments]\nso_x: [departments]\n": ("--actors", "duplicate key 'so_x'"),
    }
    for i, (text, (option, message)) in enumerate(cases.items()):
        path = tmp_path / f"registry{i}.yaml"
        path.write_text(text, encoding="utf-8")
        result = invoke("check", SAMPLE, events_file(tmp_path, LINES[:1]), option, str(path),
                        "--as-of", "2024-03-05T00:00:00+07:00")
        assert result.exit_code == 2, (text, result.output)
        assert message in result.output and "Traceback" not in result.output, result.output


def test_check_table_says_what_it_leaves_out(tmp_path):
    """Every table cut by --limit says how many rows it left out; a negative limit is refused."""
    args = ("check", SAMPLE, events_file(tmp_path, LINES), "--sites", sites_file(tmp_path),
            "--as-of", "2024-06-05T00:00:00+07:00", "--since", "2024-01-15T00:00:00+07:00")
    result = invoke(*args, "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "more violations (--limit N" in result.output
    assert "more obligations (--limit N" in result.output
    assert invoke(*args, "--limit", "-1").exit_code == 2


def test_check_interpretation_override(tmp_path):
    result = invoke("check", SAMPLE, events_file(tmp_path, LINES[:1]), "--as-of",
                    "2024-03-05T00:00:00+07:00", "-i", "nope=1")
    assert result.exit_code == 2 and "no interpretation" in result.output


def test_python_dash_m():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "quyche", "list"], capture_output=True,
                         text=True, check=True)
    assert "kontum" in out.stdout


class TestAsOf:
    """`--as-of`: an instant, a plain date (the end of that local day), or now."""

    def as_of(self, tmp_path, *extra):
        result = invoke("check", SAMPLE, events_file(tmp_path, LINES[:1]), "--sites",
                        sites_file(tmp_path), "--since", "2024-03-04T00:00:00+07:00",
                        "--format", "json", *extra)
        return result

    def test_plain_date_is_the_end_of_that_day(self, tmp_path):
        by_date = self.as_of(tmp_path, "--as-of", "2024-03-05")
        by_instant = self.as_of(tmp_path, "--as-of", "2024-03-06T00:00:00+07:00")
        assert by_date.exit_code == 0, by_date.output
        assert json.loads(by_date.output) == json.loads(by_instant.output)
        assert json.loads(by_date.output)["as_of"] == "2024-03-06T00:00:00+07:00"

    def test_default_is_now(self, tmp_path):
        import datetime as dt

        result = self.as_of(tmp_path)
        assert result.exit_code == 0, result.output
        as_of = dt.datetime.fromisoformat(json.loads(result.output)["as_of"])
        assert abs((dt.datetime.now(dt.timezone.utc) - as_of).total_seconds()) < 600

    def test_bad_date_is_one_message(self, tmp_path):
        result = self.as_of(tmp_path, "--as-of", "2024-02-30")
        assert result.exit_code == 2 and "not a date YYYY-MM-DD" in result.output


def test_engine_is_a_choice(tmp_path):
    result = invoke("check", SAMPLE, events_file(tmp_path, LINES[:1]), "--engine", "fast",
                    "--as-of", "2024-03-05")
    assert result.exit_code == 2 and "native" in result.output and "durable" in result.output


class TestMachineReadable:
    def test_list_json(self):
        """`list --format json`: one record per bundled rule set, with its instrument."""
        result = invoke("list", "--format", "json")
        listed = json.loads(result.output)
        assert listed["schema_version"] == quyche.SCHEMA_VERSION
        records = listed["rule_sets"]
        assert [r["name"] for r in records] == quyche.rule_sets()
        assert all(r["ok"] and r["obligations"] > 0 for r in records)

    def test_validate_json_names_problems(self, tmp_path):
        """`validate --format json` keeps going, exits 1, and locates each problem."""
        bad = tmp_path / "bad.yaml"
        bad.write_text("schema_version: 1\nid: a\nid: b\n", encoding="utf-8")
        result = invoke("validate", SAMPLE, str(bad), "--format", "json")
        good, wrong = json.loads(result.output)["rule_sets"]
        assert result.exit_code == 1 and good["ok"] and not wrong["ok"]
        assert any(p["line"] == 3 and "duplicate" in p["message"] for p in wrong["problems"])


def test_sites_from_stdin(tmp_path):
    """`--sites -` reads the registry from standard input; two stdin inputs are refused."""
    events = events_file(tmp_path, LINES[:1])
    registry = "- {id: bg1, kind: border_gate, operator: bdbp_tinh}\n"
    result = invoke("check", SAMPLE, events, "--sites", "-", "--as-of", "2024-03-05",
                    "--since", "2024-03-04T00:00:00+07:00", "--format", "json", input=registry)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"]["events_applied"] == 1
    both = invoke("check", SAMPLE, "-", "--sites", "-", "--as-of", "2024-03-05", input="")
    assert both.exit_code == 2 and "standard input" in both.output


def test_shell_completion_completes_commands():
    """Completion is on: the bash protocol completes a command name."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "_QUYCHE_COMPLETE": "complete_bash", "COMP_WORDS": "quyche che",
           "COMP_CWORD": "1"}
    script = Path(sys.executable).parent / "quyche"  # the console script, named quyche
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["check"]


def test_help_names_values_as_a_reader_would():
    """Usage lines, arguments and options show RULES, FILES..., FILE, INSTANT, ID=VALUE, N,
    [table|json] — never Python types (<str>, <bool>, <list[str]>, <path>) or {RULES}."""
    from quyche.cli import app as the_app

    names = [command.name or command.callback.__name__.rstrip("_")
             for command in the_app.registered_commands]
    for args in [["--help"], *([name, "--help"] for name in names)]:
        result = runner.invoke(the_app, args, env={"COLUMNS": "200"})
        assert result.exit_code == 0, args
        assert not re.search(r"<[a-z]|[{}]", result.output), args  # <str>, {RULES}
    check = runner.invoke(the_app, ["check", "--help"], env={"COLUMNS": "200"}).output
    assert "Usage: quyche check [OPTIONS] RULES EVENTS" in check
    assert "[table|json|jsonl|html]" in check and "--as-of" in check and "INSTANT" in check
    merge = runner.invoke(the_app, ["merge", "--help"], env={"COLUMNS": "200"}).output
    assert "Usage: quyche merge [OPTIONS] RULES FILES..." in merge and "FILES..." in \
        merge.partition("Arguments")[2]
    schema = runner.invoke(the_app, ["schema", "--help"], env={"COLUMNS": "200"}).output
    assert "Usage: quyche schema [OPTIONS] [NAME]" in schema


def test_no_message_says_value_error(tmp_path):
    """pydantic's "Value error, " reaches no message: a bad choice, a bad rule-set value,
    a bad override, a bad successions entry."""
    bad_choice = invoke("check", SAMPLE, "-", "--format", "yaml", input="")
    assert bad_choice.exit_code == 2 and "'yaml' is not one of 'table'" in bad_choice.output
    kontum = (Path(__file__).parent.parent / "rules" / "kontum.yaml").read_text("utf-8")
    bad_rules = tmp_path / "bad.yaml"
    bad_rules.write_text(kontum.replace('start: "00:00", end: "12:00"',
                                        'start: "25:99", end: "12:00"'), encoding="utf-8")
    validated = invoke("validate", str(bad_rules))
    assert validated.exit_code == 1 and "expected a time of day 'HH:MM'" in validated.output
    override = invoke("check", "kontum", "-", "-i", "morning_starts=25:99", input="")
    assert override.exit_code == 2 and "expected a time of day 'HH:MM'" in override.output
    successions = tmp_path / "successions.yaml"
    successions.write_text("- {id: s, change: reorganised, predecessor: so_tttt, successor: "
                           "so_khcn, effective: not-a-date, basis: x}\n", encoding="utf-8")
    handed = invoke("check", "kontum", "-", "--successions", str(successions), input="")
    assert handed.exit_code == 2 and "effective" in handed.output
    for result in (bad_choice, validated, override, handed):
        assert "Value error" not in result.output and "Traceback" not in result.output


def test_rule_set_names_in_any_case_with_a_near_miss_suggested():
    found = invoke("check", "Lai Châu", "-", "--as-of", "2024-08-01", "--format", "json",
                   input="")
    assert found.exit_code == 0 and json.loads(found.stdout)["rule_set"] == "laichau"
    assert invoke("validate", "KONTUM").exit_code == 0
    missed = invoke("check", "kontun", "-", input="")
    assert missed.exit_code == 2 and "did you mean 'kontum'?" in missed.output


class TestWidths:
    """Ids and instants never split; narrow terminals get records, wide ones tables."""

    def check(self, tmp_path, columns):
        lines = [LINES[0], '{"id": "late", "type": "submission", "actor": "bdbp_tinh", '
                 '"kind": "operator_report", "at": "2024-03-04T09:00:00"}']
        return runner.invoke(app, ["check", SAMPLE, events_file(tmp_path, lines), "--sites",
                                   sites_file(tmp_path), "--since", "2024-03-04T00:00:00+07:00",
                                   "--as-of", "2024-03-05"], env={"COLUMNS": str(columns)})

    def test_narrow_prints_records_with_whole_tokens(self, tmp_path):
        result = self.check(tmp_path, 80)
        assert result.exit_code == 0, result.output
        assert "┃" not in result.stdout  # no table at 80 columns
        assert "2024-03-04  " in result.stdout  # the day of a day-level finding, whole
        assert "line 2  late" in result.stdout  # the rejection names its line
        for line in result.stdout.splitlines():
            assert len(line.rstrip()) <= 80

    def test_wide_prints_tables_with_quotes(self, tmp_path):
        result = self.check(tmp_path, 200)
        assert "┃ when" in result.stdout and "quote" in result.stdout


def test_validation_message_drops_pydantic_wording():
    """The one helper every pydantic error goes through on its way to a user."""
    import pydantic

    from quyche.errors import validation_message

    class Window(pydantic.BaseModel):
        start: str

        @pydantic.field_validator("start")
        @classmethod
        def _hour(cls, value: str) -> str:
            raise ValueError(f"expected a time of day 'HH:MM', got {value!r}")

    with pytest.raises(pydantic.ValidationError) as info:
        Window(start="25:99")
    [err] = info.value.errors()
    assert "Value error" in err["msg"]
    assert validation_message(err) == "expected a time of day 'HH:MM', got '25:99'"
    with pytest.raises(pydantic.ValidationError) as info:
        Window()
    assert validation_message(info.value.errors()[0]) == "Field required"

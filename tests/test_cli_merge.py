"""Tests for `quyche check --state-out` and `quyche merge` (see `quyche.partial`)."""

import json

from typer.testing import CliRunner

from quyche.cli import app
from test_cli import SAMPLE

runner = CliRunner()
AS_OF = "2024-03-06T00:00:00+07:00"
LINES = [
    '{"id": "a", "type": "broadcast", "site": "bg1", "start": "2024-03-04T07:00:00+07:00",'
    ' "end": "2024-03-04T08:00:00+07:00"}',
    "{not json",
    '{"id": "b", "type": "broadcast", "site": "bg1", "start": "2024-03-05T07:00:00+07:00",'
    ' "end": "2024-03-05T12:00:00+07:00"}',
    '{"id": "late", "type": "backup", "site": "bg1", "at": "2024-03-07T07:00:00+07:00"}',
]


def _files(tmp_path):
    sites = tmp_path / "sites.yaml"
    sites.write_text("- {id: bg1, kind: border_gate, operator: bdbp_tinh}\n", encoding="utf-8")
    paths = []
    for name, lines in (("whole", LINES), ("p1", LINES[:2]), ("p2", LINES[2:])):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(path))
    return str(sites), paths


def _check(sites, events, *extra):
    return runner.invoke(app, ["check", SAMPLE, events, "--sites", sites, "--as-of", AS_OF,
                               "--since", "2024-03-04T00:00:00+07:00", *extra])


def test_merge_of_state_files_prints_the_report_of_the_whole(tmp_path):
    """`quyche merge` on `--state-out` files prints what `check` prints for the whole file."""
    sites, (whole, p1, p2) = _files(tmp_path)
    states = [str(tmp_path / "p1.json"), str(tmp_path / "p2.json")]
    for events, state in zip((p1, p2), states, strict=True):
        assert _check(sites, events, "--state-out", state, "--format", "json").exit_code == 0
    expected = json.loads(_check(sites, whole, "--format", "json").output)
    result = runner.invoke(app, ["merge", SAMPLE, *states, "--format", "json"])
    assert result.exit_code == 0, result.output
    merged = json.loads(result.output)
    assert [(r["partition"], r["partition_index"]) for r in merged["rejected"]] == [
        (p1, 1), (p2, 1)]
    for report in (merged, expected):
        report["rejected"] = [(r["index"], r["id"], r["reason"]) for r in report["rejected"]]
    assert merged == expected
    table = runner.invoke(app, ["merge", SAMPLE, *states, "--fail-on", "violations"])
    assert table.exit_code == 1 and "Rejected events (2)" in table.output


def test_merge_errors_exit_2_with_a_message(tmp_path):
    sites, (_whole, p1, _p2) = _files(tmp_path)
    state = tmp_path / "p1.json"
    _check(sites, p1, "--state-out", str(state))
    for args, message in (
            (["kontum", str(state)], "made with rule set 'sample', not 'kontum'"),
            ([SAMPLE, str(state), "--as-of", "2024-03-07T00:00:00+07:00"], "differs"),
            ([SAMPLE, str(tmp_path / "nope.json")], "cannot read"),
            ([SAMPLE, p1], "not JSON")):
        result = runner.invoke(app, ["merge", *args])
        assert result.exit_code == 2 and message in result.output.replace("\n", " "), (
            args, result.output)

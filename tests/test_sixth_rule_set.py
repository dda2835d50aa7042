"""A sixth province is a YAML file and no code: written to a temporary file, it goes end to end.

The file is a bundled rule set under a new id, name and province (and, in one variant, a
different daily minimum). Everything a bundled rule set does, it does by path: load,
evaluate, sensitivity, explain, schedule, diff, compare, the HTML report and the CLI.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import quyche
from quyche.cli import app
from quyche.events import read_jsonl

ROOT = Path(__file__).parent.parent
BASE = "kontum"  # any bundled rule set would do; this one has an example log to replay
EXAMPLE = ROOT / "examples" / BASE
AS_OF = "2024-12-31T23:59:59+07:00"
IDENTITY = (f"id: {BASE}\nname: Kon Tum\nprovince: Tỉnh Kon Tum\n",
            "id: sixth\nname: Thứ Sáu\nprovince: Tỉnh Thứ Sáu\n")


def _write(folder: Path, text: str, name: str = "sixth.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def base_text() -> str:
    text = (ROOT / "rules" / f"{BASE}.yaml").read_text(encoding="utf-8")
    assert IDENTITY[0] in text, "the bundled file's identity lines moved: update IDENTITY"
    return text


@pytest.fixture(scope="module")
def sixth(tmp_path_factory, base_text) -> Path:
    """The bundled text under a new identity: same rules, another province."""
    return _write(tmp_path_factory.mktemp("sixth"), base_text.replace(*IDENTITY))


@pytest.fixture(scope="module")
def events() -> list:
    with (EXAMPLE / "events.jsonl").open(encoding="utf-8") as lines:
        return list(read_jsonl(lines))


@pytest.fixture(scope="module")
def sites() -> list:
    return yaml.safe_load((EXAMPLE / "sites.yaml").read_text(encoding="utf-8"))


def _as_base(report: quyche.Report) -> str:
    """The report's JSON with the new identity written back as the bundled one's."""
    return re.sub(r"\bsixth\b", BASE, report.model_dump_json().replace("Thứ Sáu", "Kon Tum"))


def test_loads_by_path_and_is_not_bundled(sixth):
    rs = quyche.load(sixth)
    assert (rs.id, rs.province) == ("sixth", "Tỉnh Thứ Sáu")
    assert "sixth" not in quyche.rule_sets()
    assert len(rs.obligations) == len(quyche.load(BASE).obligations)


def test_evaluates_exactly_as_the_rule_set_it_copies(sixth, events, sites):
    """Same rules, same log: the same findings, under the new province's name."""
    mine = quyche.evaluate(quyche.load(sixth), events, as_of=AS_OF, sites=sites)
    theirs = quyche.evaluate(BASE, events, as_of=AS_OF, sites=sites)
    assert mine.rule_set == "sixth"
    assert mine.violations and _as_base(mine) == theirs.model_dump_json()


def test_partials_and_a_monitor_take_the_path(sixth, events, sites):
    """Every entry point reads its rule set the same way: a partial, a merge and a monitor
    made from the file give the report `evaluate` gives."""
    whole = quyche.evaluate(sixth, events, as_of=AS_OF, sites=sites)
    half = len(events) // 2
    parts = [quyche.partial(sixth, chunk, as_of=AS_OF, sites=sites)
             for chunk in (events[:half], events[half:])]
    monitor = quyche.Monitor(sixth, sites=sites)
    monitor.add(events)
    for report in (quyche.merge(parts, rule_set=sixth), monitor.report(AS_OF)):
        assert report.rule_set == "sixth"
        assert report.obligations == whole.obligations
        assert report.violations == whole.violations
        assert [r.reason for r in report.rejected] == [r.reason for r in whole.rejected]


def test_a_changed_number_changes_findings_and_diff(tmp_path, base_text, events, sites):
    """A stricter daily minimum in the YAML alone: more short days, and diff says stricter."""
    stricter = base_text.replace(*IDENTITY).replace("      min_hours: 6\n",
                                                   "      min_hours: 10\n", 1)
    assert stricter != base_text.replace(*IDENTITY)
    rs = quyche.load(_write(tmp_path, stricter))
    short = [v for v in quyche.evaluate(rs, events, as_of=AS_OF, sites=sites).violations
             if v.kind == "broadcast_hours"]
    base_short = [v for v in quyche.evaluate(BASE, events, as_of=AS_OF, sites=sites).violations
                  if v.kind == "broadcast_hours"]
    assert len(short) > len(base_short)
    fields = {(c.section, f.path): f for c in quyche.diff(BASE, rs).changes for f in c.fields}
    hours = [f for (section, path), f in fields.items() if path.endswith("min_hours")]
    assert [(f.a, f.b, f.direction) for f in hours] == [(6, 10, "stricter")]


def test_sensitivity_explain_and_schedule(sixth, events, sites):
    rs = quyche.load(sixth)
    ob = rs.obligations[0].id
    assert quyche.explain(rs, ob).rule_set == "sixth"
    # `ref` is how the override hints name the rule set: here as the bundled one's.
    assert quyche.explain(rs, ob, ref=BASE).model_dump(exclude={"rule_set"}) == \
        quyche.explain(BASE, ob).model_dump(exclude={"rule_set"})
    window = ("2024-01-01", "2024-12-31")
    mine = [d.model_dump(exclude={"rule_set"}) for d in quyche.schedule(rs, *window)]
    assert mine == [d.model_dump(exclude={"rule_set"}) for d in quyche.schedule(BASE, *window)]
    assert mine and {d.rule_set for d in quyche.schedule(rs, *window)} == {"sixth"}
    found = quyche.sensitivity(rs, events[:2000], as_of=AS_OF, sites=sites)
    assert found.rule_set == "sixth"


def test_diff_and_compare_against_a_bundled_one(sixth):
    changes = quyche.diff(BASE, sixth).changes
    assert [(c.section, [f.path for f in c.fields]) for c in changes] == \
        [("rule_set", ["province"])]
    assert quyche.compare([BASE, sixth]).columns == [BASE, "sixth"]


def test_the_html_report(sixth, events, sites):
    page = quyche.render_report_html(quyche.evaluate(sixth, events[:2000], as_of=AS_OF,
                                                     sites=sites))
    assert "<title>Báo cáo tuân thủ: sixth</title>" in page


def test_the_cli_checks_validates_and_diffs_the_file(sixth):
    runner = CliRunner()
    check = runner.invoke(app, ["check", str(sixth), str(EXAMPLE / "events.jsonl"),
                                "--sites", str(EXAMPLE / "sites.yaml"), "--as-of", AS_OF,
                                "--format", "json"])
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)
    assert report["rule_set"] == "sixth" and report["violations"]
    validate = runner.invoke(app, ["validate", str(sixth)])
    assert validate.exit_code == 0 and "Tỉnh Thứ Sáu" in validate.output
    diff = runner.invoke(app, ["diff", str(sixth), BASE, "--format", "json"])
    assert diff.exit_code == 0 and json.loads(diff.stdout)["b"]["id"] == BASE
    schedule = runner.invoke(app, ["schedule", str(sixth), "--year", "2024", "--format", "json"])
    assert schedule.exit_code == 0 and json.loads(schedule.stdout)


def test_the_scenarios_of_the_rule_set_it_copies_pass_against_it(tmp_path, sixth):
    """Every scenario of the bundled rule set, pointed at the file (`rule_set: ../x.yaml`,
    the id in expected warnings renamed), passes under `quyche test`."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (tmp_path / "sixth.yaml").write_text(sixth.read_text(encoding="utf-8"), encoding="utf-8")
    copied = 0
    for path in sorted((ROOT / "tests" / "scenarios" / BASE).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert f"\nrule_set: {BASE}\n" in text, path
        text = text.replace(f"\nrule_set: {BASE}\n", "\nrule_set: ../sixth.yaml\n")
        (folder / path.name).write_text(text.replace(f"{BASE}: ", "sixth: "), encoding="utf-8")
        copied += 1
    result = CliRunner().invoke(app, ["test", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"{copied} scenarios: {copied} passed" in result.output

"""Tests for the analysts' commands of `quyche.cli`: diff, compare, explain, schedule."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest
import yaml
from typer.testing import CliRunner

import quyche
from quyche.cli import app

ROOT = Path(__file__).parent.parent
SAMPLE = Path(__file__).parent / "data" / "sample.yaml"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback from {args}: {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


class TestDiff:
    @pytest.mark.parametrize("columns", [80, 120, 400])
    def test_ids_never_split_at_any_width(self, columns: int) -> None:
        """A table too wide for the terminal is printed as records: every concept id whole,
        no line wider than the terminal."""
        result = runner.invoke(app, ["diff", "kontum", "laichau"],
                               env={"COLUMNS": str(columns)})
        assert result.exit_code == 0
        ids = {i for c in quyche.diff("kontum", "laichau").changes for i in (c.a_id, c.b_id)
               if i}
        words = set(result.stdout.replace(",", " ").replace("(", " ").replace(")", " ").split())
        assert ids <= words
        assert all(len(line.rstrip()) <= columns for line in result.stdout.splitlines())
        records = "\n      A: kontum: " in result.stdout  # a table that did not fit
        assert records == (columns < 400) and "┃ concept" in result.stdout  # one that did

    def test_json_kontum_laichau(self) -> None:
        """The JSON diff carries the 15 vs 20, the languages, 30/12 vs 20/12 and the retention."""
        code, out, _ = run("diff", "kontum", "laichau", "--format", "json")
        assert code == 0
        data = json.loads(out)
        assert (data["a"]["id"], data["b"]["id"]) == ("kontum", "laichau")
        by_id = {(c["section"], c["a_id"] or c["b_id"]): c for c in data["changes"]}
        quarterly = by_id[("obligations", "quarterly_media_products")]
        assert {"path": "recurrence.day", "a": 15, "b": 20, "direction": "looser"}.items() <= \
            next(f for f in quarterly["fields"] if f["path"] == "recurrence.day").items()
        summary = by_id[("obligations", "annual_summary_report")]
        assert [(f["a"], f["b"], f["direction"]) for f in summary["fields"]
                if f["path"] == "recurrence.day"] == [(30, 20, "stricter")]
        langs = next(f for f in by_id[("languages.policies", "border_gate_languages")]["fields"]
                     if f["path"] == "allowed")
        assert {"vi+lo", "vi+km"} <= set(langs["removed"]) and "vi+zh" in langs["added"]
        retention = [c for c in data["changes"] if c["section"] == "constraints"
                     and c["change"] == "added" and c["b"]["kind"] == "backup_retention"]
        assert retention and retention[0]["b"]["retention"] == {"months": 6}

    def test_markdown_kontum_laichau(self) -> None:
        """The Markdown diff reads as tables with both values and both citations."""
        code, out, _ = run("diff", "kontum", "laichau", "--format", "markdown")
        assert code == 0
        assert out.startswith("# Kon Tum (kontum) → Lai Châu (laichau)")
        row = next(line for line in out.splitlines()
                   if "| recurrence.day | 15 | 20 | looser" in line)
        assert row
        assert "| recurrence.day | 30 | 20 | stricter" in out
        assert "〃" not in out  # a glyph common fonts lack: the concept is named on each row
        assert "vi+lo" in out and "vi+zh" in out
        assert "backup_retention" in out and "months: 6" in out
        assert "Điều 8 khoản 2: “Định kỳ ngày 15 tháng cuối quý”" in out

    def test_same_rule_set_is_empty(self) -> None:
        """diff kontum kontum: no differences, exit 0, also with --exit-code."""
        code, out, _ = run("diff", "kontum", "kontum")
        assert code == 0 and "No differences" in out
        code, out, _ = run("diff", "kontum", "kontum", "--format", "json", "--exit-code")
        assert code == 0 and json.loads(out)["changes"] == []

    def test_exit_code_when_different(self) -> None:
        code, _, _ = run("diff", "kontum", "laichau", "--format", "json", "--exit-code")
        assert code == 1

    def test_two_versions_of_a_file(self, tmp_path: Path) -> None:
        """quyche diff FILE FILE: a version diff shows the edited value only."""
        new = tmp_path / "new.yaml"
        new.write_text(SAMPLE.read_text(encoding="utf-8").replace(
            "recurrence: {every: quarter, month: 3, day: 15}",
            "recurrence: {every: quarter, month: 3, day: 10}"), encoding="utf-8")
        code, out, _ = run("diff", str(SAMPLE), str(new), "--format", "json")
        assert code == 0
        (change,) = json.loads(out)["changes"]
        assert [(f["path"], f["a"], f["b"], f["direction"]) for f in change["fields"]] == [
            ("recurrence.day", 15, 10, "stricter")]

    def test_html_is_one_escaped_page(self, tmp_path: Path) -> None:
        """HTML: one self-contained page, inline CSS and script, text escaped, English."""
        hostile = tmp_path / "hostile.yaml"
        hostile.write_text(SAMPLE.read_text(encoding="utf-8").replace(
            "province: Tỉnh Mẫu", "province: \"Tỉnh <script>alert(1)</script> & co\""),
            encoding="utf-8")
        code, out, _ = run("diff", str(SAMPLE), str(hostile), "--format", "html")
        assert code == 0
        assert out.startswith("<!DOCTYPE html>") and "<style>" in out
        assert out.count("<script") == 1 and "<link" not in out and "src=" not in out
        assert "alert(1)</script>" not in out  # the only script is the page's own
        assert "Tỉnh &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in out
        assert '<html lang="en">' in out and "〃" not in out

    def test_table_format(self) -> None:
        result = runner.invoke(app, ["diff", "kontum", "laichau"], env={"COLUMNS": "400"})
        assert result.exit_code == 0
        assert "quarterly_media_products" in result.stdout and "looser" in result.stdout

    def test_unusable_input_exits_2_without_traceback(self, tmp_path: Path) -> None:
        """Unknown rule set, unreadable or invalid file: one-line error, exit 2."""
        code, _, err = run("diff", "kontum", "nosuch")
        assert code == 2 and "error:" in err and "Traceback" not in err
        bad = tmp_path / "bad.yaml"
        bad.write_text("id: [unclosed\n", encoding="utf-8")
        code, _, err = run("diff", str(bad), "kontum")
        assert code == 2 and "error:" in err


class TestCompare:
    def test_json_matrix_with_articles(self) -> None:
        """Key parameters across all rule sets, each value cited."""
        code, out, _ = run("compare", "--format", "json")
        assert code == 0
        data = json.loads(out)
        assert data["columns"] == quyche.rule_sets()
        rows = {r["key"]: r for r in data["rows"]}
        for key in ("min_hours", "languages", "monthly", "quarterly", "yearly_reports",
                    "retention", "portal_updates", "operators", "windows"):
            assert key in rows, key
        quarterly = rows["quarterly"]["cells"]
        assert "15/3" in quarterly["kontum"][0]["text"]
        assert "20/3" in quarterly["laichau"][0]["text"]
        assert quarterly["kontum"][0]["source"]["article"] is not None
        assert rows["retention"]["cells"]["laichau"][0]["value"] == {"months": 6}
        for row in data["rows"]:
            for entries in row["cells"].values():
                for entry in entries:
                    # The instrument's header and a policy's basis may cite no article; nor
                    # may a succession, whose basis is a national instrument (the entry then
                    # says it is a reading, not the text).
                    if row["key"] in ("territory", "successions") and entry["source"] is None:
                        assert "reading" in entry["text"] or "no successor" in entry["text"]
                    elif row["key"] not in ("in_force", "instrument", "before_date"):
                        assert entry["source"] is not None, (row["key"], entry)

    def test_some_rule_sets_and_a_repeated_one(self) -> None:
        code, out, _ = run("compare", "kontum", "kontum", str(SAMPLE), "--format", "json")
        assert code == 0
        assert json.loads(out)["columns"] == ["kontum", "kontum#2", "sample"]

    @pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
    def test_formats(self, fmt: str) -> None:
        code, out, _ = run("compare", "kontum", "laichau", "--format", fmt)
        assert code == 0 and "Minimum hours" in out

    def test_names_beside_ids(self) -> None:
        """Who owes a duty to whom reads as names, each with its id beside it."""
        code, out, _ = run("compare", "kontum", "--format", "markdown")
        assert code == 0
        assert ("monthly_content_provision (Department of Information and Communications "
                "(so_tttt) → ") in out


@pytest.mark.parametrize(("page", "args"), [
    ("docs/comparison.md", ["compare", "--format", "markdown"]),
    ("docs/kontum-laichau.md", ["diff", "kontum", "laichau", "--format", "markdown"]),
])
def test_generated_docs_are_current(page: str, args: list[str]) -> None:
    """The committed pages equal what the command makes now (run `make comparison`)."""
    code, out, _ = run(*args)
    assert code == 0
    committed = (ROOT / page).read_text(encoding="utf-8")
    assert committed == out, f"{page} is stale: run `make comparison` and commit it"


class TestExplain:
    def test_text(self) -> None:
        code, out, _ = run("explain", "laichau", "annual_summary_report", "--today", "2025-01-01")
        assert code == 0
        assert "vi: " in out and "en: " in out and "20/12" in out
        assert "Điều 14 khoản 2" in out
        assert "policy before_date" in out and "--interpretation" in out
        assert "2025-12-19" in out

    def test_override_and_json(self) -> None:
        """--interpretation reads the text otherwise; the example follows."""
        code, out, _ = run("explain", "laichau", "annual_summary_report", "--today",
                           "2025-01-01", "--format", "json", "--interpretation",
                           "before_date_exclusive=inclusive")
        assert code == 0
        assert json.loads(out)["example"]["last_day"] == "2025-12-20"

    def test_markdown(self) -> None:
        code, out, _ = run("explain", str(SAMPLE), "daily_minimum", "--format", "markdown")
        assert code == 0 and out.startswith("# sample · daily_minimum")
        assert "morning_ends" in out

    def test_errors(self) -> None:
        code, _, err = run("explain", "kontum", "nope")
        assert code == 2 and "no rule 'nope'" in err
        code, _, err = run("explain", "kontum", "quarterly_media_products", "-i", "nope=1")
        assert code == 2 and "error:" in err
        code, _, err = run("explain", "kontum", "quarterly_media_products", "--today", "x")
        assert code == 2 and "YYYY-MM-DD" in err


class TestSchedule:
    def test_warns_about_successions_as_check_does(self) -> None:
        """The same warning as `check`'s report: on stderr after a table or a calendar,
        in the JSON's `warnings` (and not on stderr) with --format json."""
        code, out, err = run("schedule", "kontum", "--year", "2025")
        assert code == 0 and "warning: so_tttt was reorganised from 2025-03-01" in err
        code, out, err = run("schedule", "kontum", "--year", "2025", "--format", "json")
        warned = json.loads(out)["warnings"]
        assert code == 0 and "warning:" not in err
        assert any(w.startswith("so_tttt was reorganised from 2025-03-01") for w in warned)
        report = quyche.evaluate("kontum", [], as_of="2026-01-01", since="2025-01-01")
        # the same bodies, in the same words (the duties counted are the schedule's own)
        assert {w.split(" was ")[0] for w in warned} == {w.split(" was ")[0]
                                                         for w in report.warnings}

    def test_ics_laichau_newspaper(self) -> None:
        """Twelve all-day events on the 20th, parsed back with icalendar."""
        result = runner.invoke(app, ["schedule", "laichau", "--year", "2025", "--actor",
                                     "bao_tinh", "--format", "ics"])
        assert result.exit_code == 0
        events = list(icalendar.Calendar.from_ical(result.stdout_bytes).walk("VEVENT"))
        assert len(events) == 12
        assert sorted(e.start.month for e in events) == list(range(1, 13))
        assert {e.start.day for e in events} == {20}
        assert all(str(e["x-quyche-actor"]) == "bao_tinh" for e in events)

    def test_json_and_table(self, tmp_path: Path) -> None:
        sites = tmp_path / "sites.yaml"
        sites.write_text(yaml.safe_dump([{"id": "g", "kind": "border_gate",
                                          "operator": "bdbp_tinh"}]), encoding="utf-8")
        code, out, _ = run("schedule", "kontum", "--start", "2025-12-01", "--end",
                           "2025-12-31", "--sites", str(sites), "--format", "json")
        assert code == 0
        duties = json.loads(out)["duties"]
        assert {"annual_operator_report", "quarterly_media_products"} <= {
            d["rule_id"] for d in duties}
        assert all("2025-12-01" <= d["last_day"] <= "2025-12-31" for d in duties)
        result = runner.invoke(app, ["schedule", "kontum", "--year", "2025", "--actor",
                                     "bdbp_tinh"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert "4 recurring duties" in result.stdout
        assert "quarterly_media_products" in result.stdout

    @pytest.mark.parametrize("columns", [80, 120, 200])
    def test_ids_never_split_at_any_width(self, columns: int) -> None:
        """Records below 150 columns, a table above: every id and due date stays whole."""
        result = runner.invoke(app, ["schedule", "laichau", "--year", "2025"],
                               env={"COLUMNS": str(columns)})
        assert result.exit_code == 0
        duties = quyche.schedule("laichau", "2025-01-01", "2025-12-31")
        tokens = {d.rule_id for d in duties} | {d.actor for d in duties} | {
            d.last_day.isoformat() for d in duties}
        lines = result.stdout.splitlines()
        assert all(any(token in line for line in lines) for token in tokens)
        assert all(len(line.rstrip()) <= columns for line in lines)
        assert ("┃ due by" in result.stdout) == (columns >= 150)

    def test_before_in_force_and_not_in_force_are_notes(self) -> None:
        code, out, err = run("schedule", "kontum", "--year", "2023")
        assert code == 0 and "0 recurring duties" in out
        assert "kontum is in force from 2024-01-15: nothing falls due before" in err
        code, out, err = run("schedule", "tuyenquang", "--year", "2027", "--format", "json")
        assert code == 0 and json.loads(out)["duties"]
        assert "status is 'draft'; the duties are listed as if it were in force" in err

    @pytest.mark.parametrize("args", [
        ["schedule", "laichau"],
        ["schedule", "laichau", "--year", "2025", "--start", "2025-01-01"],
        ["schedule", "laichau", "--start", "2025-01-01"],
        ["schedule", "laichau", "--year", "2025", "--actor", "departments"],
        ["schedule", "laichau", "--year", "2025", "--actor", "nobody"],
        ["schedule", "laichau", "--start", "2025-02-01", "--end", "2025-01-01"],
        ["schedule", "laichau", "--start", "yesterday", "--end", "2025-01-01"],
        ["schedule", "laichau", "--year", "99999"],
    ])
    def test_unusable_arguments_exit_2(self, args: list[str]) -> None:
        code, _, err = run(*args)
        assert code == 2 and "error:" in err

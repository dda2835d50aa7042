"""Commands that evaluate logs: `check` (and its coverage and sensitivity), `merge`, `test`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson
import typer

from ..errors import QuycheError
from ..evaluation.engine import evaluate
from ..event_files import LineNumbers
from ..model import RuleSet
from ..render import report_records
from ..report import Report
from . import terminal
from .app import app
from .inputs import as_of_text, events_from, load_rule_set, registries
from .options import (
    ACTORS,
    AS_OF_HELP,
    FAIL_ON,
    INTERPRETATION,
    LIMIT,
    SITES,
    SUCCESSIONS,
    Engine,
    FailOn,
    ReportFormat,
    TestFormat,
)
from .terminal import fail, print_report, say, write_json, write_text

__all__ = ["check", "emit_report", "merge_", "test_"]


@app.command()
def check(
    rules: str = typer.Argument(..., help="bundled rule-set id or YAML file"),
    events: str = typer.Argument(..., help="events as JSON lines or a JSON array, plain, .gz "
                                 "or .zst, or Parquet (quyche[arrow]) ('-' for stdin)"),
    as_of: str | None = typer.Option(None, "--as-of", metavar="INSTANT", help=AS_OF_HELP),
    since: str | None = typer.Option(None, help="start of the window (default: in-force date)"),
    sites: Path | None = SITES,
    actors: Path | None = ACTORS,
    successions: Path | None = SUCCESSIONS,
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", help="output format"),
    fail_on: FailOn = FAIL_ON,
    interpretation: list[str] = INTERPRETATION,
    engine: Engine = typer.Option(Engine.native, help="the evaluation engine"),
    limit: int = LIMIT,
    english: bool = typer.Option(False, "--en", help="messages in English (html: the page "
                                 "opens in English)"),
    state_out: Path | None = typer.Option(None, "--state-out", help="also write the "
                                          "evaluation's partial (JSON) for `quyche merge`"),
    show_coverage: bool = typer.Option(False, "--coverage",
                                       help="which clauses the log's findings cite"),
    coverage_html: Path | None = typer.Option(None, "--coverage-html",
                                              help="also write the coverage as an HTML page"),
    sensitivity: bool = typer.Option(False, "--sensitivity",
                                     help="findings that change under each alternative reading"),
    only: list[str] = typer.Option(None, "--only",
                                   help="with --sensitivity: only this interpretation id"),
) -> None:
    """Evaluate events against a rule set: obligations, statuses, violations."""
    as_of, backend = as_of_text(as_of), Engine(engine).value
    if events == "-" and "-" in (str(sites), str(actors)):
        fail("only one input can come from standard input ('-'): the events, or one registry")
    rs = load_rule_set(rules, interpretation)
    registry, groups, handed = registries(rs, sites, actors, successions)
    arguments = dict(as_of=as_of, since=since, sites=registry, actors=groups,
                     successions=handed)
    covered = show_coverage or coverage_html is not None
    if covered or sensitivity or only:  # coverage or sensitivity printed in place of the report
        report = check_clauses(rs, events_from(events), arguments, fmt, covered, coverage_html,
                               sensitivity or bool(only), only, limit, backend)
    else:
        report = _evaluate_log(rs, events, arguments, backend)
    if state_out is not None:
        _write_state(report, events, state_out)
    if covered or sensitivity or only:
        _exit_on(report, fail_on)
        return
    emit_report(report, fmt, fail_on, limit, english)


def _evaluate_log(rs: RuleSet, events: str, arguments: dict[str, Any], engine: str) -> Report:
    """The report of a log, its rejected events located by line."""
    numbers = LineNumbers()
    try:
        report = evaluate(rs, events_from(events, numbers, decoded=True), engine=engine,
                          **arguments)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    return report.with_lines(numbers.line_of)


def _write_state(report: Report, events: str, path: Path) -> None:
    state = report.partial()
    state.partition = events
    try:
        path.write_text(state.to_json(), encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot write the state ({exc.strerror})")


def _exit_on(report: Report, fail_on: FailOn) -> None:
    """Exit 1 when `--fail-on` says so."""
    if (fail_on is FailOn.violations and report.violations) or (
            fail_on is FailOn.rejected and (report.violations or report.rejected)):
        raise typer.Exit(1)


def emit_report(report: Report, fmt: ReportFormat, fail_on: FailOn, limit: int,
                english: bool) -> None:
    """A report in the chosen format, and exit 1 when `--fail-on` says so."""
    if fmt is ReportFormat.json:
        sys.stdout.buffer.write(orjson.dumps(report.model_dump(mode="json"),
                                             option=orjson.OPT_INDENT_2) + b"\n")
    elif fmt is ReportFormat.jsonl:
        for record in report_records(report):
            sys.stdout.buffer.write(orjson.dumps(record) + b"\n")
    elif fmt is ReportFormat.html:
        from ..report_html import render_report_html

        sys.stdout.buffer.write(render_report_html(report, "en" if english else "vi").encode())
    else:
        print_report(report, limit, english)
    _exit_on(report, fail_on)


@app.command("merge")
def merge_(
    rules: str = typer.Argument(..., help="bundled rule-set id or YAML file"),
    files: list[Path] = typer.Argument(..., help="partials written by `check --state-out`"),
    as_of: str | None = typer.Option(None, "--as-of", metavar="INSTANT",
                                     help="merge as of this instant, or the end of a day "
                                     "YYYY-MM-DD (needed only when the partials leave it open)"),
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", help="output format"),
    fail_on: FailOn = FAIL_ON,
    interpretation: list[str] = INTERPRETATION,
    limit: int = LIMIT,
    english: bool = typer.Option(False, "--en", help="messages in English"),
) -> None:
    """Merge partials of one evaluation into the report of all their events."""
    from ..evaluation.partial import Partial, merge

    rs = load_rule_set(rules, interpretation)
    parts = []
    for path in files:
        try:
            parts.append(Partial.from_json(path.read_bytes(), str(path)))
        except OSError as exc:
            fail(f"{path}: cannot read ({exc.strerror})")
        except QuycheError as exc:
            fail(str(exc).replace("\n", " "))
    try:
        report = merge(parts, as_of=None if as_of is None else as_of_text(as_of), rule_set=rs)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    emit_report(report, fmt, fail_on, limit, english)


def check_clauses(rs: RuleSet, events: Any, arguments: dict[str, Any], fmt: ReportFormat,
                  show_coverage: bool, coverage_html: Path | None, sensitivity: bool,
                  only: list[str] | None, limit: int, engine: str) -> Report:
    """`check --coverage` / `--sensitivity`: what the log touched, what readings change."""
    from ..analysis.coverage import coverage, coverage_tables
    from ..analysis.sensitivity import sensitivity as what_if
    from ..analysis.sensitivity import sensitivity_lines
    from ..render import render_html, render_rich

    if fmt is ReportFormat.jsonl:
        fail("--coverage and --sensitivity write --format table or json")
    if sensitivity and engine != "native":
        fail("--sensitivity evaluates with the native engine; leave out --engine")
    try:
        if sensitivity:
            found = what_if(rs, events, only=only or None, **arguments)
            report = found.baseline
        else:
            found, report = None, evaluate(rs, events, engine=engine, **arguments)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    data: dict[str, Any] = {}
    if show_coverage:
        cov = coverage(rs, [report])
        data["coverage"] = cov.model_dump(mode="json")
        title, tables = f"{rs.id}: clauses the log touched", coverage_tables([cov], False)
        if coverage_html is not None:
            write_text(coverage_html, render_html(title, tables))
        if fmt is ReportFormat.table:
            render_rich(terminal.out, title, tables)
    if found is not None:
        data["sensitivity"] = found.model_dump(mode="json")
        if fmt is ReportFormat.table:
            for line in sensitivity_lines(found, limit):
                say(line)
    if fmt is ReportFormat.json:
        write_json(data)
    return report


@app.command("test")
def test_(
    paths: list[Path] = typer.Argument(..., help="scenario files or directories"),
    rules: list[Path] = typer.Option(None, "--rules",
                                     help="a rule-set file; scenarios name it by its id"),
    fmt: TestFormat = typer.Option(TestFormat.table, "--format", help="output format"),
    junit: Path | None = typer.Option(None, "--junit", help="also write JUnit XML here"),
    show_coverage: bool = typer.Option(False, "--coverage",
                                       help="clause coverage per rule set"),
    coverage_html: Path | None = typer.Option(None, "--coverage-html",
                                              help="also write the coverage as an HTML page"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="list passing scenarios too"),
) -> None:
    """Run scenario files: exit 0 when all pass, 1 on failures, 2 on errors (a malformed
    scenario, an unknown rule set)."""
    from ..analysis.coverage import coverage_tables
    from ..render import render_html
    from ..testing.scenarios import junit_xml, run_scenario, suite_coverage

    given = {}
    for path in rules or []:
        rs = load_rule_set(str(path))
        given[rs.id] = rs
    results = [run_scenario(path, given) for path in _scenario_files(paths, fmt)]
    counts = {s: sum(r.status == s for r in results) for s in ("pass", "fail", "error")}
    if junit is not None:
        write_text(junit, junit_xml(results))
    covered = suite_coverage(results) if show_coverage or coverage_html else []
    if coverage_html is not None:
        write_text(coverage_html, render_html("Clause coverage of the scenarios",
                                              coverage_tables(covered)))
    if fmt is TestFormat.json:
        data: dict[str, Any] = {"scenarios": [r.as_dict() for r in results],
                                "summary": {"total": len(results), "passed": counts["pass"],
                                            "failed": counts["fail"],
                                            "errors": counts["error"]}}
        if show_coverage:
            data["coverage"] = [c.model_dump(mode="json") for c in covered]
        write_json(data)
    else:
        _print_results(results, counts, covered if show_coverage else None, verbose)
    if counts["error"]:
        raise typer.Exit(2)
    if counts["fail"]:
        raise typer.Exit(1)


def _scenario_files(paths: list[Path], fmt: TestFormat) -> list[Path]:
    """The scenario files under `paths`; rule sets among them are named and passed over."""
    from ..errors import ScenarioError
    from ..testing.scenarios import scenario_files

    passed_over: list[Path] = []
    try:
        files = scenario_files(paths, passed_over)
    except ScenarioError as exc:
        fail(str(exc))
    if passed_over and fmt is TestFormat.table:
        terminal.err.print("not scenarios (rule sets): " + ", ".join(map(str, passed_over)),
                           markup=False, highlight=False)
    if not files:
        fail(f"no scenario files in {', '.join(map(str, paths))}")
    return files


def _print_results(results: list[Any], counts: dict[str, int], covered: list[Any] | None,
                   verbose: bool) -> None:
    from ..analysis.coverage import coverage_tables
    from ..render import render_rich

    for result in results:
        if result.status == "pass":
            if verbose:
                say(f"PASS {result.path}: {result.name}", style="green")
            continue
        name = f": {result.name}" if result.scenario else ""
        say(f"{result.status.upper()} {result.path}{name}", style="red")
        say("  " + result.details().replace("\n", "\n  "))
    if covered is not None:
        render_rich(terminal.out, "Clause coverage of the scenarios", coverage_tables(covered))
    say(f"{len(results)} scenarios: {counts['pass']} passed, {counts['fail']} failed, "
        f"{counts['error']} errors", style="bold")

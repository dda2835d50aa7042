"""The `quyche` command line: the library's operations for a terminal or a script.

Exit status: 0 when the command did its job, 1 when `--fail-on violations`
found some (or `validate` found problems), 2 when the input is unusable (an
unreadable file, an unknown rule set, a bad argument) — always with a one-line
message, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import orjson
import typer
import yaml
from rich.console import Console
from rich.table import Table

from .engine import evaluate
from .errors import QuycheError, RuleSetError
from .events import read_jsonl
from .loader import load, rule_sets
from .report import Report

__all__ = ["app", "main"]

app = typer.Typer(
    name="quyche",
    help="Vietnamese provincial regulations on public electronic information, as code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class ReportFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class FailOn(str, Enum):
    never = "never"
    violations = "violations"


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def _load(name: str, overrides: list[str] | None = None) -> Any:
    interpretations = {}
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep:
            fail(f"--interpretation {item!r}: expected ID=VALUE")
        interpretations[key] = yaml.safe_load(value)
    try:
        return load(name, interpretations=interpretations or None)
    except RuleSetError as exc:
        if len(exc.problems) == 1:
            fail(str(exc.problems[0]).strip())
        fail(f"{name}: {len(exc.problems)} problems; run `quyche validate {name}`")
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))


@app.command("list")
def list_() -> None:
    """List the bundled rule sets with their instruments."""
    table = Table("id", "province", "instrument", "in force", "status", "rules")
    for name in rule_sets():
        try:
            rs = load(name)
        except RuleSetError as exc:
            table.add_row(name, "", f"[red]invalid ({len(exc.problems)} problems)[/red]",
                          "", "", "")
            continue
        inst = rs.instrument
        table.add_row(name, rs.province, str(inst.number.value or "(number blank)"),
                      str(inst.in_force.value or "not in the text"), inst.status,
                      str(len(rs.rule_ids())))
    out.print(table)


@app.command()
def validate(rules: list[str] = typer.Argument(..., help="rule-set files or bundled ids")
             ) -> None:
    """Check rule sets: schema, duplicate keys, cross-references. Exit 1 on problems."""
    bad = 0
    for name in rules:
        try:
            rs = load(name)
        except RuleSetError as exc:
            bad += 1
            for problem in exc.problems:
                err.print(str(problem), highlight=False, markup=False)
            continue
        out.print(f"{name}: ok — {rs.province}, {len(rs.obligations)} obligations, "
                  f"{len(rs.broadcast.rules)} broadcast rules, {len(rs.constraints)} "
                  f"constraints, {len(rs.interpretations)} interpretations", highlight=False)
    if bad:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of rule-set files (for editors and other tools)."""
    from .jsonschema import rule_set_schema

    sys.stdout.write(json.dumps(rule_set_schema(), ensure_ascii=False, indent=2) + "\n")


def _events_from(path: str) -> Iterator[Any]:
    if path == "-":
        yield from read_jsonl(sys.stdin.buffer)
        return
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 - closed below, after streaming
    except OSError as exc:
        fail(f"{path}: cannot read ({exc.strerror})")
    with handle:
        if err.is_terminal and Path(path).stat().st_size > 5_000_000:
            from rich.progress import Progress

            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("reading events", total=Path(path).stat().st_size)
                for line in handle:
                    progress.advance(task, len(line))
                    yield from read_jsonl([line])
        else:
            yield from read_jsonl(handle)


def _read_registry(path: Path | None, what: str) -> Any:
    if path is None:
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read {what} ({exc})".replace("\n", " "))


@app.command()
def check(
    rules: str = typer.Argument(..., help="bundled rule-set id or YAML file"),
    events: str = typer.Argument(..., help="events as JSON lines ('-' for stdin)"),
    as_of: str = typer.Option(..., "--as-of", help="evaluate as of this instant (with offset)"),
    since: str | None = typer.Option(None, help="start of the window (default: in-force date)"),
    sites: Path | None = typer.Option(None, help="site registry, YAML or JSON list"),
    actors: Path | None = typer.Option(None, help="actor groups, YAML or JSON mapping"),
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", help="output format"),
    fail_on: FailOn = typer.Option(FailOn.never, "--fail-on", help="exit 1 when violations"),
    interpretation: list[str] = typer.Option(None, "--interpretation", "-i",
                                             help="override a reading: ID=VALUE"),
    engine: str = typer.Option("native", help="native or durable"),
    limit: int = typer.Option(40, help="rows per table (table format)"),
    english: bool = typer.Option(False, "--en", help="messages in English"),
) -> None:
    """Evaluate events against a rule set: obligations, statuses, violations."""
    rs = _load(rules, interpretation)
    registry = _read_registry(sites, "sites")
    if isinstance(registry, dict) and "sites" in registry:
        registry = registry["sites"]
    groups = _read_registry(actors, "actors")
    try:
        report = evaluate(rs, _events_from(events), as_of=as_of, since=since, sites=registry,
                          actors=groups, engine=engine)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    if fmt is ReportFormat.json:
        sys.stdout.buffer.write(orjson.dumps(report.model_dump(mode="json"),
                                             option=orjson.OPT_INDENT_2) + b"\n")
    elif fmt is ReportFormat.jsonl:
        for record, items in (("violation", report.violations),
                              ("obligation", report.obligations),
                              ("rejected", report.rejected)):
            for item in items:
                sys.stdout.buffer.write(orjson.dumps({"record": record,
                                                      **item.model_dump(mode="json")}) + b"\n")
        sys.stdout.buffer.write(orjson.dumps({"record": "summary",
                                              **report.summary.model_dump(mode="json")}) + b"\n")
    else:
        _print_report(report, limit, english)
    if fail_on is FailOn.violations and report.violations:
        raise typer.Exit(1)


def _cite(source: Any) -> str:
    parts = [f"Điều {source.article}" if source.article else source.document]
    if source.clause:
        parts.append(f"khoản {source.clause}")
    if source.point:
        parts.append(f"điểm {source.point}")
    return " ".join(parts)


def _print_report(report: Report, limit: int, english: bool) -> None:
    s = report.summary
    out.print(f"[bold]{report.rule_set}[/bold] as of {report.as_of.isoformat()} "
              f"(since {report.since.isoformat()}): {s.events_read} events read, "
              f"{s.events_applied} applied, {s.events_rejected} rejected", highlight=False)
    if report.violations:
        table = Table("when", "rule", "kind", "who / where", "message", "article", "quote",
                      title=f"Violations ({len(report.violations)})", title_justify="left")
        for v in report.violations[:limit]:
            table.add_row(v.when, v.rule_id, v.kind, v.actor or v.site or "",
                          v.message_en if english else v.message, _cite(v.source),
                          f"“{v.source.quote}”")
        out.print(table)
        if len(report.violations) > limit:
            out.print(f"… and {len(report.violations) - limit} more (--limit, --format json)")
    else:
        out.print("[green]No violations.[/green]")
    pending = [o for o in report.obligations if o.status != "met"]
    table = Table("due", "rule", "actor", "period / trigger", "status", "article",
                  title=f"Obligations ({len(report.obligations)}: " + ", ".join(
                      f"{n} {k}" for k, n in s.obligations_by_status.items()) + ")",
                  title_justify="left")
    for o in (pending or report.obligations)[:limit]:
        table.add_row(o.due.isoformat(), o.rule_id, o.actor, o.period or o.trigger or "",
                      o.status, _cite(o.source))
    if report.obligations:
        out.print(table)
    if report.rejected:
        table = Table("index", "id", "reason", title=f"Rejected events ({len(report.rejected)})",
                      title_justify="left")
        for r in report.rejected[:limit]:
            table.add_row(str(r.index), r.id or "", r.reason)
        out.print(table)
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except QuycheError as exc:  # a library error that escaped a command: still no traceback
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(2)

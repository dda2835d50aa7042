"""The `quyche` command line: the library's operations for a terminal or a script.

Exit status: 0 when the command did its job, 1 when `--fail-on violations`
found some (or `validate` found problems), 2 when the input is unusable (an
unreadable file, an unknown rule set, a bad argument) — always with a one-line
message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sys
import typing
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import orjson
import rich.markup
import typer
import typer.core
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ._load import load, read_located, read_value, rule_sets
from .cli_help import PlainCommand, PlainGroup
from .errors import QuycheError, RuleSetError
from .evaluation.engine import evaluate
from .event_files import LineNumbers, read_event_file, read_event_stream
from .registry import RegistryError, read_actors, read_sites
from .render import cite, count, report_records
from .report import Report
from .time.deadlines import LOCAL, end_of_day

__all__ = ["app", "main"]

app = typer.Typer(
    name="quyche",
    cls=PlainGroup,
    help="Vietnamese provincial regulations on public electronic information, as code.",
    no_args_is_help=True,
    add_completion=True,  # quyche --install-completion / --show-completion SHELL
    pretty_exceptions_enable=False,
)
# No emoji codes: data such as ":x:" in a quote is printed as written.
out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"quyche {version('quyche')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _setup(
    _show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="print the version and exit"),
) -> None:
    """Vietnamese provincial regulations on public electronic information, as code."""
    # Piped output (a log, a file): the terminal's width if there is one, else 100 columns.
    piped = not out.is_terminal and not os.environ.get("COLUMNS")
    width = shutil.get_terminal_size((100, 24)).columns if piped else None
    out.width = width  # type: ignore[assignment]  # None: measure again


class ReportFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    html = "html"  # one self-contained page: heatmap, timeline, tables (quyche.report_html)


class FailOn(str, Enum):
    never = "never"
    violations = "violations"
    rejected = "rejected"  # violations or rejected events


class Engine(str, Enum):
    native = "native"
    durable = "durable"  # the durable_rules backend (quyche[durable])


# Options several commands take, declared once (typer reads each declaration as it is).
_FAIL_ON = typer.Option(FailOn.never, "--fail-on",
                        help="exit 1 on violations, or on violations or rejected events")
_INTERPRETATION = typer.Option(None, "--interpretation", "-i",
                               help="override a reading: ID=VALUE")
_LIMIT = typer.Option(40, min=0, help="rows per table (table format)")

_AS_OF_HELP = ("evaluate as of this instant (ISO 8601 with an offset), or a date YYYY-MM-DD: "
               "the end of that local day (24:00); default: now")


def _as_of(text: str | None) -> str:
    """An --as-of value as evaluate takes it: a plain date is the end of that local day."""
    if text is None:
        return dt.datetime.now(LOCAL).replace(microsecond=0).isoformat()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return end_of_day(dt.date.fromisoformat(text)).isoformat()
        except ValueError:
            fail(f"--as-of {text!r}: not a date YYYY-MM-DD")
    return text


def _cells(*values: str) -> list[Text]:
    """Table cells from data: printed as they are, never read as rich markup."""
    return [Text(v) for v in values]


def _say(text: str, **style: Any) -> None:
    """Print text as it is: never read as markup, nothing highlighted."""
    out.print(text, markup=False, highlight=False, **style)


def fail(message: str, code: int = 2) -> NoReturn:
    err.print("[red]error:[/red] " + rich.markup.escape(message), highlight=False)
    raise typer.Exit(code)


def _load(name: str, overrides: list[str] | None = None) -> Any:
    interpretations = {}
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep:
            fail(f"--interpretation {item!r}: expected ID=VALUE")
        try:  # YAML 1.2, as rule sets are read: `12:00` stays text, `no` is not false
            interpretations[key] = read_value(value, f"--interpretation {key}")
        except RuleSetError as exc:
            fail(str(exc).replace("\n", " "))
    try:
        return load(name, interpretations=interpretations or None)
    except RuleSetError as exc:
        if len(exc.problems) == 1:
            fail(str(exc.problems[0]).strip())
        fail(f"{name}: {len(exc.problems)} problems; run `quyche validate {name}`")
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))


class ListFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("list")
def list_(fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="output format")
          ) -> None:
    """List the bundled rule sets with their instruments."""
    if fmt is ListFormat.json:
        _write_json(_summaries(rule_sets()))
        return
    table = Table("id", "province", "instrument", "in force", "status", "rules")
    for name in rule_sets():
        try:
            rs = load(name)
        except RuleSetError as exc:
            table.add_row(*_cells(name, ""), Text(f"invalid ({len(exc.problems)} problems)",
                                                  style="red"), *_cells("", "", ""))
            continue
        inst = rs.instrument
        table.add_row(*_cells(name, rs.province, str(inst.number.value or "(number blank)"),
                              str(inst.in_force.value or "not in the text"), inst.status,
                              str(len(rs.rule_ids()))))
    out.print(table)


def _summaries(names: list[str]) -> dict[str, Any]:
    """`list` and `validate --format json`: versioned, as schema/rule-sets.schema.json says."""
    from .output_schemas import RuleSetList

    listed = RuleSetList.model_validate({"rule_sets": [_summary(name) for name in names]})
    return listed.model_dump(mode="json")


def _summary(name: str) -> dict[str, Any]:
    """What `list` and `validate --format json` say of one rule set: its instrument, or why not."""
    try:
        rs = load(name)
    except RuleSetError as exc:
        return {"name": name, "ok": False, "problems": [
            {"file": p.file, "line": p.line, "column": p.column, "path": p.path,
             "message": p.message} for p in exc.problems]}
    inst = rs.instrument
    return {"name": name, "ok": True, "id": rs.id, "province": rs.province,
            "instrument": inst.number.value, "in_force": inst.date_of("in_force"),
            "status": inst.status, "rules": len(rs.rule_ids()),
            "obligations": len(rs.obligations), "broadcast_rules": len(rs.broadcast.rules),
            "constraints": len(rs.constraints), "interpretations": len(rs.interpretations)}


@app.command()
def validate(rules: list[str] = typer.Argument(..., help="rule-set files or bundled ids"),
             fmt: ListFormat = typer.Option(ListFormat.table, "--format",
                                            help="output format")) -> None:
    """Check rule sets: schema, duplicate keys, cross-references. Exit 1 on problems."""
    if fmt is ListFormat.json:
        found = _summaries(rules)
        _write_json(found)
        if not all(entry["ok"] for entry in found["rule_sets"]):
            raise typer.Exit(1)
        return
    bad = 0
    for name in rules:
        try:
            rs = load(name)
        except RuleSetError as exc:
            bad += 1
            for problem in exc.problems:
                err.print(str(problem), highlight=False, markup=False)
            continue
        out.print(f"{name}: ok — {rs.province}, {count(len(rs.obligations), 'obligation')}, "
                  f"{count(len(rs.broadcast.rules), 'broadcast rule')}, "
                  f"{count(len(rs.constraints), 'constraint')}, "
                  f"{count(len(rs.interpretations), 'interpretation')}", highlight=False,
                  markup=False)
    if bad:
        raise typer.Exit(1)


class SchemaName(str, Enum):
    """What `quyche schema` describes: the two input files, then the JSON outputs."""

    rule_set = "rule-set"
    scenario = "scenario"
    rule_sets = "rule-sets"
    report = "report"
    partial = "partial"
    diff = "diff"
    compare = "compare"
    schedule = "schedule"
    explain = "explain"


@app.command()
def schema(
    name: SchemaName = typer.Argument(
        SchemaName.rule_set, help="rule-set (default) or scenario: the files quyche reads; "
        "rule-sets (list, validate), report, partial, diff, compare, schedule or explain: "
        "the JSON it writes"),
    scenario: bool = typer.Option(False, "--scenario", hidden=True,
                                  help="the same as `quyche schema scenario` (0.1's form)"),
) -> None:
    """Print a JSON Schema: of rule-set or scenario files (for editors), or of a JSON output."""
    from .model.jsonschema import rule_set_schema
    from .output_schemas import output_schema
    from .testing.scenarios import scenario_schema

    if scenario:
        name = SchemaName.scenario
    if name is SchemaName.rule_set:
        found = rule_set_schema()
    elif name is SchemaName.scenario:
        found = scenario_schema()
    else:
        found = output_schema(name.value)
    sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")


@app.command()
def example(
    name: str | None = typer.Argument(None, help="the example, one per rule set (none: list "
                                      "them)"),
    to: Path | None = typer.Option(None, "--to", metavar="DIR", show_default="examples/NAME",
                                   help="the folder to write to"),
    force: bool = typer.Option(False, "--force", help="overwrite files with other content"),
) -> None:
    """Write a bundled example log (events and site registry) to try `quyche check` on."""
    from .examples import example as find
    from .examples import examples, write_example

    if name is None:
        for found in examples():
            out.print(f"{found.name:<12} {found.title}", markup=False, highlight=False)
        out.print("write one: quyche example NAME [--to DIR]", markup=False, highlight=False)
        return
    try:
        found = find(name)
        folder = to if to is not None else Path("examples") / found.name
        files = write_example(found.name, folder, force=force)
    except QuycheError as exc:
        fail(str(exc))
    _say(f"{found.title}: wrote {' and '.join(str(f) for f in files)}")
    _say("evaluate it with:")
    _say(f"  {found.command(folder)}")


def _events_from(path: str, numbers: LineNumbers | None = None, decoded: bool = False
                 ) -> Iterator[Any]:
    """The events of a file (`decoded`: as typed records, for the engine); a large file read
    at a terminal shows its progress."""
    if path == "-" or not err.is_terminal or not Path(path).is_file() or \
            Path(path).stat().st_size <= 5_000_000:
        yield from read_event_file(path, numbers, decoded=decoded)
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as progress, Path(path).open("rb") as handle:
        task = progress.add_task("reading events", total=Path(path).stat().st_size)
        yield from read_event_stream(io.BufferedReader(_Counted(handle, progress, task)), path,
                                     numbers, decoded=decoded)


class _Counted(io.RawIOBase):
    """A file that tells a progress bar how much of it has been read."""

    def __init__(self, handle: Any, progress: Any, task: Any) -> None:
        self._handle, self._progress, self._task = handle, progress, task

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n: int = self._handle.readinto(buffer)
        self._progress.advance(self._task, n or 0)
        return n


def _read_registry(path: Path | None, what: str) -> Any:
    """A site registry or actor groups file, read as strictly as a rule set."""
    if path is None:
        return None
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        data, locate = read_located(text, "<stdin>" if str(path) == "-" else str(path))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read {what} ({exc})".replace("\n", " "))
    except RuleSetError as exc:
        fail("\n".join(str(p) for p in exc.problems))
    prefix = ""  # where the registry sits in the file, for locating a problem
    if what == "sites" and isinstance(data, dict) and "sites" in data:
        data, prefix = data["sites"], "sites"
    if what == "sites" and not isinstance(data, list):
        fail(f"{path}: the sites file is a list of sites (- {{id: ..., kind: ..., operator: "
             f"...}}), not {_yaml_kind(data)}")
    if what == "actors" and not isinstance(data, dict):
        fail(f"{path}: the actors file maps each actor id to its groups (actor_id: "
             f"[group_id, ...]), not {_yaml_kind(data)}")
    try:  # the same models and messages as evaluate(sites=..., actors=...)
        if what == "sites":
            return [entry.model_dump(exclude_none=True) for entry in read_sites(data)]
        return read_actors(data)
    except RegistryError as exc:
        line, column = locate(prefix + exc.path)
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        fail(f"{where}: {exc}")


def _read_successions(path: Path | None, rs: Any, groups: Any, registry: Any) -> Any:
    """A successions file, read as strictly as the site registry (see quyche.successions)."""
    from .successions import read_successions

    if path is None:
        return None
    known = set(groups or {}) if isinstance(groups, dict) else set()
    known |= {s.get("operator") for s in registry or [] if isinstance(s, dict)} - {None}
    try:
        return read_successions(path.read_text(encoding="utf-8"), str(path), rs, known)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read successions ({exc})".replace("\n", " "))
    except RuleSetError as exc:
        fail("\n".join(str(p) for p in exc.problems))


def _yaml_kind(data: Any) -> str:
    return {dict: "a mapping", list: "a list", type(None): "empty"}.get(
        type(data), f"a single value ({data!r})")


@app.command()
def check(
    rules: str = typer.Argument(..., help="bundled rule-set id or YAML file"),
    events: str = typer.Argument(..., help="events as JSON lines or a JSON array, plain, .gz "
                                 "or .zst, or Parquet (quyche[arrow]) ('-' for stdin)"),
    as_of: str | None = typer.Option(None, "--as-of", metavar="INSTANT", help=_AS_OF_HELP),
    since: str | None = typer.Option(None, help="start of the window (default: in-force date)"),
    sites: Path | None = typer.Option(None, help="site registry, YAML or JSON list ('-' for "
                                      "stdin)"),
    actors: Path | None = typer.Option(None, help="actor groups, YAML or JSON mapping ('-' for "
                                       "stdin)"),
    successions: Path | None = typer.Option(
        None, help="your own successions (who took over a body's functions), YAML or JSON list"),
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", help="output format"),
    fail_on: FailOn = _FAIL_ON,
    interpretation: list[str] = _INTERPRETATION,
    engine: Engine = typer.Option(Engine.native, help="the evaluation engine"),
    limit: int = _LIMIT,
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
    as_of, backend = _as_of(as_of), Engine(engine).value
    if events == "-" and "-" in (str(sites), str(actors)):
        fail("only one input can come from standard input ('-'): the events, or one registry")
    rs = _load(rules, interpretation)
    registry = _read_registry(sites, "sites")
    groups = _read_registry(actors, "actors")
    handed = _read_successions(successions, rs, groups, registry)
    clauses = show_coverage or coverage_html is not None or sensitivity or bool(only)
    if clauses:  # coverage or sensitivity printed in place of the report
        report = _check_clauses(rs, _events_from(events), dict(
            as_of=as_of, since=since, sites=registry, actors=groups, successions=handed),
            fmt, show_coverage or coverage_html is not None, coverage_html,
            sensitivity or bool(only), only, limit, backend)
    else:
        numbers = LineNumbers()
        try:
            report = evaluate(rs, _events_from(events, numbers, decoded=True), as_of=as_of,
                              since=since, sites=registry, actors=groups, engine=backend,
                              successions=handed)
        except QuycheError as exc:
            fail(str(exc).replace("\n", " "))
        report = report.with_lines(numbers.line_of)
    if state_out is not None:
        state = report.partial()
        state.partition = events
        try:
            state_out.write_text(state.to_json(), encoding="utf-8")
        except OSError as exc:
            fail(f"{state_out}: cannot write the state ({exc.strerror})")
    if clauses:
        if (fail_on is FailOn.violations and report.violations) or (
                fail_on is FailOn.rejected and (report.violations or report.rejected)):
            raise typer.Exit(1)
        return
    _emit_report(report, fmt, fail_on, limit, english)


def _emit_report(report: Report, fmt: ReportFormat, fail_on: FailOn, limit: int,
                 english: bool) -> None:
    """A report in the chosen format, and exit 1 when `--fail-on` says so."""
    if fmt is ReportFormat.json:
        sys.stdout.buffer.write(orjson.dumps(report.model_dump(mode="json"),
                                             option=orjson.OPT_INDENT_2) + b"\n")
    elif fmt is ReportFormat.jsonl:
        for record in report_records(report):
            sys.stdout.buffer.write(orjson.dumps(record) + b"\n")
    elif fmt is ReportFormat.html:
        from .report_html import render_report_html

        sys.stdout.buffer.write(render_report_html(report, "en" if english else "vi").encode())
    else:
        _print_report(report, limit, english)
    if (fail_on is FailOn.violations and report.violations) or (
            fail_on is FailOn.rejected and (report.violations or report.rejected)):
        raise typer.Exit(1)


@app.command("merge")
def merge_(
    rules: str = typer.Argument(..., help="bundled rule-set id or YAML file"),
    files: list[Path] = typer.Argument(..., help="partials written by `check --state-out`"),
    as_of: str | None = typer.Option(None, "--as-of", metavar="INSTANT",
                                     help="merge as of this instant, or the end of a day "
                                     "YYYY-MM-DD (needed only when the partials leave it open)"),
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", help="output format"),
    fail_on: FailOn = _FAIL_ON,
    interpretation: list[str] = _INTERPRETATION,
    limit: int = _LIMIT,
    english: bool = typer.Option(False, "--en", help="messages in English"),
) -> None:
    """Merge partials of one evaluation into the report of all their events."""
    from .evaluation.partial import Partial, merge

    rs = _load(rules, interpretation)
    parts = []
    for path in files:
        try:
            parts.append(Partial.from_json(path.read_bytes(), str(path)))
        except OSError as exc:
            fail(f"{path}: cannot read ({exc.strerror})")
        except QuycheError as exc:
            fail(str(exc).replace("\n", " "))
    try:
        report = merge(parts, as_of=None if as_of is None else _as_of(as_of), rule_set=rs)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    _emit_report(report, fmt, fail_on, limit, english)


#: Table columns of prose, which fold, and their shares of the room left by the others.
_PROSE = {"message": 3, "quote": 2, "reason": 3}
#: Below this width findings are printed as records (a line of ids, then the prose), since
#: a table's id and instant columns alone would fill the screen.
_TABLE_WIDTH = 150


def _section(title: str, columns: list[str], rows: list[tuple[list[str], str]],
             wide: bool) -> None:
    """Rows of cells, as a table when wide, else as records: a line of the short cells
    (ids, instants) followed by the prose cell, indented. Ids and instants never wrap."""
    prose_at = next((i for i, c in enumerate(columns) if c in _PROSE), len(columns) - 1)
    if wide:
        grid = Table(title=rich.markup.escape(title), title_justify="left")
        for name in columns:
            if name in _PROSE:
                grid.add_column(name, overflow="fold", ratio=_PROSE[name], min_width=12)
            else:  # ids and instants never wrap
                grid.add_column(name, no_wrap=name not in ("article", "owed to", "quote"),
                                overflow="fold")
        for cells, _record in rows:
            grid.add_row(*_cells(*cells))
        out.print(grid)
        return
    out.print(Text(title, style="bold"))
    for cells, record in rows:
        out.print(Padding(Text(record), (0, 0, 0, 2), expand=False), soft_wrap=False)
        if cells[prose_at]:
            out.print(Padding(Text(cells[prose_at]), (0, 0, 0, 6), expand=False),
                      soft_wrap=False)


def _print_report(report: Report, limit: int, english: bool) -> None:
    s = report.summary
    out.print(Text(f"{report.rule_set} as of {report.as_of.isoformat()} "
                   f"(since {report.since.isoformat()}): {s.events_read} events read, "
                   f"{s.events_applied} applied, {s.events_rejected} rejected",
                   style="bold"), soft_wrap=False)
    wide = out.width >= _TABLE_WIDTH

    def more(shown: int, total: int, what: str) -> None:
        if total > shown:
            out.print(f"… and {total - shown} more {what} (--limit N, or --format json)",
                      highlight=False)

    def section(title: str, columns: list[str], rows: list[tuple[list[str], str]]) -> None:
        _section(title, columns, rows, wide)

    if report.violations:
        columns = ["when", "rule", "kind", "actor", "site", "message", "article",
                   *(["quote"] if out.width >= 160 else [])]
        rows = []
        for v in report.violations[:limit]:
            who = " · ".join(x for x in ((v.actor or "") + _handed_mark(v, "owed_by"),
                                         v.site or "") if x)
            cells = [v.when, v.rule_id, v.kind, (v.actor or "") + _handed_mark(v, "owed_by"),
                     v.site or "", v.message_en if english else v.message, cite(v.source),
                     f"“{v.source.quote}”"][:len(columns)]
            rows.append((cells, f"{v.when}  {v.rule_id} · {v.kind}  {who}  "
                                f"({cite(v.source)})"))
        section(f"Violations ({len(report.violations)})", columns, rows)
        more(limit, len(report.violations), "violations")
    else:
        out.print("[green]No violations.[/green]")
    pending = [o for o in report.obligations if o.status != "met"]
    shown = pending or report.obligations
    if report.obligations:
        rows = []
        for o in shown[:limit]:
            owed_by = o.actor + _handed_mark(o, "owed_by")
            owed_to = ", ".join(o.owed_to) + _handed_mark(o, "owed_to")
            cells = [o.due.isoformat(), o.rule_id, owed_by, owed_to,
                     o.period or o.trigger or "", o.status, cite(o.source)]
            rows.append((cells, f"{o.due.isoformat()}  {o.status}  {o.rule_id} "
                                f"({o.period or o.trigger or ''})  {owed_by} → {owed_to}"))
        section(f"Obligations ({len(report.obligations)}: " + ", ".join(
                    f"{n} {k}" for k, n in s.obligations_by_status.items()) + ")"
                + (", those not met:" if pending else ""),
                ["due", "rule", "actor", "owed to", "period / trigger", "status", "article"],
                rows)
        more(limit, len(shown), "obligations")
    if report.rejected:
        lines = all(r.line is not None for r in report.rejected)
        rows = []
        for r in report.rejected[:limit]:
            where = f" ({r.partition}: {r.partition_index})" if r.partition is not None else ""
            at = f"{r.line if lines else r.index}{where}"
            rows.append(([at, r.id or "", r.reason],
                         f"{'line' if lines else 'index'} {at}  {r.id or '(no id)'}"))
        section(f"Rejected events ({len(report.rejected)})",
                ["line" if lines else "index", "id", "reason"], rows)
        more(limit, len(report.rejected), "rejected events")
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {rich.markup.escape(warning)}", highlight=False)


# --------------------------------------------------------------------------- analysts' tools


class AnalystFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


class ScheduleFormat(str, Enum):
    table = "table"
    json = "json"
    ics = "ics"


class ExplainFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _write_json(data: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def _emit_tables(fmt: AnalystFormat, title: str, intro: str, tables: list[Any]) -> None:
    from .render import render_html, render_markdown, render_rich

    if fmt is AnalystFormat.markdown:
        sys.stdout.write(render_markdown(title, tables, intro))
    elif fmt is AnalystFormat.html:
        sys.stdout.write(render_html(title, tables, intro))
    else:
        render_rich(out, title, tables, intro)


@app.command("diff")
def diff_(
    a: str = typer.Argument(..., help="rule set A: bundled id or YAML file"),
    b: str = typer.Argument(..., help="rule set B: bundled id or YAML file"),
    fmt: AnalystFormat = typer.Option(AnalystFormat.table, "--format", help="output format"),
    exit_code: bool = typer.Option(False, "--exit-code",
                                   help="exit 1 when the rule sets differ (like git diff)"),
) -> None:
    """Semantic diff of two rule sets: concepts added, removed, changed; stricter or looser."""
    from .analysis.diff import diff, tables

    result = diff(_load(a), _load(b))
    if fmt is AnalystFormat.json:
        _write_json(result.model_dump(mode="json"))
    else:
        _emit_tables(fmt, *tables(result))
    if exit_code and not result.empty:
        raise typer.Exit(1)


@app.command("compare")
def compare_(
    rules: list[str] = typer.Argument(None, help="rule sets (default: every bundled one)"),
    fmt: AnalystFormat = typer.Option(AnalystFormat.table, "--format", help="output format"),
) -> None:
    """Key parameters of rule sets side by side, each with its article."""
    from .analysis.compare import compare, tables

    names = rules or rule_sets()
    result = compare([_load(name) for name in names])
    if fmt is AnalystFormat.json:
        _write_json(result.model_dump(mode="json"))
    else:
        _emit_tables(fmt, *tables(result))


@app.command("schedule")
def schedule_(
    rules: str = typer.Argument(..., help="bundled rule-set id or YAML file"),
    year: int | None = typer.Option(None, help="the calendar year (or --start and --end)"),
    start: str | None = typer.Option(None, help="first day YYYY-MM-DD (or an instant)"),
    end: str | None = typer.Option(None, help="last day YYYY-MM-DD (or an instant)"),
    actor: str | None = typer.Option(None, help="only this actor's duties"),
    sites: Path | None = typer.Option(None, help="site registry, YAML or JSON list ('-' for "
                                      "stdin)"),
    actors: Path | None = typer.Option(None, help="actor groups, YAML or JSON mapping ('-' for "
                                       "stdin)"),
    successions: Path | None = typer.Option(
        None, help="your own successions (who took over a body's functions), YAML or JSON list"),
    fmt: ScheduleFormat = typer.Option(ScheduleFormat.table, "--format", help="output format"),
    interpretation: list[str] = _INTERPRETATION,
    remind: int = typer.Option(3, min=0, help="with --format ics: a reminder this many days "
                               "before each due date (0: none)"),
) -> None:
    """Recurring duties due in a year or window: due date, period, actor, recipient, article."""
    from .analysis.schedule import Schedule, bounds, schedule, to_ics, window

    if year is not None and (start or end):
        fail("give either --year or --start/--end, not both")
    if year is None and not (start and end):
        fail("give --year Y, or both --start and --end")
    if year is not None and not 1976 <= year <= 2200:
        fail(f"--year {year}: the working-day calendar covers 1976-2200")
    rs = _load(rules, interpretation)
    registry = _read_registry(sites, "sites")
    groups = _read_registry(actors, "actors")
    handed = _read_successions(successions, rs, groups, registry)
    lo, hi = window(year) if year is not None else (start, end)
    try:
        duties = schedule(rs, lo, hi, actor=actor, sites=registry, actors=groups,
                          successions=handed)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    if rs.instrument.status != "in_force":
        err.print(f"[yellow]note:[/yellow] {rs.id}: the instrument's status is "
                  f"{rs.instrument.status!r}; the duties are listed as if it were in force",
                  highlight=False)
    from .successions import succession_warnings, territory_notes

    # As `check` does: the warnings in the JSON, else on standard error after the output.
    last = max((d.last_day for d in duties), default=None)
    warnings = [*succession_warnings(duties),
                *(f"{rs.id}: {note}" for note in territory_notes(rs, last))]
    if fmt is ScheduleFormat.json:
        first, last = bounds(lo, hi)
        _write_json(Schedule(rule_set=rs.id, start=first, end=last, actor=actor,
                             duties=duties, warnings=warnings).model_dump(mode="json"))
    elif fmt is ScheduleFormat.ics:
        label = f"{rs.id} {year}" if year is not None else f"{rs.id} {start}/{end}"
        sys.stdout.buffer.write(to_ics(duties, name=label + (f" {actor}" if actor else ""),
                                       remind_days=remind, rule_set=rs))
    else:
        rows = []  # as check's findings: a table when wide, else records; ids never split
        for d in duties:
            when = f"end of {d.last_day.isoformat()}" if d.all_day else d.due.isoformat()
            owed_by = d.actor + _handed_mark(d, "owed_by")
            owed_to = ", ".join(d.owed_to) + _handed_mark(d, "owed_to")
            rows.append(([when, d.rule_id, owed_by, d.period, owed_to, cite(d.source)],
                         f"{when}  {d.rule_id} ({d.period})  {owed_by} → {owed_to}"))
        _section(f"{rs.id}: {len(duties)} recurring duties" + (f" of {actor}" if actor else ""),
                 ["due by", "rule", "actor", "period", "owed to", "article"], rows,
                 out.width >= _TABLE_WIDTH)
        in_force = rs.instrument.date_of("in_force")
        before = in_force is not None and (  # the window ends before the rule set is in force
            year < in_force.year if year is not None else str(end)[:10] < in_force.isoformat())
        if not duties and before:
            err.print(f"[yellow]note:[/yellow] {rs.id} is in force from "
                      f"{in_force.isoformat()}: nothing falls due before", highlight=False)
        elif not duties:
            err.print("[yellow]note:[/yellow] no recurring duty falls due in the window for "
                      "the actors known (groups count only declared members; the operator "
                      "role needs --sites)", highlight=False)
    if fmt is not ScheduleFormat.json:
        for warning in warnings:
            err.print(f"[yellow]warning:[/yellow] {rich.markup.escape(warning)}",
                      highlight=False)


def _handed_mark(duty: Any, role: str) -> str:
    """' (← so_tttt, reading)' after a body that carries a duty in another's place."""
    marks = [f"← {h.predecessor}, {h.asserted_by}" for h in duty.successions
             if h.role == role and h.successor]
    return f" ({'; '.join(marks)})" if marks else ""


def _explain_markdown(e: Any) -> str:
    """The explanation as Markdown; every piece of rule-set data is escaped (`md_text`) or
    set in a code span (`md_code`), so a name or quote cannot add HTML, links or headings."""
    from .render import cite_quote, md_code, md_text

    def js(value: Any) -> str:
        return md_code(json.dumps(value, ensure_ascii=False))

    lines = [f"# {md_text(e.rule_set)} · {md_text(e.rule_id)}", "",
             f"**{md_text(e.title['en'])}** — {md_text(e.title['vi'])}", "",
             f"- **Tiếng Việt.** {md_text(e.text['vi'])}",
             f"- **English.** {md_text(e.text['en'])}",
             f"- **Source.** {md_text(cite_quote(e.source, 400))}"]
    lines += [f"- **Also.** {md_text(cite_quote(s, 400))}" for s in e.sources]
    if e.example is not None:
        lines.append(f"- **Example.** {md_text(e.example.text['en'])} / "
                     f"{md_text(e.example.text['vi'])}")
    if e.policies:
        lines += ["", "## Deadline policies it uses", ""]
        lines += [f"- {md_code(p.name)} = {js(p.value)} ({md_text(p.why)}); basis: "
                  f"{md_text(p.basis)}" for p in e.policies]
    if e.interpretations:
        lines += ["", "## Interpretations it relies on", ""]
        for i in e.interpretations:
            said = f", overridden; the rule set reads {js(i.text_value)}" if i.overridden else ""
            lines += [f"- {md_code(i.id)} ({md_code(i.path)} = {js(i.value)}{said}): "
                      f"{md_text(i.question)} — {md_text(i.reading)}",
                      f"  alternatives: {js(i.alternatives)}; "
                      f"override: {md_code(i.override_cli)} or {md_code(i.override_python)}"]
    if e.successions:
        lines += ["", "## Successions", ""]
        lines += [f"- {md_code(h.id)}: {md_text(h.text)}" for h in e.successions]
    for note in e.notes:
        lines += ["", f"> {md_text(note)}"]
    return "\n".join(lines) + "\n"


@app.command()
def explain(
    rules: str = typer.Argument(..., help="bundled rule-set id or YAML file"),
    rule_id: str = typer.Argument(..., help="an obligation, broadcast rule, constraint or "
                                  "language policy id"),
    interpretation: list[str] = _INTERPRETATION,
    today: str | None = typer.Option(None, help="example due date after this day (YYYY-MM-DD)"),
    fmt: ExplainFormat = typer.Option(ExplainFormat.table, "--format", help="output format"),
) -> None:
    """A rule in words (Vietnamese and English), its article and quote, the readings it rests on."""
    from .analysis.explain import explain as explain_rule
    from .render import cite_quote

    rs = _load(rules, interpretation)
    try:
        e = explain_rule(rs, rule_id, today=today, ref=rules)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    if fmt is ExplainFormat.json:
        _write_json(e.model_dump(mode="json"))
        return
    if fmt is ExplainFormat.markdown:
        sys.stdout.write(_explain_markdown(e))
        return
    _say(f"{e.rule_set} · {e.rule_id} ({e.kind.replace('_', ' ')})", style="bold")
    _say(f"vi: {e.text['vi']}")
    _say(f"en: {e.text['en']}")
    _say(f"source: {cite_quote(e.source, 400)}")
    for s in e.sources:
        _say(f"also:   {cite_quote(s, 400)}")
    if e.example is not None:
        _say(f"example: {e.example.text['en']}")
        for ex_id, due in e.example.exceptions.items():
            _say(f"         under exception {ex_id}: due {due.isoformat()}")
    for p in e.policies:
        _say(f"policy {p.name} = {json.dumps(p.value)} ({p.why}); basis: {p.basis}")
    if e.interpretations:
        _say("interpretations it relies on:", style="bold")
    for i in e.interpretations:
        said = (f" (overridden; the rule set reads "
                f"{json.dumps(i.text_value, ensure_ascii=False)})" if i.overridden else "")
        _say(f"- {i.id}: {i.path} = {json.dumps(i.value, ensure_ascii=False)}{said}")
        _say(f"  {i.question}")
        _say(f"  reading: {i.reading}")
        _say(f"  alternatives: {json.dumps(i.alternatives, ensure_ascii=False)}")
        _say(f"  override: {i.override_cli}")
        _say(f"            {i.override_python}")
    if e.successions:
        _say("successions (who carries the duty after 2025's changes):", style="bold")
    for h in e.successions:
        _say(f"- {h.id}: {h.text}")
    for note in e.notes:
        _say(f"note: {note}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on (loopback by default)"),
    port: int = typer.Option(8000, min=0, max=65535, help="port to listen on"),
    max_body_mb: float = typer.Option(64, min=0.001, help="largest request body, in MiB"),
    max_events: int = typer.Option(1_000_000, min=1, help="most events in one request"),
) -> None:
    """Serve the HTTP API on 127.0.0.1 (needs the package's "server" extra installed)."""
    try:
        from .server import Limits
        from .server import serve as run
    except QuycheError as exc:
        fail(str(exc))
    run(host, port, Limits(int(max_body_mb * 1024 * 1024), max_events))


# --------------------------------------------------------------------------- scenarios, coverage


class TestFormat(str, Enum):
    table = "table"
    json = "json"


def _check_clauses(rs: Any, events: Any, arguments: dict[str, Any], fmt: ReportFormat,
                   show_coverage: bool, coverage_html: Path | None, sensitivity: bool,
                   only: list[str] | None, limit: int, engine: str) -> Report:
    """`check --coverage` / `--sensitivity`: what the log touched, what readings change."""
    from .analysis.coverage import coverage, coverage_tables
    from .analysis.sensitivity import sensitivity as what_if
    from .analysis.sensitivity import sensitivity_lines
    from .render import render_html, render_rich

    if fmt is ReportFormat.jsonl:
        fail("--coverage and --sensitivity write --format table or json")
    try:
        if sensitivity:
            if engine != "native":
                fail("--sensitivity evaluates with the native engine; leave out --engine")
            found = what_if(rs, events, only=only or None, **arguments)
            report = found.baseline
        else:
            report = evaluate(rs, events, engine=engine, **arguments)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    data: dict[str, Any] = {}
    if show_coverage:
        cov = coverage(rs, [report])
        data["coverage"] = cov.model_dump(mode="json")
        title, tables = f"{rs.id}: clauses the log touched", coverage_tables([cov], False)
        if coverage_html is not None:
            _write_text(coverage_html, render_html(title, tables))
        if fmt is ReportFormat.table:
            render_rich(out, title, tables)
    if sensitivity:
        data["sensitivity"] = found.model_dump(mode="json")
        if fmt is ReportFormat.table:
            for line in sensitivity_lines(found, limit):
                out.print(line, markup=False, highlight=False)
    if fmt is ReportFormat.json:
        _write_json(data)
    return report


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot write ({exc.strerror})")


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
    from .analysis.coverage import coverage_tables
    from .errors import ScenarioError
    from .render import render_html, render_rich
    from .testing.scenarios import junit_xml, run_scenario, scenario_files, suite_coverage

    given = {}
    for path in rules or []:
        rs = _load(str(path))
        given[rs.id] = rs
    passed_over: list[Path] = []
    try:
        files = scenario_files(paths, passed_over)
    except ScenarioError as exc:
        fail(str(exc))
    if passed_over and fmt is TestFormat.table:
        err.print("not scenarios (rule sets): " + ", ".join(map(str, passed_over)),
                  markup=False, highlight=False)
    if not files:
        fail(f"no scenario files in {', '.join(map(str, paths))}")
    results = [run_scenario(path, given) for path in files]
    counts = {s: sum(r.status == s for r in results) for s in ("pass", "fail", "error")}
    if junit is not None:
        _write_text(junit, junit_xml(results))
    covered = suite_coverage(results) if show_coverage or coverage_html else []
    if coverage_html is not None:
        _write_text(coverage_html, render_html("Clause coverage of the scenarios",
                                               coverage_tables(covered)))
    if fmt is TestFormat.json:
        data: dict[str, Any] = {"scenarios": [r.as_dict() for r in results],
                                "summary": {"total": len(results), "passed": counts["pass"],
                                            "failed": counts["fail"],
                                            "errors": counts["error"]}}
        if show_coverage:
            data["coverage"] = [c.model_dump(mode="json") for c in covered]
        _write_json(data)
    else:
        for result in results:
            if result.status == "pass":
                if verbose:
                    _say(f"PASS {result.path}: {result.name}", style="green")
                continue
            name = f": {result.name}" if result.scenario else ""
            _say(f"{result.status.upper()} {result.path}{name}", style="red")
            _say("  " + result.details().replace("\n", "\n  "))
        if show_coverage:
            render_rich(out, "Clause coverage of the scenarios", coverage_tables(covered))
        _say(f"{len(results)} scenarios: {counts['pass']} passed, {counts['fail']} failed, "
            f"{counts['error']} errors", style="bold")
    if counts["error"]:
        raise typer.Exit(2)
    if counts["fail"]:
        raise typer.Exit(1)


#: Metavars by parameter name where the type alone says too little.
_METAVARS = {"as_of": "INSTANT", "since": "INSTANT", "start": "DATE", "end": "DATE",
             "interpretation": "ID=VALUE", "only": "ID", "actor": "ACTOR", "year": "YEAR"}


def _name_metavars() -> None:
    """Give every option and argument a metavar a reader knows (RULES, FILE, N, [a|b]).

    Typer would show the Python type instead (`<str>`, `<list[str]>`, `{rules}`).
    """
    import inspect

    for command in app.registered_commands:
        if command.cls in (None, typer.core.TyperCommand):
            command.cls = PlainCommand
        if command.callback is None:
            continue
        hints = typing.get_type_hints(command.callback)
        for name, param in inspect.signature(command.callback).parameters.items():
            info = param.default
            if not isinstance(info, typer.models.ParameterInfo) or info.metavar is not None:
                continue
            kind, hint = hints.get(name), str(hints.get(name))
            if name in _METAVARS:
                info.metavar = _METAVARS[name]
            elif isinstance(info, typer.models.ArgumentInfo):
                info.metavar = name.upper()  # `...` added for a list (_Argument)
            elif isinstance(kind, type) and issubclass(kind, Enum):
                info.metavar = "[" + "|".join(choice.value for choice in kind) + "]"
            elif kind is bool:
                info.metavar = ""  # a flag takes no value
            elif "Path" in hint:
                info.metavar = "FILE"
            elif "int" in hint or "float" in hint:
                info.metavar = "N"
            else:
                info.metavar = name.upper()


_name_metavars()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except QuycheError as exc:  # a library error that escaped a command: still no traceback
        err.print(f"[red]error:[/red] {rich.markup.escape(str(exc))}", highlight=False)
        sys.exit(2)

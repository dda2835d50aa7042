"""Commands that read rule sets: `list`, `validate`, `schema`, `example`."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from .._load import load, rule_sets
from ..errors import QuycheError, RuleSetError
from ..render import count
from . import terminal
from .app import app
from .options import ListFormat
from .terminal import cells, fail, say, write_json

__all__ = ["example", "list_", "schema", "validate"]


@app.command("list")
def list_(fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="output format")
          ) -> None:
    """List the bundled rule sets with their instruments."""
    if fmt is ListFormat.json:
        write_json(_summaries(rule_sets()))
        return
    table = Table("id", "province", "instrument", "in force", "status", "rules")
    for name in rule_sets():
        try:
            rs = load(name)
        except RuleSetError as exc:
            table.add_row(*cells(name, ""), Text(f"invalid ({len(exc.problems)} problems)",
                                                 style="red"), *cells("", "", ""))
            continue
        inst = rs.instrument
        table.add_row(*cells(name, rs.province, str(inst.number.value or "(number blank)"),
                             str(inst.in_force.value or "not in the text"), inst.status,
                             str(len(rs.rule_ids()))))
    terminal.out.print(table)


def _summaries(names: list[str]) -> dict[str, Any]:
    """`list` and `validate --format json`: versioned, as schema/rule-sets.schema.json says."""
    from ..output_schemas import RuleSetList

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
        write_json(found)
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
                terminal.err.print(str(problem), highlight=False, markup=False)
            continue
        terminal.out.print(
            f"{name}: ok — {rs.province}, {count(len(rs.obligations), 'obligation')}, "
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
    from ..model.jsonschema import rule_set_schema
    from ..output_schemas import output_schema
    from ..testing.scenarios import scenario_schema

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
    from ..examples import example as find
    from ..examples import examples, write_example

    if name is None:
        for found in examples():
            say(f"{found.name:<12} {found.title}")
        say("write one: quyche example NAME [--to DIR]")
        return
    try:
        found = find(name)
        folder = to if to is not None else Path("examples") / found.name
        files = write_example(found.name, folder, force=force)
    except QuycheError as exc:
        fail(str(exc))
    say(f"{found.title}: wrote {' and '.join(str(f) for f in files)}")
    say("evaluate it with:")
    say(f"  {found.command(folder)}")

"""Analysts' commands: `diff`, `compare`, `schedule`, `explain` (sensitivity is `check`'s)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from .._load import rule_sets
from ..errors import QuycheError
from ..model import RuleSet
from ..render import cite
from . import terminal
from .app import app
from .inputs import load_rule_set, registries
from .options import (
    ACTORS,
    INTERPRETATION,
    SITES,
    SUCCESSIONS,
    AnalystFormat,
    ExplainFormat,
    ScheduleFormat,
)
from .terminal import TABLE_WIDTH, emit_tables, fail, handed_mark, say, section, warn, write_json

__all__ = ["compare_", "diff_", "explain", "explain_markdown", "schedule_"]


@app.command("diff")
def diff_(
    a: str = typer.Argument(..., help="rule set A: bundled id or YAML file"),
    b: str = typer.Argument(..., help="rule set B: bundled id or YAML file"),
    fmt: AnalystFormat = typer.Option(AnalystFormat.table, "--format", help="output format"),
    exit_code: bool = typer.Option(False, "--exit-code",
                                   help="exit 1 when the rule sets differ (like git diff)"),
) -> None:
    """Semantic diff of two rule sets: concepts added, removed, changed; stricter or looser."""
    from ..analysis.diff import diff, tables

    result = diff(load_rule_set(a), load_rule_set(b))
    if fmt is AnalystFormat.json:
        write_json(result.model_dump(mode="json"))
    else:
        emit_tables(fmt.value, *tables(result))
    if exit_code and not result.empty:
        raise typer.Exit(1)


@app.command("compare")
def compare_(
    rules: list[str] = typer.Argument(None, help="rule sets (default: every bundled one)"),
    fmt: AnalystFormat = typer.Option(AnalystFormat.table, "--format", help="output format"),
) -> None:
    """Key parameters of rule sets side by side, each with its article."""
    from ..analysis.compare import compare, tables

    names = rules or rule_sets()
    result = compare([load_rule_set(name) for name in names])
    if fmt is AnalystFormat.json:
        write_json(result.model_dump(mode="json"))
    else:
        emit_tables(fmt.value, *tables(result))


@app.command("schedule")
def schedule_(
    rules: str = typer.Argument(..., help="bundled rule-set id or YAML file"),
    year: int | None = typer.Option(None, help="the calendar year (or --start and --end)"),
    start: str | None = typer.Option(None, help="first day YYYY-MM-DD (or an instant)"),
    end: str | None = typer.Option(None, help="last day YYYY-MM-DD (or an instant)"),
    actor: str | None = typer.Option(None, help="only this actor's duties"),
    sites: Path | None = SITES,
    actors: Path | None = ACTORS,
    successions: Path | None = SUCCESSIONS,
    fmt: ScheduleFormat = typer.Option(ScheduleFormat.table, "--format", help="output format"),
    interpretation: list[str] = INTERPRETATION,
    remind: int = typer.Option(3, min=0, help="with --format ics: a reminder this many days "
                               "before each due date (0: none)"),
) -> None:
    """Recurring duties due in a year or window: due date, period, actor, recipient, article."""
    from ..analysis.schedule import Schedule, bounds, schedule, to_ics, window
    from ..successions import succession_warnings, territory_notes

    _check_window(year, start, end)
    rs = load_rule_set(rules, interpretation)
    registry, groups, handed = registries(rs, sites, actors, successions)
    lo, hi = window(year) if year is not None else (start, end)
    try:
        duties = schedule(rs, lo, hi, actor=actor, sites=registry, actors=groups,
                          successions=handed)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    if rs.instrument.status != "in_force":
        _note(f"{rs.id}: the instrument's status is {rs.instrument.status!r}; the duties are "
              "listed as if it were in force")
    # As `check` does: the warnings in the JSON, else on standard error after the output.
    last = max((d.last_day for d in duties), default=None)
    warnings = [*succession_warnings(duties),
                *(f"{rs.id}: {note}" for note in territory_notes(rs, last))]
    if fmt is ScheduleFormat.json:
        first, last = bounds(lo, hi)
        write_json(Schedule(rule_set=rs.id, start=first, end=last, actor=actor,
                            duties=duties, warnings=warnings).model_dump(mode="json"))
        return
    if fmt is ScheduleFormat.ics:
        label = f"{rs.id} {year}" if year is not None else f"{rs.id} {start}/{end}"
        sys.stdout.buffer.write(to_ics(duties, name=label + (f" {actor}" if actor else ""),
                                       remind_days=remind, rule_set=rs))
    else:
        _print_duties(rs, duties, actor, year, end)
    for warning in warnings:
        warn(warning)


def _check_window(year: int | None, start: str | None, end: str | None) -> None:
    """`--year`, or `--start` and `--end`: one of the two, in the calendar's years."""
    if year is not None and (start or end):
        fail("give either --year or --start/--end, not both")
    if year is None and not (start and end):
        fail("give --year Y, or both --start and --end")
    if year is not None and not 1976 <= year <= 2200:
        fail(f"--year {year}: the working-day calendar covers 1976-2200")


def _note(text: str) -> None:
    terminal.err.print(f"[yellow]note:[/yellow] {text}", highlight=False)


def _print_duties(rs: RuleSet, duties: list[Any], actor: str | None, year: int | None,
                  end: str | None) -> None:
    """As check's findings: a table when wide, else records; ids never split."""
    rows = []
    for d in duties:
        when = f"end of {d.last_day.isoformat()}" if d.all_day else d.due.isoformat()
        owed_by = d.actor + handed_mark(d, "owed_by")
        owed_to = ", ".join(d.owed_to) + handed_mark(d, "owed_to")
        rows.append(([when, d.rule_id, owed_by, d.period, owed_to, cite(d.source)],
                     f"{when}  {d.rule_id} ({d.period})  {owed_by} → {owed_to}"))
    section(f"{rs.id}: {len(duties)} recurring duties" + (f" of {actor}" if actor else ""),
            ["due by", "rule", "actor", "period", "owed to", "article"], rows,
            terminal.out.width >= TABLE_WIDTH)
    if duties:
        return
    in_force = rs.instrument.date_of("in_force")
    if in_force is not None and (  # the window ends before the rule set is in force
            year < in_force.year if year is not None else str(end)[:10] < in_force.isoformat()):
        _note(f"{rs.id} is in force from {in_force.isoformat()}: nothing falls due before")
    else:
        _note("no recurring duty falls due in the window for the actors known (groups count "
              "only declared members; the operator role needs --sites)")


def explain_markdown(e: Any) -> str:
    """The explanation as Markdown; every piece of rule-set data is escaped (`md_text`) or
    set in a code span (`md_code`), so a name or quote cannot add HTML, links or headings."""
    from ..render import cite_quote, md_code, md_text

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
    interpretation: list[str] = INTERPRETATION,
    today: str | None = typer.Option(None, help="example due date after this day (YYYY-MM-DD)"),
    fmt: ExplainFormat = typer.Option(ExplainFormat.table, "--format", help="output format"),
) -> None:
    """A rule in words (Vietnamese and English), its article and quote, the readings it rests on."""
    from ..analysis.explain import explain as explain_rule

    rs = load_rule_set(rules, interpretation)
    try:
        e = explain_rule(rs, rule_id, today=today, ref=rules)
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))
    if fmt is ExplainFormat.json:
        write_json(e.model_dump(mode="json"))
    elif fmt is ExplainFormat.markdown:
        sys.stdout.write(explain_markdown(e))
    else:
        _print_explanation(e)


def _print_explanation(e: Any) -> None:
    from ..render import cite_quote

    say(f"{e.rule_set} · {e.rule_id} ({e.kind.replace('_', ' ')})", style="bold")
    say(f"vi: {e.text['vi']}")
    say(f"en: {e.text['en']}")
    say(f"source: {cite_quote(e.source, 400)}")
    for s in e.sources:
        say(f"also:   {cite_quote(s, 400)}")
    if e.example is not None:
        say(f"example: {e.example.text['en']}")
        for ex_id, due in e.example.exceptions.items():
            say(f"         under exception {ex_id}: due {due.isoformat()}")
    for p in e.policies:
        say(f"policy {p.name} = {json.dumps(p.value)} ({p.why}); basis: {p.basis}")
    if e.interpretations:
        say("interpretations it relies on:", style="bold")
    for i in e.interpretations:
        said = (f" (overridden; the rule set reads "
                f"{json.dumps(i.text_value, ensure_ascii=False)})" if i.overridden else "")
        say(f"- {i.id}: {i.path} = {json.dumps(i.value, ensure_ascii=False)}{said}")
        say(f"  {i.question}")
        say(f"  reading: {i.reading}")
        say(f"  alternatives: {json.dumps(i.alternatives, ensure_ascii=False)}")
        say(f"  override: {i.override_cli}")
        say(f"            {i.override_python}")
    if e.successions:
        say("successions (who carries the duty after 2025's changes):", style="bold")
    for h in e.successions:
        say(f"- {h.id}: {h.text}")
    for note in e.notes:
        say(f"note: {note}")

"""How the command line prints: plain text, errors, JSON, and findings as tables or records.

Wide terminals get tables; narrow ones get records (a line of ids and instants, then the
prose, indented), since ids and instants never wrap. Commands reach the consoles as
`terminal.out` and `terminal.err`, so a caller (a test) can point them elsewhere.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import orjson
import rich.markup
import typer
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..render import cite
from ..report import Report

__all__ = ["TABLE_WIDTH", "cells", "emit_tables", "err", "fail", "handed_mark", "out",
           "print_report", "say", "section", "warn", "write_json", "write_text"]

# No emoji codes: data such as ":x:" in a quote is printed as written.
out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)

#: Table columns of prose, which fold, and their shares of the room left by the others.
PROSE = {"message": 3, "quote": 2, "reason": 3}
#: Below this width findings are printed as records (a line of ids, then the prose), since
#: a table's id and instant columns alone would fill the screen.
TABLE_WIDTH = 150

#: A finding: its cells for a table, and its line of ids for a record.
Row = tuple[list[str], str]


def cells(*values: str) -> list[Text]:
    """Table cells from data: printed as they are, never read as rich markup."""
    return [Text(v) for v in values]


def say(text: str, **style: Any) -> None:
    """Print text as it is: never read as markup, nothing highlighted."""
    out.print(text, markup=False, highlight=False, **style)


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on standard error, and the exit status (2: the input is unusable)."""
    err.print("[red]error:[/red] " + rich.markup.escape(message), highlight=False)
    raise typer.Exit(code)


def warn(warning: str) -> None:
    err.print(f"[yellow]warning:[/yellow] {rich.markup.escape(warning)}", highlight=False)


def write_json(data: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot write ({exc.strerror})")


def emit_tables(fmt: str, title: str, intro: str, tables: list[Any]) -> None:
    """diff's and compare's tables: Markdown, HTML, or a rich table at the terminal."""
    from ..render import render_html, render_markdown, render_rich

    if fmt == "markdown":
        sys.stdout.write(render_markdown(title, tables, intro))
    elif fmt == "html":
        sys.stdout.write(render_html(title, tables, intro))
    else:
        render_rich(out, title, tables, intro)


def handed_mark(duty: Any, role: str) -> str:
    """' (← so_tttt, reading)' after a body that carries a duty in another's place."""
    marks = [f"← {h.predecessor}, {h.asserted_by}" for h in duty.successions
             if h.role == role and h.successor]
    return f" ({'; '.join(marks)})" if marks else ""


def section(title: str, columns: list[str], rows: list[Row], wide: bool) -> None:
    """Rows of cells, as a table when wide, else as records: a line of the short cells
    (ids, instants) followed by the prose cell, indented. Ids and instants never wrap."""
    prose_at = next((i for i, c in enumerate(columns) if c in PROSE), len(columns) - 1)
    if wide:
        grid = Table(title=rich.markup.escape(title), title_justify="left")
        for name in columns:
            if name in PROSE:
                grid.add_column(name, overflow="fold", ratio=PROSE[name], min_width=12)
            else:  # ids and instants never wrap
                grid.add_column(name, no_wrap=name not in ("article", "owed to", "quote"),
                                overflow="fold")
        for row, _record in rows:
            grid.add_row(*cells(*row))
        out.print(grid)
        return
    out.print(Text(title, style="bold"))
    for row, record in rows:
        out.print(Padding(Text(record), (0, 0, 0, 2), expand=False), soft_wrap=False)
        if row[prose_at]:
            out.print(Padding(Text(row[prose_at]), (0, 0, 0, 6), expand=False),
                      soft_wrap=False)


def _more(shown: int, total: int, what: str) -> None:
    if total > shown:
        out.print(f"… and {total - shown} more {what} (--limit N, or --format json)",
                  highlight=False)


def print_report(report: Report, limit: int, english: bool) -> None:
    """`check`'s table format: the summary line, then violations, obligations, rejections."""
    s = report.summary
    out.print(Text(f"{report.rule_set} as of {report.as_of.isoformat()} "
                   f"(since {report.since.isoformat()}): {s.events_read} events read, "
                   f"{s.events_applied} applied, {s.events_rejected} rejected",
                   style="bold"), soft_wrap=False)
    wide = out.width >= TABLE_WIDTH
    if report.violations:
        _print_violations(report, limit, english, wide)
    else:
        out.print("[green]No violations.[/green]")
    if report.obligations:
        _print_obligations(report, limit, wide)
    if report.rejected:
        _print_rejected(report, limit, wide)
    for warning in report.warnings:
        warn(warning)


def _print_violations(report: Report, limit: int, english: bool, wide: bool) -> None:
    columns = ["when", "rule", "kind", "actor", "site", "message", "article",
               *(["quote"] if out.width >= 160 else [])]
    rows = []
    for v in report.violations[:limit]:
        who = " · ".join(x for x in ((v.actor or "") + handed_mark(v, "owed_by"),
                                     v.site or "") if x)
        row = [v.when, v.rule_id, v.kind, (v.actor or "") + handed_mark(v, "owed_by"),
               v.site or "", v.message_en if english else v.message, cite(v.source),
               f"“{v.source.quote}”"][:len(columns)]
        rows.append((row, f"{v.when}  {v.rule_id} · {v.kind}  {who}  ({cite(v.source)})"))
    section(f"Violations ({len(report.violations)})", columns, rows, wide)
    _more(limit, len(report.violations), "violations")


def _print_obligations(report: Report, limit: int, wide: bool) -> None:
    pending = [o for o in report.obligations if o.status != "met"]
    shown = pending or report.obligations
    rows = []
    for o in shown[:limit]:
        owed_by = o.actor + handed_mark(o, "owed_by")
        owed_to = ", ".join(o.owed_to) + handed_mark(o, "owed_to")
        row = [o.due.isoformat(), o.rule_id, owed_by, owed_to, o.period or o.trigger or "",
               o.status, cite(o.source)]
        rows.append((row, f"{o.due.isoformat()}  {o.status}  {o.rule_id} "
                          f"({o.period or o.trigger or ''})  {owed_by} → {owed_to}"))
    by_status = ", ".join(f"{n} {k}" for k, n in report.summary.obligations_by_status.items())
    section(f"Obligations ({len(report.obligations)}: {by_status})"
            + (", those not met:" if pending else ""),
            ["due", "rule", "actor", "owed to", "period / trigger", "status", "article"],
            rows, wide)
    _more(limit, len(shown), "obligations")


def _print_rejected(report: Report, limit: int, wide: bool) -> None:
    lines = all(r.line is not None for r in report.rejected)
    rows = []
    for r in report.rejected[:limit]:
        where = f" ({r.partition}: {r.partition_index})" if r.partition is not None else ""
        at = f"{r.line if lines else r.index}{where}"
        rows.append(([at, r.id or "", r.reason],
                     f"{'line' if lines else 'index'} {at}  {r.id or '(no id)'}"))
    section(f"Rejected events ({len(report.rejected)})",
            ["line" if lines else "index", "id", "reason"], rows, wide)
    _more(limit, len(report.rejected), "rejected events")

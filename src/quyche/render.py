"""Tables for people: the output formats the analysts' commands share.

`diff` and `compare` both end in tables of values with their citations, which
must read the same in a terminal (rich), in the Markdown docs built by mkdocs,
and in one self-contained HTML page an analyst can mail around. This module
turns a list of `Table`s into each of those, escaping what each format needs
escaped (`|` and HTML in Markdown cells, everything in HTML), and knows how to
write a citation (`Điều 8 khoản 2 điểm a`) and a value in a few words.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from .htmlpage import page
from .report import Citation

__all__ = [
    "Table",
    "cite",
    "cite_quote",
    "count",
    "md_code",
    "md_text",
    "render_html",
    "render_markdown",
    "render_rich",
    "short",
]


@dataclass
class Table:
    """A titled table: a header row and rows of plain-text cells (newlines allowed)."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    intro: str = ""
    filters: list[str] = field(default_factory=list)  # columns an HTML page filters by


_ORDINALS = {1: "nhất", 2: "hai", 3: "ba", 4: "tư", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám",
             9: "chín", 10: "mười"}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 duty', '2 duties': a number with its noun agreeing, for messages and summaries."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def point_words(point: str) -> str:
    """`điểm a`, or for the n-th dash item of a clause (written "-2") `gạch đầu dòng thứ hai`."""
    if point.startswith("-") and point[1:].isdigit():
        n = int(point[1:])
        return f"gạch đầu dòng thứ {_ORDINALS.get(n, n)}"
    return f"điểm {point}"


def cite(source: Citation | Any | None) -> str:
    """`Điều 8 khoản 2 điểm a`; `QĐ Điều 2` for the decision's own articles; `annex`.

    Takes a report `Citation` or a rule-set `Source` (the same fields).
    """
    if source is None:
        return ""
    if source.article is None:
        parts = ["annex" if source.document == "annex" else f"{source.document} header"]
    else:
        parts = [("QĐ " if source.document == "decision" else "") + f"Điều {source.article}"]
    if source.clause:
        parts.append(f"khoản {source.clause}")
    if source.point:
        parts.append(point_words(source.point))
    return " ".join(parts)


def cite_quote(source: Citation | None, limit: int = 90) -> str:
    """The citation and its quote: `Điều 8 khoản 2: “<quote>”`, long quotes shortened."""
    if source is None:
        return ""
    quote = source.quote if len(source.quote) <= limit else source.quote[: limit - 1] + "…"
    return f"{cite(source)}: “{quote}”"


def short(value: Any, limit: int = 160) -> str:
    """A value in a few words: scalars as they are, lists joined, mappings as `k: v`."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        text = value
    elif isinstance(value, (int, float)):
        text = f"{value:g}" if isinstance(value, float) else str(value)
    elif isinstance(value, list):
        text = ", ".join(short(v, limit) for v in value) if value else "(none)"
        if any(isinstance(v, (dict, list)) for v in value):
            text = "; ".join(short(v, limit) for v in value)
    elif isinstance(value, dict):
        if set(value) == {"start", "end"} and all(isinstance(v, str) for v in value.values()):
            text = f"{value['start']}–{value['end']}"
        else:
            text = ", ".join(f"{k}: {short(v, limit)}" for k, v in value.items()
                             if v not in (None, [], {}))
            text = text or "(empty)"
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- Markdown


_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_BLOCK_START = re.compile(r"^(\s*)([#>+*=~`[-]|\d+(?=[.)]))")


def md_text(text: str, newline: str = " ", *, cell: bool = False) -> str:
    """Data as inert Markdown text: no HTML, no entity, no link, no table cell break, and
    (outside a table `cell`) no line of it starts a heading, quote, list, link definition
    or code block. Each line break becomes `newline` (a space for inline text, `<br>` in a
    table cell, a line break in a paragraph).
    """
    # Raw HTML and entities are live in Markdown: neutralise them, keep a plain "&" readable.
    escaped = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    # "[text](url)" is a link (javascript: included): break "](", keep plain brackets.
    escaped = escaped.replace("](", "]\\(").replace("|", "\\|")
    lines = [line.strip() for line in escaped.splitlines()]
    if not cell:
        lines = [_BLOCK_START.sub(_inert, line) for line in lines]
    keep_blank = newline == "\n"  # paragraphs stay paragraphs
    return newline.join(line for line in lines if line or keep_blank).strip()


def _inert(match: re.Match[str]) -> str:
    return match[2] + "\\" if match[2].isdigit() else "\\" + match[2]


def md_code(text: str) -> str:
    """Data as one inline code span, whatever backticks or line breaks it holds."""
    flat = " ".join(text.split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _md_cell(text: str) -> str:
    return md_text(text, "<br>", cell=True) or " "


def render_markdown(title: str, tables: Sequence[Table], intro: str = "") -> str:
    """A Markdown document: a title, an introduction, a section per table."""
    out = [f"# {md_text(title)}", ""]
    if intro:
        out += [md_text(intro, "\n"), ""]
    for table in tables:
        out += [f"## {md_text(table.title)}", ""]
        if table.intro:
            out += [md_text(table.intro, "\n"), ""]
        if not table.rows:
            out += ["(no differences)", ""]
            continue
        out.append("| " + " | ".join(_md_cell(c) for c in table.columns) + " |")
        out.append("|" + "|".join("---" for _ in table.columns) + "|")
        for row in table.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- HTML

_VERDICTS = "B vs A:stricter,looser,incomparable"


def _html_table(table: Table) -> str:
    """A plain table (readable with scripts off) that the page's script makes interactive."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join("<td>" + "<br>".join(html.escape(c).splitlines()) + "</td>"
                         for c in row) + "</tr>"
        for row in table.rows)
    attrs = {"data-grid": "table", "data-name": table.title,
             "data-filters": "|".join(table.filters), "data-classes": _VERDICTS}
    opening = " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items())
    return (f"<div {opening}><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def render_html(title: str, tables: Sequence[Table], intro: str = "", lang: str = "en") -> str:
    """One self-contained HTML page: every text escaped; tables sortable, filterable, CSV.

    `lang` is the language the page's own words are in (the quotes it cites stay Vietnamese).
    """
    out = [f"<h1>{html.escape(title)}</h1>"]
    if intro:
        out.append(f'<p class="intro">{html.escape(intro.strip())}</p>')
    for table in tables:
        out.append(f"<h2>{html.escape(table.title)}</h2>")
        if table.intro:
            out.append(f'<p class="intro">{html.escape(table.intro.strip())}</p>')
        out.append(_html_table(table) if table.rows else "<p>(no differences)</p>")
    return page(title, "\n".join(out), lang=lang)


# --------------------------------------------------------------------------- terminal


def render_rich(console: Console, title: str, tables: Sequence[Table], intro: str = "") -> None:
    """Print the tables to a rich console (no markup is read from the data)."""
    # Prose wraps at words to the console's width (also when piped); no markup is read.
    console.print(title, style="bold", markup=False, highlight=False, soft_wrap=False)
    if intro:
        console.print(intro, markup=False, highlight=False, soft_wrap=False)
    for table in tables:
        rich = RichTable(title=_plain(table.title), title_justify="left", show_lines=True)
        for name, longest in zip(table.columns, _longest_words(table), strict=True):
            # never cut a value short with an ellipsis, nor a word in two
            rich.add_column(_plain(name), overflow="fold", min_width=longest)
        for row in table.rows:
            rich.add_row(*[_plain(c) for c in row])
        if table.intro:
            console.print(table.intro, markup=False, highlight=False, soft_wrap=False)
        if table.rows and _fits(console, rich):
            console.print(rich)
        elif table.rows:
            _print_records(console, table)
        else:
            console.print(f"{table.title}: (no differences)", markup=False, highlight=False)


def _longest_words(table: Table) -> list[int]:
    """Per column, the width of its longest word (header included)."""
    from rich.cells import cell_len

    return [max((cell_len(word) for cell in (name, *(row[i] for row in table.rows))
                 for word in cell.split()), default=1)
            for i, name in enumerate(table.columns)]


def _fits(console: Console, table: RichTable) -> bool:
    """Whether the table, its columns no narrower than their longest words (so that no id
    or instant is split), fits the console's width: rendered once to find out."""
    import io

    from rich.cells import cell_len

    rendered = io.StringIO()
    Console(width=console.width, file=rendered, color_system=None).print(table, crop=False)
    return all(cell_len(line) <= console.width for line in rendered.getvalue().splitlines())


def _print_records(console: Console, table: Table) -> None:
    """A table too wide for the console, as records: the first cell on a line, then each
    other cell under its column's name, indented; words are never split."""
    from rich.padding import Padding

    console.print(_plain(table.title), style="bold")
    for row in table.rows:
        console.print(Padding(_plain(row[0]), (0, 0, 0, 2), expand=False), soft_wrap=False)
        for name, cell in zip(table.columns[1:], row[1:], strict=True):
            if cell:
                console.print(Padding(_plain(f"{name}: {cell}"), (0, 0, 0, 6), expand=False),
                              soft_wrap=False)


def _plain(text: str) -> Any:
    from rich.text import Text

    return Text(text)


def report_records(report: Any) -> list[dict[str, Any]]:
    """A report as the records of `quyche check --format jsonl`, in that order.

    Violations, obligations and rejected events, one record each; a record per warning;
    then the summary, which also names the rule set and the window.
    """
    records: list[dict[str, Any]] = []
    for record, items in (("violation", report.violations), ("obligation", report.obligations),
                          ("rejected", report.rejected)):
        records.extend({"record": record, **item.model_dump(mode="json")} for item in items)
    records.extend({"record": "warning", "message": w} for w in report.warnings)
    records.append({"record": "summary", "schema_version": report.schema_version,
                    "rule_set": report.rule_set,
                    "as_of": report.as_of.isoformat(), "since": report.since.isoformat(),
                    **report.summary.model_dump(mode="json")})
    return records

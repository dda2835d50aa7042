"""The choices and options several commands share, and the metavars help shows for them."""

from __future__ import annotations

import inspect
import typing
from enum import Enum

import typer
import typer.core
import typer.models

from .help import PlainCommand

__all__ = ["ACTORS", "AS_OF_HELP", "FAIL_ON", "INTERPRETATION", "LIMIT", "SITES",
           "SUCCESSIONS", "AnalystFormat", "Engine", "ExplainFormat", "FailOn", "ListFormat",
           "ReportFormat", "ScheduleFormat", "TestFormat", "name_metavars"]


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


class ListFormat(str, Enum):
    table = "table"
    json = "json"


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


class TestFormat(str, Enum):
    table = "table"
    json = "json"


# Options several commands take, declared once (typer reads each declaration as it is).
FAIL_ON = typer.Option(FailOn.never, "--fail-on",
                       help="exit 1 on violations, or on violations or rejected events")
INTERPRETATION = typer.Option(None, "--interpretation", "-i",
                              help="override a reading: ID=VALUE")
LIMIT = typer.Option(40, min=0, help="rows per table (table format)")
SITES = typer.Option(None, help="site registry, YAML or JSON list ('-' for stdin)")
ACTORS = typer.Option(None, help="actor groups, YAML or JSON mapping ('-' for stdin)")
SUCCESSIONS = typer.Option(
    None, help="your own successions (who took over a body's functions), YAML or JSON list")

AS_OF_HELP = ("evaluate as of this instant (ISO 8601 with an offset), or a date YYYY-MM-DD: "
              "the end of that local day (24:00); default: now")

#: Metavars by parameter name where the type alone says too little.
METAVARS = {"as_of": "INSTANT", "since": "INSTANT", "start": "DATE", "end": "DATE",
            "interpretation": "ID=VALUE", "only": "ID", "actor": "ACTOR", "year": "YEAR"}


def name_metavars(app: typer.Typer) -> None:
    """Give every option and argument a metavar a reader knows (RULES, FILE, N, [a|b]).

    Typer would show the Python type instead (`<str>`, `<list[str]>`, `{rules}`).
    """
    for command in app.registered_commands:
        if command.cls in (None, typer.core.TyperCommand):
            command.cls = PlainCommand
        if command.callback is None:
            continue
        hints = typing.get_type_hints(command.callback)
        for name, param in inspect.signature(command.callback).parameters.items():
            info = param.default
            if isinstance(info, typer.models.ParameterInfo) and info.metavar is None:
                info.metavar = _metavar(name, info, hints.get(name))


def _metavar(name: str, info: typer.models.ParameterInfo, kind: object) -> str:
    hint = str(kind)
    if name in METAVARS:
        return METAVARS[name]
    if isinstance(info, typer.models.ArgumentInfo):
        return name.upper()  # `...` added for a list (_Argument)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "[" + "|".join(choice.value for choice in kind) + "]"
    if kind is bool:
        return ""  # a flag takes no value
    if "Path" in hint:
        return "FILE"
    if "int" in hint or "float" in hint:
        return "N"
    return name.upper()

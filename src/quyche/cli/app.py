"""The typer application every command registers on, and its global options."""

from __future__ import annotations

import os
import shutil

import typer

from . import terminal
from .help import PlainGroup

__all__ = ["app"]

app = typer.Typer(
    name="quyche",
    cls=PlainGroup,
    help="Vietnamese provincial regulations on public electronic information, as code.",
    no_args_is_help=True,
    add_completion=True,  # quyche --install-completion / --show-completion SHELL
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        terminal.out.print(f"quyche {version('quyche')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _setup(
    _show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="print the version and exit"),
) -> None:
    """Vietnamese provincial regulations on public electronic information, as code."""
    # Piped output (a log, a file): the terminal's width if there is one, else 100 columns.
    out = terminal.out
    piped = not out.is_terminal and not os.environ.get("COLUMNS")
    width = shutil.get_terminal_size((100, 24)).columns if piped else None
    out.width = width  # type: ignore[assignment]  # None: measure again

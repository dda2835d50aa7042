"""The `quyche` command line: the library's operations for a terminal or a script.

Exit status: 0 when the command did its job, 1 when `--fail-on violations`
found some (or `validate` found problems), 2 when the input is unusable (an
unreadable file, an unknown rule set, a bad argument) — always with a one-line
message, never a traceback.

The commands live by what users do with them: `rule_sets` (list, validate, schema,
example), `logs` (check, merge, test), `analysts` (diff, compare, schedule, explain),
`serve`; `terminal` is how they print, `inputs` how they read, `options` what they share.
"""

from __future__ import annotations

import sys

import rich.markup

from ..errors import QuycheError
from . import analysts, logs, rule_sets, serve, terminal
from .app import app
from .options import name_metavars

__all__ = ["app", "main"]

# The commands register on `app` as their modules are imported; `--help` lists them in
# the order a user meets them.
_MODULES = (rule_sets, logs, analysts, serve)
_ORDER = ("list", "validate", "schema", "example", "check", "merge", "diff", "compare",
          "schedule", "explain", "serve", "test")
app.registered_commands.sort(key=lambda command: _ORDER.index(
    command.name or getattr(command.callback, "__name__", "")))
name_metavars(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except QuycheError as exc:  # a library error that escaped a command: still no traceback
        terminal.err.print(f"[red]error:[/red] {rich.markup.escape(str(exc))}", highlight=False)
        sys.exit(2)

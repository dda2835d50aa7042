"""Every error a user of quyche can cause, in one hierarchy.

    QuycheError
    ├── RuleSetError          a rule-set file cannot be read or is invalid (all problems)
    │   └── RuleSetNotFound   no bundled rule set or file by that name
    ├── InterpretationError   an override names an unknown interpretation or gives a bad value
    ├── EventError            an event file that is not events at all (one bad event is
    │                         rejected by evaluate(), never raised)
    ├── CalendarError         a date outside what the working-day calendar can answer
    ├── EvaluationError       bad arguments to evaluate() (as_of without offset, ...)
    │   ├── BackendUnavailable  the durable_rules backend is asked for, not installed
    │   └── RegistryError       a site or actor registry that cannot be used (names the item)
    ├── MergeError            two reports that were not produced under the same inputs
    ├── ExampleError          no bundled example by that name, or it cannot be written
    └── ScenarioError         a scenario file that cannot be run (file:line:column)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BackendUnavailable",
    "CalendarError",
    "EvaluationError",
    "EventError",
    "ExampleError",
    "InterpretationError",
    "MergeError",
    "Problem",
    "QuycheError",
    "RegistryError",
    "RuleSetError",
    "RuleSetNotFound",
    "ScenarioError",
    "validation_message",
]


class QuycheError(Exception):
    """Base class of every error quyche raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule-set file, located as precisely as the YAML allows."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        path = f" {self.path}:" if self.path else ""
        return f"{where}:{path} {self.message}"


class RuleSetError(QuycheError):
    """A rule-set file could not be loaded; `problems` lists everything found, not the first."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(file="", line=None, column=None, path="", message=problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class RuleSetNotFound(RuleSetError):
    """Neither a bundled rule set nor a readable file goes by the name given."""


class InterpretationError(QuycheError):
    """An interpretation override that the rule set cannot accept."""


class EventError(QuycheError):
    """An event source that cannot be read as events: not JSON lines, mostly unreadable.

    A single bad event is not an error: evaluate() lists it under `report.rejected`.
    """


class CalendarError(QuycheError):
    """A working-day question the calendar cannot answer."""


class EvaluationError(QuycheError):
    """Arguments to evaluate() or schedule() that cannot be used."""


class BackendUnavailable(EvaluationError):
    """An optional engine backend whose dependency is not installed."""


class MergeError(QuycheError):
    """Reports that cannot be merged because they were made under different inputs."""


class ExampleError(QuycheError):
    """An example log that is not bundled, or that cannot be written where asked."""


class RegistryError(EvaluationError):
    """A registry that cannot be used; `path` locates the value in the registry's data
    (`[2].operator`, `so_x[0]`), so that a reader of a file can name its line."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class ScenarioError(QuycheError):
    """A scenario file that cannot be run; `problems` locates each by file:line:column."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def validation_message(err: Mapping[str, Any]) -> str:
    """One pydantic error in plain words: a validator's own text, without the "Value
    error, " pydantic puts before it (every message a user reads goes through here)."""
    error = (err.get("ctx") or {}).get("error")
    if err.get("type") in ("value_error", "assertion_error") and error is not None:
        return str(error)
    return str(err["msg"])

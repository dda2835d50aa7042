"""What `quyche.explain` returns: a rule in words, cited, with what it rests on.

The result models of `explain` (an `Explanation` and its parts), apart from the
code that builds them so that callers and the HTTP API can name them alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from ..output import Output, SchemaVersion
from ..report import Citation

__all__ = ["ExampleDue", "Explanation", "InterpretationUse", "PolicyUse", "RuleKind",
           "SuccessionUse"]

RuleKind = Literal["obligation", "broadcast_rule", "constraint", "language_policy", "outline"]


class InterpretationUse(Output):
    """A reading of open text the rule relies on, and how to choose another."""

    id: str
    path: str
    value: Any
    question: str
    reading: str
    alternatives: list[Any] = []
    source: Citation | None = None
    overridden: bool = Field(False, description="the caller chose another reading")
    text_value: Any = Field(None, description="the rule set's own reading, when overridden")
    override_cli: str = Field(..., description="the command line that reads it otherwise")
    override_python: str = Field(..., description="the Python call that reads it otherwise")


class PolicyUse(Output):
    """A deadline policy of the rule set that shapes this rule's due dates."""

    name: str
    value: Any
    basis: str
    why: str
    source: Citation | None = None


class ExampleDue(Output):
    """One worked due date: the next period due after a day, or a trigger on that day."""

    text: dict[str, str]
    period: str | None = None
    trigger_at: dt.datetime | None = None
    due: dt.datetime
    last_day: dt.date
    exceptions: dict[str, dt.datetime] = Field({}, description="due under each exception")


class SuccessionUse(Output):
    """A succession that changes, from a date, who owes or is owed this duty."""

    id: str
    change: str
    role: Literal["owed_by", "owed_to"]
    predecessor: str
    successor: str | None
    effective: dt.date
    functions: list[str] = []
    asserted_by: Literal["data", "reading", "caller", "none"]
    interpretation: str | None = None
    candidates: list[str] = []
    territory: str | None = None
    basis: str
    note: str | None = None
    text: str = Field(..., description="the succession in a sentence")


class Explanation(Output):
    """What `quyche.explain(rule_set, rule_id)` returns."""

    schema_version: SchemaVersion = 1

    rule_set: str
    rule_id: str
    kind: RuleKind
    path: str
    title: dict[str, str]
    text: dict[str, str] = Field(..., description="the rule in words: vi and en")
    source: Citation
    sources: list[Citation] = []
    interpretations: list[InterpretationUse] = []
    policies: list[PolicyUse] = []
    example: ExampleDue | None = None
    notes: list[str] = []
    successions: list[SuccessionUse] = Field(
        [], description="who carries the duty after the bodies it names were reorganised")

"""The JSON outputs' version and their JSON Schemas (`quyche schema report`, schema/*.json).

Every JSON output carries `schema_version`, an integer: it grows when an output changes in a
way a reader must know (a field removed, renamed or retyped, a meaning changed); a field
added leaves it as it is, so readers ignore fields they do not know (docs/contract.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["OUTPUTS", "SCHEMA_VERSION", "RuleSetList", "RuleSetSummary", "SchemaVersion",
           "output_schema"]

from .output import SCHEMA_VERSION, SchemaVersion

#: The outputs `quyche schema NAME` describes, with what each is.
OUTPUTS = {
    "rule-sets": "`list --format json` and `validate --format json`",
    "report": "the report of `check --format json`, `merge` and `quyche.evaluate`",
    "partial": "the evaluation state of `check --state-out` and `Partial.to_json`",
    "diff": "`diff --format json`, `quyche.diff`",
    "compare": "`compare --format json`, `quyche.compare`",
    "schedule": "`schedule --format json`",
    "explain": "`explain --format json`, `quyche.explain`",
}


class PartialRuleSet(BaseModel):
    id: str
    digest: str = Field(..., description="sha256 of the rule set after overrides")
    interpretations: dict[str, Any] = Field({}, description="the readings overridden")


class PartialLatest(BaseModel):
    at: str | None
    start: str | None


class PartialFile(BaseModel):
    """The JSON of a `quyche.Partial` (docs/partials.md): its envelope is described here;
    its `ledger` is quyche's own record of what the events showed, read only by `merge`."""

    model_config = ConfigDict(title="Partial")

    schema_version: SchemaVersion = 1
    format: Literal["quyche.partial"]
    version: Literal[1] = Field(..., description="the partial's format version (the same "
                                "number as schema_version, which it predates)")
    rule_set: PartialRuleSet
    since: str = Field(..., description="the window's start, ISO 8601 with an offset")
    sites: list[dict[str, Any]]
    actors: dict[str, list[str]]
    as_of: str | None = Field(..., description="null: open, given at merge time")
    latest: PartialLatest
    partition: str | None = Field(..., description="where the events came from (a file)")
    ledger: dict[str, Any] = Field(..., description="internal: read by merge only; its "
                                   "content changes with `version`")
    successions: list[dict[str, Any]] = Field([], description="the caller's successions")


class ProblemOut(BaseModel):
    file: str
    line: int | None
    column: int | None
    path: str = Field(..., description="where in the rule set, e.g. obligations[2].deadline")
    message: str


class RuleSetSummary(BaseModel):
    """One rule set as `list` and `validate` describe it: its instrument, or its problems."""

    name: str = Field(..., description="as given: a bundled id or a file")
    ok: bool
    problems: list[ProblemOut] = Field([], description="when not ok: every problem found")
    id: str | None = None
    province: str | None = None
    instrument: str | None = Field(None, description="the instrument's number, if the text "
                                   "gives it")
    in_force: dt.date | None = None
    status: str | None = None
    rules: int | None = Field(None, description="obligations, broadcast rules, constraints "
                              "and language policies")
    obligations: int | None = None
    broadcast_rules: int | None = None
    constraints: int | None = None
    interpretations: int | None = None


class RuleSetList(BaseModel):
    """What `quyche list --format json` and `quyche validate --format json` write."""

    model_config = ConfigDict(title="RuleSets")

    schema_version: SchemaVersion = 1
    rule_sets: list[RuleSetSummary]


def _models() -> dict[str, Any]:
    from .analysis.compare import Comparison
    from .analysis.diff import Diff
    from .analysis.explanation import Explanation
    from .analysis.schedule import Schedule
    from .report import Report

    return {"rule-sets": RuleSetList, "report": Report, "partial": PartialFile, "diff": Diff,
            "compare": Comparison, "schedule": Schedule, "explain": Explanation}


def output_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one JSON output, as quyche writes it."""
    from .model.jsonschema import schema_of

    return schema_of(_models()[name], name, f"quyche {name}", mode="serialization")

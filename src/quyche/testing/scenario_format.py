"""The scenario file format: what a scenario says (rule set, window, events, expectations),
read and checked with file:line for every problem. `scenarios` runs what this reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from .._load import MAX_DATA_BYTES, read_yaml, validation_problems
from ..errors import Problem, ScenarioError
from ..model.jsonschema import schema_of
from ..report import ObligationStatus, Violation

__all__ = [
    "ITEM_FIELDS",
    "Absent",
    "Counts",
    "Expect",
    "Rejected",
    "Scenario",
    "ScenarioFile",
    "load_scenario",
    "scenario_schema",
]

#: Fields a report item has, which is what an expected item may name.
ITEM_FIELDS = {
    "obligations": frozenset(ObligationStatus.model_fields),
    "violations": frozenset(Violation.model_fields),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Absent(_Strict):
    """Findings none of which may appear (same matching as `expect`)."""

    obligations: list[dict[str, Any]] = []
    violations: list[dict[str, Any]] = []


class Counts(_Strict):
    """Exact numbers of findings, by rule id."""

    obligations: dict[str, int] = {}
    violations: dict[str, int] = {}


class Rejected(_Strict):
    """An event that must be refused: its index in `events`, and text its reason contains."""

    index: int = Field(..., ge=0)
    reason: str = ""


class Expect(_Strict):
    """What the report must show. A key not given is not checked."""

    obligations: list[dict[str, Any]] = Field(
        [], description="each must match at least one obligation on every key given")
    violations: list[dict[str, Any]] = Field(
        [], description="each must match at least one violation on every key given")
    absent: Absent = Absent()
    counts: Counts = Counts()
    rejected: list[Rejected] = Field(
        [], description="events refused; without it, no event may be refused")
    warnings: list[str] = Field([], description="each text must appear in some warning")


class ScenarioFile(_Strict):
    """One scenario file (YAML): events in, the findings the text requires out."""

    name: str = Field(..., min_length=1)
    article: str = Field(..., min_length=1,
                         description="what the scenario exercises, as the text numbers it")
    rule_set: str = Field(..., min_length=1,
                          description="a bundled rule-set id, or a YAML file relative to "
                          "the scenario")
    as_of: dt.datetime | str
    since: dt.datetime | str | None = None
    sites: list[dict[str, Any]] | None = None
    actors: dict[str, list[str]] | None = None
    interpretations: dict[str, Any] | None = None
    successions: list[dict[str, Any]] | None = Field(
        None, description="the caller's own successions (as in the rule set)")
    events: list[Any] = []
    expect: Expect = Expect()
    note: str | None = None

    @field_validator("events", "expect", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any, info: ValidationInfo) -> Any:
        """`events:` or `expect:` written with nothing after it means none."""
        if value is None:
            return [] if info.field_name == "events" else {}
        return value


def scenario_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a scenario file, for editors (yaml-language-server)."""
    return schema_of(ScenarioFile, "scenario", "quyche scenario")


@dataclass
class Scenario:
    """A scenario read from a file, with where each expectation is written (for messages)."""

    path: Path
    spec: ScenarioFile
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int | None:
        return self.lines.get(key)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; malformed files raise `ScenarioError` with file:line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), None, None, "", f"cannot read: {exc}")]) from None
    # a scenario carries events, so it is bounded as data files are, not as rule sets
    data, marks, problems = read_yaml(text, str(path), MAX_DATA_BYTES, None)
    if problems:
        raise ScenarioError(problems)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), 1, 1, "", "a scenario is a mapping (name:, "
                                     "article:, rule_set:, as_of:, events:, expect:)")])
    try:
        spec = ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(validation_problems(exc, data, marks, str(path))) from None
    lines = {key: line for key, (line, _col) in marks.items()}
    unknown = []
    for section, items in (("expect.obligations", spec.expect.obligations),
                           ("expect.violations", spec.expect.violations),
                           ("expect.absent.obligations", spec.expect.absent.obligations),
                           ("expect.absent.violations", spec.expect.absent.violations)):
        allowed = ITEM_FIELDS[section.rsplit(".", 1)[1]]
        for i, item in enumerate(items):
            for key in item:
                if key not in allowed:
                    where = marks.get(f"{section}[{i}].{key}") or marks.get(f"{section}[{i}]")
                    line, col = where or (None, None)
                    unknown.append(Problem(
                        str(path), line, col, f"{section}[{i}].{key}",
                        f"unknown field {key!r}; report {section.rsplit('.', 1)[1]} have: "
                        f"{', '.join(sorted(allowed))}"))
    if unknown:
        raise ScenarioError(unknown)
    return Scenario(path=path, spec=spec, lines=lines)

"""Deadline semantics as data, each choice with its legal basis."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from .base import Model, Source, json_value

__all__ = ["Policies", "Policy"]


class Policy(Model):
    """A choice of deadline semantics, with its legal basis."""

    value: Any
    basis: str
    source: Source | None = None

    @field_validator("value")
    @classmethod
    def _json(cls, value: Any) -> Any:
        return json_value(value)


class Policies(Model):
    """Deadline semantics of the contract (docs/contract.md), as data: each with its basis."""

    before_date: Policy = Field(
        ..., description="'trước ngày D': exclusive (by the end of D-1) or inclusive (end of D)"
    )
    roll_forward_periods: Policy = Field(
        ..., description="a period ending on a non-working day ends on the next working day"
    )
    roll_forward_fixed_dates: Policy = Field(
        ..., description="whether a fixed due date on a non-working day moves"
    )
    roll_forward_retention: Policy | None = Field(
        None, description="whether a retention period (kept N days, months or years) whose "
        "last day is a weekend or holiday runs to the end of the next working day; required "
        "when the rule set has a backup_retention constraint"
    )

    @model_validator(mode="after")
    def _values(self) -> Policies:
        if self.before_date.value not in ("exclusive", "inclusive"):
            raise ValueError("before_date.value must be 'exclusive' or 'inclusive'")
        for name in ("roll_forward_periods", "roll_forward_fixed_dates", "roll_forward_retention"):
            policy = getattr(self, name)
            if policy is not None and not isinstance(policy.value, bool):
                raise ValueError(f"{name}.value must be true or false")
        return self

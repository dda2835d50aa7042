"""The legal instrument: the decision, its regulation, what it replaces, its defects,
its scope, and the provisions listed for coverage."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from .base import CitedValue, Id, Model, Source, Text

__all__ = ["Defect", "Instrument", "Provision", "Replaced", "Scope"]


class Replaced(Model):
    """An instrument this one repeals or replaces."""

    number: str
    date: dt.date | None = None
    title: str | None = None
    source: Source


class Defect(Model):
    """A defect of the text itself, recorded rather than silently fixed."""

    id: Id
    note: str
    sources: list[Source] = Field(..., min_length=1)


class Instrument(Model):
    """The legal instrument: the decision and the regulation attached to it."""

    kind: str = Field(..., description="e.g. Quyết định")
    number: CitedValue
    issuer: Id
    title: Text
    signed: CitedValue
    in_force: CitedValue
    status: Literal["in_force", "draft", "repealed", "unknown"]
    status_note: str | None = None
    replaces: list[Replaced] = []
    defects: list[Defect] = []

    @field_validator("signed", "in_force")
    @classmethod
    def _dates(cls, value: CitedValue) -> CitedValue:
        if value.value is not None and not isinstance(value.value, dt.date):
            try:
                day = dt.date.fromisoformat(str(value.value))
            except ValueError:
                raise ValueError(f"expected a date YYYY-MM-DD, got {value.value!r}") from None
            return value.model_copy(update={"value": day})
        return value

    def date_of(self, name: Literal["signed", "in_force"]) -> dt.date | None:
        value = getattr(self, name).value
        if value is None or isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value))


class Scope(Model):
    """What the regulation covers, in a sentence, with its source."""

    summary: Text
    source: Source


class Provision(Model):
    """An article or clause listed for coverage: what it says and why it is not checked."""

    status: Literal["not_evaluable", "informative", "encoded_elsewhere"]
    reason: str
    source: Source

"""Duties: who owes what to whom, when it falls due, what raises and what discharges it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from .. import conditions
from ..vocabulary import EVENT_TYPES, PERIOD_MONTHS, Lang, PeriodUnit
from .base import Id, Model, Source, Text
from .parties import EVENT_ACTOR

__all__ = [
    "Deadline",
    "DeadlineException",
    "Discharge",
    "Duration",
    "Obligation",
    "Recurrence",
    "Trigger",
]


def _valid_condition(value: dict[str, Any]) -> dict[str, Any]:
    conditions.validate(value)
    return value


#: A Mongo-style condition on an event's fields (`where`, `when`), checked on load.
Condition = Annotated[dict[str, Any], AfterValidator(_valid_condition)]


class Duration(Model):
    """A length of time: exactly one of hours, days, working days, months, years."""

    hours: int | None = Field(None, ge=1)
    days: int | None = Field(None, ge=1)
    working_days: int | None = Field(None, ge=1)
    months: int | None = Field(None, ge=1)
    years: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _exactly_one(self) -> Duration:
        given = [k for k, v in self.__dict__.items() if v is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of hours, days, working_days, months, years; got "
                + (", ".join(given) or "none")
            )
        return self

    @property
    def unit(self) -> str:
        """The unit given: hours, days, working_days, months or years."""
        return next(k for k, v in self.__dict__.items() if v is not None)

    @property
    def amount(self) -> int:
        return int(getattr(self, self.unit))

    def describe(self, lang: Lang) -> str:
        """The length in words: '5 năm', '5 years'."""
        words = _UNIT_WORDS[self.unit]
        return f"{self.amount} {words[0] if lang == 'vi' else words[1]}"


_UNIT_WORDS = {"hours": ("giờ", "hours"), "days": ("ngày", "days"),
               "working_days": ("ngày làm việc", "working days"),
               "months": ("tháng", "months"), "years": ("năm", "years")}


class Deadline(Model):
    """How long a triggered duty has: N hours, N days, N working days, or the same day."""

    hours: int | None = Field(None, ge=1)
    days: int | None = Field(None, ge=1)
    working_days: int | None = Field(None, ge=1)
    same_day: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Deadline:
        given = [k for k, v in self.__dict__.items() if v not in (None, False)]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of hours, days, working_days, same_day: true; got "
                + (", ".join(given) or "none")
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k, v in self.__dict__.items() if v not in (None, False))

    @property
    def amount(self) -> int:
        value = getattr(self, self.kind)
        return 0 if value is True else int(value)


class Recurrence(Model):
    """When a recurring duty falls due in each period.

    `month` is the month within the period (1-based; 3 is the last month of a
    quarter), `day` the day of that month; either left out means the last one.
    `relation` says how the text puts the date: `on` ("định kỳ ngày 15") and `by`
    are due at the end of that day; `before` ("trước ngày 15/12") follows the rule
    set's `before_date` policy.
    """

    every: PeriodUnit
    interval: int = Field(1, ge=1, description="every N units (years: sơ kết 03 năm/lần)")
    anchor: Literal["calendar", "in_force"] = Field(
        "calendar", description="periods start on 1 January, or on the in-force date"
    )
    month: int | None = Field(None, ge=1, le=12)
    day: int | None = Field(None, ge=1, le=31)
    relation: Literal["on", "by", "before"] = "on"
    periods: list[int] | None = Field(
        None, description="only these periods of the year (quarters 1-4, halves 1-2)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Recurrence:
        months_in = PERIOD_MONTHS[self.every]
        if self.month is not None and self.month > months_in * self.interval:
            raise ValueError(f"month {self.month} is past the end of a {self.every} period")
        if self.interval > 1 and self.every != "year":
            raise ValueError("interval > 1 is only supported for yearly periods")
        if self.anchor == "in_force" and (self.month is not None or self.day is not None):
            raise ValueError("a period anchored on the in-force date is due at its end")
        if self.periods is not None:
            count = {"quarter": 4, "half_year": 2}.get(self.every)
            if count is None:
                raise ValueError("periods only applies to quarter and half_year")
            bad = [p for p in self.periods if not 1 <= p <= count]
            if bad:
                raise ValueError(f"periods {bad} out of range 1..{count}")
        return self


class Trigger(Model):
    """The event that raises a triggered duty, with an optional condition on its fields."""

    event: str
    where: Condition = Field({}, description="a Mongo-style condition on the event")

    @field_validator("event")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in EVENT_TYPES:
            raise ValueError(f"unknown event type {value!r}; expected one of {list(EVENT_TYPES)}")
        return value


class DeadlineException(Model):
    """A different deadline when the trigger matches a condition (e.g. urgent documents)."""

    id: Id
    when: Condition
    deadline: Deadline
    source: Source


class Discharge(Model):
    """What fulfils a duty.

    match: `oldest_open` (a submission without period discharges the oldest open
    period that has begun), `within_period` (the event must fall inside the period,
    e.g. a monthly backup), `ref` (the event names the trigger in `ref_field`).
    """

    event: str
    kind: str | None = Field(None, description="submission kind, for submission events")
    match: Literal["oldest_open", "within_period", "ref"] = "oldest_open"
    ref_field: Literal["ref", "incident", "feedback"] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Discharge:
        if self.event not in EVENT_TYPES:
            raise ValueError(f"unknown event type {self.event!r}")
        if self.event == "submission" and not self.kind:
            raise ValueError("a submission discharge needs the submission kind")
        if self.match == "ref" and not self.ref_field:
            raise ValueError("match: ref needs ref_field (ref, incident or feedback)")
        return self


class Obligation(Model):
    """A duty: who owes what to whom, by when, what discharges it, and where it is written."""

    id: Id
    title: Text
    owed_by: list[str] = Field(
        ...,
        min_length=1,
        description="actor, group or role ids; 'event.actor' for whoever the trigger names",
    )
    owed_to: list[Id] = []
    site_kinds: list[str] | None = Field(
        None, description="for the operator role (owing or owed): only operators of sites "
        "of these kinds"
    )
    function: str | None = Field(None, description="the function, for successions")
    data_period: Literal["calendar", "reporting"] = Field(
        "calendar", description="what a yearly period covers: the calendar year, or the "
        "rule set's reporting.period (e.g. 15/12 of the year before to 14/12)"
    )
    recurrence: Recurrence | None = None
    trigger: Trigger | None = None
    deadline: Deadline | None = None
    exceptions: list[DeadlineException] = []
    discharged_by: Discharge
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    source: Source
    sources: list[Source] = []
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Obligation:
        if (self.recurrence is None) == (self.trigger is None):
            raise ValueError("an obligation has either a recurrence or a trigger, not both")
        if self.trigger is not None and self.deadline is None:
            raise ValueError("a triggered obligation needs a deadline")
        if self.recurrence is not None and (self.deadline or self.exceptions):
            raise ValueError("a recurring obligation takes its due date from the recurrence")
        if self.recurrence is not None and EVENT_ACTOR in self.owed_by:
            raise ValueError(f"{EVENT_ACTOR!r} only makes sense for a triggered obligation")
        if self.discharged_by.match == "ref" and self.trigger is None:
            raise ValueError("match: ref needs a triggered obligation")
        if self.trigger is not None and self.trigger.event == "request" and self.owed_to:
            raise ValueError("a duty raised by a request is owed to whoever asked (the "
                             "request's actor): leave owed_to empty")
        return self

    @property
    def triggered(self) -> bool:
        return self.trigger is not None

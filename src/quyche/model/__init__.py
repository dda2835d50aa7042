"""The rule-set schema: what a province's regulation looks like as data.

Every model is frozen and rejects unknown keys, so a typo in YAML is an error at
load time rather than a rule that silently never fires. Every value that comes
from a regulation carries a `Source` (article, clause, point, verbatim quote).
Values the text leaves open are ordinary fields whose reading is declared in
`interpretations` (by path) so a caller can override them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from .. import conditions
from ..vocabulary import EVENT_TYPES, PERIOD_MONTHS, PeriodUnit

__all__ = [
    "Actor",
    "AttributionConstraint",
    "BackupRetentionConstraint",
    "BroadcastPolicy",
    "BroadcastRule",
    "Category",
    "CategoryConstraint",
    "CitedValue",
    "Constraint",
    "DailyUpdateConstraint",
    "DayPart",
    "Deadline",
    "DeadlineException",
    "Defect",
    "Discharge",
    "Duration",
    "Instrument",
    "Interpretation",
    "LanguageGroup",
    "LanguagePolicy",
    "Languages",
    "MonthDay",
    "Obligation",
    "Outline",
    "OutlineSection",
    "Policies",
    "Policy",
    "ProhibitedContentConstraint",
    "Provision",
    "Recurrence",
    "Replaced",
    "Reporting",
    "ReportingPeriod",
    "RuleSet",
    "Scope",
    "Site",
    "SiteKind",
    "Source",
    "SubmissionKind",
    "Succession",
    "Text",
    "TimeOfDay",
    "TimeWindow",
    "Trigger",
]

ROLES = ("operator",)
#: The token an obligation uses for "whoever the triggering event names as its actor".
EVENT_ACTOR = "event.actor"

_ID = r"^[a-z][a-z0-9_]*$"
Id = Annotated[str, Field(pattern=_ID, description="a lower-case snake_case identifier")]


class Model(BaseModel):
    """Base of every rule-set model: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- citations


class Source(Model):
    """Where a value comes from: article, clause, point and a short verbatim quote."""

    document: Literal["decision", "regulation", "annex"] = Field(
        "regulation",
        description="decision: the articles of the Quyết định itself; regulation: the "
        "attached Quy chế; annex: an attached form such as the Đề cương báo cáo",
    )
    article: int | None = Field(
        ..., ge=1, description="Điều; null only for an annex without articles"
    )
    clause: int | None = Field(None, ge=1, description="khoản, as printed")
    point: str | None = Field(None, description="điểm (a, b, c, d, đ, ...) or a dash item")
    quote: str = Field(..., min_length=3, description="short verbatim quote from the text")
    note: str | None = None


class Text(Model):
    """A short text in Vietnamese with its English rendering."""

    vi: str = Field(..., min_length=1)
    en: str = Field(..., min_length=1)


class CitedValue(Model):
    """A single value with its source, or null with a note saying why the text has none."""

    value: Any = None
    source: Source | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _value_needs_source(self) -> CitedValue:
        if self.value is not None and self.source is None:
            raise ValueError("a value needs its source (article, clause, quote)")
        if self.value is None and not self.note:
            raise ValueError("a null value needs a note saying why the text gives none")
        return self


# --------------------------------------------------------------------------- times


_TIME_RE = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def _parse_time_of_day(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        # PyYAML's YAML 1.1 reads 13:30 as the base-60 integer 810.
        raise ValueError(
            f"got the number {value}: write a time of day as a quoted string 'HH:MM' "
            "(YAML 1.1 reads an unquoted 13:30 as the base-60 number 810)"
        )
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise ValueError(f"expected a time of day 'HH:MM' (00:00 to 24:00), got {value!r}")
    if value.startswith("24") and value != "24:00":
        raise ValueError(f"no time of day after 24:00, got {value!r}")
    return value


TimeOfDay = Annotated[str, Field(pattern=r"^([01]\d|2[0-4]):[0-5]\d$")]


def minutes_of(time_of_day: str) -> int:
    """Minutes after local midnight of an 'HH:MM' string ('24:00' is 1440)."""
    hours, minutes = time_of_day.split(":")
    return int(hours) * 60 + int(minutes)


class TimeWindow(Model):
    """A span of local clock time within one day, [start, end)."""

    start: TimeOfDay
    end: TimeOfDay

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time(cls, value: Any) -> str:
        return _parse_time_of_day(value)

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if minutes_of(self.start) >= minutes_of(self.end):
            raise ValueError(f"window start {self.start} must be before its end {self.end}")
        return self

    @property
    def minutes(self) -> tuple[int, int]:
        return minutes_of(self.start), minutes_of(self.end)


class MonthDay(Model):
    """A day of the year without a year, e.g. 15/12."""

    month: int = Field(..., ge=1, le=12)
    day: int = Field(..., ge=1, le=31)


# --------------------------------------------------------------------------- instrument


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


# --------------------------------------------------------------------------- actors and sites


class Actor(Model):
    """A body the text names, a group of bodies, or a role filled per site."""

    id: Id
    kind: Literal["body", "group", "role"] = "body"
    name: str = Field(..., description="the name as the text writes it")
    name_en: str | None = None
    member_of: list[Id] = Field([], description="groups this body belongs to")
    source: Source | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _roles_known(self) -> Actor:
        if self.kind == "role" and self.id not in ROLES:
            raise ValueError(f"unknown role {self.id!r}; the engine knows roles {list(ROLES)}")
        if self.kind != "body" and self.member_of:
            raise ValueError("only a body can be a member of a group")
        return self


class Succession(Model):
    """A dated change of institution: from `effective`, `successor` carries `functions`.

    A successor the sources do not give is either null (the duty stays with the text's
    body, flagged) or a reading: an interpretation whose path is
    `successions.<id>.successor`, with the other likely bodies as its alternatives.
    """

    id: Id
    change: Literal["reorganised", "abolished", "province_merged"] = Field(
        "reorganised", description="reorganised: merged into or split between other bodies; "
        "abolished: the body (or a level of government) no longer exists; province_merged: "
        "the province was merged, the instrument keeps applying to its former territory")
    predecessor: Id = Field(..., description="a body, or a group: then each of its members")
    successor: Id | None = Field(
        ..., description="null when the sources do not say who took the function over"
    )
    effective: dt.date
    functions: list[Id] = Field([], description="the obligations' `function`s it covers; "
                                "empty means every function")
    territory: str | None = Field(
        None, description="for province_merged: the former territory the instrument keeps "
        "applying to until replaced")
    basis: str = Field(..., description="the legal basis of the change, as text")
    source: Source | None = Field(None, description="where this rule set's own text shows it")
    note: str | None = None

    @model_validator(mode="after")
    def _territory(self) -> Succession:
        if self.change == "province_merged" and not self.territory:
            raise ValueError("a province_merged succession names the former territory "
                             "(territory) the instrument keeps applying to")
        if self.successor is not None and self.successor == self.predecessor:
            raise ValueError("the successor is the predecessor itself")
        return self


class SiteKind(Model):
    """A kind of installation: border_gate, public_board, portal."""

    id: Literal["border_gate", "public_board", "portal"]
    name: str
    source: Source


class Site(Model):
    """An installation the text itself names (callers pass their own registry too)."""

    id: Id
    kind: str
    name: str
    operator: Id | None = None
    source: Source
    note: str | None = None


# --------------------------------------------------------------------------- content


class Category(Model):
    """A content category the text lists (or prohibits)."""

    id: Id
    name: str
    prohibited: bool = False
    site_kinds: list[str] | None = Field(
        None, description="site kinds where it may be shown; null means every kind"
    )
    priority_for: list[str] = Field([], description="site kinds that must give it priority")
    source: Source


class LanguageGroup(Model):
    """A named group of ISO 639 codes, e.g. the ethnic-minority languages."""

    id: Id
    name: str
    codes: list[str] = Field(..., min_length=1)
    source: Source
    note: str | None = None


class LanguagePolicy(Model):
    """Languages allowed on a kind of site: codes, bilingual 'vi+en', or group ids."""

    id: Id
    site_kinds: list[str] = Field(..., min_length=1)
    allowed: list[str] = Field(..., min_length=1)
    mode: Literal["limit", "plan"] = Field(
        "limit",
        description="limit: other languages are a violation; plan: the list describes "
        "what is produced and nothing else is checked",
    )
    bilingual: Literal["listed", "of_allowed"] = Field(
        "listed",
        description="listed: a bilingual product is allowed when its pair is listed; "
        "of_allowed: also any pair of languages the policies allow alone",
    )
    source: Source
    note: str | None = None


class Languages(Model):
    groups: list[LanguageGroup] = []
    policies: list[LanguagePolicy] = []
    silent_note: str | None = Field(
        None, description="where the text says nothing about languages for some site kind"
    )


# --------------------------------------------------------------------------- broadcast


class DayPart(Model):
    """A part of the day (morning, afternoon) with a minimum of broadcast hours inside it."""

    id: Id
    window: TimeWindow
    min_hours: float = Field(..., gt=0, le=24)


class BroadcastRule(Model):
    """Broadcast duty of a kind of site on a kind of day."""

    id: Id
    title: Text
    site_kinds: list[str] = Field(..., min_length=1)
    sites: list[Id] | None = Field(None, description="only these named sites; null means all")
    day_kinds: list[Literal["working_day", "weekend", "holiday"]] = Field(..., min_length=1)
    min_hours: float | None = Field(None, gt=0, le=24)
    max_hours: float | None = Field(None, gt=0, le=24)
    parts: list[DayPart] = []
    required_windows: list[TimeWindow] = Field(
        [], description="windows the site must be broadcasting throughout"
    )
    tolerance_minutes: int = Field(
        0, ge=0, description="uncovered minutes tolerated inside a required window"
    )
    must_broadcast: bool = Field(
        True, description="a registered site with no broadcast at all that day is a violation"
    )
    owed_by: str | None = Field(
        None, description="who answers for the day's broadcasting, named as the actor of its "
        "findings: a body, or the operator role (the site's operator); null where the text "
        "names no one"
    )
    source: Source
    sources: list[Source] = []


class Note(Model):
    """A provision recorded with its source: what it says, and what the engine does with it."""

    note: str
    source: Source


class BroadcastPolicy(Model):
    rules: list[BroadcastRule] = []
    emergency_override: Note | None = Field(
        None, description="present when the text lets authorities set time and duration"
    )
    advertising: Note | None = None
    uncounted_categories: list[Id] = Field(
        [], description="content categories whose segments do not count towards the hours, "
        "parts and windows of the broadcast rules (e.g. advertising, when the minimum is of "
        "propaganda)"
    )
    swapped_weekend_days: Literal["working_day", "weekend"] = Field(
        "working_day",
        description="how a Saturday or Sunday made a working day by a swap counts for the "
        "broadcast rules: as the working day it legally is, or as the weekend day it is named",
    )


# --------------------------------------------------------------------------- obligations


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
    where: dict[str, Any] = Field({}, description="a Mongo-style condition on the event")

    @field_validator("event")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in EVENT_TYPES:
            raise ValueError(f"unknown event type {value!r}; expected one of {list(EVENT_TYPES)}")
        return value

    @field_validator("where")
    @classmethod
    def _condition(cls, value: dict[str, Any]) -> dict[str, Any]:
        conditions.validate(value)
        return value


class DeadlineException(Model):
    """A different deadline when the trigger matches a condition (e.g. urgent documents)."""

    id: Id
    when: dict[str, Any]
    deadline: Deadline
    source: Source

    @field_validator("when")
    @classmethod
    def _condition(cls, value: dict[str, Any]) -> dict[str, Any]:
        conditions.validate(value)
        return value


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


# --------------------------------------------------------------------------- constraints


class _ConstraintBase(Model):
    id: Id
    title: Text
    site_kinds: list[str] | None = Field(None, description="null means every site kind")
    source: Source
    sources: list[Source] = []
    note: str | None = None


class AttributionConstraint(_ConstraintBase):
    """Quoted content must name author, source, time and link."""

    kind: Literal["attribution"]
    required: list[Literal["author", "source", "published_at", "link"]] = Field(
        ..., min_length=1
    )


class ProhibitedContentConstraint(_ConstraintBase):
    """Content of a prohibited category (state secrets) must not be published."""

    kind: Literal["prohibited_content"]
    categories: list[Id] = Field(..., min_length=1)


class CategoryConstraint(_ConstraintBase):
    """Content must belong to a category allowed on the site's kind."""

    kind: Literal["category_allowed"]


class BackupRetentionConstraint(_ConstraintBase):
    """Backups must be kept at least this long."""

    kind: Literal["backup_retention"]
    retention: Duration


class DailyUpdateConstraint(_ConstraintBase):
    """Each site of the given kinds gets new content (a `content_published`) on each day of
    the given kinds; a registered site with none that day is a finding."""

    kind: Literal["daily_update"]
    day_kinds: list[Literal["working_day", "weekend", "holiday"]] = Field(
        ..., description="the kinds of day an update is owed on; empty: none (not checked)")
    owed_by: str | None = Field(
        None, description="who answers for the updates, named as the actor of its findings: a "
        "body, or the operator role (the site's operator)")


Constraint = Annotated[
    AttributionConstraint
    | ProhibitedContentConstraint
    | CategoryConstraint
    | BackupRetentionConstraint
    | DailyUpdateConstraint,
    Field(discriminator="kind"),
]


# --------------------------------------------------------------------------- reporting


class SubmissionKind(Model):
    """A kind of thing delivered (the `kind` of a submission event)."""

    id: Id
    name: Text
    source: Source | None = None


class ReportingPeriod(Model):
    """The data period of the annual report, e.g. 15/12 of the year before to 14/12."""

    start: MonthDay
    end: MonthDay
    start_in_previous_year: bool = True
    source: Source


class OutlineSection(Model):
    number: str
    title: str
    items: list[str] = []


class Outline(Model):
    """The outline (Đề cương báo cáo) a periodic report must follow."""

    id: Id = Field("report_outline", description="the rule id of findings about the outline")
    title: str
    applies_to: list[Id] = Field(..., min_length=1, description="submission kinds")
    required: bool = Field(
        False, description="a submission of these kinds that lists its headings (`outline`) "
        "and leaves out a section is a finding; false: the outline is recorded, not checked")
    sections: list[OutlineSection] = Field(..., min_length=1)
    source: Source


class Reporting(Model):
    period: ReportingPeriod | None = None
    outline: Outline | None = None
    ad_hoc: Note | None = Field(None, description="reports on request of competent bodies")


# --------------------------------------------------------------------------- policies


class Policy(Model):
    """A choice of deadline semantics, with its legal basis."""

    value: Any
    basis: str
    source: Source | None = None

    @field_validator("value")
    @classmethod
    def _json(cls, value: Any) -> Any:
        return _json_value(value)


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


def _json_value(value: Any, depth: int = 0) -> Any:
    """A free-form value as JSON can hold it, since reports, explain and every output
    format write it: a date becomes its ISO text; bytes, sets and other objects are refused."""
    if depth > 32:
        raise ValueError("a value nested more than 32 levels deep")
    if value is None or isinstance(value, (bool, str, float)):
        return value
    if isinstance(value, int):
        if abs(value) >= 2**63:
            raise ValueError("an integer of more than 63 bits")
        return value
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("a mapping whose keys are not all strings")
        return {k: _json_value(v, depth + 1) for k, v in value.items()}
    raise ValueError(f"a value of type {type(value).__name__}, which JSON cannot hold")


class Interpretation(Model):
    """A reading of an open text, pinned to the field it sets; callers may override it."""

    id: Id
    path: str = Field(..., description="dotted path of the value, list items by id")
    value: Any
    question: str
    reading: str
    alternatives: list[Any] = []
    source: Source | None = None

    @field_validator("value", "alternatives")
    @classmethod
    def _json(cls, value: Any) -> Any:
        return _json_value(value)

    #: The rule set's own value when a caller overrode this reading (`override`); unset
    #: otherwise. Private: not part of the schema, never written back to YAML.
    _text_value: Any = PrivateAttr(default=None)
    _overridden: bool = PrivateAttr(default=False)

    @property
    def overridden(self) -> bool:
        return self._overridden

    @property
    def text_value(self) -> Any:
        """The value of the rule set's own reading (the current one unless overridden)."""
        return self._text_value if self._overridden else self.value


class Provision(Model):
    """An article or clause listed for coverage: what it says and why it is not checked."""

    status: Literal["not_evaluable", "informative", "encoded_elsewhere"]
    reason: str
    source: Source


# --------------------------------------------------------------------------- the rule set


class RuleSet(Model):
    """One province's regulation as data."""

    schema_version: Literal[1] = 1
    id: Id
    name: str
    province: str
    subject: Literal["information_cluster", "portal"]
    instrument: Instrument
    scope: Scope
    site_kinds: list[SiteKind] = Field(..., min_length=1)
    sites: list[Site] = []
    actors: list[Actor] = Field(..., min_length=1)
    successions: list[Succession] = []
    categories: list[Category] = []
    languages: Languages = Languages()
    broadcast: BroadcastPolicy = BroadcastPolicy()
    submission_kinds: list[SubmissionKind] = []
    obligations: list[Obligation] = []
    constraints: list[Constraint] = []
    reporting: Reporting = Reporting()
    policies: Policies
    interpretations: list[Interpretation] = []
    coverage: list[Provision] = []

    # Lookups the engine uses; computed once, not part of the data.
    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    def obligation(self, rule_id: str) -> Obligation | None:
        return next((o for o in self.obligations if o.id == rule_id), None)

    def rule_ids(self) -> list[str]:
        """Every id a user can name in `explain`: obligations, broadcast rules, constraints."""
        return (
            [o.id for o in self.obligations]
            + [r.id for r in self.broadcast.rules]
            + [c.id for c in self.constraints]
            + [p.id for p in self.languages.policies]
            + ([self.reporting.outline.id] if self.reporting.outline else [])
        )

"""The event vocabulary (docs/contract.md, version 0) as pydantic models.

Events arrive from other systems as dicts or JSON lines. Each is validated
against its type's model; an instant without a UTC offset is refused (a local
time is ambiguous to a reader in another zone). Validation problems become a
one-line reason naming the field, e.g. `"end: field required"` or
`"start: datetime has no UTC offset"`; the engine files them under
`report.rejected` and goes on.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    TypeAdapter,
    ValidationError,
)

from .registry import check_id

__all__ = [
    "BASE_SUBMISSION_KINDS",
    "REFERABLE",
    "REFERENCE_FIELDS",
    "ActivityEnded",
    "Attribution",
    "Backup",
    "BackupDeleted",
    "Broadcast",
    "ContentPublished",
    "DocumentPublished",
    "DocumentReceived",
    "DocumentSigned",
    "Emergency",
    "Event",
    "FeedbackForwarded",
    "FeedbackReceived",
    "Incident",
    "IncidentReported",
    "IncidentResolved",
    "InfoProvided",
    "InvalidEvent",
    "Request",
    "Submission",
    "When",
    "line_problem",
    "parse_instant",
    "read_jsonl",
    "read_jsonl_numbered",
    "reason_of",
    "validate_event",
]

#: Submission kinds of the base vocabulary; a rule set may add its own.
BASE_SUBMISSION_KINDS = (
    "media_product",
    "content_package",
    "operator_report",
    "summary_report",
    "review_report",
    "foreign_info_plan",
    "budget_estimate",
    "maintenance_plan",
)


#: Events that name another event, and the field that names it (by its id).
REFERENCE_FIELDS = {
    "incident_reported": "incident",
    "incident_resolved": "incident",
    "info_provided": "ref",
    "document_published": "ref",
    "feedback_forwarded": "feedback",
}
#: Event types another event may name: their ids are kept, so that a name that matches no
#: event of the stream is reported whatever the rule set.
REFERABLE = ("incident", "activity_ended", "document_signed", "document_received",
             "feedback_received", "request")


class InvalidEvent:
    """Input that is not even an event (a line of bad JSON); evaluate() rejects it as is."""

    __slots__ = ("id", "reason")

    def __init__(self, reason: str, id: str | None = None) -> None:
        self.reason = reason
        self.id = id


#: What an API argument that names a moment may be: an aware datetime, an ISO 8601 string
#: with an offset, or a date (a whole local day: `as_of` its end, `since` its start).
When = dt.datetime | dt.date | str


def parse_instant(value: Any) -> dt.datetime:
    """An aware datetime from an ISO 8601 string or datetime; refuses naive times."""
    if isinstance(value, dt.datetime):
        instant = value
    elif isinstance(value, str):
        try:
            instant = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not an ISO 8601 datetime: {value!r}") from None
    else:
        raise ValueError(f"expected an ISO 8601 datetime string, got {type(value).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("datetime has no UTC offset")
    return instant


Instant = Annotated[dt.datetime, BeforeValidator(parse_instant)]
Ref = Annotated[str, Field(min_length=1)]
#: A site, actor or recipient: names something of a registry or rule set, so it has their form.
Key = Annotated[str, AfterValidator(check_id)]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(None, min_length=1)
    meta: dict[str, Any] | None = Field(None, description="free-form data, never read")


class Broadcast(_Event):
    """A played segment; hours are summed per site per local day, overlaps counted once."""

    type: Literal["broadcast"]
    site: Key
    start: Instant
    end: Instant
    category: str | None = None
    language: str | None = None


class Emergency(_Event):
    """Authorities set time and duration: broadcast-hour checks do not apply inside."""

    type: Literal["emergency"]
    start: Instant
    end: Instant
    sites: list[str] | None = None


class Submission(_Event):
    """Something delivered: a media product, a report, a plan, a budget estimate."""

    type: Literal["submission"]
    actor: Key
    kind: Key
    at: Instant
    to: Key | None = None
    period: str | None = None
    outline: list[str] | None = Field(
        None, description="the headings the report follows, checked against the rule set's "
        "required outline for its kind (absent: not checked)")


class Backup(_Event):
    type: Literal["backup"]
    at: Instant
    site: Key | None = None
    actor: str | None = None


class BackupDeleted(_Event):
    type: Literal["backup_deleted"]
    at: Instant
    backup: Ref


class Incident(_Event):
    """A fault or information-security incident; `actor` (an extension) is who detected it."""

    type: Literal["incident"]
    at: Instant
    site: Key
    category: Literal["technical", "security", "power"]
    actor: str | None = None


class IncidentReported(_Event):
    type: Literal["incident_reported"]
    at: Instant
    incident: Ref
    actor: Key
    to: Key


class IncidentResolved(_Event):
    """The incident was fixed (remedied, repaired): it discharges the duty to resolve it."""

    type: Literal["incident_resolved"]
    at: Instant
    incident: Ref
    actor: Key


class Request(_Event):
    """A body (`actor`) asks another (`to`) for an ad-hoc report or for information.

    `due` is the request's own deadline, where it sets one; otherwise the rule set's.
    """

    type: Literal["request"]
    at: Instant
    actor: Key
    to: Key
    kind: Literal["report", "information"]
    due: Instant | None = None


class FeedbackReceived(_Event):
    type: Literal["feedback_received"]
    at: Instant
    actor: Key
    feedback: str | None = None
    to: Key | None = None


class FeedbackForwarded(_Event):
    type: Literal["feedback_forwarded"]
    at: Instant
    actor: Key
    feedback: str | None = None
    to: Key | None = None


class ActivityEnded(_Event):
    type: Literal["activity_ended"]
    at: Instant
    actor: Key


class DocumentSigned(_Event):
    type: Literal["document_signed"]
    at: Instant
    actor: Key


class InfoProvided(_Event):
    type: Literal["info_provided"]
    at: Instant
    actor: Key
    ref: Ref


class DocumentReceived(_Event):
    type: Literal["document_received"]
    at: Instant
    doc_class: Literal[
        "legal_normative", "administrative", "planning", "investment", "science_technology",
        "other",
    ]
    urgent: StrictBool = False


class DocumentPublished(_Event):
    type: Literal["document_published"]
    at: Instant
    ref: Ref


class Attribution(BaseModel):
    """Who and where quoted content comes from (all fields optional: absence is the finding)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    author: str | None = None
    source: str | None = None
    published_at: Instant | None = None
    link: str | None = None


class ContentPublished(_Event):
    type: Literal["content_published"]
    at: Instant
    site: Key | None = None
    category: str | None = None
    language: str | None = None
    quoted_from: Attribution | None = None
    state_secret: StrictBool | None = None


Event = Annotated[
    Broadcast
    | Emergency
    | Submission
    | Backup
    | BackupDeleted
    | Incident
    | IncidentReported
    | IncidentResolved
    | Request
    | FeedbackReceived
    | FeedbackForwarded
    | ActivityEnded
    | DocumentSigned
    | InfoProvided
    | DocumentReceived
    | DocumentPublished
    | ContentPublished,
    Field(discriminator="type"),
]

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Event)


def reason_of(exc: ValidationError) -> str:
    """One line naming the field(s) and what is wrong, for report.rejected."""
    parts = []
    for err in exc.errors(include_url=False):
        loc = [str(x) for x in err["loc"]]
        if loc and err["type"] != "union_tag_invalid":
            loc = loc[1:]  # drop the discriminator tag pydantic puts first
        field = ".".join(loc) or "event"
        if err["type"] == "missing":
            message = "field required"
        elif err["type"] == "extra_forbidden":
            message = "unknown field (free-form data goes under 'meta')"
        elif err["type"] == "union_tag_not_found":
            field, message = "type", "field required"
        elif err["type"] == "union_tag_invalid":
            field = "type"
            message = f"unknown event type {err['ctx']['tag']!r}; expected one of " + ", ".join(
                err["ctx"]["expected_tags"].replace("'", "").split(", ")
            )
        elif err["type"] == "value_error":
            message = str(err["ctx"]["error"])
        else:
            message = err["msg"]
        parts.append(f"{field}: {message}")
    return "; ".join(parts)


def validate_event(raw: Any) -> Any:
    """The event model for `raw` (a dict or an event model); raises ValidationError."""
    if isinstance(raw, BaseModel):
        if isinstance(raw, _Event):
            return raw
        raise TypeError(f"an event is a JSON object or an event model, got a "
                        f"{type(raw).__name__} model")
    if not isinstance(raw, dict):
        raise TypeError(f"an event is a JSON object, got {type(raw).__name__}")
    return _ADAPTER.validate_python(raw)


def read_jsonl(lines: Iterable[bytes | str]) -> Iterator[Any]:
    """Events from JSON lines, one at a time; a bad line becomes an InvalidEvent, not an error.

    Blank lines are skipped (they carry no event); every other line yields exactly one item.
    """
    # map() in C, not a generator around the numbered one: this is the hot path of a log.
    return map(_second, read_jsonl_numbered(lines))


_second = operator.itemgetter(1)


def read_jsonl_numbered(lines: Iterable[bytes | str]) -> Iterator[tuple[int, Any]]:
    """`read_jsonl`, each item with the 1-based number of its line."""
    loads, error = orjson.loads, orjson.JSONDecodeError
    for number, line in enumerate(lines, 1):
        try:
            value = loads(line)
        except error as exc:
            value = exc
        if type(value) is not dict:
            problem = line_problem(number, line, value)
            if problem is not None:
                yield number, problem
            continue
        yield number, value


def line_problem(number: int, line: bytes | str, value: Any) -> InvalidEvent | None:
    """Why a line that did not parse to a JSON object (`value`: what orjson gave or raised)
    is no event; None for a blank line, which carries none."""
    if isinstance(value, orjson.JSONDecodeError):
        if not line.strip():
            return None
        return InvalidEvent(f"line {number}, column {value.colno}: invalid JSON: {value.msg}")
    return InvalidEvent(f"line {number}: expected a JSON object, got {type(value).__name__}")

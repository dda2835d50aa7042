"""Typed event records: the events as msgspec decodes them at the input edge.

One record class per event type, with the names and fields of the pydantic models of
`quyche.events` (`tests/test_event_schemas.py` keeps the two in step, field for field):
real aware datetimes, unknown keys refused, fields that name a site, actor, kind or
recipient checked for the form of an id. `quyche.decoding` decodes lines and dicts into
them, with the models' rejection reasons.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

import msgspec

from . import events as _models
from .events import parse_instant, validate_event
from .registry import check_id

__all__ = [
    "RECORD_CLASSES",
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
    "EventRecord",
    "FeedbackForwarded",
    "FeedbackReceived",
    "Incident",
    "IncidentReported",
    "IncidentResolved",
    "InfoProvided",
    "Record",
    "Request",
    "Submission",
]

#: An instant: msgspec's RFC 3339 parser, offsets required (a naive time goes the slow way).
_Instant = Annotated[dt.datetime, msgspec.Meta(tz=True)]
_NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]

#: Ids already checked against the id rule (sites, actors, kinds repeat all through a log).
_CHECKED_IDS: set[str] = set()


def _check_ids(record: Any) -> None:
    for name in record.id_fields:
        value = getattr(record, name)
        if value is not None and value not in _CHECKED_IDS:
            check_id(value)  # ValueError: msgspec refuses the record, the slow path says why
            if len(_CHECKED_IDS) >= 65_536:
                _CHECKED_IDS.clear()
            _CHECKED_IDS.add(value)


class Record(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False,
             tag_field="type"):
    """An event decoded at the edge; `type` and the fields read as on the pydantic model."""

    type: ClassVar[str]
    #: Fields that name a site, actor, kind or recipient: they must have the form of an id.
    id_fields: ClassVar[tuple[str, ...]] = ()

    id: _NonEmpty | None = None
    #: Free-form data, never read: UNSET when the event has no `meta` key (an event with one
    #: is decoded the slow way, so that its values are orjson's, as before).
    meta: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET

    def model_dump(self) -> dict[str, Any]:
        """What the pydantic model's `model_dump()` gives: every field, nested ones as dicts."""
        out = {name: getattr(self, name) for name in _DUMP_ORDER[type(self)]}
        out["type"] = self.type
        if out["meta"] is msgspec.UNSET:
            out["meta"] = None
        quoted = out.get("quoted_from")
        if quoted is not None:
            out["quoted_from"] = {n: getattr(quoted, n) for n in quoted.__struct_fields__}
        return out

    def to_model(self) -> Any:
        """The pydantic event model of this record (validated again: for callers, not hot)."""
        return validate_event(self.model_dump())


class _Named(Record, frozen=True):
    """A record with fields that name a site, actor, kind or recipient (`id_fields`)."""

    def __post_init__(self) -> None:
        _check_ids(self)  # after decoding; a bad id sends the item the slow way


class Broadcast(Record, tag="broadcast", frozen=True):
    """A played segment. Its instants are kept as their text (`start_text`, `end_text`):
    the intake reads a batch of them at once as epoch seconds, and refuses a segment whose
    text the models refuse, with their reason (`segment_refusal`); `start`/`end` give them
    as datetimes, as the model does.

    `site` is not checked for the id form here: as before, a segment naming a site that is
    not registered is refused for that (by the engine), whatever the site's spelling.
    """

    type: ClassVar[str] = "broadcast"
    site: _NonEmpty
    start_text: str = msgspec.field(name="start")
    end_text: str = msgspec.field(name="end")
    category: str | None = None
    language: str | None = None

    @property
    def start(self) -> dt.datetime:
        return parse_instant(self.start_text)

    @property
    def end(self) -> dt.datetime:
        return parse_instant(self.end_text)


class Emergency(Record, tag="emergency", frozen=True):
    type: ClassVar[str] = "emergency"
    start: _Instant
    end: _Instant
    sites: list[str] | None = None


class Submission(_Named, tag="submission", frozen=True):
    type: ClassVar[str] = "submission"
    id_fields: ClassVar[tuple[str, ...]] = ("actor", "kind", "to")
    actor: str
    kind: str
    at: _Instant
    to: str | None = None
    period: str | None = None
    outline: list[str] | None = None


class Backup(_Named, tag="backup", frozen=True):
    type: ClassVar[str] = "backup"
    id_fields: ClassVar[tuple[str, ...]] = ("site",)
    at: _Instant
    site: str | None = None
    actor: str | None = None


class BackupDeleted(Record, tag="backup_deleted", frozen=True):
    type: ClassVar[str] = "backup_deleted"
    at: _Instant
    backup: _NonEmpty


class Incident(_Named, tag="incident", frozen=True):
    type: ClassVar[str] = "incident"
    id_fields: ClassVar[tuple[str, ...]] = ("site",)
    at: _Instant
    site: str
    category: Literal["technical", "security", "power"]
    actor: str | None = None


class IncidentReported(_Named, tag="incident_reported", frozen=True):
    type: ClassVar[str] = "incident_reported"
    id_fields: ClassVar[tuple[str, ...]] = ("actor", "to")
    at: _Instant
    incident: _NonEmpty
    actor: str
    to: str


class IncidentResolved(_Named, tag="incident_resolved", frozen=True):
    type: ClassVar[str] = "incident_resolved"
    id_fields: ClassVar[tuple[str, ...]] = ("actor",)
    at: _Instant
    incident: _NonEmpty
    actor: str


class Request(_Named, tag="request", frozen=True):
    type: ClassVar[str] = "request"
    id_fields: ClassVar[tuple[str, ...]] = ("actor", "to")
    at: _Instant
    actor: str
    to: str
    kind: Literal["report", "information"]
    due: _Instant | None = None


class FeedbackReceived(_Named, tag="feedback_received", frozen=True):
    type: ClassVar[str] = "feedback_received"
    id_fields: ClassVar[tuple[str, ...]] = ("actor", "to")
    at: _Instant
    actor: str
    feedback: str | None = None
    to: str | None = None


class FeedbackForwarded(_Named, tag="feedback_forwarded", frozen=True):
    type: ClassVar[str] = "feedback_forwarded"
    id_fields: ClassVar[tuple[str, ...]] = ("actor", "to")
    at: _Instant
    actor: str
    feedback: str | None = None
    to: str | None = None


class ActivityEnded(_Named, tag="activity_ended", frozen=True):
    type: ClassVar[str] = "activity_ended"
    id_fields: ClassVar[tuple[str, ...]] = ("actor",)
    at: _Instant
    actor: str


class DocumentSigned(_Named, tag="document_signed", frozen=True):
    type: ClassVar[str] = "document_signed"
    id_fields: ClassVar[tuple[str, ...]] = ("actor",)
    at: _Instant
    actor: str


class InfoProvided(_Named, tag="info_provided", frozen=True):
    type: ClassVar[str] = "info_provided"
    id_fields: ClassVar[tuple[str, ...]] = ("actor",)
    at: _Instant
    actor: str
    ref: _NonEmpty


class DocumentReceived(Record, tag="document_received", frozen=True):
    type: ClassVar[str] = "document_received"
    at: _Instant
    doc_class: Literal["legal_normative", "administrative", "planning", "investment",
                       "science_technology", "other"]
    urgent: bool = False


class DocumentPublished(Record, tag="document_published", frozen=True):
    type: ClassVar[str] = "document_published"
    at: _Instant
    ref: _NonEmpty


class Attribution(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    author: str | None = None
    source: str | None = None
    published_at: _Instant | None = None
    link: str | None = None


class ContentPublished(_Named, tag="content_published", frozen=True):
    type: ClassVar[str] = "content_published"
    id_fields: ClassVar[tuple[str, ...]] = ("site",)
    at: _Instant
    site: str | None = None
    category: str | None = None
    language: str | None = None
    quoted_from: Attribution | None = None
    state_secret: bool | None = None


EventRecord = (Broadcast | Emergency | Submission | Backup | BackupDeleted | Incident
               | IncidentReported | IncidentResolved | Request | FeedbackReceived
               | FeedbackForwarded | ActivityEnded | DocumentSigned | InfoProvided
               | DocumentReceived | DocumentPublished | ContentPublished)

#: event type -> its record class
RECORD_CLASSES: dict[str, type[Record]] = {cls.type: cls for cls in EventRecord.__args__}
#: Field order of each record's pydantic model (model_dump keeps it), `type` included.
_DUMP_ORDER: dict[type, tuple[str, ...]] = {
    cls: tuple(getattr(_models, cls.__name__).model_fields) for cls in RECORD_CLASSES.values()}
#: The classes `decode_event` passes through as they are, checked by identity first.

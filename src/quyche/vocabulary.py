"""The words the contract fixes once: event types, kinds of day, period units.

Every module that needs one of these lists imports it from here, so a new event type or
period unit is one entry (plus its intake and its model), not a hunt through the code.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["DAY_KINDS", "DAY_KIND_NAMES", "EVENT_TYPES", "PERIOD_MONTHS", "DayKind", "Lang",
           "PeriodUnit"]

#: The event vocabulary of the contract (docs/contract.md); the engine reads each of these.
EVENT_TYPES: tuple[str, ...] = (
    "broadcast",
    "emergency",
    "submission",
    "backup",
    "backup_deleted",
    "incident",
    "incident_reported",
    "incident_resolved",
    "request",
    "feedback_received",
    "feedback_forwarded",
    "activity_ended",
    "document_signed",
    "info_provided",
    "document_received",
    "document_published",
    "content_published",
)

#: How the working-day calendar classifies a local day.
DayKind = Literal["working_day", "weekend", "holiday"]
DAY_KINDS: tuple[DayKind, ...] = get_args(DayKind)
#: Each kind of day in words, (Vietnamese, English), as explanations print them.
DAY_KIND_NAMES: dict[str, tuple[str, str]] = {
    "working_day": ("ngày làm việc", "working days"),
    "weekend": ("ngày nghỉ cuối tuần", "weekends"),
    "holiday": ("ngày lễ, nghỉ bù", "public holidays"),
}

#: The languages every explanation is written in.
Lang = Literal["vi", "en"]

#: The units a recurring duty counts in, and how many months each spans.
PeriodUnit = Literal["month", "quarter", "half_year", "year"]
PERIOD_MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}

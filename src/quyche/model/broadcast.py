"""Broadcast duties of sites: times of day, windows, parts of the day, rules, the policy."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ..vocabulary import DAY_KIND_NAMES, DayKind, Lang
from .base import Id, Model, Note, Source, Text

__all__ = ["BroadcastPolicy", "BroadcastRule", "DayPart", "TimeWindow", "minutes_of"]

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
    day_kinds: list[DayKind] = Field(..., min_length=1)
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

    def describe(self, lang: Lang) -> str:
        """The rule in words of `lang`: where and when it applies, the hours and windows."""
        vi = lang == "vi"
        days = ", ".join(DAY_KIND_NAMES[d][0 if vi else 1] for d in self.day_kinds)
        kinds = ", ".join(self.site_kinds) + (f" ({', '.join(self.sites)})" if self.sites else "")
        lines = [f"{self.title.vi if vi else self.title.en}."]
        lines.append(f"Áp dụng: điểm loại {kinds}; vào {days}."
                     if vi else f"Applies to sites of kind {kinds}, on {days}.")
        if self.min_hours is not None:
            lines.append(f"Tối thiểu {self.min_hours:g} giờ/ngày." if vi else
                         f"At least {self.min_hours:g} hours a day.")
        if self.max_hours is not None:
            lines.append(f"Tối đa {self.max_hours:g} giờ/ngày." if vi else
                         f"At most {self.max_hours:g} hours a day.")
        for part in self.parts:
            w = part.window
            lines.append(f"Khung {part.id} ({w.start}–{w.end}): tối thiểu {part.min_hours:g} "
                         "giờ." if vi else f"Part {part.id} ({w.start}–{w.end}): at least "
                         f"{part.min_hours:g} hours.")
        if self.required_windows:
            spans = ", ".join(f"{w.start}–{w.end}" for w in self.required_windows)
            lines.append(f"Phát liên tục trong các khung giờ {spans}." if vi else
                         f"Broadcasting throughout {spans}.")
            if self.tolerance_minutes:
                lines.append(f"Cho phép thiếu {self.tolerance_minutes} phút." if vi else
                             f"{self.tolerance_minutes} uncovered minutes tolerated.")
        if self.must_broadcast:
            lines.append("Một điểm đã đăng ký không phát cả ngày là vi phạm." if vi else
                         "A registered site silent all day breaks the rule.")
        return " ".join(lines)


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

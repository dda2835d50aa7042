"""Instants as the engine counts them: epoch seconds, local days, and argument instants.

Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975, so day arithmetic
on epoch seconds is exact for every date the calendar covers: a local day is
`(seconds + OFFSET) // DAY`. The common shape of an event's instant
('YYYY-MM-DDTHH:MM:SS+HH:MM') is read from cached parts (`epoch_seconds`), which is what
keeps a million-event stream off `datetime.fromisoformat`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from ..errors import EvaluationError
from ..events import parse_instant
from .deadlines import LOCAL, end_of_day

__all__ = [
    "DAY",
    "EPOCH_ORDINAL",
    "OFFSET",
    "date_of_day",
    "day_of",
    "day_start",
    "epoch_seconds",
    "instant_arg",
    "local",
]

#: Seconds local time is ahead of UTC (the offset of every date the calendar covers).
_UTC_OFFSET = LOCAL.utcoffset(dt.datetime(2000, 1, 1))
assert _UTC_OFFSET is not None
OFFSET = int(_UTC_OFFSET.total_seconds())
DAY = 86400
#: The proleptic ordinal of 1970-01-01: local day n is `date.fromordinal(n + EPOCH_ORDINAL)`.
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

_DATE_SECONDS: dict[str, int] = {}
_TIME_SECONDS: dict[str, int] = {}
_OFFSET_SECONDS: dict[str, int] = {}
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])")  # ASCII digits only
_ZONE = re.compile(r"([+-])([01][0-9]|2[0-3]):([0-5][0-9])")


def day_of(seconds: float) -> int:
    """The local day (days since 1970-01-01, local time) of an epoch-second instant."""
    return int((seconds + OFFSET) // DAY)


def day_start(day: int) -> int:
    """The epoch seconds at which local day `day` begins."""
    return day * DAY - OFFSET


def date_of_day(day: int) -> dt.date:
    return dt.date.fromordinal(day + EPOCH_ORDINAL)


def local(ts: float) -> dt.datetime:
    """An epoch-second instant as a local datetime, the way reports write instants."""
    return dt.datetime.fromtimestamp(ts, LOCAL)


def epoch_seconds(text: str) -> int | None:
    """Epoch seconds of 'YYYY-MM-DDTHH:MM:SS+HH:MM', from cached parts; None for other shapes.

    The common shape of an instant is read as three dictionary lookups (day, clock time,
    offset), each part validated the first time it is seen. Any other shape (fractions,
    'Z', a missing offset) returns None and is read by `events.parse_instant` instead
    (`decoding.epoch_seconds` does both, and caches whole texts).
    """
    if len(text) != 25 or text[10] != "T" or text[4] != "-" or text[7] != "-":
        return None
    date, clock, zone = text[:10], text[11:19], text[19:]
    day = _DATE_SECONDS.get(date)
    if day is None:
        try:
            day = (dt.date.fromisoformat(date).toordinal() - EPOCH_ORDINAL) * DAY
        except ValueError:
            return None
        if len(_DATE_SECONDS) < 200_000:
            _DATE_SECONDS[date] = day
    seconds = _TIME_SECONDS.get(clock)
    if seconds is None:
        match = _CLOCK.fullmatch(clock)
        if match is None:
            return None
        seconds = _TIME_SECONDS[clock] = (int(match[1]) * 3600 + int(match[2]) * 60
                                          + int(match[3]))
    offset = _OFFSET_SECONDS.get(zone)
    if offset is None:
        match = _ZONE.fullmatch(zone)
        if match is None:
            return None
        offset = _OFFSET_SECONDS[zone] = (1 if match[1] == "+" else -1) * (
            int(match[2]) * 3600 + int(match[3]) * 60)
    return day + seconds - offset


def instant_arg(value: Any, name: str, day_end: bool = False) -> dt.datetime:
    """An argument instant (as_of, since, ...), in local time: a window reads like its findings.

    A date (or 'YYYY-MM-DD') is a whole local day: its end (24:00) when `day_end`, as for
    as_of ("as of 31/12" includes that day), else its start, as for since. Anything that
    is not an aware instant raises `EvaluationError` naming the argument.
    """
    if isinstance(value, str) and len(value) == 10:
        with contextlib.suppress(ValueError):  # not a date: read below as an instant
            value = dt.date.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return end_of_day(value) if day_end else dt.datetime(
            value.year, value.month, value.day, tzinfo=LOCAL)
    try:
        return parse_instant(value).astimezone(LOCAL)
    except ValueError as exc:
        raise EvaluationError(f"{name}: {exc}") from None

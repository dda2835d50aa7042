"""Instants read a column at a time: the common shape of many texts as epoch seconds at once.

`time.instants.epoch_seconds` reads one 'YYYY-MM-DDTHH:MM:SS+HH:MM' text from cached
parts; a million-event stream has as many texts as events, so the bulk intake reads them
here instead, as digits of a numpy array, with no Python call per text. Only texts of that
exact shape are read (ASCII digits, a real date of years 1-9999, a clock time, an offset
of less than 24 hours); every other text is marked unread, for `epoch_seconds` and
`events.parse_instant` to decide one at a time, so what is read here is what they read.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .instants import DAY

__all__ = ["common_shape_seconds"]

_WIDTH = 25  # len("2024-01-15T06:30:00+07:00")
_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24]
_SEPARATORS = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 22: ":"}


def _month_table() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For each (year, month) of years 1-9999, at year * 12 + month - 1: the days from
    1970-01-01 to its first day, and its length (proleptic Gregorian, as `datetime`)."""
    year = np.repeat(np.arange(10_000), 12)
    month = np.tile(np.arange(1, 13), 10_000)
    y = year - (month <= 2)  # H. Hinnant's days_from_civil, at the first of each month
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5
    first = (era * 146097 + year_of_era * 365 + year_of_era // 4 - year_of_era // 100
             + day_of_year - 719468)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    length = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month - 1] + (
        leap & (month == 2))
    length[:12] = 0  # there is no year 0: no day of it is read
    return first, length


_MONTH_FIRST, _MONTH_LENGTH = _month_table()


def common_shape_seconds(texts: Sequence[str]
                         ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Epoch seconds of each text of the common shape, and which texts were read.

    An unread text's seconds are 0: read it one at a time (`instants.epoch_seconds`).
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.bool_)
    read = np.ones(n, np.bool_)
    joined = "\0".join(texts)
    # every text of the width: the NULs are the n - 1 between texts, each where a text of
    # the width ends (checked below as a column of the rows; a text holding one is of
    # another shape anyway)
    if (len(joined) != (_WIDTH + 1) * n - 1 or joined.count("\0") != n - 1
            or not joined.isascii()):
        read = np.fromiter((len(t) == _WIDTH and t.isascii() and "\0" not in t
                            for t in texts), np.bool_, n)
        joined = "\0".join(t if fits else "0" * _WIDTH
                            for t, fits in zip(texts, read.tolist(), strict=True))
    chars = np.frombuffer(joined.encode("ascii") + b"\0", np.uint8).reshape(n, _WIDTH + 1)
    read &= chars[:, _WIDTH] == 0
    digit = chars - np.uint8(ord("0"))  # wraps below '0': anything but a digit is above 9
    ok = read & (digit[:, _DIGITS] <= 9).all(axis=1)
    for column, char in _SEPARATORS.items():
        ok &= chars[:, column] == ord(char)
    sign = chars[:, 19]
    ok &= (sign == ord("+")) | (sign == ord("-"))

    def number(*columns: int) -> npt.NDArray[np.int64]:
        value = digit[:, columns[0]].astype(np.int64)
        for column in columns[1:]:
            value = value * 10 + digit[:, column]
        return value

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute, second = number(11, 12), number(14, 15), number(17, 18)
    zone_hour, zone_minute = number(20, 21), number(23, 24)
    month_index = np.where(ok & (month >= 1) & (month <= 12), year * 12 + month - 1, 0)
    ok &= ((day >= 1) & (day <= _MONTH_LENGTH[month_index]) & (hour <= 23) & (minute <= 59)
           & (second <= 59) & (zone_hour <= 23) & (zone_minute <= 59))
    offset = np.where(sign == ord("-"), -60, 60) * (zone_hour * 60 + zone_minute)
    seconds = ((_MONTH_FIRST[month_index] + day - 1) * DAY + hour * 3600 + minute * 60
               + second - offset)
    return np.where(ok, seconds, 0), ok

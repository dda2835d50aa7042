"""Interval algebra on epoch seconds: sorted, disjoint [start, end) intervals.

Broadcast time is kept per site and local day as such a list, so a day's coverage
stays small however many segments it has, and two partitions' lists merge by union.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

__all__ = ["add_interval", "covered_seconds", "union"]


def add_interval(intervals: list[list[float]], start: float, end: float) -> None:
    """Insert [start, end) into a sorted list of disjoint intervals, merging overlaps."""
    if not intervals or start > intervals[-1][1]:
        intervals.append([start, end])
        return
    i = bisect_left(intervals, [start])
    if i > 0 and intervals[i - 1][1] >= start:
        i -= 1
    j = i
    new_start, new_end = start, end
    while j < len(intervals) and intervals[j][0] <= new_end:
        new_start = min(new_start, intervals[j][0])
        new_end = max(new_end, intervals[j][1])
        j += 1
    intervals[i:j] = [[new_start, new_end]]


def covered_seconds(intervals: Iterable[Sequence[float]], lo: float, hi: float) -> float:
    """Seconds of [lo, hi) covered by sorted, disjoint intervals."""
    total = 0.0
    for s, e in intervals:
        if e <= lo:
            continue
        if s >= hi:
            break
        total += (e if e < hi else hi) - (s if s > lo else lo)
    return total


def union(*lists: Iterable[Sequence[float]]) -> list[list[float]]:
    """One sorted, disjoint list covering what any of `lists` covers."""
    merged: list[list[float]] = []
    for s, e in sorted((x[0], x[1]) for lst in lists for x in lst):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged

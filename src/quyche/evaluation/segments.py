"""Broadcast segments in bulk: a batch of decoded segments applied to the ledger at once.

Nine events in ten are broadcast segments, and what one adds to the ledger is the same
for every one (its interval to the merged coverage of its site's day, one to the day's
count, its id to the day's first ids): nothing that needs one Python step per segment.
So `SegmentIntake.add` reads a batch column by column with numpy (instants as epoch
seconds, known sites, counted categories, valid tags, the local day), merges each site's
day's intervals with one sort, and touches the ledger once per site and day. A segment
off the common case (across midnight, at or after as_of, an unknown site, an uncounted
category, a text instant of another shape, a value to refuse) is left to the caller, to
take the broadcast kind's general path one at a time; the ledger comes out as the one
event-at-a-time intake gives, whatever the batch (it is a union, a sum and a first-k).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import compress, pairwise, repeat
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .._load import valid_language_tag
from ..decoding import Broadcast
from ..events import parse_instant
from ..time.instant_columns import common_shape_seconds
from ..time.instants import DAY, OFFSET
from ..time.intervals import add_interval
from .context import Context
from .kinds.content import ContentRules
from .ledger import MAX_IDS_PER_DAY, Ledger

__all__ = ["SegmentColumns", "SegmentIntake"]

#: Codes of a segment's category and language tag in a batch's columns (0: refused)
_UNCOUNTED, _COUNTED, _UNNAMED = 1, 2, 3
_INVALID, _VALID = 0, 1

Positions = npt.NDArray[np.intp]


class SegmentColumns(NamedTuple):
    """A batch of segments as columns (their instants as text), from decoded records or
    from plain dicts (`decoding.plain_segment_columns`)."""

    sites: list[str]
    starts: list[str]
    ends: list[str]
    ids: list[str | None]
    categories: list[str | None]
    languages: list[str | None]

    @staticmethod
    def of(segments: Sequence[Broadcast]) -> SegmentColumns:
        # (comprehensions read a record's fields faster than map(attrgetter) does)
        return SegmentColumns([s.site for s in segments], [s.start_text for s in segments],
                              [s.end_text for s in segments], [s.id for s in segments],
                              [s.category for s in segments], [s.language for s in segments])


class SegmentIntake:
    """The bulk path of broadcast segments for one evaluation (tables built once)."""

    def __init__(self, ctx: Context, content: ContentRules) -> None:
        self.ctx, self.content = ctx, content
        self._site_names = list(ctx.sites)
        self._site_number = {site: i for i, site in enumerate(self._site_names)}
        self._site_kind = {site: info.kind for site, info in ctx.sites.items()}
        uncounted = ctx.rule_set.broadcast.uncounted_categories
        #: category -> _COUNTED, or _UNCOUNTED (its time is not broadcast time); an unknown
        #: category is neither (None, _UNNAMED: a segment without one is counted)
        self._category: dict[str | None, int] = {None: _UNNAMED}
        self._category.update({c: _UNCOUNTED if c in uncounted else _COUNTED
                               for c in ctx.categories})
        #: language tag -> _VALID or _INVALID, filled as tags are met (None: _UNNAMED)
        self._tag: dict[str | None, int] = {None: _UNNAMED}

    def add(self, ledger: Ledger, columns: SegmentColumns) -> Positions:
        """Apply the common-case segments of a batch; the positions of the others, in order.

        The caller counts those others read (and applied or rejected) itself.
        """
        ctx, n = self.ctx, len(columns.sites)
        sites, categories, languages = columns.sites, columns.categories, columns.languages
        site = np.fromiter(map(self._site_number.get, sites, repeat(-1)), np.int64, n)
        category = np.fromiter(map(self._category.get, categories, repeat(0)), np.int8, n)
        tags = self._tag
        for text in set(languages).difference(tags):
            if text is not None:
                tags[text] = _VALID if valid_language_tag(text) else _INVALID
        tag = np.fromiter(map(tags.__getitem__, languages), np.int8, n)
        start, start_read = common_shape_seconds(columns.starts)
        end, end_read = common_shape_seconds(columns.ends)
        common = ((site >= 0) & (category > 0) & (tag > 0) & start_read & end_read
                  & (start < end))
        first, as_of = ctx.first_day_ts, ctx.as_of_ts
        before = common & (end <= first)  # valid, and wholly before the first checked day
        day = (start + OFFSET) // DAY
        in_day = (common & ~before & (start >= first) & (end <= as_of)
                  & (end <= (day + 1) * DAY - OFFSET))
        applied = int(before.sum()) + int(in_day.sum())
        ledger.read += applied
        ledger.applied += applied
        rows = np.flatnonzero(in_day)
        if len(rows):
            order = np.lexsort((start[rows], day[rows], site[rows]))
            rows = rows[order]
            cells = _Cells(site[rows], day[rows], start[rows], end[rows],
                           category[rows] != _UNCOUNTED,
                           list(map(columns.ids.__getitem__, rows.tolist())))
            self._record(ledger, cells)
            tagged = rows[((category[rows] != _UNNAMED) | (tag[rows] != _UNNAMED))
                          & (start[rows] >= ctx.since_ts)]
            self._content(ledger, tagged, columns)
        return np.flatnonzero(~(before | in_day))

    def _record(self, ledger: Ledger, cells: _Cells) -> None:
        """Put each site's day in the ledger: in bulk when the ledger has none of them yet."""
        names = self._site_names
        coverage, counts, kept = ledger.coverage, ledger.segment_count, ledger.segment_ids
        keys = list(zip(map(names.__getitem__, cells.site), cells.day, strict=True))
        if counts.keys().isdisjoint(keys):  # every day new to the ledger: the common batch
            counts.update(zip(keys, cells.counts, strict=True))
            coverage.update(compress(zip(keys, cells.coverage, strict=True), cells.coverage))
            kept.update(compress(zip(keys, cells.first_ids, strict=True), cells.first_ids))
            return
        for key, n, merged, ids in zip(keys, cells.counts, cells.coverage, cells.first_ids,
                                       strict=True):
            counts[key] = counts.get(key, 0) + n
            old = coverage.get(key)
            if old is None:
                if merged:
                    coverage[key] = merged
            else:
                for low, high in merged:
                    add_interval(old, low, high)
            have = kept.get(key)
            if have is not None and ids:
                kept[key] = sorted(set(have) | set(ids))[:MAX_IDS_PER_DAY]
            elif ids:
                kept[key] = ids


    def _content(self, ledger: Ledger, tagged: Positions, columns: SegmentColumns) -> None:
        """The content checks of segments with a category or a language (since `since`)
        that the memo does not know to break nothing."""
        memo, kinds = self.content.memo, self._site_kind
        sites, categories, languages = columns.sites, columns.categories, columns.languages
        for row in tagged.tolist():
            category, language = categories[row], languages[row]
            if memo.get((kinds[sites[row]], category, language)) != []:
                self.content.check(ledger, columns.ids[row], parse_instant(columns.starts[row]),
                                   sites[row], category, language, None, None)


class _Cells:
    """The in-day segments of a batch, sorted by (site, day, start), as per-day records:
    each site's day's count, merged intervals (counted segments only) and first ids."""

    def __init__(self, site: npt.NDArray[np.int64], day: npt.NDArray[np.int64],
                 start: npt.NDArray[np.int64], end: npt.NDArray[np.int64],
                 counted: npt.NDArray[np.bool_], idents: list[str | None]) -> None:
        n = len(site)
        new_cell = np.ones(n, np.bool_)
        new_cell[1:] = (site[1:] != site[:-1]) | (day[1:] != day[:-1])
        first = np.flatnonzero(new_cell)
        ends = np.r_[first[1:], n]
        self.site, self.day = site[first].tolist(), day[first].tolist()
        self.counts = (ends - first).tolist()
        cell = np.cumsum(new_cell) - 1
        self.coverage = self._intervals(cell[counted], day[counted], start[counted],
                                        end[counted], len(first))
        self.first_ids = self._first_ids(first, ends, start, idents)

    @staticmethod
    def _intervals(cell: npt.NDArray[np.int64], day: npt.NDArray[np.int64],
                   start: npt.NDArray[np.int64], end: npt.NDArray[np.int64], cells: int
                   ) -> list[list[list[float]]]:
        """Each cell's merged [start, end) intervals (touching ones merged, as
        `time.intervals` merges them); [] for a cell of uncounted segments only."""
        if not len(cell):
            return [[] for _ in range(cells)]
        day_start = day * DAY - OFFSET
        # the latest end so far within each cell (cells are set apart by two days)
        reach = np.maximum.accumulate(end - day_start + cell * 2 * DAY) - cell * 2 * DAY
        opens = np.ones(len(cell), np.bool_)
        opens[1:] = (cell[1:] != cell[:-1]) | (start[1:] - day_start[1:] > reach[:-1])
        first = np.flatnonzero(opens)
        last = np.r_[first[1:], len(cell)] - 1
        pairs: list[list[float]] = list(map(list, zip(start[first].tolist(),
                                   (reach[last] + day_start[last]).tolist(), strict=True)))
        bounds = np.searchsorted(cell[first], np.arange(cells + 1)).tolist()
        return [pairs[a:b] for a, b in pairwise(bounds)]

    @staticmethod
    def _first_ids(first: npt.NDArray[np.intp], ends: npt.NDArray[np.intp],
                   start: npt.NDArray[np.int64], idents: list[str | None]
                   ) -> list[list[tuple[float, str]]]:
        """Each cell's first MAX_IDS_PER_DAY (start, id), as `ledger.note_segment` keeps."""
        starts = start.tolist()
        entries: list[Any] = list(zip(starts, idents, strict=True))
        # a row that needs a closer look: no id, or a start shared with the row before (a
        # tie the ids settle, or a repeated segment)
        unnamed = (np.zeros(len(idents), np.bool_) if None not in idents else
                   np.fromiter(map(operator.is_, idents, repeat(None)), np.bool_, len(idents)))
        unsure = unnamed.copy()
        unsure[1:] |= start[1:] == start[:-1]
        unsure_before = np.r_[0, np.cumsum(unsure)]
        last = np.minimum(first + MAX_IDS_PER_DAY, ends)
        # the common cell: its first rows have ids and distinct starts, and the row after
        # them starts later: they are its first ids, in order
        plain = ((unsure_before[last + (last < ends)] == unsure_before[first + 1])
                 & ~unnamed[first]).tolist()
        out: list[Any] = list(map(entries.__getitem__, map(slice, first.tolist(),
                                                            last.tolist())))
        if all(plain):
            return out
        ends_list = ends.tolist()
        for c in compress(range(len(plain)), map(operator.not_, plain)):
            a, k, b = int(first[c]), int(last[c]), ends_list[c]
            while k < b and starts[k] == starts[k - 1]:  # settle ties at the k-th
                k += 1
            named = {e for e in entries[a:k] if e[1] is not None}
            if k < b and len(named) < MAX_IDS_PER_DAY:  # rows without an id: read on
                named.update(e for e in entries[k:b] if e[1] is not None)
            out[c] = sorted(named)[:MAX_IDS_PER_DAY]
        return out

"""Event intake: one path per event type, from a decoded record to the ledger.

Every event goes through `Reader.add_all`, decoded once at the edge into a typed record
(`quyche.decoding`: JSON lines by `decode_lines`, dicts and models by `decode_events`,
with the rejection reasons of the event models), and read in batches. A batch's
broadcast segments, nine events in ten, are applied together in bulk
(`segments.SegmentIntake`: columns, not a Python step per segment), which is what makes
a million-event file practical; a segment off the common case goes to the broadcast
kind's general path (`kinds.broadcast.apply_broadcast`), every other record to the
intake hook of its type, one at a time. An event that fails a check is rejected with its
reason. The ledger is the same whatever the batches: what a segment adds is a union, a
sum and a first-k.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from itertools import compress, islice, repeat
from typing import Any

from ..decoding import Broadcast, decode_event, plain_segment_columns, segment_refusal
from ..events import InvalidEvent, parse_instant
from ..report import Rejection
from ..vocabulary import EVENT_TYPES
from .context import Context
from .kinds import broadcast, recurring, retention, triggered
from .kinds.content import ContentRules
from .kinds.outline import check_outline
from .ledger import Ledger
from .matching import NativeMatcher, TriggerMatcher
from .validity import Reject

__all__ = ["BATCH", "Reader", "id_of"]

#: Events read at a time: enough for the bulk path to pay off, few enough to stay small.
BATCH = 16_384
#: The fields a broadcast segment may have for a dict to be read as one by hand (kept for
#: the benchmark's record of the engine before typed decoding).
_BROADCAST_KEYS = frozenset(("type", "id", "site", "start", "end", "category", "language"))


def id_of(raw: Any) -> str | None:
    """The id of a raw event, when it has a readable one (for its rejection)."""
    ident = raw.get("id") if isinstance(raw, Mapping) else getattr(raw, "id", None)
    return ident if isinstance(ident, str) else None


class Reader:
    """Applies events to a ledger under a context. One per evaluation.

    `matcher` answers which triggered duties an event raises (the rule set's own
    conditions by default; the durable_rules backend passes its own).
    """

    def __init__(self, ctx: Context, ledger: Ledger | None = None,
                 matcher: TriggerMatcher | None = None) -> None:
        self.ctx = ctx
        self.ledger = ledger or Ledger()
        self.matcher: TriggerMatcher = matcher or NativeMatcher(ctx.rule_set)
        self.content = ContentRules(ctx)
        # numpy is imported by the first evaluation, not by `import quyche` (the CLI's
        # other commands start without it)
        from .segments import SegmentColumns, SegmentIntake

        self._segments = SegmentIntake(ctx, self.content)
        self._columns = SegmentColumns
        self.triggers = triggered.TriggerIntake(ctx, self.matcher)
        hooks: dict[str, Callable[[Ledger, Any], None]] = {
            "broadcast": self._on_broadcast,
            "emergency": partial(broadcast.on_emergency, ctx),
            "content_published": self.content.on_content_published,
            "submission": self._on_submission,
            "backup": partial(retention.on_backup, ctx),
            "backup_deleted": partial(retention.on_backup_deleted, ctx),
            "request": self.triggers.on_request,
        }
        #: event type -> its intake hook; every other type of the vocabulary may raise
        #: duties and answer others
        self._hooks = {t: hooks.get(t, self.triggers.on_event) for t in EVENT_TYPES}

    def add(self, index: int, raw: Any) -> None:
        """Apply one event (numbered `index` in its stream)."""
        self.add_all((raw,), index)

    def add_all(self, events: Iterable[Any], start: int = 0) -> Ledger:
        """Apply every event (dicts, models or decoded records), numbered from `start`."""
        stream = iter(events)
        while batch := list(islice(stream, BATCH)):
            self._add_batch(start, batch)
            start += len(batch)
        return self.ledger

    def _add_batch(self, first: int, batch: list[Any]) -> None:
        """One batch: its segments in bulk, every other event in order, by its hook."""
        flags = list(map(isinstance, batch, repeat(Broadcast)))
        segments = list(compress(batch, flags))
        if segments:
            where = list(compress(range(len(batch)), flags))
            for p in self._segments.add(self.ledger, self._columns.of(segments)).tolist():
                self._segment(first + where[p], segments[p])
        if len(segments) == len(batch):
            return
        others = list(compress(range(len(batch)), map(operator.not_, flags)))
        where, columns = plain_segment_columns(batch, others)  # segments given as dicts
        if where:
            for p in self._segments.add(self.ledger, self._columns(*columns)).tolist():
                self._decoded(first + where[p], batch[where[p]])
            if len(where) < len(others):
                taken = set(where)
                others = [i for i in others if i not in taken]
            else:
                others = []
        for i in others:
            self._decoded(first + i, batch[i])

    def _decoded(self, index: int, raw: Any) -> None:
        """An event one at a time: decoded (a record is as it is), then by its path."""
        record = decode_event(raw)
        if type(record) is Broadcast:
            self._segment(index, record)
        else:
            self._apply(index, record, self._on_record)

    def _apply(self, index: int, raw: Any, apply: Callable[[Any], None]) -> None:
        """Count one event read, and applied unless `apply(raw)` rejects it."""
        ledger = self.ledger
        ledger.read += 1
        try:
            apply(raw)
            ledger.applied += 1
        except Reject as exc:
            ledger.rejected.append(Rejection(index=index, id=id_of(raw), reason=str(exc)))

    def _segment(self, index: int, raw: Broadcast) -> None:
        """A segment off the common case: the broadcast kind's general path (or, when the
        models refuse one of its instants, refused with their reason)."""
        refusal = segment_refusal(raw)
        if refusal is not None:
            self._apply(index, refusal, self._on_record)
            return
        self._apply(index, raw, lambda _: broadcast.apply_broadcast(
            self.ctx, self.ledger, self.content, raw.id, raw.site, parse_instant(
                raw.start_text), parse_instant(raw.end_text), raw.category, raw.language))

    def _on_record(self, raw: Any) -> None:
        """Hand a decoded record to its type's intake hook (a refused item: its reason)."""
        if type(raw) is InvalidEvent:
            raise Reject(raw.reason)
        self._hooks[raw.type](self.ledger, raw)

    # -- the hooks that combine kinds

    def _on_broadcast(self, ledger: Ledger, ev: Any) -> None:
        broadcast.apply_broadcast(self.ctx, ledger, self.content, ev.id, ev.site,
                                  ev.start, ev.end, ev.category, ev.language)

    def _on_submission(self, ledger: Ledger, ev: Any) -> None:
        """A submission discharges recurring duties, may raise duties, and has an outline."""
        ts = recurring.on_submission(self.ctx, ledger, ev)
        self.triggers.raise_duties(ledger, ev, ts)
        check_outline(self.ctx, ledger, ev, ts)

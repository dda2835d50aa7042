"""Event intake: one path per event type, from a decoded record to the ledger.

Every event goes through `Reader.add_all`, decoded once at the edge into a typed record
(`quyche.decoding`: JSON lines by `decode_lines`, dicts and models by `decode_events`,
with the rejection reasons of the event models). A broadcast segment in the common case
(one local day, a known site, a counted category, a valid language tag) is applied
inline, with no function call per field: what the site's kind, a tag's validity and a
(site kind, category, language)'s content findings come to is looked up in tables built
once per evaluation, which is what makes a million-event file practical. Any other
segment goes to the broadcast kind's general path (`kinds.broadcast.apply_broadcast`);
every other record to the intake hook of its type. An event that fails a check is
rejected with its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from .._load import valid_language_tag
from ..decoding import EPOCH_SECONDS, Broadcast, decode_event, epoch_seconds
from ..events import InvalidEvent, parse_instant
from ..report import Rejection
from ..time.instants import DAY, OFFSET
from ..time.intervals import add_interval
from ..vocabulary import EVENT_TYPES
from .context import Context
from .kinds import broadcast, recurring, retention, triggered
from .kinds.content import ContentRules
from .kinds.outline import check_outline
from .ledger import MAX_IDS_PER_DAY, Ledger, note_segment
from .matching import NativeMatcher, TriggerMatcher
from .validity import Reject

__all__ = ["Reader", "id_of"]

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
        self._tag_ok: dict[str, bool] = {}
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
        #: site -> its kind, and the counted categories: looked up once per evaluation
        self._kinds = {site: info.kind for site, info in ctx.sites.items()}
        self._counted = {c for c in ctx.categories
                         if c not in ctx.rule_set.broadcast.uncounted_categories}

    def add(self, index: int, raw: Any) -> None:
        """Apply one event (numbered `index` in its stream)."""
        self.add_all((raw,), index)

    def add_all(self, events: Iterable[Any], start: int = 0) -> Ledger:
        """Apply every event (dicts, models or decoded records), numbered from `start`."""
        ledger, kinds, counted = self.ledger, self._kinds, self._counted
        coverage, counts, seg_ids = ledger.coverage, ledger.segment_count, ledger.segment_ids
        as_of_ts, since_ts = self.ctx.as_of_ts, self.ctx.since_ts
        first_ts, tag_ok, seconds, epoch = (self.ctx.first_day_ts, self._tag_ok,
                                            EPOCH_SECONDS, epoch_seconds)
        memo, segment, decode, fast = self.content.memo, Broadcast, decode_event, 0
        for index, raw in enumerate(events, start):
            if type(raw) is not segment:
                raw = decode(raw)  # a dict or a model; a decoded record is returned as it is
                if type(raw) is not segment:
                    self._apply(index, raw, self._on_record)
                    continue
            site, category, language = raw.site, raw.category, raw.language
            if (site in kinds and (category is None or category in counted)
                    and (language is None or (
                        tag_ok[language] if language in tag_ok
                        else tag_ok.setdefault(language, valid_language_tag(language))))):
                s, e = raw.start_text, raw.end_text
                st, et = seconds.get(s) or epoch(s), seconds.get(e) or epoch(e)
                if st is not None and et is not None:
                    if st < et <= first_ts:
                        fast += 1  # valid, and wholly before the first checked day
                        continue
                    day = int((st + OFFSET) // DAY)
                    # within one local day (ending at midnight at the latest), before as_of
                    if first_ts <= st < et <= as_of_ts and et <= (day + 1) * DAY - OFFSET:
                        key = (site, day)
                        intervals = coverage.get(key)
                        if intervals is None:
                            coverage[key] = [[st, et]]
                            # an uncounted segment may have come first: no coverage
                            counts[key] = counts.get(key, 0) + 1
                        else:
                            last = intervals[-1]
                            if st > last[1]:
                                intervals.append([st, et])
                            elif st >= last[0]:
                                if et > last[1]:
                                    last[1] = et
                            else:
                                add_interval(intervals, st, et)
                            counts[key] += 1
                        ident = raw.id
                        if ident is not None:
                            ids = seg_ids.get(key)
                            if ids is None:
                                seg_ids[key] = [(st, ident)]
                            elif st > ids[-1][0]:  # a time-ordered stream: at the end, if room
                                if len(ids) < MAX_IDS_PER_DAY:
                                    ids.append((st, ident))
                            else:
                                note_segment(ids, st, ident)  # in its place, or not kept
                        if ((category is not None or language is not None)
                                and st >= since_ts
                                and memo.get((kinds[site], category, language)) != []):
                            # content the memo does not already know to break nothing
                            self.content.check(ledger, ident, parse_instant(s), site,
                                               category, language, None, None)
                        fast += 1
                        continue
            self._segment(index, raw)
        ledger.read += fast
        ledger.applied += fast
        return ledger

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
        """A segment off the common case: the broadcast kind's general path."""
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

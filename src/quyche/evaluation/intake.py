"""Event intake: one path per event type, from a raw event to the ledger.

Every event goes through `Reader.add_all`. A broadcast segment given as a plain dict
is pre-parsed there, field by field: the common case (one local day, a known site, a
counted category, a valid language tag) is applied inline, with no model and no
function call per field, which is what makes a million-event file practical; a
pre-parsed segment that is not the common case goes to the broadcast kind's general
path (`kinds.broadcast.apply_broadcast`); anything else — another type, a model, a
value the pre-parse cannot read — is validated by the event model and handed to the
intake hook of its type. An event that fails a check is rejected with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from .._load import valid_language_tag
from ..events import InvalidEvent, parse_instant, reason_of, validate_event
from ..report import Rejection
from ..time.instants import DAY, INSTANTS, OFFSET, epoch_seconds
from ..time.intervals import add_interval
from ..vocabulary import EVENT_TYPES
from .context import Context
from .kinds import broadcast, recurring, retention, triggered
from .kinds.content import ContentRules
from .kinds.outline import check_outline
from .kinds.updates import update_rules
from .ledger import MAX_IDS_PER_DAY, Ledger, note_segment
from .matching import NativeMatcher, TriggerMatcher
from .validity import Reject, check_at, check_site

__all__ = ["Reader", "id_of"]

#: The fields a broadcast segment may have for the pre-parse to read it.
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
        self._updates_checked = bool(update_rules(ctx.rule_set))
        hooks: dict[str, Callable[[Any], None]] = {
            "broadcast": self._on_broadcast,
            "emergency": lambda ev: broadcast.on_emergency(ctx, self.ledger, ev),
            "content_published": lambda ev: self.content.on_content_published(
                self.ledger, ev, self._updates_checked),
            "submission": self._on_submission,
            "backup": lambda ev: retention.on_backup(ctx, self.ledger, ev),
            "backup_deleted": lambda ev: retention.on_backup_deleted(ctx, self.ledger, ev),
            "request": lambda ev: triggered.on_request(ctx, self.ledger, self.matcher, ev),
        }
        #: event type -> its intake hook; every other type of the vocabulary may raise
        #: duties and answer others
        self._hooks = {t: hooks.get(t, self._on_other) for t in EVENT_TYPES}

    def add(self, index: int, raw: Any) -> None:
        """Apply one event (numbered `index` in its stream)."""
        self.add_all((raw,), index)

    def add_all(self, events: Iterable[Any], start: int = 0) -> Ledger:
        """Apply every event, numbered from `start`; the common broadcast segment inline."""
        ledger, sites = self.ledger, self.ctx.sites
        # Categories whose time counts: a segment of another category takes the general path.
        categories = {c: v for c, v in self.ctx.categories.items()
                      if c not in self.ctx.rule_set.broadcast.uncounted_categories}
        coverage, counts, seg_ids = ledger.coverage, ledger.segment_count, ledger.segment_ids
        as_of_ts, since_ts, keys = self.ctx.as_of_ts, self.ctx.since_ts, _BROADCAST_KEYS
        first_ts, tag_ok, instants = self.ctx.first_day_ts, self._tag_ok, INSTANTS
        fromisoformat = dt.datetime.fromisoformat
        fast = 0
        for index, raw in enumerate(events, start):
            if type(raw) is dict and raw.get("type") == "broadcast" and raw.keys() <= keys:
                site, s, e, ident = raw.get("site"), raw.get("start"), raw.get("end"), \
                    raw.get("id")
                category, language = raw.get("category"), raw.get("language")
                if (type(s) is str and type(e) is str and type(site) is str and site
                        and (ident is None or (type(ident) is str and ident))
                        and (category is None or type(category) is str)
                        and (language is None or type(language) is str)):
                    # The shape of a broadcast segment: read here, never by the model.
                    if (site in sites and (category is None or category in categories)
                            and (language is None or (
                                tag_ok[language] if language in tag_ok
                                else tag_ok.setdefault(language, valid_language_tag(language))))):
                        st = instants.get(s) or epoch_seconds(s)
                        et = instants.get(e) or epoch_seconds(e)
                        if st is not None and et is not None:
                            if st < et <= first_ts:
                                fast += 1  # valid, and wholly before the first checked day
                                continue
                            day = int((st + OFFSET) // DAY)
                            # within one local day (ending at midnight at the latest), before
                            # as_of
                            if (first_ts <= st < et <= as_of_ts
                                    and et <= (day + 1) * DAY - OFFSET):
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
                                if ident is not None:
                                    ids = seg_ids.get(key)
                                    if ids is None:
                                        seg_ids[key] = [(st, ident)]
                                    elif len(ids) < MAX_IDS_PER_DAY or (st, ident) < ids[-1]:
                                        note_segment(ids, st, ident)
                                if ((category is not None or language is not None)
                                        and st >= since_ts):
                                    self.content.check(ledger, ident, fromisoformat(s), site,
                                                       category, language, None, None)
                                fast += 1
                                continue
                    self._broadcast_text(index, raw, ident, site, s, e, category, language)
                    continue
            self._apply(index, raw, self._from_model)
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

    def _broadcast_text(self, index: int, raw: dict[str, Any], ident: str | None, site: str,
                        start: str, end: str, category: str | None, language: str | None
                        ) -> None:
        """A pre-parsed segment off the common case: the general path, or the model's."""
        try:
            s, e = parse_instant(start), parse_instant(end)
        except ValueError:
            self._apply(index, raw, self._from_model)  # the model names what is wrong
            return
        self._apply(index, raw, lambda _: broadcast.apply_broadcast(
            self.ctx, self.ledger, self.content, ident, site, s, e, category, language))

    def _from_model(self, raw: Any) -> None:
        """Validate `raw` with the event model and hand it to its type's intake hook."""
        if isinstance(raw, InvalidEvent):
            raise Reject(raw.reason)
        try:
            event = validate_event(raw)
        except ValidationError as exc:
            raise Reject(reason_of(exc)) from None
        except TypeError as exc:
            raise Reject(str(exc)) from None
        self._hooks[event.type](event)

    # -- the hooks that combine kinds

    def _on_broadcast(self, ev: Any) -> None:
        broadcast.apply_broadcast(self.ctx, self.ledger, self.content, ev.id, ev.site,
                                  ev.start, ev.end, ev.category, ev.language)

    def _on_submission(self, ev: Any) -> None:
        """A submission discharges recurring duties, may raise duties, and has an outline."""
        ts = recurring.on_submission(self.ctx, self.ledger, ev)
        triggered.raise_duties(self.ctx, self.ledger, self.matcher, ev)
        check_outline(self.ctx, self.ledger, ev, ts)

    def _on_other(self, ev: Any) -> None:
        """An event that may raise duties and may answer another (incident, feedback, ...)."""
        check_at(self.ctx, ev.at)
        if getattr(ev, "site", None) is not None:
            check_site(self.ctx, ev.site)
        triggered.raise_duties(self.ctx, self.ledger, self.matcher, ev)
        triggered.note_answer(self.ctx, self.ledger, ev)

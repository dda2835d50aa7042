"""Incremental monitoring: events as they come, a report at any moment, a checkpoint file.

A `Monitor` keeps an open partial (see `partial`) of the events it has settled and,
raw, the few events dated after its watermark: the latest `as_of` it has reported
at. A report at `as_of` settles what is dated by then and reads the rest under
that `as_of`, so it rejects exactly what `evaluate` would; its findings are those
of `evaluate` on the same events. Reports therefore go forward in time: an
`as_of` before the watermark is refused (its events are no longer kept apart).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel

from .._load import RuleSetLike, as_rule_set
from ..errors import EvaluationError, MergeError
from ..events import When, parse_instant
from ..report import ObligationStatus, Report
from .context import Context
from .finalize import finalize
from .intake import Reader
from .ledger import Ledger
from .partial import OPEN_AS_OF, Partial, as_of_instant, resolve_rule_set

__all__ = ["Monitor"]

FORMAT = "quyche.evaluation.monitor"
VERSION = 1


class Monitor:
    """Evaluation kept up to date as events arrive, for a screen- or document-management system.

        monitor = quyche.Monitor(rule_set, sites=registry)  # a RuleSet or a bundled id
        monitor.add(todays_events)
        monitor.report("2025-03-01T00:00:00+07:00")   # what evaluate would report
        monitor.upcoming("2025-03-01T00:00:00+07:00", days=7)
        monitor.save("screens.monitor.json")           # ... Monitor.restore(path) after a restart
    """

    def __init__(self, rule_set: RuleSetLike, since: When | None = None,
                 sites: Iterable[Mapping[str, Any]] | None = None,
                 actors: Mapping[str, Iterable[str]] | None = None,
                 interpretations: Mapping[str, Any] | None = None,
                 successions: Iterable[Any] | None = None) -> None:
        rs = as_rule_set(rule_set, interpretations)
        self._ctx = Context(rs, OPEN_AS_OF, since, sites, actors, successions)
        self._reader = Reader(self._ctx)
        self._state = Partial.of(self._ctx, self._reader.ledger, open_as_of=True)
        self._watermark: dt.datetime | None = None
        self._pending: list[tuple[int, Any]] = []
        self._count = 0

    def __repr__(self) -> str:
        return (f"Monitor({self._ctx.rule_set.id}, events={self._count}, "
                f"watermark={self._watermark.isoformat() if self._watermark else None}, "
                f"pending={len(self._pending)})")

    @property
    def watermark(self) -> dt.datetime | None:
        """The latest as_of reported at: reports at an earlier as_of are refused."""
        return self._watermark

    def _settled(self, raw: Any) -> bool:
        found = as_of_instant(raw)
        if found is None:
            return True  # refused (or not) whatever as_of is
        if self._watermark is None:
            return False
        ts, strict = found
        limit = self._watermark.timestamp()
        return ts < limit if strict else ts <= limit

    def _apply(self, batch: list[tuple[int, Any]]) -> None:
        """Settle events; consecutive indexes go through the reader's fast path together."""
        run: list[Any] = []
        start = None
        for index, raw in batch:
            if run and start is not None and index != start + len(run):
                self._reader.add_all(run, start)
                run = []
            if not run:
                start = index
            run.append(raw)
        if run and start is not None:
            self._reader.add_all(run, start)

    def add(self, events: Iterable[Any]) -> None:
        """Take more events (dicts or event models); each is counted in the order given."""
        if isinstance(events, (dict, str, bytes)) or not isinstance(events, Iterable):
            raise EvaluationError("events: expected an iterable of events (dicts or models), "
                                  f"got {type(events).__name__}")
        settled: list[tuple[int, Any]] = []
        for raw in events:
            item = (self._count, raw)
            self._count += 1
            (settled if self._settled(raw) else self._pending).append(item)
        self._apply(settled)

    def report(self, as_of: When) -> Report:
        """The report `evaluate` gives on every event added so far, at `as_of`."""
        try:
            when = parse_instant(as_of)
        except ValueError as exc:
            raise EvaluationError(f"as_of: {exc}") from None
        if self._watermark is not None and when < self._watermark:
            raise EvaluationError(
                f"as_of {when.isoformat()} is before this monitor's watermark "
                f"{self._watermark.isoformat()} (the latest as_of reported at): a monitor "
                "reports forward in time; use evaluate() for an earlier as_of")
        ctx = Context(self._ctx.rule_set, when, self._state.since, self._state.sites,
                      self._state.actors, self._state.successions or None)
        self._watermark = when
        now: list[tuple[int, Any]] = []
        later: list[tuple[int, Any]] = []
        for item in self._pending:
            (now if self._settled(item[1]) else later).append(item)
        self._pending = later
        self._apply(now)
        refused = Reader(ctx)
        for index, raw in later:  # dated after as_of: rejected here, exactly as evaluate does
            refused.add(index, raw)
        return finalize(ctx, Ledger.merge_all([self._reader.ledger, refused.ledger]))

    def upcoming(self, as_of: When, days: int = 7) -> list[ObligationStatus]:
        """Open duties falling due within `days` after `as_of`, soonest first."""
        report = self.report(as_of)
        horizon = report.as_of + dt.timedelta(days=days)
        return sorted((o for o in report.obligations
                       if o.status == "open" and report.as_of < o.due <= horizon),
                      key=lambda o: (o.due, o.rule_id, o.actor))

    # -- checkpoints

    def save(self, path: str | Path) -> None:
        """Write the monitor's state to `path` (JSON, docs/partials.md), atomically."""
        data = {
            "format": FORMAT, "version": VERSION, "state": self._state.to_data(),
            "watermark": self._watermark.isoformat() if self._watermark else None,
            "count": self._count,
            "pending": [[index, _jsonable(raw)] for index, raw in self._pending],
        }
        try:
            text = orjson.dumps(data)
        except TypeError as exc:  # an event not yet settled holds a value JSON cannot carry
            raise EvaluationError(f"cannot save the monitor: {exc}") from None
        target = Path(path)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(text)
        os.replace(temporary, target)

    @classmethod
    def restore(cls, path: str | Path, rule_set: RuleSetLike | None = None) -> Monitor:
        """The monitor `save` wrote. `rule_set` only if it is not the bundled one by its id."""
        source = str(path)
        try:
            data = orjson.loads(Path(path).read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise MergeError(f"{source}: cannot read a monitor checkpoint ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise MergeError(f"{source}: not a quyche monitor checkpoint")
        if data.get("version") != VERSION:
            raise MergeError(f"{source}: checkpoint version {data.get('version')!r}; this "
                             f"quyche reads version {VERSION}")
        state = Partial.from_data(data.get("state"), source)
        rs = resolve_rule_set([state], rule_set)
        monitor = cls(rs, state.since, state.sites, state.actors,
                      successions=state.successions or None)
        monitor._reader.ledger = monitor._state.ledger = state.ledger
        try:
            monitor._watermark = (parse_instant(data["watermark"]) if data["watermark"]
                                  else None)
            monitor._count = int(data["count"])
            monitor._pending = [(int(index), raw) for index, raw in data["pending"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise MergeError(f"{source}: malformed checkpoint ({exc})") from None
        return monitor


def _jsonable(raw: Any) -> Any:
    """A pending event as JSON: models by their fields, instants in ISO 8601 with offset."""
    if isinstance(raw, BaseModel):
        return raw.model_dump(mode="json", exclude_none=True)
    if isinstance(raw, Mapping):
        return {k: _jsonable(v) for k, v in raw.items()}
    if isinstance(raw, (list, tuple)):
        return [_jsonable(v) for v in raw]
    if isinstance(raw, (dt.datetime, dt.date)):
        return raw.isoformat()
    return raw

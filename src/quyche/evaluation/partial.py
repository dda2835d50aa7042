"""Partial results: the state of an evaluation that travels between processes and merges.

A `Partial` is what `evaluate` keeps of some events before it computes findings: the
ledger (bounded by sites x days, not by events), with the fingerprint of the rule
set and of the arguments it was read under. Partials of any split of a stream,
made in any process, merge into the report of the whole with `merge`, which
computes the findings once. The JSON format is versioned and documented in
docs/partials.md.

`as_of` may be fixed when a partial is made (events after it are rejected there,
as `evaluate` rejects them) or left open (`as_of=None`): the partial then
records the latest instant its events carry, and merges at any `as_of` at or
after it, where every one of its events would have been accepted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
from pydantic import BaseModel

from .._load import RuleSetLike, as_rule_set, load, override
from ..errors import EvaluationError, MergeError, QuycheError
from ..events import When, parse_instant
from ..model import RuleSet
from ..report import Report, merge_with
from ..time.calendar import LAST_YEAR
from ..time.deadlines import LOCAL
from .collector import collector_paused
from .context import Context
from .finalize import finalize
from .intake import Reader
from .ledger import Ledger

__all__ = ["FORMAT", "VERSION", "Partial", "merge", "partial", "partial_of"]

FORMAT = "quyche.evaluation.partial"
VERSION = 1
#: The as_of under which an open partial reads its events: the last instant the calendar
#: covers, so that no event is refused or cut short for being after as_of.
OPEN_AS_OF = dt.datetime(LAST_YEAR, 12, 31, 23, 59, 59, tzinfo=LOCAL)


def _digest(rule_set: RuleSet) -> str:
    return "sha256:" + hashlib.sha256(rule_set.model_dump_json().encode()).hexdigest()


def _arguments(ctx: Context) -> tuple[str, list[dict[str, Any]], dict[str, list[str]]]:
    """since, sites and actors as arguments that rebuild `ctx` (the rule set's own left out)."""
    rs = ctx.rule_set
    own_sites = {s.id: (s.kind, s.operator) for s in rs.sites}
    sites = [{"id": s.id, "kind": s.kind, "operator": s.operator}
             for s in sorted(ctx.sites.values(), key=lambda s: s.id)
             if own_sites.get(s.id) != (s.kind, s.operator)]
    own_groups = {a.id: set(a.member_of) for a in rs.actors}
    actors = {actor: sorted(groups - own_groups.get(actor, set()))
              for actor, groups in sorted(ctx.actor_groups.items())
              if groups - own_groups.get(actor, set())}
    return ctx.since.isoformat(), sites, actors


def _epoch(value: Any) -> float | None:
    """Epoch seconds of an instant as an event gives it, or None when it gives none."""
    if isinstance(value, dt.datetime):
        return value.timestamp() if value.tzinfo is not None else None
    if isinstance(value, str):
        try:
            return parse_instant(value).timestamp()
        except (ValueError, TypeError):
            return None
    return None


def as_of_instant(raw: Any) -> tuple[float, bool] | None:
    """The instant `evaluate` compares with as_of for this event, and whether strictly.

    A broadcast must start before as_of; an emergency start and every other event's
    `at` may equal it. None when the event carries no readable instant: it is then
    refused (or not) for reasons that do not depend on as_of.
    """
    if isinstance(raw, Mapping):
        kind = raw.get("type")
        field = raw.get("start") if kind in ("broadcast", "emergency") else raw.get("at")
    elif isinstance(raw, BaseModel):
        kind = getattr(raw, "type", None)
        field = getattr(raw, "start" if kind in ("broadcast", "emergency") else "at", None)
    else:
        return None
    ts = _epoch(field)
    return None if ts is None else (ts, kind == "broadcast")


class _Latest:
    """The latest instants met in a stream: the earliest as_of its open partial merges at."""

    def __init__(self, at: float | None = None, start: float | None = None) -> None:
        self.at, self.start = at, start

    def note(self, raw: Any) -> None:
        found = as_of_instant(raw)
        if found is None:
            return
        ts, strict = found
        if strict:
            self.start = ts if self.start is None else max(self.start, ts)
        else:
            self.at = ts if self.at is None else max(self.at, ts)

    def watch(self, events: Iterable[Any]) -> Iterator[Any]:
        for raw in events:
            self.note(raw)
            yield raw

    def admits(self, as_of: float) -> bool:
        return ((self.at is None or self.at <= as_of)
                and (self.start is None or self.start < as_of))

    def union(self, other: _Latest) -> _Latest:
        def top(a: float | None, b: float | None) -> float | None:
            return b if a is None else a if b is None else max(a, b)

        return _Latest(top(self.at, other.at), top(self.start, other.start))

    def text(self) -> str:
        ts = max(x for x in (self.at, self.start) if x is not None)
        return dt.datetime.fromtimestamp(ts, LOCAL).isoformat()


class Partial:
    """The mergeable state of an evaluation of some events, without its findings.

    Made by `quyche.partial` (or `Report.partial()`); merged by `quyche.merge`. It
    pickles as it is, with its rule set (nothing in it is compiled), and writes itself
    as JSON (`to_json`), which names its rule set by id, interpretations and digest
    (see docs/partials.md).
    """

    def __init__(self, rule_set: RuleSet | None, reference: Mapping[str, Any], since: str,
                 sites: list[dict[str, Any]], actors: dict[str, list[str]],
                 as_of: str | None, ledger: Ledger, latest: _Latest | None = None,
                 partition: str | None = None,
                 successions: list[dict[str, Any]] | None = None) -> None:
        self.rule_set = rule_set
        self.successions = list(successions or [])  # the caller's, as `evaluate` got them
        self.reference = dict(reference)
        self.since, self.sites, self.actors = since, sites, actors
        self.as_of = as_of
        self.ledger = ledger
        self.latest = latest or _Latest()
        self.partition = partition

    @classmethod
    def of(cls, ctx: Context, ledger: Ledger, *, open_as_of: bool = False,
           latest: _Latest | None = None, partition: str | None = None) -> Partial:
        rs = ctx.rule_set
        since, sites, actors = _arguments(ctx)
        reference = {"id": rs.id, "digest": _digest(rs), "interpretations": {
            i.id: i.value for i in rs.interpretations if i.overridden}}
        return cls(rs, reference, since, sites, actors,
                   None if open_as_of else ctx.as_of.isoformat(), ledger, latest, partition,
                   ctx.successions.given)

    def __repr__(self) -> str:
        return (f"Partial({self.reference['id']}, as_of={self.as_of or 'open'}, "
                f"events={self.ledger.read}, partition={self.partition!r})")

    # -- identity

    def fingerprint(self) -> dict[str, Any]:
        """What two partials must share to merge: rule set, window start, sites, actors."""
        return {"rule set": self.reference["digest"], "since": self.since,
                "sites": self.sites, "actors": self.actors, "successions": self.successions}

    # -- serialisation

    def to_data(self) -> dict[str, Any]:
        return {
            "schema_version": VERSION,  # as every JSON output (quyche.output_schemas)
            "format": FORMAT, "version": VERSION, "rule_set": self.reference,
            "since": self.since, "sites": self.sites, "actors": self.actors,
            "as_of": self.as_of, "latest": {"at": self.latest.at, "start": self.latest.start},
            "partition": self.partition, "ledger": self.ledger.to_data(),
            "successions": self.successions,
        }

    def to_json(self) -> str:
        """The partial as JSON text (docs/partials.md); `Partial.from_json` reads it back."""
        return orjson.dumps(self.to_data()).decode()

    @classmethod
    def from_data(cls, data: Any, source: str = "partial") -> Partial:
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise MergeError(f"{source}: not a quyche partial (no \"format\": {FORMAT!r})")
        if data.get("version") != VERSION:
            raise MergeError(f"{source}: partial format version {data.get('version')!r}; this "
                             f"quyche reads version {VERSION}")
        try:
            reference = data["rule_set"]
            if not {"id", "digest"} <= set(reference):
                raise KeyError("rule_set.id, rule_set.digest")
            latest = data.get("latest") or {}
            return cls(None, reference, str(data["since"]), list(data["sites"]),
                       dict(data["actors"]), data["as_of"], Ledger.from_data(data["ledger"]),
                       _Latest(latest.get("at"), latest.get("start")), data.get("partition"),
                       list(data.get("successions") or []))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MergeError(f"{source}: malformed partial ({type(exc).__name__}: {exc})"
                             ) from None

    @classmethod
    def from_json(cls, text: str | bytes, source: str = "partial") -> Partial:
        """A partial from the JSON `to_json` wrote; anything else is a `MergeError`."""
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise MergeError(f"{source}: not JSON ({exc})") from None
        return cls.from_data(data, source)


def partial(rule_set: RuleSetLike, events: Iterable[Any], as_of: When | None = None,
            since: When | None = None, sites: Iterable[Mapping[str, Any]] | None = None,
            actors: Mapping[str, Iterable[str]] | None = None,
            interpretations: Mapping[str, Any] | None = None,
            partition: str | None = None, successions: Iterable[Any] | None = None) -> Partial:
    """What `evaluate` would keep of `events`, without computing a finding.

    `as_of=None` leaves it open: it merges at any as_of at or after its latest event.
    `partition` names it in the rejections of a merged report (default: its position).
    """
    rs = as_rule_set(rule_set, interpretations)
    if isinstance(events, (dict, str, bytes)) or not isinstance(events, Iterable):
        raise EvaluationError("events: expected an iterable of events (dicts or models), "
                              f"got {type(events).__name__}")
    if as_of is None:
        ctx = Context(rs, OPEN_AS_OF, since, sites, actors, successions)
        latest = _Latest()
        with collector_paused():
            ledger = Reader(ctx).add_all(latest.watch(events))
        return Partial.of(ctx, ledger, open_as_of=True, latest=latest, partition=partition)
    ctx = Context(rs, as_of, since, sites, actors, successions)
    with collector_paused():
        ledger = Reader(ctx).add_all(events)
    return Partial.of(ctx, ledger, partition=partition)


def partial_of(item: Partial | Report) -> Partial:
    """The partial of a report (made by evaluate, merge or unpickled), or the partial itself."""
    if isinstance(item, Partial):
        return item
    if isinstance(item, Report):
        if item._partial is not None:
            held: Partial = item._partial
            return held
        if item.state is not None:
            return Partial.from_data(item.state, "report state")
        ctx, ledger = item._context, item._ledger
        if isinstance(ctx, Context) and isinstance(ledger, Ledger):  # made by evaluate here
            return Partial.of(ctx, ledger)
        raise MergeError("this report carries no evaluation state (it was read from JSON "
                         "written without it, or built by hand): write reports with "
                         "Report.with_state(), or merge partials (quyche.partial, "
                         "Report.partial(), `quyche check --state-out`)")
    raise MergeError(f"cannot merge a {type(item).__name__}: expected partials or reports")


def resolve_rule_set(parts: list[Partial], given: RuleSetLike | None) -> RuleSet:
    """The rule set the partials were made with: given, carried, or the bundled one by id."""
    reference = parts[0].reference
    candidates: list[RuleSet] = []
    if given is not None:
        candidates.append(as_rule_set(given))
    else:
        candidates += [p.rule_set for p in parts if p.rule_set is not None][:1]
        if not candidates:
            with contextlib.suppress(QuycheError):
                candidates.append(load(reference["id"]))
    for rs in list(candidates):
        if reference.get("interpretations"):
            with contextlib.suppress(QuycheError):
                candidates.append(override(rs, reference["interpretations"]))
    for rs in candidates:
        if _digest(rs) == reference["digest"]:
            return rs
    if given is not None and candidates[0].id != reference["id"]:
        raise MergeError(f"the partials were made with rule set {reference['id']!r}, not "
                         f"{candidates[0].id!r}")
    if given is None and not candidates:
        raise MergeError(f"the partials name rule set {reference['id']!r}, which is not "
                         "bundled: pass the rule set they were made with (rule_set=...)")
    raise MergeError(f"the partials were made with another version of rule set "
                     f"{reference['id']!r} (digest {reference['digest'][:19]}…) than the one "
                     "given or bundled here: pass the rule set they were made with")


def merge(items: Iterable[Partial | Report], as_of: When | None = None,
          rule_set: RuleSetLike | None = None) -> Report:
    """The report of all the events of `items` (partials or reports), findings computed once.

    Every item must come from the same rule set, `since`, sites and actors, else
    `MergeError`. `as_of` is the items' own when they fixed one (giving another is an
    error), and must be given when all are open. A rejected event keeps its partition
    (the partial's name, else its position in `items`) and its index within it; `index`
    counts across the partitions in the order given. `rule_set` is needed only for
    partials read from JSON whose rule set is neither bundled nor the bundled version.
    """
    parts = [partial_of(item) for item in items]
    if not parts:
        raise MergeError("nothing to merge: give at least one partial or report")
    first = parts[0].fingerprint()
    for i, p in enumerate(parts[1:], 1):
        mine = p.fingerprint()
        differ = [k for k in first if first[k] != mine[k]]
        if differ:
            raise MergeError(f"partition {_label(p, i)} was made with another "
                             f"{' and '.join(differ)} than partition {_label(parts[0], 0)}; "
                             "partials merge only under the same rule set, since, sites and "
                             "actors")
    fixed = sorted({p.as_of for p in parts if p.as_of is not None})
    if as_of is not None:
        try:
            when = parse_instant(as_of)
        except ValueError as exc:
            raise EvaluationError(f"as_of: {exc}") from None
        if fixed and any(parse_instant(f) != when for f in fixed):
            raise MergeError(f"as_of {when.isoformat()} differs from the as_of the partials "
                             f"were made at ({', '.join(fixed)})")
    elif len(fixed) > 1:
        raise MergeError(f"the partials were made at different as_of: {', '.join(fixed)}")
    elif fixed:
        when = parse_instant(fixed[0])
    else:
        raise MergeError("the partials leave as_of open: give as_of=...")
    latest = _Latest()
    for p in parts:
        if p.as_of is None:
            latest = latest.union(p.latest)
    if not latest.admits(when.timestamp()):
        raise MergeError(f"as_of {when.isoformat()} is before events of open partials "
                         f"(up to {latest.text()}), which evaluate would refuse: merge at a "
                         "later as_of, or make the partials with as_of fixed")
    rs = resolve_rule_set(parts, rule_set)
    ctx = Context(rs, when, parts[0].since, parts[0].sites, parts[0].actors,
                  parts[0].successions or None)
    return finalize(ctx, Ledger.merge_all(_numbered(parts)))


def _label(p: Partial, position: int) -> str:
    return p.partition if p.partition is not None else str(position)


def _numbered(parts: list[Partial]) -> Iterator[Ledger]:
    """The ledgers, their rejections named by partition and counted across partitions."""
    offset = 0
    for position, p in enumerate(parts):
        ledger = p.ledger
        if ledger.rejected:
            label = _label(p, position)
            ledger = ledger.with_rejected([
                r.model_copy(update={"index": offset + r.index}) if r.partition is not None
                else r.model_copy(update={"index": offset + r.index, "partition": label,
                                          "partition_index": r.index})
                for r in ledger.rejected])
        offset += p.ledger.read
        yield ledger


class _Merging:
    """How reports merge (`Report.merge`, `Report.partial`): through partials."""

    @staticmethod
    def merge(items: Sequence[Any], rule_set: Any = None) -> Report:
        return merge(items, rule_set=rule_set)

    @staticmethod
    def partial_of(item: Any) -> Partial:
        return partial_of(item)


merge_with(_Merging())

"""Lists of events valid for a rule set, and lists of events it must reject."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ..model import RuleSet
from ..time.deadlines import LOCAL
from .pools import (
    BROADCAST_LENGTHS,
    DAY,
    DELAYS,
    DOC_CLASSES,
    EMERGENCY_LENGTHS,
    EVENT_MODELS,
    FOLLOW_UPS,
    HOUR,
    INCIDENT_CATEGORIES,
    REQUEST_KINDS,
    ROOT,
    UNKNOWN_SITE,
    Pools,
    available_types,
    default_window,
    draw_length,
    draw_moment,
    draw_period_label,
    maybe,
    pools_for,
    render_instant,
    window_arg,
)

__all__ = [
    "event_list",
    "events",
    "follow_up",
    "invalid_episode",
    "invalid_events",
    "root_event",
    "valid_episode",
]


def _maybe_set(draw: st.DrawFn, ev: dict[str, Any],
               pools: Sequence[tuple[str, Sequence[Any] | SearchStrategy[Any]]]) -> None:
    """Each field of `pools` set to a drawn value, or left out (drawn in order)."""
    for key, pool in pools:
        value = maybe(draw, pool)
        if value is not None:
            ev[key] = value


def _broadcast(draw: st.DrawFn, p: Pools, at: dt.datetime) -> dict[str, Any]:
    length = draw_length(draw, BROADCAST_LENGTHS)
    ev: dict[str, Any] = {"type": "broadcast", "site": draw(st.sampled_from(p.sites)),
                          "start": at, "end": at + dt.timedelta(seconds=length)}
    _maybe_set(draw, ev, (("category", p.categories), ("language", p.languages)))
    return ev


def _emergency(draw: st.DrawFn, p: Pools, at: dt.datetime) -> dict[str, Any]:
    length = draw_length(draw, EMERGENCY_LENGTHS)
    ev: dict[str, Any] = {"type": "emergency", "start": at,
                          "end": at + dt.timedelta(seconds=length)}
    if bool(p.sites) and draw(st.booleans()):
        ev["sites"] = draw(st.lists(st.sampled_from(p.sites), min_size=1, unique=True))
    return ev


def _submission(draw: st.DrawFn, p: Pools, ev: dict[str, Any], at: dt.datetime) -> None:
    ev["kind"] = draw(st.sampled_from(p.kinds))
    owners = p.kind_owners.get(ev["kind"], ())
    ev["actor"] = draw(st.sampled_from(owners) | st.sampled_from(p.actors)
                       if owners else st.sampled_from(p.actors))
    _maybe_set(draw, ev, (("to", p.recipients),))
    if draw(st.booleans()) and draw(st.booleans()):
        ev["period"] = draw_period_label(draw, at)


def _backup(draw: st.DrawFn, p: Pools, ev: dict[str, Any], at: dt.datetime) -> None:
    _maybe_set(draw, ev, (("site", p.sites), ("actor", p.actors)))


def _incident(draw: st.DrawFn, p: Pools, ev: dict[str, Any], at: dt.datetime) -> None:
    ev["site"] = draw(st.sampled_from(p.sites))
    ev["category"] = draw(st.sampled_from(INCIDENT_CATEGORIES))


def _by_actor(draw: st.DrawFn, p: Pools, ev: dict[str, Any], at: dt.datetime) -> None:
    ev["actor"] = draw(st.sampled_from(p.actors))
    if ev["type"] == "feedback_received":
        _maybe_set(draw, ev, (("to", p.recipients),))


def _request(draw: st.DrawFn, p: Pools, ev: dict[str, Any], at: dt.datetime) -> None:
    ev["actor"] = draw(st.sampled_from(p.recipients))
    ev["to"] = draw(st.sampled_from(p.actors))
    ev["kind"] = draw(st.sampled_from(REQUEST_KINDS))
    if draw(st.booleans()):
        ev["due"] = at + dt.timedelta(seconds=draw_length(draw, DELAYS) or HOUR)


def _document_received(draw: st.DrawFn, p: Pools, ev: dict[str, Any], at: dt.datetime
                       ) -> None:
    ev["doc_class"] = draw(st.sampled_from(DOC_CLASSES))
    _maybe_set(draw, ev, (("urgent", st.booleans()),))


def _content_published(draw: st.DrawFn, p: Pools, ev: dict[str, Any], at: dt.datetime
                       ) -> None:
    _maybe_set(draw, ev, (("site", p.sites), ("category", p.categories),
                          ("language", p.languages)))
    if draw(st.booleans()):
        fields = draw(st.lists(st.sampled_from(("author", "source", "published_at", "link")),
                               unique=True))
        ev["quoted_from"] = {f: (at - dt.timedelta(days=1) if f == "published_at"
                                 else f"{f} text") for f in fields}
    _maybe_set(draw, ev, (("state_secret", st.booleans()),))


#: Root types with a start and an end, each drawn whole.
_SPANS: dict[str, Callable[[st.DrawFn, Pools, dt.datetime], dict[str, Any]]] = {
    "broadcast": _broadcast, "emergency": _emergency}
#: The fields each root type with an instant `at` carries beyond its type (none: none).
_FIELDS: dict[str, Callable[[st.DrawFn, Pools, dict[str, Any], dt.datetime], None]] = {
    "submission": _submission, "backup": _backup, "incident": _incident,
    "feedback_received": _by_actor, "activity_ended": _by_actor, "document_signed": _by_actor,
    "request": _request, "document_received": _document_received,
    "content_published": _content_published,
}


def root_event(draw: st.DrawFn, p: Pools, kind: str, at: dt.datetime) -> dict[str, Any]:
    """One event of a root type at instant `at` (instants still as datetimes)."""
    if kind in _SPANS:
        return _SPANS[kind](draw, p, at)
    ev: dict[str, Any] = {"type": kind, "at": at}
    if kind in _FIELDS:
        _FIELDS[kind](draw, p, ev, at)
    return ev


def follow_up(draw: st.DrawFn, p: Pools, kind: str, root: dict[str, Any], at: dt.datetime
               ) -> dict[str, Any]:
    field_name = FOLLOW_UPS[kind][0]
    ev: dict[str, Any] = {"type": kind, "at": at, field_name: ROOT}
    if kind == "incident_resolved":
        operator = p.operators.get(root["site"])
        ev["actor"] = operator if operator and draw(st.booleans()) else draw(
            st.sampled_from(p.actors))
    elif kind == "incident_reported":
        operator = p.operators.get(root["site"])
        ev["actor"] = operator if operator and draw(st.booleans()) else draw(
            st.sampled_from(p.actors))
        ev["to"] = draw(st.sampled_from(p.recipients))
    elif kind == "feedback_forwarded":
        ev["actor"] = root["actor"] if draw(st.booleans()) else draw(st.sampled_from(p.actors))
        to = maybe(draw, p.recipients)
        if to is not None:
            ev["to"] = to
    elif kind == "info_provided":
        ev["actor"] = root["to"] if root["type"] == "request" else root["actor"]
    return ev


@st.composite
def valid_episode(draw: st.DrawFn, p: Pools, roots: Sequence[str], follow: Sequence[str],
             implied: frozenset[str]) -> list[tuple[dt.datetime, dict[str, Any]]]:
    """A root event and 0-2 follow-ups naming it, as (instant, event) pairs."""
    kind = draw(st.sampled_from(roots))
    hi = p.hi - dt.timedelta(seconds=1) if kind == "broadcast" else p.hi
    at = draw_moment(draw, p.lo, max(p.lo, hi))
    root = root_event(draw, p, kind, at)
    out = [(at, root)]
    mine = [t for t in follow if kind in FOLLOW_UPS[t][1]]
    if not mine:
        return out
    for t in draw(st.lists(st.sampled_from(mine), min_size=1 if kind in implied else 0,
                           max_size=2)):
        later = min(p.hi, at + dt.timedelta(seconds=draw_length(draw, DELAYS)))
        out.append((later, follow_up(draw, p, t, root, later)))
    return out


#: Defects every event can be given, then those of some types only (in the order drawn).
_DEFECTS_ALL = ("unknown_type", "no_type", "missing_field", "naive_instant", "bad_instant",
                "unknown_field", "meta_not_mapping")
_DEFECTS_OF_TYPE: dict[str, tuple[str, ...]] = {
    "broadcast": ("end_not_after_start", "unknown_site", "unknown_category", "bad_language"),
    "emergency": ("end_not_after_start", "unknown_site"),
    "incident": ("unknown_site", "bad_incident_category"),
    "backup": ("unknown_site",),
    "content_published": ("unknown_site", "unknown_category", "bad_language"),
    "submission": ("unknown_kind", "bad_period"),
    "document_received": ("bad_doc_class",),
}
#: defect -> (the field, the value that breaks it)
_SET_TO = {
    "meta_not_mapping": ("meta", "free text"),
    "unknown_kind": ("kind", "?unknown-kind"),
    "unknown_category": ("category", "?unknown-category"),
    "bad_incident_category": ("category", "fire"),
    "bad_doc_class": ("doc_class", "novel"),
}
#: defect -> (the field, values one of which breaks it)
_SET_TO_ONE_OF = {
    "bad_period": ("period", ("2024-13", "Q3", "last year")),
    "bad_language": ("language", ("not-a-language", "vi+vi", "english")),
}


def _break(draw: st.DrawFn, ev: dict[str, Any], kind: str, defect: str) -> None:
    """Give `ev` a defect that takes more than setting one field."""
    instants = [k for k in ("start", "end", "at") if k in ev]
    if defect == "unknown_type":
        ev["type"] = draw(st.sampled_from(["?unknown", kind + "s", kind.upper()]))
    elif defect == "no_type":
        del ev["type"]
    elif defect == "missing_field":
        model = EVENT_MODELS[kind]
        required = [n for n, f in model.model_fields.items() if f.is_required() and n != "type"]
        del ev[draw(st.sampled_from(required))]
    elif defect == "naive_instant":
        key = draw(st.sampled_from(instants))
        ev[key] = ev[key].astimezone(LOCAL).replace(tzinfo=None).isoformat()
    elif defect == "bad_instant":
        key = draw(st.sampled_from(instants))
        ev[key] = draw(st.sampled_from(["yesterday", "2024-13-45T00:00:00+07:00", 20240101]))
    elif defect == "unknown_field":
        ev[draw(st.sampled_from(["colour", "timestamp", "Site"]))] = "x"
    elif defect == "end_not_after_start":
        ev["end"] = ev["start"] - dt.timedelta(seconds=draw(st.integers(0, 3600)))
    elif defect == "unknown_site" and kind == "emergency":
        ev["sites"] = [UNKNOWN_SITE]
    elif defect == "unknown_site":
        ev["site"] = UNKNOWN_SITE


def _after(draw: st.DrawFn, as_of: dt.datetime, ev: dict[str, Any]) -> dt.datetime:
    """Move `ev` whole to a drawn instant after `as_of`; that instant."""
    later = as_of + dt.timedelta(seconds=draw(st.integers(1, 30 * DAY)))
    shift = later - (ev.get("start") or ev["at"])
    for key in ("start", "end", "at"):
        if key in ev:
            ev[key] = ev[key] + shift
    return later


@st.composite
def invalid_episode(draw: st.DrawFn, p: Pools, roots: Sequence[str], follow: Sequence[str]
                    ) -> list[tuple[dt.datetime, dict[str, Any]]]:
    """One event that evaluate() must reject, made by breaking a valid one."""
    kind = draw(st.sampled_from([*roots, *follow]))
    at = draw_moment(draw, p.lo, p.hi - dt.timedelta(seconds=1))
    if kind in FOLLOW_UPS:
        root_kind = next(r for r in FOLLOW_UPS[kind][1] if r in roots)
        ev = follow_up(draw, p, kind, root_event(draw, p, root_kind, at), at)
        ev[FOLLOW_UPS[kind][0]] = "?no-such-event"
    else:
        ev = root_event(draw, p, kind, at)
    defects = [*_DEFECTS_ALL, *_DEFECTS_OF_TYPE.get(kind, ())]
    if p.as_of is not None:
        defects.append("after_as_of")
    defect = draw(st.sampled_from(defects))
    if defect in _SET_TO:
        key, value = _SET_TO[defect]
        ev[key] = value
    elif defect in _SET_TO_ONE_OF:
        key, values = _SET_TO_ONE_OF[defect]
        ev[key] = draw(st.sampled_from(values))
    elif defect == "after_as_of":
        assert p.as_of is not None  # the defect is drawn only when as_of is known
        at = _after(draw, p.as_of, ev)
    else:
        _break(draw, ev, kind, defect)
    return [(at, ev)]


@st.composite
def event_list(draw: st.DrawFn, p: Pools, types: Iterable[str] | None, min_size: int,
                max_size: int, invalid: bool, id_prefix: str, anonymous: bool = False
                ) -> list[dict[str, Any]]:
    roots, follow, implied = available_types(p, types)
    if not roots:
        if min_size > 0:
            raise InvalidArgument("none of the requested event types can be generated for "
                                  "this rule set and registry (no sites or no submission kinds)")
        return []
    valid = valid_episode(p, roots, follow, implied)
    episode = st.one_of(valid, valid, valid, invalid_episode(p, roots, follow)) if invalid \
        else valid
    episodes = draw(st.lists(episode, min_size=min_size, max_size=max_size))
    pairs = [pair for ep in episodes for pair in ep][:max_size] if max_size else []
    out: list[dict[str, Any]] = []
    root_id = ""
    order = sorted(range(len(pairs)), key=lambda i: (pairs[i][0], i))
    ids = {i: f"{id_prefix}{n}" for n, i in enumerate(order)}
    named: set[str] = set()
    for i, (_, ev) in enumerate(pairs):
        if not any(v is ROOT for v in ev.values()):
            root_id = ids[i]
        ev["id"] = ids[i]
        for key, value in ev.items():
            if value is ROOT:
                ev[key] = root_id
                named.add(root_id)
    for i in order:
        ev = pairs[i][1]
        ident = ev.pop("id")
        rendered = {} if anonymous and ident not in named and draw(st.booleans()) else {
            "id": ident}
        for key, value in ev.items():
            if isinstance(value, dt.datetime):
                value = render_instant(draw, value)
            elif key == "quoted_from":
                value = {k: render_instant(draw, v) if isinstance(v, dt.datetime) else v
                         for k, v in value.items()}
            rendered[key] = value
        out.append(rendered)
    return out


def events(rule_set: RuleSet, *, start: Any = None, end: Any = None,
           sites: Sequence[Mapping[str, Any]] | None = None,
           actors: Mapping[str, Iterable[str]] | None = None,
           types: Iterable[str] | None = None, min_size: int = 0, max_size: int = 30,
           invalid: bool = False, id_prefix: str = "e", anonymous: bool = False
           ) -> SearchStrategy[list[dict[str, Any]]]:
    """Lists of events (JSON-ready dicts, in order of time) valid for `rule_set`.

    Instants fall in [`start`, `end`] (default: a year from the in-force date) and
    carry assorted UTC offsets; every event has a unique id `<id_prefix><n>`.
    Sites come from `sites` (the registry you will pass to evaluate) and the rule
    set's own sites; actors from the rule set's bodies, `actors` and site
    operators. Broadcasts and incidents need a site, submissions a submission
    kind: types the rule set and registry cannot support are left out.

    Follow-ups (`backup_deleted`, `incident_reported`, `feedback_forwarded`,
    `info_provided`, `document_published`) always name an earlier event of the
    right type, never earlier in time. `types` restricts the types drawn; roots a
    requested follow-up needs are added, each with at least one follow-up.

    The events are applied by `evaluate(..., as_of=T, sites=sites, actors=actors)`
    for any `T` at or after `end`. With `invalid=True` about one in four drawn
    items is an event `evaluate` rejects (see `invalid_events`). With
    `anonymous=True` about half the events carry no id — never one a follow-up names.
    """
    lo, hi = default_window(rule_set, start, end)
    return event_list(pools_for(rule_set, sites, actors, lo, hi, None), types, min_size,
                       max_size, invalid, id_prefix, anonymous)


def invalid_events(rule_set: RuleSet, *, start: Any = None, end: Any = None,
                   sites: Sequence[Mapping[str, Any]] | None = None,
                   actors: Mapping[str, Iterable[str]] | None = None,
                   as_of: Any = None, min_size: int = 1, max_size: int = 10,
                   id_prefix: str = "x") -> SearchStrategy[list[dict[str, Any]]]:
    """Lists of events `evaluate` must reject, each a valid event with one defect.

    Defects: an unknown or missing type, a required field missing, an instant
    without offset or unreadable, an unknown field, non-mapping `meta`, an end
    not after its start, a site not in the registry, an unknown submission kind,
    category or period, a language tag that is not ISO 639, a value outside a
    closed list, and — when `as_of` is given — an instant after it. Ids are
    unique and well-formed, so each rejection can be followed by id.
    """
    lo, hi = default_window(rule_set, start, end)
    limit = None if as_of is None else window_arg(as_of, "as_of")
    p = pools_for(rule_set, sites, actors, lo, hi, limit)
    roots, follow, _ = available_types(p, None)

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        items = draw(st.lists(invalid_episode(p, roots, follow), min_size=min_size,
                              max_size=max_size))
        out = []
        for n, ((_, ev),) in enumerate(items):
            rendered: dict[str, Any] = {"id": f"{id_prefix}{n}"}
            for key, value in ev.items():
                rendered[key] = render_instant(draw, value) if isinstance(value, dt.datetime) else (
                    {k: render_instant(draw, v) if isinstance(v, dt.datetime) else v
                     for k, v in value.items()} if key == "quoted_from" else value)
            out.append(rendered)
        return out

    return build()

"""Hypothesis strategies for property-based tests of quyche and of the systems that use it.

    from hypothesis import given
    import quyche
    from quyche.testing import event_streams

    RULES = quyche.load("path/to/rules.yaml")

    @given(event_streams(RULES, "2024-01-01T00:00:00+07:00", "2024-07-01T00:00:00+07:00"))
    def test_nothing_is_rejected(stream):
        assert stream.evaluate().rejected == []

Every strategy draws from the rule set it is given: submission kinds, categories,
language tags, actors and site kinds are the rule set's own, so generated events
are applied, not rejected, unless invalid ones are asked for. Event lists carry
unique ids, instants with assorted UTC offsets, and references (`backup`,
`incident`, `feedback`, `ref`) that name an earlier event of the right type.

`register_profiles()` registers the hypothesis profiles `dev` (few examples),
`ci` (more examples, no deadline, derandomized) and `hunt` (many, random). Needs
the `testing` extra (hypothesis).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

try:
    from hypothesis import HealthCheck, settings
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
    from hypothesis.strategies import SearchStrategy
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "quyche.testing needs hypothesis: pip install 'quyche[testing]'"
    ) from exc

import yaml

from .. import events as _ev
from .._load import get_path, set_path, valid_language_tag, validate
from ..errors import RuleSetError
from ..evaluation.engine import evaluate
from ..model import RuleSet
from ..report import Report
from ..time.deadlines import LOCAL
from ..vocabulary import EVENT_TYPES, PERIOD_MONTHS

__all__ = [
    "Stream",
    "actor_registries",
    "arbitrary_events",
    "discharging_events",
    "event_streams",
    "events",
    "invalid_events",
    "malformed_rule_set_texts",
    "register_profiles",
    "rule_set_variations",
    "site_registries",
]

# --------------------------------------------------------------------------- profiles


def register_profiles() -> None:
    """Register the hypothesis profiles `dev`, `ci` and `hunt`.

    `dev` is fast and random, for the edit-test loop. `ci` runs four times as many
    examples, with no deadline, derandomized: a gate must give the same verdict on
    the same code, so a random draw never blocks a merge. `hunt` is random and long,
    for looking for new failures (quyche runs it with `make hunt`); a failure it
    finds becomes an `@example` or a unit test. Load one with
    `hypothesis.settings.load_profile(name)`, e.g. from an environment variable in
    `conftest.py`.
    """
    # Each from hypothesis' own defaults, not from whichever profile is loaded now.
    base = settings.get_profile("default")
    settings.register_profile(
        "dev", parent=base, max_examples=15, deadline=dt.timedelta(seconds=5),
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "ci", parent=base, max_examples=60, deadline=None, print_blob=True, derandomize=True,
        database=None, suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "hunt", parent=base, max_examples=400, deadline=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )


# --------------------------------------------------------------------------- vocabulary

_MODELS: dict[str, type] = {
    "broadcast": _ev.Broadcast,
    "emergency": _ev.Emergency,
    "submission": _ev.Submission,
    "backup": _ev.Backup,
    "backup_deleted": _ev.BackupDeleted,
    "incident": _ev.Incident,
    "incident_reported": _ev.IncidentReported,
    "incident_resolved": _ev.IncidentResolved,
    "request": _ev.Request,
    "feedback_received": _ev.FeedbackReceived,
    "feedback_forwarded": _ev.FeedbackForwarded,
    "activity_ended": _ev.ActivityEnded,
    "document_signed": _ev.DocumentSigned,
    "info_provided": _ev.InfoProvided,
    "document_received": _ev.DocumentReceived,
    "document_published": _ev.DocumentPublished,
    "content_published": _ev.ContentPublished,
}
#: follow-up type -> (the field naming its root, the root types it may name)
_FOLLOW_UPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "backup_deleted": ("backup", ("backup",)),
    "incident_reported": ("incident", ("incident",)),
    "incident_resolved": ("incident", ("incident",)),
    "feedback_forwarded": ("feedback", ("feedback_received",)),
    "info_provided": ("ref", ("activity_ended", "document_signed", "request")),
    "document_published": ("ref", ("document_received",)),
}
_ROOTS = tuple(t for t in EVENT_TYPES if t not in _FOLLOW_UPS)
_NEEDS_SITE = ("broadcast", "incident")
_INCIDENT_CATEGORIES = get_args(_ev.Incident.model_fields["category"].annotation)
_DOC_CLASSES = get_args(_ev.DocumentReceived.model_fields["doc_class"].annotation)
_REQUEST_KINDS = get_args(_ev.Request.model_fields["kind"].annotation)
# Offsets an exporter might write; +07:00 first so that shrinking lands on local time.
_OFFSETS = ("+07:00", "Z", "+00:00", "+09:00", "-05:00", "+05:45", "-09:30")
_EXTRA_LANGUAGES = ("vi", "en", "fr", "zh", "ja", "vi+en")
_DAY = 86400
_HOUR = 3600
_BROADCAST_LENGTHS = (3 * _HOUR, 900, _HOUR, 2 * _HOUR, 4 * _HOUR, 6 * _HOUR, 8 * _HOUR,
                      12 * _HOUR, 18 * _HOUR, 24 * _HOUR, 2 * _DAY, 1)
_EMERGENCY_LENGTHS = (2 * _HOUR, 60, _HOUR, 6 * _HOUR, _DAY, 3 * _DAY)
_DELAYS = (_HOUR, 0, 6 * _HOUR, 20 * _HOUR, _DAY, 2 * _DAY, 4 * _DAY, 8 * _DAY, 16 * _DAY,
           40 * _DAY)
_ID = st.from_regex(r"[a-z][a-z0-9_]{0,9}", fullmatch=True)
# Names no rule set or generated registry uses (ids are snake_case), for invalid events.
_UNKNOWN_SITE = "?unknown-site"


class _Root:
    """Placeholder for the id of an episode's first event, filled in when ids are given."""


_ROOT = _Root()


@dataclass(frozen=True)
class _Pools:
    """What generated events may name, drawn from the rule set and the registries."""

    sites: tuple[str, ...]
    operators: Mapping[str, str | None]
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    kinds: tuple[str, ...]
    kind_owners: Mapping[str, tuple[str, ...]]
    categories: tuple[str, ...]
    languages: tuple[str, ...]
    lo: dt.datetime
    hi: dt.datetime
    as_of: dt.datetime | None  # when known: events after it are invalid


def _pools(rule_set: RuleSet, sites: Sequence[Mapping[str, Any]] | None,
           actors: Mapping[str, Iterable[str]] | None, lo: dt.datetime, hi: dt.datetime,
           as_of: dt.datetime | None) -> _Pools:
    operators: dict[str, str | None] = {s.id: s.operator for s in rule_set.sites}
    kinds_of: dict[str, str] = {s.id: s.kind for s in rule_set.sites}
    for s in sites or ():
        operators[s["id"]] = s.get("operator")
        kinds_of[s["id"]] = s["kind"]
    groups: dict[str, set[str]] = {}
    for a in rule_set.actors:
        for g in a.member_of:
            groups.setdefault(a.id, set()).add(g)
    for actor, member_of in (actors or {}).items():
        groups.setdefault(actor, set()).update(member_of)
    bodies = {a.id for a in rule_set.actors if a.kind == "body"}
    pool = sorted(bodies | set(actors or {}) | {o for o in operators.values() if o})
    kind_owners: dict[str, set[str]] = {}
    for ob in rule_set.obligations:
        if ob.discharged_by.event != "submission" or ob.recurrence is None:
            continue
        owners = kind_owners.setdefault(ob.discharged_by.kind, set())
        for ref in ob.owed_by:
            declared = rule_set.actor(ref)
            if declared is None:
                continue
            if declared.kind == "body":
                owners.add(ref)
            elif declared.kind == "group":
                owners |= {a for a, gs in groups.items() if ref in gs}
            else:
                owners |= {o for s, o in operators.items() if o and (
                    ob.site_kinds is None or kinds_of[s] in ob.site_kinds)}
    recipients = sorted({r for ob in rule_set.obligations for r in ob.owed_to})
    group_codes = {g.id: g.codes for g in rule_set.languages.groups}
    tags: set[str] = set(_EXTRA_LANGUAGES)
    for codes in group_codes.values():
        tags.update(codes)
    for policy in rule_set.languages.policies:
        for allowed in policy.allowed:
            tags.update(group_codes.get(allowed, [allowed]))
    return _Pools(
        sites=tuple(sorted(operators)),
        operators=operators,
        actors=tuple(pool) or ("actor",),
        recipients=tuple(recipients) or tuple(pool) or ("actor",),
        kinds=tuple(k.id for k in rule_set.submission_kinds),
        kind_owners={k: tuple(sorted(v)) for k, v in kind_owners.items() if v},
        categories=tuple(c.id for c in rule_set.categories),
        languages=tuple(sorted(t for t in tags if valid_language_tag(t))),
        lo=lo, hi=hi, as_of=as_of,
    )


def _available(p: _Pools, types: Iterable[str] | None
               ) -> tuple[list[str], list[str], frozenset[str]]:
    """(root types, follow-up types, roots only there for a follow-up) that can be drawn."""
    wanted = list(EVENT_TYPES if types is None else types)
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown:
        raise InvalidArgument(f"unknown event types {unknown}; expected some of "
                              f"{list(EVENT_TYPES)}")

    def possible(t: str) -> bool:
        if t in _NEEDS_SITE and not p.sites:
            return False
        return not (t == "submission" and not p.kinds)

    follow = [t for t in wanted if t in _FOLLOW_UPS
              and any(possible(r) for r in _FOLLOW_UPS[t][1])]
    roots = [t for t in wanted if t in _ROOTS and possible(t)]
    implied = set()
    for t in follow:
        for r in _FOLLOW_UPS[t][1]:
            if possible(r) and r not in roots:
                roots.append(r)
                implied.add(r)
    return roots, follow, frozenset(implied)


# --------------------------------------------------------------------------- instants


def _window_arg(value: Any, name: str) -> dt.datetime:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=LOCAL)
    try:
        return _ev.parse_instant(value)
    except ValueError as exc:
        raise InvalidArgument(f"{name}: {exc}") from None


def _default_window(rule_set: RuleSet, start: Any, end: Any) -> tuple[dt.datetime, dt.datetime]:
    if start is None:
        day = rule_set.instrument.date_of("in_force") or dt.date(2025, 1, 1)
        lo = dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL)
    else:
        lo = _window_arg(start, "start")
    hi = lo + dt.timedelta(days=366) if end is None else _window_arg(end, "end")
    if hi <= lo:
        raise InvalidArgument(f"end ({hi.isoformat()}) must be after start ({lo.isoformat()})")
    return lo, hi


def _moment(draw: Any, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    """An instant in [lo, hi], whole seconds after lo, spread over the days and the hours.

    `st.integers` over a wide range favours its low end; choosing a day and a
    quarter of an hour with `sampled_from` spreads instants across the window.
    """
    span = max(0, int((hi - lo).total_seconds()))
    days = span // _DAY
    day = draw(st.sampled_from(range(days + 1))) if days else 0
    second = draw(st.sampled_from(range(0, _DAY, 900))) + draw(st.integers(0, 899))
    return lo + dt.timedelta(seconds=min(span, day * _DAY + second))


def _length(draw: Any, choices: Sequence[int]) -> int:
    """A length in seconds: one of `choices`, sometimes with a few minutes more."""
    return draw(st.sampled_from(choices)) + draw(st.just(0) | st.integers(1, 1800))


def _render(draw: Any, moment: dt.datetime) -> str:
    offset = draw(st.sampled_from(_OFFSETS))
    if offset in ("Z", "+00:00"):
        text = moment.astimezone(dt.timezone.utc).isoformat()
        return text.replace("+00:00", "Z") if offset == "Z" else text
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    zone = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    return moment.astimezone(zone).isoformat()


def _maybe(draw: Any, values: Sequence[Any] | SearchStrategy) -> Any:
    if isinstance(values, Sequence):
        if not values:
            return None
        values = st.sampled_from(values)
    return draw(st.none() | values)


def _period_label(draw: Any, moment: dt.datetime) -> str:
    day = moment.astimezone(LOCAL).date()
    return draw(st.sampled_from([
        str(day.year),
        f"{day.year}-H{(day.month - 1) // 6 + 1}",
        f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        f"{day.year}-{day.month:02d}",
    ]))


# --------------------------------------------------------------------------- events


def _root_event(draw: Any, p: _Pools, kind: str, at: dt.datetime) -> dict[str, Any]:
    """One event of a root type at instant `at` (instants still as datetimes)."""
    if kind == "broadcast":
        length = _length(draw, _BROADCAST_LENGTHS)
        ev: dict[str, Any] = {"type": kind, "site": draw(st.sampled_from(p.sites)),
                              "start": at, "end": at + dt.timedelta(seconds=length)}
        for key, pool in (("category", p.categories), ("language", p.languages)):
            value = _maybe(draw, pool)
            if value is not None:
                ev[key] = value
        return ev
    if kind == "emergency":
        length = _length(draw, _EMERGENCY_LENGTHS)
        ev = {"type": kind, "start": at, "end": at + dt.timedelta(seconds=length)}
        if p.sites and draw(st.booleans()):
            ev["sites"] = draw(st.lists(st.sampled_from(p.sites), min_size=1, unique=True))
        return ev
    ev = {"type": kind, "at": at}
    if kind == "submission":
        ev["kind"] = draw(st.sampled_from(p.kinds))
        owners = p.kind_owners.get(ev["kind"], ())
        ev["actor"] = draw(st.sampled_from(owners) | st.sampled_from(p.actors)
                           if owners else st.sampled_from(p.actors))
        to = _maybe(draw, p.recipients)
        if to is not None:
            ev["to"] = to
        if draw(st.booleans()) and draw(st.booleans()):
            ev["period"] = _period_label(draw, at)
    elif kind == "backup":
        for key, pool in (("site", p.sites), ("actor", p.actors)):
            value = _maybe(draw, pool)
            if value is not None:
                ev[key] = value
    elif kind == "incident":
        ev["site"] = draw(st.sampled_from(p.sites))
        ev["category"] = draw(st.sampled_from(_INCIDENT_CATEGORIES))
    elif kind in ("feedback_received", "activity_ended", "document_signed"):
        ev["actor"] = draw(st.sampled_from(p.actors))
        if kind == "feedback_received":
            to = _maybe(draw, p.recipients)
            if to is not None:
                ev["to"] = to
    elif kind == "request":
        ev["actor"] = draw(st.sampled_from(p.recipients))
        ev["to"] = draw(st.sampled_from(p.actors))
        ev["kind"] = draw(st.sampled_from(_REQUEST_KINDS))
        if draw(st.booleans()):
            ev["due"] = at + dt.timedelta(seconds=_length(draw, _DELAYS) or _HOUR)
    elif kind == "document_received":
        ev["doc_class"] = draw(st.sampled_from(_DOC_CLASSES))
        urgent = _maybe(draw, st.booleans())
        if urgent is not None:
            ev["urgent"] = urgent
    elif kind == "content_published":
        for key, pool in (("site", p.sites), ("category", p.categories),
                          ("language", p.languages)):
            value = _maybe(draw, pool)
            if value is not None:
                ev[key] = value
        if draw(st.booleans()):
            fields = draw(st.lists(st.sampled_from(("author", "source", "published_at",
                                                     "link")), unique=True))
            ev["quoted_from"] = {f: (at - dt.timedelta(days=1) if f == "published_at"
                                     else f"{f} text") for f in fields}
        secret = _maybe(draw, st.booleans())
        if secret is not None:
            ev["state_secret"] = secret
    return ev


def _follow_up(draw: Any, p: _Pools, kind: str, root: dict[str, Any], at: dt.datetime
               ) -> dict[str, Any]:
    field_name = _FOLLOW_UPS[kind][0]
    ev: dict[str, Any] = {"type": kind, "at": at, field_name: _ROOT}
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
        to = _maybe(draw, p.recipients)
        if to is not None:
            ev["to"] = to
    elif kind == "info_provided":
        ev["actor"] = root["to"] if root["type"] == "request" else root["actor"]
    return ev


@st.composite
def _episode(draw: Any, p: _Pools, roots: Sequence[str], follow: Sequence[str],
             implied: frozenset[str]) -> list[tuple[dt.datetime, dict[str, Any]]]:
    """A root event and 0-2 follow-ups naming it, as (instant, event) pairs."""
    kind = draw(st.sampled_from(roots))
    hi = p.hi - dt.timedelta(seconds=1) if kind == "broadcast" else p.hi
    at = _moment(draw, p.lo, max(p.lo, hi))
    root = _root_event(draw, p, kind, at)
    out = [(at, root)]
    mine = [t for t in follow if kind in _FOLLOW_UPS[t][1]]
    if not mine:
        return out
    for t in draw(st.lists(st.sampled_from(mine), min_size=1 if kind in implied else 0,
                           max_size=2)):
        later = min(p.hi, at + dt.timedelta(seconds=_length(draw, _DELAYS)))
        out.append((later, _follow_up(draw, p, t, root, later)))
    return out


_DEFECTS_ALL = ("unknown_type", "no_type", "missing_field", "naive_instant", "bad_instant",
                "unknown_field", "meta_not_mapping")


@st.composite
def _invalid_episode(draw: Any, p: _Pools, roots: Sequence[str], follow: Sequence[str]
                     ) -> list[tuple[dt.datetime, dict[str, Any]]]:
    """One event that evaluate() must reject, made by breaking a valid one."""
    kind = draw(st.sampled_from([*roots, *follow]))
    at = _moment(draw, p.lo, p.hi - dt.timedelta(seconds=1))
    if kind in _FOLLOW_UPS:
        root_kind = next(r for r in _FOLLOW_UPS[kind][1] if r in roots)
        ev = _follow_up(draw, p, kind, _root_event(draw, p, root_kind, at), at)
        ev[_FOLLOW_UPS[kind][0]] = "?no-such-event"
    else:
        ev = _root_event(draw, p, kind, at)
    defects = list(_DEFECTS_ALL)
    if kind in ("broadcast", "emergency"):
        defects.append("end_not_after_start")
    if kind in ("broadcast", "incident", "backup", "content_published", "emergency"):
        defects.append("unknown_site")
    if kind == "submission":
        defects += ["unknown_kind", "bad_period"]
    if kind in ("broadcast", "content_published"):
        defects += ["unknown_category", "bad_language"]
    if kind == "incident":
        defects.append("bad_incident_category")
    if kind == "document_received":
        defects.append("bad_doc_class")
    if p.as_of is not None:
        defects.append("after_as_of")
    defect = draw(st.sampled_from(defects))
    instants = [k for k in ("start", "end", "at") if k in ev]
    model = _MODELS[kind]
    required = [n for n, f in model.model_fields.items() if f.is_required() and n != "type"]
    if defect == "unknown_type":
        ev["type"] = draw(st.sampled_from(["?unknown", kind + "s", kind.upper()]))
    elif defect == "no_type":
        del ev["type"]
    elif defect == "missing_field":
        del ev[draw(st.sampled_from(required))]
    elif defect == "naive_instant":
        key = draw(st.sampled_from(instants))
        ev[key] = ev[key].astimezone(LOCAL).replace(tzinfo=None).isoformat()
    elif defect == "bad_instant":
        key = draw(st.sampled_from(instants))
        ev[key] = draw(st.sampled_from(["yesterday", "2024-13-45T00:00:00+07:00", 20240101]))
    elif defect == "unknown_field":
        ev[draw(st.sampled_from(["colour", "timestamp", "Site"]))] = "x"
    elif defect == "meta_not_mapping":
        ev["meta"] = "free text"
    elif defect == "end_not_after_start":
        ev["end"] = ev["start"] - dt.timedelta(seconds=draw(st.integers(0, 3600)))
    elif defect == "unknown_site":
        if kind == "emergency":
            ev["sites"] = [_UNKNOWN_SITE]
        else:
            ev["site"] = _UNKNOWN_SITE
    elif defect == "unknown_kind":
        ev["kind"] = "?unknown-kind"
    elif defect == "bad_period":
        ev["period"] = draw(st.sampled_from(["2024-13", "Q3", "last year"]))
    elif defect == "unknown_category":
        ev["category"] = "?unknown-category"
    elif defect == "bad_language":
        ev["language"] = draw(st.sampled_from(["not-a-language", "vi+vi", "english"]))
    elif defect == "bad_incident_category":
        ev["category"] = "fire"
    elif defect == "bad_doc_class":
        ev["doc_class"] = "novel"
    else:  # after_as_of
        later = p.as_of + dt.timedelta(seconds=draw(st.integers(1, 30 * _DAY)))
        shift = later - (ev.get("start") or ev["at"])
        for key in instants:
            ev[key] = ev[key] + shift
        at = later
    return [(at, ev)]


@st.composite
def _event_list(draw: Any, p: _Pools, types: Iterable[str] | None, min_size: int,
                max_size: int, invalid: bool, id_prefix: str, anonymous: bool = False
                ) -> list[dict[str, Any]]:
    roots, follow, implied = _available(p, types)
    if not roots:
        if min_size > 0:
            raise InvalidArgument("none of the requested event types can be generated for "
                                  "this rule set and registry (no sites or no submission kinds)")
        return []
    valid = _episode(p, roots, follow, implied)
    episode = st.one_of(valid, valid, valid, _invalid_episode(p, roots, follow)) if invalid \
        else valid
    episodes = draw(st.lists(episode, min_size=min_size, max_size=max_size))
    pairs = [pair for ep in episodes for pair in ep][:max_size] if max_size else []
    out: list[dict[str, Any]] = []
    root_id = ""
    order = sorted(range(len(pairs)), key=lambda i: (pairs[i][0], i))
    ids = {i: f"{id_prefix}{n}" for n, i in enumerate(order)}
    named: set[str] = set()
    for i, (_, ev) in enumerate(pairs):
        if not any(v is _ROOT for v in ev.values()):
            root_id = ids[i]
        ev["id"] = ids[i]
        for key, value in ev.items():
            if value is _ROOT:
                ev[key] = root_id
                named.add(root_id)
    for i in order:
        ev = pairs[i][1]
        ident = ev.pop("id")
        rendered = {} if anonymous and ident not in named and draw(st.booleans()) else {
            "id": ident}
        for key, value in ev.items():
            if isinstance(value, dt.datetime):
                value = _render(draw, value)
            elif key == "quoted_from":
                value = {k: _render(draw, v) if isinstance(v, dt.datetime) else v
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
    lo, hi = _default_window(rule_set, start, end)
    return _event_list(_pools(rule_set, sites, actors, lo, hi, None), types, min_size,
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
    lo, hi = _default_window(rule_set, start, end)
    limit = None if as_of is None else _window_arg(as_of, "as_of")
    p = _pools(rule_set, sites, actors, lo, hi, limit)
    roots, follow, _ = _available(p, None)

    @st.composite
    def build(draw: Any) -> list[dict[str, Any]]:
        items = draw(st.lists(_invalid_episode(p, roots, follow), min_size=min_size,
                              max_size=max_size))
        out = []
        for n, ((_, ev),) in enumerate(items):
            rendered: dict[str, Any] = {"id": f"{id_prefix}{n}"}
            for key, value in ev.items():
                rendered[key] = _render(draw, value) if isinstance(value, dt.datetime) else (
                    {k: _render(draw, v) if isinstance(v, dt.datetime) else v
                     for k, v in value.items()} if key == "quoted_from" else value)
            out.append(rendered)
        return out

    return build()


# --------------------------------------------------------------------------- registries


def site_registries(rule_set: RuleSet, *, min_size: int = 1, max_size: int = 4
                    ) -> SearchStrategy[list[dict[str, Any]]]:
    """Site registries for `evaluate(sites=...)`: `{"id", "kind", "operator"}`, ids unique.

    Kinds are the rule set's site kinds; operators are bodies the rule set names
    or bodies of their own.
    """
    kinds = [k.id for k in rule_set.site_kinds]
    bodies = sorted(a.id for a in rule_set.actors if a.kind == "body")
    operators = st.sampled_from(bodies) | _ID.map(lambda s: "op_" + s) if bodies else \
        _ID.map(lambda s: "op_" + s)
    site = st.fixed_dictionaries({"id": _ID.map(lambda s: "site_" + s),
                                  "kind": st.sampled_from(kinds), "operator": operators})
    return st.lists(site, min_size=min_size, max_size=max_size, unique_by=lambda s: s["id"])


def actor_registries(rule_set: RuleSet, *, max_size: int = 4
                     ) -> SearchStrategy[dict[str, list[str]]]:
    """Actor registries for `evaluate(actors=...)`: actor id -> groups it belongs to.

    Groups are the rule set's declared groups; actors are its bodies or new ones.
    """
    groups = sorted(a.id for a in rule_set.actors if a.kind == "group")
    bodies = sorted(a.id for a in rule_set.actors if a.kind == "body")
    keys = st.sampled_from(bodies) | _ID.map(lambda s: "body_" + s) if bodies else \
        _ID.map(lambda s: "body_" + s)
    values = st.lists(st.sampled_from(groups), unique=True).map(sorted) if groups else \
        st.just([])
    return st.dictionaries(keys, values, max_size=max_size)


# --------------------------------------------------------------------------- streams


@dataclass(frozen=True)
class Stream:
    """An event stream over a window, with the registries it was drawn for.

    `evaluate()` evaluates it with `as_of=end`, `since=start` and the registries;
    pass other events (a partition, a shuffle) or override any argument.
    """

    rule_set: RuleSet
    events: list[dict[str, Any]]
    start: dt.datetime
    end: dt.datetime
    sites: list[dict[str, Any]]
    actors: dict[str, list[str]]

    def __repr__(self) -> str:
        return (f"Stream(rule_set={self.rule_set.id!r}, start={self.start.isoformat()!r}, "
                f"end={self.end.isoformat()!r}, sites={self.sites!r}, actors={self.actors!r}, "
                f"events={self.events!r})")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # hypothesis prints dataclasses field by field; a rule set is too long to read there.
        printer.text(repr(self))

    def arguments(self, **overrides: Any) -> dict[str, Any]:
        """The keyword arguments `evaluate` gets for this stream, with overrides."""
        return {"as_of": self.end, "since": self.start, "sites": self.sites,
                "actors": self.actors, **overrides}

    def evaluate(self, events: Iterable[Any] | None = None, **overrides: Any) -> Report:
        return evaluate(self.rule_set, self.events if events is None else events,
                        **self.arguments(**overrides))


def event_streams(rule_set: RuleSet, start: Any, end: Any, *,
                  sites: Sequence[Mapping[str, Any]] | None = None,
                  actors: Mapping[str, Iterable[str]] | None = None,
                  types: Iterable[str] | None = None, min_size: int = 0, max_size: int = 40,
                  invalid: bool = False, anonymous: bool = False) -> SearchStrategy[Stream]:
    """`Stream`s of events in [`start`, `end`] with the registries they name.

    The registries are drawn (`site_registries`, `actor_registries`) unless given.
    With `invalid=True` the stream also holds events `evaluate` rejects, including
    events after `end` (the stream's `as_of`); with `anonymous=True` some events
    have no id (see `events`).
    """
    lo, hi = _window_arg(start, "start"), _window_arg(end, "end")
    if hi <= lo:
        raise InvalidArgument(f"end ({hi.isoformat()}) must be after start ({lo.isoformat()})")
    site_st = st.just([dict(s) for s in sites]) if sites is not None else \
        site_registries(rule_set)
    actor_st = st.just({a: list(g) for a, g in actors.items()}) if actors is not None else \
        actor_registries(rule_set)

    @st.composite
    def build(draw: Any) -> Stream:
        registry = draw(site_st)
        members = draw(actor_st)
        pools = _pools(rule_set, registry, members, lo, hi, hi)
        evs = draw(_event_list(pools, types, min_size, max_size, invalid, "e", anonymous))
        return Stream(rule_set, evs, lo, hi, registry, members)

    return build()


def discharging_events(rule_set: RuleSet, report: Report, *, start: Any = None,
                       end: Any = None, event_id: str = "d0"
                       ) -> SearchStrategy[dict[str, Any]]:
    """One event that would discharge one of `report`'s obligations, at a drawn instant.

    A submission of the duty's kind by its actor (sometimes naming the period), a
    backup by its actor, or the follow-up that names the duty's trigger. The
    instant falls in [`start`, `end`] (default: the report's since and as_of).
    Draws nothing (an invalid example) when no obligation can be discharged.
    """
    lo = report.since if start is None else _window_arg(start, "start")
    hi = report.as_of if end is None else _window_arg(end, "end")
    candidates = []
    for o in report.obligations:
        ob = rule_set.obligation(o.rule_id)
        if ob is None:
            continue
        how = ob.discharged_by
        if how.event == "submission" or (how.event == "backup" and o.period) or (
                how.match == "ref" and o.trigger):
            candidates.append((o, ob))
    if not candidates or hi < lo:
        return st.nothing()

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        o, ob = draw(st.sampled_from(candidates))
        how = ob.discharged_by
        at = _moment(draw, lo, hi)
        ev: dict[str, Any] = {"id": event_id, "type": how.event, "at": _render(draw, at)}
        if how.event == "submission":
            ev.update(actor=o.actor, kind=how.kind)
            if o.period and draw(st.booleans()):
                ev["period"] = o.period
            if ob.owed_to and draw(st.booleans()):
                ev["to"] = draw(st.sampled_from(ob.owed_to))
        elif how.event == "backup":
            ev["actor"] = o.actor
        else:
            ev[how.ref_field] = o.trigger
            if "actor" in _MODELS[how.event].model_fields:
                ev["actor"] = o.actor
            if how.event == "incident_reported":
                ev["to"] = ob.owed_to[0] if ob.owed_to else o.actor
        return ev

    return build()


# --------------------------------------------------------------------------- variations

_HALF_HOURS = [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60 + 1, 30)]
_VARIATION_LANGUAGES = ("vi", "en", "zh", "km", "lo", "fr", "ja", "vi+en", "vi+zh")


def _variation_points(rs: RuleSet) -> list[tuple[str, Any, SearchStrategy]]:
    """(path, current value, strategy of other values) for each value worth varying."""
    out: list[tuple[str, Any, SearchStrategy]] = []

    def add(path: str, old: Any, new: SearchStrategy) -> None:
        out.append((path, old, new.filter(lambda v, o=old: v != o)))

    def choose(path: str, old: Any, options: Sequence[Any]) -> None:
        options = [v for v in options if v != old]
        if options:
            out.append((path, old, st.sampled_from(options)))

    for ob in rs.obligations:
        base = f"obligations.{ob.id}"
        r = ob.recurrence
        if r is not None:
            if r.anchor == "calendar":
                add(f"{base}.recurrence.day", r.day, st.integers(1, 28))
                months = PERIOD_MONTHS[r.every] * r.interval
                if months > 1:
                    # No month means the last one: naming it would change nothing.
                    choose(f"{base}.recurrence.month", r.month,
                           [m for m in range(1, months + 1) if r.month or m != months])
                # `on` and `by` read the same, and `before` does too unless it is exclusive;
                # with neither day nor month the duty is due at the end of the period anyway.
                if (r.day or r.month) and rs.policies.before_date.value == "exclusive":
                    choose(f"{base}.recurrence.relation", r.relation,
                           ["on"] if r.relation == "before" else ["before"])
            if r.every == "year":
                add(f"{base}.recurrence.interval", r.interval, st.integers(1, 5))
        deadlines = [(f"{base}.deadline", ob.deadline)] + [
            (f"{base}.exceptions.{ex.id}.deadline", ex.deadline) for ex in ob.exceptions]
        for path, deadline in deadlines:
            if deadline is not None and deadline.kind != "same_day":
                add(f"{path}.{deadline.kind}", deadline.amount, st.integers(1, 60))
    for rule in rs.broadcast.rules:
        base = f"broadcast.rules.{rule.id}"
        for name in ("min_hours", "max_hours"):
            if getattr(rule, name) is not None:
                add(f"{base}.{name}", getattr(rule, name),
                    st.sampled_from([k / 2 for k in range(1, 49)]))
        for part in rule.parts:
            add(f"{base}.parts.{part.id}.min_hours", part.min_hours,
                st.sampled_from([k / 2 for k in range(1, 25)]))
        add(f"{base}.tolerance_minutes", rule.tolerance_minutes, st.integers(0, 120))
        kinds = list(rule.day_kinds)
        choose(f"{base}.day_kinds", kinds, [
            [k for k in ("working_day", "weekend", "holiday") if (k in kinds) != (k == toggled)]
            for toggled in ("working_day", "weekend", "holiday")
            if kinds != [toggled]])
        for i, window in enumerate(rule.required_windows):
            choose(f"{base}.required_windows.{i}.start", window.start,
                   [t for t in _HALF_HOURS if t < window.end])
            choose(f"{base}.required_windows.{i}.end", window.end,
                   [t for t in _HALF_HOURS if t > window.start])
    if rs.broadcast.rules:
        choose("broadcast.swapped_weekend_days", rs.broadcast.swapped_weekend_days,
               ("working_day", "weekend"))
    groups = [g.id for g in rs.languages.groups]
    for policy in rs.languages.policies:
        allowed = list(policy.allowed)
        options = [[*allowed, tag] for tag in (*_VARIATION_LANGUAGES, *groups)
                   if tag not in allowed]
        if len(allowed) > 1:
            options += [[t for t in allowed if t != gone] for gone in allowed]
        choose(f"languages.policies.{policy.id}.allowed", allowed, options)
        choose(f"languages.policies.{policy.id}.mode", policy.mode, ("limit", "plan"))
        choose(f"languages.policies.{policy.id}.bilingual", policy.bilingual,
               ("listed", "of_allowed"))
    choose("policies.before_date.value", rs.policies.before_date.value,
           ("exclusive", "inclusive"))
    for name in ("roll_forward_periods", "roll_forward_fixed_dates", "roll_forward_retention"):
        if getattr(rs.policies, name) is not None:
            choose(f"policies.{name}.value", getattr(rs.policies, name).value, (True, False))
    for c in rs.constraints:
        if c.kind == "daily_update":
            kinds = list(c.day_kinds)
            choose(f"constraints.{c.id}.day_kinds", kinds, [
                [k for k in ("working_day", "weekend", "holiday") if (k in kinds) != (k == t)]
                for t in ("working_day", "weekend", "holiday")])
        if c.kind == "backup_retention":
            unit = next(k for k, v in c.retention.__dict__.items() if v is not None)
            add(f"constraints.{c.id}.retention.{unit}", getattr(c.retention, unit),
                st.integers(1, 36))
    return out


def _vary(rs: RuleSet, path: str, old: Any, new: Any) -> tuple[RuleSet, str] | None:
    data = copy.deepcopy(rs.model_dump())
    set_path(data, path, copy.deepcopy(new))
    # An interpretation records the value its path holds: keep it in step.
    for interp in data["interpretations"]:
        try:
            actual = get_path(data, interp["path"])
        except KeyError:
            continue
        interp["value"] = copy.deepcopy(actual)
    description = f"{path}: {json.dumps(old, ensure_ascii=False)} -> " \
                  f"{json.dumps(new, ensure_ascii=False)}"
    try:
        return validate(data, {}, f"{rs.id} ({description})", []), description
    except RuleSetError:
        return None


def rule_set_variations(rule_set: RuleSet) -> SearchStrategy[tuple[RuleSet, str]]:
    """(changed rule set, description) pairs: one value changed, the result still valid.

    The values varied are those a diff should notice: a recurrence's day, month,
    relation or interval, a deadline amount, broadcast hours, parts, windows,
    tolerance and kinds of day, a language list or mode, a deadline policy, a
    retention period. Changes that read the same are not drawn (`on` for `by`,
    the last month named where none was). The description reads
    `"<path>: <old> -> <new>"`, the path written as interpretation paths are
    (list items by id). Interpretations pinned on the changed value follow it.
    """
    points = _variation_points(rule_set)
    if not points:
        return st.nothing()
    return st.sampled_from(points).flatmap(
        lambda point: point[2].map(lambda new: _vary(rule_set, point[0], point[1], new))
    ).filter(lambda result: result is not None)


# --------------------------------------------------------------------------- fuzzing

_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
            | st.dates())
def _containers(inner: SearchStrategy[Any]) -> SearchStrategy[Any]:
    # a named function: hypothesis cannot read a multi-line lambda's use of its argument
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)


_VALUES = st.recursive(_SCALARS, _containers, max_leaves=6)
# Instants a careless exporter writes: far from today, without offset, as objects.
# (`st.datetimes` keeps near 2000; years are chosen around the calendar's edges instead.)
_ODD_YEARS = (1900, 1970, 1975, 1976, 2000, 2024, 2036, 2199, 2200, 2201, 2300)
_ODD_MOMENTS = st.builds(
    lambda year, moment: moment.replace(year=year), st.sampled_from(_ODD_YEARS),
    st.datetimes(dt.datetime(2001, 1, 1), dt.datetime(2001, 12, 31, 23, 59),
                 timezones=st.sampled_from([LOCAL, dt.timezone.utc])))
_ODD_INSTANTS = st.one_of(
    _ODD_MOMENTS.map(dt.datetime.isoformat),
    _ODD_MOMENTS,
    _ODD_MOMENTS.map(lambda moment: moment.replace(tzinfo=None).isoformat()),
)
_FIELD_NAMES = sorted({name for model in _MODELS.values() for name in model.model_fields})
_YAML_TOKENS = ("&a ", "*a", "&a [*a]", "&a {b: *a}", "<<: *a", "!!python/object:os.system ",
                "!!binary ", "!!set {a}", "!!int x", "!!float x", "!!timestamp 2024-13-01",
                "13:30", "no", "0o17", "- ", ": ", "? ", "{", "}", "[", "]", "'", '"', "\t",
                "\x00", "\ufeff", "---\n", "...\n", "%YAML 1.1\n", "~", "\n  ", "#")


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def malformed_rule_set_texts(rule_set: RuleSet) -> SearchStrategy[str]:
    """YAML texts near `rule_set`, most of them invalid, for loaders and editors.

    The rule set's dump with one node replaced by an arbitrary value, dropped or
    renamed, then perhaps cut short or given a stray YAML token (anchors,
    aliases, tags, flow brackets, tabs, NUL).
    """
    data = rule_set.model_dump(mode="json", exclude_defaults=True)
    paths = _paths(data)

    @st.composite
    def build(draw: Any) -> str:
        doc = copy.deepcopy(data)
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(("replace", "drop", "rename", "keep")))
        if action == "replace":
            parent[path[-1]] = draw(_VALUES)
        elif action == "drop":
            del parent[path[-1]]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = parent.pop(path[-1])
        text = yaml.dump(doc, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
        edit = draw(st.sampled_from(("none", "cut", "token")))
        where = draw(st.integers(0, len(text)))
        if edit == "cut":
            text = text[:where]
        elif edit == "token":
            text = text[:where] + draw(st.sampled_from(_YAML_TOKENS)) + text[where:]
        return text

    return build()


def arbitrary_events(rule_set: RuleSet, *, start: Any = None, end: Any = None,
                     sites: Sequence[Mapping[str, Any]] | None = None,
                     actors: Mapping[str, Iterable[str]] | None = None
                     ) -> SearchStrategy[Any]:
    """Whatever a faulty exporter might pass as an event: `evaluate` must not raise on it.

    Valid events with a few fields replaced by arbitrary values (instants far
    from today, without offsets, or as datetime objects), dicts of event-like
    keys and arbitrary values, and values that are not mappings at all.
    """
    valid = events(rule_set, start=start, end=end, sites=sites, actors=actors, min_size=1,
                   max_size=1).map(lambda evs: evs[0])
    keys = st.sampled_from(["type", "id", "meta", *_FIELD_NAMES]) | st.text(max_size=6)
    values = _ODD_INSTANTS | st.sampled_from(EVENT_TYPES) | _VALUES

    @st.composite
    def perturbed(draw: Any) -> dict[str, Any]:
        ev = draw(valid)
        own = st.sampled_from(sorted(ev))
        for key in draw(st.lists(own | own | keys, min_size=1, max_size=2)):
            if key in ("at", "start", "end"):
                ev[key] = draw(_ODD_INSTANTS)
            elif draw(st.booleans()) and key in ev and key != "type":
                del ev[key]
            else:
                ev[key] = draw(values)
        return ev

    shaped = st.fixed_dictionaries({"type": st.sampled_from(EVENT_TYPES) | _VALUES},
                                   optional={k: values for k in _FIELD_NAMES if k != "type"})
    return st.one_of(perturbed(), perturbed(), perturbed(), shaped,
                     st.dictionaries(keys, values, max_size=6), _VALUES)

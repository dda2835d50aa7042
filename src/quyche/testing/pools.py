"""What generated events may name (drawn from a rule set and registries) and the instants
they carry: the vocabulary every strategy of `quyche.testing` draws from."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy
from pydantic import BaseModel

from .. import events as _ev
from .._load import valid_language_tag
from ..model import RuleSet
from ..time.deadlines import LOCAL
from ..vocabulary import EVENT_TYPES

__all__ = [
    "BROADCAST_LENGTHS",
    "DAY",
    "DELAYS",
    "DOC_CLASSES",
    "EMERGENCY_LENGTHS",
    "EVENT_MODELS",
    "EXTRA_LANGUAGES",
    "FOLLOW_UPS",
    "HOUR",
    "IDS",
    "INCIDENT_CATEGORIES",
    "NEEDS_SITE",
    "OFFSETS",
    "REQUEST_KINDS",
    "ROOT",
    "ROOT_TYPES",
    "UNKNOWN_SITE",
    "Pools",
    "RootId",
    "available_types",
    "default_window",
    "draw_length",
    "draw_moment",
    "draw_period_label",
    "maybe",
    "pools_for",
    "render_instant",
    "window_arg",
]

#: event type -> its model, read from the union `quyche.events.Event` (listed once there)
EVENT_MODELS: dict[str, type[BaseModel]] = {
    get_args(model.model_fields["type"].annotation)[0]: model
    for model in get_args(get_args(_ev.Event)[0])
}
#: follow-up type -> (the field naming its root, the root types it may name)
FOLLOW_UPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "backup_deleted": ("backup", ("backup",)),
    "incident_reported": ("incident", ("incident",)),
    "incident_resolved": ("incident", ("incident",)),
    "feedback_forwarded": ("feedback", ("feedback_received",)),
    "info_provided": ("ref", ("activity_ended", "document_signed", "request")),
    "document_published": ("ref", ("document_received",)),
}
ROOT_TYPES = tuple(t for t in EVENT_TYPES if t not in FOLLOW_UPS)
NEEDS_SITE = ("broadcast", "incident")
INCIDENT_CATEGORIES = get_args(_ev.Incident.model_fields["category"].annotation)
DOC_CLASSES = get_args(_ev.DocumentReceived.model_fields["doc_class"].annotation)
REQUEST_KINDS = get_args(_ev.Request.model_fields["kind"].annotation)
# Offsets an exporter might write; +07:00 first so that shrinking lands on local time.
OFFSETS = ("+07:00", "Z", "+00:00", "+09:00", "-05:00", "+05:45", "-09:30")
EXTRA_LANGUAGES = ("vi", "en", "fr", "zh", "ja", "vi+en")
DAY = 86400
HOUR = 3600
BROADCAST_LENGTHS = (3 * HOUR, 900, HOUR, 2 * HOUR, 4 * HOUR, 6 * HOUR, 8 * HOUR,
                      12 * HOUR, 18 * HOUR, 24 * HOUR, 2 * DAY, 1)
EMERGENCY_LENGTHS = (2 * HOUR, 60, HOUR, 6 * HOUR, DAY, 3 * DAY)
DELAYS = (HOUR, 0, 6 * HOUR, 20 * HOUR, DAY, 2 * DAY, 4 * DAY, 8 * DAY, 16 * DAY,
           40 * DAY)
IDS = st.from_regex(r"[a-z][a-z0-9_]{0,9}", fullmatch=True)
# Names no rule set or generated registry uses (ids are snake_case), for invalid events.
UNKNOWN_SITE = "?unknown-site"


class RootId:
    """Placeholder for the id of an episode's first event, filled in when ids are given."""


ROOT = RootId()


@dataclass(frozen=True)
class Pools:
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


def pools_for(rule_set: RuleSet, sites: Sequence[Mapping[str, Any]] | None,
           actors: Mapping[str, Iterable[str]] | None, lo: dt.datetime, hi: dt.datetime,
           as_of: dt.datetime | None) -> Pools:
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
        kind = ob.discharged_by.kind
        assert kind is not None  # a duty discharged by a submission names its kind
        owners = kind_owners.setdefault(kind, set())
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
    tags: set[str] = set(EXTRA_LANGUAGES)
    for codes in group_codes.values():
        tags.update(codes)
    for policy in rule_set.languages.policies:
        for allowed in policy.allowed:
            tags.update(group_codes.get(allowed, [allowed]))
    return Pools(
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


def available_types(p: Pools, types: Iterable[str] | None
               ) -> tuple[list[str], list[str], frozenset[str]]:
    """(root types, follow-up types, roots only there for a follow-up) that can be drawn."""
    wanted = list(EVENT_TYPES if types is None else types)
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown:
        raise InvalidArgument(f"unknown event types {unknown}; expected some of "
                              f"{list(EVENT_TYPES)}")

    def possible(t: str) -> bool:
        if t in NEEDS_SITE and not p.sites:
            return False
        return not (t == "submission" and not p.kinds)

    follow = [t for t in wanted if t in FOLLOW_UPS
              and any(possible(r) for r in FOLLOW_UPS[t][1])]
    roots = [t for t in wanted if t in ROOT_TYPES and possible(t)]
    implied = set()
    for t in follow:
        for r in FOLLOW_UPS[t][1]:
            if possible(r) and r not in roots:
                roots.append(r)
                implied.add(r)
    return roots, follow, frozenset(implied)


# --------------------------------------------------------------------------- instants


def window_arg(value: Any, name: str) -> dt.datetime:
    """An instant with its offset, or a date (`"YYYY-MM-DD"` too): the start of that local
    day, as `evaluate` reads `since`."""
    if isinstance(value, str) and len(value) == 10:
        with contextlib.suppress(ValueError):  # not a date: parse_instant says what is wrong
            value = dt.date.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=LOCAL)
    try:
        return _ev.parse_instant(value)
    except ValueError as exc:
        raise InvalidArgument(f"{name}: {exc}") from None


def default_window(rule_set: RuleSet, start: Any, end: Any) -> tuple[dt.datetime, dt.datetime]:
    if start is None:
        day = rule_set.instrument.date_of("in_force") or dt.date(2025, 1, 1)
        lo = dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL)
    else:
        lo = window_arg(start, "start")
    hi = lo + dt.timedelta(days=366) if end is None else window_arg(end, "end")
    if hi <= lo:
        raise InvalidArgument(f"end ({hi.isoformat()}) must be after start ({lo.isoformat()})")
    return lo, hi


def draw_moment(draw: st.DrawFn, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    """An instant in [lo, hi], whole seconds after lo, spread over the days and the hours.

    `st.integers` over a wide range favours its low end; choosing a day and a
    quarter of an hour with `sampled_from` spreads instants across the window.
    """
    span = max(0, int((hi - lo).total_seconds()))
    days = span // DAY
    day = draw(st.sampled_from(range(days + 1))) if days else 0
    second = draw(st.sampled_from(range(0, DAY, 900))) + draw(st.integers(0, 899))
    return lo + dt.timedelta(seconds=min(span, day * DAY + second))


def draw_length(draw: st.DrawFn, choices: Sequence[int]) -> int:
    """A length in seconds: one of `choices`, sometimes with a few minutes more."""
    return draw(st.sampled_from(choices)) + draw(st.just(0) | st.integers(1, 1800))


def render_instant(draw: st.DrawFn, moment: dt.datetime) -> str:
    offset = draw(st.sampled_from(OFFSETS))
    if offset in ("Z", "+00:00"):
        text = moment.astimezone(dt.timezone.utc).isoformat()
        return text.replace("+00:00", "Z") if offset == "Z" else text
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    zone = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    return moment.astimezone(zone).isoformat()


def maybe(draw: st.DrawFn, values: Sequence[Any] | SearchStrategy) -> Any:
    if isinstance(values, Sequence):
        if not values:
            return None
        values = st.sampled_from(values)
    return draw(st.none() | values)


def draw_period_label(draw: st.DrawFn, moment: dt.datetime) -> str:
    day = moment.astimezone(LOCAL).date()
    return draw(st.sampled_from([
        str(day.year),
        f"{day.year}-H{(day.month - 1) // 6 + 1}",
        f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        f"{day.year}-{day.month:02d}",
    ]))

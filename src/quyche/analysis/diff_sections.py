"""What `diff` compares in each section of a rule set, how it pairs items, which way is stricter.

A rule set's parts differ in kind: an obligation is compared by its due dates
and who owes it, a broadcast rule by its hours and windows, the deadline
policies by their readings. Each `Section` says, declaratively, where its items
are, what of an item is compared (its semantic data: prose left out), how items
with other ids are paired (a bucket they must share and a score of how alike
they are), which paths are compared whole, which values differ in notation only,
and, path by path, the rule that says whether B is stricter or looser than A.
`SECTIONS` lists them in report order; `diff` walks them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Deadline, Duration, Obligation, Policies, RuleSet, Source
from .strictness import (
    FLIP,
    Direction,
    deadline_direction,
    duration_direction,
    less_is_stricter,
    months_of,
    more_is_stricter,
    parts_direction,
    recurrence_direction,
    same_dues,
    superset_is_stricter,
    true_is_stricter,
    windows_direction,
)
from .wording import (
    describe_condition,
    describe_deadline,
    describe_exceptions,
    describe_recurrence,
)

__all__ = ["SECTIONS", "SECTION_INDEX", "DirectionRule", "Items", "Pair", "Section", "matches"]


def matches(path: str, pattern: str) -> bool:
    """Whether a dotted path matches a pattern (`*` one part; a final `*` any rest)."""
    parts, pats = path.split("."), pattern.split(".")
    if pats[-1] == "*" and len(parts) >= len(pats):
        parts = parts[: len(pats)]
    return len(parts) == len(pats) and all(p == q or q == "*" for p, q in zip(parts, pats,
                                                                               strict=True))


@dataclass
class Pair:
    """The two rule sets and the two items of a paired concept, for direction rules."""

    a_rs: RuleSet
    b_rs: RuleSet
    a: Any
    b: Any


DirectionRule = Callable[[Any, Any, Pair], "Direction | None"]
#: A section's items in a rule set: (id, item) pairs.
Items = Callable[[RuleSet], list[tuple[str, Any]]]


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    items: Items
    semantic: Callable[[Any], Any]
    title: Callable[[Any], dict[str, str] | None] = lambda item: None
    when: Callable[[RuleSet, Any], str | None] = lambda rs, item: None
    source: Callable[[Any], Source | None] = lambda item: getattr(item, "source", None)
    field_source: Callable[[Any, str], Source | None] = lambda item, key: None
    bucket: Callable[[Any], Any] | None = None
    score: Callable[[Any, Any], float | None] | None = None
    atomic: tuple[str, ...] = ()
    directions: dict[str, DirectionRule] = field(default_factory=dict)
    #: paths whose values may differ in notation only: (a, b, pair) -> True when equivalent
    equivalent: dict[str, Callable[[Any, Any, Pair], bool]] = field(default_factory=dict)

    def direction(self, path: str, a: Any, b: Any, pair: Pair) -> Direction | None:
        """B relative to A at `path`, by the first direction rule whose pattern matches."""
        for pattern, rule in self.directions.items():
            if matches(path, pattern):
                return rule(a, b, pair)
        return None

    def same(self, path: str, a: Any, b: Any, pair: Pair) -> bool:
        """Whether two values at `path` differ in notation only."""
        same = next((f for p, f in self.equivalent.items() if matches(path, p)), None)
        return same is not None and same(a, b, pair)


def _by_id(getter: Callable[[RuleSet], Sequence[Any]]) -> Items:
    return lambda rs: [(item.id, item) for item in getter(rs)]


def _single(name: str, getter: Callable[[RuleSet], Any]) -> Items:
    return lambda rs: [(name, getter(rs))]


def _dump(model: Any, **kw: Any) -> Any:
    return model.model_dump(mode="json", **kw) if model is not None else None


def _text(title: Any) -> dict[str, str] | None:
    return {"vi": title.vi, "en": title.en} if title is not None else None


def _named(item: Any) -> dict[str, str]:
    return {"vi": item.name, "en": getattr(item, "name_en", None) or item.name}


def _jaccard(a: Iterable[Any], b: Iterable[Any]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def _rule_set_semantic(rs: RuleSet) -> dict[str, Any]:
    return {"province": rs.province, "subject": rs.subject}


def _instrument_semantic(inst: Any) -> dict[str, Any]:
    return {
        "kind": inst.kind,
        "number": inst.number.value,
        "issuer": inst.issuer,
        "signed": _iso(inst.date_of("signed")),
        "in_force": _iso(inst.date_of("in_force")),
        "status": inst.status,
        "replaces": [r.number for r in inst.replaces],
        "defects": [d.id for d in inst.defects],
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _instrument_source(inst: Any, key: str) -> Source | None:
    if key not in ("number", "signed", "in_force"):
        return None
    source: Source | None = getattr(inst, key).source
    return source


def _policies_semantic(pol: Policies) -> dict[str, Any]:
    return {name: policy.value if (policy := getattr(pol, name)) is not None else None
            for name in ("before_date", "roll_forward_periods", "roll_forward_fixed_dates",
                         "roll_forward_retention")}


def _policies_source(pol: Policies, key: str) -> Source | None:
    policy = getattr(pol, key, None)
    return policy.source if policy is not None else None


def _reporting_semantic(rep: Any) -> dict[str, Any]:
    outline = None
    if rep.outline is not None:
        outline = {
            "applies_to": list(rep.outline.applies_to),
            "sections": [{"id": s.number, "heading": s.title, "items": list(s.items)}
                         for s in rep.outline.sections],
        }
    return {
        "period": _dump(rep.period, exclude={"source"}),
        "outline": outline,
        "ad_hoc": rep.ad_hoc is not None,
    }


def _reporting_source(rep: Any, key: str) -> Source | None:
    part = getattr(rep, key, None)
    return getattr(part, "source", None)


def _broadcast_semantic(bc: Any) -> dict[str, Any]:
    return {"emergency_override": bc.emergency_override is not None,
            "advertising": bc.advertising is not None,
            "swapped_weekend_days": bc.swapped_weekend_days,
            "uncounted_categories": sorted(bc.uncounted_categories)}


def _broadcast_source(bc: Any, key: str) -> Source | None:
    part = getattr(bc, key, None)
    return getattr(part, "source", None)


def _obligation_semantic(ob: Obligation) -> dict[str, Any]:
    data = ob.model_dump(mode="json", exclude={"title", "source", "sources", "note",
                                               "deadline", "exceptions"})
    data["deadline"] = _dump(ob.deadline, exclude_none=True)
    data["exceptions"] = [{"id": e.id, "when": e.when,
                           "deadline": e.deadline.model_dump(mode="json", exclude_none=True)}
                          for e in ob.exceptions]
    return data


def _constraint_semantic(c: Any) -> dict[str, Any]:
    data: dict[str, Any] = c.model_dump(mode="json", exclude={"title", "source", "sources",
                                                               "note"})
    if "retention" in data:
        data["retention"] = c.retention.model_dump(mode="json", exclude_none=True)
    return data


def _obligation_when(rs: RuleSet, ob: Obligation) -> str | None:
    if ob.recurrence is not None:
        return describe_recurrence(ob.recurrence, rs.policies)
    if ob.trigger is None or ob.deadline is None:
        return None
    text = describe_deadline(ob.deadline) + f" of {ob.trigger.event}"
    if ob.trigger.where:
        text += f" ({describe_condition(ob.trigger.where)})"
    return text + describe_exceptions(ob)


def _obligation_bucket(ob: Obligation) -> tuple[Any, ...]:
    shape = ("recurring", ob.recurrence.every) if ob.recurrence else (
        "triggered", ob.trigger.event if ob.trigger else None)
    return (*shape, ob.discharged_by.event, ob.discharged_by.kind)


def _obligation_score(a: Obligation, b: Obligation) -> float:
    score = 2 * _jaccard(a.owed_by, b.owed_by) + _jaccard(a.owed_to, b.owed_to)
    if a.trigger and b.trigger:
        score += 2 if a.trigger.where == b.trigger.where else 0
    elif a.recurrence and b.recurrence:
        ra, rb = a.recurrence, b.recurrence
        # A month left out is the last month of the period: compare what is meant.
        score += 2 if (ra.interval, ra.month or months_of(ra), ra.periods) == (
            rb.interval, rb.month or months_of(rb), rb.periods) else 0
    return score


def _broadcast_score(a: Any, b: Any) -> float | None:
    """Rules for overlapping kinds of site and day; more alike in shape scores higher."""
    if not set(a.site_kinds) & set(b.site_kinds) or not set(a.day_kinds) & set(b.day_kinds):
        return None
    shape = sum(0.5 for name in ("min_hours", "parts", "required_windows")
                if bool(getattr(a, name)) == bool(getattr(b, name)))

    def demands(r: Any) -> bool:
        return bool(r.min_hours or r.parts or r.required_windows or r.must_broadcast)

    shape += 1 if demands(a) == demands(b) else 0
    return _jaccard(a.site_kinds, b.site_kinds) + _jaccard(a.day_kinds, b.day_kinds) + shape


def _recurrence_rule(_a: Any, _b: Any, pair: Pair) -> Direction | None:
    ra, rb = pair.a.recurrence, pair.b.recurrence
    if ra is None or rb is None:
        return None
    return recurrence_direction(ra, pair.a_rs.policies, pair.a_rs.instrument.date_of("in_force"),
                                rb, pair.b_rs.policies, pair.b_rs.instrument.date_of("in_force"))


def _same_recurrence(_a: Any, _b: Any, pair: Pair) -> bool:
    ra, rb = pair.a.recurrence, pair.b.recurrence
    return ra is not None and rb is not None and same_dues(
        ra, pair.a_rs.policies, pair.a_rs.instrument.date_of("in_force"),
        rb, pair.b_rs.policies, pair.b_rs.instrument.date_of("in_force"))


def _deadline_rule(a: Any, b: Any, pair: Pair) -> Direction | None:
    if not a or not b:
        return None
    return deadline_direction(Deadline.model_validate(a), pair.a_rs.policies,
                              Deadline.model_validate(b), pair.b_rs.policies)


def _retention_rule(a: Any, b: Any, _pair: Pair) -> Direction | None:
    if not a or not b:
        return None
    return duration_direction(Duration.model_validate(a), Duration.model_validate(b))


def _kinds(value: Any, rs: RuleSet) -> set[str]:
    """Site kinds a field names; null means every kind the rule set declares."""
    return set(value) if value is not None else {k.id for k in rs.site_kinds}


def _same_site_kinds(a: Any, b: Any, pair: Pair) -> bool:
    return _kinds(a, pair.a_rs) == _kinds(b, pair.b_rs)


def _site_kinds_rule(a: Any, b: Any, pair: Pair) -> Direction | None:
    """Applying to more kinds of site is stricter."""
    return superset_is_stricter(sorted(_kinds(a, pair.a_rs)), sorted(_kinds(b, pair.b_rs)))


def _allowed_rule(a: Any, b: Any, pair: Pair) -> Direction | None:
    if pair.a.mode == "limit" and pair.b.mode == "limit":
        return FLIP[superset_is_stricter(a, b)]
    return None


def _mode_rule(a: Any, b: Any, _pair: Pair) -> Direction | None:
    return true_is_stricter(a == "limit", b == "limit")


def _bilingual_rule(a: Any, b: Any, _pair: Pair) -> Direction | None:
    return true_is_stricter(a == "listed", b == "listed")


def _before_date_rule(a: Any, b: Any, _pair: Pair) -> Direction | None:
    return true_is_stricter(a == "exclusive", b == "exclusive")


def _no_roll_rule(a: Any, b: Any, _pair: Pair) -> Direction | None:
    return true_is_stricter(not a, not b)


def _retention_roll_rule(a: Any, b: Any, _pair: Pair) -> Direction | None:
    if a is None or b is None:
        return None  # one side keeps no backups to a period: nothing to compare
    return true_is_stricter(bool(a), bool(b))  # rolling on keeps a backup longer


def _plain(rule: Callable[[Any, Any], Direction | None]) -> DirectionRule:
    return lambda a, b, _pair: rule(a, b)


def _overlap_score(*getters: Callable[[Any], Any]) -> Callable[[Any, Any], float | None]:
    """Pair only items that overlap on the first getter; score by all of them."""
    def score(a: Any, b: Any) -> float | None:
        first = getters[0]
        va, vb = first(a), first(b)
        if va is not None and vb is not None and not set(va) & set(vb):
            return None
        return sum(_jaccard(g(a) or [], g(b) or []) for g in getters)
    return score


SECTIONS: tuple[Section, ...] = (
    Section("rule_set", "Rule set", _single("rule_set", lambda rs: rs), _rule_set_semantic,
             source=lambda rs: None),
    Section("instrument", "Instrument", _single("instrument", lambda rs: rs.instrument),
             _instrument_semantic, source=lambda inst: None,
             field_source=_instrument_source),
    Section("policies", "Deadline policies", _single("policies", lambda rs: rs.policies),
             _policies_semantic, source=lambda pol: pol.before_date.source,
             field_source=_policies_source,
             directions={"before_date": _before_date_rule,
                         "roll_forward_periods": _no_roll_rule,
                         "roll_forward_fixed_dates": _no_roll_rule,
                         "roll_forward_retention": _retention_roll_rule}),
    Section("obligations", "Obligations", _by_id(lambda rs: rs.obligations),
             _obligation_semantic, title=lambda ob: _text(ob.title), when=_obligation_when,
             bucket=_obligation_bucket, score=_obligation_score,
             atomic=("deadline", "trigger.where", "exceptions.*.when", "exceptions.*.deadline"),
             directions={"recurrence.*": _recurrence_rule, "recurrence": _recurrence_rule,
                         "deadline": _deadline_rule, "exceptions.*.deadline": _deadline_rule},
             equivalent={"recurrence": _same_recurrence, "site_kinds": _same_site_kinds,
                         # "định kỳ ngày N" (on) and "by day N" (by) are due alike
                         "recurrence.relation": lambda a, b, _p: {a, b} <= {"on", "by"}}),
    Section("broadcast.rules", "Broadcast rules", _by_id(lambda rs: rs.broadcast.rules),
             lambda r: r.model_dump(mode="json", exclude={"title", "source", "sources"}),
             title=lambda r: _text(r.title), bucket=lambda r: "broadcast",
             score=_broadcast_score,
             atomic=("parts", "required_windows"),
             directions={"min_hours": _plain(more_is_stricter),
                         "max_hours": _plain(less_is_stricter),
                         "parts": _plain(parts_direction),
                         "required_windows": _plain(windows_direction),
                         "tolerance_minutes": _plain(less_is_stricter),
                         "must_broadcast": _plain(true_is_stricter),
                         "day_kinds": _plain(superset_is_stricter),
                         "site_kinds": _site_kinds_rule,
                         "sites": _plain(superset_is_stricter)},
             equivalent={"site_kinds": _same_site_kinds}),
    Section("broadcast", "Broadcast provisions", _single("broadcast", lambda rs: rs.broadcast),
             _broadcast_semantic, source=lambda bc: None, field_source=_broadcast_source),
    Section("languages.policies", "Language policies", _by_id(lambda rs: rs.languages.policies),
             lambda p: p.model_dump(mode="json", exclude={"source", "note"}),
             title=lambda p: {"vi": p.id, "en": p.id}, bucket=lambda p: p.mode,
             score=_overlap_score(lambda p: p.site_kinds, lambda p: p.allowed),
             directions={"allowed": _allowed_rule, "mode": _mode_rule,
                         "bilingual": _bilingual_rule, "site_kinds": _site_kinds_rule},
             equivalent={"site_kinds": _same_site_kinds}),
    Section("languages.groups", "Language groups", _by_id(lambda rs: rs.languages.groups),
             lambda g: {"codes": list(g.codes)}, title=_named),
    Section("constraints", "Constraints", _by_id(lambda rs: rs.constraints),
             _constraint_semantic, title=lambda c: _text(c.title), bucket=lambda c: c.kind,
             score=_overlap_score(lambda c: c.site_kinds or ["*"]),
             atomic=("retention",),
             directions={"retention": _retention_rule,
                         "site_kinds": _site_kinds_rule,
                         "required": _plain(superset_is_stricter),
                         "categories": _plain(superset_is_stricter)},
             equivalent={"site_kinds": _same_site_kinds}),
    Section("reporting", "Reporting", _single("reporting", lambda rs: rs.reporting),
             _reporting_semantic, source=lambda rep: None, field_source=_reporting_source),
    Section("categories", "Content categories", _by_id(lambda rs: rs.categories),
             lambda c: {"prohibited": c.prohibited, "site_kinds": c.site_kinds,
                        "priority_for": list(c.priority_for)}, title=_named,
             equivalent={"site_kinds": _same_site_kinds}),
    Section("submission_kinds", "Submission kinds", _by_id(lambda rs: rs.submission_kinds),
             lambda k: {}, title=lambda k: _text(k.name)),
    Section("actors", "Actors", _by_id(lambda rs: rs.actors),
             lambda a: {"kind": a.kind, "member_of": list(a.member_of)}, title=_named),
    Section("sites", "Sites", _by_id(lambda rs: rs.sites),
             lambda s: {"kind": s.kind, "operator": s.operator},
             title=lambda s: {"vi": s.name, "en": s.name}),
    Section("site_kinds", "Site kinds", _by_id(lambda rs: rs.site_kinds), lambda k: {},
             title=lambda k: {"vi": k.name, "en": k.id}),
    Section("successions", "Successions", _by_id(lambda rs: rs.successions),
             lambda s: s.model_dump(mode="json", exclude={"basis", "source", "note"}),
             title=lambda s: {"vi": s.id, "en": s.id}),
    Section("interpretations", "Interpretations", _by_id(lambda rs: rs.interpretations),
             lambda i: {"path": i.path, "value": i.value, "alternatives": i.alternatives},
             title=lambda i: {"vi": i.question, "en": i.question},
             bucket=lambda i: i.path, score=lambda a, b: 1.0,
             atomic=("value", "alternatives")),
)
SECTION_INDEX = {s.name: i for i, s in enumerate(SECTIONS)}

"""Semantic diff of two rule sets, concept by concept.

Policy analysts ask "where does this province differ from that one?" and "what
did the new version of this file change?" — questions about concepts (the
quarterly media-products duty, the daily broadcast minimum, the reading of
"trước ngày D"), not about lines of YAML. `diff(a, b)` pairs the same concept
across two rule sets and reports what B adds, what it drops, and what it
changes, field by field, with both values, both citations and — for deadlines,
durations, minimums and windows — whether B is stricter or looser than A.

Pairing is by id first. Different provinces were encoded by different people,
so the same duty may carry another id: obligations left unpaired are paired by
a key derived from the data (what discharges them, how often or on what event
they arise) and scored by how much else agrees (who owes them, to whom, on what
condition); broadcast rules, language policies and constraints likewise by
what they apply to, interpretations by the path they read. Prose (titles,
names, notes, quotes) is never compared: two texts that say the same thing in
other words do not differ.

The result is JSON-ready (`model_dump(mode="json")`); `diff(a, a)` is empty, and
`diff(b, a)` equals `diff(a, b).swapped()` (added and removed swap, stricter and
looser swap).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from ..model import Deadline, Duration, Obligation, Policies, RuleSet, Source
from ..output import Output
from ..render import Table, cite_quote, short
from ..report import Citation
from .strictness import (
    FLIP,
    Direction,
    combine,
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

__all__ = ["SECTIONS", "ConceptChange", "Diff", "FieldChange", "RuleSetRef", "diff", "tables"]


#: Keys holding prose: never compared.
_PROSE = frozenset(("source", "sources", "note", "title", "name", "name_en", "basis",
                    "question", "reading", "status_note", "silent_note", "quote"))



class FieldChange(Output):
    """One value that differs inside a paired concept."""

    path: str = Field(..., description="dotted path inside the concept; list items by id")
    a: Any = None
    b: Any = None
    added: list[Any] = Field([], description="members of a list only in B")
    removed: list[Any] = Field([], description="members of a list only in A")
    direction: Direction | None = Field(
        None, description="B relative to A, for deadlines, durations, minimums and windows")
    a_source: Citation | None = Field(None, description="A's citation of this very value")
    b_source: Citation | None = None

    def swapped(self) -> FieldChange:
        return FieldChange(path=self.path, a=self.b, b=self.a, added=self.removed,
                           removed=self.added, direction=FLIP[self.direction],
                           a_source=self.b_source, b_source=self.a_source)


class ConceptChange(Output):
    """A concept (an obligation, a broadcast rule, the policies, ...) that differs."""

    section: str
    a_id: str | None
    b_id: str | None
    change: Literal["added", "removed", "changed"]
    paired_by: Literal["id", "concept"] | None = Field(
        None, description="id: same id on both sides; concept: paired by what it is")
    a_title: dict[str, str] | None = None
    b_title: dict[str, str] | None = None
    a_source: Citation | None = None
    b_source: Citation | None = None
    a: Any = Field(None, description="the compared data of A's item, when removed")
    b: Any = Field(None, description="the compared data of B's item, when added")
    fields: list[FieldChange] = []
    direction: Direction | None = Field(None, description="B relative to A, all fields taken")
    a_when: str | None = Field(None, description="for obligations: when A's is due, in words")
    b_when: str | None = None

    def swapped(self) -> ConceptChange:
        change = {"added": "removed", "removed": "added"}.get(self.change, self.change)
        return ConceptChange(
            section=self.section, a_id=self.b_id, b_id=self.a_id, change=change,
            paired_by=self.paired_by, a_title=self.b_title, b_title=self.a_title,
            a_source=self.b_source, b_source=self.a_source, a=self.b, b=self.a,
            fields=[f.swapped() for f in self.fields], direction=FLIP[self.direction],
            a_when=self.b_when, b_when=self.a_when)


class RuleSetRef(Output):
    """Which rule set a side of a diff or a column of a comparison is."""

    id: str
    name: str
    province: str
    instrument: str | None
    in_force: dt.date | None

    @classmethod
    def of(cls, rs: RuleSet) -> RuleSetRef:
        return cls(id=rs.id, name=rs.name, province=rs.province,
                   instrument=rs.instrument.number.value, in_force=rs.instrument.date_of(
                       "in_force"))


class Diff(Output):
    """What `quyche.diff(a, b)` returns: the concepts that differ, in a stable order."""

    a: RuleSetRef
    b: RuleSetRef
    changes: list[ConceptChange]

    @property
    def empty(self) -> bool:
        return not self.changes

    def swapped(self) -> Diff:
        """The diff of (b, a): added and removed swap, stricter and looser swap."""
        return Diff(a=self.b, b=self.a, changes=sorted(
            (c.swapped() for c in self.changes), key=_order))

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0, "stricter": 0, "looser": 0,
               "incomparable": 0}
        for c in self.changes:
            out[c.change] += 1
            if c.direction:
                out[c.direction] += 1
        return out

    def section(self, name: str) -> list[ConceptChange]:
        return [c for c in self.changes if c.section == name]

    def find(self, section: str, rule_id: str) -> ConceptChange | None:
        """The change of a concept by its id on either side."""
        return next((c for c in self.changes if c.section == section
                     and rule_id in (c.a_id, c.b_id)), None)


# --------------------------------------------------------------------------- sections


@dataclass
class _Pair:
    """The two rule sets and the two items of a paired concept, for direction rules."""

    a_rs: RuleSet
    b_rs: RuleSet
    a: Any
    b: Any


DirectionRule = Callable[[Any, Any, _Pair], "Direction | None"]


@dataclass(frozen=True)
class _Section:
    name: str
    label: str
    items: Callable[[RuleSet], list[tuple[str, Any]]]
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
    equivalent: dict[str, Callable[[Any, Any, _Pair], bool]] = field(default_factory=dict)


def _by_id(getter: Callable[[RuleSet], Sequence[Any]]) -> Callable[[RuleSet], list]:
    return lambda rs: [(item.id, item) for item in getter(rs)]


def _single(name: str, getter: Callable[[RuleSet], Any]) -> Callable[[RuleSet], list]:
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
    if key in ("number", "signed", "in_force"):
        return getattr(inst, key).source
    return None


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
    data = c.model_dump(mode="json", exclude={"title", "source", "sources", "note"})
    if "retention" in data:
        data["retention"] = c.retention.model_dump(mode="json", exclude_none=True)
    return data


def _obligation_when(rs: RuleSet, ob: Obligation) -> str:
    from .explain import describe_condition, describe_deadline, describe_recurrence

    if ob.recurrence is not None:
        return describe_recurrence(ob.recurrence, rs.policies)
    text = describe_deadline(ob.deadline) + f" of {ob.trigger.event}"
    if ob.trigger.where:
        text += f" ({describe_condition(ob.trigger.where)})"
    for ex in ob.exceptions:
        text += f"; {describe_condition(ex.when)}: {describe_deadline(ex.deadline)}"
    return text


def _obligation_bucket(ob: Obligation) -> tuple[Any, ...]:
    shape = ("recurring", ob.recurrence.every) if ob.recurrence else (
        "triggered", ob.trigger.event)
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


def _recurrence_rule(_a: Any, _b: Any, pair: _Pair) -> Direction | None:
    ra, rb = pair.a.recurrence, pair.b.recurrence
    if ra is None or rb is None:
        return None
    return recurrence_direction(ra, pair.a_rs.policies, pair.a_rs.instrument.date_of("in_force"),
                                rb, pair.b_rs.policies, pair.b_rs.instrument.date_of("in_force"))


def _same_recurrence(_a: Any, _b: Any, pair: _Pair) -> bool:
    ra, rb = pair.a.recurrence, pair.b.recurrence
    return ra is not None and rb is not None and same_dues(
        ra, pair.a_rs.policies, pair.a_rs.instrument.date_of("in_force"),
        rb, pair.b_rs.policies, pair.b_rs.instrument.date_of("in_force"))


def _deadline_rule(a: Any, b: Any, pair: _Pair) -> Direction | None:
    if not a or not b:
        return None
    return deadline_direction(Deadline.model_validate(a), pair.a_rs.policies,
                              Deadline.model_validate(b), pair.b_rs.policies)


def _retention_rule(a: Any, b: Any, _pair: _Pair) -> Direction | None:
    if not a or not b:
        return None
    return duration_direction(Duration.model_validate(a), Duration.model_validate(b))


def _kinds(value: Any, rs: RuleSet) -> set[str]:
    """Site kinds a field names; null means every kind the rule set declares."""
    return set(value) if value is not None else {k.id for k in rs.site_kinds}


def _same_site_kinds(a: Any, b: Any, pair: _Pair) -> bool:
    return _kinds(a, pair.a_rs) == _kinds(b, pair.b_rs)


def _site_kinds_rule(a: Any, b: Any, pair: _Pair) -> Direction | None:
    """Applying to more kinds of site is stricter."""
    return superset_is_stricter(sorted(_kinds(a, pair.a_rs)), sorted(_kinds(b, pair.b_rs)))


def _allowed_rule(a: Any, b: Any, pair: _Pair) -> Direction | None:
    if pair.a.mode == "limit" and pair.b.mode == "limit":
        return FLIP[superset_is_stricter(a, b)]
    return None


def _mode_rule(a: Any, b: Any, _pair: _Pair) -> Direction | None:
    return true_is_stricter(a == "limit", b == "limit")


def _bilingual_rule(a: Any, b: Any, _pair: _Pair) -> Direction | None:
    return true_is_stricter(a == "listed", b == "listed")


def _before_date_rule(a: Any, b: Any, _pair: _Pair) -> Direction | None:
    return true_is_stricter(a == "exclusive", b == "exclusive")


def _no_roll_rule(a: Any, b: Any, _pair: _Pair) -> Direction | None:
    return true_is_stricter(not a, not b)


def _retention_roll_rule(a: Any, b: Any, _pair: _Pair) -> Direction | None:
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


SECTIONS: tuple[_Section, ...] = (
    _Section("rule_set", "Rule set", _single("rule_set", lambda rs: rs), _rule_set_semantic,
             source=lambda rs: None),
    _Section("instrument", "Instrument", _single("instrument", lambda rs: rs.instrument),
             _instrument_semantic, source=lambda inst: None,
             field_source=_instrument_source),
    _Section("policies", "Deadline policies", _single("policies", lambda rs: rs.policies),
             _policies_semantic, source=lambda pol: pol.before_date.source,
             field_source=_policies_source,
             directions={"before_date": _before_date_rule,
                         "roll_forward_periods": _no_roll_rule,
                         "roll_forward_fixed_dates": _no_roll_rule,
                         "roll_forward_retention": _retention_roll_rule}),
    _Section("obligations", "Obligations", _by_id(lambda rs: rs.obligations),
             _obligation_semantic, title=lambda ob: _text(ob.title), when=_obligation_when,
             bucket=_obligation_bucket, score=_obligation_score,
             atomic=("deadline", "trigger.where", "exceptions.*.when", "exceptions.*.deadline"),
             directions={"recurrence.*": _recurrence_rule, "recurrence": _recurrence_rule,
                         "deadline": _deadline_rule, "exceptions.*.deadline": _deadline_rule},
             equivalent={"recurrence": _same_recurrence, "site_kinds": _same_site_kinds,
                         # "định kỳ ngày N" (on) and "by day N" (by) are due alike
                         "recurrence.relation": lambda a, b, _p: {a, b} <= {"on", "by"}}),
    _Section("broadcast.rules", "Broadcast rules", _by_id(lambda rs: rs.broadcast.rules),
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
    _Section("broadcast", "Broadcast provisions", _single("broadcast", lambda rs: rs.broadcast),
             _broadcast_semantic, source=lambda bc: None, field_source=_broadcast_source),
    _Section("languages.policies", "Language policies", _by_id(lambda rs: rs.languages.policies),
             lambda p: p.model_dump(mode="json", exclude={"source", "note"}),
             title=lambda p: {"vi": p.id, "en": p.id}, bucket=lambda p: p.mode,
             score=_overlap_score(lambda p: p.site_kinds, lambda p: p.allowed),
             directions={"allowed": _allowed_rule, "mode": _mode_rule,
                         "bilingual": _bilingual_rule, "site_kinds": _site_kinds_rule},
             equivalent={"site_kinds": _same_site_kinds}),
    _Section("languages.groups", "Language groups", _by_id(lambda rs: rs.languages.groups),
             lambda g: {"codes": list(g.codes)}, title=_named),
    _Section("constraints", "Constraints", _by_id(lambda rs: rs.constraints),
             _constraint_semantic, title=lambda c: _text(c.title), bucket=lambda c: c.kind,
             score=_overlap_score(lambda c: c.site_kinds or ["*"]),
             atomic=("retention",),
             directions={"retention": _retention_rule,
                         "site_kinds": _site_kinds_rule,
                         "required": _plain(superset_is_stricter),
                         "categories": _plain(superset_is_stricter)},
             equivalent={"site_kinds": _same_site_kinds}),
    _Section("reporting", "Reporting", _single("reporting", lambda rs: rs.reporting),
             _reporting_semantic, source=lambda rep: None, field_source=_reporting_source),
    _Section("categories", "Content categories", _by_id(lambda rs: rs.categories),
             lambda c: {"prohibited": c.prohibited, "site_kinds": c.site_kinds,
                        "priority_for": list(c.priority_for)}, title=_named,
             equivalent={"site_kinds": _same_site_kinds}),
    _Section("submission_kinds", "Submission kinds", _by_id(lambda rs: rs.submission_kinds),
             lambda k: {}, title=lambda k: _text(k.name)),
    _Section("actors", "Actors", _by_id(lambda rs: rs.actors),
             lambda a: {"kind": a.kind, "member_of": list(a.member_of)}, title=_named),
    _Section("sites", "Sites", _by_id(lambda rs: rs.sites),
             lambda s: {"kind": s.kind, "operator": s.operator},
             title=lambda s: {"vi": s.name, "en": s.name}),
    _Section("site_kinds", "Site kinds", _by_id(lambda rs: rs.site_kinds), lambda k: {},
             title=lambda k: {"vi": k.name, "en": k.id}),
    _Section("successions", "Successions", _by_id(lambda rs: rs.successions),
             lambda s: s.model_dump(mode="json", exclude={"basis", "source", "note"}),
             title=lambda s: {"vi": s.id, "en": s.id}),
    _Section("interpretations", "Interpretations", _by_id(lambda rs: rs.interpretations),
             lambda i: {"path": i.path, "value": i.value, "alternatives": i.alternatives},
             title=lambda i: {"vi": i.question, "en": i.question},
             bucket=lambda i: i.path, score=lambda a, b: 1.0,
             atomic=("value", "alternatives")),
)
_SECTION_INDEX = {s.name: i for i, s in enumerate(SECTIONS)}


# --------------------------------------------------------------------------- walking


def _hashable(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _sort_values(values: Iterable[Any]) -> list[Any]:
    return sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))


def _matches(path: str, pattern: str) -> bool:
    parts, pats = path.split("."), pattern.split(".")
    if pats[-1] == "*" and len(parts) >= len(pats):
        parts = parts[: len(pats)]
    return len(parts) == len(pats) and all(p == q or q == "*" for p, q in zip(parts, pats,
                                                                               strict=True))


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


@dataclass
class _Walker:
    spec: _Section
    pair: _Pair
    a_cite: Callable[[Source | None], Citation | None]
    b_cite: Callable[[Source | None], Citation | None]
    out: list[FieldChange] = field(default_factory=list)

    def direction(self, path: str, a: Any, b: Any) -> Direction | None:
        for pattern, rule in self.spec.directions.items():
            if _matches(path, pattern):
                return rule(a, b, self.pair)
        return None

    def emit(self, path: str, a: Any, b: Any, added: list[Any] | None = None,
             removed: list[Any] | None = None) -> None:
        top = path.split(".")[0]
        self.out.append(FieldChange(
            path=path, a=a, b=b, added=added or [], removed=removed or [],
            direction=self.direction(path, a, b),
            a_source=self.a_cite(self.spec.field_source(self.pair.a, top)),
            b_source=self.b_cite(self.spec.field_source(self.pair.b, top))))

    def walk(self, a: Any, b: Any, path: str = "") -> None:
        if a == b:
            return
        same = next((f for p, f in self.spec.equivalent.items() if _matches(path, p)), None)
        if same is not None and same(a, b, self.pair):
            return
        if path and any(_matches(path, p) for p in self.spec.atomic):
            self.emit(path, a, b)
        elif isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                if key in _PROSE or (key == "id" and not path):
                    continue  # prose is not compared; a concept's id is a_id / b_id
                self.walk(a.get(key), b.get(key), f"{path}.{key}" if path else key)
        elif isinstance(a, list) and isinstance(b, list):
            self.walk_list(a, b, path)
        else:
            self.emit(path, a, b)

    def walk_list(self, a: list[Any], b: list[Any], path: str) -> None:
        both = a + b
        if all(_is_scalar(x) for x in both):
            sa, sb = {_hashable(x) for x in a}, {_hashable(x) for x in b}
            if sa != sb:
                self.emit(path, a, b, added=_sort_values(x for x in b if _hashable(x) not in sa),
                          removed=_sort_values(x for x in a if _hashable(x) not in sb))
        elif all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in both):
            by_a, by_b = {x["id"]: x for x in a}, {x["id"]: x for x in b}
            for key in sorted(set(by_a) | set(by_b)):
                self.walk(by_a.get(key), by_b.get(key), f"{path}.{key}")
        else:
            self.emit(path, a, b)


# --------------------------------------------------------------------------- pairing


def _pairs(spec: _Section, a_items: list[tuple[str, Any]], b_items: list[tuple[str, Any]],
           a_bucket: Callable[[Any], Any] | None = None
           ) -> tuple[list[tuple[str, str, str]], list[str], list[str]]:
    """(a_id, b_id, how) pairs, then A's and B's ids left alone; symmetric in A and B.

    `a_bucket` reads A's items in B's terms (an interpretation of A's `incident_report`
    is bucketed as one of the B obligation it was paired with).
    """
    a_ids = [i for i, _ in a_items]
    b_ids = [i for i, _ in b_items]
    shared = sorted(set(a_ids) & set(b_ids))
    pairs = [(i, i, "id") for i in shared]
    left_a = [i for i in a_ids if i not in shared]
    left_b = [i for i in b_ids if i not in shared]
    if spec.bucket is not None and spec.score is not None and left_a and left_b:
        a_map, b_map = dict(a_items), dict(b_items)
        candidates = []
        for ia in left_a:
            for ib in left_b:
                xa, xb = a_map[ia], b_map[ib]
                if (a_bucket or spec.bucket)(xa) != spec.bucket(xb):
                    continue
                score = spec.score(xa, xb)
                if score is None:
                    continue
                candidates.append((-score, min(ia, ib), max(ia, ib), ia, ib))
        used_a: set[str] = set()
        used_b: set[str] = set()
        for *_, ia, ib in sorted(candidates):
            if ia in used_a or ib in used_b:
                continue
            used_a.add(ia)
            used_b.add(ib)
            pairs.append((ia, ib, "concept"))
        left_a = [i for i in left_a if i not in used_a]
        left_b = [i for i in left_b if i not in used_b]
    return pairs, left_a, left_b


def _order(change: ConceptChange) -> tuple[Any, ...]:
    ids = tuple(sorted({i for i in (change.a_id, change.b_id) if i is not None}))
    return (_SECTION_INDEX.get(change.section, len(SECTIONS)), ids)


def _citer(rs: RuleSet) -> Callable[[Source | None], Citation | None]:
    number = rs.instrument.number.value

    def cite(source: Source | None) -> Citation | None:
        if source is None:
            return None
        return Citation.of(source, number)
    return cite


def _without_id(data: Any) -> Any:
    return {k: v for k, v in data.items() if k != "id"} if isinstance(data, dict) else data


def _section_changes(spec: _Section, a_rs: RuleSet, b_rs: RuleSet,
                     renamed: dict[str, str] | None = None) -> list[ConceptChange]:
    """The changes of one section; `renamed` maps A's item paths ("obligations.x") to the
    B items they were paired with, so that readings of paired items pair too."""
    a_items, b_items = spec.items(a_rs), spec.items(b_rs)
    a_map, b_map = dict(a_items), dict(b_items)
    a_cite, b_cite = _citer(a_rs), _citer(b_rs)
    a_bucket = None
    if renamed and spec.name == "interpretations":
        def a_bucket(item: Any) -> Any:
            for old, new in renamed.items():
                if item.path == old or item.path.startswith(old + "."):
                    return new + item.path[len(old):]
            return item.path
    pairs, only_a, only_b = _pairs(spec, a_items, b_items, a_bucket)
    if renamed is not None:
        renamed.update({f"{spec.name}.{ia}": f"{spec.name}.{ib}"
                        for ia, ib, how in pairs if ia != ib})
    out: list[ConceptChange] = []
    for ia, ib, how in pairs:
        xa, xb = a_map[ia], b_map[ib]
        walker = _Walker(spec, _Pair(a_rs, b_rs, xa, xb), a_cite, b_cite)
        walker.walk(spec.semantic(xa), spec.semantic(xb))
        if not walker.out and ia == ib:
            continue
        out.append(ConceptChange(
            section=spec.name, a_id=ia, b_id=ib, change="changed", paired_by=how,
            a_title=spec.title(xa), b_title=spec.title(xb),
            a_source=a_cite(spec.source(xa)), b_source=b_cite(spec.source(xb)),
            fields=walker.out, direction=combine(f.direction for f in walker.out),
            a_when=spec.when(a_rs, xa), b_when=spec.when(b_rs, xb)))
    for ia in only_a:
        xa = a_map[ia]
        out.append(ConceptChange(section=spec.name, a_id=ia, b_id=None, change="removed",
                                 a_title=spec.title(xa), a_source=a_cite(spec.source(xa)),
                                 a=_without_id(spec.semantic(xa)), a_when=spec.when(a_rs, xa)))
    for ib in only_b:
        xb = b_map[ib]
        out.append(ConceptChange(section=spec.name, a_id=None, b_id=ib, change="added",
                                 b_title=spec.title(xb), b_source=b_cite(spec.source(xb)),
                                 b=_without_id(spec.semantic(xb)), b_when=spec.when(b_rs, xb)))
    return out


def diff(a: RuleSet | str | Path, b: RuleSet | str | Path) -> Diff:
    """The semantic diff of rule set `b` against rule set `a` (ids or paths load them)."""
    from .._load import load

    a_rs = a if isinstance(a, RuleSet) else load(a)
    b_rs = b if isinstance(b, RuleSet) else load(b)
    changes: list[ConceptChange] = []
    renamed: dict[str, str] = {}
    for spec in SECTIONS:  # interpretations come last: they pair through the items they read
        changes.extend(_section_changes(spec, a_rs, b_rs, renamed))
    return Diff(a=RuleSetRef.of(a_rs), b=RuleSetRef.of(b_rs), changes=sorted(changes, key=_order))


# --------------------------------------------------------------------------- presentation


def _concept_label(c: ConceptChange) -> str:
    if c.a_id is not None and c.b_id is not None and c.a_id != c.b_id:
        label = f"{c.a_id} ↔ {c.b_id}\n(paired by concept)"
    else:
        label = c.a_id or c.b_id or ""
    title = c.a_title or c.b_title
    return f"{label}\n{title['en']}" if title and title.get("en") not in (None, label) else label


def _field_label(f: FieldChange) -> str:
    label = f.path or "(whole)"
    marks = [f"+{short(x)}" for x in f.added] + [f"−{short(x)}" for x in f.removed]
    return f"{label}\n({', '.join(marks)})" if marks else label


def _whole(data: Any, when: str | None) -> str:
    text = short(data, 400)
    return f"due: {when}\n{text}" if when else text


def tables(d: Diff) -> tuple[str, str, list[Table]]:
    """The diff as (title, introduction, one table per section that differs)."""
    a, b = d.a, d.b
    title = f"{a.name} ({a.id}) → {b.name} ({b.id})"

    def side(ref: RuleSetRef) -> str:
        number = ref.instrument or "number not in the text"
        in_force = ref.in_force.isoformat() if ref.in_force else "in-force date not in the text"
        return f"{ref.province} ({ref.id}): {number}, in force {in_force}"

    n = d.counts()
    if d.empty:
        summary = "No differences: the two rule sets say the same thing, concept by concept."
    else:
        summary = (f"{len(d.changes)} concepts differ: {n['changed']} changed "
                   f"({n['stricter']} stricter in B, {n['looser']} looser, "
                   f"{n['incomparable']} incomparable), {n['added']} only in B, "
                   f"{n['removed']} only in A.")
    intro = (f"A = {side(a)}\nB = {side(b)}\n{summary}\n"
             "“B vs A”: stricter = B's deadline is earlier or shorter, its minimum higher, its "
             "window narrower, its retention longer, or it applies more widely; looser = the "
             "reverse; incomparable = it depends on the day. Prose (titles, notes, quotes) is "
             "not compared.")
    columns = ["concept", "field", f"A: {a.id}", f"B: {b.id}", "B vs A", "A cites", "B cites"]
    out: list[Table] = []
    for spec in SECTIONS:
        rows: list[list[str]] = []
        for c in d.section(spec.name):
            label = _concept_label(c)
            a_cite, b_cite = cite_quote(c.a_source), cite_quote(c.b_source)
            if c.change == "added":
                rows.append([label, "(only in B)", "—", _whole(c.b, c.b_when), "", "", b_cite])
                continue
            if c.change == "removed":
                rows.append([label, "(only in A)", _whole(c.a, c.a_when), "—", "", a_cite, ""])
                continue
            first = len(rows)
            if not c.fields:
                rows.append([label, "(same content, other id)", c.a_id or "", c.b_id or "", "",
                             a_cite, b_cite])
            timing = [f.direction for f in c.fields
                      if f.path.split(".")[0] in ("recurrence", "deadline", "exceptions")]
            if timing and c.a_when != c.b_when:
                rows.append([label, "due (in words)", c.a_when or "—", c.b_when or "—",
                             combine(timing) or "", a_cite, b_cite])
            for f in c.fields:
                rows.append([label, _field_label(f), short(f.a, 400), short(f.b, 400),
                             f.direction or "", cite_quote(f.a_source) or a_cite,
                             cite_quote(f.b_source) or b_cite])
            for row in rows[first + 1:]:
                # The concept is named on every row (a sorted or filtered table keeps it);
                # its citations once, on its first row.
                if row[5] == a_cite:
                    row[5] = ""
                if row[6] == b_cite:
                    row[6] = ""
        if rows:
            out.append(Table(title=spec.label, columns=columns, rows=rows,
                             filters=["concept", "B vs A"]))
    return title, intro, out

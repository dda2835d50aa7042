"""Cross-reference checks: every id a rule set uses is one it declares, every
interpretation reads the value it is pinned to, language tags are ISO 639."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pycountry
from pydantic import ValidationError

from ..model import EVENT_ACTOR, ROLES, RuleSet
from .paths import get_path

__all__ = ["cross_references", "references_of_the_rest", "valid_language_tag"]


def valid_language_tag(tag: str) -> bool:
    """True for an ISO 639 code ('vi', 'km', 'tyz') or a bilingual pair ('vi+en')."""
    parts = tag.split("+")
    return all(_iso639(p) for p in parts) and len(parts) == len(set(parts))


_ISO_CACHE: dict[str, bool] = {}


def _iso639(code: str) -> bool:
    if code not in _ISO_CACHE:
        ok = False
        if re.fullmatch(r"[a-z]{2}", code):
            ok = pycountry.languages.get(alpha_2=code) is not None
        elif re.fullmatch(r"[a-z]{3}", code):
            ok = pycountry.languages.get(alpha_3=code) is not None
        _ISO_CACHE[code] = ok
    return _ISO_CACHE[code]


def cross_references(rs: RuleSet) -> list[tuple[str, str]]:
    """(path, message) for every reference to something the rule set does not declare."""
    check = _References(rs)
    check.unique_ids()
    check.parties()
    check.content()
    check.broadcast()
    check.obligations()
    check.constraints()
    check.interpretations()
    return check.out


class _References:
    """The ids a rule set declares, and the problems of its references to them (in the
    order of the file's sections)."""

    def __init__(self, rs: RuleSet) -> None:
        self.rs = rs
        self.out: list[tuple[str, str]] = []
        self.actors = {a.id for a in rs.actors}
        self.site_kinds = {k.id for k in rs.site_kinds}
        self.categories = {c.id for c in rs.categories}
        self.kinds = {k.id for k in rs.submission_kinds}

    def unique(self, items: list[Any], where: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                self.out.append((f"{where}[{i}].id", f"duplicate id {item.id!r}"))
            seen.add(item.id)

    def actor(self, ref: str, path: str, allow_event_actor: bool = False) -> None:
        if ref == EVENT_ACTOR and allow_event_actor:
            return
        if ref not in self.actors:
            hint = f"; roles are {list(ROLES)}" if ref in ROLES else ""
            self.out.append((path, f"unknown actor {ref!r}: declare it under actors{hint}"))

    def site_kinds_of(self, refs: list[str] | None, path: str) -> None:
        for i, ref in enumerate(refs or []):
            if ref not in self.site_kinds:
                self.out.append((f"{path}[{i}]", f"unknown site kind {ref!r}; declared: "
                                 f"{sorted(self.site_kinds)}"))

    def unique_ids(self) -> None:
        rs = self.rs
        for where in ("actors", "sites", "site_kinds", "categories", "submission_kinds",
                      "obligations", "constraints", "interpretations", "successions"):
            self.unique(getattr(rs, where), where)
        self.unique(rs.broadcast.rules, "broadcast.rules")
        self.unique(rs.languages.groups, "languages.groups")
        self.unique(rs.languages.policies, "languages.policies")
        every_rule = rs.rule_ids()
        for rid in {r for r in every_rule if every_rule.count(r) > 1}:
            self.out.append(("", f"rule id {rid!r} is used by more than one rule; explain "
                             "needs it unique"))

    def parties(self) -> None:
        rs = self.rs
        groups = {a.id for a in rs.actors if a.kind == "group"}
        self.actor(rs.instrument.issuer, "instrument.issuer")
        for i, a in enumerate(rs.actors):
            for j, g in enumerate(a.member_of):
                if g not in groups:
                    self.out.append((f"actors[{i}].member_of[{j}]",
                                     f"{g!r} is not a declared group"))
        for i, s in enumerate(rs.successions):
            self.actor(s.predecessor, f"successions[{i}].predecessor")
            if s.successor is not None:
                self.actor(s.successor, f"successions[{i}].successor")
        self.out.extend(_succession_references(rs))
        for i, site in enumerate(rs.sites):
            if site.kind not in self.site_kinds:
                self.out.append((f"sites[{i}].kind", f"unknown site kind {site.kind!r}"))
            if site.operator:
                self.actor(site.operator, f"sites[{i}].operator")

    def content(self) -> None:
        rs = self.rs
        lang_groups = {g.id for g in rs.languages.groups}
        for i, c in enumerate(rs.categories):
            self.site_kinds_of(c.site_kinds, f"categories[{i}].site_kinds")
            self.site_kinds_of(c.priority_for, f"categories[{i}].priority_for")
        for i, g in enumerate(rs.languages.groups):
            for j, code in enumerate(g.codes):
                if not valid_language_tag(code):
                    self.out.append((f"languages.groups[{i}].codes[{j}]",
                                     f"{code!r} is not ISO 639"))
        for i, p in enumerate(rs.languages.policies):
            self.site_kinds_of(p.site_kinds, f"languages.policies[{i}].site_kinds")
            for j, tag in enumerate(p.allowed):
                if tag not in lang_groups and not valid_language_tag(tag):
                    self.out.append((f"languages.policies[{i}].allowed[{j}]",
                                     f"{tag!r} is neither an ISO 639 code, a pair like "
                                     f"'vi+en', nor a language group ({sorted(lang_groups)})"))

    def broadcast(self) -> None:
        rs = self.rs
        site_ids = {s.id for s in rs.sites}
        for i, r in enumerate(rs.broadcast.rules):
            self.site_kinds_of(r.site_kinds, f"broadcast.rules[{i}].site_kinds")
            for j, s in enumerate(r.sites or []):
                if s not in site_ids:
                    self.out.append((f"broadcast.rules[{i}].sites[{j}]", f"unknown site {s!r}"))
            if r.owed_by is not None:
                self.actor(r.owed_by, f"broadcast.rules[{i}].owed_by")
        for j, cat in enumerate(rs.broadcast.uncounted_categories):
            if cat not in self.categories:
                self.out.append((f"broadcast.uncounted_categories[{j}]",
                                 f"unknown category {cat!r}"))

    def obligations(self) -> None:
        rs = self.rs
        for i, o in enumerate(rs.obligations):
            base = f"obligations[{i}]"
            for j, ref in enumerate(o.owed_by):
                self.actor(ref, f"{base}.owed_by[{j}]", allow_event_actor=o.triggered)
            for j, ref in enumerate(o.owed_to):
                self.actor(ref, f"{base}.owed_to[{j}]")
            self.site_kinds_of(o.site_kinds, f"{base}.site_kinds")
            if o.data_period == "reporting" and (
                    rs.reporting.period is None or o.recurrence is None
                    or o.recurrence.every != "year" or o.recurrence.interval != 1):
                self.out.append((f"{base}.data_period", "'reporting' needs a yearly recurrence "
                                 "and a reporting.period"))
            if o.discharged_by.kind and o.discharged_by.kind not in self.kinds:
                self.out.append((f"{base}.discharged_by.kind",
                                 f"unknown submission kind {o.discharged_by.kind!r}; declared: "
                                 f"{sorted(self.kinds)}"))

    def constraints(self) -> None:
        rs = self.rs
        for i, c in enumerate(rs.constraints):
            self.site_kinds_of(c.site_kinds, f"constraints[{i}].site_kinds")
            owed_by = getattr(c, "owed_by", None)  # a kind that names who answers for it
            if owed_by is not None:
                self.actor(owed_by, f"constraints[{i}].owed_by")
            if getattr(c, "retention", None) is not None and \
                    rs.policies.roll_forward_retention is None:
                self.out.append((f"constraints[{i}].retention", "a retention period needs "
                                 "policies.roll_forward_retention: does a period ending on a "
                                 "weekend or holiday run to the next working day?"))
            for j, cat in enumerate(getattr(c, "categories", []) or []):
                if cat not in self.categories:
                    self.out.append((f"constraints[{i}].categories[{j}]",
                                     f"unknown category {cat!r}"))
        if rs.reporting.outline:
            for j, k in enumerate(rs.reporting.outline.applies_to):
                if k not in self.kinds:
                    self.out.append((f"reporting.outline.applies_to[{j}]", f"unknown kind {k!r}"))

    def interpretations(self) -> None:
        data = self.rs.model_dump(mode="json")
        for i, interp in enumerate(self.rs.interpretations):
            try:
                actual = get_path(data, interp.path)
            except KeyError as exc:
                self.out.append((f"interpretations[{i}].path", f"path not found: {exc.args[0]}"))
                continue
            if _jsonish(actual) != _jsonish(interp.value):
                self.out.append((f"interpretations[{i}].value",
                                 f"the value at {interp.path} is {_as_yaml(actual)}, not "
                                 f"{_as_yaml(interp.value)}"))


def _succession_references(rs: RuleSet) -> list[tuple[str, str]]:
    """Readings of successors name declared bodies; no duty of a predecessor falls between
    function-specific successions (a duty no succession covers would silently stay put)."""
    out: list[tuple[str, str]] = []
    actors = {a.id for a in rs.actors}
    ids = {s.id: i for i, s in enumerate(rs.successions)}
    for i, interp in enumerate(rs.interpretations):
        parts = interp.path.split(".")
        if parts[0] != "successions" or parts[1:2] == [] or parts[1] not in ids:
            continue
        for j, value in enumerate([interp.value, *interp.alternatives]):
            if value is not None and (not isinstance(value, str) or value not in actors):
                where = "value" if j == 0 else f"alternatives[{j - 1}]"
                out.append((f"interpretations[{i}].{where}",
                            f"a successor is a declared actor or null, not {value!r}"))
    general = {s.predecessor for s in rs.successions if not s.functions}
    covered: dict[str, set[str]] = {}
    for s in rs.successions:
        if s.functions:
            covered.setdefault(s.predecessor, set()).update(s.functions)
    for i, o in enumerate(rs.obligations):
        for ref in {*o.owed_by, *o.owed_to}:
            if ref in covered and ref not in general and o.function not in covered[ref]:
                out.append((f"obligations[{i}].function",
                            f"{ref} has successions only for functions {sorted(covered[ref])}; "
                            f"give this duty one of them (it has {o.function!r})"))
    return out


def _jsonish(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_INDEXED = re.compile(r"^([A-Za-z_.]+)\[(\d+)\]")


def references_of_the_rest(data: dict[str, Any], exc: ValidationError) -> list[tuple[str, str]]:
    """Cross-reference problems of the items the schema accepted, so that one run reports
    both kinds: each list item with a schema error is set aside (up to three rounds), the
    rest validated and checked, and the paths given back in the file's numbering."""
    pruned = copy.deepcopy(data)
    kept: dict[str, list[int]] = {}  # list path -> original index of each remaining item
    dropped_ids: set[str] = set()
    for _round in range(3):
        cuts: dict[tuple[int | str, ...], set[int]] = {}
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            at = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
            if at is None:
                return []  # a problem outside any list item: nothing to set aside
            cuts.setdefault(tuple(loc[:at]), set()).add(int(loc[at]))
        for where, indices in cuts.items():
            container: Any = pruned
            for key in where:
                container = container.get(key) if isinstance(container, dict) else None
            if not isinstance(container, list) or max(indices) >= len(container):
                return []  # not a list of the file (a tag, a key): best effort ends here
            prefix = ".".join(str(k) for k in where)
            original = kept.setdefault(prefix, list(range(len(container))))
            for index in sorted(indices, reverse=True):
                item = container.pop(index)
                original.pop(index)
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    dropped_ids.add(f"{prefix}.{item['id']}")
        try:
            rs = RuleSet.model_validate(pruned)
            break
        except ValidationError as again:
            exc = again
    else:
        return []
    out = []
    interpretation = re.compile(r"^interpretations\[(\d+)\]")
    for path, message in cross_references(rs):
        about = interpretation.match(path)
        if about and any(rs.interpretations[int(about[1])].path.startswith(f"{d}.")
                         for d in dropped_ids):
            continue  # it reads an item set aside, whose own problem is reported
        match = _INDEXED.match(path)
        if match and match[1] in kept:
            index = kept[match[1]][int(match[2])]
            path = f"{match[1]}[{index}]{path[match.end():]}"
        out.append((path, message))
    return out


def _as_yaml(value: Any) -> str:
    """A value as a rule-set author would write it: null, true, "13:30", [a, b]."""
    return json.dumps(value, ensure_ascii=False, default=str)

"""Successions: who owes a duty, and who may receive it, after the body the text names changed.

The regulations name bodies that later reorganisations merged or abolished. A
`schema.Succession` says from which date which body carries which functions of a
predecessor (a body, or a group: then each of its members, declared or added by the
caller). This module resolves one side of one duty at its due date: the body that
carries it, the `report.Handover` records that say why, and the names under which a
delivery still counts. A successor asserted by data or by the caller is the only one
that counts; while the successor is only a reading (an interpretation with
alternatives), a delivery by or to the predecessor or any candidate counts too, and the
finding says so. The engine and the schedule call it where they resolve owners and
recipients; nothing here knows a province.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ._load import locate, read_yaml, validation_problems
from .errors import EvaluationError, Problem, RuleSetError, validation_message
from .model import Obligation, RuleSet, Succession
from .render import count
from .report import Handover
from .time.deadlines import LOCAL

__all__ = ["Resolution", "Sides", "Successions", "due_day", "parse_successions", "read_successions",
           "succession_warnings", "territory_notes", "with_delivery_notes"]

_CHAIN = 8  # successions of successors followed at most this far
_CHANGED = {"reorganised": "reorganised", "abolished": "abolished",
            "province_merged": "merged with its province"}
_LIST = TypeAdapter(list[Succession])


def due_day(due: dt.datetime) -> dt.date:
    """The last local day on which a duty due at `due` can be done."""
    return (due - dt.timedelta(microseconds=1)).astimezone(LOCAL).date()


@dataclass(frozen=True)
class _Entry:
    succession: Succession
    asserted_by: str  # data | reading | caller | none
    interpretation: str | None
    candidates: tuple[str, ...]
    caller: bool

    @property
    def resolved(self) -> bool:
        return self.asserted_by in ("data", "caller")


@dataclass(frozen=True)
class Resolution:
    """Who carries one side of a duty at its due date, and under which names it counts."""

    body: str
    accepts: frozenset[str]
    handovers: tuple[Handover, ...] = ()


@dataclass(frozen=True)
class Sides:
    """Both sides of one duty on a day (its due date, or a delivery's): who carries each
    side, and under which names a delivery counts."""

    owner: str
    owed_to: list[str]
    owner_accepts: frozenset[str]
    to_accepts: frozenset[str]
    handovers: tuple[Handover, ...]


class Successions:
    """The successions of a rule set (and the caller's), ready to resolve duties."""

    def __init__(self, rule_set: RuleSet, given: Iterable[Any] | None = None,
                 groups: Mapping[str, Iterable[str]] | None = None,
                 known: Iterable[str] = ()) -> None:
        self.groups = {a: set(g) for a, g in (groups or {}).items()}
        caller = parse_successions(given, rule_set, known) if given is not None else []
        readings = {}
        for declared in rule_set.interpretations:
            parts = declared.path.split(".")
            if len(parts) == 3 and parts[0] == "successions" and parts[2] == "successor":
                readings[parts[1]] = declared
        entries = [_Entry(s, "caller" if s.successor else "none", None, (), True)
                   for s in caller]
        for s in rule_set.successions:
            interp = readings.get(s.id)
            if interp is None:
                entries.append(_Entry(s, "data" if s.successor else "none", None, (), False))
            elif interp.overridden:
                entries.append(_Entry(s, "caller" if s.successor else "none", interp.id, (),
                                      False))
            else:
                others = tuple(dict.fromkeys(
                    a for a in interp.alternatives
                    if isinstance(a, str) and a not in (s.successor, s.predecessor)))
                entries.append(_Entry(s, "reading", interp.id, others, False))
        self._by_predecessor: dict[str, list[_Entry]] = {}
        for entry in entries:
            self._by_predecessor.setdefault(entry.succession.predecessor, []).append(entry)
        #: The caller's successions as data, to rebuild an evaluation (partials carry them).
        self.given = [s.model_dump(mode="json", exclude_defaults=True) for s in caller]
        #: What makes two evaluations' successions the same (reports merge only then).
        self.fingerprint = tuple(s.model_dump_json() for s in caller)
        self._cache: dict[tuple[Any, ...], Resolution] = {}
        self._names: dict[tuple[str, str | None], frozenset[str]] = {}

    def _entry(self, body: str, function: str | None, day: dt.date) -> _Entry | None:
        """The succession in effect for `body` on `day`: the caller's before the rule set's,
        the body's own before its group's, a function's before every function's, the
        latest before earlier ones."""
        found = []
        for key in (body, *sorted(self.groups.get(body, ()))):
            for e in self._by_predecessor.get(key, ()):
                s = e.succession
                if s.effective <= day and (not s.functions or function in s.functions):
                    found.append(((e.caller, key == body, bool(s.functions), s.effective,
                                   s.id), e))
        return max(found, key=lambda f: f[0])[1] if found else None

    def resolve(self, body: str, ob: Obligation, due: dt.datetime, role: str) -> Resolution:
        """Who carries `body`'s side (`owed_by` or `owed_to`) of `ob` due at `due`."""
        return self._resolve(body, ob.function, due_day(due), role)

    def _resolve(self, body: str, function: str | None, day: dt.date, role: str
                 ) -> Resolution:
        key = (body, function, day, role)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 65_536:
                self._cache.clear()  # days repeat; a bounded cache is enough
            found = self._cache[key] = self._walk(body, function, day, role)
        return found

    def _walk(self, body: str, function: str | None, day: dt.date, role: str) -> Resolution:
        if not self._by_predecessor:
            return Resolution(body, frozenset((body,)))
        current, accepts, handovers = body, {body}, []
        for _ in range(_CHAIN):
            e = self._entry(current, function, day)
            if e is None:
                break
            s = e.succession
            handovers.append(Handover(
                succession=s.id, change=s.change, role=role, predecessor=current,
                successor=s.successor, effective=s.effective, asserted_by=e.asserted_by,
                interpretation=e.interpretation, candidates=list(e.candidates),
                basis=s.basis))
            following = s.successor or current
            if e.resolved:
                accepts.discard(current)
            else:
                accepts |= {current, *e.candidates}
            accepts.add(following)
            if s.successor is None or following == body or any(
                    h.predecessor == following for h in handovers):
                break
            current = following
        return Resolution(current, frozenset(accepts), tuple(handovers))

    def sides(self, ob: Obligation, owner: str, owed_to: Sequence[str], due: dt.datetime
              ) -> Sides:
        """Who owes `ob` (written as owed by `owner` to `owed_to`) at `due`, and to whom."""
        return self.sides_on(ob, owner, owed_to, due_day(due))

    def sides_on(self, ob: Obligation, owner: str, owed_to: Sequence[str], day: dt.date
                 ) -> Sides:
        """Who carries each side of `ob` on `day`: at its due date (who owes it), or on the
        day of a delivery (whom a delivery may come from or go to: the bodies in office)."""
        if not self._by_predecessor:
            return Sides(owner, list(owed_to), frozenset((owner,)), frozenset(owed_to), ())
        who = self._resolve(owner, ob.function, day, "owed_by")
        bodies: list[str] = []
        accepts: set[str] = set()
        handovers = list(who.handovers)
        for ref in owed_to:
            res = self._resolve(ref, ob.function, day, "owed_to")
            if res.body not in bodies:
                bodies.append(res.body)
            accepts |= res.accepts
            handovers.extend(res.handovers)
        return Sides(who.body, bodies, who.accepts, frozenset(accepts), tuple(handovers))

    def names(self, body: str, function: str | None) -> frozenset[str]:
        """Every name under which a delivery for `body` may ever count: the body, its
        successors and their candidates, whatever the date."""
        key = (body, function)
        known = self._names.get(key)
        if known is None:
            found, todo = {body}, [body]
            while todo:
                current = todo.pop()
                for group in (current, *sorted(self.groups.get(current, ()))):
                    for e in self._by_predecessor.get(group, ()):
                        s = e.succession
                        if s.functions and function not in s.functions:
                            continue
                        for name in (s.successor, *e.candidates):
                            if name and name not in found:
                                found.add(name)
                                todo.append(name)
            known = self._names[key] = frozenset(found)
        return known

    def stands_for(self, body: str, actor: str, ob: Obligation, at: dt.datetime) -> bool:
        """Whether an event by `actor` at `at` acts for `body` (its successor, or while
        unresolved a candidate) on `ob`: the event raises `body`'s duty."""
        day = at.astimezone(LOCAL).date()
        return actor != body and actor in self._resolve(body, ob.function, day,
                                                        "owed_by").accepts


def with_delivery_notes(handovers: Sequence[Handover], actor: str | None, to: str | None,
                        day: dt.date | None = None) -> list[Handover]:
    """Say on each succession when the delivery came from, or went to, a body other than
    the one the duty resolved to: the predecessor (before the date, or while the successor
    is open) or a candidate successor."""
    out = []
    for h in handovers:
        named = actor if h.role == "owed_by" else to
        carrier = h.successor or h.predecessor
        verb = "delivered by" if h.role == "owed_by" else "addressed to"
        if named and named != carrier and day is not None and day < h.effective:
            h = h.model_copy(update={"note": (
                f"{verb} {named} on {day.isoformat()}, before the succession took effect")})
        elif h.asserted_by in ("reading", "none") and named and named != carrier:
            who = ("the predecessor" if named == h.predecessor else "a candidate successor")
            h = h.model_copy(update={"note": (
                f"{verb} {named}, {who}: it counts while the successor of {h.predecessor} "
                f"is {'a reading' if h.asserted_by == 'reading' else 'not known'}"
                + (f" (interpretation {h.interpretation})" if h.interpretation else ""))})
        out.append(h)
    return out


def succession_warnings(obligations: Iterable[Any]) -> list[str]:
    """One line per succession that decided duties of the report, with the first due day."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for o in obligations:
        day = due_day(o.due)
        for h in o.successions:
            entry = found.setdefault((h.succession, h.predecessor),
                                     {"h": h, "first": day, "owed_by": [], "owed_to": []})
            entry["first"] = min(entry["first"], day)
            entry[h.role].append(o.rule_id)
    out = []
    for (_sid, body), entry in sorted(found.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        h = entry["h"]
        parts = [f"{verb} {count(len(ids), 'duty', 'duties')} ({', '.join(sorted(set(ids)))})"
                 for verb, ids in (("owes", entry["owed_by"]), ("is owed", entry["owed_to"]))
                 if ids]
        if h.asserted_by == "reading" and h.successor:
            then = (f"they pass to {h.successor}, a reading (interpretation {h.interpretation}; "
                    f"alternatives: {', '.join(h.candidates) or 'none'}); until it is resolved, "
                    f"deliveries by or to {', '.join([body, *h.candidates])} count too: "
                    f"override it with -i {h.interpretation}=BODY or pass successions")
        elif h.asserted_by == "reading":
            then = (f"they stay with {body}: the reading {h.interpretation} names no successor "
                    f"(candidates: {', '.join(h.candidates) or 'none'})")
        elif h.successor:
            said = "the rule set" if h.asserted_by == "data" else "the caller"
            then = f"they pass to {h.successor} ({said} says so)"
        else:
            then = (f"they stay with {body}: the sources name no successor (pass successions "
                    "to name one)")
        out.append(f"{body} was {_CHANGED[h.change]} from {h.effective.isoformat()} "
                   f"({h.succession}) and {' and '.join(parts)} due from "
                   f"{entry['first'].isoformat()}: {then}")
    return out


def territory_notes(rule_set: RuleSet, until: dt.date | None = None, basis: bool = True
                    ) -> list[str]:
    """The instrument's status after a province merger: it keeps applying to the former
    territory until replaced; marked as a reading where the rule set's text does not say."""
    out = []
    for s in rule_set.successions:
        if s.change != "province_merged" or (until is not None and s.effective > until):
            continue
        marked = ("shown by the text" if s.source is not None
                  else "a reading: the text does not say")
        grounds = f"{marked}; basis: {s.basis}" if basis else marked
        out.append(f"from {s.effective.isoformat()} ({s.id}) the instrument applies to "
                   f"{s.territory} until replaced ({grounds})")
    return out


# --------------------------------------------------------------------------- caller's input


def parse_successions(given: Any, rule_set: RuleSet, known: Iterable[str] = ()
                      ) -> list[Succession]:
    """A caller's successions, checked like a rule set's: the shape of each, unique ids,
    predecessors the rule set (or the caller's registries) knows."""
    if isinstance(given, (str, bytes, Mapping)) or not isinstance(given, Iterable):
        raise EvaluationError("successions: expected a list of successions ({id, "
                              "predecessor, successor, effective, basis, ...}), got "
                              f"{type(given).__name__}")
    items = [g.model_dump() if isinstance(g, BaseModel) else g for g in given]
    try:
        parsed = _LIST.validate_python(items)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False)[:5]:
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
            lines.append(f"successions{where}: {validation_message(err)}")
        raise EvaluationError("; ".join(lines)) from None
    problems = _references(parsed, rule_set, known)
    if problems:
        raise EvaluationError("; ".join(f"{path}: {message}" for path, message in problems))
    return parsed


def _references(parsed: Sequence[Succession], rule_set: RuleSet, known: Iterable[str]
                ) -> list[tuple[str, str]]:
    declared = {a.id for a in rule_set.actors} | set(known)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, s in enumerate(parsed):
        if s.id in seen:
            out.append((f"successions[{i}].id", f"duplicate id {s.id!r}"))
        seen.add(s.id)
        if s.predecessor not in declared:
            out.append((f"successions[{i}].predecessor",
                        f"{s.predecessor!r} is not an actor of {rule_set.id} (declared, or "
                        "given in actors or as a site's operator)"))
        functions = sorted({o.function for o in rule_set.obligations if o.function})
        for j, name in enumerate(s.functions):
            if name not in functions:
                out.append((f"successions[{i}].functions[{j}]",
                            f"no duty of {rule_set.id} has the function {name!r}; its "
                            f"functions: {', '.join(functions) or 'none'}"))
    return out


def read_successions(text: str, filename: str, rule_set: RuleSet, known: Iterable[str] = ()
                     ) -> list[dict[str, Any]]:
    """A successions file (a YAML or JSON list, or a mapping with `successions:`), read as
    strictly as a rule set: every problem with its file:line:column, as one `RuleSetError`."""
    data, marks, problems = read_yaml(text, filename)
    if problems:
        raise RuleSetError([dataclasses.replace(
            p, path=f"successions{p.path}" if p.path.startswith("[") else p.path)
            for p in problems])
    if isinstance(data, dict) and set(data) == {"successions"}:
        data = data["successions"]
        marks = {k[len("successions"):]: v for k, v in marks.items()
                 if k.startswith("successions")}
    if not isinstance(data, list):
        raise RuleSetError([Problem(filename, 1, 1, "", "a successions file is a list of "
                                    "successions (- {id: ..., predecessor: ..., successor: "
                                    "..., effective: YYYY-MM-DD, basis: ...})")])
    # Located as the rule set's own `successions` section would be.
    marks = {f"successions{k}": v for k, v in marks.items()}
    try:
        parsed = _LIST.validate_python(data)
    except ValidationError as exc:
        shifted: Any = _Shifted(exc)
        raise RuleSetError(validation_problems(shifted, {"successions": data}, marks,
                                                filename)) from None
    found = [Problem(filename, *locate(path, marks), path, message)
             for path, message in _references(parsed, rule_set, known)]
    if found:
        raise RuleSetError(found)
    return data


class _Shifted:
    """A list's validation errors as seen from a mapping that holds it under `successions`
    (the shape `loader`'s locating expects)."""

    def __init__(self, exc: ValidationError) -> None:
        self._errors = [{**e, "loc": ("successions", *e["loc"])}
                        for e in exc.errors(include_url=False)]

    def errors(self, include_url: bool = False) -> list[dict[str, Any]]:
        return self._errors

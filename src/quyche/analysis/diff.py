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
looser swap). What is compared in each section, how its items pair and which way
is stricter is declared in `diff_sections`; this module walks, pairs and reports.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from .._load import load
from ..model import RuleSet, Source
from ..output import Output, SchemaVersion
from ..render import Table, cite_quote, short
from ..report import Citation
from .citations import citer
from .diff_sections import SECTION_INDEX, SECTIONS, Pair, Section, matches
from .strictness import FLIP, Direction, combine

__all__ = ["ConceptChange", "Diff", "FieldChange", "RuleSetRef", "diff", "tables"]


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

    schema_version: SchemaVersion = 1

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


# --------------------------------------------------------------------------- walking


def _hashable(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _sort_values(values: Iterable[Any]) -> list[Any]:
    return sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


@dataclass
class _Walker:
    spec: Section
    pair: Pair
    a_cite: Callable[[Source | None], Citation | None]
    b_cite: Callable[[Source | None], Citation | None]
    out: list[FieldChange] = field(default_factory=list)

    def emit(self, path: str, a: Any, b: Any, added: list[Any] | None = None,
             removed: list[Any] | None = None) -> None:
        top = path.split(".")[0]
        self.out.append(FieldChange(
            path=path, a=a, b=b, added=added or [], removed=removed or [],
            direction=self.spec.direction(path, a, b, self.pair),
            a_source=self.a_cite(self.spec.field_source(self.pair.a, top)),
            b_source=self.b_cite(self.spec.field_source(self.pair.b, top))))

    def walk(self, a: Any, b: Any, path: str = "") -> None:
        if a == b:
            return
        if self.spec.same(path, a, b, self.pair):
            return
        if path and any(matches(path, p) for p in self.spec.atomic):
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


def _pairs(spec: Section, a_items: list[tuple[str, Any]], b_items: list[tuple[str, Any]],
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
    return (SECTION_INDEX.get(change.section, len(SECTIONS)), ids)


def _without_id(data: Any) -> Any:
    return {k: v for k, v in data.items() if k != "id"} if isinstance(data, dict) else data


def _section_changes(spec: Section, a_rs: RuleSet, b_rs: RuleSet,
                     renamed: dict[str, str] | None = None) -> list[ConceptChange]:
    """The changes of one section; `renamed` maps A's item paths ("obligations.x") to the
    B items they were paired with, so that readings of paired items pair too."""
    a_items, b_items = spec.items(a_rs), spec.items(b_rs)
    a_map, b_map = dict(a_items), dict(b_items)
    a_cite, b_cite = citer(a_rs), citer(b_rs)
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
        walker = _Walker(spec, Pair(a_rs, b_rs, xa, xb), a_cite, b_cite)
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


def _concept_rows(c: ConceptChange) -> list[list[str]]:
    """The rows of one concept: the whole item when only one side has it, else a row per
    field (and the due dates in words when they changed)."""
    label = _concept_label(c)
    a_cite, b_cite = cite_quote(c.a_source), cite_quote(c.b_source)
    if c.change == "added":
        return [[label, "(only in B)", "—", _whole(c.b, c.b_when), "", "", b_cite]]
    if c.change == "removed":
        return [[label, "(only in A)", _whole(c.a, c.a_when), "—", "", a_cite, ""]]
    rows: list[list[str]] = []
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
    for row in rows[1:]:
        # The concept is named on every row (a sorted or filtered table keeps it);
        # its citations once, on its first row.
        if row[5] == a_cite:
            row[5] = ""
        if row[6] == b_cite:
            row[6] = ""
    return rows


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
            rows += _concept_rows(c)
        if rows:
            out.append(Table(title=spec.label, columns=columns, rows=rows,
                             filters=["concept", "B vs A"]))
    return title, intro, out

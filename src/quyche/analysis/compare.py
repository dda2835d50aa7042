"""The key parameters of several rule sets side by side, each with its article.

A diff answers "what changed between two rule sets"; an analyst surveying all
provinces wants the opposite view: one row per parameter (minimum broadcast
hours, fixed windows, languages, monthly and quarterly due days, report
deadlines, deadlines after an event, backup retention, who operates the sites)
and one column per rule set, every cell citing the article it comes from.
`compare(rule_sets)` builds that matrix from the rule sets alone; `quyche
compare --format markdown` renders it as `docs/comparison.md`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pycountry
from pydantic import Field

from .._load import RuleSetLike, as_rule_set
from .._load import rule_sets as bundled
from ..model import Obligation, RuleSet
from ..output import Output, SchemaVersion
from ..render import Table
from ..render import cite as cite_text
from ..report import Citation
from ..successions import territory_notes
from .citations import citation
from .diff import RuleSetRef
from .wording import (
    actor_names,
    describe_condition,
    describe_deadline,
    describe_exceptions,
    describe_recurrence,
)

__all__ = ["ROWS", "Comparison", "Entry", "Row", "compare", "tables"]


class Entry(Output):
    """One value in a cell, with its citation."""

    text: str
    value: Any = None
    source: Citation | None = None


class Row(Output):
    """One parameter across the rule sets: entries per rule-set id (empty: not in the text)."""

    key: str
    group: str
    label: str
    label_vi: str
    cells: dict[str, list[Entry]]


class Comparison(Output):
    """What `quyche.compare(rule_sets)` returns."""

    schema_version: SchemaVersion = 1

    rule_sets: list[RuleSetRef]
    columns: list[str] = Field(..., description="the key of each rule set's cells: its id, "
                               "made unique (`x`, `x#2`) when ids repeat")
    rows: list[Row] = Field(..., description="rows with at least one value, in a fixed order")

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)


# --------------------------------------------------------------------------- cells

Cell = Callable[[RuleSet], list[Entry]]


def _e(rs: RuleSet, text: str, source: Any, value: Any = None) -> Entry:
    return Entry(text=text, value=value, source=citation(rs, source))


def _owers(rs: RuleSet, ob: Obligation) -> str:
    """Who owes it to whom, by name with the id beside it (`Sở TT&TT (so_tttt)`)."""
    text = actor_names(rs, ob.owed_by)
    return text + (f" → {actor_names(rs, ob.owed_to)}" if ob.owed_to else "")


def _instrument(rs: RuleSet) -> list[Entry]:
    inst = rs.instrument
    number = inst.number.value or "number blank in the text"
    return [_e(rs, f"{inst.kind} {number} ({inst.status})", inst.number.source,
               inst.number.value)]


def _territory(rs: RuleSet) -> list[Entry]:
    """After a province merger, where the instrument still applies (marked when a reading)."""
    merged = [s for s in rs.successions if s.change == "province_merged"]
    notes = territory_notes(rs, basis=False)
    return [_e(rs, note, s.source, s.territory) for s, note in zip(merged, notes, strict=True)]


def _successions(rs: RuleSet) -> list[Entry]:
    readings = {i.path: i for i in rs.interpretations}
    out = []
    for s in rs.successions:
        interp = readings.get(f"successions.{s.id}.successor")
        how = ("a reading, with alternatives " + (", ".join(map(str, interp.alternatives))
                                                  or "none")) if interp else (
            "the rule set says so" if s.successor else "no successor named")
        scope = f", functions {', '.join(s.functions)}" if s.functions else ""
        out.append(_e(rs, f"{s.predecessor} → {s.successor or '—'} from "
                          f"{s.effective.isoformat()} ({s.change.replace('_', ' ')}{scope}; {how})",
                      s.source, {"id": s.id, "predecessor": s.predecessor,
                                 "successor": s.successor, "effective": s.effective.isoformat(),
                                 "reading": interp is not None}))
    return out


def _in_force(rs: RuleSet) -> list[Entry]:
    day = rs.instrument.date_of("in_force")
    if day is None:
        return [Entry(text="not given in the text", value=None)]
    return [_e(rs, day.isoformat(), rs.instrument.in_force.source, day.isoformat())]


def _site_kinds(rs: RuleSet) -> list[Entry]:
    return [_e(rs, k.id, k.source, k.id) for k in rs.site_kinds]


def _operators(rs: RuleSet) -> list[Entry]:
    out = []
    for site in rs.sites:
        who = actor_names(rs, [site.operator], "en") if site.operator else "not named"
        out.append(_e(rs, f"{site.id} ({site.kind}): {who}", site.source,
                      {"site": site.id, "operator": site.operator}))
    role = rs.actor("operator")
    if not out and role is not None:
        out.append(_e(rs, f"the operator role: “{role.name}” (resolved from the caller's "
                          "site registry)", role.source, None))
    return out


def _min_hours(rs: RuleSet) -> list[Entry]:
    return [_e(rs, f"{r.min_hours:g} h/day — {', '.join(r.site_kinds)}; "
                   f"{', '.join(r.day_kinds)}", r.source, r.min_hours)
            for r in rs.broadcast.rules if r.min_hours is not None]


def _parts(rs: RuleSet) -> list[Entry]:
    return [_e(rs, "; ".join(f"{p.id} {p.window.start}–{p.window.end} ≥ {p.min_hours:g} h"
                             for p in r.parts), r.source,
               [p.model_dump(mode="json") for p in r.parts])
            for r in rs.broadcast.rules if r.parts]


def _windows(rs: RuleSet) -> list[Entry]:
    return [_e(rs, ", ".join(f"{w.start}–{w.end}" for w in r.required_windows)
               + f" — {', '.join(r.site_kinds)}; {', '.join(r.day_kinds)}", r.source,
               [w.model_dump(mode="json") for w in r.required_windows])
            for r in rs.broadcast.rules if r.required_windows]


def _emergency(rs: RuleSet) -> list[Entry]:
    note = rs.broadcast.emergency_override
    return [_e(rs, "authorities set time and duration", note.source, True)] if note else []


def _languages(rs: RuleSet) -> list[Entry]:
    return [_e(rs, f"{', '.join(p.site_kinds)} ({p.mode}): {', '.join(p.allowed)}", p.source,
               list(p.allowed)) for p in rs.languages.policies]


def _language_name(code: str) -> str:
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else (
        pycountry.languages.get(alpha_3=code))
    return found.name if found is not None else code


def _bilingual(rs: RuleSet) -> list[Entry]:
    seen: dict[str, Any] = {}
    for p in rs.languages.policies:
        for tag in p.allowed:
            if "+" in tag and tag not in seen:
                seen[tag] = p.source
    return [_e(rs, f"{tag} ({' – '.join(_language_name(c) for c in tag.split('+'))})", src, tag)
            for tag, src in seen.items()]


def _groups(rs: RuleSet) -> list[Entry]:
    return [_e(rs, f"{g.id}: {', '.join(g.codes)}", g.source, list(g.codes))
            for g in rs.languages.groups]


def _recurring(select: Callable[[Obligation], bool]) -> Cell:
    def cell(rs: RuleSet) -> list[Entry]:
        return [_e(rs, f"{describe_recurrence(ob.recurrence, rs.policies)}: {ob.id} "
                       f"({_owers(rs, ob)})", ob.source,
                   ob.recurrence.model_dump(mode="json", exclude_defaults=True))
                for ob in rs.obligations
                if ob.recurrence is not None and ob.discharged_by.event != "backup"
                and select(ob)]
    return cell


def _is_report(ob: Obligation) -> bool:
    kind = ob.discharged_by.kind or ""
    return kind.endswith("report")


def _calendar(every: str) -> Callable[[Obligation], bool]:
    return lambda ob: ((rec := ob.recurrence) is not None and rec.every == every
                       and rec.interval == 1 and rec.anchor == "calendar")


def _multi_year(ob: Obligation) -> bool:
    rec = ob.recurrence
    return rec is not None and (rec.interval > 1 or rec.anchor == "in_force")


def _triggered(event: str) -> Cell:
    def cell(rs: RuleSet) -> list[Entry]:
        out = []
        for ob in rs.obligations:
            if ob.trigger is None or ob.trigger.event != event or ob.deadline is None:
                continue
            where = f" ({describe_condition(ob.trigger.where)})" if ob.trigger.where else ""
            text = (f"{describe_deadline(ob.deadline)}{where}: {ob.id} ({_owers(rs, ob)})"
                    + describe_exceptions(ob))
            out.append(_e(rs, text, ob.source, ob.deadline.model_dump(exclude_none=True)))
        return out
    return cell


def _backups(rs: RuleSet) -> list[Entry]:
    return [_e(rs, f"{describe_recurrence(ob.recurrence, rs.policies)}: {ob.id} "
                   f"({_owers(rs, ob)})", ob.source, ob.recurrence.every)
            for ob in rs.obligations
            if ob.recurrence is not None and ob.discharged_by.event == "backup"]


def _constraints(kind: str) -> Cell:
    """The entries of the constraints of one kind, each as its model class writes its cell."""
    def cell(rs: RuleSet) -> list[Entry]:
        out = []
        for c in rs.constraints:
            entry = c.compare_cell() if c.kind == kind else None
            if entry is not None:
                out.append(_e(rs, entry[0], c.source, entry[1]))
        return out
    return cell


def _before_date(rs: RuleSet) -> list[Entry]:
    p = rs.policies.before_date
    reading = "end of D−1" if p.value == "exclusive" else "end of D"
    basis = "" if p.source else f"; basis: {p.basis}"
    return [_e(rs, f"{p.value} (“trước ngày D” = by the {reading}){basis}", p.source, p.value)]


def _reporting_period(rs: RuleSet) -> list[Entry]:
    period = rs.reporting.period
    if period is None:
        return []
    prev = " of the year before" if period.start_in_previous_year else ""
    return [_e(rs, f"{period.start.day}/{period.start.month}{prev} to "
                   f"{period.end.day}/{period.end.month}", period.source,
               period.model_dump(mode="json", exclude={"source"}))]


def _outline(rs: RuleSet) -> list[Entry]:
    outline = rs.reporting.outline
    if outline is None:
        return []
    return [_e(rs, f"{len(outline.sections)} sections: "
                   + "; ".join(f"{s.number}. {s.title}" for s in outline.sections)
                   + f" (for {', '.join(outline.applies_to)})", outline.source,
               [s.number for s in outline.sections])]


def _prohibited(rs: RuleSet) -> list[Entry]:
    return [_e(rs, c.id, c.source, c.id) for c in rs.categories if c.prohibited]


def _priority(rs: RuleSet) -> list[Entry]:
    return [_e(rs, f"{c.id} — priority on {', '.join(c.priority_for)}", c.source, c.id)
            for c in rs.categories if c.priority_for]


#: (key, group, English label, Vietnamese label, cell) in display order.
ROWS: tuple[tuple[str, str, str, str, Cell], ...] = (
    ("instrument", "Instrument", "Instrument", "Văn bản", _instrument),
    ("in_force", "Instrument", "In force from", "Hiệu lực từ", _in_force),
    ("territory", "Instrument", "Territory after a province merger",
     "Địa bàn áp dụng sau sáp nhập tỉnh", _territory),
    ("before_date", "Instrument", "Reading of “trước ngày D”", "Cách hiểu “trước ngày D”",
     _before_date),
    ("successions", "Institutions", "Successions (2025)", "Kế thừa cơ quan (2025)",
     _successions),
    ("site_kinds", "Sites", "Kinds of site", "Loại điểm", _site_kinds),
    ("operators", "Sites", "Who operates", "Cơ quan quản lý, vận hành", _operators),
    ("min_hours", "Broadcasting", "Minimum hours", "Thời lượng tối thiểu", _min_hours),
    ("day_parts", "Broadcasting", "Hours by part of the day", "Theo buổi", _parts),
    ("windows", "Broadcasting", "Fixed windows", "Khung giờ cố định", _windows),
    ("emergency", "Broadcasting", "Emergency override", "Khẩn cấp", _emergency),
    ("languages", "Languages", "Languages", "Ngôn ngữ", _languages),
    ("bilingual", "Languages", "Bilingual products", "Song ngữ", _bilingual),
    ("language_groups", "Languages", "Language groups", "Nhóm ngôn ngữ", _groups),
    ("monthly", "Recurring duties", "Monthly due days", "Hạn hằng tháng",
     _recurring(_calendar("month"))),
    ("quarterly", "Recurring duties", "Quarterly due days", "Hạn hằng quý",
     _recurring(_calendar("quarter"))),
    ("half_yearly", "Recurring duties", "Half-yearly duties", "Hạn 6 tháng",
     _recurring(_calendar("half_year"))),
    ("yearly_reports", "Recurring duties", "Report deadlines (yearly)", "Hạn báo cáo năm",
     _recurring(lambda ob: _calendar("year")(ob) and _is_report(ob))),
    ("yearly_other", "Recurring duties", "Other yearly duties", "Nhiệm vụ hằng năm khác",
     _recurring(lambda ob: _calendar("year")(ob) and not _is_report(ob))),
    ("multi_year", "Recurring duties", "Reviews over several years", "Sơ kết, tổng kết nhiều năm",
     _recurring(_multi_year)),
    ("after_incident", "Deadlines after an event", "After an incident", "Khi có sự cố",
     _triggered("incident")),
    ("after_feedback", "Deadlines after an event", "After public feedback",
     "Khi tiếp nhận phản ánh", _triggered("feedback_received")),
    ("after_activity", "Deadlines after an event", "After an activity ends",
     "Khi kết thúc hoạt động", _triggered("activity_ended")),
    ("after_signature", "Deadlines after an event", "After a document is signed",
     "Khi văn bản được ký", _triggered("document_signed")),
    ("portal_updates", "Deadlines after an event", "Portal update deadlines",
     "Hạn cập nhật lên cổng", _triggered("document_received")),
    ("backup", "Backups", "Backup frequency", "Tần suất sao lưu", _backups),
    ("retention", "Backups", "Backup retention", "Thời hạn lưu giữ",
     _constraints("backup_retention")),
    ("reporting_period", "Reporting", "Reporting period", "Kỳ báo cáo", _reporting_period),
    ("outline", "Reporting", "Report outline", "Đề cương báo cáo", _outline),
    ("prohibited", "Content", "Prohibited content", "Nội dung cấm", _prohibited),
    ("priority", "Content", "Priority content", "Nội dung ưu tiên", _priority),
    ("attribution", "Content", "Attribution of quoted content", "Ghi nguồn",
     _constraints("attribution")),
)


def compare(rule_sets: Sequence[RuleSetLike] | None = None) -> Comparison:
    """The key parameters of the rule sets side by side (default: every bundled one)."""
    loaded = [as_rule_set(rs)
              for rs in (bundled() if rule_sets is None else rule_sets)]
    columns: list[str] = []
    for rs in loaded:
        key, n = rs.id, 1
        while key in columns:
            n += 1
            key = f"{rs.id}#{n}"
        columns.append(key)
    rows = []
    for key, group, label, label_vi, cell in ROWS:
        cells = {column: cell(rs) for column, rs in zip(columns, loaded, strict=True)}
        if any(cells.values()):
            rows.append(Row(key=key, group=group, label=label, label_vi=label_vi, cells=cells))
    return Comparison(rule_sets=[RuleSetRef.of(rs) for rs in loaded], columns=columns,
                      rows=rows)


def tables(comparison: Comparison) -> tuple[str, str, list[Table]]:
    """The comparison as (title, introduction, one table per group of parameters)."""
    names = ", ".join(f"{r.name} ({c})" for r, c in zip(comparison.rule_sets, comparison.columns,
                                                        strict=True))
    title = "Rule sets compared"
    intro = (f"{names}. One row per parameter, one column per rule set; every value cites "
             "the article it comes from. “—”: the text sets nothing of the kind (or it is "
             "not machine-checkable; see the rule set's coverage).")
    columns = ["parameter"] + [f"{r.name} ({c})" for r, c in zip(
        comparison.rule_sets, comparison.columns, strict=True)]
    out: list[Table] = []
    for row in comparison.rows:
        if not out or out[-1].title != row.group:
            out.append(Table(title=row.group, columns=columns))
        cells = [f"{row.label}\n{row.label_vi}"]
        for column in comparison.columns:
            entries = row.cells.get(column, [])
            cells.append("\n".join(
                e.text + (f" [{cite_text(e.source)}]" if e.source else "") for e in entries)
                or "—")
        out[-1].rows.append(cells)
    return title, intro, out

"""The report as one page for people who would rather look than read (`check --format html`).

A summary; per site, a calendar heatmap of daily broadcast hours against the
minimum (emergency days marked, days with a window or part of the day short
outlined); a timeline of duties, due against fulfilled; the violations and
obligations as tables that sort, filter and export to CSV; labels in
Vietnamese and English, switched in the page.

Everything is aggregated here, before drawing: the page gets per-site arrays of
daily hours and one mark per rule and due date, never the events, so a year of
forty sites stays a few hundred kilobytes that open in about a second. The data
goes in as escaped JSON and the script writes it with `textContent` only.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter, defaultdict
from typing import Any

from .analysis.daily import daily_hours
from .errors import EvaluationError
from .htmlpage import json_block, page
from .render import cite
from .report_html_assets import CSS, JS

__all__ = ["render_report_html", "report_data"]

_DAY_KIND_CODE = {"working_day": "w", "weekend": "e", "holiday": "h"}
_DAY_FINDINGS = ("no_broadcast", "broadcast_hours", "broadcast_part", "broadcast_window")

LABELS = {
    "vi": {
        "title": "Báo cáo tuân thủ",
        "summary": "Tóm tắt",
        "events": "Sự kiện",
        "read": "đã đọc",
        "applied": "đã áp dụng",
        "rejected": "bị từ chối",
        "obligations": "Nghĩa vụ",
        "violations": "Vi phạm",
        "heatmap": "Thời lượng đăng phát hằng ngày theo điểm",
        "heatmap_note": (
            "Mỗi ô là một ngày; màu so với thời lượng tối thiểu của ngày đó. Bên cạnh tên "
            "điểm: quy tắc áp dụng [w ngày làm việc, e cuối tuần, h ngày lễ], mức tối "
            "thiểu, các buổi và khung giờ phải phát."
        ),
        "timeline": "Tiến độ thực hiện nghĩa vụ",
        "timeline_note": (
            "Mỗi dấu là một hạn; màu theo tình trạng; vạch cam nối hạn với ngày "
            "thực hiện muộn; hạn xa hơn một quý sau thời điểm tính nằm ở mép phải "
            "(▸)."
        ),
        "met": "đúng hạn",
        "late": "muộn",
        "missed": "quá hạn chưa thực hiện",
        "open": "chưa đến hạn",
        "below": "dưới mức tối thiểu",
        "at_least": "đạt mức tối thiểu",
        "well_above": "vượt 25% trở lên",
        "no_minimum": "ngày không có mức tối thiểu",
        "window_short": "đạt giờ nhưng thiếu khung giờ/buổi",
        "emergency": "có phát khẩn cấp",
        "rest": "không phát, không bắt buộc",
        "search": "tìm",
        "rejected_events": "Sự kiện bị từ chối",
        "warnings": "Lưu ý",
        "none": "Không có vi phạm.",
        "hours": "giờ",
        "minimum": "tối thiểu",
        "window": "Cửa sổ đánh giá",
        "as_of": "tính đến",
        "since": "từ",
        "w": "ngày làm việc",
        "e": "ngày nghỉ cuối tuần",
        "h": "ngày lễ, nghỉ bù",
        "obligations_table": "Nghĩa vụ chưa thực hiện đúng hạn",
        "lang": "English",
        "col_when": "thời điểm",
        "col_month": "tháng",
        "col_site": "điểm",
        "col_rule": "quy tắc",
        "col_kind": "loại",
        "col_actor": "chủ thể",
        "col_message": "nội dung",
        "col_clause": "điều khoản",
        "col_quote": "trích dẫn",
        "col_due": "hạn",
        "col_title": "nghĩa vụ",
        "col_period": "kỳ / sự kiện",
        "col_status": "tình trạng",
        "col_fulfilled": "thực hiện lúc",
        "col_owed_to": "gửi đến",
        "col_index": "dòng",
        "col_id": "mã",
        "col_reason": "lý do",
        "no_sites": (
            "Quy chế không quy định thời lượng đăng phát hằng ngày cho điểm nào "
            "đã đăng ký."
        ),
        "no_ledger": "Báo cáo này không kèm sổ ghi (đọc lại từ JSON): không có số giờ theo ngày.",
        "weekdays": "T2,,T4,,T6,,CN",
    },
    "en": {
        "title": "Compliance report",
        "summary": "Summary",
        "events": "Events",
        "read": "read",
        "applied": "applied",
        "rejected": "rejected",
        "obligations": "Obligations",
        "violations": "Violations",
        "heatmap": "Daily broadcast hours by site",
        "heatmap_note": (
            "One cell a day, coloured against that day's minimum. Beside each site: the "
            "rules that apply [w working day, e weekend, h holiday], the minimum, the parts "
            "of the day and the windows it must broadcast in."
        ),
        "timeline": "Duties over time",
        "timeline_note": (
            "One mark per due date, coloured by status; an orange bar joins a due "
            "date to a late fulfilment; dues more than a quarter after the as-of "
            "date sit at the right edge (▸)."
        ),
        "met": "met",
        "late": "late",
        "missed": "missed",
        "open": "open",
        "below": "below the minimum",
        "at_least": "at least the minimum",
        "well_above": "25% or more above",
        "no_minimum": "a day with no minimum",
        "window_short": "hours met, a window or part short",
        "emergency": "emergency broadcast",
        "rest": "no broadcast, none required",
        "search": "search",
        "rejected_events": "Rejected events",
        "warnings": "Warnings",
        "none": "No violations.",
        "hours": "h",
        "minimum": "minimum",
        "window": "Window",
        "as_of": "as of",
        "since": "since",
        "w": "working day",
        "e": "weekend",
        "h": "holiday",
        "obligations_table": "Obligations not met on time",
        "lang": "Tiếng Việt",
        "col_when": "when",
        "col_month": "month",
        "col_site": "site",
        "col_rule": "rule",
        "col_kind": "kind",
        "col_actor": "actor",
        "col_message": "message",
        "col_clause": "clause",
        "col_quote": "quote",
        "col_due": "due",
        "col_title": "duty",
        "col_period": "period / trigger",
        "col_status": "status",
        "col_fulfilled": "fulfilled at",
        "col_owed_to": "owed to",
        "col_index": "line",
        "col_id": "id",
        "col_reason": "reason",
        "no_sites": "The rule set sets no daily broadcast hours for any registered site.",
        "no_ledger": (
            "This report has no ledger (it was read back from JSON): no daily "
            "hours to draw."
        ),
        "weekdays": "Mon,,Wed,,Fri,,Sun",
    },
}


def _citations() -> tuple[list[list[str]], Any]:
    """A shared list of [clause, quote] and a function giving a source's index in it."""
    table: list[list[str]] = []
    index: dict[tuple[str, str], int] = {}

    def of(source: Any) -> int:
        key = (cite(source), source.quote)
        if key not in index:
            index[key] = len(table)
            table.append(list(key))
        return index[key]

    return table, of


def _requirements(rule: Any) -> str:
    """A broadcast rule in figures: `≥ 6 h · morning 00:00–12:00 ≥ 3 h · 07:00–11:00`."""
    days = "/".join(_DAY_KIND_CODE[k] for k in rule.day_kinds)
    out = [f"{rule.id} [{days}]"]
    if rule.min_hours is not None:
        out.append(f"≥ {rule.min_hours:g} h")
    if rule.max_hours is not None:
        out.append(f"≤ {rule.max_hours:g} h")
    out += [f"{p.id} {p.window.start}–{p.window.end} ≥ {p.min_hours:g} h" for p in rule.parts]
    out += [f"{w.start}–{w.end}" for w in rule.required_windows]
    return " · ".join(out)


def report_data(report: Any) -> dict[str, Any]:
    """What the page draws, aggregated: daily hours, duty marks, table rows."""
    cites, cite_of = _citations()
    flags: dict[tuple[str, str], set[str]] = defaultdict(set)
    violations = []
    for v in report.violations:
        if v.kind in _DAY_FINDINGS and v.site:
            flags[(v.site, v.when[:10])].add(v.kind)
        violations.append([v.when, v.when[:7], v.site or "", v.rule_id, v.kind, v.actor or "",
                           v.message, v.message_en, cite_of(v.source)])
    sites = []
    try:
        days, has_days = daily_hours(report), True
    except EvaluationError:  # a report without its ledger: the page still shows the findings
        days, has_days = [], False
    context = getattr(report, "_context", None)
    rules = {r.id: r for r in context.rule_set.broadcast.rules} if context else {}
    for d in days:
        dates = [(d.first + dt.timedelta(days=i)).isoformat() for i in range(len(d.hours))]
        sites.append({
            "site": d.site, "kind": d.kind, "first": d.first.isoformat(), "hours": d.hours,
            "needs": [_requirements(rules[r]) for r in d.rules if r in rules],
            "min": d.minimum,
            "days": "".join(_DAY_KIND_CODE[k] for k in d.day_kind),
            "emergency": [i for i, e in enumerate(d.emergency) if e],
            "flags": {str(i): sorted(flags[(d.site, date)]) for i, date in enumerate(dates)
                      if (d.site, date) in flags},
        })
    marks: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    late_by: dict[tuple[str, str], float] = {}
    titles: dict[str, str] = {}
    obligations = []
    for o in report.obligations:
        due = o.due.isoformat()
        key = (o.rule_id, due[:10])
        marks[key][o.status] += 1
        titles[o.rule_id] = o.title
        if o.status == "late" and o.fulfilled_at is not None:
            late_by[key] = max(late_by.get(key, 0.0), o.fulfilled_at.timestamp())
        if o.status != "met":
            obligations.append([due, o.rule_id, o.title, o.actor, ", ".join(o.owed_to),
                                o.period or o.trigger or "", o.status,
                                o.fulfilled_at.isoformat() if o.fulfilled_at else "",
                                cite_of(o.source)])
    timeline = [{"rule": rule, "due": due, "counts": dict(counts),
                 "done": late_by.get((rule, due))}
                for (rule, due), counts in sorted(marks.items())]
    s = report.summary
    return {
        "rule_set": report.rule_set, "as_of": report.as_of.isoformat(),
        "since": report.since.isoformat(), "summary": s.model_dump(mode="json"),
        "sites": sites, "has_days": has_days, "timeline": timeline, "titles": titles,
        "cites": cites,
        "violations": violations, "obligations": obligations,
        "rejected": [[str(r.index), r.id or "", r.reason] for r in report.rejected],
        "warnings": list(report.warnings),
    }


def render_report_html(report: Any, lang: str = "vi") -> str:
    """The report as one self-contained page; `lang` ("vi" or "en") is the language it opens in."""
    lang = "en" if lang == "en" else "vi"
    title = f"{LABELS[lang]['title']}: {report.rule_set}"
    body = "\n".join([
        '<header><h1 data-l="title"></h1> <span class="ruleset"></span>',
        '<button type="button" id="lang" class="lang"></button>',
        '<p class="muted" id="window"></p></header>',
        '<section id="summary"></section>',
        '<h2 data-l="heatmap"></h2><p class="muted" data-l="heatmap_note"></p>',
        '<div id="legend" class="legend"></div><div id="heatmap"></div>',
        '<h2 data-l="timeline"></h2><p class="muted" data-l="timeline_note"></p>',
        '<div id="timeline-legend" class="legend"></div><div id="timeline"></div>',
        '<h2 data-l="violations"></h2><div id="violations"></div>',
        '<h2 data-l="obligations_table"></h2><div id="obligations"></div>',
        '<h2 data-l="rejected_events"></h2><div id="rejected"></div>',
        '<h2 data-l="warnings"></h2><ul id="warnings"></ul>',
        '<div id="tip" role="tooltip" hidden></div>',
        json_block("quyche-labels", LABELS),
        json_block("quyche-report", report_data(report)),
        f"<noscript>{html.escape(title)}: this page needs JavaScript to draw; "
        "use --format json for the data.</noscript>",
    ])
    return page(title, body, lang=lang, css=CSS, js=JS)


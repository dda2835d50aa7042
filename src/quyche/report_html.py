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
    return page(title, body, lang=lang, css=_CSS, js=_JS)


_CSS = """
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .75rem; }
header h1 { margin: 0; } header .muted { flex-basis: 100%; margin: 0; }
.ruleset { font-family: ui-monospace, monospace; color: #5a6478; }
button.lang { margin-left: auto; font: inherit; font-size: .85rem; }
#summary { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; min-width: 11rem;
        background: #fbfcfe; }
.card b { display: block; font-size: .8rem; color: #5a6478; font-weight: 600; }
.card .big { font-size: 1.4rem; font-weight: 700; }
.card .bad { color: #a11d1d; } .card .good { color: #1d6a2f; }
.legend { display: flex; flex-wrap: wrap; gap: .9rem; font-size: .8rem; margin: .4rem 0; }
.legend i { display: inline-block; width: 11px; height: 11px; margin-right: .3rem;
            vertical-align: -1px; border-radius: 2px; }
#heatmap { display: flex; flex-wrap: wrap; gap: .6rem 1.5rem; }
.site { max-width: 100%; overflow-x: auto; }
.site h3 { font-size: .85rem; margin: .2rem 0; font-weight: 600; }
.site h3 span { color: #5a6478; font-weight: 400; }
canvas { display: block; }
#timeline { overflow-x: auto; }
#tip { position: fixed; pointer-events: none; background: #1d2330; color: #fff; z-index: 9;
       font-size: .78rem; padding: .3rem .5rem; border-radius: 4px; white-space: pre-line;
       max-width: 22rem; }
"""

_JS = r"""
const L = JSON.parse(document.getElementById("quyche-labels").textContent);
const R = JSON.parse(document.getElementById("quyche-report").textContent);
window.QUYCHE_LABELS = L;
const COLOURS = {rest: "#eef0f3", no_minimum: "#bcd7f2", well_above: "#1f7a3f",
  at_least: "#63b77c", window_short: "#f0b429", below: "#e0533f",
  met: "#2f8f4e", late: "#e8890c", missed: "#b3261e", open: "#98a2b3"};
const DAY = 86400000;
let lang = document.documentElement.lang;
const t = key => (L[lang] || L.en)[key] || key;
const tip = document.getElementById("tip");
function showTip(e, text) {
  tip.textContent = text; tip.hidden = false;
  tip.style.left = Math.min(e.clientX + 12, innerWidth - 360) + "px";
  tip.style.top = (e.clientY + 14) + "px";
}
function hideTip() { tip.hidden = true; }
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}
function legend(host, keys) {
  host.replaceChildren(...keys.map(k => {
    const s = el("span"); const i = el("i"); i.style.background = COLOURS[k];
    if (k === "emergency") { i.style.background = "#fff"; i.style.border = "3px solid #1d2330"; }
    s.append(i, t(k)); return s;
  }));
}
function summary() {
  const s = R.summary, host = document.getElementById("summary");
  const card = (title, big, cls, lines) => {
    const c = el("div", "card"); c.append(el("b", null, title), el("div", "big " + cls, big));
    for (const line of lines) c.append(el("div", "muted", line));
    return c;
  };
  const obl = s.obligations_by_status, vio = s.violations_by_kind;
  const nObl = Object.values(obl).reduce((a, b) => a + b, 0);
  const nVio = Object.values(vio).reduce((a, b) => a + b, 0);
  host.replaceChildren(
    card(t("events"), String(s.events_read), "", [s.events_applied + " " + t("applied"),
      s.events_rejected + " " + t("rejected")]),
    card(t("obligations"), String(nObl), (obl.missed || obl.late) ? "bad" : "good",
      Object.entries(obl).map(([k, n]) => n + " " + t(k))),
    card(t("violations"), String(nVio), nVio ? "bad" : "good",
      Object.entries(vio).map(([k, n]) => n + " " + k)));
  document.querySelector(".ruleset").textContent = R.rule_set;
  document.getElementById("window").textContent = t("window") + ": " + t("since") + " " +
    R.since + " " + t("as_of") + " " + R.as_of;
}
function monthLabel(d) {
  return String(d.getUTCMonth() + 1).padStart(2, "0") + "/" + String(d.getUTCFullYear()).slice(2);
}
function dayColour(h, min, flags) {
  if (min == null) return h > 0 ? COLOURS.no_minimum : COLOURS.rest;
  if (h + 1e-9 < min) {
    const r = Math.max(0, Math.min(1, h / min));  // the shorter the day, the darker the red
    return "rgb(" + Math.round(150 + 90 * r) + "," + Math.round(30 + 110 * r) + ","
      + Math.round(30 + 100 * r) + ")";
  }
  if (flags && flags.length) return COLOURS.window_short;
  return h >= 1.25 * min ? COLOURS.well_above : COLOURS.at_least;
}
function heatmap() {
  const host = document.getElementById("heatmap");
  if (!R.sites.length) {  // no broadcast rule, or a report without its ledger
    document.getElementById("legend").replaceChildren();
    host.replaceChildren(el("p", "muted", t(R.has_days ? "no_sites" : "no_ledger")));
    return;
  }
  legend(document.getElementById("legend"),
    ["below", "at_least", "well_above", "window_short", "no_minimum", "rest", "emergency"]);
  const C = 11, G = 2, TOP = 14, LEFT = 27;
  const parts = [];
  for (const s of R.sites) {
    const first = Date.parse(s.first + "T00:00:00Z");
    const shift = (new Date(first).getUTCDay() + 6) % 7;  // Monday first
    const weeks = Math.ceil((s.hours.length + shift) / 7);
    const box = el("div", "site"); box.dataset.site = s.site;
    const h3 = el("h3", null, s.site + " ");
    h3.append(el("span", null, s.kind + (s.needs.length ? " · " + s.needs.join("; ") : "")));
    const cv = document.createElement("canvas");
    const w = LEFT + weeks * (C + G), h = TOP + 7 * (C + G), dpr = window.devicePixelRatio || 1;
    cv.width = w * dpr; cv.height = h * dpr; cv.style.width = w + "px"; cv.style.height = h + "px";
    cv.setAttribute("role", "img");
    const short = s.hours.filter((x, i) => s.min[i] != null && x + 1e-9 < s.min[i]).length;
    cv.setAttribute("aria-label", s.site + ": " + short + " " + t("below"));
    cv.dataset.short = String(short);
    const g = cv.getContext("2d"); g.scale(dpr, dpr);
    g.font = "9px system-ui, sans-serif"; g.fillStyle = "#5a6478";
    t("weekdays").split(",").forEach((d, i) => g.fillText(d, 0, TOP + i * (C + G) + 9));
    const emergency = new Set(s.emergency);
    let month = -1, labelled = -99;
    for (let i = 0; i < s.hours.length; i++) {
      const x = LEFT + Math.floor((i + shift) / 7) * (C + G), y = TOP + ((i + shift) % 7) * (C + G);
      const date = new Date(first + i * DAY);
      if (date.getUTCMonth() !== month && (i === 0 || date.getUTCDate() <= 7)) {
        month = date.getUTCMonth(); g.fillStyle = "#5a6478";
        if (x - labelled >= 32) { g.fillText(monthLabel(date), x, 9); labelled = x; }
      }
      g.fillStyle = dayColour(s.hours[i], s.min[i], s.flags[i]);
      g.fillRect(x, y, C, C);
      if (emergency.has(i)) { g.fillStyle = "#1d2330"; g.fillRect(x + 3, y + 3, C - 6, C - 6); }
    }
    const dayAt = e => {  // the index of the day under the pointer, or -1
      const r = cv.getBoundingClientRect();
      const col = Math.floor((e.clientX - r.left - LEFT) / (C + G));
      const row = Math.floor((e.clientY - r.top - TOP) / (C + G));
      const i = col * 7 + row - shift;
      return col < 0 || row < 0 || row > 6 || i < 0 || i >= s.hours.length ? -1 : i;
    };
    const dateOf = i => new Date(first + i * DAY).toISOString().slice(0, 10);
    cv.addEventListener("mousemove", e => {
      const i = dayAt(e);
      if (i < 0) return hideTip();
      const date = dateOf(i);
      const lines = [s.site + " · " + date + " (" + t(s.days[i]) + ")",
        s.hours[i].toFixed(2) + " " + t("hours") +
        (s.min[i] == null ? "" : " / " + t("minimum") + " " + s.min[i] + " " + t("hours"))];
      if (emergency.has(i)) lines.push(t("emergency"));
      for (const f of s.flags[i] || []) lines.push(f);
      showTip(e, lines.join("\n"));
    });
    cv.addEventListener("mouseleave", hideTip);
    cv.addEventListener("click", e => {
      const i = dayAt(e);
      filterViolations(s.site, i >= 0 && s.flags[i] ? dateOf(i) : "");
    });
    box.append(h3, cv); parts.push(box);
  }
  host.replaceChildren(...parts);
}
function timeline() {
  const host = document.getElementById("timeline");
  legend(document.getElementById("timeline-legend"), ["met", "late", "missed", "open"]);
  if (!R.timeline.length) { host.replaceChildren(); return; }
  const rules = Array.from(new Set(R.timeline.map(m => m.rule))).sort();
  const dues = R.timeline.map(m => Date.parse(m.due + "T00:00:00Z"));
  // The window, and a quarter after it for what falls due next; later dues sit at the edge.
  const asOfDay = Date.parse(R.as_of.slice(0, 10) + "T00:00:00Z");
  const lo = Math.min(Date.parse(R.since.slice(0, 10) + "T00:00:00Z"), ...dues);
  const hi = Math.min(Math.max(asOfDay, ...dues), asOfDay + 92 * DAY) + DAY;
  const LEFT = 230, ROW = 18, TOP = 18, W = Math.max(700, Math.min(1400, host.clientWidth || 1000));
  const x = ms => LEFT + (W - LEFT - 10) * (ms - lo) / (hi - lo);
  const cv = document.createElement("canvas"), dpr = window.devicePixelRatio || 1;
  const H = TOP + rules.length * ROW + 4;
  cv.width = W * dpr; cv.height = H * dpr; cv.style.width = W + "px"; cv.style.height = H + "px";
  cv.setAttribute("role", "img"); cv.setAttribute("aria-label", t("timeline"));
  const g = cv.getContext("2d"); g.scale(dpr, dpr);
  g.font = "10px system-ui, sans-serif";
  const monthPx = x(lo + 30.4 * DAY) - x(lo), every = Math.max(1, Math.ceil(40 / monthPx));
  for (let d = new Date(lo), n = 0; d.getTime() < hi; d.setUTCMonth(d.getUTCMonth() + 1, 1)) {
    const px = x(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    if (px < LEFT) continue;
    g.fillStyle = "#e4e8ef"; g.fillRect(px, TOP - 4, 1, H - TOP);
    g.fillStyle = "#5a6478";
    if (n++ % every === 0 && px < W - 30) g.fillText(monthLabel(d), px + 2, 10);
  }
  const asOf = x(Date.parse(R.as_of));
  g.fillStyle = "#1d2330"; g.fillRect(asOf, TOP - 4, 1.5, H - TOP);
  rules.forEach((rule, r) => {
    g.fillStyle = "#1d2330";
    g.fillText(rule.length > 36 ? rule.slice(0, 35) + "…" : rule, 2, TOP + r * ROW + 11);
  });
  const hits = [];
  for (const m of R.timeline) {
    const r = rules.indexOf(m.rule), cy = TOP + r * ROW + 7;
    const due = Date.parse(m.due + "T00:00:00Z"), later = due >= hi;
    const cx = later ? W - 8 : x(due);
    const c = m.counts;
    const status = c.missed ? "missed" : c.late ? "late" : c.open ? "open" : "met";
    if (m.done) {
      g.fillStyle = COLOURS.late; g.fillRect(cx, cy - 1.5, Math.max(2, x(m.done * 1000) - cx), 3);
    }
    g.fillStyle = COLOURS[status]; g.beginPath();
    if (later) { g.moveTo(cx - 4, cy - 5); g.lineTo(cx + 4, cy); g.lineTo(cx - 4, cy + 5); }
    else if (status === "missed") { g.rect(cx - 4, cy - 4, 8, 8); }
    else { g.arc(cx, cy, 4, 0, 7); }
    g.fill();
    hits.push({cx, cy, m});
  }
  cv.addEventListener("mousemove", e => {
    const b = cv.getBoundingClientRect(), px = e.clientX - b.left, py = e.clientY - b.top;
    let best = null, dist = 64;
    for (const h of hits) {
      const d = (h.cx - px) ** 2 + (h.cy - py) ** 2;
      if (d < dist) { dist = d; best = h; }
    }
    if (!best) return hideTip();
    const m = best.m;
    showTip(e, m.rule + "\n" + (R.titles[m.rule] || "") + "\n" + t("col_due") + " " + m.due + ": "
      + Object.entries(m.counts).map(([k, n]) => n + " " + t(k)).join(", "));
  });
  cv.addEventListener("mouseleave", hideTip);
  host.replaceChildren(cv);
}
function withCites(rows, at) {
  return rows.map(r => { const c = R.cites[r[at]] || ["", ""]; return r.slice(0, at).concat(c); });
}
function tables() {
  const cols = keys => keys.map(k => t("col_" + k));
  const vi = lang === "vi";
  const v = withCites(R.violations.map(r => [r[0], r[1], r[2], r[3], r[4], r[5],
    vi ? r[6] : r[7], r[8]]), 7);
  const vHost = document.getElementById("violations");
  if (!v.length) vHost.replaceChildren(el("p", null, t("none")));
  else grid(vHost, {columns: cols(["when", "month", "site", "rule", "kind", "actor", "message",
    "clause", "quote"]), rows: v, filters: cols(["site", "rule", "kind", "month"]), wide: [6, 8],
    name: "violations-" + R.rule_set});
  grid(document.getElementById("obligations"), {columns: cols(["due", "rule", "title",
    "actor", "owed_to", "period", "status", "fulfilled", "clause", "quote"]),
    rows: withCites(R.obligations, 8), filters: cols(["rule", "actor", "status"]),
    classes: {6: ["late", "missed"]}, wide: [2, 9], name: "obligations-" + R.rule_set});
  grid(document.getElementById("rejected"), {columns: cols(["index", "id", "reason"]),
    rows: R.rejected, name: "rejected-" + R.rule_set});
  document.getElementById("warnings").replaceChildren(...R.warnings.map(w => el("li", null, w)));
}
function filterViolations(site, date) {
  // A click on a site's calendar: its violations; on a day with findings, that day's.
  const sel = document.querySelector("#violations select[data-column='" + t("col_site") + "']");
  if (!sel || !Array.from(sel.options).some(o => o.value === site)) return;
  sel.value = site; sel.dispatchEvent(new Event("change"));
  const search = document.querySelector("#violations input.grid-search");
  search.value = date; search.dispatchEvent(new Event("input"));
  document.getElementById("violations").scrollIntoView({behavior: "smooth"});
}
function draw() {
  document.documentElement.lang = lang;
  document.title = t("title") + ": " + R.rule_set;
  document.querySelectorAll("[data-l]").forEach(e => { e.textContent = t(e.dataset.l); });
  document.getElementById("lang").textContent = t("lang");
  summary(); heatmap(); timeline(); tables();
}
document.getElementById("lang").addEventListener("click", () => {
  lang = lang === "vi" ? "en" : "vi"; draw();
});
const started = performance.now();
draw();
document.body.dataset.drawMs = String(Math.round(performance.now() - started));
document.body.dataset.ready = "1";
"""

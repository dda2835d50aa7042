"""The style and the drawing script of the report page (`report_html`): the heatmap on a
canvas, the timeline, sortable and filterable tables, the language switch. The script
reads the page's JSON blocks and writes text with `textContent` only."""

__all__ = ["CSS", "JS"]

CSS = """
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

JS = r"""
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

"""One self-contained HTML page: the shell, the styles and the interactive tables.

Every HTML output of quyche (the report of `check`, the pages of `compare` and
`diff`) is one file that works opened from disk or mailed: inline CSS and
JavaScript, no network at view time. Data reaches the page as JSON inside a
`<script type="application/json">` block, escaped so that no value can close
it, and scripts write it with `textContent`, never as markup.

The tables (`data-grid`) are sorted by a click on a column, filtered by a
select per chosen column and a free-text box, paged (so tens of thousands of
rows stay quick) and exported to CSV, the filtered rows only (a cell that a
spreadsheet would run as a formula is written as text). A grid reads its
rows either from a JSON block (the report) or from the plain `<table>` written
in the page (compare, diff: readable even where scripts are off).
"""

from __future__ import annotations

import html
import json
from typing import Any

__all__ = ["GRID_CSS", "GRID_JS", "json_block", "page"]

PAGE_CSS = """
:root { --ink: #1d2330; --line: #c9d0dc; --head: #eef2f8; --zebra: #f8fafc; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       margin: 1.5rem 2rem; color: var(--ink); line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.intro { white-space: pre-wrap; }
.muted { color: #5a6478; font-size: .85rem; }
"""

GRID_CSS = """
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .85rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; vertical-align: top;
         text-align: left; white-space: pre-wrap; }
th { background: var(--head); }
th.sortable { cursor: pointer; user-select: none; white-space: nowrap; }
th.sortable::after { content: " \\2195"; color: #98a2b3; }
th.asc::after { content: " \\2191"; color: var(--ink); }
th.desc::after { content: " \\2193"; color: var(--ink); }
tr:nth-child(even) td { background: var(--zebra); }
td.stricter { color: #a11d1d; font-weight: 600; } td.looser { color: #1d6a2f; font-weight: 600; }
td.incomparable { color: #7a5b00; } td.missed, td.late { color: #a11d1d; font-weight: 600; }
td.wide { min-width: 16rem; } td.token { white-space: nowrap; }
.grid-scroll { overflow-x: auto; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
.controls select, .controls input, .controls button { font: inherit; font-size: .85rem;
       padding: .15rem .35rem; }
.controls .count { color: #5a6478; font-size: .85rem; }
"""

# The interactive table. `grid(el, spec)` with spec = {columns, rows, filters, classes, wide,
# name}: rows are arrays of strings; filters name the columns that get a select; classes map
# a column to the values that become a cell's class; wide lists the columns of prose.
GRID_JS = r"""
"use strict";
const GRID_PAGE = 200;
function gridText(lang, key, fallback) {
  const t = (window.QUYCHE_LABELS || {})[lang] || {};
  return t[key] || fallback;
}
function csvCell(v) {
  let s = String(v == null ? "" : v);
  // A cell a spreadsheet would run as a formula is written as text (CSV injection).
  if (/^[=+\-@\t\r]/.test(s) && isNaN(Number(s))) s = "'" + s;
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function downloadCsv(name, columns, rows) {
  const text = "\ufeff" + [columns].concat(rows).map(r => r.map(csvCell).join(",")).join("\r\n");
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], {type: "text/csv;charset=utf-8"}));
  a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
}
function grid(host, spec) {
  const state = {sort: null, desc: false, page: 0, filters: {}, text: ""};
  const cols = spec.columns, wide = new Set(spec.wide || []);  // wide: columns of prose
  const controls = document.createElement("div"); controls.className = "controls";
  const table = document.createElement("table");
  const thead = table.createTHead(), tbody = table.createTBody();
  const count = document.createElement("span"); count.className = "count";
  const pager = document.createElement("div"); pager.className = "controls";
  const lang = () => document.documentElement.lang || "en";
  const selects = [];
  for (const name of spec.filters || []) {
    const i = cols.indexOf(name);
    if (i < 0) continue;
    const sel = document.createElement("select");
    sel.dataset.column = name;
    sel.setAttribute("aria-label", name);
    const all = document.createElement("option"); all.value = "";
    all.textContent = name + ": *"; sel.appendChild(all);
    const values = Array.from(new Set(spec.rows.map(r => r[i]))).sort();
    for (const v of values) {
      const o = document.createElement("option"); o.value = v; o.textContent = v || "—";
      sel.appendChild(o);
    }
    sel.addEventListener("change", () => { state.filters[i] = sel.value; state.page = 0; draw(); });
    selects.push(sel); controls.appendChild(sel);
  }
  const search = document.createElement("input");
  search.type = "search"; search.className = "grid-search";
  search.placeholder = gridText(lang(), "search", "search");
  search.addEventListener("input", () => {
    state.text = search.value.toLowerCase(); state.page = 0; draw();
  });
  controls.appendChild(search);
  const csv = document.createElement("button"); csv.type = "button"; csv.className = "grid-csv";
  csv.textContent = "CSV";
  csv.addEventListener("click",
    () => downloadCsv((spec.name || "table") + ".csv", cols, visible()));
  controls.appendChild(csv);
  controls.appendChild(count);
  const head = thead.insertRow();
  cols.forEach((name, i) => {
    const th = document.createElement("th"); th.textContent = name; th.className = "sortable";
    th.tabIndex = 0;
    const sort = () => {
      state.desc = state.sort === i ? !state.desc : false; state.sort = i; state.page = 0;
      head.querySelectorAll("th").forEach(h => h.classList.remove("asc", "desc"));
      th.classList.add(state.desc ? "desc" : "asc"); draw();
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", e => { if (e.key === "Enter") sort(); });
    head.appendChild(th);
  });
  function visible() {
    let rows = spec.rows.filter(r => {
      for (const [i, v] of Object.entries(state.filters)) if (v && r[i] !== v) return false;
      return !state.text || r.some(c => String(c).toLowerCase().includes(state.text));
    });
    if (state.sort !== null) {
      const i = state.sort, sign = state.desc ? -1 : 1;
      const num = rows.every(r => r[i] === "" || !isNaN(Number(r[i])));
      rows = rows.slice().sort((a, b) => sign * (num ? Number(a[i]) - Number(b[i])
        : String(a[i]).localeCompare(String(b[i]), undefined, {numeric: true})));
    }
    return rows;
  }
  function draw() {
    const rows = visible();
    const pages = Math.max(1, Math.ceil(rows.length / GRID_PAGE));
    state.page = Math.min(state.page, pages - 1);
    const frag = document.createDocumentFragment();
    for (const r of rows.slice(state.page * GRID_PAGE, (state.page + 1) * GRID_PAGE)) {
      const tr = document.createElement("tr");
      r.forEach((c, i) => {
        const td = document.createElement("td"); td.textContent = c;
        const cls = (spec.classes || {})[i];
        if (cls && cls.indexOf(c) >= 0) td.className = c;
        if (wide.has(i)) td.classList.add("wide");
        else if (c && !/\s/.test(c)) td.classList.add("token");  // ids, instants: one line
        tr.appendChild(td);
      });
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
    count.textContent = rows.length + " / " + spec.rows.length;
    pager.replaceChildren();
    if (pages > 1) {
      for (const [label, to] of [["\u2039", state.page - 1], ["\u203a", state.page + 1]]) {
        const b = document.createElement("button"); b.type = "button"; b.textContent = label;
        b.disabled = to < 0 || to >= pages;
        b.addEventListener("click", () => { state.page = to; draw(); });
        pager.appendChild(b);
      }
      const at = document.createElement("span"); at.className = "count";
      at.textContent = (state.page + 1) + " / " + pages; pager.appendChild(at);
    }
  }
  const scroll = document.createElement("div"); scroll.className = "grid-scroll";
  scroll.appendChild(table);
  host.replaceChildren(controls, scroll, pager);
  host.gridVisible = visible;
  draw();
}
function gridFromTable(host) {
  // A plain table already in the page: read its cells (line breaks kept) and take it over.
  const t = host.querySelector("table");
  if (!t) return;
  const text = cell => Array.from(cell.childNodes).map(n => n.nodeName === "BR" ? "\n"
    : n.textContent).join("");
  const columns = Array.from(t.tHead.rows[0].cells).map(text);
  const rows = Array.from(t.tBodies[0].rows).map(r => Array.from(r.cells).map(text));
  const filters = (host.dataset.filters || "").split("|").filter(Boolean);
  const classes = {};
  (host.dataset.classes || "").split("|").filter(Boolean).forEach(spec => {
    const [col, list] = spec.split(":"); classes[columns.indexOf(col)] = list.split(",");
  });
  grid(host, {columns, rows, filters, classes, name: host.dataset.name});
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-grid=table]").forEach(gridFromTable);
});
"""


def json_block(element_id: str, data: Any) -> str:
    """A `<script type="application/json">` block whose content no value can break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="{html.escape(element_id)}">{text}</script>'


def page(title: str, body: str, *, lang: str, css: str = "", js: str = "") -> str:
    """The page: head with inline styles, the body as given, inline scripts at the end.

    `title` is plain text (escaped here); `body`, `css` and `js` are already safe.
    """
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{PAGE_CSS}{GRID_CSS}{css}</style>",
        "</head>",
        "<body>",
        body,
        f"<script>{GRID_JS}{js}</script>",
        "</body>",
        "</html>",
    ]) + "\n"

"""The HTML pages in a real browser: Debian's headless chromium, driven by Playwright.

Each page is rendered from disk (as a mailed file would be), with no console errors;
the heatmap, timeline and tables are there; filters narrow the rows; the CSV export
downloads what the table shows. Screenshots go to build/screenshots/ for a person to
look at. Skipped, with the reason, where chromium or Playwright is absent: `make
browser-test` installs chromium and runs these.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import quyche
from quyche._load import read_data
from quyche.analysis.daily import daily_hours
from quyche.analysis.diff import diff, tables
from quyche.events import read_jsonl
from quyche.render import render_html
from quyche.report_html import render_report_html

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("QUYCHE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install -e '.[dev]')")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no chromium at {CHROMIUM} (Debian: apt-get install chromium; or run "
                "`make browser-test`)", allow_module_level=True)

sys.path.insert(0, str(ROOT / "benchmarks"))
from html_report import year_report  # noqa: E402


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            accept_downloads=True, viewport={"width": 1300, "height": 900})
        yield context
        context.close()


class Page:
    """A page opened from a file, with its console errors collected."""

    def __init__(self, browser: Any, html: str, path: Path) -> None:
        path.write_text(html, encoding="utf-8")
        self.errors: list[str] = []
        self.page = browser.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request {r.url}"))
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())

    def shot(self, name: str, selector: str | None = None) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        target = SHOTS / name
        if selector:
            self.page.locator(selector).screenshot(path=str(target))
        else:
            self.page.screenshot(path=str(target))
        return target

    def rows(self, host: str) -> list[list[str]]:
        return self.page.locator(host).locator("tbody tr").evaluate_all(
            "rs => rs.map(r => Array.from(r.cells).map(c => c.textContent))")

    def csv(self, host: str) -> list[list[str]]:
        with self.page.expect_download() as info:
            self.page.locator(host).locator("button.grid-csv").click()
        text = Path(info.value.path()).read_text(encoding="utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    def close(self) -> None:
        assert self.errors == [], self.errors
        assert all(u.startswith(("file:", "blob:", "data:")) for u in self.requests), (
            self.requests)  # nothing fetched from a network
        self.page.close()


def _short_days(d: Any) -> int:
    return sum(1 for h, m in zip(d.hours, d.minimum, strict=True) if m is not None and h + 1e-9 < m)


@pytest.fixture(scope="module")
def kontum() -> quyche.Report:
    sites = read_data((ROOT / "examples/kontum/sites.yaml").read_text(encoding="utf-8"), "sites")
    with (ROOT / "examples/kontum/events.jsonl").open("rb") as handle:
        return quyche.evaluate("kontum", read_jsonl(handle),
                               as_of="2024-12-31T23:59:59+07:00", sites=sites)


def test_report_page(browser: Any, kontum: quyche.Report, tmp_path: Path) -> None:
    page = Page(browser, render_report_html(kontum), tmp_path / "report.html")
    p = page.page
    p.wait_for_selector("body[data-ready='1']")
    assert p.evaluate("document.documentElement.lang") == "vi"
    page.shot("report-kontum.png")
    # A heatmap per site with broadcast rules; each knows its days below the minimum.
    days = daily_hours(kontum)
    drawn = p.eval_on_selector_all("#heatmap .site", "s => s.map(e => [e.dataset.site, "
                                   "e.querySelector('canvas').dataset.short])")
    assert drawn == [[d.site, str(_short_days(d))] for d in days]
    painted = p.evaluate("""() => { const c = document.querySelector('#heatmap canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] && d[i + 1] > d[i] + 40) n++;
        return n; }""")
    assert painted > 1000  # green cells were drawn
    assert p.locator("#timeline canvas").count() == 1
    # The violations table: every violation, filtered by site, exported as CSV.
    assert p.inner_text("#violations .count") == f"{len(kontum.violations)} / " \
        f"{len(kontum.violations)}"
    p.select_option("#violations select[data-column='điểm']", "bo_y")
    rows = page.rows("#violations")
    expected = [v for v in kontum.violations if v.site == "bo_y"]
    assert len(rows) == len(expected) and {r[2] for r in rows} == {"bo_y"}
    p.select_option("#violations select[data-column='tháng']", expected[0].when[:7])
    month_rows = page.rows("#violations")
    assert month_rows and all(r[1] == expected[0].when[:7] for r in month_rows)
    p.select_option("#violations select[data-column='tháng']", "")
    exported = page.csv("#violations")
    assert exported[0] == ["thời điểm", "tháng", "điểm", "quy tắc", "loại", "chủ thể",
                           "nội dung", "điều khoản", "trích dẫn"]
    assert [r[:5] for r in exported[1:]] == [r[:5] for r in rows]
    assert all(r[8] and r[7].startswith("Điều") for r in exported[1:])  # clause and quote
    page.shot("report-kontum-violations.png", "#violations")
    # A click on a day with findings in a site's calendar shows that day's violations.
    p.select_option("#violations select[data-column='tháng']", "")
    short = next(v for v in kontum.violations if v.kind == "no_broadcast")
    box = next(d for d in days if d.site == short.site)
    index = (dt.date.fromisoformat(short.when) - box.first).days
    shift = box.first.weekday()
    x = 27 + ((index + shift) // 7) * 13 + 5
    y = 14 + ((index + shift) % 7) * 13 + 5
    cell = p.locator(f"#heatmap .site[data-site='{short.site}'] canvas")
    cell.hover(position={"x": x, "y": y})
    tip = p.inner_text("#tip")
    assert f"{short.site} · {short.when}" in tip and "0.00 giờ / tối thiểu 6" in tip, tip
    cell.click(position={"x": x, "y": y})
    clicked = page.rows("#violations")
    assert clicked and all(r[2] == short.site and r[0].startswith(short.when) for r in clicked)
    p.fill("#violations input.grid-search", "")
    # Sorting by a column orders the rows.
    p.select_option("#violations select[data-column='điểm']", "")
    p.click("#violations th:nth-child(5)")
    kinds = [r[4] for r in page.rows("#violations")]
    assert kinds == sorted(kinds)
    # English labels, the page's language with them.
    p.click("#lang")
    assert p.evaluate("document.documentElement.lang") == "en"
    assert p.inner_text("h1") == "Compliance report"
    assert p.locator("#violations select[data-column='site']").count() == 1
    page.shot("report-kontum-en.png")
    page.close()


def test_report_page_of_a_year_of_forty_sites(browser: Any, tmp_path: Path) -> None:
    report = year_report(40)
    page = Page(browser, render_report_html(report, "en"), tmp_path / "year.html")
    p = page.page
    p.wait_for_selector("body[data-ready='1']")
    assert p.locator("#heatmap canvas").count() == 40
    shorts = p.eval_on_selector_all("#heatmap canvas", "cs => cs.map(c => +c.dataset.short)")
    assert shorts == [_short_days(d) for d in daily_hours(report)] and sum(shorts) > 100
    p.fill("#violations input.grid-search", "board_07")
    rows = page.rows("#violations")
    assert rows and all("board_07" in "".join(r) for r in rows)
    page.shot("report-year-40-sites.png")
    page.close()


@pytest.mark.parametrize("which", ["compare", "diff"])
def test_analyst_pages(browser: Any, which: str, tmp_path: Path) -> None:
    if which == "compare":
        from quyche.analysis.compare import compare
        from quyche.analysis.compare import tables as compare_tables

        title, intro, grids = compare_tables(compare([quyche.load(n) for n in
                                                      quyche.rule_sets()]))
    else:
        title, intro, grids = tables(diff(quyche.load("kontum"), quyche.load("laichau")))
    html = render_html(title, grids, intro)
    page = Page(browser, html, tmp_path / f"{which}.html")
    p = page.page
    p.wait_for_load_state()
    assert p.evaluate("document.documentElement.lang") == "en"
    assert "〃" not in p.inner_text("body")
    grids = p.locator("[data-grid=table]")
    assert grids.count() >= 3
    first = "[data-grid=table] >> nth=0"
    before = len(page.rows(first))
    if which == "diff":
        verdicts = p.locator("[data-grid=table] select[data-column='B vs A']")
        for i in range(verdicts.count()):
            if "stricter" in verdicts.nth(i).inner_text():
                verdicts.nth(i).select_option("stricter")
            else:  # a table with nothing stricter: filter it empty
                verdicts.nth(i).locator("xpath=..").locator("input").fill("no such text")
        stricter = p.eval_on_selector_all(
            "[data-grid=table] tbody tr", "rs => rs.map(r => r.cells[4].textContent)")
        assert stricter and set(stricter) == {"stricter"}
        assert p.locator("td.stricter").count() == len(stricter)
        before = len(page.rows(first))
    else:
        broadcasting = "xpath=//h2[text()='Broadcasting']/following-sibling::div[1]"
        p.locator(broadcasting).locator("input.grid-search").fill("Điều 6")
        rows = page.rows(broadcasting)
        assert rows and all("Điều 6" in "".join(r) for r in rows)
    exported = page.csv(first)
    assert len(exported) - 1 == before and exported[0][0] in ("parameter", "concept")
    page.shot(f"{which}.png")
    page.close()


def test_report_page_without_daily_hours(browser: Any, kontum: quyche.Report,
                                         tmp_path: Path) -> None:
    """No broadcast rule, or a report read back from JSON: a note instead of a heatmap."""
    plain = quyche.evaluate("tuyenquang", [], as_of="2025-12-31T23:59:59+07:00",
                            since="2025-01-01T00:00:00+07:00")
    copy = quyche.Report.model_validate_json(kontum.model_dump_json())
    for report, note in ((plain, "sets no daily broadcast hours"), (copy, "has no ledger")):
        page = Page(browser, render_report_html(report, "en"), tmp_path / "plain.html")
        page.page.wait_for_selector("body[data-ready='1']")
        assert note in page.page.inner_text("#heatmap")
        assert page.page.locator("#heatmap canvas").count() == 0
        assert page.page.locator("#timeline canvas").count() == 1  # duties are still drawn
        page.close()


def test_csv_cells_are_never_formulas(browser: Any, tmp_path: Path) -> None:
    """An event id a spreadsheet would run (`=HYPERLINK(…)`) is exported as text."""
    hostile = '=HYPERLINK("http://127.0.0.1/x","click")'
    report = quyche.evaluate("kontum", [{"id": hostile, "type": "broadcast"},
                                        {"id": "-1", "type": "broadcast"}],
                             as_of="2024-12-31T23:59:59+07:00")
    page = Page(browser, render_report_html(report, "en"), tmp_path / "csv.html")
    page.page.wait_for_selector("body[data-ready='1']")
    exported = page.csv("#rejected")
    assert [row[1] for row in exported[1:]] == ["'" + hostile, "-1"]
    page.close()

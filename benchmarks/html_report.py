"""How fast the HTML report of a large log opens: a year of 40 sites in headless Chromium.

The issue's bar is "a year of 40 sites must open in a browser in about a second".
This generates that year (two playback segments a site a day, now and then a short
or silent day, a few emergencies), evaluates it, writes the page, and measures in
Debian's chromium, driven by Playwright: the page's size, the time from navigation
until its script has drawn everything (`body[data-ready]`), and the script's own
drawing time. It is a measurement, never a timed test; `tests/test_browser.py`
reuses `year_of_playback` to check the same page works.

    .venv/bin/python benchmarks/html_report.py [--sites 40] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import quyche

__all__ = ["year_of_playback"]

_TZ = "+07:00"


def year_of_playback(n_sites: int, year: int = 2025, seed: int = 7
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(sites, events) of Kon Tum-style public boards for one calendar year."""
    rng = random.Random(seed)
    sites = [{"id": f"board_{i:02d}", "kind": "public_board" if i % 8 else "border_gate",
              "operator": f"ubnd_huyen_{i % 9}"} for i in range(n_sites)]
    events: list[dict[str, Any]] = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        for site in sites:
            roll = rng.random()
            if roll < 0.01:
                continue  # a silent day
            short = roll < 0.06
            for n, (hour, length) in enumerate(((7, 4 if not short else 2), (14, 4))):
                minute = rng.randrange(0, 30)
                start = dt.datetime(day.year, day.month, day.day, hour, minute)
                end = start + dt.timedelta(hours=length, minutes=rng.randrange(0, 40))
                events.append({"id": f"bc-{site['id']}-{day.isoformat()}-{n}",
                               "type": "broadcast", "site": site["id"],
                               "start": start.isoformat() + _TZ, "end": end.isoformat() + _TZ})
        if rng.random() < 0.01:
            events.append({"id": f"em-{day.isoformat()}", "type": "emergency",
                           "start": f"{day.isoformat()}T19:00:00{_TZ}",
                           "end": f"{day.isoformat()}T21:00:00{_TZ}",
                           "sites": [s["id"] for s in rng.sample(sites, 3)]})
        day += dt.timedelta(days=1)
    return sites, events


def year_report(n_sites: int, year: int = 2025) -> quyche.Report:
    sites, events = year_of_playback(n_sites, year)
    return quyche.evaluate("kontum", events, as_of=f"{year + 1}-01-01T00:00:00{_TZ}",
                           since=f"{year}-01-01T00:00:00{_TZ}", sites=sites)


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from quyche.report_html import render_report_html

    t0 = time.perf_counter()
    report = year_report(args.sites)
    t1 = time.perf_counter()
    text = render_report_html(report)
    t2 = time.perf_counter()
    path = Path(tempfile.mkdtemp()) / "year.html"
    path.write_text(text, encoding="utf-8")
    print(f"sites={args.sites} violations={len(report.violations)} "
          f"obligations={len(report.obligations)}")
    print(f"evaluate_s={t1 - t0:.2f} render_s={t2 - t1:.3f} "
          f"page_kib={len(text.encode()) / 1024:.0f}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        for run in range(args.runs):
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-ready='1']")
            opened = time.perf_counter() - start
            script_ms = page.evaluate("performance.now()")
            draw_ms = page.get_attribute("body", "data-draw-ms")
            print(f"run={run} open_s={opened:.3f} page_clock_ms={script_ms:.0f} "
                  f"draw_ms={draw_ms}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()

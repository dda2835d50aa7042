"""The performance benchmark: a realistic year of a province, native engine vs durable_rules.

The goals it states as ratios of one run (`goals.*`, docs/performance.md): the native
engine end to end near the orjson parse of the same lines, durable_rules' trigger
matching at least 20x the native matcher's time on the same events (the engines share
everything else), memory that does not grow with the number of events, and reports
identical across engines and input formats. It is what `make bench` runs; it is never a
timed test.

1. It generates a year for a province (`--rules`): a registry of sites drawn
   from the rule set's site kinds and bodies, playback segments every day at
   every site (now and then a short or silent day, an outage, a category or a
   language the rule set refuses), the submissions every recurring duty asks of
   every owner (mostly on time), backups and deletions, incidents, feedback,
   portal documents and the follow-ups that discharge what they trigger, a few
   emergencies and malformed lines. Non-playback events follow the calendar, not
   `--events`; playback density fills the rest, so N and 10 N are the same
   province and year with denser playback logs. Files go to benchmarks/out/.
2. End to end — read (typed records via `quyche.decoding.decode_lines`), validate,
   evaluate, report (`model_dump_json`) — for the native engine on N events, against
   the orjson parse of the same lines; and as users run it: `quyche.evaluate(rs, Path)`
   (the package reads the file) and `quyche check RULES FILE --format json` in a child
   process (its CPU time less a child's start-up), both reports checked.
3. The engines on the same first M events (`--durable-events`): end to end, reports
   checked identical, and trigger matching alone (`trigger_matching`): the same
   questions asked of both matchers, durable_rules' own `post` time apart from ours.
   Also on a trigger-rich year (`--trigger-rich K`: K times the events that may raise a
   duty, valid requests and feedback among them).
4. Peak memory of the native engine at N and 10 N events, each in a fresh
   subprocess: peak RSS, the findings' size (tracemalloc), and what is left.
5. Working-day deadline lookups per second: `quyche.calendar().add_working_days`
   against `numpy.busday_offset` one call at a time, on the same holidays.
6. Partitions: the same N events evaluated whole, and as `--partitions` per-site
   parts (events that name no site dealt round-robin) whose partials are made in a
   process pool and merged once: the whole's seconds, the sum of the partials'
   seconds plus the merge's, their ratio, and the largest partial's JSON size, with
   the report of the merge checked equal to the whole's.

Figures are printed one per line as `key=value` (units in the key), in a fixed
order, and with `--json PATH` also written as one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import itertools
import json
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson
import trigger_matching  # benchmarks/, beside this script

import quyche
from quyche.decoding import decode_lines
from quyche.evaluation import parties
from quyche.evaluation.context import Context
from quyche.evaluation.finalize import finalize
from quyche.evaluation.intake import Reader
from quyche.events import read_jsonl
from quyche.time.deadlines import periods

__all__ = ["generate", "main"]

OUT = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 3
_OFFSET = 7 * 3600  # local time is UTC+7 all year (no daylight saving since 1975)
_DAY = 86400
_HOUR = 3600
# Playback blocks of a site's day, in seconds after local midnight.
_BLOCKS = ((6 * _HOUR + 1800, 11 * _HOUR + 1800), (13 * _HOUR + 1800, 21 * _HOUR + 1800))
_INCIDENT_CATEGORIES = ("technical", "security", "power")
_DOC_CLASSES = ("legal_normative", "administrative", "planning", "investment",
                "science_technology", "other")
_DOC_WEIGHTS = (2, 10, 2, 2, 1, 3)
_INVALID_LINES = 20  # malformed lines per file, whatever its size: rejections stay few
#: event types that never raise a duty (docs/durable.md): every other may
_NEVER_TRIGGER = frozenset(("broadcast", "emergency", "content_published", "backup",
                            "backup_deleted", "(malformed)"))


# --------------------------------------------------------------------------- the year


class _Clock:
    """Instants as integer epoch seconds, written as local ISO 8601 strings."""

    def __init__(self, first: dt.date) -> None:
        self.base = (first - dt.date(1970, 1, 1)).days
        self._days: dict[int, str] = {}

    def at(self, day: int, second: int) -> int:
        return (self.base + day) * _DAY + second - _OFFSET

    def text(self, ts: int) -> str:
        local = ts + _OFFSET
        day, second = divmod(local, _DAY)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
        h, rest = divmod(second, _HOUR)
        m, s = divmod(rest, 60)
        return f"{prefix}T{h:02d}:{m:02d}:{s:02d}+07:00"

    def day_of(self, ts: int) -> int:
        return (ts + _OFFSET) // _DAY - self.base


class _Year:
    """Everything but playback, scheduled by day; playback is made day by day when written."""

    def __init__(self, rs: quyche.RuleSet, year: int, n_sites: int, seed: int,
                 tagged: float, broken: float = 0.0, rich: int = 0) -> None:
        self.rs, self.rng, self.tagged = rs, random.Random(seed), tagged
        #: at 0, the events that may raise a duty come at a province's rate; at K, K times
        #: as many, requests and feedback among them (`--trigger-rich`)
        self.rich = rich
        #: share of playing site-days cut short (a quarter of their hours): at the default
        #: 0, one in fifty, as a real log has; `--broken-days 0.2` breaks a fifth of them.
        self.short = broken or 0.02
        in_force = rs.instrument.date_of("in_force")
        first = dt.date(year, 1, 1)
        self.first = max(first, in_force) if in_force else first
        self.last = dt.date(year, 12, 31)
        self.days = (self.last - self.first).days + 1
        self.clock = _Clock(self.first)
        self.since = dt.datetime.combine(self.first, dt.time(), dt.timezone(dt.timedelta(hours=7)))
        self.as_of = dt.datetime.combine(self.last, dt.time(23, 59, 59),
                                         dt.timezone(dt.timedelta(hours=7)))
        self.end_ts = int(self.as_of.timestamp())
        self.bodies = sorted(a.id for a in rs.actors if a.kind == "body")
        self.sites = self._registry(n_sites)
        self.ctx = Context(rs, self.as_of, self.since, self.sites)
        self.scheduled: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        self.counter = itertools.count()
        self.working = [d for d in range(self.days)
                        if self.ctx.calendar.is_working_day(self.first + dt.timedelta(days=d))]

    # -- registry and vocabulary

    def _registry(self, n_sites: int) -> list[dict[str, Any]]:
        kinds = [k.id for k in self.rs.site_kinds]
        sites = [{"id": s.id, "kind": s.kind, "operator": s.operator} for s in self.rs.sites]
        for i in range(max(0, n_sites - len(sites))):
            sites.append({"id": f"site_{i:03d}", "kind": kinds[i % len(kinds)],
                          "operator": self.rng.choice(self.bodies) if self.bodies else None})
        return sites

    def _languages(self, kind: str) -> tuple[list[str], list[str]]:
        """(allowed, refused) language tags for a site kind, from the rule set's policies."""
        groups = {g.id: list(g.codes) for g in self.rs.languages.groups}
        allowed: list[str] = []
        for policy in self.rs.languages.policies:
            if policy.mode == "limit" and kind in policy.site_kinds:
                for tag in policy.allowed:
                    allowed += groups.get(tag, [tag])
        refused = [t for t in ("fr", "ja", "de") if t not in allowed]
        return allowed or ["vi"], refused

    def _categories(self, kind: str) -> tuple[list[str], list[str]]:
        """(shown on this kind, refused or prohibited) category ids."""
        ok, bad = [], []
        for c in self.rs.categories:
            fits = not c.prohibited and (c.site_kinds is None or kind in c.site_kinds)
            (ok if fits else bad).append(c.id)
        return ok, bad

    # -- scheduling

    def _id(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def add(self, ts: int, event: dict[str, Any]) -> bool:
        if ts > self.end_ts:
            return False
        day = self.clock.day_of(ts)
        if 0 <= day < self.days:
            self.scheduled[day].append((ts, event))
            return True
        return False

    def _random_ts(self, day: int, lo: int = 7 * _HOUR, hi: int = 18 * _HOUR) -> int:
        return self.clock.at(day, self.rng.randrange(lo, hi))

    def _follow_up(self, root_ts: int) -> int | None:
        """When a follow-up happens: mostly within hours, sometimes days later, or never."""
        r = self.rng.random()
        if r < 0.75:
            return root_ts + self.rng.randrange(600, 20 * _HOUR)
        if r < 0.85:
            return root_ts + self.rng.randrange(20 * _HOUR, 48 * _HOUR)
        if r < 0.92:
            return root_ts + self.rng.randrange(2 * _DAY, 10 * _DAY)
        return None

    def schedule(self) -> None:
        self._submissions()
        self._backups()
        self._triggers()
        self._content()
        self._emergencies()

    def _submissions(self) -> None:
        rs, ctx, rng = self.rs, self.ctx, self.rng
        in_force = rs.instrument.date_of("in_force") or self.first
        for ob in rs.obligations:
            if ob.recurrence is None:
                continue
            how = ob.discharged_by
            owners = parties.owners(ctx, ob)
            for period in periods(ob.recurrence, rs.policies, self.first, self.last, in_force,
                                  ctx.calendar):
                if period.begins > self.as_of:
                    continue
                due = int(period.due.timestamp())
                begins = int(period.begins.timestamp())
                for owner in owners:
                    r = rng.random()
                    if r < 0.85:
                        ts = rng.randrange(min(max(begins, due - 20 * _DAY), due - 2 * _HOUR),
                                           due - _HOUR)
                    elif r < 0.93:
                        ts = due + rng.randrange(_HOUR, 20 * _DAY)
                    else:
                        continue
                    if how.event == "submission":
                        ev: dict[str, Any] = {"id": self._id("sub"), "type": "submission",
                                              "actor": owner, "kind": how.kind}
                        if ob.owed_to and rng.random() < 0.5:
                            ev["to"] = ob.owed_to[0]
                        if rng.random() < 0.3:
                            ev["period"] = period.label
                    elif how.event == "backup":
                        ev = {"id": self._id("bk"), "type": "backup", "actor": owner}
                        ts = rng.randrange(begins, max(begins + 1, min(due, self.end_ts)))
                    else:
                        continue
                    ev["at"] = ts
                    self.add(ts, ev)

    def _backups(self) -> None:
        """Weekly backups by each site's operator; one in six deleted one to nine months on."""
        rng = self.rng
        for site in self.sites:
            for day in range(rng.randrange(7), self.days, 7):
                ts = self.clock.at(day, 2 * _HOUR + rng.randrange(1800))
                ident = self._id("bk")
                ev = {"id": ident, "type": "backup", "at": ts, "site": site["id"]}
                if site["operator"]:
                    ev["actor"] = site["operator"]
                self.add(ts, ev)
                if rng.random() < 1 / 6:
                    later = ts + rng.randrange(30, 270) * _DAY
                    self.add(later, {"id": self._id("del"), "type": "backup_deleted",
                                     "at": later, "backup": ident})

    def _roots(self, event_type: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """Root events of a type, at the rate a province would log them."""
        rng = self.rng
        times = self.rich or 1
        if event_type == "incident":
            for site in self.sites:
                for _ in range(rng.randrange(12, 25) * times):
                    ts = self.clock.at(rng.randrange(self.days), rng.randrange(_DAY))
                    yield ts, {"type": "incident", "site": site["id"],
                               "category": rng.choice(_INCIDENT_CATEGORIES)}
            return
        per_day = {"document_received": 12, "activity_ended": 3, "document_signed": 2,
                   "feedback_received": 0.4}.get(event_type, 0.2) * times
        for day in self.working:
            count = int(per_day) + (rng.random() < per_day % 1)
            for _ in range(count):
                ts = self._random_ts(day)
                if event_type == "document_received":
                    ev = {"type": event_type,
                          "doc_class": rng.choices(_DOC_CLASSES, _DOC_WEIGHTS)[0]}
                    if rng.random() < 0.1:
                        ev["urgent"] = True
                else:
                    ev = {"type": event_type, "actor": rng.choice(self.bodies)}
                    if event_type == "request" and self.rich:
                        # (the default year's requests name neither: all rejected, kept so
                        # that its streams stay the same from one version to the next)
                        ev["kind"] = rng.choice(("report", "information"))
                        ev["to"] = rng.choice([b for b in self.bodies if b != ev["actor"]]
                                              or self.bodies)
                yield ts, ev

    def _triggers(self) -> None:
        """Roots of every triggered duty (and incidents anyway), with their follow-ups."""
        rs, rng = self.rs, self.rng
        follow: dict[str, set[tuple[str, str]]] = defaultdict(set)
        recipients: dict[str, list[str]] = defaultdict(list)
        for ob in rs.obligations:
            if ob.trigger is not None and ob.discharged_by.match == "ref":
                follow[ob.trigger.event].add((ob.discharged_by.event, ob.discharged_by.ref_field))
                recipients[ob.trigger.event] += ob.owed_to
        follow["incident"].add(("incident_reported", "incident"))
        if self.rich:
            follow["request"].add(("info_provided", "ref"))
            follow["feedback_received"].add(("feedback_forwarded", "feedback"))
        operators = {s["id"]: s["operator"] for s in self.sites}
        for event_type in sorted(follow):
            for ts, root in self._roots(event_type):
                root["id"] = ident = self._id(event_type[:3])
                root["at"] = ts
                if not self.add(ts, root):
                    continue
                for follow_type, ref_field in sorted(follow[event_type]):
                    later = self._follow_up(ts)
                    if later is None:
                        continue
                    ev: dict[str, Any] = {"id": self._id("f"), "type": follow_type,
                                          "at": later, ref_field: ident}
                    # who answers: the body asked (a request's `to`), else who logged it
                    actor = root.get("to") or root.get("actor") or \
                        operators.get(root.get("site", "")) or \
                        rng.choice(self.bodies)
                    if follow_type != "document_published":
                        ev["actor"] = actor
                    if follow_type == "incident_reported":
                        ev["to"] = rng.choice(recipients[event_type] or self.bodies)
                    self.add(later, ev)

    def _content(self) -> None:
        """Weekly content per site: categories, languages and attributions, a few wrong."""
        rng = self.rng
        for site in self.sites:
            ok, bad = self._categories(site["kind"])
            allowed, refused = self._languages(site["kind"])
            for day in range(rng.randrange(7), self.days, 7):
                ts = self._random_ts(day)
                ev: dict[str, Any] = {"id": self._id("c"), "type": "content_published",
                                      "at": ts, "site": site["id"]}
                if ok or bad:
                    ev["category"] = rng.choice(bad) if bad and rng.random() < 0.03 else \
                        rng.choice(ok or bad)
                ev["language"] = rng.choice(refused) if rng.random() < 0.03 else \
                    rng.choice(allowed)
                if rng.random() < 0.3:
                    quoted = {"author": "author", "source": "source", "link": "https://example.org",
                              "published_at": self.clock.text(ts - _DAY)}
                    if rng.random() < 0.2:
                        del quoted[rng.choice(sorted(quoted))]
                    ev["quoted_from"] = quoted
                self.add(ts, ev)

    def _emergencies(self) -> None:
        rng = self.rng
        for _ in range(6):
            ts = self.clock.at(rng.randrange(self.days), rng.randrange(8 * _HOUR, 16 * _HOUR))
            ev: dict[str, Any] = {"id": self._id("em"), "type": "emergency", "start": ts,
                                  "end": ts + rng.randrange(1, 4) * _HOUR}
            if rng.random() < 0.5:
                ev["sites"] = sorted(rng.sample([s["id"] for s in self.sites],
                                                min(3, len(self.sites))))
            self.add(ts, ev)

    # -- playback

    def segments_per_cell(self, total: int) -> tuple[list[tuple[int, int]], int, int]:
        """The playing (day, site) cells, and how many segments each gets."""
        rng = random.Random(self.rng.random())
        cells = [(d, s) for d in range(self.days) for s in range(len(self.sites))
                 if rng.random() >= 0.01]  # one site-day in a hundred is silent
        if total < len(cells):
            raise SystemExit(f"--events too small: {total} playback segments for "
                             f"{len(cells)} site-days; pass more events or fewer --sites")
        return cells, total // len(cells), total % len(cells)

    def playback(self, day: int, site: int, k: int, rng: random.Random
                 ) -> Iterator[tuple[int, dict[str, Any]]]:
        """k contiguous segments over the day's blocks; some days short, some with an outage."""
        info = self.sites[site]
        ok, _ = self._categories(info["kind"])
        allowed, refused = self._languages(info["kind"])
        blocks = list(_BLOCKS)
        r = rng.random()
        if r < self.short:  # a short day
            blocks = [(lo, lo + (hi - lo) // 4) for lo, hi in blocks]
        elif r < self.short + 0.05:  # an outage in the afternoon
            lo, hi = blocks[1]
            cut = lo + rng.randrange(_HOUR, 4 * _HOUR)
            blocks[1:] = [(lo, cut), (cut + rng.randrange(1800, 5400), hi)]
        span = sum(hi - lo for lo, hi in blocks)
        base = self.clock.at(day, 0)
        n = 0
        for lo, hi in blocks:
            share = max(1, round(k * (hi - lo) / span)) if blocks[-1] != (lo, hi) else k - n
            share = max(0, min(share, k - n))
            for j in range(share):
                start = lo + (hi - lo) * j // share
                end = lo + (hi - lo) * (j + 1) // share
                ev: dict[str, Any] = {"id": f"p{site}_{day}_{n}", "type": "broadcast",
                                      "site": info["id"], "start": base + start,
                                      "end": base + end}
                if rng.random() < self.tagged:
                    if ok:
                        ev["category"] = rng.choice(ok)
                    if rng.random() < 0.5:
                        ev["language"] = rng.choice(refused) if rng.random() < 0.01 else \
                            rng.choice(allowed)
                n += 1
                yield base + start, ev


def _render(event: dict[str, Any], clock: _Clock) -> bytes:
    for key in ("at", "start", "end"):
        value = event.get(key)
        if type(value) is int:
            event[key] = clock.text(value)
    return orjson.dumps(event)


def generate(rules: str, n_events: int, path: Path, *, sites: int, year: int, seed: int,
             tagged: float, broken: float = 0.0, rich: int = 0) -> dict[str, Any]:
    """Write a year of events for `rules` to `path` (JSON lines) and `path`.meta.json.

    `tagged` is the share of playback segments that name a category or a language;
    `rich` multiplies the events that may raise a duty (0: a province's rate).
    """
    rs = quyche.load(rules)
    y = _Year(rs, year, sites, seed, tagged, broken, rich)
    y.schedule()
    fixed = sum(len(v) for v in y.scheduled.values())
    total = n_events - fixed - _INVALID_LINES
    cells, each, extra = y.segments_per_cell(total)
    by_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i, (day, site) in enumerate(cells):
        by_day[day].append((site, each + (1 if i < extra else 0)))
    rng = random.Random(seed + 1)
    bad_days = set(rng.sample(range(y.days), min(_INVALID_LINES, y.days)))
    counts: Counter[str] = Counter()
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        for day in range(y.days):
            todays = list(y.scheduled.get(day, ()))
            for site, k in by_day.get(day, ()):
                todays.extend(y.playback(day, site, k, rng))
            todays.sort(key=lambda pair: pair[0])
            lines = []
            for _, ev in todays:
                counts[ev["type"]] += 1
                lines.append(_render(ev, y.clock))
            if day in bad_days:  # what a faulty exporter writes now and then
                lines.append(b'{"type": "broadcast", "site": "' + y.sites[0]["id"].encode()
                             + b'", "start": "' + y.clock.text(y.clock.at(day, 0)).encode()
                             + b'"}' if day % 2 else b'{"type": "submission", "at": ')
                counts["(malformed)"] += 1
            out.write(b"\n".join(lines) + b"\n")
    tmp.replace(path)
    meta = {"rules": rules, "events": sum(counts.values()), "year": year, "seed": seed,
            "tagged": tagged, "broken_days": broken,
            "since": y.since.isoformat(), "as_of": y.as_of.isoformat(), "sites": y.sites,
            "counts": dict(sorted(counts.items())), "generator": GENERATOR_VERSION}
    if rich:
        meta["trigger_rich"] = rich
    _meta_path(path).write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    return meta


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def _dataset(rules: str, n_events: int, sites: int, year: int, seed: int, tagged: float,
             broken: float = 0.0, rich: int = 0) -> tuple[Path, dict]:
    """The events file for these parameters, generated unless already there."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / (f"{Path(rules).stem}-{year}-{sites}sites-{n_events}-t{tagged:g}-s{seed}"
                  + (f"-b{broken:g}" if broken else "") + (f"-r{rich}" if rich else "")
                  + ".jsonl")
    meta_path = _meta_path(path)
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("generator") == GENERATOR_VERSION:
            return path, meta
    started = time.perf_counter()
    meta = generate(rules, n_events, path, sites=sites, year=year, seed=seed, tagged=tagged,
                    broken=broken, rich=rich)
    print(f"# generated {path.name}: {meta['events']} events in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path, meta


# --------------------------------------------------------------------------- measurements


def _lines(path: Path, limit: int | None) -> Iterator[bytes]:
    with open(path, "rb") as f:
        yield from (f if limit is None else itertools.islice(f, limit))


def _prefix_as_of(path: Path, limit: int) -> str:
    """The end of the local day of the limit-th line: the window of that prefix of the year."""
    *_, line = _lines(path, limit)
    event = orjson.loads(line)
    day = (event.get("at") or event["start"])[:10]
    return f"{day}T23:59:59+07:00"


def _e2e(path: Path, meta: dict, rs: quyche.RuleSet, engine: str, limit: int | None = None,
         as_of: str | None = None) -> tuple[float, tuple[Any, int]]:
    seconds, report, size = end_to_end(path, meta, rs, engine, limit, as_of)
    return seconds, (report, size)


def end_to_end(path: Path, meta: dict, rs: quyche.RuleSet, engine: str,
               limit: int | None = None, as_of: str | None = None) -> tuple[float, Any, int]:
    """CPU seconds to read, validate, evaluate and serialise the report; the report; its bytes.

    CPU seconds of this process (`time.process_time`), as every timing here: on a machine
    shared with other work, wall time would count the neighbours' share too.
    """
    gc.collect()
    started = time.process_time()
    report = quyche.evaluate(rs, decode_lines(_lines(path, limit)), as_of=as_of or meta["as_of"],
                             since=meta["since"], sites=meta["sites"], engine=engine)
    size = len(report.model_dump_json())
    return time.process_time() - started, report, size


def as_users_run_it(path: Path, meta: dict, rs: quyche.RuleSet, repeat: int,
                    reference: str) -> dict[str, Any]:
    """End to end the way users run it, CPU seconds: `quyche.evaluate(rs, Path(...))` (the
    package reads the file) and `quyche check RULES FILE --format json` in a child process.

    The child's CPU time is `getrusage(RUSAGE_CHILDREN)` around it, less a child's start-up
    (`quyche --version`: the interpreter and the package imported), measured alternately.
    Both reports are checked against `reference` (the `decode_lines` report's JSON, its
    lines numbered from 1, as a file's are).
    """
    window = {"as_of": meta["as_of"], "since": meta["since"], "sites": meta["sites"]}
    t_path, from_path = _median(repeat, lambda: _timed(
        lambda: quyche.evaluate(rs, path, **window).model_dump_json()))
    sites = OUT / f"{path.stem}.sites.json"
    sites.write_text(json.dumps(meta["sites"], ensure_ascii=False))
    out = OUT / f"{path.stem}.check.json"
    quyche_cli = [sys.executable, "-m", "quyche"]
    check = [*quyche_cli, "check", meta["rules"], str(path), "--format", "json", "--sites",
             str(sites), "--as-of", meta["as_of"], "--since", meta["since"]]
    startup, cli = [], []
    for _ in range(max(1, repeat)):
        startup.append(_child_cpu([*quyche_cli, "--version"], subprocess.DEVNULL))
        with open(out, "wb") as sink:
            cli.append(_child_cpu(check, sink))
    t_start, t_cli = statistics.median(startup), statistics.median(cli)
    expected = json.loads(reference)
    return {"path_seconds_median": t_path, "path_report_identical": from_path == reference,
            "cli_child_cpu_s_median": t_cli, "cli_startup_cpu_s_median": t_start,
            "cli_seconds_median": t_cli - t_start,
            "cli_report_identical": json.loads(out.read_bytes()) == expected}


def _child_cpu(cmd: list[str], stdout: Any) -> float:
    """CPU seconds (user and system) of one child process running `cmd` to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=stdout, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def engines(path: Path, meta: dict, rs: quyche.RuleSet, m: int, repeat: int) -> dict[str, Any]:
    """Both engines on the same first `m` events: end to end (reports compared), and
    trigger matching alone (`trigger_matching`), the only part in which they differ."""
    window = meta["as_of"] if m >= meta["events"] else _prefix_as_of(path, m)
    subset: dict[str, Any] = {"events": m, "first_events_of_the_year": m < meta["events"],
                              "as_of": window}
    try:
        t_sub, (native_report, _) = _median(
            repeat, lambda: _e2e(path, meta, rs, "native", m, window))
        t_durable, (durable_report, _) = _median(
            repeat, lambda: _e2e(path, meta, rs, "durable", m, window))
        subset.update(native_events_per_s=m / t_sub, durable_events_per_s=m / t_durable,
                      native_over_durable=t_durable / t_sub,
                      reports_identical=native_report.model_dump() == durable_report.model_dump())
        del native_report, durable_report
        subset["matching"] = trigger_matching.matching(
            rs, decode_lines(_lines(path, m)), window, meta["since"], meta["sites"], repeat)
    except quyche.BackendUnavailable as exc:
        subset["durable"] = f"unavailable: {exc}"
    return subset


def _median(repeat: int, run: Any) -> tuple[float, Any]:
    """The median seconds of `repeat` calls of `run` (it returns (seconds, result)), and the
    last result: on a shared machine the median is steadier than the best or the mean."""
    runs = [run() for _ in range(max(1, repeat))]
    return statistics.median(r[0] for r in runs), runs[-1][1]


def _timed(work: Any) -> tuple[float, Any]:
    """CPU seconds of `work()` in this process, and its result: on a machine shared with
    other work, wall time would measure the neighbours too."""
    gc.collect()
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def _parse_all(lines: Any) -> int:
    """orjson over every line to a dict (the naive floor: no checks, no typed values)."""
    loads, error, n = orjson.loads, orjson.JSONDecodeError, 0
    for line in lines:
        try:  # noqa: SIM105 - suppress() would cost more than the parse it times
            loads(line)
        except error:
            pass
        n += 1
    return n


def parse_floor(path: Path, repeat: int) -> float:
    """Median seconds to read the file's lines and parse each with orjson, as end to end does."""
    return _median(repeat, lambda: _timed(lambda: _parse_all(_lines(path, None))))[0]


def decoders(path: Path, repeat: int) -> dict[str, Any]:
    """The same lines (held in memory) through each candidate decoder: median events/s.

    orjson to dicts is the floor without checks; `read_jsonl` is what the engine reads
    today (dicts, checked later by hand or by pydantic); `decode_lines` gives typed,
    checked records with today's rejections; msgspec's Decoder alone is its ceiling;
    pydantic's own `TypeAdapter.validate_json` is the schema library's answer. The dict
    figures are in-memory events: pydantic models vs `decode_events`.
    """
    from collections import deque

    import msgspec
    from pydantic import TypeAdapter

    from quyche import decoding
    from quyche.events import Event, validate_event

    lines = list(_lines(path, None))
    dicts = [d for d in read_jsonl(lines) if type(d) is dict]
    sink = deque(maxlen=0).extend
    adapter = TypeAdapter(Event)

    def each(call: Any, items: list) -> None:
        for item in items:
            try:  # noqa: SIM105 - as in _parse_all
                call(item)
            except (ValueError, msgspec.DecodeError):  # pydantic's and msgspec's errors
                pass

    def epochs() -> None:
        # what the intake reads of a segment: its instants as epoch seconds (cached by text)
        seconds, epoch, segment = decoding._SECONDS, decoding.epoch_seconds, decoding.Broadcast
        for record in decoding.decode_lines(lines):
            if type(record) is segment:
                s, e = record.start_text, record.end_text
                seconds.get(s) or epoch(s), seconds.get(e) or epoch(e)

    runs = {
        "orjson_dicts": (lambda: _parse_all(lines), len(lines)),
        "orjson_hand_checks": (lambda: _hand_checked(lines), len(lines)),
        "decode_lines_and_epochs": (epochs, len(lines)),
        "read_jsonl": (lambda: sink(read_jsonl(lines)), len(lines)),
        "decode_lines": (lambda: sink(decoding.decode_lines(lines)), len(lines)),
        "msgspec_decoder_alone": (lambda: each(decoding._DECODER.decode, lines), len(lines)),
        "pydantic_validate_json": (lambda: each(adapter.validate_json, lines), len(lines)),
        "dicts_validate_event": (lambda: each(validate_event, dicts), len(dicts)),
        "dicts_decode_events": (lambda: sink(decoding.decode_events(dicts)), len(dicts)),
    }
    out: dict[str, Any] = {}
    for name, (work, n) in runs.items():
        seconds = _median(repeat, lambda work=work: _timed(work))[0]
        out[f"{name}_per_s"] = n / seconds
    out["decode_lines_over_orjson"] = out["orjson_dicts_per_s"] / out["decode_lines_per_s"]
    return out


def _hand_checked(lines: list[bytes]) -> None:
    """What the engine does today before its ledger: orjson, then a plain segment checked by
    hand (its instants from a cache of their text), anything else by its pydantic model."""
    from quyche.decoding import EPOCH_SECONDS as instants
    from quyche.decoding import epoch_seconds
    from quyche.evaluation.intake import _BROADCAST_KEYS
    from quyche.events import validate_event
    for raw in read_jsonl(lines):
        if type(raw) is dict and raw.get("type") == "broadcast" and raw.keys() <= _BROADCAST_KEYS:
            site, s, e, ident = raw.get("site"), raw.get("start"), raw.get("end"), raw.get("id")
            if (type(s) is str and type(e) is str and type(site) is str
                    and (ident is None or (type(ident) is str and ident))):
                st = instants.get(s) or epoch_seconds(s)
                et = instants.get(e) or epoch_seconds(e)
                if st is not None and et is not None:
                    continue
        try:  # noqa: SIM105 - as in _parse_all
            validate_event(raw)
        except (ValueError, TypeError):
            pass


def formats(path: Path, meta: dict, rs: quyche.RuleSet, repeat: int) -> dict[str, Any]:
    """The same events as JSON lines and as Parquet: end-to-end seconds, reports compared.

    Parquet holds what a table can: every line that is a JSON object (a line of broken
    JSON has no row), so both are read from those lines alone.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    lines = [line for line in _lines(path, None) if type(_object_or_none(line)) is dict]
    parquet = path.with_suffix(".parquet")
    if not parquet.exists() or parquet.stat().st_mtime < path.stat().st_mtime:
        rows = [orjson.loads(line) for line in lines]
        keys = list(dict.fromkeys(k for row in rows for k in row))
        pq.write_table(pa.table({k: pa.array([row.get(k) for row in rows]) for k in keys}),
                       parquet, row_group_size=65_536)
        del rows
    window = {"as_of": meta["as_of"], "since": meta["since"], "sites": meta["sites"]}
    t_lines, from_lines = _median(repeat, lambda: _timed(
        lambda: quyche.evaluate(rs, decode_lines(lines), **window)))
    t_parquet, from_parquet = _median(repeat, lambda: _timed(
        lambda: quyche.evaluate(rs, parquet, **window)))
    # rows are numbered from 1 and no line is blank: the JSON lines' rejections get theirs too
    same = (from_lines.with_lines(lambda i: i + 1).model_dump_json()
            == from_parquet.model_dump_json())
    return {"events": len(lines), "parquet_mb": parquet.stat().st_size / 2**20,
            "jsonl_events_per_s": len(lines) / t_lines,
            "parquet_events_per_s": len(lines) / t_parquet,
            "reports_identical": same}


def _object_or_none(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def stages(path: Path, meta: dict, rs: quyche.RuleSet) -> dict[str, float]:
    """Where the native engine's time goes: parsing, the ledger, the findings, the output."""
    gc.collect()
    t0 = time.process_time()
    for _ in decode_lines(_lines(path, None)):
        pass
    t1 = time.process_time()
    ctx = Context(rs, meta["as_of"], meta["since"], meta["sites"])
    ledger = Reader(ctx).add_all(decode_lines(_lines(path, None)))
    t2 = time.process_time()
    report = finalize(ctx, ledger)
    t3 = time.process_time()
    report.model_dump_json()
    t4 = time.process_time()
    return {"read_s": t1 - t0, "read_and_ledger_s": t2 - t1, "finalize_s": t3 - t2,
            "dump_s": t4 - t3}


def _partial_child(task: tuple[quyche.RuleSet, list[bytes], dict, str]
                   ) -> tuple[float, quyche.Partial, int]:
    rs, lines, meta, label = task
    gc.collect()
    started = time.process_time()
    part = quyche.partial(rs, decode_lines(lines), as_of=meta["as_of"], since=meta["since"],
                          sites=meta["sites"], partition=label)
    seconds = time.process_time() - started
    return seconds, part, len(part.to_json())


def partitions(path: Path, meta: dict, rs: quyche.RuleSet, k: int, repeat: int
               ) -> dict[str, Any]:
    """Whole vs k per-site partials made in a process pool and merged once.

    Times are CPU seconds of the process doing the work (`time.process_time`): on a
    shared machine, wall time of parallel workers measures the neighbours too.
    """
    lines = list(_lines(path, None))
    whole_s, whole = None, None
    for _ in range(max(1, repeat)):
        gc.collect()
        started = time.process_time()
        whole = quyche.evaluate(rs, decode_lines(lines), as_of=meta["as_of"],
                                since=meta["since"], sites=meta["sites"])
        seconds = time.process_time() - started
        whole_s = seconds if whole_s is None else min(whole_s, seconds)
    site_of = {s["id"]: i % k for i, s in enumerate(meta["sites"])}
    parts: list[list[bytes]] = [[] for _ in range(k)]
    for i, line in enumerate(lines):
        try:
            site = orjson.loads(line).get("site")
        except (orjson.JSONDecodeError, AttributeError):
            site = None
        parts[site_of.get(site, i % k) if isinstance(site, str) else i % k].append(line)
    del lines
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        done = list(pool.map(_partial_child, [(rs, part, meta, f"part-{i:02}")
                                              for i, part in enumerate(parts)]))
    pool_s = time.perf_counter() - started
    merge_s, merged = None, None
    for _ in range(max(1, repeat)):
        gc.collect()
        started = time.process_time()
        merged = quyche.merge([part for _, part, _ in done])
        seconds = time.process_time() - started
        merge_s = seconds if merge_s is None else min(merge_s, seconds)
    partial_s = sum(seconds for seconds, _, _ in done)
    _, largest, size = max(done, key=lambda d: d[2])
    site_days = len(largest.ledger.coverage) or 1

    def numbered_apart(report: quyche.Report) -> dict:
        # A malformed line's reason names its line in its own partition's input.
        data = report.model_dump(mode="json")
        data["rejected"] = sorted(r["id"] or "" for r in data["rejected"])
        return data

    return {"partitions": k, "whole_s": whole_s, "partials_sum_s": partial_s,
            "merge_s": merge_s, "partials_and_merge_s": partial_s + merge_s,
            "ratio_to_whole": (partial_s + merge_s) / whole_s, "pool_wall_s": pool_s,
            "cpus": os.cpu_count(),
            "largest_partial_json_kb": size / 1024,
            "largest_partial_site_days": len(largest.ledger.coverage),
            "largest_partial_bytes_per_site_day": size / site_days,
            "largest_partial_events": largest.ledger.read,
            "reports_identical": numbered_apart(merged) == numbered_apart(whole)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _reset_peak() -> bool:
    """Start the peak-RSS count afresh (Linux: VmHWM), so start-up does not count."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_mb(reset: bool) -> float:
    if reset:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(path: Path, traced: bool) -> dict[str, float]:
    """Run in a fresh process: peak memory of the native engine over one events file."""
    meta = json.loads(_meta_path(path).read_text())
    rs = quyche.load(meta["rules"])
    # Warm up (imports, validators, the calendar) on a day of events, so that the peak
    # measured below is the evaluation's own.
    since = quyche.events.parse_instant(meta["since"])
    quyche.evaluate(rs, decode_lines(_lines(path, 1000)), since=since,
                    as_of=since + dt.timedelta(days=1), sites=meta["sites"])
    gc.collect()
    baseline = _rss_mb()
    reset = _reset_peak()
    if traced:
        tracemalloc.start()
    report = quyche.evaluate(rs, decode_lines(_lines(path, None)), as_of=meta["as_of"],
                             since=meta["since"], sites=meta["sites"])
    out = {"events": report.summary.events_read, "baseline_rss_mb": baseline,
           "peak_rss_mb": _peak_mb(reset), "peak_counted_from_baseline": reset,
           "obligations": len(report.obligations), "violations": len(report.violations),
           "rejected": len(report.rejected)}
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        ledger = report._ledger
        report._ledger = report._context = None
        gc.collect()
        with_ledger = tracemalloc.get_traced_memory()[0]
        del ledger
        gc.collect()
        report_only = tracemalloc.get_traced_memory()[0]
        del report
        gc.collect()
        nothing = tracemalloc.get_traced_memory()[0]
        out.update(traced_peak_mb=peak / 2**20, findings_mb=(report_only - nothing) / 2**20,
                   ledger_mb=(with_ledger - report_only) / 2**20)
    return out


def memory(path: Path) -> dict[str, float]:
    """Peak RSS in a plain child, findings and heap peak in a traced one."""
    figures: dict[str, float] = {}
    for traced in (False, True):
        cmd = [sys.executable, __file__, "--memory-child", str(path)]
        if traced:
            cmd.append("--traced")
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if traced:
            figures.update({k: result[k] for k in ("traced_peak_mb", "findings_mb", "ledger_mb")})
        else:
            figures.update(result)
    figures["beyond_findings_mb"] = (figures["peak_rss_mb"] - figures["baseline_rss_mb"]
                                     - figures["findings_mb"])
    figures["heap_beyond_findings_mb"] = figures["traced_peak_mb"] - figures["findings_mb"]
    return figures


def workdays(year: int, queries: int, seed: int) -> dict[str, float]:
    """Working-day deadlines one call at a time: quyche's calendar vs numpy.busday_offset."""
    import numpy as np

    cal = quyche.calendar()
    rng = random.Random(seed)
    lo, hi = dt.date(year - 1, 1, 1), dt.date(year + 1, 12, 31)
    days = [lo + dt.timedelta(days=rng.randrange((hi - lo).days)) for _ in range(queries)]
    ns = [rng.randrange(1, 31) for _ in range(queries)]
    cal.add_working_days(lo, 1)  # build the calendar outside the timing
    span = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 60)]
    holidays = [d for d in span if d.weekday() < 5 and not cal.is_working_day(d)]
    swapped = [d for d in span if d.weekday() >= 5 and cal.is_working_day(d)]
    busdays = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    days64 = [np.datetime64(d, "D") for d in days]

    started = time.perf_counter()
    ours = [cal.add_working_days(d, n) for d, n in zip(days, ns, strict=True)]
    t_ours = time.perf_counter() - started
    started = time.perf_counter()
    theirs = [np.busday_offset(d, n, roll="backward", busdaycal=busdays)
              for d, n in zip(days64, ns, strict=True)]
    t_numpy = time.perf_counter() - started
    started = time.perf_counter()
    np.busday_offset(np.array(days64), np.array(ns), roll="backward", busdaycal=busdays)
    t_vector = time.perf_counter() - started
    # numpy's weekmask cannot make a Saturday a working day (a swap): every answer that
    # differs should have such a Saturday between the start and the answers.
    differ = unexplained = 0
    for day, a, b in zip(days, ours, theirs, strict=True):
        b = b.astype(dt.date)
        if a != b:
            differ += 1
            unexplained += not any(day < s <= max(a, b) for s in swapped)
    return {"queries": queries, "quyche_lookups_per_s": queries / t_ours,
            "numpy_calls_per_s": queries / t_numpy,
            "numpy_vectorised_per_s": queries / t_vector,
            "quyche_over_numpy": t_numpy / t_ours,
            "working_saturdays_in_range": len(swapped),
            "answers_differing": differ, "answers_differing_unexplained": unexplained}


# --------------------------------------------------------------------------- report


def goals(figures: dict[str, Any]) -> dict[str, Any]:
    """The ratios the performance goals are stated in, from the figures of this one run."""
    out: dict[str, Any] = {
        "native_over_orjson_parse": figures["native"]["over_orjson_parse"],
        "native_over_orjson_parse_goal_at_most": 1.5,
        "broken_days_native_over_orjson_parse": figures["broken_days"]["over_orjson_parse"],
    }
    native = figures["native"]
    out.update(native_path_over_orjson_parse=native["path_over_orjson_parse"],
               reports_identical_path=native["path_report_identical"],
               reports_identical_cli=native["cli_report_identical"])
    # The engines share everything but trigger matching (docs/performance.md): the goal of
    # 20x is stated on matching alone, the same events asked of both matchers.
    for prefix, engines in (("", figures["comparison"]),
                            ("trigger_rich_", figures.get("trigger_rich", {}))):
        if "matching" in engines:
            matching = engines["matching"]
            out[f"{prefix}durable_matching_over_native_matching"] = matching["durable_over_native"]
            out[f"{prefix}durable_matching_over_native_matching_goal_at_least"] = 20
            out[f"{prefix}answers_identical_matchers"] = matching["answers_identical"]
        if "native_over_durable" in engines:
            out[f"{prefix}native_over_durable"] = engines["native_over_durable"]
            out[f"{prefix}native_over_durable_goal"] = "none: the engines share all but matching"
            out[f"{prefix}reports_identical_engines"] = engines["reports_identical"]
    if "memory" in figures:
        out["memory_beyond_findings_growth_n_to_10n"] = figures["memory"]["beyond_findings_growth"]
        out["memory_beyond_findings_growth_goal"] = "flat (about 1)"
    if "reports_identical" in figures.get("formats", {}):
        out["reports_identical_jsonl_parquet"] = figures["formats"]["reports_identical"]
    if "partitions" in figures:
        out["reports_identical_partitions"] = figures["partitions"]["reports_identical"]
    return out


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count() or 0
    versions = {}
    for name in ("durable_rules", "numpy", "pydantic", "orjson"):
        try:
            versions[name] = metadata.version(name.replace("_", "-"))
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return {"nproc": nproc, "cpu": model, "python": platform.python_version(),
            "implementation": platform.python_implementation(), "quyche": quyche.__version__,
            **versions}


def _emit(figures: dict[str, Any], prefix: str = "") -> None:
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _emit(value, name + ".")
        elif isinstance(value, float):
            print(f"{name}={value:.6g}")
        else:
            print(f"{name}={value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="N, events in the year")
    parser.add_argument("--rules", default="kontum", help="a bundled rule set or a YAML path")
    parser.add_argument("--sites", type=int, default=40, help="sites in the registry")
    parser.add_argument("--year", type=int, default=None, help="default: the first full year "
                        "in force (2025 when the text gives no date)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tagged", type=float, default=0.1,
                        help="share of playback segments naming a category or language")
    parser.add_argument("--durable-events", type=int, default=None,
                        help="M, events for the engine comparison (default: min(N, 100000))")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each timing; the median counts")
    parser.add_argument("--broken-days", type=float, default=0.2, metavar="SHARE",
                        help="share of site-days cut short of the hours rule, in the second "
                        "stream measured (default: a fifth)")
    parser.add_argument("--trigger-rich", type=int, default=20, metavar="K",
                        help="also compare the engines on a year with K times the events that "
                        "may raise a duty, valid requests and feedback among them (0: skip)")
    parser.add_argument("--no-memory", action="store_true", help="skip N and 10 N memory")
    parser.add_argument("--workday-queries", type=int, default=200_000)
    parser.add_argument("--partitions", type=int, default=40,
                        help="per-site partitions merged once (0: skip)")
    parser.add_argument("--profile", type=int, default=0, metavar="K",
                        help="also print the native engine's top K functions (cProfile)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child, args.traced)))
        return 0

    rs = quyche.load(args.rules)
    in_force = rs.instrument.date_of("in_force")
    year = args.year or (2025 if in_force is None else
                         in_force.year + (0 if (in_force.month, in_force.day) <= (1, 31) else 1))
    n = args.events
    m = min(n, args.durable_events or 100_000)
    path, meta = _dataset(args.rules, n, args.sites, year, args.seed, args.tagged)
    figures: dict[str, Any] = {"machine": machine()}
    figures["machine"]["loadavg_1min_at_start"] = os.getloadavg()[0]
    figures["data"] = {"rules": rs.id, "year": year, "sites": len(meta["sites"]),
                       "events": meta["events"], "file_mb": path.stat().st_size / 2**20,
                       "mix": meta["counts"]}

    t_native, (report, size) = _median(args.repeat, lambda: _e2e(path, meta, rs, "native"))
    t_parse = parse_floor(path, args.repeat)
    figures["native"] = {"events": meta["events"], "seconds_median": t_native,
                         "events_per_s": meta["events"] / t_native, "report_mb": size / 2**20,
                         "orjson_parse_s_median": t_parse,
                         "over_orjson_parse": t_native / t_parse,
                         "obligations": len(report.obligations),
                         "violations": len(report.violations),
                         "rejected": len(report.rejected),
                         "stages": stages(path, meta, rs)}
    users = as_users_run_it(path, meta, rs, args.repeat,
                            report.with_lines(lambda i: i + 1).model_dump_json())
    figures["native"].update(users, path_over_orjson_parse=users["path_seconds_median"] / t_parse,
                             cli_over_orjson_parse=users["cli_seconds_median"] / t_parse)
    del report

    # A fifth of the site-days short of the hours rule: the findings' share of the cost.
    broken, broken_meta = _dataset(args.rules, n, args.sites, year, args.seed, args.tagged,
                                   args.broken_days)
    t_broken, (report, _) = _median(args.repeat, lambda: _e2e(broken, broken_meta, rs, "native"))
    t_broken_parse = parse_floor(broken, args.repeat)
    hours = sum(1 for v in report.violations if v.kind == "broadcast_hours")
    figures["broken_days"] = {"share_generated": args.broken_days,
                              "events": broken_meta["events"], "seconds_median": t_broken,
                              "events_per_s": broken_meta["events"] / t_broken,
                              "orjson_parse_s_median": t_broken_parse,
                              "over_orjson_parse": t_broken / t_broken_parse,
                              "broadcast_hours_violations": hours,
                              "violations": len(report.violations)}
    del report

    figures["comparison"] = engines(path, meta, rs, m, args.repeat)
    if args.trigger_rich:
        try:
            rich, rich_meta = _dataset(args.rules, n, args.sites, year, args.seed, args.tagged,
                                       rich=args.trigger_rich)
        except SystemExit as exc:  # too few events left for a year of playback
            figures["trigger_rich"] = {"skipped": str(exc)}
        else:
            capable = sum(v for k, v in rich_meta["counts"].items() if k not in _NEVER_TRIGGER)
            figures["trigger_rich"] = {"multiplier": args.trigger_rich,
                                       "stream_events": rich_meta["events"],
                                       "events_that_may_raise_a_duty": capable,
                                       "mix": rich_meta["counts"],
                                       **engines(rich, rich_meta, rs, m, args.repeat)}
    figures["decoding"] = decoders(path, args.repeat)
    try:
        figures["formats"] = formats(path, meta, rs, args.repeat)
    except ImportError:
        figures["formats"] = {"parquet": "unavailable: pip install 'quyche[arrow]'"}

    if not args.no_memory:
        big, _ = _dataset(args.rules, 10 * n, args.sites, year, args.seed, args.tagged)
        at_n, at_10n = memory(path), memory(big)
        figures["memory"] = {"n": at_n, "10n": at_10n,
                             "beyond_findings_growth": at_10n["beyond_findings_mb"]
                             / at_n["beyond_findings_mb"],
                             "heap_beyond_findings_growth": at_10n["heap_beyond_findings_mb"]
                             / at_n["heap_beyond_findings_mb"]}
    if args.partitions:
        figures["partitions"] = partitions(path, meta, rs, args.partitions, args.repeat)
    figures["workdays"] = workdays(year, args.workday_queries, args.seed)
    figures["machine"]["loadavg_1min_at_end"] = os.getloadavg()[0]
    figures["goals"] = goals(figures)
    _emit(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    different = [k for k, v in figures["goals"].items() if "identical" in k and v is False]
    if different:  # checked here, on the benchmark's own stream, never in a timed test
        print(f"# REPORTS DIFFER: {', '.join(different)}", file=sys.stderr)
        return 1

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        end_to_end(path, meta, rs, "native")
        profiler.disable()
        print(f"# cProfile of the native engine on {meta['events']} events, by own time")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())

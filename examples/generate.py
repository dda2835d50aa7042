"""Write the example event logs of examples/<rule-set>/ from the rule sets themselves.

Why a script, and why this one: the examples are the first thing a reader runs
(`make demo`), and their READMEs promise exact findings, so the logs must be
repeatable and must follow the rule sets rather than a copy of them. Nothing
below knows a duty, a deadline, a submission kind, a category or a language of
a province: each comes from `quyche.load`, and the duties a log has to answer
are asked of the engine itself (`quyche.evaluate` on the log's trigger events).
Broadcast schedules are planned from the rule set's broadcast rules and the
working-day calendar, so a site plays what its rules ask for on each kind of day.

What the script does own is the example's world, in `EXAMPLES` below: the site
registry it writes (`sites.yaml`), the window, the seed, and how many things go
wrong. Those are chosen with a seeded random generator, so the log is the same
on every run: most duties on time, a few late, one or two missing; a few short
or silent days with the incident that explains them; one emergency; a content
item or segment that breaks a content rule where the rule set has one; and two
invalid lines (a time without an offset, a submission kind the rule set does
not know) to show the rejection path.

    .venv/bin/python examples/generate.py            # rewrite all five examples
    .venv/bin/python examples/generate.py kontum     # one of them
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import quyche
from quyche.events import BASE_SUBMISSION_KINDS, validate_event
from quyche.model import EVENT_ACTOR
from quyche.time.calendar import TIMEZONE

HERE = Path(__file__).resolve().parent
ZONE = ZoneInfo(TIMEZONE)
CAL = quyche.calendar()
# Screens are lit between these local times when the rules leave the hours to the operator.
DAY_START, DAY_END = 6 * 60, 22 * 60
# The latest a site plays when it makes up lost time.
LATEST = 23 * 60
# Minutes of play above each minimum, so an ordinary day is never short by a rounding.
MARGIN = 40
# Languages tried, in order, for the one item that breaks a language limit.
FOREIGN = ("zh", "th", "ko", "fr")


# --------------------------------------------------------------------------- the examples


@dataclass(frozen=True)
class Site:
    id: str
    kind: str
    operator: str
    name: str


@dataclass(frozen=True)
class Example:
    """One example: its window, its registry and how much goes wrong."""

    rule_set: str
    as_of: str
    since: str | None  # None: the rule set's in-force date
    sites: tuple[Site, ...]
    note: str  # the reading of who operates which site, written at the top of sites.yaml
    late: int = 3  # recurring duties done late
    missing: int = 1  # recurring duties never done (plus one backup where there is a duty)
    triggered_late: int = 1
    triggered_missing: int = 1
    incidents: int = 6  # incidents besides the ones that explain short days
    feedback_every: int = 30  # days between public feedback to each receiving body


EXAMPLES = {
    "kontum": Example(
        rule_set="kontum",
        as_of="2024-12-31T23:59:59+07:00",
        since=None,
        sites=(
            Site("bo_y", "border_gate", "bdbp_tinh",
                 "Cụm TTĐTCC Cửa khẩu quốc tế Bờ Y, huyện Ngọc Hồi"),
            Site("bang_tin_kon_tum", "public_board", "ubnd_tp_kon_tum",
                 "Bảng tin điện tử công cộng Quảng trường 16/3, thành phố Kon Tum"),
            Site("bang_tin_ngoc_hoi", "public_board", "ubnd_huyen_ngoc_hoi",
                 "Bảng tin điện tử công cộng thị trấn Plei Kần, huyện Ngọc Hồi"),
            Site("bang_tin_dak_ha", "public_board", "ubnd_huyen_dak_ha",
                 "Bảng tin điện tử công cộng thị trấn Đắk Hà, huyện Đắk Hà"),
        ),
        note=(
            "The text names no operator (\"cơ quan, đơn vị quản lý, vận hành Cụm TTĐTCC\"). The\n"
            "border-gate cluster is registered to the Border Guard (bdbp_tinh), the public boards\n"
            "to the district-level People's Committees, the level that operates a board also\n"
            "funding it (Điều 9 khoản 2 điểm a)."),
        late=3, missing=2, triggered_late=1, triggered_missing=1,
    ),
    "laichau": Example(
        rule_set="laichau",
        as_of="2025-01-31T23:59:59+07:00",
        since=None,
        sites=(
            Site("ma_lu_thang", "border_gate", "bql_kkt",
                 "Cụm TTĐTCC Cửa khẩu quốc tế Ma Lù Thàng, huyện Phong Thổ"),
            Site("bang_tin_tp_lai_chau", "public_board", "ubnd_tp_lai_chau",
                 "Bảng tin điện tử công cộng thành phố Lai Châu"),
            Site("bang_tin_tam_duong", "public_board", "ubnd_huyen_tam_duong",
                 "Bảng tin điện tử công cộng huyện Tam Đường"),
        ),
        note=(
            "The border-gate cluster is operated by the Ban Quản lý Khu kinh tế (Điều 13\n"
            "khoản 2 điểm a: \"vận hành Cụm ... khu vực biên giới được giao quản lý\");\n"
            "the public boards by the district-level People's Committees, the level that\n"
            "operates a board also funding it (Điều 11 khoản 2 điểm a)."),
        late=3, missing=1, triggered_late=1, triggered_missing=1,
    ),
    "caobang": Example(
        rule_set="caobang",
        as_of="2025-01-31T23:59:59+07:00",
        since="2024-02-01T00:00:00+07:00",
        sites=(
            Site("trung_khanh", "public_board", "ubnd_huyen_trung_khanh",
                 "Cụm thông tin đối ngoại huyện Trùng Khánh"),
            Site("ta_lung", "border_gate", "ubnd_huyen_quang_hoa",
                 "Cụm thông tin cơ sở tại Cửa khẩu Quốc tế Tà Lùng, huyện Quảng Hòa"),
        ),
        note=(
            "The two clusters the text names (Điều 1 khoản 1), as the rule set registers them:\n"
            "each operated by the district People's Committee it stands in (Điều 2 khoản 2,\n"
            "Điều 8)."),
        late=3, missing=1, triggered_late=1, triggered_missing=1,
    ),
    "angiang": Example(
        rule_set="angiang",
        as_of="2025-01-31T23:59:59+07:00",
        since="2024-08-01T00:00:00+07:00",
        sites=(
            Site("tinh_bien", "border_gate", "bql_kkt",
                 "Cụm Thông tin điện tử Cửa khẩu quốc tế Tịnh Biên, thị xã Tịnh Biên"),
            Site("vinh_xuong", "border_gate", "bql_kkt",
                 "Cụm Thông tin điện tử Cửa khẩu quốc tế Vĩnh Xương, thị xã Tân Châu"),
            Site("khanh_binh", "border_gate", "bdbp_tinh",
                 "Cụm Thông tin điện tử Cửa khẩu quốc gia Khánh Bình, huyện An Phú"),
        ),
        note=(
            "Clusters \"đặt trong phạm vi quản lý\" of the Ban Quản lý Khu kinh tế (Điều 8) or of\n"
            "the Border Guard (Điều 7): the two international gates of the economic zone to the\n"
            "former, Khánh Bình to the latter (interpretation operator_half_year_report_owed_by)."),
        late=1, missing=1, triggered_late=1, triggered_missing=1,
    ),
    "tuyenquang": Example(
        rule_set="tuyenquang",
        as_of="2027-01-31T23:59:59+07:00",
        since="2026-07-01T00:00:00+07:00",
        sites=(
            Site("cong_ttdt", "portal", "tt_thong_tin_hoi_nghi",
                 "Cổng Thông tin điện tử tỉnh Tuyên Quang (tuyenquang.gov.vn)"),
            Site("trang_so_khcn", "portal", "so_khcn",
                 "Trang thông tin điện tử Sở Khoa học và Công nghệ"),
            Site("trang_so_tai_chinh", "portal", "so_tai_chinh",
                 "Trang thông tin điện tử Sở Tài chính"),
            Site("trang_phuong_minh_xuan", "portal", "ubnd_phuong_minh_xuan",
                 "Trang thông tin điện tử phường Minh Xuân"),
            Site("trang_phuong_ha_giang_1", "portal", "ubnd_phuong_ha_giang_1",
                 "Trang thông tin điện tử phường Hà Giang 1"),
        ),
        note=(
            "The portal as the rule set registers it (operated by the Trung tâm Thông tin - Hội\n"
            "nghị, Điều 3 khoản 1), and four of the departments' and wards' own sites that make\n"
            "up its structure (Điều 2 khoản 1), each operated by its own body."),
        late=3, missing=2, triggered_late=3, triggered_missing=2, incidents=6,
    ),
}


# --------------------------------------------------------------------------- time


def at(day: dt.date, minute: int) -> dt.datetime:
    """Local time `minute` minutes after the start of `day`."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=ZONE) + dt.timedelta(minutes=minute)


def days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def office(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment of the working day (07:30-17:00)."""
    return at(day, rng.randrange(7 * 60 + 30, 17 * 60, 5))


def daytime(moment: dt.datetime, rng: random.Random) -> dt.datetime:
    """`moment`, or the next morning if it falls at night: people answer in the day."""
    local = moment.astimezone(ZONE)
    if 7 <= local.hour < 21:
        return local
    day = local.date() + dt.timedelta(days=1 if local.hour >= 21 else 0)
    return at(day, rng.randrange(7 * 60 + 15, 9 * 60, 5))


def period_start(label: str) -> dt.date:
    """First day of a period label ("2024", "2024-H2", "2024-Q3", "2024-07", "a/b")."""
    if "/" in label:
        return dt.date.fromisoformat(label.split("/")[0])
    year, _, rest = label.partition("-")
    month = 1
    if rest.startswith("H"):
        month = 6 * (int(rest[1:]) - 1) + 1
    elif rest.startswith("Q"):
        month = 3 * (int(rest[1:]) - 1) + 1
    elif rest:
        month = int(rest)
    return dt.date(int(year), month, 1)


# --------------------------------------------------------------------------- broadcast plans


def merged(blocks: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for lo, hi in sorted(blocks):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def covered(blocks: list[tuple[int, int]], lo: int, hi: int) -> int:
    return sum(max(0, min(b, hi) - max(a, lo)) for a, b in blocks)


def requires(rule: Any) -> bool:
    return bool(rule.must_broadcast or rule.min_hours or rule.parts or rule.required_windows)


def plan(rules: list[Any], rng: random.Random) -> list[tuple[int, int]]:
    """Blocks of play (minutes of the local day) that meet every rule given, with a margin."""
    blocks: list[tuple[int, int]] = []
    for rule in rules:
        for window in rule.required_windows:
            lo, hi = window.minutes
            blocks.append((lo - rng.choice((0, 5, 10, 15)), hi + rng.choice((0, 5, 10))))
    blocks = merged(blocks)
    for rule in rules:
        for part in rule.parts:
            lo, hi = part.window.minutes
            need = int(part.min_hours * 60) + MARGIN
            if covered(blocks, lo, hi) >= need:
                continue
            a, b = max(lo, DAY_START), min(hi, DAY_END)
            length = min(b - a, need + rng.choice((0, 15, 30, 45)))
            start = a + (b - a - length) // 2
            start = min(max(a, start + rng.choice((-10, -5, 0, 5, 10))), b - length)
            blocks = merged([*blocks, (start, start + length)])
        if rule.min_hours and covered(blocks, 0, 1440) < rule.min_hours * 60 + MARGIN:
            short = int(rule.min_hours * 60) + MARGIN - covered(blocks, 0, 1440)
            last = max((hi for _, hi in blocks), default=DAY_START)
            if last + short <= DAY_END:
                blocks = merged([*blocks, (last, last + short)])
            else:
                first = min(lo for lo, _ in blocks)
                blocks = merged([*blocks, (first - short, first)])
    return blocks


def segments(blocks: list[tuple[int, int]], rng: random.Random) -> Iterator[tuple[int, int]]:
    """Cut blocks into programme items of 30 minutes to 2 hours, back to back."""
    for lo, hi in blocks:
        t = lo
        while t < hi:
            end = min(hi, t + rng.choice((30, 45, 60, 60, 90, 120)))
            if hi - end < 20:
                end = hi
            yield t, end
            t = end


# --------------------------------------------------------------------------- the generator


class Generator:
    """Builds one example's log: the world first, then the answers the duties call for."""

    def __init__(self, example: Example) -> None:
        self.ex = example
        self.rs = quyche.load(example.rule_set)
        self.rng = random.Random(zlib.crc32(example.rule_set.encode()))
        self.as_of = dt.datetime.fromisoformat(example.as_of)
        in_force = self.rs.instrument.date_of("in_force")
        if example.since is None and in_force is None:
            raise SystemExit(f"{example.rule_set}: no in-force date in the text; give a since")
        self.since = (dt.datetime.fromisoformat(example.since) if example.since
                      else at(in_force, 0))
        self.first = self.since.astimezone(ZONE).date()
        self.last = (self.as_of - dt.timedelta(microseconds=1)).astimezone(ZONE).date()
        self.sites = {s.id: s for s in example.sites}
        self.events: list[dict[str, Any]] = []
        self.ids: set[str] = set()
        # (site, day) -> what happens to that day's programme
        self.trouble: dict[tuple[str, dt.date], tuple[str, int]] = {}
        self.emergency_days: set[dt.date] = set()

    # -- bookkeeping

    def add(self, event: dict[str, Any]) -> dict[str, Any]:
        if event["id"] in self.ids:
            raise SystemExit(f"duplicate event id {event['id']}")
        self.ids.add(event["id"])
        self.events.append(event)
        return event

    def registry(self) -> list[dict[str, str]]:
        return [{"id": s.id, "kind": s.kind, "operator": s.operator, "name": s.name}
                for s in self.ex.sites]

    def evaluate(self, events: list[dict[str, Any]]) -> quyche.Report:
        return quyche.evaluate(self.rs, events, as_of=self.as_of, since=self.since,
                               sites=self.registry())

    def site_rules(self, site: Site) -> list[Any]:
        return [r for r in self.rs.broadcast.rules if site.kind in r.site_kinds
                and (r.sites is None or site.id in r.sites)]

    def must_play(self, site: Site, day: dt.date) -> bool:
        kind = CAL.kind_of(day)
        return any(r.must_broadcast for r in self.site_rules(site) if kind in r.day_kinds)

    def quiet_days(self) -> list[dt.date]:
        """Days away from the edges of the window, for things to go wrong on."""
        return [d for d in days(self.first + dt.timedelta(days=10),
                                self.last - dt.timedelta(days=10))
                if d not in self.emergency_days]

    # -- the world

    def build(self) -> list[dict[str, Any]]:
        self.choose_trouble()
        self.broadcasts()
        self.content()
        self.feedback()
        self.activities_and_documents()
        self.backups()
        self.answer_duties()
        self.invalid()
        self.events.sort(key=lambda e: (_instant(e), e["id"]))
        for event in self.events:  # every line the engine should accept, it does
            if not event["id"].startswith("bad-"):
                validate_event(event)
        return self.events

    def choose_trouble(self) -> None:
        """Pick the emergency and the days a site plays short or not at all."""
        rng = self.rng
        playing = [s for s in self.ex.sites if self.site_rules(s)]
        if not playing:
            self.other_incidents(set())
            return
        # One emergency of two days over every site: the authorities take the screens.
        start_day = rng.choice(self.quiet_days()[20:-20])
        self.emergency_days = {start_day, start_day + dt.timedelta(days=1)}
        self.add({"id": f"em-{start_day:%Y%m%d}", "type": "emergency",
                  "start": at(start_day, 5 * 60).isoformat(),
                  "end": at(start_day + dt.timedelta(days=1), 21 * 60).isoformat(),
                  "meta": {"note": "broadcast time and duration set by the competent "
                                   "authorities (emergency override)"}})
        used: set[dt.date] = set(self.emergency_days)

        def pick(site: Site, candidates: list[dt.date]) -> dt.date | None:
            free = [d for d in candidates if d not in used and self.must_play(site, d)]
            if not free:
                return None
            day = rng.choice(free)
            used.add(day)
            return day

        window = self.quiet_days()
        # A public holiday the rules say is a broadcast day, left dark.
        holidays = [d for d in window if CAL.kind_of(d) == "holiday"]
        site = rng.choice(playing)
        day = pick(site, holidays)
        if day:
            self.trouble[(site.id, day)] = ("dark", 0)
        # A Saturday made a working day by a swap, where only working days must be covered.
        swapped = [d for d in window if d.weekday() >= 5 and CAL.kind_of(d) == "working_day"]
        for site in playing:
            kinds = {k for r in self.site_rules(site) if r.must_broadcast for k in r.day_kinds}
            if "working_day" in kinds and "weekend" not in kinds:
                day = pick(site, swapped)
                if day:
                    self.trouble[(site.id, day)] = ("dark", 0)
                    break
        # A power cut (dark all day), a screen failure (cut short), a late start.
        for what in ("power", "technical", "late_start"):
            site = rng.choice(playing)
            day = pick(site, window)
            if day is None:
                continue
            if what == "power":
                self.trouble[(site.id, day)] = ("dark", 0)
                self.incident(site, at(day, 5 * 60 + rng.randrange(0, 50, 5)), "power",
                              "power cut in the area; the screens stayed off all day")
            elif what == "technical":
                self.trouble[(site.id, day)] = ("cut", 0)  # the minute is fixed by the plan
            else:
                self.trouble[(site.id, day)] = ("late", rng.choice((150, 165, 180)))
        self.other_incidents(used)

    def other_incidents(self, used: set[dt.date]) -> None:
        """Incidents that do not stop the screens, on days nothing else goes wrong."""
        rng = self.rng
        categories = ("security", "technical")
        window = [d for d in self.quiet_days() if d not in used]
        for n in range(self.ex.incidents):
            site = rng.choice([*self.ex.sites, self.ex.sites[0], self.ex.sites[0]])
            self.incident(site, office(rng, rng.choice(window)),
                          categories[n % len(categories)], None)

    def incident(self, site: Site, moment: dt.datetime, category: str,
                 note: str | None) -> None:
        detector = site.operator
        if category == "security":
            # Where the duty falls on whoever detects it, a body that works on the
            # sites' content (one that owes the operators something) notices it.
            suppliers = sorted({a for ob in self.rs.obligations if "operator" in ob.owed_to
                                for a in ob.owed_by if self.rs.actor(a) is not None
                                and self.rs.actor(a).kind == "body"})
            if suppliers and any(EVENT_ACTOR in ob.owed_by for ob in self.rs.obligations
                                 if ob.trigger and ob.trigger.event == "incident"):
                detector = suppliers[0]
        event = {"id": f"inc-{site.id}-{moment:%Y%m%d-%H%M}", "type": "incident",
                 "at": moment.isoformat(), "site": site.id, "category": category,
                 "actor": detector}
        if note:
            event["meta"] = {"note": note}
        self.add(event)

    def broadcasts(self) -> None:
        rng = self.rng
        for site in self.ex.sites:
            rules = self.site_rules(site)
            if not rules:
                continue
            template = plan([r for r in rules if requires(r)], rng)
            pool_cat, pool_lang = self.pools(site)
            for day in days(self.first, self.last):
                if day in self.emergency_days:
                    continue
                kind = CAL.kind_of(day)
                todays = [r for r in rules if kind in r.day_kinds]
                if any(requires(r) for r in todays):
                    blocks = plan([r for r in todays if requires(r)], rng)
                elif rng.random() < 0.5:  # allowed but not required: some days the screens run
                    blocks = template
                else:
                    continue
                trouble, amount = self.trouble.get((site.id, day), ("", 0))
                if trouble == "dark":
                    continue
                note = None
                if trouble == "late":
                    # Started late and made the time up in the evening: the day's total is
                    # kept, what a part or a window asks for is not.
                    first_lo, first_hi = blocks[0]
                    end = blocks[-1][1]
                    blocks = [(first_lo + amount, first_hi), *blocks[1:]]
                    if end + amount <= LATEST:
                        blocks = merged([*blocks, (end, end + amount)])
                    note = "started late; the lost time was played in the evening"
                if trouble == "cut":
                    lo, hi = blocks[-1]
                    cut = lo + (hi - lo) // 3
                    blocks = [*blocks[:-1], (lo, cut)]
                    self.incident(site, at(day, cut), "technical",
                                  "the screen's controller failed; play stopped for the day")
                for n, (lo, hi) in enumerate(segments(blocks, rng), 1):
                    event = self.add({"id": f"bc-{site.id}-{day:%Y%m%d}-{n:02d}",
                                      "type": "broadcast", "site": site.id,
                                      "start": at(day, lo).isoformat(),
                                      "end": at(day, hi).isoformat(),
                                      "category": self.counted(rng.choice(pool_cat), pool_cat),
                                      "language": rng.choice(pool_lang)})
                    if note and n == 1:
                        event["meta"] = {"note": note}
        self.wrong_language_segment()

    def counted(self, category: str, pool: list[str]) -> str:
        """The planned blocks are the propaganda the minimum counts: a category the rule
        set does not count (advertising) becomes the pool's first counted one, without a
        further draw, so the rest of the year stays as seeded."""
        uncounted = self.rs.broadcast.uncounted_categories
        if category not in uncounted:
            return category
        return next((c for c in pool if c not in uncounted), category)

    def pools(self, site: Site) -> tuple[list[str], list[str]]:
        """Categories (weighted to the site kind's priorities) and languages for a site."""
        cats = []
        for c in self.rs.categories:
            if c.prohibited or (c.site_kinds is not None and site.kind not in c.site_kinds):
                continue
            cats += [c.id] * (4 if site.kind in (c.priority_for or []) else 1)
        groups = {g.id: g.codes for g in self.rs.languages.groups}
        policies = [p for p in self.rs.languages.policies if site.kind in p.site_kinds]
        limits = [p for p in policies if p.mode == "limit"]
        # Mostly Vietnamese; under a limit only what it allows, else a little of what is planned.
        langs: list[str] = [] if limits else ["vi"] * 8
        for policy in (limits or policies)[:1]:
            for tag in policy.allowed:
                if tag in groups:
                    langs += groups[tag][:2]
                else:
                    langs += [tag] * (8 if tag == "vi" else 1)
        return cats, langs or ["vi"]

    def language_limit(self) -> tuple[Any, str] | None:
        """A limit policy and a language it does not allow, for the one item that breaks it."""
        for policy in self.rs.languages.policies:
            if policy.mode != "limit":
                continue
            groups = {g.id: set(g.codes) for g in self.rs.languages.groups}
            allowed = {c for tag in policy.allowed for c in groups.get(tag, {tag})}
            for code in FOREIGN:
                if code not in allowed:
                    return policy, code
        return None

    def wrong_language_segment(self) -> None:
        found = self.language_limit()
        if found is None:
            return
        policy, code = found
        sites = [s.id for s in self.ex.sites if s.kind in policy.site_kinds]
        segs = [e for e in self.events if e["type"] == "broadcast" and e["site"] in sites]
        if segs:
            event = self.rng.choice(segs[len(segs) // 3:])
            event["language"] = code
            event["meta"] = {"note": "a promotional clip in a language the rules do not list"}

    def content(self) -> None:
        """Content going live: weekly per site, daily on a portal; a few items break a rule."""
        rng = self.rng
        updates = random.Random(zlib.crc32(f"{self.ex.rule_set}/updates".encode()))
        portal = not self.rs.broadcast.rules
        items = []
        for site in self.ex.sites:
            cats, langs = self.pools(site)
            for day in days(self.first, self.last):
                if portal:
                    count = rng.choice((0, 1, 2, 3)) if CAL.is_working_day(day) else 0
                    if site.id != self.ex.sites[0].id:
                        count = 1 if rng.random() < 0.15 else 0
                else:
                    count = 1 if day.weekday() == 1 else 0
                for n in range(1, count + 1):
                    item = {"id": f"cp-{site.id}-{day:%Y%m%d}-{n}", "type": "content_published",
                            "at": office(rng, day).isoformat(), "site": site.id,
                            "category": rng.choice(cats), "language": rng.choice(langs)}
                    items.append(item)
                    self.add(item)
                if not count and self.update_owed(site, day):
                    # A day the rule set owes an update (daily_update): drawn from a stream of
                    # its own, so the rest of the year stays as seeded.
                    self.add({"id": f"cp-{site.id}-{day:%Y%m%d}-u", "type": "content_published",
                              "at": office(updates, day).isoformat(), "site": site.id,
                              "category": updates.choice(cats),
                              "language": updates.choice(langs)})
        rules = {c.kind: c for c in self.rs.constraints}
        attribution = rules.get("attribution")
        if attribution is not None:
            for item in items:
                if rng.random() < 0.25:
                    item["quoted_from"] = self.quote(item)
            quoted = [i for i in items if "quoted_from" in i]
            for item, drop in zip(rng.sample(quoted, 2), (("link",), ("author", "published_at")),
                                  strict=True):
                for name in drop:
                    item["quoted_from"].pop(name, None)
                item["meta"] = {"note": "quoted from the press without " + " and ".join(drop)}
        prohibited = rules.get("prohibited_content")
        if prohibited is not None and items:
            item = rng.choice(items[len(items) // 2:])
            item["state_secret"] = True
            item["meta"] = {"note": "a state-secret document, put online by mistake"}
        found = self.language_limit()
        if portal and found is not None:
            policy, code = found
            candidates = [i for i in items if self.sites[i["site"]].kind in policy.site_kinds]
            item = rng.choice(candidates[len(candidates) // 2:])
            item["language"] = code
            item["meta"] = {"note": "a brochure in a language the portal does not carry"}

    def update_owed(self, site: Site, day: dt.date) -> bool:
        """Whether a daily_update constraint of the rule set owes `site` new content on `day`."""
        return any(c.kind == "daily_update" and c.day_kinds
                   and (c.site_kinds is None or site.kind in c.site_kinds)
                   and CAL.kind_of(day) in c.day_kinds for c in self.rs.constraints)

    def quote(self, item: dict[str, Any]) -> dict[str, str]:
        published = dt.datetime.fromisoformat(item["at"]) - dt.timedelta(
            hours=self.rng.randrange(3, 72))
        slug = f"{item['category'].replace('_', '-')}-{published:%Y%m%d%H%M}"
        return {"author": "Phóng viên thường trú", "source": "Báo điện tử của cơ quan báo chí",
                "published_at": published.isoformat(), "link": f"https://bao.example.vn/{slug}"}

    def feedback(self) -> None:
        """Public feedback, received by the bodies the rule set makes answer for it."""
        rng = self.rng
        receivers = sorted({a for ob in self.rs.obligations if ob.trigger
                            and ob.trigger.event == "feedback_received" for a in ob.owed_by
                            if self.rs.actor(a) is not None and self.rs.actor(a).kind == "body"})
        receivers = receivers or sorted({s.operator for s in self.ex.sites})
        for actor in receivers:
            day = self.first + dt.timedelta(days=rng.randrange(3, self.ex.feedback_every))
            while day <= self.last - dt.timedelta(days=3):
                self.add({"id": f"fb-{actor}-{day:%Y%m%d}", "type": "feedback_received",
                          "at": office(rng, day).isoformat(), "actor": actor,
                          "meta": {"note": "a citizen's remark on what the screens show"}})
                day += dt.timedelta(days=self.ex.feedback_every + rng.randrange(-5, 6))

    def activities_and_documents(self) -> None:
        """Activities, signed documents and received documents, where a duty follows them."""
        rng = self.rng
        triggers = defaultdict(list)
        for ob in self.rs.obligations:
            if ob.trigger is not None:
                triggers[ob.trigger.event].append(ob)
        bodies = sorted({a.id for a in self.rs.actors if a.member_of}
                        | {s.operator for s in self.ex.sites})
        received = [_example_of(ob.trigger.where) for ob in triggers["document_received"]]
        urgent = {tuple(sorted(_example_of(ob.trigger.where).items())): [
            _example_of(ex.when) for ex in ob.exceptions] for ob in triggers["document_received"]}
        for day in days(self.first, self.last):
            if not CAL.is_working_day(day):
                continue
            for event_type, mean in (("activity_ended", 2), ("document_signed", 1)):
                if not triggers[event_type]:
                    continue
                for n in range(1, rng.choice(range(2 * mean + 1)) + 1):
                    actor = rng.choice(bodies)
                    moment = office(rng, day)
                    prefix = "act" if event_type == "activity_ended" else "sig"
                    self.add({"id": f"{prefix}-{day:%Y%m%d}-{n}", "type": event_type,
                              "at": moment.isoformat(), "actor": actor})
            for n in range(1, (rng.choice((1, 2, 2, 3, 3, 4)) if received else 0) + 1):
                fields = dict(rng.choice(received))
                extra = urgent[tuple(sorted(fields.items()))]
                if extra and rng.random() < 0.08:
                    fields.update(rng.choice(extra))
                self.add({"id": f"doc-{day:%Y%m%d}-{n}", "type": "document_received",
                          "at": office(rng, day).isoformat(), **fields})

    def backups(self) -> None:
        """Backups and their rotation, where a rule set has a backup duty or a retention rule."""
        wanted = [ob for ob in self.rs.obligations if ob.discharged_by.event == "backup"]
        retention = [c for c in self.rs.constraints if c.kind == "backup_retention"]
        if not wanted:
            return
        rng = self.rng
        owners = sorted({a for ob in wanted for a in ob.owed_by})
        kinds = {k for c in retention for k in (c.site_kinds or [])}
        targets = [s.id for s in self.ex.sites if s.kind in kinds] or [None]
        month = self.first.replace(day=1)
        skipped = rng.choice(range(2, 5))  # the month nobody ran the backup
        taken = []
        index = 0
        while month <= self.last:
            index += 1
            day = min(month.replace(day=rng.randrange(24, 29)), self.last)
            if index != skipped and day >= self.first:
                for site in targets:
                    event = {"id": f"bk-{site or owners[0]}-{day:%Y%m}", "type": "backup",
                             "at": at(day, rng.randrange(22 * 60, 23 * 60, 5)).isoformat(),
                             "actor": owners[0]}
                    if site:
                        event["site"] = site
                    taken.append(self.add(event))
            month = (month + dt.timedelta(days=32)).replace(day=1)
        for rule in retention:
            keep = rule.retention
            early = rng.choice(taken[1: max(2, len(taken) // 2 + 1)])
            for backup in taken:
                made = dt.datetime.fromisoformat(backup["at"])
                if backup is early:
                    gone = made + dt.timedelta(days=rng.randrange(40, 70))
                    note = "deleted early to free disk space"
                else:
                    gone = _plus(made, keep) + dt.timedelta(days=rng.randrange(1, 4))
                    note = "rotated out after the retention period"
                if gone <= self.as_of:
                    self.add({"id": f"del-{backup['id']}", "type": "backup_deleted",
                              "at": gone.isoformat(), "backup": backup["id"],
                              "meta": {"note": note}})

    # -- the answers

    def answer_duties(self) -> None:
        """Ask the engine what the log so far obliges, and answer: mostly on time."""
        report = self.evaluate(self.events)
        if report.rejected:
            raise SystemExit(f"{self.ex.rule_set}: generated events rejected: {report.rejected}")
        self.recipients = self.usual_recipients(report)
        # Fixing an incident (incident_resolved) is done on time, from a stream of its own:
        # the example's mishaps are in what is reported, and a remedy duty must not reshuffle them.
        remedies = [o for o in report.obligations if o.trigger is not None
                    and self.rs.obligation(o.rule_id).discharged_by.event == "incident_resolved"]
        others = [o for o in report.obligations if o not in remedies]
        self.duty_triggers = {o.trigger for o in others if o.trigger}
        recurring = [o for o in others if o.trigger is None]
        triggered = [o for o in others if o.trigger is not None]
        self.answer_recurring(recurring)
        self.answer_triggered(triggered)
        self.answer_untriggered()
        self.answer_remedies(remedies)

    def answer_remedies(self, obligations: list[Any]) -> None:
        """Each incident fixed by the body that owes the fix, well within its time."""
        rng = random.Random(zlib.crc32(f"{self.ex.rule_set}/remedies".encode()))
        triggers = {e["id"]: e for e in self.events}
        for ob in sorted(obligations, key=lambda o: (o.trigger, o.rule_id, o.actor)):
            start = dt.datetime.fromisoformat(triggers[ob.trigger]["at"])
            span = (ob.due - start).total_seconds()
            moment = (start + dt.timedelta(seconds=span * rng.uniform(0.1, 0.4))).replace(
                second=0, microsecond=0)
            if moment <= self.as_of:
                self.add(self.answer(ob.rule_id, ob.trigger, moment, ob.actor, ob.owed_to, False))

    def usual_recipients(self, report: quyche.Report) -> dict[str, str]:
        """Whom each body usually reports to: the named body it owes most recurring duties."""
        named = {a.id for a in self.rs.actors if a.kind == "body"}
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        overall: Counter[str] = Counter()
        for o in report.obligations:
            for to in o.owed_to:
                if to in named:
                    counts[o.actor][to] += 1
                    overall[to] += 1
        out = {actor: c.most_common(1)[0][0] for actor, c in counts.items()}
        out[""] = overall.most_common(1)[0][0]
        return out

    def fates(self, rule_of: dict[Any, str], due: dict[Any, dt.datetime], late: int,
              missing: int, late_margin: dt.timedelta) -> dict[Any, str]:
        """Which duties go wrong: `late` done late, `missing` never done, each of a different
        rule where there are enough; only duties whose deadline has passed by as_of qualify."""
        rng = self.rng
        fates: dict[Any, str] = {}
        for fate, count, margin in (("late", late, late_margin),
                                    ("missing", missing, dt.timedelta(days=1))):
            options: dict[str, list[Any]] = defaultdict(list)
            for key in sorted(rule_of):
                if key not in fates and due[key] + margin <= self.as_of:
                    options[rule_of[key]].append(key)
            rules = sorted(options)
            used = {rule_of[k] for k in fates}
            fresh = [r for r in rules if r not in used]
            chosen = rng.sample(fresh, min(count, len(fresh)))
            while len(chosen) < count and rules:  # fewer kinds of duty than mishaps
                chosen.append(rng.choice(rules))
            for rule in chosen:
                free = [k for k in options[rule] if k not in fates]
                if free:
                    fates[rng.choice(free)] = fate
        return fates

    def answer_recurring(self, obligations: list[Any]) -> None:
        rng = self.rng
        by_key: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
        for o in obligations:
            discharge = self.rs.obligation(o.rule_id).discharged_by
            if discharge.event == "submission":
                by_key[(o.actor, discharge.kind, o.period)].append(o)
        due_by = {k: min(o.due for o in v) for k, v in by_key.items()}
        fates = self.fates({k: v[0].rule_id for k, v in by_key.items()}, due_by,
                           self.ex.late, self.ex.missing, dt.timedelta(days=15))
        for key in sorted(by_key):
            actor, kind, period = key
            fate = fates.get(key, "on_time")
            if fate == "missing":
                continue
            due = due_by[key]
            begins = period_start(period)
            if fate == "late":
                day = (due + dt.timedelta(days=rng.randrange(1, 10))).date()
                moment = office(rng, CAL.next_working_day(day))
            else:
                last = (due - dt.timedelta(microseconds=1)).astimezone(ZONE).date()
                lo = max(begins, self.first, last - dt.timedelta(days=8))
                choices = [d for d in days(lo, last) if CAL.is_working_day(d)] or [last]
                moment = office(rng, rng.choice(choices[-4:]))
            if moment > self.as_of:
                continue  # not yet done: the duty stays open
            # One duty per recipient (owed to each operator): one delivery addressed to no
            # one in particular reaches them all.
            owed = {tuple(o.owed_to) for o in by_key[key]}
            owed_to = list(owed.pop()) if len(owed) == 1 else []
            event = {"id": f"sub-{kind}-{actor}-{period}", "type": "submission", "actor": actor,
                     "kind": kind, "at": moment.isoformat(), "period": period}
            to = next((t for t in owed_to if self.rs.actor(t) is not None
                       and self.rs.actor(t).kind == "body"), None)
            if to:
                event["to"] = to
            if fate == "late":
                event["meta"] = {"note": "sent after the deadline"}
            self.add(event)

    def answer_triggered(self, obligations: list[Any]) -> None:
        rng = self.rng
        by_trigger: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for o in obligations:
            by_trigger[(o.trigger, o.rule_id)].append(o)
        fates = self.fates({k: k[1] for k in by_trigger},
                           {k: v[0].due for k, v in by_trigger.items()},
                           self.ex.triggered_late, self.ex.triggered_missing,
                           dt.timedelta(days=3))
        triggers = {e["id"]: e for e in self.events}
        # Where a shorter deadline applies by exception (urgent documents), one such duty is
        # among the late ones: the exception is what a reader most needs to see at work.
        excepted = [k for k in sorted(by_trigger) if k not in fates
                    and by_trigger[k][0].due + dt.timedelta(days=3) <= self.as_of
                    and self.excepted(k[1], triggers[k[0]])]
        late = [k for k, fate in fates.items() if fate == "late"]
        if excepted and late and not any(self.excepted(k[1], triggers[k[0]]) for k in late):
            del fates[late[-1]]
            fates[rng.choice(excepted)] = "late"
        for key in sorted(by_trigger):
            fate = fates.get(key, "on_time")
            if fate == "missing":
                continue
            ob = by_trigger[key][0]
            start = dt.datetime.fromisoformat(triggers[ob.trigger]["at"])
            if fate == "late":
                moment = daytime(ob.due + dt.timedelta(hours=rng.randrange(3, 60)), rng)
            else:
                span = (ob.due - start).total_seconds()
                moment = start + dt.timedelta(seconds=span * rng.uniform(0.05, 0.5))
                moment = daytime(moment, rng)
                if moment > ob.due:
                    moment = start + dt.timedelta(seconds=span * 0.05)
            moment = moment.replace(second=0, microsecond=0)
            if moment > self.as_of:
                continue
            self.add(self.answer(ob.rule_id, ob.trigger, moment, ob.actor, ob.owed_to,
                                 fate == "late"))

    def excepted(self, rule_id: str, event: dict[str, Any]) -> bool:
        """Whether `event` raised its duty under one of the rule's exceptions."""
        return any(all(event.get(name) == value for name, value in _example_of(ex.when).items())
                   for ex in self.rs.obligation(rule_id).exceptions)

    def answer(self, rule_id: str, trigger: str, moment: dt.datetime, actor: str,
               owed_to: list[str], late: bool) -> dict[str, Any]:
        discharge = self.rs.obligation(rule_id).discharged_by
        ident = f"re-{trigger}"  # a second duty of the same trigger answers with its rule id
        ident = f"{ident}-{rule_id}" if ident in self.ids else ident
        event: dict[str, Any] = {"id": ident, "type": discharge.event,
                                 "at": moment.isoformat(), discharge.ref_field: trigger}
        fields = _fields(discharge.event)
        if "actor" in fields:
            event["actor"] = actor
        if "to" in fields:
            event["to"] = owed_to[0] if owed_to else self.recipients.get(
                actor, self.recipients[""])
        if late:
            event["meta"] = {"note": "answered after the deadline"}
        return event

    def answer_untriggered(self) -> None:
        """Incidents and feedback that raise no duty are still passed on, in a day or two."""
        rng = self.rng
        for event in list(self.events):
            if (event["id"] in self.duty_triggers
                    or event["type"] not in ("incident", "feedback_received")):
                continue
            actor = event.get("actor") or self.sites[event["site"]].operator
            if event["type"] == "incident":
                actor = self.sites[event["site"]].operator
            moment = daytime(dt.datetime.fromisoformat(event["at"])
                             + dt.timedelta(hours=rng.randrange(4, 48)), rng)
            if moment > self.as_of:
                continue
            kind = "incident_reported" if event["type"] == "incident" else "feedback_forwarded"
            ref = "incident" if kind == "incident_reported" else "feedback"
            self.add({"id": f"re-{event['id']}", "type": kind, "at": moment.isoformat(),
                      ref: event["id"], "actor": actor,
                      "to": self.recipients.get(actor, self.recipients[""])})

    def invalid(self) -> None:
        """Two lines the engine must refuse: a time without an offset, an unknown kind."""
        rng = self.rng
        day = rng.choice(self.quiet_days())
        if self.rs.broadcast.rules:
            site = next(s for s in self.ex.sites if self.site_rules(s))
            naive = {"id": "bad-naive-time", "type": "broadcast", "site": site.id,
                     "start": f"{day}T21:00:00", "end": f"{day}T21:30:00",
                     "meta": {"note": "exported without its UTC offset"}}
        else:
            naive = {"id": "bad-naive-time", "type": "content_published", "at": f"{day}T09:30:00",
                     "site": self.ex.sites[0].id,
                     "meta": {"note": "exported without its UTC offset"}}
        self.add(naive)
        known = {k.id for k in self.rs.submission_kinds}
        kind = next((k for k in BASE_SUBMISSION_KINDS if k not in known), "weekly_report")
        day = rng.choice(self.quiet_days())
        self.add({"id": "bad-unknown-kind", "type": "submission",
                  "actor": self.ex.sites[0].operator, "kind": kind,
                  "at": office(rng, CAL.next_working_day(day)).isoformat(),
                  "meta": {"note": f"a {kind.replace('_', ' ')} this text asks nobody for"}})


def _example_of(condition: dict[str, Any]) -> dict[str, Any]:
    """Field values that satisfy a simple condition ({field: value} or {field: {$in: [...]}})."""
    out = {}
    for name, test in condition.items():
        if name.startswith("$"):
            continue
        if isinstance(test, dict):
            if "$in" in test:
                out[name] = test["$in"][0]
            elif "$eq" in test:
                out[name] = test["$eq"]
        else:
            out[name] = test
    return out


def _fields(event_type: str) -> set[str]:
    from quyche import events as models

    for name in models.__all__:
        model = getattr(models, name)
        annotation = getattr(model, "model_fields", {}).get("type")
        if annotation is not None and getattr(annotation.annotation, "__args__", ()) == (
                event_type,):
            return set(model.model_fields)
    raise SystemExit(f"no event model for {event_type!r}")


def _plus(moment: dt.datetime, duration: Any) -> dt.datetime:
    from quyche.time.deadlines import add_duration

    return add_duration(moment, duration).astimezone(ZONE)


def _instant(event: dict[str, Any]) -> dt.datetime:
    value = event.get("start") or event.get("at")
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZONE)


# --------------------------------------------------------------------------- output


def write(example: Example, out: Path) -> int:
    generator = Generator(example)
    events = generator.build()
    folder = out / example.rule_set
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "events.jsonl").open("w", encoding="utf-8") as handle:
        for event in events:
            handle.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
    header = (f"# Site registry of the {generator.rs.name} example "
              "(written by examples/generate.py).\n"
              + "".join(f"# {line}\n" for line in example.note.splitlines()))
    lines = [header.rstrip("\n")]
    for site in example.sites:
        lines.append(f"- {{id: {site.id}, kind: {site.kind}, operator: {site.operator},\n"
                     f"   name: \"{site.name}\"}}")
    (folder / "sites.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="rule-set ids (default: all five)")
    parser.add_argument("--out", type=Path, default=HERE, help="where to write (default: here)")
    args = parser.parse_args()
    for name in args.names or sorted(EXAMPLES):
        if name not in EXAMPLES:
            raise SystemExit(f"no example for {name!r}; expected one of {sorted(EXAMPLES)}")
        count = write(EXAMPLES[name], args.out)
        size = (args.out / name / "events.jsonl").stat().st_size
        print(f"{name}: {count} events, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()

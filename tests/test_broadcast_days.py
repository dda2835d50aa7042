"""The day-level broadcast checks measured at once (`kinds.broadcast_days._suspects`).

All of a year's site-days are measured in one go and only those that may be wanting are
checked one by one. The measure must never pass a day the checks would find wanting:
the findings are those of checking every day, near every limit, on any intervals.
"""

import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

import quyche
from quyche.evaluation.context import Context
from quyche.evaluation.kinds import broadcast_days
from quyche.evaluation.ledger import Emergency, Ledger
from quyche.time.instants import DAY, OFFSET

# The sample rule set with a maximum as well: 6 to 10 hours, 2 before noon, 3 after.
_TEXT = (Path(__file__).parent / "data" / "sample.yaml").read_text(encoding="utf-8")
_TEXT = _TEXT.replace("      min_hours: 6\n", "      min_hours: 6\n      max_hours: 10\n", 1)
_TEXT = _TEXT.replace('end: "12:00"}, min_hours: 3}', 'end: "12:00"}, min_hours: 2}', 1)
assert "max_hours: 10" in _TEXT and "min_hours: 2}" in _TEXT
with tempfile.TemporaryDirectory() as _tmp:
    (Path(_tmp) / "sample_max.yaml").write_text(_TEXT, encoding="utf-8")
    RS = quyche.load(Path(_tmp) / "sample_max.yaml")
SITES = [{"id": "bg1", "kind": "border_gate", "operator": "bdbp_tinh"},
         {"id": "pb1", "kind": "public_board", "operator": "so_tttt"}]
CTX = Context(RS, "2024-03-08T00:00:00+07:00", "2024-03-04T00:00:00+07:00", SITES)
FIRST = int((CTX.since_ts + OFFSET) // DAY)
HOUR = 3600.0

# Near the limits: 3, 6 and 10 hours, the windows' edges, a hair either side of each.
_EDGES = [0.0, 3 * HOUR, 6 * HOUR, 10 * HOUR, 7.5 * HOUR, 11 * HOUR, 12 * HOUR,
          13.5 * HOUR, 18 * HOUR, 24 * HOUR]
_offsets = st.one_of(
    st.sampled_from(_EDGES).flatmap(lambda x: st.sampled_from(
        [x, x - 1e-6, x + 1e-6, x - 0.001, x + 0.5, x - 30])),
    st.floats(-HOUR, 25 * HOUR, allow_nan=False))
_near = st.sampled_from([3.5 * HOUR, 4.5 * HOUR, 3 * HOUR, 5 * HOUR, 2 * HOUR]).flatmap(
    lambda x: st.sampled_from([x, x - 1e-6, x + 1e-6, x - 0.01, x + 0.01, x - 60, x + 60]))
#: a morning and an afternoon near the limits: each part, the day, the windows
_near_pair = st.tuples(st.sampled_from([0.0, 6 * HOUR, 7.5 * HOUR]), _near,
                       st.sampled_from([12 * HOUR, 13.5 * HOUR]), _near).map(
    lambda p: [(p[0], p[0] + p[1]), (p[2], p[2] + p[3])])
_day = st.one_of(st.lists(st.tuples(_offsets, _offsets), max_size=4), _near_pair)


@st.composite
def ledgers(draw):
    ledger = Ledger()
    for site in ("bg1", "pb1"):
        for day in range(FIRST, FIRST + 4):
            key, start = (site, day), day * DAY - OFFSET
            raw = draw(_day)
            if raw:
                spans = [[start + a, start + b] for a, b in raw]
                if draw(st.booleans()):  # as the intake keeps them, else as a partial may
                    spans = [[s, e] for s, e in sorted(spans) if s < e]
                    merged = []
                    for s, e in spans:
                        if merged and s <= merged[-1][1]:
                            merged[-1][1] = max(merged[-1][1], e)
                        else:
                            merged.append([s, e])
                    spans = merged
                ledger.coverage[key] = spans
            count = draw(st.integers(0, 3))
            if count or raw:
                ledger.segment_count[key] = count + len(raw)
                ledger.segment_ids[key] = [(start, f"{site}-{day}")]
    for _ in range(draw(st.integers(0, 2))):
        s = FIRST * DAY - OFFSET + draw(st.floats(0, 4 * DAY))
        ledger.emergencies.append(Emergency(s, s + draw(st.floats(1, DAY)),
                                            draw(st.sampled_from([None, ("bg1",)])), "em"))
    return ledger


def every_row(rows, rules):
    return list(range(len(rows.site)))


@given(ledgers())
def test_measured_at_once_finds_what_every_day_checked_finds(ledger):
    found = broadcast_days.daily_checks(CTX, ledger)
    with mock.patch.object(broadcast_days, "_suspects", every_row):
        reference = broadcast_days.daily_checks(CTX, ledger)
    assert [v.model_dump_json() for v in found] == [v.model_dump_json() for v in reference]


def test_a_year_of_days_where_some_are_wanting():
    """Not only silent days: hours, parts and windows found on measured days too."""
    ledger = Ledger()
    for offset, site in enumerate(("bg1", "pb1")):
        for day in range(FIRST, FIRST + 4):
            start = day * DAY - OFFSET
            hours = 2 + 2 * (day - FIRST) + offset  # 2, 4, 6, 8 h from 07:00
            ledger.coverage[(site, day)] = [[start + 7 * HOUR, start + (7 + hours) * HOUR]]
            ledger.segment_count[(site, day)] = 1
    found = broadcast_days.daily_checks(CTX, ledger)
    with mock.patch.object(broadcast_days, "_suspects", every_row):
        assert [v.model_dump_json() for v in found] == [
            v.model_dump_json() for v in broadcast_days.daily_checks(CTX, ledger)]
    assert {v.kind for v in found} == {"broadcast_hours", "broadcast_part", "broadcast_window"}


def test_every_day_near_the_limits():
    """Each day a morning and an afternoon a hair either side of a limit, on both sites,
    some days with emergency time."""
    ctx = Context(RS, "2025-01-01T00:00:00+07:00", "2024-01-01T00:00:00+07:00", SITES)
    first = int((ctx.since_ts + OFFSET) // DAY)
    lengths = [x + d for x in (2, 2.5, 3, 3.5, 4.5, 5) for d in (0.0, -1e-6, 1e-6, -0.01, 0.01)]
    days = [[(a, a + m * HOUR), (b, b + n * HOUR)] for a in (0.0, 7.5 * HOUR) for m in lengths
            for b in (12 * HOUR, 13.5 * HOUR) for n in lengths]
    days += [spans[::-1] for spans in days[::7]]  # out of order, as only a partial may be
    kinds = set()
    for chunk in range(0, len(days), 365):
        ledger = Ledger()
        for day, spans in enumerate(days[chunk:chunk + 365], first):
            start = day * DAY - OFFSET
            for site in ("bg1", "pb1"):
                ledger.coverage[(site, day)] = [[start + s, start + e] for s, e in spans]
                ledger.segment_count[(site, day)] = 2
            if day % 5 == 0:  # emergency time across noon everywhere, or early at one site
                ledger.emergencies.append(Emergency(start + 10 * HOUR, start + 13 * HOUR,
                                                    None, f"em{day}"))
            elif day % 7 == 0:
                ledger.emergencies.append(Emergency(start, start + HOUR, ("bg1",), f"e{day}"))
        found = broadcast_days.daily_checks(ctx, ledger)
        with mock.patch.object(broadcast_days, "_suspects", every_row):
            assert [v.model_dump_json() for v in found] == [
                v.model_dump_json() for v in broadcast_days.daily_checks(ctx, ledger)]
        kinds |= {v.kind for v in found}
    assert kinds >= {"broadcast_hours", "broadcast_part", "broadcast_window"}

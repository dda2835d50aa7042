"""Tests for the bulk intake of broadcast segments (`evaluation.segments`) and for reading
instants a column at a time (`time.instant_columns`).

The bulk path must leave the ledger exactly as the broadcast kind's general path leaves it
one segment at a time (Điều 6 khoản 1 of Kon Tum's text is what the ledger's coverage is
checked against): the same intervals, counts, first ids, content findings and rejections,
whatever the batches. Instants read in bulk must be what `time.instants.epoch_seconds`
reads, and nothing it refuses.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche.decoding import Broadcast, decode_lines
from quyche.evaluation import intake
from quyche.evaluation.context import Context
from quyche.evaluation.intake import Reader
from quyche.evaluation.ledger import Ledger
from quyche.time.instant_columns import common_shape_seconds
from quyche.time.instants import epoch_seconds

SITES = [{"id": "bo_y", "kind": "border_gate"}, {"id": "bang_tin", "kind": "public_board"},
         {"id": "cua_khau", "kind": "border_gate"}]
AS_OF = "2024-03-06T12:00:00+07:00"
SINCE = "2024-03-04T00:00:00+07:00"
RULES = quyche.load("kontum")


# --------------------------------------------------------------------------- instants


def test_instants_of_the_common_shape_read_in_bulk_as_one_at_a_time():
    texts = ["2024-03-04T06:30:00+07:00", "2024-02-29T23:59:59-00:30", "1970-01-01T00:00:00+00:00",
             "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59", "2000-02-29T12:00:00+07:00"]
    seconds, read = common_shape_seconds(texts)
    assert read.all()
    assert seconds.tolist() == [epoch_seconds(t) for t in texts]
    assert seconds[0] == dt.datetime.fromisoformat(texts[0]).timestamp()


@pytest.mark.parametrize("text", [
    "2023-02-29T00:00:00+07:00",  # no such day
    "1900-02-29T00:00:00+07:00",  # not a leap year
    "0000-01-01T00:00:00+07:00",  # no year 0
    "2024-13-01T00:00:00+07:00", "2024-00-10T00:00:00+07:00", "2024-01-32T00:00:00+07:00",
    "2024-01-01T24:00:00+07:00", "2024-01-01T00:60:00+07:00", "2024-01-01T00:00:60+07:00",
    "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+07:60", "2024-01-01T00:00:00*07:00",
    "2024-01-01 00:00:00+07:00", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.5+07:00",
    "2024-01-01T00:00:00+07:00 ", "2024-01-0٣T00:00:00+07:00", "２０24-01-01T00:00:00+07:00",
    "", "2024-01-01T00:00:00+0700",
])
def test_instants_of_another_shape_are_left_unread(text):
    """Refused or of another shape: one at a time decides (Z, fractions, no colon...)."""
    seconds, read = common_shape_seconds([text, "2024-03-04T06:30:00+07:00"])
    assert read.tolist() == [False, True]
    assert seconds[1] == epoch_seconds("2024-03-04T06:30:00+07:00")


_DIGIT = st.sampled_from("0123456789")
_NEAR = st.sampled_from("0123456789+-:T Z٣.\0")


def test_texts_a_character_short_and_long_do_not_read_as_each_other():
    """A text one character short beside one a character long: neither is read."""
    texts = ["2024-01-01T00:00:00+07:0", "52024-01-01T00:00:00+07:00", "2024-01-01T00:00\0+07:00"]
    assert common_shape_seconds(texts)[1].tolist() == [False, False, False]


@settings(max_examples=300)
@given(st.lists(st.text(_NEAR, min_size=23, max_size=27) | st.builds(
    "{}{}{}{}-{}{}-{}{}T{}{}:{}{}:{}{}{}{}{}:{}{}".format, *[_DIGIT] * 4, *[_DIGIT] * 2,
    *[_DIGIT] * 2, *[_DIGIT] * 6, st.sampled_from("+-"), *[_DIGIT] * 4), max_size=40))
def test_bulk_instants_agree_with_one_at_a_time(texts):
    seconds, read = common_shape_seconds(texts)
    for text, value, ok in zip(texts, seconds.tolist(), read.tolist(), strict=True):
        one = epoch_seconds(text)
        if ok:
            assert one == value, text
        else:
            assert one is None, text


# --------------------------------------------------------------------------- the ledger


def _general_path(records: list) -> Ledger:
    """The reference: every segment through the broadcast kind's general path, in order."""
    ctx = Context(RULES, AS_OF, SINCE, SITES)
    reader = Reader(ctx)
    for index, record in enumerate(records):
        if isinstance(record, Broadcast):
            reader._segment(index, record)
        else:
            reader.add(index, record)
    return reader.ledger


def _bulk(records: list) -> Ledger:
    return Reader(Context(RULES, AS_OF, SINCE, SITES)).add_all(records)


def _same_ledger(got: Ledger, want: Ledger) -> None:
    assert (got.read, got.applied) == (want.read, want.applied)
    assert got.coverage == want.coverage
    assert got.segment_count == want.segment_count
    assert got.segment_ids == want.segment_ids
    assert sorted(r.model_dump_json() for r in got.rejected) == sorted(
        r.model_dump_json() for r in want.rejected)
    assert sorted(v.model_dump_json() for v in got.findings) == sorted(
        v.model_dump_json() for v in want.findings)


_TIMES = [f"2024-03-0{d}T{h:02d}:{m:02d}:00+07:00"
          for d in (3, 4, 5, 6) for h in (0, 6, 7, 11, 12, 13, 23) for m in (0, 30)]
_ODD_TIMES = ["2024-03-05T07:00:00Z", "2024-03-05T07:00:00.250+07:00", "2024-03-05T08:00:00",
              "2024-03-05", "not an instant", "2024-03-05T07:00:00+07:00"]


@st.composite
def _segments(draw):
    start = draw(st.sampled_from(_TIMES) | st.sampled_from(_ODD_TIMES))
    end = draw(st.sampled_from(_TIMES) | st.sampled_from(_ODD_TIMES))
    event = {"type": "broadcast", "site": draw(st.sampled_from(
        ["bo_y", "bang_tin", "cua_khau", "nowhere"])), "start": start, "end": end}
    ident = draw(st.sampled_from([None, "p1", "p2", "p3", "a", "z"]))
    if ident is not None:
        event["id"] = ident
    category = draw(st.sampled_from([None, None, "advertising", "party_state_policy",
                                     "no_such_category"]))
    if category is not None:
        event["category"] = category
    language = draw(st.sampled_from([None, None, "vi", "lo", "km", "en+vi", "xx-not-a-tag"]))
    if language is not None:
        event["language"] = language
    return event


_OTHERS = [{"type": "backup", "id": "b1", "at": "2024-03-04T10:00:00+07:00", "site": "bo_y"},
           {"type": "emergency", "id": "em1", "start": "2024-03-05T08:00:00+07:00",
            "end": "2024-03-05T10:00:00+07:00", "sites": ["bo_y"]}]


@settings(max_examples=150, deadline=None)
@given(st.lists(_segments() | st.sampled_from(_OTHERS), max_size=60),
       st.sampled_from([1, 3, 7, 16_384]))
def test_the_bulk_path_leaves_the_ledger_the_general_path_leaves(events, batch):
    """Whatever the segments (across midnight, after as_of, before the first day, unknown
    sites, uncounted or unknown categories, bad tags, instants of other shapes or none,
    ids repeated, missing or tied) and however they are batched."""
    records = list(decode_lines([json.dumps(e).encode() for e in events]))
    want = _general_path(records)
    saved = intake.BATCH
    intake.BATCH = batch
    try:
        _same_ledger(_bulk(records), want)
        _same_ledger(_bulk(events), want)  # dicts, decoded one at a time
    finally:
        intake.BATCH = saved


def test_a_day_split_across_batches_merges_into_what_the_ledger_has(monkeypatch):
    """A site's day met in two batches: intervals merged, counts added, the first ids kept."""
    events = [{"type": "broadcast", "id": f"p{i:02d}", "site": "bo_y",
               "start": f"2024-03-05T{h:02d}:00:00+07:00",
               "end": f"2024-03-05T{h:02d}:45:00+07:00"} for i, h in enumerate(range(20, 0, -1))]
    events.append({**events[0], "id": "p00"})  # the same segment twice: kept once
    monkeypatch.setattr(intake, "BATCH", 6)
    ledger = _bulk(list(decode_lines([json.dumps(e).encode() for e in events])))
    key = ("bo_y", (int(dt.datetime(2024, 3, 5, 7).timestamp()) + 7 * 3600) // 86400)
    assert ledger.segment_count[key] == 21
    assert len(ledger.coverage[key]) == 20  # 45 minutes an hour: no two touch
    assert [i for _, i in ledger.segment_ids[key]] == [f"p{i:02d}" for i in range(19, 9, -1)]
    _same_ledger(ledger, _general_path(list(decode_lines(
        [json.dumps(e).encode() for e in events]))))


@pytest.mark.parametrize("seed", range(12))
def test_busy_days_in_one_batch_and_in_many(seed, monkeypatch):
    """Many segments a site's day (more than the ids kept): touching, overlapping, nested,
    tied and repeated segments, some without an id, in any order."""
    import random

    rng = random.Random(seed)
    events = []
    for site in ("bo_y", "bang_tin", "cua_khau"):
        for day in (4, 5):
            for _ in range(rng.randrange(5, 30)):
                a = rng.randrange(0, 96)
                b = min(96, a + rng.choice([1, 1, 2, 4, 8]))
                quarter = "2024-03-0{}T{:02d}:{:02d}:00+07:00".format
                event = {"type": "broadcast", "site": site,
                         "start": quarter(day, *divmod(a * 15, 60)),
                         "end": quarter(day, *divmod(b * 15, 60)) if b < 96
                         else f"2024-03-0{day + 1}T00:00:00+07:00"}
                if rng.random() < 0.85:
                    event["id"] = rng.choice("abcdefgh") + str(rng.randrange(40))
                if rng.random() < 0.1:
                    event["category"] = "advertising"
                events.append(event)
                if rng.random() < 0.1:
                    events.append(dict(event))  # the same segment twice
    rng.shuffle(events)
    records = list(decode_lines([json.dumps(e).encode() for e in events]))
    want = _general_path(records)
    assert max(want.segment_count.values()) > 10
    _same_ledger(_bulk(records), want)
    monkeypatch.setattr(intake, "BATCH", rng.choice([5, 13, 40]))
    _same_ledger(_bulk(records), want)


def test_a_tie_at_the_last_id_kept_is_settled_by_the_ids():
    """Ten segments, then one that starts with the tenth: the smaller id is kept."""
    events = [{"type": "broadcast", "id": f"p{h:02d}", "site": "bo_y",
               "start": f"2024-03-05T{h:02d}:00:00+07:00",
               "end": f"2024-03-05T{h:02d}:30:00+07:00"} for h in range(1, 11)]
    events.append({**events[-1], "id": "a10"})
    records = list(decode_lines([json.dumps(e).encode() for e in events]))
    ledger = _bulk(records)
    [ids] = ledger.segment_ids.values()
    assert [i for _, i in ids][-2:] == ["p09", "a10"]
    _same_ledger(ledger, _general_path(records))

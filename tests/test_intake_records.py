"""Tests for the intake of decoded records, the day checks prepared once, the collector pause.

The engine reads typed records (`quyche.decoding`): the same events given as dicts, as
decoded JSON lines and as a file's path must give the same report; the collector is
paused only while an evaluation runs.
"""

from __future__ import annotations

import gc
import json

import pytest

import quyche
from quyche.decoding import Broadcast, decode_lines
from quyche.evaluation.collector import collector_paused
from quyche.event_files import LineNumbers, read_event_file

SITES = [{"id": "bo_y", "kind": "border_gate"}, {"id": "bang_tin", "kind": "public_board"}]
AS_OF = "2024-03-06T00:00:00+07:00"
SINCE = "2024-03-04T00:00:00+07:00"


def _segment(i: int, site: str, day: int, start: str, end: str, **more: str) -> dict:
    return {"type": "broadcast", "id": f"p{i}", "site": site,
            "start": f"2024-03-0{day}T{start}:00+07:00", "end": f"2024-03-0{day}T{end}:00+07:00",
            **more}


EVENTS = [
    _segment(1, "bo_y", 4, "06:30", "11:30"),
    _segment(2, "bo_y", 4, "13:30", "21:30", language="vi"),
    _segment(3, "bang_tin", 4, "07:00", "08:00", language="xx-not-a-tag"),  # rejected
    _segment(4, "bang_tin", 4, "08:00", "09:00", category="no-such-category"),  # rejected
    _segment(5, "nowhere", 5, "08:00", "09:00"),  # rejected: not registered
    _segment(6, "bang_tin", 5, "23:00", "23:30"),
    {"type": "broadcast", "site": "bang_tin", "start": "2024-03-05T23:30:00+07:00",
     "end": "2024-03-06T00:30:00+07:00"},  # across midnight: the general path
    {"type": "backup", "id": "b1", "at": "2024-03-04T10:00:00+07:00", "site": "bo_y"},
    {"type": "emergency", "id": "em1", "start": "2024-03-05T08:00:00+07:00",
     "end": "2024-03-05T10:00:00+07:00", "sites": ["bo_y"]},
    {"type": "backup", "id": "b2", "at": "2024-03-07T10:00:00+07:00"},  # after as_of
]


def _report(events, **kw) -> dict:
    report = quyche.evaluate("kontum", events, as_of=AS_OF, since=SINCE, sites=SITES, **kw)
    return report.model_dump(mode="json")


def test_dicts_lines_and_records_give_the_same_report():
    """Dicts, decoded lines and records mixed with dicts: one report, rejections included."""
    from_dicts = _report(EVENTS)
    lines = [json.dumps(e).encode() for e in EVENTS]
    records = list(decode_lines(lines))
    assert isinstance(records[0], Broadcast)
    assert _report(iter(records)) == from_dicts
    mixed = [r if i % 2 else e for i, (r, e) in enumerate(zip(records, EVENTS, strict=True))]
    assert _report(mixed) == from_dicts
    reasons = [r["reason"] for r in from_dicts["rejected"]]
    assert [r["index"] for r in from_dicts["rejected"]] == [2, 3, 4, 9]
    assert reasons[0].startswith("language: 'xx-not-a-tag'")
    assert reasons[1].startswith("category: 'no-such-category'")
    assert reasons[2].startswith("site: 'nowhere' is not in the site registry")
    assert reasons[3].startswith("at: 2024-03-07T10:00:00+07:00 is after as_of")


def test_both_engines_read_the_same_records():
    lines = [json.dumps(e).encode() for e in EVENTS]
    pytest.importorskip("durable")
    assert _report(decode_lines(lines), engine="durable") == _report(decode_lines(lines))


def test_a_file_decoded_names_the_lines_of_its_rejections(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("\n\n".join(json.dumps(e) for e in EVENTS) + "\n")
    numbers = LineNumbers()
    records = list(read_event_file(path, numbers, decoded=True))
    assert all(not isinstance(r, dict) for r in records)
    assert [numbers.line_of(i) for i in (0, 2, 9)] == [1, 5, 19]
    report = quyche.evaluate("kontum", path, as_of=AS_OF, since=SINCE, sites=SITES)
    assert [r.line for r in report.rejected] == [5, 7, 9, 19]


def test_day_checks_name_a_silent_day_and_a_short_one():
    """The prepared day rules: a day whose segments were all refused is silent; emergency
    time counts as covered (no silent day) but two hours are still short of the minimum."""
    found = _report(EVENTS)["violations"]
    kinds = {(v["site"], v["when"], v["kind"]) for v in found}
    assert ("bang_tin", "2024-03-04", "no_broadcast") in kinds
    assert not any(site == "bo_y" and when == "2024-03-04" for site, when, _ in kinds)
    assert ("bo_y", "2024-03-05", "no_broadcast") not in kinds
    [short] = [v for v in found if (v["site"], v["when"], v["kind"])
               == ("bo_y", "2024-03-05", "broadcast_hours")]
    assert short["message_en"].startswith("Broadcast 2.00 h, 0 segment(s), below the minimum")
    assert short["source"]["article"] is not None


class TestCollectorPaused:
    def test_paused_inside_and_restored_after(self):
        assert gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled()

    def test_restored_after_an_error(self):
        with pytest.raises(ValueError), collector_paused():
            raise ValueError("boom")
        assert gc.isenabled()

    def test_left_off_when_it_was_off(self):
        gc.disable()
        try:
            with collector_paused():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()

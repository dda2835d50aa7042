"""The benchmark's comparison of the engines asks what the reader asks (benchmarks/).

`benchmarks/trigger_matching.py` times the native matcher and durable_rules on the
questions the reader puts to its matcher; these tests hold it to the events of a small
trigger-rich year (`bench.generate(..., rich=K)`): every event that may raise a duty is
asked once, every duty of its type is posted once, both matchers answer alike, and the
trigger-rich year is valid input. No timing is asserted (docs/performance.md has them).
"""

import sys
from pathlib import Path

import pytest

import quyche
from quyche.decoding import decode_lines

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench  # noqa: E402 - benchmarks/ is not a package
import trigger_matching  # noqa: E402

#: event types of the generated year that may raise a duty under Kon Tum (docs/durable.md)
NEVER_TRIGGER = {"broadcast", "emergency", "content_published", "backup", "backup_deleted",
                 "(malformed)"}


@pytest.fixture(scope="module")
def rich_year(tmp_path_factory):
    """A Kon Tum year of one site with three times the events that may raise a duty."""
    path = tmp_path_factory.mktemp("bench") / "rich.jsonl"
    meta = bench.generate("kontum", 6000, path, sites=1, year=2024, seed=3, tagged=0.1,
                          rich=3)
    return path, meta


def _window(meta):
    return {"as_of": meta["as_of"], "since": meta["since"], "sites": meta["sites"]}


def test_trigger_rich_year_is_valid(rich_year):
    """Only the generator's deliberate malformed lines are rejected: its requests name
    whom they ask and what, and raise Kon Tum's ad hoc reports."""
    path, meta = rich_year
    report = quyche.evaluate("kontum", Path(path), **_window(meta))
    assert len(report.rejected) == meta["counts"]["(malformed)"]
    raised = {o.rule_id for o in report.obligations}
    assert {"ad_hoc_report", "incident_report", "incident_repair"} <= raised
    assert meta["counts"]["request"] > meta["counts"]["incident"]


def test_matchers_asked_what_the_reader_asks(rich_year):
    """Every event that may raise a duty is one question; durable_rules gets one post per
    question (the router) and one per duty of its type; the answers are identical."""
    pytest.importorskip("durable.engine")
    path, meta = rich_year
    rs = quyche.load("kontum")
    with open(path, "rb") as lines:
        figures = trigger_matching.matching(rs, decode_lines(lines), meta["as_of"],
                                            meta["since"], meta["sites"], repeat=1)
    counts = meta["counts"]
    duties = {t: sum(1 for ob in rs.obligations if ob.trigger and ob.trigger.event == t)
              for t in counts}
    assert figures["answers_identical"]
    assert figures["trigger_capable_events"] == sum(
        n for t, n in counts.items() if t not in NEVER_TRIGGER)
    assert figures["events_of_a_type_with_duties"] == sum(
        n for t, n in counts.items() if duties[t])
    assert figures["durable_rules_posts"] == figures["trigger_capable_events"] + sum(
        n * duties[t] for t, n in counts.items())

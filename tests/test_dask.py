"""Tests for `quyche.dask`, with Dask's multiprocessing scheduler: state crosses processes."""

import json
import os

import pytest

import quyche
from rule_sets import SAMPLE
from test_partial import AS_OF, EVENTS, SITES

db = pytest.importorskip("dask.bag")
import quyche.dask  # noqa: E402  - only once Dask is known to be there


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    """Two JSON-lines files, one with a malformed line."""
    folder = tmp_path_factory.mktemp("logs")
    (folder / "a.jsonl").write_text("".join(json.dumps(e) + "\n" for e in EVENTS[:5]))
    (folder / "b.jsonl").write_text("{not json\n" + "".join(
        json.dumps(e) + "\n" for e in EVENTS[5:]))
    return folder


def test_json_lines_over_processes_give_the_whole_report(log):
    """A bag of JSON lines read by several processes gives evaluate's report of all lines."""
    lines = db.read_text(str(log / "*.jsonl"))
    assert lines.npartitions == 2
    report = quyche.dask.evaluate(lines, SAMPLE, as_of=AS_OF, sites=SITES,
                                  scheduler="processes", num_workers=2)
    whole = quyche.evaluate(SAMPLE, [*EVENTS[:5], {"type": "?"}, *EVENTS[5:]], as_of=AS_OF,
                            sites=SITES)
    assert report.model_dump(exclude={"rejected"}) == whole.model_dump(exclude={"rejected"})
    assert [(r.index, r.partition, r.partition_index) for r in report.rejected] == [
        (5, "1", 0), (6, "1", 1), (7, "1", 2)]
    assert report.rejected[0].reason.startswith("line 1, column 2: invalid JSON")


def test_partials_of_a_bag_of_events(log):
    bag = db.from_sequence(EVENTS, npartitions=3)
    parts = quyche.dask.partials(bag, SAMPLE, sites=SITES).compute(
        scheduler="processes", num_workers=2)
    assert len(parts) == 3 and all(isinstance(p, quyche.Partial) for p in parts)
    pids = bag.map_partitions(lambda _: [os.getpid()]).compute(scheduler="processes",
                                                               num_workers=2)
    assert os.getpid() not in pids  # the partials really were made in other processes
    assert all(p.as_of is None for p in parts)
    later = "2024-03-08T00:00:00+07:00"
    assert quyche.merge(parts, as_of=later).model_dump(exclude={"rejected"}) == quyche.evaluate(
        SAMPLE, EVENTS, as_of=later, sites=SITES).model_dump(exclude={"rejected"})

"""Tests for `quyche.columnar`: Parquet files and Arrow tables give the JSON-lines reports."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
import yaml

import quyche
from quyche import columnar
from quyche.errors import EventError
from quyche.event_files import LineNumbers, read_event_file

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2024-12-31T23:59:59+07:00"
#: as_of and since of each example's README command (tests/test_examples.py checks them).
EXAMPLES = {
    "kontum": ("2024-12-31T23:59:59+07:00", None),
    "laichau": ("2025-01-31T23:59:59+07:00", None),
    "caobang": ("2025-01-31T23:59:59+07:00", "2024-02-01T00:00:00+07:00"),
    "angiang": ("2025-01-31T23:59:59+07:00", "2024-08-01T00:00:00+07:00"),
    "tuyenquang": ("2027-01-31T23:59:59+07:00", "2026-07-01T00:00:00+07:00"),
}


def table_of(rows: list[dict]) -> pa.Table:
    """One column per field any event has (a null where an event has none)."""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return pa.table({k: pa.array([row.get(k) for row in rows]) for k in keys})


def example_rows(name: str) -> list[dict]:
    lines = (ROOT / "examples" / name / "events.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in lines if line.strip()]


def check_json(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "quyche", "check", *args, "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", EXAMPLES)
def test_parquet_of_an_example_gives_its_report(name, tmp_path):
    path = tmp_path / "events.parquet"
    pq.write_table(table_of(example_rows(name)), path, row_group_size=500)
    as_of, since = EXAMPLES[name]
    window = ["--sites", str(ROOT / "examples" / name / "sites.yaml"), "--as-of", as_of,
              *(["--since", since] if since else [])]
    from_lines = check_json(name, f"examples/{name}/events.jsonl", *window)
    from_parquet = check_json(name, str(path), *window)
    assert from_parquet == from_lines
    assert from_lines["obligations"]  # a real report, not two empty ones


def test_evaluate_takes_a_table_a_parquet_path_and_timestamp_columns(tmp_path):
    rows = example_rows("kontum")
    sites = yaml.safe_load((ROOT / "examples" / "kontum" / "sites.yaml").read_text())
    want = quyche.evaluate("kontum", rows, as_of=AS_OF, sites=sites).model_dump()
    assert want["rejected"]
    for rejection in want["rejected"]:
        rejection["line"] = rejection["index"] + 1  # a table's rejections name their row
    table = table_of(rows)
    assert quyche.evaluate("kontum", table, as_of=AS_OF, sites=sites).model_dump() == want
    # instants as Arrow timestamps in the local zone read as their ISO strings do (the rows
    # whose instants have no offset are left out: a timestamp column cannot hold them)
    aware = [r for r in rows if all(dt.datetime.fromisoformat(r[k]).tzinfo
                                    for k in ("at", "start", "end") if isinstance(r.get(k), str))]
    assert len(aware) < len(rows)
    want = quyche.evaluate("kontum", aware, as_of=AS_OF, sites=sites).model_dump()
    for rejection in want["rejected"]:
        rejection["line"] = rejection["index"] + 1
    table = table_of(aware)
    zone = pa.timestamp("s", tz="+07:00")
    for column in ("at", "start", "end"):
        values = [None if v is None else dt.datetime.fromisoformat(v)
                  for v in table.column(column).to_pylist()]
        table = table.set_column(table.schema.get_field_index(column), column,
                                 pa.array(values, type=zone))
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    assert quyche.evaluate("kontum", path, as_of=AS_OF, sites=sites).model_dump() == want


def test_rejected_rows_are_named_by_row(tmp_path):
    rows = [
        {"type": "backup", "at": "2024-03-04T08:00:00+07:00", "id": "ok"},
        {"type": "backup", "at": "2024-03-04T08:00:00", "id": "naive"},
        {"type": "teleport", "at": "2024-03-04T08:00:00+07:00", "id": "odd"},
    ]
    table = table_of(rows)
    # a naive Arrow timestamp is a time without an offset, refused like its text
    table = table.append_column("due", pa.array([None, None, dt.datetime(2024, 3, 5)]))
    path = tmp_path / "events.parquet"
    pq.write_table(table, path)
    report = quyche.evaluate("kontum", path, as_of=AS_OF)
    assert [(r.line, r.id, r.reason.split(":")[0]) for r in report.rejected] == [
        (2, "naive", "at"), (3, "odd", "type")]
    assert report.rejected[0].reason == "at: datetime has no UTC offset"


def test_batches_bound_what_is_held(tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "BATCH_ROWS", 100)
    rows = example_rows("kontum")[:1000]
    path = tmp_path / "events.parquet"
    pq.write_table(table_of(rows), path, row_group_size=250)
    numbers = LineNumbers()
    sizes, real = [], columnar._rows

    def counted(batch, decoded=False):
        sizes.append(batch.num_rows)
        return real(batch, decoded)

    monkeypatch.setattr(columnar, "_rows", counted)
    assert [e["id"] for e in read_event_file(path, numbers)] == [r["id"] for r in rows]
    assert max(sizes) == 100 and sum(sizes) == 1000  # what is made Python at a time
    assert numbers.line_of(999) == 1000


def test_a_file_that_is_not_parquet_after_its_magic(tmp_path):
    path = tmp_path / "events.parquet"
    path.write_bytes(columnar.PARQUET_MAGIC + b"not really")
    with pytest.raises(EventError, match="not a readable Parquet file"):
        list(read_event_file(path))


def test_parquet_from_a_pipe_is_refused_clearly(tmp_path):
    path = tmp_path / "events.parquet"
    pq.write_table(table_of(example_rows("kontum")[:10]), path)
    done = subprocess.run(f"cat {path} | {sys.executable} -m quyche check kontum -",
                          shell=True, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "cannot be read from a pipe" in done.stderr


def test_without_pyarrow_the_error_says_what_to_install(tmp_path):
    path = tmp_path / "events.parquet"
    pq.write_table(table_of(example_rows("kontum")[:10]), path)
    code = ("import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None\n"
            "from quyche.event_files import read_event_file\n"
            f"list(read_event_file({str(path)!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "quyche[arrow]" in done.stderr and "EventError" in done.stderr


def test_plain_segment_rows_and_their_near_misses_read_as_their_lines(tmp_path):
    """Rows read as segment records in bulk, and rows that only look like segments (an empty
    site or id, a column no segment has, an instant the models refuse): the same report as
    the same events as JSON lines, rejections by row included."""
    seg = {"type": "broadcast", "site": "bo_y", "start": "2024-03-04T06:30:00+07:00",
           "end": "2024-03-04T11:30:00+07:00"}
    rows = [
        {**seg, "id": "p1"},
        {**seg, "id": "p2", "language": "vi", "category": "advertising"},
        {**seg, "id": ""},  # an empty id: the model's reason
        {**seg, "id": "p4", "site": ""},
        {**seg, "id": "p5", "start": "2024-03-04 06:30"},  # not an instant
        {**seg, "id": "p6", "start": "2024-03-04T00:30:00Z"},  # another shape, read
        {**seg, "id": "p7", "at": "2024-03-04T06:30:00+07:00"},  # a column no segment has
        {**seg, "id": "p8", "language": "xx-not-a-tag"},
        {"type": "backup", "id": "b1", "at": "2024-03-04T10:00:00+07:00", "site": "bo_y"},
        {**seg, "id": "p9", "site": "nowhere"},
    ]
    sites = [{"id": "bo_y", "kind": "border_gate"}]
    lines = tmp_path / "events.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in rows))
    parquet = tmp_path / "events.parquet"
    pq.write_table(table_of(rows), parquet)
    kw = {"as_of": "2024-03-05T00:00:00+07:00", "since": "2024-03-04T00:00:00+07:00",
          "sites": sites}
    from_lines = quyche.evaluate("kontum", lines, **kw).model_dump(mode="json")
    assert quyche.evaluate("kontum", parquet, **kw).model_dump(mode="json") == from_lines
    assert quyche.evaluate("kontum", pq.read_table(parquet), **kw).model_dump(
        mode="json") == from_lines
    assert [r["line"] for r in from_lines["rejected"]] == [3, 4, 5, 7, 8, 10]
    # a table whose site column is not text: every row read as its dict would be
    odd = table_of(rows[:2]).set_column(1, "site", pa.array([1, 2]))
    assert [r.reason.split(":")[0] for r in quyche.evaluate(
        "kontum", odd, **kw).rejected] == ["site", "site"]

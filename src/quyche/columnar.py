"""Events from columns: a Parquet file or an Arrow table, read one record batch at a time.

Each row is an event whose columns are its fields; a null cell is an absent field
(a table of many event types has a column for every field of any of them). Instants
may be ISO 8601 strings or Arrow timestamps with a time zone (one without is refused
as a time without an offset, like any other). Rows become the same dicts a JSON line
becomes, so they are judged, rejected and reported exactly as JSON lines are, and a
rejected row is named by its 1-based row number. Only a batch (`BATCH_ROWS` rows) is
held at a time, however large the file. This needs pyarrow (`quyche[arrow]`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import EventError

__all__ = ["BATCH_ROWS", "PARQUET_MAGIC", "arrow_events", "is_arrow", "read_parquet"]

#: The first (and last) four bytes of every Parquet file.
PARQUET_MAGIC = b"PAR1"
#: Rows converted to Python at a time: memory stays that of a batch, not of the file.
BATCH_ROWS = 16_384


def is_arrow(value: Any) -> bool:
    """True for a pyarrow Table, RecordBatch or RecordBatchReader (without importing pyarrow)."""
    return type(value).__module__.startswith("pyarrow") and type(value).__name__ in (
        "Table", "RecordBatch", "RecordBatchReader")


def arrow_events(data: Any, numbers: Any = None) -> Iterator[dict[str, Any]]:
    """The events of an Arrow Table, RecordBatch, RecordBatchReader or iterable of batches.

    `numbers` (an `event_files.LineNumbers`), when given, learns each event's row.
    """
    if type(data).__name__ == "Table":
        batches: Iterable[Any] = data.to_batches(max_chunksize=BATCH_ROWS)
    elif type(data).__name__ == "RecordBatch":
        batches = [data]
    else:
        batches = data
    row = 0
    for batch in batches:
        names = batch.schema.names
        nested = [field.name != "meta" and type(field.type).__name__ == "StructType"
                  for field in batch.schema]
        # a column at a time to Python (in C), then each row's present cells: twice as fast
        # as the batch's own rows (`to_pylist`)
        columns = [column.to_pylist() for column in batch.columns] or [[None] * batch.num_rows]
        for cells in zip(*columns, strict=True):
            if numbers is not None:
                numbers.note(row, row + 1)
            row += 1
            yield {name: _present(value) if deep else value
                   for name, value, deep in zip(names, cells, nested, strict=False)
                   if value is not None}


def read_parquet(source: str | Path | IO[bytes], name: str | None = None,
                 numbers: Any = None) -> Iterator[dict[str, Any]]:
    """The events of a Parquet file (a path or a seekable binary file), batch by batch."""
    name = name or str(source)
    pq = _parquet(name)
    try:
        reader = pq.ParquetFile(source)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise EventError(f"{name}: not a readable Parquet file ({exc})") from None
    with reader:
        try:
            yield from arrow_events(reader.iter_batches(batch_size=BATCH_ROWS), numbers)
        except (OSError, ValueError) as exc:
            raise EventError(f"{name}: cannot read the Parquet file ({exc})") from None


def _parquet(name: str) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise EventError(f"{name}: a Parquet file; reading it needs pyarrow "
                         '(pip install "quyche[arrow]"), or write the events as JSON lines'
                         ) from None
    return pq


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """A struct cell (such as `quoted_from`) without its null fields, at any depth."""
    return {key: _present(value) if type(value) is dict else value
            for key, value in values.items() if value is not None}

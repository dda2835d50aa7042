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

import operator
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


def arrow_events(data: Any) -> Iterator[dict[str, Any]]:
    """The events of an Arrow Table, RecordBatch, RecordBatchReader or iterable of batches.

    Rows are events in order, so a rejection's `index` + 1 is its row (`LineNumbers` as
    it starts: nothing to note per row).
    """
    if type(data).__name__ == "Table":
        batches: Iterable[Any] = data.to_batches(max_chunksize=BATCH_ROWS)
    elif type(data).__name__ == "RecordBatch":
        batches = [data]
    else:
        batches = data
    for batch in batches:
        yield from _rows(batch)


def _rows(batch: Any) -> Iterator[dict[str, Any]]:
    """A batch's rows as dicts of their present cells.

    Columns go to Python a column at a time (in C); which cells of a row are present is
    computed for the whole batch (pyarrow.compute) as a bit pattern, so a row is made by
    one cached getter per pattern instead of a test per cell.
    """
    import pyarrow.compute as pc

    names = batch.schema.names
    if not names:
        yield from ({} for _ in range(batch.num_rows))
        return
    nested = {i for i, field in enumerate(batch.schema)
              if field.name != "meta" and type(field.type).__name__ == "StructType"}
    columns = [column.to_pylist() for column in batch.columns]
    pattern: Any = None
    for i, column in enumerate(batch.columns):
        bit = pc.multiply(pc.cast(pc.is_valid(column), "int64"), 1 << i)
        pattern = bit if pattern is None else pc.add(pattern, bit)
    makers: dict[int, Any] = {}
    for cells, present in zip(zip(*columns, strict=True), pattern.to_pylist(), strict=True):
        maker = makers.get(present)
        if maker is None:
            maker = makers[present] = _maker(names, present, nested)
        yield maker(cells)


def _maker(names: list[str], present: int, nested: set[int]) -> Any:
    """A function making the dict of a row whose present cells are the bits of `present`."""
    indexes = [i for i in range(len(names)) if present >> i & 1]
    keys = [names[i] for i in indexes]
    if not indexes:
        return lambda cells: {}
    pick = operator.itemgetter(*indexes)
    if len(indexes) == 1:
        return lambda cells: {keys[0]: _present(cells[indexes[0]])
                              if indexes[0] in nested else cells[indexes[0]]}
    if nested & set(indexes):
        return lambda cells: {k: _present(v) if i in nested else v
                              for k, v, i in zip(keys, pick(cells), indexes, strict=True)}
    return lambda cells: dict(zip(keys, pick(cells), strict=True))


def read_parquet(source: str | Path | IO[bytes], name: str | None = None
                 ) -> Iterator[dict[str, Any]]:
    """The events of a Parquet file (a path or a seekable binary file), batch by batch."""
    name = name or str(source)
    pq = _parquet(name)
    try:
        reader = pq.ParquetFile(source)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise EventError(f"{name}: not a readable Parquet file ({exc})") from None
    with reader:
        try:
            yield from arrow_events(reader.iter_batches(batch_size=BATCH_ROWS))
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

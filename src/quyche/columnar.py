"""Events from columns: a Parquet file or an Arrow table, read one record batch at a time.

Each row is an event whose columns are its fields; a null cell is an absent field
(a table of many event types has a column for every field of any of them). Instants
may be ISO 8601 strings or Arrow timestamps with a time zone (one without is refused
as a time without an offset, like any other). Rows become the same dicts a JSON line
becomes, so they are judged, rejected and reported exactly as JSON lines are, and a
rejected row is named by its 1-based row number. Only a batch (`BATCH_ROWS` rows) is
held at a time, however large the file. This needs pyarrow (`quyche[arrow]`).

For the evaluation (`decoded`), a row that is a plain segment (only a segment's columns
present, of the types the engine's shortcut reads) comes as the decoded record its dict
would become, found for the whole batch with pyarrow.compute: no dict in between.
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


def arrow_events(data: Any, decoded: bool = False) -> Iterator[Any]:
    """The events of an Arrow Table, RecordBatch, RecordBatchReader or iterable of batches
    (`decoded`: plain segments as records, see above).

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
        yield from _rows(batch, decoded)


def _rows(batch: Any, decoded: bool = False) -> Iterator[Any]:
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
    segment = _plain_segments(batch, pc) if decoded else None
    if segment is not None:
        makers[-1] = _record_maker(names)
        pattern = pc.if_else(segment, -1, pattern)
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


def _plain_segments(batch: Any, pc: Any) -> Any:
    """Which rows of a batch are plain segments (a boolean array), or None if none can be:
    type 'broadcast'; site, start and end present strings, site not empty; id absent or
    a non-empty string; category and language absent or strings; nothing else present.
    What `decoding.plain_segment_columns` asks of a dict, asked of the whole batch."""
    schema = batch.schema
    fields = {field.name: field for field in schema}
    if not {"type", "site", "start", "end"} <= fields.keys() or any(
            name in fields and not _is_string(fields[name].type)
            for name in ("type", "site", "start", "end", "id", "category", "language")):
        return None
    column = batch.column
    plain = pc.and_kleene(pc.equal(column("type"), "broadcast"),
                          pc.and_kleene(pc.is_valid(column("start")), pc.is_valid(column("end"))))
    plain = pc.and_kleene(plain, pc.not_equal(column("site"), ""))
    if "id" in fields:
        plain = pc.and_kleene(plain, pc.or_kleene(pc.is_null(column("id")),
                                                  pc.not_equal(column("id"), "")))
    for name in fields.keys() - _SEGMENT_KEYS:
        plain = pc.and_kleene(plain, pc.is_null(column(name)))
    return pc.fill_null(plain, False)


def _is_string(arrow_type: Any) -> bool:
    return str(arrow_type) in ("string", "large_string")


def _record_maker(names: list[str]) -> Any:
    """A function making the segment record of a plain segment row's cells."""
    from .decoding import Broadcast

    at = {name: i for i, name in enumerate(names)}
    missing = len(names)  # a column the batch does not have: the cell is None

    def cell(name: str) -> int:
        return at.get(name, missing)

    ident, site, start, end = cell("id"), cell("site"), cell("start"), cell("end")
    category, language = cell("category"), cell("language")

    def make(cells: tuple[Any, ...]) -> Any:
        cells = (*cells, None)
        return Broadcast(id=cells[ident], site=cells[site], start_text=cells[start],
                         end_text=cells[end], category=cells[category],
                         language=cells[language])

    return make


_SEGMENT_KEYS = frozenset(("type", "id", "site", "start", "end", "category", "language"))


def read_parquet(source: str | Path | IO[bytes], name: str | None = None,
                 decoded: bool = False) -> Iterator[Any]:
    """The events of a Parquet file (a path or a seekable binary file), batch by batch
    (`decoded`: as `arrow_events`)."""
    name = name or str(source)
    pq = _parquet(name)
    try:
        reader = pq.ParquetFile(source)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise EventError(f"{name}: not a readable Parquet file ({exc})") from None
    with reader:
        try:
            yield from arrow_events(reader.iter_batches(batch_size=BATCH_ROWS), decoded)
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

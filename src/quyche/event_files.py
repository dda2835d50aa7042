"""Reading event files: JSON lines or a JSON array, plain, gzip or zstd, with or without a BOM;
or Parquet (`quyche.columnar`, with the arrow extra).

A single bad line is an event that gets rejected with its line number (see
`events.read_jsonl`); a file that is not events at all is an `EventError`, so
that a caller never gets a report of "everything missed" built from nothing.
The compression is recognised by its magic bytes, not by the file name.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, cast

import orjson

from .columnar import PARQUET_MAGIC, arrow_events, is_arrow, read_parquet
from .decoding import LINE_BATCH, decode_line_batches
from .errors import EventError
from .events import InvalidEvent, read_jsonl_numbered

__all__ = [
    "MAX_ARRAY_BYTES",
    "MAX_LINE_BYTES",
    "SNIFF_LINES",
    "LineNumbers",
    "event_source",
    "read_event_file",
    "read_event_stream",
]

#: After this many non-blank lines, a file whose lines are mostly not JSON is refused.
SNIFF_LINES = 20
#: Bounds on what one file can make the reader hold (decompressed): a line of JSON lines
#: is one event (a few hundred bytes), read one at a time; a JSON array is parsed whole.
#: A compressed file that expands past them (a "zip bomb") is refused, not read.
MAX_LINE_BYTES = 1_000_000
MAX_ARRAY_BYTES = 200_000_000
_BOM = b"\xef\xbb\xbf"
_GZIP = b"\x1f\x8b"
_ZSTD = b"\x28\xb5\x2f\xfd"
_BLOCK = 1 << 20  # bytes read at a time


class LineNumbers:
    """Where each event of a file was read: its 1-based line, or its item of a JSON array.

    Events are numbered from 0 as `evaluate` numbers them (`Rejection.index`); blank lines
    carry no event, so lines run ahead of indexes. Only the places where they drift apart
    are kept, so the record stays small however long the file.
    """

    def __init__(self) -> None:
        self._starts: list[int] = [0]  # event index where a run of consecutive lines begins
        self._lines: list[int] = [1]  # ... and the line of that event

    def note(self, index: int, line: int) -> None:
        if line - index != self._lines[-1] - self._starts[-1]:
            self._starts.append(index)
            self._lines.append(line)

    def line_of(self, index: int) -> int:
        run = bisect_right(self._starts, index) - 1
        return self._lines[run] + index - self._starts[run]


def event_source(events: Any) -> tuple[Any, LineNumbers | None]:
    """What `evaluate` reads from `events`: a file's path (`os.PathLike`, any format
    `read_event_file` reads, Parquet included) or an Arrow table or batches become its
    events, with a `LineNumbers` to name the line or row of each; anything else is
    returned as it is, with None."""
    if isinstance(events, os.PathLike):
        numbers = LineNumbers()
        return read_event_file(os.fspath(events), numbers, decoded=True), numbers
    if is_arrow(events):
        return arrow_events(events, decoded=True), LineNumbers()  # a row: its index + 1
    return events, None


def read_event_file(path: str | Path, numbers: LineNumbers | None = None, *,
                    decoded: bool = False) -> Iterator[Any]:
    """Events from the file at `path` ('-' for standard input), one at a time.

    `numbers`, when given, learns the line of every event (see `LineNumbers`). JSON lines
    come as dicts, or with `decoded` as typed records (`quyche.decoding`: what the
    evaluation reads, decoded from the line's bytes with no dict between). Nothing is read
    before the first event is asked for. (Events are read a batch at a time and handed
    out by `chain`, in C: no Python step per event between the file and its reader.)
    """
    return chain.from_iterable(_file_batches(path, numbers, decoded))


def read_event_stream(raw: IO[bytes], name: str, numbers: LineNumbers | None = None, *,
                      decoded: bool = False) -> Iterator[Any]:
    """Events from a binary stream; `name` is how error messages call it (`decoded`: as
    `read_event_file`)."""
    return chain.from_iterable(_stream_batches(raw, name, numbers, decoded))


def _file_batches(path: str | Path, numbers: LineNumbers | None, decoded: bool
                  ) -> Iterator[list[Any]]:
    name = str(path)
    if name == "-":
        yield from _stream_batches(sys.stdin.buffer, "<stdin>", numbers, decoded)
        return
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 - closed below, after streaming
    except OSError as exc:
        raise EventError(f"{name}: cannot read ({exc.strerror})") from None
    with handle:
        yield from _stream_batches(handle, name, numbers, decoded)


def _stream_batches(raw: IO[bytes], name: str, numbers: LineNumbers | None, decoded: bool
                    ) -> Iterator[list[Any]]:
    buffered: Any = raw if hasattr(raw, "peek") else io.BufferedReader(cast(Any, raw))
    if buffered.peek(4)[:4] == PARQUET_MAGIC:
        if not buffered.seekable():
            raise EventError(f"{name}: a Parquet file cannot be read from a pipe (its index is "
                             "at its end); pass the file's path")
        yield from _batched(read_parquet(buffered, name, decoded))  # rows are lines
        return
    stream = _decompressed(buffered, name)
    first = _first_content_line(stream, name)
    if first is None:
        return  # an empty file holds no events: nothing to refuse
    line_number, line = first
    head = line.lstrip()[:1]
    if head == b"[":
        rest = stream.read(MAX_ARRAY_BYTES + 1 - len(line))
        if len(line) + len(rest) > MAX_ARRAY_BYTES:
            raise EventError(f"{name}: a JSON array of more than {MAX_ARRAY_BYTES:,} bytes; "
                             "write JSON lines, which are read one event at a time")
        yield from _batched(_json_array(line + rest, name))
    elif head == b"{":
        yield from _guarded_lines(stream, name, line_number, line, numbers or LineNumbers(),
                                  decoded)
    else:
        shown = line.strip()[:40].decode("utf-8", "replace")
        raise EventError(f"{name}: line {line_number} starts with {shown!r}: not JSON lines; "
                         "expected one JSON object per line, or a JSON array of objects")


def _batched(items: Iterable[Any]) -> Iterator[list[Any]]:
    stream = iter(items)
    while batch := list(islice(stream, LINE_BATCH)):
        yield batch


def _decompressed(buffered: Any, name: str) -> IO[bytes]:
    """`buffered` (a reader that can peek), decompressed as its first bytes say."""
    magic = buffered.peek(4)[:4]
    if magic.startswith(_GZIP):
        return io.BufferedReader(cast(Any, gzip.GzipFile(fileobj=buffered)))
    if magic == _ZSTD:
        try:
            import zstandard
        except ImportError:
            raise EventError(f"{name}: zstd-compressed; reading it needs the zstandard package "
                             '(pip install "quyche[zstd]"), or decompress it first') from None
        reader = zstandard.ZstdDecompressor().stream_reader(buffered)
        return io.BufferedReader(reader)
    return cast(IO[bytes], buffered)


def _first_content_line(stream: IO[bytes], name: str) -> tuple[int, bytes] | None:
    """The first non-blank line and its 1-based number, with a leading BOM dropped (read a
    line at a time, so that the stream is left just after it)."""
    number = 0
    while True:
        line = _guarded(name, lambda: stream.readline(MAX_LINE_BYTES + 1))
        if not line:
            return None
        number += 1
        _check_length(name, len(line))
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        if line.strip():
            return number, line


def _check_length(name: str, length: int) -> None:
    if length > MAX_LINE_BYTES:
        raise EventError(f"{name}: a line of more than {MAX_LINE_BYTES:,} bytes (one event is "
                         "a JSON object of a few hundred)")


def _guarded(name: str, read: Callable[[], bytes]) -> bytes:
    """`read()`, a truncated or corrupt gzip/zstd file refused as an `EventError`."""
    try:
        return read()
    except (OSError, EOFError, zlib.error) as exc:
        raise EventError(f"{name}: cannot decompress: {exc}") from None
    except Exception as exc:
        if type(exc).__name__ != "ZstdError":  # zstandard's own, outside OSError
            raise
        raise EventError(f"{name}: cannot decompress: {exc}") from None


def _line_blocks(stream: IO[bytes], name: str) -> Iterator[list[bytes]]:
    """The stream's lines, each with its newline, a block at a time (split in C); a line
    longer than MAX_LINE_BYTES is refused before it is held whole."""
    # Not `yield from stream`: closing this generator early would close the stream too.
    carry = b""
    while block := _guarded(name, lambda: stream.read(_BLOCK)):
        lines = io.BytesIO(carry + block).readlines()  # splits at b"\n" only
        carry = lines.pop() if not lines[-1].endswith(b"\n") else b""
        _check_length(name, max(len(carry), max(map(len, lines), default=0)))
        yield lines
    if carry:
        yield [carry]


def _guarded_lines(stream: IO[bytes], name: str, first_number: int, first: bytes,
                   numbers: LineNumbers, decoded: bool) -> Iterator[list[Any]]:
    """JSON lines a batch at a time, refused as a whole when most of them are not JSON."""
    blank = [b""] * (first_number - 1)  # keep the numbering of lines before the first event
    guard = _Guard(name, numbers)
    lines = chain(blank, (first,), chain.from_iterable(_line_blocks(stream, name)))
    if decoded:
        for line_numbers, items in decode_line_batches(lines):
            guard.batch(line_numbers, items)
            yield items
    else:
        numbered = read_jsonl_numbered(lines)
        while batch := list(islice(numbered, LINE_BATCH)):
            events = [item for _, item in batch]
            guard.batch([number for number, _ in batch], events)
            yield events
    guard.end()


class _Guard:
    """Counts a file's events and the lines that are not JSON, and refuses the file when
    most of its first SNIFF_LINES lines, or of all of them, are not."""

    def __init__(self, name: str, numbers: LineNumbers) -> None:
        self.name, self.numbers = name, numbers
        self.content = self.bad = 0
        self.first_bad: str | None = None

    def batch(self, line_numbers: Sequence[int], items: Sequence[Any]) -> None:
        """Note a batch of events and the lines they were read from."""
        if isinstance(line_numbers, range):  # consecutive lines: one note for the batch
            if line_numbers:
                self.numbers.note(self.content, line_numbers[0])
        else:
            for offset, line_number in enumerate(line_numbers):
                self.numbers.note(self.content + offset, line_number)
        invalid = list(map(InvalidEvent.__instancecheck__, items))
        if True in invalid:
            if self.first_bad is None:
                self.first_bad = items[invalid.index(True)].reason
            sniffed = SNIFF_LINES - self.content  # the SNIFF_LINES-th line's place here
            if 0 < sniffed <= len(items) and invalid[sniffed - 1]:
                bad = self.bad + sum(invalid[:sniffed])
                if bad * 2 > SNIFF_LINES:
                    raise _mostly_unreadable(self.name, bad, SNIFF_LINES, self.first_bad,
                                             "of the first")
            self.bad += sum(invalid)
        self.content += len(items)

    def end(self) -> None:
        if self.bad * 2 > self.content:
            raise _mostly_unreadable(self.name, self.bad, self.content, self.first_bad or "",
                                     "of")


def _mostly_unreadable(name: str, bad: int, total: int, example: str, which: str) -> EventError:
    return EventError(f"{name}: {bad} {which} {total} lines are not JSON ({example}); is this a "
                      "file of JSON lines?")


def _json_array(data: bytes, name: str) -> Iterator[Any]:
    try:
        items = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise EventError(f"{name}: line {exc.lineno}, column {exc.colno}: a JSON array that "
                         f"does not parse: {exc.msg}") from None
    if not isinstance(items, list):
        raise EventError(f"{name}: expected a JSON array of events")
    for number, item in enumerate(items, 1):
        if type(item) is dict:
            yield item
        else:
            yield InvalidEvent(f"item {number}: expected a JSON object, got "
                               f"{type(item).__name__}")

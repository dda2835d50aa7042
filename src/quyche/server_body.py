"""What one request to `quyche serve` may carry, and reading it within those limits.

The body is read a chunk at a time and refused with 413 as soon as it passes
`max_body_bytes` or `max_events` (naming the line it reached); a body that is not JSON
is a 422 naming the line and the column. JSON lines stay the bytes they came as.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import BaseModel

from .events import read_jsonl

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["ApiError", "Body", "ErrorBody", "Limits", "read_all", "read_body"]


@dataclass(frozen=True)
class Limits:
    """What one request may carry."""

    max_body_bytes: int = 64 * 1024 * 1024
    max_events: int = 1_000_000


class ErrorBody(BaseModel):
    """Every answer other than 200: what went wrong, and where when it is known."""

    error: str
    line: int | None = None
    column: int | None = None
    rejected: int | None = None
    problems: list[Any] | None = None



class ApiError(Exception):
    """An answer other than 200: its status, message and any details (e.g. problems)."""

    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details


@dataclass
class Body:
    """An evaluation request's events and any arguments the body carried.

    JSON lines stay the bytes they came as (memory: the body's size) and are read one
    line at a time by the evaluation; a JSON array or object is parsed whole.
    """

    jsonl: bytes | None
    items: list[Any]
    arguments: dict[str, Any]

    def events(self) -> Iterator[Any]:
        if self.jsonl is None:
            return iter(self.items)
        return read_jsonl(io.BytesIO(self.jsonl))

    def line_of(self, indexes: list[int]) -> dict[int, int]:
        """The body line (or array item) of each event index, blank lines skipped."""
        if self.jsonl is None:
            return {i: i + 1 for i in indexes}
        wanted, found, index = set(indexes), {}, -1
        for number, line in enumerate(io.BytesIO(self.jsonl), 1):
            if line.strip():
                index += 1
                if index in wanted:
                    found[index] = number
                    if len(found) == len(wanted):
                        break
        return found


async def read_body(request: Request, limits: Limits) -> Body:
    """Read JSON lines, a JSON array of events, or {"events": [...], ...}, within the limits.

    The body is JSON (an array or an object) when its content type says so; anything else
    (application/x-ndjson, text/plain, curl's default form type) is read as JSON lines.
    It is read a chunk at a time and refused as soon as it passes a limit.
    """
    kind = request.headers.get("content-type", "application/x-ndjson").split(";")[0].strip()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise ApiError(413, f"the body is {declared} bytes, more than {limits.max_body_bytes}; "
                       "split the log, or start the server with a larger --max-body-mb")
    jsonl = not (kind == "application/json" or kind.endswith("+json"))
    chunks: list[bytes] = []
    size, lines, events, pending = 0, 0, 0, b""
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.max_body_bytes:
            where = f" (at line {lines + 1})" if jsonl else ""
            raise ApiError(413, f"the body is larger than {limits.max_body_bytes} bytes"
                           f"{where}; split the log, or start the server with a larger "
                           "--max-body-mb")
        chunks.append(chunk)
        if jsonl:
            *complete, pending = (pending + chunk).split(b"\n")
            for line in complete:
                lines += 1
                events += _count(line, lines, events, limits)
    if not jsonl:
        return _json_body(b"".join(chunks), limits)
    if pending:
        _count(pending, lines + 1, events, limits)
    return Body(b"".join(chunks), [], {})


def _count(line: bytes, number: int, events: int, limits: Limits) -> int:
    """1 for a line that holds an event (blank lines hold none, as in the CLI), else 0."""
    if not line.strip():
        return 0
    if events >= limits.max_events:
        raise ApiError(413, f"line {number}: more than {limits.max_events} events in one "
                       "request; split the log, or start the server with a larger --max-events")
    return 1


def _json_body(data: bytes, limits: Limits) -> Body:
    try:
        value = orjson.loads(data) if data.strip() else []
    except orjson.JSONDecodeError as exc:
        raise ApiError(422, f"line {exc.lineno}, column {exc.colno}: the body is not JSON "
                       f"({exc.msg})", line=exc.lineno, column=exc.colno) from None
    arguments: dict[str, Any] = {}
    if isinstance(value, dict):
        unknown = set(value) - {"events", "as_of", "since", "sites", "actors"}
        if unknown:
            raise ApiError(422, f"unknown field(s) in the body: {', '.join(sorted(unknown))} "
                           "(expected events, as_of, since, sites, actors)")
        arguments = {k: v for k, v in value.items() if k != "events"}
        value = value.get("events", [])
    if not isinstance(value, list):
        raise ApiError(422, f"events: expected a JSON array, got {type(value).__name__}")
    if len(value) > limits.max_events:
        raise ApiError(413, f"item {limits.max_events + 1}: more than {limits.max_events} "
                       "events in one request")
    return Body(None, value, arguments)


async def read_all(request: Request, limits: Limits) -> bytes:
    """The whole body, refused with 413 as soon as it passes the size limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise ApiError(413, f"the body is {declared} bytes, more than {limits.max_body_bytes}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.max_body_bytes:
            raise ApiError(413, f"the body is larger than {limits.max_body_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)

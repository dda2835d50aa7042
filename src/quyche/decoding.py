"""Typed decoding at the input edge: JSON lines or dicts become typed event records, once.

An event is decoded by msgspec straight from its bytes into a record of its type
(`quyche.records`: `Broadcast`, `Submission`, ...: the names and fields of the pydantic
models of `quyche.events`, real aware datetimes, unknown keys refused; re-exported here),
with no dict in between, a batch of lines at a time. msgspec is a strict subset of what
the models accept: anything it refuses, and the few shapes it would read differently
from the models (a lowercase `z`, more than six digits of a second, an escaped
character, a `meta` object), is decided the way events were decided before — orjson,
the engine's broadcast shortcut, then the pydantic model — so every rejection reason is
the one it was, word for word, and only its speed changed.

A rejected item comes out as an `InvalidEvent` carrying its reason and id; the
engine files it under `report.rejected` unchanged. Checks that need the
evaluation's context (the site registry, the rule set's categories, `as_of`,
`end` after `start`, the language tag) stay with the engine, in the same order.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, compress, islice
from typing import Any, cast

import msgspec
import orjson
from pydantic import BaseModel, ValidationError

from .events import InvalidEvent, line_problem, parse_instant, reason_of, validate_event
from .records import (
    RECORD_CLASSES,
    ActivityEnded,
    Attribution,
    Backup,
    BackupDeleted,
    Broadcast,
    ContentPublished,
    DocumentPublished,
    DocumentReceived,
    DocumentSigned,
    Emergency,
    EventRecord,
    FeedbackForwarded,
    FeedbackReceived,
    Incident,
    IncidentReported,
    IncidentResolved,
    InfoProvided,
    Record,
    Request,
    Submission,
)
from .time.instants import epoch_seconds as common_shape_seconds

__all__ = [
    "EPOCH_SECONDS",
    "LINE_BATCH",
    "ActivityEnded",
    "Attribution",
    "Backup",
    "BackupDeleted",
    "Broadcast",
    "ContentPublished",
    "DocumentPublished",
    "DocumentReceived",
    "DocumentSigned",
    "Emergency",
    "EventRecord",
    "FeedbackForwarded",
    "FeedbackReceived",
    "Incident",
    "IncidentReported",
    "IncidentResolved",
    "InfoProvided",
    "Record",
    "Request",
    "Submission",
    "decode_event",
    "decode_events",
    "decode_line_batches",
    "decode_lines",
    "decode_lines_numbered",
    "epoch_seconds",
    "plain_segment_columns",
    "segment_refusal",
]

_RECORD_TYPES = frozenset((*RECORD_CLASSES.values(), InvalidEvent))
_DECODER = msgspec.json.Decoder(EventRecord)
_FAILED = (msgspec.ValidationError, msgspec.DecodeError)
#: Text msgspec reads otherwise than the models: a lowercase 'z' offset (refused by the
#: models), a seventh digit of a second (the models truncate, msgspec rounds).
_MISREAD = re.compile(rb'\dz"|\.\d{7}')
_BROADCAST_KEYS = frozenset(("type", "id", "site", "start", "end", "category", "language"))
_INSTANT_KEYS = ("at", "start", "end", "due")
_META = operator.attrgetter("meta")


# --------------------------------------------------------------------------- entry points


def decode_lines(lines: Iterable[bytes | str]) -> Iterator[Record | InvalidEvent]:
    """A record (or an `InvalidEvent`) per non-blank JSON line, as `events.read_jsonl` reads."""
    return chain.from_iterable(items for _, items in decode_line_batches(lines))


def decode_lines_numbered(lines: Iterable[bytes | str]
                          ) -> Iterator[tuple[int, Record | InvalidEvent]]:
    """`decode_lines`, each item with the 1-based number of its line (blank lines skipped)."""
    return chain.from_iterable(zip(numbers, items, strict=True)
                               for numbers, items in decode_line_batches(lines))


#: Lines decoded at a time: msgspec reads a batch in one call when every line decodes.
LINE_BATCH = 4096


def decode_line_batches(lines: Iterable[bytes | str], size: int = LINE_BATCH
                        ) -> Iterator[tuple[Sequence[int], list[Record | InvalidEvent]]]:
    """`decode_lines_numbered` a batch at a time: (line numbers, items), blank lines skipped.

    A batch is decoded by msgspec with no Python step per line; the few lines it refuses
    or may read otherwise than the models are then decided one at a time, the way they
    always were. A segment's instants are left as text: the intake reads them a batch at
    a time, and refuses one it cannot read with the model's reason (`segment_refusal`).
    """
    stream, number = iter(lines), 1
    while chunk := list(islice(stream, size)):
        numbers: Sequence[int] = range(number, number + len(chunk))
        number += len(chunk)
        datas = (cast(list[bytes], chunk) if all(map(bytes.__instancecheck__, chunk))
                 else [x if type(x) is bytes else _bytes(x) for x in chunk])
        items = _decoded(datas)
        for i in _unsure(items, datas):
            items[i] = _slow_line(numbers[i], chunk[i])
        if None in items:  # blank lines carry no event
            kept = [i for i, item in enumerate(items) if item is not None]
            numbers, items = [numbers[i] for i in kept], [items[i] for i in kept]
        yield numbers, cast(list[Record | InvalidEvent], items)


def _decoded(datas: list[bytes]) -> list[Any]:
    """msgspec's record of each line, None where it refuses the line."""
    decode, failed, it = _DECODER.decode, _FAILED, iter(datas)
    out: list[Any] = []
    while True:
        try:
            out.extend(map(decode, it))  # the records before a refused line stay in `out`
            return out
        except failed:
            out.append(None)


def _unsure(items: list[Any], datas: list[bytes]) -> list[int]:
    """The positions of lines to decide one at a time: refused by msgspec, with a `meta`,
    or (a segment aside) read otherwise than the models would."""
    segment = list(map(Broadcast.__instancecheck__, items))
    positions = range(len(items))
    unsure = [i for i in compress(positions, map(operator.not_, segment))
              if items[i] is None or items[i].meta is not msgspec.UNSET or _misread(datas[i])]
    metas = list(map(_META, compress(items, segment)))
    if metas.count(msgspec.UNSET) != len(metas):
        unsure += [i for i in compress(positions, segment) if items[i].meta is not msgspec.UNSET]
    return unsure


def decode_events(items: Iterable[Any]) -> Iterator[Record | InvalidEvent]:
    """A record (or an `InvalidEvent`) per item: dicts, pydantic event models or records."""
    return map(decode_event, items)  # map() in C: no generator around each item


def decode_event(raw: Any) -> Record | InvalidEvent:
    """One item the way the engine has always read it: its record, or why it is refused.

    A record or an `InvalidEvent` is returned as it is; a broadcast dict is read by the
    engine's shortcut, another plain dict converted by msgspec (a class, not the union:
    msgspec caches it); anything else, or a dict they refuse, is decided by the pydantic
    model, as before."""
    kind = type(raw)
    if kind is dict:
        if raw.get("type") == "broadcast" and raw.keys() <= _BROADCAST_KEYS:
            # the engine's shortcut first: what msgspec would make of it, or better (it also
            # reads a segment whose instants are not plain); None when the model must judge
            fast = _plain_broadcast(raw)
            if fast is not None:
                return fast
        elif _plain(raw):
            tag = raw.get("type")
            cls = RECORD_CLASSES.get(tag) if type(tag) is str else None
            if cls is not None:
                found: Any
                try:
                    found = msgspec.convert(raw, cls)
                except _FAILED:
                    found = None
                if found is not None and (cls is not Broadcast or (
                        epoch_seconds(found.start_text) is not None
                        and epoch_seconds(found.end_text) is not None)):
                    return cast(Record, found)
    elif kind in _RECORD_TYPES or isinstance(raw, (Record, InvalidEvent)):
        return cast(Record | InvalidEvent, raw)
    try:
        model = validate_event(raw)
    except ValidationError as exc:
        return InvalidEvent(reason_of(exc), _id_of(raw))
    except TypeError as exc:
        return InvalidEvent(str(exc), _id_of(raw))
    return _record_of(model)


def plain_segment_columns(items: Sequence[Any], positions: Iterable[int]
                          ) -> tuple[list[int], tuple[list[Any], ...]]:
    """Of `items` at `positions`, the dicts the engine's shortcut reads as segments (keys of
    a segment only, each value of the type it must have; instants not yet read), and their
    fields as columns: (site, start, end, id, category, language).

    For the intake to apply them in bulk, as it applies decoded records; any other item is
    decided one at a time (`decode_event`)."""
    where: list[int] = []
    sites: list[str] = []
    starts: list[str] = []
    ends: list[str] = []
    idents: list[str | None] = []
    categories: list[str | None] = []
    languages: list[str | None] = []
    keys = _BROADCAST_KEYS
    for i in positions:
        raw = items[i]
        if type(raw) is not dict or raw.get("type") != "broadcast" or not raw.keys() <= keys:
            continue
        fields = _segment_fields(raw)
        if fields is not None:
            ident, site, start, end, category, language = fields
            where.append(i)
            sites.append(site)
            starts.append(start)
            ends.append(end)
            idents.append(ident)
            categories.append(category)
            languages.append(language)
    return where, (sites, starts, ends, idents, categories, languages)


def segment_refusal(record: Broadcast) -> InvalidEvent | None:
    """Why a decoded segment is refused for an instant the models refuse (their reason,
    word for word, as when its line is read the slow way); None when both instants read."""
    if epoch_seconds(record.start_text) is not None and epoch_seconds(
            record.end_text) is not None:
        return None
    fields = {"type": "broadcast", "id": record.id, "site": record.site,
              "start": record.start_text, "end": record.end_text, "category": record.category,
              "language": record.language, "meta": record.meta}
    found = decode_event({k: v for k, v in fields.items()
                          if v is not None and v is not msgspec.UNSET})
    return found if type(found) is InvalidEvent else None


# --------------------------------------------------------------------------- instants


#: Epoch seconds of instant texts already read (schedules repeat their times all year).
_SECONDS: dict[str, float] = {}
#: The same cache, public: the intake's hot loop reads it before calling `epoch_seconds`.
EPOCH_SECONDS = _SECONDS


def epoch_seconds(text: str) -> float | None:
    """Epoch seconds of an instant's text, exactly as `events.parse_instant` reads it; None
    when it refuses it (no offset, not ISO 8601). Cached by text.

    The common shape 'YYYY-MM-DDTHH:MM:SS+HH:MM' is read from cached parts (day, clock
    time, offset), each checked the first time it is seen; any other shape by parse_instant.
    """
    found = _SECONDS.get(text)
    if found is None:
        found = common_shape_seconds(text)
        if found is None:
            try:
                found = parse_instant(text).timestamp()
            except ValueError:
                return None
        if len(_SECONDS) >= 16_384:
            _SECONDS.clear()
        _SECONDS[text] = found
    return found


# --------------------------------------------------------------------------- the slow way


def _bytes(line: Any) -> bytes:
    if type(line) is str:
        return line.encode("utf-8", "surrogatepass")  # invalid UTF-8 if it holds a surrogate
    return b"\\u"  # not bytes nor text: decided the slow way


def _misread(data: bytes) -> bool:
    """True when msgspec may have read a line otherwise than the models would: an escaped
    character (an instant's digit or 'z' in disguise), a lowercase 'z' offset, or a
    seventh digit of a second."""
    return b"\\u" in data or ((b'z"' in data or b"." in data)
                               and _MISREAD.search(data) is not None)


def _slow_line(number: int, line: bytes | str) -> Record | InvalidEvent | None:
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return line_problem(number, line, exc)
    if type(value) is not dict:
        return line_problem(number, line, value)
    return decode_event(value)


def _plain(raw: dict[str, Any]) -> bool:
    """True when msgspec reads this dict exactly as the models do (no 'meta', no nested
    instant, every instant a string without a lowercase 'z' or a fraction)."""
    if "meta" in raw or "quoted_from" in raw:
        return False
    for key in _INSTANT_KEYS:
        value = raw.get(key)
        if value is not None and (type(value) is not str or "z" in value or "." in value):
            return False
    return True


def _segment_fields(raw: dict[str, Any]) -> tuple[Any, ...] | None:
    """(id, site, start, end, category, language) of a segment dict whose values are of
    the types the shortcut reads (instants not yet read); None for any other."""
    site, start, end = raw.get("site"), raw.get("start"), raw.get("end")
    ident, category, language = raw.get("id"), raw.get("category"), raw.get("language")
    if (type(site) is str and site and type(start) is str and type(end) is str
            and (ident is None or (type(ident) is str and ident))
            and (category is None or type(category) is str)
            and (language is None or type(language) is str)):
        return ident, site, start, end, category, language
    return None


def _plain_broadcast(raw: dict[str, Any]) -> Broadcast | None:
    """The engine's broadcast shortcut: a segment of plain strings whose instants parse is
    read without the model (so an unregistered site is refused as unregistered, not for
    its spelling); anything else is the model's to judge."""
    fields = _segment_fields(raw)
    if fields is None:
        return None
    ident, site, start, end, category, language = fields
    seconds = _SECONDS  # looked up before the call: most instants were read before
    if (seconds.get(start) or epoch_seconds(start)) is None or (
            seconds.get(end) or epoch_seconds(end)) is None:
        return None  # parse_instant refuses one of them
    return Broadcast(id=ident, site=site, start_text=start, end_text=end, category=category,
                     language=language)


def _record_of(model: BaseModel) -> Record:
    """The record of a validated pydantic event model (its values as they are)."""
    cls = RECORD_CLASSES[model.type]  # type: ignore[attr-defined]
    fields = {name: getattr(model, name) for name in cls.__struct_fields__
              if name in type(model).model_fields}
    if cls is Broadcast:  # its instants as text that reads back as the same datetimes
        segment: Any = model
        fields["start_text"] = segment.start.isoformat()
        fields["end_text"] = segment.end.isoformat()
    quoted = fields.get("quoted_from")
    if quoted is not None:
        fields["quoted_from"] = Attribution(**{n: getattr(quoted, n)
                                               for n in Attribution.__struct_fields__})
    return cls(**fields)


def _id_of(raw: Any) -> str | None:
    ident = raw.get("id") if isinstance(raw, Mapping) else getattr(raw, "id", None)
    return ident if isinstance(ident, str) else None

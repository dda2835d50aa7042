"""Tests for `quyche.decoding`: typed records at the edge, decided exactly as before.

The reference is the engine's reading before the decoder: `events.read_jsonl_numbered`
(orjson), then the engine's broadcast shortcut (`_shortcut`, as the engine had it) or the
pydantic model (`events.validate_event`, `events.reason_of`). Over a large generated
corpus of valid, mutated and broken events, the decoder accepts exactly what the
reference accepts, with the same values, and rejects the rest with the same reason and id.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Mapping
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from quyche import decoding
from quyche.events import (
    InvalidEvent,
    parse_instant,
    read_jsonl_numbered,
    reason_of,
    validate_event,
)

AT = "2024-03-04T08:00:00+07:00"
LATER = "2024-03-04T09:30:00+07:00"
_BROADCAST_KEYS = {"type", "id", "site", "start", "end", "category", "language"}

TEMPLATES: dict[str, dict[str, Any]] = {
    "broadcast": {"id": "p1", "site": "s1", "start": AT, "end": LATER, "category": "news",
                  "language": "vi"},
    "emergency": {"id": "em1", "start": AT, "end": LATER, "sites": ["s1", "s2"]},
    "submission": {"id": "sub1", "actor": "so_tttt", "kind": "media_product", "at": AT,
                   "to": "ubnd", "period": "2024-Q1", "outline": ["I", "II"]},
    "backup": {"id": "bk1", "at": AT, "site": "s1", "actor": "operator a"},
    "backup_deleted": {"id": "d1", "at": AT, "backup": "bk1"},
    "incident": {"id": "i1", "at": AT, "site": "s1", "category": "power", "actor": "op x"},
    "incident_reported": {"id": "r1", "at": AT, "incident": "i1", "actor": "op", "to": "so"},
    "incident_resolved": {"id": "r2", "at": AT, "incident": "i1", "actor": "op"},
    "request": {"id": "q1", "at": AT, "actor": "so", "to": "ubnd", "kind": "report",
                "due": LATER},
    "feedback_received": {"id": "f1", "at": AT, "actor": "so", "feedback": "fb", "to": "ub"},
    "feedback_forwarded": {"id": "f2", "at": AT, "actor": "so", "feedback": "fb", "to": "ub"},
    "activity_ended": {"id": "a1", "at": AT, "actor": "so"},
    "document_signed": {"id": "ds1", "at": AT, "actor": "so"},
    "info_provided": {"id": "ip1", "at": AT, "actor": "so", "ref": "q1"},
    "document_received": {"id": "dr1", "at": AT, "doc_class": "planning", "urgent": True},
    "document_published": {"id": "dp1", "at": AT, "ref": "dr1"},
    "content_published": {"id": "c1", "at": AT, "site": "s1", "category": "news",
                          "language": "vi+en", "state_secret": False,
                          "quoted_from": {"author": "a", "source": "b", "link": "https://x.vn",
                                          "published_at": AT}},
}
INSTANTS = [
    AT, LATER, "2024-03-04T01:00:00Z", "2024-03-04T01:00:00z", "2024-03-04t08:00:00+07:00",
    "2024-03-04 08:00:00+07:00", "2024-03-04T08:00:00.5+07:00", "2024-03-04T08:00:00.123456Z",
    "2024-03-04T08:00:00.1234567+07:00", "2024-03-04T08:00:00.123456789z",
    "2024-03-04T08:00+07:00", "2024-03-04T08:00:00+07", "2024-03-04T08:00:00+0700",
    "20240304T080000+0700", "2024-03-04T08:00:00", "2024-03-04", "2024-03-04T24:00:00+07:00",
    "2024-03-04T23:59:60+07:00", "2024-03-04T08:00:00+24:00", "2024-03-04T08:00:00-00:00",
    "2024-03-04T08:00:00,5+07:00", "2024-W10-1T08:00:00+07:00", "2024-03-04T08:00:00.+07:00",
    "2024-03-04T08:00:00+07:00:30", "0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-12:00",
    "２０24-03-04T08:00:00+07:00", "2024-02-30T08:00:00+07:00", "", " ", "yesterday",
    "2024-03-04T08:00:00+07:00\n", "2024-03-04T08:00:00ZZ", "2024-03-04T0٣:00:00+07:00",
    "2024-03-04T08:00:00+0٧:00", "2024-03-04T08:00:00-00:30", "2024-03-04T08:00:00-23:59",
]
VALUES: list[Any] = [
    None, "", " ", "s1", "s 1", "so_tttt", "Đắk_Glei", "x" * 201, "a\nb", "news", "vi", "vi+en",
    "xx", "technical", "report", "information", "planning", "other", "media_product",
    "2024", 0, 1, -1, 1.5, 10**30, True, False, [], ["a"], ["a", 1], {}, {"a": 1}, [[1]],
    {"author": None}, {"author": "a", "colour": "red"}, {"published_at": "2024-03-04T08:00:00"},
    *INSTANTS[:8],
]
NOT_OBJECTS = [b"[1, 2]", b"1", b"null", b'"text"', b"true", b"{", b'{"type": "backup", "at": ',
               b"{'type': 'backup'}", b'{"a":1} x', b"\xef\xbb\xbf{}", b'{"a": "\xff"}',
               b'{"a": "\\ud800"}', b"", b"   ", b"\t\r", b"NaN", b'{"a": NaN}', b'{"a": 1e400}']


def mutated(rng: random.Random) -> dict[str, Any]:
    """A template event with zero to four random changes."""
    event_type = rng.choice(sorted(TEMPLATES))
    event: dict[str, Any] = {"type": event_type, **TEMPLATES[event_type]}
    if "quoted_from" in event:
        event["quoted_from"] = dict(event["quoted_from"])
    for key in list(event):
        if key != "type" and rng.random() < 0.25:
            del event[key]  # optional fields absent, or required ones missing
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 4))):
        roll = rng.random()
        keys = sorted(event) or ["type"]
        if roll < 0.3:
            key = rng.choice(keys)
            event[key] = rng.choice(INSTANTS if key in ("at", "start", "end", "due")
                                    else VALUES)
        elif roll < 0.45:
            event[rng.choice(("at", "start", "end", "due"))] = rng.choice(INSTANTS)
        elif roll < 0.55:
            event.pop(rng.choice(keys), None)
        elif roll < 0.65:
            event["meta"] = rng.choice([None, {}, {"n": 10**30}, {"x": [1, {"y": "z"}]}, "m"])
        elif roll < 0.72:
            event[rng.choice(("colour", "sites", "site", "to", "actor", "Type"))] = "x"
        elif roll < 0.8:
            event["type"] = rng.choice([*TEMPLATES, "teleport", 1, None, "Broadcast"])
        elif roll < 0.9 and isinstance(event.get("quoted_from"), dict):
            event["quoted_from"]["published_at"] = rng.choice(INSTANTS)
        else:
            event[rng.choice(("id", "site", "actor", "to", "kind"))] = rng.choice(
                ["ok_1", "", "a b", "Đà_Lạt", "_x", "x" * 200, "x" * 201, "s1", "a/b@c+d"])
    return event


def line_of(event: dict[str, Any], rng: random.Random) -> bytes | str:
    """The event written as a JSON line some way a real exporter might write it."""
    roll = rng.random()
    if roll < 0.03:
        return rng.choice(NOT_OBJECTS)
    text = json.dumps(event, ensure_ascii=rng.random() < 0.3,
                      separators=rng.choice([(",", ":"), (", ", ": ")]))
    if roll < 0.06:
        text = text[: rng.randrange(len(text))]  # a line cut short
    elif roll < 0.09:
        text = text.replace("{", '{"type": "backup", ', 1)  # a key written twice
    elif roll < 0.1:
        text = "  " + text + " \r"
    return text if rng.random() < 0.1 else text.encode()


# --------------------------------------------------------------------------- the reference


def _norm(value: Any) -> Any:
    """Values compared exactly: a datetime by its text (offset included) and type."""
    if isinstance(value, dt.datetime):
        return ("datetime", type(value).__name__, value.isoformat())
    if isinstance(value, Mapping):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _id_of(raw: Any) -> str | None:
    ident = raw.get("id") if isinstance(raw, Mapping) else getattr(raw, "id", None)
    return ident if isinstance(ident, str) else None


def _shortcut(raw: dict[str, Any]) -> tuple | None:
    """The intake's shortcut for a segment: its fields plain strings, its instants parsed."""
    site, start, end = raw.get("site"), raw.get("start"), raw.get("end")
    ident, category, language = raw.get("id"), raw.get("category"), raw.get("language")
    if not (type(site) is str and site and type(start) is str and type(end) is str
            and (ident is None or (type(ident) is str and ident))
            and (category is None or type(category) is str)
            and (language is None or type(language) is str)):
        return None
    try:
        return ident, site, parse_instant(start), parse_instant(end), category, language
    except ValueError:
        return None


def reference(raw: Any) -> tuple:
    """What the engine made of an item before the decoder."""
    if isinstance(raw, InvalidEvent):
        return ("rejected", raw.reason, raw.id)
    if type(raw) is dict and raw.get("type") == "broadcast" and raw.keys() <= _BROADCAST_KEYS:
        fast = _shortcut(raw)
        if fast is not None:
            ident, site, start, end, category, language = fast
            return ("ok", _norm({"id": ident, "meta": None, "type": "broadcast", "site": site,
                                 "start": start, "end": end, "category": category,
                                 "language": language}))
    try:
        model = validate_event(raw)
    except ValidationError as exc:
        return ("rejected", reason_of(exc), _id_of(raw))
    except TypeError as exc:
        return ("rejected", str(exc), _id_of(raw))
    return ("ok", _norm(model.model_dump()))


def decided(item: Any) -> tuple:
    """What the decoder decided, a segment's instants read as the intake reads them."""
    if isinstance(item, decoding.Broadcast):
        item = decoding.segment_refusal(item) or item
    if isinstance(item, InvalidEvent):
        return ("rejected", item.reason, item.id)
    assert isinstance(item, decoding.Record)
    return ("ok", _norm(item.model_dump()))


def _compare_lines(lines: list[bytes | str]) -> tuple[int, int]:
    expected = [(n, reference(item)) for n, item in read_jsonl_numbered(lines)]
    got = [(n, decided(item)) for n, item in decoding.decode_lines_numbered(lines)]
    for (n1, want), (n2, have), in zip(expected, got, strict=True):
        assert (n2, have) == (n1, want), lines[n1 - 1]
    accepted = sum(1 for _, d in got if d[0] == "ok")
    return accepted, len(got) - accepted


# --------------------------------------------------------------------------- tests


def test_lines_decided_as_before_over_a_large_corpus():
    rng = random.Random(13)
    lines = [line_of(mutated(rng), rng) for _ in range(30_000)]
    accepted, rejected = _compare_lines(lines)
    # both outcomes are well represented, so the comparison means something
    assert accepted > 8_000 and rejected > 8_000


def test_dicts_decided_as_before_over_a_large_corpus():
    rng = random.Random(14)
    items: list[Any] = [mutated(rng) for _ in range(30_000)]
    aware = dt.datetime(2024, 3, 4, 8, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    items += [
        {"type": "backup", "at": aware}, {"type": "backup", "at": aware.replace(tzinfo=None)},
        {"type": "backup", "at": pendulum.datetime(2024, 3, 4, 8, tz="Asia/Ho_Chi_Minh")},
        {"type": "backup", "at": dt.date(2024, 3, 4)},
        {"type": "broadcast", "site": "a b", "start": aware, "end": aware},
        {"type": "broadcast", "site": "a b", "start": AT, "end": LATER},
        {"type": "emergency", "start": AT, "end": LATER, "sites": ("s1",)},
        {"type": "document_received", "at": AT, "doc_class": "other", "urgent": 1},
        {"type": "backup", "at": AT.encode()}, {1: "x", "type": "backup", "at": AT},
        [("type", "backup")], "text", None, 17,
        validate_event({"type": "backup", "at": AT, "site": "s1"}),
        InvalidEvent("line 3: expected a JSON object, got list"),
    ]
    got = [decided(item) for item in decoding.decode_events(items)]
    want = [reference(item) for item in items]
    for item, have, expected in zip(items, got, want, strict=True):
        assert have == expected, item
    assert sum(1 for d in got if d[0] == "ok") > 8_000


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(1, 40))
def test_any_stream_decided_as_before(rng, n):
    _compare_lines([line_of(mutated(rng), rng) for _ in range(n)])


def test_plain_lines_are_decoded_by_msgspec_itself():
    # the templates, as an exporter writes them, never take the slow way
    for event_type, fields in TEMPLATES.items():
        line = json.dumps({"type": event_type, **fields}, ensure_ascii=False).encode()
        if b"." in line:
            continue  # a link or other text with a dot is looked at twice, not refused
        record = decoding._DECODER.decode(line)
        assert record.type == event_type and type(record).__name__ == type(
            validate_event(json.loads(line))).__name__


def test_records_read_like_models():
    line = json.dumps({"type": "content_published", **TEMPLATES["content_published"]})
    [record] = decoding.decode_lines([line.encode()])
    model = validate_event(json.loads(line))
    assert record.type == "content_published" and record.at == model.at
    assert record.quoted_from.author == "a"
    assert record.model_dump() == model.model_dump()
    assert record.to_model() == model


@pytest.mark.parametrize(("line", "reason"), [
    (b'{"type": "backup", "at": "2024-03-04T08:00:00z"}',
     "at: not an ISO 8601 datetime: '2024-03-04T08:00:00z'"),
    (b'{"type": "backup", "at": "2024-03-04T08:00:00"}', "at: datetime has no UTC offset"),
    (b'{"type": "backup", "at": "2024-03-04"}', "at: datetime has no UTC offset"),
    (b'{"type": "submission", "actor": "a b", "kind": "k", "at": "2024-03-04T08:00:00Z"}',
     "actor: 'a b' is not an id: an id is letters, digits and _ - . : / @ + (no spaces, "
     "newlines, brackets or quotes), starting with a letter or digit, at most 200 characters"),
    (b'{"type": "backup", "at": "2024-03-04T08:00:00Z", "colour": 1}',
     "colour: unknown field (free-form data goes under 'meta')"),
    (b'[1]', "line 1: expected a JSON object, got list"),
])
def test_reasons_are_todays(line, reason):
    [item] = decoding.decode_lines([line])
    assert isinstance(item, InvalidEvent) and item.reason == reason


@pytest.mark.parametrize("text", INSTANTS)
def test_epoch_seconds_read_as_parse_instant_reads(text):
    try:
        want = parse_instant(text).timestamp()
    except ValueError:
        want = None
    assert decoding.epoch_seconds(text) == want
    assert decoding.epoch_seconds(text) == want  # and again, from the cache


def test_more_than_six_digits_of_a_second_are_cut_as_before():
    [record] = decoding.decode_lines(
        [b'{"type": "backup", "at": "2024-03-04T08:00:00.1234567+07:00"}'])
    assert record.at.microsecond == 123456  # fromisoformat truncates; msgspec would round


HOSTILE = st.lists(st.sampled_from([
    b'{"id": "a", "type": "backup", "at": "2024-03-04T01:00:00+07:00"}', b"[", b"]", b"{}",
    b"", b"\xef\xbb\xbf", b"\x1f\x8b", b"{" * 1100, b'"x"', b"null", b"\xff\xfe",
    b'{"type": "backup", "at": "2024-03-04T01:00:00Z", "meta": ' + b"[" * 1100 + b"]" * 1100
    + b"}",
    b'{"type": "broadcast", "site": "s", "start": "2024-03-04T01:00:00\\u005a", '
    b'"end": "2024-03-04T02:00:00\\u007a"}']) | st.binary(max_size=60), max_size=8)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_hostile_bytes_decided_as_before(lines):
    """The fuzz suite's bytes (tests/test_fuzz.py), and nesting past orjson's limit."""
    _compare_lines(lines)

"""Tests for `quyche.events`: the event vocabulary, its reasons, and JSON-lines reading."""

import datetime as dt

import pytest
from pydantic import ValidationError

from quyche.events import InvalidEvent, parse_instant, read_jsonl, reason_of, validate_event

AT = "2024-03-04T08:00:00+07:00"


def reason(raw):
    with pytest.raises(ValidationError) as info:
        validate_event(raw)
    return reason_of(info.value)


class TestParseInstant:
    def test_offset_kept(self):
        assert parse_instant(AT).utcoffset() == dt.timedelta(hours=7)

    def test_z_is_utc(self):
        assert parse_instant("2024-03-04T01:00:00Z") == parse_instant(AT)

    @pytest.mark.parametrize(("value", "message"), [
        ("2024-03-04T08:00:00", "no UTC offset"),
        ("yesterday", "not an ISO 8601 datetime"),
        (17, "got int"),
    ])
    def test_refused(self, value, message):
        with pytest.raises(ValueError, match=message):
            parse_instant(value)


class TestValidate:
    def test_each_type_becomes_its_model(self):
        ev = validate_event({"type": "incident", "site": "s", "category": "power", "at": AT})
        assert type(ev).__name__ == "Incident" and ev.at == parse_instant(AT)

    def test_reasons_name_the_field(self):
        assert reason({"type": "broadcast", "site": "s", "start": AT}) == "end: field required"
        assert reason({"type": "backup", "at": "2024-03-04T08:00:00"}) == (
            "at: datetime has no UTC offset")
        assert reason({"type": "backup", "at": AT, "colour": "red"}) == (
            "colour: unknown field (free-form data goes under 'meta')")
        assert reason({"at": AT}) == "type: field required"

    def test_unknown_type_lists_the_vocabulary(self):
        text = reason({"type": "teleport", "at": AT})
        assert text.startswith("type: unknown event type 'teleport'; expected one of ")
        assert "broadcast" in text and "content_published" in text

    def test_nested_field_path(self):
        text = reason({"type": "content_published", "at": AT,
                       "quoted_from": {"published_at": "2024-03-01T10:00:00"}})
        assert text == "quoted_from.published_at: datetime has no UTC offset"

    def test_closed_values_list_what_is_allowed(self):
        text = reason({"type": "document_received", "at": AT, "doc_class": "memo"})
        assert text.startswith("doc_class:") and "legal_normative" in text

    @pytest.mark.parametrize("value", ["yes", "true", 1])
    def test_booleans_are_strict(self, value):
        text = reason({"type": "document_received", "at": AT, "doc_class": "other",
                       "urgent": value})
        assert text.startswith("urgent:")

    def test_empty_id_refused(self):
        assert reason({"type": "backup", "at": AT, "id": ""}).startswith("id:")

    def test_not_an_object(self):
        with pytest.raises(TypeError, match="JSON object, got list"):
            validate_event([1])

    def test_meta_is_free(self):
        assert validate_event({"type": "backup", "at": AT, "meta": {"any": [1, 2]}}).meta

    def test_request_kinds_and_due(self):
        """A request asks for a report or information, by an optional aware `due`."""
        ok = validate_event({"type": "request", "actor": "a", "to": "b", "kind": "report",
                             "at": AT, "due": "2024-03-08T17:00:00+07:00"})
        assert type(ok).__name__ == "Request"
        assert ok.due == parse_instant("2024-03-08T17:00:00+07:00")
        assert reason({"type": "request", "actor": "a", "to": "b", "kind": "plan",
                       "at": AT}).startswith("kind:")
        assert reason({"type": "request", "actor": "a", "kind": "report", "at": AT}) == (
            "to: field required")

    def test_incident_resolved_names_incident_and_actor(self):
        """An incident_resolved needs the incident it closes and who closed it."""
        assert reason({"type": "incident_resolved", "at": AT, "actor": "a"}) == (
            "incident: field required")

    def test_submission_outline_is_a_list_of_headings(self):
        """`outline` on a submission is a list of strings."""
        ev = validate_event({"type": "submission", "actor": "a", "kind": "k", "at": AT,
                             "outline": ["I", "II. Kết quả"]})
        assert ev.outline == ["I", "II. Kết quả"]
        assert reason({"type": "submission", "actor": "a", "kind": "k", "at": AT,
                       "outline": "I, II"}).startswith("outline:")


class TestReadJsonl:
    def test_one_item_per_non_blank_line(self):
        lines = [b'{"type": "backup", "at": "%s"}' % AT.encode(), b"", b"  ",
                 b'{"type": "backup"', b"[1, 2]", '{"type": "x"}']
        items = list(read_jsonl(lines))
        assert len(items) == 4
        assert items[0]["type"] == "backup" and items[3] == {"type": "x"}
        assert isinstance(items[1], InvalidEvent) and isinstance(items[2], InvalidEvent)

    def test_bad_line_says_where(self):
        [bad] = list(read_jsonl(["", '{"a": 1,,}']))
        assert bad.reason == "line 2, column 9: invalid JSON: unexpected character, " \
                             "expected a string key"

    def test_not_an_object_says_what_it_is(self):
        [bad] = list(read_jsonl(["[1]"]))
        assert bad.reason == "line 1: expected a JSON object, got list"

    def test_lazy(self):
        """Lines are read one at a time: a generator is never exhausted up front."""
        def lines():
            yield '{"type": "backup"}'
            raise AssertionError("read too far")

        assert next(read_jsonl(lines())) == {"type": "backup"}

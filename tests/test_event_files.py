"""Tests for `quyche.event_files`: JSON lines or arrays, gzip, zstd, BOM; non-events refused."""

import gzip
import io
import json

import pytest
import zstandard
from typer.testing import CliRunner

import quyche
from quyche.cli import app
from quyche.errors import EventError
from quyche.event_files import SNIFF_LINES, read_event_file, read_event_stream
from quyche.events import InvalidEvent

BACKUP = {"id": "b1", "type": "backup", "at": "2024-03-01T10:00:00+07:00", "actor": "so_tttt"}
LINES = [json.dumps(BACKUP), json.dumps({**BACKUP, "id": "b2"})]


def stream(data: bytes):
    return list(read_event_stream(io.BytesIO(data), "events"))


class TestFormats:
    def test_json_lines(self):
        """Each line is one event."""
        assert [e["id"] for e in stream("\n".join(LINES).encode())] == ["b1", "b2"]

    def test_bom_is_nothing(self):
        """A UTF-8 BOM before the first line does not cost the first event."""
        assert [e["id"] for e in stream(b"\xef\xbb\xbf" + "\n".join(LINES).encode())] == [
            "b1", "b2"]

    def test_json_array(self):
        """A JSON array is read as a list of events; a non-object item is rejected by number."""
        items = stream(json.dumps([BACKUP, 3]).encode())
        assert items[0] == BACKUP
        assert isinstance(items[1], InvalidEvent) and items[1].reason.startswith("item 2:")

    def test_gzip_and_zstd(self, tmp_path):
        """Compressed files are recognised by their magic bytes, whatever their name."""
        data = "\n".join(LINES).encode()
        (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(data))
        (tmp_path / "b.jsonl").write_bytes(zstandard.ZstdCompressor().compress(data))
        for name in ("a.jsonl.gz", "b.jsonl"):
            assert [e["id"] for e in read_event_file(tmp_path / name)] == ["b1", "b2"]

    def test_empty_file_has_no_events(self):
        assert stream(b"\n\n") == []

    def test_one_bad_line_is_rejected_with_its_number(self):
        """A single bad line among good ones is an event to reject, not an error."""
        items = stream("\n".join([*LINES, "{oops", *LINES]).encode())
        [bad] = [i for i in items if isinstance(i, InvalidEvent)]
        assert bad.reason.startswith("line 3, column")


class TestRefused:
    def test_not_json_lines(self):
        """A file that does not start like JSON is one clear error naming the line."""
        with pytest.raises(EventError, match=r"line 2 starts with 'id,type,at'.*not JSON lines"):
            stream(b"\nid,type,at\nb1,backup,2024\n")

    def test_mostly_unreadable_at_the_start(self):
        """Most of the first lines unreadable: refused before reading further."""
        data = [LINES[0]] + ["{not json"] * (SNIFF_LINES - 1) + LINES * 100
        with pytest.raises(EventError, match=f"of the first {SNIFF_LINES} lines are not JSON"):
            stream("\n".join(data).encode())

    def test_mostly_unreadable_overall(self):
        data = [LINES[0], "{x", "{y"]
        with pytest.raises(EventError, match="2 of 3 lines are not JSON"):
            stream("\n".join(data).encode())

    def test_broken_array(self):
        with pytest.raises(EventError, match=r"line 1, column .*JSON array that does not parse"):
            stream(b"[{\"type\": 1},")

    def test_corrupt_gzip(self):
        with pytest.raises(EventError, match="cannot decompress"):
            stream(gzip.compress(b"{}\n" * 1000)[:40])

    def test_missing_file(self, tmp_path):
        with pytest.raises(EventError, match="cannot read"):
            list(read_event_file(tmp_path / "none.jsonl"))


class TestCheckCommand:
    runner = CliRunner()

    def check(self, path, *extra):
        return self.runner.invoke(app, ["check", "kontum", str(path), "--as-of",
                                        "2024-12-31T23:59:59+07:00", *extra])

    def test_unreadable_file_exits_2(self, tmp_path):
        """Binary garbage (a gzip read as text before) is exit 2 with one message, no report."""
        path = tmp_path / "events.bin"
        path.write_bytes(b"{" + bytes(range(256)) * 20)
        result = self.check(path)
        assert result.exit_code == 2, result.output
        assert "not JSON" in result.output and "Traceback" not in result.output
        assert "no_broadcast" not in result.output

    def test_gzip_array_and_jsonl_agree(self, tmp_path):
        """The same events as JSON lines, a gzipped file and a JSON array give one report."""
        (tmp_path / "e.jsonl").write_text("\n".join(LINES) + "\n", encoding="utf-8")
        (tmp_path / "e.jsonl.gz").write_bytes(gzip.compress(("\n".join(LINES)).encode()))
        (tmp_path / "e.json").write_text(json.dumps([BACKUP, {**BACKUP, "id": "b2"}]),
                                         encoding="utf-8")
        outputs = [json.loads(self.check(tmp_path / n, "--format", "json").output)
                   for n in ("e.jsonl", "e.jsonl.gz", "e.json")]
        assert outputs[0]["summary"]["events_applied"] == 2
        assert outputs[0] == outputs[1] == outputs[2]

    def test_stdin(self, tmp_path):
        result = self.runner.invoke(app, ["check", "kontum", "-", "--as-of",
                                          "2024-12-31T23:59:59+07:00", "--format", "json"],
                                    input="\ufeff" + "\n".join(LINES))
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["summary"]["events_applied"] == 2


def test_event_error_is_a_quyche_error():
    assert issubclass(EventError, quyche.QuycheError)


class TestLines:
    def test_line_numbers_survive_blank_lines(self):
        """Each event's 1-based line, though blank lines carry no event."""
        from quyche.event_files import LineNumbers

        numbers = LineNumbers()
        data = "\n" + LINES[0] + "\n\n\n" + LINES[1] + "\n" + LINES[0] + "\n"
        items = list(read_event_stream(io.BytesIO(data.encode()), "events", numbers))
        assert len(items) == 3
        assert [numbers.line_of(i) for i in range(3)] == [2, 5, 6]

    def test_check_names_the_line_of_a_rejection(self, tmp_path):
        """`check` reports the line; a merge of its --state-out keeps it."""
        bad = {**BACKUP, "id": "bad", "at": "2024-03-01T10:00:00"}
        path = tmp_path / "e.jsonl"
        path.write_text("\n".join(["", LINES[0], "", json.dumps(bad)]) + "\n", encoding="utf-8")
        runner = CliRunner()
        state = tmp_path / "state.json"
        result = runner.invoke(app, ["check", "kontum", str(path), "--as-of", "2024-12-31",
                                     "--format", "json", "--state-out", str(state)])
        [rejected] = json.loads(result.output)["rejected"]
        assert (rejected["index"], rejected["line"]) == (1, 4)
        merged = runner.invoke(app, ["merge", "kontum", str(state), "--format", "json"])
        assert json.loads(merged.output)["rejected"][0]["line"] == 4

    def test_evaluate_reads_a_files_path_and_names_lines(self, tmp_path):
        """`evaluate` given a Path reads it as `check` does: its rejections carry their line."""
        bad = {**BACKUP, "id": "bad", "at": "2024-03-01T10:00:00"}
        path = tmp_path / "e.jsonl.gz"
        path.write_bytes(gzip.compress(
            "\n".join(["", LINES[0], "", json.dumps(bad)]).encode() + b"\n"))
        report = quyche.evaluate("kontum", path, as_of="2024-12-31")
        [rejected] = report.rejected
        assert (rejected.index, rejected.line, rejected.id) == (1, 4, "bad")
        with pytest.raises(quyche.EvaluationError, match="a file's Path"):
            quyche.evaluate("kontum", str(path), as_of="2024-12-31")

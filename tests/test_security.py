"""Hostile and careless input: each attack of issue 17 refused clearly or rendered inertly.

Every case goes through the library (one of `quyche.errors`, or a correct output) and,
where a user would meet it there, through the command line (exit 2 and one message,
never a traceback).
"""

import json
import shlex
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

import quyche
from quyche import _load as loader
from quyche.analysis.explain import explain
from quyche.cli import app
from quyche.errors import EvaluationError, EventError, InterpretationError, RuleSetError
from quyche.evaluation import durable

runner = CliRunner()
SAMPLE = Path(__file__).parent / "data" / "sample.yaml"
TEXT = SAMPLE.read_text(encoding="utf-8")
ALTERNATIVES = '    alternatives: ["11:00"]'
AS_OF = "2024-03-05T00:00:00+07:00"
#: The line of the sample that the attacks below replace.
LINE = TEXT.splitlines().index(ALTERNATIVES) + 1


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def problems(text):
    with pytest.raises(RuleSetError) as info:
        loader.load_text(text, "x.yaml")
    return [str(p) for p in info.value.problems]


def written(tmp_path, text, name="rs.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused_cleanly(result, *needles):
    assert result.exit_code == 2, result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(
        result.exception, SystemExit), result.output
    for needle in needles:
        assert needle in result.output, result.output


# --------------------------------------------------------------------------- 1. alias bombs


def alias_bomb(levels):
    items = ["&a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return TEXT.replace(ALTERNATIVES, f"    alternatives: [{', '.join(items)}]")


def test_alias_bomb_in_a_free_form_field_is_refused_at_its_line():
    """Ten levels of 9-fold aliases (9^10 nodes once expanded) are refused before any
    expansion, naming the line of the alias that crosses the limit."""
    found = problems(alias_bomb(10))
    assert len(found) == 1 and found[0].startswith(f"x.yaml:{LINE}:")
    assert "aliases expand to more than 10,000 nodes" in found[0]


def test_a_few_aliases_are_fine():
    """Reuse of a small mapping (as tuyenquang's interpretations do) stays allowed."""
    assert loader.load_text(alias_bomb(2), "x.yaml").interpretations[0].alternatives[1]


def test_recursive_alias_under_an_alias_is_refused():
    found = problems("a: &a [*a]\nb: *a\n")
    assert "recursive alias" in found[0]


# --------------------------------------------------------------------------- 2. depth


@pytest.mark.parametrize("levels", [65, 300, 700, 4900])
def test_deep_nesting_is_refused_with_the_librarys_error(levels):
    text = TEXT.replace(ALTERNATIVES, "    alternatives: " + "[" * levels + "]" * levels)
    found = problems(text)
    assert found == [f"x.yaml:{LINE}:80: values nested more than 64 levels deep"]


def test_deep_nesting_in_a_registry_is_refused():
    with pytest.raises(RuleSetError, match="64 levels deep"):
        loader.read_data("[" * 100_000 + "]" * 100_000, "sites.json")


def test_deep_nesting_through_aliases_is_refused():
    text = "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 40 + "*a" + "]" * 40 + "\n"
    assert "this alias nests values more than 64 levels deep" in problems(text)[0]


def test_validate_deep_file_exits_1_without_traceback(tmp_path):
    text = TEXT.replace(ALTERNATIVES, "    alternatives: " + "[" * 700 + "]" * 700)
    result = invoke("validate", written(tmp_path, text))
    assert result.exit_code == 1 and "64 levels" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("text", "needle"), [
    ("a: " + "x" * 10_001 + "\n", "x.yaml:1:10001: line of 10,004 characters"),
    ("a: b\n" * 200_001, "the file is 1,000,005 bytes; the limit is 1,000,000"),
    ("a: 0x" + "f" * 4400 + "\n", "integer 0xffffffffffffffffff… is out of range"),
    ("a: 99999999999999999999\n", "is out of range (at most 63 bits)"),
    ("a: !!binary aGVsbG8=\n", "the tag !!binary is not accepted"),
    ("a: !!set {x: null}\n", "the tag !!set is not accepted"),
    ('a: "\\ud800"\n', "x.yaml:1:4: a: an escape that is half of a UTF-16 surrogate pair"),
])
def test_size_and_value_limits(text, needle):
    assert needle in problems(text)[0]


def test_registry_files_may_be_one_long_line():
    """Minified JSON is a normal form for a registry: no line limit there."""
    sites = [{"id": f"s{i}", "kind": "border_gate"} for i in range(2000)]
    assert len(loader.read_data(json.dumps(sites))) == 2000


def test_a_compressed_event_file_that_expands_without_end_is_refused(tmp_path):
    """A 1 MB gzip file of one endless line (it took 29 s and 2.8 GB before) is refused
    once the line passes MAX_LINE_BYTES; an array past MAX_ARRAY_BYTES likewise."""
    import gzip

    from quyche import event_files

    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb") as handle:
        handle.write(b'{"id": "a", "type": "backup", "at": "2024-03-04T01:00:00+07:00"}\n{"a": "')
        for _ in range(20):
            handle.write(b"0" * 100_000)
    with pytest.raises(EventError, match=r"bomb.jsonl.gz: a line of more than 1,000,000 bytes"):
        list(event_files.read_event_file(bomb))
    refused_cleanly(invoke("check", SAMPLE, bomb, "--as-of", AS_OF), "a line of more than")
    array = tmp_path / "events.json"
    array.write_text("[\n" + "{},\n" * 300 + "{}]\n", encoding="utf-8")
    assert len(list(event_files.read_event_file(array))) == 301
    event_files.MAX_ARRAY_BYTES, saved = 1000, event_files.MAX_ARRAY_BYTES
    try:
        with pytest.raises(EventError, match="a JSON array of more than 1,000 bytes"):
            list(event_files.read_event_file(array))
    finally:
        event_files.MAX_ARRAY_BYTES = saved


def test_a_corrupt_zstd_event_file_is_an_event_error():
    """Found by the fuzz harness: zstandard's own error is not an OSError."""
    pytest.importorskip("zstandard")
    import io

    from quyche.event_files import read_event_stream

    data = b"\x28\xb5\x2f\xfd\n" + b'{"id": "a", "type": "backup"}'
    with pytest.raises(EventError, match=r"x\.jsonl: cannot decompress"):
        list(read_event_stream(io.BytesIO(data), "x.jsonl"))


# --------------------------------------------------------------------------- 3. rich markup

MARKUP = "[/bold][link=https://evil.example]x[/link][/x]"


def test_markup_in_events_warnings_and_rule_sets_is_printed_as_written(tmp_path):
    text = TEXT.replace("province: Tỉnh Mẫu", f'province: "{MARKUP}"')
    path = written(tmp_path, text)
    events = tmp_path / "ev.jsonl"
    events.write_text(json.dumps({"id": "[/warn]", "type": "broadcast", "site": "[/x]",
                                  "start": "2024-03-04T07:00:00+07:00",
                                  "end": "2024-03-04T08:00:00+07:00"}) + "\n",
                      encoding="utf-8")
    result = invoke("check", path, events, "--as-of", AS_OF)
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "[/warn]" in result.output and "'[/x]'" in result.output
    result = invoke("validate", path)
    assert result.exit_code == 0 and MARKUP in result.output
    result = invoke("list")
    assert result.exit_code == 0


def test_markup_in_an_error_message_is_printed_as_written(tmp_path):
    result = invoke("check", SAMPLE, tmp_path / "[/x].jsonl", "--as-of", AS_OF)
    refused_cleanly(result, "[/x].jsonl")
    result = invoke("schedule", SAMPLE, "--year", "2024", "--actor", "[/bold]")
    refused_cleanly(result, "'[/bold]'")


# --------------------------------------------------------------------------- 4. Markdown

SCRIPT = "<script>alert(1)</script>"


def hostile_rule_set(tmp_path):
    text = TEXT.replace("name: Mẫu", f'name: "{SCRIPT}"').replace(
        "province: Tỉnh Mẫu", f'province: "{SCRIPT} | [x](javascript:alert(1))"').replace(
        'source: {article: 6, quote: "tối thiểu 6 giờ/ngày"}',
        'source: {article: 6, quote: "tối thiểu\\n# H1\\n<img src=x onerror=alert(1)>"}')
    return written(tmp_path, text, "hostile.yaml")


def markdown_is_inert(output):
    assert "<script" not in output and "<img" not in output
    assert "](javascript" not in output
    headings = [line for line in output.splitlines() if line.startswith("#")]
    assert not any("H1" in line for line in headings), headings


@pytest.mark.parametrize("command", [["compare", "{rs}", "kontum"], ["diff", "kontum", "{rs}"],
                                     ["explain", "{rs}", "daily_minimum"]])
def test_markdown_output_escapes_html_links_and_headings(tmp_path, command):
    path = hostile_rule_set(tmp_path)
    result = invoke(*[part.format(rs=path) for part in command], "--format", "markdown")
    assert result.exit_code == 0, result.output
    markdown_is_inert(result.output)
    assert "&lt;script&gt;" in result.output or "H1" in result.output


def test_md_text_and_md_code():
    from quyche.render import md_code, md_text

    assert md_text("a\n# b | c") == "a \\# b \\| c"
    assert md_text("1. x\n- y", "\n") == "1\\. x\n\\- y"
    assert md_text("[x](javascript:1)") == "\\[x]\\(javascript:1)"
    assert md_text("a\nb", "<br>", cell=True) == "a<br>b"
    assert md_code("a`b") == "``a`b``" and md_code("`") == "`` ` ``"


# --------------------------------------------------------------------------- 5. .ics


@pytest.mark.parametrize("operator", ["x\nEND:VEVENT", "a b", "<b>", "[/x]", "x;y", ""])
def test_registry_ids_are_ids(operator):
    with pytest.raises(EvaluationError, match=r"is not an id|should have at least"):
        quyche.evaluate(quyche.load(str(SAMPLE)), [], as_of=AS_OF,
                        sites=[{"id": "bg9", "kind": "border_gate", "operator": operator}])


def test_ics_from_hostile_text_parses_back_with_the_same_events(tmp_path):
    hostile = 'title: {vi: "a\\nEND:VEVENT\\nBEGIN:VEVENT;x", en: "b\\r\\nEND:VCALENDAR"}'
    text = TEXT.replace("title: {vi: Sao lưu hằng tháng, en: Monthly backup}", hostile)
    path = written(tmp_path, text)
    sites = written(tmp_path, "- {id: bg9, kind: border_gate, operator: ubnd_x}\n", "s.yaml")
    result = invoke("schedule", path, "--year", "2024", "--format", "ics", "--sites", sites)
    assert result.exit_code == 0, result.output
    calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
    duties = quyche.schedule(quyche.load(str(path)), "2024-01-01", "2024-12-31",
                             sites=[{"id": "bg9", "kind": "border_gate", "operator": "ubnd_x"}])
    assert len(calendar.walk("VEVENT")) == len(duties) > 0
    assert any("END:VEVENT" in str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    bad = written(tmp_path, '- {id: bg9, kind: border_gate, operator: "x\\nEND:VEVENT"}\n',
                  "bad.yaml")
    refused_cleanly(invoke("schedule", path, "--year", "2024", "--format", "ics",
                           "--sites", bad), "operator", "is not an id")


# --------------------------------------------------------------------------- 6. explain


@pytest.mark.parametrize(("written_as", "read_as"), [
    ("2024-07-01", "2024-07-01"), ("2024-07-01 10:00:00", "2024-07-01T10:00:00"),
    (".nan", None), ("0x10", 16)])
def test_explain_writes_every_value_validate_accepts(tmp_path, written_as, read_as):
    path = written(tmp_path, TEXT.replace(ALTERNATIVES, f"    alternatives: [{written_as}]"))
    assert invoke("validate", path).exit_code == 0
    for fmt in ("table", "json", "markdown"):
        result = invoke("explain", path, "daily_minimum", "--format", fmt)
        assert result.exit_code == 0, result.output
    found = explain(quyche.load(str(path)), "daily_minimum").interpretations[0].alternatives
    if read_as is not None:
        assert found == [read_as]


@pytest.mark.parametrize("value", [b"x", {1, 2}, {1: "a"}, object(), 2**70])
def test_interpretation_values_are_json_values(value):
    data = quyche.load(str(SAMPLE)).model_dump(mode="json")
    data["interpretations"][0]["alternatives"] = [value]
    with pytest.raises(ValueError, match=r"JSON|63 bits|keys"):
        quyche.RuleSet.model_validate(data)


# --------------------------------------------------------------------------- 7. registries


@pytest.mark.parametrize(("sites", "actors", "message"), [
    ([{"id": "bg9", "kind": "border_gate", "operator": ["a"]}], None,
     "sites[0] (bg9): operator: Input should be a valid string (got ['a'])"),
    ([{"id": "bg9", "kind": "border_gate", "operator": {"a": 1}}], None,
     "sites[0] (bg9): operator: Input should be a valid string"),
    ([{"id": "bg9", "kind": "border_gate", "operator": 7}], None,
     "sites[0] (bg9): operator: Input should be a valid string (got 7)"),
    ([{"id": "bg9", "kind": ["border_gate"]}], None, "sites[0] (bg9): kind: Input should be"),
    ([{"id": 3, "kind": "border_gate"}], None, "sites[0]: id: Input should be a valid string"),
    ([{"id": "bg9", "kind": "border_gate", "extra": 1}], None, "sites[0] (bg9): extra: unknown"),
    ([3], None, "sites[0]: expected a mapping"),
    (None, {"so_x": [["departments"]]}, "actors['so_x']: [0]: Input should be a valid string"),
    (None, {1: ["departments"]}, "actors: the key 1 is not an id"),
    (None, {None: ["departments"]}, "actors: the key None is not an id"),
    (None, {"so_x": [None]}, "actors['so_x']: [0]: Input should be a valid string"),
])
def test_registries_with_wrong_types_are_evaluation_errors(sites, actors, message):
    with pytest.raises(EvaluationError) as info:
        quyche.evaluate(quyche.load(str(SAMPLE)), [], as_of=AS_OF, sites=sites, actors=actors)
    assert message in str(info.value)


@pytest.mark.parametrize(("option", "text", "where", "message"), [
    ("--sites", "- {id: bg1, kind: border_gate}\n- {id: bg9, kind: border_gate, operator: [a]}\n",
     "2:42", "sites[1] (bg9): operator: Input should be a valid string (got ['a'])"),
    ("--sites", "sites:\n  - id: bg9\n    kind: border_gate\n    operator: 7\n",
     "4:15", "sites[0] (bg9): operator: Input should be a valid string (got 7)"),
    ("--actors", "so_y: []\nso_x: [[departments]]\n",
     "2:8", "actors['so_x']: [0]: Input should be a valid string"),
    ("--actors", "1: [departments]\n", "1:1", "actors: the key 1 is not an id"),
])
def test_cli_registry_messages_are_the_librarys_with_the_line(tmp_path, option, text, where,
                                                               message):
    path = written(tmp_path, text, "registry.yaml")
    result = invoke("check", SAMPLE, "-", option, path, "--as-of", AS_OF, input="")
    refused_cleanly(result, f"{path}:{where}: {message}")


# --------------------------------------------------------------------------- 8. merge keys


BASE = "base: &b {x: 1, y: 2}\n"


@pytest.mark.parametrize(("text", "needle"), [
    (BASE + "c: {x: 3, <<: *b}\n", "the merge key comes after 'x' (line 2)"),
    (BASE + "o: &o {x: 5}\nc: {<<: [*b, *o]}\n", "key 'x' comes from two merged mappings"),
    (BASE + "c:\n  <<: *b\n  <<: *b\n", "a second merge key"),
])
def test_merge_keys_that_would_lose_a_value_silently_are_refused(text, needle):
    with pytest.raises(RuleSetError) as info:
        loader.read_data(text, "x.yaml")
    assert needle in str(info.value)


def test_merge_first_then_override_is_the_one_reading():
    assert loader.read_data(BASE + "c: {<<: *b, x: 3}\n")["c"] == {"x": 3, "y": 2}


# --------------------------------------------------------------------------- 9. override hints


def test_override_values_are_read_as_yaml_1_2(tmp_path):
    rs = quyche.load(str(SAMPLE), interpretations={"morning_ends": "11:00"})
    assert loader.read_value("12:00") == "12:00" and loader.read_value("no") == "no"
    assert loader.read_value("[1, 2]") == [1, 2] and loader.read_value("") is None
    result = invoke("explain", SAMPLE, "daily_minimum", "-i", "morning_ends=11:30",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    used = json.loads(result.output)["interpretations"][0]
    assert used["value"] == "11:30" and rs.interpretations[0].value == "11:00"
    refused_cleanly(invoke("explain", SAMPLE, "daily_minimum", "-i", "morning_ends=[1"),
                    "--interpretation morning_ends")


def hints():
    """One printed hint per (rule set, interpretation): the first rule that prints it."""
    seen = {}
    for name in quyche.rule_sets():
        rs = quyche.load(name)
        for rule_id in rs.rule_ids():
            for use in explain(rs, rule_id, ref=name).interpretations:
                seen.setdefault((name, use.id), use)
    return list(seen.values())


HINTS = hints()


def test_every_interpretation_has_a_hint():
    declared = sum(len(quyche.load(n).interpretations) for n in quyche.rule_sets())
    assert len(HINTS) > declared // 2


@pytest.mark.parametrize("use", HINTS, ids=lambda u: u.id)
def test_every_printed_override_hint_works_as_printed(use):
    argv = shlex.split(use.override_cli)
    assert argv[:2] == ["quyche", "explain"]
    result = invoke(*argv[1:], "--format", "json")
    assert result.exit_code == 0, (use.override_cli, result.output)
    after = next(i for i in json.loads(result.output)["interpretations"] if i["id"] == use.id)
    assert after["overridden"] is True
    namespace = {"quyche": quyche}
    rs = eval(use.override_python, namespace)
    assert next(i for i in rs.interpretations if i.id == use.id).overridden
    assert after["value"] == json.loads(json.dumps(
        next(i for i in rs.interpretations if i.id == use.id).value))


def test_a_bad_override_value_is_an_interpretation_error():
    with pytest.raises(InterpretationError):
        quyche.load(str(SAMPLE), interpretations={"morning_ends": [1]})


# --------------------------------------------------------------------------- 10. durable LRU


def test_durable_keeps_a_bounded_number_of_compiled_rule_sets(monkeypatch):
    pytest.importorskip("durable")
    monkeypatch.setattr(durable, "MAX_COMPILED", 3)
    rs = quyche.load(str(SAMPLE))
    events = [{"id": "d1", "type": "document_received", "at": "2024-03-04T09:00:00+07:00",
               "doc_class": "legal_normative", "urgent": True}]
    reports = []
    for minute in range(8):
        changed = loader.override(rs, {"morning_ends": f"11:{minute:02d}"})
        reports.append(quyche.evaluate(changed, events, as_of=AS_OF, engine="durable"))
        assert durable.compiled_count() <= 3
    again = quyche.evaluate(loader.override(rs, {"morning_ends": "11:00"}), events,
                            as_of=AS_OF, engine="durable")  # evicted, compiled anew
    assert again.obligations == reports[0].obligations
    assert again.obligations == quyche.evaluate(rs, events, as_of=AS_OF).obligations


def test_a_reader_holding_a_retired_rule_set_registers_it_again(monkeypatch):
    """Eviction never breaks a reader in use: its next post registers the rulesets anew."""
    pytest.importorskip("durable")
    from quyche.evaluation.context import Context
    from quyche.evaluation.intake import Reader

    monkeypatch.setattr(durable, "MAX_COMPILED", 1)
    rs = loader.override(quyche.load(str(SAMPLE)), {"morning_ends": "10:59"})
    held = Reader(Context(rs, as_of=AS_OF), matcher=durable.DurableMatcher(rs))
    for minute in range(3):  # each retires the one before, the held reader's too
        quyche.evaluate(loader.override(rs, {"morning_ends": f"10:{minute:02d}"}), [],
                        as_of=AS_OF, engine="durable")
    event = {"id": "d1", "type": "document_received", "at": "2024-03-04T09:00:00+07:00",
             "doc_class": "legal_normative", "urgent": True}
    held.add(0, event)
    native = quyche.evaluate(rs, [event], as_of=AS_OF)
    assert durable.compiled_count() == 1
    assert held.ledger is not None and native.obligations

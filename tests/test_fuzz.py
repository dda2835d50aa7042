"""The fuzz harness: hostile and careless input through every entry point and renderer.

Four targets, each a hypothesis test, so the suite runs a short derandomized slice
(the `dev`/`ci` profile) and `make fuzz` runs them long (the `fuzz` profile, random,
a deadline per example, memory capped) — and, where atheris installs, drives the
same targets coverage-guided (`tests/fuzz_atheris.py`):

- `load` of mutated rule files (the bundled ones and the sample, with hostile text,
  YAML tokens, aliases, merge keys, deep nesting, tags and huge numbers spliced in),
  then every renderer on what loads;
- `evaluate` of mutated event streams with mutated site and actor registries, then
  the report in every output format;
- reading event files (plain or gzip, perhaps cut short) of mutated bytes;
- every renderer (terminal, Markdown, HTML, JSON, iCalendar) on a rule set whose
  texts are hostile, checking the output is inert, not merely that it is written.

Only quyche's own errors may escape. Time is bounded by the profile's deadline and
memory by the cap `make fuzz` sets (docs/security.md); the suite asserts neither.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import icalendar
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

import quyche
from quyche._load import load_text
from quyche.analysis.compare import compare
from quyche.analysis.compare import tables as compare_tables
from quyche.analysis.diff import diff
from quyche.analysis.diff import tables as diff_tables
from quyche.analysis.explain import explain
from quyche.analysis.schedule import schedule, to_ics
from quyche.cli import analysts, terminal
from quyche.errors import QuycheError
from quyche.htmlpage import GRID_JS
from quyche.render import render_html, render_markdown, render_rich, report_records
from quyche.testing import (
    actor_registries,
    arbitrary_events,
    malformed_rule_set_texts,
    site_registries,
)

SAMPLE = Path(__file__).parent / "data" / "sample.yaml"
TEXTS = {"sample": SAMPLE.read_text(encoding="utf-8")}
TEXTS.update({name: (Path(quyche.__file__).parent.parent.parent / "rules" / f"{name}.yaml")
              .read_text(encoding="utf-8") for name in quyche.rule_sets()})
RULE_SETS = {name: load_text(text, name) for name, text in TEXTS.items()}
AS_OF = "2024-12-31T23:59:59+07:00"
SINCE = "2024-01-01T00:00:00+07:00"

#: Text that means something to a terminal, Markdown, HTML, iCalendar or a format string.
HOSTILE = ["[/x]", "[bold]", "[link=https://evil.example]x[/link]", ":thumbs_up:",
           "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;b&gt;",
           "\n# H1\n", "\n- item", "\n1. item", "\n> quote", "\n    code", "a|b", "`", "```",
           "[x](javascript:alert(1))", "END:VEVENT", "\r\nBEGIN:VEVENT\r\n", "x;y,z\\",
           "\x00", "\x1b[31m", "\u202e", "%s{0}${x}", "'\"", "\u2028"]
hostile_text = st.sampled_from(HOSTILE) | st.lists(st.sampled_from(HOSTILE) | st.text(
    max_size=8), min_size=1, max_size=4).map("".join)

#: YAML snippets a careless or hostile author might write as a value.
SNIPPETS = ["&a [x, x, x]", "*a", "&b {k: v}", "{<<: *b, k: w}", "{k: 1, <<: *b}",
            "!!binary aGk=", "!!set {a: null}", "!!python/object:os.system ls", "!!omap []",
            "0x" + "f" * 200, "9" * 30, "2024-07-01", "2024-07-01 10:00:00", ".nan", "-.inf",
            "[" * 80 + "]" * 80, "{a: " * 70 + "1" + "}" * 70, "13:30", "no", "~", "''",
            "|\n  block", ">-\n  folded", "? complex", "- - -"]


def _bomb(levels: int) -> str:
    parts = ["&z0 [q, q, q, q, q, q, q, q, q]"] + [
        f"&z{i} [" + ", ".join([f"*z{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "[" + ", ".join(parts) + "]"


@st.composite
def hostile_rule_set_texts(draw: Any) -> str:
    """A bundled rule set's text with one value, key or line replaced by something hostile."""
    text = TEXTS[draw(st.sampled_from(sorted(TEXTS)))]
    lines = text.splitlines()
    at = draw(st.integers(0, len(lines) - 1))
    payload = draw(st.sampled_from(SNIPPETS) | st.integers(1, 12).map(_bomb)
                   | hostile_text.map(json.dumps))
    line = lines[at]
    how = draw(st.sampled_from(("value", "key", "insert")))
    if how == "value" and ": " in line:
        lines[at] = line[:line.index(": ") + 2] + payload
    elif how == "key":
        indent = line[:len(line) - len(line.lstrip())]
        lines.insert(at, f"{indent}{draw(st.sampled_from(['<<', 'id', 'x']))}: {payload}")
    else:
        lines.insert(at, payload)
    return "\n".join(lines) + "\n"


rule_set_texts = hostile_rule_set_texts() | st.sampled_from(sorted(RULE_SETS)).flatmap(
    lambda name: malformed_rule_set_texts(RULE_SETS[name]))


@contextlib.contextmanager
def captured_console():
    """Point the CLI's consoles at a buffer (what `check`'s table goes through)."""
    buffer = io.StringIO()
    saved = terminal.out, terminal.err
    terminal.out = Console(file=buffer, width=120, emoji=False)
    terminal.err = Console(file=buffer, width=120, emoji=False)
    try:
        yield buffer
    finally:
        terminal.out, terminal.err = saved


def render_everything(rs: quyche.RuleSet) -> dict[str, str]:
    """Every renderer's output for `rs`: explain of each rule, compare, diff, schedule."""
    out: dict[str, str] = {}
    for rule_id in rs.rule_ids():
        e = explain(rs, rule_id, today="2024-06-01")
        out[f"explain {rule_id} json"] = orjson.dumps(e.model_dump(mode="json")).decode()
        out[f"explain {rule_id} markdown"] = analysts.explain_markdown(e)
    other = RULE_SETS["sample"]
    for name, (title, intro, tables) in (
            ("compare", compare_tables(compare([rs, other]))),
            ("diff", diff_tables(diff(other, rs)))):
        out[f"{name} markdown"] = render_markdown(title, tables, intro)
        out[f"{name} html"] = render_html(title, tables, intro)
        console = Console(file=io.StringIO(), width=100, emoji=False)
        render_rich(console, title, tables, intro)
        out[f"{name} rich"] = console.file.getvalue()
    try:
        duties = schedule(rs, "2024-01-01", "2024-12-31")
    except QuycheError:
        duties = []
    ics = to_ics(duties, name=rs.id)
    assert len(icalendar.Calendar.from_ical(ics).walk("VEVENT")) == len(duties)
    out["ics"] = ics.decode()
    return out


_LIVE_HTML = re.compile(r"<\s*(script|img|iframe|a\b|svg)", re.I)


def assert_inert(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        if name.endswith("html"):  # the page's own script (sort, filter, CSV), once, and no other
            own = f"<script>{GRID_JS}</script>"
            assert text.count(own) == 1, name
            text = text.replace(own, "")
        if name.endswith(("markdown", "html")):
            assert not _LIVE_HTML.search(text), name
        if name.endswith("markdown"):
            assert "](javascript" not in text, name
            for line in text.splitlines():
                assert not line.startswith("# H1") and not line.startswith("<"), (name, line)


#: In the suite, a short slice (the profile's derandomization, at most 5 examples a
#: target, no deadline: the machine may be busy); under `make fuzz`
#: (HYPOTHESIS_PROFILE=fuzz), the profile's long random run.
FUZZING = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
FUZZ = settings(max_examples=settings.default.max_examples if FUZZING else
                min(settings.default.max_examples, 5),
                deadline=settings.default.deadline if FUZZING else None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])


@FUZZ
@given(rule_set_texts)
def test_load_of_mutated_rule_files(text: str) -> None:
    """A mutated rule file loads or raises RuleSetError; what loads renders everywhere."""
    try:
        rs = load_text(text, "fuzz.yaml")
    except QuycheError as exc:
        assert str(exc)
        return
    with contextlib.suppress(QuycheError):  # e.g. a calendar year the rule set cannot reach
        assert_inert(render_everything(rs))


registries = st.sampled_from(sorted(RULE_SETS)).flatmap(lambda name: st.tuples(
    st.just(RULE_SETS[name]),
    site_registries(RULE_SETS[name], min_size=0) | st.lists(
        st.dictionaries(st.sampled_from(["id", "kind", "operator", "name", "x"]),
                        hostile_text | st.integers() | st.none() | st.lists(st.text()),
                        max_size=4), max_size=3) | hostile_text,
    actor_registries(RULE_SETS[name]) | st.dictionaries(
        hostile_text | st.integers() | st.none(),
        st.lists(hostile_text | st.integers() | st.lists(st.text()), max_size=2) | st.text(),
        max_size=3)))


@FUZZ
@given(registries.flatmap(lambda r: st.tuples(
    st.just(r), st.lists(arbitrary_events(r[0]) | hostile_text.map(
        lambda t: {"id": t, "type": "broadcast", "site": t, "start": SINCE, "end": AS_OF}),
        max_size=12))), st.booleans())
def test_evaluate_of_mutated_streams_and_registries(drawn: Any, durable: bool) -> None:
    """A mutated stream with mutated registries gives a report (bad events rejected) or,
    for a registry it cannot use, an EvaluationError; every format writes the report."""
    (rs, sites, actors), events = drawn
    engine = "durable" if durable and _has_durable() else "native"
    try:
        report = quyche.evaluate(rs, events, as_of=AS_OF, since=SINCE, sites=sites,
                                 actors=actors, engine=engine)
    except QuycheError as exc:
        assert str(exc)
        return
    assert report.summary.events_read == len(events)
    orjson.dumps(report.model_dump(mode="json"))
    orjson.dumps(report_records(report))
    with captured_console() as buffer:
        terminal.print_report(report, 40, english=False)
    assert buffer.getvalue()


def _has_durable() -> bool:
    try:
        import durable  # noqa: F401
    except ImportError:
        return False
    return True


event_lines = st.lists(st.sampled_from([
    b'{"id": "a", "type": "backup", "at": "2024-03-04T01:00:00+07:00"}', b"[", b"]", b"{}",
    b"", b"\xef\xbb\xbf", b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"{" * 1100, b'"x"', b"null",
    b"\xff\xfe"]) | st.binary(max_size=40), max_size=8)


@FUZZ
@given(event_lines, st.sampled_from(["plain", "gzip", "gzip cut"]))
def test_reading_mutated_event_files(lines: list[bytes], packing: str) -> None:
    """Bytes that may or may not be events, plain or gzip (perhaps cut short): events or
    InvalidEvents one at a time, or one EventError for the file."""
    import gzip

    from quyche.event_files import read_event_stream
    from quyche.events import InvalidEvent

    data = b"\n".join(lines)
    if packing != "plain":
        data = gzip.compress(data)
        data = data[: len(data) // 2] if packing == "gzip cut" else data
    try:
        items = list(read_event_stream(io.BytesIO(data), "fuzz.jsonl"))
    except QuycheError as exc:
        assert str(exc).startswith("fuzz.jsonl")
        return
    assert all(isinstance(i, (dict, InvalidEvent)) for i in items)


text_fields = ("name", "province", "title", "quote", "note", "reading", "question", "vi", "en",
               "summary", "basis")


def _text_paths(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in (
            [(*path, k)] if k in text_fields and isinstance(v, str) else
            _text_paths(v, (*path, k)))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _text_paths(v, (*path, i))]
    return []


@FUZZ
@given(st.sampled_from(sorted(RULE_SETS)), st.data())
def test_every_renderer_on_hostile_texts(name: str, data: Any) -> None:
    """Names, titles, quotes and notes full of markup: each format writes them inertly."""
    doc = RULE_SETS[name].model_dump(mode="json")
    paths = _text_paths(doc)
    for path in data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=12)):
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = data.draw(hostile_text.filter(str.strip))
    try:
        rs = quyche.RuleSet.model_validate(doc)
    except ValueError:
        return  # a text the schema refuses (e.g. an emptied title)
    assert_inert(render_everything(rs))

"""Scenario files: events in, expected findings out, run through the public API.

A scenario is the regression test an analyst writes in YAML: a rule set, a
window, events, and what the text requires of the report (obligations and
violations that must appear, ones that must not, exact counts, rejections,
warnings). `quyche test`, the pytest plugin (`*.scenario.yaml`) and quyche's own
`tests/scenarios/` all run them through this module, so the format has one
reading. The format is documented in docs/scenarios.md and described for
editors by `schema/scenario.schema.json`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .._load import load, override, read_yaml
from ..analysis.coverage import Coverage, coverage
from ..errors import (
    InterpretationError,
    Problem,
    QuycheError,
    RuleSetError,
    RuleSetNotFound,
    ScenarioError,
)
from ..evaluation.engine import evaluate
from ..model import RuleSet
from ..report import Report
from .scenario_format import (
    Absent,
    Counts,
    Expect,
    Rejected,
    Scenario,
    ScenarioFile,
    load_scenario,
    scenario_schema,
)

__all__ = [
    "Absent",
    "Counts",
    "Expect",
    "Failure",
    "Rejected",
    "Scenario",
    "ScenarioFile",
    "ScenarioResult",
    "asserted_rules",
    "check_report",
    "junit_xml",
    "load_scenario",
    "run_scenario",
    "scenario_files",
    "scenario_schema",
    "suite_coverage",
]

# --------------------------------------------------------------------------- matching


def _instant(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) > 10 and value[4] == "-" and "T" in value:
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _same(expected: Any, actual: Any) -> bool:
    """Equal as a scenario means it: instants as instants, dates as ISO text, lists item by
    item (as long), mappings (in lists too) on the keys given."""
    if isinstance(actual, dt.datetime) or _instant(actual):
        want, got = _instant(expected), _instant(actual)
        return want is not None and got is not None and want == got
    if isinstance(expected, dt.date) and not isinstance(expected, dt.datetime):
        expected = expected.isoformat()
    if isinstance(actual, dt.date) and not isinstance(actual, dt.datetime):
        actual = actual.isoformat()
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(k in actual and _same(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            _same(e, a) for e, a in zip(expected, actual, strict=True))
    return bool(expected == actual)


def _matches(expected: Mapping[str, Any], item: BaseModel) -> bool:
    data = item.model_dump()
    return all(key in data and _same(value, data[key]) for key, value in expected.items())


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _closest(expected: Mapping[str, Any], items: Sequence[BaseModel], limit: int = 3
             ) -> list[dict[str, Any]]:
    """The items of the expected rule nearest to it (fewest differing keys), each with
    how it differs: {key: [expected, actual]}."""
    ranked = []
    for item in items:
        data = item.model_dump(mode="json")
        diff = {key: [_plain(value), data.get(key)] for key, value in expected.items()
                if not _same(value, item.model_dump().get(key))}
        ranked.append((len(diff), diff, data))
    ranked.sort(key=lambda entry: entry[0])
    out = []
    for n, diff, data in ranked[:limit]:
        if n > ranked[0][0]:
            break  # only the nearest: items that differ in more keys add noise
        ident = {k: data[k] for k in ("actor", "site", "period", "trigger", "when")
                 if data.get(k) is not None and k not in diff}
        out.append({"item": ident, "differs": diff})
    return out


def _brief(item: BaseModel, keys: Iterable[str]) -> dict[str, Any]:
    data = item.model_dump(mode="json")
    return {k: data[k] for k in ["rule_id", *sorted(set(keys) - {"rule_id"})] if k in data}


# --------------------------------------------------------------------------- running


@dataclass
class Failure:
    """One expectation the report did not meet, with what was found instead."""

    message: str
    line: int | None = None
    expected: Any = None
    found: list[Any] = field(default_factory=list)

    def text(self) -> str:
        lines = [self.message]
        if self.expected is not None:
            lines.append(f"  expected: {_flow(self.expected)}")
        for entry in self.found:
            if isinstance(entry, dict) and "differs" in entry:
                head = _flow(entry["item"]) if entry["item"] else "(an item)"
                lines.append(f"  closest: {head}")
                for key, (want, got) in entry["differs"].items():
                    lines.append(f"    - {key}: {_flow(want)}")
                    lines.append(f"    + {key}: {_flow(got)}")
            else:
                lines.append(f"  found: {_flow(entry)}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "line": self.line, "expected": _plain(self.expected),
                "found": _plain(self.found)}


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if value is None:
        return "null"
    return str(_plain(value))


@dataclass
class ScenarioResult:
    """How a scenario went: passed, failed (with failures) or errored (with problems)."""

    path: Path
    scenario: Scenario | None
    report: Report | None = None
    rule_set: RuleSet | None = None  # as written, before the scenario's interpretations
    failures: list[Failure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def status(self) -> str:
        return "error" if self.problems else "fail" if self.failures else "pass"

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    @property
    def name(self) -> str:
        return self.scenario.spec.name if self.scenario else self.path.name

    def details(self) -> str:
        """The failures (each at its file:line) or the problems, one after another."""
        if self.problems:
            return "\n".join(self.problems)
        return "\n".join((f"{self.path}:{f.line}: " if f.line else f"{self.path}: ") + f.text()
                         for f in self.failures)

    def text(self) -> str:
        """The scenario's name and article, then its failures or problems."""
        spec = self.scenario.spec if self.scenario else None
        head = f"{spec.name} ({spec.article})" if spec else str(self.path)
        return head + "\n" + self.details()

    def as_dict(self) -> dict[str, Any]:
        spec = self.scenario.spec if self.scenario else None
        return {
            "file": str(self.path), "name": self.name,
            "article": spec.article if spec else None,
            "rule_set": spec.rule_set if spec else None, "status": self.status,
            "failures": [f.as_dict() for f in self.failures], "problems": self.problems,
            "seconds": round(self.seconds, 3),
        }


def _resolve_rule_set(scenario: Scenario, rule_sets: Mapping[str, RuleSet]
                      ) -> tuple[RuleSet, RuleSet]:
    """The scenario's rule set as written, and as the scenario's interpretations read it."""
    name = scenario.spec.rule_set
    candidate = scenario.path.parent / name
    if name in rule_sets:
        base = rule_sets[name]
    elif Path(name).suffix in (".yaml", ".yml") and candidate.is_file():
        base = load(candidate)
    else:
        base = load(name)
    overrides = scenario.spec.interpretations
    return base, override(base, overrides) if overrides else base


def asserted_rules(scenario: Scenario) -> set[str]:
    """The rule ids a scenario's expectations name (expected, absent or counted findings)."""
    expect = scenario.spec.expect
    named: set[str] = set()
    for items in (expect.obligations, expect.violations, expect.absent.obligations,
                  expect.absent.violations):
        named |= {str(item["rule_id"]) for item in items if "rule_id" in item}
    return named | set(expect.counts.obligations) | set(expect.counts.violations)


def check_report(scenario: Scenario, report: Report) -> list[Failure]:
    """What the report lacks or has too much of, compared with the scenario's `expect`."""
    expect = scenario.spec.expect
    failures: list[Failure] = []
    for section in ("obligations", "violations"):
        items = getattr(report, section)
        for i, want in enumerate(getattr(expect, section)):
            if any(_matches(want, item) for item in items):
                continue
            same_rule = [item for item in items if item.rule_id == want.get("rule_id")]
            failures.append(Failure(
                f"expected {section[:-1]} not found"
                + ("" if same_rule else f" (the report has no {section} of that rule)"),
                scenario.line(f"expect.{section}[{i}]"), want, _closest(want, same_rule)))
    for section in ("obligations", "violations"):
        items = getattr(report, section)
        for i, unwanted in enumerate(getattr(expect.absent, section)):
            hits = [item for item in items if _matches(unwanted, item)]
            if hits:
                failures.append(Failure(
                    f"{len(hits)} {section} that must be absent",
                    scenario.line(f"expect.absent.{section}[{i}]"), unwanted,
                    [_brief(h, unwanted) for h in hits[:10]]))
    for section in ("obligations", "violations"):
        items = getattr(report, section)
        for rule_id, count in getattr(expect.counts, section).items():
            got = [item for item in items if item.rule_id == rule_id]
            if len(got) != count:
                failures.append(Failure(
                    f"{section} of {rule_id}: expected {count}, got {len(got)}",
                    scenario.line(f"expect.counts.{section}.{rule_id}"), None,
                    [_brief(g, {"actor", "period", "status", "kind", "when", "site"})
                     for g in got[:30]]))
    for i, want in enumerate(expect.warnings):
        if not any(want in w for w in report.warnings):
            failures.append(Failure(f"no warning contains {want!r}",
                                    scenario.line(f"expect.warnings[{i}]"), None,
                                    list(report.warnings)))
    for i, rejection in enumerate(expect.rejected):
        hit = [r for r in report.rejected if r.index == rejection.index]
        line = scenario.line(f"expect.rejected[{i}]")
        if not hit:
            failures.append(Failure(f"event {rejection.index} was not rejected", line, None,
                                    [r.model_dump() for r in report.rejected]))
        elif rejection.reason not in hit[0].reason:
            failures.append(Failure(
                f"event {rejection.index} rejected for {hit[0].reason!r}, expected a reason "
                f"containing {rejection.reason!r}", line))
    if not expect.rejected and report.rejected:
        failures.append(Failure("unexpected rejections", scenario.line("events"), None,
                                [r.model_dump() for r in report.rejected]))
    return failures


_ARGUMENTS = ("as_of", "since", "sites", "actors", "interpretations", "successions", "events")


def run_scenario(scenario: Scenario | str | Path,
                 rule_sets: Mapping[str, RuleSet] | None = None) -> ScenarioResult:
    """Run one scenario; `rule_sets` maps ids to rule sets that take precedence over
    bundled ones (`quyche test --rules FILE`). Never raises for a bad scenario: the
    result is then an error whose problems name the scenario's file and line."""
    started = time.perf_counter()
    path = Path(scenario.path if isinstance(scenario, Scenario) else scenario)

    def error(problems: list[str], loaded: Scenario | None = None) -> ScenarioResult:
        return ScenarioResult(path, loaded, problems=problems,
                              seconds=time.perf_counter() - started)

    try:
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
    except ScenarioError as exc:
        return error([str(p) for p in exc.problems])
    spec = scenario.spec

    def at(key: str, message: str) -> str:
        line = scenario.line(key)
        return f"{path}:{line}: {key}: {message}" if line else f"{path}: {key}: {message}"

    try:
        base, rs = _resolve_rule_set(scenario, rule_sets or {})
    except RuleSetError as exc:
        if isinstance(exc, RuleSetNotFound):
            return error([at("rule_set", f"{spec.rule_set!r}: {p.message}")
                          for p in exc.problems], scenario)
        # a rule-set file with problems: each is located in that file
        return error([at("rule_set", f"{spec.rule_set} cannot be loaded")]
                     + [str(p) for p in exc.problems], scenario)
    except InterpretationError as exc:
        return error([at("interpretations", str(exc).replace("\n", " "))], scenario)
    try:
        report = evaluate(rs, spec.events, as_of=spec.as_of, since=spec.since,
                          sites=spec.sites, actors=spec.actors, successions=spec.successions)
    except QuycheError as exc:
        text = str(exc).replace("\n", " ")
        key = next((k for k in _ARGUMENTS if text.startswith(k)), "as_of")
        return error([at(key, text.removeprefix(f"{key}: "))], scenario)
    failures = check_report(scenario, report)
    return ScenarioResult(path, scenario, report, base, failures,
                          seconds=time.perf_counter() - started)


def suite_coverage(results: Iterable[ScenarioResult]) -> list[Coverage]:
    """Clause coverage per rule set of the scenarios that ran (errored ones add nothing)."""
    groups: dict[str, tuple[RuleSet, list[Report], set[str]]] = {}
    for result in results:
        if result.rule_set is None or result.report is None or result.scenario is None:
            continue
        _rs, reports, named = groups.setdefault(result.rule_set.id,
                                               (result.rule_set, [], set()))
        reports.append(result.report)
        named |= asserted_rules(result.scenario)
    return [coverage(rs, reports, named) for rs, reports, named in
            (groups[k] for k in sorted(groups))]


def junit_xml(results: Sequence[ScenarioResult], suite: str = "quyche") -> str:
    """JUnit XML of scenario results, one testcase per file (for CI systems)."""
    from xml.etree import ElementTree as ET

    root = ET.Element("testsuites")
    by_rule_set: dict[str, list[ScenarioResult]] = {}
    for result in results:
        key = result.scenario.spec.rule_set if result.scenario else "unreadable"
        by_rule_set.setdefault(key, []).append(result)
    for rule_set, group in by_rule_set.items():
        node = ET.SubElement(root, "testsuite", {
            "name": f"{suite}.{rule_set}", "tests": str(len(group)),
            "failures": str(sum(r.status == "fail" for r in group)),
            "errors": str(sum(r.status == "error" for r in group)),
            "time": f"{sum(r.seconds for r in group):.3f}"})
        for result in group:
            case = ET.SubElement(node, "testcase", {
                "classname": f"{suite}.{rule_set}", "name": result.name,
                "file": str(result.path), "time": f"{result.seconds:.3f}"})
            if result.status == "fail":
                first = result.failures[0].message
                ET.SubElement(case, "failure", {"message": first}).text = result.text()
            elif result.status == "error":
                ET.SubElement(case, "error", {"message": result.problems[0]}).text = (
                    result.text())
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def scenario_files(paths: Iterable[str | Path], rule_set_files: list[Path] | None = None
                   ) -> list[Path]:
    """Files as given; in a directory its `*.scenario.yaml` files, or when it has none
    every `*.yaml` / `*.yml` file that is not a rule set (as in quyche's own
    tests/scenarios/<rule-set>/). The rule-set files passed over are appended to
    `rule_set_files`, so a caller can say so."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            marked = sorted(path.rglob("*.scenario.yaml"))
            if marked:
                found += marked
                continue
            for candidate in sorted(path.rglob("*")):
                if candidate.suffix not in (".yaml", ".yml") or not candidate.is_file():
                    continue
                if _is_rule_set(candidate):
                    if rule_set_files is not None:
                        rule_set_files.append(candidate)
                else:
                    found.append(candidate)
        elif path.exists():
            found.append(path)
        else:
            raise ScenarioError([Problem(str(path), None, None, "", "no such file or directory")])
    return found


def _is_rule_set(path: Path) -> bool:
    """A YAML file that is a rule set: a mapping with `schema_version` and `instrument`."""
    try:
        data, _marks, _problems = read_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and {"schema_version", "instrument"} <= set(data)

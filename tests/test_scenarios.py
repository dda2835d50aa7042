"""Scenario tests: each file under tests/scenarios/<rule-set>/ is one test (see its README).

A scenario names the article it exercises, gives events, and lists the findings
the text requires; the runner evaluates it through the public API and compares.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

import quyche

ROOT = Path(__file__).parent / "scenarios"
FILES = sorted(ROOT.glob("*/*.yaml"))
ALLOWED = {"name", "article", "rule_set", "as_of", "since", "sites", "actors",
           "interpretations", "successions", "events", "expect", "note"}
EXPECT_KEYS = {"obligations", "violations", "absent", "counts", "rejected", "warnings"}


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
    return expected == actual


def _matches(expected: dict[str, Any], item: Any) -> bool:
    data = item.model_dump()
    for key, value in expected.items():
        if key not in data:
            raise AssertionError(f"scenario names an unknown field {key!r}; "
                                 f"report items have {sorted(data)}")
        if not _same(value, data[key]):
            return False
    return True


def _show(items: list[Any], keys: set[str]) -> str:
    rows = []
    for item in items[:30]:
        data = item.model_dump(mode="json")
        rows.append("    " + str({k: data[k] for k in sorted(keys | {"rule_id"}) if k in data}))
    more = f"\n    … {len(items) - 30} more" if len(items) > 30 else ""
    return "\n".join(rows) + more


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_scenario(path: Path) -> None:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(spec) - ALLOWED
    assert not unknown, f"unknown scenario keys {unknown}"
    assert spec.get("article"), "a scenario names the article it exercises"
    expect = spec.get("expect") or {}
    assert not set(expect) - EXPECT_KEYS, f"unknown expect keys {set(expect) - EXPECT_KEYS}"
    rs = quyche.load(spec["rule_set"], interpretations=spec.get("interpretations") or None)
    report = quyche.evaluate(rs, spec.get("events") or [], as_of=spec["as_of"],
                             since=spec.get("since"), sites=spec.get("sites"),
                             actors=spec.get("actors"), successions=spec.get("successions"))
    header = f"{spec['name']} ({spec['article']})"

    for section in ("obligations", "violations"):
        items = getattr(report, section)
        for want in expect.get(section) or []:
            same_rule = [i for i in items if i.rule_id == want.get("rule_id")]
            assert any(_matches(want, item) for item in items), (
                f"{header}\nexpected {section[:-1]} not found: {want}\n"
                f"of that rule:\n{_show(same_rule, set(want))}")
    absent = expect.get("absent") or {}
    for section in ("obligations", "violations"):
        items = getattr(report, section)
        for unwanted in absent.get(section) or []:
            hits = [i for i in items if _matches(unwanted, i)]
            assert not hits, f"{header}\nunexpected {section}:\n{_show(hits, set(unwanted))}"
    for section, by_rule in (expect.get("counts") or {}).items():
        items = getattr(report, section)
        for rule_id, count in by_rule.items():
            got = [i for i in items if i.rule_id == rule_id]
            assert len(got) == count, (
                f"{header}\n{section} of {rule_id}: expected {count}, got {len(got)}:\n"
                f"{_show(got, {'actor', 'period', 'status', 'kind', 'when', 'site'})}")
    for want in expect.get("warnings") or []:
        assert any(want in w for w in report.warnings), (
            f"{header}\nno warning contains {want!r}; warnings:\n    "
            + "\n    ".join(report.warnings))
    wanted_rejections = expect.get("rejected") or []
    for want in wanted_rejections:
        hit = [r for r in report.rejected if r.index == want["index"]]
        assert hit, f"{header}\nevent {want['index']} was not rejected: {report.rejected}"
        assert want.get("reason", "") in hit[0].reason, (
            f"{header}\nevent {want['index']} rejected for {hit[0].reason!r}, "
            f"expected a reason containing {want.get('reason')!r}")
    if not wanted_rejections:
        assert not report.rejected, f"{header}\nunexpected rejections: {report.rejected}"


def test_every_rule_set_has_scenarios():
    """Each bundled rule set has scenario files."""
    for name in quyche.rule_sets():
        assert list((ROOT / name).glob("*.yaml")), f"no scenarios for {name}"


def test_every_rule_is_exercised():
    """Every obligation, broadcast rule and constraint of every rule set is named by a scenario."""
    named: dict[str, set[str]] = {}
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        named.setdefault(path.parent.name, set()).add(text)
    missing = []
    for name in quyche.rule_sets():
        corpus = "\n".join(named.get(name, ()))
        rs = quyche.load(name)
        rule_ids = ([o.id for o in rs.obligations] + [r.id for r in rs.broadcast.rules]
                    + [c.id for c in rs.constraints])
        missing += [f"{name}.{rid}" for rid in rule_ids if rid not in corpus]
    assert not missing, f"rules no scenario exercises: {missing}"

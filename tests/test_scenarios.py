"""Scenario tests: each file under tests/scenarios/<rule-set>/ is one test (see its README).

A scenario names the article it exercises, gives events, and lists the findings
the text requires; `quyche.scenarios` (the runner `quyche test` uses) evaluates it
through the public API and compares.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import quyche
from quyche.testing.scenarios import load_scenario, run_scenario

ROOT = Path(__file__).parent / "scenarios"
FILES = sorted(ROOT.glob("*/*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_scenario(path: Path) -> None:
    result = run_scenario(path)
    assert result.passed, result.text()


def test_scenarios_are_filed_under_their_rule_set():
    """tests/scenarios/<rule-set>/: the folder names the rule set each scenario runs on."""
    for path in FILES:
        assert load_scenario(path).spec.rule_set == path.parent.name, path


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

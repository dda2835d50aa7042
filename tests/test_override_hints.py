"""Tests for `quyche.analysis.override_hints`: override hints that work as printed."""

from __future__ import annotations

import pytest

import quyche
from quyche import override
from quyche._load import read_value
from quyche.analysis.override_hints import cli_value, example_value


@pytest.mark.parametrize("value", ["12:00", "text", 1, 2.5, True, ["a", "b"], {"k": 1}, "1",
                                   "true", None])
def test_cli_value_reads_back_to_the_value(value: object) -> None:
    """What `-i ID=VALUE` is given reads back, as the command line reads it, to the value."""
    assert read_value(cli_value(value)) == value


def test_cli_value_keeps_plain_text_plain() -> None:
    """Text the command line reads as that text is printed bare, not JSON-quoted."""
    assert cli_value("12:00") == "12:00"
    assert cli_value("1") == '"1"'


@pytest.mark.parametrize("rule_set", quyche.rule_sets())
def test_example_values_load(rule_set: str) -> None:
    """Each interpretation's example value is one the override accepts."""
    rs = quyche.load(rule_set)
    for interp in rs.interpretations:
        value = example_value(rs, interp)
        override(rs, {interp.id: value})  # raises InterpretationError when it does not load
        assert example_value(rs, interp) is value  # tried once per rule set

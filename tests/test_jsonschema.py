"""Tests for `quyche.jsonschema`: the committed schema/ file is the one the models give."""

import json
from pathlib import Path

from quyche.model.jsonschema import rule_set_schema

ROOT = Path(__file__).parent.parent


def test_committed_schema_is_current():
    """Regenerate with `make schema` when this fails."""
    committed = json.loads((ROOT / "schema" / "rule-set.schema.json").read_text("utf-8"))
    assert committed == rule_set_schema()


def test_rule_sets_point_editors_at_the_schema():
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/rule-set.schema.json", path

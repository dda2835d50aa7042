"""The JSON Schema of rule-set files, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

from typing import Any

from .schema import RuleSet

__all__ = ["rule_set_schema"]


def rule_set_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a rule-set file, as pydantic describes the models."""
    schema = RuleSet.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://quyche.invalid/rule-set.schema.json"
    schema["title"] = "quyche rule set"
    return schema

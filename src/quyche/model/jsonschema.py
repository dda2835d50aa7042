"""The JSON Schema of rule-set files, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from . import RuleSet

__all__ = ["rule_set_schema", "schema_of"]


def schema_of(model: type[BaseModel], name: str, title: str,
              mode: Literal["validation", "serialization"] = "validation") -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a file format, as pydantic describes its model
    (`serialization`: as quyche writes it, computed fields included)."""
    schema = model.model_json_schema(mode=mode)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://quyche.invalid/{name}.schema.json"
    schema["title"] = title
    return schema


def rule_set_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a rule-set file, as pydantic describes the models."""
    return schema_of(RuleSet, "rule-set", "quyche rule set")

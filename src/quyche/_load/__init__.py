"""Loading rule sets: safe YAML 1.2, duplicate keys refused, every problem located.

A rule set is read (`yaml12`), validated against the schema with its problems located
(`problems`, `validation`), its cross-references checked (`references`), and readings
overridden by dotted path (`paths`, `overrides`). Loading never runs code.
"""

from __future__ import annotations

from .overrides import override
from .paths import get_path, set_path
from .problems import validation_problems
from .references import valid_language_tag
from .rule_sets import RuleSetLike, as_rule_set, dump, load, load_text, rule_sets
from .validation import validate
from .yaml12 import MAX_DATA_BYTES, locate, read_data, read_located, read_value, read_yaml

__all__ = [
    "MAX_DATA_BYTES",
    "RuleSetLike",
    "as_rule_set",
    "dump",
    "get_path",
    "load",
    "load_text",
    "locate",
    "override",
    "read_data",
    "read_located",
    "read_value",
    "read_yaml",
    "rule_sets",
    "set_path",
    "valid_language_tag",
    "validate",
    "validation_problems",
]

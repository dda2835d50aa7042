"""Finding rule sets: the bundled ones by id (or a province's name), a YAML file by
path; and writing one back as YAML."""

from __future__ import annotations

import difflib
import importlib.resources
import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, RuleSetError, RuleSetNotFound
from ..model import RuleSet
from .overrides import override
from .validation import validate
from .yaml12 import read_yaml

__all__ = ["RuleSetLike", "as_rule_set", "dump", "load", "load_text", "rule_sets"]

#: What every entry point takes as a rule set: the object, a bundled id, or a YAML file's path.
RuleSetLike = RuleSet | str | os.PathLike[str]


def load_text(text: str, filename: str = "<string>") -> RuleSet:
    """Load a rule set from YAML text."""
    data, marks, problems = read_yaml(text, filename)
    return validate(data, marks, filename, problems)


def _bundled() -> dict[str, Any]:
    folder = importlib.resources.files("quyche.rules")
    return {
        entry.name[: -len(".yaml")]: entry
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


def rule_sets() -> list[str]:
    """Ids of the bundled rule sets, sorted."""
    return sorted(_bundled())


_CACHE: dict[str, RuleSet] = {}


def as_rule_set(rule_set: RuleSetLike,
                interpretations: Mapping[str, Any] | None = None) -> RuleSet:
    """The rule set an entry point was given (loaded if an id or a path), readings overridden.

    The one place `evaluate`, `partial`, `explain`, `schedule`, ... turn their argument
    into a `RuleSet`, so each accepts the same things.
    """
    rs = rule_set if isinstance(rule_set, RuleSet) else load(rule_set)
    return override(rs, interpretations) if interpretations else rs


def load(name_or_path: str | os.PathLike[str],
         interpretations: Mapping[str, Any] | None = None) -> RuleSet:
    """A bundled rule set by id (one of `rule_sets()`) or a YAML file by path.

    `interpretations` overrides readings the rule set declares, by interpretation
    id: `load(name, interpretations={"morning_ends": "11:00"})`.
    """
    key = str(name_or_path)
    bundled = _bundled()
    if key not in bundled and _folded(key) in bundled and not Path(key).suffix \
            and not Path(key).is_file():
        key = _folded(key)  # a province's name in any case, with accents, is its id
    if key in bundled and not Path(key).suffix:
        if key not in _CACHE:
            _CACHE[key] = load_text(bundled[key].read_text(encoding="utf-8"),
                                    f"rules/{key}.yaml")
        rs = _CACHE[key]
    else:
        path = Path(name_or_path)
        if not path.is_file():
            guess = difflib.get_close_matches(_folded(key), sorted(bundled), n=1, cutoff=0.6)
            hint = f"; did you mean {guess[0]!r}?" if guess and not path.suffix else ""
            if path.suffix in (".yaml", ".yml") and path.stem in bundled:  # rules/x.yaml
                hint = f"; outside a checkout, the bundled one is {path.stem!r}"
            raise RuleSetNotFound([Problem(
                str(path), None, None, "",
                f"no such rule-set file, and no bundled rule set by that name "
                f"(bundled: {', '.join(sorted(bundled))}){hint}",
            )])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleSetError([Problem(str(path), None, None, "", f"cannot read: {exc}")]
                               ) from None
        rs = load_text(text, str(path))
    return override(rs, interpretations) if interpretations else rs


def _folded(name: str) -> str:
    """A name as a bundled id would spell it: lower case, no accents, spaces or dashes."""
    plain = unicodedata.normalize("NFD", name.lower()).replace("đ", "d")
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))


def dump(rule_set: RuleSet) -> str:
    """The rule set as YAML text that `load_text` reads back to an equal rule set."""
    data = rule_set.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)

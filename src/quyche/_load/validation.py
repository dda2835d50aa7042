"""From read data to a `RuleSet`: the schema, then the cross-references, every problem
of the file reported at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, RuleSetError
from ..model import RuleSet
from .problems import located, validation_problems
from .references import cross_references, references_of_the_rest

__all__ = ["validate"]


def validate(data: Any, marks: Mapping[str, tuple[int, int]], filename: str,
             problems: list[Problem]) -> RuleSet:
    # Duplicate keys do not stop validation: every problem of the file is reported at once.
    if data is None and problems:
        raise RuleSetError(problems)
    if not isinstance(data, dict):
        raise RuleSetError([*problems,
                            Problem(filename, 1, 1, "", "a rule set must be a mapping at top")])
    try:
        rs = RuleSet.model_validate(data)
    except ValidationError as exc:
        found = validation_problems(exc, data, marks, filename)
        rest = references_of_the_rest(data, exc)
        raise RuleSetError(problems + found + located(rest, marks, filename)) from None
    problems = problems + located(cross_references(rs), marks, filename)
    if problems:
        raise RuleSetError(problems)
    return rs

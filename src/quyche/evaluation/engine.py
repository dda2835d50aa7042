"""The native evaluation engine's entry point: events in, a report out.

Evaluation has two halves. `intake.Reader` reads one event at a time into a `Ledger`
that keeps only what the findings need, in a form that does not grow with the number
of events and that two partitions can merge; `finalize` turns a ledger into the
report. Both halves are driven by the rule set (one module per rule kind, `kinds`);
nothing here knows a province.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._load import RuleSetLike, as_rule_set
from ..errors import EvaluationError
from ..event_files import event_source
from ..events import When
from ..report import Report
from . import durable
from .collector import collector_paused
from .context import Context
from .finalize import finalize
from .intake import Reader

__all__ = ["evaluate"]


def evaluate(rule_set: RuleSetLike, events: Iterable[Any], as_of: When,
             since: When | None = None,
             sites: Iterable[Mapping[str, Any]] | None = None,
             actors: Mapping[str, Iterable[str]] | None = None, engine: str = "native",
             interpretations: Mapping[str, Any] | None = None,
             successions: Iterable[Any] | None = None) -> Report:
    """Evaluate `events` against `rule_set` as of `as_of`; see docs/contract.md for the contract.

    `events` is consumed once, as an iterator: a file of millions of lines is never
    held whole. It may also be a file's `Path` (JSON lines, a JSON array, gzip, zstd or
    Parquet) or an Arrow table: rejections then name their line or row.
    `engine="durable"` matches triggers through durable_rules (an extra).
    """
    rule_set = as_rule_set(rule_set, interpretations)
    ctx = Context(rule_set, as_of, since, sites, actors, successions)
    if engine == "native":
        reader = Reader(ctx)
    elif engine == "durable":
        reader = Reader(ctx, matcher=durable.DurableMatcher(ctx.rule_set))
    else:
        raise EvaluationError(f"engine: {engine!r}; expected 'native' or 'durable'")
    events, numbers = event_source(events)  # a file's path, an Arrow table: read as events
    if isinstance(events, (dict, str, bytes)) or not isinstance(events, Iterable):
        raise EvaluationError("events: expected an iterable of events (dicts or models), a "
                              f"file's Path or an Arrow table, got {type(events).__name__}")
    with collector_paused():
        report = finalize(ctx, reader.add_all(events))
    return report if numbers is None else report.with_lines(numbers.line_of)

